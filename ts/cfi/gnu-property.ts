/**
 * GNU property notes (NT_GNU_PROPERTY_TYPE_0, owner "GNU"): the marks a linker leaves when every
 * input object was built with CET (x86: IBT, SHSTK) or BTI/PAC/GCS (AArch64). The loader reads
 * them from PT_GNU_PROPERTY, so that segment is the authority for executables and shared objects;
 * relocatable objects have only the `.note.gnu.property` section; a PT_NOTE segment is the last
 * resort for files whose section headers were stripped and that predate PT_GNU_PROPERTY.
 *
 * The descriptor is parsed after the note header and the padded name: a parser that starts at the
 * note header reads namesz/descsz as pr_type/pr_datasz and reports nonsense.
 */
import { WrtError } from '../core/errors.js';
import {
  EM_386,
  EM_AARCH64,
  EM_X86_64,
  ElfByteReader,
  type ElfFile,
  type ProgramHeader,
  PT_GNU_PROPERTY,
  PT_NOTE,
  type SectionHeader,
  SHT_NOTE,
} from './elf.js';
import { type ElfNote, type NoteContainer, parseNotes } from './notes.js';

export const NT_GNU_PROPERTY_TYPE_0 = 5;
export const GNU_PROPERTY_X86_FEATURE_1_AND = 0xc0000002;
export const GNU_PROPERTY_AARCH64_FEATURE_1_AND = 0xc0000000;

export const X86_FEATURE_1_IBT = 1 << 0;
export const X86_FEATURE_1_SHSTK = 1 << 1;
export const AARCH64_FEATURE_1_BTI = 1 << 0;
export const AARCH64_FEATURE_1_PAC = 1 << 1;
export const AARCH64_FEATURE_1_GCS = 1 << 2;

export type PropertySource = 'PT_GNU_PROPERTY' | '.note.gnu.property' | 'PT_NOTE';

export interface GnuProperty {
  readonly type: number;
  /** The property's name for this file's machine, or its hex number. */
  readonly name: string;
  /** File offset of pr_type. */
  readonly offset: number;
  readonly data: Uint8Array;
}

export interface GnuPropertyNote {
  readonly offset: number;
  readonly container: string;
  readonly properties: readonly GnuProperty[];
}

export interface X86FeatureMarks {
  readonly kind: 'x86';
  readonly ibt: boolean;
  readonly shstk: boolean;
  /** The FEATURE_1_AND word, or null when the file carries no such property. */
  readonly raw: number | null;
}

export interface Aarch64FeatureMarks {
  readonly kind: 'aarch64';
  readonly bti: boolean;
  readonly pac: boolean;
  readonly gcs: boolean;
  readonly raw: number | null;
}

export type FeatureMarks = X86FeatureMarks | Aarch64FeatureMarks;

export interface GnuPropertyReport {
  /** Which container the properties came from; null when the file has no property note. */
  readonly source: PropertySource | null;
  readonly notes: readonly GnuPropertyNote[];
  /** Null for machines without CFI properties (ARM32, RISC-V, …). */
  readonly marks: FeatureMarks | null;
}

const GENERIC_NAMES: ReadonlyMap<number, string> = new Map([
  [1, 'GNU_PROPERTY_STACK_SIZE'],
  [2, 'GNU_PROPERTY_NO_COPY_ON_PROTECTED'],
  [0xb0008000, 'GNU_PROPERTY_1_NEEDED'],
]);
const X86_NAMES: ReadonlyMap<number, string> = new Map([
  [GNU_PROPERTY_X86_FEATURE_1_AND, 'GNU_PROPERTY_X86_FEATURE_1_AND'],
  [0xc0008001, 'GNU_PROPERTY_X86_FEATURE_2_NEEDED'],
  [0xc0008002, 'GNU_PROPERTY_X86_ISA_1_NEEDED'],
  [0xc0010001, 'GNU_PROPERTY_X86_FEATURE_2_USED'],
  [0xc0010002, 'GNU_PROPERTY_X86_ISA_1_USED'],
]);
const AARCH64_NAMES: ReadonlyMap<number, string> = new Map([
  [GNU_PROPERTY_AARCH64_FEATURE_1_AND, 'GNU_PROPERTY_AARCH64_FEATURE_1_AND'],
  [0xc0000001, 'GNU_PROPERTY_AARCH64_FEATURE_PAUTH'],
]);

function isX86(machine: number): boolean {
  return machine === EM_X86_64 || machine === EM_386;
}

/** Processor-specific property numbers overlap between machines, so names depend on e_machine. */
export function propertyName(machine: number, type: number): string {
  const specific = isX86(machine) ? X86_NAMES : machine === EM_AARCH64 ? AARCH64_NAMES : undefined;
  return specific?.get(type) ?? GENERIC_NAMES.get(type) ?? `0x${type.toString(16).padStart(8, '0')}`;
}

function isGnuPropertyNote(note: ElfNote): boolean {
  return note.name === 'GNU' && note.type === NT_GNU_PROPERTY_TYPE_0;
}

/** The property array of one NT_GNU_PROPERTY_TYPE_0 descriptor; pr_data is padded to 8 (ELF64) or 4 (ELF32). */
export function parseProperties(elf: ElfFile, note: ElfNote): GnuProperty[] {
  const r = new ElfByteReader(elf.bytes, elf.file, elf.header.endianness);
  const pad = elf.header.elfClass === 64 ? 8 : 4;
  const end = note.descOffset + note.desc.length;
  const properties: GnuProperty[] = [];
  let pos = note.descOffset;
  while (pos < end) {
    if (end - pos < 8) {
      throw new WrtError('ELF_MALFORMED', `${end - pos} trailing bytes in a GNU property note are too short for a property header`, {
        file: elf.file,
        offset: pos,
        field: 'pr_type',
        limit: `8-byte property header inside the descriptor (bytes ${note.descOffset}..${end})`,
      });
    }
    const type = r.u32(pos, 'pr_type');
    const datasz = r.u32(pos + 4, 'pr_datasz');
    if (datasz > end - pos - 8) {
      throw new WrtError('ELF_MALFORMED', `property 0x${type.toString(16)} claims ${datasz} data bytes`, {
        file: elf.file,
        offset: pos + 4,
        field: 'pr_datasz',
        limit: `<= ${end - pos - 8} bytes left in the descriptor`,
      });
    }
    properties.push({
      type,
      name: propertyName(elf.header.machine, type),
      offset: pos,
      data: elf.bytes.subarray(pos + 8, pos + 8 + datasz),
    });
    pos += 8 + Math.ceil(datasz / pad) * pad;
  }
  return properties;
}

function segmentContainer(elf: ElfFile, ph: ProgramHeader, label: string): NoteContainer {
  return {
    label: `${label} (program header ${ph.index})`,
    offset: ph.offset,
    size: ph.filesz,
    align: ph.align,
    alignField: `program header ${ph.index} p_align`,
    alignFieldOffset: Number(elf.header.phoff) + ph.index * elf.header.phentsize + (elf.header.elfClass === 64 ? 48 : 28),
  };
}

function sectionContainer(elf: ElfFile, sh: SectionHeader): NoteContainer {
  return {
    label: `${sh.name} (section ${sh.index})`,
    offset: sh.offset,
    size: sh.size,
    align: sh.addralign,
    alignField: `section header ${sh.index} sh_addralign`,
    alignFieldOffset: Number(elf.header.shoff) + sh.index * elf.header.shentsize + (elf.header.elfClass === 64 ? 48 : 32),
  };
}

function collect(elf: ElfFile, containers: readonly NoteContainer[]): GnuPropertyNote[] {
  const result: GnuPropertyNote[] = [];
  for (const container of containers) {
    for (const note of parseNotes(elf, container)) {
      if (isGnuPropertyNote(note)) {
        result.push({ offset: note.offset, container: container.label, properties: parseProperties(elf, note) });
      }
    }
  }
  return result;
}

function featureWord(elf: ElfFile, notes: readonly GnuPropertyNote[], type: number): number | null {
  let word: number | null = null;
  for (const note of notes) {
    for (const p of note.properties) {
      if (p.type !== type) continue;
      if (p.data.length !== 4) {
        throw new WrtError('ELF_MALFORMED', `${p.name} has ${p.data.length} data bytes`, {
          file: elf.file,
          offset: p.offset + 4,
          field: 'pr_datasz',
          limit: 'pr_datasz = 4 for a FEATURE_1_AND property',
        });
      }
      const value = new ElfByteReader(elf.bytes, elf.file, elf.header.endianness).u32(p.offset + 8, p.name);
      // Several AND properties combine as their name says: a feature is marked only if every one has it.
      word = word === null ? value : (word & value) >>> 0;
    }
  }
  return word;
}

export function featureMarks(elf: ElfFile, notes: readonly GnuPropertyNote[]): FeatureMarks | null {
  const machine = elf.header.machine;
  if (isX86(machine)) {
    const raw = featureWord(elf, notes, GNU_PROPERTY_X86_FEATURE_1_AND);
    const word = raw ?? 0;
    return { kind: 'x86', ibt: (word & X86_FEATURE_1_IBT) !== 0, shstk: (word & X86_FEATURE_1_SHSTK) !== 0, raw };
  }
  if (machine === EM_AARCH64) {
    const raw = featureWord(elf, notes, GNU_PROPERTY_AARCH64_FEATURE_1_AND);
    const word = raw ?? 0;
    return {
      kind: 'aarch64',
      bti: (word & AARCH64_FEATURE_1_BTI) !== 0,
      pac: (word & AARCH64_FEATURE_1_PAC) !== 0,
      gcs: (word & AARCH64_FEATURE_1_GCS) !== 0,
      raw,
    };
  }
  return null;
}

/** Reads the GNU properties from the most authoritative container the file has. */
export function readGnuProperties(elf: ElfFile): GnuPropertyReport {
  const candidates: readonly [PropertySource, () => NoteContainer[]][] = [
    ['PT_GNU_PROPERTY', () => elf.programHeaders.filter((p) => p.type === PT_GNU_PROPERTY).map((p) => segmentContainer(elf, p, 'PT_GNU_PROPERTY'))],
    ['.note.gnu.property', () => elf.sections.filter((s) => s.type === SHT_NOTE && s.name === '.note.gnu.property').map((s) => sectionContainer(elf, s))],
    ['PT_NOTE', () => elf.programHeaders.filter((p) => p.type === PT_NOTE).map((p) => segmentContainer(elf, p, 'PT_NOTE'))],
  ];
  for (const [source, containers] of candidates) {
    const list = containers();
    if (list.length === 0) continue;
    const notes = collect(elf, list);
    // A PT_NOTE segment without a property note says nothing; an explicit property container does.
    if (source === 'PT_NOTE' && notes.length === 0) continue;
    return { source, notes, marks: featureMarks(elf, notes) };
  }
  return { source: null, notes: [], marks: featureMarks(elf, []) };
}
