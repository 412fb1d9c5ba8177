/**
 * The bytes received so far and not yet consumed. A chunk that arrives when everything before it
 * has been consumed is adopted without copying; otherwise the unconsumed tail and the chunk are
 * joined in a buffer that grows by doubling, so 1-byte chunks cost amortised O(1) each. What is
 * held is the unconsumed part of the current item plus at most one chunk.
 */
export class ByteQueue {
  buf: Uint8Array;
  /** Index of the first unconsumed byte in buf. */
  start = 0;
  /** Number of valid bytes in buf. */
  len: number;
  /** Absolute module offset of buf[0]. */
  base = 0;
  /** No more chunks will come. */
  eof: boolean;
  /** Most bytes held at once (unconsumed bytes plus buffer slack): the decoder's memory. */
  peakHeld = 0;
  private owned = false;

  constructor(initial: Uint8Array = new Uint8Array(0), eof = false) {
    this.buf = plain(initial);
    this.len = initial.length;
    this.eof = eof;
  }

  get available(): number {
    return this.len - this.start;
  }

  /** Absolute module offset of the next unconsumed byte. */
  get position(): number {
    return this.base + this.start;
  }

  push(data: Uint8Array): void {
    if (data.length === 0) return;
    const chunk = plain(data);
    const pending = this.len - this.start;
    if (pending === 0) {
      this.base += this.len;
      this.buf = chunk;
      this.start = 0;
      this.len = chunk.length;
      this.owned = false;
      if (chunk.length > this.peakHeld) this.peakHeld = chunk.length;
      return;
    }
    if (this.owned && this.len + chunk.length <= this.buf.length) {
      this.buf.set(chunk, this.len);
      this.len += chunk.length;
      return;
    }
    const needed = pending + chunk.length;
    const grown = new Uint8Array(Math.max(needed, pending * 2, 256));
    grown.set(this.buf.subarray(this.start, this.len));
    grown.set(chunk, pending);
    this.base += this.start;
    this.buf = grown;
    this.start = 0;
    this.len = needed;
    this.owned = true;
    if (grown.length > this.peakHeld) this.peakHeld = grown.length;
  }

  /** Consumes up to n bytes; returns how many were consumed. */
  discard(n: number): number {
    const k = Math.min(n, this.len - this.start);
    this.start += k;
    return k;
  }
}

/**
 * A plain Uint8Array view of the same bytes. Node's Buffer is a Uint8Array subclass; holding only
 * one kind keeps the decoder's byte loads monomorphic for V8.
 */
export function plain(bytes: Uint8Array): Uint8Array {
  return bytes.constructor === Uint8Array ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Chunks as a file stream, an HTTP body, a serial port or a test yields them. */
export type ByteChunks = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/**
 * Runs a decoder written as a generator that yields how many unconsumed bytes it wants; the driver
 * pushes chunks until that many are queued or the input ends, then resumes it. The source is
 * closed (return()) when the decoder stops early, so a file stream is not read to its end.
 */
export async function driveAsync<T>(queue: ByteQueue, decoder: Generator<number, T, void>, chunks: ByteChunks): Promise<T> {
  const iterator: AsyncIterator<Uint8Array> | Iterator<Uint8Array> =
    Symbol.asyncIterator in chunks ? chunks[Symbol.asyncIterator]() : chunks[Symbol.iterator]();
  let finished = false;
  try {
    let step = decoder.next();
    while (step.done !== true) {
      const wanted = step.value;
      while (queue.available < wanted && !queue.eof) {
        const next = await iterator.next();
        if (next.done === true) {
          queue.eof = true;
          finished = true;
        } else {
          queue.push(next.value instanceof Uint8Array ? next.value : new Uint8Array(next.value as ArrayBufferLike));
        }
      }
      step = decoder.next();
    }
    return step.value;
  } finally {
    if (!finished && iterator.return !== undefined) {
      await iterator.return();
    }
  }
}

/** Runs the decoder over a complete buffer; it never waits because the input has ended. */
export function driveSync<T>(decoder: Generator<number, T, void>): T {
  let step = decoder.next();
  while (step.done !== true) step = decoder.next();
  return step.value;
}
