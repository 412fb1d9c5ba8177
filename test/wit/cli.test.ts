import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';

const dir = mkdtempSync(join(tmpdir(), 'wrt-wit-'));
writeFileSync(join(dir, 'good.wit'), 'package a:b@1.0.0;\ninterface i {\n  f: func(x: u32) -> string;\n}\nworld w {\n  import i;\n}\n');
writeFileSync(join(dir, 'bad.wit'), 'package a:b;\ninterface i {\n  f: func(x: u33);\n}\n');
writeFileSync(join(dir, 'gated.wit'), 'package a:b;\ninterface i {\n  @unstable(feature = fast)\n  f: func();\n}\n');
writeFileSync(join(dir, 'wrt-target.yaml'), 'wit:\n  preset: small\n  maxWorlds: 1\n');

async function run(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: BufferedOutput }> {
  const out = new BufferedOutput();
  const code = await main(['node', 'wrt-target', 'wit', ...args], { output: out, env, cwd: dir });
  return { code, out };
}

describe('wrt-target wit', () => {
  it('check: exit 0 and a summary line per path', async () => {
    const { code, out } = await run(['check', 'good.wit']);
    expect(code).toBe(0);
    expect(out.stdout[0]).toBe('good.wit: ok: package a:b@1.0.0: 1 interfaces, 1 worlds; 1 packages, 0 types in all');
    expect(out.stdout).toContain('1 of 1 paths resolved');
  });

  it('check: exit 1 with the compiler-style error for a bad path, the good one still checked', async () => {
    const { code, out } = await run(['check', 'good.wit', 'bad.wit']);
    expect(code).toBe(1);
    expect(out.stderr.join('\n')).toBe(['bad.wit:3:14: error[WIT_UNDEFINED]: name `u33` does not exist', '  |', '3 |   f: func(x: u33);', '  |              ^--'].join('\n'));
    expect(out.stdout).toContain('1 of 2 paths resolved');
  });

  it('check --json: the Resolve in wit-parser shape and every limit with its source', async () => {
    const { code, out } = await run(['check', 'good.wit', '--json', '--preset', 'large', '--max-worlds', '3'], { WRT_WIT_MAX_INTERFACES: '5' });
    expect(code).toBe(0);
    const doc = JSON.parse(out.text) as { schema: string; limits: Record<string, { value: unknown; source: string }>; results: { ok: boolean; resolve: { packages: { name: string }[] } }[] };
    expect(doc.schema).toBe('wrt-target/wit-check');
    expect(doc.limits['preset']).toEqual({ value: 'large', source: 'cli --preset' });
    expect(doc.limits['maxWorlds']).toMatchObject({ value: 3, source: 'cli --max-worlds' });
    expect(doc.limits['maxInterfaces']).toMatchObject({ value: 5, source: 'env WRT_WIT_MAX_INTERFACES' });
    expect(doc.results[0]?.resolve.packages[0]?.name).toBe('a:b@1.0.0');
  });

  it('check --features keeps @unstable items; without it they are filtered out', async () => {
    const without = await run(['check', 'gated.wit', '--json']);
    const withFeature = await run(['check', 'gated.wit', '--json', '--features', 'fast']);
    const functions = (text: string): string[] => {
      const doc = JSON.parse(text) as { results: { resolve: { interfaces: { functions: Record<string, unknown> }[] } }[] };
      return Object.keys(doc.results[0]?.resolve.interfaces[0]?.functions ?? {});
    };
    expect(functions(without.out.text)).toEqual([]);
    expect(functions(withFeature.out.text)).toEqual(['f']);
  });

  it('reads wit: limits from the config file, and flags override them', async () => {
    const fromConfig = await run(['check', 'good.wit', '--config', 'wrt-target.yaml', '--json']);
    const doc = JSON.parse(fromConfig.out.text) as { limits: Record<string, { value: unknown; source: string }> };
    expect(doc.limits['preset']).toEqual({ value: 'small', source: 'config wrt-target.yaml: wit.preset' });
    expect(doc.limits['maxWorlds']).toMatchObject({ value: 1, source: 'config wrt-target.yaml: wit.maxWorlds' });
    const refused = await run(['check', 'good.wit', '--config', 'wrt-target.yaml', '--max-worlds', 'many']);
    expect(refused.code).toBe(2);
  });

  it('print: the package as normalized WIT', async () => {
    const { code, out } = await run(['print', 'good.wit']);
    expect(code).toBe(0);
    expect(out.text).toBe('package a:b@1.0.0;\n\ninterface i {\n  f: func(x: u32) -> string;\n}\n\nworld w {\n  import i;\n}');
  });

  it('exit 2 for a path that does not exist', async () => {
    const { code, out } = await run(['check', 'missing.wit']);
    expect(code).toBe(2);
    expect(out.stderr.join('\n')).toContain('missing.wit: error[FILE_NOT_FOUND]');
  });
});
