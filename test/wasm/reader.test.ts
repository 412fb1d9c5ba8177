import { describe, expect, it } from 'vitest';
import { WrtError } from '../../ts/core/errors.js';
import { Reader, UNDERFLOW, decodeUtf8 } from '../../ts/wasm/reader.js';

const failer = {
  fail(code: 'WASM_MALFORMED' | 'WASM_INVALID', message: string, offset: number): never {
    throw new WrtError(code, message, { offset });
  },
};

function reader(bytes: readonly number[], hard = true, base = 0): Reader {
  const r = new Reader(failer);
  r.bind(Uint8Array.from(bytes), 0, bytes.length, base, hard);
  return r;
}

function error(run: () => unknown): WrtError {
  try {
    run();
  } catch (e) {
    if (e instanceof WrtError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('LEB128 reader', () => {
  it('decodes unsigned 32-bit values from one to five bytes', () => {
    expect(reader([0x00]).u32()).toBe(0);
    expect(reader([0x7f]).u32()).toBe(127);
    expect(reader([0x80, 0x01]).u32()).toBe(128);
    expect(reader([0xe5, 0x8e, 0x26]).u32()).toBe(624485);
    expect(reader([0xff, 0xff, 0xff, 0xff, 0x0f]).u32()).toBe(0xffffffff);
    // A non-minimal encoding of 0 is allowed up to 5 bytes.
    const r = reader([0x80, 0x80, 0x80, 0x80, 0x00]);
    expect(r.u32()).toBe(0);
    expect(r.pos).toBe(5);
  });

  it('rejects a fifth byte with unused bits or a continuation, at the offset of the number', () => {
    const tooLarge = error(() => reader([0xff, 0xff, 0xff, 0xff, 0x1f], true, 100).u32());
    expect(tooLarge.message).toBe('integer too large');
    expect(tooLarge.location.offset).toBe(100);
    const tooLong = error(() => reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x00], true, 7).u32());
    expect(tooLong.message).toBe('integer representation too long');
    expect(tooLong.location.offset).toBe(7);
  });

  it('decodes signed 32-bit values and checks the sign extension of the fifth byte', () => {
    expect(reader([0x7f]).s32()).toBe(-1);
    expect(reader([0x3f]).s32()).toBe(63);
    expect(reader([0x40]).s32()).toBe(-64);
    expect(reader([0x80, 0x7f]).s32()).toBe(-128);
    expect(reader([0xff, 0xff, 0xff, 0xff, 0x07]).s32()).toBe(0x7fffffff);
    expect(reader([0x80, 0x80, 0x80, 0x80, 0x78]).s32()).toBe(-0x80000000);
    expect(error(() => reader([0xff, 0xff, 0xff, 0xff, 0x0f]).s32()).message).toBe('integer too large');
    expect(error(() => reader([0x80, 0x80, 0x80, 0x80, 0x70]).s32()).message).toBe('integer too large');
  });

  it('checks signed 64-bit values: ten bytes at most, only the sign bit in the last', () => {
    const max = reader([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00]);
    max.s64();
    expect(max.pos).toBe(10);
    const min = reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f]);
    min.s64();
    expect(min.pos).toBe(10);
    expect(error(() => reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]).s64()).message).toBe('integer too large');
    expect(error(() => reader([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).s64()).message).toBe(
      'integer representation too long',
    );
  });

  it('reads block types: empty, a value type, or a non-negative s33 type index', () => {
    expect(reader([0x40]).blockType()).toBe(-0x40);
    expect(reader([0x7f]).blockType()).toBe(-0x7f);
    expect(reader([0x05]).blockType()).toBe(5);
    expect(reader([0x80, 0x01]).blockType()).toBe(128);
    expect(reader([0xff, 0xff, 0xff, 0xff, 0x0f]).blockType()).toBe(0xffffffff);
    expect(error(() => reader([0xff, 0x7f]).blockType()).message).toMatch(/negative type index/);
    expect(error(() => reader([0xff, 0xff, 0xff, 0xff, 0x1f]).blockType()).message).toBe('integer too large');
  });

  it('throws UNDERFLOW at a soft end (more bytes may come) and a malformed error at a hard end', () => {
    expect(() => reader([0x80], false).u32()).toThrow(expect.objectContaining({ underflow: true }));
    try {
      reader([0x80], false).u32();
    } catch (e) {
      expect(e).toBe(UNDERFLOW);
    }
    const hard = reader([0x80], true, 40);
    hard.endMessage = 'unexpected end of section or function';
    const e = error(() => hard.u32());
    expect(e.message).toBe('unexpected end of section or function');
    expect(e.location.offset).toBe(41);
  });

  it('decodes names as strict UTF-8', () => {
    expect(reader([3, 0x61, 0x62, 0x63]).name()).toBe('abc');
    expect(reader([3, 0xe2, 0x82, 0xac]).name()).toBe('€');
    // A byte-order mark is part of the name, not dropped.
    expect(reader([3, 0xef, 0xbb, 0xbf]).name()).toBe('\ufeff');
    expect(decodeUtf8(Uint8Array.of(0xc0, 0x80))).toBeNull(); // overlong NUL
    expect(decodeUtf8(Uint8Array.of(0xed, 0xa0, 0x80))).toBeNull(); // surrogate
    expect(decodeUtf8(Uint8Array.of(0xf4, 0x90, 0x80, 0x80))).toBeNull(); // above U+10FFFF
    expect(error(() => reader([2, 0xc0, 0x80]).name()).message).toBe('malformed UTF-8 encoding');
    expect(error(() => reader([5, 0x61]).name()).message).toBe('length out of bounds');
  });
});
