/**
 * The component differential (tools/component/differential.ts; docs/component.md, "Differential
 * against jco and definitions.py"): components built in the test from C + WIT, calls on
 * native-sim through run's path, against jco's transpiled component and definitions.py. A seeded
 * slice here; `npm run differential:component -- --seed 1 --calls 10000` is the long run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYPE_KINDS } from '../../tools/component/diff-gen.js';
import { runComponentDifferential } from '../../tools/component/differential.js';
import { RESOURCE_KINDS } from '../../tools/component/diff-resource.js';
import { buildRealNativeSim } from '../run/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wrt-component-diff-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let env: NodeJS.ProcessEnv = {};

beforeAll(() => {
  env = { ...process.env, WRT_NATIVE_SIM: buildRealNativeSim() };
}, 300_000);

describe('component differential: native-sim vs jco 1.35.0 and definitions.py', () => {
  it('agrees on a seeded slice of calls, every type kind, every string encoding and the traps the guest makes', async () => {
    const r = await runComponentDifferential({ seed: 1, calls: 1200, callsPerWorld: 30, workDir: join(dir, 'slice'), env });
    expect(r.differences).toEqual([]);
    expect(r.refused).toEqual([]);
    expect(r.calls).toBe(1200);
    expect(r.valuesAgreed + r.trapsAgreed).toBe(1200);
    expect(TYPE_KINDS.filter((k) => (r.kinds[k] ?? 0) === 0)).toEqual([]);
    expect(Object.keys(r.encodings).sort()).toEqual(['latin1+utf16', 'utf16', 'utf8']);
    // Bad char, bad discriminant and out of bounds at least: each the model's trap too.
    for (const code of ['65', '66', '67']) expect(r.traps[code] ?? 0).toBeGreaterThan(0);
    expect(r.trapsAgreed).toBeGreaterThan(10);
    for (const n of Object.values(r.shapes)) expect(n).toBeGreaterThan(0);
    // Every 8th world exports a resource (worlds 7, 15, 23, 31, 39): own and borrow both ways,
    // host drops, destructor counts, compared with jco only (the model takes no handles).
    expect(r.resources.worlds).toBe(5);
    expect(r.resources.calls).toBe(150);
    expect(r.resources.modelSkipped).toBe(150);
    expect(RESOURCE_KINDS.filter((k) => (r.resources.kinds[k] ?? 0) === 0)).toEqual([]);
    expect(r.resources.endDrops).toBeGreaterThan(0);
    // A handle the host does not hold: trap 72 in lowering on the device where jco throws.
    expect(r.traps['72']).toBe(r.resources.kinds['stale-handle']);
  }, 240_000);

  it('reports a difference for each changed device answer of a resource world', async () => {
    const all = new Set(Array.from({ length: 30 }, (_, i) => i));
    const r = await runComponentDifferential({ seed: 2, calls: 30, callsPerWorld: 30, firstWorld: 7, workDir: join(dir, 'resource-corrupt'), env, corruptDevice: all });
    expect(r.resources.calls).toBe(30);
    expect(r.differences.filter((d) => d.against === 'jco')).toHaveLength(30);
    expect(r.valuesAgreed).toBe(0);
  }, 120_000);

  it('reports a difference when jco runs another transform, and when a device result is changed', async () => {
    const wrong = await runComponentDifferential({ seed: 4, calls: 100, callsPerWorld: 50, workDir: join(dir, 'wrong'), env, wrongJcoTransform: true });
    expect(wrong.differences.length).toBeGreaterThan(50);
    expect(new Set(wrong.differences.map((d) => d.against))).toEqual(new Set(['jco']));

    const all = new Set(Array.from({ length: 100 }, (_, i) => i));
    const corrupt = await runComponentDifferential({ seed: 4, calls: 100, callsPerWorld: 50, workDir: join(dir, 'corrupt'), env, corruptDevice: all });
    const trapped = Object.values(corrupt.traps).reduce((a, b) => a + b, 0);
    const returned = 100 - trapped;
    expect(returned).toBeGreaterThan(50);
    expect(trapped).toBeGreaterThan(0);
    // Each changed answer differs from the model (a value's text, a trap's kind), and each changed
    // value from jco's (unless jco threw: it refuses flags with bits past the last label).
    expect(corrupt.differences.filter((d) => d.against === 'model')).toHaveLength(100);
    expect(corrupt.differences.filter((d) => d.against === 'jco')).toHaveLength(returned - corrupt.jcoThrewOnValue);
    expect(corrupt.valuesAgreed + corrupt.trapsAgreed).toBe(0);
  }, 240_000);
});
