import { cobsDecode, encodeWireFrame, parseFrame } from '../../ts/device/framing.js';
import { MessageType } from '../../ts/device/protocol.js';
import type { Transport, TransportClosed } from '../../ts/device/transport.js';

/**
 * Flips one module byte inside the first UPLOAD_CHUNK and re-frames it with a valid CRC, so the
 * link layer cannot notice: only the device's SHA-256 check at UPLOAD_END can. The client writes
 * one whole frame per write (leading and trailing 0x00), which is what this relies on.
 */
export class TamperingTransport implements Transport {
  readonly description: string;
  readonly closed: Promise<TransportClosed>;
  tampered = 0;

  constructor(private readonly inner: Transport) {
    this.description = `tampering ${inner.description}`;
    this.closed = inner.closed;
  }

  write(bytes: Uint8Array): Promise<void> {
    return this.inner.write(this.tamper(bytes));
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    return this.inner.onData(listener);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private tamper(bytes: Uint8Array): Uint8Array {
    if (this.tampered > 0) return bytes;
    let start = 0;
    while (start < bytes.length && bytes[start] === 0) start++;
    const end = bytes.indexOf(0, start);
    if (end < 0) return bytes;
    const decoded = cobsDecode(bytes.subarray(start, end));
    if (decoded === undefined) return bytes;
    const parsed = parseFrame(decoded);
    if (!parsed.ok || parsed.frame.type !== MessageType.UploadChunk || parsed.frame.body.length < 5) return bytes;
    const body = Uint8Array.from(parsed.frame.body);
    body[body.length - 1] = (body[body.length - 1] ?? 0) ^ 0x01;
    this.tampered++;
    return encodeWireFrame({ type: parsed.frame.type, flags: parsed.frame.flags, seq: parsed.frame.seq }, body, true);
  }
}
