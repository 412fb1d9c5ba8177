import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { uiDirectory, SKIPS } from '../../scripts/wit/conformance.js';
import { WIT_PRESETS } from '../../ts/wit/limits.js';
import { readWitPath, resolveWit } from '../../ts/wit/load.js';
import { printPackage } from '../../ts/wit/print.js';

const UI = uiDirectory(process.env, packageRoot());
const FEATURES = new Set(['active']);
const cases = readdirSync(UI)
  .filter((name) => name !== 'parse-fail' && !name.endsWith('.json') && !SKIPS.has(name))
  .sort();

describe('normalized WIT', () => {
  it('prints a package in one canonical layout', () => {
    const load = resolveWit(
      { files: [{ path: 'x.wit', text: 'package a:b@1.0.0;\ninterface i{resource r{constructor();get:func()->u32;make:static func()->r;}\n/// A\nrecord %type{x:list<tuple<u8,string>>}\nf:async func(x:borrow<r>)->result<_,string>;}\nworld w{import i;export run:func();}' }] },
      [],
      WIT_PRESETS.medium,
      new Set(),
    );
    expect(printPackage(load.resolve, load.main)).toBe(
      [
        'package a:b@1.0.0;',
        '',
        'interface i {',
        '  resource r {',
        '    constructor();',
        '    get: func() -> u32;',
        '    make: static func() -> r;',
        '  }',
        '  /// A',
        '  record %type {',
        '    x: list<tuple<u8, string>>,',
        '  }',
        '  f: async func(x: borrow<r>) -> result<_, string>;',
        '}',
        '',
        'world w {',
        '  import i;',
        '  export run: func();',
        '}',
        '',
      ].join('\n'),
    );
  });

  it.each(cases)('%s: printing, re-reading and printing again gives the same text', (name) => {
    const { main, deps } = readWitPath(join(UI, name), WIT_PRESETS.large);
    const first = resolveWit(main, deps, WIT_PRESETS.large, FEATURES);
    const texts = first.resolve.packages.map((_, i) => printPackage(first.resolve, i));
    const groups = texts.map((text, i) => ({ files: [{ path: `p${i}.wit`, text }] }));
    const again = resolveWit(groups[first.main] ?? { files: [] }, groups.filter((_, i) => i !== first.main), WIT_PRESETS.large, FEATURES);
    expect(printPackage(again.resolve, again.main)).toBe(texts[first.main]);
  });
});
