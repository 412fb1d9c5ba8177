/**
 * A bounds-checked ELF reader for the headers `cfi-report` needs: the file header, the program
 * headers and the section headers with their names. It reads untrusted bytes: every offset and
 * size is checked against the file length before it is used, and the only exception it throws is
 * a WrtError (ELF_NOT_ELF, ELF_TRUNCATED, ELF_MALFORMED) that names the file, the byte offset and
 * the field. Offsets are kept as bigint until checked, so a 64-bit value can never wrap.
 */
import { WrtError } from '../core/errors.js';

export type ElfClass = 32 | 64;
export type Endianness = 'little' | 'big';

export interface ElfHeader {
  readonly elfClass: ElfClass;
  readonly endianness: Endianness;
  /** e_ident[EI_OSABI]. */
  readonly osabi: number;
  /** e_type: 1 REL, 2 EXEC, 3 DYN, 4 CORE. */
  readonly type: number;
  readonly machine: number;
  readonly version: number;
  readonly entry: bigint;
  /** Raw e_phoff / e_shoff; checked against the file length whenever the table is not empty. */
  readonly phoff: bigint;
  readonly shoff: bigint;
  readonly flags: number;
  readonly ehsize: number;
  readonly phentsize: number;
  /** The real count, after the PN_XNUM / SHN_UNDEF extensions are resolved. */
  readonly phnum: number;
  readonly shentsize: number;
  readonly shnum: number;
  readonly shstrndx: number;
}

export interface ProgramHeader {
  readonly index: number;
  readonly type: number;
  readonly flags: number;
  readonly offset: number;
  readonly vaddr: bigint;
  readonly paddr: bigint;
  readonly filesz: number;
  readonly memsz: bigint;
  readonly align: bigint;
}

export interface SectionHeader {
  readonly index: number;
  readonly name: string;
  readonly nameOffset: number;
  readonly type: number;
  readonly flags: bigint;
  readonly addr: bigint;
  readonly offset: number;
  /** Size in the file: 0 for SHT_NOBITS, whose sh_size is memory only. */
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly addralign: bigint;
  readonly entsize: bigint;
}

export interface ElfFile {
  /** The name used in errors: the path as the user gave it. */
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly header: ElfHeader;
  readonly programHeaders: readonly ProgramHeader[];
  readonly sections: readonly SectionHeader[];
}

export const PT_NOTE = 4;
export const PT_GNU_PROPERTY = 0x6474e553;
export const SHT_NOTE = 7;
export const SHT_NOBITS = 8;
export const SHT_ARM_ATTRIBUTES = 0x70000003;

export const EM_386 = 3;
export const EM_ARM = 40;
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;

const MACHINE_NAMES: ReadonlyMap<number, string> = new Map([
  [0, 'none'],
  [EM_386, 'x86 (i386)'],
  [8, 'MIPS'],
  [20, 'PowerPC'],
  [21, 'PowerPC64'],
  [22, 'S/390'],
  [EM_ARM, 'ARM'],
  [EM_X86_64, 'x86-64'],
  [EM_AARCH64, 'AArch64'],
  [243, 'RISC-V'],
]);

export function machineName(machine: number): string {
  return MACHINE_NAMES.get(machine) ?? `machine ${machine}`;
}

const TYPE_NAMES: readonly string[] = ['none', 'relocatable', 'executable', 'shared object', 'core'];

export function elfTypeName(type: number): string {
  return TYPE_NAMES[type] ?? `type 0x${type.toString(16)}`;
}

const SHN_XINDEX = 0xffff;
const PN_XNUM = 0xffff;

/**
 * Reads fixed-size integers at absolute offsets. Every read checks its range first, so DataView
 * never sees an offset it would reject with a RangeError.
 */
export class ElfByteReader {
  private readonly view: DataView;
  readonly little: boolean;

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    endianness: Endianness,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.little = endianness === 'little';
  }

  get length(): number {
    return this.bytes.length;
  }

  /** Throws ELF_TRUNCATED unless [offset, offset + size) lies inside the file. */
  require(offset: number | bigint, size: number | bigint, field: string): void {
    const end = BigInt(offset) + BigInt(size);
    if (BigInt(offset) < 0n || end > BigInt(this.bytes.length)) {
      throw new WrtError('ELF_TRUNCATED', `${field} reaches past the end of the file`, {
        file: this.file,
        offset: Number(offset),
        field,
        limit: `offset + size <= file size ${this.bytes.length}`,
      });
    }
  }

  u8(offset: number, field: string): number {
    this.require(offset, 1, field);
    return this.view.getUint8(offset);
  }

  u16(offset: number, field: string): number {
    this.require(offset, 2, field);
    return this.view.getUint16(offset, this.little);
  }

  u32(offset: number, field: string): number {
    this.require(offset, 4, field);
    return this.view.getUint32(offset, this.little);
  }

  u64(offset: number, field: string): bigint {
    this.require(offset, 8, field);
    return this.view.getBigUint64(offset, this.little);
  }

  /** An address-sized word: 4 bytes in ELF32, 8 in ELF64. */
  word(offset: number, elfClass: ElfClass, field: string): bigint {
    return elfClass === 64 ? this.u64(offset, field) : BigInt(this.u32(offset, field));
  }
}

interface Layout {
  readonly headerSize: number;
  readonly phdrSize: number;
  readonly shdrSize: number;
}

const LAYOUT: Readonly<Record<ElfClass, Layout>> = {
  32: { headerSize: 52, phdrSize: 32, shdrSize: 40 },
  64: { headerSize: 64, phdrSize: 56, shdrSize: 64 },
};

function malformed(file: string, offset: number, field: string, message: string, limit: string): WrtError {
  return new WrtError('ELF_MALFORMED', message, { file, offset, field, limit });
}

/** A table of `count` entries of `entsize` bytes at `offset` must lie inside the file. */
function requireTable(
  reader: ElfByteReader,
  offset: bigint,
  count: bigint,
  entsize: number,
  fieldOffset: number,
  what: 'program header' | 'section header',
): void {
  const end = offset + count * BigInt(entsize);
  if (end > BigInt(reader.length)) {
    const prefix = what === 'program header' ? 'e_ph' : 'e_sh';
    throw new WrtError('ELF_TRUNCATED', `the ${what} table reaches past the end of the file`, {
      file: reader.file,
      offset: fieldOffset,
      field: `${prefix}off`,
      limit: `${prefix}off + ${prefix}num * ${prefix}entsize = ${end} <= file size ${reader.length}`,
    });
  }
}

function checkedOffset(reader: ElfByteReader, value: bigint, at: number, field: string): number {
  if (value > BigInt(reader.length)) {
    throw new WrtError('ELF_TRUNCATED', `${field} points past the end of the file`, {
      file: reader.file,
      offset: at,
      field,
      limit: `${field} = ${value} <= file size ${reader.length}`,
    });
  }
  return Number(value);
}

function parseIdent(bytes: Uint8Array, file: string): { elfClass: ElfClass; endianness: Endianness; osabi: number } {
  if (bytes.length < 4 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new WrtError('ELF_NOT_ELF', 'not an ELF file: the first four bytes are not 7f 45 4c 46 ("\\x7fELF")', {
      file,
      offset: 0,
      field: 'e_ident[EI_MAG0..3]',
    });
  }
  if (bytes.length < 16) {
    throw new WrtError('ELF_TRUNCATED', 'the ELF identification is cut short', {
      file,
      offset: bytes.length,
      field: 'e_ident',
      limit: `16 bytes <= file size ${bytes.length}`,
    });
  }
  const classByte = bytes[4];
  const dataByte = bytes[5];
  if (classByte !== 1 && classByte !== 2) {
    throw malformed(file, 4, 'e_ident[EI_CLASS]', `unknown ELF class ${String(classByte)}`, '1 (ELF32) or 2 (ELF64)');
  }
  if (dataByte !== 1 && dataByte !== 2) {
    throw malformed(file, 5, 'e_ident[EI_DATA]', `unknown data encoding ${String(dataByte)}`, '1 (little endian) or 2 (big endian)');
  }
  return { elfClass: classByte === 1 ? 32 : 64, endianness: dataByte === 1 ? 'little' : 'big', osabi: bytes[7] ?? 0 };
}

/** Parses the headers of an ELF file. Never throws anything but WrtError. */
export function parseElf(bytes: Uint8Array, file: string): ElfFile {
  const ident = parseIdent(bytes, file);
  const { elfClass, endianness } = ident;
  const layout = LAYOUT[elfClass];
  const r = new ElfByteReader(bytes, file, endianness);
  if (bytes.length < layout.headerSize) {
    throw new WrtError('ELF_TRUNCATED', `the ELF${elfClass} file header is cut short`, {
      file,
      offset: bytes.length,
      field: 'ELF header',
      limit: `${layout.headerSize} bytes <= file size ${bytes.length}`,
    });
  }
  const is64 = elfClass === 64;
  const at = is64
    ? { entry: 24, phoff: 32, shoff: 40, flags: 48, ehsize: 52, phentsize: 54, phnum: 56, shentsize: 58, shnum: 60, shstrndx: 62 }
    : { entry: 24, phoff: 28, shoff: 32, flags: 36, ehsize: 40, phentsize: 42, phnum: 44, shentsize: 46, shnum: 48, shstrndx: 50 };
  const type = r.u16(16, 'e_type');
  const machine = r.u16(18, 'e_machine');
  const version = r.u32(20, 'e_version');
  const entry = r.word(at.entry, elfClass, 'e_entry');
  const phoffRaw = r.word(at.phoff, elfClass, 'e_phoff');
  const shoffRaw = r.word(at.shoff, elfClass, 'e_shoff');
  const flags = r.u32(at.flags, 'e_flags');
  const ehsize = r.u16(at.ehsize, 'e_ehsize');
  const phentsize = r.u16(at.phentsize, 'e_phentsize');
  const rawPhnum = r.u16(at.phnum, 'e_phnum');
  const shentsize = r.u16(at.shentsize, 'e_shentsize');
  const rawShnum = r.u16(at.shnum, 'e_shnum');
  const rawShstrndx = r.u16(at.shstrndx, 'e_shstrndx');

  // Section header table first: section 0 carries the extended counts when e_shnum,
  // e_phnum or e_shstrndx overflow their 16-bit fields.
  let shnum = BigInt(rawShnum);
  let phnum = BigInt(rawPhnum);
  let shstrndx = rawShstrndx;
  const shoff = shoffRaw === 0n ? 0 : checkedOffset(r, shoffRaw, at.shoff, 'e_shoff');
  if (shoff !== 0) {
    if (shentsize < layout.shdrSize) {
      throw malformed(file, at.shentsize, 'e_shentsize', `section header entries of ${shentsize} bytes are too small`, `>= ${layout.shdrSize} for ELF${elfClass}`);
    }
    requireTable(r, BigInt(shoff), 1n, shentsize, at.shoff, 'section header');
    if (rawShnum === 0) shnum = is64 ? r.u64(shoff + 32, 'section[0].sh_size (extended e_shnum)') : BigInt(r.u32(shoff + 20, 'section[0].sh_size (extended e_shnum)'));
    if (rawShstrndx === SHN_XINDEX) shstrndx = r.u32(shoff + (is64 ? 40 : 24), 'section[0].sh_link (extended e_shstrndx)');
    if (rawPhnum === PN_XNUM) phnum = BigInt(r.u32(shoff + (is64 ? 44 : 28), 'section[0].sh_info (extended e_phnum)'));
    requireTable(r, BigInt(shoff), shnum, shentsize, at.shoff, 'section header');
  } else if (rawShnum !== 0) {
    throw malformed(file, at.shnum, 'e_shnum', `${rawShnum} section headers but e_shoff is 0`, 'e_shnum = 0 when e_shoff = 0');
  }

  let phoff = 0;
  if (phnum > 0n) {
    phoff = checkedOffset(r, phoffRaw, at.phoff, 'e_phoff');
    if (phoff === 0) {
      throw malformed(file, at.phoff, 'e_phoff', `${phnum} program headers but e_phoff is 0`, 'e_phoff != 0 when e_phnum > 0');
    }
    if (phentsize < layout.phdrSize) {
      throw malformed(file, at.phentsize, 'e_phentsize', `program header entries of ${phentsize} bytes are too small`, `>= ${layout.phdrSize} for ELF${elfClass}`);
    }
    requireTable(r, BigInt(phoff), phnum, phentsize, at.phoff, 'program header');
  }

  const header: ElfHeader = {
    elfClass,
    endianness,
    osabi: ident.osabi,
    type,
    machine,
    version,
    entry,
    phoff: phoffRaw,
    shoff: shoffRaw,
    flags,
    ehsize,
    phentsize,
    // Both counts are bounded by the file length checked above, so they fit a number.
    phnum: Number(phnum),
    shentsize,
    shnum: Number(shnum),
    shstrndx,
  };
  const programHeaders = readProgramHeaders(r, header, phoff);
  const sections = readSectionHeaders(r, header, shoff, at.shstrndx);
  return { file, bytes, header, programHeaders, sections };
}

function readProgramHeaders(r: ElfByteReader, h: ElfHeader, phoff: number): ProgramHeader[] {
  const result: ProgramHeader[] = [];
  const is64 = h.elfClass === 64;
  for (let index = 0; index < h.phnum; index++) {
    const base = phoff + index * h.phentsize;
    const field = (name: string): string => `program header ${index} ${name}`;
    const type = r.u32(base, field('p_type'));
    const flags = r.u32(base + (is64 ? 4 : 24), field('p_flags'));
    const offsetRaw = r.word(base + (is64 ? 8 : 4), h.elfClass, field('p_offset'));
    const vaddr = r.word(base + (is64 ? 16 : 8), h.elfClass, field('p_vaddr'));
    const paddr = r.word(base + (is64 ? 24 : 12), h.elfClass, field('p_paddr'));
    const fileszRaw = r.word(base + (is64 ? 32 : 16), h.elfClass, field('p_filesz'));
    const memsz = r.word(base + (is64 ? 40 : 20), h.elfClass, field('p_memsz'));
    const align = r.word(base + (is64 ? 48 : 28), h.elfClass, field('p_align'));
    if (offsetRaw + fileszRaw > BigInt(r.length)) {
      throw new WrtError('ELF_TRUNCATED', `program header ${index} describes bytes past the end of the file`, {
        file: r.file,
        offset: base + (is64 ? 8 : 4),
        field: field('p_offset + p_filesz'),
        limit: `${offsetRaw} + ${fileszRaw} <= file size ${r.length}`,
      });
    }
    result.push({ index, type, flags, offset: Number(offsetRaw), vaddr, paddr, filesz: Number(fileszRaw), memsz, align });
  }
  return result;
}

interface RawSection {
  readonly base: number;
  readonly nameOffset: number;
  readonly type: number;
  readonly flags: bigint;
  readonly addr: bigint;
  readonly offset: number;
  readonly size: number;
  readonly link: number;
  readonly info: number;
  readonly addralign: bigint;
  readonly entsize: bigint;
}

function readSectionHeaders(r: ElfByteReader, h: ElfHeader, shoff: number, shstrndxAt: number): SectionHeader[] {
  const is64 = h.elfClass === 64;
  const raw: RawSection[] = [];
  for (let index = 0; index < h.shnum; index++) {
    const base = shoff + index * h.shentsize;
    const field = (name: string): string => `section header ${index} ${name}`;
    const nameOffset = r.u32(base, field('sh_name'));
    const type = r.u32(base + 4, field('sh_type'));
    const flags = r.word(base + 8, h.elfClass, field('sh_flags'));
    const addr = r.word(base + (is64 ? 16 : 12), h.elfClass, field('sh_addr'));
    const offsetRaw = r.word(base + (is64 ? 24 : 16), h.elfClass, field('sh_offset'));
    const sizeRaw = r.word(base + (is64 ? 32 : 20), h.elfClass, field('sh_size'));
    const link = r.u32(base + (is64 ? 40 : 24), field('sh_link'));
    const info = r.u32(base + (is64 ? 44 : 28), field('sh_info'));
    const addralign = r.word(base + (is64 ? 48 : 32), h.elfClass, field('sh_addralign'));
    const entsize = r.word(base + (is64 ? 56 : 36), h.elfClass, field('sh_entsize'));
    // Section 0 holds the extended counts in sh_size, not file contents; NOBITS occupies no file bytes.
    const inFile = index !== 0 && type !== SHT_NOBITS;
    if (inFile && offsetRaw + sizeRaw > BigInt(r.length)) {
      throw new WrtError('ELF_TRUNCATED', `section ${index} reaches past the end of the file`, {
        file: r.file,
        offset: base + (is64 ? 24 : 16),
        field: field('sh_offset + sh_size'),
        limit: `${offsetRaw} + ${sizeRaw} <= file size ${r.length}`,
      });
    }
    raw.push({
      base,
      nameOffset,
      type,
      flags,
      addr,
      offset: inFile ? Number(offsetRaw) : 0,
      size: inFile ? Number(sizeRaw) : 0,
      link,
      info,
      addralign,
      entsize,
    });
  }
  if (raw.length === 0) return [];
  if (h.shstrndx === 0) return raw.map((s, index) => ({ ...withoutBase(s), index, name: '' }));
  const strtab = raw[h.shstrndx];
  if (strtab === undefined) {
    throw malformed(r.file, shstrndxAt, 'e_shstrndx', `section name table index ${h.shstrndx} is not a section`, `< e_shnum ${h.shnum}`);
  }
  return raw.map((s, index) => ({
    ...withoutBase(s),
    index,
    name: sectionName(r, strtab, s.nameOffset, s.base, index),
  }));
}

function withoutBase(s: RawSection): Omit<RawSection, 'base'> {
  const { base: _base, ...rest } = s;
  return rest;
}

const utf8 = new TextDecoder('utf-8');

function sectionName(r: ElfByteReader, strtab: RawSection, nameOffset: number, base: number, index: number): string {
  if (nameOffset >= strtab.size) {
    if (nameOffset === 0) return '';
    throw malformed(r.file, base, `section header ${index} sh_name`, `name offset ${nameOffset} is outside the section name table`, `< name table size ${strtab.size}`);
  }
  const start = strtab.offset + nameOffset;
  const end = strtab.offset + strtab.size;
  const nul = r.bytes.subarray(start, end).indexOf(0);
  if (nul < 0) {
    throw malformed(r.file, start, `section header ${index} sh_name`, 'section name is not NUL-terminated inside the section name table', `NUL before byte ${end}`);
  }
  return utf8.decode(r.bytes.subarray(start, start + nul));
}

/** The file bytes of a section (empty for SHT_NOBITS). Ranges were checked by parseElf. */
export function sectionBytes(elf: ElfFile, section: SectionHeader): Uint8Array {
  return elf.bytes.subarray(section.offset, section.offset + section.size);
}

export function segmentBytes(elf: ElfFile, segment: ProgramHeader): Uint8Array {
  return elf.bytes.subarray(segment.offset, segment.offset + segment.filesz);
}
