import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import koffi, { type LibraryHandle } from 'koffi';
import { WrtError } from '../../ts/core/errors.js';
import { packageRoot } from '../../ts/core/paths.js';

/**
 * The koffi binding of build/<variant>/libwrt_interp.so: the C API of native/interp/wrt_api.h plus
 * the host glue (arena allocation, spectest and test host registries). Every function keeps its C
 * shape; the typed objects of runtime.ts sit on top. Pointers are BigInt (koffi 3), null is NULL.
 */
export type Pointer = bigint;

/** Library builds: the default, ASan+UBSan, and switch-dispatch + software-sqrt ("portable"). */
export type InterpVariant = 'interp' | 'interp-asan' | 'interp-portable' | 'interp-small';

export const INTERP_LIBRARY_ENV = 'WRT_INTERP_LIBRARY';

/** wrt_layout, field for field. */
export interface NativeLayout {
  meta_bytes: number;
  code_bytes: number;
  control_bytes: number;
  stack_slots: number;
  call_depth: number;
  memory_pages: number;
  memory_pages_max: number;
  table_elements: number;
  table_elements_max: number;
  global_slots: number;
  memory_bytes_limit: number;
  trace_entries: number;
  breakpoints: number;
}

/** wrt_error as koffi decodes it (64-bit fields come back as number or bigint). */
export interface NativeError {
  code?: number;
  region?: number;
  offset?: number;
  index?: number;
  need?: number | bigint;
  capacity?: number | bigint;
  message?: string | null;
}

/** wrt_trap_info as koffi decodes it. */
export interface NativeTrap {
  code?: number;
  func_index?: number;
  code_offset?: number;
  depth?: number;
  fuel_used?: number | bigint;
}

export interface InterpNative {
  readonly path: string;
  layoutBytes(layout: NativeLayout): number;
  alloc(bytes: number): Pointer | null;
  free(arena: Pointer, bytes: number): void;
  runtimeInit(arena: Pointer, bytes: number, layout: NativeLayout, err: NativeError): Pointer | null;
  runtimeReset(rt: Pointer): boolean;
  version(): number;
  moduleLoad(rt: Pointer, bytes: Uint8Array, len: number, err: NativeError): Pointer | null;
  instantiate(rt: Pointer, module: Pointer, host: Pointer | null, err: NativeError, trap: NativeTrap): Pointer | null;
  register(rt: Pointer, name: Uint8Array, len: number, instance: Pointer, err: NativeError): boolean;
  findFunc(instance: Pointer, name: Uint8Array, len: number): Pointer | null;
  instanceModule(instance: Pointer): Pointer;
  moduleExportCount(module: Pointer): number;
  moduleExport(module: Pointer, index: number, kind: Uint32Array, name: Uint8Array | null, cap: number): number;
  funcParamCount(func: Pointer): number;
  funcResultCount(func: Pointer): number;
  funcParamType(func: Pointer, index: number): number;
  funcResultType(func: Pointer, index: number): number;
  invoke(
    rt: Pointer,
    func: Pointer,
    args: BigUint64Array,
    nargs: number,
    results: BigUint64Array,
    nresults: number,
    trap: NativeTrap,
  ): number;
  setFuel(rt: Pointer, fuel: bigint): void;
  setFeatures(rt: Pointer, features: number): number;
  findGlobal(instance: Pointer, name: Uint8Array, len: number, type: Uint32Array, value: BigUint64Array): boolean;
  memoryData(instance: Pointer, bytes: BigUint64Array): Pointer | null;
  regionUsage(rt: Pointer, region: number, used: BigUint64Array, capacity: BigUint64Array): void;
  regionName(region: number): string;
  trapMessage(code: number): string;
  errorName(code: number): string;
  spectestRegistry(): Pointer;
  testRegistry(): Pointer;
  testReset(): void;
  testSetBudget(name: string, budget: number): number;
  testDeny(name: string): void;
  testLogCount(): number;
  testLogName(index: number): string;
  testLogArg(index: number): number | bigint;
  testCalls(name: string): number;
  /** Resets the test WASI platform: '\n'-separated arguments and NAME=value environment. */
  wasiSetup(args: string, env: string): Pointer;
  wasiRegistry(): Pointer;
  /** Bytes captured from fd 1 or 2 (total returned; up to cap copied into buf). */
  wasiOutput(fd: number, buf: Uint8Array | null, cap: number): number;
  /** proc_exit's code, or -1 if the program did not call it. */
  wasiExitCode(): number | bigint;
}

/** Where a variant's library is: $WRT_INTERP_LIBRARY for the default variant, else build/<variant>/. */
export function interpLibraryPath(variant: InterpVariant = 'interp', env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[INTERP_LIBRARY_ENV];
  if (variant === 'interp' && configured !== undefined && configured !== '') return resolve(configured);
  return resolve(packageRoot(), 'build', variant, 'libwrt_interp.so');
}

// koffi registers named types process-wide, once.
let typesDeclared = false;
function declareTypes(): void {
  if (typesDeclared) return;
  koffi.struct('wrt_layout', {
    meta_bytes: 'uint32_t',
    code_bytes: 'uint32_t',
    control_bytes: 'uint32_t',
    stack_slots: 'uint32_t',
    call_depth: 'uint32_t',
    memory_pages: 'uint32_t',
    memory_pages_max: 'uint32_t',
    table_elements: 'uint32_t',
    table_elements_max: 'uint32_t',
    global_slots: 'uint32_t',
    memory_bytes_limit: 'uint32_t',
    trace_entries: 'uint32_t',
    breakpoints: 'uint32_t',
  });
  koffi.struct('wrt_error', {
    code: 'uint32_t',
    region: 'uint32_t',
    offset: 'uint32_t',
    index: 'uint32_t',
    need: 'uint64_t',
    capacity: 'uint64_t',
    message: 'const char *',
  });
  koffi.struct('wrt_code_site', { func_index: 'uint32_t', cell: 'uint32_t' });
  koffi.struct('wrt_trap_info', {
    code: 'uint32_t',
    func_index: 'uint32_t',
    code_offset: 'uint32_t',
    depth: 'uint32_t',
    fuel_used: 'uint64_t',
    // The backtrace (WRT_TRAP_FRAMES_MAX frames): declared so koffi's buffer is the C struct's size.
    nframes: 'uint32_t',
    frames: koffi.array('wrt_code_site', 8),
  });
  typesDeclared = true;
}

const loaded = new Map<string, InterpNative>();

/** Loads (once per path) the interpreter library; a missing build is an environment error. */
export function loadInterp(variant: InterpVariant = 'interp', env: NodeJS.ProcessEnv = process.env): InterpNative {
  const path = interpLibraryPath(variant, env);
  const cached = loaded.get(path);
  if (cached !== undefined) return cached;
  if (!existsSync(path)) {
    throw new WrtError('TOOL_MISSING', `interpreter library ${path} is not built; run make -C native/interp`, {
      file: path,
    });
  }
  declareTypes();
  let lib: LibraryHandle;
  try {
    lib = koffi.load(path);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new WrtError('TOOL_MISSING', `interpreter library ${path} cannot be loaded: ${reason}`, { file: path });
  }
  // koffi functions are untyped; each gets its C signature's TypeScript shape here, once.
  const fn = <T>(definition: string): T => lib.func(definition) as unknown as T;
  const native: InterpNative = {
    path,
    layoutBytes: fn('size_t wrt_layout_bytes(const wrt_layout *layout)'),
    alloc: fn('void *wrt_glue_alloc(size_t bytes)'),
    free: fn('void wrt_glue_free(void *arena, size_t bytes)'),
    runtimeInit: fn('void *wrt_runtime_init(void *arena, size_t bytes, const wrt_layout *layout, _Out_ wrt_error *err)'),
    runtimeReset: fn('bool wrt_runtime_reset(void *rt)'),
    version: fn('uint32_t wrt_version(void)'),
    moduleLoad: fn('void *wrt_module_load(void *rt, const uint8_t *bytes, size_t len, _Out_ wrt_error *err)'),
    instantiate: fn(
      'void *wrt_instantiate(void *rt, void *module, void *host, _Out_ wrt_error *err, _Out_ wrt_trap_info *trap)',
    ),
    register: fn('bool wrt_register(void *rt, const uint8_t *name, size_t len, void *instance, _Out_ wrt_error *err)'),
    findFunc: fn('void *wrt_find_func(void *instance, const uint8_t *name, size_t len)'),
    instanceModule: fn('void *wrt_instance_module(void *instance)'),
    moduleExportCount: fn('uint32_t wrt_module_export_count(void *module)'),
    moduleExport: fn('uint32_t wrt_module_export(void *module, uint32_t index, uint32_t *kind, uint8_t *name, uint32_t cap)'),
    funcParamCount: fn('uint32_t wrt_func_param_count(void *func)'),
    funcResultCount: fn('uint32_t wrt_func_result_count(void *func)'),
    funcParamType: fn('uint32_t wrt_func_param_type(void *func, uint32_t index)'),
    funcResultType: fn('uint32_t wrt_func_result_type(void *func, uint32_t index)'),
    invoke: fn(
      'uint32_t wrt_invoke(void *rt, void *func, const uint64_t *args, uint32_t nargs, uint64_t *results, uint32_t nresults, _Out_ wrt_trap_info *trap)',
    ),
    setFuel: fn('void wrt_set_fuel(void *rt, uint64_t fuel)'),
    setFeatures: fn('uint32_t wrt_runtime_set_features(void *rt, uint32_t features)'),
    findGlobal: fn('bool wrt_find_global(void *instance, const uint8_t *name, size_t len, uint32_t *type, uint64_t *value)'),
    memoryData: fn('void *wrt_memory_data(void *instance, uint64_t *bytes)'),
    regionUsage: fn('void wrt_region_usage(void *rt, uint32_t region, uint64_t *used, uint64_t *capacity)'),
    regionName: fn('const char *wrt_region_name(uint32_t region)'),
    trapMessage: fn('const char *wrt_trap_message(uint32_t code)'),
    errorName: fn('const char *wrt_error_name(uint32_t code)'),
    spectestRegistry: fn('void *wrt_glue_spectest_registry(void)'),
    testRegistry: fn('void *wrt_glue_test_registry(void)'),
    testReset: fn('void wrt_glue_test_reset(void)'),
    testSetBudget: fn('int wrt_glue_test_set_budget(const char *name, uint32_t budget)'),
    testDeny: fn('void wrt_glue_test_deny(const char *name)'),
    testLogCount: fn('uint32_t wrt_glue_test_log_count(void)'),
    testLogName: fn('const char *wrt_glue_test_log_name(uint32_t index)'),
    testLogArg: fn('uint64_t wrt_glue_test_log_arg(uint32_t index)'),
    testCalls: fn('uint32_t wrt_glue_test_calls(const char *name)'),
    wasiSetup: fn('void *wrt_glue_wasi_setup(const char *args, const char *env)'),
    wasiRegistry: fn('void *wrt_glue_wasi_registry(void)'),
    wasiOutput: fn('uint32_t wrt_glue_wasi_output(uint32_t fd, uint8_t *buf, uint32_t cap)'),
    wasiExitCode: fn('int64_t wrt_glue_wasi_exit_code(void)'),
  };
  loaded.set(path, native);
  return native;
}
