import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stateDir } from '../../ts/core/cache-dir.js';
import { trapName } from '../../ts/device/engine-codes.js';
import type { WireValue } from '../../ts/device/messages.js';
import { SessionMode } from '../../ts/device/protocol.js';
import { nativeSimLink } from '../../ts/run/run-module.js';
import { DeviceSession } from '../../ts/run/session.js';
import { CONFORMANCE_SIM_ARGS } from '../../ts/testsuite/protocol-conformance.js';
import { resultSlot } from '../../ts/testsuite/wire-values.js';
import { wat2wasm } from '../../ts/testsuite/wat.js';
import { Random, ttfModuleStream } from '../../scripts/wasm/differential.js';
import { buildInterp } from '../interp/build.js';
import { loadInterp } from '../interp/ffi.js';
import { FUZZ_LAYOUT } from '../interp/fuzz.js';
import { InterpRuntime, type InterpInstance, type ValueType } from '../interp/runtime.js';

/* The project compiles without the DOM library; the WebAssembly API used here is typed here. */
interface V8Instance {
  readonly exports: Readonly<Record<string, unknown>>;
}
declare const WebAssembly: {
  validate(bytes: Uint8Array): boolean;
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: V8Instance }>;
  Module: { new (bytes: Uint8Array): object; exports(module: object): { name: string; kind: string }[] };
  RuntimeError: new () => Error;
};

/**
 * Execution differential: modules from binaryen's translate-to-fuzz (wasm-opt -ttf, WebAssembly
 * 2.0 without SIMD, seeded random input) run on V8 (Node's WebAssembly), in process (the C core
 * through koffi) and on native-sim (through the protocol, DeviceSession). Every exported function
 * is called in export order with arguments drawn from the seed, each after the module's
 * hangLimitInitializer as binaryen's own fuzz shell does; the outcomes (results as bits, or the
 * trap's class) and the running hash the `fuzzing-support` log imports keep must agree.
 * NaN results are compared by class: V8 hands them to JS as numbers, whose payload is not
 * observable, so against V8 any NaN matches any NaN; between the two C engines the class
 * (canonical: only the quiet bit; arithmetic: any other payload) must match.
 */

/** WebAssembly 2.0 without SIMD, which the device does not run; reference types are left out too. */
const FEATURES = [
  '--mvp-features',
  '--enable-sign-ext',
  '--enable-nontrapping-float-to-int',
  '--enable-multivalue',
  '--enable-bulk-memory',
  '--enable-mutable-globals',
];

const FNV_PRIME = 0x100000001b3n;
const MASK64 = (1n << 64n) - 1n;

/**
 * The imports every -ttf module has: logging calls. Each folds its argument into an exported
 * hash (floats count as a call only: their NaN payloads differ by design), so the calls a program
 * made are compared too.
 */
const FUZZING_SUPPORT = wat2wasm(`(module
  (global $h (export "hash") (mut i64) (i64.const 0))
  (func $fold (param i64) (global.set $h (i64.mul (i64.xor (global.get $h) (local.get 0)) (i64.const ${FNV_PRIME}))))
  (func (export "log-i32") (param i32) (call $fold (i64.extend_i32_u (local.get 0))))
  (func (export "log-i64") (param i64) (call $fold (local.get 0)))
  (func (export "log-f32") (param f32) (call $fold (i64.const 1)))
  (func (export "log-f64") (param f64) (call $fold (i64.const 1))))`);

/** What one call did, comparable across engines. */
export type CallOutcome =
  | { readonly kind: 'results'; readonly types: readonly ValueType[]; readonly slots: readonly bigint[]; readonly hash: bigint }
  | { readonly kind: 'trap'; readonly trap: TrapClass; readonly hash: bigint }
  /** Call depth or fuel: a resource each engine sizes differently, not a semantic outcome. */
  | { readonly kind: 'exhausted'; readonly hash: bigint };

/**
 * Trap classes both engines can name. V8 says "float unrepresentable in integer range" for a NaN
 * and an out-of-range truncation alike and "divide result unrepresentable" for INT_MIN / -1, and
 * "null function or function signature mismatch" for a null entry and a wrong type alike: those
 * pairs of the interpreter's traps are one class each.
 */
type TrapClass = 'unreachable' | 'memory' | 'divide by zero' | 'unrepresentable' | 'table index' | 'indirect call' | 'other';

function trapClassOfName(name: string): TrapClass {
  switch (name) {
    case 'unreachable':
      return 'unreachable';
    case 'memory_out_of_bounds':
      return 'memory';
    case 'int_divide_by_zero':
      return 'divide by zero';
    case 'int_overflow':
    case 'invalid_conversion':
      return 'unrepresentable';
    case 'indirect_out_of_range':
    case 'table_out_of_bounds':
      return 'table index';
    case 'indirect_null':
    case 'indirect_type_mismatch':
      return 'indirect call';
    default:
      return 'other';
  }
}

function trapClassOfV8(message: string): TrapClass {
  if (message.includes('unreachable')) return 'unreachable';
  if (message.includes('memory access out of bounds') || message.includes('data segment')) return 'memory';
  if (message.includes('by zero')) return 'divide by zero';
  if (message.includes('unrepresentable')) return 'unrepresentable';
  if (message.includes('table') || message.includes('element segment')) return 'table index';
  if (message.includes('signature mismatch') || message.includes('null function')) return 'indirect call';
  return 'other';
}

function isExhaustion(name: string): boolean {
  return name.includes('exhausted') || name.includes('stack');
}

/** One engine holding one module instance at a time. */
interface Engine {
  readonly name: string;
  /** Instantiates the module; false when it cannot (its message), which skips the module everywhere. */
  instantiate(bytes: Uint8Array): Promise<string | undefined>;
  call(name: string, params: readonly ValueType[], results: readonly ValueType[], args: readonly bigint[]): Promise<CallOutcome>;
  close(): Promise<void>;
}

function toJs(type: ValueType, slot: bigint): number | bigint {
  const view = new DataView(new ArrayBuffer(8));
  switch (type) {
    case 'i64':
      return BigInt.asIntN(64, slot);
    case 'f32':
      view.setUint32(0, Number(slot & 0xffffffffn), true);
      return view.getFloat32(0, true);
    case 'f64':
      view.setBigUint64(0, slot, true);
      return view.getFloat64(0, true);
    default:
      return Number(BigInt.asIntN(32, slot));
  }
}

function fromJs(type: ValueType, value: unknown): bigint {
  const view = new DataView(new ArrayBuffer(8));
  switch (type) {
    case 'i64':
      return BigInt.asUintN(64, value as bigint);
    case 'f32':
      view.setFloat32(0, value as number, true);
      return BigInt(view.getUint32(0, true));
    case 'f64':
      view.setFloat64(0, value as number, true);
      return view.getBigUint64(0, true);
    default:
      return BigInt((value as number) >>> 0);
  }
}

class V8Engine implements Engine {
  readonly name = 'V8';
  private instance: V8Instance | undefined;
  private hash = 0n;

  async instantiate(bytes: Uint8Array): Promise<string | undefined> {
    this.hash = 0n;
    const fold = (v: bigint): void => {
      this.hash = ((this.hash ^ v) * FNV_PRIME) & MASK64;
    };
    const imports = {
      'fuzzing-support': {
        'log-i32': (v: number) => fold(BigInt(v >>> 0)),
        'log-i64': (v: bigint) => fold(BigInt.asUintN(64, v)),
        'log-f32': () => fold(1n),
        'log-f64': () => fold(1n),
      },
    };
    try {
      this.instance = (await WebAssembly.instantiate(bytes, imports)).instance;
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  async call(name: string, params: readonly ValueType[], results: readonly ValueType[], args: readonly bigint[]): Promise<CallOutcome> {
    const fn = this.instance?.exports[name] as ((...a: unknown[]) => unknown) | undefined;
    if (fn === undefined) throw new Error(`V8: no export ${name}`);
    try {
      const value = fn(...args.map((slot, i) => toJs(params[i] ?? 'i32', slot)));
      const values = results.length === 1 ? [value] : results.length === 0 ? [] : (value as unknown[]);
      return { kind: 'results', types: results, slots: results.map((type, i) => fromJs(type, values[i])), hash: this.hash };
    } catch (error) {
      if (error instanceof RangeError && /call stack/i.test(error.message)) return { kind: 'exhausted', hash: this.hash };
      if (error instanceof WebAssembly.RuntimeError) return { kind: 'trap', trap: trapClassOfV8(error.message), hash: this.hash };
      throw error;
    }
  }

  async close(): Promise<void> {
    this.instance = undefined;
  }
}

/** Enough for any -ttf program: its hang limit stops loops long before. */
const FUEL = 50_000_000n;

class InProcessEngine implements Engine {
  readonly name = 'in-process';
  private readonly runtime: InterpRuntime;
  private instance: InterpInstance | undefined;
  private support: InterpInstance | undefined;

  constructor() {
    // Brought up to date under the interpreter's build lock first, as every other in-process user
    // does: a test file running beside this one may be rebuilding the library.
    buildInterp('interp');
    const created = InterpRuntime.tryCreate(loadInterp('interp'), { ...FUZZ_LAYOUT, memoryPages: 64, memoryPagesMax: 0, callDepth: 1000 });
    if (!created.ok) throw new Error(`in-process runtime: ${created.error.message}`);
    this.runtime = created.value;
    this.runtime.setFuel(FUEL);
  }

  async instantiate(bytes: Uint8Array): Promise<string | undefined> {
    this.runtime.reset();
    const support = this.runtime.instantiateBytes(FUZZING_SUPPORT);
    if (!support.ok) throw new Error(`in-process: fuzzing-support: ${support.error.message}`);
    this.support = support.value;
    this.runtime.register('fuzzing-support', support.value);
    const instance = this.runtime.instantiateBytes(bytes);
    if (!instance.ok) return instance.error.message;
    this.instance = instance.value;
    return undefined;
  }

  private hash(): bigint {
    return this.support?.global('hash')?.value ?? 0n;
  }

  /** An export's types, as the C core read them. */
  signature(name: string): { readonly params: readonly ValueType[]; readonly results: readonly ValueType[] } {
    const fn = this.instance?.func(name);
    if (fn === undefined) throw new Error(`in-process: no export ${name}`);
    return { params: fn.params, results: fn.results };
  }

  async call(name: string, _params: readonly ValueType[], results: readonly ValueType[], args: readonly bigint[]): Promise<CallOutcome> {
    const fn = this.instance?.func(name);
    if (fn === undefined) throw new Error(`in-process: no export ${name}`);
    const out = this.runtime.invoke(fn, args);
    const hash = BigInt.asUintN(64, this.hash());
    if (out.ok) return { kind: 'results', types: results, slots: out.results.map((s) => BigInt.asUintN(64, s)), hash };
    if (isExhaustion(out.trap.kind)) return { kind: 'exhausted', hash };
    return { kind: 'trap', trap: trapClassOfName(out.trap.kind), hash };
  }

  async close(): Promise<void> {
    this.runtime.dispose();
  }
}

function wire(type: ValueType, slot: bigint): WireValue {
  switch (type) {
    case 'i64':
      return { type: 'i64', value: BigInt.asIntN(64, slot) };
    case 'f32':
      return { type: 'f32', bits: Number(slot & 0xffffffffn) };
    case 'f64':
      return { type: 'f64', bits: slot };
    default:
      return { type: 'i32', value: Number(BigInt.asIntN(32, slot)) };
  }
}

class NativeSimEngine implements Engine {
  readonly name = 'native-sim';
  private supportId = 0;
  private moduleId = 0;

  private constructor(private readonly session: DeviceSession) {}

  static async open(binary: string): Promise<NativeSimEngine> {
    const link = nativeSimLink({ binary, simArgs: CONFORMANCE_SIM_ARGS, client: { requestTimeoutMs: 60_000, maxResends: 1 } });
    return new NativeSimEngine(await DeviceSession.open(link));
  }

  async instantiate(bytes: Uint8Array): Promise<string | undefined> {
    const client = this.session.client;
    await client.reset();
    await client.session(SessionMode.Keep);
    this.supportId = await this.session.instantiate(FUZZING_SUPPORT);
    await client.register(this.supportId, 'fuzzing-support');
    try {
      this.moduleId = await this.session.instantiate(bytes);
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  async call(name: string, params: readonly ValueType[], results: readonly ValueType[], args: readonly bigint[]): Promise<CallOutcome> {
    const client = this.session.client;
    const out = await client.invokeOn(
      this.moduleId,
      name,
      args.map((slot, i) => wire(params[i] ?? 'i32', slot)),
      { fuel: FUEL },
    );
    const hash = BigInt.asUintN(64, resultSlot(await client.globalGet(this.supportId, 'hash')));
    if (out.trap === 0) return { kind: 'results', types: results, slots: out.results.map((v) => resultSlot(v)), hash };
    const trap = trapName(out.trap);
    if (isExhaustion(trap)) return { kind: 'exhausted', hash };
    return { kind: 'trap', trap: trapClassOfName(trap), hash };
  }

  async close(): Promise<void> {
    await this.session.close();
  }
}

function nanClass(type: ValueType, slot: bigint): 'canonical' | 'arithmetic' | undefined {
  if (type === 'f32') {
    const exp = (slot >> 23n) & 0xffn;
    const frac = slot & 0x7fffffn;
    if (exp !== 0xffn || frac === 0n) return undefined;
    return frac === 0x400000n ? 'canonical' : 'arithmetic';
  }
  if (type === 'f64') {
    const exp = (slot >> 52n) & 0x7ffn;
    const frac = slot & 0xfffffffffffffn;
    if (exp !== 0x7ffn || frac === 0n) return undefined;
    return frac === 0x8000000000000n ? 'canonical' : 'arithmetic';
  }
  return undefined;
}

/** Why two outcomes differ, or undefined. Without `nanPayloadObservable` (V8), any NaN matches any NaN. */
export function outcomeDifference(a: CallOutcome, b: CallOutcome, nanPayloadObservable: boolean): string | undefined {
  if (a.hash !== b.hash) return `log hash ${a.hash} vs ${b.hash}`;
  if (a.kind !== b.kind) return `${a.kind} vs ${b.kind}`;
  if (a.kind === 'trap' && b.kind === 'trap') return a.trap === b.trap ? undefined : `trap ${a.trap} vs ${b.trap}`;
  if (a.kind !== 'results' || b.kind !== 'results') return undefined;
  for (let i = 0; i < a.types.length; i += 1) {
    const type = a.types[i] ?? 'i32';
    const x = a.slots[i] ?? 0n;
    const y = b.slots[i] ?? 0n;
    const nx = nanClass(type, x);
    const ny = nanClass(type, y);
    if (nx !== undefined || ny !== undefined) {
      if (nx === undefined || ny === undefined) return `result ${i}: ${type} ${x} vs ${y} (one NaN)`;
      if (nanPayloadObservable && nx !== ny) return `result ${i}: ${type} NaN ${nx} vs ${ny}`;
      continue;
    }
    if (x !== y) return `result ${i}: ${type} ${x} vs ${y}`;
  }
  return undefined;
}

export interface ExecDisagreement {
  readonly module: number;
  readonly export: string;
  readonly engines: string;
  readonly reason: string;
}

export interface ExecDifferentialReport {
  readonly seed: number;
  /** Index of the first module in the seed's sequence. */
  readonly first: number;
  readonly modules: number;
  /** Modules every engine instantiated and whose exports were all compared. */
  readonly compared: number;
  /** Of those, modules where V8 differed only until their NaNs were turned into 0 (compareModule). */
  readonly nanPayload: number;
  readonly calls: number;
  /** Modules set aside, by why: V8 refused it, an engine could not instantiate it, an engine exhausted a resource. */
  readonly skipped: Readonly<Record<string, number>>;
  readonly disagreements: readonly ExecDisagreement[];
  readonly seconds: number;
}

export interface ExecDifferentialOptions {
  readonly seed: number;
  /** Start at this module of the seed's sequence (default 0): a stopped run resumes where it ended. */
  readonly first?: number;
  readonly modules: number;
  /** native-sim binary. */
  readonly binary: string;
  readonly onModule?: (index: number, report: ExecDifferentialReport) => void;
}

/** Runs the differential; resolves with the counts and every disagreement. */
export async function runExecDifferential(options: ExecDifferentialOptions): Promise<ExecDifferentialReport> {
  const started = Date.now();
  const first = options.first ?? 0;
  const modules = ttfModuleStream(options.seed, first, options.modules, stateDir('wasm-differential'), FEATURES);
  const engines: Engine[] = [new V8Engine(), new InProcessEngine(), await NativeSimEngine.open(options.binary)];
  const skipped: Record<string, number> = {};
  const disagreements: ExecDisagreement[] = [];
  let compared = 0;
  let nanPayload = 0;
  let calls = 0;
  let done = 0;
  const report = (): ExecDifferentialReport => ({
    seed: options.seed,
    first,
    modules: done,
    compared,
    nanPayload,
    calls,
    skipped: { ...skipped },
    disagreements: [...disagreements],
    seconds: Math.round((Date.now() - started) / 1000),
  });
  try {
    for (const { index, bytes } of modules) {
      done += 1;
      const outcome = await compareModule(index, bytes, engines, options.seed, disagreements);
      if (outcome.kind === 'compared' || outcome.kind === 'nan payload') {
        compared += 1;
        calls += outcome.calls;
        if (outcome.kind === 'nan payload') nanPayload += 1;
      } else {
        skipped[outcome.why] = (skipped[outcome.why] ?? 0) + 1;
      }
      options.onModule?.(index, report());
    }
  } finally {
    for (const engine of engines) await engine.close();
  }
  return report();
}

/** The module with every NaN a float operation makes turned into 0 (binaryen's --denan). */
function denan(bytes: Uint8Array): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'wrt-denan-'));
  try {
    writeFileSync(join(dir, 'in.wasm'), bytes);
    execFileSync('wasm-opt', [join(dir, 'in.wasm'), '--denan', '-o', join(dir, 'out.wasm'), ...FEATURES], { stdio: 'ignore' });
    return readFileSync(join(dir, 'out.wasm'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

type ModuleOutcome = { kind: 'compared'; calls: number } | { kind: 'nan payload'; calls: number } | { kind: 'skipped'; why: string };

/**
 * Compares one module. A NaN's payload is free in the specification (any arithmetic NaN), and
 * reinterpret, a store then a load, or copysign make it an integer V8 and the interpreter may
 * differ in. So a module where only V8 disagrees runs again with its NaNs turned into 0: if the
 * engines then agree, the payload was the whole difference and the module counts apart.
 */
async function compareModule(
  index: number,
  bytes: Uint8Array,
  engines: readonly Engine[],
  seed: number,
  disagreements: ExecDisagreement[],
): Promise<ModuleOutcome> {
  const found: ExecDisagreement[] = [];
  const first = await compareCalls(index, bytes, engines, seed, found);
  if (first.kind === 'skipped' || found.length === 0) return first;
  if (found.every((d) => d.engines.startsWith('V8'))) {
    const recheck: ExecDisagreement[] = [];
    const second = await compareCalls(index, denan(bytes), engines, seed, recheck);
    if (second.kind === 'compared' && recheck.length === 0) return { kind: 'nan payload', calls: first.calls };
  }
  disagreements.push(...found);
  return first;
}

async function compareCalls(
  index: number,
  bytes: Uint8Array,
  engines: readonly Engine[],
  seed: number,
  disagreements: ExecDisagreement[],
): Promise<{ kind: 'compared'; calls: number } | { kind: 'skipped'; why: string }> {
  if (!WebAssembly.validate(bytes)) return { kind: 'skipped', why: 'V8 rejects the module' };
  const module = new WebAssembly.Module(bytes);
  for (const engine of engines) {
    const failed = await engine.instantiate(bytes);
    if (failed !== undefined) return { kind: 'skipped', why: `${engine.name} cannot instantiate` };
  }
  const inProcess = engines[1] as InProcessEngine;
  const functions = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function');
  const random = new Random(seed * 1_000_003 + index);
  let calls = 0;
  for (const entry of functions) {
    if (entry.name === 'hangLimitInitializer') continue;
    const signature = inProcess.signature(entry.name);
    const args = signature.params.map((type) => (type === 'i64' || type === 'f64' ? (BigInt(random.next()) << 32n) | BigInt(random.next()) : BigInt(random.next())));
    const outcomes: CallOutcome[] = [];
    for (const engine of engines) {
      if (functions.some((e) => e.name === 'hangLimitInitializer')) await engine.call('hangLimitInitializer', [], [], []);
      outcomes.push(await engine.call(entry.name, signature.params, signature.results, args));
    }
    calls += 1;
    if (outcomes.some((o) => o.kind === 'exhausted')) return { kind: 'skipped', why: 'an engine exhausted its call depth or fuel' };
    const [v8, local, sim] = outcomes as [CallOutcome, CallOutcome, CallOutcome];
    const pairs: readonly [string, CallOutcome, CallOutcome, boolean][] = [
      ['V8 / in-process', v8, local, false],
      ['in-process / native-sim', local, sim, true],
    ];
    for (const [names, a, b, observable] of pairs) {
      const reason = outcomeDifference(a, b, observable);
      if (reason !== undefined) disagreements.push({ module: index, export: entry.name, engines: names, reason });
    }
  }
  return { kind: 'compared', calls };
}
