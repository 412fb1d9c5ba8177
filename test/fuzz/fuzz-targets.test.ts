/**
 * The libFuzzer targets (native/fuzz, docs/fuzzing.md): every input that once crashed a target
 * (test/fuzz-regressions/TARGET/) must run clean on today's sanitizer build, and each target runs a
 * short campaign from its seed corpus: WRT_FUZZ_SECONDS per target (5 by default, for CI's budget).
 */
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  FUZZ_TARGETS,
  buildFuzzTarget,
  fuzzBinary,
  regressionInputs,
  runFuzzTarget,
  seedCorpus,
} from '../../tools/fuzz/libfuzzer.js';

const SECONDS = Number(process.env.WRT_FUZZ_SECONDS ?? '5');

beforeAll(() => {
  for (const target of FUZZ_TARGETS) buildFuzzTarget(target);
}, 1_800_000);

describe.each(FUZZ_TARGETS)('fuzz target %s', (target) => {
  it('replays every saved finding without a crash or sanitizer report', () => {
    const inputs = regressionInputs(target);
    // libFuzzer given files runs each once and stops at the first that fails.
    const run = spawnSync(fuzzBinary(target), inputs.length > 0 ? inputs : ['-runs=0'], { encoding: 'utf8' });
    expect(run.stderr).not.toMatch(/ERROR: (AddressSanitizer|libFuzzer)|runtime error:/);
    expect(run.status).toBe(0);
  });

  it(`runs ${SECONDS} s from its seed corpus with no finding`, async () => {
    expect(await seedCorpus(target)).toBeGreaterThan(0);
    const report = await runFuzzTarget(target, SECONDS);
    expect(report.findings).toEqual([]);
    expect(report.exitCode).toBe(0);
    expect(report.executions).toBeGreaterThan(0);
  }, (SECONDS + 240) * 1000);
});
