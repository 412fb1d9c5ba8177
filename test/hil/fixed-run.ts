import { summarize, type BoardRun, type RunResult } from '../../ts/hil/results.js';

/** A small run with every status, a quarantined failure, a retry, a test the board cannot hold and a disagreement, for report tests. */
export function fixedRun(): RunResult {
  const boards: BoardRun[] = [
    {
      board: { id: 'v8-reference', connection: 'reference-v8', reference: true },
      durationMs: 12.5,
      results: [
        { board: 'v8-reference', test: 'smoke/add', suite: 'smoke', name: 'add', status: 'pass', durationMs: 1.25, attempts: 1, outcome: { kind: 'returned', results: [{ type: 'i32', bits: '5' }], stdout: '', stderr: '' } },
        { board: 'v8-reference', test: 'wasi/hello', suite: 'wasi', name: 'hello', status: 'pass', durationMs: 11.25, attempts: 1, outcome: { kind: 'exited', exitCode: 0, stdout: 'hi\n', stderr: '' } },
      ],
    },
    {
      board: { id: 'nucleo-1', connection: 'serial /dev/serial/by-id/usb-ST_0671-if02', target: 'nucleo-f429zi', reference: false },
      durationMs: 2600,
      results: [
        {
          board: 'nucleo-1',
          test: 'smoke/add',
          suite: 'smoke',
          name: 'add',
          status: 'fail',
          message: 'expected return (i32:5), returned (i32:6)',
          durationMs: 40,
          attempts: 1,
          outcome: { kind: 'returned', results: [{ type: 'i32', bits: '6' }], stdout: '', stderr: '' },
        },
        {
          board: 'nucleo-1',
          test: 'wasi/hello',
          suite: 'wasi',
          name: 'hello',
          status: 'fail',
          message: 'stdout differs: expected "hi\\n", got "<b>&\u0001"',
          durationMs: 60,
          attempts: 1,
          outcome: { kind: 'exited', exitCode: 0, stdout: '<b>&\u0001', stderr: '' },
          quarantine: { test: 'wasi/*', reason: 'UART drops "bytes" <issue 9>', until: '2026-12-31' },
        },
        { board: 'nucleo-1', test: 'smoke/spin', suite: 'smoke', name: 'spin', status: 'timeout', message: 'no answer within 1000 ms, reset and retried once, hung again', durationMs: 2000, attempts: 2 },
        { board: 'nucleo-1', test: 'smoke/gpio', suite: 'smoke', name: 'gpio', status: 'skip', message: 'needs fixture gpio-loopback', durationMs: 0, attempts: 0 },
        { board: 'nucleo-1', test: 'smoke/flaky', suite: 'smoke', name: 'flaky', status: 'pass', message: 'passed on the retry after a hang', durationMs: 480, attempts: 2, outcome: { kind: 'returned', results: [], stdout: '', stderr: '' } },
        { board: 'nucleo-1', test: 'smoke/uart', suite: 'smoke', name: 'uart', status: 'error', message: 'executor failed: framing error', durationMs: 20, attempts: 1 },
        {
          board: 'nucleo-1',
          test: 'wasi/big',
          suite: 'wasi',
          name: 'big',
          status: 'skip',
          message: 'does not fit on the board: the module is 9000 bytes as uploaded; nucleo-f429zi takes modules of at most 8192 bytes (its upload buffer)',
          durationMs: 0.5,
          attempts: 1,
          outcome: { kind: 'skipped', reason: 'does not fit on the board: the module is 9000 bytes as uploaded; nucleo-f429zi takes modules of at most 8192 bytes (its upload buffer)' },
        },
      ],
    },
  ];
  const differential = {
    reference: 'v8-reference',
    compared: 2,
    disagreements: [{ test: 'smoke/add', observations: { 'v8-reference': 'returned (i32:5)', 'nucleo-1': 'returned (i32:6)' }, against: ['nucleo-1'] }],
  };
  const { summary, failed } = summarize(boards, 1);
  return {
    startedAt: '2026-11-24T12:00:00.000Z',
    durationMs: 2612.5,
    boards,
    differential,
    expiredQuarantine: [{ test: 'smoke/old', reason: 'fixed in firmware 0.3', until: '2026-11-01' }],
    summary,
    failed,
  };
}
