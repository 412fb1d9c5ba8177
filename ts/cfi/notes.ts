/**
 * ELF note iteration (gABI "Note Section"): each note is a 12-byte header (namesz, descsz, type),
 * the name padded to the note alignment, then the descriptor padded to the note alignment. The
 * header words are 4 bytes in both ELF classes; only the padding differs (4, or 8 for ELF64
 * notes in 8-aligned containers such as PT_GNU_PROPERTY).
 */
import { WrtError } from '../core/errors.js';
import type { ElfFile } from './elf.js';
import { ElfByteReader } from './elf.js';

export interface ElfNote {
  /** File offset of the note header. */
  readonly offset: number;
  /** The name without its terminating NUL ("GNU"). */
  readonly name: string;
  readonly type: number;
  /** File offset of the descriptor. */
  readonly descOffset: number;
  readonly desc: Uint8Array;
}

export interface NoteContainer {
  /** "PT_NOTE (program header 7)", ".note.gnu.property (section 3)". */
  readonly label: string;
  readonly offset: number;
  readonly size: number;
  /** p_align / sh_addralign as recorded in the file. */
  readonly align: bigint;
  /** Where the alignment field lives, for errors. */
  readonly alignField: string;
  readonly alignFieldOffset: number;
}

const NOTE_HEADER_SIZE = 12;
const latin1 = new TextDecoder('latin1');

function alignUp(value: number, align: number): number {
  return Math.ceil(value / align) * align;
}

/** readelf's rule: an alignment of 0..4 means 4-byte padding, 8 means 8; anything else is corrupt. */
export function noteAlignment(elf: ElfFile, container: NoteContainer): 4 | 8 {
  if (container.align <= 4n) return 4;
  if (container.align === 8n) return 8;
  throw new WrtError('ELF_MALFORMED', `${container.label} has note alignment ${container.align}`, {
    file: elf.file,
    offset: container.alignFieldOffset,
    field: container.alignField,
    limit: 'note alignment 4 or 8',
  });
}

/** All notes of a container. Throws ELF_MALFORMED when a note does not fit its container. */
export function parseNotes(elf: ElfFile, container: NoteContainer): ElfNote[] {
  const align = noteAlignment(elf, container);
  const r = new ElfByteReader(elf.bytes, elf.file, elf.header.endianness);
  const end = container.offset + container.size;
  // parseElf checked that the container lies inside the file; a note must also stay inside it.
  const limit = `inside ${container.label} (bytes ${container.offset}..${end})`;
  const notes: ElfNote[] = [];
  let pos = container.offset;
  while (pos < end) {
    if (end - pos < NOTE_HEADER_SIZE) {
      throw new WrtError('ELF_MALFORMED', `${end - pos} trailing bytes in ${container.label} are too short for a note header`, {
        file: elf.file,
        offset: pos,
        field: 'note header',
        limit: `12-byte note header ${limit}`,
      });
    }
    const namesz = r.u32(pos, 'note namesz');
    const descsz = r.u32(pos + 4, 'note descsz');
    const type = r.u32(pos + 8, 'note type');
    const nameStart = pos + NOTE_HEADER_SIZE;
    if (namesz > end - nameStart) {
      throw new WrtError('ELF_MALFORMED', `note name of ${namesz} bytes does not fit ${container.label}`, {
        file: elf.file,
        offset: pos,
        field: 'note namesz',
        limit,
      });
    }
    const descStart = pos + alignUp(NOTE_HEADER_SIZE + namesz, align);
    if (descStart > end || descsz > end - descStart) {
      throw new WrtError('ELF_MALFORMED', `note descriptor of ${descsz} bytes does not fit ${container.label}`, {
        file: elf.file,
        offset: pos + 4,
        field: 'note descsz',
        limit,
      });
    }
    const nameBytes = elf.bytes.subarray(nameStart, nameStart + namesz);
    const nul = nameBytes.indexOf(0);
    const name = latin1.decode(nul >= 0 ? nameBytes.subarray(0, nul) : nameBytes);
    notes.push({ offset: pos, name, type, descOffset: descStart, desc: elf.bytes.subarray(descStart, descStart + descsz) });
    // The last note's padding may be missing from the container; that ends the walk.
    pos = descStart + alignUp(descsz, align);
  }
  return notes;
}
