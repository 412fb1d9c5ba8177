import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EM_AARCH64, EM_ARM, EM_X86_64, parseElf, SHT_NOBITS } from '../../ts/cfi/elf.js';
import { buildElf, words } from './elf-builder.js';
import { FREESTANDING_C, HELLO_C, readelfSections, readelfSegments, run, Scratch } from './toolchain.js';
import { expectWrtError } from '../support/wrt-error.js';

const PT_NAMES: Record<string, number> = {
  NULL: 0,
  LOAD: 1,
  DYNAMIC: 2,
  INTERP: 3,
  NOTE: 4,
  PHDR: 6,
  TLS: 7,
  GNU_EH_FRAME: 0x6474e550,
  GNU_STACK: 0x6474e551,
  GNU_RELRO: 0x6474e552,
  GNU_PROPERTY: 0x6474e553,
};

describe('parseElf on real binaries, checked against readelf', () => {
  const scratch = new Scratch('elf');
  const built: Record<string, string> = {};

  beforeAll(() => {
    scratch.write('hello.c', HELLO_C);
    scratch.write('f.c', FREESTANDING_C);
    built['x86_64 executable'] = scratch.path('hello');
    run('gcc', ['-O1', '-o', 'hello', 'hello.c'], scratch.dir);
    built['armeb object'] = scratch.path('armeb.o');
    run('clang', ['--target=armeb-linux-gnueabi', '-O1', '-c', 'f.c', '-o', 'armeb.o'], scratch.dir);
    built['aarch64_be object'] = scratch.path('a64be.o');
    run('clang', ['--target=aarch64_be-linux-gnu', '-O1', '-c', 'f.c', '-o', 'a64be.o'], scratch.dir);
    built['i386 executable'] = scratch.path('x32.elf');
    run('clang', ['--target=i386-linux-gnu', '-O1', '-c', 'f.c', '-o', 'x32.o'], scratch.dir);
    run('ld.lld', ['-m', 'elf_i386', '-e', '_start', 'x32.o', '-o', 'x32.elf'], scratch.dir);
  });
  afterAll(() => scratch.dispose());

  it.each([
    ['x86_64 executable', 64, 'little', EM_X86_64],
    ['armeb object', 32, 'big', EM_ARM],
    ['aarch64_be object', 64, 'big', EM_AARCH64],
    ['i386 executable', 32, 'little', 3],
  ] as const)('%s: class, byte order, sections and segments match readelf', (name, elfClass, endianness, machine) => {
    const path = built[name] ?? '';
    const elf = parseElf(scratch.read(path.slice(scratch.dir.length + 1)), path);
    expect(elf.header.elfClass).toBe(elfClass);
    expect(elf.header.endianness).toBe(endianness);
    expect(elf.header.machine).toBe(machine);

    const expectedSections = readelfSections(path);
    expect(expectedSections.length).toBeGreaterThan(3);
    expect(elf.sections.length).toBe(expectedSections.length + 1);
    for (const s of expectedSections) {
      const mine = elf.sections[s.index];
      expect(mine?.name).toBe(s.name);
      if (s.type === 'NOBITS') {
        expect(mine?.type).toBe(SHT_NOBITS);
        expect(mine?.size).toBe(0);
      } else {
        expect(mine?.offset).toBe(s.offset);
        expect(mine?.size).toBe(s.size);
      }
    }

    const expectedSegments = readelfSegments(path);
    if (name.endsWith('executable')) expect(expectedSegments.length).toBeGreaterThan(2);
    expect(elf.programHeaders.map((p) => p.type)).toEqual(expectedSegments.map((s) => PT_NAMES[s.type]));
    expect(elf.programHeaders.map((p) => [p.offset, p.filesz, Number(p.align)])).toEqual(expectedSegments.map((s) => [s.offset, s.filesz, s.align]));
  });
});

describe('parseElf on crafted bytes', () => {
  it('reads an ELF32 big-endian file with one section and one segment', () => {
    const bytes = buildElf({
      elfClass: 32,
      endianness: 'big',
      machine: EM_ARM,
      sections: [{ name: '.data.x', type: 1, align: 4, data: Uint8Array.of(1, 2, 3, 4, 5) }],
      segments: [{ type: 1, align: 4, section: '.data.x' }],
    });
    const elf = parseElf(bytes, 'be32.elf');
    expect(elf.header).toMatchObject({ elfClass: 32, endianness: 'big', machine: EM_ARM, phnum: 1, shnum: 3, shstrndx: 2 });
    expect(elf.sections.map((s) => s.name)).toEqual(['', '.data.x', '.shstrtab']);
    const data = elf.sections[1];
    expect(data?.size).toBe(5);
    expect(elf.programHeaders[0]?.offset).toBe(data?.offset);
    expect(elf.programHeaders[0]?.filesz).toBe(5);
  });

  it('resolves extended section numbering (e_shnum = 0, count in section 0 sh_size)', () => {
    const bytes = buildElf({ elfClass: 64, endianness: 'little', machine: EM_X86_64, sections: [{ name: '.a', type: 1, align: 1, data: Uint8Array.of(9) }] });
    const elf = parseElf(bytes, 'x.elf');
    const shoff = Number(elf.header.shoff);
    const patched = bytes.slice();
    patched.set(words('little', [[2, 0]]), 60);
    patched.set(words('little', [[8, 3]]), shoff + 32);
    patched.set(words('little', [[2, 0xffff]]), 62);
    patched.set(words('little', [[4, 2]]), shoff + 40);
    const extended = parseElf(patched, 'x.elf');
    expect(extended.header.shnum).toBe(3);
    expect(extended.header.shstrndx).toBe(2);
    expect(extended.sections.map((s) => s.name)).toEqual(['', '.a', '.shstrtab']);
  });

  it('rejects files without the ELF magic', () => {
    expectWrtError(() => parseElf(new TextEncoder().encode('#!/bin/sh\necho hi\n'), 'script.sh'), 'ELF_NOT_ELF', { file: 'script.sh', offset: 0 });
    expectWrtError(() => parseElf(new Uint8Array(), 'empty'), 'ELF_NOT_ELF', { file: 'empty' });
  });

  it('rejects an unknown class or data encoding', () => {
    const bytes = buildElf({ elfClass: 64, endianness: 'little', machine: EM_X86_64 });
    const badClass = bytes.slice();
    badClass[4] = 3;
    expectWrtError(() => parseElf(badClass, 'f'), 'ELF_MALFORMED', { offset: 4, field: 'e_ident[EI_CLASS]' });
    const badData = bytes.slice();
    badData[5] = 0;
    expectWrtError(() => parseElf(badData, 'f'), 'ELF_MALFORMED', { offset: 5, field: 'e_ident[EI_DATA]' });
  });

  it('names the field and the limit when a table reaches past the end', () => {
    const bytes = buildElf({ elfClass: 64, endianness: 'little', machine: EM_X86_64, segments: [{ type: 1, align: 8, data: Uint8Array.of(1) }] });
    const farPhoff = bytes.slice();
    farPhoff.set(words('little', [[8, 0x10000]]), 32);
    const e = expectWrtError(() => parseElf(farPhoff, 'f'), 'ELF_TRUNCATED', { file: 'f', offset: 32, field: 'e_phoff' });
    expect(e.location.limit).toContain(`file size ${bytes.length}`);

    const manyPhdrs = bytes.slice();
    manyPhdrs.set(words('little', [[2, 500]]), 56);
    const e2 = expectWrtError(() => parseElf(manyPhdrs, 'f'), 'ELF_TRUNCATED', { field: 'e_phoff' });
    expect(e2.location.limit).toBe(`e_phoff + e_phnum * e_phentsize = ${64 + 500 * 56} <= file size ${bytes.length}`);
  });

  it('rejects entry sizes too small for the class and a name table index past e_shnum', () => {
    const bytes = buildElf({ elfClass: 32, endianness: 'little', machine: 3, sections: [{ name: '.a', type: 1, align: 1, data: Uint8Array.of(1) }] });
    const smallEntries = bytes.slice();
    smallEntries.set(words('little', [[2, 20]]), 46);
    expectWrtError(() => parseElf(smallEntries, 'f'), 'ELF_MALFORMED', { field: 'e_shentsize', limit: '>= 40 for ELF32' });
    const badIndex = bytes.slice();
    badIndex.set(words('little', [[2, 7]]), 50);
    expectWrtError(() => parseElf(badIndex, 'f'), 'ELF_MALFORMED', { field: 'e_shstrndx', limit: '< e_shnum 3' });
  });

  it('rejects a section name offset outside the name table and section data past the end', () => {
    const bytes = buildElf({ elfClass: 64, endianness: 'big', machine: EM_AARCH64, sections: [{ name: '.a', type: 1, align: 1, data: Uint8Array.of(1) }] });
    const shoff = Number(parseElf(bytes, 'f').header.shoff);
    const badName = bytes.slice();
    badName.set(words('big', [[4, 0x7000]]), shoff + 64);
    expectWrtError(() => parseElf(badName, 'f'), 'ELF_MALFORMED', { offset: shoff + 64, field: 'section header 1 sh_name' });
    const badSize = bytes.slice();
    badSize.set(words('big', [[8, 0xffff_ffff_ffffn]]), shoff + 64 + 32);
    expectWrtError(() => parseElf(badSize, 'f'), 'ELF_TRUNCATED', { offset: shoff + 64 + 24, field: 'section header 1 sh_offset + sh_size' });
  });
});
