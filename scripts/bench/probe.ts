import { packageRoot } from '../../ts/core/paths.js';
import { ratio, timeCommand } from './measure.js';

/**
 * `wrt-target probe` wall time including Node's start, beside a bare `node -e ""` started the same
 * way in the same run (the baseline), so the figure is comparable across machines.
 */
export async function bench(log: (line: string) => void): Promise<void> {
  const root = packageRoot();
  const runs = 15;
  const baseline = timeCommand([process.execPath, '-e', ''], runs, root);
  const probe = timeCommand([process.execPath, 'bin/wrt-target.js', 'probe'], runs, root);
  const probeJson = timeCommand([process.execPath, 'bin/wrt-target.js', 'probe', '--json'], runs, root);
  const cfi = timeCommand([process.execPath, 'bin/wrt-target.js', 'cfi-report'], runs, root);
  log(`probe: median of ${runs} runs, wall time including Node start (goal: probe < 300 ms)`);
  log(`  node -e ""              ${baseline.medianMs.toFixed(1)} ms (baseline)`);
  log(`  wrt-target probe        ${probe.medianMs.toFixed(1)} ms  ${ratio(probe.medianMs, baseline.medianMs)} baseline`);
  log(`  wrt-target probe --json ${probeJson.medianMs.toFixed(1)} ms  ${ratio(probeJson.medianMs, baseline.medianMs)} baseline`);
  log(`  wrt-target cfi-report   ${cfi.medianMs.toFixed(1)} ms  ${ratio(cfi.medianMs, baseline.medianMs)} baseline`);
}
