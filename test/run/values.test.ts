import { describe, expect, it } from 'vitest';
import { formatValue, parseArguments } from '../../ts/run/values.js';
import { argsNotCarried, exitCodeOfOutcome, outcomeOf } from '../../ts/run/session.js';
import { Feature } from '../../ts/device/protocol.js';
import { expectWrtError } from '../support/wrt-error.js';

describe('command-line values', () => {
  it('types plain numbers by the signature and honours prefixes', () => {
    expect(parseArguments(['5', '-3', '1.5', '16'], ['i32', 'i64', 'f32', 'f64'])).toEqual([
      { type: 'i32', value: 5 },
      { type: 'i64', value: -3n },
      { type: 'f32', bits: 0x3fc00000 },
      { type: 'f64', bits: 0x4030000000000000n },
    ]);
    expect(parseArguments(['i32:0xffffffff', 'i64:18446744073709551615', 'f32:bits:0x7fa00001', 'f64:-inf'], undefined)).toEqual([
      { type: 'i32', value: -1 },
      { type: 'i64', value: -1n },
      { type: 'f32', bits: 0x7fa00001 },
      { type: 'f64', bits: 0xfff0000000000000n },
    ]);
    expect(parseArguments(['externref:7', 'externref:null', 'funcref:null'], undefined)).toEqual([
      { type: 'externref', index: 7 },
      { type: 'externref', index: null },
      { type: 'funcref', index: null },
    ]);
  });

  it('refuses what it cannot read, naming the argument and the limit', () => {
    expectWrtError(() => parseArguments(['4294967296'], ['i32']), 'VALUE_INVALID', { field: 'argument 1', limit: '-2147483648 .. 4294967295' });
    expectWrtError(() => parseArguments(['5'], undefined), 'USAGE', { field: 'argument 1' });
    expectWrtError(() => parseArguments(['1', '2'], ['i32']), 'USAGE', { field: 'ARGS', limit: '(i32)' });
    expectWrtError(() => parseArguments(['f32:1.5x'], undefined), 'VALUE_INVALID', { field: 'argument 1' });
    expectWrtError(() => parseArguments(['f32:bits:0x100000000'], undefined), 'VALUE_INVALID', { limit: 'a 32-bit pattern' });
    expectWrtError(() => parseArguments(['funcref:3'], undefined), 'VALUE_INVALID', { limit: 'funcref arguments can only be null' });
  });

  it('prints results with their type, NaNs with their bits', () => {
    expect(formatValue({ type: 'i32', value: -5 })).toBe('i32:-5');
    expect(formatValue({ type: 'i64', value: 2432902008176640000n })).toBe('i64:2432902008176640000');
    expect(formatValue({ type: 'f32', bits: 0x7fc00001 })).toBe('f32:nan:0x7fc00001');
    expect(formatValue({ type: 'f64', bits: 0x8000000000000000n })).toBe('f64:-0');
    expect(formatValue({ type: 'f32', bits: 0xff800000 })).toBe('f32:-inf');
    expect(formatValue({ type: 'f64', bits: 0x3ff8000000000000n })).toBe('f64:1.5');
    expect(formatValue({ type: 'externref', index: null })).toBe('externref:null');
  });
});

describe('INVOKE answers to outcomes', () => {
  const answer = { trapFunction: 0, fuelUsed: 9n, peakStackBytes: 16, results: [], frames: [], depth: 0 };
  it('reads trap 16 as an exit with the code in the function field', () => {
    const exited = outcomeOf({ ...answer, trap: 16, trapFunction: 3 }, true);
    expect(exited).toEqual({ kind: 'exited', exitCode: 3 });
    expect(exitCodeOfOutcome(exited)).toBe(3);
  });
  it('reads a returning _start as exit 0 and a trap as exit 1', () => {
    expect(outcomeOf({ ...answer, trap: 0 }, true)).toEqual({ kind: 'exited', exitCode: 0 });
    const trapped = outcomeOf({ ...answer, trap: 3, trapFunction: 7 }, false);
    expect(trapped).toEqual({ kind: 'trapped', trap: 3, trapName: 'integer divide by zero', functionIndex: 7, backtrace: { frames: [], depth: 0 } });
    expect(exitCodeOfOutcome(trapped)).toBe(1);
  });
});

describe('what a device without ARGS cannot carry (one rule for run, deploy and HIL)', () => {
  it('everything goes over ARGS when the device has it; without it only argv[0] and no environment', () => {
    expect(argsNotCarried(Feature.Args, ['sort', '-r'], { LANG: 'C' })).toEqual([]);
    expect(argsNotCarried(0, ['sort'], {})).toEqual([]);
    expect(argsNotCarried(0, ['sort', '-r', 'x'], { LANG: 'C', TZ: 'UTC' })).toEqual(['program arguments ["-r","x"]', 'environment LANG, TZ']);
  });
});
