import { WrtError } from '../core/errors.js';
import type { Board, Entry } from './types.js';
import type { ObservedValue } from '../wasm/values.js';

/** A test as an executor receives it: module bytes and what to run; expectations stay with the runner. */
export interface ExecutableTest {
  readonly id: string;
  readonly module: { readonly bytes: Uint8Array; readonly sha256: string };
  readonly entry: Entry;
  /** The budget the scheduler enforces; an executor may pass it on (e.g. to a device watchdog). */
  readonly timeoutMs: number;
  /** Absolute path of a JavaScript module serving the module's imports over the wire (device executors). */
  readonly host?: string;
}

interface Streams {
  readonly stdout: string;
  readonly stderr: string;
  /** Device executors: every host call as strace prints it (HOST_TRACE), in order. */
  readonly hostCalls?: readonly string[];
  /** Device executors: LOG lines, the program's wrt:logging records among them (`[warn] ctx: message`). */
  readonly logs?: readonly string[];
}

/**
 * What running a test produced. `trapped.trap` lists the spec trap texts consistent with what the
 * executor saw: one for a precise runtime, several where V8's message covers more than one
 * (its "null function or function signature mismatch" is the spec's "uninitialized element" or
 * "indirect call type mismatch").
 */
export type TestOutcome =
  | (Streams & { readonly kind: 'returned'; readonly results: readonly ObservedValue[] })
  | (Streams & { readonly kind: 'exited'; readonly exitCode: number })
  | (Streams & { readonly kind: 'trapped'; readonly trap: readonly string[]; readonly detail?: string })
  /** The runtime refused the module (decode, validation, link, a missing export). */
  | { readonly kind: 'rejected'; readonly stage: 'compile' | 'link' | 'entry'; readonly message: string }
  /**
   * The board cannot hold the test (upload buffer, arena, a budget its profile cannot meet) or its
   * firmware cannot pass what the test sets; decided before the module ran, so it says nothing
   * about the module: reported as skipped with the reason (twister's "filtered"), never compared.
   */
  | { readonly kind: 'skipped'; readonly reason: string }
  /** The executor itself failed (transport, device, worker): not an answer about the module. */
  | { readonly kind: 'error'; readonly message: string };

/**
 * One board as the scheduler drives it. The scheduler calls open() once, then run() for each
 * test in order, reset() after a test hung (the run's signal was aborted at its timeout) or the
 * executor failed, and close() at the end, also after failures. run() must resolve (not reject)
 * for anything the module did; a rejection is treated as an executor error. After `signal`
 * aborts, the scheduler no longer awaits run(): stop the work and free what it held.
 */
export interface BoardExecutor {
  open(): Promise<void>;
  run(test: ExecutableTest, signal: AbortSignal): Promise<TestOutcome>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Builds the executor of one board of the map. */
export type ExecutorFactory = (board: Board) => BoardExecutor;

/**
 * Connection kind -> executor factory. The hardware map names kinds (serial, qemu, native-sim,
 * reference-v8); which of them can run here depends on what is registered.
 */
export class ExecutorRegistry {
  readonly #factories = new Map<string, ExecutorFactory>();

  register(kind: string, factory: ExecutorFactory): this {
    this.#factories.set(kind, factory);
    return this;
  }

  has(kind: string): boolean {
    return this.#factories.has(kind);
  }

  kinds(): string[] {
    return [...this.#factories.keys()].sort();
  }

  /** The executor of a board, or CONFIG_SCHEMA at the board's connection listing the kinds there are. */
  create(board: Board): BoardExecutor {
    const factory = this.#factories.get(board.connection.kind);
    if (factory === undefined) {
      const field = `${board.origin.field}/connection`;
      throw new WrtError('CONFIG_SCHEMA', `${field}: no executor for connection kind "${board.connection.kind}" (board ${board.id})`, {
        file: board.origin.file,
        field,
        ...(board.origin.line === undefined ? {} : { line: board.origin.line }),
        limit: `available kinds: ${this.kinds().join(' | ')}`,
      });
    }
    return factory(board);
  }
}
