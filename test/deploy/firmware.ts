/**
 * Test helpers: build the bring-up firmware with targets/firmware/Makefile and read its size line.
 * The builds run through make, exactly as a user would run them.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../ts/core/paths.js';
import { underFlock } from '../../ts/deploy/firmware.js';

export const BOARDS = [
  { board: 'mps2-an386', target: 'qemu-mps2-an386' },
  { board: 'lm3s6965evb', target: 'qemu-lm3s6965evb' },
  { board: 'mps2-an505', target: 'qemu-mps2-an505' },
  { board: 'mps3-an547', target: 'qemu-mps3-an547' },
  { board: 'netduinoplus2', target: 'qemu-netduinoplus2' },
] as const;

/** Real boards whose firmware builds here (and runs only on the board). */
export const REAL_BOARDS = [{ board: 'nucleo-f429zi', target: 'nucleo-f429zi' }] as const;

export interface SizeLine {
  readonly target: string;
  readonly app: string;
  readonly flash: number;
  readonly flashTotal: number;
  readonly ram: number;
  readonly ramTotal: number;
}

const SIZE_LINE = /^wrt-size target=(\S+) app=(\S+) flash=(\d+) flash_total=(\d+) ram=(\d+) ram_total=(\d+)$/m;

/** The `wrt-size` line the firmware build prints, or undefined when there is none. */
export function parseSizeLine(output: string): SizeLine | undefined {
  const match = SIZE_LINE.exec(output);
  if (match === null) return undefined;
  const [, target = '', app = '', flash = '', flashTotal = '', ram = '', ramTotal = ''] = match;
  return { target, app, flash: Number(flash), flashTotal: Number(flashTotal), ram: Number(ram), ramTotal: Number(ramTotal) };
}

export function firmwareDir(): string {
  return join(packageRoot(), 'targets', 'firmware');
}

/**
 * Builds one board's image; returns make's output and the ELF path. Test files run in parallel and
 * share build/firmware, so builds take turns under flock(1) where it exists.
 */
export function buildFirmware(board: string, app = 'bringup', extra: readonly string[] = []): { readonly output: string; readonly elf: string } {
  const make = ['make', '--no-print-directory', '-C', firmwareDir(), 'image', `BOARD=${board}`, `APP=${app}`, ...extra];
  const [command = 'make', ...args] = underFlock(join(packageRoot(), 'build', 'firmware', '.build.lock'), make);
  const output = execFileSync(command, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { output, elf: join(packageRoot(), 'build', 'firmware', board, `${app}.elf`) };
}
