/**
 * The PACBTI instruction count of Arm files (ts/cfi/arm-pacbti-scan.ts), checked against
 * arm-none-eabi-objdump's disassembly of the same objects, and the marks it gives a file whose
 * .ARM.attributes are gone.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countPacbtiInstructions } from '../../ts/cfi/arm-pacbti-scan.js';
import { parseElf } from '../../ts/cfi/elf.js';
import { analyzeElf } from '../../ts/cfi/file-report.js';
import { FREESTANDING_C, run, Scratch } from './toolchain.js';

/** How often objdump names each hint-space PACBTI instruction. */
function objdumpCounts(path: string): { bti: number; pacbti: number; pac: number; aut: number } {
  const text = run('arm-none-eabi-objdump', ['-d', path]);
  const count = (mnemonic: string): number => [...text.matchAll(new RegExp(`\\t${mnemonic}(\\t|\\s*$)`, 'gm'))].length;
  return { bti: count('bti'), pacbti: count('pacbti'), pac: count('pac'), aut: count('aut') };
}

function stateOf(path: string): [string, string, string][] {
  return analyzeElf(new Uint8Array(readFileSync(path)), path).marks.map((m) => [m.feature, m.label, m.state]);
}

describe('PACBTI instructions counted in executable sections', () => {
  const scratch = new Scratch('pacbti-scan');
  // An indirect call and a call that is not a tail call: functions that save LR (pacbti ... aut)
  // and a leaf (bti only).
  const source = `${FREESTANDING_C}
int (*volatile chosen)(int) = add_one;
int call_twice(int x) { return chosen(x) + chosen(x + 1); }
`;
  beforeAll(() => {
    scratch.write('f.c', source);
    const m55 = ['--target=arm-none-eabi', '-mcpu=cortex-m55', '-mthumb', '-O1', '-c', 'f.c'];
    run('clang', [...m55, '-mbranch-protection=pac-ret+bti', '-o', 'pacbti.o'], scratch.dir);
    run('clang', [...m55, '-o', 'plain.o'], scratch.dir);
    run('arm-none-eabi-objcopy', ['--remove-section', '.ARM.attributes', 'pacbti.o', 'pacbti-bare.o'], scratch.dir);
    run('arm-none-eabi-objcopy', ['--remove-section', '.ARM.attributes', 'plain.o', 'plain-bare.o'], scratch.dir);
  });
  afterAll(() => scratch.dispose());

  it('counts what objdump disassembles, and nothing in a build without -mbranch-protection', () => {
    const path = scratch.path('pacbti.o');
    const count = countPacbtiInstructions(parseElf(new Uint8Array(readFileSync(path)), path));
    const expected = objdumpCounts(path);
    expect(expected.pacbti).toBeGreaterThan(0);
    expect(expected.aut).toBeGreaterThan(0);
    expect(count).toMatchObject(expected);
    const plain = scratch.path('plain.o');
    expect(countPacbtiInstructions(parseElf(new Uint8Array(readFileSync(plain)), plain))).toMatchObject({ bti: 0, pacbti: 0, pac: 0, aut: 0 });
  });

  it('without .ARM.attributes the instructions are the evidence: present, else unknown', () => {
    expect(stateOf(scratch.path('pacbti-bare.o'))).toEqual([
      ['bti', 'BTI instructions', 'present'],
      ['pac', 'PAC/AUT instructions', 'present'],
    ]);
    expect(stateOf(scratch.path('plain-bare.o'))).toEqual([
      ['bti', 'Tag_BTI_use', 'unknown'],
      ['pac', 'Tag_PACRET_use', 'unknown'],
    ]);
  });

  it('keeps the attribute verdict where there is one, with the count beside it', () => {
    const report = analyzeElf(new Uint8Array(readFileSync(scratch.path('pacbti.o'))), 'pacbti.o');
    expect(report.marks.map((m) => m.state)).toEqual(['present', 'present']);
    expect(report.marks[1]?.detail).toMatch(/Tag_PACRET_use = 1 .*; code: \d+ signing \(\d+ pacbti, \d+ pac\) and \d+ aut in \d+ bytes of executable sections$/);
    expect(stateOf(scratch.path('plain.o')).map(([, , state]) => state)).toEqual(['absent', 'absent']);
  });
});
