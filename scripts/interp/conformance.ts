/**
 * Runs the pinned spec testsuite's non-SIMD scripts against the interpreter and prints per-file
 * passed/failed counts and the total. Exit status 0 when nothing failed, 1 otherwise.
 *
 *   node dist-tools/scripts/interp/conformance.js \
 *     [--variant interp|interp-asan|interp-portable] [--only i32,br_table] [--failures] [--json] [--no-build]
 *
 * The ASan variant needs the sanitizer runtime preloaded into node:
 *   LD_PRELOAD=$(gcc -print-file-name=libasan.so) ASAN_OPTIONS=detect_leaks=0 node --import ... --variant interp-asan
 */
import { isWrtError } from '../../ts/core/errors.js';
import { buildInterp } from '../../tools/interp/build.js';
import { formatConformanceReport, runConformance } from '../../tools/interp/conformance.js';
import type { InterpVariant } from '../../tools/interp/ffi.js';

const VARIANTS: readonly InterpVariant[] = ['interp', 'interp-asan', 'interp-portable'];

interface Args {
  variant: InterpVariant;
  only: string[] | undefined;
  failures: boolean;
  json: boolean;
  build: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { variant: 'interp', only: undefined, failures: false, json: false, build: true };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[i + 1];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      i += 1;
      return next;
    };
    if (arg === '--variant') {
      const v = value();
      const variant = VARIANTS.find((candidate) => candidate === v);
      if (variant === undefined) throw new Error(`unknown variant ${v}; one of ${VARIANTS.join(', ')}`);
      args.variant = variant;
    } else if (arg === '--only') {
      args.only = value().split(',').filter((name) => name !== '');
    } else if (arg === '--failures') {
      args.failures = true;
    } else if (arg === '--json') {
      args.json = true;
    } else if (arg === '--no-build') {
      args.build = false;
    } else {
      throw new Error(`unknown argument ${arg}`);
    }
  }
  return args;
}

function main(): number {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  try {
    if (args.build) buildInterp(args.variant);
    const report = runConformance({ variant: args.variant, ...(args.only !== undefined ? { only: args.only } : {}) });
    if (args.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    else process.stdout.write(`${formatConformanceReport(report, args.failures)}\n`);
    return report.failed === 0 ? 0 : 1;
  } catch (error) {
    if (isWrtError(error)) {
      process.stderr.write(`${error.describe()}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

process.exitCode = main();
