/**
 * Builds one libFuzzer target (native/fuzz), seeds its corpus under build/fuzz/corpus/TARGET from
 * the spec testsuite and the protocol/profile test vectors, and runs it on one core for --seconds.
 * Prints executions, exec/s and findings as JSON; a finding is copied to
 * test/fuzz-regressions/TARGET/ (commit it: the test suite replays it) and the exit status is 1.
 *
 *   npm run fuzz -- load --seconds 60
 */
import { WrtError } from '../../ts/core/errors.js';
import { integerOption, runScript, scriptProgram } from '../../ts/core/script-cli.js';
import { FUZZ_TARGETS, buildFuzzTarget, isFuzzTarget, runFuzzTarget, seedCorpus } from '../../tools/fuzz/libfuzzer.js';

const program = scriptProgram('fuzz', 'coverage-guided fuzzing of one device input path (libFuzzer, ASan + UBSan)')
  .argument('<target>', FUZZ_TARGETS.join(', '))
  .option('--seconds <n>', 'how long to fuzz', integerOption(1, 7 * 24 * 3600), 60)
  .option('--verbose', "pass libFuzzer's progress lines through");

await runScript(program, async (p) => {
  const target = p.args[0] ?? '';
  if (!isFuzzTarget(target)) throw new WrtError('USAGE', `unknown fuzz target ${target}`, { field: 'target', limit: FUZZ_TARGETS.join(', ') });
  const o = p.opts<{ seconds: number; verbose?: boolean }>();
  buildFuzzTarget(target);
  const seeds = await seedCorpus(target);
  process.stderr.write(`fuzz ${target}: corpus of ${seeds} inputs, ${o.seconds} s\n`);
  const report = await runFuzzTarget(target, o.seconds, o.verbose === true ? (text) => process.stderr.write(text) : undefined);
  process.stdout.write(`${JSON.stringify(report)}\n`);
  if (report.findings.length > 0) {
    process.stderr.write(`fuzz ${target}: ${report.findings.length} finding(s) saved:\n${report.findings.map((f) => `  ${f}`).join('\n')}\n`);
    return 1;
  }
  if (report.exitCode !== 0) throw new WrtError('TOOL_MISSING', `the fuzzer build/fuzz/fuzz-${target} ended with status ${report.exitCode} and no finding`, { field: target });
  return 0;
});
