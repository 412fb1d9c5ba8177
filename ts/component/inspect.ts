/**
 * What a component needs, from the validator's facts: the section/instance tree, the world as WIT
 * and the requirements table (core modules with SHA-256 and instantiation count, memory, tables
 * and globals per core instance, resources, canonical options, imports to satisfy).
 */
import { renderTable } from '../core/output.js';
import { parseExternName } from './names.js';
import { PRIM_NAMES, type TypeArena, type ValType } from './types.js';
import type { ComponentBudget } from './budget.js';
import type { ComponentFacts, TreeNode } from './validator.js';

export interface CoreInstanceNeeds {
  readonly index: number;
  readonly module: number;
  readonly component: number;
  readonly multiplicity: number;
  readonly memoryPages: number;
  readonly tables: number;
  readonly tableElements: number;
  readonly globals: number;
}

export interface ComponentRequirements {
  readonly bytes: number;
  readonly components: number;
  readonly componentInstances: number;
  readonly modules: readonly { index: number; bytes: number; sha256: string; instantiations: number }[];
  readonly coreInstances: readonly CoreInstanceNeeds[];
  readonly resources: number;
  readonly canonicalOptions: {
    readonly lifts: number;
    readonly lowers: number;
    readonly resourceBuiltins: number;
    readonly stringEncodings: readonly string[];
    readonly realloc: number;
    readonly postReturn: number;
  };
  readonly imports: readonly { name: string; sort: string }[];
  readonly exports: readonly { name: string; sort: string }[];
}

export function componentRequirements(facts: ComponentFacts): ComponentRequirements {
  const coreInstances: CoreInstanceNeeds[] = [];
  facts.coreInstances.forEach((inst, index) => {
    if (inst.module === null) return;
    const module = facts.modules[inst.module];
    if (module === undefined) return;
    const report = module.report;
    coreInstances.push({
      index,
      module: inst.module,
      component: inst.component,
      multiplicity: facts.components[inst.component]?.instantiations ?? 0,
      memoryPages: report.memories.filter((m) => !m.imported).reduce((sum, m) => sum + m.initialPages, 0),
      tables: report.tables.filter((t) => !t.imported).length,
      tableElements: report.tables.filter((t) => !t.imported).reduce((sum, t) => sum + t.initial, 0),
      globals: report.counts.globals - report.counts.importedGlobals,
    });
  });
  const encodings = [...new Set(facts.canons.filter((c) => c.kind === 'lift' || c.kind === 'lower').map((c) => c.stringEncoding))].sort();
  return {
    bytes: facts.bytes,
    components: facts.components.length,
    componentInstances: facts.componentInstances.reduce((sum, i) => sum + (facts.components[i.scope]?.instantiations ?? 0), 0),
    modules: facts.modules.map((m) => ({ index: m.index, bytes: m.bytes, sha256: m.sha256, instantiations: m.instantiations })),
    coreInstances,
    resources: facts.resources.length,
    canonicalOptions: {
      lifts: facts.canons.filter((c) => c.kind === 'lift').length,
      lowers: facts.canons.filter((c) => c.kind === 'lower').length,
      resourceBuiltins: facts.canons.filter((c) => c.kind.startsWith('resource.')).length,
      stringEncodings: encodings,
      realloc: facts.canons.filter((c) => c.realloc).length,
      postReturn: facts.canons.filter((c) => c.postReturn).length,
    },
    imports: facts.imports.map((i) => ({ name: i.name, sort: i.sort })),
    exports: facts.exports.map((e) => ({ name: e.name, sort: e.sort })),
  };
}

/** The section and instance tree, indented, without recursion (an explicit stack of children). */
export function renderTree(root: TreeNode, maxLines = 400): string {
  const lines: string[] = [];
  const stack: { node: TreeNode; depth: number }[] = [{ node: root, depth: 0 }];
  while (stack.length > 0 && lines.length < maxLines) {
    const { node, depth } = stack.pop() as { node: TreeNode; depth: number };
    lines.push(`${'  '.repeat(Math.min(depth, 30))}${node.label}  @${node.offset}`);
    for (let i = node.children.length - 1; i >= 0; i -= 1) stack.push({ node: node.children[i] as TreeNode, depth: depth + 1 });
  }
  if (stack.length > 0) lines.push(`... (${stack.length} more; see --json)`);
  return lines.join('\n');
}

function short(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
}

/** Tables that fit 80 columns; the full figures are in --json. */
export function renderRequirements(req: ComponentRequirements): string {
  const parts: string[] = [];
  parts.push(
    renderTable(
      ['core module', 'bytes', 'instances', 'sha256'],
      req.modules.map((m) => [String(m.index), String(m.bytes), String(m.instantiations), short(m.sha256, 16)]),
    ),
  );
  parts.push(
    renderTable(
      ['core instance', 'module', 'times', 'pages', 'tables', 'elements', 'globals'],
      req.coreInstances.map((c) => [String(c.index), String(c.module), String(c.multiplicity), String(c.memoryPages), String(c.tables), String(c.tableElements), String(c.globals)]),
    ),
  );
  const o = req.canonicalOptions;
  parts.push(
    renderTable(null, [
      ['components', String(req.components)],
      ['component instances', String(req.componentInstances)],
      ['resource types', String(req.resources)],
      ['canon lift / lower', `${o.lifts} / ${o.lowers}`],
      ['resource built-ins', String(o.resourceBuiltins)],
      ['string encodings', o.stringEncodings.join(', ') || '-'],
      ['realloc / post-return', `${o.realloc} / ${o.postReturn}`],
    ]),
  );
  parts.push(renderTable(['import to satisfy', 'kind'], req.imports.map((i) => [short(i.name, 60), i.sort])));
  return parts.join('\n\n');
}

// ---- WIT ------------------------------------------------------------------------------------

interface WitItem {
  readonly name: string;
  readonly sort: string;
  readonly id: number;
}

/** Names of the types a WIT reader sees: every type a world or interface item exports or imports. */
function witNames(arena: TypeArena, items: readonly WitItem[]): Map<number, string> {
  const names = new Map<number, string>();
  const name = (id: number, text: string): void => {
    if (!names.has(id)) names.set(id, text);
    const origin = arena.node(id).k === 'resource' ? arena.canonicalResource(id) : id;
    if (!names.has(origin)) names.set(origin, text);
  };
  const pending = [...items];
  for (let guard = 0; pending.length > 0 && guard < 100_000; guard += 1) {
    const item = pending.shift() as WitItem;
    if (item.sort === 'type') name(item.id, item.name);
    else if (item.sort === 'instance') {
      const node = arena.node(item.id);
      if (node.k === 'instance') for (const [n, e] of node.exports) pending.push({ name: n, sort: e.sort, id: e.id });
    }
  }
  return names;
}

function resourceName(arena: TypeArena, r: number, names: ReadonlyMap<number, string>): string {
  return names.get(r) ?? names.get(arena.canonicalResource(r)) ?? 'resource';
}

/** Value types in WIT syntax; named types print their name. */
function witType(arena: TypeArena, t: ValType | null, names: ReadonlyMap<number, string>): string {
  if (t === null) return '_';
  if (t < 0) return PRIM_NAMES[-t] ?? 'unknown';
  const named = names.get(t);
  if (named !== undefined) return named;
  const node = arena.node(t);
  switch (node.k) {
    case 'list':
      return `list<${witType(arena, node.t, names)}>`;
    case 'option':
      return `option<${witType(arena, node.t, names)}>`;
    case 'tuple':
      return `tuple<${node.ts.map((x) => witType(arena, x, names)).join(', ')}>`;
    case 'result':
      if (node.ok === null && node.err === null) return 'result';
      if (node.err === null) return `result<${witType(arena, node.ok, names)}>`;
      return `result<${witType(arena, node.ok, names)}, ${witType(arena, node.err, names)}>`;
    case 'own':
      return resourceName(arena, node.r, names);
    case 'borrow':
      return `borrow<${resourceName(arena, node.r, names)}>`;
    case 'prim':
      return PRIM_NAMES[node.p] ?? 'unknown';
    default: {
      const origin = arena.origin(t);
      return origin !== null ? witType(arena, origin, names) : node.k;
    }
  }
}

function witSignature(arena: TypeArena, id: number, names: ReadonlyMap<number, string>, dropSelf: boolean): string {
  const node = arena.node(id);
  if (node.k !== 'func') return '()';
  const params = (dropSelf ? node.params.slice(1) : node.params).map(([n, t]) => `${n}: ${witType(arena, t, names)}`).join(', ');
  return `(${params})${node.result === null ? '' : ` -> ${witType(arena, node.result, names)}`}`;
}

/** A constructor returns `own r` (printed without a result) or `result<own r, e>`. */
function witConstructor(arena: TypeArena, id: number, names: ReadonlyMap<number, string>): string {
  const node = arena.node(id);
  if (node.k !== 'func') return 'constructor();';
  const params = node.params.map(([n, t]) => `${n}: ${witType(arena, t, names)}`).join(', ');
  const result = node.result === null || node.result < 0 ? null : arena.node(node.result);
  return `constructor(${params})${result !== null && result.k === 'result' ? ` -> ${witType(arena, node.result, names)}` : ''};`;
}

/** Type definitions and functions of one scope (world side or interface), resources with their functions. */
function witBlocks(arena: TypeArena, items: readonly WitItem[], names: ReadonlyMap<number, string>, indent: string): { types: string[]; funcs: string[] } {
  const members = new Map<string, string[]>();
  const funcs: string[] = [];
  for (const item of items) {
    if (item.sort !== 'func') continue;
    const parsed = parseExternName(item.name, true);
    if (typeof parsed !== 'string' && (parsed.kind === 'constructor' || parsed.kind === 'method' || parsed.kind === 'static')) {
      const list = members.get(parsed.resource) ?? [];
      if (parsed.kind === 'constructor') list.push(witConstructor(arena, item.id, names));
      else list.push(`${parsed.member}: ${parsed.kind === 'static' ? 'static ' : ''}func${witSignature(arena, item.id, names, parsed.kind === 'method')};`);
      members.set(parsed.resource, list);
    } else {
      funcs.push(`${item.name}: func${witSignature(arena, item.id, names, false)};`);
    }
  }
  const types: string[] = [];
  const inner = `${indent}  `;
  for (const item of items) {
    if (item.sort !== 'type') continue;
    const node = arena.node(item.id);
    const origin = arena.origin(item.id);
    const originName = origin === null ? undefined : names.get(origin);
    if (originName !== undefined && originName !== item.name) {
      types.push(`${indent}type ${item.name} = ${originName};`);
      continue;
    }
    const others = new Map(names);
    others.delete(item.id);
    if (origin !== null) others.delete(origin);
    const body = (lines: readonly string[]): string => `{\n${lines.map((l) => `${inner}${l}`).join('\n')}\n${indent}}`;
    switch (node.k) {
      case 'resource': {
        const list = members.get(item.name);
        types.push(list === undefined ? `${indent}resource ${item.name};` : `${indent}resource ${item.name} ${body(list)}`);
        break;
      }
      case 'record':
        types.push(`${indent}record ${item.name} ${body(node.fields.map(([n, t]) => `${n}: ${witType(arena, t, others)},`))}`);
        break;
      case 'variant':
        types.push(`${indent}variant ${item.name} ${body(node.cases.map(([n, t]) => `${n}${t === null ? '' : `(${witType(arena, t, others)})`},`))}`);
        break;
      case 'enum':
        types.push(`${indent}enum ${item.name} ${body(node.names.map((n) => `${n},`))}`);
        break;
      case 'flags':
        types.push(`${indent}flags ${item.name} ${body(node.names.map((n) => `${n},`))}`);
        break;
      default:
        types.push(`${indent}type ${item.name} = ${witType(arena, item.id, others)};`);
    }
  }
  return { types, funcs: funcs.map((f) => `${indent}${f}`) };
}

function instanceItems(arena: TypeArena, id: number): WitItem[] {
  const node = arena.node(id);
  return node.k === 'instance' ? [...node.exports].map(([name, e]) => ({ name, sort: e.sort, id: e.id })) : [];
}

/**
 * The component's world in WIT, laid out as wit-parser prints it (jco's componentWit): interface
 * imports, the world's types and function imports, then the exports; interfaces inline for plain
 * names, by name only for interface names. This package's own small
 * printer: the WIT package's normalized printer is not shared with the component decoder.
 */
export function componentWit(facts: ComponentFacts, worldName = 'root'): string {
  const arena = facts.arena;
  const all: WitItem[] = [...facts.imports, ...facts.exports];
  const names = witNames(arena, all);
  const worldTypes = witBlocks(arena, facts.imports.filter((i) => i.sort === 'type' || i.sort === 'func'), names, '  ');
  const side = (word: 'import' | 'export', items: readonly WitItem[]): string[] => {
    const lines: string[] = [];
    for (const item of items) {
      if (item.sort === 'instance') {
        const blocks = witBlocks(arena, instanceItems(arena, item.id), names, '    ');
        const body = [...blocks.types, ...blocks.funcs];
        const interfaceName = /^([^/@]+)\/([^@]+)(@.*)?$/.exec(item.name);
        // An interface name refers to its package's interface, which jco's componentWit does not print.
        if (interfaceName !== null) lines.push(`  ${word} ${item.name};`);
        else if (body.length === 0) lines.push(`  ${word} ${item.name}: interface {\n  }`);
        else lines.push(`  ${word} ${item.name}: interface {\n${body.join('\n\n')}\n  }`);
      } else if (item.sort === 'func' && word === 'export') {
        const parsed = parseExternName(item.name, true);
        if (typeof parsed !== 'string' && (parsed.kind === 'constructor' || parsed.kind === 'method' || parsed.kind === 'static')) continue;
        lines.push(`  export ${item.name}: func${witSignature(arena, item.id, names, false)};`);
      }
    }
    return lines;
  };
  const funcImports = worldTypes.funcs.map((f) => `  import ${f.trim()}`);
  const exports = side('export', facts.exports);
  // wit-parser prints the interface imports, then the type definitions (blank lines between), the
  // function imports right after them, and the exports after a blank line.
  const typesAndFuncs = [worldTypes.types.join('\n\n'), funcImports.join('\n')].filter((b) => b !== '').join('\n');
  const head = [side('import', facts.imports).join('\n'), typesAndFuncs].filter((b) => b !== '').join('\n\n');
  const body = [head, exports.join('\n')].filter((b) => b !== '').join('\n\n');
  const lines = ['package root:component;', '', `world ${worldName} {`, ...(body === '' ? [] : [body]), '}'];
  return lines.join('\n');
}

/** `profile` of a component: what each contributor needs and the total against the budget. */
export function renderComponentBudget(file: string, target: string, budget: ComponentBudget): string {
  const rows = budget.contributors.map((c) => [short(c.name, 40), String(c.bytes), String(c.times), String(c.totalBytes)]);
  return [
    `component budget of ${file} on target ${target}: ${budget.totalBytes} of ${budget.budgetBytes} bytes`,
    '',
    renderTable(['needs', 'bytes', 'times', 'total'], rows),
    '',
    renderTable(null, [
      ['components', String(budget.components)],
      ['instances', String(budget.instances)],
      ['resource types', String(budget.resourceTypes)],
      ['handles per instance', String(budget.handlesPerInstance)],
    ]),
  ].join('\n');
}
