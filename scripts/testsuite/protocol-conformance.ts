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
import { isWrtError } from '../../ts/core/errors.js';
import { nativeSimAsanBinary, nativeSimBinary, requireNativeSim } from '../../ts/run/native-sim-binary.js';
import { formatConformanceReport } from '../../ts/testsuite/expectations.js';
import { runProtocolConformance } from '../../ts/testsuite/protocol-conformance.js';

interface Args {
  binary: string;
  only: string[] | undefined;
  failures: boolean;
  json: boolean;
  build: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { binary: nativeSimBinary({}), only: undefined, failures: false, json: false, build: true };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = (): string => {
      const next = argv[i + 1];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      i += 1;
      return next;
    };
    if (arg === '--asan') args.binary = nativeSimAsanBinary();
    else if (arg === '--binary') args.binary = path.resolve(value());
    else if (arg === '--only') args.only = value().split(',').filter((name) => name !== '');
    else if (arg === '--failures') args.failures = true;
    else if (arg === '--json') args.json = true;
    else if (arg === '--no-build') args.build = false;
    else throw new Error(`unknown argument ${arg}`);
  }
  return args;
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  try {
    if (args.build) execFileSync('make', ['-s', '-C', path.join(packageRoot(), 'native', 'sim')], { stdio: ['ignore', 'ignore', 'inherit'] });
    const report = await runProtocolConformance({
      binary: requireNativeSim(args.binary),
      ...(args.only !== undefined ? { only: args.only } : {}),
      onFile: args.json ? undefined : (file) => process.stderr.write(`${file.name}: ${file.passed} passed, ${file.failed} failed\n`),
    });
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

process.exitCode = await main();
