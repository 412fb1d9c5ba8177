import { describe, expect, it } from 'vitest';
import { WrtError } from '../../ts/core/errors.js';
import { WitError } from '../../ts/wit/errors.js';
import { resolveWitLimits, WIT_PRESETS, witLimitValues } from '../../ts/wit/limits.js';
import { resolveWit, type WitLimits } from '../../ts/wit/load.js';

function check(text: string, limits: WitLimits = WIT_PRESETS.medium): WrtError | null {
  try {
    resolveWit({ files: [{ path: 'in.wit', text }] }, [], limits, new Set());
    return null;
  } catch (error) {
    if (error instanceof WrtError) return error;
    throw error;
  }
}

const MIB = 1024 * 1024;

describe('WIT limits', () => {
  it('refuses 1 MiB of `<` at once with the file-size limit, before lexing it', () => {
    const text = `package a:b;\ninterface i { type t = list${'<'.repeat(MIB)} }\n`;
    const started = performance.now();
    const error = check(text);
    expect(performance.now() - started).toBeLessThan(500);
    expect(error?.code).toBe('LIMIT_EXCEEDED');
    expect(error?.location.limit).toContain('maxFileBytes 65536');
  });

  it('refuses 1 MiB of nested `list<` with the nesting limit, not a stack overflow, in linear time', () => {
    const depth = MIB / 5;
    const text = `package a:b;\ninterface i { type t = ${'list<'.repeat(depth)}u8${'>'.repeat(depth)}; }\n`;
    const limits = { ...WIT_PRESETS.large, maxFileBytes: 4 * MIB, maxNestingDepth: 1000 };
    const started = performance.now();
    const error = check(text, limits);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(WitError);
    expect(error?.code).toBe('LIMIT_EXCEEDED');
    expect(error?.message).toBe('type nesting too deep');
    // The 1001st `list` (wit-parser counts the same way: depth 0 is the outermost type).
    expect(error?.location.column).toBe(24 + 5 * 1000);
  });

  it('counts the outermost type as depth 0, as wit-parser does: 5 levels fit in maxNestingDepth 5', () => {
    const nested = (n: number): string => `package a:b;\ninterface i { type t = ${'option<'.repeat(n)}u8${'>'.repeat(n)}; }\n`;
    const limits = { ...WIT_PRESETS.small, maxNestingDepth: 5 };
    expect(check(nested(4), limits)).toBeNull();
    expect(check(nested(5), limits)?.code).toBe('LIMIT_EXCEEDED');
  });

  it('refuses a file over maxFileBytes, naming the limit and how to raise it', () => {
    const text = `package a:b;\n${'// padding\n'.repeat(800)}`;
    expect(check(text, WIT_PRESETS.medium)).toBeNull();
    const error = check(text, WIT_PRESETS.small);
    expect(error?.code).toBe('LIMIT_EXCEEDED');
    expect(error?.message).toBe(`the WIT file is ${Buffer.byteLength(text)} bytes`);
    expect(error?.location.limit).toBe('maxFileBytes 8192; raise it with --max-file-bytes or pick a larger --preset');
  });

  it('refuses an identifier longer than maxIdentifierLength at the identifier', () => {
    const name = `a${'b'.repeat(64)}`;
    const error = check(`package a:b;\ninterface ${name} {}\n`, WIT_PRESETS.small);
    expect(error?.code).toBe('LIMIT_EXCEEDED');
    expect([error?.location.line, error?.location.column]).toEqual([2, 11]);
    expect(check(`package a:b;\ninterface ${name.slice(1)} {}\n`, WIT_PRESETS.small)).toBeNull();
  });

  it('refuses a fifth world under the small preset (4 worlds), at that world', () => {
    const worlds = (n: number): string => `package a:b;\n${Array.from({ length: n }, (_, i) => `world w${String.fromCharCode(97 + i)} {}`).join('\n')}\n`;
    expect(check(worlds(4), WIT_PRESETS.small)).toBeNull();
    const error = check(worlds(5), WIT_PRESETS.small);
    expect(error?.code).toBe('LIMIT_EXCEEDED');
    expect(error?.message).toBe('world `we` is world number 5 of this package');
    expect(error?.location.line).toBe(6);
  });

  it('refuses a ninth interface and a 17th function under small', () => {
    const ifaces = `package a:b;\n${Array.from({ length: 9 }, (_, i) => `interface i${String.fromCharCode(97 + i)} {}`).join('\n')}\n`;
    expect(check(ifaces, WIT_PRESETS.small)?.location.limit).toContain('maxInterfaces 8');
    const funcs = `package a:b;\ninterface i {\n${Array.from({ length: 17 }, (_, i) => `  f${String.fromCharCode(97 + i)}: func();`).join('\n')}\n}\n`;
    expect(check(funcs, WIT_PRESETS.small)?.location.limit).toContain('maxFunctionsPerInterface 16');
    expect(check(funcs, WIT_PRESETS.medium)).toBeNull();
  });

  it('resolves each limit from cli > env > config > preset, keeping what it overrode', () => {
    const limits = resolveWitLimits({
      cli: { preset: 'small', maxWorlds: '9' },
      env: { WRT_WIT_MAX_WORLDS: '7', WRT_WIT_MAX_FILE_BYTES: '16KiB' },
      config: { file: 'wrt-target.yaml', values: { maxWorlds: 5, maxInterfaces: 3, preset: 'large' } },
    });
    expect(limits.preset).toMatchObject({ value: 'small', source: 'cli --preset' });
    expect(limits.maxWorlds.value).toBe(9);
    expect(limits.maxWorlds.overrides.map((c) => c.source)).toEqual(['env WRT_WIT_MAX_WORLDS', 'config wrt-target.yaml: wit.maxWorlds', 'preset small']);
    expect(limits.maxFileBytes).toMatchObject({ value: 16384, source: 'env WRT_WIT_MAX_FILE_BYTES' });
    expect(limits.maxInterfaces).toMatchObject({ value: 3, source: 'config wrt-target.yaml: wit.maxInterfaces' });
    expect(limits.maxNestingDepth).toMatchObject({ value: 16, source: 'preset small' });
    expect(witLimitValues(limits).maxWorlds).toBe(9);
  });

  it('defaults to the medium preset and refuses bad values with their source', () => {
    expect(resolveWitLimits({ cli: {}, env: {} }).preset).toMatchObject({ value: 'medium', source: 'default' });
    expect(() => resolveWitLimits({ cli: {}, env: { WRT_WIT_PRESET: 'huge' } })).toThrow(/not a WIT preset/);
    expect(() => resolveWitLimits({ cli: { maxWorlds: '0' }, env: {} })).toThrow(/out of range/);
    expect(() => resolveWitLimits({ cli: {}, env: { WRT_WIT_MAX_NESTING_DEPTH: 'deep' } })).toThrow(/not a whole number/);
  });
});

describe('WIT checking time', () => {
  const roomy: WitLimits = { ...WIT_PRESETS.large, maxFileBytes: 16 * MIB, maxFunctionsPerInterface: 1 << 20, maxTypesPerInterface: 1 << 20 };

  it('stays linear where a naive check is quadratic: 80,000 parameters, 80,000 `with` names', () => {
    const params = `package a:b;\ninterface i {\n  f: func(${Array.from({ length: 80_000 }, (_, i) => `p${i}: u8`).join(', ')});\n}\n`;
    let started = performance.now();
    expect(check(params, roomy)).toBeNull();
    expect(performance.now() - started).toBeLessThan(10_000);
    const names = Array.from({ length: 80_000 }, (_, i) => `fn${i}`);
    const include = `package a:b;\nworld base {\n${names.map((n) => `  import ${n}: func();`).join('\n')}\n}\nworld top {\n  include base with { ${names.map((n) => `${n} as g${n}`).join(', ')} }\n}\n`;
    started = performance.now();
    expect(check(include, { ...roomy, maxTypesPerInterface: 1 << 20 })).toBeNull();
    expect(performance.now() - started).toBeLessThan(10_000);
  }, 30_000);

  it('never fails other than with a WrtError, whatever the bytes', () => {
    let state = 7;
    const next = (n: number): number => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state % n;
    };
    const pieces = ['package a:b;', 'interface', 'world', '{', '}', '<', '>', 'list', 'use', '.', ':', ';', 'x', '%', '@since(', '"\\u{', '/*', '\u202e', '\0', 'é', ' ', '\n'];
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: next(60) }, () => (next(4) === 0 ? String.fromCharCode(next(0x3000)) : (pieces[next(pieces.length)] ?? ''))).join('');
      const error = check(text, WIT_PRESETS.medium);
      expect(error === null || error.code !== 'INTERNAL').toBe(true);
    }
  });
});
