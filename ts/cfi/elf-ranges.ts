/**
 * Which byte ranges of an ELF file cfi-report needs: the file header, the program and section
 * header tables, the section-name table, and the note segments, note sections and ARM attribute
 * sections its marks live in (by type or by name, as the analyzers look for them), and for an Arm
 * (32-bit) file its executable sections, where arm-pacbti-scan.ts counts PACBTI instructions. Reading only those (a few KiB) instead of the whole file is what
 * keeps `cfi-report` of a 100 MB binary fast. Pure: each step takes the bytes read so far.
 *
 * The plan is only a read plan, never a parser: anything unusual (extended counts, tables or
 * ranges out of the file, ranges larger than MAX_RANGE_BYTES) returns null and the caller reads
 * the whole file, so parseElf sees every malformation exactly as before.
 */

import { isScannedSection } from './arm-pacbti-scan.js';

export interface ByteRange {
  readonly offset: number;
  readonly length: number;
}

/** Larger note or attribute sections than this are unusual: read the whole file instead. */
export const MAX_RANGE_BYTES = 1 << 20;
export const HEADER_BYTES = 64;

const PT_NOTE = 4;
const PT_GNU_PROPERTY = 0x6474e553;
const SHT_NOTE = 7;
const SHT_ARM_ATTRIBUTES = 0x70000003;

interface Header {
  readonly is64: boolean;
  readonly machine: number;
  readonly little: boolean;
  readonly phoff: number;
  readonly phentsize: number;
  readonly phnum: number;
  readonly shoff: number;
  readonly shentsize: number;
  readonly shnum: number;
  readonly shstrndx: number;
}

function reader(bytes: Uint8Array, little: boolean): { u16(at: number): number; u32(at: number): number; u64(at: number): number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    u16: (at) => view.getUint16(at, little),
    u32: (at) => view.getUint32(at, little),
    // Offsets past 2^53 are not plausible in a file that exists; Number() keeps the plan simple.
    u64: (at) => Number(view.getBigUint64(at, little)),
  };
}

function within(range: ByteRange, fileSize: number): boolean {
  return Number.isSafeInteger(range.offset) && range.offset >= 0 && range.length >= 0 && range.offset + range.length <= fileSize;
}

/** The header fields a plan needs, or null when the file is not a plain ELF the plan can follow. */
function header(head: Uint8Array, fileSize: number): Header | null {
  if (head.length < HEADER_BYTES || head[0] !== 0x7f || head[1] !== 0x45 || head[2] !== 0x4c || head[3] !== 0x46) return null;
  const cls = head[4];
  const data = head[5];
  if ((cls !== 1 && cls !== 2) || (data !== 1 && data !== 2)) return null;
  const is64 = cls === 2;
  const r = reader(head, data === 1);
  const machine = r.u16(18);
  const h: Header = is64
    ? { is64, machine, little: data === 1, phoff: r.u64(32), shoff: r.u64(40), phentsize: r.u16(54), phnum: r.u16(56), shentsize: r.u16(58), shnum: r.u16(60), shstrndx: r.u16(62) }
    : { is64, machine, little: data === 1, phoff: r.u32(28), shoff: r.u32(32), phentsize: r.u16(42), phnum: r.u16(44), shentsize: r.u16(46), shnum: r.u16(48), shstrndx: r.u16(50) };
  // 0xffff counts and 0 section counts with a table live in section 0: the whole file is simpler.
  if (h.phnum === 0xffff || h.shstrndx === 0xffff || (h.shoff !== 0 && h.shnum === 0)) return null;
  if (!within({ offset: h.phoff, length: h.phnum * h.phentsize }, fileSize)) return null;
  if (!within({ offset: h.shoff, length: h.shnum * h.shentsize }, fileSize)) return null;
  return h;
}

/** Step 1: after the first HEADER_BYTES, the two header tables (or null: read the whole file). */
export function tableRanges(head: Uint8Array, fileSize: number): ByteRange[] | null {
  const h = header(head, fileSize);
  if (h === null) return null;
  return [
    { offset: h.phoff, length: h.phnum * h.phentsize },
    { offset: h.shoff, length: h.shnum * h.shentsize },
  ].filter((r) => r.length > 0);
}

function sectionRange(r: ReturnType<typeof reader>, h: Header, index: number): ByteRange {
  const at = h.shoff + index * h.shentsize;
  return h.is64 ? { offset: r.u64(at + 24), length: r.u64(at + 32) } : { offset: r.u32(at + 16), length: r.u32(at + 20) };
}

function plausible(ranges: readonly ByteRange[], fileSize: number): ByteRange[] | null {
  if (ranges.some((range) => !within(range, fileSize) || range.length > MAX_RANGE_BYTES)) return null;
  return ranges.filter((range) => range.length > 0);
}

/** Step 2: with the header and both tables in `bytes` (a buffer of the file's size), the section-name table. */
export function nameTableRange(bytes: Uint8Array): ByteRange[] | null {
  const h = header(bytes.subarray(0, HEADER_BYTES), bytes.length);
  if (h === null) return null;
  if (h.shnum === 0 || h.shstrndx >= h.shnum) return [];
  return plausible([sectionRange(reader(bytes, h.little), h, h.shstrndx)], bytes.length);
}

/** The NUL-terminated name at `offset` of the name table, or '' when it runs out of it. */
function nameAt(bytes: Uint8Array, table: ByteRange | undefined, offset: number): string {
  if (table === undefined || offset >= table.length) return '';
  const start = table.offset + offset;
  const end = bytes.indexOf(0, start);
  return end < 0 || end > table.offset + table.length ? '' : Buffer.from(bytes.subarray(start, end)).toString('latin1');
}

/**
 * Step 3: with the name table read too, the note segments, the note sections and the ARM attribute
 * sections, by type or by name, as the analyzers look for them (or null: read the whole file).
 */
export function contentRanges(bytes: Uint8Array): ByteRange[] | null {
  const h = header(bytes.subarray(0, HEADER_BYTES), bytes.length);
  if (h === null) return null;
  const r = reader(bytes, h.little);
  const ranges: ByteRange[] = [];
  for (let i = 0; i < h.phnum; i++) {
    const at = h.phoff + i * h.phentsize;
    const type = r.u32(at);
    if (type !== PT_NOTE && type !== PT_GNU_PROPERTY) continue;
    ranges.push(h.is64 ? { offset: r.u64(at + 8), length: r.u64(at + 32) } : { offset: r.u32(at + 4), length: r.u32(at + 16) });
  }
  const names = h.shnum > 0 && h.shstrndx < h.shnum ? sectionRange(r, h, h.shstrndx) : undefined;
  const namesReadable = names !== undefined && within(names, bytes.length) ? names : undefined;
  for (let i = 0; i < h.shnum; i++) {
    const at = h.shoff + i * h.shentsize;
    const type = r.u32(at + 4);
    const name = nameAt(bytes, namesReadable, r.u32(at));
    const flags = h.is64 ? BigInt(r.u64(at + 8)) : BigInt(r.u32(at + 8));
    const scanned = i !== 0 && isScannedSection(h.machine, type, flags);
    if (!scanned && type !== SHT_NOTE && type !== SHT_ARM_ATTRIBUTES && name !== '.ARM.attributes' && !name.startsWith('.note')) continue;
    ranges.push(sectionRange(r, h, i));
  }
  return plausible(ranges, bytes.length);
}
