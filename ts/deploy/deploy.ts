/**
 * `wrt-target deploy`: puts a module on a device and runs it there. For an emulated board the
 * firmware (targets/firmware/interp) is "flashed" by starting QEMU with it; the module then travels
 * over the board's UART with the wire protocol (docs/protocol.md): HELLO, upload (the device checks
 * the SHA-256 before its engine sees a byte), INVOKE, OUTPUT frames streamed as they arrive. A
 * device already running the firmware (`--port`) is driven the same way, with nothing flashed. A
 * real board's runner comes from the target definition's flashMethods, as data: `--dry-run`
 * prints those commands and runs nothing; without it deploy names the runner and stops. QEMU is stopped and the link closed on every path, SIGINT included.
 *
 * The module travels with its profile (ts/profile/upload-profile.ts): --profile, else its own
 * wrt.profile section, else one compiled for the target. It is resolved and checked against the
 * module, the target and the device's HELLO before anything is uploaded, so a budget the board
 * cannot meet stops the deploy before the device holds a byte of it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WrtError } from '../core/errors.js';
import { ProtocolClient, type ProtocolClientOptions, type UploadReport } from '../device/client.js';
import type { HelloInfo } from '../device/messages.js';
import { Feature, OutputStream } from '../device/protocol.js';
import { openDeviceLink } from '../device/serial-link.js';
import type { Transport } from '../device/transport.js';
import type { UploadProfile } from '../profile/upload-profile.js';
import { exitCodeOfOutcome, outcomeOf, planInvocation, type RunOutcome, type RunSinks } from '../run/run-module.js';
import { flashCommand, loadTarget, type FlashCommand, type FlashInputs, type TargetDefinition } from '../targets/index.js';
import { ensureFirmware, firmwareBoardOf, firmwareImagePath } from './firmware.js';
import { describeQemuExit, findExecutable, launchQemu, type QemuExit, type QemuInstance } from './qemu.js';

/** The board `deploy` picks when no --target is given and QEMU is installed. */
export const DEFAULT_DEPLOY_TARGET = 'qemu-mps2-an386';

export interface DeployOptions {
  /** Target id; absent: DEFAULT_DEPLOY_TARGET when QEMU is installed. */
  readonly target?: string;
  /** A device already running the firmware, on a pty or serial device node. */
  readonly port?: string;
  /** Export to call; absent: `_start` as a WASI command. */
  readonly invoke?: string;
  /** Arguments of `invoke` as typed on the command line (ts/run/values.ts). */
  readonly args?: readonly string[];
  /** Instruction budget; absent or 0: none. */
  readonly fuel?: bigint;
  /** Print what would be flashed and run nothing. */
  readonly dryRun?: boolean;
  /** The firmware ELF to flash; default build/firmware/<board>/interp.elf (built when make can). */
  readonly firmware?: string;
  /** --profile: a profile file, 'none', or absent (the module's own section, else compiled for the target). */
  readonly profile?: string;
}

export interface DeployDeps {
  readonly env?: NodeJS.ProcessEnv;
  /** Upload progress (bytes the device confirmed, module size). */
  readonly onProgress?: (done: number, total: number) => void;
  /** Installs a SIGINT handler for the deploy (default true). */
  readonly handleSigint?: boolean;
  /** Told the QEMU pid as soon as it runs (tests check it is gone afterwards). */
  readonly onQemu?: (qemu: QemuInstance) => void;
  readonly client?: ProtocolClientOptions;
  /** Milliseconds since some start; default performance.now. */
  readonly now?: () => number;
  /** The working directory profile files are found from; default process.cwd(). */
  readonly cwd?: string;
}

export interface DeployTimings {
  /** Firmware started (QEMU up) or port opened, from the start of deploy. */
  readonly linkMs: number;
  readonly helloMs: number;
  readonly uploadedMs: number;
  /** First OUTPUT byte, when the program printed anything. */
  readonly firstOutputMs?: number;
  readonly doneMs: number;
}

export type DeployReport =
  | {
      readonly kind: 'dry-run';
      readonly target: string;
      readonly flash: FlashCommand;
      /** What deploy would do after flashing, in words. */
      readonly then: string;
    }
  | {
      readonly kind: 'ran';
      readonly target: string;
      readonly link: string;
      readonly device: HelloInfo;
      readonly upload: UploadReport;
      /** The profile uploaded with the module; undefined for --profile none. */
      readonly profile: UploadProfile | undefined;
      readonly outcome: RunOutcome;
      readonly exitCode: number;
      readonly fuelUsed: bigint;
      readonly peakStackBytes: number;
      readonly outputFramesLost: number;
      readonly timings: DeployTimings;
    };

/**
 * The target deploy works on: the one named, or the default board when QEMU is installed; a clear
 * TOOL_MISSING otherwise. Pure: the caller says whether QEMU is there.
 */
export function chooseDeployTarget(target: string | undefined, qemuInstalled: boolean): string {
  if (target !== undefined) return target;
  if (qemuInstalled) return DEFAULT_DEPLOY_TARGET;
  throw new WrtError('TOOL_MISSING', `no --target given, and the default board ${DEFAULT_DEPLOY_TARGET} needs QEMU (qemu-system-arm), which is not on PATH`, {
    field: '--target',
    limit: 'install qemu-system-arm, or name a target: --target <id> (--dry-run shows a real board\'s flash commands)',
  });
}

/** The flash runner's inputs for one ELF: its .hex/.bin/.uf2 siblings, and the serial port. */
export function flashInputsFor(elf: string, port: string | undefined): FlashInputs {
  const stem = elf.endsWith('.elf') ? elf.slice(0, -'.elf'.length) : elf;
  return { elf, hex: `${stem}.hex`, bin: `${stem}.bin`, uf2: `${stem}.uf2`, ...(port === undefined ? {} : { port }) };
}

/** One argv as a line a POSIX shell runs unchanged. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((arg) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * Refuses a module the device cannot take, before a byte of it is sent: the upload capacity HELLO
 * announced is the limit.
 */
export function checkModuleFits(size: number, device: HelloInfo, target: string, file: string): void {
  if (size > device.uploadCapacity) {
    throw new WrtError(
      'LIMIT_EXCEEDED',
      `the module is ${size} bytes; ${target} takes modules of at most ${device.uploadCapacity} bytes (upload capacity, ${device.arenaBytes}-byte arena)`,
      { file, field: 'module size', limit: `${device.uploadCapacity} bytes (upload capacity announced by ${device.deviceId} in HELLO)` },
    );
  }
}

/**
 * Refuses a profile the device cannot hold or lay out, before the upload: the arena and the profile
 * capacity HELLO announced are the limits.
 */
export function checkProfileFits(profile: UploadProfile, device: HelloInfo, target: string, file: string): void {
  const arena = profile.decoded.arenaBytes;
  if (arena > device.arenaBytes) {
    throw new WrtError(
      'BUDGET_EXCEEDED',
      `the profile's arena is ${arena} bytes; ${device.deviceId} has ${device.arenaBytes} (${target}: recompile the profile, or deploy with a smaller budget)`,
      { file, field: 'arena', limit: `${device.arenaBytes} bytes (arena announced by ${device.deviceId} in HELLO)`, source: profile.source },
    );
  }
  if (profile.bytes.length > device.profileCapacity) {
    throw new WrtError('LIMIT_EXCEEDED', `the profile is ${profile.bytes.length} bytes; ${device.deviceId} takes profiles of at most ${device.profileCapacity}`, {
      file,
      field: 'profile size',
      limit: `${device.profileCapacity} bytes (profile capacity announced in HELLO)`,
      source: profile.source,
    });
  }
}

/** The error that explains a link that ended because QEMU exited (a firmware fault, usually). */
export function qemuExitError(target: string, exit: QemuExit, uart: string, cause: unknown): WrtError {
  const meaning = describeQemuExit(exit);
  const what =
    meaning.kind === 'board'
      ? `${meaning.reason} (exit ${meaning.code})`
      : meaning.kind === 'firmware'
        ? `the firmware exited with ${meaning.code}`
        : meaning.kind === 'signal'
          ? `QEMU was killed by ${meaning.signal}`
          : `QEMU exited with ${String(meaning.code)}`;
  const report = uart
    .split('\n')
    .filter((line) => line.startsWith('*** '))
    .join('\n');
  return new WrtError('EMULATOR_FAILED', `${target}: ${what} during deploy${report === '' ? '' : `\n${report}`}`, { field: 'firmware' }, { cause });
}

function readModule(file: string): Uint8Array {
  try {
    return new Uint8Array(fs.readFileSync(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new WrtError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_READ_FAILED', `cannot read the module (${code ?? (error as Error).message})`, { file });
  }
}

/** Client settings per link: QEMU's socket loses nothing and ends with QEMU; a real line may drop a frame. */
function clientOptionsFor(link: 'qemu' | 'port', override: ProtocolClientOptions | undefined): ProtocolClientOptions {
  const base: ProtocolClientOptions =
    link === 'qemu'
      ? // A program may run for hours and the device answers INVOKE only when it ends; a dead QEMU
        // fails the request through the transport's `closed`.
        { requestTimeoutMs: 0x7fffffff, helloTimeoutMs: 10_000 }
      : // Resends of INVOKE while the program runs wait in the device's receive ring and are
        // answered from its replay memory; a lost frame costs one resend.
        { requestTimeoutMs: 2000, maxResends: 100_000, helloTimeoutMs: 5000 };
  return { ...base, ...override };
}

interface Session {
  readonly transport: Transport;
  readonly link: string;
  readonly linkMs: number;
  /** Set for QEMU: the emulator that must be stopped. */
  readonly qemu?: QemuInstance;
}

/**
 * A WASI command gets argv = [file name, ARGS...] over ARGS (docs/protocol.md §4b), as `run` gives
 * it on native-sim. A device without that message keeps its own argv: fine with no ARGS, an
 * error naming the device with some.
 */
async function passProgramArgs(client: ProtocolClient, device: HelloInfo, options: DeployOptions, file: string): Promise<void> {
  if (options.invoke !== undefined) return;
  const args = options.args ?? [];
  if ((device.features & Feature.Args) !== 0) {
    await client.setArgs([path.basename(file), ...args]);
    return;
  }
  if (args.length > 0) {
    throw new WrtError('USAGE', `${device.deviceId} takes no program arguments (its firmware has no ARGS message; its argv is its own)`, {
      file,
      field: 'ARGS',
      limit: 'no ARGS without --invoke on this device',
    });
  }
}

/**
 * Why deploy stops at a real board without --port: it names the runner and what is missing. It
 * does not run flash runners itself yet (no targets/bsp board builds firmware for a real board),
 * and it never reports as flashed what was not.
 */
export function realBoardRefusal(def: TargetDefinition, elf: string, runnerOnPath: (command: string) => boolean): WrtError {
  const flash = flashCommand(def, flashInputsFor(elf, undefined));
  const runner = flash.commands[0]?.[0] ?? flash.runner;
  const named = runner === flash.runner ? runner : `${flash.runner} (${runner})`;
  if (!runnerOnPath(runner)) {
    return new WrtError('TOOL_MISSING', `${def.id} is a real board: deploy flashes it with ${named}, which is not on PATH`, {
      field: '--target',
      limit: `install ${runner} and connect the board; --dry-run shows the commands`,
    });
  }
  return new WrtError('USAGE', `${def.id} is a real board: flash it with ${named} (the commands --dry-run prints), then run deploy --port PATH on its serial port`, {
    field: '--port',
    limit: 'a real board connected to this machine',
  });
}

/** What the dry run says travels with the module. */
function profileWords(profile: string | undefined, targetId: string): string {
  if (profile === 'none') return 'no profile';
  if (profile !== undefined) return `the profile ${profile}`;
  return `its profile (its wrt.profile section, else compiled for ${targetId})`;
}

/**
 * Deploys `file` and runs it. Program output goes to `sinks` as it arrives; the report carries the
 * outcome and the exit code `deploy` ends with.
 */
export async function deploy(file: string, options: DeployOptions, sinks: RunSinks, deps: DeployDeps = {}): Promise<DeployReport> {
  const env = deps.env ?? process.env;
  const now = deps.now ?? (() => performance.now());
  const started = now();
  const qemuInstalled = findExecutable('qemu-system-arm', env.PATH) !== undefined;
  const targetId = chooseDeployTarget(options.target, options.port !== undefined || qemuInstalled);
  const def = loadTarget(targetId);
  const board = firmwareBoardOf(targetId);
  const elf = options.firmware ?? firmwareImagePath(targetId, board);

  if (options.dryRun === true) {
    const flash = flashCommand(def, flashInputsFor(elf, options.port));
    const what = options.invoke === undefined ? '_start (WASI command)' : `${options.invoke}(${(options.args ?? []).join(', ')})`;
    return {
      kind: 'dry-run',
      target: targetId,
      flash,
      then: `open ${options.port ?? (def.kind === 'emulated' ? 'the emulated UART' : 'the serial port (--port)')}, HELLO, upload ${path.basename(file)} with ${profileWords(options.profile, targetId)}, verify SHA-256, invoke ${what}`,
    };
  }

  const bytes = readModule(file);
  const plan = planInvocation({ file, ...(options.invoke === undefined ? {} : { invoke: options.invoke }), args: options.args ?? [] }, bytes);
  // Before anything starts: a budget the target cannot meet, or a profile of another module, ends here.
  const { resolveUploadProfile } = await import('../profile/upload-profile.js');
  const profile = await resolveUploadProfile({
    file,
    module: bytes,
    targetId,
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    overrides: options.fuel === undefined ? {} : { fuel: { value: Number(options.fuel), source: 'cli --fuel' } },
    env,
    cwd: deps.cwd ?? process.cwd(),
  });

  let session: Session | undefined;
  let client: ProtocolClient | undefined;
  let qemuExit: QemuExit | undefined;
  const cleanup = async (): Promise<void> => {
    client?.close();
    if (session !== undefined) {
      await session.transport.close();
      if (session.qemu !== undefined) await session.qemu.stop();
    }
  };
  let interrupted = false;
  // Ctrl-C: closing the link fails the waiting request, which unwinds to the `finally` below; it
  // finishes the cleanup and then re-raises SIGINT, so the process still ends by the signal.
  const onSigint = (): void => {
    interrupted = true;
    void cleanup();
  };
  if (deps.handleSigint !== false) process.on('SIGINT', onSigint);

  try {
    if (options.port !== undefined) {
      // The device already runs the firmware: nothing is flashed. A pty as it is, a serial node at the target's UART speed.
      session = { transport: await openDeviceLink(options.port, def.uart.baud, { description: options.port }), link: options.port, linkMs: now() - started };
    } else if (def.kind === 'emulated') {
      if (board === undefined && options.firmware === undefined) {
        throw new WrtError('USAGE', `no targets/bsp board builds firmware for ${targetId}`, { field: '--target', limit: 'name an ELF with --firmware' });
      }
      const image = options.firmware ?? (await ensureFirmware(targetId, board ?? targetId, env));
      const qemu = await launchQemu(def, { elf: image, paused: true });
      session = { transport: qemu.transport, link: `qemu ${def.emulator?.machine ?? targetId} UART0 (${qemu.serial.path})`, linkMs: 0, qemu };
      void qemu.exited.then((exit) => {
        qemuExit = exit;
      });
      deps.onQemu?.(qemu);
    } else if (def.kind === 'board') {
      throw realBoardRefusal(def, elf, (command) => findExecutable(command, env.PATH) !== undefined);
    } else {
      throw new WrtError('USAGE', `${targetId} is a ${def.kind} target: use \`wrt-target run\` for it`, { field: '--target' });
    }

    const active = session;
    const activeClient = new ProtocolClient(active.transport, clientOptionsFor(active.qemu === undefined ? 'port' : 'qemu', deps.client));
    client = activeClient;
    let firstOutputMs: number | undefined;
    const stopOutput = activeClient.onOutput((chunk) => {
      firstOutputMs ??= now() - started;
      if (chunk.stream === OutputStream.Stderr) sinks.stderr(chunk.bytes);
      else sinks.stdout(chunk.bytes);
    });
    const linkMs = active.qemu === undefined ? active.linkMs : now() - started;
    try {
      if (active.qemu !== undefined) await active.qemu.resume();
      const device = await activeClient.hello();
      const helloMs = now() - started;
      checkModuleFits(bytes.length, device, targetId, file);
      if (profile !== undefined) checkProfileFits(profile, device, targetId, file);
      await passProgramArgs(activeClient, device, options, file);
      const upload = await activeClient.upload(bytes, { onProgress: deps.onProgress, ...(profile === undefined ? {} : { profile: profile.bytes }) });
      const uploadedMs = now() - started;
      const answer = await activeClient.invoke(plan.name, plan.args, { fuel: options.fuel ?? 0n });
      const outcome = outcomeOf(answer, plan.command);
      return {
        kind: 'ran',
        target: targetId,
        link: active.link,
        device,
        upload,
        profile,
        outcome,
        exitCode: exitCodeOfOutcome(outcome),
        fuelUsed: answer.fuelUsed,
        peakStackBytes: answer.peakStackBytes,
        outputFramesLost: activeClient.counters.unsolicitedGaps,
        timings: { linkMs, helloMs, uploadedMs, ...(firstOutputMs === undefined ? {} : { firstOutputMs }), doneMs: now() - started },
      };
    } catch (error) {
      // A link that ended because QEMU did is explained by how QEMU ended (a fault report, usually).
      if (active.qemu !== undefined && !(error instanceof WrtError && (error.code === 'LIMIT_EXCEEDED' || error.code === 'BUDGET_EXCEEDED'))) {
        const exit = qemuExit ?? (await Promise.race([active.qemu.exited, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 200))]));
        if (exit !== undefined && !exit.stopped) throw qemuExitError(targetId, exit, active.qemu.uartOutput(), error);
      }
      throw error;
    } finally {
      stopOutput();
    }
  } finally {
    process.off('SIGINT', onSigint);
    await cleanup();
    if (interrupted) {
      process.kill(process.pid, 'SIGINT');
      // The signal ends the process on its next turn of the event loop; no error may win the race.
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
