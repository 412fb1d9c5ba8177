import { describe, expect, it } from 'vitest';
import { planBoard } from '../../ts/hil/plan.js';
import { summarize } from '../../ts/hil/results.js';
import { schedule, type BoardJob } from '../../ts/hil/scheduler.js';
import type { QuarantineList } from '../../ts/hil/quarantine.js';
import type { SuiteTest } from '../../ts/hil/types.js';
import { FakeExecutor, returned } from './fake-executor.js';
import { board, suiteTest } from './support.js';

const FIVE = returned([{ type: 'i32', bits: '5' }]);
const SIX = returned([{ type: 'i32', bits: '6' }]);
const MODULE = { bytes: new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]), sha256: 'x' };
const NO_QUARANTINE: QuarantineList = { entries: [] };

function job(id: string, executor: FakeExecutor, tests: readonly SuiteTest[], quarantine = NO_QUARANTINE, timeoutMs = 40): BoardJob {
  const b = board(id);
  const modules = new Map(tests.map((t) => [t.id, MODULE]));
  return {
    board: { id, connection: 'fake', reference: false },
    executor,
    tests: planBoard(b, tests, modules, { defaultTimeoutMs: timeoutMs, quarantine, today: '2026-11-24' }),
  };
}

describe('scheduler with a fake board', () => {
  it('runs boards in parallel and the tests of one board in order', async () => {
    // Board a's first test waits until board b has started its first test: run one board after
    // the other and a would hang (and time out) instead of passing.
    let bStarted!: () => void;
    const gate = new Promise<void>((resolve) => (bStarted = resolve));
    const a = new FakeExecutor('a', { 's/one': [FIVE], 's/two': [FIVE] });
    a.hold('s/one', gate);
    const b = new FakeExecutor('b', { 's/one': [FIVE], 's/two': [FIVE] });
    const originalRun = b.run.bind(b);
    b.run = async (test, signal) => {
      bStarted();
      return originalRun(test, signal);
    };
    const tests = [suiteTest('s', 'one'), suiteTest('s', 'two')];
    const runs = await schedule([job('a', a, tests, NO_QUARANTINE, 5000), job('b', b, tests, NO_QUARANTINE, 5000)]);
    expect(runs.map((r) => r.results.map((x) => `${x.board} ${x.test} ${x.status}`))).toEqual([
      ['a s/one pass', 'a s/two pass'],
      ['b s/one pass', 'b s/two pass'],
    ]);
    expect(a.log).toEqual(['open', 'run s/one', 'run s/two', 'close']);
  });

  it('resets a hung board and passes on the retry', async () => {
    const fake = new FakeExecutor('a', { 's/flaky': ['hang', FIVE], 's/next': [FIVE] });
    const [run] = await schedule([job('a', fake, [suiteTest('s', 'flaky'), suiteTest('s', 'next')])]);
    expect(fake.log).toEqual(['open', 'run s/flaky', 'aborted s/flaky', 'reset', 'run s/flaky', 'run s/next', 'close']);
    const [flaky, next] = run?.results ?? [];
    expect(flaky).toMatchObject({ status: 'pass', attempts: 2, message: 'passed on the retry after a hang' });
    expect(next).toMatchObject({ status: 'pass', attempts: 1 });
    expect(summarize(run === undefined ? [] : [run], 0).summary).toMatchObject({ pass: 2, flaky: 1 });
  });

  it('fails a test that hangs twice as timeout and goes on with the next', async () => {
    const fake = new FakeExecutor('a', { 's/stuck': ['hang'], 's/next': [FIVE] });
    const [run] = await schedule([job('a', fake, [suiteTest('s', 'stuck'), suiteTest('s', 'next')], NO_QUARANTINE, 30)]);
    expect(fake.log).toEqual(['open', 'run s/stuck', 'aborted s/stuck', 'reset', 'run s/stuck', 'aborted s/stuck', 'reset', 'run s/next', 'close']);
    expect(run?.results[0]).toMatchObject({ status: 'timeout', attempts: 2, message: 'no answer within 30 ms, reset and retried once, hung again' });
    expect(run?.results[1]?.status).toBe('pass');
    const { summary, failed } = summarize(run === undefined ? [] : [run], 0);
    expect(summary).toMatchObject({ timeout: 1, pass: 1 });
    expect(failed).toBe(true);
  });

  it('reports a wrong answer as fail with both values', async () => {
    const fake = new FakeExecutor('a', { 's/add': [SIX] });
    const [run] = await schedule([job('a', fake, [suiteTest('s', 'add')])]);
    expect(run?.results[0]).toMatchObject({ status: 'fail', attempts: 1, message: 'expected return (i32:5), returned (i32:6)' });
  });

  it('runs quarantined tests but does not fail the run on them', async () => {
    const quarantine: QuarantineList = { entries: [{ test: 's/fl*', reason: 'issue 12', until: '2026-12-31' }, { test: 's/old', reason: 'fixed?', until: '2026-01-01' }] };
    const fake = new FakeExecutor('a', { 's/flaky': [SIX], 's/old': [FIVE], 's/ok': [FIVE] });
    const [run] = await schedule([job('a', fake, [suiteTest('s', 'flaky'), suiteTest('s', 'old'), suiteTest('s', 'ok')], quarantine)]);
    expect(fake.log).toContain('run s/flaky');
    expect(run?.results[0]).toMatchObject({ status: 'fail', quarantine: { test: 's/fl*', reason: 'issue 12' } });
    // An expired entry no longer applies.
    expect(run?.results[1]?.quarantine).toBeUndefined();
    const { summary, failed } = summarize(run === undefined ? [] : [run], 0);
    expect(summary).toMatchObject({ fail: 1, quarantined: 1, pass: 2 });
    expect(failed).toBe(false);
  });

  it('turns executor exceptions into errors and resets before the next test', async () => {
    const fake = new FakeExecutor('a', { 's/boom': [{ throws: 'uart framing error' }], 's/next': [FIVE] });
    const [run] = await schedule([job('a', fake, [suiteTest('s', 'boom'), suiteTest('s', 'next')])]);
    expect(run?.results[0]).toMatchObject({ status: 'error', message: 'executor failed: uart framing error' });
    expect(fake.log).toEqual(['open', 'run s/boom', 'reset', 'run s/next', 'close']);
  });

  it('skips a test the board cannot hold, with its reason, without a reset and without failing the run', async () => {
    const reason = 'does not fit on the board: the module is 9000 bytes as uploaded; lm3s takes modules of at most 8192 bytes (its upload buffer)';
    const fake = new FakeExecutor('a', { 's/big': [{ kind: 'skipped', reason }], 's/next': [FIVE] });
    const [run] = await schedule([job('a', fake, [suiteTest('s', 'big'), suiteTest('s', 'next')])]);
    expect(run?.results[0]).toMatchObject({ status: 'skip', message: reason, attempts: 1, outcome: { kind: 'skipped', reason } });
    expect(run?.results[1]?.status).toBe('pass');
    expect(fake.log).toEqual(['open', 'run s/big', 'run s/next', 'close']);
    const { summary, failed } = summarize(run === undefined ? [] : [run], 0);
    expect(summary).toMatchObject({ total: 2, pass: 1, skip: 1, error: 0 });
    expect(failed).toBe(false);
  });

  it('marks every test of a board that does not open as error, and of one whose reset fails', async () => {
    const closed = new FakeExecutor('a', {});
    closed.openError = 'no such device /dev/serial/by-id/usb-x';
    const stuck = new FakeExecutor('b', { 's/one': ['hang'], 's/two': [FIVE] });
    stuck.resetError = 'probe not responding';
    const tests = [suiteTest('s', 'one'), suiteTest('s', 'two')];
    const [a, b] = await schedule([job('a', closed, tests), job('b', stuck, tests)]);
    expect(a?.results.map((r) => [r.status, r.message])).toEqual([
      ['error', 'board did not open: no such device /dev/serial/by-id/usb-x'],
      ['error', 'board did not open: no such device /dev/serial/by-id/usb-x'],
    ]);
    expect(b?.results.map((r) => [r.status, r.message])).toEqual([
      ['timeout', 'no answer within 40 ms; board reset failed: probe not responding'],
      ['error', 'board reset failed: probe not responding'],
    ]);
    expect(stuck.log).toEqual(['open', 'run s/one', 'aborted s/one', 'reset', 'close']);
  });

  it('skips tests whose fixtures or target capabilities the board lacks', () => {
    const tests = [suiteTest('s', 'gpio', undefined, { fixtures: ['gpio-loopback'] }), suiteTest('s', 'fpu', undefined, { requires: { fpu: true } }), suiteTest('s', 'ref', undefined, { requires: { kinds: ['reference'] } })];
    const plan = planBoard(board('plain'), tests, new Map(tests.map((t) => [t.id, MODULE])), { defaultTimeoutMs: 100, quarantine: NO_QUARANTINE, today: '2026-11-24' });
    expect(plan.map((p) => p.skip)).toEqual(['needs fixture gpio-loopback', undefined, 'needs a reference board, this is unknown']);
    const scaled = planBoard(board('slow', { timeoutScale: 2.5 }), tests.slice(1), new Map(tests.map((t) => [t.id, MODULE])), { defaultTimeoutMs: 100, quarantine: NO_QUARANTINE, today: '2026-11-24' });
    expect(scaled[0]?.timeoutMs).toBe(250);
  });
});
