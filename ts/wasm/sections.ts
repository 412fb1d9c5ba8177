/**
 * A module's top-level sections, read with the validator's Reader (one LEB128 decoder for the
 * whole tool): where each section starts and ends, and for custom sections their name. The
 * profile binding, the `wrt.profile` section and the upload form are all built on this walk.
 */
import { WrtError } from '../core/errors.js';
import { encodeUleb } from './leb128.js';
import { Reader } from './reader.js';

export const WASM_HEADER_BYTES = 8;
const MAGIC = [0x00, 0x61, 0x73, 0x6d] as const;

export interface SectionSpan {
  readonly id: number;
  /** Offset of the section id byte. */
  readonly start: number;
  /** Offset just past the section's payload. */
  readonly end: number;
  /** A custom section's name; null for the other sections. */
  readonly customName: string | null;
  /** Where the payload starts (after a custom section's name). */
  readonly payloadStart: number;
}

function readerFor(bytes: Uint8Array, file: string | undefined): Reader {
  const reader = new Reader({
    fail(code, message, offset): never {
      throw new WrtError(code, message, { ...(file === undefined ? {} : { file }), offset });
    },
  });
  reader.bind(bytes, 0, bytes.length, 0, true);
  return reader;
}

/** true when the bytes start with the WebAssembly magic number. */
export function hasWasmMagic(bytes: Uint8Array): boolean {
  return MAGIC.every((b, i) => bytes[i] === b);
}

/** Every top-level section in order; WASM_MALFORMED naming the offset when one runs past the end. */
export function moduleSections(bytes: Uint8Array, file?: string): SectionSpan[] {
  if (bytes.length < WASM_HEADER_BYTES || !hasWasmMagic(bytes)) {
    throw new WrtError('WASM_MALFORMED', 'not a WebAssembly module (magic \\0asm missing)', { ...(file === undefined ? {} : { file }), offset: 0 });
  }
  const r = readerFor(bytes, file);
  r.pos = WASM_HEADER_BYTES;
  const spans: SectionSpan[] = [];
  while (r.pos < bytes.length) {
    const start = r.pos;
    const id = r.u8();
    r.endMessage = `section ${id} size runs past the end of the module`;
    const size = r.u32();
    const payload = r.pos;
    if (size > bytes.length - payload) r.malformed(`section ${id} runs past the end of the module`, start);
    const end = payload + size;
    let customName: string | null = null;
    let payloadStart = payload;
    if (id === 0) {
      const saved = r.end;
      r.end = end;
      r.endMessage = 'custom section name runs past its section';
      customName = r.name();
      r.end = saved;
      payloadStart = r.pos;
    }
    spans.push({ id, start, end, customName, payloadStart });
    r.pos = end;
  }
  return spans;
}

/** The module with only the sections `keep` accepts (the header always stays). */
export function keepSections(bytes: Uint8Array, keep: (span: SectionSpan) => boolean, file?: string): Uint8Array {
  const spans = moduleSections(bytes, file);
  const kept = spans.filter(keep);
  if (kept.length === spans.length) return bytes;
  const out = new Uint8Array(WASM_HEADER_BYTES + kept.reduce((n, s) => n + (s.end - s.start), 0));
  out.set(bytes.subarray(0, WASM_HEADER_BYTES), 0);
  let at = WASM_HEADER_BYTES;
  for (const span of kept) {
    out.set(bytes.subarray(span.start, span.end), at);
    at += span.end - span.start;
  }
  return out;
}

/** The payload of the last custom section with this name, or null. */
export function customSectionPayload(bytes: Uint8Array, name: string, file?: string): Uint8Array | null {
  const found = moduleSections(bytes, file)
    .filter((s) => s.customName === name)
    .pop();
  return found === undefined ? null : bytes.subarray(found.payloadStart, found.end);
}

/** Reads `length` bytes at `offset` of a file that is not read whole (fewer at its end). */
export type ReadAt = (offset: number, length: number) => Uint8Array;

/** Bytes read per look at the file: a run of small sections costs one read, not one per section. */
const HEADER_WINDOW_BYTES = 64 * 1024;
/** A section header: the id byte and a u32 LEB128 size. */
const SECTION_HEADER_MAX_BYTES = 6;

/**
 * The size of a module's smallest upload form (every custom section stripped, as at debug level
 * none: ts/wasm/upload-form.ts), from the section headers alone: a file too large for a device is
 * refused before it is read whole. undefined when the file does not walk as a module; the
 * validator names what is wrong once it is read.
 */
export function strippedSizeFromHeaders(size: number, readAt: ReadAt): number | undefined {
  if (size < WASM_HEADER_BYTES || !hasWasmMagic(readAt(0, WASM_HEADER_BYTES))) return undefined;
  const notSections = new Error('not sections');
  const r = new Reader({
    fail(): never {
      throw notSections;
    },
  });
  let window: Uint8Array = new Uint8Array(0);
  let windowStart = 0;
  let pos = WASM_HEADER_BYTES;
  let total = WASM_HEADER_BYTES;
  try {
    while (pos < size) {
      const windowEnd = windowStart + window.length;
      if (pos < windowStart || (pos + SECTION_HEADER_MAX_BYTES > windowEnd && windowEnd < size)) {
        window = readAt(pos, Math.min(HEADER_WINDOW_BYTES, size - pos));
        windowStart = pos;
      }
      // The window holds the whole header or reaches the end of the file: a short header is malformed.
      r.bind(window, pos - windowStart, window.length, windowStart, true);
      const id = r.u8();
      const length = r.u32();
      const end = r.offset + length;
      if (end > size) return undefined;
      if (id !== 0) total += end - pos;
      pos = end;
    }
  } catch (error) {
    if (error === notSections) return undefined;
    throw error;
  }
  return total;
}

/** A whole custom section: id 0, size, name, payload. */
export function encodeCustomSection(name: string, payload: Uint8Array): Uint8Array {
  const label = Buffer.from(name, 'utf8');
  const head = [...encodeUleb(label.length), ...label];
  return Uint8Array.from(Buffer.concat([Uint8Array.from([0, ...encodeUleb(head.length + payload.length), ...head]), payload]));
}
