/**
 * The interpreter enforces what the profile says: each module runs under the exact profile, and
 * with one budget set one below what the module needs it fails in the promised way.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { InterpNative } from '../../tools/interp/ffi.js';
import { type InterpFunc, type InterpLayout, InterpRuntime, type InvokeResult, toNativeLayout } from '../../tools/interp/runtime.js';
import { wat2wasm } from '../../ts/testsuite/wat.js';
import { fuelOf, interpLayoutOf } from '../../tools/interp/profile-layout.js';
import type { Profile, ProfileOverrides } from '../../ts/profile/types.js';
import { interp } from '../interp/helpers.js';
import { CHAIN, COUNTER, GROW, STACK, TABLE } from '../support/budget-modules.js';
import { compileForSim, nativeSimLimits } from '../support/native-sim-profile.js';
import type { ResolvedLimits } from '../../ts/limits/types.js';

let native: InterpNative;
let limits: ResolvedLimits;
const open: InterpRuntime[] = [];

beforeAll(async () => {
  native = interp();
  limits = await nativeSimLimits();
});

afterEach(() => {
  for (const rt of open.splice(0)) rt.dispose();
  native.testReset();
});

function compile(bytes: Uint8Array, overrides: ProfileOverrides = {}): Profile {
  return compileForSim(bytes, limits, overrides);
}

interface Run {
  readonly rt: InterpRuntime;
  call(name: string, ...args: bigint[]): InvokeResult;
}

function start(bytes: Uint8Array, layout: InterpLayout, fuel: bigint | undefined, host: 'none' | 'test' = 'none'): Run {
  const rt = InterpRuntime.create(native, layout);
  open.push(rt);
  rt.setFuel(fuel);
  const inst = rt.instantiateBytes(bytes, host);
  if (!inst.ok) throw new Error(`instantiation failed: ${inst.error.kind} ${inst.error.message} ${inst.error.region ?? ''} need ${inst.error.need} capacity ${inst.error.capacity}`);
  return {
    rt,
    call(name, ...args) {
      const f: InterpFunc | undefined = inst.value.func(name);
      if (f === undefined) throw new Error(`no export ${name}`);
      return rt.invoke(f, args);
    },
  };
}

function trapOf(result: InvokeResult): string {
  return result.ok ? 'returned' : result.trap.kind;
}

const FAC = `(module
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1))))))))`;

const INDIRECT = `(module
  (type $t (func (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $big)
  (func $big (type $t) (local i32 i32 i32 i32 i32 i32) (i32.const 1))
  (func (export "main") (param i32) (result i32) (call_indirect (type $t) (local.get 0))))`;

const HELPER = `(module
  (type $t (func))
  (table 1 funcref)
  (elem (i32.const 0) $leaf)
  (func $leaf (type $t))
  (func $helper (type $t) (call_indirect (type $t) (i32.const 0)))
  (func (export "main") (param i32) (call $helper)))`;

const HOST = `(module
  (import "env" "log" (func $log (param i32)))
  (func (export "main")
    (call $log (i32.const 1)) (call $log (i32.const 2)) (call $log (i32.const 3))))`;

describe('the profile maps onto the interpreter', () => {
  it('sizes the arena exactly as wrt_layout_bytes does, and the load regions are large enough', () => {
    for (const text of [CHAIN, STACK, COUNTER, HOST, GROW, TABLE]) {
      const bytes = wat2wasm(text);
      const profile = compile(bytes);
      const layout = interpLayoutOf(profile);
      expect(profile.arena.totalBytes).toBe(native.layoutBytes(toNativeLayout(layout)));
      const run = start(bytes, layout, undefined, text === HOST ? 'test' : 'none');
      for (const region of ['meta', 'code', 'control'] as const) {
        const usage = run.rt.regionUsage(region);
        expect(usage.used).toBeLessThanOrEqual(usage.capacity);
        expect(usage.used).toBeGreaterThan(0n);
      }
    }
  });

  it('with a debug level, the trace region is in the arena byte for byte as the core lays it out', () => {
    const bytes = wat2wasm(CHAIN);
    for (const [debug, entries, breakpoints] of [['basic', 1024, 8], ['full', 65536, 64]] as const) {
      const profile = compileForSim(bytes, limits, {}, undefined, debug);
      expect(profile.debugBudget).toEqual({ traceEntries: entries, breakpoints });
      const layout = interpLayoutOf(profile);
      expect(profile.arena.totalBytes).toBe(native.layoutBytes(toNativeLayout(layout)));
      expect(profile.arena.regions.find((r) => r.name === 'trace')?.bytes).toBe(entries * 8 + breakpoints * 4);
      const usage = start(bytes, layout, undefined).rt.regionUsage('trace');
      expect(usage.capacity).toBe(BigInt(entries * 8 + breakpoints * 4));
    }
  });
});

describe('each budget one below what the module needs fails as promised', () => {
  it('call depth: the exact depth returns, one less traps "call stack exhausted"', () => {
    const bytes = wat2wasm(CHAIN);
    const profile = compile(bytes);
    expect(profile.stack.callDepth).toBe(4);
    const layout = interpLayoutOf(profile);
    expect(start(bytes, layout, fuelOf(profile)).call('main')).toMatchObject({ ok: true, results: [7n] });
    const short = start(bytes, { ...layout, callDepth: 3 }, fuelOf(profile)).call('main');
    expect(trapOf(short)).toBe('call_depth_exhausted');
    expect(short.ok ? -1 : short.trap.depth).toBe(3);
  });

  it('recursion with an explicit depth: depth frames return, one more traps "call stack exhausted"', () => {
    const bytes = wat2wasm(FAC);
    const profile = compile(bytes, { callDepth: { value: 20, source: 'cli --call-depth' } });
    const run = start(bytes, interpLayoutOf(profile), undefined);
    // fac(19) opens 20 frames (fac(19) .. fac(0)); fac(20) needs 21.
    expect(run.call('fac', 19n)).toMatchObject({ ok: true, results: [121645100408832000n] });
    expect(trapOf(run.call('fac', 20n))).toBe('call_depth_exhausted');
  });

  it('indirect calls count toward depth and stack: every defined function of the called type may be reached', () => {
    const bytes = wat2wasm(INDIRECT);
    const profile = compile(bytes);
    // main: 1 param + 1 spill + 1 operand = 3 slots; $big: 6 locals + 1 spill + 1 operand = 8,
    // counted from main's top (the bound does not subtract the table index call_indirect pops:
    // 11, the interpreter uses 10).
    expect(profile.stack).toMatchObject({ callDepth: 2, valueSlots: 11 });
    const layout = interpLayoutOf(profile);
    expect(start(bytes, layout, undefined).call('main', 0n)).toMatchObject({ ok: true, results: [1n] });
    expect(trapOf(start(bytes, { ...layout, callDepth: 1 }, undefined).call('main', 0n))).toBe('call_depth_exhausted');
    expect(start(bytes, { ...layout, stackSlots: 10 }, undefined).call('main', 0n)).toMatchObject({ ok: true, results: [1n] });
    expect(trapOf(start(bytes, { ...layout, stackSlots: 9 }, undefined).call('main', 0n))).toBe('value_stack_exhausted');
  });

  it('a same-typed function outside every table is no false recursion: the validator\'s bound applies', () => {
    const bytes = wat2wasm(HELPER);
    const profile = compile(bytes);
    // main (1 param) -> $helper (1 operand) -> call_indirect -> $leaf (empty): 3 frames, 8 bytes =
    // 2 slots, plus a spill slot per frame: 5.
    expect(profile.stack).toMatchObject({ callDepth: 3, valueSlots: 5 });
    const layout = interpLayoutOf(profile);
    expect(start(bytes, layout, undefined).call('main', 0n)).toMatchObject({ ok: true });
    expect(trapOf(start(bytes, { ...layout, callDepth: 2 }, undefined).call('main', 0n))).toBe('call_depth_exhausted');
    expect(trapOf(start(bytes, { ...layout, stackSlots: 1 }, undefined).call('main', 0n))).toBe('value_stack_exhausted');
  });

  it('value stack: the exact slots return, one less traps "value stack exhausted"', () => {
    const bytes = wat2wasm(STACK);
    const profile = compile(bytes);
    expect(profile.stack.valueSlots).toBe(7);
    const layout = interpLayoutOf(profile);
    expect(start(bytes, layout, undefined).call('main')).toMatchObject({ ok: true, results: [1n] });
    expect(trapOf(start(bytes, { ...layout, stackSlots: 6 }, undefined).call('main'))).toBe('value_stack_exhausted');
  });

  it('fuel: the measured need passes, one less traps "fuel exhausted" at the block it cannot pay', () => {
    const bytes = wat2wasm(COUNTER);
    const unlimited = start(bytes, interpLayoutOf(compile(bytes)), undefined).call('count', 10n);
    if (!unlimited.ok) throw new Error('counter trapped without a fuel bound');
    expect(unlimited.fuelUsed).toBe(97n);
    const exact = compile(bytes, { fuel: { value: 97n, source: 'cli --fuel' } });
    expect(exact.fuel).toBe(97n);
    expect(start(bytes, interpLayoutOf(exact), fuelOf(exact)).call('count', 10n)).toMatchObject({ ok: true, results: [10n] });
    const short = compile(bytes, { fuel: { value: 96n, source: 'cli --fuel' } });
    const result = start(bytes, interpLayoutOf(short), fuelOf(short)).call('count', 10n);
    expect(trapOf(result)).toBe('fuel_exhausted');
    // 2 + 9*10 + 4 = 96 paid: the exit segment (local.get, 1) is the one the budget cannot pay.
    expect(result.ok ? -1n : result.trap.fuelUsed).toBe(96n);
  });

  it('host calls: the budget of each import is enforced per invocation', () => {
    const bytes = wat2wasm(HOST);
    const exact = compile(bytes, { hostCallsByImport: new Map([['env.log', { value: 3, source: 'cli --host-calls env.log=3' }]]) });
    expect(exact.imports).toEqual([{ module: 'env', name: 'log', budget: 3, policy: 'allow' }]);
    const apply = (profile: Profile): void => {
      for (const i of profile.imports) native.testSetBudget(i.name, i.budget ?? 0xffffffff);
    };
    apply(exact);
    expect(start(bytes, interpLayoutOf(exact), undefined, 'test').call('main')).toMatchObject({ ok: true });
    const short = compile(bytes, { hostCalls: { value: 2, source: 'cli --host-calls' } });
    apply(short);
    expect(trapOf(start(bytes, interpLayoutOf(short), undefined, 'test').call('main'))).toBe('host_budget_exhausted');
  });

  it('memory maximum: grow succeeds up to the profile maximum and returns -1 past it', () => {
    const bytes = wat2wasm(GROW);
    const profile = compile(bytes);
    expect(profile.memory).toMatchObject({ initialPages: 1, maximumPages: 3, truncated: false });
    const layout = interpLayoutOf(profile);
    const run = start(bytes, layout, undefined);
    expect(run.call('grow', 2n)).toMatchObject({ ok: true, results: [1n] });
    const short = start(bytes, { ...layout, memoryPages: 2, memoryPagesMax: 2 }, undefined);
    expect(short.call('grow', 2n)).toMatchObject({ ok: true, results: [0xffffffffn] });
  });

  it('tables: the exact elements instantiate; one less is a limit error (largest table) or an arena error (region)', () => {
    const bytes = wat2wasm(TABLE);
    const profile = compile(bytes);
    // 5 elements, the region rounded to 16 bytes as wrt_reserve rounds each reservation.
    expect(profile.tables).toEqual({ elements: 6, elementsMax: 5 });
    const layout = interpLayoutOf(profile);
    expect(start(bytes, layout, undefined).call('main')).toMatchObject({ ok: true, results: [42n] });
    const attempt = (changed: InterpLayout) => {
      const rt = InterpRuntime.create(native, changed);
      open.push(rt);
      return rt.instantiateBytes(bytes);
    };
    const capped = attempt({ ...layout, tableElementsMax: 4 });
    expect(capped.ok ? null : capped.error).toMatchObject({ kind: 'limit', region: 'tables' });
    const small = attempt({ ...layout, tableElements: 5 });
    expect(small.ok ? null : small.error).toMatchObject({ kind: 'arena', region: 'tables', need: 48n, capacity: 40n });
  });

  it('globals: every count of globals instantiates under its exact profile; one slot less is an arena error', () => {
    for (const count of [1, 2, 3, 17]) {
      const globals = Array.from({ length: count }, (_, i) => `(global $g${i} (mut i64) (i64.const ${i + 1}))`).join(' ');
      const sum = Array.from({ length: count }, (_, i) => `(global.get $g${i})`).reduce((acc, g) => `(i64.add ${acc} ${g})`);
      const bytes = wat2wasm(`(module ${globals} (func (export "main") (result i64) ${sum}))`);
      const profile = compile(bytes);
      expect(profile.globals.slots).toBe(count + (count % 2));
      const layout = interpLayoutOf(profile);
      expect(start(bytes, layout, undefined).call('main')).toMatchObject({ ok: true, results: [BigInt((count * (count + 1)) / 2)] });
      const rt = InterpRuntime.create(native, { ...layout, globalSlots: profile.globals.slots - 2 });
      open.push(rt);
      const short = rt.instantiateBytes(bytes);
      expect(short.ok ? null : short.error).toMatchObject({ kind: 'arena', region: 'globals' });
    }
  });
});
