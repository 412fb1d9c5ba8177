/**
 * The execution differential (tools/differential/exec.ts, `npm run differential:exec`): a seeded
 * batch of wasm-opt -ttf modules runs on V8, in process and on native-sim with no disagreement,
 * and nearly every module is really compared (instantiated by all three, every export called).
 */
import { describe, expect, it } from 'vitest';
import { runExecDifferential } from '../../tools/differential/exec.js';
import { buildRealNativeSim } from '../run/helpers.js';

describe('execution differential on V8, in process and native-sim', () => {
  it('agrees on 50 generated modules', async () => {
    const report = await runExecDifferential({ seed: 20261207, modules: 50, binary: buildRealNativeSim() });
    expect(report.disagreements).toEqual([]);
    expect(report.compared).toBeGreaterThanOrEqual(45);
    expect(report.calls).toBeGreaterThan(report.compared);
  }, 300_000);
});
