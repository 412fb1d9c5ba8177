import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseComponentText as parse } from '../../tools/oracles/jco.js';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';

const dir = mkdtempSync(join(tmpdir(), 'wrt-component-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function component(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  writeFileSync(path, await parse(text));
  return path;
}

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const output = new BufferedOutput();
  const code = await main(['node', 'wrt-target', ...args], { output, env: {}, cwd: dir });
  return { code, out: output.text, err: output.stderr.join('\n') };
}

/** One nested component with a 1-page memory, instantiated twice, exporting a lifted function. */
const TWICE = `(component
  (component $inner
    (core module $m
      (memory (export "mem") 1)
      (func (export "run") (param i32 i32))
      (func (export "realloc") (param i32 i32 i32 i32) (result i32) i32.const 0))
    (core instance $i (instantiate $m))
    (func (export "run") (param "msg" string)
      (canon lift (core func $i "run") (memory (core memory $i "mem")) (realloc (core func $i "realloc")) string-encoding=utf16)))
  (instance $a (instantiate $inner))
  (instance $b (instantiate $inner))
  (export "run" (func $a "run")))`;

describe('wrt-target component inspect', () => {
  it('prints the tree and the requirements with multiplicity, in 80 columns', async () => {
    const file = await component('twice.wasm', TWICE);
    const result = await run('component', 'inspect', file);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^component 0 {2}@0\n {2}component 1 {2}@\d+\n {4}core module 0 \(\d+ B\) {2}@\d+/);
    expect(result.out).toMatch(/\n0 {12}\d+ +2 +[0-9a-f]{15}…/);
    expect(result.out).toMatch(/\n0 +0 +2 +1 +0 +0 +0\n/);
    expect(result.out).toContain('string encodings       utf16');
    expect(result.out).toContain('realloc / post-return  1 / 0');
    expect(Math.max(...result.out.split('\n').map((l) => l.length))).toBeLessThanOrEqual(80);
  });

  it('prints the world as WIT with --wit and everything as JSON with --json', async () => {
    const file = await component('twice.wasm', TWICE);
    expect((await run('component', 'inspect', file, '--wit')).out).toBe('package root:component;\n\nworld root {\n  export run: func(msg: string);\n}');
    const json = JSON.parse((await run('component', 'inspect', file, '--json')).out) as {
      schema: string;
      requirements: { modules: { sha256: string; instantiations: number }[]; componentInstances: number };
    };
    expect(json.schema).toBe('wrt-target/component-inspect');
    expect(json.requirements.modules[0]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(json.requirements.modules[0]?.instantiations).toBe(2);
    expect(json.requirements.componentInstances).toBe(2);
  });

  it('refuses an invalid component with exit 1, the code and the byte offset', async () => {
    const file = await component('bad.wasm', '(component (type $t u32) (type (own $t)))');
    const result = await run('component', 'inspect', file);
    expect(result.code).toBe(1);
    expect(result.err).toContain(`error[COMPONENT_INVALID]: ${file}: byte 12 (0xc): type section: type index 0 is not a resource type`);
  });
});

describe('wrt-target validate of a component', () => {
  it('detects the component by its layer byte and validates it', async () => {
    const file = await component('twice.wasm', TWICE);
    const result = await run('validate', file);
    expect(result.code).toBe(0);
    expect(result.out.split('\n')[0]).toMatch(new RegExp(`^${file}: valid component \\(\\d+ B, 1 core modules\\)$`));
    const bad = await component('gated.wasm', '(component (type (future u8)))');
    const refused = await run('validate', bad);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('error[COMPONENT_UNSUPPORTED]');
  });
});

describe('wrt-target profile of a component', () => {
  it('sums the core instances with multiplicity and the runtime, within the target', async () => {
    const file = await component('twice.wasm', TWICE);
    const result = await run('profile', file, '--target', 'nucleo-f429zi', '--asil', 'QM');
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^component budget of .* on target nucleo-f429zi: \d+ of \d+ bytes/);
    const moduleRow = /core module 0 \(sha256 [0-9a-f]{12}\) +(\d+) +2 +(\d+)/.exec(result.out);
    expect(moduleRow).not.toBeNull();
    expect(Number(moduleRow?.[2])).toBe(2 * Number(moduleRow?.[1]));
    expect(Number(moduleRow?.[1])).toBeGreaterThan(65536);
    expect(result.out).toMatch(/instances +5\n/);
  });

  it('refuses a component that does not fit, naming the largest contributors, and counts instances against maxInstances', async () => {
    const file = await component('twice.wasm', TWICE);
    const tooSmall = await run('profile', file, '--target', 'nucleo-f429zi', '--asil', 'QM', '--max-memory', '120000');
    expect(tooSmall.code).toBe(1);
    expect(tooSmall.err).toMatch(/component arena: needs \d+ bytes; largest: core module 0 \(sha256 [0-9a-f]{12}\) \d+ B × 2 = \d+ B/);
    const few = await run('profile', file, '--target', 'nucleo-f429zi', '--asil', 'QM', '--max-instances', '4');
    expect(few.code).toBe(1);
    expect(few.err).toContain('instances: needs 5 instances (3 component, 2 core); target gives 4');
  });

  it('counts every memory of a core module with several (multi-memory), not only memory 0', async () => {
    const text = (extra: string) => `(component
      (core module $M (memory $a 1) ${extra}
        (func (export "f") (result i32) (memory.size $a)))
      (core instance $m (instantiate $M))
      (func (export "f") (result u32) (canon lift (core func $m "f"))))`;
    const moduleBytes = async (name: string, extra: string): Promise<number> => {
      const result = await run('profile', await component(name, text(extra)), '--target', 'nucleo-f429zi', '--asil', 'QM');
      expect([result.code, result.err]).toEqual([0, '']);
      return Number(/core module 0 \(sha256 [0-9a-f]{12}\) +(\d+) +1 +/.exec(result.out)?.[1]);
    };
    const one = await moduleBytes('one-memory.wasm', '');
    const two = await moduleBytes('two-memories.wasm', '(memory $b 1)');
    // Its page, and 64 bytes of meta (native-sim --measure, 64-bit): the memory's record and its slot in the instance's table.
    expect(two - one).toBe(65_536 + 64);
  });
});
