import { describe, expect, it } from 'vitest';
import type { WrtError } from '../../ts/core/errors.js';
import { renderWitError, WitError } from '../../ts/wit/errors.js';
import { WIT_PRESETS } from '../../ts/wit/limits.js';
import { resolveWit } from '../../ts/wit/load.js';
import { thrown } from '../support/wrt-error.js';

function failure(files: Record<string, string>): WrtError {
  const list = Object.entries(files).map(([path, text]) => ({ path, text }));
  return thrown(() => resolveWit({ files: list }, [], WIT_PRESETS.medium, new Set()));
}

describe('WIT error format', () => {
  it('prints path:LINE:COL: error[CODE]: message, the source line and a caret under the token', () => {
    const error = failure({ 'app.wit': 'package a:b;\n\ninterface i {\n  f: func() -> strng;\n}\n' });
    expect(renderWitError(error)).toBe(
      ['app.wit:4:16: error[WIT_UNDEFINED]: name `strng` does not exist', '  |', '4 |   f: func() -> strng;', '  |                ^----'].join('\n'),
    );
    expect(error.location).toMatchObject({ file: 'app.wit', line: 4, column: 16, offset: 43 });
  });

  it('counts columns in UTF-8 bytes like wit-parser, and puts the caret under the character', () => {
    const error = failure({ 'u.wit': 'package a:b;\n/* ünïcödé */ interface i { x: func() -> nope; }\n' });
    expect(error).toBeInstanceOf(WitError);
    expect(error.location.column).toBe(46);
    const lines = renderWitError(error).split('\n');
    expect(lines[0]).toBe('u.wit:2:46: error[WIT_UNDEFINED]: name `nope` does not exist');
    expect(lines[3]?.indexOf('^')).toBe((lines[2] ?? '').indexOf('nope'));
  });

  it('names the file of a package split over files', () => {
    const error = failure({ 'a.wit': 'package a:b;\ninterface i { use j.{t}; }\n', 'b.wit': 'interface j {\n  type t = u32;\n  type t = u8;\n}\n' });
    expect(renderWitError(error).split('\n')[0]).toBe('b.wit:3:8: error[WIT_SYNTAX]: name `t` is defined more than once');
  });

  it('gives lexical errors and limits their own codes, and a missing header no place', () => {
    expect(failure({ 'x.wit': 'package a:b;\ninterface i { $ }\n' }).code).toBe('WIT_SYNTAX');
    expect(failure({ 'x.wit': 'package a:b;\ninterface i { type a = b; type b = a; }\n' }).code).toBe('WIT_CYCLE');
    const missing = failure({ 'x.wit': 'interface i {}\n' });
    expect(renderWitError(missing)).toBe('error[WIT_SYNTAX]: no `package` header was found in any WIT file for this package');
  });

  it('shows the limit and how to raise it after the message', () => {
    const deep = `package a:b;\ninterface i { type t = ${'list<'.repeat(40)}u8${'>'.repeat(40)}; }\n`;
    const first = renderWitError(failure({ 'd.wit': deep })).split('\n')[0];
    expect(first).toBe('d.wit:2:184: error[LIMIT_EXCEEDED]: type nesting too deep (limit: maxNestingDepth 32; raise it with --max-nesting-depth or pick a larger --preset)');
  });
});
