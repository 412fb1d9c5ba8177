import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { BufferedOutput } from '../../ts/core/output.js';
import type { CliContext } from '../../ts/cli/context.js';
import { wat2wasm } from '../../ts/testsuite/wat.js';
import type { ProfileDeps } from '../../ts/profile/gather.js';
import type { FeatureState, HardwareCfiFeature } from '../../ts/profile/types.js';

const created: string[] = [];
// Registered in every test file that imports these helpers: its folders go when the file is done.
afterAll(() => {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wrt-profile-'));
  created.push(dir);
  return dir;
}

/** Writes the assembled module to a fresh directory; returns its path. */
export function moduleFile(text: string, name = 'module.wasm'): { dir: string; file: string; bytes: Uint8Array } {
  const dir = tempDir();
  const bytes = wat2wasm(text);
  const file = join(dir, name);
  writeFileSync(file, bytes);
  return { dir, file, bytes };
}

/** RFC 8032 test 1's public key. */
export const SIGNING_PUBLIC_KEY = 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a';

/** Writes that key as `keygen` writes KEY.pub (0x01 then 32 bytes), named release.pub; returns its path. */
export function publicKeyFile(dir: string): string {
  const file = join(dir, 'release.pub');
  writeFileSync(file, Buffer.concat([Buffer.from([1]), Buffer.from(SIGNING_PUBLIC_KEY, 'hex')]));
  return file;
}

export function context(cwd: string): { ctx: CliContext; output: BufferedOutput } {
  const output = new BufferedOutput();
  return { ctx: { output, env: {}, cwd, color: false }, output };
}

/** Recorded CFI states instead of this host's (cfi-report's process level). */
export function recordedCfi(states: Partial<Record<HardwareCfiFeature, FeatureState>>): ProfileDeps {
  return {
    hostCfi: async () => ({ features: { shstk: 'no', ibt: 'no', pac: 'no', bti: 'no', ...states }, source: 'recorded cfi-report (test)' }),
  };
}

/** A module in the shape wasm-ld makes: __heap_base exported, one page, no memory.grow. */
export const HEAP_BASE_MODULE = `(module
  (import "env" "log" (func $log (param i32)))
  (memory 1)
  (global $hb i32 (i32.const 2048))
  (export "__heap_base" (global $hb))
  (export "memory" (memory 0))
  (data (i32.const 16) "hello")
  (func $leaf (param i32) (result i32) (local i64) (i32.add (local.get 0) (i32.const 1)))
  (func (export "main") (param i32) (result i32)
    (call $log (local.get 0))
    (call $leaf (local.get 0))))`;

export const RECURSIVE_MODULE = `(module
  (func $fac (export "fac") (param i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0))
      (then (i64.const 1))
      (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1))))))))`;
