import { WrtError } from '../core/errors.js';
import type { WireValue } from '../device/messages.js';
import { argumentSlot } from './slots.js';
import type { SpecValue } from './commands.js';

/**
 * Spec-script values to protocol values and protocol results to the core's 64-bit slots
 * (slots.ts), so the protocol harness judges results with the same comparisons as the
 * in-process one. Slot conventions: 32-bit values in the low half, externref N is N + 1 (0 null),
 * a non-null funcref any non-zero slot.
 */

const MASK32 = 0xffff_ffffn;

/** The wire value of a script argument; WrtError VALUE_INVALID for what the wire cannot carry. */
export function wireArgument(value: SpecValue): WireValue {
  const slot = argumentSlot(value);
  switch (value.type) {
    case 'i32':
      return { type: 'i32', value: Number(BigInt.asIntN(32, slot)) };
    case 'i64':
      return { type: 'i64', value: BigInt.asIntN(64, slot) };
    case 'f32':
      return { type: 'f32', bits: Number(slot & MASK32) };
    case 'f64':
      return { type: 'f64', bits: slot };
    case 'externref': {
      if (slot === 0n) return { type: 'externref', index: null };
      const index = slot - 1n;
      /* 0xFFFFFFFF is null on the wire: a larger host reference has no encoding. */
      if (index >= MASK32) {
        throw new WrtError('VALUE_INVALID', `externref ${index} does not fit the wire's 32-bit reference`, {
          field: 'externref',
          limit: `0 .. ${MASK32 - 1n}`,
        });
      }
      return { type: 'externref', index: Number(index) };
    }
    case 'funcref':
      return { type: 'funcref', index: null };
    default:
      throw new WrtError('VALUE_INVALID', 'v128 values are not supported on this target', { field: value.type });
  }
}

/** The slot a wire result stands for. */
export function resultSlot(value: WireValue): bigint {
  switch (value.type) {
    case 'i32':
      return BigInt(value.value >>> 0);
    case 'i64':
      return BigInt.asUintN(64, value.value);
    case 'f32':
      return BigInt(value.bits >>> 0);
    case 'f64':
      return value.bits;
    case 'externref':
    case 'funcref':
      /* A funcref's index (or REF_HOST) only says "not null" here: index + 1 is never 0. */
      return value.index === null ? 0n : BigInt(value.index) + 1n;
  }
}
