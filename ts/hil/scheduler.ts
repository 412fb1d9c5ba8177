import type { BoardExecutor, TestOutcome } from './executor.js';
import { judge } from './judge.js';
import type { PlannedTest } from './plan.js';
import type { BoardRun, BoardSummary, TestResult } from './results.js';

export interface BoardJob {
  readonly board: BoardSummary;
  readonly executor: BoardExecutor;
  readonly tests: readonly PlannedTest[];
}

export interface ScheduleOptions {
  /** Called as each result is known (console progress). */
  readonly onResult?: (result: TestResult) => void;
  /** Milliseconds, monotonic; performance.now by default. */
  readonly now?: () => number;
}

type Attempt = { readonly kind: 'done'; readonly outcome: TestOutcome } | { readonly kind: 'hang' } | { readonly kind: 'threw'; readonly message: string };

/**
 * Runs every board at once, one worker per board, and the tests of a board in order. A test that
 * outlives its timeout is a hang: the board is reset and the test runs once more; a second hang
 * is a failure ('timeout'). An executor error resets the board before the next test; a test the
 * board cannot hold is skipped with the executor's reason and needs no reset. When open() or a
 * reset fails, the board's remaining tests are errors naming why.
 */
export async function schedule(jobs: readonly BoardJob[], options: ScheduleOptions = {}): Promise<BoardRun[]> {
  return Promise.all(jobs.map((job) => runBoard(job, options)));
}

async function runBoard(job: BoardJob, options: ScheduleOptions): Promise<BoardRun> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const results: TestResult[] = [];
  const emit = (result: TestResult): void => {
    results.push(result);
    options.onResult?.(result);
  };
  let broken: string | undefined;
  try {
    await job.executor.open();
  } catch (error: unknown) {
    broken = `board did not open: ${messageOf(error)}`;
  }
  for (const test of job.tests) {
    const base = {
      board: job.board.id,
      test: test.id,
      suite: test.suite,
      name: test.name,
      ...(test.quarantine === undefined ? {} : { quarantine: test.quarantine }),
    };
    if (test.skip !== undefined || test.executable === undefined) {
      emit({ ...base, status: 'skip', message: test.skip ?? 'not runnable', durationMs: 0, attempts: 0 });
      continue;
    }
    if (broken !== undefined) {
      emit({ ...base, status: 'error', message: broken, durationMs: 0, attempts: 0 });
      continue;
    }
    const testStarted = now();
    let attempts = 0;
    let attempt: Attempt = { kind: 'hang' };
    while (attempts < 2) {
      attempts += 1;
      attempt = await runOnce(job.executor, test);
      if (attempt.kind !== 'hang') break;
      broken = await resetBoard(job.executor);
      if (broken !== undefined) break;
    }
    const durationMs = now() - testStarted;
    if (attempt.kind === 'hang') {
      const retried = attempts > 1 ? ', reset and retried once, hung again' : '';
      emit({ ...base, status: 'timeout', message: `no answer within ${test.timeoutMs} ms${retried}${broken === undefined ? '' : `; ${broken}`}`, durationMs, attempts });
      continue;
    }
    if (attempt.kind === 'threw') {
      emit({ ...base, status: 'error', message: `executor failed: ${attempt.message}`, durationMs, attempts });
      broken = await resetBoard(job.executor);
      continue;
    }
    const verdict = judge(test.expect, attempt.outcome);
    if (verdict.status === 'pass') {
      const note = attempts > 1 ? { message: 'passed on the retry after a hang' } : {};
      emit({ ...base, status: 'pass', ...note, durationMs, attempts, outcome: attempt.outcome });
    } else {
      emit({ ...base, status: verdict.status, message: verdict.message, durationMs, attempts, outcome: attempt.outcome });
      if (verdict.status === 'error') broken = await resetBoard(job.executor);
    }
  }
  try {
    await job.executor.close();
  } catch {
    // The results are in; a board that fails to close changes none of them.
  }
  return { board: job.board, results, durationMs: now() - started };
}

async function runOnce(executor: BoardExecutor, test: PlannedTest): Promise<Attempt> {
  const executable = test.executable;
  if (executable === undefined) return { kind: 'threw', message: 'not runnable' };
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<Attempt>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'hang' }), test.timeoutMs);
  });
  const run = executor.run(executable, controller.signal).then(
    (outcome): Attempt => ({ kind: 'done', outcome }),
    (error: unknown): Attempt => ({ kind: 'threw', message: messageOf(error) }),
  );
  try {
    const first = await Promise.race([run, hang]);
    if (first.kind === 'hang') controller.abort();
    return first;
  } finally {
    clearTimeout(timer);
  }
}

/** Resets a board; returns why it is unusable when the reset fails. */
async function resetBoard(executor: BoardExecutor): Promise<string | undefined> {
  try {
    await executor.reset();
    return undefined;
  } catch (error: unknown) {
    return `board reset failed: ${messageOf(error)}`;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
