/**
 * The `wrt.profile` custom section: one file carries module and profile. The module hash in the
 * profile is the SHA-256 of the module without any wrt.profile section, so a device strips the
 * section, hashes the rest and compares it with the profile's moduleSha256.
 */
import { createHash } from 'node:crypto';
import { WrtError } from '../core/errors.js';
import { encodeUleb } from '../wasm/leb128.js';

export const PROFILE_SECTION = 'wrt.profile';
const HEADER = 8;

function readLeb(bytes: Uint8Array, at: number, file: string | undefined): { value: number; next: number } {
  let value = 0;
  let shift = 0;
  for (let i = 0; i < 5; i += 1) {
    const b = bytes[at + i];
    if (b === undefined) throw new WrtError('WASM_MALFORMED', 'section size runs past the end of the module', { ...(file !== undefined ? { file } : {}), offset: at });
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) return { value, next: at + i + 1 };
  }
  throw new WrtError('WASM_MALFORMED', 'section size is longer than 5 bytes', { ...(file !== undefined ? { file } : {}), offset: at });
}


interface SectionSpan {
  readonly start: number;
  readonly end: number;
  readonly customName: string | null;
  readonly payloadStart: number;
}

function sections(bytes: Uint8Array, file?: string): SectionSpan[] {
  if (bytes.length < HEADER || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new WrtError('WASM_MALFORMED', 'not a WebAssembly module (magic \\0asm missing)', { ...(file !== undefined ? { file } : {}), offset: 0 });
  }
  const spans: SectionSpan[] = [];
  let at = HEADER;
  while (at < bytes.length) {
    const id = bytes[at] as number;
    const size = readLeb(bytes, at + 1, file);
    const end = size.next + size.value;
    if (end > bytes.length) throw new WrtError('WASM_MALFORMED', `section ${id} runs past the end of the module`, { ...(file !== undefined ? { file } : {}), offset: at });
    let customName: string | null = null;
    let payloadStart = size.next;
    if (id === 0) {
      const n = readLeb(bytes, size.next, file);
      if (n.next + n.value > end) throw new WrtError('WASM_MALFORMED', 'custom section name runs past its section', { ...(file !== undefined ? { file } : {}), offset: size.next });
      customName = Buffer.from(bytes.subarray(n.next, n.next + n.value)).toString('utf8');
      payloadStart = n.next + n.value;
    }
    spans.push({ start: at, end, customName, payloadStart });
    at = end;
  }
  return spans;
}

/** The module with every wrt.profile section removed. */
export function stripProfileSection(bytes: Uint8Array, file?: string): Uint8Array {
  const keep = sections(bytes, file).filter((s) => s.customName !== PROFILE_SECTION);
  const parts = [bytes.subarray(0, HEADER), ...keep.map((s) => bytes.subarray(s.start, s.end))];
  return Uint8Array.from(Buffer.concat(parts));
}

/** The payload of the (last) wrt.profile section, or null. */
export function findProfileSection(bytes: Uint8Array, file?: string): Uint8Array | null {
  const found = sections(bytes, file).filter((s) => s.customName === PROFILE_SECTION).pop();
  return found === undefined ? null : bytes.subarray(found.payloadStart, found.end);
}

/** The module (any old profile section removed) with the profile appended as the last section. */
export function embedProfile(module: Uint8Array, profile: Uint8Array, file?: string): Uint8Array {
  const stripped = stripProfileSection(module, file);
  const name = Buffer.from(PROFILE_SECTION, 'utf8');
  const content = [...encodeUleb(name.length), ...name];
  const size = content.length + profile.length;
  return Uint8Array.from(Buffer.concat([stripped, Uint8Array.from([0, ...encodeUleb(size), ...content]), profile]));
}

/** SHA-256 (hex) of the module without its wrt.profile sections: what the profile binds to. */
export function moduleSha256(bytes: Uint8Array, file?: string): string {
  return createHash('sha256').update(stripProfileSection(bytes, file)).digest('hex');
}
