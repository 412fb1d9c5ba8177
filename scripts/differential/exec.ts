/**
 * Execution differential of generated modules on V8, in process and on native-sim
 * (tools/differential/exec.ts). Prints progress to stderr and the report as JSON; exit status 1
 * when an engine disagrees.
 *
 *   npm run differential:exec -- --seed 1 --modules 1000 [--first N]
 */
import { integerOption, runScript, scriptProgram } from '../../ts/core/script-cli.js';
import { nativeSimBinary, requireNativeSim } from '../../ts/run/native-sim-binary.js';
import { runExecDifferential } from '../../tools/differential/exec.js';

const program = scriptProgram('differential:exec', 'wasm-opt -ttf modules run on V8, in process and on native-sim')
  .option('--seed <n>', 'seed of the generator', integerOption(0), 1)
  .option('--modules <n>', 'how many modules', integerOption(1), 1000)
  .option('--first <n>', "start at this module of the seed's sequence (resume a stopped run)", integerOption(0), 0);

await runScript(program, async (p) => {
  const o = p.opts<{ seed: number; modules: number; first: number }>();
  const report = await runExecDifferential({
    seed: o.seed,
    first: o.first,
    modules: o.modules,
    binary: requireNativeSim(nativeSimBinary({})),
    onModule: (index, partial) => {
      if (partial.modules % 100 === 0) {
        process.stderr.write(`${partial.modules} modules (to index ${index}), ${partial.compared} compared, ${partial.disagreements.length} disagreements, ${partial.seconds} s\n`);
      }
    },
  });
  process.stdout.write(`${JSON.stringify(report, null, 1)}\n`);
  return report.disagreements.length === 0 ? 0 : 1;
});
