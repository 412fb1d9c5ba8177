/**
 * The execution differential (tools/differential/exec.ts, `npm run differential:exec`): a seeded
 * batch of wasm-opt -ttf modules runs on V8, in process and on native-sim with no disagreement,
 * and nearly every module is really compared (instantiated by all three, every export called).
 * WRT_DIFFERENTIAL_MODULES modules: 50 by default, 1,000 in CI (.ci/run).
 */
import { describe, expect, it } from 'vitest';
import { runExecDifferential } from '../../tools/differential/exec.js';
import { buildRealNativeSim } from '../run/helpers.js';

const MODULES = Number(process.env.WRT_DIFFERENTIAL_MODULES ?? '50');

describe('execution differential on V8, in process and native-sim', () => {
  it(`agrees on ${MODULES} generated modules`, async () => {
    const report = await runExecDifferential({ seed: 20261207, modules: MODULES, binary: buildRealNativeSim() });
    expect(report.disagreements).toEqual([]);
    // A few generated modules trap in their start function or import what none of the three offers.
    expect(report.compared).toBeGreaterThanOrEqual(Math.floor(MODULES * 0.9));
    expect(report.calls).toBeGreaterThan(report.compared);
    // Generating a module (wasm-opt -ttf) and running it three ways: well under 0.5 s each on a slow core.
  }, 240_000 + MODULES * 500);
});
