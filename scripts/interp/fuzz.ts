/**
 * Mutation fuzzing of the interpreter's untrusted-input path (tools/interp/fuzz.ts); prints the
 * outcome counts as JSON. Exit status 0 when every mutant ended in a stable code.
 *
 *   node dist-tools/scripts/interp/fuzz.js [--variant interp-asan] [--seed 1] [--per-seed 8] [--stride 1]
 */
import { isWrtError } from '../../ts/core/errors.js';
import type { InterpVariant } from '../../tools/interp/ffi.js';
import { runFuzz } from '../../tools/interp/fuzz.js';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 ? (process.argv[at + 1] ?? fallback) : fallback;
}

const variants: readonly InterpVariant[] = ['interp', 'interp-asan', 'interp-portable'];
const variant = variants.find((v) => v === option('--variant', 'interp'));
if (variant === undefined) {
  process.stderr.write(`unknown variant; one of ${variants.join(', ')}\n`);
  process.exitCode = 2;
} else {
  try {
    const report = runFuzz({
      variant,
      seed: Number(option('--seed', '1')),
      perSeed: Number(option('--per-seed', '8')),
      stride: Number(option('--stride', '1')),
    });
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } catch (error) {
    if (!isWrtError(error)) throw error;
    process.stderr.write(`${error.describe()}\n`);
    process.exitCode = error.exitCode;
  }
}
