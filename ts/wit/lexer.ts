/**
 * WIT tokens. A file is lexed once, front to back, into flat arrays (linear time, no recursion).
 * A lexical error stops the lexing and is kept at the place it happened: the parser raises it only
 * when it reaches that token, so an earlier syntax error is still the one reported, as in
 * wit-parser, whose tokenizer is lazy.
 */
import { syntaxError, WitError } from './errors.js';
import type { Span } from './source-map.js';

export const KEYWORDS = [
  'use', 'type', 'func', 'u8', 'u16', 'u32', 'u64', 's8', 's16', 's32', 's64', 'f32', 'f64', 'char',
  'resource', 'own', 'borrow', 'record', 'flags', 'variant', 'enum', 'bool', 'string', 'option',
  'result', 'future', 'stream', 'error-context', 'list', 'map', '_', 'as', 'from', 'static',
  'interface', 'tuple', 'world', 'import', 'export', 'package', 'constructor', 'include', 'with',
  'async',
] as const;
export type Keyword = (typeof KEYWORDS)[number];

const PUNCTUATION = ['=', ',', ':', '.', ';', '(', ')', '{', '}', '<', '>', '->', '*', '@', '/', '+', '-'] as const;
export type Punctuation = (typeof PUNCTUATION)[number];

export type TokenKind = Keyword | Punctuation | 'id' | 'explicit-id' | 'integer' | 'string-literal' | 'comment';

const KEYWORD_SET: ReadonlySet<string> = new Set(KEYWORDS);

/** How an error message names a token: "keyword `use`", "';'", "an identifier". */
export function describeToken(kind: TokenKind | 'eof'): string {
  switch (kind) {
    case 'eof':
      return 'eof';
    case 'id':
      return 'an identifier';
    case 'explicit-id':
      return "an '%' identifier";
    case 'integer':
      return 'an integer';
    case 'string-literal':
      return 'a string literal';
    case 'comment':
      return 'a comment';
    case '->':
    case '*':
    case '@':
    case '/':
    case '+':
    case '-':
      return `\`${kind}\``;
    default:
      return KEYWORD_SET.has(kind) ? `keyword \`${kind}\`` : `'${kind}'`;
  }
}

export interface Tokens {
  readonly kinds: TokenKind[];
  readonly starts: number[];
  readonly ends: number[];
  /** The error that stopped lexing, raised when the parser reaches token index kinds.length. */
  readonly error: WitError | null;
  /** Global offset of the file's end (where "found eof" points). */
  readonly eof: number;
  readonly text: string;
  readonly base: number;
}

const XID_START = /\p{XID_Start}/u;
const XID_CONTINUE = /\p{XID_Continue}/u;
const CONTROL = /\p{Cc}/u;
const BIDI = new Set([0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);
const DISCOURAGED = new Set([0x149, 0x673, 0xf77, 0xf79, 0x17a3, 0x17a4, 0x17b4, 0x17b5]);

function isAsciiLetter(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a);
}

function isKeylikeStart(ch: string): boolean {
  const code = ch.charCodeAt(0);
  if (code < 0x80) return isAsciiLetter(code) || ch === '_' || ch === '-';
  return XID_START.test(ch);
}

function isKeylikeContinue(ch: string): boolean {
  const code = ch.charCodeAt(0);
  // ASCII first: the regular expression is only for the rest of Unicode.
  if (code < 0x80) return isAsciiLetter(code) || (code >= 0x30 && code <= 0x39) || ch === '_' || ch === '-';
  return XID_CONTINUE.test(ch);
}

function codePointAt(text: string, i: number): string {
  const unit = text.charCodeAt(i);
  if (unit < 0xd800 || unit > 0xdbff) return text[i] ?? '';
  return String.fromCodePoint(text.codePointAt(i) ?? 0);
}

function escapeUnicode(ch: string): string {
  return `\\u{${(ch.codePointAt(0) ?? 0).toString(16)}}`;
}

/** Rust's `{:?}` of a char, which the messages quote. */
export function debugChar(ch: string): string {
  if (ch === '\n') return "'\\n'";
  if (ch === '\t') return "'\\t'";
  if (ch === '\r') return "'\\r'";
  if (ch === "'") return "'\\''";
  if (ch === '\\') return "'\\\\'";
  if (CONTROL.test(ch)) return `'${escapeUnicode(ch)}'`;
  return `'${ch}'`;
}

/** Characters no WIT file may hold anywhere (checked before lexing, like wit-parser). */
function checkCharacters(text: string, base: number): WitError | null {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80 && code >= 0x20 && code !== 0x7f) continue;
    if (code === 0x0a || code === 0x0d || code === 0x09) continue;
    const ch = codePointAt(text, i);
    const cp = ch.codePointAt(0) ?? 0;
    const at = { start: base + i, end: base + i + 1 };
    if (BIDI.has(cp)) return syntaxError(at, `Input contains bidirectional override codepoint "${escapeUnicode(ch)}"`);
    if (DISCOURAGED.has(cp)) return syntaxError(at, `Codepoint "${escapeUnicode(ch)}" is discouraged by Unicode`);
    if (CONTROL.test(ch)) return syntaxError(at, `Control code '${escapeUnicode(ch)}'`);
    if (ch.length === 2) i += 1;
  }
  return null;
}

/** Lexes one file; `base` is its global offset in the source map. Never throws. */
export function lex(text: string, base: number): Tokens {
  const kinds: TokenKind[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const result = (error: WitError | null): Tokens => ({ kinds, starts, ends, error, eof: base + text.length, text, base });
  const bad = checkCharacters(text, base);
  if (bad !== null) return result(bad);
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  const push = (kind: TokenKind, start: number, end: number): void => {
    kinds.push(kind);
    starts.push(base + start);
    ends.push(base + end);
  };
  const at = (pos: number): Span => ({ start: base + pos, end: base + pos + 1 });
  while (i < n) {
    const start = i;
    const c = text[i] ?? '';
    if (c === ' ' || c === '\t' || c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      i += c === '\r' ? 2 : 1;
      continue;
    }
    if (c === '/') {
      if (text[i + 1] === '/') {
        const nl = text.indexOf('\n', i + 2);
        i = nl < 0 ? n : nl + 1;
        // The comment's text ends before its line break (a "\r\n" included).
        push('comment', start, i);
        continue;
      }
      if (text[i + 1] === '*') {
        let depth = 1;
        i += 2;
        while (depth > 0) {
          if (i >= n) return result(syntaxError(at(start), 'unterminated block comment'));
          if (text[i] === '/' && text[i + 1] === '*') {
            depth += 1;
            i += 2;
          } else if (text[i] === '*' && text[i + 1] === '/') {
            depth -= 1;
            i += 2;
          } else {
            i += 1;
          }
        }
        push('comment', start, i);
        continue;
      }
      push('/', start, ++i);
      continue;
    }
    if (c === '-') {
      if (text[i + 1] === '>') {
        i += 2;
        push('->', start, i);
      } else {
        push('-', start, ++i);
      }
      continue;
    }
    if ('=,:.;(){}<>*@+'.includes(c)) {
      push(c as Punctuation, start, ++i);
      continue;
    }
    if (c === '%') {
      i += 1;
      if (i < n && isKeylikeStart(codePointAt(text, i))) {
        i += codePointAt(text, i).length;
        while (i < n && isKeylikeContinue(codePointAt(text, i))) i += codePointAt(text, i).length;
      }
      push('explicit-id', start, i);
      continue;
    }
    if (c === '"') {
      const end = scanString(text, i + 1);
      if (typeof end !== 'number') return result(syntaxError(at(end.at), end.message));
      i = end;
      push('string-literal', start, i);
      continue;
    }
    if (c >= '0' && c <= '9') {
      while (i < n && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i += 1;
      push('integer', start, i);
      continue;
    }
    const ch = codePointAt(text, i);
    if (isKeylikeStart(ch)) {
      i += ch.length;
      while (i < n && isKeylikeContinue(codePointAt(text, i))) i += codePointAt(text, i).length;
      const word = text.slice(start, i);
      push(KEYWORD_SET.has(word) ? (word as Keyword) : 'id', start, i);
      continue;
    }
    return result(syntaxError(at(start), `unexpected character ${debugChar(ch)}`));
  }
  return result(null);
}

/** Finds the end of a string literal whose body starts at `i`; only the lexer's checks. */
function scanString(text: string, from: number): number | { at: number; message: string } {
  let i = from;
  for (;;) {
    if (i >= text.length) return { at: text.length, message: 'unexpected end of file' };
    const ch = codePointAt(text, i);
    i += ch.length;
    if (ch === '"') return i;
    if (ch === '\\') {
      if (i >= text.length) return { at: text.length, message: 'unexpected end of file' };
      const esc = codePointAt(text, i);
      const escAt = i;
      i += esc.length;
      if ('"\'tnr\\'.includes(esc)) continue;
      if (esc === 'u') {
        if (text[i] !== '{') return { at: i, message: "expected character '{'" };
        i += 1;
        let value = 0;
        let digits = 0;
        while (i < text.length && (/[0-9a-fA-F_]/.test(text[i] ?? ''))) {
          if (text[i] !== '_') {
            value = value * 16 + parseInt(text[i] ?? '0', 16);
            digits += 1;
            if (value > 0xffffffff) return { at: i, message: 'number is too big to fit in a u32' };
          }
          i += 1;
        }
        if (digits === 0) return { at: i, message: `invalid hex digit ${debugChar(text[i] ?? '')}` };
        if (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return { at: escAt, message: `invalid unicode value 0x${value.toString(16)}` };
        if (text[i] !== '}') return { at: i, message: "expected character '}'" };
        i += 1;
        continue;
      }
      if (/[0-9a-fA-F]/.test(esc)) {
        if (!/[0-9a-fA-F]/.test(text[i] ?? '')) return { at: i, message: `invalid hex digit ${debugChar(text[i] ?? '')}` };
        i += 1;
        continue;
      }
      return { at: escAt, message: `invalid string escape ${debugChar(esc)}` };
    }
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20 || cp === 0x7f) return { at: i - 1, message: `invalid string character ${debugChar(ch)}` };
  }
}

/** The value of a string literal token (its text between the quotes, escapes applied). */
export function stringLiteralValue(raw: string): string {
  const body = raw.slice(1, -1);
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < body.length; ) {
    const ch = codePointAt(body, i);
    i += ch.length;
    if (ch !== '\\') {
      bytes.push(...encoder.encode(ch));
      continue;
    }
    const esc = body[i] ?? '';
    i += 1;
    const simple: Record<string, string> = { '"': '"', "'": "'", t: '\t', n: '\n', r: '\r', '\\': '\\' };
    const mapped = simple[esc];
    if (mapped !== undefined) {
      bytes.push(...encoder.encode(mapped));
    } else if (esc === 'u') {
      const close = body.indexOf('}', i);
      bytes.push(...encoder.encode(String.fromCodePoint(parseInt(body.slice(i + 1, close).replaceAll('_', ''), 16))));
      i = close + 1;
    } else {
      bytes.push(parseInt(esc + (body[i] ?? ''), 16));
      i += 1;
    }
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(new Uint8Array(bytes));
}

/**
 * wit-parser's identifier rule: `-`-separated parts, each all lower case or all upper case ASCII
 * letters and digits, the first part starting with a letter. Returns the error message, or null.
 */
export function identifierProblem(id: string): string | null {
  if (id === '') return "identifiers must have characters between '-'s";
  const parts = id.split('-');
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p] ?? '';
    if (part === '') return "identifiers must have characters between '-'s";
    const first = codePointAt(part, 0);
    if (p === 0 && !/[A-Za-z]/.test(first)) return `invalid character in identifier ${debugChar(first)}`;
    let upper: boolean | null = null;
    for (const ch of part) {
      if (ch >= '0' && ch <= '9') continue;
      if (ch >= 'A' && ch <= 'Z') {
        if (upper === false) return `invalid character in identifier ${debugChar(ch)}`;
        upper = true;
      } else if (ch >= 'a' && ch <= 'z') {
        if (upper === true) return `invalid character in identifier ${debugChar(ch)}`;
        upper = false;
      } else {
        return `invalid character in identifier ${debugChar(ch)}`;
      }
    }
  }
  return null;
}
