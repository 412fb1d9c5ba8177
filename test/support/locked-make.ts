/**
 * make in one folder of the tree, under flock(1) on a lock of that folder's own (build/locks/),
 * where flock exists. The suite runs two test files at once (vitest.config.ts): two files that
 * build the same folder would otherwise write the same objects at once and link half-written ones.
 * Builds of native/sim and the firmware take their own, older locks (test/device/sim-helpers.ts,
 * ts/deploy/firmware.ts) and tools/interp/build.ts its own for native/interp's libraries.
 */
import { execFileSync, type ExecFileSyncOptions } from 'node:child_process';
import { join, relative } from 'node:path';
import { packageRoot } from '../../ts/core/paths.js';
import { underFlock } from '../../ts/deploy/firmware.js';

/** Runs `make -s -C dir ...args` under the folder's lock; output as execFileSync gives it. */
export function lockedMake(dir: string, args: readonly string[] = [], options: ExecFileSyncOptions = { stdio: ['ignore', 'pipe', 'pipe'] }): string {
  const root = packageRoot();
  const lock = join(root, 'build', 'locks', `${relative(root, dir).split(/[\\/]/).join('-') || 'root'}.lock`);
  const [command = 'make', ...rest] = underFlock(lock, ['make', '-s', '-C', dir, ...args]);
  return String(execFileSync(command, rest, { encoding: 'utf8', ...options }));
}
