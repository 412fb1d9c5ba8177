/**
 * The component differential (docs/component.md, "Differential against jco and definitions.py"):
 * seeded worlds (tools/component/diff-gen.ts) built from C + WIT into components with jco's
 * componentEmbed and componentNew, and seeded calls of their functions, each run three ways:
 *
 * - on native-sim through `run`'s own code (ts/run/run-component.ts: the plan, the WAVE call
 *   parsed and checked, `runComponentCallsOn`: one native-sim process a component, one
 *   COMPONENT_INVOKE a call);
 * - on jco 1.35.0's transpiled component in Node (the value oracle);
 * - through definitions.py (tools/cabi/component_oracle.py), which lowers the arguments, lets V8
 *   run the same core function on that memory, and lifts its result (the trap oracle, and a
 *   second value oracle).
 *
 * Compared as WAVE text (ts/component/wave.ts; every NaN prints `nan`, so NaN payloads do not
 * count: the canonical ABI canonicalises NaNs only in its deterministic profile). A device trap
 * must be the model's (kind for kind); a device value must equal the model's and jco's.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import type { CType } from '../../ts/component/ctype.js';
import type { PlanFunction } from '../../ts/component/plan.js';
import type { CValue } from '../../ts/component/value-encoding.js';
import { formatWave } from '../../ts/component/wave.js';
import { WrtError } from '../../ts/core/errors.js';
import { packageRoot } from '../../ts/core/paths.js';
import { resolveUploadProfile } from '../../ts/profile/upload-profile.js';
import { componentRegionArgs, loadComponentPlan, planComponentCall, runComponentCallsOn, type ComponentOutcome, type PreparedCall, type PreparedComponent } from '../../ts/run/run-component.js';
import { nativeSimLink } from '../../ts/run/run-module.js';
import { DeviceSession, withSession } from '../../ts/run/session.js';
import { freshWasmTools, transpileInto, type WasmTools } from '../oracles/jco.js';
import { type Encoding, flattenType, generateWorld, type GenFunction, kindsOf, randomValue, Rng, TYPE_KINDS, worldC } from './diff-gen.js';
import { DeviceHandleNames, JcoResourcePool, RESOURCE_KINDS, resourceArgs, resourceC, resourceCalls, resourceWit } from './diff-resource.js';
import { encodeValues } from '../../ts/component/value-encoding.js';

export interface DiffOptions {
  readonly seed: number;
  readonly calls: number;
  /** Calls a component (default 50). */
  readonly callsPerWorld?: number;
  /** The first world (component) to run (default 0): a world's calls depend on the seed and its index only. */
  readonly firstWorld?: number;
  /** Where components, C and jco's output go (emptied first). */
  readonly workDir: string;
  /** Environment for native-sim (WRT_NATIVE_SIM) and the model (WRT_COMPONENT_MODEL). */
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: (line: string) => void;
  /** Self-test: jco's component computes another transform than the device's (difference expected). */
  readonly wrongJcoTransform?: boolean;
  /** Self-test: change the device's answer to these calls (a value's text, a trap's code). */
  readonly corruptDevice?: ReadonlySet<number>;
}

export interface Difference {
  readonly call: number;
  readonly world: number;
  readonly text: string;
  readonly against: 'jco' | 'model';
  readonly device: string;
  readonly oracle: string;
}

export interface DiffReport {
  readonly seed: number;
  readonly calls: number;
  readonly worlds: number;
  /** Calls whose device value matched the model's and jco's (or jco threw: counted in jcoThrewOnValue). */
  readonly valuesAgreed: number;
  /** Calls that trapped on the device with the model's trap. */
  readonly trapsAgreed: number;
  readonly differences: readonly Difference[];
  /** Type kinds in the signatures of the calls made. */
  readonly kinds: Readonly<Record<string, number>>;
  readonly encodings: Readonly<Record<string, number>>;
  /** Device traps by code. */
  readonly traps: Readonly<Record<string, number>>;
  /** jco threw where the device returned a value (jco is not a trap oracle: the model decides). */
  readonly jcoThrewOnValue: number;
  /** On device traps: what jco did (threw, or returned a value: it checks less). */
  readonly jcoOnTrap: { readonly threw: number; readonly returned: number };
  /** How the calls passed values: parameters flat or spilled to memory (over 16), the result flat or through a pointer. */
  readonly shapes: { readonly flatParams: number; readonly spilledParams: number; readonly flatResult: number; readonly resultPointer: number };
  /** Functions the plan refused (none expected: every generated signature is in the supported set). */
  readonly refused: readonly string[];
  readonly ms: number;
  /**
   * Resource worlds (tools/component/diff-resource.ts: every RESOURCE_WORLD_EVERY-th world): their
   * calls by kind, the handles the device dropped at each session's end (each destructor run, as
   * jco's disposals), and the calls not given to the model (definitions.py's oracle here lifts and
   * lowers around one core call with no handle tables: resource calls are compared with jco only).
   */
  readonly resources: { readonly worlds: number; readonly calls: number; readonly kinds: Readonly<Record<string, number>>; readonly endDrops: number; readonly modelSkipped: number };
}

/** World k is a resource world when k % RESOURCE_WORLD_EVERY is the last residue. */
export const RESOURCE_WORLD_EVERY = 8;

/* The project compiles without the DOM library; the WebAssembly API used here is typed here. */
interface V8Memory {
  readonly buffer: ArrayBuffer;
}
interface V8Instance {
  readonly exports: Readonly<Record<string, unknown>>;
}
type V8Module = object;
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => V8Module;
  Instance: new (module: V8Module, imports: object) => V8Instance;
};

// ---- building ----------------------------------------------------------------------------------

function compileCore(c: string, file: string, defines: readonly string[] = []): Uint8Array {
  writeFileSync(file, c);
  const out = file.replace(/\.c$/, '.core.wasm');
  const args = [
    '--target=wasm32',
    '-nostdlib',
    '-O2',
    '-Wall',
    '-Werror',
    '-Wno-unused-function',
    ...defines.map((d) => `-D${d}`),
    '-Wl,--no-entry',
    '-Wl,--initial-memory=131072',
    '-Wl,-z,stack-size=16384',
    '-o',
    out,
    file,
  ];
  try {
    execFileSync('clang', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const e = error as { code?: string; stderr?: Buffer };
    if (e.code === 'ENOENT') throw new WrtError('TOOL_MISSING', 'clang is not installed: the differential compiles its guests with clang --target=wasm32', { file, limit: 'install clang and lld (wasm-ld), e.g. apt-get install clang lld' });
    throw new WrtError('MODULE_BUILD_FAILED', `the generated guest did not compile: ${(e.stderr?.toString() ?? String(error)).trim().slice(0, 2000)}`, { file, limit: 'clang with the wasm32 target (clang --print-targets) and wasm-ld' });
  }
  return readFileSync(out);
}

function componentOf(tools: WasmTools, core: Uint8Array, wit: string, world: string, encoding: Encoding): Uint8Array {
  const embedded = tools.tools.componentEmbed({ binary: core, witSource: wit, stringEncoding: encoding === 'latin1+utf16' ? 'compact-utf16' : encoding, world });
  return tools.tools.componentNew(embedded, undefined);
}

type JsFn = (...args: unknown[]) => unknown;
interface JcoComponent {
  instantiate(): Promise<Record<string, JsFn>>;
}

let imports = 0;

async function jcoComponent(bytes: Uint8Array, dir: string, name: string): Promise<JcoComponent> {
  await transpileInto(bytes, dir, { name, instantiation: 'async', nodejsCompat: true });
  // A fresh URL each time: Node caches modules by URL, and a later run may write the same path.
  imports += 1;
  const mod = (await import(`${pathToFileURL(join(dir, `${name}.js`)).href}?run=${imports}`)) as {
    instantiate(getCoreModule: (path: string) => V8Module, imports: object): Promise<Record<string, JsFn>>;
  };
  return { instantiate: () => mod.instantiate((path) => new WebAssembly.Module(readFileSync(join(dir, path))), {}) };
}

// ---- jco's JS values ------------------------------------------------------------------------------

const TYPED: Readonly<Record<string, (n: unknown[]) => unknown>> = {
  u8: (x) => Uint8Array.from(x as number[]),
  s8: (x) => Int8Array.from(x as number[]),
  u16: (x) => Uint16Array.from(x as number[]),
  s16: (x) => Int16Array.from(x as number[]),
  u32: (x) => Uint32Array.from(x as number[]),
  s32: (x) => Int32Array.from(x as number[]),
  u64: (x) => BigUint64Array.from(x as bigint[]),
  s64: (x) => BigInt64Array.from(x as bigint[]),
  f32: (x) => Float32Array.from(x as number[]),
  f64: (x) => Float64Array.from(x as number[]),
};

/**
 * Whether jco gives an option as `undefined | T` (js-component-bindgen's `as_nullable`): an
 * option<T> is nullable when T is not, so option<option<u8>> is {tag: 'none'} / {tag: 'some',
 * val: undefined | number}, and option<option<option<f64>>> is plain again outside.
 */
function nullable(t: CType): boolean {
  let depth = 0;
  let u: CType = t;
  while (u.k === 'option') {
    depth += 1;
    u = u.t;
  }
  return depth % 2 === 1;
}

/** A value as jco's bindings take it (jco's documented JS mapping of WIT types). */
export function valueToJs(t: CType, v: CValue): unknown {
  switch (t.k) {
    case 'bool':
      return (v as { v: boolean }).v;
    case 's64':
    case 'u64':
      return (v as { v: bigint }).v;
    case 'f32':
    case 'f64':
      return (v as { v: number }).v;
    case 'char':
      return String.fromCodePoint((v as { v: number }).v);
    case 'string':
      return (v as { v: string }).v;
    case 'list': {
      const items = (v as { items: readonly CValue[] }).items.map((x) => valueToJs(t.t, x));
      const typed = TYPED[t.t.k];
      return typed === undefined ? items : typed(items);
    }
    case 'record':
      return Object.fromEntries(t.fields.map(([name, f], i) => [name, valueToJs(f, (v as { fields: readonly CValue[] }).fields[i] as CValue)]));
    case 'tuple':
      return t.ts.map((f, i) => valueToJs(f, (v as { items: readonly CValue[] }).items[i] as CValue));
    case 'flags':
      return Object.fromEntries(t.names.map((n, i) => [n, (v as { set: readonly boolean[] }).set[i] === true]));
    case 'enum':
      return t.names[(v as { index: number }).index];
    case 'variant': {
      const c = v as { index: number; payload: CValue | null };
      const [tag, p] = t.cases[c.index] as readonly [string, CType | null];
      return p === null ? { tag } : { tag, val: valueToJs(p, c.payload as CValue) };
    }
    case 'option': {
      const c = v as { index: number; payload: CValue | null };
      if (!nullable(t)) return c.index === 0 ? { tag: 'none' } : { tag: 'some', val: valueToJs(t.t, c.payload as CValue) };
      return c.index === 0 ? undefined : valueToJs(t.t, c.payload as CValue);
    }
    case 'result': {
      const c = v as { index: number; payload: CValue | null };
      const p = c.index === 0 ? t.ok : t.err;
      const tag = c.index === 0 ? 'ok' : 'err';
      return p === null ? { tag } : { tag, val: valueToJs(p, c.payload as CValue) };
    }
    default:
      return Number((v as { v: bigint }).v);
  }
}

/** A value jco returned, as a CValue (the inverse of valueToJs). */
export function jsToValue(t: CType, js: unknown): CValue {
  switch (t.k) {
    case 'bool':
      if (typeof js !== 'boolean') throw new Error(`jco gave ${typeof js} for a bool`);
      return { k: 'bool', v: js };
    case 'f32':
    case 'f64':
      return { k: 'float', v: js as number };
    case 'char':
      return { k: 'char', v: (js as string).codePointAt(0) as number };
    case 'string':
      return { k: 'string', v: js as string };
    case 'list':
      return { k: 'list', items: [...(js as Iterable<unknown>)].map((x) => jsToValue(t.t, x)) };
    case 'record':
      return { k: 'record', fields: t.fields.map(([name, f]) => jsToValue(f, (js as Record<string, unknown>)[name])) };
    case 'tuple':
      return { k: 'tuple', items: t.ts.map((f, i) => jsToValue(f, (js as unknown[])[i])) };
    case 'flags':
      return { k: 'flags', set: t.names.map((n) => (js as Record<string, unknown>)[n] === true) };
    case 'enum': {
      const index = t.names.indexOf(js as string);
      if (index < 0) throw new Error(`jco gave enum case ${String(js)}`);
      return { k: 'case', index, payload: null };
    }
    case 'variant': {
      const o = js as { tag: string; val?: unknown };
      const index = t.cases.findIndex(([n]) => n === o.tag);
      if (index < 0) throw new Error(`jco gave variant case ${String(o.tag)}`);
      const p = (t.cases[index] as readonly [string, CType | null])[1];
      return { k: 'case', index, payload: p === null ? null : jsToValue(p, o.val) };
    }
    case 'option':
      if (!nullable(t)) {
        const o = js as { tag: string; val?: unknown };
        return o.tag === 'none' ? { k: 'case', index: 0, payload: null } : { k: 'case', index: 1, payload: jsToValue(t.t, o.val) };
      }
      return js === undefined || js === null ? { k: 'case', index: 0, payload: null } : { k: 'case', index: 1, payload: jsToValue(t.t, js) };
    case 'result': {
      const o = js as { tag: string; val?: unknown };
      const index = o.tag === 'ok' ? 0 : 1;
      const p = index === 0 ? t.ok : t.err;
      return { k: 'case', index, payload: p === null ? null : jsToValue(p, o.val) };
    }
    default:
      return { k: 'int', v: BigInt(js as number | bigint) };
  }
}

type Outcome = { readonly kind: 'value'; readonly wave: string } | { readonly kind: 'trap'; readonly what: string };

/** One call on jco's component (a top-level result's err comes as a thrown payload). */
function jcoCall(fn: JsFn, f: GenFunction, args: readonly CValue[]): Outcome {
  const js = f.params.map(([, t], i) => valueToJs(t, args[i] as CValue));
  const r = f.result;
  try {
    const got = fn(...js);
    if (r.k === 'result') return { kind: 'value', wave: formatWave(r, { k: 'case', index: 0, payload: r.ok === null ? null : jsToValue(r.ok, got) }) };
    return { kind: 'value', wave: formatWave(r, jsToValue(r, got)) };
  } catch (error) {
    // jco 1.35.0 throws a top-level result's err payload as it is (no ComponentError wrapping);
    // a trap is an Error (WebAssembly.RuntimeError, TypeError, RangeError).
    if (r.k === 'result' && !(error instanceof Error)) {
      return { kind: 'value', wave: formatWave(r, { k: 'case', index: 1, payload: r.err === null ? null : jsToValue(r.err, error) }) };
    }
    return { kind: 'trap', what: error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error) };
  }
}

// ---- the model ------------------------------------------------------------------------------------

type ModelValue = { readonly k: string; readonly [key: string]: unknown };

class Model {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly waiting: ((line: string) => void)[] = [];
  constructor(env: NodeJS.ProcessEnv) {
    this.proc = spawn('python3', [join(packageRoot(), 'tools', 'cabi', 'component_oracle.py')], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    this.proc.stderr.on('data', (b: Buffer) => {
      err += b.toString();
    });
    this.proc.on('exit', (code) => {
      for (const w of this.waiting.splice(0)) w(JSON.stringify({ error: `the model exited (${String(code)}): ${err.trim()}` }));
    });
    createInterface({ input: this.proc.stdout }).on('line', (line) => this.waiting.shift()?.(line));
  }
  ask(req: object): Promise<Record<string, unknown>> {
    return new Promise((resolve) => {
      this.waiting.push((line) => resolve(JSON.parse(line) as Record<string, unknown>));
      this.proc.stdin.write(`${JSON.stringify(req)}\n`);
    });
  }
  close(): void {
    this.proc.stdin.end();
  }
}

/** A CValue as the model's JSON (integers as decimal strings, floats as their IEEE bits). */
function toModelJson(t: CType, v: CValue): ModelValue {
  switch (v.k) {
    case 'int':
      return { k: 'int', v: v.v.toString() };
    case 'float':
      return { k: 'float', v: floatBits(v.v, t.k === 'f32').toString() };
    case 'list':
      return { k: 'list', items: v.items.map((x) => toModelJson((t as { t: CType }).t, x)) };
    case 'record':
      return { k: 'record', fields: v.fields.map((x, i) => toModelJson(((t as { fields: readonly (readonly [string, CType])[] }).fields[i] as readonly [string, CType])[1], x)) };
    case 'tuple':
      return { k: 'tuple', items: v.items.map((x, i) => toModelJson((t as { ts: readonly CType[] }).ts[i] as CType, x)) };
    case 'case': {
      const p = casePayloadOf(t, v.index);
      return { k: 'case', index: v.index, payload: p === null || v.payload === null ? null : toModelJson(p, v.payload) };
    }
    default:
      return v as unknown as ModelValue;
  }
}

function fromModelJson(t: CType, v: ModelValue): CValue {
  switch (v.k) {
    case 'int':
      return { k: 'int', v: BigInt(v.v as string) };
    case 'float':
      return { k: 'float', v: bitsFloat(BigInt(v.v as string), t.k === 'f32') };
    case 'list':
      return { k: 'list', items: (v.items as ModelValue[]).map((x) => fromModelJson((t as { t: CType }).t, x)) };
    case 'record':
      return { k: 'record', fields: (v.fields as ModelValue[]).map((x, i) => fromModelJson(((t as { fields: readonly (readonly [string, CType])[] }).fields[i] as readonly [string, CType])[1], x)) };
    case 'tuple':
      return { k: 'tuple', items: (v.items as ModelValue[]).map((x, i) => fromModelJson((t as { ts: readonly CType[] }).ts[i] as CType, x)) };
    case 'case': {
      const index = v.index as number;
      const p = casePayloadOf(t, index);
      return { k: 'case', index, payload: p === null || v.payload === null ? null : fromModelJson(p, v.payload as ModelValue) };
    }
    default:
      return v as unknown as CValue;
  }
}

function casePayloadOf(t: CType, i: number): CType | null {
  if (t.k === 'variant') return t.cases[i]?.[1] ?? null;
  if (t.k === 'option') return i === 1 ? t.t : null;
  if (t.k === 'result') return i === 0 ? t.ok : t.err;
  return null;
}

const scratch = new DataView(new ArrayBuffer(8));
function floatBits(v: number, f32: boolean): bigint {
  if (f32) {
    scratch.setFloat32(0, v, true);
    return BigInt(scratch.getUint32(0, true));
  }
  scratch.setFloat64(0, v, true);
  return scratch.getBigUint64(0, true);
}
function bitsFloat(b: bigint, f32: boolean): number {
  if (f32) {
    scratch.setUint32(0, Number(b), true);
    return scratch.getFloat32(0, true);
  }
  scratch.setBigUint64(0, b, true);
  return scratch.getFloat64(0, true);
}

type Core = 'i32' | 'i64' | 'f32' | 'f64';

/** A flat value's bits (the model's form) as the JS value V8 passes for that core type. */
function fromFlatBits(bits: string, core: Core): number | bigint {
  const b = BigInt(bits);
  if (core === 'i32') return Number(BigInt.asIntN(32, b));
  if (core === 'i64') return BigInt.asIntN(64, b);
  return bitsFloat(b, core === 'f32');
}

function toFlatBits(v: number | bigint, core: Core): string {
  if (core === 'i32') return String((v as number) >>> 0);
  if (core === 'i64') return BigInt.asUintN(64, v as bigint).toString();
  return floatBits(v as number, core === 'f32').toString();
}

/** Where the model lowers arguments: above the guest's stack, data and bump heap (a few KiB a call). */
const MODEL_BASE = 96 * 1024;
const MEM_BYTES = 131072;

interface CoreRunner {
  readonly instance: V8Instance;
  readonly memory: V8Memory;
}

/** The model's outcome of one call: lower (model), run the core function (V8), lift (model). */
async function modelCall(model: Model, runner: CoreRunner, call: PreparedCall, paramCores: readonly Core[], resultCores: readonly Core[]): Promise<Outcome> {
  const fn = call.fn;
  const enc = fn.encoding;
  const lowered = await model.ask({ op: 'lower', type: Buffer.from(fn.paramsType).toString('hex'), enc, args: fn.params.map(([, t], i) => toModelJson(t, call.args[i] as CValue)), base: MODEL_BASE, memLen: MEM_BYTES });
  if (typeof lowered.error === 'string') return { kind: 'trap', what: `model error: ${lowered.error}` };
  const mem = new Uint8Array(runner.memory.buffer);
  mem.fill(0, MODEL_BASE);
  mem.set(Buffer.from(lowered.mem as string, 'hex'), MODEL_BASE);
  const flatArgs = (lowered.flat as string[]).map((b, i) => fromFlatBits(b, paramCores[i] as Core));
  const exports = runner.instance.exports as Record<string, (...a: unknown[]) => number | bigint>;
  const coreFn = exports[fn.coreExport] as (...a: unknown[]) => number | bigint;
  let ret: number | bigint;
  try {
    ret = coreFn(...flatArgs);
  } catch (error) {
    return { kind: 'trap', what: `core: ${String(error)}` };
  }
  let end = MODEL_BASE;
  while (end > 0 && mem[end - 1] === 0) end -= 1;
  const image = Buffer.from(mem.subarray(0, end)).toString('hex');
  if (fn.postReturn !== null) (exports[fn.postReturn] as (...a: unknown[]) => void)(ret);
  const lifted = await model.ask({ op: 'lift', type: Buffer.from(fn.resultType).toString('hex'), enc, flat: [toFlatBits(ret, resultCores[0] as Core)], memLen: MEM_BYTES, mem: image });
  if (typeof lifted.error === 'string') return { kind: 'trap', what: `model error: ${lifted.error}` };
  if (typeof lifted.trap === 'number') return { kind: 'trap', what: `model trap ${lifted.trap}` };
  const r = fn.result as CType;
  return { kind: 'value', wave: formatWave(r, fromModelJson(r, lifted.value as ModelValue)) };
}

// ---- the run ------------------------------------------------------------------------------------

function deviceText(o: ComponentOutcome): Outcome {
  return o.kind === 'returned' ? { kind: 'value', wave: o.wave ?? '' } : { kind: 'trap', what: `device trap ${o.trap} in ${o.phase}` };
}

function show(o: Outcome): string {
  return o.kind === 'value' ? o.wave : `trap (${o.what})`;
}

interface ResourceWorldResult {
  readonly agreed: number;
  /** Stale handles refused on both sides (the device: 72 in lowering; jco: it threw). */
  readonly trapped: number;
  readonly endDrops: number;
}

/**
 * One resource world: the component built from resourceC() and its WIT, n seeded calls on the
 * device (run's path, one session: handles pass from call to call, host drops are COMPONENT_RESOURCE
 * op 5, the rest dropped at the session's end) and on jco (resource objects, Symbol.dispose),
 * compared call for call. definitions.py does not take part (DiffReport.resources.modelSkipped).
 */
async function runResourceWorld(
  tools: WasmTools,
  opts: DiffOptions,
  env: NodeJS.ProcessEnv,
  world: number,
  n: number,
  done: number,
  kinds: Record<string, number>,
  differences: Difference[],
  refused: string[],
  log: (line: string) => void,
): Promise<ResourceWorldResult> {
  const dir = join(opts.workDir, `w${world}`);
  mkdirSync(dir, { recursive: true });
  const wit = resourceWit(world);
  const worldName = `w${world}`;
  writeFileSync(join(dir, 'world.wit'), wit);
  const core = compileCore(resourceC(), join(dir, 'guest.c'));
  const bytes = componentOf(tools, core, wit, worldName, 'utf8');
  const file = join(dir, 'component.wasm');
  writeFileSync(file, bytes);
  const jco = await jcoComponent(bytes, join(dir, 'jco'), worldName);
  const component: PreparedComponent = loadComponentPlan(file, dir);
  for (const r of component.plan.refused) refused.push(`world ${world} ${r.name}: ${r.reason}`);
  const fnOf = (name: string): PlanFunction => {
    const fn = component.plan.functions.find((f) => f.name === name);
    if (fn === undefined) throw new WrtError('INTERNAL', `resource world ${world}: the plan has no function ${name} (${component.plan.functions.map((f) => f.name).join(', ')})`);
    return fn;
  };
  const calls = resourceCalls(opts.seed, world, n);
  const drops = fnOf('wrt:diff/res#drops');
  const prepared: PreparedCall[] = calls.map((c) => {
    const fn = c.name === null ? drops : fnOf(c.name);
    const args = resourceArgs(c, () => ({ k: 'handle', v: 0 }));
    return {
      fn,
      args,
      argBytes: encodeValues(fn.params.map(([, t]) => t), args),
      ...(c.kind === 'host-drop' ? { hostDrop: (held: readonly number[]) => held[c.at] ?? 0 } : {}),
      ...(c.kind !== 'host-drop' && c.at >= 0 ? { withHandles: (held: readonly number[]) => resourceArgs(c, (at) => ({ k: 'handle', v: held[at] ?? 0 })) } : {}),
    };
  });
  const sinks = { stdout: () => undefined, stderr: () => undefined };
  const batch = await withSession(
    // Several core instances (wit-component's shims for the built-ins): no single-module profile;
    // each memory and table capped, as run does.
    () => DeviceSession.open(nativeSimLink({ env, extraArgs: componentRegionArgs(component.plan) })),
    (session) => runComponentCallsOn(session, { component, calls: prepared }, sinks),
    { handleSigint: false },
  );
  const pool = JcoResourcePool.of(await jco.instantiate());
  const names = new DeviceHandleNames();
  let agreed = 0;
  let trapped = 0;
  for (const [c, call] of calls.entries()) {
    kinds[call.kind] = (kinds[call.kind] ?? 0) + 1;
    const o = batch.outcomes[c] as ComponentOutcome;
    let device: Outcome = o.kind === 'returned' ? { kind: 'value', wave: names.text(call, o.wave) } : { kind: 'trap', what: `device trap ${o.trap} in ${o.phase}` };
    // The self-test's changed answer: another text, or another trap.
    if (opts.corruptDevice?.has(done + c) === true) device = device.kind === 'value' ? { ...device, wave: `${device.wave} ` } : { ...device, what: `${device.what} (changed)` };
    const jcoOut = pool.call(call);
    // A trap ends the instance on both sides (the device's batch instantiates it again).
    if (jcoOut.kind === 'trap') pool.restart(await jco.instantiate());
    if (device.kind === 'value' && jcoOut.kind === 'value' && device.wave === jcoOut.wave) {
      agreed += 1;
      continue;
    }
    // A handle the host does not hold: the device's invalid-handle trap in lowering, jco's throw.
    if (call.kind === 'stale-handle' && device.kind === 'trap' && device.what === 'device trap 72 in lowering the arguments' && jcoOut.kind === 'trap') {
      trapped += 1;
      continue;
    }
    differences.push({ call: done + c, world, text: call.text, against: 'jco', device: show(device), oracle: show(jcoOut) });
    log(`difference: call ${done + c} (resource world ${world}) ${call.text}\n  device: ${show(device)}\n  jco: ${show(jcoOut)}`);
  }
  // What each side still holds is dropped: the device's session at its end (op 5), jco's here.
  const held = pool.close();
  const endOk = batch.endDrops.filter((d) => d.trap === 0).length;
  if (endOk !== held || batch.endDrops.length !== held) {
    differences.push({ call: done + n - 1, world, text: 'the handles held at the end, dropped', against: 'jco', device: `${endOk} of ${batch.endDrops.length} dropped`, oracle: `${held} dropped` });
  }
  return { agreed, trapped, endDrops: endOk };
}

export async function runComponentDifferential(opts: DiffOptions): Promise<DiffReport> {
  const started = performance.now();
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => undefined);
  const perWorld = opts.callsPerWorld ?? 50;
  rmSync(opts.workDir, { recursive: true, force: true });
  mkdirSync(opts.workDir, { recursive: true });
  const tools = await freshWasmTools();
  const model = new Model(env);
  const differences: Difference[] = [];
  const kinds: Record<string, number> = Object.fromEntries(TYPE_KINDS.map((k) => [k, 0]));
  const encodings: Record<string, number> = {};
  const traps: Record<string, number> = {};
  const refused: string[] = [];
  let valuesAgreed = 0;
  let trapsAgreed = 0;
  let jcoThrewOnValue = 0;
  const jcoOnTrap = { threw: 0, returned: 0 };
  const shapes = { flatParams: 0, spilledParams: 0, flatResult: 0, resultPointer: 0 };
  let done = 0;
  let world = opts.firstWorld ?? 0;
  const resourceKinds: Record<string, number> = Object.fromEntries(RESOURCE_KINDS.map((k) => [k, 0]));
  const resources = { worlds: 0, calls: 0, endDrops: 0, modelSkipped: 0 };
  try {
    while (done < opts.calls) {
      if (world % RESOURCE_WORLD_EVERY === RESOURCE_WORLD_EVERY - 1) {
        const n = Math.min(perWorld, opts.calls - done);
        const r = await runResourceWorld(tools, opts, env, world, n, done, resourceKinds, differences, refused, log);
        valuesAgreed += r.agreed;
        trapsAgreed += r.trapped;
        if (r.trapped > 0) traps['72'] = (traps['72'] ?? 0) + r.trapped;
        resources.worlds += 1;
        resources.calls += n;
        resources.endDrops += r.endDrops;
        resources.modelSkipped += n;
        done += n;
        world += 1;
        log(`world ${world - 1} (resources): ${n} calls, ${r.endDrops} handles dropped at the end; ${done}/${opts.calls}, ${differences.length} differences`);
        continue;
      }
      const w = generateWorld(opts.seed, world);
      const dir = join(opts.workDir, `w${world}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'world.wit'), w.wit);
      const worldName = `w${world}`;
      const core = compileCore(worldC(w.functions, w.encoding), join(dir, 'guest.c'));
      const file = join(dir, 'component.wasm');
      writeFileSync(file, componentOf(tools, core, w.wit, worldName, w.encoding));
      // jco 1.35.0 cannot transpile latin1+utf16 (js-component-bindgen function_bindgen.rs:1717
      // asserts UTF8 | UTF16): its oracle for those worlds is the same C built for utf16. The guest
      // hashes code points and builds the same code points in any encoding, so the values agree.
      const jcoEncoding: Encoding = w.encoding === 'latin1+utf16' ? 'utf16' : w.encoding;
      const jcoCore = jcoEncoding === w.encoding && opts.wrongJcoTransform !== true ? core : compileCore(worldC(w.functions, jcoEncoding), join(dir, 'jco-guest.c'), opts.wrongJcoTransform === true ? ['WRONG_TRANSFORM'] : []);
      const jco = await jcoComponent(componentOf(tools, jcoCore, w.wit, worldName, jcoEncoding), join(dir, 'jco'), worldName);

      const component: PreparedComponent = loadComponentPlan(file, dir);
      for (const r of component.plan.refused) refused.push(`world ${world} ${r.name}: ${r.reason}`);
      const runnable = w.functions.filter((f) => component.plan.functions.some((p) => p.name === f.name));
      if (runnable.length === 0) {
        world += 1;
        continue;
      }
      const n = Math.min(perWorld, opts.calls - done);
      const calls: { f: GenFunction; text: string; prepared: PreparedCall }[] = [];
      for (let c = 0; c < n; c++) {
        const r = new Rng(opts.seed ^ 0x5bd1e995, world * 1_000_003 + c);
        const f = r.pick(runnable);
        const args = f.params.map(([, t]) => randomValue(r, t));
        const text = `${f.name}(${f.params.map(([, t], i) => formatWave(t, args[i] as CValue)).join(', ')})`;
        calls.push({ f, text, prepared: planComponentCall(component, text, []) });
      }

      // The device: run's path, one native-sim process, one COMPONENT_INVOKE a call.
      const profile = await resolveUploadProfile({ file, module: component.plan.coreModule, analysis: component.plan.coreReport, targetId: 'native-sim', overrides: {}, env, cwd: dir });
      const sinks = { stdout: () => undefined, stderr: () => undefined };
      const batch = await withSession(
        () => DeviceSession.open(nativeSimLink({ env })),
        (session) => runComponentCallsOn(session, { component, calls: calls.map((c) => c.prepared), ...(profile === undefined ? {} : { profile }) }, sinks),
        { handleSigint: false },
      );

      // jco, and the model around V8's run of the same core module.
      let jsFns = await jco.instantiate();
      const coreModule = new WebAssembly.Module(component.plan.coreModule);
      const newRunner = (): CoreRunner => {
        const instance = new WebAssembly.Instance(coreModule, {});
        return { instance, memory: instance.exports.memory as V8Memory };
      };
      let runner = newRunner();
      for (const [c, call] of calls.entries()) {
        const index = done + c;
        const fn = call.prepared.fn;
        const ks = new Set<string>();
        for (const [, t] of fn.params) kindsOf(t, ks);
        kindsOf(fn.result, ks);
        for (const k of ks) kinds[k] = (kinds[k] ?? 0) + 1;
        encodings[w.encoding] = (encodings[w.encoding] ?? 0) + 1;

        let o = batch.outcomes[c] as ComponentOutcome;
        if (opts.corruptDevice?.has(index) === true) {
          // The self-test's changed answer: another text, or the next trap code.
          o = o.kind === 'returned' ? { ...o, wave: `${o.wave ?? ''} ` } : { ...o, trap: o.trap === 74 ? 65 : o.trap + 1 };
        }
        const device = deviceText(o);
        const jcoOut = jcoCall(jsFns[call.f.name] as JsFn, call.f, call.prepared.args);
        if (jcoOut.kind === 'trap') jsFns = await jco.instantiate();
        const { paramCores, resultCores, spilled, pointer } = flatCoresOf(fn);
        shapes[spilled ? 'spilledParams' : 'flatParams'] += 1;
        shapes[pointer ? 'resultPointer' : 'flatResult'] += 1;
        const modelOut = await modelCall(model, runner, call.prepared, paramCores, resultCores);
        if (modelOut.kind === 'trap') runner = newRunner();

        const diff = (against: 'jco' | 'model', oracle: Outcome): void => {
          differences.push({ call: index, world, text: call.text, against, device: show(device), oracle: show(oracle) });
          log(`difference: call ${index} (world ${world}, ${w.encoding}) ${call.text}\n  device: ${show(device)}\n  ${against}: ${show(oracle)}`);
        };
        if (o.kind === 'trapped') {
          traps[String(o.trap)] = (traps[String(o.trap)] ?? 0) + 1;
          if (jcoOut.kind === 'trap') jcoOnTrap.threw += 1;
          else {
            jcoOnTrap.returned += 1;
            log(`jco returned where the device trapped (code ${o.trap}): call ${index} ${call.text}: ${jcoOut.wave}`);
          }
          // The model lifts: the trap must be its kind, and the device's in lifting the result.
          if (modelOut.kind === 'trap' && modelOut.what === `model trap ${o.trap - 64}` && o.phase === 'lifting the result') trapsAgreed += 1;
          else diff('model', modelOut);
          continue;
        }
        let ok = true;
        if (modelOut.kind !== 'value' || modelOut.wave !== (device as { wave: string }).wave) {
          diff('model', modelOut);
          ok = false;
        }
        if (jcoOut.kind === 'trap') {
          jcoThrewOnValue += 1;
          log(`jco threw where the device and the model returned: call ${index} ${call.text}: ${jcoOut.what}`);
        } else if (jcoOut.wave !== (device as { wave: string }).wave) {
          diff('jco', jcoOut);
          ok = false;
        }
        if (ok) valuesAgreed += 1;
      }
      done += n;
      world += 1;
      log(`world ${world - 1} (${w.encoding}, ${w.functions.length} functions): ${n} calls, ${batch.uploads} uploads; ${done}/${opts.calls}, ${differences.length} differences`);
    }
  } finally {
    model.close();
  }
  return {
    seed: opts.seed,
    calls: done,
    worlds: world - (opts.firstWorld ?? 0),
    valuesAgreed,
    trapsAgreed,
    differences,
    kinds,
    encodings,
    traps,
    jcoThrewOnValue,
    jcoOnTrap,
    shapes,
    refused,
    ms: Math.round(performance.now() - started),
    resources: { ...resources, kinds: resourceKinds },
  };
}

/** The flat core types of a call (definitions.py flatten_types; spilled past 16 parameters / 1 result). */
function flatCoresOf(fn: PlanFunction): { paramCores: Core[]; resultCores: Core[]; spilled: boolean; pointer: boolean } {
  const p = fn.params.flatMap(([, t]) => flattenType(t));
  const r = fn.result === null ? [] : flattenType(fn.result);
  return { paramCores: p.length > 16 ? ['i32'] : p, resultCores: r.length > 1 ? ['i32'] : r, spilled: p.length > 16, pointer: r.length > 1 };
}
