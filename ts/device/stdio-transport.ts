/** A child process's stdin/stdout as a Transport (native-sim in stdio mode); stderr is kept for messages. */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import type { Transport, TransportClosed } from './transport.js';

export interface ChildProcessTransportOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly description?: string;
}

const STDERR_TAIL_BYTES = 8192;

export class ChildProcessTransport implements Transport {
  readonly description: string;
  readonly closed: Promise<TransportClosed>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly listeners = new Set<(chunk: Uint8Array) => void>();
  private stderrTail = '';
  private ended = false;

  private constructor(child: ChildProcessWithoutNullStreams, description: string) {
    this.child = child;
    this.description = description;
    child.stdout.on('data', (chunk: Buffer) => {
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      for (const listener of this.listeners) listener(bytes);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    /* EPIPE after the child died surfaces through `closed`, not as an unhandled error. */
    child.stdin.on('error', () => undefined);
    this.closed = new Promise((resolve) => {
      child.on('error', (error) => {
        this.ended = true;
        resolve({ reason: `cannot run ${description}: ${error.message}`, error });
      });
      child.on('close', (code, signal) => {
        this.ended = true;
        resolve({ reason: signal !== null ? `process ended by ${signal}` : `process exited with code ${code ?? 0}` });
      });
    });
  }

  static spawn(command: string, args: readonly string[] = [], options: ChildProcessTransportOptions = {}): ChildProcessTransport {
    const child = spawn(command, [...args], { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
    return new ChildProcessTransport(child, options.description ?? `${command} (stdio)`);
  }

  /** The child's process id while it runs (for reading its /proc state); undefined if it never started. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** The last 8 KiB the process wrote to stderr. */
  get stderr(): string {
    return this.stderrTail;
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.ended || this.child.stdin.destroyed) return Promise.reject(new Error(`${this.description}: closed`));
    return new Promise((resolve, reject) => {
      this.child.stdin.write(bytes, (error) => (error ? reject(error) : resolve()));
    });
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    if (!this.ended) {
      this.child.stdin.end();
      this.child.kill('SIGTERM');
    }
    await this.closed;
  }
}
