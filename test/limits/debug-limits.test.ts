import { describe, expect, it } from 'vitest';
import { debugLimitsFor, floorDiv } from '../../ts/limits/debug-limits.js';

describe('debug limits', () => {
  it('none costs nothing', () => {
    expect(debugLimitsFor('none', 2 ** 30)).toEqual({ level: 'none', overheadBytes: 0, breakpoints: 0, traceBufferEntries: 0 });
  });

  it('basic is total/50 and full is total/10 exactly when they divide', () => {
    expect(debugLimitsFor('basic', 1_000_000).overheadBytes).toBe(20_000);
    expect(debugLimitsFor('full', 1_000_000).overheadBytes).toBe(100_000);
  });

  it('rounds the overhead down', () => {
    expect(debugLimitsFor('basic', 1049).overheadBytes).toBe(20);
    expect(debugLimitsFor('full', 1049).overheadBytes).toBe(104);
    expect(debugLimitsFor('basic', 1_000_049).overheadBytes).toBe(20_000);
    expect(debugLimitsFor('full', 1_000_009).overheadBytes).toBe(100_000);
  });

  it('fits breakpoints first, then the trace buffer, into the overhead', () => {
    // 64 KiB MCU: basic 1310 bytes = 8 breakpoints (4 B each, 32 B) + 159 trace entries (8 B each, 1272 B).
    expect(debugLimitsFor('basic', 65536)).toEqual({ level: 'basic', overheadBytes: 1310, breakpoints: 8, traceBufferEntries: 159 });
    // full 6553 bytes = 64 breakpoints (256 B) + 787 entries (6296 B).
    expect(debugLimitsFor('full', 65536)).toEqual({ level: 'full', overheadBytes: 6553, breakpoints: 64, traceBufferEntries: 787 });
    // On a host the level's bounds apply.
    expect(debugLimitsFor('full', 2 ** 30)).toEqual({ level: 'full', overheadBytes: 107374182, breakpoints: 64, traceBufferEntries: 65536 });
    expect(debugLimitsFor('basic', 2 ** 30).traceBufferEntries).toBe(1024);
    // Too little memory for a single breakpoint record.
    expect(debugLimitsFor('basic', 100)).toEqual({ level: 'basic', overheadBytes: 2, breakpoints: 0, traceBufferEntries: 0 });
  });

  it('divides exactly up to 2^53', () => {
    expect(floorDiv(2 ** 53 - 1, 50)).toBe(180143985094819);
    expect(floorDiv(2 ** 53 - 1, 10)).toBe(900719925474099);
    expect(floorDiv(99, 50)).toBe(1);
    expect(floorDiv(0, 10)).toBe(0);
  });
});
