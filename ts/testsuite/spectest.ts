import { wat2wasm } from '../interp/wat.js';

/**
 * The spectest module a device gets (docs/protocol.md §4a): the testsuite's globals, table and
 * memory, and print functions of the same types as empty WebAssembly functions. It imports
 * nothing, so a device needs no `spectest` host functions; no assertion of the suite reads what
 * the print functions print.
 */
export const SPECTEST_DEVICE_WAT = `(module
  (func (export "print"))
  (func (export "print_i32") (param i32))
  (func (export "print_i64") (param i64))
  (func (export "print_f32") (param f32))
  (func (export "print_f64") (param f64))
  (func (export "print_i32_f32") (param i32 f32))
  (func (export "print_f64_f64") (param f64 f64))
  (global (export "global_i32") i32 (i32.const 666))
  (global (export "global_i64") i64 (i64.const 666))
  (global (export "global_f32") f32 (f32.const 666.6))
  (global (export "global_f64") f64 (f64.const 666.6))
  (table (export "table") 10 20 funcref)
  (memory (export "memory") 1 2))
`;

let spectestBytes: Uint8Array | undefined;

/** The module's bytes (assembled once per process with wat2wasm). */
export function spectestDeviceModule(): Uint8Array {
  spectestBytes ??= wat2wasm(SPECTEST_DEVICE_WAT);
  return spectestBytes;
}
