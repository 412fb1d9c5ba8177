/**
 * A module's top-level sections, read with the validator's Reader (one LEB128 decoder for the
 * whole tool): where each section starts and ends, and for custom sections their name. The
 * profile binding, the `wrt.profile` section and the upload form are all built on this walk.
 */
import { WrtError } from '../core/errors.js';
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
