import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jcoBuiltinWitDir } from '../../tools/oracles/jco.js';
import { WrtError } from '../../ts/core/errors.js';
import { packageNameString } from '../../ts/wit/model.js';
import { WIT_PRESETS } from '../../ts/wit/limits.js';
import { resolveWit, type WitSourceGroup } from '../../ts/wit/load.js';

/** The WASI packages jco bundles, one directory per package, one version per directory. */
const BUILTIN = jcoBuiltinWitDir();

function groups(version: string): { name: string; group: WitSourceGroup }[] {
  return readdirSync(join(BUILTIN, version))
    .sort()
    .map((name) => {
      const dir = join(BUILTIN, version, name);
      const files = readdirSync(dir)
        .filter((f) => f.endsWith('.wit'))
        .map((f) => ({ path: join(version, name, f), text: readFileSync(join(dir, f), 'utf8') }));
      return { name, group: { files } };
    });
}

describe.each([
  ['0.2.12', ['wasi-cli', 'wasi-clocks', 'wasi-filesystem', 'wasi-http', 'wasi-io', 'wasi-random', 'wasi-sockets']],
  ['0.3.0', ['wasi-cli', 'wasi-clocks', 'wasi-filesystem', 'wasi-http', 'wasi-random', 'wasi-sockets']],
])('WASI %s as jco bundles it', (version, expected) => {
  const all = groups(version);

  it('has the packages this test knows', () => {
    expect(all.map((g) => g.name)).toEqual(expected);
  });

  it.each(expected)('%s resolves with the others as deps under the medium preset', (name) => {
    const main = all.find((g) => g.name === name);
    if (main === undefined) throw new Error(`no ${name}`);
    const load = resolveWit(main.group, all.filter((g) => g !== main).map((g) => g.group), WIT_PRESETS.medium, new Set());
    const pkg = load.resolve.packages[load.main];
    expect(pkg === undefined ? '' : packageNameString(pkg.name)).toBe(`wasi:${name.slice('wasi-'.length)}@${version}`);
  });

  it('does not fit the small preset (the seed numbers): wasi:cli alone has more than 8 interfaces', () => {
    const cli = all.find((g) => g.name === 'wasi-cli');
    if (cli === undefined) throw new Error('no wasi-cli');
    let error: unknown;
    try {
      resolveWit(cli.group, all.filter((g) => g !== cli).map((g) => g.group), WIT_PRESETS.small, new Set());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WrtError);
    expect((error as WrtError).code).toBe('LIMIT_EXCEEDED');
  });
});
