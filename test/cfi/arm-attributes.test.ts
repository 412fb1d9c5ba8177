import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WrtError } from '../../ts/core/errors.js';
import { type ArmAttributes, armTagName, attributeKind, readArmAttributes } from '../../ts/cfi/arm-attributes.js';
import { EM_ARM, EM_X86_64, parseElf, SHT_ARM_ATTRIBUTES } from '../../ts/cfi/elf.js';
import { analyzeElf } from '../../ts/cfi/file-report.js';
import { buildElf, type Endian, words } from './elf-builder.js';
import { FREESTANDING_C, readelfArmAttributes, run, Scratch } from './toolchain.js';

/** readelf's wording for the values the tests meet, mapped to the numbers of the ABI addenda. */
const READELF_VALUES: Record<string, Record<string, number>> = {
  Tag_CPU_arch: { 'v7E-M': 13, 'v8.1-M.mainline': 21 },
  Tag_CPU_arch_profile: { Microcontroller: 0x4d, Application: 0x41 },
  Tag_PAC_extension: {
    'No PAC/AUT instructions': 0,
    'PAC/AUT instructions permitted in the NOP space': 1,
    'PAC/AUT instructions permitted in the NOP and in the non-NOP space': 2,
  },
  Tag_BTI_extension: {
    'BTI instructions not permitted': 0,
    'BTI instructions permitted in the NOP space': 1,
    'BTI instructions permitted in the NOP and in the non-NOP space': 2,
  },
  Tag_BTI_use: { 'Not compiled with branch target enforcement': 0, 'Compiled with branch target enforcement': 1 },
  Tag_PACRET_use: {
    'Not compiled with return address signing and authentication': 0,
    'Compiled with return address signing and authentication': 1,
  },
};

function readelfValue(map: Map<string, string>, tag: string): number | null {
  const text = map.get(tag);
  if (text === undefined) return null;
  const value = READELF_VALUES[tag]?.[text];
  if (value === undefined) throw new Error(`test table lacks readelf's "${text}" for ${tag}`);
  return value;
}

function attributesOf(path: string): ArmAttributes | null {
  return readArmAttributes(parseElf(new Uint8Array(readFileSync(path)), path));
}

function fileScopeNames(attrs: ArmAttributes | null): string[] {
  return (attrs?.vendors ?? []).flatMap((v) => v.scopes.filter((s) => s.kind === 'file').flatMap((s) => s.attributes.map((a) => a.name)));
}

describe('.ARM.attributes of real objects, checked against arm-none-eabi-readelf -A', () => {
  const scratch = new Scratch('arm-attrs');
  beforeAll(() => {
    scratch.write('f.c', FREESTANDING_C);
    const m85 = ['--target=thumbv8.1m.main-none-eabi', '-march=armv8.1-m.main+pacbti', '-O1', '-c', 'f.c'];
    run('clang', [...m85, '-mbranch-protection=pac-ret+bti', '-o', 'm85.o'], scratch.dir);
    run('clang', [...m85, '-o', 'm85-plain.o'], scratch.dir);
    run('arm-none-eabi-gcc', ['-mcpu=cortex-m4', '-mthumb', '-O1', '-c', 'f.c', '-o', 'm4.o'], scratch.dir);
  });
  afterAll(() => scratch.dispose());

  it('clang -march=armv8.1-m.main+pacbti -mbranch-protection=pac-ret+bti: all four PACBTI tags', () => {
    const path = scratch.path('m85.o');
    const attrs = attributesOf(path);
    const readelf = readelfArmAttributes(path);
    expect(attrs?.cfi).toEqual({
      cpuArch: readelfValue(readelf, 'Tag_CPU_arch'),
      cpuArchProfile: readelfValue(readelf, 'Tag_CPU_arch_profile'),
      pacExtension: readelfValue(readelf, 'Tag_PAC_extension'),
      btiExtension: readelfValue(readelf, 'Tag_BTI_extension'),
      btiUse: readelfValue(readelf, 'Tag_BTI_use'),
      pacretUse: readelfValue(readelf, 'Tag_PACRET_use'),
    });
    expect(attrs?.cfi).toEqual({ cpuArch: 21, cpuArchProfile: 0x4d, pacExtension: 2, btiExtension: 2, btiUse: 1, pacretUse: 1 });
    // Every attribute walked, in order, with readelf's names: a mis-sized value would derail the walk.
    expect(fileScopeNames(attrs)).toEqual([...readelf.keys()]);
    const conformance = attrs?.vendors[0]?.scopes[0]?.attributes.find((a) => a.name === 'Tag_conformance');
    expect(conformance?.value).toEqual({ kind: 'string', value: readelf.get('Tag_conformance')?.replace(/"/g, '') });

    const report = analyzeElf(new Uint8Array(readFileSync(path)), 'm85.o');
    expect(report.marks.map((m) => [m.feature, m.state])).toEqual([
      ['bti', 'present'],
      ['pac', 'present'],
    ]);
  });

  it('the same architecture without -mbranch-protection: extensions permitted, not used', () => {
    const path = scratch.path('m85-plain.o');
    const attrs = attributesOf(path);
    const readelf = readelfArmAttributes(path);
    expect(readelf.has('Tag_BTI_use')).toBe(false);
    expect(attrs?.cfi).toEqual({ cpuArch: 21, cpuArchProfile: 0x4d, pacExtension: 2, btiExtension: 2, btiUse: null, pacretUse: null });
    const report = analyzeElf(new Uint8Array(readFileSync(path)), 'm85-plain.o');
    expect(report.marks.map((m) => [m.feature, m.state])).toEqual([
      ['bti', 'absent'],
      ['pac', 'absent'],
    ]);
  });

  it('arm-none-eabi-gcc -mcpu=cortex-m4: no PAC/BTI tags, and PACBTI is unavailable on v7E-M', () => {
    const path = scratch.path('m4.o');
    const attrs = attributesOf(path);
    const readelf = readelfArmAttributes(path);
    expect(attrs?.cfi).toEqual({ cpuArch: 13, cpuArchProfile: 0x4d, pacExtension: null, btiExtension: null, btiUse: null, pacretUse: null });
    expect(readelfValue(readelf, 'Tag_CPU_arch')).toBe(13);
    expect(fileScopeNames(attrs)).toEqual([...readelf.keys()]);
    const cpuName = attrs?.vendors[0]?.scopes[0]?.attributes.find((a) => a.name === 'Tag_CPU_name');
    expect(cpuName?.value).toEqual({ kind: 'string', value: '7E-M' });
    const report = analyzeElf(new Uint8Array(readFileSync(path)), 'm4.o');
    expect(report.marks.map((m) => [m.feature, m.state])).toEqual([
      ['bti', 'unavailable'],
      ['pac', 'unavailable'],
    ]);
  });
});

// --- crafted sections -------------------------------------------------------------------------

function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v > 0) byte |= 0x80;
    out.push(byte);
  } while (v > 0);
  return out;
}

function ntbs(text: string): number[] {
  return [...Buffer.from(text, 'latin1'), 0];
}

function scope(endianness: Endian, tag: number, body: readonly number[]): number[] {
  const head = uleb(tag);
  return [...head, ...words(endianness, [[4, head.length + 4 + body.length]]), ...body];
}

function subsection(endianness: Endian, vendor: string, body: readonly number[]): number[] {
  const name = ntbs(vendor);
  return [...words(endianness, [[4, 4 + name.length + body.length]]), ...name, ...body];
}

function armElf(endianness: Endian, section: readonly number[], machine = EM_ARM): Uint8Array {
  return buildElf({
    elfClass: 32,
    endianness,
    machine,
    type: 1,
    sections: [{ name: '.ARM.attributes', type: SHT_ARM_ATTRIBUTES, align: 1, data: Uint8Array.from(section) }],
  });
}

function expectMalformed(bytes: Uint8Array, location: Record<string, unknown>): void {
  let caught: unknown;
  try {
    readArmAttributes(parseElf(bytes, 'attrs'));
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(WrtError);
  expect((caught as WrtError).code).toBe('ELF_MALFORMED');
  expect((caught as WrtError).location).toMatchObject(location);
}

describe('crafted .ARM.attributes', () => {
  it('value kinds follow the ABI rule: strings for 4, 5, 67 and odd tags above 32, int+string for 32', () => {
    expect([4, 5, 6, 7, 31, 32, 34, 65, 67, 74, 76, 99, 100].map(attributeKind)).toEqual([
      'string',
      'string',
      'int',
      'int',
      'int',
      'int+string',
      'int',
      'string',
      'string',
      'int',
      'int',
      'string',
      'int',
    ]);
  });

  it.each(['little', 'big'] as const)('walks file, section and symbol scopes, unknown tags and a second vendor (%s endian)', (endianness) => {
    const fileBody = [
      ...uleb(5),
      ...ntbs('Cortex-M85'),
      ...uleb(6),
      ...uleb(21),
      ...uleb(7),
      ...uleb(0x4d),
      ...uleb(32),
      ...uleb(1),
      ...ntbs('gnu'),
      ...uleb(99),
      ...ntbs('odd unknown tag is a string'),
      ...uleb(100),
      ...uleb(300),
      ...uleb(50),
      ...uleb(1),
      ...uleb(52),
      ...uleb(2),
      ...uleb(74),
      ...uleb(1),
      ...uleb(76),
      ...uleb(0),
    ];
    const sectionBody = [...uleb(3), ...uleb(4), 0, ...uleb(74), ...uleb(0)];
    const symbolBody = [...uleb(7), 0, ...uleb(76), ...uleb(1)];
    const aeabi = subsection(endianness, 'aeabi', [...scope(endianness, 1, fileBody), ...scope(endianness, 2, sectionBody), ...scope(endianness, 3, symbolBody)]);
    const other = subsection(endianness, 'gnu', [0xde, 0xad, 0xbe, 0xef]);
    const attrs = readArmAttributes(parseElf(armElf(endianness, [0x41, ...aeabi, ...other]), 'attrs'));
    expect(attrs?.vendors.map((v) => v.vendor)).toEqual(['aeabi', 'gnu']);
    const scopes = attrs?.vendors[0]?.scopes ?? [];
    expect(scopes.map((s) => [s.kind, s.indices])).toEqual([
      ['file', []],
      ['section', [3, 4]],
      ['symbol', [7]],
    ]);
    expect(scopes[0]?.attributes.map((a) => [a.tag, a.value])).toEqual([
      [5, { kind: 'string', value: 'Cortex-M85' }],
      [6, { kind: 'int', value: 21 }],
      [7, { kind: 'int', value: 0x4d }],
      [32, { kind: 'int+string', value: 1, text: 'gnu' }],
      [99, { kind: 'string', value: 'odd unknown tag is a string' }],
      [100, { kind: 'int', value: 300 }],
      [50, { kind: 'int', value: 1 }],
      [52, { kind: 'int', value: 2 }],
      [74, { kind: 'int', value: 1 }],
      [76, { kind: 'int', value: 0 }],
    ]);
    expect(armTagName(99)).toBe('Tag_unknown_99');
    // Only file scope counts for the file's marks; section and symbol scopes are listed, not summarised.
    expect(attrs?.cfi).toEqual({ cpuArch: 21, cpuArchProfile: 0x4d, pacExtension: 1, btiExtension: 2, btiUse: 1, pacretUse: 0 });
  });

  it('is only read for EM_ARM files', () => {
    const bytes = armElf('little', [0x41, ...subsection('little', 'aeabi', scope('little', 1, [6, 21]))], EM_X86_64);
    expect(readArmAttributes(parseElf(bytes, 'x'))).toBeNull();
  });

  it('rejects a format version other than A', () => {
    expectMalformed(armElf('little', [0x42]), { field: 'format-version', limit: "format-version 'A' (0x41)" });
  });

  it('rejects subsection and scope lengths that do not fit', () => {
    const tooLong = [0x41, ...words('little', [[4, 500]]), ...ntbs('aeabi')];
    expectMalformed(armElf('little', tooLong), { field: 'subsection length', limit: '5 <= length <= 10' });
    const tooShort = [0x41, ...words('little', [[4, 3]]), ...ntbs('aeabi')];
    expectMalformed(armElf('little', tooShort), { field: 'subsection length' });
    const badScope = [0x41, ...subsection('little', 'aeabi', [1, ...words('little', [[4, 99]]), 6, 21])];
    expectMalformed(armElf('little', badScope), { field: 'scope size', limit: '5 <= size <= 7' });
  });

  it('rejects unterminated strings and overlong or cut ULEB128 values', () => {
    expectMalformed(armElf('little', [0x41, ...subsection('little', 'aeabi', scope('little', 1, [5, 0x41, 0x42]))]), { field: 'Tag_CPU_name' });
    expectMalformed(armElf('little', [0x41, ...subsection('little', 'aeabi', scope('little', 1, [6, 0x80, 0x80]))]), { field: 'Tag_CPU_arch' });
    const overlong = [6, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01];
    expectMalformed(armElf('little', [0x41, ...subsection('little', 'aeabi', scope('little', 1, overlong))]), { field: 'Tag_CPU_arch' });
  });
});
