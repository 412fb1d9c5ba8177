/**
 * Seeded WIT for the differential run: a generator of packages over most of the grammar (every
 * type constructor, resources with constructors, methods and statics, `use` between interfaces,
 * worlds with imports, exports and includes, gates, docs, nested packages), and a token-level
 * mutator that turns them into near misses.
 */
import { below } from '../../ts/core/prng.js';

type Random = () => number;

const PRIMS = ['bool', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'f32', 'f64', 'char', 'string'] as const;
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'item', 'value', 'count', 'name', 'data', 'handle', 'x', 'y', 'z', 'my-thing', 'a1', 'b-2'];

function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[below(random, items.length)];
  if (item === undefined) throw new Error('pick from an empty list');
  return item;
}

class Names {
  private n = 0;
  private readonly keywords = new Set<string>();
  constructor(private readonly random: Random) {}
  fresh(): string {
    this.n += 1;
    // Now and then a keyword, which WIT allows written `%keyword`.
    if (this.random() < 0.03) {
      const keyword = pick(this.random, ['type', 'record', 'list', 'world', 'use']);
      if (!this.keywords.has(keyword)) {
        this.keywords.add(keyword);
        return `%${keyword}`;
      }
    }
    return `${pick(this.random, WORDS)}-n${this.n}`;
  }
}

interface Scope {
  /** Value types usable here (named types defined so far). */
  readonly types: string[];
  readonly resources: string[];
}

function typeExpr(random: Random, scope: Scope, depth: number): string {
  const leaf = (): string => (scope.types.length > 0 && random() < 0.4 ? pick(random, scope.types) : pick(random, PRIMS));
  if (depth <= 0 || random() < 0.35) return leaf();
  const inner = (): string => typeExpr(random, scope, depth - 1);
  switch (below(random, 11)) {
    case 0:
      return `list<${inner()}>`;
    case 1:
      return `option<${inner()}>`;
    case 2: {
      const r = below(random, 4);
      return r === 0 ? 'result' : r === 1 ? `result<${inner()}>` : r === 2 ? `result<_, ${inner()}>` : `result<${inner()}, ${inner()}>`;
    }
    case 3:
      return `tuple<${Array.from({ length: 1 + below(random, 3) }, inner).join(', ')}>`;
    case 4:
      return scope.resources.length > 0 ? `borrow<${pick(random, scope.resources)}>` : leaf();
    case 5:
      return scope.resources.length > 0 ? `own<${pick(random, scope.resources)}>` : leaf();
    case 6:
      return random() < 0.5 ? 'future' : `future<${inner()}>`;
    case 7:
      return random() < 0.5 ? 'stream' : `stream<${inner()}>`;
    case 8:
      return `map<${pick(random, ['string', 'u32', 'char', 'bool'])}, ${inner()}>`;
    case 9:
      return 'error-context';
    default:
      return `list<${inner()}, ${1 + below(random, 8)}>`;
  }
}

function params(random: Random, names: Names, scope: Scope): string {
  return Array.from({ length: below(random, 3) }, () => `${names.fresh()}: ${typeExpr(random, scope, 2)}`).join(', ');
}

function func(random: Random, names: Names, scope: Scope): string {
  const result = random() < 0.6 ? ` -> ${typeExpr(random, scope, 2)}` : '';
  return `${random() < 0.1 ? 'async ' : ''}func(${params(random, names, scope)})${result}`;
}

function docs(random: Random, indent: string): string {
  return random() < 0.2 ? `${indent}/// ${pick(random, WORDS)} docs\n` : '';
}

/** A gate on one item; `rate` is lower for items others refer to, which a gate may remove. */
function gate(random: Random, versioned: boolean, indent: string, rate = 0.08): string {
  const r = random();
  if (r < rate) return `${indent}@unstable(feature = ${pick(random, ['fancy', 'active', 'x'])})\n`;
  if (r < rate + 0.06 && versioned) return `${indent}@since(version = 0.1.${below(random, 3)})\n${random() < 0.3 ? `${indent}@deprecated(version = 0.1.${below(random, 3)})\n` : ''}`;
  return '';
}

function typeDefs(random: Random, names: Names, scope: Scope, versioned: boolean, indent: string, count: number): string {
  let out = '';
  for (let i = 0; i < count; i++) {
    const name = names.fresh();
    out += docs(random, indent) + gate(random, versioned, indent, 0.01);
    switch (below(random, 6)) {
      case 0:
        out += `${indent}record ${name} {\n${Array.from({ length: 1 + below(random, 3) }, () => `${indent}  ${names.fresh()}: ${typeExpr(random, scope, 2)},\n`).join('')}${indent}}\n`;
        break;
      case 1:
        out += `${indent}variant ${name} {\n${Array.from({ length: 1 + below(random, 3) }, () => `${indent}  ${names.fresh()}${random() < 0.5 ? `(${typeExpr(random, scope, 2)})` : ''},\n`).join('')}${indent}}\n`;
        break;
      case 2:
        out += `${indent}enum ${name} { ${Array.from({ length: 1 + below(random, 3), }, () => names.fresh()).join(', ')} }\n`;
        break;
      case 3:
        out += `${indent}flags ${name} { ${Array.from({ length: below(random, 3) }, () => names.fresh()).join(', ')} }\n`;
        break;
      case 4: {
        scope.resources.push(name);
        const members: string[] = [];
        if (random() < 0.5) members.push(`constructor(${params(random, names, scope)})${random() < 0.2 ? ` -> result<${name}${random() < 0.5 ? ', string' : ''}>` : ''};`);
        for (let m = below(random, 3); m > 0; m--) members.push(`${names.fresh()}: ${random() < 0.3 ? 'static ' : ''}${func(random, names, scope)};`);
        out += members.length === 0 && random() < 0.5 ? `${indent}resource ${name};\n` : `${indent}resource ${name} {\n${members.map((m) => `${indent}  ${m}\n`).join('')}${indent}}\n`;
        break;
      }
      default:
        out += `${indent}type ${name} = ${typeExpr(random, scope, 3)};\n`;
    }
    scope.types.push(name);
  }
  return out;
}

/** A WIT package (one file), valid by construction in most cases. */
export function generateWit(random: Random): string {
  const names = new Names(random);
  const versioned = random() < 0.5;
  let out = `package ${pick(random, ['wasi', 'test', 'my-ns'])}:${pick(random, ['demo', 'pkg', 'thing'])}${versioned ? '@0.1.2' : ''};\n\n`;
  const interfaces: { name: string; exported: string[] }[] = [];
  if (random() < 0.05) out += `use ${pick(random, ['wasi:io/streams', 'a:b/c'])};\n`;
  for (let i = 1 + below(random, 3); i > 0; i--) {
    const name = names.fresh();
    const scope: Scope = { types: [], resources: [] };
    let body = '';
    const from = interfaces.length > 0 && random() < 0.5 ? pick(random, interfaces) : undefined;
    const usable = from?.exported.filter((t) => t !== '') ?? [];
    if (from !== undefined && usable.length > 0) {
      const used = pick(random, usable);
      body += `  use ${from.name}.{${used}};\n`;
      scope.types.push(used);
    }
    body += typeDefs(random, names, scope, versioned, '  ', below(random, 4));
    for (let f = below(random, 4); f > 0; f--) body += docs(random, '  ') + gate(random, versioned, '  ') + `  ${names.fresh()}: ${func(random, names, scope)};\n`;
    out += docs(random, '') + gate(random, versioned, '', 0.02) + `interface ${name} {\n${body}}\n\n`;
    interfaces.push({ name, exported: [...scope.types] });
  }
  const worlds = random() < 0.85 ? 1 : 2;
  const worldNames: string[] = [];
  for (let w = 0; w < worlds; w++) {
    const name = names.fresh();
    const scope: Scope = { types: [], resources: [] };
    let body = '';
    if (worldNames.length > 0 && random() < 0.7) body += `  include ${pick(random, worldNames)}${random() < 0.3 ? ` with { ${names.fresh()} as ${names.fresh()} }` : ';'}\n`;
    const withTypes = interfaces.filter((iface) => iface.exported.length > 0);
    if (withTypes.length > 0 && random() < 0.3) {
      const from = pick(random, withTypes);
      const used = pick(random, from.exported);
      body += `  use ${from.name}.{${used}};\n`;
      scope.types.push(used);
    }
    const imported = new Set<string>();
    for (const iface of interfaces) {
      const r = random();
      if (r < 0.4 && !imported.has(iface.name)) {
        body += `  import ${iface.name};\n`;
        imported.add(iface.name);
      } else if (r < 0.6) {
        body += `  export ${iface.name};\n`;
      }
    }
    body += typeDefs(random, names, scope, versioned, '  ', below(random, 2));
    for (let f = below(random, 3); f > 0; f--) body += `  ${random() < 0.5 ? 'import' : 'export'} ${names.fresh()}: ${func(random, names, scope)};\n`;
    if (random() < 0.15) body += `  import ${names.fresh()}: interface {\n    ${names.fresh()}: func();\n  }\n`;
    out += `world ${name} {\n${body}}\n\n`;
    worldNames.push(name);
  }
  if (random() < 0.1) out += `package nested:inner {\n  interface ${names.fresh()} {\n    ${names.fresh()}: func();\n  }\n}\n`;
  return out;
}

const TOKEN = /\s+|\/\/[^\n]*|%?[A-Za-z_-][A-Za-z0-9_-]*|\d+|->|[\s\S]/g;
const VOCABULARY = [
  '{', '}', '<', '>', '(', ')', ';', ',', ':', '.', '=', '@', '/', '->', '_', '%', '*', 'use', 'type', 'func', 'resource', 'record',
  'variant', 'enum', 'flags', 'interface', 'world', 'import', 'export', 'include', 'with', 'as', 'static', 'constructor', 'async',
  'borrow', 'own', 'list', 'option', 'result', 'tuple', 'future', 'stream', 'string', 'u32', 'package', 'x', 'Ab', 'a--b', '0',
  '1.0.0', 'error-context', 'map', '"', '/*', '\u0007', 'é',
];

/** One to three token-level edits: delete, duplicate, swap, replace or insert. */
export function mutateWit(random: Random, text: string): string {
  const tokens = text.match(TOKEN) ?? [];
  for (let edits = 1 + below(random, 3); edits > 0 && tokens.length > 0; edits--) {
    const at = below(random, tokens.length);
    const token = tokens[at] ?? '';
    switch (below(random, 6)) {
      case 0:
        tokens.splice(at, 1);
        break;
      case 1:
        tokens.splice(at, 0, token);
        break;
      case 2: {
        const next = tokens[at + 1];
        if (next !== undefined) tokens.splice(at, 2, next, token);
        break;
      }
      case 3: {
        const words = tokens.filter((t) => /^[A-Za-z%]/.test(t));
        tokens[at] = words.length > 0 && random() < 0.6 ? pick(random, words) : pick(random, VOCABULARY);
        break;
      }
      case 4:
        tokens.splice(at, 0, ' ', pick(random, VOCABULARY), ' ');
        break;
      default:
        if (token.length > 0) {
          const i = below(random, token.length);
          tokens[at] = token.slice(0, i) + pick(random, ['-', 'A', '0', '%', '']) + token.slice(i + 1);
        }
    }
  }
  return tokens.join('');
}
