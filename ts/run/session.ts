/**
 * The one path from a module to a device, whatever the device is (native-sim on this host, a QEMU
 * board, a serial line): open the link → HELLO → fit check → ARGS → upload with its profile →
 * invoke → outcome. `run`, `deploy`, every HIL executor and the protocol conformance runner walk
 * it; how a link is made (spawn, QEMU, serial port) is theirs, and so is what they print.
 */
import * as path from 'node:path';
import { WrtError } from '../core/errors.js';
import { ProtocolClient, type ProtocolClientOptions, type UploadReport } from '../device/client.js';
import type { ComponentInvokeRequest, ComponentInvokeResult } from '../device/component-messages.js';
import type { HostTrace } from '../device/host-messages.js';
import { type BreakHit, type DebugTrace, TraceAssembler } from '../device/debug-messages.js';
import type { HelloInfo, InvokeResult, LogLine, TrapFrame, WireValue } from '../device/messages.js';
import { Feature, OutputStream, ResetKind, SessionFeature, SessionMode } from '../device/protocol.js';
import { instanceName } from '../component/relink.js';
import type { PlanAdapterCall } from '../component/plan.js';
import type { PlanImport, PlanResource, PlanStep } from '../component/flatten.js';
import type { Transport } from '../device/transport.js';
import type { UploadProfile } from '../profile/upload-profile.js';
import type { Invocation } from './module.js';
import { TRAP_EXIT, trapCode, trapMessage } from '../device/engine-codes.js';
import type { HostBinding } from './host-calls.js';
import { type Backtrace, backtraceOf, type Located } from './backtrace.js';

/** Finds a trap's frames in the module file (ts/run/backtrace.ts). */
export type FrameLocator = (frames: readonly TrapFrame[]) => Located;

/** A link to a device running the interpreter's protocol server. */
export interface DeviceLink {
  readonly transport: Transport;
  /** Where it goes, for messages: "native-sim", "qemu mps2-an386 UART0 (...)", "/dev/ttyACM0". */
  readonly description: string;
  readonly clientOptions: ProtocolClientOptions;
  /**
   * Called before the first request: a paused emulator is let go here, so its boot is not
   * counted against the link's set-up.
   */
  start?(): Promise<void>;
  /** A failure explained by how the link ended (an emulator's fault report), or undefined. */
  explain?(error: unknown): Promise<Error | undefined>;
  /** Ends the link and whatever runs behind it; safe to call twice. */
  close(): Promise<void>;
}

export interface ProgramSinks {
  stdout(bytes: Uint8Array): void;
  stderr(bytes: Uint8Array): void;
  /** A host call as the device saw it end (HOST_TRACE: traced on request, or by an import's `log` policy). */
  hostTrace?(trace: HostTrace): void;
  /** A LOG frame: the device's own lines and the program's wrt:logging records. */
  log?(line: LogLine): void;
  /** Why a host function served here failed its call. */
  hostError?(message: string): void;
  /** A breakpoint hit (BREAK, docs/protocol.md §4d), as it arrives; the program has continued. */
  breakHit?(hit: BreakHit): void;
}

/** Traps that stop at a host call the profile refuses; the answer then names the import by its function index. */
const REFUSED_HOST_CALL_TRAPS: readonly number[] = [trapCode('host_call_denied'), trapCode('host_budget_exhausted')];

export type RunOutcome =
  | { readonly kind: 'returned'; readonly results: readonly WireValue[] }
  | { readonly kind: 'exited'; readonly exitCode: number }
  | {
      readonly kind: 'trapped';
      readonly trap: number;
      readonly trapName: string;
      readonly functionIndex: number;
      /** From the module's name section (kept on the host even when stripped for upload). */
      readonly functionName?: string;
      /** The import whose call the profile refused (`module.field`); functionIndex is its function index then. */
      readonly importName?: string;
      /** The wasm frames at the trap, innermost first (empty from a device that sends none). */
      readonly backtrace: Backtrace;
    };

/**
 * Turns an INVOKE answer into what happened; an exit carries its code in trapFunction, a refused
 * host call the import's function index.
 */
export function outcomeOf(
  answer: InvokeResult,
  command: boolean,
  functionName: (index: number) => string | undefined = () => undefined,
  importName: (index: number) => string | undefined = () => undefined,
  locate: FrameLocator = () => ({ unlocated: 'no module file to locate the frames in' }),
  frameName: (index: number) => string | undefined = functionName,
): RunOutcome {
  if (answer.trap === TRAP_EXIT) return { kind: 'exited', exitCode: answer.trapFunction };
  if (answer.trap !== 0) {
    const imported = REFUSED_HOST_CALL_TRAPS.includes(answer.trap) ? importName(answer.trapFunction) : undefined;
    const name = imported === undefined ? functionName(answer.trapFunction) : undefined;
    return {
      kind: 'trapped',
      trap: answer.trap,
      trapName: trapMessage(answer.trap),
      functionIndex: answer.trapFunction,
      ...(name === undefined ? {} : { functionName: name }),
      ...(imported === undefined ? {} : { importName: imported }),
      backtrace: backtraceOf(answer.frames, answer.depth, frameName, answer.frames.length === 0 ? { offsets: [] } : locate(answer.frames)),
    };
  }
  return command ? { kind: 'exited', exitCode: 0 } : { kind: 'returned', results: answer.results };
}

/**
 * What a device cannot give a WASI command of what it asks for, over ARGS (docs/protocol.md §4b):
 * nothing when it has the message; without it, argv beyond argv[0] (the program's name, which the
 * firmware gives as it likes) and any environment. The one rule for `run`, `deploy` and HIL. Pure.
 */
export function argsNotCarried(features: number, argv: readonly string[], env: Readonly<Record<string, string>>): string[] {
  if ((features & Feature.Args) !== 0) return [];
  const missing: string[] = [];
  if (argv.length > 1) missing.push(`program arguments ${JSON.stringify(argv.slice(1))}`);
  const names = Object.keys(env);
  if (names.length > 0) missing.push(`environment ${names.join(', ')}`);
  return missing;
}

/** What a tool exits with after a program ran: its exit code, 0 after a return, 1 after a trap. */
export function exitCodeOfOutcome(outcome: RunOutcome): number {
  switch (outcome.kind) {
    case 'returned':
      return 0;
    case 'exited':
      return outcome.exitCode;
    case 'trapped':
      return 1;
  }
}

/**
 * Refuses a module the device cannot take, before a byte of it is sent: the upload capacity HELLO
 * announced is the limit.
 */
export function checkModuleFits(size: number, device: HelloInfo, file: string): void {
  if (size > device.uploadCapacity) {
    throw new WrtError(
      'LIMIT_EXCEEDED',
      `the module is ${size} bytes as uploaded; ${device.deviceId} takes modules of at most ${device.uploadCapacity} bytes (its upload buffer)`,
      { file, field: 'module size', limit: `${device.uploadCapacity} bytes (upload capacity announced by ${device.deviceId} in HELLO); shrink the module (wasm-opt -Oz, -Wl,--strip-all) or pick a board with more RAM` },
    );
  }
}

/**
 * Refuses a profile the device cannot hold or lay out, before the upload: the arena and the profile
 * capacity HELLO announced are the limits.
 */
export function checkProfileFits(profile: UploadProfile, device: HelloInfo, file: string): void {
  const arena = profile.decoded.arenaBytes;
  if (arena > device.arenaBytes) {
    throw new WrtError(
      'BUDGET_EXCEEDED',
      `the profile's arena is ${arena} bytes; ${device.deviceId} has ${device.arenaBytes}`,
      { file, field: 'arena', limit: `${device.arenaBytes} bytes (arena announced by ${device.deviceId} in HELLO): recompile the profile for this device, or lower its budgets`, source: profile.source },
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

/** What a program run needs beyond the session: the bytes to send and what to call. */
export interface ProgramRequest {
  /** The module file as the user named it (messages; argv[0] of a command). */
  readonly file: string;
  /** The bytes the device is sent (ts/wasm/upload-form.ts). */
  readonly uploadBytes: Uint8Array;
  readonly invocation: Invocation;
  /** A WASI command's whole argv (default: the file's base name alone) and environment. */
  readonly argv?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Uploaded in UPLOAD_BEGIN; undefined: the device's default layout, no budgets. */
  readonly profile?: UploadProfile;
  /** Instruction budget of the invocation; absent or 0: the profile's (or none). */
  readonly fuel?: bigint;
  /** Names a trap's function (the module's name section, kept on the host). */
  readonly functionName?: (index: number) => string | undefined;
  /** Names an imported function by its index (`module.field`), for a refused host call's trap. */
  readonly importName?: (index: number) => string | undefined;
  /** Finds a trap's frames in the module file. */
  readonly locate?: FrameLocator;
  /** Names a backtrace's frames (default functionName). */
  readonly frameName?: (index: number) => string | undefined;
  /** Imports served here over the wire (ts/run/host-calls.ts). */
  readonly host?: HostBinding;
  /** The device traces every host call (HOST_TRACE frames to sinks.hostTrace). */
  readonly traceHostCalls?: boolean;
  /**
   * Functions (indices in the module) the device stops at, within the profile's breakpoint
   * budget (BREAKPOINTS before the INVOKE, §4d); empty or absent: none.
   */
  readonly breakpoints?: readonly number[];
}

export interface ProgramHooks {
  /** Upload progress: bytes the device confirmed, of the total. */
  readonly onProgress?: (done: number, total: number) => void;
  /** The device verified the SHA-256 and loaded the module; called before the program is invoked. */
  readonly onUploaded?: (upload: UploadReport, timings: Pick<ProgramTimings, 'uploadStartMs' | 'uploadedMs'>) => void;
  /** Milliseconds since some start (timings); default performance.now. */
  readonly now?: () => number;
}

/** Milliseconds from the caller's start (ProgramHooks.now). */
export interface ProgramTimings {
  readonly helloMs: number;
  readonly uploadStartMs: number;
  readonly uploadedMs: number;
  /** First OUTPUT byte, when the program printed anything. */
  readonly firstOutputMs?: number;
  readonly doneMs: number;
}

export interface ProgramReport {
  readonly device: HelloInfo;
  readonly upload: UploadReport;
  readonly answer: InvokeResult;
  readonly outcome: RunOutcome;
  readonly exitCode: number;
  readonly fuelUsed: bigint;
  readonly peakStackBytes: number;
  /** OUTPUT frames lost on the link (gaps in the device's unsolicited sequence numbers). */
  readonly outputFramesLost: number;
  /** Breakpoint hits, in order (none without breakpoints). */
  readonly breaks: readonly BreakHit[];
  /** The last function entries before a trap, from a profile with a trace (TRACE frames); else undefined. */
  readonly trace?: DebugTrace;
  readonly timings: ProgramTimings;
}

/** A HELLO nobody answered: whatever is on the link is not a wrt-target device (or is not running). */
function notAWrtDevice(error: unknown, link: DeviceLink): unknown {
  if (!(error instanceof WrtError) || error.code !== 'DEVICE_TIMEOUT') return error;
  const waited = link.clientOptions.helloTimeoutMs ?? 2000;
  return new WrtError(
    'DEVICE_TIMEOUT',
    `${link.description} did not answer HELLO within ${(waited / 1000).toFixed(1)} s: no wrt-target device is running there`,
    { field: 'HELLO', limit: 'check the port and its baud rate, and that the board runs the wrt-target interpreter firmware (wrt-target deploy --target ID flashes it)' },
    { cause: error },
  );
}

/** What a session asks of the protocol client (tests script it). */
export type SessionClient = Pick<
  ProtocolClient,
  | 'hello'
  | 'transfer'
  | 'invoke'
  | 'onOutput'
  | 'setArgs'
  | 'reset'
  | 'close'
  | 'counters'
  | 'session'
  | 'register'
  | 'globalGet'
  | 'invokeOn'
  | 'componentInvoke'
  | 'componentAdapter'
  | 'componentResource'
  | 'declareHostImports'
  | 'serveHostCalls'
  | 'onHostTrace'
  | 'onLog'
  | 'onBreak'
  | 'onDebugTrace'
  | 'setBreakpoints'
>;

/** A link that has said HELLO. Requests go one at a time; close() ends the link. */
export class DeviceSession<L extends DeviceLink = DeviceLink> {
  readonly client: SessionClient;
  readonly link: L;
  #device: HelloInfo;
  #closed = false;
  #linkEnded = false;
  /** The device holds host imports or tracing this session declared: a later program must clear them. */
  #hostDeclared = false;

  private constructor(link: L, client: SessionClient, device: HelloInfo) {
    this.link = link;
    this.client = client;
    this.#device = device;
    void link.transport.closed.then(() => {
      this.#linkEnded = true;
    });
  }

  /** Opens the protocol on a link and says HELLO; the link is closed again when that fails. */
  static async open<L extends DeviceLink>(link: L): Promise<DeviceSession<L>> {
    const client = new ProtocolClient(link.transport, link.clientOptions);
    try {
      await link.start?.();
      const device = await client.hello();
      return new DeviceSession(link, client, device);
    } catch (error) {
      const explained = await link.explain?.(error);
      client.close();
      await link.close();
      throw explained ?? notAWrtDevice(error, link);
    }
  }

  /**
   * A session over a client that already said HELLO on a link opened elsewhere (a HIL executor
   * that keeps its board between tests; a scripted client in tests).
   */
  static over<L extends DeviceLink>(client: SessionClient, device: HelloInfo, link: L): DeviceSession<L> {
    return new DeviceSession(link, client, device);
  }

  /** What the device said in its last HELLO. */
  get device(): HelloInfo {
    return this.#device;
  }

  /** true once closed here or once the link ended (a device process that died, a cable pulled). */
  get closed(): boolean {
    return this.#closed || this.#linkEnded;
  }

  /** Says HELLO again (after a reset): the device's new answer. */
  async hello(): Promise<HelloInfo> {
    this.#device = await this.client.hello();
    return this.#device;
  }

  /**
   * A WASI command's argv and environment, over ARGS (docs/protocol.md §4b). A device without
   * that message keeps its own argv: fine with nothing to pass, an error naming the device with some.
   */
  async setProgramArgs(argv: readonly string[], env: Readonly<Record<string, string>>, file: string): Promise<void> {
    if ((this.#device.features & Feature.Args) !== 0) {
      await this.client.setArgs(argv, env);
      return;
    }
    const missing = argsNotCarried(this.#device.features, argv, env);
    if (missing.length > 0) {
      throw new WrtError('USAGE', `${this.#device.deviceId} cannot pass ${missing.join(', ')} to a program (its firmware has no ARGS message)`, {
        file,
        field: 'ARGS',
        limit: 'run the command without arguments on this device, or update its firmware',
      });
    }
  }

  /**
   * HOST_IMPORTS before an upload (docs/protocol.md §4c): the imports served here and whether
   * every host call is traced. Sent only when there is something to declare or to clear; a device
   * without Feature.HostCalls is refused naming it when there is.
   */
  async declareHost(host: HostBinding | undefined, trace: boolean, file: string): Promise<void> {
    const declarations = host?.declarations ?? [];
    const wanted = declarations.length > 0 || trace;
    if (!wanted && !this.#hostDeclared) return;
    if ((this.#device.features & Feature.HostCalls) === 0) {
      if (!wanted) return;
      throw new WrtError('USAGE', `${this.#device.deviceId} serves no host imports and traces no host calls (its firmware has no HOST_IMPORTS message)`, {
        file,
        field: declarations.length > 0 ? '--host' : '--trace-host-calls',
        limit: 'run without them on this device, or update its firmware',
      });
    }
    await this.client.declareHostImports(declarations, trace);
    this.#hostDeclared = wanted;
  }

  /**
   * The one upload in the tool: the module with its profile in UPLOAD_BEGIN; the device checks
   * the SHA-256 before its engine sees a byte.
   */
  upload(
    bytes: Uint8Array,
    options: { readonly profile?: Uint8Array; readonly startFuel?: bigint; readonly onProgress?: (done: number, total: number) => void } = {},
  ): Promise<UploadReport> {
    return this.client.transfer(bytes, options);
  }

  /** In a KEEP session (docs/protocol.md §4a): one more module, uploaded; its instance id. */
  async instantiate(bytes: Uint8Array): Promise<number> {
    await this.upload(bytes);
    return (await this.client.session()).latest;
  }

  invoke(name: string, args: readonly WireValue[], fuel: bigint = 0n): Promise<InvokeResult> {
    return this.client.invoke(name, args, { fuel });
  }

  /** Program output as it arrives; returns the function that stops it. */
  onOutput(sinks: ProgramSinks): () => void {
    return this.client.onOutput((chunk) => (chunk.stream === OutputStream.Stderr ? sinks.stderr(chunk.bytes) : sinks.stdout(chunk.bytes)));
  }

  /** A failure explained by how the link ended, else the failure itself. */
  async explain(error: unknown): Promise<unknown> {
    return (await this.link.explain?.(error)) ?? error;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.client.close();
    await this.link.close();
  }

  /**
   * Runs one program: fit check, ARGS for a command, upload with the profile, invoke. Output goes
   * to `sinks` as it arrives. Errors are thrown as they come (a caller that knows the link
   * explains them with `explain`).
   */
  async runProgram(request: ProgramRequest, sinks: ProgramSinks, hooks: ProgramHooks = {}): Promise<ProgramReport> {
    const now = hooks.now ?? (() => performance.now());
    const device = this.#device;
    const helloMs = now();
    checkModuleFits(request.uploadBytes.length, device, request.file);
    if (request.profile !== undefined) checkProfileFits(request.profile, device, request.file);
    const { invocation } = request;
    // A command's argv and environment go first: the module is loaded, and may start, after.
    if (invocation.command) await this.setProgramArgs(request.argv ?? [path.basename(request.file)], request.env ?? {}, request.file);
    await this.declareHost(request.host, request.traceHostCalls === true, request.file);
    let firstOutputMs: number | undefined;
    const breakpoints = request.breakpoints ?? [];
    if (breakpoints.length > 0 && (device.features & Feature.Debug) === 0) {
      throw new WrtError('USAGE', `${device.deviceId} has no debugging (its firmware has no BREAKPOINTS message)`, {
        file: request.file,
        field: '--break',
        limit: 'run without --break on this device, or update its firmware',
      });
    }
    const breaks: BreakHit[] = [];
    const trace = new TraceAssembler();
    const stopBreak = this.client.onBreak((hit) => {
      breaks.push(hit);
      sinks.breakHit?.(hit);
    });
    const stopDebugTrace = this.client.onDebugTrace((chunk) => trace.add(chunk));
    const stopTrace = this.client.onHostTrace((trace) => sinks.hostTrace?.(trace));
    const stopLog = this.client.onLog((line) => sinks.log?.(line));
    this.client.serveHostCalls(request.host?.handler);
    const stopOutput = this.onOutput({
      stdout: (bytes) => {
        firstOutputMs ??= now();
        sinks.stdout(bytes);
      },
      stderr: (bytes) => {
        firstOutputMs ??= now();
        sinks.stderr(bytes);
      },
    });
    try {
      const uploadStartMs = now();
      const upload = await this.upload(request.uploadBytes, {
        ...(request.profile === undefined ? {} : { profile: request.profile.bytes }),
        // --fuel bounds the start function too, with or without a profile.
        ...(request.fuel === undefined ? {} : { startFuel: request.fuel }),
        ...(hooks.onProgress === undefined ? {} : { onProgress: hooks.onProgress }),
      });
      const uploadedMs = now();
      hooks.onUploaded?.(upload, { uploadStartMs, uploadedMs });
      // The load cleared any breakpoints: the set is the module's, sent before its invocation.
      if (breakpoints.length > 0) await this.client.setBreakpoints(breakpoints);
      const answer = await this.invoke(invocation.name, invocation.args, request.fuel ?? 0n);
      const debugTrace = trace.result();
      const outcome = outcomeOf(answer, invocation.command, request.functionName, request.importName, request.locate, request.frameName);
      return {
        device,
        upload,
        answer,
        outcome,
        exitCode: exitCodeOfOutcome(outcome),
        fuelUsed: answer.fuelUsed,
        peakStackBytes: answer.peakStackBytes,
        outputFramesLost: this.client.counters.unsolicitedGaps,
        breaks,
        ...(debugTrace === undefined ? {} : { trace: debugTrace }),
        timings: { helloMs, uploadStartMs, uploadedMs, ...(firstOutputMs === undefined ? {} : { firstOutputMs }), doneMs: now() },
      };
    } finally {
      stopOutput();
      stopTrace();
      stopLog();
      stopBreak();
      stopDebugTrace();
      this.client.serveHostCalls(undefined);
    }
  }
}

/** A component to instantiate on a device: its core instances, adapters and resources, with the profile. */
export interface ComponentInstantiationRequest {
  /** The component file as the user named it (messages). */
  readonly file: string;
  /** The core instances to create, in plan order (ts/component/plan.ts). */
  readonly instances: readonly ComponentCoreUpload[];
  /** Fused adapters and resource built-ins (COMPONENT_ADAPTER, COMPONENT_RESOURCE, §4f), resource types, and the order of all; absent: instances in order. */
  readonly adapters?: readonly PlanAdapterCall[];
  readonly resources?: readonly PlanResource[];
  readonly steps?: readonly PlanStep[];
  readonly profile?: UploadProfile;
  /** Instruction budget of each start function and of each call; absent: the profile's. */
  readonly fuel?: bigint;
}

/** A core instance as uploaded: the module with its imports renamed to `#k`/export (ts/component/relink.ts). */
export interface ComponentCoreUpload {
  readonly upload: Uint8Array;
  readonly imports: readonly PlanImport[];
}

export interface ComponentCallReport {
  readonly device: HelloInfo;
  readonly upload: UploadReport;
  readonly answer: ComponentInvokeResult;
  readonly outputFramesLost: number;
  /** As a core module's (ProgramHooks.now), without firstOutputMs. */
  readonly timings: ProgramTimings;
}

function requireComponentRuntime(session: DeviceSession, file: string): void {
  if ((session.device.features & Feature.Component) === 0) {
    // The small-executor image leaves the component runtime out (docs/firmware.md); an old firmware predates it.
    throw new WrtError('USAGE', `${session.device.deviceId} runs no components: its firmware lacks the component runtime (HELLO feature bit 14, Feature.Component: no COMPONENT_INVOKE message)`, {
      file,
      field: 'COMPONENT_INVOKE',
      limit: 'firmware with the component runtime: use the fast executor (deploy\'s default: drop --executor small), built from this version',
    });
  }
}

/** A component instantiated on a device: the session instance id of each plan core instance. */
export interface ComponentInstantiation {
  readonly ids: readonly number[];
  /** The last upload's report. */
  readonly upload: UploadReport;
}

/**
 * Creates a component's core instances on the session, in plan order, through the one upload
 * path (docs/component.md, "Several core instances"). One instance without imports is one upload
 * in mode 0, as a core module; more go into a KEEP session (docs/protocol.md §4a), each uploaded
 * with its imports renamed to the instances they are bound to and registered as `#k` for the
 * ones after it. The session is reset first, so nothing of an earlier component stays.
 */
export async function instantiateComponent(
  session: DeviceSession,
  request: ComponentInstantiationRequest,
  hooks: ProgramHooks = {},
): Promise<ComponentInstantiation> {
  const device = session.device;
  requireComponentRuntime(session, request.file);
  for (const inst of request.instances) checkModuleFits(inst.upload.length, device, request.file);
  if (request.profile !== undefined) checkProfileFits(request.profile, device, request.file);
  await session.declareHost(undefined, false, request.file);
  const options = (first: boolean) => ({
    ...(request.profile === undefined || !first ? {} : { profile: request.profile.bytes }),
    ...(request.fuel === undefined ? {} : { startFuel: request.fuel }),
    ...(hooks.onProgress === undefined ? {} : { onProgress: hooks.onProgress }),
  });
  const adapters = request.adapters ?? [];
  const resources = request.resources ?? [];
  const single = request.instances.length === 1 && request.instances[0]?.imports.length === 0 && adapters.length === 0 && resources.length === 0;
  // Core modules inside components may have several memories (multi-memory, the component
  // validator's feature set): a device that can turns it on for the session (docs/protocol.md §4a).
  const features = (device.features & Feature.MultiMemory) !== 0 ? SessionFeature.MultiMemory : undefined;
  if (single) {
    // A KEEP session left by an earlier component would add to its instances: back to one module.
    if ((device.features & Feature.Sessions) !== 0) await session.client.session(SessionMode.One, features);
    const upload = await session.upload((request.instances[0] as ComponentCoreUpload).upload, options(true));
    return { ids: [0], upload };
  }
  if ((device.features & Feature.Sessions) === 0) {
    throw new WrtError('USAGE', `${device.deviceId} holds one instance at a time (no SESSION message): the component makes ${request.instances.length} core instances`, {
      file: request.file,
      field: 'SESSION',
      limit: 'a device with sessions of several instances (HELLO feature bit 6)',
    });
  }
  if (adapters.length > 0 && (device.features & Feature.ComponentLink) === 0) {
    throw new WrtError('USAGE', `${device.deviceId} runs no fused adapters (no COMPONENT_ADAPTER message): the component lowers a function another of its instances lifts`, {
      file: request.file,
      field: 'COMPONENT_ADAPTER',
      limit: 'a device with HELLO feature bit 15 (Feature.ComponentLink), built from this version',
    });
  }
  const wasi = adapters.find((a) => a.kind === 'wasi');
  if (wasi !== undefined && (device.features & Feature.Wasi2) === 0) {
    throw new WrtError('USAGE', `${device.deviceId} has no WASI 0.2 functions (no COMPONENT_RESOURCE op 4): the component imports ${wasi.iface}`, {
      file: request.file,
      field: 'COMPONENT_RESOURCE',
      limit: 'a device with HELLO feature bit 16 (Feature.Wasi2): native-sim built from this version',
    });
  }
  await session.client.reset(ResetKind.Session);
  await session.client.session(SessionMode.Keep, features);
  const ids: number[] = [];
  let upload: UploadReport | undefined;
  const steps = request.steps ?? request.instances.map((_, k) => ({ instance: k }));
  const idOf = (k: number | null): number => (k === null ? 0 : (ids[k] ?? 0));
  // Only instances a later import names are registered (registrations are few on a board).
  const named = new Set<number>();
  for (const inst of request.instances) for (const i of inst.imports) if ('instance' in i.to) named.add(i.to.instance);
  for (const step of steps) {
    if ('resource' in step) {
      const r = resources[step.resource] as PlanResource;
      const index = await session.client.componentResource({ op: 'type', implOwner: r.owner, dtor: r.dtor === null ? null : { instance: idOf(r.dtor.instance), name: r.dtor.name } });
      if (index !== step.resource) throw new WrtError('HOST_READ_FAILED', `the device numbered resource type ${step.resource} as ${index}`, { file: request.file, field: 'COMPONENT_RESOURCE' });
      continue;
    }
    if ('adapter' in step) {
      const a = adapters[step.adapter] as PlanAdapterCall;
      if (a.kind === 'wasi') {
        const index = await session.client.componentResource({
          op: 'wasi',
          owner: a.callerOwner,
          memory: idOf(a.callerMemory),
          realloc: a.callerRealloc === null ? null : { instance: idOf(a.callerRealloc.instance), name: a.callerRealloc.name },
          encoding: a.callerEncoding,
          iface: a.iface,
          func: a.name,
          paramsType: a.paramsType,
          resultType: a.resultType,
        });
        if (index !== step.adapter) throw new WrtError('HOST_READ_FAILED', `the device numbered adapter ${step.adapter} as ${index}`, { file: request.file, field: 'COMPONENT_RESOURCE' });
        continue;
      }
      if (a.kind !== 'lower') {
        const index = await session.client.componentResource({ op: a.kind, rt: a.rt, owner: a.owner });
        if (index !== step.adapter) throw new WrtError('HOST_READ_FAILED', `the device numbered adapter ${step.adapter} as ${index}`, { file: request.file, field: 'COMPONENT_RESOURCE' });
        continue;
      }
      const index = await session.client.componentAdapter({
        callee: {
          instance: idOf(a.calleeInstance),
          encoding: a.encoding,
          coreExport: a.coreExport,
          ...(a.realloc === null ? {} : { realloc: a.realloc }),
          ...(a.postReturn === null ? {} : { postReturn: a.postReturn }),
          paramsType: a.paramsType,
          resultType: a.resultType,
        },
        calleeMemory: idOf(a.calleeMemory),
        callerMemory: idOf(a.callerMemory),
        callerRealloc: a.callerRealloc === null ? null : { instance: idOf(a.callerRealloc.instance), name: a.callerRealloc.name },
        callerEncoding: a.callerEncoding,
        callerOwner: a.callerOwner,
        calleeOwner: a.calleeOwner,
      });
      if (index !== step.adapter) throw new WrtError('HOST_READ_FAILED', `the device numbered adapter ${step.adapter} as ${index}`, { file: request.file, field: 'COMPONENT_ADAPTER' });
      continue;
    }
    const k = step.instance;
    const inst = request.instances[k] as ComponentCoreUpload;
    upload = await session.upload(inst.upload, options(k === 0));
    const id = (await session.client.session()).latest;
    ids.push(id);
    if (named.has(k)) await session.client.register(id, instanceName(k));
  }
  return { ids, upload: upload as UploadReport };
}

/** One call of a batch: the function's COMPONENT_INVOKE fields and the plan core instance it lifts from. */
export interface ComponentPlanCall extends Omit<ComponentInvokeRequest, 'instance' | 'fuel' | 'memoryInstance'> {
  readonly instance: number;
  /** The plan's core instance whose memory the options name, when not the function's (PlanFunction.memoryOwner). */
  readonly memoryOwner?: number;
}

/**
 * Handles the host holds in its handle table on the device (docs/component.md, "Resources"): calls
 * whose arguments name handles earlier calls returned are made when they are sent, and what is
 * still held at the end is dropped (COMPONENT_RESOURCE op 5, destructors run).
 */
export interface ComponentHandleHooks {
  /** Call i as it is sent now: its arguments (null: calls[i]'s), or a host drop of a host-table index. */
  readonly next: (i: number) => { readonly args: Uint8Array } | { readonly drop: number } | null;
  /** Call i's answer (a host drop's: trap = op 5's code, 0 dropped). */
  readonly answered: (i: number, answer: ComponentInvokeResult) => void;
  /** The component was instantiated again after a trap: no handle is held any more. */
  readonly reinstantiated: () => void;
  /** The host-table indices still held at the end, dropped in this order. */
  readonly held: () => readonly number[];
}

/** Calls of one component on one session: its core instances once, then each call. */
export interface ComponentCallsRequest extends ComponentInstantiationRequest {
  readonly calls: readonly ComponentPlanCall[];
  readonly handles?: ComponentHandleHooks;
  /** A wasi:cli/run command's argv (get-arguments) and environment (get-environment), over ARGS after the instantiation. */
  readonly argv?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

export interface ComponentCallsReport extends Omit<ComponentCallReport, 'answer'> {
  /** One answer a call, in order. */
  readonly answers: readonly ComponentInvokeResult[];
  /** Instantiations made: 1, plus one after each trap that more calls follow. */
  readonly uploads: number;
  /** The handles dropped at the end (ComponentHandleHooks.held) and op 5's answer for each (0: dropped). */
  readonly endDrops: readonly { readonly index: number; readonly trap: number }[];
}

/** A device that takes handles in a call's types: HELLO feature bit 18, else a USAGE error naming it. */
export function requireHostHandles(device: HelloInfo, file?: string): void {
  if ((device.features & Feature.HostHandles) !== 0) return;
  throw new WrtError('USAGE', `${device.deviceId} moves no resource handles between the host and the device (COMPONENT_INVOKE's owner field): the function's types hold own/borrow handles`, {
    ...(file === undefined ? {} : { file }),
    field: 'COMPONENT_INVOKE',
    limit: 'a device with HELLO feature bit 18 (Feature.HostHandles), built from this version',
  });
}

/**
 * The session id of the instance whose memory a lift's `memory` option names (COMPONENT_INVOKE's
 * trailing field, docs/protocol.md §4e), on a device that takes it (Feature.MultiMemory).
 */
export function memoryInstanceId(device: HelloInfo, ids: readonly number[], owner: number, file?: string): number {
  if ((device.features & Feature.MultiMemory) === 0) {
    throw new WrtError('USAGE', `${device.deviceId} takes no memory of another core instance for a lift (COMPONENT_INVOKE's memory field): the component lifts with another instance's memory`, {
      ...(file === undefined ? {} : { file }),
      field: 'COMPONENT_INVOKE',
      limit: 'a device with HELLO feature bit 17 (Feature.MultiMemory), built from this version',
    });
  }
  return ids[owner] ?? 0;
}

/**
 * Runs component functions on the session (docs/component.md, "Running components"): the core
 * instances go up once through the one upload path (instantiateComponent), then each call is one
 * COMPONENT_INVOKE, which runs the canonical ABI on the device, on the same component instance,
 * as a component instance serves call after call (`run` and `deploy` make one call; the component
 * differential, tools/component/differential.ts, many). A device without Feature.Component is
 * refused naming it, before the upload. After a trap the instance may not be entered again (the
 * Component Model's rule), so the component is instantiated again before the next call.
 */
export async function runComponentCalls(session: DeviceSession, request: ComponentCallsRequest, sinks: ProgramSinks, hooks: ProgramHooks = {}): Promise<ComponentCallsReport> {
  const now = hooks.now ?? (() => performance.now());
  const helloMs = now();
  const device = session.device;
  const stopOutput = session.onOutput(sinks);
  const stopLog = session.client.onLog((line) => sinks.log?.(line));
  try {
    const uploadStartMs = now();
    let { ids, upload } = await instantiateComponent(session, request, hooks);
    // After the instantiation: its session reset brings the device's own argv back.
    if (request.argv !== undefined) await session.setProgramArgs(request.argv, request.env ?? {}, request.file);
    const uploadedMs = now();
    hooks.onUploaded?.(upload, { uploadStartMs, uploadedMs });
    const answers: ComponentInvokeResult[] = [];
    let uploads = 1;
    const handleHooks = request.handles;
    if (handleHooks !== undefined || request.calls.some((c) => (c.owner ?? 0) !== 0)) requireHostHandles(device, request.file);
    let trapped = false;
    for (const [i, { memoryOwner, ...call }] of request.calls.entries()) {
      const next = handleHooks?.next(i) ?? null;
      let answer: ComponentInvokeResult;
      if (next !== null && 'drop' in next) {
        const trap = await session.client.componentResource({ op: 'host-drop', rt: null, index: next.drop });
        answer = { trap, trapFunction: 0, fuelUsed: 0n, peakStackBytes: 0, phase: 0, values: new Uint8Array(0) };
      } else {
        answer = await session.client.componentInvoke({
          ...call,
          ...(next === null ? {} : { args: next.args }),
          instance: ids[call.instance] ?? 0,
          ...(memoryOwner === undefined ? {} : { memoryInstance: memoryInstanceId(device, ids, memoryOwner, request.file) }),
          ...(request.fuel === undefined ? {} : { fuel: request.fuel }),
        });
      }
      answers.push(answer);
      handleHooks?.answered(i, answer);
      trapped = answer.trap !== 0;
      if (answer.trap !== 0 && i + 1 < request.calls.length) {
        ({ ids, upload } = await instantiateComponent(session, request, {}));
        uploads += 1;
        handleHooks?.reinstantiated();
      }
    }
    // The handles still held are dropped, destructors run; after a last trap the instance is gone with them.
    const endDrops: { index: number; trap: number }[] = [];
    if (handleHooks !== undefined && !trapped) {
      for (const index of handleHooks.held()) endDrops.push({ index, trap: await session.client.componentResource({ op: 'host-drop', rt: null, index }) });
    }
    const timings = { helloMs, uploadStartMs, uploadedMs, doneMs: now() };
    return { device, upload, answers, uploads, endDrops, outputFramesLost: session.client.counters.unsolicitedGaps, timings };
  } finally {
    stopOutput();
    stopLog();
  }
}

/**
 * Runs `work` on a session and closes it on every path, SIGINT included: Ctrl-C closes the link,
 * which fails the waiting request; once the link and what runs behind it are gone the signal is
 * raised again, so the process still ends by it.
 */
export async function withSession<T, L extends DeviceLink = DeviceLink>(open: () => Promise<DeviceSession<L>>, work: (session: DeviceSession<L>) => Promise<T>, options: { readonly handleSigint?: boolean } = {}): Promise<T> {
  let session: DeviceSession<L> | undefined;
  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
    void session?.close();
  };
  if (options.handleSigint !== false) process.on('SIGINT', onSigint);
  try {
    session = await open();
    if (interrupted) await session.close();
    const active = session;
    try {
      return await work(active);
    } catch (error) {
      throw await active.explain(error);
    }
  } finally {
    process.off('SIGINT', onSigint);
    await session?.close();
    if (interrupted) {
      process.kill(process.pid, 'SIGINT');
      // The signal ends the process on its next turn of the event loop; no error may win the race.
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
