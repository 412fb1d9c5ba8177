/**
 * The shipped start: bin/wrt-target.js runs a command's bundle through V8's code cache
 * (ts/cli/launch.ts). Needs the bundles, which `npm run build:ts` makes when esbuild is installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';

const ROOT = packageRoot();
const BUNDLED = existsSync(join(ROOT, 'dist', 'cli', 'launch.cjs'));
const cacheRoot = mkdtempSync(join(tmpdir(), 'wrt-code-cache-'));
afterAll(() => rmSync(cacheRoot, { recursive: true, force: true }));

function cli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'wrt-target.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, WRT_CACHE_DIR: cacheRoot },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe.skipIf(!BUNDLED)('bin/wrt-target.js with the bundles', () => {
  it('writes a code cache on the first run and reuses it, unchanged, on the next', () => {
    const add = join(ROOT, 'examples', 'add.wasm');
    const first = cli(['validate', add]);
    expect(first).toMatchObject({ status: 0, stdout: expect.stringContaining('valid WebAssembly 2.0 module, 108 B') });
    const dir = join(cacheRoot, 'code-cache');
    const files = readdirSync(dir);
    expect(files).toEqual([expect.stringMatching(new RegExp(`^validate-${process.version.replace(/\./g, '\\.')}-${process.arch}-\\d+-\\d+-\\d+\\.v8$`))]);
    const written = statSync(join(dir, files[0]!));
    expect(written.size).toBeGreaterThan(10_000);
    expect(cli(['validate', add])).toEqual(first);
    // V8 accepted the cache: nothing was written again.
    expect(readdirSync(dir)).toEqual(files);
    expect(statSync(join(dir, files[0]!)).mtimeMs).toBe(written.mtimeMs);
  });

  it('runs a command line naming no bundle (--version) from dist/ts', () => {
    expect(cli(['--version'])).toMatchObject({ status: 0, stdout: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });
});
