/**
 * V8's trap messages (Node 20, V8 11) to the spec's trap texts, which the device interpreter
 * reports verbatim (native/interp/wrt_trap.c). Where V8 uses one message for several spec traps,
 * every candidate is listed; an unknown message is kept as it is, so a disagreement shows it.
 */
const V8_TRAPS: ReadonlyArray<readonly [RegExp, readonly string[]]> = [
  [/^unreachable/, ['unreachable']],
  [/^memory access out of bounds/, ['out of bounds memory access']],
  [/^divide by zero/, ['integer divide by zero']],
  [/^remainder by zero/, ['integer divide by zero']],
  [/^divide result unrepresentable/, ['integer overflow']],
  [/^float unrepresentable in integer range/, ['integer overflow', 'invalid conversion to integer']],
  [/^null function or function signature mismatch/, ['uninitialized element', 'indirect call type mismatch']],
  [/^table index is out of bounds/, ['undefined element', 'out of bounds table access']],
  [/^invalid index into function table/, ['undefined element']],
  [/^data segment out of bounds/, ['out of bounds memory access']],
  [/^element segment out of bounds/, ['out of bounds table access']],
  [/^Maximum call stack size exceeded/, ['call stack exhausted']],
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
