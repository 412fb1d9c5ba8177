/**
 * The WIT parser: one file's tokens to a PackageFile, following wit-parser's grammar and its
 * error messages and places. Nothing here recurses on the input's nesting: types and nested
 * packages are parsed with explicit stacks bounded by the nesting limit, so deep input ends in a
 * LIMIT_EXCEEDED error, never a stack overflow.
 */
import type {
  AstItem, Attribute, Docs, ExternKind, FuncAst, Id, IncludeAst, InterfaceAst, InterfaceItem, NamedFunc, PackageFile,
  PackageNameAst, Primitive, ResourceFunc, ToplevelUse, TypeAst, TypeDefAst, UseAst, UsePath, WorldAst, WorldItemAst,
} from './ast.js';
import { limitError, syntaxError, WitError } from './errors.js';
import { describeToken, identifierProblem, stringLiteralValue, type TokenKind, type Tokens } from './lexer.js';
import type { Span } from './source-map.js';
import { semverProblem } from './semver.js';

export interface ParseLimits {
  /** Deepest nesting of types (`list<list<…>>`) and of `package … { }` blocks. */
  readonly maxNestingDepth: number;
  readonly maxIdentifierLength: number;
}

interface Token {
  readonly kind: TokenKind;
  readonly span: Span;
}

const NO_DOCS: Docs = { comments: [], start: -1 };

const PRIMITIVE_TOKENS: ReadonlySet<string> = new Set(['bool', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'f32', 'f64', 'char', 'string', 'error-context']);

/** Parses one file (already lexed at its global offset). Throws WitError. */
export function parseFile(tokens: Tokens, limits: ParseLimits): PackageFile {
  return new Parser(tokens, limits).packageFile();
}

/** A type's frame on the explicit stack while its inner types are parsed. */
type TypeFrame =
  | { kind: 'tuple'; span: Span; types: TypeAst[] }
  | { kind: 'list'; span: Span }
  | { kind: 'map'; span: Span; key: TypeAst | null }
  | { kind: 'option'; span: Span }
  | { kind: 'result'; span: Span; ok: TypeAst | null; onErr: boolean }
  | { kind: 'future' | 'stream'; span: Span };

interface DeclFrame {
  readonly packageId: PackageNameAst | null;
  readonly items: AstItem[];
  readonly nested: boolean;
}

class Parser {
  private pos = 0;

  constructor(
    private readonly t: Tokens,
    private readonly limits: ParseLimits,
  ) {}

  // ---- token access -------------------------------------------------------------------------

  private atLexError(): void {
    if (this.pos >= this.t.kinds.length && this.t.error !== null) throw this.t.error;
  }

  private next(): Token | null {
    for (;;) {
      this.atLexError();
      const kind = this.t.kinds[this.pos];
      if (kind === undefined) return null;
      const span = { start: this.t.starts[this.pos] ?? 0, end: this.t.ends[this.pos] ?? 0 };
      this.pos += 1;
      if (kind !== 'comment') return { kind, span };
    }
  }

  private peek(): Token | null {
    const save = this.pos;
    try {
      return this.next();
    } finally {
      this.pos = save;
    }
  }

  private eat(kind: TokenKind): boolean {
    const save = this.pos;
    const token = this.next();
    if (token !== null && token.kind === kind) return true;
    this.pos = save;
    return false;
  }

  private expect(kind: TokenKind): Span {
    const token = this.next();
    if (token === null) throw syntaxError(this.eofSpan(), `expected ${describeToken(kind)}, found eof`);
    if (token.kind !== kind) {
      throw syntaxError({ start: token.span.start, end: token.span.start + 1 }, `expected ${describeToken(kind)}, found ${describeToken(token.kind)}`);
    }
    return token.span;
  }

  private eofSpan(): Span {
    return { start: this.t.eof, end: this.t.eof };
  }

  private errExpected(expected: string, found: Token | null): WitError {
    if (found === null) return syntaxError(this.eofSpan(), `expected ${expected}, found eof`);
    return syntaxError(found.span, `expected ${expected}, found ${describeToken(found.kind)}`);
  }

  private text(span: Span): string {
    return this.t.text.slice(span.start - this.t.base, span.end - this.t.base);
  }

  private docs(): Docs {
    const comments: string[] = [];
    let start = -1;
    for (;;) {
      this.atLexError();
      if (this.t.kinds[this.pos] !== 'comment') break;
      const s = this.t.starts[this.pos] ?? 0;
      if (start < 0) start = s;
      comments.push(this.text({ start: s, end: this.t.ends[this.pos] ?? s }));
      this.pos += 1;
    }
    return comments.length === 0 ? NO_DOCS : { comments, start };
  }

  private id(): Id {
    return this.idFrom(this.next());
  }

  private idFrom(token: Token | null): Id {
    if (token === null || (token.kind !== 'id' && token.kind !== 'explicit-id')) throw this.errExpected('an identifier or string', token);
    const raw = this.text(token.span);
    const name = token.kind === 'explicit-id' ? raw.slice(1) : raw;
    const problem = identifierProblem(name);
    if (problem !== null) throw syntaxError({ start: token.span.start, end: token.span.start + 1 }, problem);
    if (name.length > this.limits.maxIdentifierLength) {
      throw limitError(
        token.span,
        `identifier \`${name.slice(0, 32)}…\` is ${name.length} characters long`,
        `maxIdentifierLength ${this.limits.maxIdentifierLength}; raise it with --max-identifier-length or pick a larger --preset`,
      );
    }
    return { name, span: token.span };
  }

  // ---- files and packages -------------------------------------------------------------------

  packageFile(): PackageFile {
    const save = this.pos;
    const docs = this.docs();
    let packageId: PackageNameAst | null = null;
    if (this.eat('package')) {
      const name = this.packageName(docs);
      if (this.eat(';')) packageId = name;
      else this.pos = save;
    } else {
      this.pos = save;
    }
    return { packageId, items: this.declList() };
  }

  /** A file's items and its `package … { … }` blocks, with a stack instead of recursion. */
  private declList(): AstItem[] {
    const frames: DeclFrame[] = [{ packageId: null, items: [], nested: false }];
    let docs = this.docs();
    for (;;) {
      const frame = frames[frames.length - 1];
      if (frame === undefined) throw new WitError('WIT_SYNTAX', 'internal: empty package stack', this.eofSpan());
      if (frame.nested) {
        if (this.eat('}')) {
          frames.pop();
          const parent = frames[frames.length - 1];
          parent?.items.push({ kind: 'package', value: { packageId: frame.packageId, items: frame.items } });
          docs = this.docs();
          continue;
        }
      } else if (this.peek() === null) {
        return frame.items;
      }
      const attributes = this.attributes();
      const token = this.peek();
      switch (token?.kind) {
        case 'interface':
          frame.items.push({ kind: 'interface', value: this.interface(docs, attributes) });
          break;
        case 'world':
          frame.items.push({ kind: 'world', value: this.world(docs, attributes) });
          break;
        case 'use':
          frame.items.push({ kind: 'use', value: this.toplevelUse(attributes) });
          break;
        case 'package': {
          const span = this.expect('package');
          if (attributes.length > 0) throw syntaxError(span, 'cannot place attributes on nested packages');
          if (frames.length - 1 >= this.limits.maxNestingDepth) {
            throw limitError(span, 'package nesting too deep', `maxNestingDepth ${this.limits.maxNestingDepth}; raise it with --max-nesting-depth or pick a larger --preset`);
          }
          const packageId = this.packageName(docs);
          this.expect('{');
          frames.push({ packageId, items: [], nested: true });
          break;
        }
        default:
          throw this.errExpected('`world`, `interface` or `use`', token);
      }
      docs = this.docs();
    }
  }

  private packageName(docs: Docs): PackageNameAst {
    const namespace = this.id();
    this.expect(':');
    const name = this.id();
    const version = this.optVersion();
    return { docs, span: { start: namespace.span.start, end: version === null ? name.span.end : version.span.end }, namespace, name, version };
  }

  private optVersion(): { span: Span; text: string } | null {
    return this.eat('@') ? this.version() : null;
  }

  private version(): { span: Span; text: string } {
    const start = this.expect('integer').start;
    this.expect('.');
    this.expect('integer');
    this.expect('.');
    let end = this.expect('integer').end;
    end = this.versionIds('-', end);
    end = this.versionIds('+', end);
    const span = { start, end };
    const text = this.text(span);
    const problem = semverProblem(text);
    if (problem !== null) throw syntaxError(span, problem);
    return { span, text };
  }

  private versionIds(prefix: TokenKind, end: number): number {
    if (!this.eat(prefix)) return end;
    let last = end;
    for (;;) {
      const save = this.pos;
      const token = this.next();
      if (token !== null && (token.kind === 'id' || token.kind === 'integer' || token.kind === '-')) {
        last = token.span.end;
        continue;
      }
      if (token !== null && token.kind === '.') {
        const after = this.next();
        if (after !== null && (after.kind === 'id' || after.kind === 'integer' || after.kind === '-')) {
          last = after.span.end;
          continue;
        }
      }
      this.pos = save;
      return last;
    }
  }

  private attributes(): Attribute[] {
    const list: Attribute[] = [];
    while (this.eat('@')) {
      const id = this.id();
      switch (id.name) {
        case 'since':
        case 'deprecated': {
          this.expect('(');
          this.keyword('version');
          this.expect('=');
          const { text } = this.version();
          this.expect(')');
          list.push({ kind: id.name, span: id.span, version: text });
          break;
        }
        case 'unstable': {
          this.expect('(');
          this.keyword('feature');
          this.expect('=');
          const feature = this.id();
          this.expect(')');
          list.push({ kind: 'unstable', span: id.span, feature: feature.name });
          break;
        }
        case 'external-id': {
          this.expect('(');
          const span = this.expect('string-literal');
          this.expect(')');
          list.push({ kind: 'external-id', span: id.span, id: stringLiteralValue(this.text(span)) });
          break;
        }
        default:
          throw syntaxError(id.span, `unknown attribute \`${id.name}\``);
      }
    }
    return list;
  }

  private keyword(expected: string): void {
    const id = this.id();
    if (id.name !== expected) throw syntaxError(id.span, `expected \`${expected}\`, found \`${id.name}\``);
  }

  private toplevelUse(attributes: Attribute[]): ToplevelUse {
    const span = this.expect('use');
    const item = this.usePath();
    const as = this.eat('as') ? this.id() : null;
    this.expect(';');
    return { span, attributes, item, as };
  }

  private usePath(): UsePath {
    const id = this.id();
    if (!this.eat(':')) return { kind: 'id', id };
    const pkgName = this.id();
    this.expect('/');
    const name = this.id();
    const version = this.optVersion();
    return {
      kind: 'package',
      pkg: { docs: NO_DOCS, span: { start: id.span.start, end: pkgName.span.end }, namespace: id, name: pkgName, version },
      name,
    };
  }

  // ---- worlds -------------------------------------------------------------------------------

  private world(docs: Docs, attributes: Attribute[]): WorldAst {
    this.expect('world');
    const name = this.id();
    return { docs, attributes, name, items: this.block((itemDocs, attrs) => this.worldItem(itemDocs, attrs)) };
  }

  /** `{ item* }`, each item after its docs and attributes. */
  private block<T>(item: (docs: Docs, attributes: Attribute[]) => T): T[] {
    this.expect('{');
    const items: T[] = [];
    for (;;) {
      const docs = this.docs();
      if (this.eat('}')) break;
      items.push(item(docs, this.attributes()));
    }
    return items;
  }

  private worldItem(docs: Docs, attributes: Attribute[]): WorldItemAst {
    const token = this.peek();
    switch (token?.kind) {
      case 'import':
        this.expect('import');
        return { kind: 'import', docs, attributes, extern: this.externKind() };
      case 'export':
        this.expect('export');
        return { kind: 'export', docs, attributes, extern: this.externKind() };
      case 'use':
        return { kind: 'use', value: this.use(attributes) };
      case 'type':
      case 'flags':
      case 'resource':
      case 'record':
      case 'variant':
      case 'enum':
        return { kind: 'typedef', value: this.typeDef(token.kind, docs, attributes) };
      case 'include':
        return { kind: 'include', value: this.include(attributes) };
      default:
        throw this.errExpected('`import`, `export`, `include`, `use`, or type definition', token);
    }
  }

  private externKind(): ExternKind {
    const start = this.pos;
    const id = this.id();
    if (this.eat(':')) {
      const afterColon = this.pos;
      if (this.eat('func') || this.eat('async')) {
        this.pos = afterColon;
        const func = this.func();
        this.expect(';');
        return { kind: 'func', name: id, func };
      }
      if (this.eat('interface')) return { kind: 'interface', name: id, items: this.interfaceItems() };
      let qualified = false;
      try {
        this.id();
        qualified = this.eat('/');
      } catch (error) {
        if (!(error instanceof WitError)) throw error;
      }
      this.pos = afterColon;
      if (!qualified) {
        const path = this.usePath();
        this.expect(';');
        return { kind: 'named-path', name: id, path };
      }
    }
    this.pos = start;
    const path = this.usePath();
    this.expect(';');
    return { kind: 'path', path };
  }

  private include(attributes: Attribute[]): IncludeAst {
    this.expect('include');
    const from = this.usePath();
    if (!this.eat('with')) {
      this.expect(';');
      return { attributes, from, names: [] };
    }
    const names = this.list('{', '}', () => {
      const name = this.id();
      this.expect('as');
      return { name, as: this.id() };
    });
    return { attributes, from, names };
  }

  // ---- interfaces ---------------------------------------------------------------------------

  private interface(docs: Docs, attributes: Attribute[]): InterfaceAst {
    this.expect('interface');
    const name = this.id();
    return { docs, attributes, name, items: this.interfaceItems() };
  }

  private interfaceItems(): InterfaceItem[] {
    return this.block((docs, attributes): InterfaceItem => {
      const token = this.peek();
      switch (token?.kind) {
        case 'type':
        case 'flags':
        case 'enum':
        case 'variant':
        case 'resource':
        case 'record':
          return { kind: 'typedef', value: this.typeDef(token.kind, docs, attributes) };
        case 'id':
        case 'explicit-id':
          return { kind: 'func', value: this.namedFunc(docs, attributes) };
        case 'use':
          return { kind: 'use', value: this.use(attributes) };
        default:
          throw this.errExpected('`type`, `resource` or `func`', token);
      }
    });
  }

  private use(attributes: Attribute[]): UseAst {
    this.expect('use');
    const from = this.usePath();
    this.expect('.');
    this.expect('{');
    const names: { name: Id; as: Id | null }[] = [];
    while (!this.eat('}')) {
      const name = this.id();
      const as = this.eat('as') ? this.id() : null;
      names.push({ name, as });
      if (!this.eat(',')) {
        this.expect('}');
        break;
      }
    }
    this.expect(';');
    return { attributes, from, names };
  }

  private namedFunc(docs: Docs, attributes: Attribute[]): NamedFunc {
    const name = this.id();
    this.expect(':');
    const func = this.func();
    this.expect(';');
    return { docs, attributes, name, func };
  }

  private func(): FuncAst {
    const async = this.eat('async');
    const span = this.expect('func');
    this.expect('(');
    const params = this.params();
    const result = this.eat('->') ? this.type() : null;
    return { span, async, params, result };
  }

  private params(): { name: Id; ty: TypeAst }[] {
    return this.listTrailer(')', () => {
      const name = this.id();
      this.expect(':');
      return { name, ty: this.type() };
    });
  }

  private list<T>(start: TokenKind, end: TokenKind, item: (docs: Docs) => T): T[] {
    this.expect(start);
    return this.listTrailer(end, item);
  }

  private listTrailer<T>(end: TokenKind, item: (docs: Docs) => T): T[] {
    const items: T[] = [];
    for (;;) {
      const docs = this.docs();
      if (this.eat(end)) break;
      items.push(item(docs));
      if (!this.eat(',')) {
        this.expect(end);
        break;
      }
    }
    return items;
  }

  // ---- type definitions ---------------------------------------------------------------------

  private typeDef(kind: TokenKind, docs: Docs, attributes: Attribute[]): TypeDefAst {
    this.expect(kind);
    const name = this.id();
    const span = name.span;
    switch (kind) {
      case 'type': {
        this.expect('=');
        const ty = this.type();
        this.expect(';');
        return { docs, attributes, name, ty };
      }
      case 'flags':
        return { docs, attributes, name, ty: { kind: 'flags', span, flags: this.list('{', '}', (d) => ({ docs: d, name: this.id() })) } };
      case 'enum':
        return { docs, attributes, name, ty: { kind: 'enum', span, cases: this.list('{', '}', (d) => ({ docs: d, name: this.id() })) } };
      case 'record': {
        const fields = this.list('{', '}', (d) => {
          const field = this.id();
          this.expect(':');
          return { docs: d, name: field, ty: this.type() };
        });
        return { docs, attributes, name, ty: { kind: 'record', span, fields } };
      }
      case 'variant': {
        const cases = this.list('{', '}', (d) => {
          const caseName = this.id();
          let ty: TypeAst | null = null;
          if (this.eat('(')) {
            ty = this.type();
            this.expect(')');
          }
          return { docs: d, name: caseName, ty };
        });
        return { docs, attributes, name, ty: { kind: 'variant', span, cases } };
      }
      default: {
        const funcs: ResourceFunc[] = [];
        if (this.eat('{')) {
          while (!this.eat('}')) {
            const funcDocs = this.docs();
            const funcAttributes = this.attributes();
            funcs.push(this.resourceFunc(funcDocs, funcAttributes));
          }
        } else {
          this.expect(';');
        }
        return { docs, attributes, name, ty: { kind: 'resource', span, funcs } };
      }
    }
  }

  private resourceFunc(docs: Docs, attributes: Attribute[]): ResourceFunc {
    const token = this.peek();
    if (token?.kind === 'constructor') {
      const span = this.expect('constructor');
      this.expect('(');
      const params = this.params();
      const result = this.eat('->') ? this.type() : null;
      this.expect(';');
      return { kind: 'constructor', func: { docs, attributes, name: { name: 'constructor', span }, func: { span, async: false, params, result } } };
    }
    if (token?.kind === 'id' || token?.kind === 'explicit-id') {
      const name = this.id();
      this.expect(':');
      const isStatic = this.eat('static');
      const func = this.func();
      this.expect(';');
      return { kind: isStatic ? 'static' : 'method', func: { docs, attributes, name, func } };
    }
    throw this.errExpected('`constructor` or identifier', token);
  }

  /** A type, nested types through an explicit stack (depth = frames above the root). */
  private type(): TypeAst {
    const stack: TypeFrame[] = [];
    for (;;) {
      let value = this.typeStart(stack);
      if (value === null) continue;
      for (;;) {
        const frame = stack[stack.length - 1];
        if (frame === undefined) return value;
        const done = this.typeContinue(frame, value);
        if (done === null) break;
        stack.pop();
        value = done;
      }
    }
  }

  /** Reads a type's first token: a finished leaf, or null after pushing a frame for its inner types. */
  private typeStart(stack: TypeFrame[]): TypeAst | null {
    const token = this.next();
    if (stack.length >= this.limits.maxNestingDepth) {
      const span = token === null ? this.eofSpan() : token.span;
      throw limitError(span, 'type nesting too deep', `maxNestingDepth ${this.limits.maxNestingDepth}; raise it with --max-nesting-depth or pick a larger --preset`);
    }
    if (token === null) throw this.errExpected('a type', null);
    const span = token.span;
    const kind = token.kind;
    if (PRIMITIVE_TOKENS.has(kind)) return { kind: 'primitive', name: kind as Primitive, span };
    switch (kind) {
      case 'tuple': {
        this.expect('<');
        this.docs();
        if (this.eat('>')) return { kind: 'tuple', span, types: [] };
        stack.push({ kind: 'tuple', span, types: [] });
        return null;
      }
      case 'list':
      case 'option':
        this.expect('<');
        stack.push({ kind, span });
        return null;
      case 'map':
        this.expect('<');
        stack.push({ kind: 'map', span, key: null });
        return null;
      case 'result':
        if (!this.eat('<')) return { kind: 'result', span, ok: null, err: null };
        if (this.eat('_')) {
          this.expect(',');
          stack.push({ kind: 'result', span, ok: null, onErr: true });
        } else {
          stack.push({ kind: 'result', span, ok: null, onErr: false });
        }
        return null;
      case 'future':
      case 'stream':
        if (!this.eat('<')) return { kind, span, ty: null };
        stack.push({ kind, span });
        return null;
      case 'own':
      case 'borrow': {
        this.expect('<');
        const resource = this.id();
        this.expect('>');
        return { kind: 'handle', handle: kind, resource, span: resource.span };
      }
      case 'id':
      case 'explicit-id': {
        const id = this.idFrom(token);
        return { kind: 'name', id, span: id.span };
      }
      default:
        throw this.errExpected('a type', token);
    }
  }

  /** Takes a finished inner type into its frame: the finished outer type, or null when more follow. */
  private typeContinue(frame: TypeFrame, inner: TypeAst): TypeAst | null {
    switch (frame.kind) {
      case 'tuple':
        frame.types.push(inner);
        if (!this.eat(',')) {
          this.expect('>');
          return { kind: 'tuple', span: frame.span, types: frame.types };
        }
        this.docs();
        if (this.eat('>')) return { kind: 'tuple', span: frame.span, types: frame.types };
        return null;
      case 'list': {
        if (this.eat(',')) {
          const number = this.next();
          if (number === null || number.kind !== 'integer') throw this.errExpected('fixed-length', number);
          const digits = this.text(number.span);
          const size = Number(digits);
          if (size > 0xffffffff) throw syntaxError(number.span, 'invalid list size: number too large to fit in target type');
          this.expect('>');
          return { kind: 'fixed-length-list', span: frame.span, ty: inner, size };
        }
        this.expect('>');
        return { kind: 'list', span: frame.span, ty: inner };
      }
      case 'map':
        if (frame.key === null) {
          frame.key = inner;
          this.expect(',');
          return null;
        }
        this.expect('>');
        return { kind: 'map', span: frame.span, key: frame.key, value: inner };
      case 'option':
        this.expect('>');
        return { kind: 'option', span: frame.span, ty: inner };
      case 'result':
        if (frame.onErr) {
          this.expect('>');
          return { kind: 'result', span: frame.span, ok: frame.ok, err: inner };
        }
        frame.ok = inner;
        if (this.eat(',')) {
          frame.onErr = true;
          return null;
        }
        this.expect('>');
        return { kind: 'result', span: frame.span, ok: inner, err: null };
      default:
        this.expect('>');
        return { kind: frame.kind, span: frame.span, ty: inner };
    }
  }
}
