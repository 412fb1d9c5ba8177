import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildInterp } from '../../tools/interp/build.js';
import type { ConformanceReport } from '../../tools/interp/conformance.js';
import type { FuzzReport } from '../../tools/interp/fuzz.js';
import { interpLibraryPath } from '../../tools/interp/ffi.js';
import { packageRoot } from '../../ts/core/paths.js';
import { compiledScript } from '../support/compiled.js';

/**
 * The conformance suite under other builds of the same sources, each in a child node process
 * through the script entry: ASan+UBSan (the sanitizer runtime preloaded into node, any report
 * aborting the process), the portable build (switch dispatch, software square roots) that
 * small microcontrollers get, and the small executor's build (no superinstructions: the firmware's
 * EXECUTOR=small).
 */
const root = packageRoot();

function runNode<T>(args: readonly string[], env: NodeJS.ProcessEnv): { status: number | null; report: T; stderr: string } {
  const [script = '', ...rest] = args;
  const result = spawnSync(process.execPath, [compiledScript(script, 'dist-tools'), ...rest], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const json = result.stdout.trim().split('\n').at(-1) ?? '{}';
  return { status: result.status, report: JSON.parse(json === '' ? '{}' : json) as T, stderr: result.stderr };
}

function runScript(variant: string, env: NodeJS.ProcessEnv): { status: number | null; report: ConformanceReport; stderr: string } {
  return runNode<ConformanceReport>(['scripts/interp/conformance.ts', '--variant', variant, '--json', '--no-build'], env);
}

function asanEnv(): NodeJS.ProcessEnv {
  const libasan = execFileSync('gcc', ['-print-file-name=libasan.so'], { encoding: 'utf8' }).trim();
  expect(existsSync(libasan), `ASan runtime ${libasan}`).toBe(true);
  return {
    LD_PRELOAD: libasan,
    // node itself leaks by design at exit; the interpreter allocates nothing through malloc.
    ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1',
    UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
  };
}

describe('sanitizer, portable and small builds', () => {
  beforeAll(() => {
    buildInterp('interp-asan');
    buildInterp('interp-portable');
    buildInterp('interp-small');
    buildInterp('interp');
  }, 600_000);

  it('passes the conformance suite under ASan and UBSan', () => {
    // The library really is instrumented: it needs the ASan and UBSan runtimes.
    const needed = execFileSync('readelf', ['-d', interpLibraryPath('interp-asan')], { encoding: 'utf8' });
    expect(needed).toMatch(/libasan\.so/);
    expect(needed).toMatch(/libubsan\.so/);
    const run = runScript('interp-asan', asanEnv());
    expect(run.stderr).not.toMatch(/AddressSanitizer|runtime error/);
    expect(run.status).toBe(0);
    expect(run.report.failed).toBe(0);
    expect(run.report.passed).toBe(27_356);
  }, 600_000);

  it('survives mutated modules under ASan and UBSan, every outcome a stable code', () => {
    const run = runNode<FuzzReport>(
      ['scripts/interp/fuzz.ts', '--variant', 'interp-asan', '--seed', '3', '--per-seed', '8'],
      asanEnv(),
    );
    expect(run.stderr).not.toMatch(/AddressSanitizer|runtime error/);
    expect(run.status).toBe(0);
    const report = run.report;
    expect(report.seeds).toBe(1125);
    expect(report.mutants).toBe(1125 * 8);
    // Every mutant either failed to load, link or instantiate with a code, or instantiated.
    const failed = Object.values(report.loadErrors).reduce((n, v) => n + (v ?? 0), 0);
    expect(failed + report.instantiated).toBe(report.mutants);
    expect(report.loadErrors.malformed).toBeGreaterThan(0);
    expect(report.instantiated).toBeGreaterThan(0);
    expect(report.invocations).toBeGreaterThan(0);
  }, 600_000);

  it('survives mutated modules with multi-memory on under ASan and UBSan (memory indices read from mutated bytes)', () => {
    const run = runNode<FuzzReport>(
      ['scripts/interp/fuzz.ts', '--variant', 'interp-asan', '--seed', '5', '--per-seed', '2', '--multi-memory'],
      asanEnv(),
    );
    expect(run.stderr).not.toMatch(/AddressSanitizer|runtime error/);
    expect(run.status).toBe(0);
    const report = run.report;
    expect(report.mutants).toBe(1125 * 2);
    const failed = Object.values(report.loadErrors).reduce((n, v) => n + (v ?? 0), 0);
    expect(failed + report.instantiated).toBe(report.mutants);
    expect(report.instantiated).toBeGreaterThan(0);
    expect(report.invocations).toBeGreaterThan(0);
  }, 600_000);

  it('passes the conformance suite with switch dispatch and software square roots', () => {
    expect(existsSync(resolve(root, 'build', 'interp-portable', 'libwrt_interp.so'))).toBe(true);
    const run = runScript('interp-portable', {});
    expect(run.status).toBe(0);
    expect(run.report.failed).toBe(0);
    expect(run.report.passed).toBe(27_356);
  }, 600_000);

  it('passes the conformance suite with the small executor (no superinstructions)', () => {
    // The build really lacks the superinstructions: its executor is a fraction of the default's.
    const execBytes = (variant: string): number => {
      const line = execFileSync('nm', ['-S', resolve(root, 'build', variant, 'libwrt_interp.so')], { encoding: 'utf8' })
        .split('\n')
        .find((l) => / T wrt_exec$/.test(l));
      return Number.parseInt(line?.split(' ')[1] ?? '0', 16);
    };
    expect(execBytes('interp-small')).toBeGreaterThan(0);
    expect(execBytes('interp-small') * 2).toBeLessThan(execBytes('interp'));
    const run = runScript('interp-small', {});
    expect(run.status).toBe(0);
    expect(run.report.failed).toBe(0);
    expect(run.report.passed).toBe(27_356);
  }, 600_000);
});
