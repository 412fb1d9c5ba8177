/**
 * The interpreter firmware of a target: which board support and app build it (the target
 * definition's `firmware:`), where its image is, and bringing that image up to date with make.
 * deploy and the HIL QEMU executor flash what ensureFirmware returns.
 *
 * Which image: in a checkout, build/firmware, kept current by make when make and the cross
 * compiler are there. In an install, a local build in the user's cache (core/cache-dir.ts) is
 * kept current the same way, or used as it is without the tools. Without a local build an install
 * uses the image the package ships (prebuilds/firmware, core/prebuilds.ts) rather than compiling
 * one equal to it; without either, a build when the tools are there, else TOOL_MISSING.
 *
 * Firmware that holds a signing key (docs/signing.md) or a user's natives is always a local build,
 * in a folder of its own (firmwareBuildDir) beside the plain one, made with WRT_SIGNING_KEY or
 * NATIVES: the package ships only plain images.
 *
 * The build runs as a child process group of its own while the event loop goes on: its progress
 * goes to stderr (one updating line on a terminal, plain lines otherwise, nothing when the image
 * is current), and a SIGINT that reaches this process is passed on to the build. The process then
 * ends by that SIGINT: through the caller's own handler when it has one (deploy's re-raises it
 * after its cleanup), else re-raised here once make is gone.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureStateDir, stateDir, stateLocation } from '../core/cache-dir.js';
import { WrtError } from '../core/errors.js';
import { otherSignalListeners } from '../core/process-end.js';
import { packageRoot } from '../core/paths.js';
import { prebuiltFirmwarePath } from '../core/prebuilds.js';
import type { NativesFile } from '../targets/host-functions.js';
import { loadTarget } from '../targets/index.js';
import { findExecutable } from './qemu.js';

/** The firmware app of a target whose definition names none (targets/firmware/<app>). */
export const FIRMWARE_APP = 'interp';

/**
 * The interpreter's executor in the image (the Makefile's EXECUTOR, docs/firmware.md): `fast`
 * (with superinstructions, the default) or `small` (without: about 32 KB less flash, 1.7x the
 * instructions per wasm op).
 */
export const FIRMWARE_EXECUTORS = ['fast', 'small'] as const;
export type FirmwareExecutor = (typeof FIRMWARE_EXECUTORS)[number];

/** A user's executor choice (`--executor`), checked. */
export function parseFirmwareExecutor(value: string, field: string): FirmwareExecutor {
  const executor = FIRMWARE_EXECUTORS.find((known) => known === value);
  if (executor === undefined) {
    throw new WrtError('USAGE', `${field} ${JSON.stringify(value)} is no executor`, { field, limit: FIRMWARE_EXECUTORS.join(' or ') });
  }
  return executor;
}

/** Which image of a target: its executor, the user's natives and the Ed25519 public key built into it. */
export interface FirmwareVariant {
  readonly executor?: FirmwareExecutor;
  readonly natives?: NativesFile;
  /** The key every module must be signed by (WRT_SIGNING_KEY, docs/signing.md); none: unsigned modules run. */
  readonly signingKey?: Uint8Array;
}

interface BuildTool {
  readonly command: string;
  readonly debianPackage: string;
}

/** Debian packages of the tools every firmware build needs (gcc links every image). */
const BUILD_TOOLS: readonly BuildTool[] = [
  { command: 'make', debianPackage: 'make' },
  { command: 'arm-none-eabi-gcc', debianPackage: 'gcc-arm-none-eabi' },
];

/** The tools a target's firmware build needs: clang besides when its definition names it. */
function buildToolsOf(targetId: string): readonly BuildTool[] {
  return loadTarget(targetId).firmware?.compiler === 'clang' ? [...BUILD_TOOLS, { command: 'clang', debianPackage: 'clang' }] : BUILD_TOOLS;
}

/** Lines of make's output kept to explain a failed build. */
const FAILURE_TAIL_LINES = 40;

/** The folder under targets/bsp whose board support builds firmware for `targetId`, from its definition. */
export function firmwareBoardOf(targetId: string): string | undefined {
  return loadTarget(targetId).firmware?.board;
}

function firmwareAppOf(targetId: string): string {
  return loadTarget(targetId).firmware?.app ?? FIRMWARE_APP;
}

/** The image's name: the app, with `-small` for the small executor (as the Makefile names it). */
function firmwareImageName(app: string, executor: FirmwareExecutor): string {
  return executor === 'small' ? `${app}-small` : app;
}

/**
 * Where the firmware image of a target is (or would be) built locally: <firmware state>/<board or
 * id>/<image>.elf, the firmware state being build/firmware in a checkout, else the user's cache,
 * and a folder of its own for natives or a signing key (firmwareBuildDir).
 */
export function firmwareImagePath(
  targetId: string,
  board: string | undefined = firmwareBoardOf(targetId),
  env: NodeJS.ProcessEnv = process.env,
  variant: FirmwareVariant = {},
): string {
  const image = firmwareImageName(firmwareAppOf(targetId), variant.executor ?? 'fast');
  return path.join(firmwareBuildDir(stateDir('build', env), variant), board ?? targetId, `${image}.elf`);
}

/**
 * The folder make builds into: `firmware`; `firmware-key-<hex>` for firmware holding a signing key
 * (the first 16 hex digits of the key's SHA-256); and for a `--natives FILE.c` a folder of its own
 * under `<that>-natives`, keyed by the file's SHA-256, so that images with and without natives or a
 * key (or with other ones) never mix. The executor only names the image inside the folder.
 */
function firmwareBuildDir(state: string, variant: FirmwareVariant): string {
  const { natives, signingKey } = variant;
  const keyed = signingKey === undefined ? 'firmware' : `firmware-key-${createHash('sha256').update(signingKey).digest('hex').slice(0, 16)}`;
  return natives === undefined ? path.join(state, keyed) : path.join(state, `${keyed}-natives`, natives.sha256.slice(0, 16));
}

/** What a firmware build tells the user; the default writes to stderr. */
export interface FirmwareBuildReport {
  /** Whether progress may redraw one line (a terminal). */
  readonly interactive: boolean;
  readonly write: (text: string) => void;
}

export function stderrReport(): FirmwareBuildReport {
  return { interactive: process.stderr.isTTY === true, write: (text) => void process.stderr.write(text) };
}

/**
 * A line of make's output that means the image is rebuilt (the firmware Makefile prints `  CC` and
 * `  LD`; a `  GEN` alone rewrote the board files and changed nothing).
 */
const WORK_LINE = /^\s{2}(CC|LD)\s/;
const COMPILE_LINE = /^\s{2}CC\s/;

/**
 * Progress of one build from make's output lines: silent until make does some work, then the
 * announcement and a count of compiled files. Pure apart from `report`.
 */
export class FirmwareBuildProgress {
  readonly #announce: string;
  readonly #report: FirmwareBuildReport;
  #compiled = 0;
  #started = false;

  readonly #work: RegExp;
  readonly #compile: RegExp;

  /** `lines`: which of make's lines are work, and which compile a file (default: the firmware Makefile's). */
  constructor(announce: string, report: FirmwareBuildReport, lines: { readonly work: RegExp; readonly compile: RegExp } = { work: WORK_LINE, compile: COMPILE_LINE }) {
    this.#announce = announce;
    this.#report = report;
    this.#work = lines.work;
    this.#compile = lines.compile;
  }

  /** Files compiled so far. */
  get compiled(): number {
    return this.#compiled;
  }

  line(text: string): void {
    if (!this.#work.test(text)) return;
    if (!this.#started) {
      this.#started = true;
      this.#report.write(this.#report.interactive ? this.#announce : `${this.#announce}\n`);
    }
    if (!this.#compile.test(text)) return;
    this.#compiled += 1;
    const count = `${this.#compiled} file${this.#compiled === 1 ? '' : 's'} compiled`;
    if (this.#report.interactive) this.#report.write(`\r\x1b[K${this.#announce} ${count}`);
    else if (this.#compiled % 10 === 0) this.#report.write(`  ${count}\n`);
  }

  /** Ends the progress line; nothing when make had nothing to do. */
  finish(outcome: 'done' | 'failed' | 'interrupted'): void {
    if (!this.#started) return;
    const count = `${this.#compiled} file${this.#compiled === 1 ? '' : 's'} compiled`;
    this.#report.write(this.#report.interactive ? `\r\x1b[K${this.#announce} ${count}, ${outcome}\n` : `  ${count}, ${outcome}\n`);
  }
}

/** Splits a byte stream into lines, keeping an unfinished rest. */
function lineReader(onLine: (line: string) => void): { push: (chunk: Buffer) => void; end: () => void } {
  let rest = '';
  return {
    push: (chunk) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    },
    end: () => {
      if (rest !== '') onLine(rest);
      rest = '';
    },
  };
}

interface BuildEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly interrupted: boolean;
  readonly spawnError?: NodeJS.ErrnoException;
}

/** Runs the build command as its own process group; a SIGINT here goes on to the whole group. */
function runBuild(argv: readonly string[], env: NodeJS.ProcessEnv, onLine: (line: string) => void): Promise<BuildEnd> {
  const [command = 'make', ...args] = argv;
  return new Promise((resolve) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let interrupted = false;
    const onSigint = (): void => {
      interrupted = true;
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGINT');
        } catch {
          // The group is already gone.
        }
      }
    };
    process.on('SIGINT', onSigint);
    const out = lineReader(onLine);
    const err = lineReader(onLine);
    child.stdout.on('data', out.push);
    child.stderr.on('data', err.push);
    child.once('error', (error: NodeJS.ErrnoException) => {
      process.off('SIGINT', onSigint);
      resolve({ code: null, signal: null, interrupted, spawnError: error });
    });
    child.once('close', (code, signal) => {
      process.off('SIGINT', onSigint);
      out.end();
      err.end();
      resolve({ code, signal, interrupted });
    });
  });
}

/** The process ends by the SIGINT that stopped the build: by the caller's handler, or here. */
async function endByInterrupt(what: string): Promise<never> {
  if (otherSignalListeners('SIGINT') === 0) {
    process.kill(process.pid, 'SIGINT');
    // The default action ends the process on its next turn of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new WrtError('FIRMWARE_BUILD_FAILED', `the build of ${what} was interrupted (SIGINT)`, { field: 'firmware' });
}

/**
 * The image to flash (see the module comment for the order). A local build is brought up to date
 * with make, a no-op when nothing changed. No image and no tools is TOOL_MISSING naming the Debian
 * packages; a build the compiler fails is FIRMWARE_BUILD_FAILED with make's last lines. With
 * `signingKey` (an Ed25519 public key) the image holds that key and is always built here.
 */
export async function ensureFirmware(
  targetId: string,
  board: string,
  env: NodeJS.ProcessEnv = process.env,
  report: FirmwareBuildReport = stderrReport(),
  variant: FirmwareVariant = {},
): Promise<string> {
  const { natives, signingKey } = variant;
  const elf = firmwareImagePath(targetId, board, env, variant);
  const build = { app: firmwareAppOf(targetId), executor: variant.executor ?? 'fast', ...(natives === undefined ? {} : { natives }), ...(signingKey === undefined ? {} : { signingKey }) };
  const missing = buildToolsOf(targetId).filter((tool) => findExecutable(tool.command, env.PATH) === undefined);
  const needs = `building it needs ${missing.map((tool) => tool.command).join(' and ')}, not on PATH`;
  const install = { file: elf, limit: `install the Debian package${missing.length === 1 ? '' : 's'} ${missing.map((tool) => tool.debianPackage).join(' ')} (apt-get install ${missing.map((tool) => tool.debianPackage).join(' ')})` };
  // An image with a user's natives or a signing key exists only as a local build: the package ships neither.
  if (natives !== undefined || signingKey !== undefined) {
    if (missing.length === 0) return buildFirmware(targetId, board, build, elf, env, report);
    const holding = [natives === undefined ? '' : `the natives of ${natives.file}`, signingKey === undefined ? '' : 'a signing key'].filter((part) => part !== '').join(' and ');
    throw new WrtError('TOOL_MISSING', `the ${targetId} firmware with ${holding} must be built; ${needs}`, install);
  }
  const localBuild = fs.existsSync(elf);
  if (missing.length === 0 && (localBuild || stateLocation(env).mode === 'checkout')) return buildFirmware(targetId, board, build, elf, env, report);
  if (localBuild) return elf;
  const shipped = prebuiltFirmwarePath(board, path.basename(elf, '.elf'));
  if (fs.existsSync(shipped)) return shipped;
  if (missing.length === 0) return buildFirmware(targetId, board, build, elf, env, report);
  throw new WrtError('TOOL_MISSING', `the ${targetId} firmware is not built and the package ships no ${path.relative(packageRoot(), shipped)}; ${needs}`, install);
}

/** make into the firmware state folder (build/firmware or the user cache), under a lock. */
async function buildFirmware(
  targetId: string,
  board: string,
  build: { readonly app: string; readonly executor: FirmwareExecutor; readonly natives?: NativesFile; readonly signingKey?: Uint8Array },
  elf: string,
  env: NodeJS.ProcessEnv,
  report: FirmwareBuildReport,
): Promise<string> {
  const firmwareDir = path.join(packageRoot(), 'targets', 'firmware');
  const natives = build.natives;
  const signingKey = build.signingKey;
  const buildDir = firmwareBuildDir(ensureStateDir('build', env), build);
  const make = [
    'make', '--no-print-directory', '-C', firmwareDir, 'image', `BOARD=${board}`, `APP=${build.app}`, `EXECUTOR=${build.executor}`, `BUILD=${buildDir}`,
    ...(natives === undefined ? [] : [`NATIVES=${natives.path}`]),
  ];
  if (signingKey !== undefined) {
    // The key file keygen writes (0x01 then the key), which the firmware Makefile turns into a header.
    fs.mkdirSync(buildDir, { recursive: true });
    const keyFile = path.join(buildDir, 'signing-key.pub');
    fs.writeFileSync(keyFile, Buffer.concat([Buffer.of(1), signingKey]));
    make.push(`WRT_SIGNING_KEY=${keyFile}`);
  }
  const details = `${build.executor === 'fast' ? '' : `, EXECUTOR=${build.executor}`}${natives === undefined ? '' : `, natives ${natives.file}`}${signingKey === undefined ? '' : ', with a signing key'}`;
  return makeBuild({
    what: `the ${targetId} firmware`,
    announce: `building firmware for ${targetId} (${path.relative(packageRoot(), firmwareDir)}, BOARD=${board}${details}) ...`,
    make,
    buildDir,
    output: elf,
    debianPackages: buildToolsOf(targetId).map((tool) => tool.debianPackage).join(' '),
    env,
    report,
  });
}

/** One make run that builds a file the tool needs (a firmware image, a native-sim variant). */
export interface MakeBuild {
  /** "the qemu-mps2-an386 firmware", for messages. */
  readonly what: string;
  readonly announce: string;
  readonly make: readonly string[];
  /** Made first; holds the lock parallel builds take turns under. */
  readonly buildDir: string;
  /** The file the build must leave. */
  readonly output: string;
  readonly debianPackages: string;
  readonly env: NodeJS.ProcessEnv;
  readonly report: FirmwareBuildReport;
  /** A make whose lines are whole compiler commands: the line that compiles a file. */
  readonly compileLine?: RegExp;
}

/**
 * Runs make under a lock (see the module comment for progress and SIGINT); returns `output`.
 * TOOL_MISSING when make cannot start; FIRMWARE_BUILD_FAILED with make's last lines otherwise.
 */
/**
 * `argv` run under flock(1) on `lockFile` where flock exists (else `argv` as it is): builds that
 * share a folder (parallel test files, two commands) take turns instead of writing the same
 * objects at once. The lock file's folder is made.
 */
export function underFlock(lockFile: string, argv: readonly string[], pathVariable: string | undefined = process.env.PATH): string[] {
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  return findExecutable('flock', pathVariable) === undefined ? [...argv] : ['flock', lockFile, ...argv];
}

export async function makeBuild(build: MakeBuild): Promise<string> {
  fs.mkdirSync(build.buildDir, { recursive: true });
  const argv = underFlock(path.join(build.buildDir, '.build.lock'), build.make, build.env.PATH);
  const progress = new FirmwareBuildProgress(build.announce, build.report, build.compileLine === undefined ? undefined : { work: build.compileLine, compile: build.compileLine });
  const tail: string[] = [];
  const end = await runBuild(argv, build.env, (line) => {
    progress.line(line);
    tail.push(line);
    if (tail.length > FAILURE_TAIL_LINES) tail.shift();
  });
  if (end.interrupted) {
    progress.finish('interrupted');
    return endByInterrupt(build.what);
  }
  if (end.spawnError !== undefined) {
    progress.finish('failed');
    throw new WrtError('TOOL_MISSING', `cannot start ${argv[0] ?? 'make'} to build ${build.what}: ${end.spawnError.code ?? end.spawnError.message}`, {
      file: build.output,
      limit: `install the Debian packages ${build.debianPackages}`,
    }, { cause: end.spawnError });
  }
  if (end.code !== 0) {
    progress.finish('failed');
    const how = end.signal === null ? `exit status ${String(end.code)}` : `signal ${end.signal}`;
    throw new WrtError('FIRMWARE_BUILD_FAILED', `building ${build.what} failed (${how}):\n${tail.join('\n').trim()}`, {
      file: build.output,
      limit: build.make.join(' '),
    });
  }
  progress.finish('done');
  if (!fs.existsSync(build.output)) {
    throw new WrtError('FIRMWARE_BUILD_FAILED', `make built ${build.what} but left no ${path.basename(build.output)}`, { file: build.output, limit: build.make.join(' ') });
  }
  return build.output;
}
