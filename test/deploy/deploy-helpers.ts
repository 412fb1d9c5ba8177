/**
 * Test helpers for deploy: fixture modules built with the real tools (wat2wasm, clang for
 * wasm32-wasi), and sinks that gather a program's output.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packageRoot } from '../../ts/core/paths.js';
import type { RunSinks } from '../../ts/run/run-module.js';
import { expect } from 'vitest';
import { WrtError } from '../../ts/core/errors.js';
import { deploy } from '../../ts/deploy/deploy.js';
import { liveQemuPids, type QemuInstance } from '../../ts/deploy/qemu.js';
import { waitUntilGone } from './processes.js';

const FIXTURES = path.join(packageRoot(), 'test', 'deploy', 'fixtures');

function outDir(): string {
  const dir = path.join(packageRoot(), 'build', 'test-deploy');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** test/deploy/fixtures/NAME.wat through wat2wasm; returns the .wasm path. */
export function watModule(name: string): string {
  const out = path.join(outDir(), `${name}.wasm`);
  execFileSync('wat2wasm', [path.join(FIXTURES, `${name}.wat`), '-o', out]);
  return out;
}

const compiled = new Map<string, string>();

/** test/deploy/fixtures/NAME.c through clang for wasm32-wasi (once per test file); returns the .wasm path. */
export function cModule(name: string): string {
  const known = compiled.get(name);
  if (known !== undefined) return known;
  // Test files run in parallel: each compiles to a name of its own.
  const out = path.join(outDir(), `${name}-${process.pid}.wasm`);
  execFileSync('clang', ['--target=wasm32-wasi', '-O2', '-o', out, path.join(FIXTURES, `${name}.c`)]);
  compiled.set(name, out);
  return out;
}

export interface GatheredSinks extends RunSinks {
  stdoutText(): string;
  stderrText(): string;
}

export function gatherSinks(): GatheredSinks {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  return {
    stdout: (bytes) => void out.push(Buffer.from(bytes)),
    stderr: (bytes) => void err.push(Buffer.from(bytes)),
    stdoutText: () => Buffer.concat(out).toString('utf8'),
    stderrText: () => Buffer.concat(err).toString('utf8'),
  };
}

/** QEMU of a deploy was started and is gone (the pid no longer runs, nor is among QEMU's). */
export async function expectQemuGone(qemu: QemuInstance | undefined): Promise<void> {
  expect(qemu).toBeDefined();
  if (qemu === undefined) return;
  expect(await waitUntilGone(qemu.pid, 3000)).toBe(true);
  expect(liveQemuPids()).not.toContain(qemu.pid);
}

/** deploy's refusal of a module, asserting QEMU never started. */
export async function refusedBeforeQemu(file: string, options: Parameters<typeof deploy>[1]): Promise<WrtError> {
  let started = false;
  const error = await deploy(file, options, gatherSinks(), { onQemu: () => (started = true), handleSigint: false }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(started).toBe(false);
  if (!(error instanceof WrtError)) throw new Error(`expected a WrtError, got ${String(error)}`);
  return error;
}
