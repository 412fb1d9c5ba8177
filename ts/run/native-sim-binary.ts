/** Where the real native-sim is (build/native-sim/native-sim, built by `make -C native/sim`). */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WrtError } from '../core/errors.js';
import { packageRoot } from '../core/paths.js';
import { NATIVE_SIM_UPLOAD_BYTES } from '../targets/upload-capacity.js';

export const NATIVE_SIM_ENV = 'WRT_NATIVE_SIM';

/** The simulator binary: $WRT_NATIVE_SIM when set (e.g. the ASan build), else the package's build. */
export function nativeSimBinary(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[NATIVE_SIM_ENV];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : path.join(packageRoot(), 'build', 'native-sim', 'native-sim');
}

/** The ASan+UBSan build of the same sources (tests). */
export function nativeSimAsanBinary(): string {
  return path.join(packageRoot(), 'build', 'native-sim', 'native-sim-asan');
}

/** TOOL_MISSING naming the build command when the binary is not there. */
export function requireNativeSim(binary: string): string {
  if (!fs.existsSync(binary)) {
    throw new WrtError('TOOL_MISSING', `native-sim is not built: ${binary}`, {
      file: binary,
      limit: 'build it with `make -C native/sim` (scripts/setup.sh does)',
    });
  }
  return binary;
}

/**
 * native-sim's command line for one session: the upload capacity the host checks modules against
 * before reading them (ts/targets/upload-capacity.ts), and the arena. A program's argv and
 * environment are not on it: they travel in the ARGS message, as on a board.
 */
export function nativeSimArgs(options: { readonly arenaBytes?: number }): string[] {
  const args = ['--upload-capacity', String(NATIVE_SIM_UPLOAD_BYTES)];
  return options.arenaBytes === undefined ? args : [...args, '--arena', String(options.arenaBytes)];
}
