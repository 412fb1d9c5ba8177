/**
 * Start-up cost of the commands a user runs most, beside a bare `node -e 0` started the same way
 * in the same run. Goal: `probe`, `validate` and `run` within 50 ms of CPU of `node -e 0`.
 *
 * Wall time is the median of the spawned process's life. CPU time (user + system) is what the
 * kernel charged to the finished child and its own children (cutime + cstime in /proc/self/stat,
 * as /usr/bin/time reports it), averaged: it counts in clock ticks, and the mean of 10 runs
 * resolves what one tick cannot. `run`'s figures include native-sim, its child.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../ts/core/paths.js';
import { ratio } from './measure.js';

const RUNS = 10;
const GOAL_MS = 50;

interface Sample {
  readonly wallMs: number;
  readonly cpuMs: number;
}

function clockTicksPerSecond(): number {
  const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number(result.stdout?.trim());
  return Number.isInteger(ticks) && ticks > 0 ? ticks : 100;
}

/** CPU the kernel charged to this process's finished children so far, in ms. */
function childrenCpuMs(ticksPerSecond: number): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // Fields after "(comm) " start at field 3 (state); cutime and cstime are fields 16 and 17.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / ticksPerSecond;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Median wall time and mean CPU time of `node ...args`, after one warm-up run (which also leaves the CLI's code cache, ts/cli/launch.ts). */
function measure(args: readonly string[], cwd: string, ticksPerSecond: number): Sample {
  const wall: number[] = [];
  let cpuMs = 0;
  for (let i = 0; i <= RUNS; i += 1) {
    const cpuBefore = childrenCpuMs(ticksPerSecond);
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.error !== undefined) throw result.error;
    if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${String(result.status)}: ${String(result.stderr)}`);
    if (i === 0) continue;
    wall.push(elapsed);
    cpuMs += childrenCpuMs(ticksPerSecond) - cpuBefore;
  }
  return { wallMs: median(wall), cpuMs: cpuMs / RUNS };
}

export async function bench(log: (line: string) => void): Promise<void> {
  const root = packageRoot();
  // The committed example (test/cli/examples.test.ts keeps it equal to examples/add.wat).
  const add = join(root, 'examples', 'add.wasm');
  const commands: readonly (readonly [string, readonly string[]])[] = [
    ['wrt-target probe --json', ['bin/wrt-target.js', 'probe', '--json']],
    ['wrt-target validate add.wasm', ['bin/wrt-target.js', 'validate', add]],
    ['wrt-target run add.wasm --invoke add 2 3', ['bin/wrt-target.js', 'run', add, '--invoke', 'add', '2', '3']],
  ];
  const ticks = clockTicksPerSecond();
  const baseline = measure(['-e', '0'], root, ticks);
  log(`start-up: ${RUNS} runs each; wall median, CPU (user + system, with children) mean; goal: CPU within ${GOAL_MS} ms of node -e 0`);
  log(`  ${'command'.padEnd(40)} ${'wall ms'.padStart(8)} ${'CPU ms'.padStart(8)}  CPU vs node -e 0`);
  log(`  ${'node -e 0'.padEnd(40)} ${baseline.wallMs.toFixed(1).padStart(8)} ${baseline.cpuMs.toFixed(1).padStart(8)}  (baseline)`);
  for (const [name, args] of commands) {
    const sample = measure(args, root, ticks);
    const extra = sample.cpuMs - baseline.cpuMs;
    const verdict = extra <= GOAL_MS ? 'within goal' : 'over goal';
    log(
      `  ${name.padEnd(40)} ${sample.wallMs.toFixed(1).padStart(8)} ${sample.cpuMs.toFixed(1).padStart(8)}  ${ratio(sample.cpuMs, baseline.cpuMs)}, +${extra.toFixed(1)} ms (${verdict}); wall ${ratio(sample.wallMs, baseline.wallMs)}, +${(sample.wallMs - baseline.wallMs).toFixed(1)} ms`,
    );
  }
}
