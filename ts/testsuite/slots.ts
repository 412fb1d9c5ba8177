import { WrtError } from '../core/errors.js';
import type { SpecValue } from './commands.js';

/**
 * Spec-script values (wast2json's decimal bit patterns) to and from the interpreter's 64-bit slots.
 * Slot conventions (wrt_api.h): 32-bit values in the low half; externref `N` is N+1 so that
 * `ref.extern 0` differs from null (0); funcref is a function pointer, 0 for null.
 */

const MASK32 = 0xffffffffn;
const MASK64 = 0xffffffffffffffffn;
const F32_ABS = 0x7fffffffn;
const F32_CANONICAL = 0x7fc00000n;
const F64_ABS = 0x7fffffffffffffffn;
const F64_CANONICAL = 0x7ff8000000000000n;

function decimal(value: string, where: string): bigint {
  if (!/^[0-9]+$/.test(value)) {
    throw new WrtError('VALUE_INVALID', `not a decimal bit pattern: ${value}`, { field: where });
  }
  return BigInt(value);
}

/** The slot an argument value becomes. v128 has no slot: SIMD is not supported on this target. */
export function argumentSlot(value: SpecValue): bigint {
  switch (value.type) {
    case 'i32':
    case 'f32':
      return decimal(value.value, value.type) & MASK32;
    case 'i64':
    case 'f64':
      return decimal(value.value, value.type) & MASK64;
    case 'externref':
      return value.value === 'null' ? 0n : (decimal(value.value, 'externref') + 1n) & MASK64;
    case 'funcref':
      if (value.value === 'null') return 0n;
      throw new WrtError('VALUE_INVALID', 'a non-null funcref argument cannot be written in a spec script', {
        field: 'funcref',
      });
    default:
      throw new WrtError('VALUE_INVALID', 'v128 values are not supported on this target', { field: value.type });
  }
}

/**
 * Whether a result slot is what the script expects. NaN patterns compare by bits: nan:canonical is
 * the quiet NaN with an empty payload (either sign), nan:arithmetic any NaN with the quiet bit set.
 * A value-less externref/funcref expectation (wast2json writes one for `(ref.extern)`/`(ref.func)`)
 * accepts any non-null reference.
 */
export function resultMatches(expected: SpecValue, actual: bigint): boolean {
  switch (expected.type) {
    case 'i32':
      return (actual & MASK32) === decimal(expected.value, 'i32');
    case 'i64':
      return (actual & MASK64) === decimal(expected.value, 'i64');
    case 'f32': {
      const bits = actual & MASK32;
      if (expected.value === 'nan:canonical') return (bits & F32_ABS) === F32_CANONICAL;
      if (expected.value === 'nan:arithmetic') return (bits & F32_CANONICAL) === F32_CANONICAL;
      return bits === decimal(expected.value, 'f32');
    }
    case 'f64': {
      const bits = actual & MASK64;
      if (expected.value === 'nan:canonical') return (bits & F64_ABS) === F64_CANONICAL;
      if (expected.value === 'nan:arithmetic') return (bits & F64_CANONICAL) === F64_CANONICAL;
      return bits === decimal(expected.value, 'f64');
    }
    case 'externref':
    case 'funcref': {
      const raw: unknown = (expected as { value?: unknown }).value;
      if (raw === undefined) return actual !== 0n;
      if (raw === 'null') return actual === 0n;
      if (expected.type === 'funcref') return actual !== 0n;
      return actual === decimal(String(raw), 'externref') + 1n;
    }
    default:
      return false;
  }
}

/** A slot shown as the script would write it, for failure reports. */
export function describeSlot(type: SpecValue['type'], slot: bigint): string {
  switch (type) {
    case 'i32':
    case 'f32':
      return `${type}:${slot & MASK32}`;
    case 'externref':
      return slot === 0n ? 'externref:null' : `externref:${slot - 1n}`;
    case 'funcref':
      return slot === 0n ? 'funcref:null' : 'funcref:<function>';
    default:
      return `${type}:${slot & MASK64}`;
  }
}
