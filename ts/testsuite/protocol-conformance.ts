import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WrtError } from '../core/errors.js';
import { isDeviceError } from '../device/device-errors.js';
import { loadErrorName, trapMessage, trapName } from '../device/engine-codes.js';
import { DeviceErrorCode, Feature, MAX_VALUES, SessionMode } from '../device/protocol.js';
import { ensureFirmware, firmwareBoardOf } from '../deploy/firmware.js';
import { openQemuLink } from '../deploy/links.js';
import { nativeSimLink } from '../run/run-module.js';
import { loadTarget } from '../targets/index.js';
import { type DeviceLink, DeviceSession, type SessionClient } from '../run/session.js';
import type { AssertModuleCommand, SpecAction, SpecCommand, SpecScript } from './commands.js';
import { type ConvertOptions, conformanceScripts, readSpecScript } from './convert.js';
import {
  type ActionOutcome,
  type ConformanceReport,
  FileTally,
  type FileReport,
  type ModuleFailure,
  actionFailure,
  instantiationAssertionFailure,
  loadAssertionFailure,
  totalReport,
} from './expectations.js';
import { spectestDeviceModule } from './spectest.js';
import { resultSlot, wireArgument } from './wire-values.js';

/**
 * The spec testsuite through the wire protocol: every non-SIMD script runs on a native-sim
 * process (stdio) in one session of several instances (docs/protocol.md §4a). Modules are
 * uploaded, `register` is REGISTER, actions are INVOKE / GLOBAL_GET on the instance the script
 * names, and modules that must fail are uploads the device refuses with LOAD_FAILED and the
 * interpreter's error code. Judgements are ts/testsuite/expectations.ts, shared with the
 * in-process harness (tools/interp/conformance.ts).
 */

/**
 * native-sim's regions for the suite. One arena holds every instance of a script, so each memory
 * reserves at most 1024 pages (64 MiB, as the in-process harness's runtime: memory_grow.wast grows
 * one to 804 pages) and each table 65,536 elements, out of a 3.75 GiB arena mapped lazily:
 * untouched pages cost nothing. The value stack (1 MiB) is painted before each INVOKE to measure
 * its peak, so it stays at native-sim's default size; 10,000 frames as in process.
 */
export const CONFORMANCE_SIM_ARGS: readonly string[] = [
  '--arena',
  String(0xf000_0000),
  '--stack-slots',
  String(1 << 17),
  '--call-depth',
  '10000',
  '--table-elements',
  String(1 << 22),
  '--table-elements-max',
  String(1 << 16),
  '--global-slots',
  String(1 << 16),
  '--memory-pages-max',
  '1024',
];

/** The kind of a LOAD_FAILED refusal: its detail is the interpreter's error code. */
function moduleFailure(error: unknown): ModuleFailure | undefined {
  if (!isDeviceError(error, DeviceErrorCode.LoadFailed)) return undefined;
  return { kind: loadErrorName(error.device.detail), message: error.device.message };
}

function describeError(error: unknown): string {
  if (isDeviceError(error)) return `device ${error.device.name}: ${error.device.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** Runs one script's commands over a client whose device is fresh (no instance, mode ONE). */
class ProtocolScriptRunner {
  /** Instance ids of named modules; `current` the last module instantiated (undefined after a failure). */
  private readonly named = new Map<string, number>();
  private current: number | undefined;
  private readonly tally = new FileTally();

  private readonly client: SessionClient;
  /** Instances loaded since the session (re)started, and whether the script can still name one. */
  private loadedSinceStart = 0;
  private referenced = false;

  constructor(
    private readonly session: DeviceSession,
    private readonly dir: string,
    private readonly recycle: boolean,
  ) {
    this.client = session.client;
  }

  /**
   * With `recycle` (a board: 8 instances and a few MiB of arena), a module command starts a fresh
   * session first while no earlier instance can be named again (none registered or named): the
   * script could only reach the current one, which this command replaces, so dropping them changes
   * no outcome and frees their instance slots, pages and table elements.
   */
  private async beforeInstantiate(): Promise<void> {
    if (!this.recycle || this.referenced || this.loadedSinceStart === 0) return;
    await this.client.reset();
    await this.start();
  }

  private bytes(filename: string): Uint8Array {
    return new Uint8Array(readFileSync(join(this.dir, filename)));
  }

  /** Uploads a module as one more instance: its id, or why the device refused it. */
  private async instantiate(bytes: Uint8Array): Promise<{ ok: true; id: number } | { ok: false; failure: ModuleFailure | undefined; reason: string }> {
    try {
      const id = await this.session.instantiate(bytes);
      this.loadedSinceStart += 1;
      return { ok: true, id };
    } catch (error) {
      return { ok: false, failure: moduleFailure(error), reason: describeError(error) };
    }
  }

  /** Starts the script's session: KEEP mode and the spectest module registered as "spectest". */
  async start(): Promise<void> {
    await this.client.session(SessionMode.Keep);
    const spectest = await this.instantiate(spectestDeviceModule());
    if (!spectest.ok) throw new WrtError('INTERNAL', `the spectest module does not load on the device: ${spectest.reason}`);
    await this.client.register(spectest.id, 'spectest');
    this.loadedSinceStart = 0;
  }

  /**
   * Why the wire cannot carry a command, or undefined. These are the protocol's own limits
   * (docs/protocol.md §3, §4), reported as skipped with the reason rather than hidden.
   */
  private static unsendable(command: SpecCommand): string | undefined {
    if ('action' in command && command.action.type === 'invoke' && command.action.args.length > MAX_VALUES) {
      return `${command.action.args.length} arguments: INVOKE carries at most ${MAX_VALUES} values (docs/protocol.md §3)`;
    }
    if ('expected' in command && command.expected.length > MAX_VALUES) {
      return `${command.expected.length} results: INVOKE answers carry at most ${MAX_VALUES} values (docs/protocol.md §3)`;
    }
    return undefined;
  }

  private instanceFor(moduleName: string | undefined): number | undefined {
    return moduleName !== undefined ? this.named.get(moduleName) : this.current;
  }

  private async perform(action: SpecAction): Promise<ActionOutcome> {
    const instance = this.instanceFor(action.module);
    if (instance === undefined) return { kind: 'error', reason: `no instance ${action.module ?? '(current)'}` };
    try {
      if (action.type === 'get') {
        return { kind: 'results', results: [resultSlot(await this.client.globalGet(instance, action.field))] };
      }
      const args = action.args.map((arg) => wireArgument(arg));
      const result = await this.client.invokeOn(instance, action.field, args);
      if (result.trap !== 0) {
        return { kind: 'trap', trap: { kind: trapName(result.trap), message: trapMessage(result.trap) } };
      }
      return { kind: 'results', results: result.results.map((value) => resultSlot(value)) };
    } catch (error) {
      if (isDeviceError(error, DeviceErrorCode.ExportNotFound)) {
        return { kind: 'error', reason: `no exported ${action.type === 'get' ? 'global' : 'function'} ${action.field}` };
      }
      return { kind: 'error', reason: describeError(error) };
    }
  }

  private async assertModule(command: AssertModuleCommand): Promise<void> {
    if (command.type === 'assert_malformed' && command.module_type === 'text') {
      this.tally.skipTextModule();
      return;
    }
    await this.beforeInstantiate();
    const loaded = await this.instantiate(this.bytes(command.filename));
    if (!loaded.ok && loaded.failure === undefined) {
      this.tally.judge(command, loaded.reason);
      return;
    }
    const failure = loaded.ok ? undefined : loaded.failure;
    if (command.type === 'assert_malformed' || command.type === 'assert_invalid') {
      this.tally.judge(command, loadAssertionFailure(command, failure));
      return;
    }
    /* Over the wire load and instantiation are one step: a decode or validation error is a failed load. */
    if (failure !== undefined && (failure.kind === 'malformed' || failure.kind === 'invalid')) {
      this.tally.judge(command, `load failed: ${failure.kind} (${failure.message})`);
      return;
    }
    this.tally.judge(command, instantiationAssertionFailure(command, failure));
  }

  private async command(command: SpecCommand): Promise<void> {
    const unsendable = ProtocolScriptRunner.unsendable(command);
    if (unsendable !== undefined) {
      this.tally.skip(command, unsendable);
      return;
    }
    switch (command.type) {
      case 'module': {
        await this.beforeInstantiate();
        const loaded = await this.instantiate(this.bytes(command.filename));
        if (!loaded.ok) {
          this.current = undefined;
          this.tally.judge(command, loaded.failure !== undefined ? `${loaded.failure.kind}: ${loaded.failure.message}` : loaded.reason);
          return;
        }
        this.current = loaded.id;
        if (command.name !== undefined) {
          this.named.set(command.name, loaded.id);
          this.referenced = true;
        }
        this.tally.judge(command, undefined);
        return;
      }
      case 'register': {
        const instance = this.instanceFor(command.name);
        if (instance === undefined) {
          this.tally.judge(command, `no instance ${command.name ?? '(current)'} to register`);
          return;
        }
        try {
          await this.client.register(instance, command.as);
          this.referenced = true;
          this.tally.judge(command, undefined);
        } catch (error) {
          this.tally.judge(command, describeError(error));
        }
        return;
      }
      case 'action':
      case 'assert_return':
      case 'assert_trap':
      case 'assert_exhaustion':
        this.tally.judge(command, actionFailure(command, await this.perform(command.action)));
        return;
      default:
        await this.assertModule(command);
    }
  }

  async run(commands: readonly SpecCommand[]): Promise<void> {
    for (const command of commands) await this.command(command);
  }

  report(name: string): FileReport {
    return this.tally.report(name);
  }
}

/**
 * Runs one script on a connected client: a fresh session (RESET, then KEEP mode and spectest).
 * The device must announce sessions (HELLO feature bit 6).
 */
export async function runScriptOverProtocol(session: DeviceSession, name: string, script: SpecScript, dir: string, recycle = false): Promise<FileReport> {
  const hello = session.device;
  if ((hello.features & Feature.Sessions) === 0) {
    throw new WrtError('TOOL_MISSING', `device ${hello.deviceId} has no sessions of several instances (HELLO feature bit 6)`, {
      field: 'features',
    });
  }
  await session.client.reset();
  const runner = new ProtocolScriptRunner(session, dir, recycle);
  await runner.start();
  await runner.run(script.commands);
  return runner.report(name);
}

/** Which scripts (`only`: base names; all non-SIMD scripts otherwise), cache and environment. */
export interface ProtocolConformanceOptions extends ConvertOptions {
  /** native-sim or native-sim-asan; ignored when `openLink` is given. */
  readonly binary: string;
  /**
   * A fresh device per script other than native-sim: a QEMU board with the firmware
   * (scripts/testsuite/protocol-conformance.ts --target). Its link closes after the script; instances
   * no command can name again are dropped between modules (ProtocolScriptRunner.beforeInstantiate).
   */
  readonly openLink?: () => Promise<DeviceLink>;
  /** native-sim's command line; CONFORMANCE_SIM_ARGS by default. */
  readonly simArgs?: readonly string[];
  /** Called after each script, for progress output. */
  readonly onFile?: (report: FileReport) => void;
  /**
   * Wait this long for an answer before resending (default 60 s): stdio loses nothing, and an
   * exhaustion test under ASan runs for seconds, so a resend would only be answered from the replay.
   */
  readonly requestTimeoutMs?: number;
}

/** Runs one script on its own device (a native-sim process, a QEMU), so a crash costs that script only. */
async function runScriptOnFreshDevice(options: ProtocolConformanceOptions, name: string, script: SpecScript, dir: string): Promise<FileReport> {
  let session: DeviceSession | undefined;
  try {
    const link =
      options.openLink !== undefined
        ? await options.openLink()
        : nativeSimLink({
            binary: options.binary,
            simArgs: options.simArgs ?? CONFORMANCE_SIM_ARGS,
            client: { requestTimeoutMs: options.requestTimeoutMs ?? 60_000, maxResends: 1 },
          });
    session = await DeviceSession.open(link);
    return await runScriptOverProtocol(session, name, script, dir, options.openLink !== undefined);
  } catch (error) {
    /* The session could not even start: every command of the script counts as failed. */
    const tally = new FileTally();
    const reason = `session did not start: ${describeError(error)}`;
    for (const command of script.commands) tally.judge(command, reason);
    return tally.report(name);
  } finally {
    await session?.close();
  }
}

/**
 * The opener of `--target`: an emulated board (QEMU) with the firmware deploy builds for it (built
 * once, cached), as `deploy` opens it; one QEMU per script.
 */
export async function emulatedBoardOpener(targetId: string, env: NodeJS.ProcessEnv = process.env): Promise<() => Promise<DeviceLink>> {
  const def = loadTarget(targetId);
  const board = firmwareBoardOf(targetId);
  if (def.kind !== 'emulated' || board === undefined) {
    throw new WrtError('USAGE', `${targetId} is not an emulated board with firmware in targets/bsp`, {
      field: '--target',
      limit: 'native-sim, or a QEMU target (qemu-mps2-an386, qemu-lm3s6965evb)',
    });
  }
  const elf = await ensureFirmware(targetId, board, env);
  return () => openQemuLink(def, elf);
}

/** Converts the pinned testsuite (cached) and runs every non-SIMD script through the protocol. */
export async function runProtocolConformance(options: ProtocolConformanceOptions): Promise<ConformanceReport> {
  const { run, simdFiles } = conformanceScripts(options);
  const files: FileReport[] = [];
  for (const script of run) {
    const report = await runScriptOnFreshDevice(options, script.name, readSpecScript(script.jsonPath), script.dir);
    options.onFile?.(report);
    files.push(report);
  }
  return totalReport(files, simdFiles);
}
