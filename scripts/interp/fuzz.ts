/**
 * Mutation fuzzing of the interpreter's untrusted-input path (tools/interp/fuzz.ts); prints the
 * outcome counts as JSON. Exit status 0 when every mutant ended in a stable code.
 *
 *   node dist-tools/scripts/interp/fuzz.js [--variant interp-asan] [--seed 1] [--per-seed 8] [--stride 1] [--multi-memory]
 */
import { WrtError } from '../../ts/core/errors.js';
import { integerOption, runScript, scriptProgram } from '../../ts/core/script-cli.js';
import type { InterpVariant } from '../../tools/interp/ffi.js';
import { runFuzz } from '../../tools/interp/fuzz.js';

const variants: readonly InterpVariant[] = ['interp', 'interp-asan', 'interp-portable'];

const program = scriptProgram('fuzz:interp', 'mutation fuzzing of the interpreter\'s untrusted-input path')
  .option('--variant <name>', `interpreter build: ${variants.join(', ')}`, 'interp')
  .option('--seed <n>', 'first seed', integerOption(0), 1)
  .option('--per-seed <n>', 'mutants per seed', integerOption(1), 8)
  .option('--stride <n>', 'take every n-th spec module', integerOption(1), 1)
  .option('--multi-memory', 'load the mutants with multi-memory on (the feature components turn on)', false);

await runScript(program, (p) => {
  const o = p.opts<{ variant: string; seed: number; perSeed: number; stride: number; multiMemory: boolean }>();
  const variant = variants.find((v) => v === o.variant);
  if (variant === undefined) throw new WrtError('USAGE', `unknown variant ${o.variant}`, { field: '--variant', limit: variants.join(', ') });
  const report = runFuzz({ variant, seed: o.seed, perSeed: o.perSeed, stride: o.stride, multiMemory: o.multiMemory });
  process.stdout.write(`${JSON.stringify(report)}\n`);
  return 0;
});
