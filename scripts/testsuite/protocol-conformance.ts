/**
 * Runs the pinned spec testsuite's non-SIMD scripts on native-sim THROUGH THE WIRE PROTOCOL
 * (docs/protocol.md §4a) and prints per-file passed/failed counts and the total. Exit status 0 when
 * nothing failed, 1 otherwise.
 *
 *   node dist/scripts/testsuite/protocol-conformance.js \
 *     [--asan | --binary PATH] [--only i32,linking] [--failures] [--json] [--no-build]
 *
 * --asan runs build/native-sim/native-sim-asan (ASan + UBSan); a sanitizer finding ends that
 * process, and every command of the script after it fails.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { packageRoot } from '../../ts/core/paths.js';
import { nativeSimAsanBinary, nativeSimBinary, requireNativeSim } from '../../ts/run/native-sim-binary.js';
import { formatConformanceReport } from '../../ts/testsuite/expectations.js';
import { runProtocolConformance } from '../../ts/testsuite/protocol-conformance.js';
import { listOption, runScript, scriptProgram } from '../../ts/core/script-cli.js';

const program = scriptProgram('protocol-conformance', 'the spec testsuite through the wire protocol on native-sim')
  .option('--asan', 'run build/native-sim/native-sim-asan (ASan + UBSan)')
  .option('--binary <path>', 'the native-sim binary to run')
  .option('--only <names>', 'only these scripts (comma-separated base names)', listOption)
  .option('--failures', 'list every failed command')
  .option('--json', 'print the report as JSON')
  .option('--no-build', 'do not run make -C native/sim first');

await runScript(program, async (p) => {
  const o = p.opts<{ asan?: boolean; binary?: string; only?: string[]; failures?: boolean; json?: boolean; build: boolean }>();
  const binary = o.binary !== undefined ? path.resolve(o.binary) : o.asan === true ? nativeSimAsanBinary() : nativeSimBinary({});
  if (o.build) execFileSync('make', ['-s', '-C', path.join(packageRoot(), 'native', 'sim')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const report = await runProtocolConformance({
    binary: requireNativeSim(binary),
    ...(o.only !== undefined ? { only: o.only } : {}),
    onFile: o.json === true ? undefined : (file) => process.stderr.write(`${file.name}: ${file.passed} passed, ${file.failed} failed\n`),
  });
  if (o.json === true) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(`${formatConformanceReport(report, o.failures === true)}\n`);
  return report.failed === 0 ? 0 : 1;
});
