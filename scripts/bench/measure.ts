import { spawnSync } from 'node:child_process';

export interface WallTimes {
  readonly medianMs: number;
  readonly minMs: number;
  readonly runs: number;
}

/** Runs a command `runs` times (after one warm-up) and returns the median and minimum wall time. */
export function timeCommand(argv: readonly [string, ...string[]], runs: number, cwd: string): WallTimes {
  const [command, ...args] = argv;
  const samples: number[] = [];
  for (let i = 0; i <= runs; i += 1) {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { cwd, stdio: 'ignore' });
    const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
    if (result.error !== undefined) throw result.error;
    if (i > 0) samples.push(elapsed);
  }
  samples.sort((a, b) => a - b);
  const mid = Math.floor(samples.length / 2);
  const median = samples.length % 2 === 1 ? samples[mid]! : (samples[mid - 1]! + samples[mid]!) / 2;
  return { medianMs: median, minMs: samples[0]!, runs };
}

export function ratio(value: number, baseline: number): string {
  return `${(value / baseline).toFixed(2)}x`;
}
