import { describe, expect, it } from 'vitest';
import { ASIL_LEVELS, atLeast, compareAsil, formatAsil, maxAsil, parseAsil } from '../../ts/foundation/asil.js';
import { SafetyContext } from '../../ts/foundation/safety-context.js';
import { thrown } from '../support/wrt-error.js';

describe('ASIL levels', () => {
  it('are ordered QM < A < B < C < D', () => {
    expect(ASIL_LEVELS).toEqual(['QM', 'A', 'B', 'C', 'D']);
    for (let i = 0; i < ASIL_LEVELS.length; i += 1) {
      for (let j = 0; j < ASIL_LEVELS.length; j += 1) {
        const a = ASIL_LEVELS[i];
        const b = ASIL_LEVELS[j];
        if (a === undefined || b === undefined) throw new Error('index');
        expect(Math.sign(compareAsil(a, b))).toBe(Math.sign(i - j));
        expect(atLeast(a, b)).toBe(i >= j);
      }
    }
    expect(maxAsil('B', 'D')).toBe('D');
    expect(maxAsil('QM', 'A')).toBe('A');
    expect(formatAsil('C')).toBe('ASIL C');
    expect(formatAsil('QM')).toBe('QM');
  });

  it('parses the usual spellings', () => {
    const cases: [string, string][] = [
      ['QM', 'QM'],
      ['qm', 'QM'],
      ['A', 'A'],
      ['d', 'D'],
      ['ASIL-C', 'C'],
      ['asil_c', 'C'],
      ['ASIL B', 'B'],
      ['AsilD', 'D'],
      ['  c  ', 'C'],
    ];
    for (const [text, level] of cases) expect(parseAsil(text, 'test')).toBe(level);
  });

  it('names the source of a bad level', () => {
    for (const bad of ['E', 'ASIL', 'asil-e', '', 'ASIL--C', 'level C', '3']) {
      const error = thrown(() => parseAsil(bad, 'env WRT_ASIL_LEVEL', 'WRT_ASIL_LEVEL'));
      expect(error.code).toBe('VALUE_INVALID');
      expect(error.location).toEqual({ source: 'env WRT_ASIL_LEVEL', field: 'WRT_ASIL_LEVEL' });
      expect(error.message).toContain(`"${bad}"`);
    }
  });
});

describe('SafetyContext', () => {
  it('effective level is the compiled level until raised', () => {
    const ctx = new SafetyContext('B');
    expect(ctx.effectiveLevel).toBe('B');
    expect(ctx.runtimeLevel).toBeUndefined();
    expect(ctx.atLeast('B')).toBe(true);
    expect(ctx.atLeast('C')).toBe(false);
  });

  it('a runtime level may raise the compiled one', () => {
    const ctx = new SafetyContext('B', 'D');
    expect(ctx.effectiveLevel).toBe('D');
    expect(ctx.atLeast('D')).toBe(true);
    const same = new SafetyContext('C', 'C');
    expect(same.effectiveLevel).toBe('C');
    const raised = new SafetyContext('QM').raise('A').raise('C');
    expect(raised.effectiveLevel).toBe('C');
    expect(raised.compiledLevel).toBe('QM');
    expect(raised.describe()).toBe('ASIL C (compiled QM, runtime ASIL C)');
  });

  it('refuses a runtime level below the compiled level', () => {
    const error = thrown(() => new SafetyContext('C', 'A', 'env WRT_ASIL_LEVEL'));
    expect(error.code).toBe('SAFETY_LEVEL_LOWERED');
    expect(error.exitCode).toBe(2);
    expect(error.location).toEqual({ field: 'runtime ASIL', limit: 'compiled level C', source: 'env WRT_ASIL_LEVEL' });
    expect(error.message).toContain('ASIL A');
    const ctx = new SafetyContext('C');
    expect(thrown(() => ctx.raise('QM')).location.limit).toBe('compiled level C');
  });

  it('raising is monotone: a later request cannot undo an earlier raise', () => {
    const ctx = new SafetyContext('B').raise('D');
    const error = thrown(() => ctx.raise('C'));
    expect(error.code).toBe('SAFETY_LEVEL_LOWERED');
    expect(error.location.limit).toBe('effective level D (compiled level B, raised at run time)');
    expect(ctx.effectiveLevel).toBe('D');
  });
});
