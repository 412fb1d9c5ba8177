import { beforeAll, describe, expect, it } from 'vitest';
import type { InterpNative } from '../../tools/interp/ffi.js';
import { disposedAfterEach, type Loaded, SMALL_LAYOUT, instantiate, interp, returned, trapKind } from './helpers.js';

/**
 * The compiled code's packed encoding (native/interp/wrt_iops.h): an op's first immediate lives in
 * the low 16 bits of its op cell when it fits, and a value that does not fit takes the op's wide
 * twin (CONST32_W, CALL_W, LOAD32_W, ...) or leaves the instructions unfused. Each edge of the
 * 16-bit fields is checked here, with the results wasm defines; and FUEL's 16-bit charge, which
 * cuts a straight run longer than 65,535 instructions into segments.
 */

let native: InterpNative;
const keep = disposedAfterEach();

beforeAll(() => {
  native = interp();
});

function load(text: string, layout = SMALL_LAYOUT): Loaded {
  const loaded = instantiate(native, text, layout);
  keep(loaded.rt);
  return loaded;
}

const u32 = (x: bigint): bigint => BigInt.asUintN(32, x);

/** Around the packed field's edges: sign-extended 16 bits hold [-32768, 32767]. */
const CONSTANTS = [0n, 1n, -1n, 32767n, 32768n, -32768n, -32769n, 65535n, 65536n, 0x7fffffffn, -0x80000000n];

describe('packed immediates and their wide twins', () => {
  it('pushes, adds, masks and stores every constant exactly (fused with a local, on the stack, or alone)', () => {
    const funcs = CONSTANTS.map(
      (k, i) => `
      (func (export "push${i}") (result i32) (i32.const ${k}))
      (func (export "addl${i}") (param i32) (result i32) (i32.add (local.get 0) (i32.const ${k})))
      (func (export "ands${i}") (param i32 i32) (result i32) (i32.and (i32.xor (local.get 0) (local.get 1)) (i32.const ${k})))
      (func (export "set${i}") (result i32) (local i32) (local.set 0 (i32.const ${k})) (local.get 0))
      (func (export "store${i}") (param i32) (result i32) (i32.store (local.get 0) (i32.const ${k})) (i32.load (local.get 0)))
      (func (export "cmp${i}") (param i32) (result i32) (if (result i32) (i32.lt_s (local.get 0) (i32.const ${k})) (then (i32.const 1)) (else (i32.const 0))))
      (func (export "brk${i}") (param i32 i32) (result i32) (block (br_if 0 (i32.lt_u (i32.xor (local.get 0) (local.get 1)) (i32.const ${k}))) (return (i32.const 7))) (i32.const 9))
      (func (export "count${i}") (param i32 i32) (result i32) (i32.add (local.get 1) (i32.ne (i32.xor (local.get 0) (local.get 1)) (i32.const ${k}))))
      (func (export "setk${i}") (param i32 i32) (result i32) (local i32) (local.set 2 (i32.or (i32.xor (local.get 0) (local.get 1)) (i32.const ${k}))) (local.get 2))
      (func (export "divk${i}") (param i32 i32) (result i32) (i32.div_u (i32.xor (local.get 0) (local.get 1)) (i32.const ${k === 0n ? 3n : k})))
      (func (export "loadk${i}") (param i32 i32) (result i32) (i32.load (i32.add (i32.xor (local.get 0) (local.get 1)) (i32.const ${k}))))`,
    );
    const m = load(`(module (memory 1) ${funcs.join('\n')})`);
    CONSTANTS.forEach((k, i) => {
      const x = 0x12345678n;
      expect(returned(m.call(`push${i}`))).toEqual([u32(k)]);
      expect(returned(m.call(`addl${i}`, x))).toEqual([u32(x + k)]);
      expect(returned(m.call(`ands${i}`, x, 0xffn))).toEqual([u32((x ^ 0xffn) & k)]);
      expect(returned(m.call(`set${i}`))).toEqual([u32(k)]);
      expect(returned(m.call(`store${i}`, 64n))).toEqual([u32(k)]);
      expect(returned(m.call(`brk${i}`, x, 0n))).toEqual([x < u32(k) ? 9n : 7n]);
      expect(returned(m.call(`count${i}`, x, 5n))).toEqual([(x ^ 5n) !== u32(k) ? 6n : 5n]);
      expect(returned(m.call(`setk${i}`, x, 5n))).toEqual([u32((x ^ 5n) | k)]);
      const d = k === 0n ? 3n : u32(k);
      expect(returned(m.call(`divk${i}`, x, 5n))).toEqual([(x ^ 5n) / d]);
      // The address (x ^ y) + k wraps to 64 for every k: memory holds the stored word there.
      m.call(`store${i}`, 64n);
      expect(returned(m.call(`loadk${i}`, u32(64n - k), 0n))).toEqual([u32(k)]);
      for (const v of [k - 1n, k, k + 1n]) {
        const arg = BigInt.asIntN(32, v);
        expect(returned(m.call(`cmp${i}`, u32(arg)))).toEqual([arg < BigInt.asIntN(32, k) ? 1n : 0n]);
      }
    });
  });

  it('loads and stores at offsets on both sides of 2^16, and traps past the memory', () => {
    const offsets = [0n, 65535n, 65536n, 131068n];
    const funcs = offsets.map(
      (o, i) => `
      (func (export "rw${i}") (param i32 i32) (result i32) (i32.store offset=${o} (local.get 0) (local.get 1)) (i32.load offset=${o} (local.get 0)))
      (func (export "byte${i}") (param i32) (result i32) (i32.load8_u offset=${o} (local.get 0)))`,
    );
    // Two pages: the last word is at 131068.
    const m = load(`(module (memory 2) ${funcs.join('\n')})`);
    offsets.forEach((o, i) => {
      expect(returned(m.call(`rw${i}`, 0n, 0xa1b2c3d4n))).toEqual([0xa1b2c3d4n]);
      expect(returned(m.call(`byte${i}`, 0n))).toEqual([0xd4n]);
      // One word past the end of memory from this offset.
      expect(trapKind(m.call(`rw${i}`, u32(131069n - o), 1n))).toBe('memory_out_of_bounds');
    });
  });

  it('calls functions whose index does not fit 16 bits (CALL_W)', () => {
    // 65,540 functions: $f65539 returns its index, called from the exported one.
    const count = 65540;
    const bodies: string[] = [];
    for (let i = 0; i < count; i++) bodies.push(`(func (result i32) (i32.const ${i}))`);
    const text = `(module ${bodies.join('')}
      (func (export "far") (result i32) (i32.add (call 65539) (call 3)))
      (func (export "near") (result i32) (call 65535)))`;
    const m = load(text, { ...SMALL_LAYOUT, metaBytes: 16 * 1024 * 1024, codeBytes: 2 * 1024 * 1024, controlBytes: 64 * 1024 });
    expect(returned(m.call('far'))).toEqual([65542n]);
    expect(returned(m.call('near'))).toEqual([65535n]);
  });
});

describe('globals past 2^16', () => {
  it('reads and writes a global whose index does not fit 16 bits (GLOBAL_GET_W, GLOBAL_SET_W)', () => {
    const count = 65540;
    const globals: string[] = [];
    for (let i = 0; i < count; i++) globals.push(`(global (mut i32) (i32.const ${i}))`);
    const text = `(module ${globals.join('')}
      (func (export "far") (param i32) (result i32) (global.set 65539 (i32.add (global.get 65539) (local.get 0))) (global.get 65539))
      (func (export "near") (result i32) (global.get 65535)))`;
    const m = load(text, { ...SMALL_LAYOUT, metaBytes: 16 * 1024 * 1024, globalSlots: count + 16 });
    expect(returned(m.call('far', 1n))).toEqual([65540n]);
    expect(returned(m.call('far', 2n))).toEqual([65542n]);
    expect(returned(m.call('near'))).toEqual([65535n]);
  });
});

describe('fuel charges of 16 bits', () => {
  // 33,000 pairs (i32.const, local.set) and a local.get: 66,001 instructions in one straight run.
  const pairs = 33000;
  const body: string[] = [];
  for (let i = 0; i < pairs; i++) body.push(`(local.set 0 (i32.const ${i}))`);
  const LONG = `(module (func (export "long") (result i32) (local i32) ${body.join('')} (local.get 0)))`;
  const total = BigInt(2 * pairs + 1);
  const layout = { ...SMALL_LAYOUT, codeBytes: 1024 * 1024 };

  it('charges a straight run longer than 65,535 instructions in full', () => {
    const m = load(LONG, layout);
    const result = m.call('long');
    expect(returned(result)).toEqual([BigInt(pairs - 1)]);
    expect(result.ok && result.fuelUsed).toBe(total);
    m.rt.setFuel(total);
    expect(returned(m.call('long'))).toEqual([BigInt(pairs - 1)]);
  });

  it('cuts it after 65,535: one short, the trap comes at the second segment with the first paid', () => {
    const m = load(LONG, layout);
    m.rt.setFuel(total - 1n);
    const short = m.call('long');
    expect(trapKind(short)).toBe('fuel_exhausted');
    expect(!short.ok && short.trap.fuelUsed).toBe(65535n);
    m.rt.setFuel(65534n);
    const none = m.call('long');
    expect(trapKind(none)).toBe('fuel_exhausted');
    expect(!none.ok && none.trap.fuelUsed).toBe(0n);
  });
});
