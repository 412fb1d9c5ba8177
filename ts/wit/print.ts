/**
 * Normalized WIT of a resolved package: one canonical spelling whatever the input's layout
 * (items in resolved order, one per line, two-space indentation, `%` before names that are
 * keywords, docs as `///` lines, gates as attributes). Worlds print their elaborated imports.
 */
import { KEYWORDS } from './lexer.js';
import type { Docs, Func, Interface, Stability, Type, TypeDef, World, WorldEntry } from './model.js';
import type { Resolve } from './resolve.js';

const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);

function id(name: string): string {
  return KEYWORD_SET.has(name) ? `%${name}` : name;
}

class Printer {
  private readonly lines: string[] = [];

  constructor(private readonly resolve: Resolve) {}

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }

  private line(depth: number, text: string): void {
    this.lines.push(text === '' ? '' : `${'  '.repeat(depth)}${text}`);
  }

  private docs(depth: number, docs: Docs): void {
    if (docs.contents === null) return;
    for (const l of docs.contents.split('\n')) this.line(depth, l === '' ? '///' : `/// ${l}`);
  }

  private gates(depth: number, stability: Stability): void {
    if (stability.kind === 'stable') this.line(depth, `@since(version = ${stability.since})`);
    if (stability.kind === 'unstable') this.line(depth, `@unstable(feature = ${stability.feature})`);
    if (stability.kind !== 'unknown' && stability.deprecated !== null) this.line(depth, `@deprecated(version = ${stability.deprecated})`);
  }

  package(pkgId: number): void {
    const pkg = this.resolve.packages[pkgId];
    if (pkg === undefined) return;
    this.docs(0, pkg.docs);
    const n = pkg.name;
    this.line(0, `package ${id(n.namespace)}:${id(n.name)}${n.version === null ? '' : `@${n.version}`};`);
    for (const [name, ifaceId] of pkg.interfaces) {
      const iface = this.resolve.interfaces[ifaceId];
      if (iface !== undefined) this.item('interface', name, iface, () => this.interfaceBody(1, iface, ifaceId));
    }
    for (const [name, worldId] of pkg.worlds) {
      const world = this.resolve.worlds[worldId];
      if (world !== undefined) this.item('world', name, world, () => this.worldBody(1, world, worldId));
    }
  }

  private item(keyword: string, name: string, item: { readonly docs: Docs; readonly stability: Stability }, body: () => void): void {
    this.line(0, '');
    this.docs(0, item.docs);
    this.gates(0, item.stability);
    this.line(0, `${keyword} ${id(name)} {`);
    body();
    this.line(0, '}');
  }

  /** `ns:pkg/iface@ver`, or just `iface` inside its own package. */
  private interfacePath(ifaceId: number, fromPackage: number | null): string {
    const iface = this.resolve.interfaces[ifaceId];
    if (iface === undefined || iface.name === null) return '<anonymous>';
    if (iface.package === fromPackage || iface.package === null) return id(iface.name);
    const pkg = this.resolve.packages[iface.package];
    if (pkg === undefined) return id(iface.name);
    const n = pkg.name;
    return `${id(n.namespace)}:${id(n.name)}/${id(iface.name)}${n.version === null ? '' : `@${n.version}`}`;
  }

  private interfaceBody(depth: number, iface: Interface, ifaceId: number): void {
    this.types(depth, iface.types, { interface: ifaceId }, iface.package, iface.functions);
    for (const func of iface.functions.values()) {
      if ('resource' in func.kind) continue;
      this.docs(depth, func.docs);
      this.gates(depth, func.stability);
      this.line(depth, `${id(func.name)}: ${this.signature(func, false)};`);
    }
  }

  private worldBody(depth: number, world: World, worldId: number): void {
    const types = new Map<string, number>();
    const funcs = new Map<string, Func>();
    for (const { key, item } of world.imports.values()) {
      if (item.tag === 'type' && 'name' in key) types.set(key.name, item.id);
      if (item.tag === 'function' && 'resource' in item.func.kind) funcs.set(item.func.name, item.func);
    }
    for (const [dir, items] of [['import', world.imports], ['export', world.exports]] as const) {
      for (const entry of items.values()) if (entry.item.tag === 'interface') this.worldInterface(depth, dir, entry, world.package);
    }
    this.types(depth, types, { world: worldId }, world.package, funcs);
    for (const [dir, items] of [['import', world.imports], ['export', world.exports]] as const) {
      for (const { key, item } of items.values()) {
        if (item.tag !== 'function' || 'resource' in item.func.kind || !('name' in key)) continue;
        this.docs(depth, item.func.docs);
        this.gates(depth, item.func.stability);
        this.line(depth, `${dir} ${id(key.name)}: ${this.signature(item.func, false)};`);
      }
    }
  }

  private worldInterface(depth: number, dir: string, entry: WorldEntry, fromPackage: number | null): void {
    const item = entry.item;
    if (item.tag !== 'interface') return;
    this.docs(depth, item.docs);
    this.gates(depth, item.stability);
    if ('interface' in entry.key) {
      this.line(depth, `${dir} ${this.interfacePath(item.id, fromPackage)};`);
      return;
    }
    const iface = this.resolve.interfaces[item.id];
    if (iface !== undefined && iface.name === null) {
      this.line(depth, `${dir} ${id(entry.key.name)}: interface {`);
      this.interfaceBody(depth + 1, iface, item.id);
      this.line(depth, '}');
      return;
    }
    this.line(depth, `${dir} ${id(entry.key.name)}: ${this.interfacePath(item.id, fromPackage)};`);
  }

  private types(depth: number, types: ReadonlyMap<string, number>, owner: { interface: number } | { world: number }, pkg: number | null, funcs: ReadonlyMap<string, Func>): void {
    const ownedHere = (def: TypeDef): boolean =>
      def.owner !== null && ('interface' in owner ? 'interface' in def.owner && def.owner.interface === owner.interface : 'world' in def.owner && def.owner.world === owner.world);
    for (const [name, typeId] of types) {
      const def = this.resolve.types[typeId];
      if (def === undefined) continue;
      const target = def.kind.tag === 'type' && typeof def.kind.ty === 'number' ? this.resolve.types[def.kind.ty] : undefined;
      if (target !== undefined && target.owner !== null && 'interface' in target.owner && !ownedHere(target)) {
        this.gates(depth, def.stability);
        const source = target.name ?? name;
        this.line(depth, `use ${this.interfacePath(target.owner.interface, pkg)}.{${id(source)}${source === name ? '' : ` as ${id(name)}`}};`);
        continue;
      }
      this.docs(depth, def.docs);
      this.gates(depth, def.stability);
      this.typeDef(depth, name, def, typeId, funcs);
    }
  }

  private typeDef(depth: number, name: string, def: TypeDef, typeId: number, funcs: ReadonlyMap<string, Func>): void {
    const kind = def.kind;
    switch (kind.tag) {
      case 'record':
        this.line(depth, `record ${id(name)} {`);
        for (const f of kind.fields) {
          this.docs(depth + 1, f.docs);
          this.line(depth + 1, `${id(f.name)}: ${this.type(f.ty)},`);
        }
        this.line(depth, '}');
        return;
      case 'flags':
      case 'enum': {
        this.line(depth, `${kind.tag} ${id(name)} {`);
        for (const f of kind.tag === 'flags' ? kind.flags : kind.cases) {
          this.docs(depth + 1, f.docs);
          this.line(depth + 1, `${id(f.name)},`);
        }
        this.line(depth, '}');
        return;
      }
      case 'variant':
        this.line(depth, `variant ${id(name)} {`);
        for (const c of kind.cases) {
          this.docs(depth + 1, c.docs);
          this.line(depth + 1, `${id(c.name)}${c.ty === null ? '' : `(${this.type(c.ty)})`},`);
        }
        this.line(depth, '}');
        return;
      case 'resource': {
        const methods = this.byResource(funcs).get(typeId) ?? [];
        if (methods.length === 0) {
          this.line(depth, `resource ${id(name)};`);
          return;
        }
        this.line(depth, `resource ${id(name)} {`);
        for (const f of methods) {
          this.docs(depth + 1, f.docs);
          this.gates(depth + 1, f.stability);
          if (f.kind.tag === 'constructor') {
            // Without `-> result<…>` a constructor returns an own handle of its resource.
            const returned = typeof f.result === 'number' ? this.resolve.types[f.result]?.kind : undefined;
            const implicit = f.result === typeId || (returned?.tag === 'handle' && returned.handle === 'own' && returned.id === typeId);
            const explicit = f.result !== null && !implicit;
            this.line(depth + 1, `constructor(${this.params(f, false)})${explicit && f.result !== null ? ` -> ${this.type(f.result)}` : ''};`);
            continue;
          }
          const short = f.name.slice(f.name.indexOf('.') + 1);
          const isStatic = f.kind.tag === 'static' || f.kind.tag === 'async-static';
          this.line(depth + 1, `${id(short)}: ${isStatic ? 'static ' : ''}${this.signature(f, !isStatic)};`);
        }
        this.line(depth, '}');
        return;
      }
      default:
        this.line(depth, `type ${id(name)} = ${this.typeDefExpr(def)};`);
    }
  }

  private readonly grouped = new WeakMap<ReadonlyMap<string, Func>, Map<number, Func[]>>();

  /** An interface's or world's resource functions by resource, grouped once. */
  private byResource(funcs: ReadonlyMap<string, Func>): Map<number, Func[]> {
    let groups = this.grouped.get(funcs);
    if (groups === undefined) {
      groups = new Map();
      for (const f of funcs.values()) {
        if (!('resource' in f.kind)) continue;
        const list = groups.get(f.kind.resource) ?? [];
        list.push(f);
        groups.set(f.kind.resource, list);
      }
      this.grouped.set(funcs, groups);
    }
    return groups;
  }

  private params(func: Func, skipSelf: boolean): string {
    return func.params
      .filter((_, i) => !(skipSelf && i === 0))
      .map((p) => `${id(p.name)}: ${this.type(p.ty)}`)
      .join(', ');
  }

  private signature(func: Func, method: boolean): string {
    const async = func.kind.tag.startsWith('async') ? 'async ' : '';
    const result = func.result === null ? '' : ` -> ${this.type(func.result)}`;
    return `${async}func(${this.params(func, method)})${result}`;
  }

  /** A type as it is written where it is used: a name, or the structure of an anonymous type. */
  type(ty: Type): string {
    if (typeof ty !== 'number') return ty;
    const def = this.resolve.types[ty];
    if (def === undefined) return `<type ${ty}>`;
    if (def.name !== null) return id(def.name);
    return this.typeDefExpr(def);
  }

  private typeDefExpr(def: TypeDef): string {
    const k = def.kind;
    const t = (x: Type | null): string => (x === null ? '_' : this.type(x));
    switch (k.tag) {
      case 'type':
        return t(k.ty);
      case 'list':
        return `list<${t(k.ty)}>`;
      case 'fixed-length-list':
        return `list<${t(k.ty)}, ${k.size}>`;
      case 'map':
        return `map<${t(k.key)}, ${t(k.value)}>`;
      case 'option':
        return `option<${t(k.ty)}>`;
      case 'result':
        if (k.ok === null && k.err === null) return 'result';
        if (k.err === null) return `result<${t(k.ok)}>`;
        return `result<${t(k.ok)}, ${t(k.err)}>`;
      case 'tuple':
        return `tuple<${k.types.map(t).join(', ')}>`;
      case 'future':
      case 'stream':
        return k.ty === null ? k.tag : `${k.tag}<${t(k.ty)}>`;
      case 'handle':
        // An owned handle is written as its resource's name; only `borrow` needs spelling out.
        return k.handle === 'own' && def.name === null ? t(k.id) : `${k.handle}<${t(k.id)}>`;
      default:
        return `<${k.tag}>`;
    }
  }
}

/** The normalized WIT text of one package of a Resolve. */
export function printPackage(resolve: Resolve, pkgId: number): string {
  const printer = new Printer(resolve);
  printer.package(pkgId);
  return printer.text();
}
