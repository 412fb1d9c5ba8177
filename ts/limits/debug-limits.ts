import type { DebugLevel } from './types.js';

/**
 * Bytes one breakpoint and one trace-buffer entry take in the device runtime's TRACE region: a
 * function index (u32), and a function index and call depth (two u32) — WRT_BREAKPOINT_BYTES and
 * WRT_TRACE_ENTRY_BYTES of native/interp/wrt_api.h (test/profile/record-sizes.test.ts checks both).
 */
export const BREAKPOINT_BYTES = 4;
export const TRACE_ENTRY_BYTES = 8;

export interface DebugLevelSpec {
  /** Overhead = floor(total / divisor); null = no overhead. */
  readonly divisor: number | null;
  /** Breakpoints the level offers (8 matches a Cortex-M FPB's comparators; full is software). */
  readonly breakpoints: number;
  /** Upper bound on trace-buffer entries; fewer when the overhead budget is smaller. */
  readonly maxTraceEntries: number;
}

export const DEBUG_LEVEL_SPECS: Readonly<Record<DebugLevel, DebugLevelSpec>> = {
  none: { divisor: null, breakpoints: 0, maxTraceEntries: 0 },
  basic: { divisor: 50, breakpoints: 8, maxTraceEntries: 1024 },
  full: { divisor: 10, breakpoints: 64, maxTraceEntries: 65_536 },
};

export interface DebugLimits {
  readonly level: DebugLevel;
  /** Bytes set aside for debugging, out of the total. */
  readonly overheadBytes: number;
  readonly breakpoints: number;
  readonly traceBufferEntries: number;
}

/**
 * Debug limits for a total memory. overhead = floor(total / 50) for basic, floor(total / 10) for
 * full. Breakpoints come out of the overhead first (at most the level's count), the trace buffer
 * gets what is left, at most the level's bound.
 */
export function debugLimitsFor(level: DebugLevel, totalBytes: number): DebugLimits {
  const spec = DEBUG_LEVEL_SPECS[level];
  const overheadBytes = spec.divisor === null ? 0 : floorDiv(totalBytes, spec.divisor);
  const breakpoints = Math.min(spec.breakpoints, floorDiv(overheadBytes, BREAKPOINT_BYTES));
  const traceRoom = overheadBytes - breakpoints * BREAKPOINT_BYTES;
  const traceBufferEntries = Math.min(spec.maxTraceEntries, floorDiv(traceRoom, TRACE_ENTRY_BYTES));
  return { level, overheadBytes, breakpoints, traceBufferEntries };
}

/** Integer division rounding down; exact for every safe integer n >= 0 and integer d > 0. */
export function floorDiv(n: number, d: number): number {
  return (n - (n % d)) / d;
}
