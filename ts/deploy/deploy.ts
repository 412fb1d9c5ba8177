/**
 * `wrt-target deploy`: puts a module on a device and runs it there. For an emulated board the
 * firmware (targets/firmware/interp) is "flashed" by starting QEMU with it; the module then travels
 * over the board's UART with the wire protocol (docs/protocol.md): HELLO, upload (the device checks
 * the SHA-256 before its engine sees a byte), INVOKE, OUTPUT frames streamed as they arrive. A
 * device already running the firmware (`--port` on an emulated target) is driven the same way,
 * with nothing flashed. A real board with board support (targets/bsp, the definition's
 * `firmware:`) gets its firmware built, flashed by the runner of its flashMethods that is installed
 * (ts/deploy/flash-board.ts), and its serial port (`--port`, else the hardware map's entry for the
 * target) opened at its baud rate; `--no-flash` skips the flash. A real board without board
 * support is refused (BOARD_UNSUPPORTED). `--dry-run` builds the image and prints the flash
 * commands, running nothing else. QEMU is stopped and the link closed on every path, SIGINT included.
 *
 * A component (docs/component.md, "Running components") goes the same way: its core module is
 * uploaded, then COMPONENT_INVOKE calls the function --invoke names; firmware without the component
 * runtime (the small executor's image) is refused at HELLO, before the upload.
 *
 * The module travels with its profile (ts/profile/upload-profile.ts): --profile, else its own
 * wrt.profile section, else one compiled for the target. It is resolved and checked against the
 * module, the target and the device's HELLO before anything is uploaded, so a budget the board
 * cannot meet stops the deploy before the device holds a byte of it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WrtError } from '../core/errors.js';
import { checkUserFile, MAX_MODULE_FILE_BYTES } from '../core/user-file.js';
import type { ProtocolClientOptions } from '../device/client.js';
import type { AsilLevel } from '../foundation/asil.js';
import type { UploadProfile } from '../profile/upload-profile.js';
import { fileIsComponent } from '../component/detect.js';
import { loadModule, planInvocation, type Invocation, type PreparedModule } from '../run/module.js';
import type { ComponentRunReport, PreparedCall, PreparedComponent } from '../run/run-component.js';
import type { DebugLevel } from '../limits/types.js';
import { uploadCapacityOf } from '../targets/upload-capacity.js';
import { profileSignatureOf, type SigningKey } from '../signing/signing-key.js';
import { runModuleOn, type RunSinks } from '../run/run-module.js';
import type { HostModule } from '../run/host-calls.js';
import type { ImportPolicy, Sourced } from '../profile/types.js';
import { type DeviceLink, DeviceSession, type ProgramHooks, type ProgramReport, type ProgramTimings, withSession } from '../run/session.js';
import { flashCommand, listTargets, loadTarget, type FlashCommand, type FlashInputs, type FlashRunner, type TargetDefinition } from '../targets/index.js';
import { loadHardwareMap } from '../hil/hardware-map.js';
import { ensureFirmware, firmwareBoardOf, type FirmwareExecutor, type FirmwareVariant } from './firmware.js';
import { boardFlashCommand, chooseFlashRunner, runFlash } from './flash-board.js';
import { type FirmwareCfi, readFirmwareCfi } from '../cfi/firmware-cfi.js';
import { checkImportsOffered, readNativesFile } from '../targets/host-functions.js';
import { openPortLink, openQemuLink } from './links.js';
import { findExecutable, type QemuInstance } from './qemu.js';

/** The board `deploy` picks when no --target is given and QEMU is installed. */
export const DEFAULT_DEPLOY_TARGET = 'qemu-mps2-an386';

export interface DeployOptions {
  /** Target id; absent: DEFAULT_DEPLOY_TARGET when QEMU is installed. */
  readonly target?: string;
  /**
   * The serial port: for an emulated target a device already running the firmware (nothing is
   * flashed); for a real board the port opened after flashing it.
   */
  readonly port?: string;
  /** A hardware map whose serial entry for the target gives the port, baud and runner (no --port). */
  readonly hardwareMap?: string;
  /** false: a real board runs the firmware already; open its port without flashing. */
  readonly flash?: boolean;
  /** Export to call; absent: `_start` as a WASI command. */
  readonly invoke?: string;
  /** Arguments of `invoke` as typed on the command line (ts/run/values.ts). */
  readonly args?: readonly string[];
  /** Instruction budget; absent or 0: none. */
  readonly fuel?: bigint;
  /** --max-resources: a component's handles per component instance (default: the device's). */
  readonly maxResources?: number;
  /** Print what would be flashed and run nothing. */
  readonly dryRun?: boolean;
  /** The firmware ELF to flash; default build/firmware/<board>/interp.elf (built when make can). */
  readonly firmware?: string;
  /** The executor of the firmware deploy builds (default fast); not with `firmware` or `port`. */
  readonly executor?: FirmwareExecutor;
  /** --profile: a profile file, 'none', or absent (the module's own section, else compiled for the target). */
  readonly profile?: string;
  /** The safety level the deploy asks for (--asil), with its source. */
  readonly asil?: { readonly level: AsilLevel; readonly source: string };
  /** The debug level a profile compiled here is at (--debug); a given one must be at it. */
  readonly debug?: DebugLevel;
  /** --break: functions to stop at (names or indices), within the profile's breakpoints. */
  readonly breaks?: readonly string[];
  /** Host functions served over the wire (`--host FILE.mjs`). */
  readonly host?: HostModule;
  /** `--trace-host-calls`: the device traces every host call. */
  readonly traceHostCalls?: boolean;
  /** `--host-policy`: import policies of a profile compiled here. */
  readonly hostPolicies?: ReadonlyMap<string, Sourced<ImportPolicy>>;
  /** --natives: a C file of natives (docs/host-functions.md) built into the firmware. */
  readonly natives?: string;
  /** --qmp: QEMU's QMP monitor also on this Unix socket, to watch the board from outside. */
  readonly qmp?: string;
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
  /** Told the flash commands before a real board is flashed. */
  readonly onFlash?: (flash: FlashCommand) => void;
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

/** Where a deploy ran, and what travelled with the module. */
export interface DeployedOn {
  readonly target: string;
  readonly link: string;
  /** The profile uploaded with the module; undefined for --profile none. */
  readonly profile: UploadProfile | undefined;
  /** The hardware CFI the flashed firmware carries, read from its ELF; null when deploy flashed none (--port). */
  readonly firmwareCfi: FirmwareCfi | null;
  readonly timings: DeployTimings;
}

export type DeployReport =
  | {
      readonly kind: 'dry-run';
      readonly target: string;
      readonly flash: FlashCommand;
      /** What deploy would do after flashing, in words. */
      readonly then: string;
    }
  | (ProgramReport &
      DeployedOn & {
        readonly kind: 'ran';
        /** The module as read on the host: names breakpoint hits and trace entries. */
        readonly module: PreparedModule;
      })
  | (ComponentRunReport &
      DeployedOn & {
        readonly kind: 'component';
        /** The function called and its checked arguments. */
        readonly call: PreparedCall;
      });

/** What a deploy uploads and runs: a core module's invocation, or a component's call. */
type Payload =
  | { readonly kind: 'module'; readonly module: PreparedModule; readonly invocation: Invocation; readonly breakpoints: readonly number[] }
  | { readonly kind: 'component'; readonly component: PreparedComponent; readonly call: PreparedCall };

/**
 * A component's call, checked before anything starts (docs/component.md, "Running components"):
 * the flags that serve a core module are refused, the WAVE arguments checked against the function.
 */
async function componentPayload(file: string, options: DeployOptions, cwd: string): Promise<Payload> {
  const { loadComponentPlan, planComponentCall, refuseCoreModuleFlags } = await import('../run/run-component.js');
  refuseCoreModuleFlags(file, [
    ['--natives', options.natives !== undefined],
    ['--host', options.host !== undefined],
    ['--trace-host-calls', options.traceHostCalls === true],
    ['--host-policy', options.hostPolicies !== undefined],
    ['--signing-key', options.signingKey !== undefined],
    ['--break', (options.breaks ?? []).length > 0],
  ]);
  const component = loadComponentPlan(file, cwd);
  const call = planComponentCall(component, options.invoke, options.args ?? []);
  // Several core instances, adapters and resources run on a board when the component's profile
  // (compiled below, before a board is flashed or QEMU starts) proves they fit its arena and its
  // component runtime (ts/profile/component-profile.ts).
  return { kind: 'component', component, call };
}

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

/** A real board's serial line: the port, its speed, and the runner a hardware map names. */
export interface BoardLine {
  readonly port: string;
  readonly baud: number | undefined;
  readonly runner?: FlashRunner;
}

/**
 * The serial line of a real board: --port, else the one enabled serial entry of the hardware map
 * for the target (its by-id path, its baud or else the target's). Undefined when neither names one.
 */
export function boardLineOf(def: TargetDefinition, port: string | undefined, hardwareMap: string | undefined, cwd: string): BoardLine | undefined {
  const map = hardwareMap === undefined ? undefined : loadHardwareMap(path.resolve(cwd, hardwareMap));
  if (port !== undefined) return { port, baud: def.uart.baud };
  if (map === undefined) return undefined;
  const entries = map.boards.filter((board) => board.enabled && board.target?.id === def.id && 'port' in board.connection);
  const [only] = entries;
  if (only === undefined || entries.length > 1 || !('port' in only.connection)) {
    const found = entries.length === 0 ? `no enabled serial board of target ${def.id}` : `${entries.length} serial boards of target ${def.id} (${entries.map((board) => board.id).join(', ')})`;
    throw new WrtError('USAGE', `the hardware map ${hardwareMap ?? ''} has ${found}`, { file: map.file, field: '--hardware-map', limit: 'exactly one, or name the port with --port PATH' });
  }
  // The map loader accepted the runner as one of the target's flash methods.
  const runner = def.flashMethods.find((method) => method.runner === only.runner)?.runner;
  return { port: only.connection.port, baud: only.baud ?? def.uart.baud, ...(runner === undefined ? {} : { runner }) };
}

/** A real board without board support, refused with that reason. */
export function boardUnsupported(def: TargetDefinition): WrtError {
  return new WrtError('BOARD_UNSUPPORTED', `${def.id} is a real board with no board support here: no targets/bsp folder builds its firmware (its definition has no firmware: section)`, {
    field: '--target',
    limit: `a target with board support: ${listTargets()
      .filter((other) => other.firmware !== undefined)
      .map((other) => other.id)
      .join(', ')}; or --firmware IMAGE, an image built elsewhere`,
  });
}

/** The firmware image a deploy or dry run flashes: --firmware as it is (it must exist), else built. */
async function firmwareImage(
  def: TargetDefinition,
  board: string | undefined,
  firmware: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
  variant: FirmwareVariant,
): Promise<string> {
  if (firmware !== undefined) {
    const image = path.resolve(cwd, firmware);
    if (!fs.existsSync(image)) {
      throw new WrtError('FILE_NOT_FOUND', `the firmware image ${firmware} does not exist`, { file: image, field: '--firmware', limit: 'an ELF built for the target' });
    }
    return image;
  }
  if (board === undefined) {
    if (def.kind === 'board') throw boardUnsupported(def);
    throw new WrtError('USAGE', `no targets/bsp board builds firmware for ${def.id}`, { field: '--target', limit: 'name an ELF with --firmware' });
  }
  return ensureFirmware(def.id, board, env, undefined, variant);
}

/**
 * A profile that requires hardware CFI (compiled at C or D for a PACBTI target, or given) runs only
 * on firmware that carries it: the marks are read from the image about to be flashed.
 */
export function checkFirmwareCfi(profile: UploadProfile, firmware: FirmwareCfi, targetId: string): void {
  for (const feature of profile.decoded.hardwareCfi) {
    if (feature !== 'pac' && feature !== 'bti') continue;
    const mark = firmware[feature];
    if (mark.state === 'present') continue;
    throw new WrtError('CFI_REQUIREMENT_UNMET', `the profile (${profile.source}) requires ${feature === 'pac' ? 'PAC (signed return addresses)' : 'BTI (branch target identification)'} in the firmware of ${targetId}, and ${firmware.file} has it ${mark.state}: ${mark.detail}`, {
      file: firmware.file,
      field: feature === 'pac' ? 'Tag_PACRET_use' : 'Tag_BTI_use',
      limit: `firmware built with -mbranch-protection=pac-ret+bti (make -C targets/firmware image BOARD=${firmwareBoardOf(targetId) ?? targetId} APP=interp), or a profile below ASIL C`,
    });
  }
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
  const cwd = deps.cwd ?? process.cwd();
  const targetId = chooseDeployTarget(options.target, options.port !== undefined || qemuInstalled);
  const def = loadTarget(targetId);
  const board = firmwareBoardOf(targetId);
  // The executor picks the image deploy builds; a given image or a device left as it is has its own.
  const nothingFlashed = options.flash === false || (options.port !== undefined && def.kind !== 'board');
  if (options.executor !== undefined && (options.firmware !== undefined || nothingFlashed)) {
    const given = options.firmware !== undefined;
    const flag = given ? '--firmware' : options.flash === false ? '--no-flash' : '--port';
    throw new WrtError('USAGE', `--executor chooses the firmware deploy builds; with ${given ? '--firmware the image is given' : `${flag} nothing is flashed`}`, {
      field: '--executor',
      limit: `drop --executor or ${flag}`,
    });
  }
  if (options.natives !== undefined && (options.firmware !== undefined || nothingFlashed)) {
    const flag = options.firmware !== undefined ? '--firmware' : options.flash === false ? '--no-flash' : '--port';
    throw new WrtError('USAGE', `--natives builds a firmware image; with ${flag} ${options.firmware !== undefined ? 'the image is given' : 'nothing is flashed'}: give one of them`, {
      field: '--natives',
      limit: `drop --natives or ${flag}`,
    });
  }
  const natives = options.natives === undefined ? undefined : readNativesFile(options.natives, cwd);
  const variant: FirmwareVariant = {
    executor: options.executor ?? 'fast',
    ...(natives === undefined ? {} : { natives }),
    ...(options.signingKey === undefined ? {} : { signingKey: options.signingKey.publicKey }),
  };
  const onPath = (command: string): boolean => findExecutable(command, env.PATH) !== undefined;
  const realBoard = def.kind === 'board';
  // A board without board support is refused before anything else is looked at.
  if (realBoard && board === undefined && options.firmware === undefined && (options.flash !== false || options.dryRun === true)) throw boardUnsupported(def);
  const line = realBoard ? boardLineOf(def, options.port, options.hardwareMap, cwd) : undefined;

  if (options.dryRun === true) {
    // Nothing is read, but a path that is no module file is refused as a real deploy would refuse it.
    checkUserFile(path.resolve(cwd, file), { what: 'module', maxBytes: MAX_MODULE_FILE_BYTES, shown: file });
    // Only commands for an image that exists: built first, as a real deploy would.
    const image = await firmwareImage(def, board, options.firmware, env, cwd, variant);
    const inputs = flashInputsFor(image, line?.port ?? options.port);
    const flash = realBoard ? boardFlashCommand(def, inputs, line?.runner, onPath) : flashCommand(def, inputs);
    // A component's --invoke carries its arguments: 'greet("wasm")'.
    const what = options.invoke === undefined ? '_start (WASI command)' : options.invoke.includes('(') ? options.invoke : `${options.invoke}(${(options.args ?? []).join(', ')})`;
    const port = line?.port ?? options.port ?? (def.kind === 'emulated' ? 'the emulated UART' : 'the serial port (--port or --hardware-map)');
    return {
      kind: 'dry-run',
      target: targetId,
      flash,
      then: `open ${port}, HELLO, upload ${path.basename(file)} with ${profileWords(options.profile, targetId)}, verify SHA-256, invoke ${what}`,
    };
  }
  if (realBoard && line === undefined) {
    throw new WrtError('USAGE', `${targetId} is a real board: name its serial port with --port PATH (/dev/serial/by-id/...) or --hardware-map FILE`, {
      field: '--port',
      limit: 'the port of the board\'s USB serial line (ls -l /dev/serial/by-id/)',
    });
  }

  // Before anything starts: a bad module, a missing export, a budget the target cannot meet, a
  // profile of another module, or firmware without the hardware CFI the profile needs ends here.
  // The firmware built from the target YAML has its upload buffer; a --firmware image may differ (HELLO tells).
  const { checkBreakpointBudget, resolveBreakpoints } = await import('../run/debug.js');
  let payload: Payload;
  if (fileIsComponent(path.resolve(cwd, file), { what: 'module', maxBytes: MAX_MODULE_FILE_BYTES, shown: file })) {
    payload = await componentPayload(file, options, cwd);
  } else {
    const module = loadModule(file, cwd, options.firmware === undefined ? uploadCapacityOf(def) : undefined);
    const invocation = planInvocation(module, options.invoke, options.args ?? []);
    payload = { kind: 'module', module, invocation, breakpoints: resolveBreakpoints(module, options.breaks ?? []) };
  }
  // What travels: the module, or the component's core module (its size is checked against HELLO).
  const uploaded = payload.kind === 'module' ? payload.module : { bytes: payload.component.plan.coreModule, report: payload.component.plan.coreReport };
  const breakpoints = payload.kind === 'module' ? payload.breakpoints : [];
  // The firmware built here offers what the target lists (and the natives): validate --target's check.
  const hostServed = options.host === undefined ? [] : [...options.host.functions.keys()];
  // A component's core instances import each other (`#k`, `#a`), not the target's host functions.
  if (options.firmware === undefined && payload.kind === 'module') checkImportsOffered(uploaded.report.imports, def, file, natives, hostServed);
  // The image about to be flashed (or the one given) is brought up to date first, so the profile is
  // compiled against the CFI marks it really carries (a device left as it is runs whatever was
  // flashed: its image is not known here).
  const flashes = options.firmware !== undefined || (def.kind === 'emulated' && options.port === undefined) || (line !== undefined && options.flash !== false);
  const plainImage = flashes ? await firmwareImage(def, board, options.firmware, env, cwd, variant) : undefined;
  const firmwareCfi = plainImage === undefined ? null : await readFirmwareCfi(plainImage, cwd, path.relative(cwd, plainImage).startsWith('..') ? plainImage : path.relative(cwd, plainImage));
  const { resolveUploadProfile } = await import('../profile/upload-profile.js');
  const profile = payload.kind === 'component' && options.profile === undefined
    ? await (await import('../profile/component-upload.js')).compileComponentUploadProfile({
        file,
        plan: payload.component.plan,
        component: payload.component.bytes,
        targetId,
        ...(plainImage === undefined ? {} : { firmware: plainImage }),
        ...(options.asil === undefined ? {} : { asil: options.asil }),
        ...(options.debug === undefined ? {} : { debug: options.debug }),
        ...(options.executor === undefined ? {} : { executor: options.executor }),
        overrides: {
          ...(options.fuel === undefined ? {} : { fuel: { value: options.fuel, source: 'cli --fuel' } }),
          ...(options.maxResources === undefined ? {} : { maxResources: { value: options.maxResources, source: 'cli --max-resources' } }),
        },
        env,
        cwd,
      })
    : await resolveUploadProfile({
    file,
    module: uploaded.bytes,
    analysis: uploaded.report,
    targetId,
    ...(plainImage === undefined ? {} : { firmware: plainImage }),
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    ...(options.asil === undefined ? {} : { asil: options.asil }),
    ...(options.debug === undefined ? {} : { debug: options.debug }),
    ...(natives === undefined ? {} : { natives }),
    ...(hostServed.length === 0 ? {} : { hostServed }),
    ...(options.executor === undefined ? {} : { executor: options.executor }),
    overrides: {
      ...(options.fuel === undefined ? {} : { fuel: { value: options.fuel, source: 'cli --fuel' } }),
      ...(options.hostPolicies === undefined ? {} : { hostPolicyByImport: options.hostPolicies }),
      ...(options.signingKey === undefined ? {} : { signingKey: profileSignatureOf(options.signingKey) }),
    },
    env,
    cwd,
  });
  if (profile !== undefined && firmwareCfi !== null) checkFirmwareCfi(profile, firmwareCfi, targetId);

  if (options.hostPolicies !== undefined) (await import('../profile/host-policy.js')).checkPoliciesCarried(options.hostPolicies, profile, file);
  checkBreakpointBudget(breakpoints.length, profile, file);

  // Without --signing-key, the key a given profile requires is built into the firmware deploy
  // builds. The key does not change the CFI marks read above: only the image is another.
  const requiredKey = profile?.decoded.signingKey ?? null;
  const image = options.signingKey === undefined && requiredKey !== null && options.firmware === undefined && plainImage !== undefined
    ? await firmwareImage(def, board, undefined, env, cwd, { ...variant, signingKey: Uint8Array.from(Buffer.from(requiredKey, 'hex')) })
    : plainImage;

  let linkMs = 0;
  const openLink = async (): Promise<DeviceLink> => {
    const client = deps.client === undefined ? {} : { client: deps.client };
    if (line !== undefined) {
      if (options.flash !== false && image !== undefined) {
        const flash = flashCommand(def, flashInputsFor(image, line.port), chooseFlashRunner(def, line.runner, onPath));
        deps.onFlash?.(flash);
        await runFlash(def, flash, env);
      }
      // A serial node at the board's UART speed (serialport), a pty as it is.
      return openPortLink(line.port, line.baud, client);
    }
    if (options.port !== undefined) {
      // The device already runs the firmware: nothing is flashed. A pty as it is, a serial node at the target's UART speed.
      return openPortLink(options.port, def.uart.baud, client);
    }
    if (def.kind !== 'emulated') throw new WrtError('USAGE', `${targetId} is a ${def.kind} target: use \`wrt-target run\` for it`, { field: '--target' });
    if (image === undefined) throw new WrtError('INTERNAL', `no firmware image for the emulated target ${targetId}`, { field: '--target' });
    const link = await openQemuLink(def, image, {
      ...client,
      ...(options.qmp === undefined ? {} : { userQmpSocket: path.resolve(cwd, options.qmp) }),
    });
    deps.onQemu?.(link.qemu);
    return link;
  };

  return withSession(
    async () => {
      const link = await openLink();
      linkMs = now() - started;
      return DeviceSession.open(link);
    },
    async (session): Promise<DeployReport> => {
      const hooks = {
        now: () => now() - started,
        ...(deps.onProgress === undefined ? {} : { onProgress: deps.onProgress }),
        ...(deps.onUploaded === undefined ? {} : { onUploaded: deps.onUploaded }),
      };
      const on = { target: targetId, link: session.link.description, profile, firmwareCfi };
      if (payload.kind === 'component') {
        const { runComponentOn } = await import('../run/run-component.js');
        const { component, call } = payload;
        const ran = await runComponentOn(session, { component, call, ...(profile === undefined ? {} : { profile }), ...(options.fuel === undefined ? {} : { fuel: options.fuel }) }, sinks, hooks);
        return { kind: 'component', ...on, call, ...ran, timings: { linkMs, ...ran.timings } };
      }
      const { module, invocation } = payload;
      const ran = await runModuleOn(
        session,
        {
          module,
          invocation,
          ...(options.args === undefined ? {} : { args: options.args }),
          ...(profile === undefined ? {} : { profile }),
          ...(options.fuel === undefined ? {} : { fuel: options.fuel }),
          ...(options.host === undefined ? {} : { host: options.host }),
          ...(options.traceHostCalls === true ? { traceHostCalls: true } : {}),
          ...(breakpoints.length === 0 ? {} : { breakpoints }),
          ...(natives === undefined ? {} : { natives }),
          toolEnv: env,
        },
        sinks,
        hooks,
      );
      return { kind: 'ran', ...on, module, ...ran, timings: { linkMs, ...ran.timings } };
    },
    { handleSigint: deps.handleSigint !== false },
  );
}
