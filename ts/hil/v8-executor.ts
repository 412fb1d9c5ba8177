import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { scratchFolder, type ScratchFolder } from '../core/process-end.js';
import type { BoardExecutor, ExecutableTest, TestOutcome } from './executor.js';
import { exportSignature } from '../wasm/signatures.js';
import { v8TrapTexts } from './v8-traps.js';
import { V8_WORKER_SOURCE } from './v8-worker-source.js';
import { fromJsValue, NUM_TYPES, toJsValue, type NumType } from '../wasm/values.js';

/** What the worker sends back (see v8-worker-source.ts). */
type WorkerReply =
  | { kind: 'returned'; values: unknown[]; stdout: string; stderr: string }
  | { kind: 'exited'; exitCode: number; stdout: string; stderr: string }
  | { kind: 'trap'; message: string; stdout?: string; stderr?: string }
  | { kind: 'rejected'; stage: 'compile' | 'link' | 'entry'; message: string }
  | { kind: 'error'; message: string };

/**
 * The reference board: modules run in this Node's V8 with node:wasi (preview1) for WASI imports.
 * One worker thread serves the tests of a board in turn; a hung test is stopped by terminating
 * the worker (V8 interrupts WebAssembly loops), and the next test gets a new one, which is what
 * reset() means here.
 */
export class V8Executor implements BoardExecutor {
  #worker: Worker | undefined;
  #dir: ScratchFolder | undefined;
  #counter = 0;

  async open(): Promise<void> {
    this.#dir = scratchFolder(tmpdir(), 'wrt-hil-v8-');
  }

  async run(test: ExecutableTest, signal: AbortSignal): Promise<TestOutcome> {
    const prepared = prepare(test);
    if ('kind' in prepared) return prepared;
    if (this.#dir === undefined) return { kind: 'error', message: 'the V8 executor was not opened' };
    const dir = join(this.#dir.path, String((this.#counter += 1)));
    mkdirSync(dir);
    const worker = this.#ensureWorker();
    const id = this.#counter;
    const reply = await new Promise<WorkerReply>((resolve) => {
      const onMessage = (message: { id: number; reply: WorkerReply }): void => {
        if (message.id !== id) return;
        cleanup();
        resolve(message.reply);
      };
      const onError = (error: Error): void => {
        cleanup();
        this.#worker = undefined;
        resolve({ kind: 'error', message: `worker failed: ${error.message}` });
      };
      const onAbort = (): void => {
        cleanup();
        void this.#terminate();
        resolve({ kind: 'error', message: 'stopped at the timeout' });
      };
      const cleanup = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        signal.removeEventListener('abort', onAbort);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      signal.addEventListener('abort', onAbort, { once: true });
      worker.postMessage({ id, bytes: test.module.bytes, entry: test.entry, args: prepared.args, resultCount: prepared.results.length, dir });
    });
    rmSync(dir, { recursive: true, force: true });
    return toOutcome(reply, prepared.results);
  }

  async reset(): Promise<void> {
    await this.#terminate();
  }

  async close(): Promise<void> {
    await this.#terminate();
    this.#dir?.remove();
    this.#dir = undefined;
  }

  #ensureWorker(): Worker {
    if (this.#worker !== undefined) return this.#worker;
    const worker = new Worker(V8_WORKER_SOURCE, { eval: true, stdout: false, stderr: false });
    this.#worker = worker;
    return worker;
  }

  async #terminate(): Promise<void> {
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }
}

interface Prepared {
  readonly args: readonly (number | bigint)[];
  readonly results: readonly NumType[];
}

/** Checks the call against the export's signature before anything runs. */
function prepare(test: ExecutableTest): Prepared | TestOutcome {
  if (test.entry.kind === 'command') return { args: [], results: [] };
  const entry = test.entry;
  const signature = exportSignature(test.module.bytes, entry.export);
  if (signature === undefined) {
    // Let V8 say what is wrong (malformed, or no such export) in its own words.
    return { args: entry.args.map(toJsValue), results: [] };
  }
  const shown = `(${signature.params.join(', ')}) -> (${signature.results.join(', ')})`;
  const argTypes = entry.args.map((arg) => arg.type);
  if (argTypes.length !== signature.params.length || argTypes.some((type, i) => type !== signature.params[i])) {
    return { kind: 'rejected', stage: 'entry', message: `${entry.export} is ${shown}; called with (${argTypes.join(', ')})` };
  }
  const results = signature.results.filter((type): type is NumType => (NUM_TYPES as readonly string[]).includes(type));
  if (results.length !== signature.results.length) {
    return { kind: 'rejected', stage: 'entry', message: `${entry.export} is ${shown}: only numeric results can be checked` };
  }
  return { args: entry.args.map(toJsValue), results };
}

function toOutcome(reply: WorkerReply, results: readonly NumType[]): TestOutcome {
  switch (reply.kind) {
    case 'returned': {
      if (reply.values.length !== results.length) {
        return { kind: 'error', message: `expected ${results.length} results from V8, got ${reply.values.length}` };
      }
      const values = results.map((type, i) => fromJsValue(type, reply.values[i]));
      return { kind: 'returned', results: values, stdout: reply.stdout, stderr: reply.stderr };
    }
    case 'exited':
      return reply;
    case 'trap':
      return { kind: 'trapped', trap: v8TrapTexts(reply.message), detail: reply.message, stdout: reply.stdout ?? '', stderr: reply.stderr ?? '' };
    case 'rejected':
    case 'error':
      return reply;
  }
}

export function createV8Executor(): BoardExecutor {
  return new V8Executor();
}
