/**
 * Runs the pinned spec testsuite's non-SIMD scripts on native-sim, or on an emulated board with
 * --target, THROUGH THE WIRE PROTOCOL (docs/protocol.md §4a) and prints per-file passed/failed
 * counts and the total. Exit status 0 when nothing failed, 1 otherwise.
 *
 *   node dist/scripts/testsuite/protocol-conformance.js \
 *     [--target qemu-mps2-an386 | --asan | --binary PATH] [--only i32,linking] [--failures] [--json] [--no-build]
 *
 * --asan runs build/native-sim/native-sim-asan (ASan + UBSan); a sanitizer finding ends that
 * process, and every command of the script after it fails.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { packageRoot } from '../../ts/core/paths.js';
import { nativeSimAsanBinary, nativeSimBinary, requireNativeSim } from '../../ts/run/native-sim-binary.js';
import { formatConformanceReport } from '../../ts/testsuite/expectations.js';
import { emulatedBoardOpener, runProtocolConformance } from '../../ts/testsuite/protocol-conformance.js';
import { listOption, runScript, scriptProgram } from '../../ts/core/script-cli.js';

const program = scriptProgram('protocol-conformance', 'the spec testsuite through the wire protocol on native-sim')
  .option('--target <id>', 'an emulated board (QEMU) running the firmware instead of native-sim')
  .option('--asan', 'run build/native-sim/native-sim-asan (ASan + UBSan)')
  .option('--binary <path>', 'the native-sim binary to run')
  .option('--only <names>', 'only these scripts (comma-separated base names)', listOption)
  .option('--failures', 'list every failed command')
  .option('--json', 'print the report as JSON')
  .option('--no-build', 'do not run make -C native/sim first');

await runScript(program, async (p) => {
  const o = p.opts<{ target?: string; asan?: boolean; binary?: string; only?: string[]; failures?: boolean; json?: boolean; build: boolean }>();
  const binary = o.binary !== undefined ? path.resolve(o.binary) : o.asan === true ? nativeSimAsanBinary() : nativeSimBinary({});
  const board = o.target !== undefined && o.target !== 'native-sim' ? await emulatedBoardOpener(o.target) : undefined;
  if (o.build && board === undefined) execFileSync('make', ['-s', '-C', path.join(packageRoot(), 'native', 'sim')], { stdio: ['ignore', 'ignore', 'inherit'] });
  const report = await runProtocolConformance({
    binary: board === undefined ? requireNativeSim(binary) : binary,
    ...(board === undefined ? {} : { openLink: board }),
    ...(o.only !== undefined ? { only: o.only } : {}),
    onFile: o.json === true ? undefined : (file) => process.stderr.write(`${file.name}: ${file.passed} passed, ${file.failed} failed\n`),
  });
  if (o.json === true) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(`${formatConformanceReport(report, o.failures === true)}\n`);
  return report.failed === 0 ? 0 : 1;
});
