/**
 * Framing of docs/protocol.md §1–2: COBS with a 0x00 delimiter around header | body | CRC-32.
 * Pure code: no I/O, tested byte for byte against test/protocol/vectors.json, which the C side
 * (native/protocol) checks too.
 */
import { WrtError } from '../core/errors.js';
import { CRC_BYTES, FRAME_OVERHEAD, HEADER_BYTES, MAX_FRAME_LIMIT, PROTOCOL_VERSION } from './protocol.js';

const CRC_TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (IEEE, reflected, as zlib); pass the previous result to continue. */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let c = ~previous >>> 0;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return ~c >>> 0;
}

/** COBS-encodes `plain` (without the delimiter). */
export function cobsEncode(plain: Uint8Array): Uint8Array {
  const out = new Uint8Array(plain.length + Math.floor(plain.length / 254) + 1);
  let codeAt = 0;
  let o = 1;
  let code = 1;
  for (let i = 0; i < plain.length; i++) {
    const byte = plain[i] ?? 0;
    if (byte === 0) {
      out[codeAt] = code;
      codeAt = o++;
      code = 1;
      continue;
    }
    out[o++] = byte;
    code++;
    /* A full block ends without a zero; a new one starts only if input is left. */
    if (code === 0xff && i + 1 < plain.length) {
      out[codeAt] = code;
      codeAt = o++;
      code = 1;
    }
  }
  out[codeAt] = code;
  return out.subarray(0, o);
}

/** Decodes one COBS frame (without the delimiter); undefined if it is not valid COBS. */
export function cobsDecode(encoded: Uint8Array): Uint8Array | undefined {
  const out = new Uint8Array(encoded.length);
  let o = 0;
  let i = 0;
  while (i < encoded.length) {
    const code = encoded[i] ?? 0;
    if (code === 0 || i + code > encoded.length) return undefined;
    for (let k = 1; k < code; k++) {
      const byte = encoded[i + k] ?? 0;
      if (byte === 0) return undefined;
      out[o++] = byte;
    }
    i += code;
    if (code !== 0xff && i < encoded.length) out[o++] = 0;
  }
  return out.subarray(0, o);
}

export interface FrameHeader {
  readonly type: number;
  readonly flags: number;
  readonly seq: number;
}

export interface Frame extends FrameHeader {
  readonly version: number;
  readonly body: Uint8Array;
}

/** header | body | crc, before COBS. */
export function buildFrame(header: FrameHeader, body: Uint8Array): Uint8Array {
  if (body.length > MAX_FRAME_LIMIT - FRAME_OVERHEAD) {
    throw new WrtError('LIMIT_EXCEEDED', `frame body of ${body.length} bytes is too long`, {
      field: 'body',
      limit: `${MAX_FRAME_LIMIT - FRAME_OVERHEAD} bytes`,
    });
  }
  const frame = new Uint8Array(FRAME_OVERHEAD + body.length);
  const view = new DataView(frame.buffer);
  frame[0] = PROTOCOL_VERSION;
  frame[1] = header.type & 0xff;
  frame[2] = header.flags & 0xff;
  frame[3] = 0;
  view.setUint16(4, header.seq & 0xffff, true);
  view.setUint16(6, body.length, true);
  frame.set(body, HEADER_BYTES);
  view.setUint32(HEADER_BYTES + body.length, crc32(frame.subarray(0, HEADER_BYTES + body.length)), true);
  return frame;
}

/** The bytes to send: COBS(frame) then 0x00; with `leadingDelimiter`, a 0x00 first. */
export function encodeWireFrame(header: FrameHeader, body: Uint8Array, leadingDelimiter = false): Uint8Array {
  const encoded = cobsEncode(buildFrame(header, body));
  const lead = leadingDelimiter ? 1 : 0;
  const wire = new Uint8Array(lead + encoded.length + 1);
  wire.set(encoded, lead);
  return wire;
}

/** Why a decoded frame was refused. */
export type FrameFault = 'crc' | 'short' | 'version' | 'length';

export type ParsedFrame = { readonly ok: true; readonly frame: Frame } | { readonly ok: false; readonly fault: FrameFault };

/** Checks a decoded frame; never throws. */
export function parseFrame(decoded: Uint8Array): ParsedFrame {
  if (decoded.length < FRAME_OVERHEAD) return { ok: false, fault: 'short' };
  const view = new DataView(decoded.buffer, decoded.byteOffset, decoded.byteLength);
  const covered = decoded.length - CRC_BYTES;
  if (crc32(decoded.subarray(0, covered)) !== view.getUint32(covered, true)) return { ok: false, fault: 'crc' };
  if (decoded[0] !== PROTOCOL_VERSION) return { ok: false, fault: 'version' };
  const bodyLength = view.getUint16(6, true);
  if (bodyLength !== decoded.length - FRAME_OVERHEAD) return { ok: false, fault: 'length' };
  return {
    ok: true,
    frame: {
      version: decoded[0] ?? 0,
      type: decoded[1] ?? 0,
      flags: decoded[2] ?? 0,
      seq: view.getUint16(4, true),
      body: decoded.slice(HEADER_BYTES, HEADER_BYTES + bodyLength),
    },
  };
}

export type DeframerEvent =
  | { readonly kind: 'frame'; readonly frame: Frame }
  | { readonly kind: 'broken'; readonly fault: FrameFault | 'cobs' | 'too-large'; readonly bytes: number };

/**
 * Splits a byte stream into frames. Noise is dropped at the next 0x00 and reported as one
 * 'broken' event; empty frames are skipped. Pure: feed chunks, get events.
 */
export class Deframer {
  private readonly maxFrame: number;
  private readonly buffer: Uint8Array;
  private length = 0;
  private overflow = false;

  constructor(maxFrame: number = MAX_FRAME_LIMIT) {
    this.maxFrame = maxFrame;
    /* COBS adds at most one byte per 254; the buffer holds the encoded frame. */
    this.buffer = new Uint8Array(maxFrame + Math.ceil(maxFrame / 254) + 1);
  }

  push(chunk: Uint8Array): DeframerEvent[] {
    const events: DeframerEvent[] = [];
    for (const byte of chunk) {
      if (byte !== 0) {
        if (this.length < this.buffer.length) this.buffer[this.length] = byte;
        else this.overflow = true;
        this.length++;
        continue;
      }
      if (this.length === 0) continue;
      events.push(this.finish());
    }
    return events;
  }

  /** True while part of a frame has arrived. */
  get busy(): boolean {
    return this.length > 0;
  }

  private finish(): DeframerEvent {
    const seen = this.length;
    const overflow = this.overflow;
    this.length = 0;
    this.overflow = false;
    if (overflow) return { kind: 'broken', fault: 'too-large', bytes: seen };
    const decoded = cobsDecode(this.buffer.subarray(0, seen));
    if (decoded === undefined) return { kind: 'broken', fault: 'cobs', bytes: seen };
    if (decoded.length > this.maxFrame) return { kind: 'broken', fault: 'too-large', bytes: seen };
    const parsed = parseFrame(decoded);
    if (!parsed.ok) return { kind: 'broken', fault: parsed.fault, bytes: seen };
    return { kind: 'frame', frame: parsed.frame };
  }
}
