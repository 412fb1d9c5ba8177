/**
 * Where the real native-sim is: $WRT_NATIVE_SIM, else a local build (build/native-sim/native-sim
 * in a checkout, <cache>/build/native-sim/native-sim in an install), else the one the package ships
 * for this platform (prebuilds/<platform>-<arch>/native-sim).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureStateDir, stateDir } from '../core/cache-dir.js';
import { WrtError } from '../core/errors.js';
import { packageRoot } from '../core/paths.js';
import { prebuildTuple, prebuiltNativeSimPath } from '../core/prebuilds.js';
import type { NativesFile } from '../targets/host-functions.js';
import { nativeSimMemoryArgs, type ResolvedMemoryAdapter } from '../targets/memory-adapter.js';
import { NATIVE_SIM_UPLOAD_BYTES } from '../targets/upload-capacity.js';

export const NATIVE_SIM_ENV = 'WRT_NATIVE_SIM';

/**
 * The superinstructions a core compiles, which fix its code cells: all (a 64-bit build), narrow (a
 * 32-bit device: no 64-bit ones) or none (the small executor). native-sim measures a module's code
 * (--measure) and locates a trap's cells (--locate) in each.
 */
export type CodeForm = 'all' | 'narrow' | 'none';

/** The form a core of `pointerBits` with `executor` compiles. */
export function codeFormFor(pointerBits: 32 | 64, executor: 'fast' | 'small'): CodeForm {
  // The small executor has no superinstructions at all: the same form on 32 and 64 bits.
  return executor === 'small' ? 'none' : pointerBits === 32 ? 'narrow' : 'all';
}

/** native-sim's flag for a code form. */
export function codeFormFlags(form: CodeForm): string[] {
  return form === 'none' ? ['--unfused'] : form === 'narrow' ? ['--narrow'] : [];
}

/** The local build's path: what `make -C native/sim BUILD=<build state>` writes. */
function localNativeSim(env: NodeJS.ProcessEnv): string {
  return path.join(stateDir('build', env), 'native-sim', 'native-sim');
}

/** The simulator binary: $WRT_NATIVE_SIM when set (e.g. the ASan build), else a local build, else the shipped one. */
export function nativeSimBinary(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[NATIVE_SIM_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const local = localNativeSim(env);
  if (fs.existsSync(local)) return local;
  const shipped = prebuiltNativeSimPath();
  return fs.existsSync(shipped) ? shipped : local;
}

/** The ASan+UBSan build of the same sources (tests, in a checkout). */
export function nativeSimAsanBinary(): string {
  return path.join(packageRoot(), 'build', 'native-sim', 'native-sim-asan');
}

/** TOOL_MISSING naming the build command (and its Debian packages) when the binary is not there. */
export function requireNativeSim(binary: string, env: NodeJS.ProcessEnv = process.env): string {
  if (fs.existsSync(binary)) return binary;
  const fromEnv = env[NATIVE_SIM_ENV];
  if (fromEnv !== undefined && fromEnv !== '') {
    throw new WrtError('TOOL_MISSING', `$${NATIVE_SIM_ENV} names ${binary}, which does not exist`, {
      file: binary,
      field: NATIVE_SIM_ENV,
      limit: `unset ${NATIVE_SIM_ENV} to use the package's native-sim`,
    });
  }
  const local = localNativeSim(env);
  const buildDir = path.dirname(path.dirname(local));
  throw new WrtError('TOOL_MISSING', `native-sim is not built here and the package ships none for ${prebuildTuple()}`, {
    file: local,
    limit: `build it with \`make -C ${path.join(packageRoot(), 'native', 'sim')} BUILD=${buildDir} ${local}\` (Debian packages make gcc)`,
  });
}

/**
 * native-sim's command line for one session: the upload capacity the host checks modules against
 * before reading them (ts/targets/upload-capacity.ts), the arena, how the memory adapter takes it
 * (memory.adapter of the native-sim target: --mem-lock and the like), and the Ed25519 public key
 * (hex) it then requires every module to be signed by, as a board built with that key does. A
 * program's argv and environment are not on it: they travel in the ARGS message, as on a board.
 */
export function nativeSimArgs(options: {
  readonly arenaBytes?: number;
  readonly signingKey?: string;
  readonly memoryAdapter?: ResolvedMemoryAdapter;
}): string[] {
  return [
    '--upload-capacity',
    String(NATIVE_SIM_UPLOAD_BYTES),
    ...(options.arenaBytes === undefined ? [] : ['--arena', String(options.arenaBytes)]),
    ...(options.memoryAdapter === undefined ? [] : nativeSimMemoryArgs(options.memoryAdapter)),
    ...(options.signingKey === undefined ? [] : ['--signing-key', options.signingKey]),
  ];
}

/**
 * native-sim with a user's natives (`run --natives FILE.c`): built by make from the package's
 * sources and the file. The file's object and its binary go into <build state>/native-sim-natives/
 * <the file's SHA-256>, so that each natives file has its own binary and an edited file builds a
 * new one; every other object into <build state>/native-sim-natives/common, shared by all of them
 * (a second natives file compiles one file and links).
 */
export async function nativeSimWithNatives(natives: NativesFile, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const buildDir = path.join(ensureStateDir('build', env), 'native-sim-natives');
  const nativesOut = path.join(buildDir, natives.sha256.slice(0, 16));
  const binary = path.join(nativesOut, 'native-sim');
  const simDir = path.join(packageRoot(), 'native', 'sim');
  // Loaded here only: the firmware builder (crypto, QEMU lookup, target loading) is no part of a plain run's start.
  const { makeBuild, stderrReport } = await import('../deploy/firmware.js');
  return makeBuild({
    what: `native-sim with the natives of ${natives.file}`,
    announce: `building native-sim with the natives of ${natives.file} ...`,
    make: ['make', '--no-print-directory', '-C', simDir, `BUILD=${path.join(buildDir, 'common')}`, `NATIVES=${natives.path}`, `NATIVES_OUT=${nativesOut}`, binary],
    buildDir,
    output: binary,
    debianPackages: 'make gcc',
    env,
    report: stderrReport(),
    compileLine: /^\S*(cc|gcc|clang)\s.*\s-c\s/,
  });
}
