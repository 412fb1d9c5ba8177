/**
 * Debugging on the Cortex-M4 firmware (qemu-mps2-an386): `deploy --debug basic --break fib`
 * compiles the board's profile at debug level basic (its trace ring and breakpoints sized from the
 * board's RAM), the firmware stops at each entry of fib and sends its argument and stack, and
 * after a trap it sends the last function entries. Skipped where QEMU is not installed.
 */
import { describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { findExecutable } from '../../ts/deploy/qemu.js';
import { watModule } from './deploy-helpers.js';

async function deployCli(args: readonly string[]): Promise<{ code: number; out: BufferedOutput }> {
  const out = new BufferedOutput();
  const code = await main(['node', 'wrt-target', 'deploy', ...args], { output: out, env: process.env });
  return { code, out };
}

describe.skipIf(findExecutable('qemu-system-arm') === undefined)('deploy --debug on qemu-mps2-an386', () => {
  it('stops at fib with its arguments and stack, and after a trap prints the trace', async () => {
    const file = watModule('debug');
    const hits = await deployCli([file, '--target', 'qemu-mps2-an386', '--invoke', 'fib', '3', '--debug', 'basic', '--break', 'fib']);
    expect(hits.code).toBe(0);
    expect(hits.out.stdout).toEqual(['i32:2']);
    expect(hits.out.stderr.filter((l) => l.startsWith('break #'))).toEqual([
      'break #1 at fib(i32:3)',
      'break #2 at fib(i32:2)',
      'break #3 at fib(i32:1)',
      'break #4 at fib(i32:0)',
      'break #5 at fib(i32:1)',
    ]);
    const second = hits.out.stderr.indexOf('break #2 at fib(i32:2)');
    expect(hits.out.stderr.slice(second + 1, second + 3)).toEqual(['   0: fib', '   1: fib']);

    const trapped = await deployCli([file, '--target', 'qemu-mps2-an386', '--invoke', 'crash', '3', '--debug', 'basic', '--json']);
    expect(trapped.code).toBe(1);
    const doc = JSON.parse(trapped.out.stdout.join('\n')) as { trap: { code: number }; trace: { overwritten: number; entries: { function: number; functionName: string | null; depth: number }[] } };
    expect(doc.trap.code).toBe(1);
    expect(doc.trace.overwritten).toBe(0);
    expect(doc.trace.entries.map((e) => [e.functionName ?? e.function, e.depth])).toEqual([
      ['crash', 1],
      ['fib', 2],
      ['fib', 3],
      ['fib', 4],
      ['fib', 4],
      ['fib', 3],
      [2, 2],
    ]);
  }, 180_000);
});
