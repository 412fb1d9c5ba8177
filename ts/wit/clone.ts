/**
 * Copies of resolved items: type definitions and functions with their type ids rewritten, and
 * the Cloner that copies a world's own types (and anonymous interfaces) into another world for
 * `include` (wit-parser's resolve/clone.rs), with an explicit stack.
 */
import { invalidError } from './errors.js';
import {
  type Func, sameOwner, type Type, type TypeDef, type TypeDefKind, type TypeOwner, type WorldItem, type WorldKey,
} from './model.js';
import type { Resolve } from './resolve.js';
import { NO_SPAN } from './source-map.js';

export function copyKind(kind: TypeDefKind): TypeDefKind {
  switch (kind.tag) {
    case 'record':
      return { tag: 'record', fields: kind.fields.map((f) => ({ ...f })) };
    case 'tuple':
      return { tag: 'tuple', types: [...kind.types] };
    case 'variant':
      return { tag: 'variant', cases: kind.cases.map((c) => ({ ...c })) };
    default:
      return { ...kind };
  }
}

export function copyFunc(func: Func): Func {
  return { ...func, kind: { ...func.kind }, params: func.params.map((p) => ({ ...p })) };
}

/** A place in a type or function that holds a type id, for walks that rewrite ids. */
export interface TypeSlot {
  get(): Type | null;
  set(id: number): void;
  /** `type a = b`: b is rewritten only when it is owned like a (wit-parser's Cloner rule). */
  readonly alias: boolean;
}

export function slotsOf(kind: TypeDefKind): TypeSlot[] {
  const slot = (get: () => Type | null, set: (id: number) => void, alias = false): TypeSlot => ({ get, set, alias });
  switch (kind.tag) {
    case 'type':
      return [slot(() => kind.ty, (id) => void (kind.ty = id), true)];
    case 'handle':
      return [slot(() => kind.id, (id) => void (kind.id = id))];
    case 'option':
    case 'list':
    case 'fixed-length-list':
      return [slot(() => kind.ty, (id) => void (kind.ty = id))];
    case 'future':
    case 'stream':
      return [slot(() => kind.ty, (id) => void (kind.ty = id))];
    case 'map':
      return [slot(() => kind.key, (id) => void (kind.key = id)), slot(() => kind.value, (id) => void (kind.value = id))];
    case 'tuple':
      return kind.types.map((_, i) => slot(() => kind.types[i] ?? null, (id) => void (kind.types[i] = id)));
    case 'record':
      return kind.fields.map((f) => slot(() => f.ty, (id) => void (f.ty = id)));
    case 'variant':
      return kind.cases.map((c) => slot(() => c.ty, (id) => void (c.ty = id)));
    case 'result':
      return [slot(() => kind.ok, (id) => void (kind.ok = id)), slot(() => kind.err, (id) => void (kind.err = id))];
    default:
      return [];
  }
}

/** Copies world-owned types (and anonymous interfaces) into another world, for `include`. */
export class Cloner {
  constructor(
    private readonly resolve: Resolve,
    private readonly types: Map<number, number>,
    private readonly prevOwner: TypeOwner,
    private readonly newOwner: TypeOwner,
    private readonly newPackage: number | null,
  ) {}

  worldItem(key: WorldKey, item: WorldItem): WorldItem {
    if (!('name' in key)) return item;
    if (item.tag === 'type') return { ...item, id: this.typeId(item.id) };
    if (item.tag === 'function') return { tag: 'function', func: this.func(copyFunc(item.func)) };
    if (this.resolve.interfaces[item.id]?.name !== null) return item;
    return { ...item, id: this.interface(item.id) };
  }

  typeId(root: number): number {
    const known = this.types.get(root);
    if (known !== undefined) return known;
    interface Frame {
      readonly orig: number;
      readonly def: TypeDef;
      readonly slots: TypeSlot[];
      i: number;
      waiting: TypeSlot | null;
    }
    const frame = (orig: number): Frame => {
      const source = this.resolve.types[orig];
      if (source === undefined) throw invalidError(NO_SPAN, `internal: type ${orig} does not exist`);
      const def: TypeDef = { ...source, kind: copyKind(source.kind), owner: source.owner === null ? null : this.newOwner };
      return { orig, def, slots: slotsOf(def.kind), i: 0, waiting: null };
    };
    const stack: Frame[] = [frame(root)];
    let result = root;
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top === undefined) break;
      const slot = top.slots[top.i];
      if (slot !== undefined) {
        top.i += 1;
        const target = slot.get();
        if (typeof target !== 'number') continue;
        const mapped = this.types.get(target);
        if (mapped !== undefined) {
          slot.set(mapped);
          continue;
        }
        if (slot.alias && !sameOwner(this.resolve.types[target]?.owner ?? null, this.prevOwner)) continue;
        top.waiting = slot;
        stack.push(frame(target));
        continue;
      }
      stack.pop();
      this.resolve.types.push(top.def);
      const id = this.resolve.types.length - 1;
      this.types.set(top.orig, id);
      const parent = stack[stack.length - 1];
      if (parent === undefined) result = id;
      else parent.waiting?.set(id);
    }
    return result;
  }

  func(func: Func): Func {
    const kind = func.kind;
    const newKind = 'resource' in kind ? { ...kind, resource: this.typeId(kind.resource) } : kind;
    return {
      ...func,
      kind: newKind,
      params: func.params.map((p) => ({ ...p, ty: typeof p.ty === 'number' ? this.typeId(p.ty) : p.ty })),
      result: typeof func.result === 'number' ? this.typeId(func.result) : func.result,
    };
  }

  interface(old: number): number {
    const source = this.resolve.interfaces[old];
    if (source === undefined) return old;
    const next = this.resolve.interfaces.length;
    const inner = new Cloner(this.resolve, this.types, { interface: old }, { interface: next }, null);
    const types = new Map([...source.types].map(([name, id]) => [name, inner.typeId(id)]));
    const functions = new Map([...source.functions].map(([name, f]) => [name, inner.func(copyFunc(f))]));
    let pkg = this.newPackage;
    if (pkg === null && this.newOwner !== null) {
      pkg = 'interface' in this.newOwner ? (this.resolve.interfaces[this.newOwner.interface]?.package ?? null) : (this.resolve.worlds[this.newOwner.world]?.package ?? null);
    }
    this.resolve.interfaces.push({ ...source, types, functions, package: pkg, cloneOf: old });
    return next;
  }
}

/** The include names `rename` could match for a key: itself, and the resource of `[kind]res.f`. */
