/**
 * Typed values on the `wrt-target run` command line and in its output.
 *
 *   TYPE:VALUE   i32:5  i64:-3  f32:1.5  f64:-inf  f32:nan  f64:bits:0x7ff8000000000001
 *                externref:7  externref:null  funcref:null
 *   VALUE        typed by the export's parameter (the host reads the signature from the module)
 *
 * Integers are decimal or 0x hex, signed or unsigned (i32 -2147483648 .. 4294967295). Floats are
 * decimal numbers, inf, -inf, nan, or bits:0x... for an exact pattern (NaN payloads included).
 */
import { WrtError } from '../core/errors.js';
import { f32, f64, type WireValue, type WireValueType } from '../device/messages.js';

const TYPES: readonly WireValueType[] = ['i32', 'i64', 'f32', 'f64', 'funcref', 'externref'];

function isType(text: string): text is WireValueType {
  return (TYPES as readonly string[]).includes(text);
}

function bad(text: string, field: string, limit: string): WrtError {
  return new WrtError('VALUE_INVALID', `cannot read "${text}" as a value`, { field, limit });
}

function integer(text: string, field: string, bits: 32 | 64): bigint {
  if (!/^-?(0x[0-9a-fA-F]+|[0-9]+)$/.test(text)) throw bad(text, field, `a decimal or 0x integer of ${bits} bits`);
  const negative = text.startsWith('-');
  const magnitude = BigInt(negative ? text.slice(1) : text);
  const value = negative ? -magnitude : magnitude;
  const min = -(1n << BigInt(bits - 1));
  const max = (1n << BigInt(bits)) - 1n;
  if (value < min || value > max) throw bad(text, field, `${min} .. ${max}`);
  return value;
}

function float(type: 'f32' | 'f64', text: string, field: string): WireValue {
  const bitsText = /^bits:(0x[0-9a-fA-F]+)$/.exec(text)?.[1];
  if (bitsText !== undefined) {
    const pattern = BigInt(bitsText);
    if (pattern >= 1n << (type === 'f32' ? 32n : 64n)) throw bad(text, field, `a ${type === 'f32' ? 32 : 64}-bit pattern`);
    return type === 'f32' ? { type, bits: Number(pattern) } : { type, bits: pattern };
  }
  let value: number;
  if (text === 'nan') value = Number.NaN;
  else if (text === 'inf' || text === '+inf') value = Number.POSITIVE_INFINITY;
  else if (text === '-inf') value = Number.NEGATIVE_INFINITY;
  else if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) value = Number(text);
  else throw bad(text, field, 'a decimal number, inf, -inf, nan or bits:0x...');
  return type === 'f32' ? f32(value) : f64(value);
}

function reference(type: 'funcref' | 'externref', text: string, field: string): WireValue {
  if (text === 'null') return { type, index: null };
  if (type === 'funcref') throw bad(text, field, 'funcref arguments can only be null');
  const index = integer(text, field, 32);
  if (index < 0n || index >= 0xffffffffn) throw bad(text, field, '0 .. 4294967294 or null');
  return { type, index: Number(index) };
}

/** One value of a known type. */
export function parseTypedValue(type: WireValueType, text: string, field: string): WireValue {
  switch (type) {
    case 'i32':
      return { type, value: Number(BigInt.asIntN(32, integer(text, field, 32))) };
    case 'i64':
      return { type, value: BigInt.asIntN(64, integer(text, field, 64)) };
    case 'f32':
    case 'f64':
      return float(type, text, field);
    case 'funcref':
    case 'externref':
      return reference(type, text, field);
  }
}

/**
 * The arguments of `--invoke NAME`, typed by prefix or by the export's parameters (`params`,
 * undefined when the module does not say: then every argument needs its prefix).
 */
export function parseArguments(texts: readonly string[], params: readonly string[] | undefined): WireValue[] {
  if (params !== undefined && texts.length !== params.length) {
    throw new WrtError('USAGE', `the export takes ${params.length} argument(s), ${texts.length} given`, {
      field: 'ARGS',
      limit: `(${params.join(', ')})`,
    });
  }
  return texts.map((text, i) => {
    const field = `argument ${i + 1}`;
    const colon = text.indexOf(':');
    const prefix = colon > 0 ? text.slice(0, colon) : '';
    const want = params?.[i];
    if (isType(prefix)) {
      if (want !== undefined && want !== prefix) {
        throw new WrtError('USAGE', `${field} is typed ${prefix}, the export's parameter is ${want}`, { field, limit: want });
      }
      return parseTypedValue(prefix, text.slice(colon + 1), field);
    }
    if (want === undefined) {
      throw new WrtError('USAGE', `${field} "${text}" needs a type prefix (i32:, i64:, f32:, f64:)`, { field });
    }
    if (!isType(want)) throw new WrtError('USAGE', `${field}: parameters of type ${want} cannot be passed`, { field });
    return parseTypedValue(want, text, field);
  });
}

/** The one text form of a value (ts/wasm/values.ts), re-exported where `run` and `deploy` load it. */
export { formatWireValue as formatValue } from '../wasm/values.js';
