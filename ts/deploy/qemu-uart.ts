/**
 * The board UART as a Transport: the pty while QEMU runs, completed from QEMU's serial log when it
 * exits. Linux drops what a pty holds unread once its master closes, so a guest that prints and
 * exits at once (a fault report, a last result) would lose its final bytes; the log has them all,
 * in the same order, so the bytes past the count already delivered are the lost tail.
 */
import type { Transport, TransportClosed } from '../device/transport.js';

/** The bytes of `log` the pty did not deliver, given how many it did. Pure. */
export function undeliveredTail(log: Uint8Array, delivered: number): Uint8Array {
  return delivered >= log.byteLength ? new Uint8Array(0) : log.subarray(delivered);
}

export class QemuUartTransport implements Transport {
  readonly description: string;
  readonly closed: Promise<TransportClosed>;
  private readonly pty: Transport;
  private readonly stopEmulator: () => Promise<unknown>;
  private readonly listeners = new Set<(chunk: Uint8Array) => void>();
  private delivered = 0;
  private ended = false;
  private settle: (closed: TransportClosed) => void = () => undefined;

  /** `stopEmulator` runs on close(): the link owns QEMU, as a stdio link owns its child. */
  constructor(pty: Transport, stopEmulator: () => Promise<unknown>) {
    this.pty = pty;
    this.stopEmulator = stopEmulator;
    this.description = pty.description;
    this.closed = new Promise((resolve) => {
      this.settle = resolve;
    });
    pty.onData((chunk) => this.deliver(chunk));
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.pty.write(bytes);
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Called once QEMU exited: hands over the lost tail, then ends the link. */
  async finish(log: Uint8Array | undefined, reason: string): Promise<void> {
    if (this.ended) return;
    if (log !== undefined) {
      const tail = undeliveredTail(log, this.delivered);
      if (tail.byteLength > 0) this.deliver(tail);
    }
    await this.end({ reason });
  }

  /** Closes the pty and stops QEMU. */
  async close(): Promise<void> {
    await this.end({ reason: 'closed by the host' });
    await this.stopEmulator();
  }

  private deliver(chunk: Uint8Array): void {
    if (this.ended) return;
    this.delivered += chunk.byteLength;
    for (const listener of this.listeners) listener(chunk);
  }

  private async end(closed: TransportClosed): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.pty.close();
    this.settle(closed);
  }
}
