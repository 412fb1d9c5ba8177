import { describe, expect, it } from 'vitest';
import { WrtError } from '../../ts/core/errors.js';
import { mulberry32 } from '../../ts/core/prng.js';
import {
  decodeError,
  decodeGlobalValue,
  decodeHello,
  decodeInvokeResult,
  decodeLog,
  decodeNextOffset,
  decodeOutput,
  decodeSession,
  decodeStats,
  decodeUploadEnd,
  encodeInvoke,
  encodeNamed,
  encodeSession,
  encodeUploadBegin,
  encodeUploadChunk,
  f32,
  f64,
  i32,
  i64,
} from '../../ts/device/messages.js';
import { expectWrtError } from '../support/wrt-error.js';
import vectors from './vectors.json' with { type: 'json' };

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const bytes = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

describe('request encoders', () => {
  it('INVOKE: fuel, name, typed arguments, little-endian', () => {
    const body = encodeInvoke({
      name: 'add',
      fuel: 0x0102n,
      args: [i32(-2), i64(1n), f32(1), f64(2), { type: 'funcref', index: null }, { type: 'externref', index: 5 }],
    });
    expect(hex(body)).toBe(
      '0201000000000000' + // fuel
        '03616464' + // name
        '06' + // nargs
        '7ffeffffff' +
        '7e0100000000000000' +
        '7d0000803f' +
        '7c0000000000000040' +
        '70ffffffff' +
        '6f05000000',
    );
  });

  it('INVOKE bodies match the shared vectors the C decoder checks', () => {
    for (const v of vectors.invoke) {
      const args = v.args.map((a) => {
        const bits = BigInt(`0x${a.bits}`);
        switch (a.type) {
          case 0x7f:
            return i32(Number(bits));
          case 0x7e:
            return i64(bits);
          case 0x7d:
            return { type: 'f32', bits: Number(bits) } as const;
          case 0x7c:
            return { type: 'f64', bits } as const;
          default:
            return { type: a.type === 0x70 ? 'funcref' : 'externref', index: bits === 0xffffffffn ? null : Number(bits) } as const;
        }
      });
      expect(hex(encodeInvoke({ name: v.name, fuel: BigInt(v.fuel), args }))).toBe(v.body);
    }
  });

  it('UPLOAD_BEGIN and UPLOAD_CHUNK layouts', () => {
    const sha = new Uint8Array(32).fill(0xab);
    expect(hex(encodeUploadBegin({ size: 0x10203, sha256: sha, profile: Uint8Array.of(9, 8) }))).toBe(
      `03020100${'ab'.repeat(32)}02000908`,
    );
    // With the start function's fuel (Feature.StartFuel): a trailing u64.
    expect(hex(encodeUploadBegin({ size: 1, sha256: sha, profile: new Uint8Array(0), startFuel: 0x0102n }))).toBe(`01000000${'ab'.repeat(32)}0000${'0201000000000000'}`);
    expect(hex(encodeUploadChunk(0x400, Uint8Array.of(0, 1)))).toBe('000400000001');
  });

  it('refuses values the wire cannot carry', () => {
    expectWrtError(() => encodeInvoke({ name: '', args: [] }), 'VALUE_INVALID', { field: 'export', limit: '1 .. 64 bytes' });
    expectWrtError(() => encodeInvoke({ name: 'x'.repeat(65), args: [] }), 'VALUE_INVALID', { field: 'export' });
    expectWrtError(() => encodeInvoke({ name: 'f', args: Array.from({ length: 33 }, () => i32(0)) }), 'VALUE_INVALID', {
      field: 'args',
    });
    expectWrtError(() => encodeInvoke({ name: 'f', args: [{ type: 'i32', value: 2 ** 33 }] }), 'VALUE_INVALID', {
      field: 'args[0]',
    });
    expectWrtError(() => encodeInvoke({ name: 'f', args: [{ type: 'funcref', index: -1 }] }), 'VALUE_INVALID', {
      field: 'args[0]',
    });
    expectWrtError(() => encodeUploadBegin({ size: -1, sha256: new Uint8Array(32), profile: new Uint8Array(0) }), 'VALUE_INVALID', {
      field: 'size',
    });
    // An empty module is an upload like any other; the device refuses it as malformed when it loads.
    expect(encodeUploadBegin({ size: 0, sha256: new Uint8Array(32), profile: new Uint8Array(0) }).length).toBe(38);
    expectWrtError(() => encodeUploadBegin({ size: 1, sha256: new Uint8Array(31), profile: new Uint8Array(0) }), 'VALUE_INVALID', {
      field: 'sha256',
    });
    expectWrtError(() => encodeUploadChunk(0, new Uint8Array(0)), 'VALUE_INVALID', { field: 'data' });
  });
});

describe('answer decoders', () => {
  it('INVOKE result with a trap and with results', () => {
    // A device without the backtrace feature ends after the results.
    expect(decodeInvokeResult(bytes('0b000000' + '03000000' + '0a00000000000000' + '20000000' + '00'))).toEqual({
      trap: 11,
      trapFunction: 3,
      fuelUsed: 10n,
      peakStackBytes: 32,
      results: [],
      frames: [],
      depth: 0,
    });
    // One with it: depth 9, two frames kept (function 3 cell 6, function 1 cell 0x105).
    const traced = decodeInvokeResult(bytes('0b000000' + '03000000' + '0a00000000000000' + '20000000' + '00' + '09000000' + '02' + '03000000' + '06000000' + '01000000' + '05010000'));
    expect(traced.frames).toEqual([{ func: 3, cell: 6 }, { func: 1, cell: 0x105 }]);
    expect(traced.depth).toBe(9);
    expect(() => decodeInvokeResult(bytes('0b000000' + '03000000' + '0a00000000000000' + '20000000' + '00' + '09000000' + '02' + '03000000'))).toThrow(expect.objectContaining({ message: 'INVOKE answer is cut short', location: expect.objectContaining({ field: 'frames[0].cell', offset: 30 }) }));
    const ok = decodeInvokeResult(bytes('00000000' + '00000000' + '0100000000000000' + '08000000' + '02' + '7f2a000000' + '7effffffffffffffff'));
    expect(ok.results).toEqual([i32(42), i64(-1n)]);
  });

  it('ERROR, STATS, UPLOAD_END, OUTPUT, LOG', () => {
    expect(decodeError(bytes('0e00040464000000000000006861736a'))).toEqual({
      code: 14,
      name: 'HASH_MISMATCH',
      aboutType: 4,
      detail: 100,
      limit: 0,
      message: 'hasj',
    });
    expect(decodeStats(bytes('0201610500000000000000026263ffffffffffffffff'))).toEqual(
      new Map([
        ['a', 5n],
        ['bc', 0xffff_ffff_ffff_ffffn],
      ]),
    );
    expect(decodeUploadEnd(bytes(`0a000000${'11'.repeat(32)}`))).toEqual({ size: 10, sha256: new Uint8Array(32).fill(0x11) });
    expect(decodeOutput(bytes('02414243'))).toEqual({ stream: 2, bytes: Uint8Array.of(0x41, 0x42, 0x43) });
    expect(decodeLog(bytes('016869'))).toEqual({ level: 1, text: 'hi' });
    expect(decodeNextOffset(bytes('00010000'), 'UPLOAD_CHUNK')).toBe(256);
  });

  it('names the field and offset of a short or long body', () => {
    expectWrtError(() => decodeNextOffset(bytes('0001'), 'UPLOAD_CHUNK'), 'PROTOCOL_ERROR', { field: 'next_offset', offset: 0 });
    expectWrtError(() => decodeNextOffset(bytes('0001000000'), 'UPLOAD_CHUNK'), 'PROTOCOL_ERROR', { offset: 4 });
    expectWrtError(() => decodeInvokeResult(bytes('00000000000000000000000000000000000000000180')), 'PROTOCOL_ERROR', {
      field: 'results[0]',
      offset: 21,
    });
    const hello = new Uint8Array(32);
    new DataView(hello.buffer).setUint16(2, 100, true);
    expectWrtError(() => decodeHello(hello), 'PROTOCOL_ERROR', { field: 'max_frame', limit: '256 .. 4096' });
  });

  it('random bodies give a value or a WrtError, never another exception', () => {
    const random = mulberry32(99);
    const decoders = [
      decodeHello,
      decodeInvokeResult,
      decodeStats,
      decodeError,
      decodeUploadEnd,
      decodeOutput,
      decodeLog,
      decodeSession,
      decodeGlobalValue,
    ];
    let refused = 0;
    for (let round = 0; round < 3000; round++) {
      const body = Uint8Array.from({ length: Math.floor(random() * 60) }, () => Math.floor(random() * 256));
      const decode = decoders[round % decoders.length] ?? decodeHello;
      try {
        decode(body);
      } catch (error) {
        if (!(error instanceof WrtError)) throw error;
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(1000);
  });
});

describe('session messages (docs/protocol.md §4a)', () => {
  it('SESSION requests and answers match the shared vectors the C codec checks', () => {
    for (const v of vectors.session) {
      expect(hex(encodeSession(v.mode ?? undefined, v.features ?? undefined))).toBe(v.request === '-' ? '' : v.request);
      expect(decodeSession(bytes(v.answer))).toEqual(v.fields);
    }
  });

  it('REGISTER / GLOBAL_GET bodies match the shared vectors: u16 instance, u16 name length, name', () => {
    for (const v of vectors.named) expect(hex(encodeNamed(v.instance, v.name))).toBe(v.body);
    expect(hex(encodeNamed(2, 'spectest'))).toBe('02000800' + Buffer.from('spectest').toString('hex'));
  });

  it('INVOKE with an instance: trailing u16, long-name form for empty and long names', () => {
    for (const v of vectors.invoke_on) {
      const args = v.args.map((a) => {
        const bits = BigInt(`0x${a.bits}`);
        if (a.type === 0x7f) return i32(Number(BigInt.asIntN(32, bits)));
        if (a.type === 0x7e) return i64(bits);
        if (a.type === 0x7c) return { type: 'f64', bits } as const;
        return { type: 'externref', index: bits === 0xffffffffn ? null : Number(bits) } as const;
      });
      expect(hex(encodeInvoke({ name: v.name, fuel: BigInt(v.fuel), args, instance: v.instance }))).toBe(v.body);
    }
    /* Without an instance the body is version 1's, byte for byte. */
    expect(hex(encodeInvoke({ name: 'run', args: [] }))).toBe(vectors.invoke[1]?.body);
    expect(hex(encodeInvoke({ name: 'run', args: [], instance: 0 }))).toBe(`${vectors.invoke[1]?.body}0000`);
  });

  it('refuses what the session messages cannot carry', () => {
    expectWrtError(() => encodeSession(2), 'VALUE_INVALID', { field: 'mode' });
    expectWrtError(() => encodeNamed(0x10000, 'x'), 'VALUE_INVALID', { field: 'instance', limit: '0 .. 65535' });
    expectWrtError(() => encodeNamed(-1, 'x'), 'VALUE_INVALID', { field: 'instance' });
    expectWrtError(() => encodeNamed(1, 'x'.repeat(513)), 'VALUE_INVALID', { field: 'name', limit: '0 .. 512 bytes' });
    expectWrtError(() => encodeInvoke({ name: 'x'.repeat(513), args: [], instance: 1 }), 'VALUE_INVALID', { field: 'export' });
    expectWrtError(() => encodeInvoke({ name: 'f', args: [], instance: 1.5 }), 'VALUE_INVALID', { field: 'instance' });
  });

  it('decodes GLOBAL_GET values and refuses a broken SESSION answer', () => {
    expect(decodeGlobalValue(bytes('7f9a020000'))).toEqual(i32(666));
    expect(decodeGlobalValue(bytes('70feffffff'))).toEqual({ type: 'funcref', index: 0xfffffffe });
    expectWrtError(() => decodeGlobalValue(bytes('7f9a02000000')), 'PROTOCOL_ERROR', { offset: 5 });
    expect(decodeSession(bytes('010100000000000000000000')).features).toBe(1);
    expectWrtError(() => decodeSession(bytes('010200000000000000000000')), 'PROTOCOL_ERROR', { field: 'features', offset: 1 });
    expectWrtError(() => encodeSession(1, 2), 'VALUE_INVALID', { field: 'features' });
    expectWrtError(() => encodeSession(undefined, 1), 'VALUE_INVALID', { field: 'features' });
    expectWrtError(() => decodeSession(bytes('020000000000000000000000')), 'PROTOCOL_ERROR', { field: 'mode' });
    expectWrtError(() => decodeSession(bytes('0100')), 'PROTOCOL_ERROR', { field: 'instances', offset: 2 });
  });
});
