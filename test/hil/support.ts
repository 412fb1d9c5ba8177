import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Board, Expectation, SuiteTest } from '../../ts/hil/types.js';

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `wrt-hil-${prefix}-`));
}

/** Writes files (path relative to root -> text) and returns root. */
export function writeTree(root: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) {
    const path = join(root, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return root;
}

export function board(id: string, extra: Partial<Board> = {}): Board {
  return { id, connection: { kind: 'fake' }, fixtures: [], enabled: true, timeoutScale: 1, origin: { file: 'map.yaml', field: '/boards/0' }, ...extra };
}

/** A suite test for scheduler and report tests; the module path is never read there. */
export function suiteTest(suite: string, name: string, expect: Expectation = { kind: 'returns', values: [{ type: 'i32', bits: '5' }] }, extra: Partial<SuiteTest> = {}): SuiteTest {
  return {
    id: `${suite}/${name}`,
    suite,
    name,
    module: { path: `/nonexistent/${name}.wasm`, kind: 'wasm', flags: [] },
    entry: { kind: 'invoke', export: 'f', args: [] },
    expect,
    fixtures: [],
    requires: {},
    tags: [],
    origin: { file: 'suite.yaml', field: '/tests/0' },
    ...extra,
  };
}
