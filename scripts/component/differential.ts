/**
 * `npm run differential:component -- --seed N --calls M`: the component differential
 * (tools/component/differential.ts; docs/component.md, "Differential against jco and
 * definitions.py"). Needs clang with the wasm32 target, jco in tools/oracles, python3 with the
 * component-model checkout, and native-sim (make -C native/sim, or WRT_NATIVE_SIM).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { packageRoot } from '../../ts/core/paths.js';
import { integerOption, runScript, scriptProgram } from '../../ts/core/script-cli.js';
import { runComponentDifferential } from '../../tools/component/differential.js';

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const program = scriptProgram('differential:component', 'seeded components from C + WIT: native-sim against jco and definitions.py')
    .option('--seed <n>', 'seed', integerOption(0, 0xffffffff), 1)
    .option('--calls <n>', 'how many calls', integerOption(1), 1000)
    .option('--per-component <n>', 'calls a component', integerOption(1), 50)
    .option('--first-component <n>', 'start at this component (a difference names its component)', integerOption(0), 0)
    .option('--work <dir>', 'where the components go', join(packageRoot(), '.cache', 'component-differential'))
    .option('--verbose', 'a line a component');
  await runScript(program, async (p) => {
    const o = p.opts<{ seed: number; calls: number; perComponent: number; firstComponent: number; work: string; verbose?: boolean }>();
    const report = await runComponentDifferential({
      seed: o.seed,
      calls: o.calls,
      callsPerWorld: o.perComponent,
      firstWorld: o.firstComponent,
      workDir: o.work,
      log: (line) => {
        if (o.verbose === true || line.startsWith('difference') || line.startsWith('jco ')) console.log(line);
      },
    });
    console.log(`seed ${report.seed}: ${report.calls} calls on ${report.worlds} components (${o.firstComponent}..${o.firstComponent + report.worlds - 1}) in ${(report.ms / 1000).toFixed(1)} s`);
    console.log(`encodings ${JSON.stringify(report.encodings)}`);
    console.log(`values agreed (device = model = jco, or jco threw) ${report.valuesAgreed}; traps agreed (device = model, in lifting the result; in resource worlds a stale handle, device 72 in lowering where jco threw) ${report.trapsAgreed} ${JSON.stringify(report.traps)}`);
    console.log(`jco on device traps: threw ${report.jcoOnTrap.threw}, returned a value ${report.jcoOnTrap.returned}; jco threw where both returned ${report.jcoThrewOnValue}`);
    const sh = report.shapes;
    console.log(`parameters flat ${sh.flatParams}, spilled to memory ${sh.spilledParams}; result flat ${sh.flatResult}, through a pointer ${sh.resultPointer}`);
    const missing = Object.entries(report.kinds).filter(([, n]) => n === 0).map(([k]) => k);
    console.log(`type kinds (calls using each): ${Object.entries(report.kinds).map(([k, n]) => `${k} ${n}`).join(', ')}${missing.length > 0 ? `; never: ${missing.join(', ')}` : ''}`);
    const rs = report.resources;
    console.log(`resource worlds ${rs.worlds}: ${rs.calls} calls compared with jco only (the model takes no handles: ${rs.modelSkipped}), ${rs.endDrops} handles dropped at sessions' ends; kinds: ${Object.entries(rs.kinds).map(([k, n]) => `${k} ${n}`).join(', ')}`);
    if (report.refused.length > 0) console.log(`refused by the plan: ${report.refused.length}\n  ${report.refused.slice(0, 10).join('\n  ')}`);
    console.log(`differences ${report.differences.length}`);
    return report.differences.length === 0 && report.refused.length === 0 ? 0 : 1;
  });
}
