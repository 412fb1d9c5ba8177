import { WrtError } from '../../ts/core/errors.js';
import { type LoadErrorName, type TrapName, loadErrorOf, loadErrorName, trapName } from '../../ts/device/engine-codes.js';
import type { InterpNative, NativeError, NativeLayout, NativeTrap, Pointer } from './ffi.js';

/**
 * Typed objects over the C API: a runtime owns one arena (allocated by the host glue, freed by
 * dispose()); modules, instances and functions are pointers into it. Expected failures (a module
 * that does not load, a trap) come back as values; misuse and environment problems throw WrtError.
 */

export type ValueType = 'i32' | 'i64' | 'f32' | 'f64' | 'funcref' | 'externref';

const TYPE_BY_CODE: ReadonlyMap<number, ValueType> = new Map([
  [0x7f, 'i32'],
  [0x7e, 'i64'],
  [0x7d, 'f32'],
  [0x7c, 'f64'],
  [0x70, 'funcref'],
  [0x6f, 'externref'],
]);

/** WRT_EXTERN_*, by number (the binary format's). */
export const EXPORT_KINDS = ['func', 'table', 'memory', 'global'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/** enum wrt_region, by number (stable). */
export const REGIONS = ['meta', 'code', 'control', 'stack', 'frames', 'memory', 'tables', 'globals', 'trace'] as const;
export type RegionName = (typeof REGIONS)[number];

/** Sizes of the arena regions (wrt_layout), in the units the C API uses. */
export interface InterpLayout {
  readonly metaBytes: number;
  readonly codeBytes: number;
  readonly controlBytes: number;
  readonly stackSlots: number;
  readonly callDepth: number;
  readonly memoryPages: number;
  /** Most pages one memory reserves; 0 = the whole region. */
  readonly memoryPagesMax: number;
  readonly tableElements: number;
  readonly tableElementsMax: number;
  readonly globalSlots: number;
  /** Nonzero: the memory region is this many bytes and a memory that does not fit is truncated to it. */
  readonly memoryBytesLimit?: number;
  /** Debugging: trace ring entries and breakpoints (the TRACE region); absent: none. */
  readonly traceEntries?: number;
  readonly breakpoints?: number;
}

export interface LoadFailure {
  readonly code: number;
  readonly kind: LoadErrorName;
  readonly message: string;
  readonly offset: number;
  readonly index: number;
  /** Set for arena and limit errors. */
  readonly region?: RegionName;
  readonly need: bigint;
  readonly capacity: bigint;
  /** Set when instantiation trapped (kind 'trap'). */
  readonly trap?: TrapInfo;
}

export interface TrapInfo {
  readonly code: number;
  readonly kind: TrapName;
  readonly message: string;
  /** Function index in its module; undefined when no wasm function was running. */
  readonly funcIndex: number | undefined;
  readonly codeOffset: number;
  readonly depth: number;
  readonly fuelUsed: bigint;
}

export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: LoadFailure };

export type InvokeResult =
  | { readonly ok: true; readonly results: readonly bigint[]; readonly fuelUsed: bigint }
  | { readonly ok: false; readonly trap: TrapInfo };

export interface InterpFunc {
  readonly pointer: Pointer;
  readonly params: readonly ValueType[];
  readonly results: readonly ValueType[];
}

const NONE = 0xffffffff;
const U64_MAX = 0xffffffffffffffffn;

function big(value: number | bigint | undefined): bigint {
  return typeof value === 'bigint' ? value : BigInt(value ?? 0);
}

function valueType(code: number): ValueType {
  const type = TYPE_BY_CODE.get(code);
  if (type === undefined) throw new WrtError('INTERNAL', `interpreter returned unknown value type ${code}`);
  return type;
}

/** wrt_layout as the binding passes it. */
export function toNativeLayout(layout: InterpLayout): NativeLayout {
  return {
    meta_bytes: layout.metaBytes,
    code_bytes: layout.codeBytes,
    control_bytes: layout.controlBytes,
    stack_slots: layout.stackSlots,
    call_depth: layout.callDepth,
    memory_pages: layout.memoryPages,
    memory_pages_max: layout.memoryPagesMax,
    table_elements: layout.tableElements,
    table_elements_max: layout.tableElementsMax,
    global_slots: layout.globalSlots,
    memory_bytes_limit: layout.memoryBytesLimit ?? 0,
    trace_entries: layout.traceEntries ?? 0,
    breakpoints: layout.breakpoints ?? 0,
  };
}

function decodeTrap(native: InterpNative, trap: NativeTrap): TrapInfo {
  const code = trap.code ?? 0;
  const funcIndex = trap.func_index ?? NONE;
  return {
    code,
    kind: trapName(code),
    message: native.trapMessage(code),
    funcIndex: funcIndex === NONE ? undefined : funcIndex,
    codeOffset: trap.code_offset ?? 0,
    depth: trap.depth ?? 0,
    fuelUsed: big(trap.fuel_used),
  };
}

function decodeError(native: InterpNative, err: NativeError, trap?: NativeTrap): LoadFailure {
  const code = err.code ?? 0;
  const kind = loadErrorName(code);
  const base = {
    code,
    kind,
    message: err.message ?? 'unknown error',
    offset: err.offset ?? 0,
    index: err.index ?? 0,
    need: big(err.need),
    capacity: big(err.capacity),
  };
  const region = kind === 'arena' || kind === 'limit' ? REGIONS[err.region ?? 0] : undefined;
  const withRegion = region !== undefined ? { ...base, region } : base;
  return kind === 'trap' && trap !== undefined ? { ...withRegion, trap: decodeTrap(native, trap) } : withRegion;
}

function nameBytes(name: string): Uint8Array {
  return Buffer.from(name, 'utf8');
}

/** Which host registry (of the host glue) an instantiation links against. */
export type HostRegistryName = 'none' | 'spectest' | 'test' | 'wasi';

export class InterpInstance {
  constructor(
    private readonly native: InterpNative,
    readonly pointer: Pointer,
    /** The runtime whose arena holds the instance; its stacks run the instance's invocations. */
    readonly runtime: InterpRuntime,
  ) {}

  /** Invokes an export of this instance on its runtime. */
  invoke(func: InterpFunc, args: readonly bigint[]): InvokeResult {
    return this.runtime.invoke(func, args);
  }

  /** The exported function `name`, or undefined. */
  func(name: string): InterpFunc | undefined {
    const bytes = nameBytes(name);
    const pointer = this.native.findFunc(this.pointer, bytes, bytes.length);
    if (pointer === null) return undefined;
    const params: ValueType[] = [];
    const results: ValueType[] = [];
    const np = this.native.funcParamCount(pointer);
    const nr = this.native.funcResultCount(pointer);
    for (let i = 0; i < np; i += 1) params.push(valueType(this.native.funcParamType(pointer, i)));
    for (let i = 0; i < nr; i += 1) results.push(valueType(this.native.funcResultType(pointer, i)));
    return { pointer, params, results };
  }

  /** Every export: name and kind, in the module's order. */
  exports(): ReadonlyArray<{ readonly name: string; readonly kind: ExportKind }> {
    const module = this.native.instanceModule(this.pointer);
    const count = this.native.moduleExportCount(module);
    const exports: Array<{ name: string; kind: ExportKind }> = [];
    const kind = new Uint32Array(1);
    for (let i = 0; i < count; i += 1) {
      const length = this.native.moduleExport(module, i, kind, null, 0);
      const name = new Uint8Array(length);
      this.native.moduleExport(module, i, kind, name, length);
      exports.push({ name: Buffer.from(name).toString('utf8'), kind: EXPORT_KINDS[kind[0] ?? 0] ?? 'func' });
    }
    return exports;
  }

  /** The exported global `name` (its type and raw 64-bit slot), or undefined. */
  global(name: string): { readonly type: ValueType; readonly value: bigint } | undefined {
    const bytes = nameBytes(name);
    const type = new Uint32Array(1);
    const value = new BigUint64Array(1);
    if (!this.native.findGlobal(this.pointer, bytes, bytes.length, type, value)) return undefined;
    return { type: valueType(type[0] ?? 0), value: value[0] ?? 0n };
  }

  /** Current memory size in bytes (0 without a memory). */
  memoryBytes(): bigint {
    const bytes = new BigUint64Array(1);
    this.native.memoryData(this.pointer, bytes);
    return bytes[0] ?? 0n;
  }
}

export class InterpRuntime {
  private disposed = false;

  private constructor(
    readonly native: InterpNative,
    private readonly arena: Pointer,
    private readonly arenaBytes: number,
    readonly pointer: Pointer,
    readonly layout: InterpLayout,
  ) {}

  /** A runtime whose arena the host glue allocates; the layout failing is returned, not thrown. */
  static tryCreate(native: InterpNative, layout: InterpLayout): Result<InterpRuntime> {
    const nativeLayout = toNativeLayout(layout);
    const bytes = native.layoutBytes(nativeLayout);
    if (bytes === 0) {
      throw new WrtError('VALUE_INVALID', 'interpreter layout overflows the address space', { field: 'layout' });
    }
    const arena = native.alloc(bytes);
    if (arena === null) {
      throw new WrtError('BUDGET_EXCEEDED', `cannot allocate a ${bytes}-byte interpreter arena`, { limit: `${bytes} bytes` });
    }
    return InterpRuntime.tryCreateIn(native, arena, bytes, layout);
  }

  /**
   * A runtime in an arena of exactly `bytes` bytes (fewer than the layout needs shows the
   * arena-too-small path). The arena is allocated here and freed on failure or dispose().
   */
  static tryCreateSized(native: InterpNative, layout: InterpLayout, bytes: number): Result<InterpRuntime> {
    const arena = native.alloc(bytes);
    if (arena === null) {
      throw new WrtError('BUDGET_EXCEEDED', `cannot allocate a ${bytes}-byte interpreter arena`, { limit: `${bytes} bytes` });
    }
    return InterpRuntime.tryCreateIn(native, arena, bytes, layout);
  }

  private static tryCreateIn(
    native: InterpNative,
    arena: Pointer,
    bytes: number,
    layout: InterpLayout,
  ): Result<InterpRuntime> {
    const err: NativeError = {};
    const rt = native.runtimeInit(arena, bytes, toNativeLayout(layout), err);
    if (rt === null) {
      native.free(arena, bytes);
      return { ok: false, error: decodeError(native, err) };
    }
    return { ok: true, value: new InterpRuntime(native, arena, bytes, rt, layout) };
  }

  /** Like tryCreate, but a failure is a WrtError naming the region that does not fit. */
  static create(native: InterpNative, layout: InterpLayout): InterpRuntime {
    const result = InterpRuntime.tryCreate(native, layout);
    if (!result.ok) throw loadFailureToWrtError(result.error, 'interpreter arena');
    return result.value;
  }

  private live(): Pointer {
    if (this.disposed) throw new WrtError('INTERNAL', 'interpreter runtime used after dispose()');
    return this.pointer;
  }

  /**
   * Drops every module, instance and registration (wrt_runtime_reset): the arena is as new.
   * Instances and functions obtained before must not be used afterwards.
   */
  reset(): void {
    if (!this.native.runtimeReset(this.live())) {
      throw new WrtError('INTERNAL', 'interpreter runtime cannot be reset while an invocation runs');
    }
  }

  /** Decodes, validates and compiles a binary module. */
  load(bytes: Uint8Array): Result<Pointer> {
    const err: NativeError = {};
    const module = this.native.moduleLoad(this.live(), bytes, bytes.length, err);
    if (module === null) return { ok: false, error: decodeError(this.native, err) };
    return { ok: true, value: module };
  }

  instantiate(module: Pointer, host: HostRegistryName = 'none'): Result<InterpInstance> {
    const registries: Record<HostRegistryName, () => Pointer | null> = {
      none: () => null,
      spectest: () => this.native.spectestRegistry(),
      test: () => this.native.testRegistry(),
      wasi: () => this.native.wasiRegistry(),
    };
    const registry = registries[host]();
    const err: NativeError = {};
    const trap: NativeTrap = {};
    const instance = this.native.instantiate(this.live(), module, registry, err, trap);
    if (instance === null) return { ok: false, error: decodeError(this.native, err, trap) };
    return { ok: true, value: new InterpInstance(this.native, instance, this) };
  }

  /** Load and instantiate in one step. */
  instantiateBytes(bytes: Uint8Array, host: HostRegistryName = 'none'): Result<InterpInstance> {
    const module = this.load(bytes);
    if (!module.ok) return module;
    return this.instantiate(module.value, host);
  }

  /** Makes an instance's exports importable as `name` by later instantiations. */
  register(name: string, instance: InterpInstance): void {
    const bytes = nameBytes(name);
    const err: NativeError = {};
    if (!this.native.register(this.live(), bytes, bytes.length, instance.pointer, err)) {
      throw loadFailureToWrtError(decodeError(this.native, err), name);
    }
  }

  /** Instruction budget per invocation; undefined for none. */
  /**
   * Features beyond WebAssembly 2.0 for later loads (wrt_runtime_set_features): 'multi-memory'
   * (WRT_FEATURE_MULTI_MEMORY). Returns whether the build has it (the small core leaves it out).
   */
  enableMultiMemory(on = true): boolean {
    return (this.native.setFeatures(this.live(), on ? 1 : 0) & 1) !== 0;
  }

  setFuel(fuel: bigint | undefined): void {
    this.native.setFuel(this.live(), fuel ?? U64_MAX);
  }

  invoke(func: InterpFunc, args: readonly bigint[]): InvokeResult {
    const argv = BigUint64Array.from(args);
    const results = new BigUint64Array(Math.max(func.results.length, 1));
    const trap: NativeTrap = {};
    const code = this.native.invoke(this.live(), func.pointer, argv, args.length, results, func.results.length, trap);
    if (code !== 0) return { ok: false, trap: decodeTrap(this.native, trap) };
    return { ok: true, results: Array.from(results.subarray(0, func.results.length)), fuelUsed: big(trap.fuel_used) };
  }

  /** Bytes used (peak for the control scratch region) and capacity of a region. */
  regionUsage(region: RegionName): { readonly used: bigint; readonly capacity: bigint } {
    const used = new BigUint64Array(1);
    const capacity = new BigUint64Array(1);
    this.native.regionUsage(this.live(), REGIONS.indexOf(region), used, capacity);
    return { used: used[0] ?? 0n, capacity: capacity[0] ?? 0n };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.native.free(this.arena, this.arenaBytes);
  }
}

/** A load/link/instantiate failure as the toolchain's one error type. */
export function loadFailureToWrtError(failure: LoadFailure, file: string): WrtError {
  const location = {
    file,
    ...(failure.kind === 'malformed' || failure.kind === 'invalid' || failure.kind === 'unsupported'
      ? { offset: failure.offset }
      : {}),
    ...(failure.region !== undefined
      ? { field: `${failure.region} region`, limit: `${failure.capacity} available, ${failure.need} needed` }
      : {}),
  };
  return new WrtError(loadErrorOf(failure.code)?.errorCode ?? 'INTERNAL', failure.message, location);
}
