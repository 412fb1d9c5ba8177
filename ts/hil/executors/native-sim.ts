/**
 * The native-sim board: the device interpreter on this host, driven over the wire protocol like
 * any board. One native-sim process serves the tests of a board in turn (a command's argv and
 * environment travel in ARGS, as on a board); a reset or a stopped test starts a fresh one.
 */
import type { ProtocolClientOptions } from '../../device/client.js';
import type { Transport } from '../../device/transport.js';
import { nativeSimLink } from '../../run/run-module.js';
import { memoryAdapterOf, type ResolvedMemoryAdapter } from '../../targets/memory-adapter.js';
import { DeviceSession } from '../../run/session.js';
import type { BoardExecutor, TestOutcome } from '../executor.js';
import type { Board } from '../types.js';
import { messageOf, runOnSession, type DeviceTest } from './device-run.js';

export interface NativeSimExecutorOptions {
  readonly binary?: string;
  readonly arenaBytes?: number;
  /** How native-sim takes its arena (the board's target's memory.adapter). */
  readonly memoryAdapter?: ResolvedMemoryAdapter;
  readonly openTransport?: (simArgs: readonly string[]) => Transport;
  readonly client?: ProtocolClientOptions;
}

export class NativeSimExecutor implements BoardExecutor {
  #session: DeviceSession | undefined;
  readonly #options: NativeSimExecutorOptions;

  constructor(options: NativeSimExecutorOptions = {}) {
    this.#options = options;
  }

  async open(): Promise<void> {
    await this.#ensure();
  }

  run(test: DeviceTest, signal: AbortSignal): Promise<TestOutcome> {
    return runOnSession(() => this.#ensure(), test, signal, {
      aborted: () => {
        void this.#drop();
        return 'stopped at the timeout';
      },
      failed: (_session, error) => {
        void this.#drop();
        return messageOf(error);
      },
    });
  }

  async reset(): Promise<void> {
    await this.#drop();
    await this.#ensure();
  }

  async close(): Promise<void> {
    await this.#drop();
  }

  /** The running native-sim, or a fresh one past HELLO. */
  async #ensure(): Promise<DeviceSession> {
    if (this.#session !== undefined && !this.#session.closed) return this.#session;
    const o = this.#options;
    /* The scheduler's timeout (the abort signal) bounds a test, not the client's resend budget. */
    const link = nativeSimLink({
      ...(o.binary === undefined ? {} : { binary: o.binary }),
      ...(o.arenaBytes === undefined ? {} : { arenaBytes: o.arenaBytes }),
      ...(o.memoryAdapter === undefined ? {} : { memoryAdapter: o.memoryAdapter }),
      ...(o.openTransport === undefined ? {} : { openTransport: o.openTransport }),
      ...(o.client === undefined ? {} : { client: o.client }),
    });
    this.#session = await DeviceSession.open(link);
    return this.#session;
  }

  async #drop(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    await session?.close();
  }
}

export function createNativeSimExecutor(board: Board): BoardExecutor {
  const target = board.target;
  const arenaBytes = target?.memory.arenaBytes;
  return new NativeSimExecutor({
    ...(arenaBytes === undefined ? {} : { arenaBytes }),
    ...(target === undefined ? {} : { memoryAdapter: memoryAdapterOf(target) }),
  });
}
