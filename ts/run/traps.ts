/**
 * Trap codes of an INVOKE answer (native/interp/wrt_trap.h, stable numbers) and the texts
 * wrt_trap_message gives them, which are the WebAssembly spec's trap texts where it has one.
 */
const TRAP_MESSAGES: readonly string[] = [
  'ok',
  'unreachable',
  'out of bounds memory access',
  'integer divide by zero',
  'integer overflow',
  'invalid conversion to integer',
  'uninitialized element',
  'undefined element',
  'indirect call type mismatch',
  'value stack exhausted',
  'call stack exhausted',
  'fuel exhausted',
  'host call denied',
  'out of bounds table access',
  'host call budget exhausted',
  'host function failed',
  'program exited',
  'invocation misused',
];

/** WRT_TRAP_EXIT: WASI proc_exit ended the program; the answer's trap_func field is the exit code. */
export const TRAP_EXIT = 16;
export const TRAP_FUEL_EXHAUSTED = 11;

export function trapMessage(code: number): string {
  return TRAP_MESSAGES[code] ?? `unknown trap ${code}`;
}
