/**
 * A Transport over any connected duplex socket: a terminal opened by pty-transport.ts, or QEMU's
 * UART as a Unix socket (ts/deploy/qemu-socket.ts).
 */
import type { Socket } from 'node:net';
import { WrtError } from '../core/errors.js';
import type { Transport, TransportClosed } from './transport.js';

/**
 * A Transport over a connected net.Socket: a tty stream (above) or a Unix socket (qemu-socket.ts).
 * `what` names the kind of link in close reasons ("peer closed the pseudo-terminal").
 */
export class DuplexTransport implements Transport {
  readonly description: string;
  readonly closed: Promise<TransportClosed>;
  private readonly stream: Socket;
  private readonly what: string;
  private readonly listeners = new Set<(chunk: Uint8Array) => void>();
  private ended: TransportClosed | undefined;
  private settle: (closed: TransportClosed) => void = () => undefined;

  constructor(stream: Socket, description: string, what: string) {
    this.stream = stream;
    this.description = description;
    this.what = what;
    this.closed = new Promise((resolve) => {
      this.settle = resolve;
    });
    stream.on('data', (chunk: Buffer) => {
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      for (const listener of this.listeners) listener(bytes);
    });
    // EIO on read is how Linux reports that the other side (QEMU) closed the pty master.
    stream.on('error', (error: NodeJS.ErrnoException) => {
      this.finish(error.code === 'EIO' ? { reason: `peer closed the ${this.what}` } : { reason: `${this.what} error: ${error.message}`, error });
    });
    stream.on('end', () => this.finish({ reason: `peer closed the ${this.what}` }));
    stream.on('close', () => this.finish({ reason: 'closed' }));
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.ended !== undefined) return Promise.reject(this.closedError());
    return new Promise((resolve, reject) => {
      this.stream.write(bytes, (error?: Error | null) => {
        if (error !== undefined && error !== null) reject(new WrtError('PROTOCOL_ERROR', `write to ${this.description} failed: ${error.message}`, {}, { cause: error }));
        else resolve();
      });
    });
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.finish({ reason: 'closed by the host' });
    this.stream.destroy();
    await this.closed;
  }

  private finish(closed: TransportClosed): void {
    if (this.ended !== undefined) return;
    this.ended = closed;
    this.stream.destroy();
    this.settle(closed);
  }

  private closedError(): WrtError {
    return new WrtError('PROTOCOL_ERROR', `${this.description} is closed (${this.ended?.reason ?? 'closed'})`);
  }
}
