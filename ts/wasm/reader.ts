/**
 * A byte cursor over one window of the module with LEB128 decoding. The window either ends where
 * the structure being read must end (a "hard" end: running past it is malformed input) or where
 * the bytes received so far end (a "soft" end: the reader throws UNDERFLOW and the streaming
 * driver retries the whole item once more bytes have arrived).
 */

/** Thrown (never escaping the decoder) when a soft window ends inside an item. */
export const UNDERFLOW: { readonly underflow: true } = Object.freeze({ underflow: true });

export interface Failer {
  fail(code: 'WASM_MALFORMED' | 'WASM_INVALID', message: string, offset: number): never;
}

const EMPTY = new Uint8Array(0);
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Decodes a WebAssembly name; null when the bytes are not well-formed UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  let ascii = true;
  for (let i = 0; i < bytes.length; i += 1) {
    if ((bytes[i] as number) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    let text = '';
    for (let i = 0; i < bytes.length; i += 1) text += String.fromCharCode(bytes[i] as number);
    return text;
  }
  try {
    return UTF8.decode(bytes);
  } catch {
    return null;
  }
}

export class Reader {
  buf: Uint8Array = EMPTY;
  /** Index into `buf` of the next byte. */
  pos = 0;
  /** Index into `buf` where the window ends. */
  end = 0;
  /** Absolute module offset of buf[0]. */
  base = 0;
  hard = true;
  /** Message for running past a hard end; set by the parser for the structure being read. */
  endMessage = 'unexpected end';

  constructor(private readonly failer: Failer) {}

  bind(buf: Uint8Array, pos: number, end: number, base: number, hard: boolean): void {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    this.base = base;
    this.hard = hard;
  }

  get offset(): number {
    return this.base + this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  malformed(message: string, offset: number = this.base + this.pos): never {
    return this.failer.fail('WASM_MALFORMED', message, offset);
  }

  short(): never {
    if (!this.hard) throw UNDERFLOW;
    return this.failer.fail('WASM_MALFORMED', this.endMessage, this.base + this.end);
  }

  u8(): number {
    const p = this.pos;
    if (p >= this.end) return this.short();
    this.pos = p + 1;
    return this.buf[p] as number;
  }

  /** Makes sure `n` more bytes are in the window (retrying or failing otherwise). */
  need(n: number): void {
    if (this.end - this.pos < n) this.short();
  }

  skip(n: number): void {
    if (this.end - this.pos < n) this.short();
    this.pos += n;
  }

  bytes(n: number): Uint8Array {
    if (this.end - this.pos < n) this.short();
    const start = this.pos;
    this.pos = start + n;
    return this.buf.subarray(start, start + n);
  }

  u32(): number {
    const p = this.pos;
    if (p < this.end) {
      const b = this.buf[p] as number;
      if (b < 0x80) {
        this.pos = p + 1;
        return b;
      }
    }
    return this.u32Slow();
  }

  private u32Slow(): number {
    const start = this.pos;
    let result = 0;
    for (let i = 0; i < 4; i += 1) {
      const b = this.u8();
      result |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) === 0) return result;
    }
    const last = this.u8();
    if ((last & 0x80) !== 0) this.malformed('integer representation too long', this.base + start);
    if ((last & 0x70) !== 0) this.malformed('integer too large', this.base + start);
    return (result | (last << 28)) >>> 0;
  }

  s32(): number {
    const p = this.pos;
    if (p < this.end) {
      const b = this.buf[p] as number;
      if (b < 0x80) {
        this.pos = p + 1;
        return (b << 25) >> 25;
      }
    }
    return this.s32Slow();
  }

  private s32Slow(): number {
    const start = this.pos;
    let result = 0;
    for (let i = 0; i < 4; i += 1) {
      const b = this.u8();
      result |= (b & 0x7f) << (7 * i);
      if ((b & 0x80) === 0) {
        const shift = 7 * (i + 1);
        return (b & 0x40) !== 0 ? result | (-1 << shift) : result;
      }
    }
    const last = this.u8();
    if ((last & 0x80) !== 0) this.malformed('integer representation too long', this.base + start);
    const extension = last & 0x70;
    if ((last & 0x08) !== 0 ? extension !== 0x70 : extension !== 0) this.malformed('integer too large', this.base + start);
    return result | (last << 28);
  }

  /** Checks a signed 64-bit LEB128; the value is not needed by validation. */
  s64(): void {
    const p = this.pos;
    if (p < this.end && (this.buf[p] as number) < 0x80) {
      this.pos = p + 1;
      return;
    }
    const start = p;
    for (let i = 0; i < 9; i += 1) {
      if ((this.u8() & 0x80) === 0) return;
    }
    const last = this.u8();
    if ((last & 0x80) !== 0) this.malformed('integer representation too long', this.base + start);
    if ((last & 0x7f) !== 0 && (last & 0x7f) !== 0x7f) this.malformed('integer too large', this.base + start);
  }

  /**
   * A block type: -0x40 for the empty type, -t for a single value type byte t, or a type index
   * (a non-negative s33). Whether t is a value type is the caller's check.
   */
  blockType(): number {
    const start = this.pos;
    const first = this.u8();
    if ((first & 0x80) === 0) return (first & 0x40) !== 0 ? -first : first;
    let result = first & 0x7f;
    let scale = 128;
    for (let i = 1; i < 4; i += 1) {
      const b = this.u8();
      result += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) {
        if ((b & 0x40) !== 0) this.malformed('malformed block type: negative type index', this.base + start);
        return result;
      }
    }
    const last = this.u8();
    if ((last & 0x80) !== 0) this.malformed('integer representation too long', this.base + start);
    const high = last & 0x70;
    if (high === 0x70) this.malformed('malformed block type: negative type index', this.base + start);
    if (high !== 0) this.malformed('integer too large', this.base + start);
    return result + (last & 0x0f) * scale;
  }

  /** A length-prefixed UTF-8 name. */
  name(): string {
    const at = this.pos;
    const length = this.u32();
    if (this.end - this.pos < length) {
      if (!this.hard) throw UNDERFLOW;
      this.malformed('length out of bounds', this.base + at);
    }
    const text = decodeUtf8(this.bytes(length));
    if (text === null) this.malformed('malformed UTF-8 encoding', this.base + at);
    return text;
  }
}
