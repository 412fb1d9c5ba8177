/**
 * The host functions every device of this toolchain offers a module: the WASI preview1 subset of
 * native/interp/wrt_wasi.c (a test reads that table and checks this one against it). Signatures
 * use the C table's letters: i = i32, I = i64, before and after the colon.
 */
export interface HostFunction {
  readonly module: string;
  readonly name: string;
  readonly signature: string;
}

const WASI = 'wasi_snapshot_preview1';

export const DEVICE_HOST_FUNCTIONS: readonly HostFunction[] = [
  { module: WASI, name: 'args_get', signature: 'ii:i' },
  { module: WASI, name: 'args_sizes_get', signature: 'ii:i' },
  { module: WASI, name: 'environ_get', signature: 'ii:i' },
  { module: WASI, name: 'environ_sizes_get', signature: 'ii:i' },
  { module: WASI, name: 'fd_write', signature: 'iiii:i' },
  { module: WASI, name: 'fd_fdstat_get', signature: 'ii:i' },
  { module: WASI, name: 'fd_close', signature: 'i:i' },
  { module: WASI, name: 'fd_seek', signature: 'iIii:i' },
  { module: WASI, name: 'fd_tell', signature: 'ii:i' },
  { module: WASI, name: 'proc_exit', signature: 'i:' },
  { module: WASI, name: 'clock_time_get', signature: 'iIi:i' },
  { module: WASI, name: 'random_get', signature: 'ii:i' },
  { module: WASI, name: 'sched_yield', signature: ':i' },
];

/**
 * What the engine adapter adds on every device (native/engine/wrt_engine_host.h): the logging
 * import, shaped after wasi:logging's `log` (level, context, message). A test checks it against the C.
 */
export const ENGINE_HOST_FUNCTIONS: readonly HostFunction[] = [{ module: 'wrt:logging', name: 'log', signature: 'iiiii:' }];

export function qualifiedName(f: { readonly module: string; readonly name: string }): string {
  return `${f.module}.${f.name}`;
}
