/**
 * What a component needs, from the validator's facts: the section/instance tree, the world as WIT
 * and the requirements table (core modules with SHA-256 and instantiation count, memory, tables
 * and globals per core instance, resources, canonical options, imports to satisfy).
 */
import { renderTable } from '../core/output.js';
import { type Extern, PRIM_NAMES, type TypeArena, type ValType } from './types.js';
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

/** Value types in WIT syntax; named types print their export name. */
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
      return names.get(node.r) ?? 'resource';
    case 'borrow':
      return `borrow<${names.get(node.r) ?? 'resource'}>`;
    case 'prim':
      return PRIM_NAMES[node.p] ?? 'unknown';
    default:
      return node.k;
  }
}

function witFunc(arena: TypeArena, name: string, id: number, names: ReadonlyMap<number, string>, indent: string): string {
  const node = arena.node(id);
  if (node.k !== 'func') return `${indent}${name}: func();`;
  const params = node.params.map(([n, t]) => `${n}: ${witType(arena, t, names)}`).join(', ');
  const result = node.result === null ? '' : ` -> ${witType(arena, node.result, names)}`;
  return `${indent}${name}: func(${params})${result};`;
}

function witTypeDef(arena: TypeArena, name: string, id: number, names: ReadonlyMap<number, string>, indent: string): string {
  const node = arena.node(id);
  switch (node.k) {
    case 'resource':
      return `${indent}resource ${name};`;
    case 'record':
      return `${indent}record ${name} {\n${node.fields.map(([n, t]) => `${indent}  ${n}: ${witType(arena, t, names)},`).join('\n')}\n${indent}}`;
    case 'variant':
      return `${indent}variant ${name} {\n${node.cases.map(([n, t]) => `${indent}  ${n}${t === null ? '' : `(${witType(arena, t, names)})`},`).join('\n')}\n${indent}}`;
    case 'enum':
      return `${indent}enum ${name} {\n${node.names.map((n) => `${indent}  ${n},`).join('\n')}\n${indent}}`;
    case 'flags':
      return `${indent}flags ${name} {\n${node.names.map((n) => `${indent}  ${n},`).join('\n')}\n${indent}}`;
    default: {
      const unnamed = new Map(names);
      unnamed.delete(id);
      return `${indent}type ${name} = ${witType(arena, id, unnamed)};`;
    }
  }
}

/** The items of an instance (interface) or world side in WIT. */
function witItems(arena: TypeArena, items: ReadonlyMap<string, Extern> | readonly { name: string; sort: string; id: number }[], indent: string): string[] {
  const list = Array.isArray(items) ? (items as { name: string; sort: string; id: number }[]) : [...(items as ReadonlyMap<string, Extern>)].map(([name, e]) => ({ name, sort: e.sort, id: e.id }));
  const names = new Map<number, string>();
  const lines: string[] = [];
  for (const item of list) {
    if (item.sort === 'type') {
      lines.push(witTypeDef(arena, item.name, item.id, names, indent));
      names.set(item.id, item.name);
    } else if (item.sort === 'func') {
      lines.push(witFunc(arena, item.name, item.id, names, indent));
    }
  }
  return lines;
}

/**
 * The component's world in WIT: interfaces for instance imports and exports, functions and types
 * of the world itself. A small printer of this module's own (the WIT package's printer is not
 * shared with it): it prints names as the component spells them.
 */
export function componentWit(facts: ComponentFacts, worldName = 'root'): string {
  const arena = facts.arena;
  const lines: string[] = ['package root:component;', '', `world ${worldName} {`];
  for (const [side, items] of [['import', facts.imports], ['export', facts.exports]] as const) {
    for (const item of items) {
      if (item.sort === 'instance') {
        const node = arena.node(item.id);
        const body = node.k === 'instance' ? witItems(arena, node.exports, '    ') : [];
        if (item.name.includes(':')) lines.push(`  ${side} ${item.name};`);
        else lines.push(`  ${side} ${item.name}: interface {`, ...body, '  }');
      } else if (item.sort === 'func') {
        lines.push(witFunc(arena, item.name, item.id, new Map(), `  ${side} `));
      }
    }
  }
  const types = witItems(arena, facts.imports.filter((i) => i.sort === 'type'), '  ');
  lines.splice(3, 0, ...types);
  lines.push('}');
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
