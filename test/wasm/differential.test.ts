import { describe, expect, it } from 'vitest';
import { formatDifferential, runDifferential } from '../../scripts/wasm/differential.js';

describe('differential test against V8 (WebAssembly.validate)', () => {
  it('agrees on 10,000 seeded cases: wasm-opt -ttf modules and mutations of valid modules', async () => {
    const result = await runDifferential({ seed: 1, cases: 10_000, ttfModules: 400, streamEvery: 10 });
    const report = formatDifferential(result, 1).join('\n');
    expect(result.disagreements, report).toEqual([]);
    expect(result.streamMismatches, report).toEqual([]);
    expect(result.cases).toBe(10_000);
    expect(result.streamed).toBe(1_000);
    // Both answers occur often enough for agreement to mean something.
    expect(result.bothValid).toBeGreaterThan(500);
    expect(result.bothInvalid).toBeGreaterThan(5_000);
    // Cases V8 accepts only through its post-2.0 proposals stay rare.
    const excluded = Object.values(result.beyond20).reduce((a, b) => a + b, 0);
    expect(excluded).toBeLessThan(50);
    expect(result.bothValid + result.bothInvalid + excluded).toBe(10_000);
  }, 180_000);
});
