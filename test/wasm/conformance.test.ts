import { describe, expect, it } from 'vitest';
import { formatConformance, runConformance } from '../../scripts/wasm/conformance.js';

describe('spec testsuite conformance (pinned WebAssembly 2.0 testsuite, 146 files)', () => {
  const result = runConformance();

  it('validates every module and rejects every binary assert_invalid and assert_malformed', () => {
    const failures = result.files.flatMap((file) => file.failures.map((f) => `${file.name}:${f.line} ${f.module}: expected ${f.expected}, got ${f.got}`));
    expect(failures).toEqual([]);
    // Counts of the pinned commit as wast2json 1.0.32 converts it.
    expect(result.totals).toMatchObject({
      files: 146,
      modules: 4592,
      passed: 4592,
      failed: 0,
      textMalformed: 1077,
      byExpectation: { valid: 1712, invalid: 2144, malformed: 736 },
    });
    expect(formatConformance(result).at(-1)).toMatch(/passed 4592, failed 0 \(100\.00 %\)/);
  });

  it('gives the expected error code except where a one-pass decoder must report the first error in byte order', () => {
    const wrong = result.files.flatMap((file) => file.wrongCodes.map((f) => `${file.name}:${f.line} ${f.expected} -> ${f.got.split(':')[0]}`));
    expect(wrong).toEqual([
      // The br_table default label byte is followed by 0x02 0x0b, read as block with type index 11:
      // unknown type (invalid) comes before the missing end (malformed) the spec decoder reports.
      'binary:1817 malformed -> WASM_INVALID',
      // wast2json writes these without a data count section; the binary format requires one
      // when data.drop/memory.init occur, and a one-pass decoder cannot wait for the data section.
      'memory_init:190 invalid -> WASM_MALFORMED',
      'memory_init:227 invalid -> WASM_MALFORMED',
    ]);
  });
});
