/**
 * WAVE, the WebAssembly Value Encoding (wasm-wave, what `wasmtime run --invoke` reads and
 * prints), for the value types `run` calls components with: a call `name(arg, ...)` is parsed,
 * each argument checked against its parameter's type, and a result printed as one WAVE value.
 *
 *   bool true/false; integers 42, -7; floats 1.5, -0.25, nan, inf, -inf; char 'x' '\n' '\u{1f600}';
 *   string "a\"b"; list [1, 2]; tuple (1, "a"); record {x: 1, y: 2} (option fields may be left
 *   out: none); flags {read, write} ({} none); variant/enum case `name` or `name(payload)`;
 *   option some(x)/none; result ok/ok(x)/err/err(x). A label that is a keyword (true, false,
 *   some, none, ok, err, inf, nan) is written %label. A resource handle (own<r>, borrow<r>) the
 *   host holds is `#N`, N its index in the host's handle table on the device (not WAVE's: WAVE has
 *   no handles; docs/component.md, "Resources").
 *
 * Walks recurse at most as deep as the text nests (parse: bounded by MAX_NESTING) or the type.
 */
import { WrtError } from '../core/errors.js';
import { type CType, witOf } from './ctype.js';
import { type CValue, casePayload, INT_RANGES } from './value-encoding.js';

/** Deepest nesting of brackets a WAVE text may have here. */
const MAX_NESTING = 64;

type Wave =
  | { readonly t: 'num'; readonly text: string; readonly at: number }
  | { readonly t: 'handle'; readonly v: number; readonly at: number }
  | { readonly t: 'char'; readonly cp: number; readonly at: number }
  | { readonly t: 'str'; readonly v: string; readonly at: number }
  | { readonly t: 'list' | 'tuple'; readonly items: readonly Wave[]; readonly at: number }
  | { readonly t: 'braces'; readonly entries: readonly { readonly name: string; readonly value: Wave | null; readonly at: number }[]; readonly at: number }
  /** `raw`: written %name, a label that is not a keyword (true, none, ok, ...). */
  | { readonly t: 'label'; readonly name: string; readonly raw: boolean; readonly payload: Wave | null; readonly at: number };

const KEYWORDS = new Set(['true', 'false', 'some', 'none', 'ok', 'err', 'inf', 'nan']);

/** A parse or type error in the --invoke text: what, where (column, 1-based) and what was expected. */
function waveError(message: string, text: string, at: number, expected?: string): WrtError {
  return new WrtError('USAGE', `--invoke ${JSON.stringify(text)}: ${message} (column ${at + 1})`, {
    field: '--invoke',
    column: at + 1,
    ...(expected === undefined ? {} : { limit: expected }),
  });
}

class Parser {
  pos = 0;
  constructor(readonly text: string) {}

  fail(message: string, at = this.pos): never {
    throw waveError(message, this.text, at);
  }

  ws(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] as string)) this.pos++;
  }

  peek(): string {
    this.ws();
    return this.text[this.pos] ?? '';
  }

  expect(c: string): void {
    if (this.peek() !== c) this.fail(`expected '${c}'${this.pos < this.text.length ? `, found '${this.text[this.pos]}'` : ' at the end'}`);
    this.pos++;
  }

  /** Items up to `close`, separated by commas (a trailing comma is allowed). */
  items(close: string, depth: number): Wave[] {
    const out: Wave[] = [];
    while (this.peek() !== close) {
      if (this.pos >= this.text.length) this.fail(`'${close}' missing`);
      out.push(this.value(depth + 1));
      if (this.peek() === ',') this.pos++;
      else if (this.peek() !== close) this.fail(`expected ',' or '${close}'`);
    }
    this.pos++;
    return out;
  }

  escaped(quote: string): number[] {
    const cps: number[] = [];
    for (;;) {
      if (this.pos >= this.text.length) this.fail(`unterminated ${quote === '"' ? 'string' : 'char'}`);
      const cp = this.text.codePointAt(this.pos) as number;
      const ch = String.fromCodePoint(cp);
      this.pos += ch.length;
      if (ch === quote) return cps;
      if (ch !== '\\') {
        cps.push(cp);
        continue;
      }
      const e = this.text[this.pos++] ?? '';
      const simple: Record<string, number> = { n: 10, r: 13, t: 9, '\\': 92, '"': 34, "'": 39 };
      if (simple[e] !== undefined) cps.push(simple[e]);
      else if (e === 'u' && this.text[this.pos] === '{') {
        const end = this.text.indexOf('}', this.pos);
        const hex = end < 0 ? '' : this.text.slice(this.pos + 1, end);
        const v = /^[0-9a-fA-F]{1,6}$/.test(hex) ? parseInt(hex, 16) : -1;
        if (v < 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) this.fail(`escape \\u{${hex}} is not a Unicode scalar value`);
        cps.push(v);
        this.pos = end + 1;
      } else this.fail(`unknown escape \\${e}`, this.pos - 2);
    }
  }

  value(depth: number): Wave {
    if (depth > MAX_NESTING) this.fail(`nested deeper than ${MAX_NESTING} levels`);
    const c = this.peek();
    const at = this.pos;
    if (c === '[') {
      this.pos++;
      return { t: 'list', items: this.items(']', depth), at };
    }
    if (c === '(') {
      this.pos++;
      return { t: 'tuple', items: this.items(')', depth), at };
    }
    if (c === '{') {
      this.pos++;
      const entries: { name: string; value: Wave | null; at: number }[] = [];
      while (this.peek() !== '}') {
        if (this.pos >= this.text.length) this.fail("'}' missing");
        const nameAt = this.pos;
        const name = this.label();
        let value: Wave | null = null;
        if (this.peek() === ':') {
          this.pos++;
          value = this.value(depth + 1);
        }
        entries.push({ name, value, at: nameAt });
        if (this.peek() === ',') this.pos++;
        else if (this.peek() !== '}') this.fail("expected ',' or '}'");
      }
      this.pos++;
      return { t: 'braces', entries, at };
    }
    if (c === '"') {
      this.pos++;
      return { t: 'str', v: String.fromCodePoint(...this.escaped('"')), at };
    }
    if (c === "'") {
      this.pos++;
      const cps = this.escaped("'");
      if (cps.length !== 1) this.fail('a char literal holds exactly one character', at);
      return { t: 'char', cp: cps[0] as number, at };
    }
    if (c === '#') {
      const m = /^#([0-9]{1,10})/.exec(this.text.slice(this.pos));
      const v = m === null ? -1 : Number(m[1]);
      if (m === null || v > 0xffffffff) this.fail('a handle is # and its host-table index (0 .. 4294967295)');
      this.pos += (m as RegExpExecArray)[0].length;
      return { t: 'handle', v, at };
    }
    const num = /^-?(?:[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|inf)/.exec(this.text.slice(this.pos));
    if (num !== null && (c === '-' || /[0-9]/.test(c))) {
      this.pos += num[0].length;
      return { t: 'num', text: num[0], at };
    }
    if (c === '%' || /[a-zA-Z]/.test(c)) {
      const raw = this.text[this.pos] === '%';
      const name = this.label();
      if (!raw && (name === 'inf' || name === 'nan')) return { t: 'num', text: name, at };
      let payload: Wave | null = null;
      if (this.peek() === '(') {
        this.pos++;
        payload = this.value(depth + 1);
        this.expect(')');
      }
      return { t: 'label', name, raw, payload, at };
    }
    return this.fail(c === '' ? 'a value is missing at the end' : `unexpected '${c}'`);
  }

  label(): string {
    this.ws();
    const m = /^%?[a-zA-Z][a-zA-Z0-9]*(?:-[a-zA-Z0-9]+)*/.exec(this.text.slice(this.pos));
    if (m === null) this.fail('expected a label');
    this.pos += m[0].length;
    return m[0].replace(/^%/, '');
  }
}

export interface WaveCall {
  readonly name: string;
  /** The arguments as parsed, not yet checked against a type. */
  readonly args: readonly Wave[];
  readonly text: string;
}

/** `name(arg, ...)` (or a bare `name`: no arguments). */
export function parseWaveCall(text: string): WaveCall {
  const open = text.indexOf('(');
  const name = (open < 0 ? text : text.slice(0, open)).trim();
  if (name === '') throw waveError('the function name is missing: write name(arg, ...)', text, 0);
  if (open < 0) return { name, args: [], text };
  const p = new Parser(text);
  p.pos = open + 1;
  const args = p.items(')', 0);
  p.ws();
  if (p.pos < text.length) p.fail('text after the closing parenthesis');
  return { name, args, text };
}

function describe(w: Wave): string {
  switch (w.t) {
    case 'num':
      return `the number ${w.text}`;
    case 'handle':
      return `the handle #${w.v}`;
    case 'char':
      return 'a char';
    case 'str':
      return 'a string';
    case 'list':
      return 'a list';
    case 'tuple':
      return 'a tuple';
    case 'braces':
      return w.entries.length > 0 && w.entries[0]?.value === null ? 'flags' : 'a record';
    case 'label':
      return `the case ${w.name}${w.payload === null ? '' : '(...)'}`;
  }
}

/** Checks one argument against its type: the value, or a USAGE error naming `where` and the type. */
export function waveToValue(t: CType, w: Wave, where: string, text: string): CValue {
  const bad = (why?: string): never => {
    throw waveError(`${where}: expected ${witOf(t)}, got ${describe(w)}${why === undefined ? '' : ` (${why})`}`, text, w.at, witOf(t));
  };
  switch (t.k) {
    case 'bool':
      if (w.t === 'label' && !w.raw && w.payload === null && (w.name === 'true' || w.name === 'false')) return { k: 'bool', v: w.name === 'true' };
      return bad();
    case 's8':
    case 'u8':
    case 's16':
    case 'u16':
    case 's32':
    case 'u32':
    case 's64':
    case 'u64': {
      if (w.t !== 'num' || !/^-?[0-9]+$/.test(w.text)) return bad();
      const v = BigInt(w.text);
      const [lo, hi] = INT_RANGES[t.k] as readonly [bigint, bigint];
      if (v < lo || v > hi) return bad(`out of range ${lo}..${hi}`);
      return { k: 'int', v };
    }
    case 'f32':
    case 'f64': {
      if (w.t !== 'num') return bad();
      const v = w.text === 'nan' ? NaN : w.text === 'inf' ? Infinity : w.text === '-inf' ? -Infinity : Number(w.text);
      if (t.k === 'f32' && Number.isFinite(v) && !Number.isFinite(Math.fround(v))) return bad('out of the f32 range');
      return { k: 'float', v: t.k === 'f32' ? Math.fround(v) : v };
    }
    case 'char':
      return w.t === 'char' ? { k: 'char', v: w.cp } : bad();
    case 'own':
    case 'borrow':
      return w.t === 'handle' ? { k: 'handle', v: w.v } : bad('a handle the host holds is #N');
    case 'string':
      return w.t === 'str' ? { k: 'string', v: w.v } : bad();
    case 'list':
      if (w.t !== 'list') return bad();
      return { k: 'list', items: w.items.map((x, i) => waveToValue(t.t, x, `${where}[${i}]`, text)) };
    case 'tuple':
      if (w.t !== 'tuple') return bad();
      if (w.items.length !== t.ts.length) return bad(`${w.items.length} elements, the tuple has ${t.ts.length}`);
      return { k: 'tuple', items: w.items.map((x, i) => waveToValue(t.ts[i] as CType, x, `${where}.${i}`, text)) };
    case 'record': {
      if (w.t !== 'braces' || w.entries.some((e) => e.value === null)) return bad();
      const given = new Map(w.entries.map((e) => [e.name, e]));
      for (const e of w.entries) if (!t.fields.some(([n]) => n === e.name)) return bad(`no field ${e.name}`);
      if (given.size !== w.entries.length) return bad('a field is given twice');
      return {
        k: 'record',
        fields: t.fields.map(([n, f]) => {
          const e = given.get(n);
          if (e === undefined) return f.k === 'option' ? { k: 'case', index: 0, payload: null } : bad(`field ${n} missing`);
          return waveToValue(f, e.value as Wave, `${where}.${n}`, text);
        }),
      };
    }
    case 'flags': {
      if (w.t !== 'braces' || w.entries.some((e) => e.value !== null)) return bad();
      const set = t.names.map(() => false);
      for (const e of w.entries) {
        const i = t.names.indexOf(e.name);
        if (i < 0) return bad(`no flag ${e.name}`);
        set[i] = true;
      }
      return { k: 'flags', set };
    }
    default: {
      if (w.t !== 'label' || ((t.k === 'option' || t.k === 'result') && w.raw)) return bad();
      const names = caseNames(t);
      const index = names.indexOf(w.name);
      if (index < 0) return bad(`the cases are ${names.join(', ')}`);
      const payload = casePayload(t, index);
      if (payload === null) return w.payload === null ? { k: 'case', index, payload: null } : bad(`${w.name} takes no payload`);
      if (w.payload === null) return bad(`${w.name} takes a payload`);
      return { k: 'case', index, payload: waveToValue(payload, w.payload, `${where}.${w.name}`, text) };
    }
  }
}

function caseNames(t: CType): readonly string[] {
  switch (t.k) {
    case 'variant':
      return t.cases.map(([n]) => n);
    case 'enum':
      return t.names;
    case 'option':
      return ['none', 'some'];
    case 'result':
      return ['ok', 'err'];
    default:
      return [];
  }
}

function label(name: string, keyword: boolean): string {
  return keyword && KEYWORDS.has(name) ? `%${name}` : name;
}

const CHAR_ESCAPES: Readonly<Record<number, string>> = { 9: '\\t', 10: '\\n', 13: '\\r', 92: '\\\\' };

function escapeCp(cp: number, quote: string): string {
  const simple = CHAR_ESCAPES[cp];
  if (simple !== undefined) return simple;
  if (String.fromCodePoint(cp) === quote) return `\\${quote}`;
  if (cp < 0x20 || cp === 0x7f) return `\\u{${cp.toString(16)}}`;
  return String.fromCodePoint(cp);
}

/** A float as its shortest decimal that reads back to the same f32/f64, without exponent notation. */
export function formatFloat(v: number, f32: boolean): string {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Object.is(v, -0)) return '-0';
  let text = String(v);
  if (f32) {
    for (let p = 1; p <= 9; p++) {
      const s = v.toPrecision(p);
      if (Math.fround(Number(s)) === v) {
        text = String(Number(s));
        break;
      }
    }
  }
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (m === null) return text;
  const [, sign, first, rest = '', exp] = m as unknown as [string, string, string, string | undefined, string];
  const digits = first + rest;
  const e = Number(exp);
  if (e >= 0) return sign + (digits.length <= e + 1 ? digits + '0'.repeat(e + 1 - digits.length) : `${digits.slice(0, e + 1)}.${digits.slice(e + 1)}`);
  return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
}

/** One value as WAVE text. */
export function formatWave(t: CType, v: CValue): string {
  switch (v.k) {
    case 'bool':
      return v.v ? 'true' : 'false';
    case 'handle':
      return `#${v.v}`;
    case 'int':
      return v.v.toString();
    case 'float':
      return formatFloat(v.v, t.k === 'f32');
    case 'char':
      return `'${escapeCp(v.v, "'")}'`;
    case 'string':
      return `"${[...v.v].map((c) => escapeCp(c.codePointAt(0) as number, '"')).join('')}"`;
    case 'list':
      return `[${v.items.map((x) => formatWave((t as { t: CType }).t, x)).join(', ')}]`;
    case 'tuple':
      return `(${v.items.map((x, i) => formatWave((t as { ts: readonly CType[] }).ts[i] as CType, x)).join(', ')})`;
    case 'record': {
      const fields = (t as { fields: readonly (readonly [string, CType])[] }).fields;
      return `{${v.fields.map((x, i) => `${label(fields[i]?.[0] ?? '', true)}: ${formatWave(fields[i]?.[1] as CType, x)}`).join(', ')}}`;
    }
    case 'flags': {
      const names = (t as { names: readonly string[] }).names;
      return `{${names.filter((_, i) => v.set[i] === true).map((n) => label(n, true)).join(', ')}}`;
    }
    case 'case': {
      const builtin = t.k === 'option' || t.k === 'result';
      const name = label(caseNames(t)[v.index] ?? String(v.index), !builtin);
      const payload = casePayload(t, v.index);
      return payload === null || v.payload === null ? name : `${name}(${formatWave(payload, v.payload)})`;
    }
  }
}
