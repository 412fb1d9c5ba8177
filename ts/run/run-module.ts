/**
 * `run` = one device session over a fresh native-sim (the device interpreter built for this host,
 * spoken to over stdio): the module's argv travels in ARGS like on a board, and native-sim ends
 * with the session on every path, SIGINT included.
 */
import * as path from 'node:path';
import { WrtError } from '../core/errors.js';
import type { ProtocolClientOptions } from '../device/client.js';
import { spawnNativeSimStdio } from '../device/native-sim.js';
import { ChildProcessTransport } from '../device/stdio-transport.js';
import type { TextSource } from '../cfi/host-levels.js';
import type { Transport } from '../device/transport.js';
import type { UploadProfile } from '../profile/upload-profile.js';
import type { NativesFile } from '../targets/host-functions.js';
import { bindHostImports, type HostModule } from './host-calls.js';
import { codeFormOf, locateFrames } from './backtrace.js';
import { explainLoadFailure, frameName, functionName, importName, type Invocation, loadModule, moduleUploadForm, planInvocation, type PreparedModule } from './module.js';
import type { ResolvedMemoryAdapter } from '../targets/memory-adapter.js';
import { nativeSimArgs, nativeSimBinary, requireNativeSim } from './native-sim-binary.js';
import { runCfi, type RunCfi, type SimElf } from './sim-cfi.js';
import { DeviceSession, type DeviceLink, type ProgramHooks, type ProgramReport, type ProgramSinks, withSession } from './session.js';

/**
 * A program may run for hours, and the device answers INVOKE only when it ends; a pipe to a child
 * loses no bytes, and a dead native-sim fails the request through the transport's `closed`. So
 * the client waits as long as a timer can (about 24.8 days) instead of resending after 1 s and
 * giving up after 6.
 */
export const LOCAL_CLIENT_OPTIONS: ProtocolClientOptions = { requestTimeoutMs: 0x7fffffff };

export interface RunOptions {
  /** The .wasm file, as the user named it (argv[0] of a WASI command is its base name). */
  readonly file: string;
  /** The module read and validated; read from `file` when absent. */
  readonly module?: PreparedModule;
  /** Export to call; absent: `_start` as a WASI command. */
  readonly invoke?: string;
  /** Arguments of `invoke` as typed on the command line (values.ts), or a command's argv[1..]. */
  readonly args?: readonly string[];
  /** Instruction budget; absent or 0: the profile's, or none. */
  readonly fuel?: bigint;
  readonly env?: Readonly<Record<string, string>>;
  /** Uploaded with the module (ts/profile/upload-profile.ts); absent: none. */
  readonly profile?: UploadProfile;
  /** Host functions served over the wire (`--host FILE.mjs`). */
  readonly host?: HostModule;
  /** `--trace-host-calls`: the device traces every host call. */
  readonly traceHostCalls?: boolean;
  /** `--break`: function indices to stop at (ts/run/debug.ts resolved and budget-checked them). */
  readonly breakpoints?: readonly number[];
  /** The natives the native-sim binary (RunDeps.binary) was built with. */
  readonly natives?: NativesFile;
  /**
   * The Ed25519 public key (hex) native-sim is started with, so it requires modules signed by it
   * (--signing-key); absent: the key the profile requires, if any.
   */
  readonly signingKey?: string;
}

export type RunSinks = ProgramSinks;

export interface RunDeps {
  /** Opens the link to a fresh native-sim started with `simArgs` (tests wrap or replace it). */
  readonly openTransport?: (simArgs: readonly string[]) => Transport;
  readonly env?: NodeJS.ProcessEnv;
  readonly client?: ProtocolClientOptions;
  /** Installs a SIGINT handler for the run (default true). */
  readonly handleSigint?: boolean;
  /** The native-sim binary (a --natives variant); default nativeSimBinary(env). */
  readonly binary?: string;
  /** Reads /proc/PID/status of the running native-sim (tests pass a recorded one). */
  readonly readProcessStatus?: (pid: number) => Promise<TextSource>;
  /** How native-sim takes its arena: the native-sim target's memory.adapter (absent: its defaults). */
  readonly memoryAdapter?: ResolvedMemoryAdapter;
  /** native-sim's arena: the native-sim target's memory.arenaBytes (absent: native-sim's built-in default). */
  readonly arenaBytes?: number;
}

/** What the program did, and the CFI state of the native-sim it ran in. */
export type RunReport = ProgramReport & { readonly cfi: RunCfi };

export interface NativeSimLink extends DeviceLink {
  /** The binary started; null when `openTransport` opened the link. */
  readonly binary: string | null;
  /** native-sim's process id; null when the link is not a child process of this one. */
  readonly pid: number | null;
}

/** A link to a fresh native-sim: the process ends when the link closes. */
export function nativeSimLink(
  deps: RunDeps & {
    readonly signingKey?: string;
    /** The whole command line instead of the one the deps make. */
    readonly simArgs?: readonly string[];
    /** Appended to the command line the deps make (a component's region caps). */
    readonly extraArgs?: readonly string[];
  } = {},
): NativeSimLink {
  const simArgs = deps.simArgs ?? [
    ...nativeSimArgs({
      ...(deps.arenaBytes === undefined ? {} : { arenaBytes: deps.arenaBytes }),
      ...(deps.signingKey === undefined ? {} : { signingKey: deps.signingKey }),
      ...(deps.memoryAdapter === undefined ? {} : { memoryAdapter: deps.memoryAdapter }),
    }),
    ...(deps.extraArgs ?? []),
  ];
  let binary: string | null = null;
  let transport: Transport;
  if (deps.openTransport !== undefined) {
    transport = deps.openTransport(simArgs);
  } else {
    binary = requireNativeSim(deps.binary ?? nativeSimBinary(deps.env), deps.env);
    transport = spawnNativeSimStdio(binary, simArgs);
  }
  return {
    binary,
    pid: transport instanceof ChildProcessTransport ? (transport.pid ?? null) : null,
    transport,
    description: 'native-sim',
    clientOptions: deps.client ?? LOCAL_CLIENT_OPTIONS,
    close: () => transport.close(),
    explain: (error) => memoryAdapterFailure(transport, error),
  };
}

/** native-sim's lines when its memory adapter refused the arena (native/sim/interp_engine.c). */
const ADAPTER_REFUSAL = /^native-sim: (--mem-|the \S+ memory adapter |cannot map the \d+-byte arena).*$/m;

/**
 * A native-sim that ended before HELLO because its memory adapter refused the arena: its own line
 * (the limit it met and what to do) instead of the broken link it left behind. Undefined otherwise.
 */
async function memoryAdapterFailure(transport: Transport, error: unknown): Promise<Error | undefined> {
  if (!(transport instanceof ChildProcessTransport)) return undefined;
  // Only a broken or silent link can mean native-sim never started; other failures pass at once.
  if (!(error instanceof WrtError) || (error.code !== 'PROTOCOL_ERROR' && error.code !== 'DEVICE_TIMEOUT')) return undefined;
  // The link broke because the process ended; give its stderr a moment to arrive.
  const ended = await Promise.race([transport.closed.then(() => true), new Promise<false>((done) => setTimeout(() => done(false), 1000).unref())]);
  const line = ended ? ADAPTER_REFUSAL.exec(transport.stderr)?.[0] : undefined;
  if (line === undefined) return undefined;
  return new WrtError('MEMORY_ADAPTER_FAILED', line.replace(/^native-sim: /, 'native-sim could not take its arena: '), {
    field: 'memory.adapter',
    limit: 'targets/native-sim.yaml memory.adapter (docs/native-sim.md, "The arena")',
  }, { cause: error });
}

/** What `run` and `deploy` put on a device: a module read on the host, what to call, and how. */
export interface ModuleRun {
  readonly module: PreparedModule;
  readonly invocation: Invocation;
  /** A command's argv[1..] (argv[0] is the file's base name). */
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly profile?: UploadProfile;
  readonly fuel?: bigint;
  readonly host?: HostModule;
  readonly traceHostCalls?: boolean;
  /** Function indices the device stops at (BREAKPOINTS, within the profile's budget). */
  readonly breakpoints?: readonly number[];
  /** The natives file the device was built with, to explain a link failure. */
  readonly natives?: NativesFile;
  /** Where native-sim is found to locate a trap's frames (WRT_NATIVE_SIM); default process.env. */
  readonly toolEnv?: NodeJS.ProcessEnv;
}

/**
 * Runs a module the host read on a session, in the module's own terms: the upload form its
 * profile's debug level asks for, a trap named from its name section, a link failure named by
 * its import.
 */
export async function runModuleOn(session: DeviceSession, run: ModuleRun, sinks: RunSinks, hooks: ProgramHooks = {}): Promise<ProgramReport> {
  const { module, invocation } = run;
  const host = run.host === undefined ? undefined : bindHostImports(run.host, module, (message) => sinks.hostError?.(message));
  try {
    const report = await session.runProgram(
      {
        file: module.file,
        uploadBytes: moduleUploadForm(module, run.profile?.decoded.debug ?? 'none').bytes,
        invocation,
        functionName: (index) => functionName(module, index),
        importName: (index) => importName(module, index),
        frameName: (index) => frameName(module, index),
        locate: (frames) => locateFrames(module.bytes, frames, codeFormOf(session.device.features), run.toolEnv ?? process.env),
        ...(host === undefined ? {} : { host }),
        ...(run.traceHostCalls === true ? { traceHostCalls: true } : {}),
        ...(run.breakpoints === undefined || run.breakpoints.length === 0 ? {} : { breakpoints: run.breakpoints }),
        ...(invocation.command ? { argv: [path.basename(module.file), ...(run.args ?? [])] } : {}),
        ...(run.env === undefined ? {} : { env: run.env }),
        ...(run.profile === undefined ? {} : { profile: run.profile }),
        ...(run.fuel === undefined ? {} : { fuel: run.fuel }),
      },
      sinks,
      hooks,
    );
    return await withSourceLinesOf(report, module);
  } catch (error) {
    throw explainLoadFailure(error, module, session.device.deviceId, run.natives);
  }
}

/**
 * The report with each located frame's source line from the module's DWARF, when it traps. The
 * line reader loads here, on a trap with located frames only: run's start-up never pays for it.
 */
async function withSourceLinesOf(report: ProgramReport, module: PreparedModule): Promise<ProgramReport> {
  const o = report.outcome;
  if (o.kind !== 'trapped' || !o.backtrace.frames.some((f) => f.offset !== undefined)) return report;
  const { withSourceLines } = await import('./source-lines.js');
  return { ...report, outcome: { ...o, backtrace: withSourceLines(o.backtrace, module.bytes, module.file) } };
}

/**
 * Reads the CFI facts of the native-sim a run uses, while it runs: its ELF marks through
 * cfi-report's reader and its /proc status. Nothing here fails the run; an unread fact is unknown
 * with the reason.
 */
async function gatherRunCfi(link: NativeSimLink, deps: RunDeps): Promise<RunCfi> {
  const { readFileReportCached, readTextSource } = await import('../cfi/gather.js');
  const binary = link.binary;
  const elf: SimElf =
    binary === null
      ? { unread: 'the link was opened by the caller, so which native-sim binary runs is not known' }
      : await readFileReportCached(binary, process.cwd()).then(
          (report) => ({ report }),
          (error: unknown) => ({ unread: `${binary}: ${error instanceof Error ? error.message : String(error)}` }),
        );
  const readStatus = deps.readProcessStatus ?? ((pid: number) => readTextSource(`/proc/${pid}/status`));
  const status = link.pid === null ? null : await readStatus(link.pid);
  return runCfi(binary, link.pid, elf, status);
}

export async function runModule(options: RunOptions, sinks: RunSinks, deps: RunDeps = {}): Promise<RunReport> {
  const module = options.module ?? loadModule(options.file);
  const invocation = planInvocation(module, options.invoke, options.args ?? []);
  const signingKey = options.signingKey ?? options.profile?.decoded.signingKey ?? undefined;
  // The target's arena, or the profile's when a raised memory limit compiled a larger one.
  const profileArena = options.profile?.decoded.arenaBytes;
  const arenaBytes = deps.arenaBytes === undefined || profileArena === undefined ? deps.arenaBytes : Math.max(deps.arenaBytes, profileArena);
  return withSession(
    () => DeviceSession.open(nativeSimLink({ ...deps, ...(arenaBytes === undefined ? {} : { arenaBytes }), ...(signingKey === undefined ? {} : { signingKey }) })),
    async (session) => {
      // Read after HELLO, when native-sim's C runtime has set up whatever CFI it enables.
      const cfi = await gatherRunCfi(session.link, deps);
      const report = await runModuleOn(
        session,
        {
          module,
          invocation,
          ...(options.args === undefined ? {} : { args: options.args }),
          ...(options.env === undefined ? {} : { env: options.env }),
          ...(options.profile === undefined ? {} : { profile: options.profile }),
          ...(options.fuel === undefined ? {} : { fuel: options.fuel }),
          ...(options.host === undefined ? {} : { host: options.host }),
          ...(options.traceHostCalls === true ? { traceHostCalls: true } : {}),
          ...(options.breakpoints === undefined ? {} : { breakpoints: options.breakpoints }),
          ...(options.natives === undefined ? {} : { natives: options.natives }),
          ...(deps.env === undefined ? {} : { toolEnv: deps.env }),
        },
        sinks,
      );
      return { ...report, cfi };
    },
    { handleSigint: deps.handleSigint !== false },
  );
}
