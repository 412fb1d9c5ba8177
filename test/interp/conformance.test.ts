import { beforeAll, describe, expect, it } from 'vitest';
import { type ConformanceReport, formatConformanceReport, runConformance } from '../../tools/interp/conformance.js';
import { convertTestsuite, readSpecScript } from '../../ts/testsuite/convert.js';
import { interp } from './helpers.js';

/**
 * Commands of the pinned testsuite (non-SIMD files) the interpreter is known to fail, as
 * "file:line". Empty: every command passes. A new failure, or a listed one that starts to pass,
 * fails this test.
 */
const KNOWN_FAILURES: readonly string[] = [];

// Counts of the pinned commit (3a04b2cf, wast2json 1.0.32), text assert_malformed excluded.
const TOTAL_COMMANDS = 27_356;
const TEXT_MALFORMED = 567;

let report: ConformanceReport;

beforeAll(() => {
  interp();
  report = runConformance();
}, 600_000);

describe('spec testsuite conformance', () => {
  it('runs every non-SIMD script and sets the 56 SIMD scripts apart', () => {
    expect(report.files.length).toBe(90);
    expect(report.simdFiles.length).toBe(56);
    expect(report.simdFiles.every((name) => name.startsWith('simd_'))).toBe(true);
    expect(report.files.some((file) => file.name.startsWith('simd_'))).toBe(false);
  });

  it('passes every command except the named known failures', () => {
    const failures = report.files.flatMap((file) => file.failures.map((f) => `${file.name}:${f.line}`));
    expect(failures).toEqual(KNOWN_FAILURES);
    expect(report.failed).toBe(KNOWN_FAILURES.length);
    expect(report.passed).toBe(TOTAL_COMMANDS - KNOWN_FAILURES.length);
    expect(report.textMalformed).toBe(TEXT_MALFORMED);
  });

  it('counts each script command once: as passed, failed or text assert_malformed', () => {
    const scripts = new Map(convertTestsuite().map((s) => [s.name, s]));
    for (const file of report.files) {
      const script = scripts.get(file.name);
      expect(script, file.name).toBeDefined();
      if (script === undefined) continue;
      const commands = readSpecScript(script.jsonPath).commands.length;
      expect(file.passed + file.failed + file.textMalformed, file.name).toBe(commands);
    }
    const i32 = report.files.find((file) => file.name === 'i32');
    expect(i32).toMatchObject({ passed: 458, failed: 0, textMalformed: 2 });
  });

  it('prints one line per file and the total', () => {
    const text = formatConformanceReport(report);
    const lines = text.split('\n');
    expect(lines.length).toBe(90 + 2);
    expect(lines.find((line) => line.startsWith('br_table '))).toMatch(/174\/174\s+passed\s+0 failed/);
    expect(lines.at(-1)).toBe(`total: ${TOTAL_COMMANDS}/${TOTAL_COMMANDS} passed, 0 failed, ${TEXT_MALFORMED} text assert_malformed counted apart`);
  });
});
