import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { buildModule, type BuildTools } from '../../ts/hil/builder.js';
import { expectWrtError } from '../support/wrt-error.js';
import { tempDir, writeTree } from './support.js';

const cacheDir = tempDir('build-cache');
const sources = tempDir('build-src');
afterAll(() => {
  rmSync(cacheDir, { recursive: true, force: true });
  rmSync(sources, { recursive: true, force: true });
});
const SMOKE = join(packageRoot(), 'hil', 'suites', 'smoke');
const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

describe('module builder', () => {
  it('builds .wat with wat2wasm once, then reuses the cache entry', () => {
    const source = { path: join(SMOKE, 'add.wat'), kind: 'wat' as const, flags: [] };
    const first = buildModule(source, { cacheDir });
    expect(first.cached).toBe(false);
    expect([...first.bytes.subarray(0, 8)]).toEqual(WASM_MAGIC);
    expect(first.path.startsWith(cacheDir)).toBe(true);
    const second = buildModule(source, { cacheDir });
    expect(second).toMatchObject({ cached: true, path: first.path, sha256: first.sha256 });
    expect(readdirSync(cacheDir).filter((name) => name.endsWith('.wasm'))).toHaveLength(1);
  });

  it('compiles C for wasm32-wasi with clang and keys the cache on flags and source', () => {
    writeTree(sources, { 'answer.c': 'int main(void) { return 42; }\n' });
    const source = { path: join(sources, 'answer.c'), kind: 'c' as const, flags: [] };
    const first = buildModule(source, { cacheDir });
    expect([...first.bytes.subarray(0, 8)]).toEqual(WASM_MAGIC);
    expect(buildModule(source, { cacheDir }).cached).toBe(true);
    const optimisedForSize = buildModule({ ...source, flags: ['-Os'] }, { cacheDir });
    expect(optimisedForSize.cached).toBe(false);
    expect(optimisedForSize.path).not.toBe(first.path);
    writeTree(sources, { 'answer.c': 'int main(void) { return 43; }\n' });
    const edited = buildModule(source, { cacheDir });
    expect(edited.cached).toBe(false);
    expect(edited.sha256).not.toBe(first.sha256);
  });

  it('passes .wasm files through unchanged', () => {
    const built = buildModule({ path: join(SMOKE, 'add.wat'), kind: 'wat', flags: [] }, { cacheDir });
    const passed = buildModule({ path: built.path, kind: 'wasm', flags: [] }, { cacheDir });
    expect(passed).toMatchObject({ path: built.path, sha256: built.sha256, cached: false });
  });

  it('says which package a missing tool comes from', () => {
    const none: BuildTools = { version: () => undefined, run: () => ({ ok: true }) };
    const error = expectWrtError(() => buildModule({ path: join(SMOKE, 'add.wat'), kind: 'wat', flags: [] }, { cacheDir, tools: none }), 'TOOL_MISSING', { field: 'wat2wasm' });
    expect(error.message).toMatch(/^wat2wasm is not installed \(Debian: wabt\)/);
  });

  it('reports a compile error with the compiler output and the test it belongs to', () => {
    writeTree(sources, { 'broken.c': 'int main(void) { return undefined_name; }\n' });
    const origin = { file: 'suite.yaml', field: '/tests/3', line: 12 };
    const error = expectWrtError(() => buildModule({ path: join(sources, 'broken.c'), kind: 'c', flags: [] }, { cacheDir, origin }), 'MODULE_BUILD_FAILED', origin);
    expect(error.message).toContain("use of undeclared identifier 'undefined_name'");
    expect(error.location.limit).toMatch(/^clang --target=wasm32-wasi -O2 -Wall -Wextra -Werror -o .*broken\.c$/);
    expect(readdirSync(cacheDir).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });
});
