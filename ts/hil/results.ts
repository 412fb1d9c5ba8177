import type { TestOutcome } from './executor.js';
import type { QuarantineEntry } from './types.js';

export type TestStatus = 'pass' | 'fail' | 'timeout' | 'error' | 'skip';
export const TEST_STATUSES: readonly TestStatus[] = ['pass', 'fail', 'timeout', 'error', 'skip'];

/** One test on one board. */
export interface TestResult {
  readonly board: string;
  /** `<suite>/<name>`. */
  readonly test: string;
  readonly suite: string;
  readonly name: string;
  readonly status: TestStatus;
  /** Why it failed, errored or was skipped. */
  readonly message?: string;
  /** Wall time of all attempts, resets excluded. */
  readonly durationMs: number;
  /** 0 when skipped at planning (1 when the board found it cannot hold the test); 2 after a hang and a retry. */
  readonly attempts: number;
  /** The last attempt's outcome (absent when skipped or hung). */
  readonly outcome?: TestOutcome;
  /** Set when an active quarantine entry covers this test on this board: a failure does not fail the run. */
  readonly quarantine?: QuarantineEntry;
}

/** How far a run is: results known, of all the run will have (every board's tests). */
export interface RunPosition {
  readonly done: number;
  readonly total: number;
}

export interface BoardSummary {
  readonly id: string;
  readonly connection: string;
  readonly target?: string;
  /** True for boards the run added as references (differential mode). */
  readonly reference: boolean;
}

export interface BoardRun {
  readonly board: BoardSummary;
  readonly results: readonly TestResult[];
  readonly durationMs: number;
}

/** A test on which the boards that ran it did not all observe the same thing. */
export interface Disagreement {
  readonly test: string;
  /** Board id -> what it observed, in words. */
  readonly observations: Readonly<Record<string, string>>;
  /** Boards that disagree with the reference board. */
  readonly against: readonly string[];
}

export interface DifferentialReport {
  readonly reference: string;
  /** Tests that ran on at least two boards. */
  readonly compared: number;
  readonly disagreements: readonly Disagreement[];
}

export interface RunSummary {
  readonly total: number;
  readonly pass: number;
  readonly fail: number;
  readonly timeout: number;
  readonly error: number;
  readonly skip: number;
  /** Failures, timeouts and errors excused by the quarantine list (also counted under their status). */
  readonly quarantined: number;
  /** Passed on the retry after a hang. */
  readonly flaky: number;
  readonly disagreements: number;
}

export interface RunResult {
  readonly startedAt: string;
  readonly durationMs: number;
  readonly boards: readonly BoardRun[];
  readonly differential?: DifferentialReport;
  /** Quarantine entries past their `until` day: they no longer excuse anything. */
  readonly expiredQuarantine: readonly QuarantineEntry[];
  readonly summary: RunSummary;
  /** Any failure, timeout or error not quarantined, or any disagreement: exit 1. */
  readonly failed: boolean;
}

/** Counts a set of board runs; `failed` follows from them and the disagreements. */
export function summarize(boards: readonly BoardRun[], disagreements: number): { summary: RunSummary; failed: boolean } {
  const counts = { total: 0, pass: 0, fail: 0, timeout: 0, error: 0, skip: 0, quarantined: 0, flaky: 0 };
  let failed = disagreements > 0;
  for (const run of boards) {
    for (const result of run.results) {
      counts.total += 1;
      counts[result.status] += 1;
      if (result.status === 'pass' && result.attempts > 1) counts.flaky += 1;
      if (isFailure(result.status)) {
        if (result.quarantine !== undefined) counts.quarantined += 1;
        else failed = true;
      }
    }
  }
  return { summary: { ...counts, disagreements }, failed };
}

export function isFailure(status: TestStatus): boolean {
  return status === 'fail' || status === 'timeout' || status === 'error';
}
