import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { packageRoot } from '../../ts/core/paths.js';
import { wat } from '../wasm/wat.js';

/** The committed example modules do what the --help examples say they do. */
async function run(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new BufferedOutput();
  const code = await main(['node', 'wrt-target', ...args], { output: out, env: {}, cwd: packageRoot() });
  return { code, stdout: out.stdout.join('\n'), stderr: out.stderr.join('\n') };
}

const example = (name: string): string => join(packageRoot(), 'examples', name);

describe('examples/', () => {
  it('add.wasm is add.wat assembled with its names (npm run examples)', () => {
    const committed = new Uint8Array(readFileSync(example('add.wasm')));
    expect(committed).toEqual(wat(readFileSync(example('add.wat'), 'utf8'), { names: true }));
  });

  it('add.wasm and hello.wasm validate', async () => {
    for (const name of ['add.wasm', 'hello.wasm']) {
      const result = await run(['validate', `examples/${name}`]);
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^examples/${name}: valid WebAssembly 2\\.0 module`));
    }
  });

  it('hello.wasm carries no DWARF (built with --strip-debug)', async () => {
    const result = await run(['validate', 'examples/hello.wasm', '--json']);
    const report = JSON.parse(result.stdout) as { bytes: number; customSections: { name: string }[] };
    expect(report.customSections.map((s) => s.name).filter((n) => n.startsWith('.debug'))).toEqual([]);
    expect(report.bytes).toBeLessThan(32 * 1024);
  });

  it('run examples/add.wasm --invoke add 2 3 prints i32:5', async () => {
    expect(await run(['run', 'examples/add.wasm', '--invoke', 'add', '2', '3'])).toMatchObject({ code: 0, stdout: 'i32:5' });
  });

  it('boom traps with unreachable and spin runs out of fuel, each named', async () => {
    const boom = await run(['run', 'examples/add.wasm', '--invoke', 'boom']);
    expect(boom.code).toBe(1);
    expect(boom.stderr).toMatch(/trap: unreachable .*in function 1 \(boom\)/);
    const spin = await run(['run', 'examples/add.wasm', '--invoke', 'spin', '--fuel', '100000']);
    expect(spin.code).toBe(1);
    expect(spin.stderr).toMatch(/trap: fuel exhausted .*in function 2 \(spin\), after 100000 instructions/);
  });

  it('run examples/hello.wasm -- --name board prints hello, board', async () => {
    const hello = await run(['run', 'examples/hello.wasm', '--', '--name', 'board']);
    expect(hello.code).toBe(0);
    expect(hello.stdout).toBe('hello, board\n');
  });

  it('validate with examples/limits.yaml refuses hello.wasm for its 2 pages of memory', async () => {
    const result = await run(['validate', 'examples/hello.wasm', '--limits', 'examples/limits.yaml']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/memory 0 starts with 2 pages \(131072 bytes\), more than the 65536 bytes .*\(linearMemoryBytes\)/);
  });

  it('hello.wasm is within the limits of the targets the help examples name', async () => {
    for (const target of ['nucleo-f429zi', 'qemu-mps2-an386']) {
      expect((await run(['validate', 'examples/hello.wasm', '--target', target])).code).toBe(0);
    }
  });
});
