/**
 * Runs the pinned spec testsuite's non-SIMD scripts against the interpreter and prints per-file
 * passed/failed counts and the total. Exit status 0 when nothing failed, 1 otherwise.
 *
 *   node dist-tools/scripts/interp/conformance.js \
 *     [--variant interp|interp-asan|interp-portable|interp-small] [--only i32,br_table] [--failures] [--json] [--no-build]
 *
 * The ASan variant needs the sanitizer runtime preloaded into node:
 *   LD_PRELOAD=$(gcc -print-file-name=libasan.so) ASAN_OPTIONS=detect_leaks=0 node --import ... --variant interp-asan
 */
import { WrtError } from '../../ts/core/errors.js';
import { listOption, runScript, scriptProgram } from '../../ts/core/script-cli.js';
import { buildInterp } from '../../tools/interp/build.js';
import { formatConformanceReport, runConformance } from '../../tools/interp/conformance.js';
import type { InterpVariant } from '../../tools/interp/ffi.js';

const VARIANTS: readonly InterpVariant[] = ['interp', 'interp-asan', 'interp-portable', 'interp-small'];

const program = scriptProgram('conformance:interp', 'the spec testsuite on the interpreter in process (koffi)')
  .option('--variant <name>', `interpreter build: ${VARIANTS.join(', ')}`, 'interp')
  .option('--only <names>', 'only these scripts (comma-separated base names)', listOption)
  .option('--failures', 'list every failed command')
  .option('--json', 'print the report as JSON')
  .option('--no-build', 'do not build the interpreter first');

await runScript(program, (p) => {
  const o = p.opts<{ variant: string; only?: string[]; failures?: boolean; json?: boolean; build: boolean }>();
  const variant = VARIANTS.find((candidate) => candidate === o.variant);
  if (variant === undefined) throw new WrtError('USAGE', `unknown variant ${o.variant}`, { field: '--variant', limit: VARIANTS.join(', ') });
  if (o.build) buildInterp(variant);
  const report = runConformance({ variant, ...(o.only !== undefined ? { only: o.only } : {}) });
  if (o.json === true) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(`${formatConformanceReport(report, o.failures === true)}\n`);
  return report.failed === 0 ? 0 : 1;
});
