import * as zlib from 'node:zlib';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildFrame, cobsDecode, cobsEncode, crc32, Deframer, encodeWireFrame, parseFrame } from '../../ts/device/framing.js';
import { mulberry32 } from '../../ts/core/prng.js';
import vectors from './vectors.json' with { type: 'json' };

const fromHex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text === '-' ? '' : text, 'hex'));
const toHex = (bytes: Uint8Array): string => (bytes.length === 0 ? '-' : Buffer.from(bytes).toString('hex'));

describe('CRC-32', () => {
  it('matches the shared vectors and zlib', () => {
    for (const v of vectors.crc32) {
      const bytes = fromHex(v.bytes);
      expect(crc32(bytes).toString(16).padStart(8, '0')).toBe(v.crc32);
      expect(crc32(bytes)).toBe(zlib.crc32(bytes));
    }
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('continues over pieces', () => {
    const bytes = new TextEncoder().encode('The quick brown fox jumps over the lazy dog');
    expect(crc32(bytes.subarray(10), crc32(bytes.subarray(0, 10)))).toBe(0x414fa339);
  });
});

describe('SHA-256 vectors (the C implementation checks the same ones)', () => {
  it('agree with node:crypto', () => {
    for (const v of vectors.sha256) {
      expect(createHash('sha256').update(fromHex(v.bytes)).digest('hex')).toBe(v.sha256);
    }
  });
});

describe('COBS', () => {
  it('encodes and decodes the shared vectors byte for byte', () => {
    for (const v of vectors.cobs) {
      expect(toHex(cobsEncode(fromHex(v.plain)))).toBe(v.encoded);
      const decoded = cobsDecode(fromHex(v.encoded));
      expect(decoded === undefined ? 'invalid' : toHex(decoded)).toBe(v.plain);
    }
  });

  it('round-trips random data of every block length without a zero in the output', () => {
    const random = mulberry32(42);
    for (let round = 0; round < 120; round++) {
      const length = Math.floor(random() * 800);
      const zeroRate = random() * 0.05;
      const plain = Uint8Array.from({ length }, () => (random() < zeroRate ? 0 : 1 + Math.floor(random() * 255)));
      const encoded = cobsEncode(plain);
      expect(encoded.includes(0)).toBe(false);
      expect(encoded.length).toBeLessThanOrEqual(length + Math.floor(length / 254) + 1);
      expect(Buffer.from(cobsDecode(encoded) ?? []).equals(Buffer.from(plain))).toBe(true);
    }
  });

  it('refuses a block that runs past the end', () => {
    expect(cobsDecode(Uint8Array.from([0x05, 0x11, 0x22]))).toBeUndefined();
  });
});

describe('frames', () => {
  it('encode to the shared wire bytes and parse back', () => {
    for (const v of vectors.frames) {
      const body = fromHex(v.body);
      const wire = encodeWireFrame({ type: v.type, flags: v.flags, seq: v.seq }, body);
      expect(toHex(wire)).toBe(v.wire);
      const events = new Deframer().push(wire);
      expect(events).toEqual([{ kind: 'frame', frame: { version: 1, type: v.type, flags: v.flags, seq: v.seq, body } }]);
    }
  });

  it('a leading delimiter is skipped as an empty frame', () => {
    const wire = encodeWireFrame({ type: 1, flags: 0, seq: 9 }, new Uint8Array(0), true);
    expect(wire[0]).toBe(0);
    const events = new Deframer().push(wire);
    expect(events.map((e) => e.kind)).toEqual(['frame']);
  });

  it('parseFrame names what is wrong', () => {
    const frame = buildFrame({ type: 2, flags: 0, seq: 1 }, Uint8Array.from([1, 2, 3]));
    expect(parseFrame(frame.subarray(0, 11))).toEqual({ ok: false, fault: 'short' });
    const badCrc = frame.slice();
    badCrc[badCrc.length - 1] = (badCrc[badCrc.length - 1] ?? 0) ^ 0x01;
    expect(parseFrame(badCrc)).toEqual({ ok: false, fault: 'crc' });
    /* A wrong body_len with a CRC computed over it. */
    const lying = frame.slice(0, frame.length - 4);
    lying[6] = 9;
    const resealed = new Uint8Array(lying.length + 4);
    resealed.set(lying);
    new DataView(resealed.buffer).setUint32(lying.length, crc32(lying), true);
    expect(parseFrame(resealed)).toEqual({ ok: false, fault: 'length' });
  });
});

describe('Deframer', () => {
  const hello = encodeWireFrame({ type: 1, flags: 0, seq: 5 }, new Uint8Array(0));

  it('resynchronises after garbage at the next delimiter', () => {
    const deframer = new Deframer();
    const garbage = Uint8Array.from([0x13, 0x37, 0x42, 0x00]);
    const events = deframer.push(Uint8Array.from([...garbage, ...hello]));
    expect(events.map((e) => e.kind)).toEqual(['broken', 'frame']);
    expect(events[0]).toMatchObject({ kind: 'broken', bytes: 3 });
  });

  it('reassembles frames fed one byte at a time', () => {
    const deframer = new Deframer();
    const wire = fromHex(vectors.frames[4]?.wire ?? '');
    const frames = [];
    for (const byte of wire) frames.push(...deframer.push(Uint8Array.of(byte)));
    expect(frames).toHaveLength(1);
    expect(frames[0]?.kind).toBe('frame');
    expect(deframer.busy).toBe(false);
  });

  it('reports a corrupted frame and decodes the next one', () => {
    const corrupted = hello.slice();
    corrupted[3] = (corrupted[3] ?? 0) ^ 0x40;
    const events = new Deframer().push(Uint8Array.from([...corrupted, ...hello]));
    expect(events.map((e) => e.kind)).toEqual(['broken', 'frame']);
  });

  it('drops an oversize frame once and keeps going', () => {
    const deframer = new Deframer(256);
    const noise = new Uint8Array(2000).fill(0x55);
    const events = deframer.push(Uint8Array.from([...noise, 0, ...hello]));
    expect(events[0]).toEqual({ kind: 'broken', fault: 'too-large', bytes: 2000 });
    expect(events[1]?.kind).toBe('frame');
  });
});
