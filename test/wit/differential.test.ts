import { describe, expect, it } from 'vitest';
import { caseText, ours, runWitDifferential } from '../../scripts/wit/differential.js';

describe('WIT differential against jco (wit-parser)', () => {
  it('agrees with jco on 10,000 seeded generated and mutated packages (the issue\'s CI figure)', async () => {
    const result = await runWitDifferential(16, 10_000);
    expect(result.disagreements.map((d) => `case ${d.index}: ours ${d.ours.message || 'accept'} / jco ${d.jco.message || 'accept'}`)).toEqual([]);
    expect(result.crashes).toBe(0);
    // Both answers occur, so the run tests both sides of the line.
    expect(result.bothAccepted).toBeGreaterThan(2000);
    expect(result.bothRejected).toBeGreaterThan(2000);
  }, 120_000);

  it('reproduces a case from its seed and index', () => {
    expect(caseText(16, 5).text).toBe(caseText(16, 5).text);
    expect(caseText(16, 5).text).not.toBe(caseText(17, 5).text);
    expect(ours(caseText(16, 0).text).message).not.toMatch(/^CRASH/);
  });
});
