/** Two linked in-memory transports: what one end writes, the other receives (asynchronously, as a real link). */
import type { Transport, TransportClosed } from './transport.js';

class MemoryEnd implements Transport {
  readonly closed: Promise<TransportClosed>;
  peer: MemoryEnd | undefined;
  private readonly listeners = new Set<(chunk: Uint8Array) => void>();
  private resolveClosed: (closed: TransportClosed) => void = () => undefined;
  private isClosed = false;

  constructor(readonly description: string) {
    this.closed = new Promise((resolve) => {
      this.resolveClosed = resolve;
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.isClosed) return Promise.reject(new Error(`${this.description}: closed`));
    const copy = bytes.slice();
    const peer = this.peer;
    setImmediate(() => peer?.deliver(copy));
    return Promise.resolve();
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  deliver(chunk: Uint8Array): void {
    if (this.isClosed) return;
    for (const listener of this.listeners) listener(chunk);
  }

  end(reason: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.resolveClosed({ reason });
  }

  async close(): Promise<void> {
    this.end('closed by this end');
    this.peer?.end('peer closed');
    await this.closed;
  }
}

/** Returns [host end, device end]. */
export function createMemoryLink(name = 'memory'): [Transport, Transport] {
  const host = new MemoryEnd(`${name} (host end)`);
  const device = new MemoryEnd(`${name} (device end)`);
  host.peer = device;
  device.peer = host;
  return [host, device];
}
