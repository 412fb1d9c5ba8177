import { beforeAll, describe, expect, it } from 'vitest';
import { wat2wasm } from '../../ts/testsuite/wat.js';
import type { InterpNative } from '../../tools/interp/ffi.js';
import { type InterpInstance, InterpRuntime } from '../../tools/interp/runtime.js';
import { disposedAfterEach, SMALL_LAYOUT, interp, returned, trapKind } from './helpers.js';

// Multi-memory (WebAssembly 3.0) in the device interpreter: off unless the runtime turns it on
// (wrt_runtime_set_features), as components do; memories other than 0 run through the MEMX ops.

let native: InterpNative;
const keep = disposedAfterEach();

beforeAll(() => {
  native = interp();
});

const mm = (text: string): Uint8Array => wat2wasm(text, ['--enable-multi-memory']);

function runtime(multiMemory: boolean): InterpRuntime {
  // Each memory reserves at most 4 pages: without a cap the first would take the whole region.
  const rt = keep(InterpRuntime.create(native, { ...SMALL_LAYOUT, memoryPages: 12, memoryPagesMax: 4 }));
  expect(rt.enableMultiMemory(multiMemory)).toBe(multiMemory);
  return rt;
}

function instance(rt: InterpRuntime, bytes: Uint8Array): InterpInstance {
  const result = rt.instantiateBytes(bytes);
  if (!result.ok) throw new Error(`instantiation failed: ${result.error.kind}: ${result.error.message} at ${result.error.offset}`);
  return result.value;
}

function call(rt: InterpRuntime, inst: InterpInstance, name: string, ...args: bigint[]) {
  const f = inst.func(name);
  if (f === undefined) throw new Error(`no export ${name}`);
  return rt.invoke(f, args);
}

const TWO = `(module
  (memory $a 1)
  (memory $b 1 3)
  (data (memory $b) (i32.const 4) "\\2a\\00\\00\\00")
  (func (export "store-a") (param i32 i32) (i32.store $a (local.get 0) (local.get 1)))
  (func (export "store-b") (param i32 i32) (i32.store $b (local.get 0) (local.get 1)))
  (func (export "load-a") (param i32) (result i32) (i32.load $a (local.get 0)))
  (func (export "load-b") (param i32) (result i32) (i32.load $b (local.get 0)))
  (func (export "load8s-b") (param i32) (result i32) (i32.load8_s $b offset=1 (local.get 0)))
  (func (export "load64-b") (param i32) (result i64) (i64.load $b (local.get 0)))
  (func (export "store16-b") (param i32 i64) (i64.store16 $b (local.get 0) (local.get 1)))
  (func (export "size-a") (result i32) (memory.size $a))
  (func (export "size-b") (result i32) (memory.size $b))
  (func (export "grow-b") (param i32) (result i32) (memory.grow $b (local.get 0)))
  (func (export "copy-a-to-b") (param i32 i32 i32) (memory.copy $b $a (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy-b-to-a") (param i32 i32 i32) (memory.copy $a $b (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill-b") (param i32 i32 i32) (memory.fill $b (local.get 0) (local.get 1) (local.get 2))))`;

describe('multi-memory', () => {
  it('keeps two memories apart: loads, stores and an active data segment of memory 1', () => {
    const rt = runtime(true);
    const inst = instance(rt, mm(TWO));
    expect(returned(call(rt, inst, 'load-b', 4n))).toEqual([42n]);
    expect(returned(call(rt, inst, 'load-a', 4n))).toEqual([0n]);
    returned(call(rt, inst, 'store-a', 8n, 7n));
    returned(call(rt, inst, 'store-b', 8n, 9n));
    expect(returned(call(rt, inst, 'load-a', 8n))).toEqual([7n]);
    expect(returned(call(rt, inst, 'load-b', 8n))).toEqual([9n]);
    returned(call(rt, inst, 'store-b', 16n, 0x80n));
    expect(returned(call(rt, inst, 'load8s-b', 15n))).toEqual([0xffffff80n]);
    returned(call(rt, inst, 'store16-b', 20n, 0x12345n));
    expect(returned(call(rt, inst, 'load64-b', 20n))).toEqual([0x2345n]);
  });

  it('sizes, grows, copies and fills each memory on its own', () => {
    const rt = runtime(true);
    const inst = instance(rt, mm(TWO));
    expect(returned(call(rt, inst, 'size-a'))).toEqual([1n]);
    expect(returned(call(rt, inst, 'grow-b', 2n))).toEqual([1n]);
    expect(returned(call(rt, inst, 'size-b'))).toEqual([3n]);
    expect(returned(call(rt, inst, 'size-a'))).toEqual([1n]);
    // Past memory 1's declared maximum of 3 pages.
    expect(returned(call(rt, inst, 'grow-b', 1n))).toEqual([0xffffffffn]);
    returned(call(rt, inst, 'store-b', 0x20000n, 0x11223344n));
    expect(returned(call(rt, inst, 'load-b', 0x20000n))).toEqual([0x11223344n]);
    returned(call(rt, inst, 'store-a', 100n, 0x55667788n));
    returned(call(rt, inst, 'copy-a-to-b', 200n, 100n, 4n));
    expect(returned(call(rt, inst, 'load-b', 200n))).toEqual([0x55667788n]);
    returned(call(rt, inst, 'fill-b', 300n, 0xabn, 4n));
    returned(call(rt, inst, 'copy-b-to-a', 400n, 300n, 4n));
    expect(returned(call(rt, inst, 'load-a', 400n))).toEqual([0xababababn]);
    expect(returned(call(rt, inst, 'load-a', 300n))).toEqual([0n]);
  });

  it('traps at the bounds of memory 1, not memory 0', () => {
    const rt = runtime(true);
    const inst = instance(rt, mm(TWO));
    returned(call(rt, inst, 'grow-b', 1n));
    // Memory 1 has 2 pages now, memory 0 one: 65536 is in bounds for 1 only.
    expect(returned(call(rt, inst, 'load-b', 65536n))).toEqual([0n]);
    expect(trapKind(call(rt, inst, 'load-a', 65536n))).toBe('memory_out_of_bounds');
    expect(trapKind(call(rt, inst, 'load-b', 131072n - 3n))).toBe('memory_out_of_bounds');
    expect(trapKind(call(rt, inst, 'store-b', 131072n, 1n))).toBe('memory_out_of_bounds');
    expect(trapKind(call(rt, inst, 'copy-a-to-b', 131070n, 0n, 4n))).toBe('memory_out_of_bounds');
    expect(trapKind(call(rt, inst, 'fill-b', 131072n, 0n, 1n))).toBe('memory_out_of_bounds');
  });

  it('links one memory to two imports: a write through one is read through the other', () => {
    const rt = runtime(true);
    const provider = instance(rt, mm('(module (memory (export "mem") 1 2))'));
    rt.register('p', provider);
    const both = instance(
      rt,
      mm(`(module
        (import "p" "mem" (memory $a 1))
        (import "p" "mem" (memory $b 1))
        (func (export "poke-a") (param i32 i32) (i32.store8 $a (local.get 0) (local.get 1)))
        (func (export "peek-b") (param i32) (result i32) (i32.load8_u $b (local.get 0)))
        (func (export "grow-b") (result i32) (memory.grow $b (i32.const 1)))
        (func (export "peek-a") (param i32) (result i32) (i32.load8_u $a (local.get 0))))`),
    );
    returned(call(rt, both, 'poke-a', 5n, 77n));
    expect(returned(call(rt, both, 'peek-b', 5n))).toEqual([77n]);
    // Growing through import 1 grows memory 0 too: its cached size follows.
    expect(returned(call(rt, both, 'grow-b'))).toEqual([1n]);
    expect(returned(call(rt, both, 'peek-a', 65536n + 5n))).toEqual([0n]);
  });

  it('refuses a memory index past the module\'s memories, naming the instruction\'s byte offset', () => {
    const rt = runtime(true);
    // One memory, and an i32.load with memory index 1 (alignment field 0x42: bit 6 says an index follows).
    const bytes = Uint8Array.from([
      0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
      0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, // type: () -> i32
      0x03, 0x02, 0x01, 0x00, // func 0: type 0
      0x05, 0x03, 0x01, 0x00, 0x01, // memory 1 page
      0x0a, 0x0a, 0x01, 0x08, 0x00, 0x41, 0x00, 0x28, 0x42, 0x01, 0x00, 0x0b, // i32.const 0; i32.load mem 1
    ]);
    const result = rt.load(bytes);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.kind).toBe('invalid');
      expect(result.error.message).toBe('unknown memory');
      expect(result.error.offset).toBe(bytes.indexOf(0x28, 28));
    }
  });

  it('refuses a core module with two memories while the feature is off', () => {
    const rt = runtime(false);
    const result = rt.load(mm(TWO));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.kind).toBe('invalid');
      expect(result.error.message).toBe('multiple memories');
    }
  });
});
