/**
 * The DWARF .debug_line reader (ts/wasm/dwarf-line.ts) on hand-built sections: exact rows and
 * file tables for DWARF 4 and 5, lookups, and a DwarfError (never a RangeError, never a hang)
 * naming the section and byte offset for every truncation and for the malformed headers and
 * programs a producer could write. clang's own output is checked against llvm-dwarfdump in
 * test/run/source-lines.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { WrtError } from '../../ts/core/errors.js';
import { encodeUleb } from '../../ts/wasm/leb128.js';
import { decodeDebugLine, DwarfError, dwarfAddressOf, type LineRow, lookupLines, moduleDebugLines } from '../../ts/wasm/dwarf-line.js';
import { encodeCustomSection } from '../../ts/wasm/sections.js';
import { body, module, section, u32 } from './builder.js';
import { thrown } from '../support/wrt-error.js';

// ---- a small assembler for line tables ----

function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value;
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}
const uleb = encodeUleb;
const le = (value: number, size: number): number[] => Array.from({ length: size }, (_, i) => Math.floor(value / 256 ** i) % 256);
const cstr = (text: string): number[] => [...Buffer.from(text, 'utf8'), 0];

const STD_LENGTHS = [0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1];
/** line_base, line_range, opcode_base of every table here (clang's). */
const LINE_BASE = -5;
const LINE_RANGE = 14;
const OPCODE_BASE = 13;

const op = {
  copy: [1],
  advancePc: (n: number) => [2, ...uleb(n)],
  advanceLine: (n: number) => [3, ...sleb(n)],
  setFile: (n: number) => [4, ...uleb(n)],
  setColumn: (n: number) => [5, ...uleb(n)],
  negateStmt: [6],
  constAddPc: [8],
  fixedAdvancePc: (n: number) => [9, ...le(n, 2)],
  prologueEnd: [10],
  special: (addressAdvance: number, lineAdvance: number) => [lineAdvance - LINE_BASE + LINE_RANGE * addressAdvance + OPCODE_BASE],
  extended: (sub: number, payload: readonly number[]) => [0, ...uleb(payload.length + 1), sub, ...payload],
  endSequence: [0, 1, 1],
  setAddress: (a: number) => [0, 5, 2, ...le(a, 4)],
  setDiscriminator: (n: number) => [0, ...uleb(1 + uleb(n).length), 4, ...uleb(n)],
};

/** A unit: unit_length, version, [v5: address and segment sizes], header_length, the header's fields, the program. */
function unit(version: number, fields: readonly number[], program: readonly number[]): number[] {
  const common = [1, ...(version >= 4 ? [1] : []), 1, LINE_BASE & 0xff, LINE_RANGE, OPCODE_BASE, ...STD_LENGTHS];
  const header = [...common, ...fields];
  const afterLength = [...le(version, 2), ...(version >= 5 ? [4, 0] : []), ...le(header.length, 4), ...header, ...program];
  return [...le(afterLength.length, 4), ...afterLength];
}

/** DWARF 2-4 include_directories and file_names. */
function v4Tables(dirs: readonly string[], files: readonly (readonly [string, number])[]): number[] {
  return [...dirs.flatMap(cstr), 0, ...files.flatMap(([name, dir]) => [...cstr(name), ...uleb(dir), 0, 0]), 0];
}

const V4_PROGRAM = [
  ...op.setAddress(0x10),
  ...op.advanceLine(2),
  ...op.setColumn(5),
  ...op.copy, // 0x10 a.c 3:5
  ...op.special(3, 1), // 0x13 a.c 4:5
  ...op.setFile(2),
  ...op.constAddPc, // +17
  ...op.fixedAdvancePc(0x100),
  ...op.negateStmt,
  ...op.prologueEnd,
  ...op.copy, // 0x124 b.h 4:5, not a statement
  ...op.advancePc(4),
  ...op.setDiscriminator(3),
  ...op.endSequence, // 0x128
  ...op.setAddress(0x200),
  ...op.extended(0x80, [1, 2, 3]), // a vendor opcode, skipped by its length
  ...op.advanceLine(-1),
  ...op.copy, // 0x200 line 0
  ...op.extended(3, [...cstr('late.c'), 1, 0, 0]), // DW_LNE_define_file: file 3
  ...op.setFile(3),
  ...op.advanceLine(7),
  ...op.special(2, 0), // 0x202 late.c 7:5
  ...op.advancePc(2),
  ...op.endSequence, // 0x204
];
const V4 = Uint8Array.from(unit(4, v4Tables(['src', 'inc/sys'], [['a.c', 1], ['/abs/b.h', 2]]), V4_PROGRAM));

const row = (address: number, file: number, line: number, column: number, isStmt = true, endSequence = false): LineRow => ({ address, file, line, column, isStmt, endSequence });

/** .debug_line_str of the DWARF 5 table: "/work" at 0, "inc" at 6, "main.c" at 10. */
const LINE_STR = Uint8Array.from([...cstr('/work'), ...cstr('inc'), ...cstr('main.c')]);
/** .debug_str: "other.c" at 0. */
const STR = Uint8Array.from(cstr('other.c'));

const DW_LNCT = { path: 1, dir: 2, timestamp: 3, size: 4, md5: 5 };
const DW_FORM = { string: 0x08, block: 0x09, data1: 0x0b, data2: 0x05, data4: 0x06, data16: 0x1e, strp: 0x0e, udata: 0x0f, line_strp: 0x1f, strx1: 0x25 };

function v5Tables(): number[] {
  return [
    1, ...uleb(DW_LNCT.path), ...uleb(DW_FORM.line_strp),
    2, ...le(0, 4), ...le(6, 4), // directories: "/work", "inc"
    3, DW_LNCT.path, DW_FORM.line_strp, DW_LNCT.dir, DW_FORM.udata, DW_LNCT.md5, DW_FORM.data16,
    2,
    ...le(10, 4), 0, ...Array(16).fill(0xaa), // main.c in /work
    ...le(10, 4), 1, ...Array(16).fill(0xbb), // main.c in inc
  ];
}

/** A second DWARF 5 unit: strp, inline strings, data2 directory index, an MD5 as a block, udata time, data4 size. */
function v5OtherForms(): number[] {
  return [
    1, DW_LNCT.path, DW_FORM.string,
    1, ...cstr('build'),
    5, DW_LNCT.path, DW_FORM.strp, DW_LNCT.dir, DW_FORM.data2, DW_LNCT.md5, DW_FORM.block, DW_LNCT.timestamp, DW_FORM.udata, DW_LNCT.size, DW_FORM.data4,
    1, ...le(0, 4), ...le(0, 2), 16, ...Array(16).fill(0xcc), ...uleb(2 ** 40 + 5) /* a timestamp wider than 32 bits */, ...le(1234, 4),
  ];
}

const V5_PROGRAM = [
  ...op.setAddress(0x40),
  ...op.setFile(0),
  ...op.advanceLine(9),
  ...op.copy, // 0x40 file 0 10:0
  ...op.special(2, 2), // 0x42 file 0 12:0
  ...op.setFile(1),
  ...op.setColumn(7),
  ...op.advancePc(5),
  ...op.copy, // 0x47 file 1 12:7
  ...op.advancePc(1),
  ...op.endSequence, // 0x48
];
const V5_OTHER_PROGRAM = [...op.setAddress(0x90), ...op.setFile(0), ...op.copy, ...op.advancePc(3), ...op.endSequence];
const V5 = Uint8Array.from([...unit(5, v5Tables(), V5_PROGRAM), ...unit(5, v5OtherForms(), V5_OTHER_PROGRAM)]);
const V5_INPUT = { line: { bytes: V5 }, lineStr: { bytes: LINE_STR }, str: { bytes: STR } };

describe('.debug_line, DWARF 4', () => {
  it('runs the program: standard, extended and special opcodes give these rows exactly', () => {
    const [u, ...rest] = decodeDebugLine({ line: { bytes: V4 } });
    expect(rest).toEqual([]);
    expect(u?.version).toBe(4);
    expect(u?.fileBase).toBe(1);
    expect(u?.files.map((f) => f.path)).toEqual(['src/a.c', '/abs/b.h', 'src/late.c']);
    expect(u?.rows).toEqual([
      row(0x10, 1, 3, 5),
      row(0x13, 1, 4, 5),
      row(0x124, 2, 4, 5, false),
      row(0x128, 2, 4, 5, false, true),
      row(0x200, 1, 0, 0),
      row(0x202, 3, 7, 0),
      row(0x204, 3, 7, 0, true, true),
    ]);
  });

  it('looks up the row with the greatest address <= pc inside a sequence, and nothing past its end or on line 0', () => {
    const at = lookupLines({ line: { bytes: V4 } }, [0x0f, 0x10, 0x12, 0x13, 0x123, 0x127, 0x128, 0x200, 0x203, 0x204]);
    expect(at).toEqual([
      undefined,
      { file: 'src/a.c', line: 3, column: 5 },
      { file: 'src/a.c', line: 3, column: 5 },
      { file: 'src/a.c', line: 4, column: 5 },
      { file: 'src/a.c', line: 4, column: 5 },
      { file: '/abs/b.h', line: 4, column: 5 },
      undefined,
      undefined,
      { file: 'src/late.c', line: 7 },
      undefined,
    ]);
  });

  it('gives no rows for a sequence wasm-ld moved to the tombstone address (a dropped function)', () => {
    const program = [...op.setAddress(0xffffffff), ...op.copy, ...op.advancePc(4), ...op.endSequence, ...op.setAddress(8), ...op.copy, ...op.advancePc(1), ...op.endSequence];
    const bytes = Uint8Array.from(unit(4, v4Tables([], [['x.c', 0]]), program));
    expect(decodeDebugLine({ line: { bytes } })[0]?.rows).toEqual([row(8, 1, 1, 0), row(9, 1, 1, 0, true, true)]);
    const wide = Uint8Array.from(unit(4, v4Tables([], [['x.c', 0]]), [0, 9, 2, ...Array(8).fill(0xff), ...op.copy, ...op.endSequence]));
    expect(decodeDebugLine({ line: { bytes: wide } })[0]?.rows).toEqual([]);
  });

  it('reads DWARF 2 and 3 headers (no maximum_operations_per_instruction)', () => {
    for (const version of [2, 3]) {
      const bytes = Uint8Array.from(unit(version, v4Tables([], [['x.c', 0]]), [...op.setAddress(4), ...op.copy, ...op.advancePc(2), ...op.endSequence]));
      expect(decodeDebugLine({ line: { bytes } })).toEqual([{ offset: 0, version, fileBase: 1, files: [{ path: 'x.c' }], rows: [row(4, 1, 1, 0), row(6, 1, 1, 0, true, true)] }]);
    }
  });
});

describe('.debug_line, DWARF 5', () => {
  it('reads directory and file entry formats (line_strp, strp, string, udata, data2, data4, data16, block) and 0-based files', () => {
    const units = decodeDebugLine(V5_INPUT);
    expect(units.map((u) => [u.version, u.fileBase, u.files.map((f) => f.path)])).toEqual([
      [5, 0, ['/work/main.c', 'inc/main.c']],
      [5, 0, ['build/other.c']],
    ]);
    expect(units[0]?.offset).toBe(0);
    expect(units[1]?.offset).toBe(unit(5, v5Tables(), V5_PROGRAM).length);
    expect(units[0]?.rows).toEqual([row(0x40, 0, 10, 0), row(0x42, 0, 12, 0), row(0x47, 1, 12, 7), row(0x48, 1, 12, 7, true, true)]);
    expect(units[1]?.rows).toEqual([row(0x90, 0, 1, 0), row(0x93, 0, 1, 0, true, true)]);
  });

  it('looks up across units', () => {
    expect(lookupLines(V5_INPUT, [0x41, 0x47, 0x48, 0x92])).toEqual([
      { file: '/work/main.c', line: 10 },
      { file: 'inc/main.c', line: 12, column: 7 },
      undefined,
      { file: 'build/other.c', line: 1 },
    ]);
  });
});

function dwarfError(fn: () => unknown): DwarfError {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(DwarfError);
  return error as DwarfError;
}

describe('malformed .debug_line', () => {
  it('every truncation of a section is a DwarfError naming .debug_line, never a RangeError', () => {
    // V5 holds two units: the prefix that is exactly its first unit is a whole section.
    const boundary = unit(5, v5Tables(), V5_PROGRAM).length;
    for (const bytes of [V4, V5]) {
      for (let n = 1; n < bytes.length; n += 1) {
        if (bytes === V5 && n === boundary) continue;
        const error = dwarfError(() => decodeDebugLine({ ...V5_INPUT, line: { bytes: bytes.subarray(0, n) } }));
        expect(error.code).toBe('DWARF_MALFORMED');
        expect(error.section).toBe('.debug_line');
      }
    }
  });

  it('a truncated header inside a consistent unit names where the header ends', () => {
    // header_length says 4 bytes: the header's fields run past it.
    const bytes = Uint8Array.from([...le(10, 4), ...le(4, 2), ...le(4, 4), 1, 1, 1, 0xfb]);
    const error = dwarfError(() => decodeDebugLine({ line: { bytes, fileOffset: 0x300 } }));
    expect(error.code).toBe('DWARF_MALFORMED');
    expect(error.message).toMatch(/runs past its header_length \(ends at byte 14\)/);
    expect(error.sectionOffset).toBe(14);
    expect(error.location).toMatchObject({ offset: 0x300 + 14, field: '.debug_line byte 14 (0xe)' });
  });

  it('a version outside 2-5 and 64-bit DWARF are DWARF_UNSUPPORTED at their byte', () => {
    for (const version of [1, 6]) {
      const bytes = Uint8Array.from(unit(version === 1 ? 4 : 5, version === 1 ? v4Tables([], []) : v5Tables(), op.endSequence));
      bytes.set(le(version, 2), 4);
      const error = dwarfError(() => decodeDebugLine({ ...V5_INPUT, line: { bytes } }));
      expect([error.code, error.sectionOffset, error.message]).toEqual(['DWARF_UNSUPPORTED', 4, `line table version ${version}: this reader reads versions 2 to 5`]);
    }
    const error = dwarfError(() => decodeDebugLine({ line: { bytes: Uint8Array.from([0xff, 0xff, 0xff, 0xff, ...le(40, 8)]) } }));
    expect([error.code, error.sectionOffset]).toEqual(['DWARF_UNSUPPORTED', 0]);
  });

  it('a program without a final DW_LNE_end_sequence is unterminated', () => {
    const program = V4_PROGRAM.slice(0, -3);
    const bytes = Uint8Array.from(unit(4, v4Tables(['src'], [['a.c', 1]]), program));
    const error = dwarfError(() => decodeDebugLine({ line: { bytes } }));
    expect(error.code).toBe('DWARF_MALFORMED');
    expect(error.message).toMatch(/ends without DW_LNE_end_sequence/);
    expect(error.sectionOffset).toBe(bytes.length);
  });

  it('an extended opcode longer than its unit, line_range 0 and a string offset past .debug_line_str are malformed', () => {
    const long = Uint8Array.from(unit(4, v4Tables([], []), [0, ...uleb(50), 2, 0, 0, 0, 0]));
    expect(dwarfError(() => decodeDebugLine({ line: { bytes: long } })).message).toMatch(/extended opcode of 50 bytes runs past the unit's end/);
    const zeroRange = Uint8Array.from(unit(4, v4Tables([], []), op.endSequence));
    zeroRange[4 + 2 + 4 + 4] = 0; // line_range
    expect(dwarfError(() => decodeDebugLine({ line: { bytes: zeroRange } })).message).toMatch(/line_range is 0/);
    const shortStr = dwarfError(() => decodeDebugLine({ ...V5_INPUT, lineStr: { bytes: LINE_STR.subarray(0, 8), fileOffset: 0x500 } }));
    expect([shortStr.code, shortStr.section]).toEqual(['DWARF_MALFORMED', '.debug_line_str']);
    const noStr = dwarfError(() => decodeDebugLine({ line: { bytes: V5 } }));
    expect(noStr.message).toMatch(/points into \.debug_line_str, which the module does not have/);
  });

  it('DW_FORM_strx (needs .debug_info) is DWARF_UNSUPPORTED', () => {
    const fields = [1, DW_LNCT.path, DW_FORM.strx1, 1, 0, 1, DW_LNCT.path, DW_FORM.string, 1, ...cstr('a.c')];
    const error = dwarfError(() => decodeDebugLine({ line: { bytes: Uint8Array.from(unit(5, fields, op.endSequence)) } }));
    expect(error.code).toBe('DWARF_UNSUPPORTED');
    expect(error.message).toMatch(/DW_FORM_strx/);
  });

  it('no byte of a table, set to any of a few values, makes the reader throw anything but a WrtError or loop', () => {
    for (const bytes of [V4, V5]) {
      for (let i = 0; i < bytes.length; i += 1) {
        for (const value of [0x00, 0x01, 0x7f, 0x80, 0xff]) {
          const mutated = Uint8Array.from(bytes);
          mutated[i] = value;
          try {
            lookupLines({ ...V5_INPUT, line: { bytes: mutated } }, [0x10, 0x40, 0x13]);
          } catch (error) {
            expect(error).toBeInstanceOf(WrtError);
          }
        }
      }
    }
  });
});

describe('a module\'s DWARF', () => {
  it('finds .debug_line and the strings beside the Code section, whose payload start is DWARF address 0', () => {
    const code = section(10, [...u32(1), ...body([], [0x00])]);
    const bytes = module(code, [...encodeCustomSection('.debug_line', V5)], [...encodeCustomSection('.debug_line_str', LINE_STR)], [...encodeCustomSection('.debug_str', STR)]);
    const debug = moduleDebugLines(bytes, 'm.wasm');
    // Header (8), then the Code section's id and one-byte size.
    expect(debug?.codePayloadStart).toBe(10);
    expect(debug?.line.bytes).toEqual(V5);
    expect(dwarfAddressOf(10 + 0x47, 10)).toBe(0x47);
    expect(dwarfAddressOf(9, 10)).toBeUndefined();
    if (debug === null) return;
    expect(lookupLines(debug, [0x47])).toEqual([{ file: 'inc/main.c', line: 12, column: 7 }]);
    expect(moduleDebugLines(module(code), 'm.wasm')).toBeNull();
  });
});
