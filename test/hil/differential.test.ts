import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { compareBoards, observationsAgree } from '../../ts/hil/differential.js';
import type { BoardExecutor, ExecutableTest, TestOutcome } from '../../ts/hil/executor.js';
import { parseHardwareMap } from '../../ts/hil/hardware-map.js';
import { ExecutorRegistry } from '../../ts/hil/executor.js';
import { REFERENCE_V8 } from '../../ts/hil/hardware-map.js';
import type { BoardRun } from '../../ts/hil/results.js';
import { runHil } from '../../ts/hil/run.js';
import { loadSuites } from '../../ts/hil/suite.js';
import { createV8Executor, V8Executor } from '../../ts/hil/v8-executor.js';
import { tempDir } from './support.js';

const cacheDir = tempDir('diff-cache');
/* Only V8: with native-sim registered, differential mode would add it as a third board. */
const v8Only = (): ExecutorRegistry => new ExecutorRegistry().register(REFERENCE_V8, () => createV8Executor());
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

/** A board that runs modules correctly (through V8) except that it gets one test wrong. */
class OffByOneBoard implements BoardExecutor {
  readonly #inner = new V8Executor();
  constructor(readonly wrongTest: string) {}
  open(): Promise<void> {
    return this.#inner.open();
  }
  async run(test: ExecutableTest, signal: AbortSignal): Promise<TestOutcome> {
    const outcome = await this.#inner.run(test, signal);
    if (test.id !== this.wrongTest || outcome.kind !== 'returned') return outcome;
    return { ...outcome, results: outcome.results.map((v) => ({ ...v, bits: String(Number(v.bits) + 1) })) };
  }
  reset(): Promise<void> {
    return this.#inner.reset();
  }
  close(): Promise<void> {
    return this.#inner.close();
  }
}

describe('differential mode', () => {
  it('adds the V8 reference and flags the board that returns a different result', async () => {
    const map = parseHardwareMap('boards:\n  - id: sim-1\n    target: native-sim\n    connection: fake-sim\n', 'map.yaml');
    const registry = v8Only().register('fake-sim', () => new OffByOneBoard('smoke/add-i32'));
    const suites = loadSuites(join(packageRoot(), 'hil', 'suites'), ['smoke']);
    const run = await runHil({ map, suites, registry, buildCacheDir: cacheDir, differential: true });
    expect(run.boards.map((b) => [b.board.id, b.board.reference])).toEqual([
      ['v8-reference', true],
      ['sim-1', false],
    ]);
    expect(run.differential).toEqual({
      reference: 'v8-reference',
      compared: 13,
      disagreements: [
        {
          test: 'smoke/add-i32',
          observations: { 'v8-reference': 'returned (i32:5)', 'sim-1': 'returned (i32:6)' },
          against: ['sim-1'],
        },
      ],
    });
    expect(run.summary).toMatchObject({ disagreements: 1, fail: 1 });
    expect(run.failed).toBe(true);
  });

  it('flags a disagreement even when the expectation does not cover it', () => {
    const result = (board: string, stdout: string): BoardRun => ({
      board: { id: board, connection: 'x', reference: board === 'ref' },
      durationMs: 1,
      results: [{ board, test: 's/t', suite: 's', name: 't', status: 'pass', durationMs: 1, attempts: 1, outcome: { kind: 'exited', exitCode: 0, stdout, stderr: '' } }],
    });
    const report = compareBoards([result('dev', 'hello\r\n'), result('ref', 'hello\n')], 'ref');
    expect(report.disagreements).toEqual([
      { test: 's/t', observations: { ref: 'exited 0; stdout "hello\\n"', dev: 'exited 0; stdout "hello\\r\\n"' }, against: ['dev'] },
    ]);
  });

  it('does not compare a test a board could not hold', () => {
    const result = (board: string, outcome: TestOutcome): BoardRun => ({
      board: { id: board, connection: 'x', reference: board === 'ref' },
      durationMs: 1,
      results: [{ board, test: 's/t', suite: 's', name: 't', status: outcome.kind === 'skipped' ? 'skip' : 'pass', durationMs: 1, attempts: 1, outcome }],
    });
    const report = compareBoards(
      [result('ref', { kind: 'returned', results: [], stdout: '', stderr: '' }), result('small', { kind: 'skipped', reason: 'does not fit on the board' })],
      'ref',
    );
    expect(report).toEqual({ reference: 'ref', compared: 0, disagreements: [] });
  });

  it('lets NaNs whose payload V8 cannot see, and traps V8 cannot tell apart, agree', () => {
    const nan = (bits: string, nanOnly?: boolean): TestOutcome => ({ kind: 'returned', results: [{ type: 'f32', bits, ...(nanOnly === undefined ? {} : { nanOnly }) }], stdout: '', stderr: '' });
    const agree = (a: TestOutcome, b: TestOutcome): boolean => observationsAgree({ kind: 'outcome', outcome: a }, { kind: 'outcome', outcome: b });
    expect(agree(nan(String(0x7fc00000), true), nan(String(0x7fa00001)))).toBe(true);
    expect(agree(nan(String(0x7fc00000)), nan(String(0x7fa00001)))).toBe(false);
    expect(agree(nan(String(0x7fc00000), true), nan(String(0x3f800000)))).toBe(false);
    const trap = (trap: string[]): TestOutcome => ({ kind: 'trapped', trap, stdout: '', stderr: '' });
    expect(agree(trap(['uninitialized element', 'indirect call type mismatch']), trap(['indirect call type mismatch']))).toBe(true);
    expect(agree(trap(['integer overflow']), trap(['integer divide by zero']))).toBe(false);
    expect(observationsAgree({ kind: 'timeout' }, { kind: 'outcome', outcome: nan('0') })).toBe(false);
  });

  it('uses the map’s own V8 board as the reference instead of adding one', async () => {
    const map = parseHardwareMap('boards:\n  - id: mine\n    connection: reference-v8\n', 'map.yaml');
    const suites = loadSuites(join(packageRoot(), 'hil', 'suites'), ['smoke']);
    const run = await runHil({ map, suites, registry: v8Only(), buildCacheDir: cacheDir, differential: true });
    expect(run.boards.map((b) => b.board.id)).toEqual(['mine']);
    expect(run.differential).toEqual({ reference: 'mine', compared: 0, disagreements: [] });
  });
});
