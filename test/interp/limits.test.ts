import { beforeAll, describe, expect, it } from 'vitest';
import { WrtError } from '../../ts/core/errors.js';
import type { InterpNative } from '../../tools/interp/ffi.js';
import { InterpRuntime, loadFailureToWrtError } from '../../tools/interp/runtime.js';
import { disposedAfterEach, type Loaded, SMALL_LAYOUT, instantiate, interp, returned, trapKind, wasm } from './helpers.js';
import { COUNTER } from '../support/budget-modules.js';

let native: InterpNative;
const keep = disposedAfterEach();

beforeAll(() => {
  native = interp();
});

function load(text: string, layout = SMALL_LAYOUT, host: 'none' | 'test' = 'none'): Loaded {
  const loaded = instantiate(native, text, layout, host);
  keep(loaded.rt);
  return loaded;
}

function runtime(layout = SMALL_LAYOUT): InterpRuntime {
  return keep(InterpRuntime.create(native, layout));
}

describe('fuel', () => {
  it('charges exactly the instructions of the segments run', () => {
    const m = load(COUNTER);
    const result = m.call('count', 10n);
    expect(returned(result)).toEqual([10n]);
    expect(result.ok && result.fuelUsed).toBe(97n);
    const zero = m.call('count', 0n);
    expect(zero.ok && zero.fuelUsed).toBe(7n);
  });

  it('runs with exactly enough fuel and traps at the first segment it cannot pay', () => {
    const m = load(COUNTER);
    m.rt.setFuel(97n);
    expect(returned(m.call('count', 10n))).toEqual([10n]);
    m.rt.setFuel(96n);
    const short = m.call('count', 10n);
    expect(trapKind(short)).toBe('fuel_exhausted');
    // All but the exit segment (cost 1) were paid.
    expect(!short.ok && short.trap.fuelUsed).toBe(96n);
    m.rt.setFuel(95n);
    const shorter = m.call('count', 10n);
    // The last loop-head check (cost 4) starts at 2 + 9*10 = 92 with 3 left.
    expect(!shorter.ok && shorter.trap.fuelUsed).toBe(92n);
  });

  it('gives every invocation the whole budget again', () => {
    const m = load(COUNTER);
    m.rt.setFuel(100n);
    expect(returned(m.call('count', 10n))).toEqual([10n]);
    expect(returned(m.call('count', 10n))).toEqual([10n]);
    m.rt.setFuel(undefined);
    const unlimited = m.call('count', 1000n);
    expect(unlimited.ok && unlimited.fuelUsed).toBe(9007n);
  });

  it('ends an infinite loop', () => {
    const m = load('(module (func (export "spin") (loop $l (br $l))))');
    m.rt.setFuel(1000n);
    const result = m.call('spin');
    expect(trapKind(result)).toBe('fuel_exhausted');
    // Entry segment [loop] = 1, then [br] = 1 per iteration.
    expect(!result.ok && result.trap.fuelUsed).toBe(1000n);
  });
});

const RECURSION = `(module
  (func $rec (export "rec") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0))
      (then (i32.const 0))
      (else (i32.add (i32.const 1) (call $rec (i32.sub (local.get 0) (i32.const 1))))))))`;

describe('call depth', () => {
  // Convention: call_depth is the most wasm frames active at once, the invoked function being one.
  // rec(n) needs n + 1 frames.
  it('allows exactly call_depth frames and traps on the next call', () => {
    const m = load(RECURSION, { ...SMALL_LAYOUT, callDepth: 100 });
    expect(returned(m.call('rec', 99n))).toEqual([99n]);
    const deep = m.call('rec', 100n);
    expect(trapKind(deep)).toBe('call_depth_exhausted');
    expect(!deep.ok && deep.trap.depth).toBe(100);
    // The runtime is usable after the trap.
    expect(returned(m.call('rec', 5n))).toEqual([5n]);
  });

  it('ends unbounded recursion cleanly however deep the profile allows', () => {
    const m = load('(module (func $f (export "f") (call $f)))', {
      ...SMALL_LAYOUT,
      callDepth: 200_000,
      stackSlots: 1 << 20,
    });
    const result = m.call('f');
    expect(trapKind(result)).toBe('call_depth_exhausted');
    expect(!result.ok && result.trap.depth).toBe(200_000);
  });
});

describe('value stack', () => {
  // Each frame of $deep takes 1 param + 1000 locals + 2 operand slots = 1003; the next frame
  // starts 1001 slots further (its argument is the caller's operand). 4096 slots hold frames at
  // 0, 1001, 2002 and 3003: four frames.
  const DEEP = `(module
    (func $deep (export "deep") (param i32) (result i32) (local ${'i64 '.repeat(1000)})
      (if (result i32) (i32.eqz (local.get 0))
        (then (i32.const 0))
        (else (call $deep (i32.sub (local.get 0) (i32.const 1)))))))`;

  it('traps when the next frame does not fit, before the call depth is reached', () => {
    const m = load(DEEP, { ...SMALL_LAYOUT, stackSlots: 4096, callDepth: 1000 });
    expect(returned(m.call('deep', 3n))).toEqual([0n]);
    const result = m.call('deep', 4n);
    expect(trapKind(result)).toBe('value_stack_exhausted');
    expect(!result.ok && result.trap.depth).toBe(4);
  });
});

describe('arena', () => {
  it('refuses an arena smaller than the layout, naming the first region that does not fit', () => {
    const bytes = native.layoutBytes({
      meta_bytes: 65536,
      code_bytes: 65536,
      control_bytes: 16384,
      stack_slots: 4096,
      call_depth: 100,
      memory_pages: 4,
      memory_pages_max: 0,
      table_elements: 256,
      table_elements_max: 0,
      global_slots: 64,
      memory_bytes_limit: 0,
      trace_entries: 0,
      breakpoints: 0,
    });
    const result = InterpRuntime.tryCreateSized(native, SMALL_LAYOUT, 100_000);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('arena');
    // meta (64 KiB) fits in 100 000 bytes, code does not.
    expect(result.error.region).toBe('code');
    expect(result.error.need).toBe(BigInt(bytes - 15));
    const asError = loadFailureToWrtError(result.error, 'profile');
    expect(asError).toBeInstanceOf(WrtError);
    expect(asError.code).toBe('BUDGET_EXCEEDED');
    expect(asError.describe()).toContain('code region');
  });

  it('fails a load cleanly when the code region is too small, and frees what it took', () => {
    const rt = runtime({ ...SMALL_LAYOUT, codeBytes: 64 });
    const big = wasm(`(module (func (export "f") (result i32) ${'(drop (i32.const 1)) '.repeat(40)} (i32.const 2)))`);
    const before = rt.regionUsage('meta').used;
    const result = rt.load(big);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('arena');
    expect(result.error.region).toBe('code');
    expect(result.error.capacity).toBe(64n);
    expect(rt.regionUsage('meta').used).toBe(before);
    // A small module still loads in the same runtime.
    const small = rt.instantiateBytes(wasm('(module (func (export "f") (result i32) (i32.const 2)))'));
    expect(small.ok).toBe(true);
  });

  it('names the meta and control regions when they run out', () => {
    const meta = runtime({ ...SMALL_LAYOUT, metaBytes: 128 });
    const m1 = meta.load(wasm(`(module ${'(func) '.repeat(20)})`));
    expect(!m1.ok && m1.error.region).toBe('meta');
    const control = runtime({ ...SMALL_LAYOUT, controlBytes: 64 });
    const nested = `(module (func ${'(block '.repeat(20)}${')'.repeat(20)}))`;
    const m2 = control.load(wasm(nested));
    expect(!m2.ok && m2.error.region).toBe('control');
  });
});

describe('reset', () => {
  it('gives the whole arena back, so a device can load the next module', () => {
    const rt = runtime();
    const first = rt.instantiateBytes(wasm('(module (memory 2) (func (export "f") (result i32) (i32.const 1)))'));
    expect(first.ok).toBe(true);
    expect(rt.regionUsage('meta').used).toBeGreaterThan(0n);
    expect(rt.regionUsage('memory').used).toBe(4n * 65536n);
    rt.reset();
    for (const region of ['meta', 'code', 'memory', 'tables', 'globals'] as const) {
      expect(rt.regionUsage(region).used, region).toBe(0n);
    }
    const second = rt.instantiateBytes(wasm('(module (func (export "g") (result i32) (i32.const 2)))'));
    if (!second.ok) throw new Error(second.error.message);
    const g = second.value.func('g');
    expect(g && returned(rt.invoke(g, []))).toEqual([2n]);
    expect(native.version()).toBe(0x000200);
  });
});

describe('memory limits', () => {
  const GROW = `(module (memory (export "mem") 1)
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "size") (result i32) (memory.size)))`;

  it('returns -1 from memory.grow past the memory region, and the old size before', () => {
    const m = load(GROW, { ...SMALL_LAYOUT, memoryPages: 4 });
    expect(returned(m.call('grow', 2n))).toEqual([1n]);
    expect(returned(m.call('grow', 2n))).toEqual([0xffffffffn]);
    expect(returned(m.call('grow', 1n))).toEqual([3n]);
    expect(returned(m.call('size'))).toEqual([4n]);
    expect(m.instance.memoryBytes()).toBe(4n * 65536n);
  });

  it('caps one memory at memory_pages_max', () => {
    const m = load(GROW, { ...SMALL_LAYOUT, memoryPages: 16, memoryPagesMax: 2 });
    expect(returned(m.call('grow', 1n))).toEqual([1n]);
    expect(returned(m.call('grow', 1n))).toEqual([0xffffffffn]);
  });

  it('refuses to instantiate a memory whose minimum exceeds the profile', () => {
    const rt = runtime({ ...SMALL_LAYOUT, memoryPages: 4 });
    const result = rt.instantiateBytes(wasm('(module (memory 5))'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('limit');
    expect(result.error.region).toBe('memory');
    expect(result.error.need).toBe(5n);
    expect(result.error.capacity).toBe(4n);
  });
});

describe('SIMD', () => {
  it('refuses a module with v128 in a signature as not supported on this target', () => {
    const rt = runtime();
    const result = rt.load(wasm('(module (func (param v128)))'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.kind).toBe('unsupported');
    expect(result.error.message).toContain('not supported on this target');
    // header 8, section id and size 2, count 1, form 0x60 1, param count 1: v128 at byte 13.
    expect(result.error.offset).toBe(13);
    const asError = loadFailureToWrtError(result.error, 'simd.wasm');
    expect([asError.code, asError.exitCode, asError.location.offset]).toEqual(['WASM_UNSUPPORTED', 1, 13]);
  });

  it('refuses SIMD instructions in a body', () => {
    const rt = runtime();
    const result = rt.load(wasm('(module (func (drop (i32x4.splat (i32.const 1)))))'));
    expect(!result.ok && result.error.kind).toBe('unsupported');
    expect(!result.ok && result.error.message).toBe('SIMD (v128) is not supported on this target');
  });
});

describe('host functions', () => {
  const HOST = `(module
    (import "env" "add" (func $add (param i32 i32) (result i32)))
    (import "env" "log" (func $log (param i32)))
    (import "env" "mem_sum" (func $sum (param i32 i32) (result i32)))
    (import "env" "pair" (func $pair (param i64) (result i64 i64)))
    (memory 1) (data (i32.const 8) "\\01\\02\\03\\04")
    (func (export "add") (param i32 i32) (result i32) (call $add (local.get 0) (local.get 1)))
    (func (export "log3") (call $log (i32.const 1)) (call $log (i32.const 2)) (call $log (i32.const 3)))
    (func (export "sum") (result i32) (call $sum (i32.const 8) (i32.const 4)))
    (func (export "pair") (result i64) (i64.sub (call $pair (i64.const 40)))))`;

  it('calls host functions with arguments, results and the caller memory', () => {
    native.testReset();
    const m = load(HOST, SMALL_LAYOUT, 'test');
    expect(returned(m.call('add', 40n, 2n))).toEqual([42n]);
    expect(returned(m.call('sum'))).toEqual([10n]);
    expect(returned(m.call('pair'))).toEqual([0xffffffffffffffffn]); // 41 - 42
  });

  it('logs every host call through the interception hook, in order', () => {
    native.testReset();
    const m = load(HOST, SMALL_LAYOUT, 'test');
    returned(m.call('log3'));
    expect(native.testLogCount()).toBe(3);
    expect([0, 1, 2].map((i) => [native.testLogName(i), Number(native.testLogArg(i))])).toEqual([
      ['log', 1],
      ['log', 2],
      ['log', 3],
    ]);
  });

  it('denies a host call the hook refuses, without running it', () => {
    native.testReset();
    native.testDeny('add');
    const m = load(HOST, SMALL_LAYOUT, 'test');
    expect(trapKind(m.call('add', 1n, 2n))).toBe('host_call_denied');
    expect(native.testCalls('add')).toBe(0);
    expect(native.testLogName(0)).toBe('add');
    native.testReset();
  });

  it('enforces each host function budget per invocation', () => {
    native.testReset();
    const m = load(HOST, SMALL_LAYOUT, 'test');
    expect(native.testSetBudget('log', 2)).toBe(1);
    const result = m.call('log3');
    expect(trapKind(result)).toBe('host_budget_exhausted');
    expect(native.testCalls('log')).toBe(2);
    native.testSetBudget('log', 3);
    expect(returned(m.call('log3'))).toEqual([]);
    expect(returned(m.call('log3'))).toEqual([]);
    native.testReset();
  });

  it('refuses to link a missing import or one with another signature', () => {
    const rt = runtime();
    const missing = rt.instantiateBytes(wasm('(module (import "env" "nope" (func)))'), 'test');
    expect(!missing.ok && [missing.error.kind, missing.error.message]).toEqual(['link', 'unknown import']);
    const wrong = rt.instantiateBytes(wasm('(module (import "env" "add" (func (param i64))))'), 'test');
    expect(!wrong.ok && [wrong.error.kind, wrong.error.message]).toEqual(['link', 'incompatible import type']);
  });
});

describe('linking', () => {
  const PROVIDER = `(module (memory (export "mem") 1) (global (export "g") (mut i32) (i32.const 5))
    (func (export "peek") (param i32) (result i32) (i32.load8_u (local.get 0)))
    (func (export "poke") (param i32 i32) (i32.store8 (local.get 0) (local.get 1))))`;
  const CONSUMER = `(module (import "lib" "mem" (memory 1)) (import "lib" "peek" (func $peek (param i32) (result i32)))
    (import "lib" "g" (global $g (mut i32)))
    (func (export "run") (result i32)
      (i32.store8 (i32.const 100) (i32.const 77)) (global.set $g (i32.const 9)) (call $peek (i32.const 100))))`;

  it('links instances sharing one arena', () => {
    const rt = runtime();
    const lib = rt.instantiateBytes(wasm(PROVIDER));
    expect(lib.ok).toBe(true);
    if (!lib.ok) return;
    rt.register('lib', lib.value);
    const app = rt.instantiateBytes(wasm(CONSUMER));
    expect(app.ok).toBe(true);
    if (!app.ok) return;
    const run = app.value.func('run');
    expect(run && returned(app.value.invoke(run, []))).toEqual([77n]);
    expect(lib.value.global('g')).toEqual({ type: 'i32', value: 9n });
  });

  it('links instances that each have their own arena', () => {
    const libRt = runtime();
    const appRt = runtime();
    const lib = libRt.instantiateBytes(wasm(PROVIDER));
    if (!lib.ok) throw new Error(lib.error.message);
    appRt.register('lib', lib.value);
    const app = appRt.instantiateBytes(wasm(CONSUMER));
    if (!app.ok) throw new Error(app.error.message);
    const run = app.value.func('run');
    expect(run && returned(app.value.invoke(run, []))).toEqual([77n]);
    // A memory without a declared maximum reserves the whole region (4 pages) at instantiation.
    expect(libRt.regionUsage('memory').used).toBe(4n * 65536n);
    expect(appRt.regionUsage('memory').used).toBe(0n);
  });
});
