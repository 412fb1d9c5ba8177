/**
 * The native-sim board: the device interpreter on this host, driven over the wire protocol like
 * any board. One native-sim process serves the tests of a board in turn; a WASI command whose argv
 * or environment differs from what the process was started with gets a fresh process (native-sim
 * takes them on its command line), and so does a reset.
 */
import type { ProtocolClientOptions } from '../../device/client.js';
import { ProtocolClient } from '../../device/client.js';
import { isDeviceError } from '../../device/device-errors.js';
import { spawnNativeSimStdio } from '../../device/native-sim.js';
import { DeviceErrorCode, OutputStream } from '../../device/protocol.js';
import type { Transport } from '../../device/transport.js';
import { WrtError } from '../../core/errors.js';
import { nativeSimArgs, nativeSimBinary, requireNativeSim } from '../../run/native-sim-binary.js';
import { LOCAL_CLIENT_OPTIONS } from '../../run/run-module.js';
import type { BoardExecutor, ExecutableTest, TestOutcome } from '../executor.js';
import type { Board } from '../types.js';
import { outcomeOfAnswer, planEntry } from './entry-plan.js';

/** Engine error codes of LOAD_FAILED (native/interp/wrt_trap.h enum wrt_error_code). */
const LOAD_ERROR_LINK = 6;
const LOAD_ERROR_TRAP = 7;

interface Session {
  readonly transport: Transport;
  readonly client: ProtocolClient;
  /** The argv and environment native-sim was started with. */
  readonly key: string;
}

export interface NativeSimExecutorOptions {
  readonly binary?: string;
  readonly arenaBytes?: number;
  readonly openTransport?: (simArgs: readonly string[]) => Transport;
  readonly client?: ProtocolClientOptions;
}

function decodeText(chunks: readonly Uint8Array[]): string {
  return Buffer.concat(chunks.map((c) => Buffer.from(c))).toString('utf8');
}

export class NativeSimExecutor implements BoardExecutor {
  #session: Session | undefined;
  readonly #options: NativeSimExecutorOptions;

  constructor(options: NativeSimExecutorOptions = {}) {
    this.#options = options;
  }

  async open(): Promise<void> {
    await this.#ensure([], {});
  }

  async run(test: ExecutableTest, signal: AbortSignal): Promise<TestOutcome> {
    const entry = test.entry;
    if (entry.kind === 'command' && entry.stdin !== '') {
      return { kind: 'rejected', stage: 'entry', message: 'native-sim has no stdin (fd_read is not in the device WASI subset)' };
    }
    const argv = entry.kind === 'command' ? entry.args : [];
    const env = entry.kind === 'command' ? entry.env : {};
    let session: Session;
    try {
      session = await this.#ensure(argv, env);
    } catch (error) {
      return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
    }
    const stdout: Uint8Array[] = [];
    const stderr: Uint8Array[] = [];
    const stop = session.client.onOutput((chunk) => (chunk.stream === OutputStream.Stderr ? stderr : stdout).push(chunk.bytes));
    const aborted = new Promise<TestOutcome>((resolve) => {
      const onAbort = (): void => {
        void this.#drop();
        resolve({ kind: 'error', message: 'stopped at the timeout' });
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([aborted, this.#runOn(session, test, stdout, stderr)]);
    } finally {
      stop();
    }
  }

  async #runOn(session: Session, test: ExecutableTest, stdout: Uint8Array[], stderr: Uint8Array[]): Promise<TestOutcome> {
    const plan = planEntry(test);
    if ('kind' in plan) return plan;
    try {
      await session.client.upload(test.module.bytes);
    } catch (error) {
      if (isDeviceError(error, DeviceErrorCode.LoadFailed)) {
        const stage = error.device.detail === LOAD_ERROR_LINK || error.device.detail === LOAD_ERROR_TRAP ? 'link' : 'compile';
        return { kind: 'rejected', stage, message: error.device.message };
      }
      return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
    }
    try {
      const answer = await session.client.invoke(plan.name, plan.args);
      return outcomeOfAnswer(answer, test, plan, { stdout: decodeText(stdout), stderr: decodeText(stderr) });
    } catch (error) {
      if (isDeviceError(error, DeviceErrorCode.ExportNotFound) || isDeviceError(error, DeviceErrorCode.ArgsInvalid)) {
        return { kind: 'rejected', stage: 'entry', message: error.device.message };
      }
      return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
    }
  }

  async reset(): Promise<void> {
    await this.#drop();
    await this.#ensure([], {});
  }

  async close(): Promise<void> {
    await this.#drop();
  }

  /** The session for this argv and environment: the current one, or a fresh native-sim. */
  async #ensure(argv: readonly string[], env: Readonly<Record<string, string>>): Promise<Session> {
    const key = JSON.stringify([argv, Object.entries(env).sort()]);
    if (this.#session !== undefined && this.#session.key === key) return this.#session;
    await this.#drop();
    const simArgs = nativeSimArgs({ argv, env, ...(this.#options.arenaBytes === undefined ? {} : { arenaBytes: this.#options.arenaBytes }) });
    const open =
      this.#options.openTransport ??
      ((a: readonly string[]) => spawnNativeSimStdio(requireNativeSim(this.#options.binary ?? nativeSimBinary()), a));
    const transport = open(simArgs);
    /* The scheduler's timeout (the abort signal) bounds a test, not the client's resend budget. */
    const client = new ProtocolClient(transport, this.#options.client ?? LOCAL_CLIENT_OPTIONS);
    const session: Session = { transport, client, key };
    this.#session = session;
    try {
      await client.hello();
    } catch (error) {
      await this.#drop();
      throw error instanceof WrtError ? error : new WrtError('PROTOCOL_ERROR', String(error));
    }
    return session;
  }

  async #drop(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    if (session === undefined) return;
    session.client.close();
    await session.transport.close();
  }
}

export function createNativeSimExecutor(board: Board): BoardExecutor {
  const arenaBytes = board.target?.memory.arenaBytes;
  return new NativeSimExecutor(arenaBytes === undefined ? {} : { arenaBytes });
}
