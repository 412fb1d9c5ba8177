/**
 * V8's trap messages (Node 20, V8 11) to the spec's trap texts, which the device interpreter
 * reports verbatim (named here by trap: ts/device/engine-codes.ts). Where V8 uses one message for several spec traps,
 * every candidate is listed; an unknown message is kept as it is, so a disagreement shows it.
 */
import { type TrapName, trapCode, trapMessage } from '../device/engine-codes.js';

function text(trap: TrapName): string {
  return trapMessage(trapCode(trap));
}

const V8_TRAPS: ReadonlyArray<readonly [RegExp, readonly string[]]> = [
  [/^unreachable/, [text('unreachable')]],
  [/^memory access out of bounds/, [text('memory_out_of_bounds')]],
  [/^divide by zero/, [text('int_divide_by_zero')]],
  [/^remainder by zero/, [text('int_divide_by_zero')]],
  [/^divide result unrepresentable/, [text('int_overflow')]],
  [/^float unrepresentable in integer range/, [text('int_overflow'), text('invalid_conversion')]],
  [/^null function or function signature mismatch/, [text('indirect_null'), text('indirect_type_mismatch')]],
  [/^table index is out of bounds/, [text('indirect_out_of_range'), text('table_out_of_bounds')]],
  [/^invalid index into function table/, [text('indirect_out_of_range')]],
  [/^data segment out of bounds/, [text('memory_out_of_bounds')]],
  [/^element segment out of bounds/, [text('table_out_of_bounds')]],
  [/^Maximum call stack size exceeded/, [text('call_depth_exhausted')]],
];

export function v8TrapTexts(message: string): string[] {
  for (const [pattern, texts] of V8_TRAPS) if (pattern.test(message)) return [...texts];
  return [message];
}

/**
 * Does a trap satisfy the expected spec text? Spec texts are sometimes longer than the runtime's
 * ("uninitialized element 2"), so as the spec interpreter does, a prefix match counts.
 */
export function trapMatches(candidates: readonly string[], expected: string): boolean {
  return candidates.some((text) => expected.startsWith(text) || text.startsWith(expected));
}

/** Two traps agree when some spec text is consistent with both. */
export function trapsAgree(a: readonly string[], b: readonly string[]): boolean {
  return a.some((text) => trapMatches(b, text));
}
