/**
 * The type arena of the component validator. Every type a component defines gets an id; value and
 * function types are interned by structure, so type equality is id equality (resources are
 * nominal: each definition is a new id). Facts a check needs (borrows inside, resources and named
 * types referred to, canonical ABI size) are computed when a type is created from the facts of the
 * types it refers to, which were created before it: no check walks a type recursively.
 */

export type Sort = 'core-module' | 'func' | 'value' | 'type' | 'component' | 'instance';

/** A sort as the explainer's text format writes it. */
export const SORT_NAMES: Readonly<Record<Sort, string>> = {
  'core-module': 'module',
  func: 'func',
  value: 'value',
  type: 'type',
  component: 'component',
  instance: 'instance',
};

/** A value type: >= 0 an arena id, < 0 the negated primitive type byte (0x7f bool ... 0x73 string). */
export type ValType = number;

export interface Extern {
  readonly sort: Sort;
  /** Arena id (for values: a ValType). */
  readonly id: number;
}

export type CoreKind = 'func' | 'table' | 'memory' | 'global' | 'tag';

export interface CoreExtern {
  readonly kind: CoreKind;
  /** The core type as the module validator prints it: "(i32) -> i32", "pages [1, 2]", "mut i32". */
  readonly type: string;
}

export type TypeNode =
  | { readonly k: 'prim'; readonly p: number }
  | { readonly k: 'record'; readonly fields: readonly (readonly [string, ValType])[] }
  | { readonly k: 'variant'; readonly cases: readonly (readonly [string, ValType | null])[] }
  | { readonly k: 'list'; readonly t: ValType }
  | { readonly k: 'tuple'; readonly ts: readonly ValType[] }
  | { readonly k: 'flags'; readonly names: readonly string[] }
  | { readonly k: 'enum'; readonly names: readonly string[] }
  | { readonly k: 'option'; readonly t: ValType }
  | { readonly k: 'result'; readonly ok: ValType | null; readonly err: ValType | null }
  | { readonly k: 'own' | 'borrow'; readonly r: number }
  | { readonly k: 'func'; readonly params: readonly (readonly [string, ValType])[]; readonly result: ValType | null }
  | { readonly k: 'resource'; readonly rep: string | null; readonly dtor: number | null; readonly abstract: boolean; readonly scope: number }
  | { readonly k: 'instance'; readonly exports: ReadonlyMap<string, Extern> }
  | {
      readonly k: 'component';
      readonly imports: ReadonlyMap<string, Extern>;
      readonly exports: ReadonlyMap<string, Extern>;
      /** Resources the component defines (not imported): each instantiation makes new ones. */
      readonly defined: readonly number[];
    }
  | { readonly k: 'core-func'; readonly sig: string }
  | { readonly k: 'module'; readonly imports: readonly { module: string; name: string; ext: CoreExtern }[]; readonly exports: ReadonlyMap<string, CoreExtern> }
  | { readonly k: 'core-instance'; readonly exports: ReadonlyMap<string, CoreExtern> };

export interface TypeFacts {
  readonly borrows: boolean;
  /** Resource ids this type refers to, transitively. */
  readonly resources: readonly number[];
  /** Types that need a name (record, variant, enum, flags, resource) reached through unnamed wrappers. */
  readonly nominal: readonly number[];
  /** Canonical ABI size and alignment (bytes), for value types. */
  readonly size: number;
  readonly align: number;
  /** The canonical ABI's flattening (core value type bytes), cut at MAX_FLAT + 1 entries. */
  readonly flat: readonly number[];
  /** Holds a string or list: lifting or lowering it needs memory (and realloc one way). */
  readonly memory: boolean;
  /** 1 + the weight of every type it refers to: bounds the work any later check does on it. */
  readonly weight: number;
}

/** Heaviest type accepted (wasm-tools' limit on a type's effective size). */
export const MAX_TYPE_WEIGHT = 1_000_000;
/** Most resources (and, apart, named types) one type may reach: keeps each type's facts small. */
export const MAX_REACH = 1_000;
/** Most entries all types' reach lists may hold together: keeps a whole component's facts linear. */
export const MAX_FACT_ENTRIES = 4_000_000;

/** More flat values than the canonical ABI passes directly (16 params; any more spill to memory). */
export const MAX_FLAT = 16;

function joinFlat(a: number, b: number): number {
  if (a === b) return a;
  if ((a === 0x7f && b === 0x7d) || (a === 0x7d && b === 0x7f)) return 0x7f;
  return 0x7e;
}

const PRIM_SIZE: Record<number, number> = {
  0x7f: 1, 0x7e: 1, 0x7d: 1, 0x7c: 2, 0x7b: 2, 0x7a: 4, 0x79: 4, 0x78: 8, 0x77: 8, 0x76: 4, 0x75: 8, 0x74: 4, 0x73: 8,
};

export const PRIM_NAMES: Record<number, string> = {
  0x7f: 'bool', 0x7e: 's8', 0x7d: 'u8', 0x7c: 's16', 0x7b: 'u16', 0x7a: 's32', 0x79: 'u32', 0x78: 's64', 0x77: 'u64',
  0x76: 'f32', 0x75: 'f64', 0x74: 'char', 0x73: 'string',
};

function union(into: Set<number>, from: readonly number[]): void {
  for (const x of from) into.add(x);
}

function alignTo(offset: number, align: number): number {
  return Math.ceil(offset / align) * align;
}

function discriminantSize(cases: number): number {
  return cases <= 256 ? 1 : cases <= 65536 ? 2 : 4;
}

const NOMINAL = new Set(['record', 'variant', 'enum', 'flags', 'resource']);

export class TypeArena {
  readonly nodes: TypeNode[] = [];
  readonly facts: TypeFacts[] = [];
  private readonly interned = new Map<string, number>();
  /** The first type made heavier than MAX_TYPE_WEIGHT, for the validator to refuse. */
  overweight: number | null = null;
  /** Set when a type reaches more than MAX_REACH resources or named types, or all together more than MAX_FACT_ENTRIES. */
  overreach: string | null = null;
  private factEntries = 0;
  /** An exported or imported resource gets a new type index that is the same resource. */
  private readonly resourceAliases = new Map<number, number>();

  /** The resource a resource id stands for (itself unless it is an export's or import's alias). */
  canonicalResource(id: number): number {
    return this.resourceAliases.get(id) ?? id;
  }

  /**
   * A new identity for a type that an import or export names: the same type for every check
   * but equality of ids, so that uses of the unnamed original can be told from uses of the name.
   */
  rename(id: number): number {
    const node = this.node(id);
    if (node.k === 'resource') {
      const alias = this.addFresh(node);
      this.resourceAliases.set(alias, this.canonicalResource(id));
      this.renamedFrom.set(alias, id);
      return alias;
    }
    if (!this.isValueType(id)) return id;
    const copy = this.addFresh(node);
    this.renamedFrom.set(copy, id);
    return copy;
  }

  /** The type a renamed type is a new identity of (printers write `type x = y`). */
  readonly renamedFrom = new Map<number, number>();

  /** What a renamed type stands for: the resource or value type it was made from. */
  origin(id: number): number | null {
    return this.renamedFrom.get(id) ?? null;
  }

  private addFresh(node: TypeNode): number {
    const id = this.nodes.length;
    this.nodes.push(node);
    this.facts.push(this.computeFacts(node, id));
    return id;
  }

  node(id: number): TypeNode {
    return this.nodes[id] as TypeNode;
  }

  isValueType(id: number): boolean {
    const k = this.node(id).k;
    return k !== 'func' && k !== 'resource' && k !== 'instance' && k !== 'component' && k !== 'core-func' && k !== 'module' && k !== 'core-instance';
  }

  valFacts(t: ValType): TypeFacts {
    if (t < 0) {
      const size = PRIM_SIZE[-t] ?? 4;
      const flat = -t === 0x73 ? [0x7f, 0x7f] : -t === 0x78 || -t === 0x77 ? [0x7e] : -t === 0x76 ? [0x7d] : -t === 0x75 ? [0x7c] : [0x7f];
      return { borrows: false, resources: [], nominal: [], size, align: -t === 0x73 ? 4 : size, flat, memory: -t === 0x73, weight: 1 };
    }
    return this.facts[t] as TypeFacts;
  }

  /** The nominal types one must name to use `t`: `t` itself when it is nominal, else what it reaches. */
  reachNominal(t: ValType): readonly number[] {
    if (t < 0) return [];
    return NOMINAL.has(this.node(t).k) ? [t] : this.valFacts(t).nominal;
  }

  add(node: TypeNode): number {
    const key = this.keyOf(node);
    if (key !== null) {
      const existing = this.interned.get(key);
      if (existing !== undefined) return existing;
    }
    const id = this.nodes.length;
    this.nodes.push(node);
    const facts = this.computeFacts(node, id);
    this.facts.push(facts);
    if (facts.weight > MAX_TYPE_WEIGHT && this.overweight === null) this.overweight = id;
    if (key !== null) this.interned.set(key, id);
    return id;
  }

  private keyOf(node: TypeNode): string | null {
    switch (node.k) {
      case 'resource':
      case 'record':
      case 'variant':
      case 'enum':
      case 'flags':
      case 'instance':
      case 'component':
      case 'module':
      case 'core-instance':
        return null;
      default:
        return JSON.stringify(node);
    }
  }

  private computeFacts(node: TypeNode, id: number): TypeFacts {
    const resources = new Set<number>();
    const nominal = new Set<number>();
    let borrows = false;
    let memory = false;
    let flat: number[] = [];
    let weight = 1;
    const take = (t: ValType | null): void => {
      if (t === null) return;
      const f = this.valFacts(t);
      weight += f.weight;
      borrows ||= f.borrows;
      memory ||= f.memory;
      union(resources, f.resources);
      union(nominal, this.reachNominal(t));
    };
    const takeExtern = (e: Extern): void => {
      if (e.sort === 'value') take(e.id);
      else if (e.sort !== 'core-module') {
        const f = this.facts[e.id];
        if (f !== undefined) {
          union(resources, f.resources);
          weight += f.weight;
        }
        if (e.sort === 'type' && this.nodes[e.id]?.k === 'resource') resources.add(e.id);
      }
    };
    let size = 0;
    let align = 1;
    switch (node.k) {
      case 'prim': {
        const f = this.valFacts(-node.p);
        size = f.size;
        align = f.align;
        break;
      }
      case 'record':
      case 'tuple': {
        const members = node.k === 'record' ? node.fields.map((f) => f[1]) : node.ts;
        for (const t of members) {
          take(t);
          const f = this.valFacts(t);
          if (flat.length <= MAX_FLAT) flat.push(...f.flat);
          size = alignTo(size, f.align) + f.size;
          align = Math.max(align, f.align);
        }
        size = alignTo(size, align);
        break;
      }
      case 'variant':
      case 'option':
      case 'result': {
        const payloads =
          node.k === 'variant' ? node.cases.map((c) => c[1]) : node.k === 'option' ? [null, node.t] : [node.ok, node.err];
        const disc = discriminantSize(payloads.length);
        let payloadSize = 0;
        align = disc;
        const joined: number[] = [];
        for (const t of payloads) {
          take(t);
          if (t === null) continue;
          const f = this.valFacts(t);
          f.flat.forEach((v, i) => {
            joined[i] = joined[i] === undefined ? v : joinFlat(joined[i] as number, v);
          });
          payloadSize = Math.max(payloadSize, f.size);
          align = Math.max(align, f.align);
        }
        size = alignTo(alignTo(disc, align) + payloadSize, align);
        flat = [0x7f, ...joined];
        break;
      }
      case 'list':
        take(node.t);
        size = 8;
        align = 4;
        flat = [0x7f, 0x7f];
        memory = true;
        break;
      case 'flags':
        size = node.names.length <= 8 ? 1 : node.names.length <= 16 ? 2 : 4;
        align = size;
        flat = [0x7f];
        break;
      case 'enum':
        size = discriminantSize(node.names.length);
        align = size;
        flat = [0x7f];
        break;
      case 'own':
      case 'borrow':
        resources.add(node.r);
        nominal.add(node.r);
        borrows = node.k === 'borrow';
        size = 4;
        align = 4;
        flat = [0x7f];
        break;
      case 'func':
        for (const [, t] of node.params) take(t);
        take(node.result);
        break;
      case 'resource':
        resources.add(id);
        break;
      case 'instance':
        for (const e of node.exports.values()) takeExtern(e);
        break;
      case 'component':
        for (const e of node.imports.values()) takeExtern(e);
        for (const e of node.exports.values()) takeExtern(e);
        break;
      default:
        break;
    }
    if (node.k === 'prim') {
      const prim = this.valFacts(-node.p);
      flat = [...prim.flat];
      memory = prim.memory;
    }
    // Reach lists are copied into every type that refers to this one: past the caps the validator
    // refuses the component (checked after each step), and the lists stay cut meanwhile.
    if (resources.size > MAX_REACH || nominal.size > MAX_REACH) this.overreach ??= `a type refers to more than ${MAX_REACH} resources or named types`;
    this.factEntries += Math.min(resources.size, MAX_REACH) + Math.min(nominal.size, MAX_REACH);
    if (this.factEntries > MAX_FACT_ENTRIES) this.overreach ??= `the types refer to more than ${MAX_FACT_ENTRIES} resources and named types in all`;
    const cut = (set: Set<number>): number[] => [...set].slice(0, MAX_REACH);
    return { borrows, resources: cut(resources), nominal: cut(nominal), size, align, flat: flat.slice(0, MAX_FLAT + 1), memory, weight };
  }

  describe(t: ValType): string {
    if (t < 0) return PRIM_NAMES[-t] ?? 'unknown';
    return this.node(t).k;
  }
}
