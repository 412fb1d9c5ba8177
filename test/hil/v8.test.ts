import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { buildModule } from '../../ts/hil/builder.js';
import { parseHardwareMap } from '../../ts/hil/hardware-map.js';
import { planBoard } from '../../ts/hil/plan.js';
import { defaultExecutorRegistry } from '../../ts/hil/registry.js';
import type { TestResult } from '../../ts/hil/results.js';
import { runHil } from '../../ts/hil/run.js';
import { schedule } from '../../ts/hil/scheduler.js';
import { exportSignature } from '../../ts/wasm/signatures.js';
import { selectSpecCases, specExpander } from '../../ts/hil/spec-cases.js';
import { loadSuites } from '../../ts/hil/suite.js';
import { V8Executor } from '../../ts/hil/v8-executor.js';
import { v8TrapTexts } from '../../ts/hil/v8-traps.js';
import { convertTestsuite, readSpecScript } from '../../ts/testsuite/convert.js';
import { board, suiteTest, tempDir, writeTree } from './support.js';

const HIL = join(packageRoot(), 'hil');
const cacheDir = tempDir('v8-cache');
const scratch = tempDir('v8-src');
afterAll(() => {
  rmSync(cacheDir, { recursive: true, force: true });
  rmSync(scratch, { recursive: true, force: true });
});
const REFERENCE_MAP = parseHardwareMap('boards:\n  - id: v8\n    connection: reference-v8\n', 'reference.yaml');

function byTest(results: readonly TestResult[]): Map<string, TestResult> {
  return new Map(results.map((r) => [r.test, r]));
}

describe('V8 reference executor', () => {
  it('runs the smoke and wasi suites with the exact expected results and output', async () => {
    const suites = loadSuites(join(HIL, 'suites'), ['smoke', 'wasi']);
    const run = await runHil({ map: REFERENCE_MAP, suites, registry: defaultExecutorRegistry(), buildCacheDir: cacheDir });
    const results = byTest(run.boards[0]?.results ?? []);
    expect([...results.values()].filter((r) => r.status !== 'pass').map((r) => `${r.test}: ${r.message}`)).toEqual([]);
    expect(run.summary).toMatchObject({ total: 17, pass: 17, fail: 0 });
    expect(run.failed).toBe(false);
    expect(results.get('smoke/add-i32')?.outcome).toEqual({ kind: 'returned', results: [{ type: 'i32', bits: '5' }], stdout: '', stderr: '' });
    expect(results.get('smoke/add-i64')?.outcome).toMatchObject({ results: [{ type: 'i64', bits: '1' }] });
    expect(results.get('smoke/factorial-recursive')?.outcome).toMatchObject({ results: [{ type: 'i64', bits: '2432902008176640000' }] });
    expect(results.get('smoke/memory-fill-sum')?.outcome).toMatchObject({ results: [{ type: 'i32', bits: '126516' }] });
    expect(results.get('smoke/trap-divide-by-zero')?.outcome).toMatchObject({ kind: 'trapped', trap: ['integer divide by zero'], detail: 'divide by zero' });
    expect(results.get('smoke/memory-out-of-bounds')?.outcome).toMatchObject({ kind: 'trapped', trap: ['out of bounds memory access'] });
    // f32 -6 is 0xc0c00000; JavaScript shows no NaN payload, so the NaN is marked as such.
    expect(results.get('smoke/float-mul')?.outcome).toMatchObject({ results: [{ type: 'f32', bits: String(0xc0c00000) }] });
    expect(results.get('smoke/float-nan')?.outcome).toMatchObject({ results: [{ type: 'f32', bits: String(0x7fc00000), nanOnly: true }] });
    expect(results.get('wasi/hello')?.outcome).toEqual({ kind: 'exited', exitCode: 0, stdout: 'hello from board\n   42|-7   |beef\n', stderr: '' });
    expect(results.get('wasi/checksum')?.outcome).toEqual({
      kind: 'exited',
      exitCode: 250,
      stdout: 'crc32("123456789") = cbf43926\ncrc32(buffer) = c39b3ffa\n',
      stderr: '',
    });
    expect(results.get('wasi/stderr-exit')?.outcome).toEqual({ kind: 'exited', exitCode: 7, stdout: '', stderr: 'something went wrong\n' });
  });

  it('selects spec cases from i32.wast and passes the spec-derived suite', async () => {
    const [converted] = convertTestsuite({ only: ['i32'] });
    if (converted === undefined) throw new Error('i32.wast not converted');
    const selection = selectSpecCases(readSpecScript(converted.jsonPath), converted.dir, { script: 'i32', exports: ['div_s'] }, { suite: 'x', file: 'x.yaml', field: '/spec/0' }, () => false);
    // The pinned i32.wast has 20 div_s assertions: 16 assert_return and 4 assert_trap.
    expect(selection.tests.length).toBe(20);
    expect(selection.tests.filter((t) => t.expect.kind === 'trap').map((t) => (t.expect.kind === 'trap' ? t.expect.trap : ''))).toEqual([
      'integer divide by zero',
      'integer divide by zero',
      'integer overflow',
      'integer divide by zero',
    ]);
    expect(selection.tests[0]).toMatchObject({ id: 'x/i32:64:div_s', entry: { kind: 'invoke', export: 'div_s', args: [{ type: 'i32', bits: '1' }, { type: 'i32', bits: '0' }] } });

    const suites = loadSuites(join(HIL, 'suites'), ['spec-derived'], { expandSpec: specExpander() });
    const tests = suites[0]?.tests ?? [];
    expect(new Set(tests.map((t) => t.name.split(':')[0]))).toEqual(new Set(['i32', 'i64', 'br_table', 'call_indirect']));
    const run = await runHil({ map: REFERENCE_MAP, suites, registry: defaultExecutorRegistry(), buildCacheDir: cacheDir });
    const results = run.boards[0]?.results ?? [];
    expect(results.filter((r) => r.status !== 'pass').map((r) => `${r.test}: ${r.message}`)).toEqual([]);
    expect(results.length).toBe(tests.length);
    expect(results.filter((r) => r.outcome?.kind === 'trapped').length).toBeGreaterThan(5);
  });

  it('stops a hung module, retries once on a fresh worker, and runs the next test', async () => {
    writeTree(scratch, { 'spin.wat': '(module (func (export "spin") (loop $l (br $l))) (func (export "one") (result i32) (i32.const 1)))' });
    const module = buildModule({ path: join(scratch, 'spin.wat'), kind: 'wat', flags: [] }, { cacheDir });
    const spin = suiteTest('s', 'spin', { kind: 'returns', values: [] }, { entry: { kind: 'invoke', export: 'spin', args: [] } });
    const one = suiteTest('s', 'one', { kind: 'returns', values: [{ type: 'i32', bits: '1' }] }, { entry: { kind: 'invoke', export: 'one', args: [] } });
    const modules = new Map([['s/spin', module], ['s/one', module]]);
    const tests = planBoard(board('v8'), [spin, one], modules, { defaultTimeoutMs: 300, quarantine: { entries: [] }, today: '2026-11-24' });
    const [run] = await schedule([{ board: { id: 'v8', connection: 'reference-v8', reference: true }, executor: new V8Executor(), tests }]);
    expect(run?.results.map((r) => [r.test, r.status, r.attempts])).toEqual([
      ['s/spin', 'timeout', 2],
      ['s/one', 'pass', 1],
    ]);
  });

  it('rejects calls that do not fit the export before running them', async () => {
    const module = buildModule({ path: join(HIL, 'suites', 'smoke', 'add.wat'), kind: 'wat', flags: [] }, { cacheDir });
    const executor = new V8Executor();
    await executor.open();
    const signal = new AbortController().signal;
    const base = { id: 't', module, timeoutMs: 1000 };
    expect(await executor.run({ ...base, entry: { kind: 'invoke', export: 'add_i32', args: [{ type: 'i64', bits: '1' }, { type: 'i32', bits: '1' }] } }, signal)).toEqual({
      kind: 'rejected',
      stage: 'entry',
      message: 'add_i32 is (i32, i32) -> (i32); called with (i64, i32)',
    });
    expect(await executor.run({ ...base, entry: { kind: 'invoke', export: 'nope', args: [] } }, signal)).toEqual({ kind: 'rejected', stage: 'entry', message: 'no exported function "nope"' });
    expect(await executor.run({ ...base, entry: { kind: 'command', args: [], env: {}, stdin: '' } }, signal)).toEqual({ kind: 'rejected', stage: 'entry', message: 'the module exports no _start function' });
    const garbage = { bytes: new Uint8Array([0, 97, 115, 109, 2, 0, 0, 0]), sha256: '' };
    expect(await executor.run({ ...base, module: garbage, entry: { kind: 'invoke', export: 'f', args: [] } }, signal)).toMatchObject({ kind: 'rejected', stage: 'compile' });
    await executor.close();
  });

  it('reads export signatures from the validator\'s report', () => {
    const fac = buildModule({ path: join(HIL, 'suites', 'smoke', 'factorial.wat'), kind: 'wat', flags: [] }, { cacheDir });
    expect(exportSignature(fac.bytes, 'fac_iter')).toEqual({ params: ['i64'], results: ['i64'] });
    expect(exportSignature(fac.bytes, 'missing')).toBeUndefined();
    expect(exportSignature(fac.bytes.subarray(0, 20), 'fac_iter')).toBeUndefined();
  });

  it("maps V8's trap messages to the spec's texts", () => {
    expect(v8TrapTexts('remainder by zero')).toEqual(['integer divide by zero']);
    expect(v8TrapTexts('null function or function signature mismatch')).toEqual(['uninitialized element', 'indirect call type mismatch']);
    expect(v8TrapTexts('Maximum call stack size exceeded')).toEqual(['call stack exhausted']);
    expect(v8TrapTexts('something new')).toEqual(['something new']);
  });
});
