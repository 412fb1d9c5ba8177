/** WAVE text and the component model's value encoding, host side (ts/component/wave.ts, value-encoding.ts). */
import { describe, expect, it } from 'vitest';
import { type CType, encodeTupleType } from '../../ts/component/ctype.js';
import { decodeValue, encodeValues } from '../../ts/component/value-encoding.js';
import { formatFloat, formatWave, parseWaveCall, waveToValue } from '../../ts/component/wave.js';

const point: CType = { k: 'record', fields: [['x', { k: 's32' }], ['y', { k: 's32' }]] };
const opt: CType = { k: 'option', t: { k: 'string' } };
const res: CType = { k: 'result', ok: { k: 'u8' }, err: null };
const flags: CType = { k: 'flags', names: ['read', 'write', 'exec', 'a', 'b', 'c', 'd', 'e', 'nine'] };
const variant: CType = { k: 'variant', cases: [['none', null], ['some', { k: 'char' }]] };

function value(t: CType, text: string): ReturnType<typeof waveToValue> {
  const call = parseWaveCall(`f(${text})`);
  return waveToValue(t, call.args[0] as never, 'parameter p', text);
}

describe('WAVE', () => {
  it('parses and prints each kind the same way back', () => {
    const cases: [CType, string][] = [
      [point, '{x: 4, y: -2}'],
      [opt, 'some("a\\"b😀\\n")'],
      [opt, 'none'],
      [res, 'ok(7)'],
      [res, 'err'],
      [flags, '{read, nine}'],
      [variant, '%none'],
      [variant, "%some('\\'')"],
      [{ k: 'list', t: { k: 'tuple', ts: [{ k: 'bool' }, { k: 'f32' }] } }, '[(true, 1.5), (false, -inf)]'],
      [{ k: 'u64' }, '18446744073709551615'],
      [{ k: 's64' }, '-9223372036854775808'],
      [{ k: 'enum', names: ['red', 'green'] }, 'green'],
    ];
    for (const [t, text] of cases) expect(formatWave(t, value(t, text))).toBe(text);
  });

  it('leaves out option fields of a record as none', () => {
    const t: CType = { k: 'record', fields: [['a', { k: 'u8' }], ['b', opt]] };
    expect(formatWave(t, value(t, '{a: 1}'))).toBe('{a: 1, b: none}');
  });

  it('reads \\u{...} escapes', () => {
    expect(formatWave(opt, value(opt, 'some("\\u{1f600}\\u{7f}")'))).toBe('some("😀\\u{7f}")');
  });

  it('names the parameter, the type and the column of a bad argument', () => {
    expect(() => value(point, '{x: 4}')).toThrow(/parameter p: expected record \{ x: s32, y: s32 \}, got a record \(field y missing\) \(column 3\)/);
    expect(() => value({ k: 'u8' }, '256')).toThrow(/out of range 0\.\.255/);
    expect(() => value(variant, 'other')).toThrow(/the cases are none, some/);
    expect(() => parseWaveCall('f("abc)')).toThrow(/unterminated string/);
    expect(() => parseWaveCall("f('ab')")).toThrow(/exactly one character/);
    expect(() => parseWaveCall('f(1) x')).toThrow(/text after the closing parenthesis/);
  });

  it('prints floats as their shortest decimal without exponent', () => {
    expect([formatFloat(Math.fround(0.1), true), formatFloat(0.1, false), formatFloat(1e21, false), formatFloat(1e-7, false), formatFloat(-0, false)]).toEqual([
      '0.1',
      '0.1',
      '1000000000000000000000',
      '0.0000001',
      '-0',
    ]);
  });
});

describe('value encoding', () => {
  it('writes Binary.md value definitions byte for byte', () => {
    const ts: CType[] = [{ k: 's32' }, { k: 'string' }, flags, { k: 'f32' }, opt];
    const vs = [value(ts[0] as CType, '-5'), value(ts[1] as CType, '"hé"'), value(flags, '{read, nine}'), value(ts[3] as CType, 'nan'), value(opt, 'none')];
    expect([...encodeValues(ts, vs)]).toEqual([0x7b, 3, 0x68, 0xc3, 0xa9, 0x01, 0x01, 0x00, 0x00, 0xc0, 0x7f, 0x00]);
  });

  it('decodes what it encodes', () => {
    const t: CType = { k: 'list', t: point };
    const v = value(t, '[{x: 1, y: -1}, {x: 2147483647, y: -2147483648}]');
    expect(formatWave(t, decodeValue(t, encodeValues([t], [v])))).toBe('[{x: 1, y: -1}, {x: 2147483647, y: -2147483648}]');
    expect(() => decodeValue({ k: 'u32' }, Uint8Array.of(1, 2))).toThrow(/bytes after the value/);
  });

  it('encodes types as the device parses them (docs/component.md, "Type encoding")', () => {
    expect([...encodeTupleType([point, res, flags, variant])]).toEqual([0x12, 4, 0x11, 2, 0x05, 0x05, 0x16, 0x02, 0x1f, 0x17, 9, 0x13, 2, 0x1f, 0x0b]);
    expect(encodeTupleType([]).length).toBe(0);
  });
});
