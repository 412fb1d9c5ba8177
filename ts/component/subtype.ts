/**
 * Subtyping of component extern types (Explainer.md: instantiation arguments, export ascription,
 * imports) and substitution of resource types. Both run over a work queue instead of recursing:
 * instance and component types nest as deep as the input does.
 */
import { type Extern, SORT_NAMES, type TypeArena, type TypeNode, type ValType } from './types.js';

/** Resources bound while checking: an abstract resource of the expected side to the actual one. */
export type ResourceMap = Map<number, number>;

function sameResource(arena: TypeArena, map: ResourceMap, actual: number, expected: number): boolean {
  const a = arena.canonicalResource(actual);
  const e = arena.canonicalResource(expected);
  if (a === e) return true;
  const boundE = map.get(expected) ?? map.get(e);
  if (boundE !== undefined && arena.canonicalResource(boundE) === a) return true;
  const boundA = map.get(actual) ?? map.get(a);
  return boundA !== undefined && arena.canonicalResource(boundA) === e;
}

/** Table or memory limits `[min, max]` of `actual` within those of `expected` (core extern subtyping). */
export function limitsWithin(actual: string, expected: string): boolean {
  const parse = (text: string): { head: string; min: number; max: number | null } | null => {
    const m = /^(.*)\[(\d+)(?:, (\d+))?\]$/.exec(text);
    return m === null ? null : { head: m[1] as string, min: Number(m[2]), max: m[3] === undefined ? null : Number(m[3]) };
  };
  const a = parse(actual);
  const e = parse(expected);
  if (a === null || e === null) return actual === expected;
  if (a.head !== e.head || a.min < e.min) return false;
  return e.max === null || (a.max !== null && a.max <= e.max);
}

/** Most comparison and substitution steps one component may take: bounds adversarial repetition. */
export const MAX_CHECK_STEPS = 1_000_000;

export class Subtyper {
  /** Steps left; below zero the validator refuses the component (checked after each item). */
  stepsLeft = MAX_CHECK_STEPS;

  constructor(private readonly arena: TypeArena) {}

  get exhausted(): boolean {
    return this.stepsLeft < 0;
  }

  /** Why `actual` is not a subtype of `expected` (null when it is), binding resources into `map`. */
  externMismatch(actual: Extern, expected: Extern, map: ResourceMap): string | null {
    const queue: { a: Extern; e: Extern; what: string }[] = [{ a: actual, e: expected, what: '' }];
    const seen = new Set<string>();
    for (let i = 0; i < queue.length; i += 1) {
      const { a, e, what } = queue[i] as { a: Extern; e: Extern; what: string };
      this.stepsLeft -= 1;
      if (this.stepsLeft < 0) return null;
      const key = `${a.sort}:${a.id}:${e.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (a.sort !== e.sort) return `${what}expected ${SORT_NAMES[e.sort]}, found ${SORT_NAMES[a.sort]}`;
      if (a.sort === 'value') {
        if (!this.valEqual(a.id, e.id, map)) return `${what}type mismatch`;
        continue;
      }
      if (a.id === e.id) continue;
      const an = this.arena.node(a.id);
      const en = this.arena.node(e.id);
      if (e.sort === 'type') {
        if (en.k === 'resource') {
          if (an.k !== 'resource') return `${what}expected resource, found defined type`;
          if (en.abstract && !map.has(e.id) && this.arena.canonicalResource(e.id) === e.id) {
            map.set(e.id, a.id);
            continue;
          }
          if (!sameResource(this.arena, map, a.id, e.id)) return `${what}resource types are not the same`;
          continue;
        }
        if (an.k === 'resource') return `${what}expected defined type, found resource`;
        // The supplied type stands for the import from now on (Binary.md: instantiate).
        if (!map.has(e.id)) map.set(e.id, a.id);
        if (an.k === 'instance' || an.k === 'component' || an.k === 'module') {
          queue.push({ a: { sort: an.k === 'module' ? 'core-module' : an.k, id: a.id }, e: { sort: en.k === 'module' ? 'core-module' : (en.k as 'instance'), id: e.id }, what });
          continue;
        }
        if (!this.valEqual(a.id, e.id, map)) return `${what}type mismatch`;
        continue;
      }
      if (an.k === 'func' && en.k === 'func') {
        if (!this.valEqual(a.id, e.id, map)) return `${what}type mismatch in function`;
        continue;
      }
      if (an.k === 'instance' && en.k === 'instance') {
        for (const [name, ext] of en.exports) {
          const have = an.exports.get(name);
          if (have === undefined) return `${what}missing expected export \`${name}\``;
          queue.push({ a: have, e: ext, what: `type mismatch in instance export \`${name}\`: ` });
        }
        continue;
      }
      if (an.k === 'component' && en.k === 'component') {
        for (const [name, ext] of an.imports) {
          const have = en.imports.get(name);
          if (have === undefined) return `${what}missing expected import \`${name}\``;
          queue.push({ a: have, e: ext, what: `type mismatch in import \`${name}\`: ` });
        }
        for (const [name, ext] of en.exports) {
          const have = an.exports.get(name);
          if (have === undefined) return `${what}missing expected export \`${name}\``;
          queue.push({ a: have, e: ext, what: `type mismatch in export \`${name}\`: ` });
        }
        continue;
      }
      if (an.k === 'module' && en.k === 'module') {
        for (const imp of an.imports) {
          const have = en.imports.find((x) => x.module === imp.module && x.name === imp.name);
          if (have === undefined) return `${what}missing expected import \`${imp.module}::${imp.name}\``;
          if (have.ext.kind !== imp.ext.kind || !limitsWithin(have.ext.type, imp.ext.type)) return `${what}type mismatch in import \`${imp.module}::${imp.name}\``;
        }
        for (const [name, ext] of en.exports) {
          const have = an.exports.get(name);
          if (have === undefined) return `${what}missing expected export \`${name}\``;
          if (have.kind !== ext.kind || !limitsWithin(have.type, ext.type)) return `${what}type mismatch in export \`${name}\``;
        }
        continue;
      }
      return `${what}expected ${en.k}, found ${an.k}`;
    }
    return null;
  }

  /** Structural equality of value and function types with bound resources. */
  valEqual(actual: ValType, expected: ValType, map: ResourceMap): boolean {
    const pairs: [ValType | null, ValType | null][] = [[actual, expected]];
    // Types are DAGs: a pair compared once is equal or the whole answer is already false.
    const seen = new Set<string>();
    for (let i = 0; i < pairs.length; i += 1) {
      const [a, e] = pairs[i] as [ValType | null, ValType | null];
      if (a === e) continue;
      this.stepsLeft -= 1;
      if (this.stepsLeft < 0) return true;
      const key = `${a}:${e}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (a === null || e === null || a < 0 || e < 0) return false;
      const an = this.arena.node(a);
      const en = this.arena.node(e);
      if (an.k !== en.k) return false;
      if (!this.sameShape(an, en, map, pairs)) return false;
    }
    return true;
  }

  private sameShape(an: TypeNode, en: TypeNode, map: ResourceMap, pairs: [ValType | null, ValType | null][]): boolean {
    const both = <T>(list: readonly T[], other: readonly T[], each: (x: T, y: T) => boolean): boolean =>
      list.length === other.length && list.every((x, i) => each(x, other[i] as T));
    switch (an.k) {
      case 'record':
        return both(an.fields, (en as typeof an).fields, (x, y) => x[0] === y[0] && (pairs.push([x[1], y[1]]), true));
      case 'variant':
        return both(an.cases, (en as typeof an).cases, (x, y) => x[0] === y[0] && (pairs.push([x[1], y[1]]), (x[1] === null) === (y[1] === null)));
      case 'tuple':
        return both(an.ts, (en as typeof an).ts, (x, y) => (pairs.push([x, y]), true));
      case 'list':
      case 'option':
        pairs.push([an.t, (en as typeof an).t]);
        return true;
      case 'result': {
        const r = en as typeof an;
        if ((an.ok === null) !== (r.ok === null) || (an.err === null) !== (r.err === null)) return false;
        pairs.push([an.ok, r.ok], [an.err, r.err]);
        return true;
      }
      case 'flags':
      case 'enum':
        return both(an.names, (en as typeof an).names, (x, y) => x === y);
      case 'own':
      case 'borrow':
        return sameResource(this.arena, map, an.r, (en as typeof an).r);
      case 'func': {
        const f = en as typeof an;
        if ((an.result === null) !== (f.result === null)) return false;
        pairs.push([an.result, f.result]);
        return both(an.params, f.params, (x, y) => x[0] === y[0] && (pairs.push([x[1], y[1]]), true));
      }
      case 'prim':
        return an.p === (en as typeof an).p;
      default:
        return false;
    }
  }

  /**
   * `ext` with every resource in `map` replaced, rebuilding the types on the way (children before
   * parents: arena ids only ever refer to smaller ids).
   */
  substitute(ext: Extern, map: ResourceMap): Extern {
    if (map.size === 0 || ext.sort === 'core-module') return ext;
    const reach = new Set<number>();
    const stack: number[] = ext.sort === 'value' ? (ext.id >= 0 ? [ext.id] : []) : [ext.id];
    for (let guard = 0; stack.length > 0 && guard < 10_000_000; guard += 1) {
      const id = stack.pop() as number;
      if (id < 0 || reach.has(id)) continue;
      this.stepsLeft -= 1;
      reach.add(id);
      stack.push(...this.children(this.arena.node(id)));
    }
    const out = new Map<number, number>();
    const sub = (t: ValType | null): ValType | null => (t === null || t < 0 ? t : (out.get(t) ?? t));
    const subv = (t: ValType): ValType => sub(t) as ValType;
    const subx = (e: Extern): Extern => (e.sort === 'core-module' ? e : { sort: e.sort, id: e.sort === 'value' ? subv(e.id) : (out.get(e.id) ?? e.id) });
    for (const id of [...reach].sort((x, y) => x - y)) {
      const node = this.arena.node(id);
      const supplied = node.k === 'resource' ? undefined : map.get(id);
      if (supplied !== undefined) {
        out.set(id, supplied);
        continue;
      }
      if (node.k !== 'resource' && this.children(node).every((child) => (out.get(child) ?? child) === child)) {
        // Nothing below it changes: the type stays itself.
        out.set(id, id);
        continue;
      }
      this.stepsLeft -= 1;
      let next: number;
      switch (node.k) {
        case 'resource':
          next = map.get(id) ?? map.get(this.arena.canonicalResource(id)) ?? id;
          break;
        case 'own':
        case 'borrow':
          next = this.arena.add({ k: node.k, r: out.get(node.r) ?? node.r });
          break;
        case 'record':
          next = this.arena.add({ k: 'record', fields: node.fields.map(([n, t]) => [n, subv(t)] as const) });
          break;
        case 'variant':
          next = this.arena.add({ k: 'variant', cases: node.cases.map(([n, t]) => [n, sub(t)] as const) });
          break;
        case 'list':
        case 'option':
          next = this.arena.add({ k: node.k, t: subv(node.t) });
          break;
        case 'tuple':
          next = this.arena.add({ k: 'tuple', ts: node.ts.map(subv) });
          break;
        case 'result':
          next = this.arena.add({ k: 'result', ok: sub(node.ok), err: sub(node.err) });
          break;
        case 'func':
          next = this.arena.add({ k: 'func', params: node.params.map(([n, t]) => [n, subv(t)] as const), result: sub(node.result) });
          break;
        case 'instance':
          next = this.arena.add({ k: 'instance', exports: new Map([...node.exports].map(([n, e]) => [n, subx(e)])) });
          break;
        case 'component':
          next = this.arena.add({
            k: 'component',
            imports: new Map([...node.imports].map(([n, e]) => [n, subx(e)])),
            exports: new Map([...node.exports].map(([n, e]) => [n, subx(e)])),
            defined: node.defined.map((r) => map.get(r) ?? r),
          });
          break;
        default:
          next = id;
      }
      out.set(id, next);
    }
    return subx(ext);
  }

  private children(node: TypeNode): number[] {
    const ids: number[] = [];
    const ext = (e: Extern): void => {
      if (e.sort !== 'core-module' && e.id >= 0) ids.push(e.id);
    };
    switch (node.k) {
      case 'record':
        for (const [, t] of node.fields) ids.push(t);
        break;
      case 'variant':
        for (const [, t] of node.cases) if (t !== null) ids.push(t);
        break;
      case 'list':
      case 'option':
        ids.push(node.t);
        break;
      case 'tuple':
        ids.push(...node.ts);
        break;
      case 'result':
        if (node.ok !== null) ids.push(node.ok);
        if (node.err !== null) ids.push(node.err);
        break;
      case 'own':
      case 'borrow':
        ids.push(node.r);
        break;
      case 'func':
        for (const [, t] of node.params) ids.push(t);
        if (node.result !== null) ids.push(node.result);
        break;
      case 'instance':
        for (const e of node.exports.values()) ext(e);
        break;
      case 'component':
        for (const e of node.imports.values()) ext(e);
        for (const e of node.exports.values()) ext(e);
        break;
      default:
        break;
    }
    return ids.filter((id) => id >= 0);
  }
}
