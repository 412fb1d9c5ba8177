/**
 * The value types a component call carries, as one self-contained tree per parameter and result
 * (the validator's arena shares them as a graph), and their encoding for the device's canonical
 * ABI (native/component/wrt_cabi.h; the table in docs/component.md, "Type encoding").
 *
 * A tree is built only up to WRT_CABI_MAX_DEPTH levels and the device's node table
 * (WRT_COMPONENT_MAX_NODES), so no walk of it recurses deeper than 32 frames.
 */
import { ComponentError } from './errors.js';
import { PRIM_NAMES, type TypeArena, type ValType } from './types.js';

export type PrimName = 'bool' | 's8' | 'u8' | 's16' | 'u16' | 's32' | 'u32' | 's64' | 'u64' | 'f32' | 'f64' | 'char' | 'string';

export type CType =
  | { readonly k: PrimName }
  | { readonly k: 'list'; readonly t: CType }
  | { readonly k: 'record'; readonly fields: readonly (readonly [string, CType])[] }
  | { readonly k: 'tuple'; readonly ts: readonly CType[] }
  | { readonly k: 'variant'; readonly cases: readonly (readonly [string, CType | null])[] }
  | { readonly k: 'enum'; readonly names: readonly string[] }
  | { readonly k: 'option'; readonly t: CType }
  | { readonly k: 'result'; readonly ok: CType | null; readonly err: CType | null }
  | { readonly k: 'flags'; readonly names: readonly string[] }
  /**
   * A resource handle: moved between handle tables by the device (adapters; the host's table for
   * a top-level export). `rt`: the session's resource type the device checks it against on a
   * lift; absent: the handle's own type (adapters, a resource the lifting scope does not define).
   */
  | { readonly k: 'own' | 'borrow'; readonly rt?: number };

/** Nesting the device's canonical ABI walks (WRT_CABI_MAX_DEPTH). */
export const MAX_TYPE_DEPTH = 32;
/** Type nodes of one call's parameters and result together (WRT_COMPONENT_MAX_NODES). */
export const MAX_TYPE_NODES = 64;

const PRIM_CODES: Readonly<Record<PrimName, number>> = {
  bool: 0x00, s8: 0x01, u8: 0x02, s16: 0x03, u16: 0x04, s32: 0x05, u32: 0x06, s64: 0x07, u64: 0x08, f32: 0x09, f64: 0x0a, char: 0x0b, string: 0x0c,
};

/** Why a function cannot be run: the feature it uses, and what this slice runs. */
export function unsupported(message: string, file: string | undefined, offset = 0): ComponentError {
  return new ComponentError('COMPONENT_UNSUPPORTED', message, { ...(file === undefined ? {} : { file }), offset, limit: SUPPORTED }, 'run');
}

export const SUPPORTED =
  'run and deploy call exported functions of a component (any core modules and instances, nested components, fused adapters, resources) whose only top-level imports are WASI 0.2 interfaces (wasi:*@0.2.x, which native-sim serves; a wasi:cli/run command runs without --invoke), whose types are bool, integers, floats, char, string, list, record, tuple, variant, enum, option, result, flags and own/borrow handles';

/** The arena type `t` as a tree; `nodes` counts the nodes made (with the other trees of the call). */
export function ctypeOf(arena: TypeArena, t: ValType, where: string, file: string | undefined, nodes: { count: number }, handles: boolean | ((resource: number) => number | null) = false): CType {
  const build = (v: ValType, depth: number): CType => {
    nodes.count += 1;
    if (nodes.count > MAX_TYPE_NODES) throw unsupported(`${where}: the types of one call need more than ${MAX_TYPE_NODES} type nodes (the device's WRT_COMPONENT_MAX_NODES)`, file);
    // The device nests the parameter (or result) tuple around it: one level is taken.
    if (depth > MAX_TYPE_DEPTH - 2) throw unsupported(`${where}: a type nests deeper than ${MAX_TYPE_DEPTH} levels (the device's WRT_CABI_MAX_DEPTH)`, file);
    if (v < 0) return { k: PRIM_NAMES[-v] as PrimName };
    const node = arena.node(v);
    switch (node.k) {
      case 'prim':
        return { k: PRIM_NAMES[node.p] as PrimName };
      case 'list':
        return { k: 'list', t: build(node.t, depth + 1) };
      case 'record':
        return { k: 'record', fields: node.fields.map(([n, f]) => [n, build(f, depth + 1)] as const) };
      case 'tuple':
        return { k: 'tuple', ts: node.ts.map((x) => build(x, depth + 1)) };
      case 'variant':
        return { k: 'variant', cases: node.cases.map(([n, c]) => [n, c === null ? null : build(c, depth + 1)] as const) };
      case 'enum':
        return { k: 'enum', names: node.names };
      case 'flags':
        if (node.names.length > 32) throw unsupported(`${where}: flags of ${node.names.length} labels (the canonical ABI here takes at most 32)`, file);
        return { k: 'flags', names: node.names };
      case 'option':
        return { k: 'option', t: build(node.t, depth + 1) };
      case 'result':
        return { k: 'result', ok: node.ok === null ? null : build(node.ok, depth + 1), err: node.err === null ? null : build(node.err, depth + 1) };
      case 'own':
      case 'borrow':
        if (typeof handles === 'function') {
          const rt = handles(node.r);
          return rt === null ? { k: node.k } : { k: node.k, rt };
        }
        if (handles) return { k: node.k };
        throw unsupported(`${where}: resource handles (${node.k}) are not run yet`, file);
      default:
        throw unsupported(`${where}: a ${node.k} is not a value type this slice runs`, file);
    }
  };
  return build(t, 0);
}

function leb(out: number[], n: number): void {
  let v = n >>> 0;
  do {
    const b = v & 0x7f;
    v >>>= 7;
    out.push(v === 0 ? b : b | 0x80);
  } while (v !== 0);
}

/** The wrt_cabi type encoding of a tuple of `ts` (the parameters, or the one result); empty for none. */
export function encodeTupleType(ts: readonly CType[]): Uint8Array {
  if (ts.length === 0) return new Uint8Array(0);
  const out: number[] = [0x12];
  leb(out, ts.length);
  const emit = (t: CType | null): void => {
    if (t === null) {
      out.push(0x1f);
      return;
    }
    switch (t.k) {
      case 'list':
        out.push(0x10);
        emit(t.t);
        return;
      case 'record':
        out.push(0x11);
        leb(out, t.fields.length);
        for (const [, f] of t.fields) emit(f);
        return;
      case 'tuple':
        out.push(0x12);
        leb(out, t.ts.length);
        for (const x of t.ts) emit(x);
        return;
      case 'variant':
        out.push(0x13);
        leb(out, t.cases.length);
        for (const [, c] of t.cases) emit(c);
        return;
      case 'enum':
        out.push(0x14);
        leb(out, t.names.length);
        return;
      case 'option':
        out.push(0x15);
        emit(t.t);
        return;
      case 'result':
        out.push(0x16);
        emit(t.ok);
        emit(t.err);
        return;
      case 'flags':
        out.push(0x17);
        leb(out, t.names.length);
        return;
      case 'own':
      case 'borrow':
        // 0: the table entry's own type (adapters); n: the session's resource type n - 1, checked.
        out.push(t.k === 'own' ? 0x18 : 0x19);
        leb(out, t.rt === undefined ? 0 : t.rt + 1);
        return;
      default:
        out.push(PRIM_CODES[t.k]);
    }
  };
  for (const t of ts) emit(t);
  return Uint8Array.from(out);
}

/** A type as WIT writes it, structurally (records, variants, enums and flags spelled out). */
export function witOf(t: CType): string {
  switch (t.k) {
    case 'list':
      return `list<${witOf(t.t)}>`;
    case 'record':
      return `record { ${t.fields.map(([n, f]) => `${n}: ${witOf(f)}`).join(', ')} }`;
    case 'tuple':
      return `tuple<${t.ts.map(witOf).join(', ')}>`;
    case 'variant':
      return `variant { ${t.cases.map(([n, c]) => (c === null ? n : `${n}(${witOf(c)})`)).join(', ')} }`;
    case 'enum':
      return `enum { ${t.names.join(', ')} }`;
    case 'flags':
      return `flags { ${t.names.join(', ')} }`;
    case 'option':
      return `option<${witOf(t.t)}>`;
    case 'result':
      return t.ok === null && t.err === null ? 'result' : t.err === null ? `result<${witOf(t.ok as CType)}>` : `result<${t.ok === null ? '_' : witOf(t.ok)}, ${witOf(t.err)}>`;
    default:
      return t.k;
  }
}
