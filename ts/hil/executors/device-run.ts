/**
 * One HIL test on a device that runs the interpreter firmware, over the wire protocol: the part
 * the QEMU and serial executors share. How the link is made, and how a board is reset, is theirs.
 * The program itself runs through the device session (ts/run/session.ts) as `deploy` runs it.
 */
import { isDeviceError } from '../../device/device-errors.js';
import { loadErrorName } from '../../device/engine-codes.js';
import type { HelloInfo } from '../../device/messages.js';
import { DeviceErrorCode, Feature } from '../../device/protocol.js';
import { WrtError } from '../../core/errors.js';
import type { DebugLevel } from '../../limits/types.js';
import { decodeProfile } from '../../profile/binary.js';
import { argsNotCarried, checkModuleFits, type DeviceSession } from '../../run/session.js';
import { uploadForm } from '../../wasm/upload-form.js';
import type { ExecutableTest, TestOutcome } from '../executor.js';
import type { Entry } from '../types.js';
import { outcomeOfAnswer, planEntry } from './entry-plan.js';
import { bindHostImports, formatHostTrace, formatLogLine, type HostBinding, loadHostModule } from '../../run/host-calls.js';
import { prepareModule } from '../../run/module.js';


/** The argv the interpreter firmware gives a WASI command when nobody sent ARGS. */
export const FIRMWARE_ARGV: readonly string[] = ['module'];

/**
 * A test as the device executors take it: an ExecutableTest, optionally with the profile blob
 * UPLOAD_BEGIN carries (empty, no budget beyond the arena, when absent). Once ExecutableTest has
 * the field, the runner fills it and nothing here changes.
 */
export type DeviceTest = ExecutableTest & { readonly profile?: Uint8Array };

/**
 * What a test asks of the firmware that it cannot give, or undefined (the test is then skipped). A device with ARGS
 * (Feature.Args) takes a command's argv and environment; none takes stdin. Without ARGS the
 * firmware runs every command as argv ["module"] with no environment: argv[0] is the program's
 * name, which well-behaved programs only print, so a test that sets nothing beyond it runs; one
 * that passes arguments, variables or input would run something other than what it asks for, so
 * it is refused rather than run wrong. Pure.
 */
export function firmwareEntryProblem(entry: Entry, features = 0): string | undefined {
  if (entry.kind !== 'command') return undefined;
  const takesArgs = (features & Feature.Args) !== 0;
  const missing = argsNotCarried(features, entry.args, entry.env);
  if (entry.stdin !== '') missing.push('stdin');
  if (missing.length === 0) return undefined;
  return takesArgs
    ? `the device firmware cannot pass ${missing.join(', ')} to a WASI command (the protocol has no field for it)`
    : `the device firmware cannot pass ${missing.join(', ')} to a WASI command (it has no ARGS message; its argv is ${JSON.stringify(FIRMWARE_ARGV)})`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function decodeText(chunks: readonly Uint8Array[]): string {
  return Buffer.concat(chunks.map((c) => Buffer.from(c))).toString('utf8');
}

/** Budgets a board cannot meet: an answer about the board, not the module. */
const BUDGET_CODES: ReadonlySet<string> = new Set(['LIMIT_EXCEEDED', 'BUDGET_EXCEEDED', 'CFI_REQUIREMENT_UNMET', 'PROFILE_REFUSED']);

/**
 * The test with the profile it runs under on this device, as `deploy` makes it: given with the
 * test, else the module's own wrt.profile section, else compiled for the target the device's id
 * names (the firmware answers HELLO with its target id). A device no definition names runs without
 * one. A module the profile compiler refuses is `rejected` as the device would reject it; a budget
 * the board cannot meet makes the test `skipped`, naming it.
 */
export async function withProfile(test: DeviceTest, device: HelloInfo, env: NodeJS.ProcessEnv = process.env): Promise<DeviceTest | TestOutcome> {
  if (test.profile !== undefined) return test;
  const { listTargets } = await import('../../targets/index.js');
  if (!listTargets().some((t) => t.id === device.deviceId)) return test;
  const { resolveUploadProfile } = await import('../../profile/upload-profile.js');
  try {
    // Imports the test's host module serves need not be offered by the target.
    const hostServed = test.host === undefined ? [] : [...(await loadHostModule(test.host, process.cwd(), 'host')).functions.keys()];
    const profile = await resolveUploadProfile({ file: test.id, module: test.module.bytes, targetId: device.deviceId, env, cwd: process.cwd(), hostServed });
    if (profile !== undefined && profile.decoded.arenaBytes > device.arenaBytes) {
      return { kind: 'skipped', reason: `does not fit on the board (${device.deviceId}, ${device.arenaBytes}-byte arena): the profile's arena is ${profile.decoded.arenaBytes} bytes` };
    }
    return profile === undefined ? test : { ...test, profile: profile.bytes };
  } catch (error) {
    if (!(error instanceof WrtError)) throw error;
    // The budget report is several lines; one line reads better in a board x test matrix.
    const message = error.message.split('\n').map((line) => line.trim()).filter((line) => line !== '').join('; ');
    if (BUDGET_CODES.has(error.code)) return { kind: 'skipped', reason: `does not fit on the board: ${message}` };
    if (error.code === 'WASM_MALFORMED' || error.code === 'WASM_INVALID' || error.code === 'WASM_UNSUPPORTED') {
      return { kind: 'rejected', stage: 'compile', message };
    }
    throw error;
  }
}

/** The bytes a test's module is sent as: custom sections stripped as deploy does, or as it is when malformed. */
function uploadBytesOf(test: DeviceTest, debug: DebugLevel): Uint8Array {
  try {
    return uploadForm(test.module.bytes, debug, test.id).bytes;
  } catch (error) {
    // A module whose sections do not parse goes as it is: the device's own refusal is what the test checks.
    if (error instanceof WrtError && error.code === 'WASM_MALFORMED') return test.module.bytes;
    throw error;
  }
}

/**
 * Runs a test on a device session. Resolves for everything the module did; a board that cannot
 * hold the module (upload capacity, arena, a budget) or a test the firmware cannot express is
 * `skipped` with the limit as the reason: it says nothing about the module, so it is neither a
 * failure nor compared in differential mode. Link failures reject; the caller knows whether the
 * device is still there. The same module with the same profile as the test before it is not sent
 * again: the device still holds its bytes (docs/protocol.md, "The committed module again").
 */
export async function runTestOnDevice(session: DeviceSession, test: DeviceTest): Promise<TestOutcome> {
  const entry = test.entry;
  const device = session.device;
  const problem = firmwareEntryProblem(entry, device.features);
  if (problem !== undefined) return { kind: 'skipped', reason: problem };
  const plan = planEntry(test);
  if ('kind' in plan) return plan;
  try {
    // The smallest form the module can travel in must fit before a profile is compiled for it.
    checkModuleFits(uploadBytesOf(test, 'none').length, device, test.id);
  } catch (error) {
    return refusalOutcome(error, device);
  }
  const profiled = await withProfile(test, device);
  if ('kind' in profiled) return profiled;
  // Decoded once: its debug level picks the upload form, and the session checks it against HELLO.
  const profile = profiled.profile === undefined ? undefined : { bytes: profiled.profile, decoded: decodeProfile(profiled.profile), source: 'HIL' };
  const debug = profile?.decoded.debug ?? 'none';
  const stdout: Uint8Array[] = [];
  const stderr: Uint8Array[] = [];
  // Every host call is traced where the firmware can: a failing test's report shows them.
  const trace = (device.features & Feature.HostCalls) !== 0;
  const hostCalls: string[] = [];
  const logs: string[] = [];
  try {
    const host = test.host === undefined ? undefined : await hostBinding(test, test.host, (message) => logs.push(`[host] ${message}`));
    const ran = await session.runProgram(
      {
        file: test.id,
        uploadBytes: uploadBytesOf(test, debug),
        invocation: { name: plan.name, args: plan.args, command: entry.kind === 'command' },
        // firmwareEntryProblem let through only what the device carries (argsNotCarried).
        ...(entry.kind === 'command' ? { argv: entry.args, env: entry.env } : {}),
        ...(profile === undefined ? {} : { profile }),
        ...(host === undefined ? {} : { host }),
        traceHostCalls: trace,
      },
      {
        stdout: (b) => stdout.push(b),
        stderr: (b) => stderr.push(b),
        hostTrace: (t) => hostCalls.push(formatHostTrace(t)),
        log: (line) => logs.push(formatLogLine(line)),
        hostError: (message) => logs.push(`[host] ${message}`),
      },
    );
    return outcomeOfAnswer(ran.answer, test, plan, {
      stdout: decodeText(stdout),
      stderr: decodeText(stderr),
      ...(hostCalls.length > 0 ? { hostCalls } : {}),
      ...(logs.length > 0 ? { logs } : {}),
    });
  } catch (error) {
    return refusalOutcome(error, device);
  }
}

/** The test's host functions bound to its module's imports (a module that does not validate has none to bind). */
async function hostBinding(test: DeviceTest, file: string, onError: (message: string) => void): Promise<HostBinding | undefined> {
  const host = await loadHostModule(file, process.cwd(), 'host');
  try {
    return bindHostImports(host, prepareModule(test.id, test.module.bytes), onError);
  } catch (error) {
    if (error instanceof WrtError && (error.code === 'WASM_MALFORMED' || error.code === 'WASM_INVALID' || error.code === 'MODULE_NOT_WASM')) return undefined;
    throw error;
  }
}

/** What a refusal before or at the upload means for the test; anything else is rethrown. */
function refusalOutcome(error: unknown, device: HelloInfo): TestOutcome {
  if (isDeviceError(error, DeviceErrorCode.LoadFailed)) {
    const kind = loadErrorName(error.device.detail);
    if (kind === 'limit' || kind === 'arena') {
      return { kind: 'skipped', reason: `does not fit on the board (${device.deviceId}, ${device.arenaBytes}-byte arena): ${error.device.message}` };
    }
    const stage = kind === 'link' || kind === 'trap' ? 'link' : 'compile';
    return { kind: 'rejected', stage, message: error.device.message };
  }
  if (isDeviceError(error, DeviceErrorCode.UploadTooLarge) || isDeviceError(error, DeviceErrorCode.ProfileTooLarge)) {
    return { kind: 'skipped', reason: `does not fit on the board: ${error.message}` };
  }
  if (isDeviceError(error, DeviceErrorCode.ExportNotFound) || isDeviceError(error, DeviceErrorCode.ArgsInvalid)) {
    return { kind: 'rejected', stage: 'entry', message: error.device.message };
  }
  // Decided on the host against what HELLO announced: the module is fine, the board is small.
  if (error instanceof WrtError && BUDGET_CODES.has(error.code)) return { kind: 'skipped', reason: `does not fit on the board: ${error.message}` };
  throw error;
}

export type Raced<T> = { readonly kind: 'done'; readonly value: T } | { readonly kind: 'failed'; readonly error: unknown } | { readonly kind: 'aborted' };

/** Settles with the work's result, its failure, or the abort, whichever comes first. */
export function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<Raced<T>> {
  return new Promise((resolve) => {
    const onAbort = (): void => resolve({ kind: 'aborted' });
    if (signal.aborted) {
      onAbort();
      return;
    }
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve({ kind: 'done', value });
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        resolve({ kind: 'failed', error });
      },
    );
  });
}

/** What an executor does when a test outlives its timeout, or the link fails under it. */
export interface SessionEnds<S extends DeviceSession> {
  /** The test was stopped at its timeout: make the device usable again; the outcome's message. */
  aborted(session: S): string;
  /** The link failed during the test: the outcome's message. */
  failed(session: S, error: unknown): string | Promise<string>;
}

/**
 * One test on a session `open` gives (opening it, if needed, is the executor's part): the
 * outcome of the test, or an `error` outcome when the session cannot be opened, the timeout
 * stops the test, or the link fails.
 */
export async function runOnSession<S extends DeviceSession>(open: () => Promise<S>, test: DeviceTest, signal: AbortSignal, ends: SessionEnds<S>): Promise<TestOutcome> {
  let session: S;
  try {
    session = await open();
  } catch (error) {
    return { kind: 'error', message: messageOf(error) };
  }
  const raced = await raceAbort(runTestOnDevice(session, test), signal);
  switch (raced.kind) {
    case 'done':
      return raced.value;
    case 'aborted':
      return { kind: 'error', message: ends.aborted(session) };
    case 'failed':
      return { kind: 'error', message: await ends.failed(session, raced.error) };
  }
}

/** Rejects with DEVICE_TIMEOUT after `ms`; for bounded waits on a client with long request timeouts. */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string, source: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new WrtError('DEVICE_TIMEOUT', `${what}: no answer`, { source, limit: `${ms} ms` })), ms);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(messageOf(error)));
      },
    );
  });
}

export { messageOf };
