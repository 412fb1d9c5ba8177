/**
 * `npm run bench`: every benchmark prints its figures beside a baseline measured in the same run,
 * so the ratios mean something on any machine. Benchmarks run one after the other: on a 2-core
 * machine anything in parallel would measure the other benchmark.
 */
import { bench as boardBench } from './board.js';
import { bench as coremarkBench } from './coremark.js';
import { bench as deployBench } from './deploy.js';
import { bench as firmwareBench } from './firmware.js';
import { bench as interpBench } from './interp.js';
import { bench as probeBench } from './probe.js';
import { bench as ramBench } from './ram.js';
import { bench as signatureBench } from './signature.js';
import { bench as startupBench } from './startup.js';
import { bench as validateBench } from './validate.js';
import { WrtError } from '../../ts/core/errors.js';
import { runScript, scriptProgram } from '../../ts/core/script-cli.js';

type Bench = (log: (line: string) => void) => Promise<void>;

const BENCHES: readonly (readonly [string, Bench])[] = [
  ['startup', startupBench],
  ['probe', probeBench],
  ['validate', validateBench],
  ['interp', interpBench],
  ['coremark', coremarkBench],
  ['ram', ramBench],
  ['deploy', deployBench],
  ['board', boardBench],
  ['firmware', firmwareBench],
  ['signature', signatureBench],
];

const program = scriptProgram('bench', 'every benchmark beside its baseline, one after the other').argument('[names...]', `only these: ${BENCHES.map(([name]) => name).join(', ')}`);

await runScript(program, async (p) => {
  const only = p.args;
  const unknown = only.filter((name) => !BENCHES.some(([known]) => known === name));
  if (unknown.length > 0) throw new WrtError('USAGE', `no benchmark named ${unknown.join(', ')}`, { field: 'names', limit: BENCHES.map(([name]) => name).join(', ') });
  for (const [name, run] of BENCHES) {
    if (only.length > 0 && !only.includes(name)) continue;
    console.log(`\n== ${name}`);
    await run((line) => console.log(line));
  }
  return 0;
});
