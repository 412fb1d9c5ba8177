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
import * as path from 'node:path';
import { WrtError } from '../core/errors.js';
import { checkUserFile, MAX_MODULE_FILE_BYTES } from '../core/user-file.js';
import type { ProtocolClientOptions } from '../device/client.js';
import type { AsilLevel } from '../foundation/asil.js';
import type { UploadProfile } from '../profile/upload-profile.js';
import { loadModule, planInvocation } from '../run/module.js';
import { uploadCapacityOf } from '../targets/upload-capacity.js';
import { profileSignatureOf, type SigningKey } from '../signing/signing-key.js';
import { runModuleOn, type RunSinks } from '../run/run-module.js';
import { type DeviceLink, DeviceSession, type ProgramHooks, type ProgramReport, type ProgramTimings, withSession } from '../run/session.js';
import { flashCommand, loadTarget, type FlashCommand, type FlashInputs, type TargetDefinition } from '../targets/index.js';
import { ensureFirmware, firmwareBoardOf, firmwareImagePath } from './firmware.js';
import { openPortLink, openQemuLink } from './links.js';
import { findExecutable, type QemuInstance } from './qemu.js';

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
  /** The safety level the deploy asks for (--asil), with its source. */
  readonly asil?: { readonly level: AsilLevel; readonly source: string };
  /**
   * --signing-key: the profile requires modules signed by it, and the firmware is built holding it
   * (docs/signing.md). Absent: the key a given profile requires, if any, is built in.
   */
  readonly signingKey?: SigningKey;
}

export interface DeployDeps {
  readonly env?: NodeJS.ProcessEnv;
  /** Upload progress (bytes the device confirmed, module size). */
  readonly onProgress?: ProgramHooks['onProgress'];
  /** The upload is verified and loaded (before the program runs): its report and times. */
  readonly onUploaded?: ProgramHooks['onUploaded'];
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

export interface DeployTimings extends ProgramTimings {
  /** Firmware started (QEMU up) or port opened, from the start of deploy. */
  readonly linkMs: number;
}

export type DeployReport =
  | {
      readonly kind: 'dry-run';
      readonly target: string;
      readonly flash: FlashCommand;
      /** What deploy would do after flashing, in words. */
      readonly then: string;
    }
  | (ProgramReport & {
      readonly kind: 'ran';
      readonly target: string;
      readonly link: string;
      /** The profile uploaded with the module; undefined for --profile none. */
      readonly profile: UploadProfile | undefined;
      readonly timings: DeployTimings;
    });

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
  const elf = options.firmware ?? firmwareImagePath(targetId, board, env, options.signingKey?.publicKey);

  if (options.dryRun === true) {
    // Nothing is read, but a path that is no module file is refused as a real deploy would refuse it.
    checkUserFile(path.resolve(deps.cwd ?? process.cwd(), file), { what: 'module', maxBytes: MAX_MODULE_FILE_BYTES, shown: file });
    const flash = flashCommand(def, flashInputsFor(elf, options.port));
    const what = options.invoke === undefined ? '_start (WASI command)' : `${options.invoke}(${(options.args ?? []).join(', ')})`;
    return {
      kind: 'dry-run',
      target: targetId,
      flash,
      then: `open ${options.port ?? (def.kind === 'emulated' ? 'the emulated UART' : 'the serial port (--port)')}, HELLO, upload ${path.basename(file)} with ${profileWords(options.profile, targetId)}, verify SHA-256, invoke ${what}`,
    };
  }

  // Before anything starts: a bad module, a missing export, a budget the target cannot meet, or a
  // profile of another module ends here.
  // The firmware built from the target YAML has its upload buffer; a --firmware image may differ (HELLO tells).
  const module = loadModule(file, deps.cwd, options.firmware === undefined ? uploadCapacityOf(def) : undefined);
  const invocation = planInvocation(module, options.invoke, options.args ?? []);
  const { resolveUploadProfile } = await import('../profile/upload-profile.js');
  const profile = await resolveUploadProfile({
    file,
    module: module.bytes,
    analysis: module.report,
    targetId,
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    ...(options.asil === undefined ? {} : { asil: options.asil }),
    overrides: {
      ...(options.fuel === undefined ? {} : { fuel: { value: options.fuel, source: 'cli --fuel' } }),
      ...(options.signingKey === undefined ? {} : { signingKey: profileSignatureOf(options.signingKey) }),
    },
    env,
    cwd: deps.cwd ?? process.cwd(),
  });
  const requiredKey = profile?.decoded.signingKey ?? null;
  const firmwareKey = options.signingKey?.publicKey ?? (requiredKey === null ? undefined : Uint8Array.from(Buffer.from(requiredKey, 'hex')));

  let linkMs = 0;
  const openLink = async (): Promise<DeviceLink> => {
    if (options.port !== undefined) {
      // The device already runs the firmware: nothing is flashed. A pty as it is, a serial node at the target's UART speed.
      return openPortLink(options.port, def.uart.baud, deps.client === undefined ? {} : { client: deps.client });
    }
    if (def.kind === 'board') throw realBoardRefusal(def, elf, (command) => findExecutable(command, env.PATH) !== undefined);
    if (def.kind !== 'emulated') throw new WrtError('USAGE', `${targetId} is a ${def.kind} target: use \`wrt-target run\` for it`, { field: '--target' });
    if (board === undefined && options.firmware === undefined) {
      throw new WrtError('USAGE', `no targets/bsp board builds firmware for ${targetId}`, { field: '--target', limit: 'name an ELF with --firmware' });
    }
    const image = options.firmware ?? (await ensureFirmware(targetId, board ?? targetId, env, undefined, firmwareKey));
    const link = await openQemuLink(def, image, deps.client === undefined ? {} : { client: deps.client });
    deps.onQemu?.(link.qemu);
    return link;
  };

  return withSession(
    async () => {
      const link = await openLink();
      linkMs = now() - started;
      return DeviceSession.open(link);
    },
    async (session) => {
      const ran = await runModuleOn(
        session,
        {
          module,
          invocation,
          ...(options.args === undefined ? {} : { args: options.args }),
          ...(profile === undefined ? {} : { profile }),
          ...(options.fuel === undefined ? {} : { fuel: options.fuel }),
        },
        sinks,
        {
          now: () => now() - started,
          ...(deps.onProgress === undefined ? {} : { onProgress: deps.onProgress }),
          ...(deps.onUploaded === undefined ? {} : { onUploaded: deps.onUploaded }),
        },
      );
      return { kind: 'ran', target: targetId, link: session.link.description, profile, ...ran, timings: { linkMs, ...ran.timings } };
    },
    { handleSigint: deps.handleSigint !== false },
  );
}
