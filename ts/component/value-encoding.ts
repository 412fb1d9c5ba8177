/**
 * Component values and the component model's own value encoding (Binary.md, "Value
 * Definitions"), in which COMPONENT_INVOKE carries arguments and results (docs/protocol.md §4e;
 * the device's side is native/component/wrt_cval.c). Walks recurse at most as deep as the type
 * (ctype.ts bounds it to 32 levels).
 */
import { WrtError } from '../core/errors.js';
import type { CType } from './ctype.js';

export type CValue =
  | { readonly k: 'bool'; readonly v: boolean }
  | { readonly k: 'int'; readonly v: bigint }
  /** f32/f64: the number (NaN is the canonical NaN on the wire). */
  | { readonly k: 'float'; readonly v: number }
  /** A Unicode scalar value. */
  | { readonly k: 'char'; readonly v: number }
  | { readonly k: 'string'; readonly v: string }
  | { readonly k: 'list'; readonly items: readonly CValue[] }
  | { readonly k: 'record'; readonly fields: readonly CValue[] }
  | { readonly k: 'tuple'; readonly items: readonly CValue[] }
  /** variant, enum, option (0 none, 1 some), result (0 ok, 1 err): the case and its payload. */
  | { readonly k: 'case'; readonly index: number; readonly payload: CValue | null }
  | { readonly k: 'flags'; readonly set: readonly boolean[] }
  /** own<r> / borrow<r>: an index in the host's handle table on the device (docs/component.md, "Resources"). */
  | { readonly k: 'handle'; readonly v: number };

export const INT_RANGES: Readonly<Record<string, readonly [bigint, bigint]>> = {
  s8: [-(1n << 7n), (1n << 7n) - 1n],
  u8: [0n, (1n << 8n) - 1n],
  s16: [-(1n << 15n), (1n << 15n) - 1n],
  u16: [0n, (1n << 16n) - 1n],
  s32: [-(1n << 31n), (1n << 31n) - 1n],
  u32: [0n, (1n << 32n) - 1n],
  s64: [-(1n << 63n), (1n << 63n) - 1n],
  u64: [0n, (1n << 64n) - 1n],
};

class Out {
  readonly bytes: number[] = [];
  uleb(v: bigint): void {
    let x = v;
    for (;;) {
      const b = Number(x & 0x7fn);
      x >>= 7n;
      if (x === 0n) {
        this.bytes.push(b);
        return;
      }
      this.bytes.push(b | 0x80);
    }
  }
  sleb(v: bigint): void {
    let x = v;
    for (;;) {
      const b = Number(x & 0x7fn);
      x >>= 7n;
      if ((x === 0n && (b & 0x40) === 0) || (x === -1n && (b & 0x40) !== 0)) {
        this.bytes.push(b);
        return;
      }
      this.bytes.push(b | 0x80);
    }
  }
  raw(b: Uint8Array): void {
    for (const x of b) this.bytes.push(x);
  }
}

function mismatch(t: CType, v: CValue): WrtError {
  return new WrtError('VALUE_INVALID', `a ${v.k} value where the type is ${t.k}`, { field: 'value' });
}

function floatBytes(t: 'f32' | 'f64', v: number): Uint8Array {
  const view = new DataView(new ArrayBuffer(8));
  if (t === 'f32') {
    if (Number.isNaN(v)) view.setUint32(0, 0x7fc00000, true);
    else view.setFloat32(0, v, true);
    return new Uint8Array(view.buffer, 0, 4);
  }
  if (Number.isNaN(v)) view.setBigUint64(0, 0x7ff8000000000000n, true);
  else view.setFloat64(0, v, true);
  return new Uint8Array(view.buffer, 0, 8);
}

function encodeInto(out: Out, t: CType, v: CValue): void {
  switch (t.k) {
    case 'bool':
      if (v.k !== 'bool') throw mismatch(t, v);
      out.bytes.push(v.v ? 1 : 0);
      return;
    case 's8':
    case 'u8':
      if (v.k !== 'int') throw mismatch(t, v);
      out.bytes.push(Number(BigInt.asUintN(8, v.v)));
      return;
    case 'u16':
    case 'u32':
    case 'u64':
      if (v.k !== 'int') throw mismatch(t, v);
      out.uleb(v.v);
      return;
    case 's16':
    case 's32':
    case 's64':
      if (v.k !== 'int') throw mismatch(t, v);
      out.sleb(v.v);
      return;
    case 'f32':
    case 'f64':
      if (v.k !== 'float') throw mismatch(t, v);
      out.raw(floatBytes(t.k, v.v));
      return;
    case 'char':
      if (v.k !== 'char') throw mismatch(t, v);
      out.raw(new TextEncoder().encode(String.fromCodePoint(v.v)));
      return;
    case 'string': {
      if (v.k !== 'string') throw mismatch(t, v);
      const bytes = new TextEncoder().encode(v.v);
      out.uleb(BigInt(bytes.length));
      out.raw(bytes);
      return;
    }
    case 'list':
      if (v.k !== 'list') throw mismatch(t, v);
      out.uleb(BigInt(v.items.length));
      for (const item of v.items) encodeInto(out, t.t, item);
      return;
    case 'record':
      if (v.k !== 'record') throw mismatch(t, v);
      t.fields.forEach(([, f], i) => encodeInto(out, f, v.fields[i] as CValue));
      return;
    case 'tuple':
      if (v.k !== 'tuple') throw mismatch(t, v);
      t.ts.forEach((x, i) => encodeInto(out, x, v.items[i] as CValue));
      return;
    case 'own':
    case 'borrow':
      if (v.k !== 'handle') throw mismatch(t, v);
      out.uleb(BigInt(v.v));
      return;
    case 'flags': {
      if (v.k !== 'flags') throw mismatch(t, v);
      const n = Math.ceil(t.names.length / 8);
      for (let b = 0; b < n; b++) {
        let byte = 0;
        for (let bit = 0; bit < 8; bit++) if (v.set[b * 8 + bit] === true) byte |= 1 << bit;
        out.bytes.push(byte);
      }
      return;
    }
    default: {
      if (v.k !== 'case') throw mismatch(t, v);
      out.uleb(BigInt(v.index));
      const payload = casePayload(t, v.index);
      if (payload !== null) encodeInto(out, payload, v.payload as CValue);
    }
  }
}

/** The payload type of case `index` of a variant, enum, option or result (null: none). */
export function casePayload(t: CType, index: number): CType | null {
  switch (t.k) {
    case 'variant':
      return t.cases[index]?.[1] ?? null;
    case 'option':
      return index === 1 ? t.t : null;
    case 'result':
      return index === 0 ? t.ok : t.err;
    default:
      return null;
  }
}

/** The value encoding of a tuple of values (the arguments of a call). */
export function encodeValues(ts: readonly CType[], vs: readonly CValue[]): Uint8Array {
  const out = new Out();
  ts.forEach((t, i) => encodeInto(out, t, vs[i] as CValue));
  return Uint8Array.from(out.bytes);
}

class In {
  pos = 0;
  constructor(private readonly b: Uint8Array) {}
  fail(what: string): never {
    throw new WrtError('HOST_READ_FAILED', `the device's result does not decode: ${what} at value byte ${this.pos}`, { field: 'COMPONENT_INVOKE values', offset: this.pos });
  }
  u8(): number {
    if (this.pos >= this.b.length) this.fail('the value ends early');
    return this.b[this.pos++] as number;
  }
  uleb(): bigint {
    let v = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const b = this.u8();
      v |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return v;
    }
    return this.fail('a LEB128 longer than 10 bytes');
  }
  sleb(): bigint {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.u8();
      v |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if ((b & 0x80) === 0) return (b & 0x40) !== 0 ? v - (1n << shift) : v;
      if (shift >= 70n) this.fail('a LEB128 longer than 10 bytes');
    }
  }
  bytes(n: number): Uint8Array {
    if (n > this.b.length - this.pos) this.fail(`${n} bytes past the end`);
    const out = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  get done(): boolean {
    return this.pos === this.b.length;
  }
}

function decodeFrom(r: In, t: CType): CValue {
  switch (t.k) {
    case 'bool':
      return { k: 'bool', v: r.u8() !== 0 };
    case 's8':
      return { k: 'int', v: BigInt.asIntN(8, BigInt(r.u8())) };
    case 'u8':
      return { k: 'int', v: BigInt(r.u8()) };
    case 'u16':
    case 'u32':
    case 'u64':
      return { k: 'int', v: r.uleb() };
    case 's16':
    case 's32':
    case 's64':
      return { k: 'int', v: r.sleb() };
    case 'f32': {
      const view = new DataView(Uint8Array.from(r.bytes(4)).buffer);
      return { k: 'float', v: view.getFloat32(0, true) };
    }
    case 'f64': {
      const view = new DataView(Uint8Array.from(r.bytes(8)).buffer);
      return { k: 'float', v: view.getFloat64(0, true) };
    }
    case 'char': {
      const first = r.u8();
      const extra = first < 0x80 ? 0 : first < 0xe0 ? 1 : first < 0xf0 ? 2 : 3;
      const text = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.of(first, ...r.bytes(extra)));
      return { k: 'char', v: text.codePointAt(0) as number };
    }
    case 'string': {
      const n = Number(r.uleb());
      try {
        return { k: 'string', v: new TextDecoder('utf-8', { fatal: true }).decode(r.bytes(n)) };
      } catch {
        return r.fail('a string that is not UTF-8');
      }
    }
    case 'list': {
      const n = Number(r.uleb());
      const items: CValue[] = [];
      for (let i = 0; i < n; i++) items.push(decodeFrom(r, t.t));
      return { k: 'list', items };
    }
    case 'record':
      return { k: 'record', fields: t.fields.map(([, f]) => decodeFrom(r, f)) };
    case 'tuple':
      return { k: 'tuple', items: t.ts.map((x) => decodeFrom(r, x)) };
    case 'flags': {
      const bytes = r.bytes(Math.ceil(t.names.length / 8));
      return { k: 'flags', set: t.names.map((_, i) => (((bytes[i >> 3] as number) >> (i & 7)) & 1) === 1) };
    }
    case 'own':
    case 'borrow': {
      const v = r.uleb();
      if (v > 0xffffffffn) r.fail('a handle index over 32 bits');
      return { k: 'handle', v: Number(v) };
    }
    default: {
      const index = Number(r.uleb());
      const cases = t.k === 'variant' ? t.cases.length : t.k === 'enum' ? t.names.length : 2;
      if (index >= cases) r.fail(`case ${index} of ${cases}`);
      const payload = casePayload(t, index);
      return { k: 'case', index, payload: payload === null ? null : decodeFrom(r, payload) };
    }
  }
}

/** One value of type `t` that takes all of `bytes`. */
export function decodeValue(t: CType, bytes: Uint8Array): CValue {
  const r = new In(bytes);
  const v = decodeFrom(r, t);
  if (!r.done) r.fail('bytes after the value');
  return v;
}
