import koffi from 'koffi';
import { beforeAll, describe, expect, it } from 'vitest';
import { interp } from './helpers.js';

/**
 * The IEEE helpers of wrt_float.c against JavaScript's own (correctly rounded) arithmetic, on
 * seeded random bit patterns: the software square roots the portable build uses, and the exact
 * rounding functions every build uses.
 */
type U32Fn = (bits: number) => number;
type U64Fn = (bits: bigint) => number | bigint;

let f32SqrtSoft: U32Fn;
let f64SqrtSoft: U64Fn;
let f32Nearest: U32Fn;
let f64Nearest: U64Fn;
let f64Floor: U64Fn;
let f64Ceil: U64Fn;
let f64Trunc: U64Fn;

beforeAll(() => {
  const lib = koffi.load(interp().path);
  f32SqrtSoft = lib.func('uint32_t wrt_f32_sqrt_soft(uint32_t)') as unknown as U32Fn;
  f64SqrtSoft = lib.func('uint64_t wrt_f64_sqrt_soft(uint64_t)') as unknown as U64Fn;
  f32Nearest = lib.func('uint32_t wrt_f32_nearest(uint32_t)') as unknown as U32Fn;
  f64Nearest = lib.func('uint64_t wrt_f64_nearest(uint64_t)') as unknown as U64Fn;
  f64Floor = lib.func('uint64_t wrt_f64_floor(uint64_t)') as unknown as U64Fn;
  f64Ceil = lib.func('uint64_t wrt_f64_ceil(uint64_t)') as unknown as U64Fn;
  f64Trunc = lib.func('uint64_t wrt_f64_trunc(uint64_t)') as unknown as U64Fn;
});

const f64 = new Float64Array(1);
const u64 = new BigUint64Array(f64.buffer);
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function bits64(x: number): bigint {
  f64[0] = x;
  return u64[0] ?? 0n;
}
function from64(bits: bigint): number {
  u64[0] = bits;
  return f64[0] ?? 0;
}
function bits32(x: number): number {
  f32[0] = x;
  return u32[0] ?? 0;
}
function from32(bits: number): number {
  u32[0] = bits;
  return f32[0] ?? 0;
}

/** xorshift64*: the same samples on every run. */
function random64(seed: bigint): () => bigint {
  let state = seed;
  return () => {
    state ^= state >> 12n;
    state ^= (state << 25n) & 0xffffffffffffffffn;
    state ^= state >> 27n;
    return (state * 0x2545f4914f6cdd1dn) & 0xffffffffffffffffn;
  };
}

/** Round half to even, as WebAssembly's nearest. */
function nearestReference(x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) >= 2 ** 52) return x;
  const floor = Math.floor(x);
  const diff = x - floor;
  let r = diff < 0.5 ? floor : diff > 0.5 ? floor + 1 : floor % 2 === 0 ? floor : floor + 1;
  if (r === 0 && (x < 0 || Object.is(x, -0))) r = -0;
  return r;
}

const SAMPLES = 20_000;

describe('software square root', () => {
  it('matches the correctly rounded f64 square root bit for bit', () => {
    const next = random64(0x9e3779b97f4a7c15n);
    let mismatches = 0;
    for (let i = 0; i < SAMPLES; i += 1) {
      // Positive finite values across all exponents, subnormals included.
      const bits = next() & 0x7fefffffffffffffn;
      if (BigInt(f64SqrtSoft(bits)) !== bits64(Math.sqrt(from64(bits)))) mismatches += 1;
    }
    expect(mismatches).toBe(0);
  });

  it('matches the correctly rounded f32 square root bit for bit', () => {
    const next = random64(0x1234567887654321n);
    let mismatches = 0;
    for (let i = 0; i < SAMPLES; i += 1) {
      const bits = Number(next() & 0x7f7fffffn);
      if (f32SqrtSoft(bits) >>> 0 !== bits32(Math.fround(Math.sqrt(from32(bits))))) mismatches += 1;
    }
    expect(mismatches).toBe(0);
  });

  it('handles zeros, infinity, negatives and NaN as the specification says', () => {
    expect(BigInt(f64SqrtSoft(0x8000000000000000n))).toBe(0x8000000000000000n); // -0
    expect(BigInt(f64SqrtSoft(0x7ff0000000000000n))).toBe(0x7ff0000000000000n); // +inf
    expect(BigInt(f64SqrtSoft(bits64(-4)))).toBe(0x7ff8000000000000n); // canonical NaN
    expect(BigInt(f64SqrtSoft(0x7ff0000000000001n))).toBe(0x7ff8000000000001n); // quieted
    expect(f32SqrtSoft(bits32(16)) >>> 0).toBe(bits32(4));
    expect(f32SqrtSoft(0x00000001) >>> 0).toBe(bits32(Math.fround(Math.sqrt(from32(1)))));
  });
});

describe('rounding to integral values', () => {
  it('agrees with floor, ceil, trunc and round-half-even on random doubles', () => {
    const next = random64(0xdeadbeefcafef00dn);
    let mismatches = 0;
    for (let i = 0; i < SAMPLES; i += 1) {
      // Exponents around the integral threshold, both signs.
      const exponent = BigInt(1023 - 4 + Number(next() % 64n));
      const bits = (next() & 0x800fffffffffffffn) | (exponent << 52n);
      const x = from64(bits);
      if (BigInt(f64Floor(bits)) !== bits64(Math.floor(x))) mismatches += 1;
      if (BigInt(f64Ceil(bits)) !== bits64(Math.ceil(x))) mismatches += 1;
      if (BigInt(f64Trunc(bits)) !== bits64(Math.trunc(x))) mismatches += 1;
      if (BigInt(f64Nearest(bits)) !== bits64(nearestReference(x))) mismatches += 1;
    }
    expect(mismatches).toBe(0);
  });

  it('rounds halves to even and keeps the sign of zero', () => {
    expect(from64(BigInt(f64Nearest(bits64(2.5))))).toBe(2);
    expect(from64(BigInt(f64Nearest(bits64(3.5))))).toBe(4);
    expect(Object.is(from64(BigInt(f64Nearest(bits64(-0.5)))), -0)).toBe(true);
    expect(from32(f32Nearest(bits32(-1.5)))).toBe(-2);
    expect(Object.is(from64(BigInt(f64Ceil(bits64(-0.25)))), -0)).toBe(true);
    expect(f32Nearest(0x7fa00000) >>> 0).toBe(0x7fe00000); // signalling NaN comes back quiet
  });
});
