import type { TestOutcome } from './executor.js';
import { describeOutcome } from './judge.js';
import type { BoardRun, DifferentialReport, Disagreement, TestResult } from './results.js';
import { trapsAgree } from './v8-traps.js';
import { valuesAgree } from '../wasm/values.js';

/** What a board observed, reduced to what two runtimes must agree on. Executor errors and skips (planned or by the board) say nothing. */
type Observation = { readonly kind: 'outcome'; readonly outcome: TestOutcome } | { readonly kind: 'timeout' };

function observationOf(result: TestResult): Observation | undefined {
  if (result.status === 'timeout') return { kind: 'timeout' };
  if (result.outcome === undefined || result.outcome.kind === 'error' || result.outcome.kind === 'skipped') return undefined;
  return { kind: 'outcome', outcome: result.outcome };
}

/** Do two observations agree? Values bit for bit (NaN payloads only where both can see them), traps by spec text. Pure. */
export function observationsAgree(a: Observation, b: Observation): boolean {
  if (a.kind === 'timeout' || b.kind === 'timeout') return a.kind === b.kind;
  const x = a.outcome;
  const y = b.outcome;
  if (x.kind === 'error' || y.kind === 'error' || x.kind === 'skipped' || y.kind === 'skipped') return true;
  if (x.kind === 'rejected' || y.kind === 'rejected') return x.kind === y.kind;
  if (x.stdout !== y.stdout || x.stderr !== y.stderr) return false;
  switch (x.kind) {
    case 'returned':
      return y.kind === 'returned' && x.results.length === y.results.length && x.results.every((v, i) => {
        const w = y.results[i];
        return w !== undefined && valuesAgree(v, w);
      });
    case 'exited':
      return y.kind === 'exited' && x.exitCode === y.exitCode;
    case 'trapped':
      return y.kind === 'trapped' && trapsAgree(x.trap, y.trap);
  }
}

function describeObservation(observation: Observation): string {
  if (observation.kind === 'timeout') return 'timed out';
  const outcome = observation.outcome;
  const streams = outcome.kind === 'returned' || outcome.kind === 'exited' || outcome.kind === 'trapped'
    ? `${outcome.stdout === '' ? '' : `; stdout ${JSON.stringify(outcome.stdout)}`}${outcome.stderr === '' ? '' : `; stderr ${JSON.stringify(outcome.stderr)}`}`
    : '';
  return `${describeOutcome(outcome)}${streams}`;
}

/**
 * Compares every test across the boards that ran it, against the reference board's observation
 * (or the first board's where the reference has none). A disagreement fails the run whatever the
 * expectations say: two runtimes that differ mean one of them is wrong.
 */
export function compareBoards(runs: readonly BoardRun[], reference: string): DifferentialReport {
  const byTest = new Map<string, { board: string; observation: Observation }[]>();
  const order = [...runs].sort((a, b) => (a.board.id === reference ? -1 : b.board.id === reference ? 1 : 0));
  for (const run of order) {
    for (const result of run.results) {
      const observation = observationOf(result);
      if (observation === undefined) continue;
      const list = byTest.get(result.test) ?? [];
      list.push({ board: run.board.id, observation });
      byTest.set(result.test, list);
    }
  }
  const disagreements: Disagreement[] = [];
  let compared = 0;
  for (const [test, list] of byTest) {
    const first = list[0];
    if (first === undefined || list.length < 2) continue;
    compared += 1;
    const against = list.filter((entry) => !observationsAgree(first.observation, entry.observation)).map((entry) => entry.board);
    if (against.length === 0) continue;
    const observations: Record<string, string> = {};
    for (const entry of list) observations[entry.board] = describeObservation(entry.observation);
    disagreements.push({ test, observations, against });
  }
  return { reference, compared, disagreements };
}
