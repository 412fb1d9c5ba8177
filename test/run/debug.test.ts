import { beforeAll, describe, expect, it } from 'vitest';
import { BufferedOutput } from '../../ts/core/output.js';
import { main } from '../../ts/cli/main.js';
import { buildRealNativeSim, watFixture } from './helpers.js';

/**
 * `run --debug basic|full --break FUNC` on native-sim (docs/limits.md, "Debugging on the device"):
 * the profile is compiled at the debug level, the device stops at each entry of the function and
 * sends its arguments and stack, and after a trap the last function entries of its trace ring.
 */
let sim = '';
let wasm = '';

beforeAll(() => {
  sim = buildRealNativeSim();
  // --debug-names is wat2wasm's: without it the $names are not in the name section. The fixture
  // helper passes none, so the names come from the exports only where the module has no section.
  wasm = watFixture('debug');
});

async function cli(args: readonly string[]): Promise<{ code: number; out: BufferedOutput }> {
  const out = new BufferedOutput();
  const code = await main(['node', 'wrt-target', 'run', wasm, ...args], { output: out, env: { ...process.env, WRT_NATIVE_SIM: sim } });
  return { code, out };
}

describe('run --debug --break on native-sim', () => {
  it('stops at each entry of fib with its argument and the stack, and the run continues', async () => {
    const { code, out } = await cli(['--invoke', 'fib', '3', '--debug', 'basic', '--break', 'fib']);
    expect(code).toBe(0);
    expect(out.stdout).toEqual(['i32:2']);
    const hits = out.stderr.filter((l) => l.startsWith('break #'));
    // fib(3) -> fib(2) -> fib(1), fib(0); then fib(1).
    expect(hits).toEqual(['break #1 at fib(i32:3)', 'break #2 at fib(i32:2)', 'break #3 at fib(i32:1)', 'break #4 at fib(i32:0)', 'break #5 at fib(i32:1)']);
    // The third hit's stack: fib at its entry, then its two callers, innermost first.
    const third = out.stderr.indexOf('break #3 at fib(i32:1)');
    expect(out.stderr.slice(third + 1, third + 4)).toEqual(['   0: fib', '   1: fib', '   2: fib']);
    expect(out.stderr[third + 4]).toBe('break #4 at fib(i32:0)');
  });

  it('breaks by index as by name, and carries the hits in --json', async () => {
    const { code, out } = await cli(['--invoke', 'fib', '2', '--debug', 'full', '--break', '0', '--json']);
    expect(code).toBe(0);
    const doc = JSON.parse(out.stdout.join('\n')) as { breaks: { hit: number; function: number; functionName: string | null; args: string[]; depth: number; frames: unknown[] }[]; trace: unknown };
    expect(doc.breaks.map((b) => [b.hit, b.functionName, b.args, b.depth])).toEqual([
      [1, 'fib', ['i32:2'], 1],
      [2, 'fib', ['i32:1'], 2],
      [3, 'fib', ['i32:0'], 2],
    ]);
    expect(doc.breaks[1]?.frames).toEqual([{ function: 0, functionName: 'fib', cell: 0 }, expect.objectContaining({ function: 0, functionName: 'fib' })]);
    expect(doc.trace).toBeNull();
  });

  it('after a trap prints the last function entries, oldest first, with names and the count', async () => {
    const { code, out } = await cli(['--invoke', 'crash', '3', '--debug', 'basic']);
    expect(code).toBe(1);
    const at = out.stderr.indexOf('last 7 function entries (of 7):');
    expect(at).toBeGreaterThan(0);
    // crash, fib(3), fib(2), fib(1), fib(0), fib(1), then the trapping function (no name: <wasm function 2>).
    expect(out.stderr.slice(at + 1, at + 8).map((l) => l.trim())).toEqual([
      'crash (depth 1)',
      'fib (depth 2)',
      'fib (depth 3)',
      'fib (depth 4)',
      'fib (depth 4)',
      'fib (depth 3)',
      '<wasm function 2> (depth 2)',
    ]);
  });

  it('counts the entries the ring overwrote (basic keeps 1024)', async () => {
    // fib(16) enters fib 3193 times, plus crash and the trapping function.
    const { code, out } = await cli(['--invoke', 'crash', '16', '--debug', 'basic', '--json']);
    expect(code).toBe(1);
    const doc = JSON.parse(out.stdout.join('\n')) as { trace: { overwritten: number; lost: number; entries: { function: number; depth: number }[] } };
    expect(doc.trace.entries).toHaveLength(1024);
    expect(doc.trace.overwritten).toBe(3193 + 2 - 1024);
    expect(doc.trace.lost).toBe(0);
    expect(doc.trace.entries.at(-1)).toEqual({ function: 2, functionName: null, depth: 2 });
  });

  it('without a debug level --break is refused, naming the budget and what to add', async () => {
    const { code, out } = await cli(['--invoke', 'fib', '3', '--break', 'fib']);
    expect(code).toBe(2);
    expect(out.stderr.join('\n')).toMatch(/--break needs a debug level above none: the debug budget gives breakpoints 0 at debug level none.*add --debug basic/s);
  });

  it('refuses more --break functions than the breakpoints of the level, and an unknown name with did you mean', async () => {
    const nine = ['0', '1', '2', '3', '4', '5', '6', '7', '8'].flatMap((i) => ['--break', i]);
    // Function 0..8 are fib, crash, fail, f3..f8: nine functions with bodies, basic gives 8.
    const over = await cli(['--invoke', 'fib', '3', '--debug', 'basic', ...nine]);
    expect(over.code).toBe(1);
    expect(over.out.stderr.join('\n')).toMatch(/9 --break functions; the profile's debug budget gives 8 breakpoints \(debug level basic\).*at most 8 breakpoints/s);
    const typo = await cli(['--invoke', 'fib', '3', '--debug', 'basic', '--break', 'fibb']);
    expect(typo.code).toBe(2);
    expect(typo.out.stderr.join('\n')).toMatch(/--break fibb: the module has no function of that name; did you mean fib\?/);
  });

  it('keeps --debug full refused at ASIL C, as the profile rules say', async () => {
    const { code, out } = await cli(['--invoke', 'fib', '3', '--debug', 'full', '--asil', 'C', '--fuel', '1000']);
    expect(code).toBe(1);
    expect(out.stderr.join('\n')).toMatch(/debug level full/);
  });
});
