/**
 * The plan a device runs a component by (docs/component.md, "Running components"): the one core
 * module to upload, and per exported function the core export it lifts, its canonical options
 * (realloc, post-return, string encoding) and its parameter and result types in the device's type
 * encoding. Compiled from a component the validator accepted (validator.ts), by one more bounded
 * pass over its top-level sections that follows the index spaces the functions are defined through.
 *
 * This slice runs components made of one core module instantiated once, without imports (type
 * imports bound with `eq` aside: wit-component emits them for a world's own types), resources,
 * nested components or async; every other shape is refused with COMPONENT_UNSUPPORTED naming what
 * it uses and what does run.
 */
import { type CType, ctypeOf, encodeTupleType, unsupported, witOf } from './ctype.js';
import type { ComponentFacts } from './validator.js';
import type { Extern } from './types.js';
import type { WasmReport } from '../wasm/report.js';

export type StringEncoding = 'utf8' | 'utf16' | 'latin1+utf16';

export interface PlanFunction {
  /** The export name: `f` at the top level, `ns:pkg/iface#f` in an exported instance. */
  readonly name: string;
  readonly params: readonly (readonly [string, CType])[];
  readonly result: CType | null;
  readonly coreExport: string;
  readonly realloc: string | null;
  readonly postReturn: string | null;
  readonly encoding: StringEncoding;
  /** wrt_cabi type encodings: the parameter tuple and a tuple of the result (empty: none). */
  readonly paramsType: Uint8Array;
  readonly resultType: Uint8Array;
}

export interface ComponentPlan {
  /** The core module's bytes, as the component holds them (uploaded as they are). */
  readonly coreModule: Uint8Array;
  readonly coreSha256: string;
  /** What the core validator found in it (the profile compiler's input). */
  readonly coreReport: WasmReport;
  /** Every exported function; `refused` the ones this slice cannot run, with the reason. */
  readonly functions: readonly PlanFunction[];
  readonly refused: readonly { readonly name: string; readonly reason: string }[];
}

type CoreFunc = { readonly instance: number; readonly name: string } | null;
interface Lift {
  readonly core: number;
  readonly encoding: StringEncoding;
  readonly memory: number | null;
  readonly realloc: number | null;
  readonly postReturn: number | null;
}
/** A component function: a lift, or an index that aliases another, or something else (null). */
type Func = { readonly lift: Lift } | { readonly same: number } | null;

const ENCODINGS: readonly StringEncoding[] = ['utf8', 'utf16', 'latin1+utf16'];

/** A cursor over the (already validated) component: malformed bytes here are a defect, not input. */
class Cursor {
  pos: number;
  constructor(
    readonly b: Uint8Array,
    start: number,
    readonly end: number,
    readonly file: string | undefined,
  ) {
    this.pos = start;
  }
  fail(what: string): never {
    throw unsupported(`the plan compiler cannot read ${what}`, this.file, this.pos);
  }
  u8(): number {
    if (this.pos >= this.end) this.fail('past the end of a section');
    return this.b[this.pos++] as number;
  }
  u32(): number {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.u8();
      v += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return v;
    }
    return this.fail('a LEB128 longer than 5 bytes');
  }
  /** A count of items of at least one byte each: never more than the bytes left. */
  count(): number {
    const n = this.u32();
    if (n > this.end - this.pos) this.fail(`a count of ${n} items in ${this.end - this.pos} bytes`);
    return n;
  }
  name(): string {
    const n = this.u32();
    if (n > this.end - this.pos) this.fail('a name past the end');
    const text = new TextDecoder().decode(this.b.subarray(this.pos, this.pos + n));
    this.pos += n;
    return text;
  }
  /** nameattributes: 0x00/0x01 then a name (the attribute forms are gated in the validator). */
  externName(): string {
    const tag = this.u8();
    if (tag > 0x01) this.fail('a name with attributes');
    return this.name();
  }
  /** sort (core sorts as 0x00 + byte) as one number: core sorts 0x100 + byte. */
  sort(): number {
    const s = this.u8();
    return s === 0x00 ? 0x100 + this.u8() : s;
  }
}

const CORE_FUNC = 0x100;
const CORE_MEMORY = 0x102;
const SORT_FUNC = 0x01;
const SORT_TYPE = 0x03;
const SORT_INSTANCE = 0x05;

/** Skips an externtype; refuses (as an import) anything but a type bound `eq`. */
function externType(c: Cursor, importing: string | null): void {
  const kind = c.u8();
  if (importing !== null && kind !== 0x03) {
    throw unsupported(`the component imports ${importing} (a ${['core module', 'function', 'value', 'type', 'component', 'instance'][kind] ?? 'thing'}): components with imports are not run yet`, c.file, c.pos - 1);
  }
  switch (kind) {
    case 0x00:
      c.u8();
      c.u32();
      return;
    case 0x03: {
      const bound = c.u8();
      if (bound === 0x01) throw unsupported(`the component ${importing === null ? 'exports' : `imports ${importing} as`} a resource type: resources are not run yet`, c.file, c.pos - 1);
      c.u32();
      return;
    }
    case 0x01:
    case 0x04:
    case 0x05:
      c.u32();
      return;
    default:
      c.fail(`an extern type ${kind}`);
  }
}

export function compilePlan(facts: ComponentFacts, bytes: Uint8Array, file?: string): ComponentPlan {
  // What a component needs from outside comes first: it is the likeliest reason it cannot run here.
  const imported = facts.imports.find((i) => i.sort !== 'type');
  if (imported !== undefined) {
    const what = imported.sort === 'func' ? 'a function' : imported.sort === 'core-module' ? 'a core module' : `a ${imported.sort}`;
    throw unsupported(`the component imports ${JSON.stringify(imported.name)} (${what}): components with imports are not run yet`, file);
  }
  if (facts.modules.length !== 1) throw unsupported(`the component holds ${facts.modules.length} core modules; run takes one`, file);
  if (facts.components.length > 1) throw unsupported('the component nests components', file, facts.components[1]?.offset ?? 0);
  if (facts.coreInstances.length !== 1) throw unsupported(`the component makes ${facts.coreInstances.length} core instances; run takes one (one module instantiated once)`, file, facts.coreInstances[1]?.offset ?? 0);
  if (facts.resources.length > 0) throw unsupported('the component defines resource types: resources are not run yet', file, facts.resources[0]?.offset ?? 0);
  const module = facts.modules[0] as ComponentFacts['modules'][number];

  const coreFuncs: CoreFunc[] = [];
  const coreMemories: CoreFunc[] = [];
  /** Core instances: the module index a `instantiate` made it from, or null (inline exports). */
  const coreInstances: (number | null)[] = [];
  let modules = 0;
  const funcs: Func[] = [];
  /** Component instances made of inline exports: name -> func index. */
  const instances: (Map<string, number> | null)[] = [];
  /** Top-level exports: name -> [sort, index]. */
  const exports: [string, number, number][] = [];

  const b = bytes;
  let pos = 8;
  const top = new Cursor(b, 8, b.length, file);
  // Bounded: every section consumes its bytes.
  while (pos < b.length) {
    top.pos = pos;
    const id = top.u8();
    const size = top.u32();
    const start = top.pos;
    const end = start + size;
    pos = end;
    const c = new Cursor(b, start, end, file);
    switch (id) {
      case 0: // custom
      case 3: // core types
      case 7: // types (the validator's arena has them)
        break;
      case 1:
        modules += 1;
        break;
      case 2: {
        const n = c.count();
        for (let i = 0; i < n; i++) {
          const tag = c.u8();
          if (tag === 0x00) {
            const m = c.u32();
            if (c.count() !== 0) throw unsupported('the core module is instantiated with imports: components with imports are not run yet', file, c.pos);
            coreInstances.push(m);
          } else {
            const k = c.count();
            for (let j = 0; j < k; j++) {
              c.name();
              c.u8();
              c.u32();
            }
            coreInstances.push(null);
          }
        }
        break;
      }
      case 4:
        throw unsupported('the component nests components', file, start);
      case 5: {
        const n = c.count();
        for (let i = 0; i < n; i++) {
          const tag = c.u8();
          if (tag === 0x00) throw unsupported('the component instantiates a component: nested components are not run yet', file, c.pos - 1);
          const k = c.count();
          const members = new Map<string, number>();
          for (let j = 0; j < k; j++) {
            const name = c.externName();
            const sort = c.sort();
            const idx = c.u32();
            if (sort === SORT_FUNC) members.set(name, idx);
          }
          instances.push(members);
        }
        break;
      }
      case 6: {
        const n = c.count();
        for (let i = 0; i < n; i++) {
          const sort = c.sort();
          const target = c.u8();
          let origin: CoreFunc = null;
          if (target === 0x02) {
            c.u32();
            c.u32();
          } else {
            const instance = c.u32();
            const name = c.name();
            if (target === 0x01) origin = { instance, name };
          }
          if (sort === CORE_FUNC) coreFuncs.push(origin);
          else if (sort === CORE_MEMORY) coreMemories.push(origin);
          else if (sort === SORT_FUNC) funcs.push(null);
          else if (sort === SORT_INSTANCE) instances.push(null);
        }
        break;
      }
      case 8: {
        const n = c.count();
        for (let i = 0; i < n; i++) {
          const kind = c.u8();
          if (kind !== 0x00) throw unsupported(`the component uses canon ${kind === 0x01 ? 'lower (of an import)' : 'built-ins (resources, async or threads)'}: only canon lift runs`, file, c.pos - 1);
          c.u8();
          const core = c.u32();
          const k = c.count();
          let encoding: StringEncoding = 'utf8';
          let memory: number | null = null;
          let realloc: number | null = null;
          let postReturn: number | null = null;
          for (let j = 0; j < k; j++) {
            const opt = c.u8();
            if (opt <= 0x02) encoding = ENCODINGS[opt] as StringEncoding;
            else if (opt === 0x03) memory = c.u32();
            else if (opt === 0x04) realloc = c.u32();
            else if (opt === 0x05) postReturn = c.u32();
            else throw unsupported(`canonical option ${opt} (async or callbacks): only synchronous lifts run`, file, c.pos - 1);
          }
          c.u32();
          funcs.push({ lift: { core, encoding, memory, realloc, postReturn } });
        }
        break;
      }
      case 10: {
        const n = c.count();
        for (let i = 0; i < n; i++) {
          const name = c.externName();
          externType(c, JSON.stringify(name));
        }
        break;
      }
      case 11: {
        const n = c.count();
        for (let i = 0; i < n; i++) {
          const name = c.externName();
          const sort = c.sort();
          const idx = c.u32();
          if (c.u8() === 0x01) externType(c, null);
          exports.push([name, sort, idx]);
          // An export is a new index that aliases what it exports.
          if (sort === SORT_FUNC) funcs.push({ same: idx });
          else if (sort === SORT_INSTANCE) instances.push(instances[idx] ?? null);
        }
        break;
      }
      default:
        throw unsupported(`section ${id} (start or values) is not run`, file, start - 1);
    }
  }
  if (modules !== 1 || coreInstances.length !== 1 || coreInstances[0] !== 0) {
    throw unsupported('the component is not one core module instantiated once', file);
  }

  const coreName = (idx: number | null, what: string, fn: string): string | null => {
    if (idx === null) return null;
    const origin = coreFuncs[idx];
    if (origin === undefined || origin === null || origin.instance !== 0) throw unsupported(`${fn}: its ${what} is not an export of the core instance`, file);
    return origin.name;
  };
  const liftOf = (idx: number): Lift | null => {
    let i = idx;
    // Bounded: an alias only points at an earlier index.
    for (let steps = 0; steps <= funcs.length; steps++) {
      const f = funcs[i];
      if (f === undefined || f === null) return null;
      if ('lift' in f) return f.lift;
      i = f.same;
    }
    return null;
  };

  const functions: PlanFunction[] = [];
  const refused: { name: string; reason: string }[] = [];
  const add = (name: string, funcIdx: number, typeId: number): void => {
    try {
      const lift = liftOf(funcIdx);
      if (lift === null) throw unsupported(`${name}: not lifted from the core instance`, file);
      const node = facts.arena.node(typeId);
      if (node.k !== 'func') throw unsupported(`${name}: not a function type`, file);
      const count = { count: 2 };
      const params = node.params.map(([n, t]) => [n, ctypeOf(facts.arena, t, `${name}: parameter ${n}`, file, count)] as const);
      const result = node.result === null ? null : ctypeOf(facts.arena, node.result, `${name}: result`, file, count);
      if (lift.memory !== null) {
        const mem = coreMemories[lift.memory];
        if (mem === undefined || mem === null || mem.instance !== 0) throw unsupported(`${name}: its memory is not the core instance's`, file);
      }
      functions.push({
        name,
        params,
        result,
        coreExport: coreName(lift.core, 'core function', name) as string,
        realloc: coreName(lift.realloc, 'realloc', name),
        postReturn: coreName(lift.postReturn, 'post-return', name),
        encoding: lift.encoding,
        paramsType: encodeTupleType(params.map(([, t]) => t)),
        resultType: encodeTupleType(result === null ? [] : [result]),
      });
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      refused.push({ name, reason: error.message });
    }
  };
  const exported = new Map(facts.exports.map((e) => [e.name, e]));
  for (const [name, sort, idx] of exports) {
    const fact = exported.get(name);
    if (fact === undefined) continue;
    if (sort === SORT_FUNC) add(name, idx, fact.id);
    else if (sort === SORT_INSTANCE) {
      const members = instances[idx];
      const type = facts.arena.node(fact.id);
      if (members === undefined || members === null || type.k !== 'instance') {
        refused.push({ name, reason: `${name}: an instance not made of the component's own functions` });
        continue;
      }
      for (const [member, ext] of type.exports as ReadonlyMap<string, Extern>) {
        const f = members.get(member);
        if (ext.sort === 'func' && f !== undefined) add(`${name}#${member}`, f, ext.id);
      }
    } else if (sort !== SORT_TYPE) refused.push({ name, reason: `${name}: exports of this sort are not run` });
  }
  return { coreModule: module.code, coreSha256: module.sha256, coreReport: module.report, functions, refused };
}

/** `name: func(a: s32, b: string) -> T`, as WIT writes a function (types spelled out). */
export function signatureOf(f: PlanFunction): string {
  const params = f.params.map(([n, t]) => `${n}: ${witOf(t)}`).join(', ');
  return `${f.name}: func(${params})${f.result === null ? '' : ` -> ${witOf(f.result)}`}`;
}
