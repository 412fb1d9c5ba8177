import { describe, expect, it } from 'vitest';
import { instantiate, interp, returned, trapKind } from './helpers.js';

/**
 * Instruction sequences the compiler fuses (native/interp/wrt_iops.h) must compute exactly what
 * the wasm instructions they replace compute, at the edges: the spec testsuite mostly divides by
 * parameters, so constant divisors and the wraps the compiler leaves out are checked here against
 * BigInt arithmetic.
 */

const M32 = (1n << 32n) - 1n;
const M64 = (1n << 64n) - 1n;
const s32 = (x: bigint): bigint => BigInt.asIntN(32, x);
const s64 = (x: bigint): bigint => BigInt.asIntN(64, x);
const u32 = (x: bigint): bigint => x & M32;
const u64 = (x: bigint): bigint => x & M64;

type Op = 'div_s' | 'div_u' | 'rem_s' | 'rem_u';
const OPS: readonly Op[] = ['div_s', 'div_u', 'rem_s', 'rem_u'];

/** Truncating division as wasm defines it, on unsigned bit patterns of `bits` width. */
function expected(op: Op, a: bigint, k: bigint, bits: 32 | 64): bigint {
  const mask = bits === 32 ? M32 : M64;
  const signed = (x: bigint): bigint => (bits === 32 ? s32(x) : s64(x));
  switch (op) {
    case 'div_s':
      return (signed(a) / signed(k)) & mask;
    case 'div_u':
      return (a / k) & mask;
    case 'rem_s':
      return (signed(a) % signed(k)) & mask;
    case 'rem_u':
      return (a % k) & mask;
  }
}

/** One function per operator and divisor: the dividend a local (the _LK form) or computed (_K). */
function divisionModule(type: 'i32' | 'i64', divisors: readonly bigint[]): string {
  const funcs: string[] = [];
  for (const op of OPS) {
    divisors.forEach((k, i) => {
      funcs.push(`(func (export "${op}_l${i}") (param ${type}) (result ${type}) (${type}.${op} (local.get 0) (${type}.const ${k})))`);
      funcs.push(
        `(func (export "${op}_t${i}") (param ${type} ${type}) (result ${type}) (${type}.${op} (${type}.xor (local.get 0) (local.get 1)) (${type}.const ${k})))`,
      );
    });
  }
  return `(module ${funcs.join('\n')})`;
}

describe('fused instructions compute what they replace', () => {
  const native = interp();

  const DIVISION_CASES = [
    {
      type: 'i32',
      bits: 32,
      divisors: [1n, 3n, 7n, 10n, 0x7fffffffn, 0x80000000n, 0xfffffff9n /* -7 */],
      dividends: [0n, 1n, 9n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 12345n, u32(-12345n)],
    },
    {
      type: 'i64',
      bits: 64,
      divisors: [1n, 3n, 1000003n, 0x1_0000_0001n, 0x7fffffffffffffffn, 0x8000000000000000n, u64(-7n)],
      dividends: [0n, 5n, 0x7fffffffffffffffn, 0x8000000000000000n, M64, 0x243f6a8885a308d3n, u64(-99991n)],
    },
  ] as const;

  it.each(DIVISION_CASES)('$type division and remainder by constants, dividend in a local or on the stack', (c) => {
    const signed = (k: bigint): bigint => (c.bits === 32 ? s32(k) : s64(k));
    const m = instantiate(native, divisionModule(c.type, c.divisors.map(signed)));
    for (const op of OPS) {
      c.divisors.forEach((k, i) => {
        for (const a of c.dividends) {
          const want = expected(op, a, k, c.bits);
          expect([op, k, a, returned(m.call(`${op}_l${i}`, a))[0]]).toEqual([op, k, a, want]);
          expect([op, k, a, returned(m.call(`${op}_t${i}`, a, 0n))[0]]).toEqual([op, k, a, want]);
        }
      });
    }
  });

  it('constants that can trap are not fused: 0 and, when signed, -1 still trap', () => {
    const m = instantiate(
      native,
      `(module
        (func (export "div0") (param i32) (result i32) (i32.div_u (local.get 0) (i32.const 0)))
        (func (export "rem0") (param i64) (result i64) (i64.rem_s (local.get 0) (i64.const 0)))
        (func (export "min") (param i32) (result i32) (i32.div_s (local.get 0) (i32.const -1)))
        (func (export "min64") (param i64) (result i64) (i64.div_s (local.get 0) (i64.const -1)))
        (func (export "rem_min") (param i32) (result i32) (i32.rem_s (local.get 0) (i32.const -1))))`,
    );
    expect(trapKind(m.call('div0', 5n))).toBe('int_divide_by_zero');
    expect(trapKind(m.call('rem0', 5n))).toBe('int_divide_by_zero');
    expect(trapKind(m.call('min', 0x80000000n))).toBe('int_overflow');
    expect(trapKind(m.call('min64', 0x8000000000000000n))).toBe('int_overflow');
    expect(returned(m.call('min', 6n))[0]).toBe(u32(-6n));
    expect(returned(m.call('rem_min', 0x80000000n))[0]).toBe(0n);
  });

  it('i32.wrap_i64 is left out only where the value is already below 2^32', () => {
    const m = instantiate(
      native,
      `(module
        (func (export "hi") (param i64) (result i32) (i32.wrap_i64 (i64.shr_u (local.get 0) (i64.const 32))))
        (func (export "shr31") (param i64) (result i32) (i32.wrap_i64 (i64.shr_u (local.get 0) (i64.const 31))))
        (func (export "shr96") (param i64) (result i32) (i32.wrap_i64 (i64.shr_u (local.get 0) (i64.const 96))))
        (func (export "rem") (param i64) (result i32) (i32.wrap_i64 (i64.rem_u (local.get 0) (i64.const 1000003))))
        (func (export "rem_big") (param i64) (result i32) (i32.wrap_i64 (i64.rem_u (local.get 0) (i64.const 0x100000007))))
        (func (export "mask") (param i64) (result i32) (i32.wrap_i64 (i64.and (local.get 0) (i64.const 0xffff0000))))
        (func (export "mask_hi") (param i64) (result i32) (i32.wrap_i64 (i64.and (local.get 0) (i64.const 0x1ffff0000))))
        (func (export "plain") (param i64) (result i32) (i32.wrap_i64 (local.get 0))))`,
    );
    const x = 0xfedcba9876543210n;
    // Results are compared as whole 64-bit slots: a wrap left out wrongly would leave high bits set.
    expect(returned(m.call('hi', x))[0]).toBe(x >> 32n);
    expect(returned(m.call('shr31', x))[0]).toBe(u32(x >> 31n));
    expect(returned(m.call('shr96', x))[0]).toBe(x >> 32n);
    expect(returned(m.call('rem', x))[0]).toBe(x % 1000003n);
    expect(returned(m.call('rem_big', x))[0]).toBe(u32(x % 0x100000007n));
    expect(returned(m.call('mask', x))[0]).toBe(x & 0xffff0000n);
    expect(returned(m.call('mask_hi', x))[0]).toBe(u32(x & 0x1ffff0000n));
    expect(returned(m.call('plain', x))[0]).toBe(u32(x));
  });

  it('a loop latch (add into a local, compare, br_if) counts as the separate instructions do', () => {
    const m = instantiate(
      native,
      `(module
        (func (export "sum") (param $n i32) (result i32) (local $i i32) (local $s i32)
          (loop $top
            (local.set $s (i32.add (local.get $s) (local.get $i)))
            (br_if $top (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
          (local.get $s))
        (func (export "down") (param $n i32) (result i32) (local $s i32)
          (loop $top
            (local.set $s (i32.add (local.get $s) (i32.const 3)))
            (br_if $top (local.tee $n (i32.add (local.get $n) (i32.const -1)))))
          (local.get $s))
        (func (export "wrap") (param $i i32) (result i32) (local $c i32)
          (loop $top
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br_if $top (i32.ne (local.tee $i (i32.add (local.get $i) (local.get $i))) (i32.const 0))))
          (local.get $c)))`,
    );
    expect(returned(m.call('sum', 100n))[0]).toBe(4950n);
    expect(returned(m.call('sum', 0n))[0]).toBe(0n);
    expect(returned(m.call('down', 7n))[0]).toBe(21n);
    // i doubles until it wraps to 0: 1 -> 2^31 takes 32 doublings
    expect(returned(m.call('wrap', 1n))[0]).toBe(32n);
  });
});
