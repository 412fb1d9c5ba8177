import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EM_386, EM_AARCH64, EM_X86_64, parseElf, PT_GNU_PROPERTY, PT_NOTE, SHT_NOTE } from '../../ts/cfi/elf.js';
import {
  GNU_PROPERTY_AARCH64_FEATURE_1_AND,
  GNU_PROPERTY_X86_FEATURE_1_AND,
  NT_GNU_PROPERTY_TYPE_0,
  readGnuProperties,
} from '../../ts/cfi/gnu-property.js';
import { buildElf, note, properties, u32, words } from './elf-builder.js';
import { FREESTANDING_C, HELLO_C, readelfFeatureNames, readelfProperties, run, Scratch } from './toolchain.js';
import { expectWrtError } from '../support/wrt-error.js';

function readBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

function marksOfFile(path: string): ReturnType<typeof readGnuProperties> {
  return readGnuProperties(parseElf(readBytes(path), path));
}

/** Our marks as readelf would list them ("IBT", "SHSTK", "BTI", "PAC", "GCS"), sorted. */
function markNames(report: ReturnType<typeof readGnuProperties>): string[] {
  const m = report.marks;
  if (m === null) return [];
  const names = m.kind === 'x86' ? [m.ibt && 'IBT', m.shstk && 'SHSTK'] : [m.bti && 'BTI', m.pac && 'PAC', m.gcs && 'GCS'];
  return names.filter((n): n is string => typeof n === 'string').sort();
}

describe('x86-64 executables built by gcc 12 on Debian', () => {
  const scratch = new Scratch('gcc-cet');
  beforeAll(() => {
    scratch.write('hello.c', HELLO_C);
    const build = (out: string, flags: string[]): void => void run('gcc', ['-O1', ...flags, '-o', out, 'hello.c'], scratch.dir);
    build('full', ['-fcf-protection=full', '-Wl,-z,ibt', '-Wl,-z,shstk']);
    build('fcf-only', ['-fcf-protection=full']);
    build('z-only', ['-fcf-protection=none', '-Wl,-z,ibt', '-Wl,-z,shstk']);
    build('none', ['-fcf-protection=none']);
    run('gcc', ['-O1', '-fcf-protection=full', '-c', '-o', 'hello.o', 'hello.c'], scratch.dir);
  });
  afterAll(() => scratch.dispose());

  it('-fcf-protection=full -z ibt -z shstk: IBT and SHSTK from PT_GNU_PROPERTY', () => {
    const report = marksOfFile(scratch.path('full'));
    expect(report.source).toBe('PT_GNU_PROPERTY');
    expect(report.marks).toEqual({ kind: 'x86', ibt: true, shstk: true, raw: 3 });
    expect(report.notes[0]?.properties.map((p) => p.name)).toEqual(['GNU_PROPERTY_X86_FEATURE_1_AND', 'GNU_PROPERTY_X86_ISA_1_NEEDED']);
    expect(markNames(report)).toEqual(readelfFeatureNames(scratch.path('full')));
  });

  it('-fcf-protection=full without the -z flags: no marks, because the distribution crt files lack them', () => {
    const report = marksOfFile(scratch.path('fcf-only'));
    expect(report.source).toBe('PT_GNU_PROPERTY');
    expect(report.marks).toEqual({ kind: 'x86', ibt: false, shstk: false, raw: null });
    expect(report.notes[0]?.properties.map((p) => p.name)).toEqual(['GNU_PROPERTY_X86_ISA_1_NEEDED']);
    expect(readelfFeatureNames(scratch.path('fcf-only'))).toEqual([]);
  });

  it('the -z flags force the marks even on code built without -fcf-protection', () => {
    // ld sets the property the flags ask for whatever the inputs say; the mark then promises
    // ENDBR landing pads the code does not have. cfi-report reports the mark as the loader sees it.
    const report = marksOfFile(scratch.path('z-only'));
    expect(report.marks).toEqual({ kind: 'x86', ibt: true, shstk: true, raw: 3 });
    expect(readelfFeatureNames(scratch.path('z-only'))).toEqual(['IBT', 'SHSTK']);
  });

  it('no flags at all: no marks', () => {
    const report = marksOfFile(scratch.path('none'));
    expect(report.marks).toEqual({ kind: 'x86', ibt: false, shstk: false, raw: null });
    expect(readelfFeatureNames(scratch.path('none'))).toEqual([]);
  });

  it('a relocatable object has only the .note.gnu.property section', () => {
    const elf = parseElf(readBytes(scratch.path('hello.o')), 'hello.o');
    expect(elf.programHeaders).toEqual([]);
    const report = readGnuProperties(elf);
    expect(report.source).toBe('.note.gnu.property');
    expect(report.marks).toEqual({ kind: 'x86', ibt: true, shstk: true, raw: 3 });
  });
});

describe('other machines built by clang 14 and lld', () => {
  const scratch = new Scratch('clang-cfi');
  beforeAll(() => {
    scratch.write('f.c', FREESTANDING_C);
    run('clang', ['--target=aarch64-linux-gnu', '-mbranch-protection=standard', '-O1', '-c', 'f.c', '-o', 'a64.o'], scratch.dir);
    run('ld.lld', ['-z', 'force-bti', '-e', '_start', 'a64.o', '-o', 'a64.elf'], scratch.dir);
    run('clang', ['--target=aarch64-linux-gnu', '-O1', '-c', 'f.c', '-o', 'a64-plain.o'], scratch.dir);
    run('clang', ['--target=aarch64_be-linux-gnu', '-mbranch-protection=standard', '-O1', '-c', 'f.c', '-o', 'a64be.o'], scratch.dir);
    run('clang', ['--target=i386-linux-gnu', '-fcf-protection=full', '-O1', '-c', 'f.c', '-o', 'x32.o'], scratch.dir);
    run('ld.lld', ['-m', 'elf_i386', '-e', '_start', 'x32.o', '-o', 'x32.elf'], scratch.dir);
  });
  afterAll(() => scratch.dispose());

  it('AArch64 -mbranch-protection=standard linked with -z force-bti: BTI and PAC from PT_GNU_PROPERTY', () => {
    const report = marksOfFile(scratch.path('a64.elf'));
    expect(report.source).toBe('PT_GNU_PROPERTY');
    expect(report.marks).toEqual({ kind: 'aarch64', bti: true, pac: true, gcs: false, raw: 3 });
    expect(markNames(report)).toEqual(readelfFeatureNames(scratch.path('a64.elf')));
  });

  it('AArch64 object without branch protection: no property note at all', () => {
    const report = marksOfFile(scratch.path('a64-plain.o'));
    expect(report.source).toBeNull();
    expect(report.marks).toEqual({ kind: 'aarch64', bti: false, pac: false, gcs: false, raw: null });
    expect(readelfProperties(scratch.path('a64-plain.o'))).toEqual([]);
  });

  it('big-endian AArch64 object: the same marks read in big-endian byte order', () => {
    const elf = parseElf(readBytes(scratch.path('a64be.o')), 'a64be.o');
    expect(elf.header.endianness).toBe('big');
    expect(readGnuProperties(elf).marks).toEqual({ kind: 'aarch64', bti: true, pac: true, gcs: false, raw: 3 });
  });

  it('i386 executable (ELF32): property data padded to 4, descriptor of 12 bytes', () => {
    const elf = parseElf(readBytes(scratch.path('x32.elf')), 'x32.elf');
    const report = readGnuProperties(elf);
    expect(elf.header.elfClass).toBe(32);
    expect(report.source).toBe('PT_GNU_PROPERTY');
    expect(report.marks).toEqual({ kind: 'x86', ibt: true, shstk: true, raw: 3 });
    const ph = elf.programHeaders.find((p) => p.type === PT_GNU_PROPERTY);
    expect(ph?.filesz).toBe(12 + 4 + 12);
    expect(markNames(report)).toEqual(readelfFeatureNames(scratch.path('x32.elf')));
  });
});

describe('crafted property notes', () => {
  it('AArch64 ELF64 LE, PT_GNU_PROPERTY only, BTI|PAC followed by an 8-padded property', () => {
    const desc = properties('little', 8, [
      { type: GNU_PROPERTY_AARCH64_FEATURE_1_AND, data: u32('little', 0b011) },
      { type: 0xc0000001, data: new Uint8Array(16).fill(0xaa) },
    ]);
    const bytes = buildElf({
      elfClass: 64,
      endianness: 'little',
      machine: EM_AARCH64,
      segments: [{ type: PT_GNU_PROPERTY, align: 8, data: note('little', 'GNU', NT_GNU_PROPERTY_TYPE_0, desc, 8) }],
    });
    const elf = parseElf(bytes, 'crafted-a64');
    const report = readGnuProperties(elf);
    expect(report.source).toBe('PT_GNU_PROPERTY');
    expect(report.marks).toEqual({ kind: 'aarch64', bti: true, pac: true, gcs: false, raw: 3 });
    const n = report.notes[0];
    // The first property starts after the 12-byte header and the 4-byte "GNU\0": not at the note header.
    expect(n?.properties[0]?.offset).toBe((n?.offset ?? 0) + 16);
    expect(n?.properties.map((p) => [p.name, p.data.length])).toEqual([
      ['GNU_PROPERTY_AARCH64_FEATURE_1_AND', 4],
      ['GNU_PROPERTY_AARCH64_FEATURE_PAUTH', 16],
    ]);
  });

  it('agrees with readelf on the crafted AArch64 file', () => {
    const scratch = new Scratch('crafted');
    try {
      const desc = properties('little', 8, [{ type: GNU_PROPERTY_AARCH64_FEATURE_1_AND, data: u32('little', 0b111) }]);
      const bytes = buildElf({
        elfClass: 64,
        endianness: 'little',
        machine: EM_AARCH64,
        sections: [{ name: '.note.gnu.property', type: SHT_NOTE, align: 8, data: note('little', 'GNU', NT_GNU_PROPERTY_TYPE_0, desc, 8) }],
        segments: [{ type: PT_GNU_PROPERTY, align: 8, section: '.note.gnu.property' }],
      });
      writeFileSync(scratch.path('a64'), bytes);
      const report = readGnuProperties(parseElf(bytes, 'a64'));
      expect(report.marks).toEqual({ kind: 'aarch64', bti: true, pac: true, gcs: true, raw: 7 });
      expect(readelfFeatureNames(scratch.path('a64'))).toEqual(markNames(report));
    } finally {
      scratch.dispose();
    }
  });

  it('ELF32 big-endian, PT_NOTE fallback after a build-id note', () => {
    const desc = properties('big', 4, [{ type: GNU_PROPERTY_X86_FEATURE_1_AND, data: u32('big', 0b10) }]);
    const notes = new Uint8Array([
      ...note('big', 'GNU', 3, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20), 4),
      ...note('big', 'GNU', NT_GNU_PROPERTY_TYPE_0, desc, 4),
    ]);
    const bytes = buildElf({ elfClass: 32, endianness: 'big', machine: EM_386, segments: [{ type: PT_NOTE, align: 4, data: notes }] });
    const report = readGnuProperties(parseElf(bytes, 'be32'));
    expect(report.source).toBe('PT_NOTE');
    expect(report.notes).toHaveLength(1);
    expect(report.marks).toEqual({ kind: 'x86', ibt: false, shstk: true, raw: 2 });
  });

  it('ELF32 pads pr_data to 4, not 8: a 2-byte property does not hide the feature word', () => {
    const desc = properties('little', 4, [
      { type: 0xc0008002, data: u32('little', 1) },
      { type: 0xb0001000, data: Uint8Array.of(0x11, 0x22) },
      { type: GNU_PROPERTY_X86_FEATURE_1_AND, data: u32('little', 0b01) },
    ]);
    expect(desc.length).toBe(12 + 12 + 12);
    const bytes = buildElf({
      elfClass: 32,
      endianness: 'little',
      machine: EM_386,
      sections: [{ name: '.note.gnu.property', type: SHT_NOTE, align: 4, data: note('little', 'GNU', NT_GNU_PROPERTY_TYPE_0, desc, 4) }],
    });
    const report = readGnuProperties(parseElf(bytes, 'pad4'));
    expect(report.source).toBe('.note.gnu.property');
    expect(report.notes[0]?.properties.map((p) => p.type)).toEqual([0xc0008002, 0xb0001000, GNU_PROPERTY_X86_FEATURE_1_AND]);
    expect(report.marks).toEqual({ kind: 'x86', ibt: true, shstk: false, raw: 1 });
  });

  it('property numbers are named per machine: 0xc0000000 is not an x86 feature word', () => {
    const desc = properties('little', 8, [{ type: GNU_PROPERTY_AARCH64_FEATURE_1_AND, data: u32('little', 3) }]);
    const bytes = buildElf({
      elfClass: 64,
      endianness: 'little',
      machine: EM_X86_64,
      segments: [{ type: PT_GNU_PROPERTY, align: 8, data: note('little', 'GNU', NT_GNU_PROPERTY_TYPE_0, desc, 8) }],
    });
    const report = readGnuProperties(parseElf(bytes, 'x'));
    expect(report.notes[0]?.properties[0]?.name).toBe('0xc0000000');
    expect(report.marks).toEqual({ kind: 'x86', ibt: false, shstk: false, raw: null });
  });

  it('notes of other owners and types are skipped', () => {
    const desc = properties('little', 8, [{ type: GNU_PROPERTY_X86_FEATURE_1_AND, data: u32('little', 3) }]);
    const bytes = buildElf({
      elfClass: 64,
      endianness: 'little',
      machine: EM_X86_64,
      segments: [
        {
          type: PT_NOTE,
          align: 8,
          data: new Uint8Array([...note('little', 'XYZ', NT_GNU_PROPERTY_TYPE_0, desc, 8), ...note('little', 'GNU', 4, desc, 8)]),
        },
      ],
    });
    const report = readGnuProperties(parseElf(bytes, 'x'));
    expect(report.source).toBeNull();
    expect(report.marks?.kind === 'x86' && report.marks.shstk).toBe(false);
  });

  describe('malformed notes', () => {
    function elfWithPropertyNote(mutate: (noteBytes: Uint8Array) => void, align = 8): Uint8Array {
      const desc = properties('little', 8, [{ type: GNU_PROPERTY_X86_FEATURE_1_AND, data: u32('little', 3) }]);
      const n = note('little', 'GNU', NT_GNU_PROPERTY_TYPE_0, desc, 8);
      mutate(n);
      return buildElf({ elfClass: 64, endianness: 'little', machine: EM_X86_64, segments: [{ type: PT_GNU_PROPERTY, align, data: n }] });
    }

    it('descsz past the container', () => {
      const bytes = elfWithPropertyNote((n) => n.set(words('little', [[4, 0xffffffff]]), 4));
      const e = expectWrtError(() => readGnuProperties(parseElf(bytes, 'm')), 'ELF_MALFORMED', { file: 'm', field: 'note descsz' });
      expect(e.location.limit).toContain('PT_GNU_PROPERTY (program header 0)');
    });

    it('namesz past the container', () => {
      const bytes = elfWithPropertyNote((n) => n.set(words('little', [[4, 0x7fffffff]]), 0));
      expectWrtError(() => readGnuProperties(parseElf(bytes, 'm')), 'ELF_MALFORMED', { field: 'note namesz' });
    });

    it('pr_datasz past the descriptor', () => {
      const bytes = elfWithPropertyNote((n) => n.set(words('little', [[4, 0x1001]]), 20));
      expectWrtError(() => readGnuProperties(parseElf(bytes, 'm')), 'ELF_MALFORMED', { field: 'pr_datasz', limit: '<= 8 bytes left in the descriptor' });
    });

    it('a feature word that is not 4 bytes', () => {
      const bytes = elfWithPropertyNote((n) => n.set(words('little', [[4, 8]]), 20));
      expectWrtError(() => readGnuProperties(parseElf(bytes, 'm')), 'ELF_MALFORMED', { field: 'pr_datasz', limit: 'pr_datasz = 4 for a FEATURE_1_AND property' });
    });

    it('a zero descsz makes the property bytes the next note header, whose namesz does not fit', () => {
      const bytes = elfWithPropertyNote((n) => n.set(words('little', [[4, 0]]), 4));
      expectWrtError(() => readGnuProperties(parseElf(bytes, 'm')), 'ELF_MALFORMED', { field: 'note namesz', offset: 64 + 56 + 16 });
    });

    it('an odd descsz leaves trailing bytes too short for a note header', () => {
      const bytes = elfWithPropertyNote((n) => n.set(words('little', [[4, 4]]), 4));
      expectWrtError(() => readGnuProperties(parseElf(bytes, 'm')), 'ELF_MALFORMED', { field: 'note header' });
    });

    it('an alignment other than 4 or 8', () => {
      const bytes = elfWithPropertyNote(() => undefined, 16);
      expectWrtError(() => readGnuProperties(parseElf(bytes, 'm')), 'ELF_MALFORMED', { field: 'program header 0 p_align', offset: 64 + 48 });
    });
  });
});

describe('the running node binary', () => {
  it('our marks agree with readelf -n', () => {
    const node = realpathSync(process.execPath);
    const report = marksOfFile(node);
    expect(report.marks).not.toBeNull();
    expect(markNames(report)).toEqual(readelfFeatureNames(node));
  });
});
