import { describe, expect, it } from 'vitest';
import { WrtError } from '../../ts/core/errors.js';
import { argumentSlot, describeSlot, resultMatches } from '../../ts/testsuite/slots.js';

describe('spec values and interpreter slots', () => {
  it('turns decimal bit patterns into slots, externref N into N+1', () => {
    expect(argumentSlot({ type: 'i32', value: '4294967295' })).toBe(0xffffffffn);
    expect(argumentSlot({ type: 'f64', value: '9221120237041090560' })).toBe(0x7ff8000000000000n);
    expect(argumentSlot({ type: 'externref', value: '0' })).toBe(1n);
    expect(argumentSlot({ type: 'externref', value: 'null' })).toBe(0n);
    expect(argumentSlot({ type: 'funcref', value: 'null' })).toBe(0n);
  });

  it('refuses v128 and malformed numbers with a WrtError', () => {
    expect(() => argumentSlot({ type: 'v128', lane_type: 'i32', value: ['0', '0', '0', '0'] })).toThrow(/not supported/);
    expect(() => argumentSlot({ type: 'i32', value: '-1' })).toThrow(WrtError);
  });

  it('matches NaN expectations by bit pattern', () => {
    const canonical = { type: 'f32', value: 'nan:canonical' } as const;
    const arithmetic = { type: 'f32', value: 'nan:arithmetic' } as const;
    expect(resultMatches(canonical, 0x7fc00000n)).toBe(true);
    expect(resultMatches(canonical, 0xffc00000n)).toBe(true);
    expect(resultMatches(canonical, 0x7fc00001n)).toBe(false);
    expect(resultMatches(arithmetic, 0x7fc00001n)).toBe(true);
    expect(resultMatches(arithmetic, 0x7fa00000n)).toBe(false); // signalling
    expect(resultMatches({ type: 'f64', value: 'nan:canonical' }, 0xfff8000000000000n)).toBe(true);
    expect(resultMatches({ type: 'f64', value: 'nan:arithmetic' }, 0x7ff4000000000000n)).toBe(false);
  });

  it('compares 32-bit results on the low half and references by identity or nullness', () => {
    expect(resultMatches({ type: 'i32', value: '7' }, 0x1_0000_0007n)).toBe(true);
    expect(resultMatches({ type: 'i64', value: '7' }, 0x1_0000_0007n)).toBe(false);
    expect(resultMatches({ type: 'externref', value: '2' }, 3n)).toBe(true);
    expect(resultMatches({ type: 'externref', value: 'null' }, 3n)).toBe(false);
    expect(resultMatches({ type: 'funcref', value: 'null' }, 0n)).toBe(true);
    expect(describeSlot('externref', 3n)).toBe('externref:2');
    expect(describeSlot('i32', 0x1_0000_0007n)).toBe('i32:7');
  });
});
