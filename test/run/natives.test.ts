/**
 * run --natives FILE.c: native-sim built with a user's natives (the file's object and binary in a
 * folder keyed by its hash, every other object shared by all natives files), the native linked and
 * called, its fuel cost charged; the engine's own checks of a table that wrt-target did not read
 * first (built the same way without reading it: one file compiled, then linked).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { packageRoot } from '../../ts/core/paths.js';
import { nativeSimWithNatives } from '../../ts/run/native-sim-binary.js';
import { watFixture } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wrt-run-natives-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const natives = join(packageRoot(), 'examples', 'natives.c');

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const output = new BufferedOutput();
  const code = await main(['node', 'wrt-target', 'run', ...args], { output, env: { ...process.env, WRT_CACHE_DIR: join(dir, 'cache') }, cwd: packageRoot() });
  return { code, out: output.text, err: output.stderr.join('\n') };
}

describe('run --natives', () => {
  it('links the application native and charges its fuel per call', async () => {
    const module = watFixture('scale-user');
    const ok = await run(module, '--natives', natives, '--invoke', 'f', '5');
    expect({ code: ok.code, out: ok.out.trim() }).toEqual({ code: 0, out: 'i32:16' });
    // 1000 fuel per call: 900 is not enough for it, and the handler never runs.
    const starved = await run(module, '--natives', natives, '--invoke', 'f', '5', '--fuel', '900');
    expect(starved.code).toBe(1);
    expect(starved.err).toContain('fuel exhausted');
    // Without the natives, native-sim does not offer app.scale: refused before it starts.
    const without = await run(module, '--invoke', 'f', '5');
    expect(without.code).toBe(1);
    expect(without.err).toContain('app.scale (i32) -> i32: not offered');
  }, 240_000);

  it('native-sim refuses to start with a table the engine cannot take, naming the native', async () => {
    const file = join(dir, 'bad.c');
    writeFileSync(file, '#include "wrt_native.h"\nstatic uint32_t h(wrt_native_call *c) { (void)c; return WRT_OK; }\n' +
      'WRT_NATIVE_APP_TABLE(WRT_NATIVE("wasi_snapshot_preview1", "fd_write", "iiii:i", 1u, h))\n');
    // Built as `run --natives` builds (without reading the table first): the objects the first test
    // built are shared, so this compiles the one file and links.
    const binary = await nativeSimWithNatives({ file, path: file, sha256: createHash('sha256').update(readFileSync(file)).digest('hex'), functions: [] }, { ...process.env, WRT_CACHE_DIR: join(dir, 'cache') });
    const builds = join(dir, 'cache', 'build', 'native-sim-natives');
    const key = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex').slice(0, 16);
    expect(binary).toBe(join(builds, key(file), 'native-sim'));
    // One folder a natives file, with its object and binary only; the rest is common's, and common has no natives object.
    expect(readdirSync(builds).filter((name) => name !== '.build.lock').sort()).toEqual(['common', key(natives), key(file)].sort());
    expect(readdirSync(join(builds, key(file))).sort()).toEqual(['native-sim', 'natives.o']);
    expect(existsSync(join(builds, 'common', 'native-sim', 'real', 'app'))).toBe(false);
    let failure: { status: number | null; stderr: string } | undefined;
    try {
      execFileSync(binary, ['--upload-capacity', '1024'], { input: '', stdio: ['pipe', 'ignore', 'pipe'] });
    } catch (error) {
      const e = error as { status: number | null; stderr: Buffer };
      failure = { status: e.status, stderr: e.stderr.toString('utf8') };
    }
    expect(failure).toEqual({ status: 3, stderr: 'native-sim: native wasi_snapshot_preview1.fd_write: WASI offers this name already\n' });
  }, 240_000);
});
