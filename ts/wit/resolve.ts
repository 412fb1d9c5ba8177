/**
 * Joins packages into one Resolve (wit-parser's resolve/mod.rs): packages added in dependency
 * order, references to other packages connected, `@unstable` items filtered by the active
 * features, `@since` gates checked against the package version, world `include`s applied and
 * worlds elaborated with the interfaces their imports and exports need. Every graph walk keeps an
 * explicit stack.
 */
import { invalidError } from './errors.js';
import {
  type Docs, type Interface, NO_DOCS, type Package, packageNameString, sameOwner, type Stability, type TypeDef, UNKNOWN_STABILITY, type World, type WorldEntry, type WorldItem, type WorldItems, type WorldKey, worldKeyString,
} from './model.js';
import { compareVersions } from './semver.js';
import { NO_SPAN, type Span } from './source-map.js';

export class Resolve {
  readonly worlds: World[] = [];
  readonly interfaces: Interface[] = [];
  readonly types: TypeDef[] = [];
  readonly packages: Package[] = [];
  readonly packageNames = new Map<string, number>();

  constructor(readonly features: ReadonlySet<string> = new Set()) {}

  includeStability(stability: Stability, pkg: number, span: Span): boolean {
    if (stability.kind === 'unknown') return true;
    if (stability.kind === 'unstable') return this.features.has(stability.feature);
    const p = this.packages[pkg];
    if (p === undefined) return true;
    const version = p.name.version;
    if (version === null) {
      throw invalidError(span, `package [${packageNameString(p.name)}] contains a feature gate with a version specifier, so it must have a version`);
    }
    if (compareVersions(stability.since, version) > 0) {
      throw invalidError(span, `feature gate cannot reference unreleased version ${stability.since} of package [${packageNameString(p.name)}] (current version ${version})`);
    }
    return true;
  }

  /** The interfaces an interface's types come from (duplicates possible, as in wit-parser). */
  interfaceDirectDeps(id: number): number[] {
    const deps: number[] = [];
    for (const ty of this.interfaces[id]?.types.values() ?? []) {
      const dep = this.typeInterfaceDep(ty);
      if (dep !== null) deps.push(dep);
    }
    return deps;
  }

  typeInterfaceDep(id: number): number | null {
    const ty = this.types[id];
    if (ty === undefined || ty.kind.tag !== 'type' || typeof ty.kind.ty !== 'number') return null;
    const other = this.types[ty.kind.ty];
    if (other === undefined || sameOwner(ty.owner, other.owner)) return null;
    return other.owner !== null && 'interface' in other.owner ? other.owner.interface : null;
  }

  worldItemStability(item: WorldItem): Stability {
    if (item.tag === 'interface') return item.stability;
    if (item.tag === 'function') return item.func.stability;
    return this.types[item.id]?.stability ?? UNKNOWN_STABILITY;
  }

  nameWorldKey(key: WorldKey): string {
    if ('name' in key) return key.name;
    const iface = this.interfaces[key.interface];
    if (iface === undefined || iface.name === null) return '<anonymous>';
    const pkg = iface.package === null ? undefined : this.packages[iface.package];
    if (pkg === undefined) return iface.name;
    return `${pkg.name.namespace}:${pkg.name.name}/${iface.name}${pkg.name.version === null ? '' : `@${pkg.name.version}`}`;
  }

  // ---- world elaboration --------------------------------------------------------------------

  elaborateWorld(worldId: number, span: Span): void {
    const world = this.worlds[worldId];
    if (world === undefined) return;
    const sortKey = (item: WorldItem): number => {
      if (item.tag === 'interface') return 0;
      if (item.tag === 'type') {
        const ty = this.types[item.id];
        if (ty !== undefined && ty.kind.tag === 'type' && typeof ty.kind.ty === 'number' && !sameOwner(this.types[ty.kind.ty]?.owner ?? null, ty.owner)) return 1;
        return 2;
      }
      return item.func.kind.tag === 'freestanding' || item.func.kind.tag === 'async-freestanding' ? 3 : 4;
    };
    const newImports: WorldItems = new Map();
    const sorted = stableSort([...world.imports.values()], (e) => sortKey(e.item));
    for (const entry of sorted) {
      const item = entry.item;
      if (item.tag === 'interface') {
        this.elaborateImport(newImports, entry.key, item.id, item.stability, item.docs, item.externalId);
      } else if (item.tag === 'function') {
        newImports.set(worldKeyString(entry.key), entry);
      } else {
        const dep = this.typeInterfaceDep(item.id);
        if (dep !== null) this.elaborateImport(newImports, { interface: dep }, dep, this.types[item.id]?.stability ?? UNKNOWN_STABILITY, NO_DOCS, null);
        newImports.set(worldKeyString(entry.key), entry);
      }
    }
    const newExports: WorldItems = new Map();
    const exportInterfaces: WorldItems = new Map();
    for (const [k, entry] of world.exports) {
      if (entry.item.tag === 'interface') exportInterfaces.set(k, entry);
      else newExports.set(k, entry);
    }
    const required = new Set<number>();
    for (const entry of exportInterfaces.values()) {
      if (!this.addWorldExport(entry, newImports, newExports, exportInterfaces, required)) {
        throw invalidError(span, `interface \`${this.nameWorldKey(entry.key)}\` transitively depends on an interface in incompatible ways`);
      }
    }
    world.imports = new Map(stableSort([...newImports.entries()], ([, e]) => sortKey(e.item)));
    world.exports = newExports;
  }

  private elaborateImport(imports: WorldItems, key: WorldKey, id: number, stability: Stability, docs: Docs, externalId: string | null): void {
    if (imports.has(worldKeyString(key))) return;
    interface Frame {
      readonly key: WorldKey;
      readonly id: number;
      readonly docs: Docs;
      readonly externalId: string | null;
      readonly deps: number[];
      i: number;
    }
    const stack: Frame[] = [{ key, id, docs, externalId, deps: this.interfaceDirectDeps(id), i: 0 }];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      if (frame === undefined) break;
      const dep = frame.deps[frame.i];
      if (dep !== undefined) {
        frame.i += 1;
        if (!imports.has(worldKeyString({ interface: dep }))) {
          stack.push({ key: { interface: dep }, id: dep, docs: NO_DOCS, externalId: null, deps: this.interfaceDirectDeps(dep), i: 0 });
        }
        continue;
      }
      stack.pop();
      imports.set(worldKeyString(frame.key), {
        key: frame.key,
        item: { tag: 'interface', id: frame.id, stability, docs: frame.docs, span: NO_SPAN, externalId: frame.externalId },
      });
    }
  }

  /** wit-parser's add_world_export: false when an export would need an interface both ways. */
  private addWorldExport(root: WorldEntry, imports: WorldItems, exports: WorldItems, exportInterfaces: WorldItems, required: Set<number>): boolean {
    interface Frame {
      readonly entry: WorldEntry;
      readonly id: number;
      readonly addExport: boolean;
      readonly deps: number[];
      i: number;
    }
    const stack: Frame[] = [];
    const enter = (entry: WorldEntry, addExport: boolean): boolean | null => {
      if (exports.has(worldKeyString(entry.key))) return addExport;
      if (entry.item.tag !== 'interface') return true;
      const id = entry.item.id;
      if (!addExport && required.has(id)) return true;
      stack.push({ entry, id, addExport, deps: this.interfaceDirectDeps(id), i: 0 });
      return null;
    };
    let last = enter(root, true);
    if (last !== null) return last;
    while (stack.length > 0) {
      const frame = stack[stack.length - 1];
      if (frame === undefined) break;
      if (last === false) {
        stack.pop();
        continue;
      }
      const dep = frame.deps[frame.i];
      if (dep !== undefined) {
        frame.i += 1;
        const parent = frame.entry.item;
        const key: WorldKey = { interface: dep };
        const item: WorldItem = {
          tag: 'interface',
          id: dep,
          stability: parent.tag === 'interface' ? parent.stability : UNKNOWN_STABILITY,
          docs: NO_DOCS,
          span: NO_SPAN,
          externalId: parent.tag === 'interface' ? parent.externalId : null,
        };
        last = enter({ key, item }, frame.addExport && exportInterfaces.has(worldKeyString(key)));
        continue;
      }
      stack.pop();
      const k = worldKeyString(frame.entry.key);
      if (frame.addExport) {
        if (required.has(frame.id)) {
          last = false;
        } else {
          exports.set(k, frame.entry);
          last = true;
        }
      } else {
        required.add(frame.id);
        if (!imports.has(k)) imports.set(k, frame.entry);
        last = true;
      }
    }
    return last ?? true;
  }
}

function stableSort<T>(items: T[], key: (item: T) => number): T[] {
  return items.map((item, i) => ({ item, i, k: key(item) })).sort((a, b) => a.k - b.k || a.i - b.i).map((x) => x.item);
}
