/**
 * Decoder and validator of the Component Model binary format (design/mvp/Binary.md). One pass over
 * the bytes; nested components and nested component/instance types are scopes on an explicit
 * stack, never recursion, so the depth of the input cannot exhaust the JavaScript stack. Inner core
 * modules go through the core validator (ts/wasm/validate.ts). Gated features of the explainer
 * (async, error-context, fixed-size lists, maps, values, start, threads, GC, ...) are refused with
 * COMPONENT_UNSUPPORTED at the byte that uses them.
 */
import { createHash } from 'node:crypto';
import { WrtError } from '../core/errors.js';
import { Reader } from '../wasm/reader.js';
import type { WasmReport } from '../wasm/report.js';
import { funcTypeToString, valueTypeName } from '../wasm/types.js';
import { validateWasm } from '../wasm/validate.js';
import { ComponentError, type ComponentErrorCode } from './errors.js';
import { labelProblem, parseExternName, uniquenessKey, type ParsedName } from './names.js';
import { limitsWithin, MAX_CHECK_STEPS, type ResourceMap, Subtyper } from './subtype.js';
import { type CoreExtern, type CoreKind, type Extern, MAX_FLAT, MAX_TYPE_WEIGHT, type Sort, SORT_NAMES, TypeArena, type ValType } from './types.js';
import { COMPONENT_LAYER } from './detect.js';

export const COMPONENT_VERSION = 0x0d;

/** Most scopes open at once and most loop steps: inputs beyond them are refused, not crashed on. */
const MAX_DEPTH = 1000;

type ScopeKind = 'component' | 'component-type' | 'instance-type';

interface Spaces {
  coreFunc: string[];
  coreTable: string[];
  coreMemory: string[];
  coreGlobal: string[];
  coreType: number[];
  coreModule: number[];
  coreInstance: number[];
  func: number[];
  value: ValType[];
  type: number[];
  component: number[];
  instance: number[];
}

interface Scope {
  readonly kind: ScopeKind;
  readonly spaces: Spaces;
  readonly imports: Map<string, Extern>;
  readonly exports: Map<string, Extern>;
  readonly importKeys: Map<string, string>;
  readonly exportKeys: Map<string, string>;
  /** Resources named by a plain-label import (export) of this scope: [method] names refer to them. */
  readonly importResources: Map<string, number>;
  readonly exportResources: Map<string, number>;
  /** Types named by an import (or a type of an imported instance): the ones imports may use. */
  readonly namedImports: Set<number>;
  /** Types named by an export: exports may use these and the imported ones. */
  readonly namedExports: Set<number>;
  /** Resources this component defines with a `resource` type. */
  readonly localResources: Set<number>;
  readonly startId: number;
  /** Absolute end of this scope's bytes. */
  readonly end: number;
  /** Component: end of the section being read; type scopes: unused. */
  sectionEnd: number;
  sectionId: number;
  /** Items (or declarations) of the current vector still to read. */
  itemsLeft: number;
  /** Definition ids (facts.components) of the components and core modules in the index spaces. */
  readonly componentDefs: (number | null)[];
  readonly moduleDefs: (number | null)[];
  /** This scope's definition id when it is a component. */
  readonly def: number;
  readonly tree: TreeNode;
}

export interface TreeNode {
  readonly kind: 'component' | 'core module' | 'core instance' | 'instance' | 'section' | 'item';
  readonly label: string;
  readonly offset: number;
  readonly children: TreeNode[];
}

export interface CoreModuleFacts {
  readonly index: number;
  readonly offset: number;
  readonly bytes: number;
  readonly sha256: string;
  readonly report: WasmReport;
  /** Its bytes (a view into the component), for what the device's interpreter measures of it. */
  readonly code: Uint8Array;
  /** The component definition it is defined in. */
  readonly component: number;
  /** Times it is instantiated in a whole instantiation of the top-level component. */
  instantiations: number;
}

export interface CoreInstanceFacts {
  readonly module: number | null;
  readonly component: number;
  readonly offset: number;
}

export interface CanonFacts {
  readonly kind: 'lift' | 'lower' | 'resource.new' | 'resource.drop' | 'resource.rep';
  readonly stringEncoding: 'utf8' | 'utf16' | 'latin1+utf16';
  readonly memory: boolean;
  readonly realloc: boolean;
  readonly postReturn: boolean;
  readonly offset: number;
  /** lift: its function type; lower: the lowered function's type (the run plan's input); else -1. */
  readonly type: number;
  /** resource.new/drop/rep: the offset of the resource type's definition (a local resource); else absent. */
  readonly resource?: number;
}

export interface ComponentFacts {
  readonly bytes: number;
  readonly modules: CoreModuleFacts[];
  readonly coreInstances: CoreInstanceFacts[];
  /** Component definitions: 0 is the file itself. parent -1 for the root. */
  readonly components: { parent: number; offset: number; instantiations: number }[];
  readonly componentInstances: { component: number | null; scope: number; offset: number }[];
  readonly resources: { offset: number; rep: string; destructor: boolean; dtorIndex: number | null }[];
  /** A local resource's canonical arena id -> the offset of its definition (a `resources` entry's). */
  readonly resourceDefs: ReadonlyMap<number, number>;
  readonly canons: CanonFacts[];
  readonly imports: { name: string; sort: Sort; id: number }[];
  readonly exports: { name: string; sort: Sort; id: number }[];
  readonly tree: TreeNode;
  readonly arena: TypeArena;
  /** The type of the top-level component. */
  readonly type: number;
}

export interface ComponentValidateOptions {
  readonly file?: string;
}

type AnySort = Sort | `core-${CoreKind}` | 'core-type' | 'core-instance';

function newSpaces(): Spaces {
  return {
    coreFunc: [],
    coreTable: [],
    coreMemory: [],
    coreGlobal: [],
    coreType: [],
    coreModule: [],
    coreInstance: [],
    func: [],
    value: [],
    type: [],
    component: [],
    instance: [],
  };
}

function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

function coreSig(params: readonly number[], results: readonly number[]): string {
  return funcTypeToString({ params: Uint8Array.from(params), results: Uint8Array.from(results), key: '', paramBytes: 0, resultBytes: 0 });
}

const I32 = 0x7f;
const REALLOC_SIG = coreSig([I32, I32, I32, I32], [I32]);

export class ComponentValidator {
  readonly arena = new TypeArena();
  private readonly sub = new Subtyper(this.arena);
  private readonly r: Reader;
  private readonly stack: Scope[] = [];
  /** Canonical resource id -> the offset of its definition (resource built-ins name it for the run plan). */
  private readonly resourceOffsets = new Map<number, number>();
  private readonly facts: ComponentFacts;
  private section = 'component header';
  /** Abstract resources an instance type declares (see freshInstance). */
  private readonly instanceAbstracts = new Map<number, number[]>();

  constructor(
    private readonly bytes: Uint8Array,
    private readonly options: ComponentValidateOptions = {},
  ) {
    this.r = new Reader({ fail: (code, message, offset) => this.fail(code === 'WASM_MALFORMED' ? 'COMPONENT_MALFORMED' : 'COMPONENT_INVALID', message, offset) });
    this.r.bind(bytes, 0, bytes.length, 0, true);
    this.r.endMessage = 'unexpected end-of-file';
    const tree: TreeNode = { kind: 'component', label: 'component 0', offset: 0, children: [] };
    this.facts = {
      bytes: bytes.length,
      modules: [],
      coreInstances: [],
      components: [{ parent: -1, offset: 0, instantiations: 1 }],
      componentInstances: [],
      resources: [],
      resourceDefs: this.resourceOffsets,
      canons: [],
      imports: [],
      exports: [],
      tree,
      arena: this.arena,
      type: -1,
    };
  }

  fail(code: ComponentErrorCode, message: string, offset: number = this.r.offset): never {
    throw new ComponentError(code, message, { ...(this.options.file !== undefined ? { file: this.options.file } : {}), offset, field: this.section }, this.section);
  }

  private invalid(message: string, offset?: number): never {
    return this.fail('COMPONENT_INVALID', message, offset);
  }

  private malformed(message: string, offset?: number): never {
    return this.fail('COMPONENT_MALFORMED', message, offset);
  }

  private gated(feature: string, offset?: number): never {
    return this.fail('COMPONENT_UNSUPPORTED', `${feature} is a gated Component Model feature this toolchain does not support`, offset);
  }

  run(): ComponentFacts {
    this.header(0);
    this.push('component', this.bytes.length, 0, this.facts.tree);
    let result = -1;
    for (let steps = 0; this.stack.length > 0; steps += 1) {
      if (steps > this.bytes.length * 4 + 16) this.invalid('validator did not progress (defect guard)');
      const scope = this.stack[this.stack.length - 1] as Scope;
      if (scope.kind === 'component') {
        const done = this.componentStep(scope);
        if (done !== null) result = done;
      } else {
        this.typeStep(scope);
      }
      if (this.arena.overweight !== null) this.invalid(`effective type size exceeds the limit of ${MAX_TYPE_WEIGHT}`);
      if (this.arena.overreach !== null) this.fail('COMPONENT_UNSUPPORTED', `${this.arena.overreach}: more than this toolchain bounds its checks for`);
      if (this.sub.exhausted) this.fail('COMPONENT_UNSUPPORTED', `type checks would take more than ${MAX_CHECK_STEPS} steps: more than this toolchain bounds its checks for`);
    }
    return { ...this.facts, type: result };
  }

  private header(at: number): void {
    const r = this.r;
    r.bind(this.bytes, at, this.r.end, 0, true);
    const magic = r.bytes(4);
    if (magic[0] !== 0 || magic[1] !== 0x61 || magic[2] !== 0x73 || magic[3] !== 0x6d) this.malformed('magic header not detected', at);
    const version = r.u8() | (r.u8() << 8);
    const layer = r.u8() | (r.u8() << 8);
    if (layer !== COMPONENT_LAYER || version !== COMPONENT_VERSION) this.malformed(`unknown binary version and encoding (version ${hex(version)}, layer ${layer})`, at + 4);
  }

  private push(kind: ScopeKind, end: number, def: number, tree: TreeNode): Scope {
    if (this.stack.length >= MAX_DEPTH) this.fail('COMPONENT_UNSUPPORTED', `nesting deeper than ${MAX_DEPTH} scopes`);
    const scope: Scope = {
      kind,
      spaces: newSpaces(),
      imports: new Map(),
      exports: new Map(),
      importKeys: new Map(),
      exportKeys: new Map(),
      importResources: new Map(),
      exportResources: new Map(),
      namedImports: new Set(),
      namedExports: new Set(),
      localResources: new Set(),
      startId: this.arena.nodes.length,
      end,
      sectionEnd: end,
      sectionId: -1,
      itemsLeft: 0,
      componentDefs: [],
      moduleDefs: [],
      def,
      tree,
    };
    this.stack.push(scope);
    return scope;
  }

  private parent(): Scope {
    return this.stack[this.stack.length - 1] as Scope;
  }

  // ---- component scopes: sections -------------------------------------------------------------

  /** One item of a component: a section header, one vector item, or the end. Returns the type at the end. */
  private componentStep(s: Scope): number | null {
    const r = this.r;
    if (s.itemsLeft > 0) {
      s.itemsLeft -= 1;
      r.end = s.sectionEnd;
      this.componentItem(s);
      return null;
    }
    if (s.sectionId >= 0) {
      if (r.pos !== s.sectionEnd) this.malformed('unexpected content after last item (section size mismatch)', r.pos);
      s.sectionId = -1;
    }
    r.end = s.end;
    if (r.pos >= s.end) return this.finishComponent(s);
    const at = r.pos;
    const id = r.u8();
    this.section = SECTION_NAMES[id] ?? `section ${id}`;
    const size = r.u32();
    if (size > s.end - r.pos) this.malformed('unexpected end-of-file: section size past the end', at);
    s.sectionEnd = r.pos + size;
    s.sectionId = id;
    r.end = s.sectionEnd;
    this.section = SECTION_NAMES[id] ?? `section ${id}`;
    switch (id) {
      case 0:
        r.name();
        r.pos = s.sectionEnd;
        return null;
      case 1:
        this.coreModule(s, at, s.sectionEnd);
        return null;
      case 4: {
        const def = this.facts.components.length;
        this.facts.components.push({ parent: s.def, offset: at, instantiations: 0 });
        const tree: TreeNode = { kind: 'component', label: `component ${def}`, offset: at, children: [] };
        s.tree.children.push(tree);
        const start = r.pos;
        this.header(start);
        r.bind(this.bytes, start + 8, s.sectionEnd, 0, true);
        this.push('component', s.sectionEnd, def, tree);
        return null;
      }
      case 9:
        return this.gated('the start section (🪙 values)', at);
      case 12:
        return this.gated('the value section (🪙 values)', at);
      case 2:
      case 3:
      case 5:
      case 6:
      case 7:
      case 8:
      case 10:
      case 11:
        s.itemsLeft = r.u32();
        if (s.itemsLeft > size) this.malformed('unexpected end-of-file: more items than bytes', at);
        s.tree.children.push({ kind: 'section', label: `${this.section}: ${s.itemsLeft} item${s.itemsLeft === 1 ? '' : 's'}`, offset: at, children: [] });
        return null;
      default:
        return this.malformed(`malformed section id: ${id}`, at);
    }
  }

  private componentItem(s: Scope): void {
    switch (s.sectionId) {
      case 2:
        return this.coreInstance(s);
      case 3:
        return this.coreTypeDef(s, s.spaces.coreType);
      case 5:
        return this.instance(s);
      case 6:
        return this.alias(s);
      case 7:
        return this.typeDef(s);
      case 8:
        return this.canon(s);
      case 10:
        return this.importDecl(s, 'import');
      case 11:
        return this.exportDef(s);
      default:
        this.malformed(`malformed section id: ${s.sectionId}`);
    }
  }

  private finishComponent(s: Scope): number | null {
    const type = this.closeType(s);
    this.stack.pop();
    if (this.stack.length === 0) {
      this.facts.imports.push(...[...s.imports].map(([name, e]) => ({ name, ...e })));
      this.facts.exports.push(...[...s.exports].map(([name, e]) => ({ name, ...e })));
      return type;
    }
    const p = this.parent();
    p.spaces.component.push(type);
    p.componentDefs.push(s.def);
    this.r.bind(this.bytes, s.end, p.sectionEnd, 0, true);
    p.sectionId = 4;
    p.itemsLeft = 0;
    this.section = 'component section';
    return null;
  }

  /** The component type of a finished component or component-type scope. */
  private closeType(s: Scope): number {
    const canonical = (id: number): number => this.arena.canonicalResource(id);
    const imported = new Set<number>();
    for (const e of s.imports.values()) for (const id of this.externResources(e)) imported.add(canonical(id));
    const defined = new Set<number>();
    for (const e of s.exports.values()) {
      for (const id of this.externResources(e)) if (canonical(id) >= s.startId && !imported.has(canonical(id))) defined.add(canonical(id));
    }
    return this.arena.add({ k: 'component', imports: new Map(s.imports), exports: new Map(s.exports), defined: [...defined] });
  }

  /** An instance type; the abstract resources it declares are new for each import or export of it. */
  private closeInstanceType(s: Scope): number {
    const id = this.arena.add({ k: 'instance', exports: new Map(s.exports) });
    const own = new Set<number>();
    for (const e of s.exports.values()) {
      for (const r of this.externResources(e)) {
        const c = this.arena.canonicalResource(r);
        const node = this.arena.node(c);
        if (c >= s.startId && node.k === 'resource' && node.abstract) own.add(c);
      }
    }
    if (own.size > 0) this.instanceAbstracts.set(id, [...own]);
    return id;
  }

  /** `ext` with fresh resources for those its instance type declares (each imported instance has its own). */
  private freshInstance(s: Scope, ext: Extern): Extern {
    if (ext.sort !== 'instance') return ext;
    const abstracts = this.instanceAbstracts.get(ext.id);
    if (abstracts === undefined) return ext;
    const map: ResourceMap = new Map();
    for (const r of abstracts) map.set(r, this.arena.add({ k: 'resource', rep: null, dtor: null, abstract: true, scope: s.def }));
    const fresh = this.sub.substitute(ext, map);
    this.instanceAbstracts.set(fresh.id, abstracts.map((r) => map.get(r) as number));
    return fresh;
  }

  private externResources(e: Extern): readonly number[] {
    if (e.sort === 'core-module') return [];
    if (e.sort === 'value') return this.arena.valFacts(e.id).resources;
    return this.arena.facts[e.id]?.resources ?? [];
  }

  // ---- core modules and core instances --------------------------------------------------------

  private coreModule(s: Scope, at: number, end: number): void {
    const start = this.r.pos;
    let report: WasmReport;
    try {
      // The component model's core modules may use multi-memory (its tests do: linking/unit.wast).
      report = validateWasm(this.bytes.subarray(start, end), { multiMemory: true });
    } catch (error) {
      if (error instanceof WrtError && (error.code === 'WASM_MALFORMED' || error.code === 'WASM_INVALID')) {
        this.fail(error.code === 'WASM_MALFORMED' ? 'COMPONENT_MALFORMED' : 'COMPONENT_INVALID', `core module: ${error.message}`, start + (error.location.offset ?? 0));
      }
      throw error;
    }
    const imports = report.imports.map((imp) => ({ module: imp.module, name: imp.name, ext: { kind: coreKind(imp.kind), type: imp.type } }));
    // Components name a core import by its two-level name alone: a repeated pair is ambiguous.
    const pairs = new Set<string>();
    for (const imp of report.imports) {
      const key = `${imp.module}\u0000${imp.name}`;
      if (pairs.has(key)) this.invalid(`duplicate import name \`${imp.module}:${imp.name}\``, start + imp.offset);
      pairs.add(key);
    }
    const exports = new Map(report.exports.map((exp) => [exp.name, { kind: coreKind(exp.kind), type: exp.type } as CoreExtern]));
    const id = this.arena.add({ k: 'module', imports, exports });
    const index = this.facts.modules.length;
    this.facts.modules.push({
      index,
      offset: at,
      bytes: end - start,
      sha256: createHash('sha256').update(this.bytes.subarray(start, end)).digest('hex'),
      report,
      code: this.bytes.subarray(start, end),
      component: s.def,
      instantiations: 0,
    });
    s.tree.children.push({ kind: 'core module', label: `core module ${index} (${end - start} B)`, offset: at, children: [] });
    s.spaces.coreModule.push(id);
    s.moduleDefs.push(index);
    this.r.pos = end;
  }

  private coreInstance(s: Scope): void {
    const r = this.r;
    const at = r.pos;
    const tag = r.u8();
    const exports = new Map<string, CoreExtern>();
    let moduleDef: number | null = null;
    if (tag === 0x00) {
      const moduleIndex = r.u32();
      const moduleId = this.index(s.spaces.coreModule, moduleIndex, 'module', at);
      moduleDef = s.moduleDefs[moduleIndex] ?? null;
      const count = r.u32();
      const args = new Map<string, number>();
      for (let i = 0; i < count; i += 1) {
        const name = r.name();
        const kind = r.u8();
        if (kind !== 0x12) this.malformed(`invalid leading byte (${hex(kind)}) for instantiation arg kind`);
        const inst = this.index(s.spaces.coreInstance, r.u32(), 'instance');
        if (args.has(name)) this.invalid(`duplicate module instantiation argument named \`${name}\``);
        args.set(name, inst);
      }
      const module = this.arena.node(moduleId);
      if (module.k !== 'module') this.invalid('not a module', at);
      for (const imp of module.imports) {
        const inst = args.get(imp.module);
        if (inst === undefined) this.invalid(`missing module instantiation argument named \`${imp.module}\``, at);
        const node = this.arena.node(inst);
        const have = node.k === 'core-instance' ? node.exports.get(imp.name) : undefined;
        if (have === undefined) this.invalid(`module instantiation argument \`${imp.module}\` does not export an item named \`${imp.name}\``, at);
        if (have.kind !== imp.ext.kind) this.invalid(`type mismatch for export \`${imp.name}\` of module instantiation argument \`${imp.module}\`: expected ${imp.ext.kind}, found ${have.kind}`, at);
        if (!coreSubtype(have, imp.ext)) this.invalid(`type mismatch for export \`${imp.name}\` of module instantiation argument \`${imp.module}\`: expected ${imp.ext.type}, found ${have.type}`, at);
      }
      for (const [name, ext] of module.exports) exports.set(name, ext);
      this.facts.coreInstances.push({ module: moduleDef, component: s.def, offset: at });
    } else if (tag === 0x01) {
      const count = r.u32();
      for (let i = 0; i < count; i += 1) {
        const name = r.name();
        const { sort, index } = this.coreSortIdx();
        if (exports.has(name)) this.invalid(`export name \`${name}\` already defined`);
        exports.set(name, this.coreExternOf(s, sort, index));
      }
      this.facts.coreInstances.push({ module: null, component: s.def, offset: at });
    } else {
      this.malformed(`invalid leading byte (${hex(tag)}) for core instance`, at);
    }
    const label = moduleDef === null ? 'from exports' : `of core module ${moduleDef}`;
    this.sectionTree(s).children.push({ kind: 'core instance', label: `core instance ${s.spaces.coreInstance.length} ${label}`, offset: at, children: [] });
    s.spaces.coreInstance.push(this.arena.add({ k: 'core-instance', exports }));
  }

  private coreSortIdx(): { sort: AnySort; index: number } {
    const r = this.r;
    const at = r.pos;
    const sort = this.coreSort(r.u8(), at);
    return { sort, index: r.u32() };
  }

  private coreSort(byte: number, at: number): AnySort {
    switch (byte) {
      case 0x00:
        return 'core-func';
      case 0x01:
        return 'core-table';
      case 0x02:
        return 'core-memory';
      case 0x03:
        return 'core-global';
      case 0x04:
        return 'core-tag';
      case 0x10:
        return 'core-type';
      case 0x11:
        return 'core-module';
      case 0x12:
        return 'core-instance';
      default:
        return this.malformed(`invalid leading byte (${hex(byte)}) for core sort`, at);
    }
  }

  private coreExternOf(s: Scope, sort: AnySort, index: number): CoreExtern {
    switch (sort) {
      case 'core-func':
        return { kind: 'func', type: this.index(s.spaces.coreFunc, index, 'func') };
      case 'core-table':
        return { kind: 'table', type: this.index(s.spaces.coreTable, index, 'table') };
      case 'core-memory':
        return { kind: 'memory', type: this.index(s.spaces.coreMemory, index, 'memory') };
      case 'core-global':
        return { kind: 'global', type: this.index(s.spaces.coreGlobal, index, 'global') };
      case 'core-tag':
        return this.gated('core tags (exception handling)');
      default:
        return this.invalid(`core instance exports may only be functions, tables, memories and globals, not ${sort.slice(5)}`);
    }
  }

  /** The tree node of the section being read: its items hang below it. */
  private sectionTree(s: Scope): TreeNode {
    const last = s.tree.children[s.tree.children.length - 1];
    return last !== undefined && last.kind === 'section' ? last : s.tree;
  }

  private index<T>(space: readonly T[], index: number, what: string, at?: number): T {
    const value = space[index];
    if (value === undefined) this.invalid(`unknown ${what} ${index}: ${what} index out of bounds`, at);
    return value;
  }

  // ---- core types -----------------------------------------------------------------------------

  private coreValType(): number {
    const at = this.r.pos;
    const b = this.r.u8();
    if (b === 0x7f || b === 0x7e || b === 0x7d || b === 0x7c || b === 0x7b || b === 0x70 || b === 0x6f) return b;
    if (b === 0x64 || b === 0x63 || (b >= 0x69 && b <= 0x6e) || b === 0x71 || b === 0x72 || b === 0x73 || b === 0x74) return this.gated('GC reference types in core types', at);
    return this.malformed(`invalid leading byte (${hex(b)}) for core value type`, at);
  }

  private coreFuncType(): string {
    const r = this.r;
    const params: number[] = [];
    const results: number[] = [];
    const np = r.u32();
    for (let i = 0; i < np; i += 1) params.push(this.coreValType());
    const nr = r.u32();
    for (let i = 0; i < nr; i += 1) results.push(this.coreValType());
    return coreSig(params, results);
  }

  /** core:type into `space`: a function type or a module type. */
  private coreTypeDef(s: Scope, space: number[]): void {
    const r = this.r;
    const at = r.pos;
    const b = r.u8();
    if (b === 0x60) {
      space.push(this.arena.add({ k: 'core-func', sig: this.coreFuncType() }));
      return;
    }
    if (b === 0x50) {
      space.push(this.moduleType(s));
      return;
    }
    if (b === 0x00 || b === 0x4e || b === 0x4f || b === 0x5e || b === 0x5f) this.gated('GC core types (rec, sub, struct, array)', at);
    this.malformed(`invalid leading byte (${hex(b)}) for core type`, at);
  }

  private moduleType(s: Scope): number {
    const r = this.r;
    const types: number[] = [];
    const imports: { module: string; name: string; ext: CoreExtern }[] = [];
    const exports = new Map<string, CoreExtern>();
    const count = r.u32();
    for (let i = 0; i < count; i += 1) {
      const at = r.pos;
      const tag = r.u8();
      switch (tag) {
        case 0x00: {
          const module = r.name();
          const name = r.name();
          if (imports.some((imp) => imp.module === module && imp.name === name)) this.invalid(`duplicate import name \`${module}:${name}\``, at);
          imports.push({ module, name, ext: this.coreExternType(types) });
          break;
        }
        case 0x01: {
          const t = r.u8();
          // Inside a module type, 0x50 can only be a non-final GC subtype (module types do not nest).
          if (t === 0x50) this.gated('GC core types (rec, sub, struct, array)', at);
          if (t !== 0x60) {
            if (t === 0x00 || t === 0x4e || t === 0x4f || t === 0x5e || t === 0x5f) this.gated('GC core types', at);
            this.malformed(`invalid leading byte (${hex(t)}) for core type`, at);
          }
          types.push(this.arena.add({ k: 'core-func', sig: this.coreFuncType() }));
          break;
        }
        case 0x02: {
          const sort = r.u8();
          const kind = r.u8();
          if (sort !== 0x10) this.malformed(`invalid leading byte (${hex(sort)}) for outer alias kind`, at);
          if (kind !== 0x01) this.malformed(`invalid leading byte (${hex(kind)}) for outer alias target`, at);
          const count = r.u32();
          const index = r.u32();
          const target = this.outerScope(count, at, true);
          const id = count === 0 ? this.index(types, index, 'type', at) : this.index(target.spaces.coreType, index, 'type', at);
          if (this.arena.node(id).k === 'module') this.invalid('module types may not be aliased into module types', at);
          types.push(id);
          break;
        }
        case 0x03: {
          const name = r.name();
          if (exports.has(name)) this.invalid(`export name \`${name}\` already defined`, at);
          exports.set(name, this.coreExternType(types));
          break;
        }
        default:
          this.malformed(`invalid leading byte (${hex(tag)}) for module type declaration`, at);
      }
    }
    void s;
    return this.arena.add({ k: 'module', imports, exports });
  }

  private coreExternType(types: readonly number[]): CoreExtern {
    const r = this.r;
    const at = r.pos;
    const tag = r.u8();
    switch (tag) {
      case 0x00: {
        const id = this.index(types, r.u32(), 'type', at);
        const node = this.arena.node(id);
        if (node.k !== 'core-func') this.invalid('core type is not a function type', at);
        return { kind: 'func', type: node.sig };
      }
      case 0x01: {
        const elem = this.coreValType();
        if (elem !== 0x70 && elem !== 0x6f) this.malformed('table element type must be a reference type', at);
        return { kind: 'table', type: `${valueTypeName(elem)} ${this.coreLimits(false)}` };
      }
      case 0x02:
        return { kind: 'memory', type: `pages ${this.coreLimits(true)}` };
      case 0x03: {
        const t = this.coreValType();
        const m = r.u8();
        if (m > 1) this.malformed('malformed mutability', at);
        return { kind: 'global', type: `${m === 1 ? 'mut ' : ''}${valueTypeName(t)}` };
      }
      case 0x04:
        return this.gated('core tags (exception handling)', at);
      default:
        return this.malformed(`invalid leading byte (${hex(tag)}) for core external kind`, at);
    }
  }

  private coreLimits(memory: boolean): string {
    const r = this.r;
    const at = r.pos;
    const flags = r.u8();
    if (flags > 1) {
      if (memory && (flags & 0x02) !== 0) this.gated('shared memories (threads)', at);
      if ((flags & 0x04) !== 0) this.gated('64-bit memories and tables (memory64)', at);
      if ((flags & 0x08) !== 0) this.gated('custom page sizes', at);
      this.malformed('integer too large: malformed limits flags', at);
    }
    const min = r.u32();
    const max = flags === 1 ? r.u32() : null;
    if (memory && (min > 65536 || (max !== null && max > 65536))) this.invalid('memory size must be at most 65536 pages (4GiB)', at);
    if (max !== null && max < min) this.invalid('size minimum must not be greater than maximum', at);
    return `[${min}${max === null ? '' : `, ${max}`}]`;
  }

  // ---- component types ------------------------------------------------------------------------

  private typeDef(s: Scope): void {
    const id = this.defType(s);
    if (id !== null) s.spaces.type.push(id);
  }

  /** A deftype; null when it opened a component or instance type scope (pushed when that closes). */
  private defType(s: Scope): number | null {
    const r = this.r;
    const at = r.pos;
    const b = r.u8();
    switch (b) {
      case 0x40:
        return this.funcType(s);
      case 0x43:
        return this.gated('async functions (🔀)', at);
      case 0x41:
      case 0x42: {
        const count = r.u32();
        const kind: ScopeKind = b === 0x41 ? 'component-type' : 'instance-type';
        const scope = this.push(kind, s.kind === 'component' ? s.sectionEnd : s.end, s.def, s.tree);
        scope.itemsLeft = count;
        return null;
      }
      case 0x3f: {
        if (s.kind !== 'component') this.invalid('resources can only be defined within a concrete component', at);
        const rep = r.u8();
        if (rep === 0x7e) this.gated('64-bit resource representations (🐘)', at);
        if (rep !== 0x7f) this.invalid('resources can only be represented by `i32`', at);
        const has = r.u8();
        let dtor: number | null = null;
        if (has === 0x01) {
          dtor = r.u32();
          const sig = this.index(s.spaces.coreFunc, dtor, 'func', at);
          if (sig !== coreSig([I32], [])) this.invalid('wrong signature for a destructor: expected (i32) -> ()', at);
        } else if (has !== 0x00) this.malformed(`invalid leading byte (${hex(has)}) for optional destructor`, at);
        const id = this.arena.add({ k: 'resource', rep: 'i32', dtor, abstract: false, scope: s.def });
        s.localResources.add(id);
        this.facts.resources.push({ offset: at, rep: 'i32', destructor: dtor !== null, dtorIndex: dtor });
        this.resourceOffsets.set(this.arena.canonicalResource(id), at);
        return id;
      }
      default:
        return this.defValType(s, b, at);
    }
  }

  /** A label of a record, variant, flags, enum or parameter list: kebab case, strongly unique in `seen`. */
  private label(seen: Map<string, string>, what: string): string {
    const at = this.r.pos;
    const name = this.r.name();
    const problem = labelProblem(name);
    if (problem !== '') this.invalid(`${what} name ${problem === 'name cannot be empty' ? 'cannot be empty' : `\`${name}\` is not in kebab case`}`, at);
    const key = name.toLowerCase();
    const previous = seen.get(key);
    if (previous !== undefined) this.invalid(`${what} name \`${name}\` conflicts with previous ${what} name \`${previous}\``, at);
    seen.set(key, name);
    return name;
  }

  private labels(count: number, what: string): string[] {
    const seen = new Map<string, string>();
    const names: string[] = [];
    for (let i = 0; i < count; i += 1) names.push(this.label(seen, what));
    return names;
  }

  private labelled(s: Scope, count: number, what: string): (readonly [string, ValType])[] {
    const seen = new Map<string, string>();
    const out: (readonly [string, ValType])[] = [];
    for (let i = 0; i < count; i += 1) out.push([this.label(seen, what), this.valType(s)]);
    return out;
  }

  private optionalValType(s: Scope): ValType | null {
    const at = this.r.pos;
    const b = this.r.u8();
    if (b === 0x00) return null;
    if (b === 0x01) return this.valType(s);
    return this.malformed(`invalid leading byte (${hex(b)}) for optional value type`, at);
  }

  private valType(s: Scope): ValType {
    const at = this.r.pos;
    const v = this.r.blockType();
    if (v < 0) {
      const code = -v;
      if (code === 0x64) this.gated('error-context (📝)', at);
      if (code < 0x73 || code > 0x7f) this.malformed(`invalid leading byte (${hex(code)}) for component value type`, at);
      return v;
    }
    const id = this.index(s.spaces.type, v, 'type', at);
    const node = this.arena.node(id);
    if (!this.arena.isValueType(id)) this.invalid(`type index ${v} is not a defined type`, at);
    return node.k === 'prim' ? -node.p : id;
  }

  private defValType(s: Scope, b: number, at: number): number {
    const r = this.r;
    if (b >= 0x73 && b <= 0x7f) return this.arena.add({ k: 'prim', p: b });
    switch (b) {
      case 0x64:
        return this.gated('error-context (📝)', at);
      case 0x72: {
        const fields = this.labelled(s, r.u32(), 'record field');
        if (fields.length === 0) this.invalid('record type must have at least one field', at);
        return this.sized(this.arena.add({ k: 'record', fields }), at);
      }
      case 0x71: {
        const count = r.u32();
        const seen = new Map<string, string>();
        const cases: (readonly [string, ValType | null])[] = [];
        for (let i = 0; i < count; i += 1) {
          const name = this.label(seen, 'variant case');
          const t = this.optionalValType(s);
          const zeroAt = r.pos;
          const zero = r.u8();
          if (zero !== 0x00) this.malformed(`invalid leading byte (${hex(zero)}) for zero byte required`, zeroAt);
          cases.push([name, t]);
        }
        if (cases.length === 0) this.invalid('variant type must have at least one case', at);
        return this.sized(this.arena.add({ k: 'variant', cases }), at);
      }
      case 0x70:
        return this.arena.add({ k: 'list', t: this.valType(s) });
      case 0x67:
        return this.gated('fixed-size lists (🔧)', at);
      case 0x6f: {
        const count = r.u32();
        const ts: ValType[] = [];
        for (let i = 0; i < count; i += 1) ts.push(this.valType(s));
        if (ts.length === 0) this.invalid('tuple type must have at least one type', at);
        return this.sized(this.arena.add({ k: 'tuple', ts }), at);
      }
      case 0x6e: {
        const names = this.labels(r.u32(), 'flag');
        if (names.length === 0) this.invalid('flags must have at least one entry', at);
        if (names.length > 32) this.invalid('cannot have more than 32 flags', at);
        return this.arena.add({ k: 'flags', names });
      }
      case 0x6d: {
        const names = this.labels(r.u32(), 'enum tag');
        if (names.length === 0) this.invalid('enum type must have at least one variant', at);
        return this.arena.add({ k: 'enum', names });
      }
      case 0x6b:
        return this.sized(this.arena.add({ k: 'option', t: this.valType(s) }), at);
      case 0x6a: {
        const ok = this.optionalValType(s);
        const err = this.optionalValType(s);
        return this.sized(this.arena.add({ k: 'result', ok, err }), at);
      }
      case 0x69:
      case 0x68: {
        const index = r.u32();
        const id = this.index(s.spaces.type, index, 'type', at);
        if (this.arena.node(id).k !== 'resource') this.invalid(`type index ${index} is not a resource type`, at);
        return this.arena.add({ k: b === 0x69 ? 'own' : 'borrow', r: id });
      }
      case 0x66:
      case 0x65:
        return this.gated('streams and futures (🔀)', at);
      case 0x63:
        return this.gated('maps (🗺️)', at);
      default:
        return this.malformed(`invalid leading byte (${hex(b)}) for component defined type`, at);
    }
  }

  /** Canonical ABI: every value type's element size must stay below 2^28 bytes. */
  private sized(id: number, at: number): number {
    if (this.arena.valFacts(id).size >= 2 ** 28) this.invalid('effective type size exceeds the limit', at);
    return id;
  }

  private funcType(s: Scope): number {
    const r = this.r;
    const params = this.labelled(s, r.u32(), 'function parameter');
    const at = r.pos;
    const tag = r.u8();
    let result: ValType | null = null;
    if (tag === 0x00) result = this.valType(s);
    else if (tag === 0x01) {
      const zero = r.u8();
      if (zero !== 0x00) this.malformed(`invalid leading byte (${hex(zero)}) for number of results`, at + 1);
    } else this.malformed(`invalid leading byte (${hex(tag)}) for component function results`, at);
    if (result !== null && this.arena.valFacts(result).borrows) this.invalid('function result cannot contain a `borrow` type', at);
    return this.arena.add({ k: 'func', params, result });
  }

  /** One declaration of a component or instance type scope. */
  private typeStep(s: Scope): void {
    const r = this.r;
    if (s.itemsLeft === 0) {
      const id = s.kind === 'component-type' ? this.closeType(s) : this.closeInstanceType(s);
      this.stack.pop();
      const p = this.parent();
      if (p.kind === 'component' && p.sectionId === 7) p.spaces.type.push(id);
      else if (p.kind === 'component' && p.sectionId === 3) p.spaces.coreType.push(id);
      else p.spaces.type.push(id);
      r.end = p.kind === 'component' ? p.sectionEnd : p.end;
      return;
    }
    s.itemsLeft -= 1;
    const at = r.pos;
    const tag = r.u8();
    switch (tag) {
      case 0x00:
        this.coreTypeDef(s, s.spaces.coreType);
        return;
      case 0x01: {
        const id = this.defType(s);
        if (id !== null) s.spaces.type.push(id);
        return;
      }
      case 0x02:
        this.alias(s);
        return;
      case 0x03:
        if (s.kind !== 'component-type') this.malformed(`invalid leading byte (${hex(tag)}) for component or instance type declaration`, at);
        this.importDecl(s, 'import');
        return;
      case 0x04:
        this.importDecl(s, 'export');
        return;
      default:
        this.malformed(`invalid leading byte (${hex(tag)}) for component or instance type declaration`, at);
    }
  }

  // ---- names, imports and exports -------------------------------------------------------------

  private nameAttributes(): { name: string; at: number } {
    const r = this.r;
    const at = r.pos;
    const tag = r.u8();
    if (tag === 0x00 || tag === 0x01) return { name: r.name(), at };
    if (tag === 0x02) {
      const name = r.name();
      const count = r.u32();
      const seen = new Set<number>();
      for (let i = 0; i < count; i += 1) {
        const attrAt = r.pos;
        const kind = r.u8();
        if (kind > 0x02) this.malformed(`invalid leading byte (${hex(kind)}) for name option`, attrAt);
        if (seen.has(kind)) this.invalid('duplicate attribute in name', attrAt);
        seen.add(kind);
        r.name();
        if (kind === 0x00 || kind === 0x02) this.gated('the `implements` and `external-id` name attributes (🏷️)', attrAt);
        this.gated('the `versionsuffix` name attribute (🔗)', attrAt);
      }
      return { name, at };
    }
    return this.malformed(`invalid leading byte (${hex(tag)}) for component name`, at);
  }

  private checkName(s: Scope, name: string, at: number, which: 'import' | 'export', ext: Extern): ParsedName {
    return which === 'import'
      ? this.checkNameIn(s.importKeys, s.importResources, name, at, which, ext)
      : this.checkNameIn(s.exportKeys, s.exportResources, name, at, which, ext);
  }

  /** Name rules of one list of imports or exports: syntax, strong uniqueness, annotations. */
  private checkNameIn(keys: Map<string, string>, resources: Map<string, number>, name: string, at: number, which: 'import' | 'export', ext: Extern): ParsedName {
    const parsed = parseExternName(name, false, which === 'import');
    if (typeof parsed === 'string') {
      if (parsed.startsWith('nested interface names')) this.gated('nested interface names (🪺)', at);
      this.invalid(`${which} name \`${name}\` is not a valid extern name: ${parsed}`, at);
    }
    const key = uniquenessKey(name, parsed);
    const previous = keys.get(key);
    if (previous !== undefined) this.invalid(`${which} name \`${name}\` conflicts with previous name \`${previous}\``, at);
    keys.set(key, name);
    if (parsed.kind === 'constructor' || parsed.kind === 'method' || parsed.kind === 'static') {
      if (ext.sort !== 'func') this.invalid(`name \`${name}\` is not valid with a ${SORT_NAMES[ext.sort]}: only functions may be annotated`, at);
      const resource = resources.get(parsed.resource);
      if (resource === undefined) this.invalid(`${parsed.kind === 'static' ? 'static ' : ''}resource name \`${parsed.resource}\` is not known in this context: resource used in function does not have a name in this context`, at);
      const func = this.arena.node(ext.id);
      if (func.k !== 'func') this.invalid('not a function type', at);
      if (parsed.kind === 'constructor') {
        const result = func.result;
        const own = (t: ValType | null): boolean => t !== null && t >= 0 && this.arena.node(t).k === 'own' && (this.arena.node(t) as { r: number }).r === resource;
        const ok =
          own(result) ||
          (result !== null && result >= 0 && this.arena.node(result).k === 'result' && own((this.arena.node(result) as { ok: ValType | null }).ok));
        if (!ok) this.invalid(`function should return \`(own $T)\` or \`(result (own $T) E)\` for constructor of \`${parsed.resource}\``, at);
      } else if (parsed.kind === 'method') {
        const first = func.params[0];
        if (first === undefined) this.invalid('function should have at least one argument', at);
        if (first[0] !== 'self') this.invalid('function should have a first argument called `self`', at);
        const t = first[1];
        const node = t >= 0 ? this.arena.node(t) : null;
        if (node === null || node.k !== 'borrow' || node.r !== resource) this.invalid(`function should take a first argument of \`(borrow $T)\`: function does not match expected resource name \`${parsed.resource}\``, at);
      }
    }
    if (parsed.kind === 'label' && ext.sort === 'type' && this.arena.node(ext.id).k === 'resource') resources.set(parsed.label, ext.id);
    return parsed;
  }

  private externType(s: Scope): Extern {
    const r = this.r;
    const at = r.pos;
    const tag = r.u8();
    switch (tag) {
      case 0x00: {
        const sub = r.u8();
        if (sub !== 0x11) this.malformed(`invalid leading byte (${hex(sub)}) for component external kind`, at);
        const index = r.u32();
        const id = this.index(s.spaces.coreType, index, 'core type', at);
        if (this.arena.node(id).k !== 'module') this.invalid(`core type index ${index} is not a module type`, at);
        return { sort: 'core-module', id };
      }
      case 0x01: {
        const index = r.u32();
        const id = this.index(s.spaces.type, index, 'type', at);
        if (this.arena.node(id).k !== 'func') this.invalid(`type index ${index} is not a function type`, at);
        return { sort: 'func', id };
      }
      case 0x02:
        return this.gated('value imports and exports (🪙)', at);
      case 0x03: {
        const bound = r.u8();
        if (bound === 0x00) {
          const id = this.index(s.spaces.type, r.u32(), 'type', at);
          return { sort: 'type', id };
        }
        if (bound === 0x01) return { sort: 'type', id: this.arena.add({ k: 'resource', rep: null, dtor: null, abstract: true, scope: s.def }) };
        return this.malformed(`invalid leading byte (${hex(bound)}) for type bound`, at);
      }
      case 0x04:
      case 0x05: {
        const index = r.u32();
        const id = this.index(s.spaces.type, index, 'type', at);
        const want = tag === 0x04 ? 'component' : 'instance';
        if (this.arena.node(id).k !== want) this.invalid(`type index ${index} is not ${want === 'instance' ? 'an' : 'a'} ${want} type`, at);
        return { sort: want, id };
      }
      default:
        return this.malformed(`invalid leading byte (${hex(tag)}) for component external kind`, at);
    }
  }

  private importDecl(s: Scope, which: 'import' | 'export'): void {
    const { name, at } = this.nameAttributes();
    const before = this.arena.nodes.length;
    const declared = this.externType(s);
    // A `(sub resource)` bound is already a new type; an `(eq i)` bound names a new identity.
    const ext = declared.id >= before ? declared : this.freshInstance(s, this.renamed(s, declared));
    this.checkName(s, name, at, which, ext);
    if (s.kind !== 'instance-type') this.checkNamed(s, ext, at, which);
    (which === 'import' ? s.imports : s.exports).set(name, ext);
    this.addExtern(s, ext, null, which);
    if (s.kind === 'component' && which === 'import') {
      this.sectionTree(s).children.push({ kind: 'item', label: `import "${name}" (${SORT_NAMES[ext.sort]})`, offset: at, children: [] });
    }
  }

  /** An imported or exported type gets a new identity, which is the one with a name. */
  private renamed(s: Scope, ext: Extern): Extern {
    if (ext.sort !== 'type') return ext;
    const id = this.arena.rename(ext.id);
    if (s.localResources.has(ext.id)) s.localResources.add(id);
    return { sort: 'type', id };
  }

  /** Adds to the index space of its sort; names the types it brings. */
  private addExtern(s: Scope, ext: Extern, def: number | null, namedBy: 'import' | 'export' | null): void {
    const named = namedBy === 'import' ? s.namedImports : namedBy === 'export' ? s.namedExports : null;
    switch (ext.sort) {
      case 'core-module':
        s.spaces.coreModule.push(ext.id);
        s.moduleDefs.push(def);
        break;
      case 'func':
        s.spaces.func.push(ext.id);
        break;
      case 'value':
        s.spaces.value.push(ext.id);
        break;
      case 'type':
        s.spaces.type.push(ext.id);
        named?.add(ext.id);
        break;
      case 'component':
        s.spaces.component.push(ext.id);
        s.componentDefs.push(def);
        break;
      case 'instance': {
        s.spaces.instance.push(ext.id);
        if (named !== null) this.nameInstanceTypes(named, ext.id);
        break;
      }
    }
  }

  /** The types an imported or exported instance exports have names, and so do its instances' (a bag of exports counts). */
  private nameInstanceTypes(named: Set<number>, id: number): void {
    const pending = [id];
    for (let guard = 0; pending.length > 0 && guard < 1_000_000; guard += 1) {
      const node = this.arena.node(pending.pop() as number);
      if (node.k !== 'instance') continue;
      for (const e of node.exports.values()) {
        if (e.sort === 'type') named.add(e.id);
        else if (e.sort === 'instance') pending.push(e.id);
      }
    }
  }

  /** In a concrete component, an import or export may only use types that have a name. */
  private checkNamed(s: Scope, ext: Extern, at: number, which: 'import' | 'export'): void {
    const unnamed = (ids: readonly number[], local: ReadonlySet<number>): boolean =>
      ids.some((id) => !s.namedImports.has(id) && (which === 'import' || !s.namedExports.has(id)) && !local.has(id));
    const empty = new Set<number>();
    let bad = false;
    const kind = this.arena.node(ext.id).k;
    const shape = ext.sort === 'type' && (kind === 'func' || kind === 'instance') ? kind : ext.sort;
    switch (shape) {
      case 'type':
        if (this.arena.isValueType(ext.id)) bad = unnamed(this.arena.valFacts(ext.id).nominal, empty);
        break;
      case 'func': {
        const node = this.arena.node(ext.id);
        if (node.k === 'func') bad = unnamed(this.arena.facts[ext.id]?.nominal ?? [], empty);
        break;
      }
      case 'instance': {
        // Types an instance exports (and its instances export, in order) name what follows them.
        const local = new Set<number>();
        const pending = [ext.id];
        for (let guard = 0; pending.length > 0 && guard < 1_000_000; guard += 1) {
          const node = this.arena.node(pending.shift() as number);
          if (node.k !== 'instance') continue;
          for (const e of node.exports.values()) {
            if (e.sort === 'type') {
              if (this.arena.isValueType(e.id) && unnamed(this.arena.valFacts(e.id).nominal, local)) bad = true;
              local.add(e.id);
            } else if (e.sort === 'func' && unnamed(this.arena.facts[e.id]?.nominal ?? [], local)) bad = true;
            else if (e.sort === 'instance') {
              this.nameInstanceTypes(local, e.id);
              pending.push(e.id);
            }
          }
        }
        break;
      }
      default:
        break;
    }
    if (bad) this.invalid(`${SORT_NAMES[ext.sort]} not valid to be used as ${which}: it refers to a type without a name here`, at);
  }

  private exportDef(s: Scope): void {
    const r = this.r;
    const { name, at } = this.nameAttributes();
    const { sort, index } = this.sortIdx();
    let ext = this.externOf(s, sort, index, at);
    const has = r.u8();
    let ascribedFresh = false;
    if (has === 0x01) {
      const before = this.arena.nodes.length;
      const ascribed = this.externType(s);
      ascribedFresh = ascribed.id >= before;
      const map: ResourceMap = new Map();
      const mismatch = this.sub.externMismatch(ext, ascribed, map);
      if (mismatch !== null) this.invalid(`ascribed type of export is not compatible with item's type: ${mismatch}`, at);
      ext = ascribed;
    } else if (has !== 0x00) this.malformed(`invalid leading byte (${hex(has)}) for optional component export type`, at);
    this.checkNamed(s, ext, at, 'export');
    this.checkExportResources(s, ext, at);
    if (!ascribedFresh) ext = this.renamed(s, ext);
    this.checkName(s, name, at, 'export', ext);
    s.exports.set(name, ext);
    this.addExtern(s, ext, ext.sort === 'component' ? (s.componentDefs[index] ?? null) : ext.sort === 'core-module' ? (s.moduleDefs[index] ?? null) : null, 'export');
    this.sectionTree(s).children.push({ kind: 'item', label: `export "${name}" (${SORT_NAMES[ext.sort]})`, offset: at, children: [] });
  }

  /** Exports may not carry a borrow in a value, nor resources the component cannot name. */
  private checkExportResources(s: Scope, ext: Extern, at: number): void {
    if (ext.sort === 'type' && this.arena.isValueType(ext.id) && this.arena.valFacts(ext.id).borrows) {
      this.invalid('type not valid to be used as export: exported value types may not contain a `borrow`', at);
    }
    void s;
  }

  private sortIdx(): { sort: AnySort; index: number } {
    const r = this.r;
    const at = r.pos;
    const b = r.u8();
    let sort: AnySort;
    switch (b) {
      case 0x00:
        sort = this.coreSort(r.u8(), at);
        break;
      case 0x01:
        sort = 'func';
        break;
      case 0x02:
        return this.gated('values (🪙)', at);
      case 0x03:
        sort = 'type';
        break;
      case 0x04:
        sort = 'component';
        break;
      case 0x05:
        sort = 'instance';
        break;
      default:
        return this.malformed(`invalid leading byte (${hex(b)}) for sort`, at);
    }
    return { sort, index: r.u32() };
  }

  private externOf(s: Scope, sort: AnySort, index: number, at: number): Extern {
    switch (sort) {
      case 'func':
        return { sort, id: this.index(s.spaces.func, index, 'func', at) };
      case 'type':
        return { sort, id: this.index(s.spaces.type, index, 'type', at) };
      case 'component':
        return { sort, id: this.index(s.spaces.component, index, 'component', at) };
      case 'instance':
        return { sort, id: this.index(s.spaces.instance, index, 'instance', at) };
      case 'core-module':
        return { sort, id: this.index(s.spaces.coreModule, index, 'module', at) };
      default:
        return this.invalid(`a core ${sort.slice(5)} is not valid here: only core modules may be exported or passed to components`, at);
    }
  }

  // ---- instances ------------------------------------------------------------------------------

  private instance(s: Scope): void {
    const r = this.r;
    const at = r.pos;
    const tag = r.u8();
    if (tag === 0x00) {
      const componentIndex = r.u32();
      const componentId = this.index(s.spaces.component, componentIndex, 'component', at);
      const def = s.componentDefs[componentIndex] ?? null;
      const count = r.u32();
      const args = new Map<string, Extern>();
      for (let i = 0; i < count; i += 1) {
        const argAt = r.pos;
        const name = r.name();
        const { sort, index } = this.sortIdx();
        if (args.has(name)) this.invalid(`instantiation argument \`${name}\` conflicts with previous argument \`${name}\``, argAt);
        args.set(name, this.externOf(s, sort, index, argAt));
      }
      const component = this.arena.node(componentId);
      if (component.k !== 'component') this.invalid('not a component', at);
      const map: ResourceMap = new Map();
      for (const [name, expected] of component.imports) {
        const actual = args.get(name);
        if (actual === undefined) this.invalid(`missing import named \`${name}\``, at);
        const mismatch = this.sub.externMismatch(actual, expected, map);
        if (mismatch !== null) this.invalid(`type mismatch for import \`${name}\`: ${mismatch}`, at);
      }
      for (const resource of component.defined) {
        map.set(resource, this.arena.add({ k: 'resource', rep: 'i32', dtor: null, abstract: false, scope: s.def }));
      }
      const exports = new Map<string, Extern>();
      for (const [name, ext] of component.exports) exports.set(name, this.sub.substitute(ext, map));
      const id = this.arena.add({ k: 'instance', exports });
      this.facts.componentInstances.push({ component: def, scope: s.def, offset: at });
      this.sectionTree(s).children.push({ kind: 'instance', label: `instance ${s.spaces.instance.length} of component ${def ?? `(index ${componentIndex})`}`, offset: at, children: [] });
      s.spaces.instance.push(id);
      return;
    }
    if (tag === 0x01) {
      const count = r.u32();
      const exports = new Map<string, Extern>();
      const keys = new Map<string, string>();
      const resources = new Map<string, number>();
      for (let i = 0; i < count; i += 1) {
        const { name, at: nameAt } = this.nameAttributes();
        const { sort, index } = this.sortIdx();
        const ext = this.renamed(s, this.externOf(s, sort, index, nameAt));
        this.checkNameIn(keys, resources, name, nameAt, 'export', ext);
        exports.set(name, ext);
      }
      this.sectionTree(s).children.push({ kind: 'instance', label: `instance ${s.spaces.instance.length} from exports`, offset: at, children: [] });
      s.spaces.instance.push(this.arena.add({ k: 'instance', exports }));
      return;
    }
    this.malformed(`invalid leading byte (${hex(tag)}) for instance`, at);
  }

  // ---- aliases --------------------------------------------------------------------------------

  private alias(s: Scope): void {
    const r = this.r;
    const at = r.pos;
    const first = r.u8();
    const sort: AnySort = first === 0x00 ? this.coreSort(r.u8(), at) : this.componentSort(first, at);
    const tag = r.u8();
    const inType = s.kind !== 'component';
    switch (tag) {
      case 0x00: {
        const instanceIndex = r.u32();
        const name = r.name();
        if (inType && sort !== 'instance' && sort !== 'type') this.invalid('export aliases in types may only refer to types or instances', at);
        const id = this.index(s.spaces.instance, instanceIndex, 'instance', at);
        const node = this.arena.node(id);
        const ext = node.k === 'instance' ? node.exports.get(name) : undefined;
        if (ext === undefined) this.invalid(`instance ${instanceIndex} has no export named \`${name}\``, at);
        if (ext.sort !== sort) this.invalid(`export \`${name}\` for instance ${instanceIndex} is not a ${sort.startsWith('core-') ? sort.slice(5) : sort}`, at);
        this.addExtern(s, ext, null, null);
        return;
      }
      case 0x01: {
        const instanceIndex = r.u32();
        const name = r.name();
        if (inType) this.invalid('core export aliases are not allowed in types', at);
        const id = this.index(s.spaces.coreInstance, instanceIndex, 'core instance', at);
        const node = this.arena.node(id);
        const ext = node.k === 'core-instance' ? node.exports.get(name) : undefined;
        if (ext === undefined) this.invalid(`core instance ${instanceIndex} has no export named \`${name}\``, at);
        const want = sort.startsWith('core-') ? sort.slice(5) : sort;
        if (ext.kind !== want) this.invalid(`export \`${name}\` for core instance ${instanceIndex} is not a ${want}`, at);
        switch (ext.kind) {
          case 'func':
            s.spaces.coreFunc.push(ext.type);
            break;
          case 'table':
            s.spaces.coreTable.push(ext.type);
            break;
          case 'memory':
            s.spaces.coreMemory.push(ext.type);
            break;
          case 'global':
            s.spaces.coreGlobal.push(ext.type);
            break;
          default:
            this.gated('core tags (exception handling)', at);
        }
        return;
      }
      case 0x02: {
        const count = r.u32();
        const index = r.u32();
        const allowed = inType ? sort === 'core-type' || sort === 'type' : sort === 'core-type' || sort === 'type' || sort === 'core-module' || sort === 'component';
        if (!allowed) {
          this.invalid(`outer aliases ${inType ? 'in types may only refer to types or instances' : `may only refer to types, core types, modules and components, not ${sort}`}`, at);
        }
        const target = this.outerScope(count, at, false);
        switch (sort) {
          case 'core-type':
            s.spaces.coreType.push(this.index(target.spaces.coreType, index, 'core type', at));
            return;
          case 'type': {
            const id = this.index(target.spaces.type, index, 'type', at);
            if (this.crossesComponent(count) && (this.arena.facts[id]?.resources.length ?? 0) > 0) {
              this.invalid('outer alias of a type that transitively refers to resources not defined in the current component', at);
            }
            s.spaces.type.push(id);
            return;
          }
          case 'core-module':
            s.spaces.coreModule.push(this.index(target.spaces.coreModule, index, 'module', at));
            s.moduleDefs.push(target.moduleDefs[index] ?? null);
            return;
          case 'component':
            s.spaces.component.push(this.index(target.spaces.component, index, 'component', at));
            s.componentDefs.push(target.componentDefs[index] ?? null);
            return;
          default:
            this.invalid(`outer aliases may only refer to types, core types, modules and components, not ${sort}`, at);
        }
        return;
      }
      default:
        this.malformed(`invalid leading byte (${hex(tag)}) for alias`, at);
    }
  }

  private componentSort(b: number, at: number): AnySort {
    switch (b) {
      case 0x01:
        return 'func';
      case 0x02:
        return this.gated('values (🪙)', at);
      case 0x03:
        return 'type';
      case 0x04:
        return 'component';
      case 0x05:
        return 'instance';
      default:
        return this.malformed(`invalid leading byte (${hex(b)}) for sort`, at);
    }
  }

  /** The scope `count` levels out (module types count as a scope of their own: moduleType says so). */
  private outerScope(count: number, at: number, inModuleType: boolean): Scope {
    const available = this.stack.length - 1 + (inModuleType ? 1 : 0);
    if (count > available) this.invalid(`invalid outer alias count of ${count}`, at);
    const depth = inModuleType ? count - 1 : count;
    return this.stack[this.stack.length - 1 - Math.max(0, depth)] as Scope;
  }

  private crossesComponent(count: number): boolean {
    for (let i = 0; i < count; i += 1) {
      const scope = this.stack[this.stack.length - 1 - i] as Scope;
      if (scope.kind === 'component') return true;
    }
    return false;
  }

  // ---- canonical definitions ------------------------------------------------------------------

  private canon(s: Scope): void {
    const r = this.r;
    const at = r.pos;
    const tag = r.u8();
    switch (tag) {
      case 0x00: {
        const zero = r.u8();
        if (zero !== 0x00) this.malformed(`invalid leading byte (${hex(zero)}) for canonical function lift`, at + 1);
        const coreIndex = r.u32();
        const sig = this.index(s.spaces.coreFunc, coreIndex, 'core func', at);
        const opts = this.canonOptions(s, 'lift');
        const typeIndex = r.u32();
        const funcId = this.index(s.spaces.type, typeIndex, 'type', at);
        const func = this.arena.node(funcId);
        if (func.k !== 'func') this.invalid(`type index ${typeIndex} is not a function type`, at);
        const flat = this.flatten(func.params.map((p) => p[1]), func.result);
        const params = flat.params.length > MAX_FLAT ? [I32] : flat.params;
        const results = flat.results.length > 1 ? [I32] : flat.results;
        const expected = coreSig(params, results);
        if (sig !== expected) this.invalid(`lowered function type \`${expected}\` does not match core function ${coreIndex} of type \`${sig}\``, at);
        const needsMemory = flat.memory || flat.params.length > MAX_FLAT || flat.results.length > 1;
        if (needsMemory && !opts.memory) this.invalid('canonical option `memory` is required', at);
        if ((flat.paramMemory || flat.params.length > MAX_FLAT) && !opts.realloc) this.invalid('canonical option `realloc` is required', at);
        if (opts.postReturn !== null && opts.postReturn !== coreSig(results, [])) this.invalid('canonical option `post-return` uses a core function with an incorrect signature', at);
        s.spaces.func.push(funcId);
        this.facts.canons.push({ kind: 'lift', stringEncoding: opts.encoding, memory: opts.memory, realloc: opts.realloc, postReturn: opts.postReturn !== null, offset: at, type: funcId });
        return;
      }
      case 0x01: {
        const zero = r.u8();
        if (zero !== 0x00) this.malformed(`invalid leading byte (${hex(zero)}) for canonical function lower`, at + 1);
        const funcIndex = r.u32();
        const funcId = this.index(s.spaces.func, funcIndex, 'func', at);
        const opts = this.canonOptions(s, 'lower');
        const func = this.arena.node(funcId);
        if (func.k !== 'func') this.invalid('not a function type', at);
        const flat = this.flatten(func.params.map((p) => p[1]), func.result);
        const params = flat.params.length > MAX_FLAT ? [I32] : [...flat.params];
        let results = flat.results;
        if (results.length > 1) {
          params.push(I32);
          results = [];
        }
        const needsMemory = flat.memory || flat.params.length > MAX_FLAT || flat.results.length > 1;
        if (needsMemory && !opts.memory) this.invalid('canonical option `memory` is required', at);
        if (flat.resultMemory && !opts.realloc) this.invalid('canonical option `realloc` is required', at);
        s.spaces.coreFunc.push(coreSig(params, results));
        this.facts.canons.push({ kind: 'lower', stringEncoding: opts.encoding, memory: opts.memory, realloc: opts.realloc, postReturn: false, offset: at, type: funcId });
        return;
      }
      case 0x02:
      case 0x03:
      case 0x04: {
        const typeIndex = r.u32();
        const id = this.index(s.spaces.type, typeIndex, 'type', at);
        if (this.arena.node(id).k !== 'resource') this.invalid(`type index ${typeIndex} is not a resource type`, at);
        if (tag !== 0x03 && !s.localResources.has(this.arena.canonicalResource(id))) this.invalid('not a local resource: only resources defined in this component can be created or read', at);
        s.spaces.coreFunc.push(tag === 0x02 ? coreSig([I32], [I32]) : tag === 0x03 ? coreSig([I32], []) : coreSig([I32], [I32]));
        const kind = tag === 0x02 ? 'resource.new' : tag === 0x03 ? 'resource.drop' : 'resource.rep';
        const resource = this.resourceOffsets.get(this.arena.canonicalResource(id)) ?? -1;
        this.facts.canons.push({ kind, stringEncoding: 'utf8', memory: false, realloc: false, postReturn: false, offset: at, type: -1, resource });
        return;
      }
      case 0x07:
      case 0x08:
        return this.gated('resource.drop async and 64-bit handles', at);
      default:
        if ((tag >= 0x05 && tag <= 0x2d) || (tag >= 0x40 && tag <= 0x42)) this.gated(`canonical built-in ${hex(tag)} (async, error-context or threads)`, at);
        this.malformed(`invalid leading byte (${hex(tag)}) for canonical function`, at);
    }
  }

  private canonOptions(s: Scope, kind: 'lift' | 'lower'): { encoding: CanonFacts['stringEncoding']; memory: boolean; realloc: boolean; postReturn: string | null } {
    const r = this.r;
    const count = r.u32();
    let encoding: CanonFacts['stringEncoding'] | null = null;
    let memory = false;
    let realloc = false;
    let postReturn: string | null = null;
    const names = ['string-encoding=utf8', 'string-encoding=utf16', 'string-encoding=latin1+utf16', 'memory', 'realloc', 'post-return'];
    const seen = new Set<number>();
    for (let i = 0; i < count; i += 1) {
      const at = r.pos;
      const b = r.u8();
      if (b === 0x06 || b === 0x07) this.gated('async lifting and lowering (🔀)', at);
      if (b > 0x07) {
        if (b === 0x08 || b === 0x09) this.gated('GC canonical options', at);
        this.malformed(`invalid leading byte (${hex(b)}) for canonical option`, at);
      }
      if (seen.has(b)) this.invalid(`canonical option \`${names[b]}\` is specified more than once`, at);
      seen.add(b);
      if (b <= 0x02) {
        const value = (['utf8', 'utf16', 'latin1+utf16'] as const)[b] as CanonFacts['stringEncoding'];
        if (encoding !== null) this.invalid(`canonical encoding option \`${value}\` conflicts with option \`${encoding}\``, at);
        encoding = value;
      } else if (b === 0x03) {
        const type = this.index(s.spaces.coreMemory, r.u32(), 'memory', at);
        if (!type.startsWith('pages')) this.invalid('canonical option `memory` must be a 32-bit memory', at);
        memory = true;
      } else if (b === 0x04) {
        const sig = this.index(s.spaces.coreFunc, r.u32(), 'func', at);
        if (sig !== REALLOC_SIG) this.invalid('canonical option `realloc` uses a core function with an incorrect signature', at);
        realloc = true;
      } else {
        const sig = this.index(s.spaces.coreFunc, r.u32(), 'func', at);
        if (kind === 'lower') this.invalid('canonical option `post-return` cannot be specified for lowerings', at);
        postReturn = sig;
      }
    }
    if (realloc && !memory) this.invalid('canonical option `realloc` requires `memory` to also be specified');
    return { encoding: encoding ?? 'utf8', memory, realloc, postReturn };
  }

  private flatten(params: readonly ValType[], result: ValType | null): { params: number[]; results: number[]; memory: boolean; paramMemory: boolean; resultMemory: boolean } {
    const flatParams: number[] = [];
    let paramMemory = false;
    for (const p of params) {
      const f = this.arena.valFacts(p);
      if (flatParams.length <= MAX_FLAT) flatParams.push(...f.flat);
      paramMemory ||= f.memory;
    }
    const rf = result === null ? null : this.arena.valFacts(result);
    const results = rf === null ? [] : [...rf.flat];
    const resultMemory = rf?.memory ?? false;
    return { params: flatParams.slice(0, MAX_FLAT + 1), results, memory: paramMemory || resultMemory, paramMemory, resultMemory };
  }
}

const SECTION_NAMES: Record<number, string> = {
  0: 'custom section',
  1: 'core module section',
  2: 'core instance section',
  3: 'core type section',
  4: 'component section',
  5: 'instance section',
  6: 'alias section',
  7: 'type section',
  8: 'canon section',
  9: 'start section',
  10: 'import section',
  11: 'export section',
  12: 'value section',
};

function coreKind(kind: 'function' | 'table' | 'memory' | 'global'): CoreKind {
  return kind === 'function' ? 'func' : kind;
}

function coreSubtype(actual: CoreExtern, expected: CoreExtern): boolean {
  if (actual.type === expected.type) return true;
  return (actual.kind === 'table' || actual.kind === 'memory') && limitsWithin(actual.type, expected.type);
}

/** Computes, for each core module and component definition, how often one instantiation of the file instantiates it. */
export function resolveMultiplicity(facts: ComponentFacts): void {
  const comps = facts.components;
  for (const c of comps) c.instantiations = 0;
  (comps[0] as { instantiations: number }).instantiations = 1;
  for (let pass = 0; pass < comps.length + 1; pass += 1) {
    let changed = false;
    for (let c = 1; c < comps.length; c += 1) {
      let total = 0;
      for (const inst of facts.componentInstances) if (inst.component === c) total += comps[inst.scope]?.instantiations ?? 0;
      const comp = comps[c] as { instantiations: number };
      if (comp.instantiations !== total) {
        comp.instantiations = total;
        changed = true;
      }
    }
    if (!changed) break;
  }
  for (const m of facts.modules) m.instantiations = 0;
  for (const inst of facts.coreInstances) {
    if (inst.module === null) continue;
    const m = facts.modules[inst.module];
    if (m !== undefined) m.instantiations += comps[inst.component]?.instantiations ?? 0;
  }
}

/** Validates a component binary held in memory. Every failure is a ComponentError with a byte offset. */
export function validateComponent(bytes: Uint8Array, options: ComponentValidateOptions = {}): ComponentFacts {
  try {
    const facts = new ComponentValidator(bytes, options).run();
    resolveMultiplicity(facts);
    return facts;
  } catch (error) {
    if (error instanceof ComponentError) throw error;
    if (error instanceof WrtError && error.code === 'LIMIT_EXCEEDED') throw error;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new WrtError('INTERNAL', `component validator defect: ${message}`, options.file !== undefined ? { file: options.file } : {}, { cause: error });
  }
}

