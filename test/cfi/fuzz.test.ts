/**
 * Robustness of the ELF, note and attribute parsers on damaged input: every outcome must be a
 * report or a WrtError with an ELF code. Anything else (RangeError, TypeError, a hang) fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WrtError } from '../../ts/core/errors.js';
import { EM_386, PT_NOTE } from '../../ts/cfi/elf.js';
import { analyzeElf } from '../../ts/cfi/file-report.js';
import { GNU_PROPERTY_X86_FEATURE_1_AND, NT_GNU_PROPERTY_TYPE_0 } from '../../ts/cfi/gnu-property.js';
import { buildElf, note, properties, u32 } from './elf-builder.js';
import { FREESTANDING_C, HELLO_C, run, Scratch } from './toolchain.js';
import { mulberry32 } from '../../ts/core/prng.js';

const ELF_CODES = new Set(['ELF_NOT_ELF', 'ELF_TRUNCATED', 'ELF_MALFORMED']);

type Outcome = 'parsed' | 'ELF_NOT_ELF' | 'ELF_TRUNCATED' | 'ELF_MALFORMED';

function attempt(bytes: Uint8Array, label: string): Outcome {
  try {
    analyzeElf(bytes, 'fuzz');
    return 'parsed';
  } catch (error) {
    if (error instanceof WrtError && ELF_CODES.has(error.code)) {
      // Every error must say where: the file, and a byte offset or a field.
      if (error.location.file !== 'fuzz' || (error.location.offset === undefined && error.location.field === undefined)) {
        throw new Error(`${label}: ${error.code} without a location: ${error.message}`);
      }
      return error.code as Outcome;
    }
    throw new Error(`${label}: escaped ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
}

interface Corpus {
  readonly name: string;
  readonly bytes: Uint8Array;
}

describe('damaged ELF files', () => {
  const scratch = new Scratch('fuzz');
  const corpus: Corpus[] = [];

  beforeAll(() => {
    scratch.write('hello.c', HELLO_C);
    scratch.write('f.c', FREESTANDING_C);
    run('gcc', ['-O1', '-fcf-protection=full', '-Wl,-z,ibt', '-Wl,-z,shstk', '-o', 'cet', 'hello.c'], scratch.dir);
    run('clang', ['--target=i386-linux-gnu', '-fcf-protection=full', '-O1', '-c', 'f.c', '-o', 'x32.o'], scratch.dir);
    run('ld.lld', ['-m', 'elf_i386', '-e', '_start', 'x32.o', '-o', 'x32.elf'], scratch.dir);
    run('clang', ['--target=aarch64_be-linux-gnu', '-mbranch-protection=standard', '-O1', '-c', 'f.c', '-o', 'a64be.o'], scratch.dir);
    run('clang', ['--target=thumbv8.1m.main-none-eabi', '-march=armv8.1-m.main+pacbti', '-mbranch-protection=pac-ret+bti', '-O1', '-c', 'f.c', '-o', 'm85.o'], scratch.dir);
    for (const name of ['cet', 'x32.elf', 'a64be.o', 'm85.o']) corpus.push({ name, bytes: scratch.read(name) });
    const desc = properties('big', 4, [{ type: GNU_PROPERTY_X86_FEATURE_1_AND, data: u32('big', 3) }]);
    corpus.push({
      name: 'crafted-be32',
      bytes: buildElf({ elfClass: 32, endianness: 'big', machine: EM_386, segments: [{ type: PT_NOTE, align: 4, data: note('big', 'GNU', NT_GNU_PROPERTY_TYPE_0, desc, 4) }] }),
    });
  });
  afterAll(() => scratch.dispose());

  it('every file of the corpus parses intact', () => {
    expect(corpus.map((c) => [c.name, attempt(c.bytes, c.name)])).toEqual(corpus.map((c) => [c.name, 'parsed']));
  });

  it('every proper prefix of a real executable is ELF_NOT_ELF (< 4 bytes) or ELF_TRUNCATED', () => {
    for (const c of corpus.filter((x) => x.name === 'cet' || x.name === 'x32.elf')) {
      const lengths: number[] = [];
      for (let n = 0; n < Math.min(1024, c.bytes.length); n++) lengths.push(n);
      for (let n = 1024; n < c.bytes.length; n += 97) lengths.push(n);
      lengths.push(c.bytes.length - 1);
      for (const n of lengths) {
        const outcome = attempt(c.bytes.subarray(0, n), `${c.name}[0..${n})`);
        expect(outcome, `${c.name} cut at ${n}`).toBe(n < 4 ? 'ELF_NOT_ELF' : 'ELF_TRUNCATED');
      }
    }
  });

  it('random bytes, with and without the ELF magic, never escape as another exception', () => {
    const random = mulberry32(0x5eed);
    const outcomes = new Set<Outcome>();
    for (let i = 0; i < 600; i++) {
      const bytes = new Uint8Array(Math.floor(random() * 2048));
      for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(random() * 256);
      if (i % 2 === 0 && bytes.length >= 6) {
        bytes.set([0x7f, 0x45, 0x4c, 0x46, 1 + (i % 4 === 0 ? 1 : 0), 1 + (i % 8 < 4 ? 1 : 0)]);
      }
      outcomes.add(attempt(bytes, `random #${i}`));
    }
    expect(outcomes.has('ELF_NOT_ELF')).toBe(true);
    expect(outcomes.has('ELF_TRUNCATED')).toBe(true);
  });

  it('thousands of targeted mutations of real files parse or fail with an ELF error', () => {
    const random = mulberry32(20240611);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const interesting = [0, 1, 3, 4, 7, 8, 0x7f, 0xff, 0xffff, 0x10000, 0x7fffffff, 0xfffffff0, 0xffffffff];
    const counts: Record<Outcome, number> = { parsed: 0, ELF_NOT_ELF: 0, ELF_TRUNCATED: 0, ELF_MALFORMED: 0 };

    const writeWord = (bytes: Uint8Array, offset: number, size: 2 | 4 | 8, value: number, little: boolean): void => {
      if (offset < 0 || offset + size > bytes.length) return;
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (size === 2) view.setUint16(offset, value & 0xffff, little);
      else if (size === 4) view.setUint32(offset, value >>> 0, little);
      else view.setBigUint64(offset, BigInt(value) * (random() < 0.2 ? 0x100000000n : 1n), little);
    };

    for (let i = 0; i < 3000; i++) {
      const base = pick(corpus);
      const bytes = base.bytes.slice();
      const is64 = bytes[4] === 2;
      const little = bytes[5] === 1;
      const view = new DataView(bytes.buffer);
      const word = (off: number): number => (is64 ? Number(view.getBigUint64(off, little) & 0xffffffffn) : view.getUint32(off, little));
      const phoff = word(is64 ? 32 : 28);
      const shoff = word(is64 ? 40 : 32);
      const phnum = view.getUint16(is64 ? 56 : 44, little);
      const shnum = view.getUint16(is64 ? 60 : 48, little);
      const value = random() < 0.7 ? pick(interesting) : Math.floor(random() * 0x100000000);
      const kind = Math.floor(random() * 5);
      let label: string;
      if (kind === 0) {
        // A header field: offsets, counts, entry sizes, the name table index.
        const fields: [string, number, 2 | 4 | 8][] = is64
          ? [['e_phoff', 32, 8], ['e_shoff', 40, 8], ['e_phentsize', 54, 2], ['e_phnum', 56, 2], ['e_shentsize', 58, 2], ['e_shnum', 60, 2], ['e_shstrndx', 62, 2]]
          : [['e_phoff', 28, 4], ['e_shoff', 32, 4], ['e_phentsize', 42, 2], ['e_phnum', 44, 2], ['e_shentsize', 46, 2], ['e_shnum', 48, 2], ['e_shstrndx', 50, 2]];
        const [name, off, size] = pick(fields);
        writeWord(bytes, off, size, value, little);
        label = `${name}=${value}`;
      } else if (kind === 1 && phnum > 0) {
        // A program header field.
        const index = Math.floor(random() * phnum);
        const fields: [string, number, 4 | 8][] = is64
          ? [['p_type', 0, 4], ['p_offset', 8, 8], ['p_filesz', 32, 8], ['p_align', 48, 8]]
          : [['p_type', 0, 4], ['p_offset', 4, 4], ['p_filesz', 16, 4], ['p_align', 28, 4]];
        const [name, off, size] = pick(fields);
        writeWord(bytes, phoff + index * (is64 ? 56 : 32) + off, size, name === 'p_type' ? pick([4, 0x6474e553, value]) : value, little);
        label = `phdr[${index}].${name}=${value}`;
      } else if (kind === 2 && shnum > 0) {
        // A section header field.
        const index = Math.floor(random() * shnum);
        const fields: [string, number, 4 | 8][] = is64
          ? [['sh_name', 0, 4], ['sh_type', 4, 4], ['sh_offset', 24, 8], ['sh_size', 32, 8], ['sh_addralign', 48, 8]]
          : [['sh_name', 0, 4], ['sh_type', 4, 4], ['sh_offset', 16, 4], ['sh_size', 20, 4], ['sh_addralign', 32, 4]];
        const [name, off, size] = pick(fields);
        writeWord(bytes, shoff + index * (is64 ? 64 : 40) + off, size, name === 'sh_type' ? pick([7, 8, 0x70000003, value]) : value, little);
        label = `shdr[${index}].${name}=${value}`;
      } else if (kind === 3) {
        // Note and property sizes: find a "GNU\0" owner and damage namesz, descsz or pr_datasz.
        const at = Buffer.from(bytes).indexOf(Buffer.from('GNU\0', 'latin1'));
        const target = at < 12 ? -1 : at - 12 + pick([0, 4, 16 + 4]);
        writeWord(bytes, target, 4, pick([0, 1, 3, 5, 0x7fffffff, 0xffffffff, value]), little);
        label = `note word at ${target}=${value}`;
      } else {
        // A few random bytes, biased towards the headers and the attribute data.
        const flips = 1 + Math.floor(random() * 8);
        for (let k = 0; k < flips; k++) {
          const region = random() < 0.6 ? Math.min(bytes.length, 512) : bytes.length;
          const off = Math.floor(random() * region);
          bytes[off] = Math.floor(random() * 256);
        }
        label = `${flips} random bytes`;
      }
      counts[attempt(bytes, `mutation #${i} of ${base.name}: ${label}`)] += 1;
    }
    // The mutations reach every outcome: the checks above were exercised, not bypassed.
    expect(counts.parsed).toBeGreaterThan(100);
    expect(counts.ELF_TRUNCATED).toBeGreaterThan(100);
    expect(counts.ELF_MALFORMED).toBeGreaterThan(100);
  });
});
