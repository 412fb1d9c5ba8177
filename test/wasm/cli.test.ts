import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, CommanderError } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { validateCommand } from '../../ts/cli/commands/validate.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { WrtError } from '../../ts/core/errors.js';
import { wat } from './wat.js';

const dir = mkdtempSync(join(tmpdir(), 'wrt-validate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const SQL_WASM = resolve('node_modules', 'sql.js', 'dist', 'sql-wasm.wasm');

function file(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

interface Run {
  readonly code: number | undefined;
  readonly out: string;
  readonly error: unknown;
}

async function run(...args: string[]): Promise<Run> {
  const output = new BufferedOutput();
  const program = new Command('wrt-target').exitOverride();
  let code: number | undefined;
  validateCommand.register(program, { output, env: {}, cwd: dir, color: false }, (c) => {
    code = c;
  });
  for (const sub of program.commands) sub.exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  let error: unknown;
  try {
    await program.parseAsync(['validate', ...args], { from: 'user' });
  } catch (e) {
    error = e;
  }
  return { code, out: output.text, error };
}

describe('wrt-target validate', () => {
  it('prints a summary of a valid module and exits 0', async () => {
    const result = await run(SQL_WASM);
    expect(result.error).toBeUndefined();
    expect(result.code).toBe(0);
    const lines = result.out.split('\n');
    expect(lines.filter((line) => line.length > 80)).toEqual([]);
    // Texts wrap within 80 columns and keep every word.
    const unwrapped = result.out.replace(/\n {4,}(?=\S)/g, ' ');
    expect(unwrapped.split('\n')[0]).toBe(`${SQL_WASM}: valid WebAssembly 2.0 module, 672 KiB (688197 B)`);
    expect(unwrapped).toContain('73 types, 2008 functions (40 imported), 1 table, 1 memory, 1 global, 56 exports, 1 element segment, 397 data segments');
    expect(result.out).toMatch(/call graph\s+recursive: 24 cycles \(largest 1414 functions\)/);
    expect(result.out).toContain('imports (40)');
    expect(result.out).toMatch(/\n {4}a\.y\s+function\s+\(i32, i32, i32, i32, i64, i32, i32\) -> i32\n/);
  });

  it('prints the analysis as JSON with --json', async () => {
    const result = await run(SQL_WASM, '--json');
    const report = JSON.parse(result.out) as { bytes: number; counts: { functions: number }; callGraph: { cycles: unknown[] }; target: unknown };
    expect(Object.entries(report).slice(0, 2)).toEqual([['schema', 'wrt-target/validate'], ['schemaVersion', 1]]);
    expect(report.bytes).toBe(688197);
    expect(report.counts.functions).toBe(2008);
    expect(report.callGraph.cycles).toHaveLength(24);
    expect(report.target).toBeNull();
  });

  it('fails with WASM_INVALID (exit 1) naming the place for an invalid module', async () => {
    const bad = file('bad.wasm', wat('(module (func $f (result i32) (i64.const 1)))', { names: true, flags: ['--no-check'] }));
    const result = await run(bad);
    expect(result.code).toBeUndefined();
    expect(result.error).toBeInstanceOf(WrtError);
    const error = result.error as WrtError;
    expect([error.code, error.exitCode]).toEqual(['WASM_INVALID', 1]);
    expect(error.describe()).toBe(`${bad}: byte 26 (0x1a): code section: function 0 ($f): type mismatch: end expected i32 but found i64`);
  });

  it('checks a target: SIMD on a board without SIMD is over its limits (exit 1)', async () => {
    const simd = file('simd.wasm', wat('(module (func (export "f") (drop (i32x4.splat (i32.const 1)))))'));
    expect((await run(simd, '--target', 'nucleo-f429zi')).out).toContain('target nucleo-f429zi: within its limits');
    const error = (await run(simd, '--target', 'rpi-pico')).error as WrtError;
    expect([error.code, error.exitCode, error.message]).toEqual([
      'LIMIT_EXCEEDED',
      1,
      'i32x4.splat is the first use of SIMD (v128), and it has no SIMD support on target rpi-pico',
    ]);
  });

  it('takes limits from a file and allowed imports from the command line', async () => {
    const module = file('imports.wasm', wat('(module (import "env" "log" (func)) (import "sys" "exit" (func)) (memory 2))'));
    const limits = file('limits.json', JSON.stringify({ maxImports: 5, linear_memory_bytes: 131072 }));
    expect((await run(module, '--limits', limits, '--allow-import', 'env.*,sys.exit')).code).toBe(0);
    const denied = (await run(module, '--limits', limits, '--allow-import', 'env.*')).error as WrtError;
    expect([denied.code, denied.message]).toEqual(['LIMIT_EXCEEDED', 'import sys.exit (function () -> ()) is not a host function the target provides']);
    const tight = file('tight.yaml', 'limits:\n  maxLinearMemory: { value: 65536, source: probe }\n');
    expect(((await run(module, '--limits', tight)).error as WrtError).message).toMatch(/^memory 0 starts with 2 pages/);
  });

  it('refuses a misspelt limit in a limits file, naming the limit it is close to', async () => {
    const typo = (await run(SQL_WASM, '--limits', file('typo.yaml', 'maxImports: 5\nmaxFuntions: 10\n'))).error as WrtError;
    expect([typo.code, typo.message]).toEqual(['CONFIG_SCHEMA', '/maxFuntions is not a limit; did you mean maxFunctions?']);
    expect(typo.location).toMatchObject({ file: expect.stringMatching(/typo\.yaml$/), field: '/maxFuntions', line: 2 });
    const nested = (await run(SQL_WASM, '--limits', file('report.yaml', 'limits:\n  maxTabels: 1\n'))).error as WrtError;
    expect([nested.message, nested.location.line]).toEqual(['/limits/maxTabels is not a limit; did you mean maxTables?', 2]);
    // Keys far from every limit are what a probe report carries besides limits: ignored.
    expect((await run(SQL_WASM, '--limits', file('other.yaml', 'subject: host\nmaxTypes: 100000\n'))).code).toBe(0);
  });

  it('reports usage and input errors with exit code 2', async () => {
    const missing = (await run(join(dir, 'nope.wasm'))).error as WrtError;
    expect([missing.code, missing.exitCode]).toEqual(['FILE_NOT_FOUND', 2]);
    expect(((await run(dir)).error as WrtError).code).toBe('FILE_READ_FAILED');
    expect(((await run(SQL_WASM, '--target', 'no-such-board')).error as WrtError).code).toBe('TARGET_UNKNOWN');
    expect(((await run(SQL_WASM, '--allow-import', 'fd_write')).error as WrtError).code).toBe('USAGE');
    expect(((await run(SQL_WASM, '--limits', file('bad.json', '{ maxTypes: [')) ).error as WrtError).code).toBe('CONFIG_PARSE');
    expect((await run()).error).toBeInstanceOf(CommanderError);
  });
});
