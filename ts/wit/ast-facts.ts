/**
 * What the resolver reads off the syntax tree: the `use`/`include`/import paths of a file (in
 * wit-parser's visiting order), package names, docs as wit-parser normalizes them, gates, and the
 * names a type refers to. Walks keep explicit stacks.
 */
import { type AstItem, type Attribute, type Docs as AstDocs, type ExternKind, type Id, type PackageNameAst, type TypeAst, typeChildren, type UseAst, type UsePath } from './ast.js';
import { syntaxError } from './errors.js';
import { type Docs, NO_DOCS, type PackageName, type Stability, UNKNOWN_STABILITY } from './model.js';
import { NO_SPAN, type Span } from './source-map.js';

export type PathVisitor = (
  owner: Id | null,
  attributes: readonly Attribute[],
  path: UsePath,
  names: UseAst['names'] | null,
  kind: 'world' | 'interface' | 'unknown',
) => void;

export function forEachPath(items: readonly AstItem[], f: PathVisitor): void {
  const visitExtern = (extern: ExternKind, attributes: readonly Attribute[]): void => {
    if (extern.kind === 'interface') {
      for (const item of extern.items) if (item.kind === 'use') f(null, item.value.attributes, item.value.from, item.value.names, 'interface');
    } else if (extern.kind === 'path' || extern.kind === 'named-path') {
      f(null, attributes, extern.path, null, 'interface');
    }
  };
  for (const item of items) {
    switch (item.kind) {
      case 'world': {
        const world = item.value;
        const imports: { extern: ExternKind; attributes: readonly Attribute[] }[] = [];
        const exports: { extern: ExternKind; attributes: readonly Attribute[] }[] = [];
        for (const w of world.items) {
          if (w.kind === 'use') f(null, w.value.attributes, w.value.from, w.value.names, 'interface');
          else if (w.kind === 'include') f(world.name, w.value.attributes, w.value.from, null, 'world');
          else if (w.kind === 'import') imports.push(w);
          else if (w.kind === 'export') exports.push(w);
        }
        for (const w of imports) visitExtern(w.extern, w.attributes);
        for (const w of exports) visitExtern(w.extern, w.attributes);
        break;
      }
      case 'interface':
        for (const i of item.value.items) if (i.kind === 'use') f(item.value.name, i.value.attributes, i.value.from, i.value.names, 'interface');
        break;
      case 'use':
        f(null, item.value.attributes, item.value.item, null, 'unknown');
        break;
      case 'package':
        break;
    }
  }
}

export function packageNameOf(ast: PackageNameAst): PackageName {
  return { namespace: ast.namespace.name, name: ast.name.name, version: ast.version?.text ?? null };
}

export function convertDocs(docs: AstDocs): Docs {
  let lines = docs.comments.map((comment) => {
    const body = comment.startsWith('/**') ? comment.slice(3, comment.endsWith('*/') ? -2 : undefined) : comment.replace(/^\/+/, '');
    return body.replace(/\s+$/u, '');
  });
  let min = Infinity;
  for (const l of lines) if (l !== '') min = Math.min(min, /^[\t\n\f\r ]*/.exec(l)?.[0].length ?? 0);
  if (min === Infinity) min = 0;
  if (min > 0) {
    const pattern = ' '.repeat(min);
    lines = lines.map((l) => (l.startsWith(pattern) ? l.slice(min) : l));
  }
  if (lines.length === 0) return NO_DOCS;
  let contents = '';
  for (const line of lines) {
    if (line === '') contents += '\n';
    else for (const part of line.split(/\r?\n/)) contents += `${part}\n`;
  }
  return { contents: contents.replace(/\n+$/, '') };
}

export function stabilityOf(attributes: readonly Attribute[]): Stability {
  let since: string | null = null;
  let sinceSpan = NO_SPAN;
  let deprecated: string | null = null;
  let deprecatedSpan = NO_SPAN;
  let unstable: string | null = null;
  for (const attr of attributes) {
    if (attr.kind === 'since') {
      if (since !== null) throw syntaxError(attr.span, 'cannot specify @since twice');
      since = attr.version;
      sinceSpan = attr.span;
    } else if (attr.kind === 'deprecated') {
      if (deprecated !== null) throw syntaxError(attr.span, 'cannot specify @deprecated twice');
      deprecated = attr.version;
      deprecatedSpan = attr.span;
    } else if (attr.kind === 'unstable') {
      if (unstable !== null) throw syntaxError(attr.span, 'cannot specify @unstable twice');
      unstable = attr.feature;
    }
  }
  if (since !== null && unstable === null) return { kind: 'stable', since, deprecated };
  if (since === null && unstable !== null) return { kind: 'unstable', feature: unstable, deprecated };
  if (since !== null) throw syntaxError(sinceSpan, 'cannot specify both @since and @unstable');
  if (deprecated !== null) throw syntaxError(deprecatedSpan, 'cannot specify both @deprecated without @since or @unstable');
  return UNKNOWN_STABILITY;
}

export function externalIdOf(attributes: readonly Attribute[]): string | null {
  let id: string | null = null;
  for (const attr of attributes) {
    if (attr.kind !== 'external-id') continue;
    if (id !== null) throw syntaxError(attr.span, 'cannot specify @external-id twice');
    id = attr.id;
  }
  return id;
}

export function usePathName(path: UsePath): Id {
  return path.kind === 'id' ? path.id : path.name;
}

export function externSpan(extern: ExternKind): Span {
  switch (extern.kind) {
    case 'interface':
    case 'func':
    case 'named-path':
      return extern.name.span;
    case 'path':
      return extern.path.kind === 'id' ? extern.path.id.span : extern.path.name.span;
  }
}

/** The names a type refers to, in wit-parser's (pre-order) order, without recursion. */
export function collectDeps(root: TypeAst): Id[] {
  const deps: Id[] = [];
  const stack: TypeAst[] = [root];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.kind === 'name') deps.push(node.id);
    else if (node.kind === 'handle') deps.push(node.resource);
    const children = typeChildren(node);
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i];
      if (child !== undefined) stack.push(child);
    }
  }
  return deps;
}

/** Builds the packages of a set of parsed files: the main package and its nested ones. */
