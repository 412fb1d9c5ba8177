/**
 * The device interpreter's stable numbered codes, once for the whole toolchain: why an invocation
 * stopped (an INVOKE answer's trap field) and why a module did not load (LOAD_FAILED's detail).
 * The numbers and names are native/interp/wrt_trap.h's enums, the messages wrt_trap.c's, the
 * profile and signature refusals native/engine/wrt_engine_profile.h's and native/sig/wrt_sig.h's; test/device/engine-codes.test.ts reads
 * those files and fails when either side changes alone.
 */
import type { ErrorCode } from '../core/error-codes.js';

/**
 * enum wrt_trap_code, in code order (the position is the code). `name` is the enumerator without
 * its WRT_TRAP_ prefix, lower case; `message` is wrt_trap_message's text, the spec's where it has one.
 */
export const TRAPS = [
  { code: 0, name: 'ok', message: 'ok' },
  { code: 1, name: 'unreachable', message: 'unreachable' },
  { code: 2, name: 'memory_out_of_bounds', message: 'out of bounds memory access' },
  { code: 3, name: 'int_divide_by_zero', message: 'integer divide by zero' },
  { code: 4, name: 'int_overflow', message: 'integer overflow' },
  { code: 5, name: 'invalid_conversion', message: 'invalid conversion to integer' },
  { code: 6, name: 'indirect_null', message: 'uninitialized element' },
  { code: 7, name: 'indirect_out_of_range', message: 'undefined element' },
  { code: 8, name: 'indirect_type_mismatch', message: 'indirect call type mismatch' },
  { code: 9, name: 'value_stack_exhausted', message: 'value stack exhausted' },
  { code: 10, name: 'call_depth_exhausted', message: 'call stack exhausted' },
  { code: 11, name: 'fuel_exhausted', message: 'fuel exhausted' },
  { code: 12, name: 'host_call_denied', message: 'host call denied' },
  { code: 13, name: 'table_out_of_bounds', message: 'out of bounds table access' },
  { code: 14, name: 'host_budget_exhausted', message: 'host call budget exhausted' },
  { code: 15, name: 'host_error', message: 'host function failed' },
  { code: 16, name: 'exit', message: 'program exited' },
  { code: 17, name: 'invoke_misuse', message: 'invocation misused' },
  { code: 18, name: 'reentry_exhausted', message: 'nested invocations exhausted' },
] as const;

export type TrapName = (typeof TRAPS)[number]['name'];
export type Trap = (typeof TRAPS)[number];

/**
 * enum wrt_error_code, in code order. `name` is the enumerator without its WRT_ERR_ prefix, lower
 * case (wrt_error_name's text); `errorCode` is the toolchain error a failure of that kind becomes.
 * `none` and `argument` are misuse of the core by its host glue: a defect, not the module's fault.
 */
export const LOAD_ERRORS = [
  { code: 0, name: 'none', errorCode: 'INTERNAL' },
  { code: 1, name: 'malformed', errorCode: 'WASM_MALFORMED' },
  { code: 2, name: 'invalid', errorCode: 'WASM_INVALID' },
  { code: 3, name: 'unsupported', errorCode: 'WASM_UNSUPPORTED' },
  { code: 4, name: 'arena', errorCode: 'BUDGET_EXCEEDED' },
  { code: 5, name: 'limit', errorCode: 'LIMIT_EXCEEDED' },
  { code: 6, name: 'link', errorCode: 'WASM_LINK_FAILED' },
  { code: 7, name: 'trap', errorCode: 'WASM_TRAPPED' },
  { code: 8, name: 'argument', errorCode: 'INTERNAL' },
] as const satisfies ReadonlyArray<{ readonly code: number; readonly name: string; readonly errorCode: ErrorCode }>;

/**
 * WRT_ENGINE_ERR_PROFILE: the engine adapter (native/engine) refused the profile before the core
 * saw the module. Numbered past the core's codes so the two never collide.
 */
export const PROFILE_REFUSED_LOAD_ERROR = { code: 64, name: 'profile', errorCode: 'PROFILE_REFUSED' } as const;

/**
 * WRT_ENGINE_ERR_SIGNATURE: the engine adapter refused the module for its signature before the
 * core saw it (docs/signing.md); LOAD_FAILED's limit field is then one of SIGNATURE_REFUSALS.
 */
export const SIGNATURE_REFUSED_LOAD_ERROR = { code: 65, name: 'signature', errorCode: 'SIGNATURE_INVALID' } as const;

/**
 * Why a signature was refused: enum wrt_sig_status of native/sig/wrt_sig.h (1-5), then enum
 * wrt_engine_signature_refusal of native/engine/wrt_engine_profile.h. `name` is the enumerator
 * without its prefix, lower case.
 */
export const SIGNATURE_REFUSALS = [
  { code: 1, name: 'missing', errorCode: 'SIGNATURE_MISSING' },
  { code: 2, name: 'malformed', errorCode: 'SIGNATURE_INVALID' },
  { code: 3, name: 'not_by_key', errorCode: 'SIGNATURE_INVALID' },
  { code: 4, name: 'changed', errorCode: 'SIGNATURE_INVALID' },
  { code: 5, name: 'too_many', errorCode: 'SIGNATURE_INVALID' },
  { code: 16, name: 'no_key', errorCode: 'SIGNATURE_INVALID' },
  { code: 17, name: 'other_key', errorCode: 'SIGNATURE_INVALID' },
] as const satisfies ReadonlyArray<{ readonly code: number; readonly name: string; readonly errorCode: ErrorCode }>;

export type SignatureRefusal = (typeof SIGNATURE_REFUSALS)[number];

/** The signature refusal of a LOAD_FAILED limit field, or undefined for a reason this toolchain does not know. */
export function signatureRefusalOf(reason: number): SignatureRefusal | undefined {
  return SIGNATURE_REFUSALS.find((r) => r.code === reason);
}

export type LoadErrorName = (typeof LOAD_ERRORS)[number]['name'] | typeof PROFILE_REFUSED_LOAD_ERROR.name | typeof SIGNATURE_REFUSED_LOAD_ERROR.name;
export type LoadError = (typeof LOAD_ERRORS)[number] | typeof PROFILE_REFUSED_LOAD_ERROR | typeof SIGNATURE_REFUSED_LOAD_ERROR;

/** The trap of a code, or undefined for a code this toolchain does not know (a newer device). */
export function trapOf(code: number): Trap | undefined {
  return TRAPS[code];
}

export function trapCode(name: TrapName): number {
  return TRAPS.findIndex((trap) => trap.name === name);
}

/** A trap's name; an unknown code is the core refusing the invocation it was given (invoke_misuse). */
export function trapName(code: number): TrapName {
  return trapOf(code)?.name ?? 'invoke_misuse';
}

/** wrt_trap_message's text; an unknown code says its number. */
export function trapMessage(code: number): string {
  return trapOf(code)?.message ?? `unknown trap ${code}`;
}

/** WASI proc_exit ended the program; the INVOKE answer's trap_func field is the exit code. */
export const TRAP_EXIT = trapCode('exit');

/** The load error of a code, or undefined for a code this toolchain does not know. */
export function loadErrorOf(code: number): LoadError | undefined {
  if (code === PROFILE_REFUSED_LOAD_ERROR.code) return PROFILE_REFUSED_LOAD_ERROR;
  if (code === SIGNATURE_REFUSED_LOAD_ERROR.code) return SIGNATURE_REFUSED_LOAD_ERROR;
  return LOAD_ERRORS[code];
}

/** A load error's name; an unknown code counts as the core's misuse (argument). */
export function loadErrorName(code: number): LoadErrorName {
  return loadErrorOf(code)?.name ?? 'argument';
}
