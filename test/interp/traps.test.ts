import { beforeAll, describe, expect, it } from 'vitest';
import type { InterpNative } from '../../tools/interp/ffi.js';
import { TRAPS as TRAP_CODES } from '../../ts/device/engine-codes.js';
import { disposedAfterEach, type Loaded, SMALL_LAYOUT, instantiate, interp, returned, trapKind } from './helpers.js';

let native: InterpNative;
const keep = disposedAfterEach();

beforeAll(() => {
  native = interp();
});

function load(text: string, host: 'none' | 'test' = 'none', layout = SMALL_LAYOUT): Loaded {
  const loaded = instantiate(native, text, layout, host);
  keep(loaded.rt);
  return loaded;
}

const TRAPS = `(module
  (type $v (func))
  (type $i (func (result i32)))
  (memory 1)
  (table $t 2 funcref)
  (elem (table $t) (i32.const 0) func $ret7)
  (func $ret7 (result i32) (i32.const 7))
  (func (export "unreachable") (unreachable))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "rem_u64") (param i64 i64) (result i64) (i64.rem_u (local.get 0) (local.get 1)))
  (func (export "trunc") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
  (func (export "trunc_sat") (param f64) (result i32) (i32.trunc_sat_f64_s (local.get 0)))
  (func (export "call_i") (param i32) (result i32) (call_indirect $t (type $i) (local.get 0)))
  (func (export "call_v") (param i32) (call_indirect $t (type $v) (local.get 0)))
  (func (export "table_get") (param i32) (result funcref) (table.get $t (local.get 0)))
  (func (export "fill") (param i32 i32) (memory.fill (local.get 0) (i32.const 0) (local.get 1))))`;

describe('trap codes (wrt_trap.h)', () => {
  it('gives every trap code the message the toolchain reports for it (ts/device/engine-codes.ts)', () => {
    expect(TRAP_CODES.map((trap) => native.trapMessage(trap.code))).toEqual(TRAP_CODES.map((trap) => trap.message));
    expect(native.trapMessage(2)).toBe('out of bounds memory access');
    expect(native.trapMessage(TRAP_CODES.length)).toBe('unknown trap');
  });

  it('traps on unreachable, and reports the function that trapped', () => {
    const m = load(TRAPS);
    const result = m.call('unreachable');
    expect(trapKind(result)).toBe('unreachable');
    expect(!result.ok && result.trap.funcIndex).toBe(1);
    expect(!result.ok && result.trap.depth).toBe(1);
  });

  it('traps on memory access past the end, also for a load straddling it', () => {
    const m = load(TRAPS);
    expect(returned(m.call('load', 65532n))).toEqual([0n]);
    expect(trapKind(m.call('load', 65533n))).toBe('memory_out_of_bounds');
    expect(trapKind(m.call('load', 0xffffffffn))).toBe('memory_out_of_bounds');
    expect(trapKind(m.call('fill', 65000n, 537n))).toBe('memory_out_of_bounds');
    expect(returned(m.call('fill', 65000n, 536n))).toEqual([]);
  });

  it('traps on integer division by zero and INT_MIN / -1', () => {
    const m = load(TRAPS);
    expect(trapKind(m.call('div_s', 1n, 0n))).toBe('int_divide_by_zero');
    expect(trapKind(m.call('rem_u64', 1n, 0n))).toBe('int_divide_by_zero');
    expect(trapKind(m.call('div_s', 0x80000000n, 0xffffffffn))).toBe('int_overflow');
    expect(returned(m.call('div_s', 0xfffffff9n, 2n))).toEqual([0xfffffffdn]);
  });

  it('traps on float-to-int of NaN and out of range, saturating forms do not', () => {
    const m = load(TRAPS);
    const nan = 0x7ff8000000000000n;
    const big = 0x41e0000000000000n; // 2^31
    expect(trapKind(m.call('trunc', nan))).toBe('invalid_conversion');
    expect(trapKind(m.call('trunc', big))).toBe('int_overflow');
    expect(returned(m.call('trunc', 0xc1dfffffffc00000n))).toEqual([0x80000001n]); // -2147483647.0
    expect(returned(m.call('trunc_sat', big))).toEqual([0x7fffffffn]);
    expect(returned(m.call('trunc_sat', nan))).toEqual([0n]);
  });

  it('traps on indirect calls to null, out of range and of the wrong type', () => {
    const m = load(TRAPS);
    expect(returned(m.call('call_i', 0n))).toEqual([7n]);
    expect(trapKind(m.call('call_i', 1n))).toBe('indirect_null');
    expect(trapKind(m.call('call_i', 2n))).toBe('indirect_out_of_range');
    expect(trapKind(m.call('call_v', 0n))).toBe('indirect_type_mismatch');
  });

  it('traps on table access out of bounds', () => {
    const m = load(TRAPS);
    expect(returned(m.call('table_get', 1n))).toEqual([0n]);
    expect(trapKind(m.call('table_get', 2n))).toBe('table_out_of_bounds');
  });

  it('reports host function failure and exit as their own codes', () => {
    native.testReset();
    const m = load(
      `(module (import "env" "fail" (func $fail)) (import "env" "exit" (func $exit (param i32)))
        (func (export "fail") (call $fail)) (func (export "exit") (call $exit (i32.const 3))))`,
      'test',
    );
    expect(trapKind(m.call('fail'))).toBe('host_error');
    expect(trapKind(m.call('exit'))).toBe('exit');
  });

  it('refuses an invocation with the wrong number of arguments', () => {
    const m = load(TRAPS);
    const div = m.func('div_s');
    expect(trapKind(m.rt.invoke(div, [1n]))).toBe('invoke_misuse');
    expect(returned(m.rt.invoke(div, [6n, 3n]))).toEqual([2n]);
  });
});
