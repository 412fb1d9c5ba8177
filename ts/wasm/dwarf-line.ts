/**
 * DWARF `.debug_line` (versions 2 to 5, 32-bit DWARF) of a WebAssembly module: the line-number
 * programs clang writes with `-g`, run as the DWARF state machine, for the source line of a trap's
 * frames (ts/run/source-lines.ts). Pure and bounded: every byte is read through the validator's
 * Reader (the tool's one LEB128 decoder) over a window that ends where the unit ends, so each
 * opcode consumes at least one byte and no loop outlives the section; truncated or impossible
 * input is a DwarfError (DWARF_MALFORMED, DWARF_UNSUPPORTED) naming the section and the byte
 * offset in it, never a RangeError or a hang.
 *
 * Addresses. In WebAssembly DWARF an address is an offset into the Code section's payload: byte 0
 * is the first byte after the section's size field (its function count), as LLVM writes it and
 * llvm-dwarfdump, wasmtime and Chrome read it. A module-file offset (what wasm-objdump -d prints
 * and what the backtrace carries) is therefore `address + codePayloadStart`: dwarfAddressOf.
 *
 * Not read: .debug_info (so no inlined frames, no function names from DWARF, no DW_AT_comp_dir
 * for DWARF 4's directory 0), split DWARF (.dwo) and a module's `external_debug_info` section.
 */
import { WrtError } from '../core/errors.js';
import { decodeUtf8, Reader } from './reader.js';
import { moduleSections } from './sections.js';

export type DwarfErrorCode = 'DWARF_MALFORMED' | 'DWARF_UNSUPPORTED';

/** The DWARF debug sections this reader takes, by their custom-section names. */
export type DwarfSectionName = '.debug_line' | '.debug_str' | '.debug_line_str';

/** A DWARF section's bytes and, when known, where its payload starts in the module file. */
export interface DwarfSection {
  readonly bytes: Uint8Array;
  readonly fileOffset?: number;
}

/** What decodeDebugLine reads: .debug_line, and the string sections DWARF 5 forms point into. */
export interface DebugLineInput {
  readonly line: DwarfSection;
  readonly str?: DwarfSection;
  readonly lineStr?: DwarfSection;
  /** The module file, for errors. */
  readonly file?: string;
}

/** A malformed or unsupported DWARF section: which one, and the byte offset inside it. */
export class DwarfError extends WrtError {
  readonly section: DwarfSectionName;
  readonly sectionOffset: number;

  constructor(code: DwarfErrorCode, message: string, section: DwarfSectionName, sectionOffset: number, input: { readonly file?: string; readonly fileOffset?: number }) {
    super(code, message, {
      ...(input.file === undefined ? {} : { file: input.file }),
      ...(input.fileOffset === undefined ? {} : { offset: input.fileOffset + sectionOffset }),
      field: `${section} byte ${sectionOffset} (0x${sectionOffset.toString(16)})`,
    });
    this.section = section;
    this.sectionOffset = sectionOffset;
  }
}

/** One row of a line table, as the state machine emits it. */
export interface LineRow {
  /** Offset into the Code section's payload (see the module comment). */
  readonly address: number;
  /** The file register: an index into the unit's `files` (1-based before DWARF 5, 0-based in 5). */
  readonly file: number;
  /** 0 when the instruction has no source line (compiler-generated code). */
  readonly line: number;
  /** 0 for "no column". */
  readonly column: number;
  readonly isStmt: boolean;
  /** The row just past a sequence's last instruction: it ends the sequence, it describes no code. */
  readonly endSequence: boolean;
}

/** One entry of a unit's file table: its name joined to its directory as the producer wrote them. */
export interface LineFile {
  readonly path: string;
}

/** One line-number program (one compilation unit's). */
export interface LineUnit {
  /** Offset of the unit's unit_length in .debug_line. */
  readonly offset: number;
  readonly version: number;
  /** The file table, `files[i]` answering file register `i + fileBase`. */
  readonly files: LineFile[];
  /** 1 before DWARF 5 (file 1 is the first entry), 0 in DWARF 5 (file 0 is the unit's primary file). */
  readonly fileBase: 0 | 1;
  readonly rows: LineRow[];
}

/** Where an address came from in the source. */
export interface SourceLocation {
  /** The file's path, directory joined as the producer wrote it (relative paths stay relative). */
  readonly file: string;
  readonly line: number;
  /** Absent when the table says "no column" (0). */
  readonly column?: number;
}

// Standard opcodes (DWARF 5 §6.2.5.2).
const DW_LNS_copy = 1;
const DW_LNS_advance_pc = 2;
const DW_LNS_advance_line = 3;
const DW_LNS_set_file = 4;
const DW_LNS_set_column = 5;
const DW_LNS_negate_stmt = 6;
const DW_LNS_set_basic_block = 7;
const DW_LNS_const_add_pc = 8;
const DW_LNS_fixed_advance_pc = 9;
const DW_LNS_set_prologue_end = 10;
const DW_LNS_set_epilogue_begin = 11;
const DW_LNS_set_isa = 12;
// Extended opcodes.
const DW_LNE_end_sequence = 1;
const DW_LNE_set_address = 2;
const DW_LNE_define_file = 3;
const DW_LNE_set_discriminator = 4;
// DWARF 5 entry formats: content types and forms.
const DW_LNCT_path = 1;
const DW_LNCT_directory_index = 2;
const DW_FORM_block2 = 0x03;
const DW_FORM_block4 = 0x04;
const DW_FORM_data2 = 0x05;
const DW_FORM_data4 = 0x06;
const DW_FORM_data8 = 0x07;
const DW_FORM_string = 0x08;
const DW_FORM_block = 0x09;
const DW_FORM_block1 = 0x0a;
const DW_FORM_data1 = 0x0b;
const DW_FORM_sdata = 0x0d;
const DW_FORM_strp = 0x0e;
const DW_FORM_udata = 0x0f;
const DW_FORM_strx = 0x1a;
const DW_FORM_data16 = 0x1e;
const DW_FORM_line_strp = 0x1f;
const DW_FORM_strx1 = 0x25;
const DW_FORM_strx4 = 0x28;

/** unit_length values from here up are not lengths: 0xffffffff marks 64-bit DWARF, the rest are reserved. */
const RESERVED_LENGTH = 0xfffffff0;
const DWARF64_MARK = 0xffffffff;

const LOSSY_UTF8 = new TextDecoder('utf-8');

/** A cursor over one DWARF section that fails with a DwarfError. */
class SectionReader {
  readonly r: Reader;

  constructor(
    readonly name: DwarfSectionName,
    readonly section: DwarfSection,
    readonly file: string | undefined,
  ) {
    this.r = new Reader({
      fail: (_code, message, offset): never => {
        throw this.error('DWARF_MALFORMED', message, offset);
      },
    });
    this.r.bind(section.bytes, 0, section.bytes.length, 0, true);
  }

  error(code: DwarfErrorCode, message: string, offset: number = this.r.offset): DwarfError {
    return new DwarfError(code, message, this.name, offset, {
      ...(this.file === undefined ? {} : { file: this.file }),
      ...(this.section.fileOffset === undefined ? {} : { fileOffset: this.section.fileOffset }),
    });
  }

  malformed(message: string, offset: number = this.r.offset): never {
    throw this.error('DWARF_MALFORMED', message, offset);
  }

  unsupported(message: string, offset: number = this.r.offset): never {
    throw this.error('DWARF_UNSUPPORTED', message, offset);
  }

  /** A little-endian unsigned integer of 1, 2, 4 or 8 bytes (8 only below 2^53). */
  fixed(size: number): number {
    const at = this.r.offset;
    const b = this.r.bytes(size);
    let value = 0;
    for (let i = size - 1; i >= 0; i -= 1) value = value * 256 + (b[i] as number);
    if (!Number.isSafeInteger(value)) this.unsupported(`an ${size}-byte value above 2^53`, at);
    return value;
  }

  /**
   * Steps over a LEB128 whose value nothing here uses (a timestamp, a size): only its
   * continuation bits are looked at, so a value wider than 32 bits is no error. Bounded by the window.
   */
  skipLeb(): void {
    while ((this.r.u8() & 0x80) !== 0) {
      // each pass consumes a byte; u8 fails at the window's end
    }
  }

  /** The next byte, not consumed (fails at the window's end). */
  peek(): number {
    const { r } = this;
    if (r.pos >= r.end) r.short();
    return r.buf[r.pos] as number;
  }

  /** A NUL-terminated string of the window. */
  cstring(): string {
    const { r } = this;
    const start = r.pos;
    const nul = r.buf.subarray(start, r.end).indexOf(0);
    if (nul < 0) this.malformed('string runs past the end of its structure (no NUL)', r.base + start);
    r.pos = start + nul + 1;
    return textOf(r.buf.subarray(start, start + nul));
  }
}

function textOf(bytes: Uint8Array): string {
  return decodeUtf8(bytes) ?? LOSSY_UTF8.decode(bytes);
}

/** The NUL-terminated string at `offset` of a string section (.debug_str, .debug_line_str). */
function stringAt(sections: Strings, name: '.debug_str' | '.debug_line_str', offset: number, from: SectionReader, formAt: number): string {
  const section = name === '.debug_str' ? sections.str : sections.lineStr;
  if (section === undefined) from.malformed(`a string form points into ${name}, which the module does not have`, formAt);
  const s = new SectionReader(name, section, sections.file);
  if (offset >= section.bytes.length) s.malformed(`string offset ${offset} from .debug_line byte ${formAt} is past the end of ${name} (${section.bytes.length} bytes)`, section.bytes.length);
  s.r.pos = offset;
  return s.cstring();
}

type Strings = Pick<DebugLineInput, 'str' | 'lineStr' | 'file'>;

interface EntryFormat {
  readonly content: number;
  readonly form: number;
}

/** A DWARF 5 directory or file entry's value: a path, a number, or nothing this reader keeps. */
type FormValue = string | number | null;

/** One value of `form`; a constant only when `number` asks for it (a timestamp may be wider than 32 bits). */
function readForm(s: SectionReader, form: number, strings: Strings, number: boolean): FormValue {
  const { r } = s;
  const at = r.offset;
  switch (form) {
    case DW_FORM_string:
      return s.cstring();
    case DW_FORM_line_strp:
      return stringAt(strings, '.debug_line_str', s.fixed(4), s, at);
    case DW_FORM_strp:
      return stringAt(strings, '.debug_str', s.fixed(4), s, at);
    case DW_FORM_udata:
      if (number) return r.u32();
      s.skipLeb();
      return null;
    case DW_FORM_sdata:
      s.skipLeb();
      return null;
    case DW_FORM_data1:
      return s.fixed(1);
    case DW_FORM_data2:
      return s.fixed(2);
    case DW_FORM_data4:
      return s.fixed(4);
    case DW_FORM_data8:
      r.skip(8);
      return null;
    case DW_FORM_data16:
      r.skip(16);
      return null;
    case DW_FORM_block:
      r.skip(r.u32());
      return null;
    case DW_FORM_block1:
      r.skip(s.fixed(1));
      return null;
    case DW_FORM_block2:
      r.skip(s.fixed(2));
      return null;
    case DW_FORM_block4:
      r.skip(s.fixed(4));
      return null;
    default:
      if (form === DW_FORM_strx || (form >= DW_FORM_strx1 && form <= DW_FORM_strx4)) {
        return s.unsupported(`DW_FORM_strx* (0x${form.toString(16)}) needs .debug_str_offsets and the unit's DW_AT_str_offsets_base from .debug_info, which this reader does not read`, at);
      }
      return s.unsupported(`form 0x${form.toString(16)} in a directory or file entry format`, at);
  }
}

function readFormats(s: SectionReader, what: string): EntryFormat[] {
  const count = s.r.u8();
  const formats: EntryFormat[] = [];
  for (let i = 0; i < count; i += 1) formats.push({ content: s.r.u32(), form: s.r.u32() });
  if (!formats.some((f) => f.content === DW_LNCT_path)) s.malformed(`the ${what} entry format has no DW_LNCT_path`);
  return formats;
}

/** DWARF 5 directory or file entries: each as its path and directory index. */
function readEntries(s: SectionReader, formats: readonly EntryFormat[], strings: Strings, what: string): { path: string; dir: number }[] {
  const at = s.r.offset;
  const count = s.r.u32();
  // Every entry holds at least one byte (its path form), so a count beyond the bytes left is a lie.
  if (count > s.r.remaining) s.malformed(`${count} ${what} entries cannot fit the ${s.r.remaining} bytes left of the header`, at);
  const entries: { path: string; dir: number }[] = [];
  for (let i = 0; i < count; i += 1) {
    let pathName = '';
    let dir = 0;
    for (const f of formats) {
      const formAt = s.r.offset;
      const value = readForm(s, f.form, strings, f.content === DW_LNCT_directory_index);
      if (f.content === DW_LNCT_path) {
        if (typeof value !== 'string') s.malformed(`DW_LNCT_path of ${what} entry ${i} has a form that is not a string (0x${f.form.toString(16)})`, formAt);
        pathName = value;
      } else if (f.content === DW_LNCT_directory_index) {
        if (typeof value !== 'number') s.malformed(`DW_LNCT_directory_index of ${what} entry ${i} has a form that is not a constant (0x${f.form.toString(16)})`, formAt);
        dir = value;
      }
    }
    entries.push({ path: pathName, dir });
  }
  return entries;
}

function isAbsolute(p: string): boolean {
  return p.startsWith('/') || p.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(p);
}

/** `dir/name` as written (no normalising of `..`), `name` alone when absolute or without a directory. */
function joinPath(dir: string | undefined, name: string): string {
  if (dir === undefined || dir === '' || isAbsolute(name)) return name;
  return dir.endsWith('/') || dir.endsWith('\\') ? `${dir}${name}` : `${dir}/${name}`;
}

interface Header {
  readonly version: number;
  readonly minInstLength: number;
  readonly maxOpsPerInst: number;
  readonly defaultIsStmt: boolean;
  readonly lineBase: number;
  readonly lineRange: number;
  readonly opcodeBase: number;
  /** standardOpcodeLengths[i] is the operand count of opcode i + 1. */
  readonly standardOpcodeLengths: readonly number[];
  readonly directories: string[];
  readonly files: { path: string; dir: number }[];
}

function readHeader(s: SectionReader, unitStart: number, unitEnd: number, strings: Strings): { header: Header; programStart: number } {
  const { r } = s;
  r.end = unitEnd;
  r.endMessage = `the line table at ${unitStart} ends inside its header`;
  const versionAt = r.offset;
  const version = s.fixed(2);
  if (version < 2 || version > 5) s.unsupported(`line table version ${version}: this reader reads versions 2 to 5`, versionAt);
  if (version >= 5) {
    const addressSize = r.u8();
    if (addressSize !== 4 && addressSize !== 8) s.malformed(`address_size ${addressSize}: a WebAssembly module's is 4 (wasm32) or 8 (wasm64)`, r.offset - 1);
    const segmentSize = r.u8();
    if (segmentSize !== 0) s.unsupported(`segment_selector_size ${segmentSize}: WebAssembly has no segments`, r.offset - 1);
  }
  const headerLengthAt = r.offset;
  const headerLength = s.fixed(4);
  const programStart = r.pos + headerLength;
  if (headerLength > unitEnd - r.pos) s.malformed(`header_length ${headerLength} runs past the unit's end (byte ${unitEnd})`, headerLengthAt);
  // The header's fields stay inside header_length; the program starts where it says, whatever padding follows.
  r.end = programStart;
  r.endMessage = `the header of the line table at ${unitStart} runs past its header_length (ends at byte ${programStart})`;
  const minInstLength = r.u8();
  const maxOpsPerInst = version >= 4 ? r.u8() : 1;
  if (maxOpsPerInst === 0) s.malformed('maximum_operations_per_instruction is 0', r.offset - 1);
  const defaultIsStmt = r.u8() !== 0;
  const lineBase = (r.u8() << 24) >> 24;
  const lineRange = r.u8();
  if (lineRange === 0) s.malformed('line_range is 0 (special opcodes divide by it)', r.offset - 1);
  const opcodeBase = r.u8();
  if (opcodeBase === 0) s.malformed('opcode_base is 0', r.offset - 1);
  const standardOpcodeLengths = Array.from(r.bytes(opcodeBase - 1));
  const directories: string[] = [];
  let files: { path: string; dir: number }[] = [];
  if (version >= 5) {
    const dirFormats = readFormats(s, 'directory');
    directories.push(...readEntries(s, dirFormats, strings, 'directory').map((d) => d.path));
    const fileFormats = readFormats(s, 'file name');
    files = readEntries(s, fileFormats, strings, 'file name');
  } else {
    // include_directories then file_names, each list ended by an empty entry; each entry consumes bytes.
    while (s.peek() !== 0) directories.push(s.cstring());
    r.u8();
    while (s.peek() !== 0) files.push(readFileEntry(s));
    r.u8();
  }
  return {
    header: { version, minInstLength, maxOpsPerInst, defaultIsStmt, lineBase, lineRange, opcodeBase, standardOpcodeLengths, directories, files },
    programStart,
  };
}

/** A DWARF 2-4 file entry (file_names or DW_LNE_define_file): name, directory index, time, size. */
function readFileEntry(s: SectionReader): { path: string; dir: number } {
  const pathName = s.cstring();
  const dir = s.r.u32();
  s.skipLeb();
  s.skipLeb();
  return { path: pathName, dir };
}

function fileTable(header: Header): LineFile[] {
  // Before DWARF 5, directory 0 is the compilation directory (DW_AT_comp_dir, in .debug_info) and
  // the list starts at 1; in DWARF 5 the list holds it as entry 0.
  const dirOf = (index: number): string | undefined => (header.version >= 5 ? header.directories[index] : index === 0 ? undefined : header.directories[index - 1]);
  return header.files.map((f) => ({ path: joinPath(dirOf(f.dir), f.path) }));
}

interface State {
  address: number;
  opIndex: number;
  file: number;
  line: number;
  column: number;
  isStmt: boolean;
}

function initialState(header: Header): State {
  return { address: 0, opIndex: 0, file: 1, line: 1, column: 0, isStmt: header.defaultIsStmt };
}

/** Runs one unit's line-number program, handing each row to `emit`; the file table grows with DW_LNE_define_file. */
function runProgram(s: SectionReader, header: Header, unitStart: number, unitEnd: number, files: LineFile[], emit: (row: LineRow) => void): void {
  const { r } = s;
  r.end = unitEnd;
  r.endMessage = `the line program of the table at ${unitStart} ends inside an opcode (unit ends at byte ${unitEnd})`;
  let st = initialState(header);
  let open = false;
  const advance = (operationAdvance: number): void => {
    if (header.maxOpsPerInst === 1) {
      st.address += header.minInstLength * operationAdvance;
    } else {
      const ops = st.opIndex + operationAdvance;
      st.address += header.minInstLength * Math.floor(ops / header.maxOpsPerInst);
      st.opIndex = ops % header.maxOpsPerInst;
    }
  };
  // wasm-ld moves the code of a function it dropped to the tombstone address (all ones): such a
  // sequence describes no code of the module and gives no rows, as llvm-dwarfdump reads it.
  let tombstoned = false;
  const row = (endSequence: boolean): void => {
    if (!tombstoned) emit({ address: st.address, file: st.file, line: st.line, column: st.column, isStmt: st.isStmt, endSequence });
    open = !endSequence;
  };
  while (r.pos < unitEnd) {
    const opAt = r.offset;
    const opcode = r.u8();
    if (opcode >= header.opcodeBase) {
      const adjusted = opcode - header.opcodeBase;
      advance(Math.floor(adjusted / header.lineRange));
      st.line += header.lineBase + (adjusted % header.lineRange);
      row(false);
    } else if (opcode === 0) {
      const lengthAt = r.offset;
      const length = r.u32();
      if (length === 0) s.malformed('extended opcode with length 0', lengthAt);
      if (length > unitEnd - r.pos) s.malformed(`extended opcode of ${length} bytes runs past the unit's end (byte ${unitEnd})`, lengthAt);
      const end = r.pos + length;
      const saved = r.end;
      r.end = end;
      r.endMessage = `extended opcode at ${opAt} needs more than its ${length} bytes`;
      const sub = r.u8();
      if (sub === DW_LNE_end_sequence) {
        row(true);
        st = initialState(header);
        tombstoned = false;
      } else if (sub === DW_LNE_set_address) {
        const size = end - r.pos;
        if (size !== 4 && size !== 8) s.malformed(`DW_LNE_set_address with a ${size}-byte address (4 or 8 in WebAssembly)`, r.offset);
        tombstoned = r.buf.subarray(r.pos, end).every((b) => b === 0xff);
        if (tombstoned) r.pos = end;
        else st.address = s.fixed(size);
        st.opIndex = 0;
      } else if (sub === DW_LNE_define_file && header.version <= 4) {
        const entry = readFileEntry(s);
        files.push({ path: joinPath(entry.dir === 0 ? undefined : header.directories[entry.dir - 1], entry.path) });
      } else if (sub === DW_LNE_set_discriminator) {
        s.skipLeb();
      }
      // Unknown extended opcodes (vendor ones included) are skipped by their length.
      r.end = saved;
      r.endMessage = `the line program of the table at ${unitStart} ends inside an opcode (unit ends at byte ${unitEnd})`;
      r.pos = end;
    } else {
      switch (opcode) {
        case DW_LNS_copy:
          row(false);
          break;
        case DW_LNS_advance_pc:
          advance(r.u32());
          break;
        case DW_LNS_advance_line:
          st.line += r.s32();
          break;
        case DW_LNS_set_file:
          st.file = r.u32();
          break;
        case DW_LNS_set_column:
          st.column = r.u32();
          break;
        case DW_LNS_negate_stmt:
          st.isStmt = !st.isStmt;
          break;
        case DW_LNS_set_basic_block:
        case DW_LNS_set_prologue_end:
        case DW_LNS_set_epilogue_begin:
          break;
        case DW_LNS_const_add_pc:
          advance(Math.floor((255 - header.opcodeBase) / header.lineRange));
          break;
        case DW_LNS_fixed_advance_pc:
          st.address += s.fixed(2);
          st.opIndex = 0;
          break;
        case DW_LNS_set_isa:
          r.u32();
          break;
        default: {
          // A standard opcode this reader does not know: its operand count is in the header.
          const operands = header.standardOpcodeLengths[opcode - 1] ?? 0;
          for (let i = 0; i < operands; i += 1) s.skipLeb();
        }
      }
    }
  }
  if (open) s.malformed(`the line program of the table at ${unitStart} ends without DW_LNE_end_sequence (its last sequence is unterminated)`, unitEnd);
}

/**
 * Every line-number program of `.debug_line`, in section order, each with its rows. Throws a
 * DwarfError for the first unit that is truncated, malformed or of an unsupported kind.
 */
export function decodeDebugLine(input: DebugLineInput): LineUnit[] {
  const units: LineUnit[] = [];
  walkDebugLine(input, (unit) => {
    const rows: LineRow[] = [];
    units.push({ ...unit, rows });
    return (row) => rows.push(row);
  });
  return units;
}

/**
 * Runs each unit's program, calling `onUnit` with the unit's header facts and `onRow` (what it
 * returns) with each row: lookups need not keep every row of a large section.
 */
export function walkDebugLine(input: DebugLineInput, onUnit: (unit: Omit<LineUnit, 'rows'>) => (row: LineRow) => void): void {
  const s = new SectionReader('.debug_line', input.line, input.file);
  const { r } = s;
  const size = input.line.bytes.length;
  while (r.pos < size) {
    const unitStart = r.pos;
    r.end = size;
    r.endMessage = `the unit_length of the line table at ${unitStart} runs past the end of the section`;
    const length = s.fixed(4);
    if (length === DWARF64_MARK) s.unsupported('64-bit DWARF (unit_length 0xffffffff): this reader reads 32-bit DWARF', unitStart);
    if (length >= RESERVED_LENGTH) s.malformed(`unit_length 0x${length.toString(16)} is a reserved value`, unitStart);
    if (length > size - r.pos) s.malformed(`the line table at ${unitStart} says it is ${length} bytes; the section has ${size - r.pos} left`, unitStart);
    const unitEnd = r.pos + length;
    const { header, programStart } = readHeader(s, unitStart, unitEnd, input);
    r.pos = programStart;
    const files = fileTable(header);
    const emit = onUnit({ offset: unitStart, version: header.version, files, fileBase: header.version >= 5 ? 0 : 1 });
    runProgram(s, header, unitStart, unitEnd, files, emit);
    r.pos = unitEnd;
  }
}

/**
 * The source of each address: in every sequence, the row with the greatest address <= pc whose
 * next row (the end_sequence row included) lies beyond pc. An address no sequence covers, or
 * whose row says line 0, has no location. The first unit that covers an address answers it.
 */
export function lookupLines(input: DebugLineInput, addresses: readonly number[]): (SourceLocation | undefined)[] {
  const found: (SourceLocation | undefined)[] = addresses.map(() => undefined);
  walkDebugLine(input, (unit) => {
    let previous: LineRow | undefined;
    return (row) => {
      const prev = previous;
      previous = row.endSequence ? undefined : row;
      if (prev === undefined || row.address <= prev.address) return;
      addresses.forEach((pc, i) => {
        if (found[i] !== undefined || pc < prev.address || pc >= row.address) return;
        const file = unit.files[prev.file - unit.fileBase];
        if (prev.line === 0 || file === undefined) return;
        found[i] = { file: file.path, line: prev.line, ...(prev.column === 0 ? {} : { column: prev.column }) };
      });
    };
  });
  return found;
}

/** What a module carries for source lines: its DWARF line sections and where the Code payload starts. */
export interface ModuleDebugLines extends DebugLineInput {
  /** The module-file offset of the Code section's payload: DWARF address 0. */
  readonly codePayloadStart: number;
}

/**
 * The module's .debug_line (with .debug_str and .debug_line_str when present) and its Code
 * section's payload start, or null when it has no .debug_line or no Code section. The last section
 * of a name wins, as customSectionPayload reads them.
 */
export function moduleDebugLines(module: Uint8Array, file?: string): ModuleDebugLines | null {
  let code: number | undefined;
  const found = new Map<string, DwarfSection>();
  for (const span of moduleSections(module, file)) {
    if (span.id === 10) code = span.payloadStart;
    if (span.customName === '.debug_line' || span.customName === '.debug_str' || span.customName === '.debug_line_str') {
      found.set(span.customName, { bytes: module.subarray(span.payloadStart, span.end), fileOffset: span.payloadStart });
    }
  }
  const line = found.get('.debug_line');
  if (line === undefined || code === undefined) return null;
  const str = found.get('.debug_str');
  const lineStr = found.get('.debug_line_str');
  return { line, codePayloadStart: code, ...(str === undefined ? {} : { str }), ...(lineStr === undefined ? {} : { lineStr }), ...(file === undefined ? {} : { file }) };
}

/** The DWARF address of a module-file offset: its offset into the Code section's payload (undefined before it). */
export function dwarfAddressOf(fileOffset: number, codePayloadStart: number): number | undefined {
  return fileOffset >= codePayloadStart ? fileOffset - codePayloadStart : undefined;
}
