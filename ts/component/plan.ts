/**
 * The plan a device runs a component by (docs/component.md, "Running components"): the core
 * instances to create in order (each a core module with its imports bound to earlier instances'
 * exports, flatten.ts), and per exported function the core instance and export it lifts, its
 * canonical options (realloc, post-return, string encoding) and its parameter and result types in
 * the device's type encoding. Compiled from a component the validator accepted (validator.ts).
 *
 * Runs components of any number of core modules and instances, inline export bags, aliases and
 * nested components, resources (handles in a top-level export's types travel through the host's
 * handle table), without imports at the top level (type imports bound with `eq` aside) or async; a `canon lower` of a lifted function is bound straight to the callee's core
 * export when its types need no adapter code (u32, s32, u64, s64), else refused.
 */
import { type CType, ctypeOf, encodeTupleType, unsupported, witOf } from './ctype.js';
import { type CoreRef, flattenComponent, instanceMemoryOwner, memoryOwner, type PlanBuiltin, type PlanImport, type PlanResource, type PlanStep, WASI2_IMPORT } from './flatten.js';
import { instanceName, renameImports } from './relink.js';
import { WASI2_FUNCTIONS, WASI2_SERVED, wasi2Interface, wasi2Serves } from './wasi2.js';
import type { TypeNode } from './types.js';
import type { ComponentFacts } from './validator.js';
import type { WasmReport } from '../wasm/report.js';

import type { StringEncoding } from './flatten.js';
export type { StringEncoding };

export interface PlanFunction {
  /** The export name: `f` at the top level, `ns:pkg/iface#f` in an exported instance. */
  readonly name: string;
  /** The plan's core instance it lifts from (its index in ComponentPlan.instances). */
  readonly instance: number;
  readonly params: readonly (readonly [string, CType])[];
  readonly result: CType | null;
  readonly coreExport: string;
  readonly realloc: string | null;
  readonly postReturn: string | null;
  readonly encoding: StringEncoding;
  /** wrt_cabi type encodings: the parameter tuple and a tuple of the result (empty: none). */
  readonly paramsType: Uint8Array;
  readonly resultType: Uint8Array;
  /**
   * The plan's core instance whose memory 0 the lift's `memory` option names, when it is not the
   * one the function lifts from (linking/unit.wast: "use the one passed to canon lift"); null: its own.
   */
  readonly memoryOwner: number | null;
  /**
   * The component instance that lifts it, whose handle table its own/borrow values go to and come
   * from (COMPONENT_INVOKE's owner field); null when its types hold no handle.
   */
  readonly handleOwner: number | null;
}

/** Whether a type holds a resource handle anywhere. */
export function holdsHandle(t: CType): boolean {
  switch (t.k) {
    case 'own':
    case 'borrow':
      return true;
    case 'list':
    case 'option':
      return holdsHandle(t.t);
    case 'record':
      return t.fields.some(([, f]) => holdsHandle(f));
    case 'tuple':
      return t.ts.some(holdsHandle);
    case 'variant':
      return t.cases.some(([, c]) => c !== null && holdsHandle(c));
    case 'result':
      return (t.ok !== null && holdsHandle(t.ok)) || (t.err !== null && holdsHandle(t.err));
    default:
      return false;
  }
}

export interface ComponentPlan {
  /** The core instances to create, in order (one upload each). */
  readonly instances: readonly PlanCoreInstance[];
  /** The fused adapters to define (COMPONENT_ADAPTER), and the order of both. */
  readonly adapters: readonly PlanAdapterCall[];
  /** Resource types (COMPONENT_RESOURCE, §4f): each instantiation's own. */
  readonly resources: readonly PlanResource[];
  readonly steps: readonly PlanStep[];
  /** The first core instance's module as uploaded (its imports renamed: relink.ts), the profile's input; the same bytes as the component holds for a module without imports. */
  readonly coreModule: Uint8Array;
  readonly coreSha256: string;
  /** What the core validator found in it (the profile compiler's input). */
  readonly coreReport: WasmReport;
  /** Every exported function; `refused` the ones this slice cannot run, with the reason. */
  readonly functions: readonly PlanFunction[];
  readonly refused: readonly { readonly name: string; readonly reason: string }[];
}

/** The import module name of adapters: field `k` is the session's adapter k (docs/protocol.md §4f). */
export const ADAPTER_MODULE = '#a';

/** A fused adapter as COMPONENT_ADAPTER sends it (plan instance indices; the session maps them to ids). */
export type PlanAdapterCall = PlanLowerCall | PlanBuiltin | PlanWasiCall;

/** A WASI 0.2 function of the device as COMPONENT_RESOURCE op 4 defines it (plan instance indices). */
export interface PlanWasiCall {
  readonly kind: 'wasi';
  /** `wasi:io/streams@0.2.12` and `[method]output-stream.write`. */
  readonly iface: string;
  readonly name: string;
  readonly paramsType: Uint8Array;
  readonly resultType: Uint8Array;
  readonly callerMemory: number | null;
  readonly callerRealloc: CoreRef | null;
  readonly callerEncoding: StringEncoding;
  readonly callerOwner: number;
}

export interface PlanLowerCall {
  readonly kind: 'lower';
  readonly calleeInstance: number;
  readonly coreExport: string;
  readonly realloc: string | null;
  readonly postReturn: string | null;
  readonly encoding: StringEncoding;
  readonly paramsType: Uint8Array;
  readonly resultType: Uint8Array;
  readonly calleeMemory: number | null;
  readonly callerMemory: number | null;
  readonly callerRealloc: CoreRef | null;
  readonly callerEncoding: StringEncoding;
  readonly callerOwner: number;
  readonly calleeOwner: number;
}

/** One core instance the device creates, in plan order. */
export interface PlanCoreInstance {
  /** The module as uploaded: its imports renamed to the instances and exports they are bound to (relink.ts). */
  readonly upload: Uint8Array;
  /** The module as the component holds it. */
  readonly module: Uint8Array;
  readonly sha256: string;
  readonly report: WasmReport;
  readonly imports: readonly PlanImport[];
}

/**
 * A lowered function's parameter and result tuples in the type encoding, as COMPONENT_ADAPTER and
 * COMPONENT_RESOURCE op 4 carry them (handles allowed: adapters move them between instances).
 * `what` prefixes the name of a type the device cannot take ("adapter parameter x").
 */
function adapterTypes(facts: ComponentFacts, fn: Extract<TypeNode, { k: 'func' }>, what: string, file: string | undefined): { paramsType: Uint8Array; resultType: Uint8Array } {
  const count = { count: 2 };
  const params = fn.params.map(([n, t]) => ctypeOf(facts.arena, t, `${what}parameter ${n}`, file, count, true));
  const result = fn.result === null ? null : ctypeOf(facts.arena, fn.result, `${what}result`, file, count, true);
  return { paramsType: encodeTupleType(params), resultType: encodeTupleType(result === null ? [] : [result]) };
}

export function compilePlan(facts: ComponentFacts, bytes: Uint8Array, file?: string): ComponentPlan {
  // What a component needs from outside comes first: it is the likeliest reason it cannot run here.
  // The device serves wasi:*@0.2.x instances itself (its WASI 0.2 functions); nothing else.
  const imported = facts.imports.find((i) => i.sort !== 'type' && !(i.sort === 'instance' && WASI2_IMPORT.test(i.name)));
  const wasiUnknown = facts.imports.find((i) => i.sort === 'instance' && WASI2_IMPORT.test(i.name) && WASI2_FUNCTIONS[wasi2Interface(i.name)] === undefined);
  if (imported === undefined && wasiUnknown !== undefined) {
    throw unsupported(`the component imports ${JSON.stringify(wasiUnknown.name)}: the device serves no such WASI 0.2 interface (it serves ${WASI2_SERVED})`, file);
  }
  if (imported !== undefined) {
    const what = imported.sort === 'func' ? 'a function' : imported.sort === 'core-module' ? 'a core module' : `an ${imported.sort}`;
    throw unsupported(`the component imports ${JSON.stringify(imported.name)} (${what}): the only imports run are WASI 0.2 interfaces (wasi:*/*@0.2.x instances), which the device serves`, file);
  }
  const flat = flattenComponent(facts, bytes, file);
  if (flat.instances.length === 0) throw unsupported('the component creates no core instance', file);
  const instances: PlanCoreInstance[] = flat.instances.map((inst) => {
    const m = flat.modules[inst.module] as (typeof flat.modules)[number];
    return {
      upload: renameImports(
        m.code,
        inst.imports.map((i) => ('instance' in i.to ? ([instanceName(i.to.instance), i.to.name] as const) : ([ADAPTER_MODULE, String(i.to.adapter)] as const))),
      ),
      module: m.code,
      sha256: m.sha256,
      report: m.report,
      imports: inst.imports,
    };
  });

  const functions: PlanFunction[] = [];
  const refused: { name: string; reason: string }[] = [];
  for (const { name, fn } of flat.functions) {
    try {
      if ('unbound' in fn) throw unsupported(`${name}: ${fn.unbound}`, file);
      if ('host' in fn) throw unsupported(`${name}: an imported WASI function exported again (not run)`, file);
      const lift = fn.lift;
      const node = facts.arena.node(lift.type);
      if (node.k !== 'func') throw unsupported(`${name}: not a function type`, file);
      const count = { count: 2 };
      // Handles travel through the host's handle table on the device (docs/component.md, "Resources").
      // A resource the lifting scope defines is checked as the session's type; another, by the handle's own.
      const rtOf = (r: number): number | null => {
        const def = facts.resourceDefs.get(facts.arena.canonicalResource(r));
        return def === undefined ? null : (lift.rts.get(def) ?? null);
      };
      const params = node.params.map(([n, t]) => [n, ctypeOf(facts.arena, t, `${name}: parameter ${n}`, file, count, rtOf)] as const);
      const result = node.result === null ? null : ctypeOf(facts.arena, node.result, `${name}: result`, file, count, rtOf);
      const handles = params.some(([, t]) => holdsHandle(t)) || (result !== null && holdsHandle(result));
      const k = lift.core.instance;
      const same = (ref: CoreRef | null, what: string): string | null => {
        if (ref === null) return null;
        if (ref.instance !== k) throw unsupported(`${name}: its ${what} is in another core instance than the function it lifts (not run yet)`, file);
        return ref.name;
      };
      let owner: number | null = null;
      if (lift.memory !== null) {
        const named = memoryOwner(flat.modules, flat.instances, lift.memory);
        if (named === null) throw unsupported(`${name}: its memory option names a memory the plan cannot place (not memory 0 of a core instance)`, file);
        // Another instance's memory: COMPONENT_INVOKE names it (docs/protocol.md §4e).
        if (named !== instanceMemoryOwner(flat.modules, flat.instances, k)) owner = named;
      }
      functions.push({
        name,
        instance: k,
        params,
        result,
        coreExport: lift.core.name,
        realloc: same(lift.realloc, 'realloc'),
        postReturn: same(lift.postReturn, 'post-return'),
        encoding: lift.encoding,
        paramsType: encodeTupleType(params.map(([, t]) => t)),
        resultType: encodeTupleType(result === null ? [] : [result]),
        memoryOwner: owner,
        handleOwner: handles ? lift.owner : null,
      });
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      refused.push({ name, reason: error.message });
    }
  }
  const adapters: PlanAdapterCall[] = [];
  for (const a of flat.adapters) {
    if (a.kind === 'wasi') {
      if (!wasi2Serves(a.iface, a.name)) throw unsupported(`the component imports ${JSON.stringify(`${a.iface}#${a.name}`)}: the device has no such WASI 0.2 function (${WASI2_SERVED})`, file);
      const node = facts.arena.node(a.type);
      if (node.k !== 'func') throw unsupported(`canon lower of ${a.iface}#${a.name}: not a function`, file);
      adapters.push({
        kind: 'wasi',
        iface: a.iface,
        name: a.name,
        ...adapterTypes(facts, node, `${a.iface}#${a.name}: `, file),
        callerMemory: a.callerMemory,
        callerRealloc: a.callerRealloc,
        callerEncoding: a.callerEncoding,
        callerOwner: a.callerOwner,
      });
      continue;
    }
    if (a.kind !== 'lower') {
      adapters.push(a);
      continue;
    }
    const node = facts.arena.node(a.type);
    const lifted = facts.arena.node(a.lift.type);
    if (node.k !== 'func' || lifted.k !== 'func') throw unsupported('an adapter of a non-function', file);
    adapters.push({
      kind: 'lower',
      calleeInstance: a.lift.core.instance,
      coreExport: a.lift.core.name,
      realloc: a.lift.realloc?.name ?? null,
      postReturn: a.lift.postReturn?.name ?? null,
      encoding: a.lift.encoding,
      ...adapterTypes(facts, lifted, 'adapter ', file),
      calleeMemory: a.calleeMemory,
      callerMemory: a.callerMemory,
      callerRealloc: a.callerRealloc,
      callerEncoding: a.callerEncoding,
      callerOwner: a.callerOwner,
      calleeOwner: a.lift.owner,
    });
  }
  const first = instances[0] as PlanCoreInstance;
  return { instances, adapters, resources: flat.resources, steps: flat.steps, coreModule: first.upload, coreSha256: first.sha256, coreReport: first.report, functions, refused };
}

/** `name: func(a: s32, b: string) -> T`, as WIT writes a function (types spelled out). */
export function signatureOf(f: PlanFunction): string {
  const params = f.params.map(([n, t]) => `${n}: ${witOf(t)}`).join(', ');
  return `${f.name}: func(${params})${f.result === null ? '' : ` -> ${witOf(f.result)}`}`;
}

/** The export a wasi:cli/run command runs: `wasi:cli/run@0.2.x#run`, `func() -> result`. */
export const RUN_EXPORT = /^wasi:cli\/run@0\.2\.\d+#run$/;

/** The component's wasi:cli/run function, when it is a command. */
export function commandFunction(plan: ComponentPlan): PlanFunction | undefined {
  return plan.functions.find((f) => RUN_EXPORT.test(f.name) && f.params.length === 0 && f.result?.k === 'result');
}

/** How to run the component on native-sim instead, for a refusal's advice: a command runs as a program. */
export function nativeSimAdvice(plan: ComponentPlan): string {
  return commandFunction(plan) !== undefined ? 'native-sim (wrt-target run FILE [ARGS...])' : "native-sim (wrt-target run FILE --invoke '...')";
}
