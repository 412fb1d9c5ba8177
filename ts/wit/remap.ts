/**
 * Adding packages to a Resolve (wit-parser's Resolve::push and Remap): packages in dependency
 * order with the cycle check, each package's ids mapped to the Resolve's, references to other
 * packages connected, gated items left out, `include`s applied, worlds elaborated.
 */
import { cycleError, invalidError, WitError } from './errors.js';
import {
  type Func, type Interface, NO_DOCS, type Package, type PackageName, packageNameString, sameStability, type Stability, type Type, type TypeDef, UNKNOWN_STABILITY, type UnresolvedPackage, type World, type WorldEntry, type WorldItems, type WorldKey, worldKeyString, type IncludeName,
} from './model.js';
import { Cloner, copyFunc, copyKind, slotsOf } from './clone.js';
import type { Resolve } from './resolve.js';
import { compareVersions } from './semver.js';
import { NO_SPAN, type Span } from './source-map.js';

/** Adds packages (a main group and its dependencies) in dependency order; returns the main id. */
export function pushPackages(resolve: Resolve, main: UnresolvedPackage, all: readonly UnresolvedPackage[]): number {
  const byName = new Map<string, UnresolvedPackage>();
  for (const pkg of all) {
    const key = packageNameString(pkg.name);
    if (byName.has(key)) throw invalidError(pkg.packageNameSpan, `package \`${key}\` is defined in two different locations`);
    byName.set(key, pkg);
  }
  // wit-parser visits packages in name order (a BTreeMap), dependencies first.
  const names = [...byName.values()].sort((a, b) => comparePackageNames(a.name, b.name));
  const order: UnresolvedPackage[] = [];
  const done = new Set<string>();
  for (const start of names) {
    if (done.has(packageNameString(start.name))) continue;
    const visiting = new Set<string>();
    const stack: { pkg: UnresolvedPackage; deps: { key: string; span: Span }[]; i: number }[] = [];
    const push = (pkg: UnresolvedPackage): void => {
      const deps = [...pkg.foreignDeps.keys()].map((key, i) => ({ key, span: pkg.foreignDepSpans[i] ?? NO_SPAN }));
      stack.push({ pkg, deps, i: 0 });
    };
    push(start);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      if (frame === undefined) break;
      const dep = frame.deps[frame.i];
      if (dep !== undefined) {
        if (visiting.has(dep.key)) throw cycleErrorForPackage(dep.span, dep.key);
        const target = byName.get(dep.key);
        if (target !== undefined && !done.has(dep.key)) {
          visiting.add(dep.key);
          push(target);
          continue;
        }
        frame.i += 1;
        continue;
      }
      stack.pop();
      const key = packageNameString(frame.pkg.name);
      if (!done.has(key)) {
        done.add(key);
        order.push(frame.pkg);
      }
      const parent = stack[stack.length - 1];
      if (parent !== undefined) {
        const finished = parent.deps[parent.i];
        if (finished !== undefined) visiting.delete(finished.key);
        parent.i += 1;
      }
    }
  }
  let mainId = -1;
  for (const pkg of order) {
    const id = new Remap().append(resolve, pkg);
    if (pkg === main) mainId = id;
  }
  return mainId;
}

function cycleErrorForPackage(span: Span, key: string): WitError {
  const error = cycleError(span, 'package', key);
  return new WitError('WIT_CYCLE', `package \`${key}\` creates a dependency cycle`, error.span);
}

export function comparePackageNames(a: PackageName, b: PackageName): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.version === b.version) return 0;
  if (a.version === null) return -1;
  if (b.version === null) return 1;
  return compareVersions(a.version, b.version);
}

function renameTargets(original: string): string[] {
  const close = original.indexOf(']');
  if (close < 0) return [original];
  const rest = original.slice(close + 1);
  const dot = rest.indexOf('.');
  return [original, dot >= 0 ? rest.slice(0, dot) : rest];
}

function rename(original: string, include: IncludeName): string | null {
  if (original === include.name) return include.as;
  const close = original.indexOf(']');
  if (close < 0) return null;
  const kind = original.slice(0, close);
  const rest = original.slice(close + 1);
  const dot = rest.indexOf('.');
  if (dot >= 0 && rest.slice(0, dot) === include.name) return `${kind}]${include.as}.${rest.slice(dot + 1)}`;
  if (rest === include.name) return `${kind}]${include.as}`;
  return null;
}

/** Moves one UnresolvedPackage into a Resolve, mapping its ids to the Resolve's. */
class Remap {
  private readonly types: (number | null)[] = [];
  private readonly interfaces: (number | null)[] = [];
  private readonly worlds: (number | null)[] = [];
  private readonly ownHandles = new Map<number, number>();
  private readonly hasBorrow = new Map<number, boolean>();
  private readonly resourceCache = new Map<number, boolean>();

  private map(list: readonly (number | null)[], id: number, desc: string, span: Span): number {
    const mapped = list[id];
    if (mapped === undefined) throw invalidError(span, `internal: a ${desc} was used before it was added`);
    if (mapped === null) throw invalidError(span, `found a reference to a ${desc} which is excluded due to its feature not being activated`);
    return mapped;
  }

  mapType(id: number, span: Span): number {
    return this.map(this.types, id, 'type', span);
  }

  mapInterface(id: number, span: Span): number {
    return this.map(this.interfaces, id, 'interface', span);
  }

  mapWorld(id: number, span: Span): number {
    return this.map(this.worlds, id, 'world', span);
  }

  append(resolve: Resolve, unresolved: UnresolvedPackage): number {
    resolve.packages.push({ name: unresolved.name, docs: unresolved.docs, interfaces: new Map(), worlds: new Map() });
    const pkgId = resolve.packages.length - 1;
    resolve.packageNames.set(packageNameString(unresolved.name), pkgId);
    this.processForeignDeps(resolve, pkgId, unresolved);
    const foreignTypes = this.types.length;
    const foreignInterfaces = this.interfaces.length;
    const foreignWorlds = this.worlds.length;

    for (let id = foreignTypes; id < unresolved.types.length; id++) {
      const source = unresolved.types[id];
      if (source === undefined) continue;
      if (!resolve.includeStability(source.stability, pkgId, source.span)) {
        this.types.push(null);
        continue;
      }
      const ty: TypeDef = { ...source, kind: copyKind(source.kind) };
      this.updateTypeDef(resolve, ty, source.span);
      resolve.types.push(ty);
      let newId = resolve.types.length - 1;
      if (ty.name === null && ty.owner === null && ty.kind.tag === 'handle' && ty.kind.handle === 'own') {
        const existing = this.ownHandles.get(ty.kind.id);
        if (existing === undefined) this.ownHandles.set(ty.kind.id, newId);
        else newId = existing;
      }
      this.types.push(newId);
    }

    this.addItems(resolve, pkgId, unresolved.interfaces, foreignInterfaces, this.interfaces, resolve.interfaces, (source) => {
      const iface: Interface = { ...source, types: new Map(source.types), functions: new Map([...source.functions].map(([k, f]) => [k, copyFunc(f)])), package: pkgId };
      this.updateInterface(resolve, iface);
      return iface;
    });
    this.remapOwners(resolve, foreignTypes, 'interface');
    this.addItems(resolve, pkgId, unresolved.worlds, foreignWorlds, this.worlds, resolve.worlds, (source) => {
      const world: World = { ...source, imports: new Map(source.imports), exports: new Map(source.exports), includes: [...source.includes] };
      this.updateWorld(world, resolve, pkgId);
      return world;
    });
    this.remapOwners(resolve, foreignTypes, 'world');

    for (let id = foreignWorlds; id < this.worlds.length; id++) {
      const mapped = this.worlds[id];
      if (mapped === null || mapped === undefined) continue;
      this.processWorldIncludes(mapped, resolve, pkgId);
      resolve.elaborateWorld(mapped, resolve.worlds[mapped]?.span ?? NO_SPAN);
    }

    // Parent links last, once everything has its final id.
    const pkg = resolve.packages[pkgId];
    const own = <T extends { package: number | null; name: string | null }>(ids: readonly (number | null)[], from: number, arena: readonly T[], names: Map<string, number> | undefined): void => {
      for (let id = from; id < ids.length; id++) {
        const mapped = ids[id];
        const item = mapped === null || mapped === undefined ? undefined : arena[mapped];
        if (item === undefined || mapped === null || mapped === undefined) continue;
        item.package = pkgId;
        if (item.name !== null) names?.set(item.name, mapped);
      }
    };
    own(this.interfaces, foreignInterfaces, resolve.interfaces, pkg?.interfaces);
    own(this.worlds, foreignWorlds, resolve.worlds, pkg?.worlds);
    return pkgId;
  }

  /** Moves the package's own interfaces or worlds into the Resolve, leaving gated-off ones out. */
  private addItems<T extends { readonly stability: Stability; readonly span: Span }>(
    resolve: Resolve,
    pkgId: number,
    sources: readonly T[],
    from: number,
    ids: (number | null)[],
    arena: T[],
    prepare: (source: T) => T,
  ): void {
    for (let id = from; id < sources.length; id++) {
      const source = sources[id];
      if (source === undefined) continue;
      if (!resolve.includeStability(source.stability, pkgId, source.span)) {
        ids.push(null);
        continue;
      }
      arena.push(prepare(source));
      ids.push(arena.length - 1);
    }
  }

  /** Points the package's types at their owners' new ids; an owner gated off is an error. */
  private remapOwners(resolve: Resolve, from: number, which: 'interface' | 'world'): void {
    for (let id = from; id < this.types.length; id++) {
      const mapped = this.types[id];
      const ty = mapped === null || mapped === undefined ? undefined : resolve.types[mapped];
      const owner = ty?.owner;
      if (ty === undefined || owner === null || owner === undefined || !(which in owner)) continue;
      try {
        ty.owner = 'interface' in owner ? { interface: this.mapInterface(owner.interface, ty.span) } : { world: this.mapWorld(owner.world, ty.span) };
      } catch (error) {
        if (error instanceof WitError) throw invalidError(ty.span, `${error.message}; this type is not gated by a feature but its ${which} is`);
        throw error;
      }
    }
  }

  private processForeignDeps(resolve: Resolve, pkgId: number, unresolved: UnresolvedPackage): void {
    const interfaceTo = new Map<number, { pkg: PackageName; name: string; span: Span; stabilities: Stability[] }>();
    const worldTo = new Map<number, { pkg: PackageName; name: string; span: Span; stabilities: Stability[] }>();
    let i = 0;
    for (const dep of unresolved.foreignDeps.values()) {
      const span = unresolved.foreignDepSpans[i] ?? NO_SPAN;
      i += 1;
      for (const [name, entry] of dep.items) {
        const target = { pkg: dep.name, name, span, stabilities: entry.stabilities };
        if ('interface' in entry.item) interfaceTo.set(entry.item.interface, target);
        else worldTo.set(entry.item.world, target);
      }
    }
    const packageOf = (name: PackageName, span: Span): Package => {
      const key = packageNameString(name);
      const id = resolve.packageNames.get(key);
      const pkg = id === undefined ? undefined : resolve.packages[id];
      if (pkg === undefined) {
        const known = [...resolve.packageNames.keys()];
        throw new WitError('WIT_UNDEFINED', known.length === 0 ? `package '${key}' not found` : `package '${key}' not found. known packages:${known.map((k) => `\n    ${k}`).join('')}`, span);
      }
      return pkg;
    };
    // Foreign interfaces and worlds come first in their arenas: connect each to its package's.
    const connect = (what: 'interface' | 'world', targets: typeof interfaceTo, sources: readonly { readonly span: Span }[], ids: (number | null)[]): void => {
      for (let id = 0; id < sources.length; id++) {
        const target = targets.get(id);
        if (target === undefined) break;
        const pkg = packageOf(target.pkg, target.span);
        const span = sources[id]?.span ?? NO_SPAN;
        if (!target.stabilities.some((s) => resolve.includeStability(s, pkgId, span))) {
          ids.push(null);
          continue;
        }
        const found = (what === 'interface' ? pkg.interfaces : pkg.worlds).get(target.name);
        if (found === undefined) throw new WitError('WIT_UNDEFINED', `${what} '${target.name}' not found in package '${packageNameString(pkg.name)}'`, span);
        ids.push(found);
      }
    };
    connect('interface', interfaceTo, unresolved.interfaces, this.interfaces);
    connect('world', worldTo, unresolved.worlds, this.worlds);
    for (let id = 0; id < unresolved.types.length; id++) {
      const ty = unresolved.types[id];
      if (ty === undefined || ty.kind.tag !== 'unknown') break;
      if (!resolve.includeStability(ty.stability, pkgId, ty.span)) {
        this.types.push(null);
        continue;
      }
      const owner = ty.owner !== null && 'interface' in ty.owner ? ty.owner.interface : -1;
      const iface = this.mapInterface(owner, NO_SPAN);
      const name = ty.name ?? '';
      const found = resolve.interfaces[iface]?.types.get(name);
      if (found === undefined) throw invalidError(unresolved.unknownTypeSpans[id] ?? ty.span, `type \`${name}\` not defined in interface`);
      this.types.push(found);
    }
    for (const required of unresolved.requiredResourceTypes) {
      const mapped = this.types[required.id];
      if (mapped === null || mapped === undefined) continue;
      let cur = mapped;
      for (let steps = 0; steps <= resolve.types.length; steps++) {
        const kind = resolve.types[cur]?.kind;
        if (kind?.tag === 'type' && typeof kind.ty === 'number') {
          cur = kind.ty;
          continue;
        }
        if (kind?.tag === 'resource') break;
        throw invalidError(required.span, 'type used in a handle must be a resource');
      }
    }
  }

  private updateTypeDef(resolve: Resolve, ty: TypeDef, span: Span): void {
    const kind = ty.kind;
    switch (kind.tag) {
      case 'handle':
        kind.id = this.mapType(kind.id, span);
        return;
      case 'type':
        if (typeof kind.ty === 'number') kind.ty = this.mapType(kind.ty, span);
        return;
      case 'record':
        for (const field of kind.fields) field.ty = this.updateTy(resolve, field.ty, field.span);
        return;
      default:
        for (const slot of slotsOf(kind)) {
          const value = slot.get();
          if (typeof value === 'number') slot.set(this.updateTy(resolve, value, span) as number);
        }
    }
  }

  private updateTy(resolve: Resolve, ty: Type, span: Span): Type {
    if (typeof ty !== 'number') return ty;
    const id = this.mapType(ty, span);
    if (!this.isResource(resolve, id)) return id;
    const existing = this.ownHandles.get(id);
    if (existing !== undefined) return existing;
    resolve.types.push({ name: null, owner: null, kind: { tag: 'handle', handle: 'own', id }, docs: NO_DOCS, stability: UNKNOWN_STABILITY, span: NO_SPAN, externalId: null });
    const handle = resolve.types.length - 1;
    this.ownHandles.set(id, handle);
    return handle;
  }

  /** Whether a type is a resource or an alias chain ending in one; chains are walked once. */
  private isResource(resolve: Resolve, id: number): boolean {
    const chain: number[] = [];
    let cur = id;
    let answer: boolean | undefined;
    for (;;) {
      answer = this.resourceCache.get(cur);
      if (answer !== undefined) break;
      const kind = resolve.types[cur]?.kind;
      chain.push(cur);
      if (kind?.tag === 'type' && typeof kind.ty === 'number' && chain.length <= resolve.types.length) {
        cur = kind.ty;
        continue;
      }
      answer = kind?.tag === 'resource';
      break;
    }
    for (const visited of chain) this.resourceCache.set(visited, answer);
    return answer;
  }

  private updateInterface(resolve: Resolve, iface: Interface): void {
    const pkg = iface.package ?? -1;
    const types = new Map<string, number>();
    for (const [name, id] of iface.types) {
      if (this.types[id] === null) continue;
      types.set(name, this.mapType(id, iface.span));
    }
    iface.types = types;
    const functions = new Map<string, Func>();
    for (const [name, func] of iface.functions) {
      if (!resolve.includeStability(func.stability, pkg, func.span)) continue;
      this.updateFunction(resolve, func, func.span);
      functions.set(name, func);
    }
    iface.functions = functions;
  }

  private updateFunction(resolve: Resolve, func: Func, span: Span): void {
    if ('resource' in func.kind) func.kind.resource = this.mapType(func.kind.resource, span);
    for (const param of func.params) param.ty = this.updateTy(resolve, param.ty, span);
    if (func.result !== null) func.result = this.updateTy(resolve, func.result, span);
    if (func.result !== null && this.typeHasBorrow(resolve, func.result)) {
      throw invalidError(span, `function \`${func.name}\` returns a type which contains a \`borrow<T>\` which is not supported`);
    }
  }

  private typeHasBorrow(resolve: Resolve, root: Type): boolean {
    if (typeof root !== 'number') return false;
    const stack: { id: number; children: number[]; i: number; found: boolean }[] = [];
    const childrenOf = (id: number): number[] => {
      const def = resolve.types[id];
      if (def === undefined) return [];
      const ids: number[] = [];
      if (def.kind.tag === 'type' && typeof def.kind.ty === 'number') ids.push(def.kind.ty);
      else if (def.kind.tag !== 'handle') for (const slot of slotsOf(def.kind)) {
        const v = slot.get();
        if (typeof v === 'number') ids.push(v);
      }
      return ids;
    };
    const own = (id: number): boolean | null => {
      const kind = resolve.types[id]?.kind;
      if (kind?.tag === 'handle') return kind.handle === 'borrow';
      return this.hasBorrow.get(id) ?? null;
    };
    const known = own(root);
    if (known !== null) return known;
    stack.push({ id: root, children: childrenOf(root), i: 0, found: false });
    let last = false;
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (top === undefined) break;
      const child = top.found ? undefined : top.children[top.i];
      if (child !== undefined) {
        top.i += 1;
        const value = own(child);
        if (value === true) top.found = true;
        if (value === null) stack.push({ id: child, children: childrenOf(child), i: 0, found: false });
        continue;
      }
      stack.pop();
      this.hasBorrow.set(top.id, top.found);
      last = top.found;
      const parent = stack[stack.length - 1];
      if (parent !== undefined && top.found) parent.found = true;
    }
    return last;
  }

  private updateWorld(world: World, resolve: Resolve, pkgId: number): void {
    const entries: [WorldEntry, boolean][] = [
      ...[...world.imports.values()].map((e): [WorldEntry, boolean] => [e, true]),
      ...[...world.exports.values()].map((e): [WorldEntry, boolean] => [e, false]),
    ];
    world.imports = new Map();
    world.exports = new Map();
    for (const [entry, isImport] of entries) {
      let item = entry.item;
      const span = item.tag === 'function' ? item.func.span : item.span;
      if (item.tag === 'type') item = { ...item, id: this.mapType(item.id, span) };
      if (!resolve.includeStability(resolve.worldItemStability(item), pkgId, span)) continue;
      const key: WorldKey = 'interface' in entry.key ? { interface: this.mapInterface(entry.key.interface, span) } : entry.key;
      if (item.tag === 'interface') {
        item = { ...item, id: this.mapInterface(item.id, span) };
      } else if (item.tag === 'function') {
        const func = copyFunc(item.func);
        this.updateFunction(resolve, func, span);
        item = { tag: 'function', func };
      }
      (isImport ? world.imports : world.exports).set(worldKeyString(key), { key, item });
    }
  }

  private processWorldIncludes(id: number, resolve: Resolve, pkgId: number): void {
    const world = resolve.worlds[id];
    if (world === undefined) return;
    const includes = world.includes;
    world.includes = [];
    for (const include of includes) {
      if (!resolve.includeStability(include.stability, pkgId, include.span)) continue;
      this.resolveInclude(id, include.id, include.names, include.span, pkgId, resolve);
    }
    for (const [items, what] of [[world.imports, 'import'], [world.exports, 'export']] as const) {
      const seen = new Map<string, string>();
      for (const { key } of items.values()) {
        if (!('name' in key)) continue;
        const lower = key.name.toLowerCase();
        const existing = seen.get(lower);
        if (existing !== undefined && existing !== key.name) {
          throw invalidError(NO_SPAN, `${what} \`${key.name}\` in world \`${world.name}\` conflicts with ${what} \`${existing}\` (kebab-case identifiers are case-insensitive)`);
        }
        seen.set(lower, key.name);
      }
    }
  }

  private resolveInclude(id: number, includeOrig: number, names: readonly IncludeName[], span: Span, pkgId: number, resolve: Resolve): void {
    const world = resolve.worlds[id];
    const includeId = this.mapWorld(includeOrig, span);
    const included = resolve.worlds[includeId];
    if (world === undefined || included === undefined) return;
    const external = world.package !== included.package;
    // `with { a as b }` names: looked up by the names a key could match, so the work is linear.
    const byName = new Map<string, number[]>();
    names.forEach((n, i) => {
      const list = byName.get(n.name);
      if (list === undefined) byName.set(n.name, [i]);
      else list.push(i);
    });
    const candidates = (key: string): number[] => [...new Set(renameTargets(key).flatMap((t) => byName.get(t) ?? []))].sort((a, b) => a - b);
    const used = new Set<number>();
    for (const { key } of [...included.imports.values(), ...included.exports.values()]) {
      if ('name' in key) for (const i of candidates(key.name)) if (rename(key.name, names[i] ?? { name: '', as: '' }) !== null) used.add(i);
    }
    const first = names.find((_, i) => !used.has(i));
    if (first !== undefined) throw invalidError(span, `no import or export kebab-name \`${first.name}\`. Note that an ID does not support renaming`);
    const cloner = new Cloner(resolve, new Map(), { world: includeId }, { world: id }, pkgId);
    const copy = (entries: readonly WorldEntry[], into: WorldItems, what: string): void => {
      for (const entry of entries) {
        if ('name' in entry.key) {
          let n = entry.key.name;
          for (const i of candidates(n)) {
            const renamed = rename(n, names[i] ?? { name: '', as: '' });
            if (renamed !== null) {
              n = renamed;
              break;
            }
          }
          const key: WorldKey = { name: n };
          let item = cloner.worldItem(key, entry.item);
          if (item.tag === 'function') item = { tag: 'function', func: { ...item.func, name: n } };
          else if (item.tag === 'type') {
            const ty = resolve.types[item.id];
            if (ty !== undefined) ty.name = n;
          }
          const k = worldKeyString(key);
          if (into.has(k)) throw invalidError(span, `${what} of \`${n}\` shadows previously ${what}ed items`);
          into.set(k, { key, item });
          continue;
        }
        const k = worldKeyString(entry.key);
        let existing = into.get(k);
        if (existing === undefined) {
          // wit-parser inserts the item, then merges it with itself: an external `@since` is dropped.
          existing = { key: entry.key, item: entry.item };
          into.set(k, existing);
        }
        if (entry.item.tag !== 'interface' || existing.item.tag !== 'interface') continue;
        const from = entry.item.stability;
        if (external && from.kind === 'stable') {
          existing.item = { ...existing.item, stability: UNKNOWN_STABILITY };
          continue;
        }
        const into2 = existing.item.stability;
        if (sameStability(from, into2) || from.kind === 'unknown') continue;
        if (into2.kind === 'unknown') {
          existing.item = { ...existing.item, stability: from };
          continue;
        }
        throw invalidError(entry.item.span, `mismatch in stability from '${JSON.stringify(from)}' to '${JSON.stringify(into2)}'`);
      }
    };
    copy([...included.imports.values()], world.imports, 'import');
    copy([...included.exports.values()], world.exports, 'export');
  }
}
