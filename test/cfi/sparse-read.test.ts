/**
 * cfi-report reads only the ranges of an ELF file its marks live in (ts/cfi/elf-ranges.ts). The
 * report, and every error for a damaged file, must be exactly what reading the whole file gives.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentRanges, HEADER_BYTES, nameTableRange, tableRanges } from '../../ts/cfi/elf-ranges.js';
import { analyzeElf } from '../../ts/cfi/file-report.js';
import { readFileReport } from '../../ts/cfi/gather.js';
import { packageRoot } from '../../ts/core/paths.js';
import { mulberry32 } from '../../ts/core/prng.js';
import { FREESTANDING_C, HELLO_C, run, Scratch } from './toolchain.js';

type Outcome = { readonly report: unknown } | { readonly error: string };

async function sparse(path: string): Promise<Outcome> {
  return readFileReport(path, '/', 'f').then(
    (report) => ({ report }),
    (error: unknown) => ({ error: error instanceof Error ? `${(error as { code?: string }).code}: ${error.message}` : String(error) }),
  );
}

function whole(bytes: Uint8Array): Outcome {
  try {
    return { report: analyzeElf(bytes, 'f') };
  } catch (error) {
    return { error: error instanceof Error ? `${(error as { code?: string }).code}: ${error.message}` : String(error) };
  }
}

describe('reading only the ranges cfi-report needs', () => {
  const scratch = new Scratch('sparse');
  const corpus: string[] = [];

  beforeAll(() => {
    scratch.write('hello.c', HELLO_C);
    scratch.write('f.c', FREESTANDING_C);
    run('gcc', ['-O1', '-fcf-protection=full', '-Wl,-z,ibt', '-Wl,-z,shstk', '-o', 'cet', 'hello.c'], scratch.dir);
    run('clang', ['--target=aarch64_be-linux-gnu', '-mbranch-protection=standard', '-O1', '-c', 'f.c', '-o', 'a64be.o'], scratch.dir);
    run('clang', ['--target=thumbv8.1m.main-none-eabi', '-march=armv8.1-m.main+pacbti', '-mbranch-protection=pac-ret+bti', '-O1', '-c', 'f.c', '-o', 'm85.o'], scratch.dir);
    corpus.push(...['cet', 'a64be.o', 'm85.o'].map((name) => join(scratch.dir, name)));
  });

  afterAll(() => scratch.dispose());

  it('gives the same report as the whole file for real binaries, /usr/bin/node included', async () => {
    const real = ['/usr/bin/node', join(packageRoot(), 'build', 'Release', 'wrt_probe.node'), ...corpus].filter((p) => existsSync(p));
    expect(real.length).toBeGreaterThanOrEqual(4);
    for (const path of real) {
      const expected = whole(new Uint8Array(readFileSync(path)));
      expect('report' in expected, path).toBe(true);
      expect(await sparse(path), path).toEqual(expected);
    }
  });

  it('plans a few KiB for a 100 MB binary', () => {
    const bytes = new Uint8Array(readFileSync('/usr/bin/node'));
    const tables = tableRanges(bytes.subarray(0, HEADER_BYTES), bytes.length);
    const names = nameTableRange(bytes);
    const content = contentRanges(bytes);
    const planned = [...(tables ?? []), ...(names ?? []), ...(content ?? [])].reduce((sum, r) => sum + r.length, HEADER_BYTES);
    expect(tables).not.toBeNull();
    expect(content).not.toBeNull();
    expect(planned).toBeLessThan(64 * 1024);
  });

  it('gives the same outcome, report or error, for 1000 damaged headers and tables', async () => {
    const random = mulberry32(0x5ba75e);
    const sources = corpus.map((path) => new Uint8Array(readFileSync(path)));
    for (let i = 0; i < 1000; i++) {
      const base = sources[i % sources.length] ?? new Uint8Array(0);
      const bytes = base.slice();
      // Damage where the plan reads: the header, and the first 4 KiB where small files keep their tables.
      const flips = 1 + Math.floor(random() * 4);
      for (let k = 0; k < flips; k++) {
        const region = random() < 0.5 ? HEADER_BYTES : Math.min(bytes.length, 4096);
        const at = Math.floor(random() * region);
        bytes[at] = Math.floor(random() * 256);
      }
      const path = join(scratch.dir, `damaged-${i}`);
      writeFileSync(path, bytes);
      expect(await sparse(path), `case ${i}`).toEqual(whole(bytes));
    }
  });
});
