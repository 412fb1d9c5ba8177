/**
 * WebAssembly 2.0 value types, kept as their binary type bytes so the validator's operand stack can
 * be a Uint8Array of the same bytes the module uses.
 */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export const FUNCREF = 0x70;
export const EXTERNREF = 0x6f;
/** The bottom type of the spec's validation algorithm: a value popped from a polymorphic stack. */
export const UNKNOWN = 0;

export type ValueTypeName = 'i32' | 'i64' | 'f32' | 'f64' | 'v128' | 'funcref' | 'externref';

const NAMES: readonly (ValueTypeName | undefined)[] = (() => {
  const names = new Array<ValueTypeName | undefined>(256).fill(undefined);
  names[I32] = 'i32';
  names[I64] = 'i64';
  names[F32] = 'f32';
  names[F64] = 'f64';
  names[V128] = 'v128';
  names[FUNCREF] = 'funcref';
  names[EXTERNREF] = 'externref';
  return names;
})();

/** 1 for every byte that is a WebAssembly 2.0 value type. */
export const IS_VALUE_TYPE: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (const t of [I32, I64, F32, F64, V128, FUNCREF, EXTERNREF]) table[t] = 1;
  return table;
})();

/**
 * Bytes a value occupies in the stack and frame figures of the analysis: the value's own width,
 * references counted as 4 bytes (a table index or pointer on the 32-bit targets wrt-target serves).
 * The bottom type only occurs in unreachable code and counts 0.
 */
export const VALUE_BYTES: Uint8Array = (() => {
  const table = new Uint8Array(256);
  table[I32] = 4;
  table[I64] = 8;
  table[F32] = 4;
  table[F64] = 8;
  table[V128] = 16;
  table[FUNCREF] = 4;
  table[EXTERNREF] = 4;
  return table;
})();

export function isRefType(t: number): boolean {
  return t === FUNCREF || t === EXTERNREF;
}

export function valueTypeName(t: number): string {
  if (t === UNKNOWN) return 'any';
  return NAMES[t] ?? `0x${t.toString(16).padStart(2, '0')}`;
}

export interface FuncType {
  readonly params: Uint8Array;
  readonly results: Uint8Array;
  /** Structural identity: two types with the same key are the same type in WebAssembly 2.0. */
  readonly key: string;
  /** VALUE_BYTES summed over params and over results. */
  readonly paramBytes: number;
  readonly resultBytes: number;
}

function bytesKey(bytes: Uint8Array): string {
  let key = '';
  for (const b of bytes) key += String.fromCharCode(b);
  return key;
}

function sizeOf(types: Uint8Array): number {
  let bytes = 0;
  for (let i = 0; i < types.length; i += 1) bytes += VALUE_BYTES[types[i] as number] as number;
  return bytes;
}

export function makeFuncType(params: Uint8Array, results: Uint8Array): FuncType {
  return { params, results, key: `${bytesKey(params)}|${bytesKey(results)}`, paramBytes: sizeOf(params), resultBytes: sizeOf(results) };
}

function typeList(types: Uint8Array): string {
  let text = '';
  for (let i = 0; i < types.length; i += 1) text += (i === 0 ? '' : ', ') + valueTypeName(types[i] as number);
  return text;
}

/** "(i32, i32) -> i64"; "() -> ()" for the empty type. */
export function funcTypeToString(type: FuncType): string {
  const results = type.results.length === 1 ? valueTypeName(type.results[0] as number) : `(${typeList(type.results)})`;
  return `(${typeList(type.params)}) -> ${results}`;
}

export function sameTypes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

export const PAGE_BYTES = 65536;
/** The most pages a 32-bit memory can have in WebAssembly 2.0 (4 GiB). */
export const MAX_PAGES = 65536;
