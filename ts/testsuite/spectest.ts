import { wat2wasm } from './wat.js';

/** The print functions of the testsuite's `spectest` module and their parameters. */
const PRINTS: ReadonlyArray<readonly [string, string]> = [
  ['print', ''],
  ['print_i32', 'i32'],
  ['print_i64', 'i64'],
  ['print_f32', 'f32'],
  ['print_f64', 'f64'],
  ['print_i32_f32', 'i32 f32'],
  ['print_f64_f64', 'f64 f64'],
];

/**
 * The testsuite's `spectest` module: its globals, table and memory, and its print functions either
 * imported from `spectest_host` (the in-process harness, whose host glue provides them) or empty
 * (a device, docs/protocol.md §4a: it then needs no `spectest` host functions; no assertion of
 * the suite reads what the print functions print).
 */
export function spectestWat(prints: 'host' | 'empty'): string {
  const funcs = PRINTS.map(([name, params]) => {
    const imported = prints === 'host' ? ` (import "spectest_host" "${name}")` : '';
    return `  (func (export "${name}")${imported}${params === '' ? '' : ` (param ${params})`})`;
  });
  return `(module
${funcs.join('\n')}
  (global (export "global_i32") i32 (i32.const 666))
  (global (export "global_i64") i64 (i64.const 666))
  (global (export "global_f32") f32 (f32.const 666.6))
  (global (export "global_f64") f64 (f64.const 666.6))
  (table (export "table") 10 20 funcref)
  (memory (export "memory") 1 2))
`;
}

let spectestBytes: Uint8Array | undefined;

/** The module's bytes (assembled once per process with wat2wasm). */
export function spectestDeviceModule(): Uint8Array {
  spectestBytes ??= wat2wasm(spectestWat('empty'));
  return spectestBytes;
}
