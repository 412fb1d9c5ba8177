/**
 * A terminal device as a Transport: the PTY native-sim or QEMU announce, or a serial port node
 * that needs no baud setting. Raw mode is the other side's job (native-sim and QEMU set it on the
 * PTY with cfmakeraw); this end does not touch the terminal settings, so bytes pass unchanged.
 *
 * One non-blocking descriptor in a tty.ReadStream made writable: libuv then reads and writes it
 * from the event loop. tty.WriteStream would switch the descriptor to blocking writes and stall
 * the whole process once the PTY buffer fills while the device is not reading.
 */
import { closeSync, constants, openSync } from 'node:fs';
import { isatty, ReadStream } from 'node:tty';
import { WrtError } from '../core/errors.js';
import type { Transport, TransportClosed } from './transport.js';

export class TtyTransport implements Transport {
  readonly description: string;
  readonly closed: Promise<TransportClosed>;
  private readonly stream: ReadStream;
  private readonly listeners = new Set<(chunk: Uint8Array) => void>();
  private ended = false;
  private resolveClosed: (closed: TransportClosed) => void = () => undefined;

  private constructor(path: string, stream: ReadStream) {
    this.description = path;
    this.stream = stream;
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
    stream.on('data', (chunk: Buffer) => {
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      for (const listener of this.listeners) listener(bytes);
    });
    stream.on('error', (error: Error) => this.end(`link failed: ${error.message}`, error));
    stream.on('end', () => this.end('peer closed'));
  }

  /** Opens the terminal at `path`; FILE_NOT_FOUND or HOST_READ_FAILED when it cannot. */
  static open(path: string): TtyTransport {
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
      throw new WrtError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'HOST_READ_FAILED', `cannot open ${path}: ${code}`, {
        file: path,
      });
    }
    if (!isatty(fd)) {
      closeSync(fd);
      throw new WrtError('HOST_READ_FAILED', `${path} is not a terminal`, { file: path });
    }
    /* `writable: true` reaches net.Socket and makes the read stream a duplex. */
    return new TtyTransport(path, new ReadStream(fd, { writable: true }));
  }

  private end(reason: string, error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.stream.destroy();
    this.resolveClosed(error !== undefined ? { reason, error } : { reason });
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.ended) return Promise.reject(new Error(`${this.description}: closed`));
    return new Promise((resolve, reject) => {
      this.stream.write(bytes, (error?: Error | null) => (error ? reject(error) : resolve()));
    });
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.end('closed by host');
    await this.closed;
  }
}
