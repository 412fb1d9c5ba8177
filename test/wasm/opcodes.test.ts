import { describe, expect, it } from 'vitest';
import { WrtError } from '../../ts/core/errors.js';
import {
  FC_NAMES,
  MEMORY_OPS_TABLE,
  OP_NAMES,
  SIMD_CONST,
  SIMD_EXTRACT,
  SIMD_KIND,
  SIMD_LOAD_LANE,
  SIMD_NAMES,
  SIMD_REPLACE,
  SIMD_SHUFFLE,
  SIMD_STORE_LANE,
} from '../../ts/wasm/opcodes.js';
import { Reader } from '../../ts/wasm/reader.js';
import { wat } from './wat.js';

const failer = {
  fail(code: 'WASM_MALFORMED' | 'WASM_INVALID', message: string): never {
    throw new WrtError(code, message);
  },
};

/** The instruction bytes of each function body (without locals and the final end). */
function bodies(bytes: Uint8Array): Uint8Array[] {
  const r = new Reader(failer);
  r.bind(bytes, 8, bytes.length, 0, true);
  while (r.remaining > 0) {
    const id = r.u8();
    const size = r.u32();
    if (id !== 10) {
      r.skip(size);
      continue;
    }
    const out: Uint8Array[] = [];
    const count = r.u32();
    for (let i = 0; i < count; i += 1) {
      const bodySize = r.u32();
      const end = r.pos + bodySize;
      expect(r.u32()).toBe(0); // no locals
      out.push(bytes.slice(r.pos, end - 1));
      r.pos = end;
    }
    return out;
  }
  return [];
}

function immediates(sub: number): string {
  switch (SIMD_KIND[sub]) {
    case SIMD_CONST:
      return ' i32x4 0 0 0 0';
    case SIMD_SHUFFLE:
      return ' 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15';
    case SIMD_EXTRACT:
    case SIMD_REPLACE:
    case SIMD_LOAD_LANE:
    case SIMD_STORE_LANE:
      return ' 0';
    default:
      return '';
  }
}

const FC_IMMEDIATES: Readonly<Record<string, string>> = {
  'memory.init': ' 0',
  'data.drop': ' 0',
  'table.init': ' 0',
  'elem.drop': ' 0',
  'table.copy': ' 0 0',
  'table.grow': ' 0',
  'table.size': ' 0',
  'table.fill': ' 0',
};

/** Assembles one function per instruction (without type checking) and returns each body. */
function assemble(instructions: readonly string[]): Uint8Array[] {
  const text = `(module (memory 1) (table 1 funcref) (elem func) (data "")
    ${instructions.map((i) => `(func ${i})`).join('\n')})`;
  return bodies(wat(text, { flags: ['--no-check', '--enable-all'] }));
}

describe('opcode tables against wabt', () => {
  it('has the single-byte numeric, memory and constant opcodes wat2wasm emits', () => {
    const names: [number, string][] = [];
    for (let op = 0x45; op <= 0xc4; op += 1) names.push([op, OP_NAMES[op] ?? '?']);
    MEMORY_OPS_TABLE.forEach(([name], i) => names.push([0x28 + i, name]));
    const built = assemble(names.map(([, name]) => name));
    expect(built.map((b) => b[0])).toEqual(names.map(([op]) => op));
  });

  it('has the 0xfc sub-opcodes wat2wasm emits', () => {
    const built = assemble(FC_NAMES.map((name) => name + (FC_IMMEDIATES[name] ?? '')));
    expect(built.map((b) => [b[0], b[1]])).toEqual(FC_NAMES.map((_, sub) => [0xfc, sub]));
  });

  it('has every fixed-width SIMD opcode wat2wasm emits, and no other', () => {
    const subs = SIMD_NAMES.flatMap((name, sub) => (name === undefined ? [] : [sub]));
    expect(subs).toHaveLength(236);
    const built = assemble(subs.map((sub) => `${SIMD_NAMES[sub]}${immediates(sub)}`));
    const decoded = built.map((b) => {
      const r = new Reader(failer);
      r.bind(b, 1, b.length, 0, true);
      return [b[0], r.u32()];
    });
    expect(decoded).toEqual(subs.map((sub) => [0xfd, sub]));
  });
});
