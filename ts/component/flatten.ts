/**
 * Flattens a validated component into explicit core linking (docs/component.md, "Several core
 * instances"): the core instances to create in order, each made of a core module with every import
 * bound to one (earlier instance, export name), and each exported function as the core export it
 * lifts in one of those instances. Nested components instantiated with arguments, inline export
 * bags, aliases (export, core export, outer) and component instances are evaluated here, on the
 * host, so the device only ever sees core modules and bindings. A `canon lower` of a lifted
 * function becomes a fused adapter (or a direct binding when its types need no adapter code),
 * each resource type definition a new resource type per instantiation, and `canon resource.*` a
 * built-in on the handle table of its component instance: steps the device runs in order.
 *
 * Evaluation walks each component body once per instantiation. Nested instantiation is a bounded
 * recursion (MAX_NESTING levels, MAX_STEPS sections and items in all): a component body is a
 * finite byte range and the validator has already refused cycles, so the bound only guards
 * against exponential instantiation trees.
 */
import { Reader } from '../wasm/reader.js';
import { type CType, ctypeOf, unsupported } from './ctype.js';
import type { ComponentFacts, CoreModuleFacts } from './validator.js';

export type StringEncoding = 'utf8' | 'utf16' | 'latin1+utf16';

/** Nested component instantiations open at once. */
export const MAX_NESTING = 32;
/** Sections, items and bindings evaluated for one component file. */
export const MAX_STEPS = 200_000;

/** A core item (function, memory, table, global) as an export of a core instance. */
export interface CoreRef {
  readonly instance: number;
  readonly name: string;
}

/** A core item the plan cannot bind: what it is and why. */
interface Unbound {
  readonly unbound: string;
}
/** A `canon lower` of a lifted function that needs adapter code: the plan's adapter `adapter`. */
export interface AdapterRef {
  readonly adapter: number;
}
type CoreItem = CoreRef | AdapterRef | Unbound;

export interface LiftedFunction {
  readonly core: CoreRef;
  readonly encoding: StringEncoding;
  readonly memory: CoreRef | null;
  readonly realloc: CoreRef | null;
  readonly postReturn: CoreRef | null;
  /** The function type's arena id (the validator's). */
  readonly type: number;
  /** Component instance that lifted it (may_enter's identity). */
  readonly owner: number;
  /** Resource types defined in its scope: definition offset -> the plan's resource type. */
  readonly rts: ReadonlyMap<number, number>;
}
/** A function of a top-level `wasi:*@0.2.x` instance import: the device's own (docs/component.md, "WASI 0.2 commands"). */
export interface HostFunction {
  readonly iface: string;
  readonly name: string;
}
type FuncV = { readonly lift: LiftedFunction } | { readonly host: HostFunction } | Unbound;

/** Top-level imports the device serves itself: WASI 0.2 interfaces (`wasi:io/streams@0.2.12`, any 0.2.x). */
export const WASI2_IMPORT = /^wasi:[a-z][a-z0-9-]*\/[a-z][a-z0-9-]*@0\.2\.\d+$/;

/** The members of an imported WASI 0.2 instance: every name is the device's function of that name (the validator has checked the names). */
class HostInstance extends Map<string, Val> {
  constructor(readonly iface: string) {
    super();
  }
  override get(name: string): Val {
    return { s: 'func', v: { host: { iface: this.iface, name } } };
  }
}

type CoreInstanceV = { readonly id: number } | { readonly bag: ReadonlyMap<string, CoreItem> } | Unbound;

interface ComponentDef {
  readonly start: number;
  readonly end: number;
  readonly parent: Scope | null;
}
type Val =
  | { readonly s: 'func'; readonly v: FuncV }
  | { readonly s: 'instance'; readonly v: ReadonlyMap<string, Val> }
  | { readonly s: 'component'; readonly v: ComponentDef }
  | { readonly s: 'module'; readonly v: number }
  | { readonly s: 'core-instance'; readonly v: CoreInstanceV }
  | { readonly s: 'other' };

interface Scope {
  readonly parent: Scope | null;
  readonly owner: number;
  readonly coreFunc: CoreItem[];
  readonly coreTable: CoreItem[];
  readonly coreMemory: CoreItem[];
  readonly coreGlobal: CoreItem[];
  readonly coreInstance: CoreInstanceV[];
  readonly coreModule: number[];
  readonly func: FuncV[];
  readonly instance: (ReadonlyMap<string, Val> | null)[];
  readonly component: (ComponentDef | null)[];
  /** Exports of this instantiation, by name. */
  readonly exports: Map<string, Val>;
  /** Resource types defined in this instantiation: definition offset -> the plan's resource type. */
  readonly rts: Map<number, number>;
}

export interface PlanImport {
  readonly module: string;
  readonly field: string;
  readonly to: CoreRef | AdapterRef;
}

/** A resource type of one instantiation: its destructor and the component instance that defines it. */
export interface PlanResource {
  readonly dtor: CoreRef | null;
  readonly owner: number;
}

/** canon resource.new/drop/rep of resource type `rt` (null: an imported type, not checked) on `owner`'s handle table. */
export interface PlanBuiltin {
  readonly kind: 'resource.new' | 'resource.drop' | 'resource.rep';
  readonly rt: number | null;
  readonly owner: number;
}

/**
 * A fused adapter (docs/protocol.md §4f): the callee's lift and the caller's lower options.
 * Memories are named by the plan instance whose own memory they are.
 */
export interface PlanLower {
  readonly kind: 'lower';
  readonly lift: LiftedFunction;
  readonly calleeMemory: number | null;
  readonly callerMemory: number | null;
  readonly callerRealloc: CoreRef | null;
  readonly callerEncoding: StringEncoding;
  readonly callerOwner: number;
  /** The lowered function's type (the validator's arena id). */
  readonly type: number;
}

/** A `canon lower` of a WASI 0.2 function: the device's own, with the caller's lower options (COMPONENT_RESOURCE op 4). */
export interface PlanWasi {
  readonly kind: 'wasi';
  readonly iface: string;
  readonly name: string;
  readonly callerMemory: number | null;
  readonly callerRealloc: CoreRef | null;
  readonly callerEncoding: StringEncoding;
  readonly callerOwner: number;
  /** The lowered function's type (the validator's arena id). */
  readonly type: number;
}

export type PlanAdapter = PlanLower | PlanBuiltin | PlanWasi;

/** What the device does, in order: create core instance k, define adapter k, or define resource type k. */
export type PlanStep = { readonly instance: number } | { readonly adapter: number } | { readonly resource: number };

export interface PlanInstance {
  /** Index into the plan's modules. */
  readonly module: number;
  readonly imports: readonly PlanImport[];
}

export interface FlatComponent {
  readonly modules: readonly CoreModuleFacts[];
  readonly instances: readonly PlanInstance[];
  readonly adapters: readonly PlanAdapter[];
  readonly resources: readonly PlanResource[];
  readonly steps: readonly PlanStep[];
  /** Exported functions by their plan name (`f`, `ns:pkg/iface#f`). */
  readonly functions: readonly { readonly name: string; readonly fn: FuncV }[];
}

const ENCODINGS: readonly StringEncoding[] = ['utf8', 'utf16', 'latin1+utf16'];

const isRef = (x: CoreItem): x is CoreRef => 'instance' in x;
const isBound = (x: CoreItem): x is CoreRef | AdapterRef => !('unbound' in x);

/** The project's binary reader over one section of a validated component; a surprise is COMPONENT_UNSUPPORTED. */
class Cursor extends Reader {
  constructor(
    b: Uint8Array,
    start: number,
    end: number,
    readonly file: string | undefined,
  ) {
    super({
      fail: (_code, message, offset) => {
        throw unsupported(`the plan compiler cannot read ${message}`, file, offset);
      },
    });
    this.endMessage = 'past the end of a section';
    this.bind(b, start, end, 0, true);
  }
  fail(what: string): never {
    throw unsupported(`the plan compiler cannot read ${what}`, this.file, this.pos);
  }
  count(): number {
    const n = this.u32();
    if (n > this.end - this.pos) this.fail(`a count of ${n} items in ${this.end - this.pos} bytes`);
    return n;
  }
  externName(): string {
    const tag = this.u8();
    if (tag > 0x01) this.fail('a name with attributes');
    return this.name();
  }
  /** sort as one number: core sorts 0x100 + byte. */
  sort(): number {
    const s = this.u8();
    return s === 0x00 ? 0x100 + this.u8() : s;
  }
}

const CORE_FUNC = 0x100;
const CORE_TABLE = 0x101;
const CORE_MEMORY = 0x102;
const CORE_GLOBAL = 0x103;
const CORE_MODULE = 0x111;
const CORE_INSTANCE = 0x112;
const FUNC = 0x01;
const VALUE = 0x02;
const TYPE = 0x03;
const COMPONENT = 0x04;
const INSTANCE = 0x05;

/** Types whose flat core form is their value: a lowered call of them needs no adapter code. */
const IDENTITY: ReadonlySet<string> = new Set(['u32', 's32', 'u64', 's64']);

class Flattener {
  readonly instances: PlanInstance[] = [];
  readonly adapters: PlanAdapter[] = [];
  readonly steps: PlanStep[] = [];
  work = 0;
  owners = 0;
  readonly modulesByStart = new Map<number, number>();
  readonly canonTypes = new Map<number, number>();
  readonly canonResources = new Map<number, number>();
  readonly resources: PlanResource[] = [];

  constructor(
    readonly facts: ComponentFacts,
    readonly bytes: Uint8Array,
    readonly file: string | undefined,
  ) {
    facts.modules.forEach((m, i) => this.modulesByStart.set(m.code.byteOffset - bytes.byteOffset, i));
    for (const c of facts.canons) {
      if (c.kind === 'lift' || c.kind === 'lower') this.canonTypes.set(c.offset, c.type);
      else if (c.resource !== undefined && c.resource >= 0) this.canonResources.set(c.offset, c.resource);
    }
  }

  step(c: Cursor): void {
    this.work += 1;
    if (this.work > MAX_STEPS) throw unsupported(`the component needs more than ${MAX_STEPS} evaluation steps to flatten`, this.file, c.pos);
  }

  coreItemOf(s: Scope, sort: number, idx: number): CoreItem {
    const space = sort === CORE_FUNC ? s.coreFunc : sort === CORE_TABLE ? s.coreTable : sort === CORE_MEMORY ? s.coreMemory : sort === CORE_GLOBAL ? s.coreGlobal : null;
    if (space === null) return { unbound: `a core item of sort ${sort - 0x100}` };
    return space[idx] ?? { unbound: `core index ${idx} out of range` };
  }

  coreExport(inst: CoreInstanceV | undefined, name: string): CoreItem {
    if (inst === undefined) return { unbound: 'an unknown core instance' };
    if ('unbound' in inst) return inst;
    if ('id' in inst) return { instance: inst.id, name };
    return inst.bag.get(name) ?? { unbound: `no export ${JSON.stringify(name)} in an inline core instance` };
  }

  valueOf(s: Scope, sort: number, idx: number): Val {
    switch (sort) {
      case FUNC:
        return { s: 'func', v: s.func[idx] ?? { unbound: 'unknown function' } };
      case INSTANCE: {
        const v = s.instance[idx];
        return v === null || v === undefined ? { s: 'other' } : { s: 'instance', v };
      }
      case COMPONENT: {
        const v = s.component[idx];
        return v === null || v === undefined ? { s: 'other' } : { s: 'component', v };
      }
      case CORE_MODULE: {
        const v = s.coreModule[idx];
        return v === undefined ? { s: 'other' } : { s: 'module', v };
      }
      case CORE_INSTANCE:
        return { s: 'core-instance', v: s.coreInstance[idx] ?? { unbound: 'unknown core instance' } };
      default:
        return { s: 'other' };
    }
  }

  push(s: Scope, sort: number, v: Val): void {
    switch (sort) {
      case FUNC:
        s.func.push(v.s === 'func' ? v.v : { unbound: 'not a function' });
        return;
      case INSTANCE:
        s.instance.push(v.s === 'instance' ? v.v : null);
        return;
      case COMPONENT:
        s.component.push(v.s === 'component' ? v.v : null);
        return;
      case CORE_MODULE:
        s.coreModule.push(v.s === 'module' ? v.v : -1);
        return;
      case CORE_INSTANCE:
        s.coreInstance.push(v.s === 'core-instance' ? v.v : { unbound: 'not a core instance' });
        return;
      default:
        return;
    }
  }

  /** Skips an externtype. */
  externType(c: Cursor): number {
    const kind = c.u8();
    switch (kind) {
      case 0x00:
        c.u8();
        c.u32();
        return CORE_MODULE;
      case 0x03: {
        // typebound: 0x00 eq i, or 0x01 (sub resource) with nothing after.
        if (c.u8() === 0x00) c.u32();
        return TYPE;
      }
      case 0x02:
        c.fail('a value import');
        break;
      case 0x01:
      case 0x04:
      case 0x05:
        c.u32();
        return kind;
      default:
        c.fail(`an extern type ${kind}`);
    }
    return kind;
  }

  instantiateCore(moduleIndex: number, args: ReadonlyMap<string, CoreInstanceV>): CoreInstanceV {
    const module = this.facts.modules[moduleIndex];
    if (module === undefined) return { unbound: 'an unknown core module' };
    const imports: PlanImport[] = [];
    for (const imp of module.report.imports) {
      const item = this.coreExport(args.get(imp.module), imp.name);
      if (!isBound(item)) return { unbound: `core import ${imp.module}.${imp.name}: ${item.unbound}` };
      if (!isRef(item) && imp.kind !== 'function') return { unbound: `core import ${imp.module}.${imp.name}: a lowered function where a ${imp.kind} is imported` };
      imports.push({ module: imp.module, field: imp.name, to: item });
    }
    this.instances.push({ module: moduleIndex, imports });
    this.steps.push({ instance: this.instances.length - 1 });
    return { id: this.instances.length - 1 };
  }

  memoryOwner(mem: CoreRef): number | null {
    return memoryOwner(this.facts.modules, this.instances, mem);
  }

  /** canon lower of a lifted function: bound straight to the callee's core export when no adapter code is needed, else an adapter. */
  lower(s: Scope, fn: FuncV | undefined, type: number, opts: { memory: CoreItem | null; realloc: CoreItem | null; encoding: StringEncoding }): CoreItem {
    if (fn === undefined) return { unbound: 'an unknown function' };
    if ('unbound' in fn) return { unbound: `canon lower of ${fn.unbound}` };
    if ('host' in fn) return this.lowerHost(s, fn.host, type, opts);
    const lift = fn.lift;
    if (lift.owner === s.owner) return { unbound: 'canon lower of a function lifted by the same component instance (may_enter traps)' };
    const node = this.facts.arena.node(type);
    if (node.k !== 'func') return { unbound: 'canon lower of a non-function' };
    let types: CType[];
    try {
      const count = { count: 0 };
      types = node.params.map(([n, t]) => ctypeOf(this.facts.arena, t, `parameter ${n}`, this.file, count, true));
      if (node.result !== null) types.push(ctypeOf(this.facts.arena, node.result, 'result', this.file, count, true));
    } catch (error) {
      return { unbound: error instanceof Error ? error.message : String(error) };
    }
    const plain = types.every((t) => IDENTITY.has(t.k));
    if (plain && lift.postReturn === null) return lift.core;
    // A fused adapter: the callee's options must name its own instance's functions and memories.
    const k = lift.core.instance;
    if ((lift.realloc !== null && lift.realloc.instance !== k) || (lift.postReturn !== null && lift.postReturn.instance !== k)) {
      return { unbound: "canon lower of a function whose realloc or post-return is in another core instance than it (not run yet)" };
    }
    const calleeMemory = lift.memory === null ? null : this.memoryOwner(lift.memory);
    if (lift.memory !== null && calleeMemory === null) return { unbound: 'canon lower of a function whose memory the plan cannot place' };
    if (opts.memory !== null && !isRef(opts.memory)) return { unbound: 'canon lower with a memory that is not a core export' };
    if (opts.realloc !== null && !isRef(opts.realloc)) return { unbound: 'canon lower with a realloc that is not a core export' };
    const callerMemory = opts.memory === null ? null : this.memoryOwner(opts.memory as CoreRef);
    if (opts.memory !== null && callerMemory === null) return { unbound: 'canon lower with a memory the plan cannot place' };
    this.adapters.push({
      kind: 'lower',
      lift,
      calleeMemory,
      callerMemory,
      callerRealloc: opts.realloc as CoreRef | null,
      callerEncoding: opts.encoding,
      callerOwner: s.owner,
      type,
    });
    this.steps.push({ adapter: this.adapters.length - 1 });
    return { adapter: this.adapters.length - 1 };
  }

  /** canon lower of a WASI 0.2 function: the device's function with the caller's options. */
  lowerHost(s: Scope, host: HostFunction, type: number, opts: { memory: CoreItem | null; realloc: CoreItem | null; encoding: StringEncoding }): CoreItem {
    if (opts.memory !== null && !isRef(opts.memory)) return { unbound: `canon lower of ${host.iface}#${host.name} with a memory that is not a core export` };
    if (opts.realloc !== null && !isRef(opts.realloc)) return { unbound: `canon lower of ${host.iface}#${host.name} with a realloc that is not a core export` };
    const callerMemory = opts.memory === null ? null : this.memoryOwner(opts.memory as CoreRef);
    if (opts.memory !== null && callerMemory === null) return { unbound: `canon lower of ${host.iface}#${host.name} with a memory the plan cannot place` };
    this.adapters.push({ kind: 'wasi', iface: host.iface, name: host.name, callerMemory, callerRealloc: opts.realloc as CoreRef | null, callerEncoding: opts.encoding, callerOwner: s.owner, type });
    this.steps.push({ adapter: this.adapters.length - 1 });
    return { adapter: this.adapters.length - 1 };
  }

  /** Evaluates one component body with its imports given: its exports. */
  evaluate(def: ComponentDef, args: ReadonlyMap<string, Val>, depth: number): Map<string, Val> {
    if (depth > MAX_NESTING) throw unsupported(`components nest deeper than ${MAX_NESTING} instantiations`, this.file, def.start);
    this.owners += 1;
    const s: Scope = {
      parent: def.parent,
      owner: this.owners,
      coreFunc: [],
      coreTable: [],
      coreMemory: [],
      coreGlobal: [],
      coreInstance: [],
      coreModule: [],
      func: [],
      instance: [],
      component: [],
      exports: new Map(),
      rts: new Map(),
    };
    const b = this.bytes;
    let pos = def.start + 8;
    const top = new Cursor(b, pos, def.end, this.file);
    while (pos < def.end) {
      top.pos = pos;
      this.step(top);
      const id = top.u8();
      const size = top.u32();
      const start = top.pos;
      const end = start + size;
      pos = end;
      const c = new Cursor(b, start, end, this.file);
      switch (id) {
        case 0:
        case 3:
          break;
        case 7:
          // Types: the validator's arena has them. Resource types defined here get a new identity
          // per instantiation, with the destructor resolved in this scope.
          for (const r of this.facts.resources) {
            if (r.offset < start || r.offset >= end) continue;
            const dtor = r.dtorIndex === null ? null : (s.coreFunc[r.dtorIndex] ?? { unbound: 'unknown destructor' });
            if (dtor !== null && !isRef(dtor)) throw unsupported(`a resource destructor that is not a core export: ${'unbound' in dtor ? dtor.unbound : 'a lowered function'}`, this.file, r.offset);
            this.resources.push({ dtor, owner: s.owner });
            this.steps.push({ resource: this.resources.length - 1 });
            s.rts.set(r.offset, this.resources.length - 1);
          }
          break;
        case 1: {
          const m = this.modulesByStart.get(start);
          s.coreModule.push(m ?? -1);
          break;
        }
        case 2: {
          const n = c.count();
          for (let i = 0; i < n; i++) {
            this.step(c);
            const tag = c.u8();
            if (tag === 0x00) {
              const m = c.u32();
              const k = c.count();
              const with_ = new Map<string, CoreInstanceV>();
              for (let j = 0; j < k; j++) {
                const name = c.name();
                c.u8();
                const idx = c.u32();
                with_.set(name, s.coreInstance[idx] ?? { unbound: 'unknown core instance' });
              }
              const mod = s.coreModule[m];
              s.coreInstance.push(mod === undefined || mod < 0 ? { unbound: 'an unknown core module' } : this.instantiateCore(mod, with_));
            } else {
              const k = c.count();
              const bag = new Map<string, CoreItem>();
              for (let j = 0; j < k; j++) {
                const name = c.name();
                const sort = 0x100 + c.u8();
                const idx = c.u32();
                bag.set(name, this.coreItemOf(s, sort, idx));
              }
              s.coreInstance.push({ bag });
            }
          }
          break;
        }
        case 4: {
          const at = start;
          s.component.push({ start: at, end, parent: s });
          break;
        }
        case 5: {
          const n = c.count();
          for (let i = 0; i < n; i++) {
            this.step(c);
            const tag = c.u8();
            if (tag === 0x00) {
              const ci = c.u32();
              const k = c.count();
              const given = new Map<string, Val>();
              for (let j = 0; j < k; j++) {
                const name = c.name();
                const sort = c.sort();
                const idx = c.u32();
                given.set(name, this.valueOf(s, sort, idx));
              }
              const target = s.component[ci];
              if (target === null || target === undefined) {
                s.instance.push(null);
                continue;
              }
              s.instance.push(this.evaluate(target, given, depth + 1));
            } else {
              const k = c.count();
              const members = new Map<string, Val>();
              for (let j = 0; j < k; j++) {
                const name = c.externName();
                const sort = c.sort();
                const idx = c.u32();
                members.set(name, this.valueOf(s, sort, idx));
              }
              s.instance.push(members);
            }
          }
          break;
        }
        case 6: {
          const n = c.count();
          for (let i = 0; i < n; i++) {
            this.step(c);
            const sort = c.sort();
            const target = c.u8();
            if (target === 0x02) {
              const ct = c.u32();
              const idx = c.u32();
              let outer: Scope | null = s;
              for (let up = 0; up < ct && outer !== null; up++) outer = outer.parent;
              if (outer === null) this.push(s, sort, { s: 'other' });
              else this.push(s, sort, this.valueOf(outer, sort, idx));
            } else if (target === 0x01) {
              const inst = c.u32();
              const name = c.name();
              const item = this.coreExport(s.coreInstance[inst], name);
              if (sort === CORE_FUNC) s.coreFunc.push(item);
              else if (sort === CORE_TABLE) s.coreTable.push(item);
              else if (sort === CORE_MEMORY) s.coreMemory.push(item);
              else if (sort === CORE_GLOBAL) s.coreGlobal.push(item);
            } else {
              const inst = c.u32();
              const name = c.name();
              const members = s.instance[inst];
              const v = members?.get(name) ?? { s: 'other' };
              if (sort >= 0x100 && sort !== CORE_MODULE && sort !== CORE_INSTANCE) {
                // Core items exported by a component instance: not in this subset.
                this.pushCore(s, sort, { unbound: 'a core item exported by a component instance' });
              } else this.push(s, sort, v);
            }
          }
          break;
        }
        case 8: {
          const n = c.count();
          for (let i = 0; i < n; i++) {
            this.step(c);
            const at = c.pos;
            const kind = c.u8();
            if (kind === 0x00 || kind === 0x01) {
              c.u8();
              const idx = c.u32();
              const k = c.count();
              let encoding: StringEncoding = 'utf8';
              let memory: CoreItem | null = null;
              let realloc: CoreItem | null = null;
              let postReturn: CoreItem | null = null;
              let bad: string | null = null;
              for (let j = 0; j < k; j++) {
                const opt = c.u8();
                if (opt <= 0x02) encoding = ENCODINGS[opt] as StringEncoding;
                else if (opt === 0x03) memory = s.coreMemory[c.u32()] ?? { unbound: 'unknown memory' };
                else if (opt === 0x04) realloc = s.coreFunc[c.u32()] ?? { unbound: 'unknown realloc' };
                else if (opt === 0x05) postReturn = s.coreFunc[c.u32()] ?? { unbound: 'unknown post-return' };
                else bad = `canonical option ${opt} (async or callbacks)`;
              }
              if (kind === 0x00) {
                c.u32();
                const core = s.coreFunc[idx] ?? { unbound: 'unknown core function' };
                const type = this.canonTypes.get(at) ?? -1;
                const refs = [core, memory, realloc, postReturn].filter((x): x is CoreItem => x !== null);
                const missing = refs.find((x) => !isRef(x));
                if (bad !== null) s.func.push({ unbound: bad });
                else if (missing !== undefined && 'unbound' in missing) s.func.push({ unbound: missing.unbound });
                else if (missing !== undefined) s.func.push({ unbound: 'canon lift of a lowered function (not run yet)' });
                else {
                  s.func.push({
                    lift: {
                      core: core as CoreRef,
                      encoding,
                      memory: memory as CoreRef | null,
                      realloc: realloc as CoreRef | null,
                      postReturn: postReturn as CoreRef | null,
                      type,
                      owner: s.owner,
                      rts: s.rts,
                    },
                  });
                }
              } else {
                const type = this.canonTypes.get(at) ?? -1;
                s.coreFunc.push(bad !== null ? { unbound: bad } : this.lower(s, s.func[idx], type, { memory, realloc, encoding }));
              }
            } else if (kind >= 0x02 && kind <= 0x04) {
              c.u32();
              const def = this.canonResources.get(at);
              // resource.drop may name an imported resource type: the handle's own type is then not checked.
              const rt = def === undefined ? undefined : s.rts.get(def);
              if (rt === undefined && kind !== 0x03) s.coreFunc.push({ unbound: 'canon resource.new/rep of a resource type the plan cannot place' });
              else {
                this.adapters.push({ kind: kind === 0x02 ? 'resource.new' : kind === 0x03 ? 'resource.drop' : 'resource.rep', rt: rt ?? null, owner: s.owner });
                this.steps.push({ adapter: this.adapters.length - 1 });
                s.coreFunc.push({ adapter: this.adapters.length - 1 });
              }
            } else c.fail(`canon ${kind}`);
          }
          break;
        }
        case 10: {
          const n = c.count();
          for (let i = 0; i < n; i++) {
            this.step(c);
            const name = c.externName();
            const sort = this.externType(c);
            if (sort === TYPE) continue;
            // The top level's wasi:*@0.2.x instances are the device's (plan.ts refuses any other import first).
            const v = args.get(name) ?? (def.parent === null && sort === INSTANCE && WASI2_IMPORT.test(name) ? ({ s: 'instance', v: new HostInstance(name) } as const) : undefined);
            if (v === undefined) throw unsupported(`the component imports ${JSON.stringify(name)}: the top-level component's imports are not run yet`, this.file, c.pos);
            this.push(s, sort, v);
          }
          break;
        }
        case 11: {
          const n = c.count();
          for (let i = 0; i < n; i++) {
            this.step(c);
            const name = c.externName();
            const sort = c.sort();
            const idx = c.u32();
            if (c.u8() === 0x01) this.externType(c);
            const v = this.valueOf(s, sort, idx);
            s.exports.set(name, v);
            // An export is a new index that aliases what it exports.
            if (sort !== TYPE && sort !== VALUE) this.push(s, sort, v);
          }
          break;
        }
        default:
          throw unsupported(`section ${id} (start or values) is not run`, this.file, start - 1);
      }
    }
    return s.exports;
  }

  pushCore(s: Scope, sort: number, item: CoreItem): void {
    if (sort === CORE_FUNC) s.coreFunc.push(item);
    else if (sort === CORE_TABLE) s.coreTable.push(item);
    else if (sort === CORE_MEMORY) s.coreMemory.push(item);
    else if (sort === CORE_GLOBAL) s.coreGlobal.push(item);
  }
}

/** The plan instance whose own memory `mem` is: exports of imported memories followed to their definer. */
export function memoryOwner(modules: readonly CoreModuleFacts[], instances: readonly PlanInstance[], mem: CoreRef): number | null {
  let ref = mem;
  // Bounded: each step goes to an instance created earlier.
  for (let steps = 0; steps <= instances.length; steps++) {
    const inst = instances[ref.instance];
    const module = inst === undefined ? undefined : modules[inst.module];
    if (inst === undefined || module === undefined) return null;
    const exp = module.report.exports.find((e) => e.name === ref.name && e.kind === 'memory');
    if (exp === undefined || exp.index !== 0) return null;
    const importIndex = module.report.imports.findIndex((i) => i.kind === 'memory');
    if (importIndex < 0) return ref.instance;
    const to = inst.imports[importIndex]?.to;
    if (to === undefined || !('instance' in to)) return null;
    ref = to;
  }
  return null;
}

/** The plan instance whose own memory is instance k's memory 0 (k's, or the one it imports); null without one. */
export function instanceMemoryOwner(modules: readonly CoreModuleFacts[], instances: readonly PlanInstance[], k: number): number | null {
  const inst = instances[k];
  const module = inst === undefined ? undefined : modules[inst.module];
  if (inst === undefined || module === undefined) return null;
  const importIndex = module.report.imports.findIndex((i) => i.kind === 'memory');
  if (importIndex < 0) return module.report.memories.length > 0 ? k : null;
  const to = inst.imports[importIndex]?.to;
  return to === undefined || !('instance' in to) ? null : memoryOwner(modules, instances, to);
}

/** Evaluates the top-level component: its core instances in order and its exported functions. */
export function flattenComponent(facts: ComponentFacts, bytes: Uint8Array, file?: string): FlatComponent {
  const f = new Flattener(facts, bytes, file);
  const exports = f.evaluate({ start: 0, end: bytes.length, parent: null }, new Map(), 0);
  const functions: { name: string; fn: FuncV }[] = [];
  for (const [name, v] of exports) {
    if (v.s === 'func') functions.push({ name, fn: v.v });
    else if (v.s === 'instance') {
      for (const [member, m] of v.v) if (m.s === 'func') functions.push({ name: `${name}#${member}`, fn: m.v });
    }
  }
  return { modules: facts.modules, instances: f.instances, adapters: f.adapters, resources: f.resources, steps: f.steps, functions };
}

export type { FuncV, CoreItem };
