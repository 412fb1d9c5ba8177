import { describe, expect, it } from 'vitest';
import { formatValue, formatWireValue, fromJsValue, fromWire, parseSuiteValue, toJsValue, toWire, valueMatches, valuesAgree } from '../../ts/wasm/values.js';
import { expectWrtError } from '../support/wrt-error.js';

const parse = (raw: unknown, nan = true) => parseSuiteValue(raw, 'suite.yaml', '/v', nan);

describe('typed values', () => {
  it('turns suite values into bit patterns', () => {
    expect(parse({ i32: -1 })).toEqual({ type: 'i32', bits: '4294967295' });
    expect(parse({ i32: '0x80000000' })).toEqual({ type: 'i32', bits: '2147483648' });
    expect(parse({ i64: '-9223372036854775808' })).toEqual({ type: 'i64', bits: '9223372036854775808' });
    expect(parse({ f32: 1.5 })).toEqual({ type: 'f32', bits: String(0x3fc00000) });
    expect(parse({ f32: '-inf' })).toEqual({ type: 'f32', bits: String(0xff800000) });
    expect(parse({ f64: 'nan' })).toEqual({ type: 'f64', bits: String(0x7ff8000000000000n) });
    expect(parse({ f32: '-nan' })).toEqual({ type: 'f32', bits: String(0xffc00000) });
    expect(parse({ f32: 'bits:0x7fa00001' })).toEqual({ type: 'f32', bits: String(0x7fa00001) });
    expect(parse({ f64: 'nan:canonical' })).toEqual({ type: 'f64', nan: 'canonical' });
  });

  it('refuses values that do not fit or are not exact', () => {
    expectWrtError(() => parse({ i32: 2147483648 * 2 }), 'CONFIG_SCHEMA', { field: '/v/i32', limit: 'fits 32 bits (signed or unsigned)' });
    expectWrtError(() => parse({ i64: 2 ** 60 }), 'CONFIG_SCHEMA', { field: '/v/i64', limit: 'decimal or 0x-hex integer' });
    expectWrtError(() => parse({ f32: 'bits:0x1ffffffff' }), 'CONFIG_SCHEMA', { field: '/v/f32' });
    expectWrtError(() => parse({ f32: 'nan:arithmetic' }, false), 'CONFIG_SCHEMA', { field: '/v/f32' });
    expectWrtError(() => parse({ v128: 1 }), 'CONFIG_SCHEMA', { field: '/v', limit: 'exactly one of i32 | i64 | f32 | f64' });
  });

  it('matches NaN classes and exact bits', () => {
    const canonical = { type: 'f32' as const, nan: 'canonical' as const };
    const arithmetic = { type: 'f32' as const, nan: 'arithmetic' as const };
    expect(valueMatches(canonical, { type: 'f32', bits: String(0x7fc00000) })).toBe(true);
    expect(valueMatches(canonical, { type: 'f32', bits: String(0xffc00000) })).toBe(true);
    expect(valueMatches(canonical, { type: 'f32', bits: String(0x7fc00001) })).toBe(false);
    expect(valueMatches(arithmetic, { type: 'f32', bits: String(0x7fc00001) })).toBe(true);
    expect(valueMatches(arithmetic, { type: 'f32', bits: String(0x7f800001) })).toBe(false);
    expect(valueMatches({ type: 'i32', bits: '5' }, { type: 'i64', bits: '5' })).toBe(false);
    expect(valuesAgree({ type: 'f64', bits: '1' }, { type: 'f64', bits: '2' })).toBe(false);
  });

  it('crosses the JavaScript boundary without losing bits', () => {
    expect(toJsValue({ type: 'i32', bits: '4294967295' })).toBe(-1);
    expect(toJsValue({ type: 'i64', bits: '18446744073709551615' })).toBe(-1n);
    expect(fromJsValue('i32', -1)).toEqual({ type: 'i32', bits: '4294967295' });
    expect(fromJsValue('i64', -2n)).toEqual({ type: 'i64', bits: '18446744073709551614' });
    expect(fromJsValue('f64', -0)).toEqual({ type: 'f64', bits: '9223372036854775808' });
    expect(fromJsValue('f32', Number.NaN)).toEqual({ type: 'f32', bits: String(0x7fc00000), nanOnly: true });
    expect(formatValue({ type: 'i64', bits: '18446744073709551615' })).toBe('i64:-1');
    expect(formatValue({ type: 'f32', bits: String(0x7fa00001) })).toBe('f32:nan:0x7fa00001');
    expect(formatValue({ type: 'f64', bits: String(0x3ff8000000000000n) })).toBe('f64:1.5');
  });

  it('has one text form for run, deploy and HIL, and crosses the wire without losing bits', () => {
    const model = [
      { type: 'i32', bits: '4294967295' },
      { type: 'i64', bits: '9223372036854775808' },
      { type: 'f32', bits: String(0xff800000) },
      { type: 'f64', bits: '9223372036854775808' },
      { type: 'f64', bits: String(0x7ff8000000000001n) },
    ] as const;
    expect(model.map(formatValue)).toEqual(['i32:-1', 'i64:-9223372036854775808', 'f32:-inf', 'f64:-0', 'f64:nan:0x7ff8000000000001']);
    for (const value of model) {
      const wire = toWire(value);
      expect(fromWire(wire)).toEqual(value);
      expect(formatWireValue(wire)).toBe(formatValue(value));
    }
    expect(formatWireValue({ type: 'externref', index: 7 })).toBe('externref:7');
    expect(formatWireValue({ type: 'funcref', index: null })).toBe('funcref:null');
    expect(fromWire({ type: 'externref', index: null })).toBeUndefined();
    expect(formatValue({ type: 'f32', nan: 'canonical' })).toBe('f32:nan:canonical');
  });
});
