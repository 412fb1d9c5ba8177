import { WrtError } from '../core/errors.js';
import type { WireValue } from '../device/messages.js';

/**
 * The one wasm value model: numbers as bit patterns, the way wast2json writes them (an unsigned
 * decimal string of the value's bits). Every executor reports results this way, so comparing two boards never
 * depends on how a JavaScript number rounds.
 */
export type NumType = 'i32' | 'i64' | 'f32' | 'f64';
export const NUM_TYPES: readonly NumType[] = ['i32', 'i64', 'f32', 'f64'];

export interface WasmValue {
  readonly type: NumType;
  /** Unsigned decimal bit pattern. */
  readonly bits: string;
}

/** An expected value: exact bits, or any NaN of a class (the spec's nan:canonical / nan:arithmetic). */
export type ExpectedValue = WasmValue | { readonly type: 'f32' | 'f64'; readonly nan: 'canonical' | 'arithmetic' };

/**
 * What an executor saw. `nanOnly` marks a NaN whose payload the executor could not observe
 * (JavaScript numbers carry no NaN payload), so it agrees with any NaN.
 */
export interface ObservedValue extends WasmValue {
  readonly nanOnly?: boolean;
}

const WIDTH: Record<NumType, bigint> = { i32: 32n, i64: 64n, f32: 32n, f64: 64n };

function mask(type: NumType): bigint {
  return (1n << WIDTH[type]) - 1n;
}

export function isNanBits(type: NumType, bits: bigint): boolean {
  if (type === 'f32') return (bits & 0x7f800000n) === 0x7f800000n && (bits & 0x7fffffn) !== 0n;
  if (type === 'f64') return (bits & 0x7ff0000000000000n) === 0x7ff0000000000000n && (bits & 0xfffffffffffffn) !== 0n;
  return false;
}

function floatBits(type: 'f32' | 'f64', value: number): bigint {
  if (type === 'f32') {
    const view = new DataView(new ArrayBuffer(4));
    view.setFloat32(0, value, true);
    return BigInt(view.getUint32(0, true));
  }
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value, true);
  return view.getBigUint64(0, true);
}

/** Bits to the JavaScript value a WebAssembly function takes (number or bigint). */
export function toJsValue(value: WasmValue): number | bigint {
  const bits = BigInt(value.bits);
  switch (value.type) {
    case 'i32':
      return Number(BigInt.asIntN(32, bits));
    case 'i64':
      return BigInt.asIntN(64, bits);
    case 'f32': {
      const view = new DataView(new ArrayBuffer(4));
      view.setUint32(0, Number(bits), true);
      return view.getFloat32(0, true);
    }
    case 'f64': {
      const view = new DataView(new ArrayBuffer(8));
      view.setBigUint64(0, bits, true);
      return view.getFloat64(0, true);
    }
  }
}

/** A JavaScript result back to bits; a float NaN is marked `nanOnly`. */
export function fromJsValue(type: NumType, value: unknown): ObservedValue {
  if (type === 'i64') {
    const big = typeof value === 'bigint' ? value : BigInt(Number(value));
    return { type, bits: BigInt.asUintN(64, big).toString() };
  }
  const num = typeof value === 'number' ? value : Number(value);
  if (type === 'i32') return { type, bits: BigInt.asUintN(32, BigInt(num | 0)).toString() };
  const bits = floatBits(type, num).toString();
  return Number.isNaN(num) ? { type, bits, nanOnly: true } : { type, bits };
}

const FLOAT_WORDS: Record<string, number> = { inf: Infinity, '+inf': Infinity, '-inf': -Infinity, nan: NaN };

/**
 * A value as a suite file writes it: `{ i32: -1 }`, `{ i64: "0xffffffffffffffff" }`,
 * `{ f32: 1.5 }`, `{ f64: "-inf" }`, `{ f32: "bits:0x7fc00001" }`, or for expectations
 * `{ f32: "nan:canonical" }`. `field` is the JSON pointer used in errors.
 */
export function parseSuiteValue(raw: unknown, file: string, field: string, allowNanClass: boolean): ExpectedValue {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad(file, field, 'is not a typed value such as { i32: 5 }');
  const keys = Object.keys(raw);
  const type = keys[0];
  if (keys.length !== 1 || type === undefined || !NUM_TYPES.includes(type as NumType)) {
    throw bad(file, field, `has keys ${JSON.stringify(keys)}`, 'exactly one of i32 | i64 | f32 | f64');
  }
  const numType = type as NumType;
  const v: unknown = Reflect.get(raw, type);
  const at = `${field}/${type}`;
  if (numType === 'i32' || numType === 'i64') {
    const big = parseInteger(v);
    const width = WIDTH[numType];
    if (big === undefined) throw bad(file, at, `is ${JSON.stringify(v)}, not an exact integer`, 'decimal or 0x-hex integer');
    if (big < -(1n << (width - 1n)) || big > mask(numType)) {
      throw bad(file, at, `is ${big}, out of range`, `fits ${width} bits (signed or unsigned)`);
    }
    return { type: numType, bits: BigInt.asUintN(Number(width), big).toString() };
  }
  if (typeof v === 'number') return { type: numType, bits: floatBits(numType, v).toString() };
  if (typeof v === 'string') {
    const text = v.trim().toLowerCase();
    if (text === 'nan:canonical' || text === 'nan:arithmetic') {
      if (!allowNanClass) throw bad(file, at, `is "${text}", which only an expected value may be`);
      return { type: numType, nan: text === 'nan:canonical' ? 'canonical' : 'arithmetic' };
    }
    if (text.startsWith('bits:')) {
      const big = parseInteger(text.slice(5));
      if (big === undefined || big < 0n || big > mask(numType)) throw bad(file, at, `is "${v}"`, `bits:<unsigned ${WIDTH[numType]}-bit integer>`);
      return { type: numType, bits: big.toString() };
    }
    if (text === '-nan') return { type: numType, bits: (floatBits(numType, NaN) | signBit(numType)).toString() };
    const word = FLOAT_WORDS[text];
    if (word !== undefined) return { type: numType, bits: floatBits(numType, word).toString() };
    const num = Number(text);
    if (text !== '' && Number.isFinite(num)) return { type: numType, bits: floatBits(numType, num).toString() };
  }
  throw bad(file, at, `is ${JSON.stringify(v)}, not a float`, 'a number, inf, -inf, nan, -nan, bits:<hex>, or (expected only) nan:canonical | nan:arithmetic');
}

function signBit(type: 'f32' | 'f64'): bigint {
  return type === 'f32' ? 0x80000000n : 0x8000000000000000n;
}

function parseInteger(v: unknown): bigint | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : undefined;
  if (typeof v !== 'string') return undefined;
  const text = v.trim().replace(/_/g, '');
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(body)) return undefined;
  const value = BigInt(body);
  return negative ? -value : value;
}

function bad(file: string, field: string, message: string, limit?: string): WrtError {
  return new WrtError('CONFIG_SCHEMA', `${field} ${message}`, limit === undefined ? { file, field } : { file, field, limit });
}

/** Does an observed value satisfy an expected one? NaNs match their class; everything else bit for bit. */
export function valueMatches(expected: ExpectedValue, observed: ObservedValue): boolean {
  if (expected.type !== observed.type) return false;
  const bits = BigInt(observed.bits);
  if ('nan' in expected) {
    if (!isNanBits(observed.type, bits)) return false;
    if (observed.nanOnly === true || expected.nan === 'arithmetic') {
      // Arithmetic NaNs have the top mantissa bit set; a payload-blind NaN cannot be told apart.
      return observed.nanOnly === true || (bits & quietBit(observed.type)) !== 0n;
    }
    return (bits & ~signBit(observed.type as 'f32' | 'f64')) === canonicalNan(observed.type);
  }
  if (observed.nanOnly === true) return isNanBits(expected.type, BigInt(expected.bits));
  return expected.bits === observed.bits;
}

/** Two observations agree: equal bits, or both NaN when either side could not see the payload. */
export function valuesAgree(a: ObservedValue, b: ObservedValue): boolean {
  if (a.type !== b.type) return false;
  if (a.nanOnly === true || b.nanOnly === true) return isNanBits(a.type, BigInt(a.bits)) && isNanBits(b.type, BigInt(b.bits));
  return a.bits === b.bits;
}

function quietBit(type: NumType): bigint {
  return type === 'f32' ? 0x400000n : 0x8000000000000n;
}

function canonicalNan(type: NumType): bigint {
  return type === 'f32' ? 0x7fc00000n : 0x7ff8000000000000n;
}

/** A model value on the wire (device/messages.ts): both are bit patterns. */
export function toWire(value: WasmValue): WireValue {
  const bits = BigInt(value.bits);
  switch (value.type) {
    case 'i32':
      return { type: 'i32', value: Number(BigInt.asIntN(32, bits)) };
    case 'i64':
      return { type: 'i64', value: BigInt.asIntN(64, bits) };
    case 'f32':
      return { type: 'f32', bits: Number(BigInt.asUintN(32, bits)) };
    case 'f64':
      return { type: 'f64', bits: BigInt.asUintN(64, bits) };
  }
}

/** A wire value that is a number, not a reference. */
type NumericWireValue = Exclude<WireValue, { readonly type: 'funcref' | 'externref' }>;

/** A numeric wire value in the model. */
function numberFromWire(value: NumericWireValue): ObservedValue {
  switch (value.type) {
    case 'i32':
      return { type: 'i32', bits: BigInt.asUintN(32, BigInt(value.value)).toString() };
    case 'i64':
      return { type: 'i64', bits: BigInt.asUintN(64, value.value).toString() };
    case 'f32':
      return { type: 'f32', bits: String(value.bits >>> 0) };
    case 'f64':
      return { type: 'f64', bits: value.bits.toString() };
  }
}

/** A wire value in the model; undefined for references, which the model does not compare. */
export function fromWire(value: WireValue): ObservedValue | undefined {
  return value.type === 'funcref' || value.type === 'externref' ? undefined : numberFromWire(value);
}

/**
 * The one text form of a value, for `run`, `deploy` and HIL reports alike: `i32:-1`, `f64:1.5`,
 * `f32:inf`, `f64:-0`, `f32:nan:0x7fc00001` (a NaN shows its bits), `f64:nan:canonical` (an expected
 * NaN class), `externref:7`, `funcref:null`.
 */
export function formatValue(value: ExpectedValue | ObservedValue): string {
  if ('nan' in value) return `${value.type}:nan:${value.nan}`;
  const bits = BigInt(value.bits);
  switch (value.type) {
    case 'i32':
      return `i32:${BigInt.asIntN(32, bits)}`;
    case 'i64':
      return `i64:${BigInt.asIntN(64, bits)}`;
    default: {
      if (isNanBits(value.type, bits)) return `${value.type}:nan:0x${bits.toString(16)}`;
      const number = Number(toJsValue(value));
      if (!Number.isFinite(number)) return `${value.type}:${number > 0 ? 'inf' : '-inf'}`;
      return `${value.type}:${Object.is(number, -0) ? '-0' : String(number)}`;
    }
  }
}

/** formatValue of a wire value, and of references, which the model does not hold. */
export function formatWireValue(value: WireValue): string {
  return value.type === 'funcref' || value.type === 'externref' ? `${value.type}:${value.index ?? 'null'}` : formatValue(numberFromWire(value));
}
