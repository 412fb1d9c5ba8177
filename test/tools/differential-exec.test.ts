/**
 * The execution differential (tools/differential/exec.ts, `npm run differential:exec`): a seeded
 * batch of wasm-opt -ttf modules runs on V8, in process and on native-sim with no disagreement,
 * and nearly every module is really compared (instantiated by all three, every export called).
 * WRT_DIFFERENTIAL_MODULES modules: 50 by default, 1,000 in CI (.ci/run).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ttfModuleStream, ttfModules } from '../../scripts/wasm/differential.js';
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

describe('resuming a run (--first)', () => {
  it("module i of a seed is the same whether the run starts at 0 or at i", () => {
    const whole = mkdtempSync(join(tmpdir(), 'wrt-ttf-whole-'));
    const resumed = mkdtempSync(join(tmpdir(), 'wrt-ttf-resumed-'));
    try {
      const all = ttfModules(99, 6, whole);
      const tail = [...ttfModuleStream(99, 4, 2, resumed)];
      expect(tail.map((m) => m.index)).toEqual([4, 5]);
      expect(tail.map((m) => Buffer.from(m.bytes).toString('hex'))).toEqual(all.slice(4).map((b) => Buffer.from(b).toString('hex')));
      // And they are distinct modules, not one repeated.
      expect(Buffer.from(all[4] ?? []).equals(Buffer.from(all[5] ?? []))).toBe(false);
    } finally {
      rmSync(whole, { recursive: true, force: true });
      rmSync(resumed, { recursive: true, force: true });
    }
  }, 60_000);
});
