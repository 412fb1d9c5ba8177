import { describe, expect, it } from 'vitest';
import { MemoryBudget, alignUp } from '../../ts/foundation/memory-budget.js';
import { thrown } from '../support/wrt-error.js';

describe('MemoryBudget', () => {
  it('bumps with alignment and accounts exactly', () => {
    const budget = new MemoryBudget(1000);
    const a = budget.allocate('code', 10, 4);
    const b = budget.allocate('globals', 20, 16);
    const c = budget.allocate('frames', 3, 1);
    expect([a.offset, b.offset, c.offset]).toEqual([0, 16, 36]);
    expect(budget.used()).toBe(33);
    expect(budget.top()).toBe(39);
    expect(budget.available()).toBe(961);
    expect(budget.stranded()).toBe(6);
    expect(budget.total()).toBe(1000);
    expect(budget.layout()).toEqual([
      { purpose: 'code', offset: 0, size: 10, align: 4 },
      { purpose: 'globals', offset: 16, size: 20, align: 16 },
      { purpose: 'frames', offset: 36, size: 3, align: 1 },
    ]);
  });

  it('defaults to 8-byte alignment and sums the breakdown per purpose', () => {
    const budget = new MemoryBudget(256);
    budget.allocate('tables', 5);
    const second = budget.allocate('tables', 7);
    budget.allocate('code', 1);
    expect(second.offset).toBe(8);
    expect(second.align).toBe(8);
    expect([...budget.breakdown()]).toEqual([
      ['tables', 12],
      ['code', 1],
    ]);
  });

  it('refuses an allocation past the total, naming purpose and bytes, and stays unchanged', () => {
    const budget = new MemoryBudget(100, 'device arena');
    budget.allocate('code', 60);
    const error = thrown(() => budget.allocate('memory', 41, 1));
    expect(error.code).toBe('BUDGET_EXCEEDED');
    expect(error.exitCode).toBe(1);
    expect(error.location).toEqual({ field: 'memory', limit: '40 bytes available of 100' });
    expect(error.message).toBe('device arena: cannot allocate 41 bytes for memory: 40 bytes available of 100');
    expect(budget.used()).toBe(60);
    expect(budget.layout()).toHaveLength(1);
    // Exactly the rest fits.
    expect(budget.allocate('memory', 40, 1).offset).toBe(60);
    expect(budget.available()).toBe(0);
  });

  it('counts alignment padding against an allocation and says so', () => {
    const budget = new MemoryBudget(31);
    budget.allocate('code', 1, 1);
    const error = thrown(() => budget.allocate('value stack', 16, 16));
    expect(error.message).toBe('memory budget: cannot allocate 16 bytes (+15 bytes padding to align 16) for value stack: 30 bytes available of 31');
    expect(budget.allocate('value stack', 16, 8).offset).toBe(8);
  });

  it('free in reverse order reclaims the top; a hole below stays stranded', () => {
    const budget = new MemoryBudget(64);
    const a = budget.allocate('a', 16);
    const b = budget.allocate('b', 16);
    const c = budget.allocate('c', 16);
    budget.free(b);
    expect(budget.used()).toBe(32);
    expect(budget.top()).toBe(48);
    expect(budget.stranded()).toBe(16);
    expect([...budget.breakdown().keys()]).toEqual(['a', 'c']);
    budget.free(c);
    // Nothing live above a: the top drops to a's end, swallowing b's hole.
    expect(budget.top()).toBe(16);
    expect(budget.available()).toBe(48);
    const d = budget.allocate('d', 48);
    expect(d.offset).toBe(16);
    budget.free(d);
    budget.free(a);
    expect(budget.top()).toBe(0);
    expect(budget.used()).toBe(0);
  });

  it('a double free is a defect', () => {
    const budget = new MemoryBudget(64);
    const a = budget.allocate('code', 8);
    budget.free(a);
    expect(thrown(() => budget.free(a)).code).toBe('INTERNAL');
  });

  it('rejects bad sizes and alignments as input errors', () => {
    const budget = new MemoryBudget(64);
    expect(thrown(() => budget.allocate('code', -1)).code).toBe('VALUE_INVALID');
    expect(thrown(() => budget.allocate('code', 1.5)).code).toBe('VALUE_INVALID');
    expect(thrown(() => budget.allocate('code', 1, 3)).location.limit).toBe('power of two from 1 to 2^30');
    expect(thrown(() => new MemoryBudget(-5)).code).toBe('VALUE_INVALID');
    expect(budget.allocate('nothing', 0).size).toBe(0);
  });

  it('alignUp rounds to the next multiple', () => {
    expect(alignUp(0, 16)).toBe(0);
    expect(alignUp(1, 16)).toBe(16);
    expect(alignUp(16, 16)).toBe(16);
    expect(alignUp(17, 8)).toBe(24);
  });
});
