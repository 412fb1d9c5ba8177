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
 * Firmware that holds a signing key (docs/signing.md) is always a local build, one folder per key
 * (firmware-key-<first 16 hex digits of the key's SHA-256>) beside the keyless one, made with
 * WRT_SIGNING_KEY: the package ships only keyless images.
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
import { loadTarget } from '../targets/index.js';
import { findExecutable } from './qemu.js';

/** The firmware app of a target whose definition names none (targets/firmware/<app>). */
export const FIRMWARE_APP = 'interp';

/** Debian packages of the tools a firmware build needs. */
const BUILD_TOOLS = [
  { command: 'make', debianPackage: 'make' },
  { command: 'arm-none-eabi-gcc', debianPackage: 'gcc-arm-none-eabi' },
] as const;

/** Lines of make's output kept to explain a failed build. */
const FAILURE_TAIL_LINES = 40;

/** The folder under targets/bsp whose board support builds firmware for `targetId`, from its definition. */
export function firmwareBoardOf(targetId: string): string | undefined {
  return loadTarget(targetId).firmware?.board;
}

function firmwareAppOf(targetId: string): string {
  return loadTarget(targetId).firmware?.app ?? FIRMWARE_APP;
}

/** The firmware state folder: keyless, or the one of firmware that holds this Ed25519 public key. */
function firmwareBuildDir(env: NodeJS.ProcessEnv, signingKey: Uint8Array | undefined): string {
  const name = signingKey === undefined ? 'firmware' : `firmware-key-${createHash('sha256').update(signingKey).digest('hex').slice(0, 16)}`;
  return path.join(stateDir('build', env), name);
}

/**
 * Where the firmware image of a target is (or would be) built locally: <firmware state>/<board or
 * id>/<app>.elf, the firmware state being build/firmware in a checkout, else the user's cache
 * (build/firmware-key-… for firmware that holds a signing key).
 */
export function firmwareImagePath(
  targetId: string,
  board: string | undefined = firmwareBoardOf(targetId),
  env: NodeJS.ProcessEnv = process.env,
  signingKey?: Uint8Array,
): string {
  return path.join(firmwareBuildDir(env, signingKey), board ?? targetId, `${firmwareAppOf(targetId)}.elf`);
}

/** What a firmware build tells the user; the default writes to stderr. */
export interface FirmwareBuildReport {
  /** Whether progress may redraw one line (a terminal). */
  readonly interactive: boolean;
  readonly write: (text: string) => void;
}

function stderrReport(): FirmwareBuildReport {
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

  constructor(announce: string, report: FirmwareBuildReport) {
    this.#announce = announce;
    this.#report = report;
  }

  /** Files compiled so far. */
  get compiled(): number {
    return this.#compiled;
  }

  line(text: string): void {
    if (!WORK_LINE.test(text)) return;
    if (!this.#started) {
      this.#started = true;
      this.#report.write(this.#report.interactive ? this.#announce : `${this.#announce}\n`);
    }
    if (!COMPILE_LINE.test(text)) return;
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
async function endByInterrupt(targetId: string): Promise<never> {
  if (otherSignalListeners('SIGINT') === 0) {
    process.kill(process.pid, 'SIGINT');
    // The default action ends the process on its next turn of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new WrtError('FIRMWARE_BUILD_FAILED', `the ${targetId} firmware build was interrupted (SIGINT)`, { field: 'firmware' });
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
  signingKey?: Uint8Array,
): Promise<string> {
  const elf = firmwareImagePath(targetId, board, env, signingKey);
  const app = path.basename(elf, '.elf');
  const missing = BUILD_TOOLS.filter((tool) => findExecutable(tool.command, env.PATH) === undefined);
  if (signingKey !== undefined) {
    if (missing.length === 0) return buildFirmware(targetId, board, app, elf, env, report, signingKey);
    throw new WrtError('TOOL_MISSING', `firmware that holds a signing key is built here, and building it needs ${missing.map((tool) => tool.command).join(' and ')}, not on PATH`, {
      file: elf,
      limit: `install the Debian package${missing.length === 1 ? '' : 's'} ${missing.map((tool) => tool.debianPackage).join(' ')}`,
    });
  }
  const localBuild = fs.existsSync(elf);
  if (missing.length === 0 && (localBuild || stateLocation(env).mode === 'checkout')) return buildFirmware(targetId, board, app, elf, env, report);
  if (localBuild) return elf;
  const shipped = prebuiltFirmwarePath(board, app);
  if (fs.existsSync(shipped)) return shipped;
  if (missing.length === 0) return buildFirmware(targetId, board, app, elf, env, report);
  throw new WrtError(
    'TOOL_MISSING',
    `the ${targetId} firmware is not built and the package ships no ${path.relative(packageRoot(), shipped)}; building it needs ${missing.map((tool) => tool.command).join(' and ')}, not on PATH`,
    { file: elf, limit: `install the Debian package${missing.length === 1 ? '' : 's'} ${missing.map((tool) => tool.debianPackage).join(' ')} (apt-get install ${missing.map((tool) => tool.debianPackage).join(' ')})` },
  );
}

/** make into the firmware state folder (build/firmware or the user cache), under a lock. */
async function buildFirmware(
  targetId: string,
  board: string,
  app: string,
  elf: string,
  env: NodeJS.ProcessEnv,
  report: FirmwareBuildReport,
  signingKey?: Uint8Array,
): Promise<string> {
  const firmwareDir = path.join(packageRoot(), 'targets', 'firmware');
  ensureStateDir('build', env);
  const buildDir = firmwareBuildDir(env, signingKey);
  fs.mkdirSync(buildDir, { recursive: true });
  const make = ['make', '--no-print-directory', '-C', firmwareDir, 'image', `BOARD=${board}`, `APP=${app}`, `BUILD=${buildDir}`];
  if (signingKey !== undefined) {
    // The key file keygen writes (0x01 then the key), which the firmware Makefile turns into a header.
    const keyFile = path.join(buildDir, 'signing-key.pub');
    fs.writeFileSync(keyFile, Buffer.concat([Buffer.of(1), signingKey]));
    make.push(`WRT_SIGNING_KEY=${keyFile}`);
  }
  // Parallel deploys share the firmware folder; builds take turns under flock(1) where it exists.
  const argv = findExecutable('flock', env.PATH) === undefined ? make : ['flock', path.join(buildDir, '.build.lock'), ...make];
  const progress = new FirmwareBuildProgress(
    `building firmware for ${targetId} (${path.relative(packageRoot(), firmwareDir)}, BOARD=${board}${signingKey === undefined ? '' : ', with a signing key'}) ...`,
    report,
  );
  const tail: string[] = [];
  const end = await runBuild(argv, env, (line) => {
    progress.line(line);
    tail.push(line);
    if (tail.length > FAILURE_TAIL_LINES) tail.shift();
  });
  if (end.interrupted) {
    progress.finish('interrupted');
    return endByInterrupt(targetId);
  }
  if (end.spawnError !== undefined) {
    progress.finish('failed');
    throw new WrtError('TOOL_MISSING', `cannot start ${argv[0] ?? 'make'} to build the ${targetId} firmware: ${end.spawnError.code ?? end.spawnError.message}`, {
      file: elf,
      limit: 'install the Debian packages make gcc-arm-none-eabi',
    }, { cause: end.spawnError });
  }
  if (end.code !== 0) {
    progress.finish('failed');
    const how = end.signal === null ? `exit status ${String(end.code)}` : `signal ${end.signal}`;
    throw new WrtError('FIRMWARE_BUILD_FAILED', `building the ${targetId} firmware failed (${how}):\n${tail.join('\n').trim()}`, {
      file: elf,
      limit: make.join(' '),
    });
  }
  progress.finish('done');
  if (!fs.existsSync(elf)) {
    throw new WrtError('FIRMWARE_BUILD_FAILED', `make built the ${targetId} firmware but left no ${path.basename(elf)}`, { file: elf, limit: make.join(' ') });
  }
  return elf;
}
