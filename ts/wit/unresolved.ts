/**
 * One package's files to an UnresolvedPackage (wit-parser's ast/resolve.rs): names resolved inside
 * the package, interfaces and worlds ordered by their `use`s, types ordered by their references,
 * anonymous types interned, and every reference to another package left as a placeholder that
 * the Resolve connects. Walks over types keep explicit stacks.
 */
import {
  type AstItem, type Attribute, type Docs as AstDocs, type ExternKind, type FuncAst, type Id, type IncludeAst, type InterfaceItem,
  type PackageFile, type ResourceFunc, type TypeAst, typeChildren, type TypeDefAst, type UseAst, type UsePath,
  type WorldAst, type NamedFunc,
} from './ast.js';
import { invalidError, limitError, syntaxError, undefinedError } from './errors.js';
import {
  type AstItemRef, type Docs, type Func, type FunctionKind, type Interface, NO_DOCS, type PackageName, type Param,
  packageNameString, type Stability, type Type, type TypeDef, type TypeDefKind, type TypeOwner, UNKNOWN_STABILITY,
  type UnresolvedPackage, type World, type WorldItem, type WorldKey, worldKeyString,
} from './model.js';
import { NO_SPAN, type Span } from './source-map.js';
import { toposort } from './toposort.js';
import { collectDeps, convertDocs, externalIdOf, externSpan, forEachPath, packageNameOf, stabilityOf, usePathName } from './ast-facts.js';

/** The per-package bounds the resolver checks (the rest are the parser's). */
export interface PackageLimits {
  readonly maxWorlds: number;
  readonly maxInterfaces: number;
  readonly maxFunctionsPerInterface: number;
  readonly maxTypesPerInterface: number;
}

type TypeOrItem = { readonly type: number } | { readonly item: 'function' };
/** What defines names in an interface or world body, before its functions. */
type TypeItem = { readonly kind: 'use'; readonly value: UseAst } | { readonly kind: 'typedef'; readonly value: TypeDefAst };
interface Named {
  readonly what: TypeOrItem;
  readonly span: Span;
}

const MAP_KEYS: ReadonlySet<Type> = new Set(['bool', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'char', 'string']);

function oldFloatHint(name: string): string | undefined {
  const renamed = name === 'float32' ? 'f32' : name === 'float64' ? 'f64' : undefined;
  if (renamed === undefined) return undefined;
  return `the \`${name}\` type has been renamed to \`${renamed}\` and is no longer accepted, but the \`WIT_REQUIRE_F32_F64=0\` environment variable can be used to temporarily disable this error`;
}

/** Builds one package from its files (nested `package … { }` blocks are built separately). */
export class PackageResolver {
  private packageName: { name: PackageName; span: Span } | null = null;
  private packageDocs: Docs = NO_DOCS;
  private readonly declLists: (readonly AstItem[])[] = [];
  private readonly types: TypeDef[] = [];
  private readonly interfaces: Interface[] = [];
  private readonly worlds: World[] = [];
  private readonly anonTypes = new Map<string, number>();
  private cur = 0;
  private readonly astItems: Map<string, AstItemRef>[] = [];
  private readonly packageItems = new Map<string, AstItemRef>();
  private readonly interfaceTypes: Map<string, Named>[] = [];
  private readonly foreignDeps: UnresolvedPackage['foreignDeps'] = new Map();
  private readonly foreignInterfaces = new Set<number>();
  private typeLookup = new Map<string, Named>();
  private readonly unknownTypeSpans: Span[] = [];
  private readonly foreignDepSpans: Span[] = [];
  private readonly requiredResourceTypes: { id: number; span: Span }[] = [];

  constructor(private readonly limits: PackageLimits) {}

  push(file: PackageFile): void {
    const id = file.packageId;
    if (id !== null) {
      const name = packageNameOf(id);
      const previous = this.packageName;
      if (previous !== null && packageNameString(previous.name) !== packageNameString(name)) {
        throw syntaxError(id.span, `package identifier \`${packageNameString(name)}\` does not match previous package name of \`${packageNameString(previous.name)}\``);
      }
      this.packageName = { name, span: id.span };
      const docs = convertDocs(id.docs);
      if (docs.contents !== null) {
        if (this.packageDocs.contents !== null) throw syntaxError({ start: id.docs.start, end: id.docs.start + 1 }, "found doc comments on multiple 'package' items");
        this.packageDocs = docs;
      }
    }
    for (const item of file.items) {
      if (item.kind === 'package') throw syntaxError(item.value.packageId?.span ?? NO_SPAN, 'nested packages must be placed at the top-level');
    }
    this.declLists.push(file.items);
  }

  resolve(): UnresolvedPackage {
    const header = this.packageName;
    if (header === null) throw syntaxError(NO_SPAN, 'no `package` header was found in any WIT file for this package');
    this.populateForeignDeps();
    const { interfaceOrder, worldOrder } = this.populateAstItems();
    this.populateForeignTypes();
    const interfaceAsts = new Map<number, { ast: { items: readonly InterfaceItem[]; docs: AstDocs; attributes: readonly Attribute[] }; file: number }>();
    const worldAsts = new Map<number, { ast: WorldAst; file: number }>();
    this.declLists.forEach((items, file) => {
      for (const item of items) {
        const ref = item.kind === 'interface' || item.kind === 'world' ? this.astItems[file]?.get(item.value.name.name) : undefined;
        if (item.kind === 'interface' && ref !== undefined && 'interface' in ref) interfaceAsts.set(ref.interface, { ast: item.value, file });
        if (item.kind === 'world' && ref !== undefined && 'world' in ref) worldAsts.set(ref.world, { ast: item.value, file });
      }
    });
    for (const id of interfaceOrder) {
      const entry = interfaceAsts.get(id);
      if (entry === undefined) continue;
      this.cur = entry.file;
      this.resolveInterface(id, entry.ast.items, entry.ast.docs, entry.ast.attributes);
    }
    for (const id of worldOrder) {
      const entry = worldAsts.get(id);
      if (entry === undefined) continue;
      this.cur = entry.file;
      this.resolveWorld(id, entry.ast);
    }
    return {
      name: header.name,
      packageNameSpan: header.span,
      docs: this.packageDocs,
      worlds: this.worlds,
      interfaces: this.interfaces,
      types: this.types,
      foreignDeps: this.foreignDeps,
      unknownTypeSpans: this.unknownTypeSpans,
      foreignDepSpans: this.foreignDepSpans,
      requiredResourceTypes: this.requiredResourceTypes,
    };
  }

  // ---- package structure ----------------------------------------------------------------------

  private populateForeignDeps(): void {
    for (const items of this.declLists) {
      forEachPath(items, (_owner, attributes, path, _names, kind) => {
        if (path.kind !== 'package') return;
        const stability = stabilityOf(attributes);
        const pkgName = packageNameOf(path.pkg);
        const key = packageNameString(pkgName);
        let deps = this.foreignDeps.get(key);
        if (deps === undefined) {
          this.foreignDepSpans.push(path.pkg.span);
          deps = { name: pkgName, items: new Map() };
          this.foreignDeps.set(key, deps);
        }
        let dep = deps.items.get(path.name.name);
        if (dep === undefined) {
          const item: AstItemRef = kind === 'world' ? { world: this.allocWorld(path.name.span) } : { interface: this.allocInterface(path.name.span) };
          dep = { item, stabilities: [] };
          deps.items.set(path.name.name, dep);
          if ('interface' in item) this.foreignInterfaces.add(item.interface);
        }
        dep.stabilities.push(stability);
      });
    }
  }

  private allocInterface(span: Span): number {
    this.interfaceTypes.push(new Map());
    this.interfaces.push({ name: null, types: new Map(), functions: new Map(), docs: NO_DOCS, stability: UNKNOWN_STABILITY, package: null, span, cloneOf: null });
    return this.interfaces.length - 1;
  }

  private allocWorld(span: Span): number {
    this.worlds.push({ name: '', imports: new Map(), exports: new Map(), package: null, docs: NO_DOCS, stability: UNKNOWN_STABILITY, includes: [], span });
    return this.worlds.length - 1;
  }

  private populateAstItems(): { interfaceOrder: number[]; worldOrder: number[] } {
    const packageItems = new Map<string, Span>();
    const kinds = new Map<string, 'interface' | 'world'>();
    const order = new Map<string, Id[]>();
    let worldCount = 0;
    let interfaceCount = 0;
    for (const items of this.declLists) {
      for (const item of items) {
        if (item.kind !== 'interface' && item.kind !== 'world') continue;
        const name = item.value.name;
        if (packageItems.has(name.name)) throw syntaxError(name.span, `duplicate item named \`${name.name}\``);
        if (item.kind === 'world' && ++worldCount > this.limits.maxWorlds) {
          throw limitError(name.span, `world \`${name.name}\` is world number ${worldCount} of this package`, `maxWorlds ${this.limits.maxWorlds}; raise it with --max-worlds or pick a larger --preset`);
        }
        if (item.kind === 'interface' && ++interfaceCount > this.limits.maxInterfaces) {
          throw limitError(name.span, `interface \`${name.name}\` is interface number ${interfaceCount} of this package`, `maxInterfaces ${this.limits.maxInterfaces}; raise it with --max-interfaces or pick a larger --preset`);
        }
        packageItems.set(name.name, name.span);
        order.set(name.name, []);
        kinds.set(name.name, item.kind);
      }
    }
    for (const items of this.declLists) {
      const fileNames = new Map<string, Id | null>();
      for (const item of items) {
        if (item.kind === 'package') continue;
        const name = item.kind === 'use' ? (item.value.as ?? usePathName(item.value.item)) : item.value.name;
        if (fileNames.has(name.name)) throw syntaxError(name.span, `duplicate name \`${name.name}\` in this file`);
        const local = item.kind === 'use' ? (item.value.item.kind === 'id' ? item.value.item.id : null) : item.value.name;
        fileNames.set(name.name, local);
      }
      forEachPath(items, (owner, _attributes, path) => {
        if (owner === null || path.kind !== 'id') return;
        const used = path.id;
        const deps = order.get(owner.name);
        if (fileNames.has(used.name)) {
          const local = fileNames.get(used.name);
          if (local !== null && local !== undefined) deps?.push(local);
          return;
        }
        if (packageItems.has(used.name)) {
          deps?.push(used);
          return;
        }
        throw undefinedError(used.span, 'interface or world', used.name);
      });
    }
    const sorted = toposort('interface or world', order);
    const ids = new Map<string, AstItemRef>();
    const interfaceOrder: number[] = [];
    const worldOrder: number[] = [];
    for (const name of sorted) {
      const span = packageItems.get(name) ?? NO_SPAN;
      if (kinds.get(name) === 'interface') {
        const id = this.allocInterface(span);
        const iface = this.interfaces[id];
        if (iface !== undefined) iface.name = name;
        ids.set(name, { interface: id });
        interfaceOrder.push(id);
      } else {
        const id = this.allocWorld(span);
        const world = this.worlds[id];
        if (world !== undefined) world.name = name;
        ids.set(name, { world: id });
        worldOrder.push(id);
      }
    }
    for (const items of this.declLists) {
      const fileItems = new Map<string, AstItemRef>();
      for (const item of items) {
        if (item.kind === 'package') continue;
        if (item.kind === 'use') {
          const use = item.value;
          if (use.attributes.length > 0) throw syntaxError(use.span, 'attributes not allowed on top-level use');
          const name = use.as ?? usePathName(use.item);
          let ref: AstItemRef | undefined;
          if (use.item.kind === 'id') {
            ref = ids.get(use.item.id.name);
            if (ref === undefined) throw undefinedError(use.item.id.span, 'interface or world', use.item.id.name);
          } else {
            ref = this.foreignDeps.get(packageNameString(packageNameOf(use.item.pkg)))?.items.get(use.item.name.name)?.item;
          }
          if (ref !== undefined) fileItems.set(name.name, ref);
          continue;
        }
        const ref = ids.get(item.value.name.name);
        if (ref === undefined) continue;
        fileItems.set(item.value.name.name, ref);
        this.packageItems.set(item.value.name.name, ref);
      }
      this.astItems.push(fileItems);
    }
    return { interfaceOrder, worldOrder };
  }

  private populateForeignTypes(): void {
    this.declLists.forEach((items, file) => {
      this.cur = file;
      forEachPath(items, (_owner, attributes, path, names) => {
        if (names === null) return;
        const stability = stabilityOf(attributes);
        const externalId = externalIdOf(attributes);
        const { item, name, span } = this.resolvePath(path);
        const iface = this.interfaceOf(item, name, span);
        if (!this.foreignInterfaces.has(iface)) return;
        const lookup = this.interfaceTypes[iface];
        if (lookup === undefined) return;
        for (const used of names) {
          if (lookup.has(used.name.name)) continue;
          this.types.push({ docs: NO_DOCS, stability, kind: { tag: 'unknown' }, name: used.name.name, owner: { interface: iface }, span: used.name.span, externalId });
          const id = this.types.length - 1;
          this.unknownTypeSpans.push(used.name.span);
          lookup.set(used.name.name, { what: { type: id }, span: used.name.span });
          this.interfaces[iface]?.types.set(used.name.name, id);
        }
      });
    });
  }

  // ---- worlds -------------------------------------------------------------------------------

  private resolveWorld(worldId: number, ast: WorldAst): void {
    const world = this.worlds[worldId];
    if (world === undefined) return;
    world.docs = convertDocs(ast.docs);
    world.stability = stabilityOf(ast.attributes);
    const typeItems: TypeItem[] = [];
    for (const item of ast.items) if (item.kind === 'use' || item.kind === 'typedef') typeItems.push(item);
    this.resolveTypes({ world: worldId }, typeItems);
    for (const item of ast.items) if (item.kind === 'include') this.resolveInclude(worldId, item.value);
    for (const [name, named] of this.typeLookup) {
      if (!('type' in named.what)) continue;
      const key: WorldKey = { name };
      const k = worldKeyString(key);
      if (world.imports.has(k)) throw syntaxError(named.span, `import \`${name}\` conflicts with prior import of same name`);
      world.imports.set(k, { key, item: { tag: 'type', id: named.what.type, span: named.span } });
    }
    const imported = new Set<number>();
    const exported = new Set<number>();
    for (const item of ast.items) {
      if (item.kind === 'typedef' && item.value.ty.kind === 'resource') {
        for (const func of item.value.ty.funcs) {
          const resolved = this.resolveResourceFunc(func, item.value.name);
          world.imports.set(worldKeyString({ name: resolved.name }), { key: { name: resolved.name }, item: { tag: 'function', func: resolved } });
        }
        continue;
      }
      if (item.kind !== 'import' && item.kind !== 'export') continue;
      const desc = item.kind;
      const extern = item.extern;
      const worldItem = this.resolveWorldItem(item.docs, item.attributes, extern);
      let key: WorldKey;
      if (extern.kind === 'interface' || extern.kind === 'named-path') key = { name: extern.name.name };
      else if (extern.kind === 'func') key = { name: worldItem.tag === 'function' ? worldItem.func.name : extern.name.name };
      else {
        const { item: ref, name, span } = this.resolvePath(extern.path);
        key = { interface: this.interfaceOf(ref, name, span) };
      }
      if ('interface' in key) {
        const seen = desc === 'import' ? imported : exported;
        if (seen.has(key.interface)) throw syntaxError(externSpan(extern), `interface cannot be ${desc}ed more than once`);
        seen.add(key.interface);
      }
      const dst = desc === 'import' ? world.imports : world.exports;
      const k = worldKeyString(key);
      const previous = dst.get(k);
      if (previous !== undefined && 'name' in key) {
        const what = previous.item.tag === 'function' ? 'func' : previous.item.tag;
        throw syntaxError(externSpan(extern), `${desc} \`${key.name}\` conflicts with prior ${what} of same name`);
      }
      dst.set(k, { key, item: worldItem });
    }
    this.typeLookup.clear();
  }

  private resolveWorldItem(docs: AstDocs, attributes: readonly Attribute[], extern: ExternKind): WorldItem {
    switch (extern.kind) {
      case 'interface': {
        const previous = this.typeLookup;
        this.typeLookup = new Map();
        const id = this.allocInterface(extern.name.span);
        this.resolveInterface(id, extern.items, docs, attributes);
        this.typeLookup = previous;
        return { tag: 'interface', id, stability: this.interfaces[id]?.stability ?? UNKNOWN_STABILITY, docs: NO_DOCS, span: extern.name.span, externalId: externalIdOf(attributes) };
      }
      case 'path':
      case 'named-path': {
        const stability = stabilityOf(attributes);
        const externalId = externalIdOf(attributes);
        const converted = convertDocs(docs);
        const { item, name, span } = this.resolvePath(extern.path);
        const id = this.interfaceOf(item, name, span);
        return { tag: 'interface', id, stability, externalId, docs: converted, span: extern.kind === 'path' ? span : extern.name.span };
      }
      case 'func':
        return {
          tag: 'function',
          func: this.resolveFunction(docs, attributes, extern.name.name, extern.name.span, extern.func, { tag: extern.func.async ? 'async-freestanding' : 'freestanding' }),
        };
    }
  }

  private resolveInclude(worldId: number, include: IncludeAst): void {
    const stability = stabilityOf(include.attributes);
    const { item, name, span } = this.resolvePath(include.from);
    if (!('world' in item)) throw syntaxError(span, `name \`${name}\` is defined as an interface, not a world`);
    this.worlds[worldId]?.includes.push({ stability, id: item.world, names: include.names.map((n) => ({ name: n.name.name, as: n.as.name })), span });
  }

  // ---- interfaces ---------------------------------------------------------------------------

  private resolveInterface(id: number, items: readonly InterfaceItem[], docs: AstDocs, attributes: readonly Attribute[]): void {
    const iface = this.interfaces[id];
    if (iface === undefined) return;
    iface.docs = convertDocs(docs);
    iface.stability = stabilityOf(attributes);
    const typeItems: TypeItem[] = [];
    for (const item of items) if (item.kind === 'use' || item.kind === 'typedef') typeItems.push(item);
    this.resolveTypes({ interface: id }, typeItems);
    for (const [name, named] of this.typeLookup) if ('type' in named.what) iface.types.set(name, named.what.type);
    if (iface.types.size > this.limits.maxTypesPerInterface) {
      const last = [...this.typeLookup.values()][this.limits.maxTypesPerInterface];
      throw limitError(last?.span ?? iface.span, `interface \`${iface.name ?? '<inline>'}\` defines ${iface.types.size} types`, `maxTypesPerInterface ${this.limits.maxTypesPerInterface}; raise it with --max-types-per-interface or pick a larger --preset`);
    }
    const funcs: Func[] = [];
    for (const item of items) {
      if (item.kind === 'func') {
        const f = item.value;
        this.defineName(f.name, { item: 'function' });
        funcs.push(this.resolveFunction(f.docs, f.attributes, f.name.name, f.name.span, f.func, { tag: f.func.async ? 'async-freestanding' : 'freestanding' }));
      } else if (item.kind === 'typedef' && item.value.ty.kind === 'resource') {
        for (const func of item.value.ty.funcs) funcs.push(this.resolveResourceFunc(func, item.value.name));
      }
      if (funcs.length > this.limits.maxFunctionsPerInterface) {
        const last = funcs[funcs.length - 1];
        throw limitError(last?.span ?? iface.span, `interface \`${iface.name ?? '<inline>'}\` has more than ${this.limits.maxFunctionsPerInterface} functions`, `maxFunctionsPerInterface ${this.limits.maxFunctionsPerInterface}; raise it with --max-functions-per-interface or pick a larger --preset`);
      }
    }
    for (const func of funcs) iface.functions.set(func.name, func);
    this.interfaceTypes[id] = this.typeLookup;
    this.typeLookup = new Map();
  }

  private resolveTypes(owner: TypeOwner, items: readonly TypeItem[]): void {
    for (const item of items) if (item.kind === 'use') this.resolveUse(owner, item.value);
    const deps = new Map<string, Id[]>();
    const defs = new Map<string, TypeDefAst | null>();
    for (const item of items) {
      if (item.kind === 'typedef') {
        const def = item.value;
        if (defs.has(def.name.name)) throw syntaxError(def.name.span, `name \`${def.name.name}\` is defined more than once`);
        defs.set(def.name.name, def);
        deps.set(def.name.name, collectDeps(def.ty));
      } else {
        for (const n of item.value.names) {
          const name = n.as ?? n.name;
          deps.set(name.name, []);
          defs.set(name.name, null);
        }
      }
    }
    for (const name of toposort('type', deps, oldFloatHint)) {
      const def = defs.get(name);
      defs.delete(name);
      if (def === undefined || def === null) continue;
      const stability = stabilityOf(def.attributes);
      const docs = convertDocs(def.docs);
      const externalId = externalIdOf(def.attributes);
      const kind = this.resolveTypeDef(def.ty, stability);
      this.types.push({ docs, stability, kind, name: def.name.name, owner, span: def.name.span, externalId });
      this.defineName(def.name, { type: this.types.length - 1 });
    }
  }

  private resolveUse(owner: TypeOwner, use: UseAst): void {
    const { item, name, span } = this.resolvePath(use.from);
    const from = this.interfaceOf(item, name, span);
    const stability = stabilityOf(use.attributes);
    const externalId = externalIdOf(use.attributes);
    for (const n of use.names) {
      const found = this.interfaceTypes[from]?.get(n.name.name);
      if (found === undefined) throw undefinedError(n.name.span, 'name', n.name.name);
      if (!('type' in found.what)) throw syntaxError(n.name.span, `cannot import ${found.what.item} \`${n.name.name}\``);
      const local = n.as ?? n.name;
      this.types.push({ docs: NO_DOCS, stability, kind: { tag: 'type', ty: found.what.type }, name: local.name, owner, span: n.name.span, externalId });
      this.defineName(local, { type: this.types.length - 1 });
    }
  }

  private resolvePath(path: UsePath): { item: AstItemRef; name: string; span: Span } {
    if (path.kind === 'id') {
      const item = this.astItems[this.cur]?.get(path.id.name) ?? this.packageItems.get(path.id.name);
      if (item === undefined) throw undefinedError(path.id.span, 'interface or world', path.id.name);
      return { item, name: path.id.name, span: path.id.span };
    }
    const item = this.foreignDeps.get(packageNameString(packageNameOf(path.pkg)))?.items.get(path.name.name)?.item;
    if (item === undefined) throw undefinedError(path.name.span, 'interface or world', path.name.name);
    return { item, name: path.name.name, span: path.name.span };
  }

  private interfaceOf(item: AstItemRef, name: string, span: Span): number {
    if ('interface' in item) return item.interface;
    throw syntaxError(span, `name \`${name}\` is defined as a world, not an interface`);
  }

  private defineName(name: Id, what: TypeOrItem): void {
    if (this.typeLookup.has(name.name)) throw syntaxError(name.span, `name \`${name.name}\` is defined more than once`);
    this.typeLookup.set(name.name, { what, span: name.span });
  }

  // ---- functions ----------------------------------------------------------------------------

  private resolveResourceFunc(func: ResourceFunc, resource: Id): Func {
    const found = this.typeLookup.get(resource.name);
    const resourceId = found !== undefined && 'type' in found.what ? found.what.type : -1;
    const named: NamedFunc = func.func;
    const async = named.func.async;
    let name: string;
    let kind: FunctionKind;
    if (func.kind === 'method') {
      name = `[method]${resource.name}.${named.name.name}`;
      kind = { tag: async ? 'async-method' : 'method', resource: resourceId };
    } else if (func.kind === 'static') {
      name = `[static]${resource.name}.${named.name.name}`;
      kind = { tag: async ? 'async-static' : 'static', resource: resourceId };
    } else {
      name = `[constructor]${resource.name}`;
      kind = { tag: 'constructor', resource: resourceId };
    }
    return this.resolveFunction(named.docs, named.attributes, name, named.name.span, named.func, kind);
  }

  private resolveFunction(docs: AstDocs, attributes: readonly Attribute[], name: string, nameSpan: Span, func: FuncAst, kind: FunctionKind): Func {
    const converted = convertDocs(docs);
    const stability = stabilityOf(attributes);
    const externalId = externalIdOf(attributes);
    const params: Param[] = [];
    if (kind.tag === 'method' || kind.tag === 'async-method') {
      const handle: TypeDefKind = { tag: 'handle', handle: 'borrow', id: kind.resource };
      params.push({ name: 'self', ty: this.anonTypeDef(handle, this.findStability(handle, UNKNOWN_STABILITY), func.span), span: func.span });
    }
    const seen = new Set(params.map((p) => p.name));
    for (const p of func.params) {
      if (seen.has(p.name.name)) throw syntaxError(p.name.span, `param \`${p.name.name}\` is defined more than once`);
      seen.add(p.name.name);
      params.push({ name: p.name.name, ty: this.resolveType(p.ty, UNKNOWN_STABILITY), span: p.name.span });
    }
    let result: Type | null = null;
    if (kind.tag === 'constructor') {
      result = func.result === null ? kind.resource : this.constructorResult(kind.resource, func.result);
    } else if (func.result !== null) {
      result = this.resolveType(func.result, UNKNOWN_STABILITY);
    }
    return { docs: converted, stability, name, kind, params, result, span: nameSpan, externalId };
  }

  private constructorResult(resource: number, ast: TypeAst): Type {
    const result = this.resolveType(ast, UNKNOWN_STABILITY);
    const def = typeof result === 'number' ? this.types[result] : undefined;
    if (def === undefined || def.kind.tag !== 'result') throw syntaxError(ast.span, 'if a constructor return type is declared it must be a `result`');
    if (def.kind.ok === resource) return result;
    const okSpan = ast.kind === 'result' && ast.ok !== null ? ast.ok.span : ast.span;
    throw syntaxError(okSpan, 'the `ok` type must be the resource being constructed');
  }

  // ---- types --------------------------------------------------------------------------------

  /** A type where it is used: a primitive, a named type, or an interned anonymous one. */
  private resolveType(ast: TypeAst, stability: Stability): Type {
    const kind = this.resolveTypeDef(ast, stability);
    return this.anonTypeDef(kind, this.findStability(kind, stability), ast.span);
  }

  /**
   * Resolves a type definition and everything nested in it, inner types first (so anonymous
   * types are created in wit-parser's order), with an explicit stack instead of recursion.
   */
  private resolveTypeDef(root: TypeAst, stability: Stability): TypeDefKind {
    const done = new Map<TypeAst, Type>();
    const stack: { node: TypeAst; expanded: boolean }[] = [{ node: root, expanded: false }];
    for (;;) {
      const top = stack[stack.length - 1];
      if (top === undefined) throw invalidError(root.span, 'internal: type walk ended without a result');
      const node = top.node;
      if (!top.expanded) {
        top.expanded = true;
        if (node.kind === 'variant' && node.cases.length === 0) throw syntaxError(node.span, 'empty variant');
        const children = typeChildren(node);
        for (let i = children.length - 1; i >= 0; i--) {
          const child = children[i];
          if (child !== undefined) stack.push({ node: child, expanded: false });
        }
        continue;
      }
      stack.pop();
      const kind = this.kindOf(node, (child) => done.get(child) ?? 'bool');
      if (node === root) return kind;
      done.set(node, this.anonTypeDef(kind, this.findStability(kind, stability), node.span));
    }
  }

  private kindOf(ast: TypeAst, resolved: (child: TypeAst) => Type): TypeDefKind {
    switch (ast.kind) {
      case 'primitive':
        return { tag: 'type', ty: ast.name };
      case 'name':
        return { tag: 'type', ty: this.typeName(ast.id) };
      case 'list':
        return { tag: 'list', ty: resolved(ast.ty) };
      case 'fixed-length-list':
        return { tag: 'fixed-length-list', ty: resolved(ast.ty), size: ast.size };
      case 'map': {
        const key = resolved(ast.key);
        if (!MAP_KEYS.has(key)) {
          throw syntaxError(ast.span, 'invalid map key type: map keys must be bool, u8, u16, u32, u64, s8, s16, s32, s64, char, or string');
        }
        return { tag: 'map', key, value: resolved(ast.value) };
      }
      case 'handle':
        return { tag: 'handle', handle: ast.handle, id: this.validateResource(ast.resource) };
      case 'resource': {
        let constructors = 0;
        const names = new Set<string>();
        for (const f of ast.funcs) {
          if (f.kind === 'constructor') {
            constructors += 1;
            if (constructors > 1) throw syntaxError(f.func.name.span, 'duplicate constructors');
          } else {
            if (names.has(f.func.name.name)) throw syntaxError(f.func.name.span, `duplicate function name \`${f.func.name.name}\``);
            names.add(f.func.name.name);
          }
        }
        return { tag: 'resource' };
      }
      case 'record':
        return { tag: 'record', fields: ast.fields.map((f) => ({ docs: convertDocs(f.docs), name: f.name.name, ty: resolved(f.ty), span: f.name.span })) };
      case 'flags':
        return { tag: 'flags', flags: ast.flags.map((f) => ({ docs: convertDocs(f.docs), name: f.name.name, span: f.name.span })) };
      case 'tuple':
        return { tag: 'tuple', types: ast.types.map(resolved) };
      case 'variant':
        return { tag: 'variant', cases: ast.cases.map((c) => ({ docs: convertDocs(c.docs), name: c.name.name, ty: c.ty === null ? null : resolved(c.ty), span: c.name.span })) };
      case 'enum':
        if (ast.cases.length === 0) throw syntaxError(ast.span, 'empty enum');
        return { tag: 'enum', cases: ast.cases.map((c) => ({ docs: convertDocs(c.docs), name: c.name.name, span: c.name.span })) };
      case 'option':
        return { tag: 'option', ty: resolved(ast.ty) };
      case 'result':
        return { tag: 'result', ok: ast.ok === null ? null : resolved(ast.ok), err: ast.err === null ? null : resolved(ast.err) };
      case 'future':
      case 'stream':
        return { tag: ast.kind, ty: ast.ty === null ? null : resolved(ast.ty) };
    }
  }

  private typeName(name: Id): number {
    const found = this.typeLookup.get(name.name);
    if (found === undefined) throw undefinedError(name.span, 'name', name.name);
    if (!('type' in found.what)) throw syntaxError(name.span, `cannot use ${found.what.item} \`${name.name}\` as a type`);
    return found.what.type;
  }

  private validateResource(name: Id): number {
    const id = this.typeName(name);
    let cur = id;
    for (let steps = 0; steps <= this.types.length; steps++) {
      const kind = this.types[cur]?.kind;
      if (kind === undefined) break;
      if (kind.tag === 'resource') return id;
      if (kind.tag === 'type' && typeof kind.ty === 'number') {
        cur = kind.ty;
        continue;
      }
      if (kind.tag === 'unknown') {
        this.requiredResourceTypes.push({ id: cur, span: name.span });
        return id;
      }
      break;
    }
    throw syntaxError(name.span, `type \`${name.name}\` used in a handle must be a resource`);
  }

  private findStability(kind: TypeDefKind, stability: Stability): Stability {
    if (stability.kind !== 'unknown') return stability;
    const known = (ty: Type | null): Stability | null => {
      if (typeof ty !== 'number') return null;
      const s = this.types[ty]?.stability;
      return s === undefined || s.kind === 'unknown' ? null : s;
    };
    let found: Stability | null = null;
    switch (kind.tag) {
      case 'type':
      case 'list':
      case 'fixed-length-list':
      case 'option':
        found = known(kind.ty);
        break;
      case 'handle':
        found = known(kind.id);
        break;
      case 'tuple':
        for (const t of kind.types) if (found === null) found = known(t);
        break;
      case 'map':
        found = known(kind.key) ?? known(kind.value);
        break;
      case 'future':
      case 'stream':
        found = known(kind.ty);
        break;
      case 'result':
        found = known(kind.ok) ?? known(kind.err);
        break;
      default:
        break;
    }
    return found ?? UNKNOWN_STABILITY;
  }

  private anonTypeDef(kind: TypeDefKind, stability: Stability, span: Span): Type {
    let key: string;
    switch (kind.tag) {
      case 'type':
        return kind.ty;
      case 'handle':
        if (kind.handle === 'own') return kind.id;
        key = `borrow:${kind.id}`;
        break;
      case 'variant':
        key = JSON.stringify(['variant', kind.cases.map((c) => [c.name, c.ty])]);
        break;
      case 'record':
        key = JSON.stringify(['record', kind.fields.map((f) => [f.name, f.ty])]);
        break;
      case 'flags':
        key = JSON.stringify(['flags', kind.flags.map((f) => f.name)]);
        break;
      case 'enum':
        key = JSON.stringify(['enum', kind.cases.map((c) => c.name)]);
        break;
      case 'tuple':
        key = JSON.stringify(['tuple', kind.types]);
        break;
      case 'list':
      case 'option':
        key = JSON.stringify([kind.tag, kind.ty]);
        break;
      case 'fixed-length-list':
        key = JSON.stringify([kind.tag, kind.ty, kind.size]);
        break;
      case 'map':
        key = JSON.stringify(['map', kind.key, kind.value]);
        break;
      case 'result':
        key = JSON.stringify(['result', kind.ok, kind.err]);
        break;
      case 'future':
      case 'stream':
        key = JSON.stringify([kind.tag, kind.ty]);
        break;
      default:
        throw invalidError(span, `internal: a ${kind.tag} type cannot be anonymous`);
    }
    const existing = this.anonTypes.get(key);
    if (existing !== undefined) return existing;
    this.types.push({ kind, name: null, docs: NO_DOCS, stability, owner: null, span, externalId: null });
    const id = this.types.length - 1;
    this.anonTypes.set(key, id);
    return id;
  }
}

export function resolvePackageFiles(files: readonly PackageFile[], limits: PackageLimits): { main: UnresolvedPackage; nested: UnresolvedPackage[] } {
  const nested: UnresolvedPackage[] = [];
  const resolver = new PackageResolver(limits);
  for (const file of files) {
    const kept: AstItem[] = [];
    for (const item of file.items) {
      if (item.kind === 'package') {
        const inner = new PackageResolver(limits);
        inner.push(item.value);
        nested.push(inner.resolve());
      } else {
        kept.push(item);
      }
    }
    resolver.push({ packageId: file.packageId, items: kept });
  }
  return { main: resolver.resolve(), nested };
}
