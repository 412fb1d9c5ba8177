import { describe, expect, it } from 'vitest';
import { componentConformance, componentSkipList, witAgreement } from '../../scripts/component/conformance.js';

describe('component conformance (component-model test/validation, test/binary; wasm-tools component tests)', async () => {
  const result = await componentConformance();
  const suite = (name: string) => result.files.filter((f) => f.file.startsWith(`${name}:`));
  const total = (files: typeof result.files, key: 'negatives' | 'positives' | 'failed' | 'skipped') => files.reduce((n, f) => n + f[key], 0);
  const gated = new Set(result.scripts.filter((s) => s.features.length > 0).map((s) => `${s.suite}:${s.name}`));

  it('rejects all 444 negative component-model cases that exist as binaries and accepts every valid one but the listed', () => {
    const cm = [...suite('cm-validation'), ...suite('cm-binary')];
    expect(cm.flatMap((f) => f.failures.map((x) => `${f.file}:${x.line} ${x.got}`))).toEqual([]);
    expect(total(cm, 'negatives')).toBe(444);
    // instantiation.wast:342 among them: a core module with two memories (multi-memory, which the
    // component validator accepts in core modules).
    expect(total(cm, 'positives')).toBe(120);
    // 5 `component quote` text cases, 15 valid components using gated features.
    expect(total(cm, 'skipped')).toBe(20);
  });

  it('rejects every negative assert of the ungated wasm-tools files and accepts every listed positive', () => {
    const tools = suite('wasm-tools');
    expect(tools.flatMap((f) => f.failures.map((x) => `${f.file}:${x.line} ${x.got}`))).toEqual([]);
    // 34 ungated files: 375 negative asserts with a binary (the text-only ones are listed skips).
    expect(total(tools.filter((f) => !gated.has(f.file)), 'negatives')).toBe(375);
    expect(total(tools.filter((f) => !gated.has(f.file)), 'positives')).toBe(159);
    // The 45 gated files: their negatives are refused too (most as COMPONENT_UNSUPPORTED).
    expect(total(tools.filter((f) => gated.has(f.file)), 'negatives')).toBe(192);
    expect(total(tools, 'positives')).toBe(165);
  });

  it('totals the plain line of npm run conformance:component-validate', () => {
    expect([result.passed, result.failed, result.skipped]).toEqual([1296, 0, 241]);
  });

  it('gives every skip one reason, and skips only what is listed or has no binary', () => {
    const skips = componentSkipList();
    expect(skips.every((s) => s.reason.length > 10)).toBe(true);
    expect(new Set(skips.map((s) => s.key)).size).toBe(skips.length);
    const reasons = new Set(skips.map((s) => s.reason.split(':')[0]));
    expect([...reasons].sort()).toEqual(['beyond the WebAssembly 2.0 core validator', 'gated', 'no binary']);
  });

  it('prints the world of every WIT-shaped component of the component-model suites as jco componentWit does', async () => {
    const wit = await witAgreement(result.scripts.filter((s) => s.suite !== 'wasm-tools'));
    expect(wit.differing).toEqual([]);
    expect(wit.shaped).toBe(105);
  }, 60_000);
});
