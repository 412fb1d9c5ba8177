import type { TestOutcome } from './executor.js';
import type { Expectation } from './types.js';
import { trapMatches } from './v8-traps.js';
import { formatValue, valueMatches } from '../wasm/values.js';

export type Verdict = { readonly status: 'pass' } | { readonly status: 'fail' | 'error' | 'skip'; readonly message: string };

/** Compares what a board did with what the suite expects. Pure. */
export function judge(expect: Expectation, outcome: TestOutcome): Verdict {
  if (outcome.kind === 'error') return { status: 'error', message: outcome.message };
  if (outcome.kind === 'skipped') return { status: 'skip', message: outcome.reason };
  if (outcome.kind === 'rejected') return { status: 'fail', message: `module rejected (${outcome.stage}): ${outcome.message}` };
  const wanted = describeExpectation(expect);
  switch (expect.kind) {
    case 'returns': {
      if (outcome.kind !== 'returned') return { status: 'fail', message: `expected ${wanted}, ${describeOutcome(outcome)}` };
      const sameCount = outcome.results.length === expect.values.length;
      const allMatch = sameCount && expect.values.every((value, i) => {
        const observed = outcome.results[i];
        return observed !== undefined && valueMatches(value, observed);
      });
      if (!allMatch) return { status: 'fail', message: `expected ${wanted}, ${describeOutcome(outcome)}` };
      break;
    }
    case 'trap':
      if (outcome.kind !== 'trapped' || !trapMatches(outcome.trap, expect.trap)) {
        return { status: 'fail', message: `expected ${wanted}, ${describeOutcome(outcome)}` };
      }
      break;
    case 'exit':
      if (outcome.kind !== 'exited' || outcome.exitCode !== expect.exitCode) {
        return { status: 'fail', message: `expected ${wanted}, ${describeOutcome(outcome)}` };
      }
      break;
  }
  if (expect.stdout !== undefined && outcome.stdout !== expect.stdout) {
    return { status: 'fail', message: `stdout differs: expected ${JSON.stringify(expect.stdout)}, got ${JSON.stringify(outcome.stdout)}` };
  }
  if (expect.stderr !== undefined && outcome.stderr !== expect.stderr) {
    return { status: 'fail', message: `stderr differs: expected ${JSON.stringify(expect.stderr)}, got ${JSON.stringify(outcome.stderr)}` };
  }
  return { status: 'pass' };
}

export function describeExpectation(expect: Expectation): string {
  switch (expect.kind) {
    case 'returns':
      return `return (${expect.values.map(formatValue).join(', ')})`;
    case 'trap':
      return `trap "${expect.trap}"`;
    case 'exit':
      return `exit ${expect.exitCode}`;
  }
}

/** "returned (i32:5)", "trapped "unreachable"", … for failure messages and reports. */
export function describeOutcome(outcome: TestOutcome): string {
  switch (outcome.kind) {
    case 'returned':
      return `returned (${outcome.results.map(formatValue).join(', ')})`;
    case 'exited':
      return `exited ${outcome.exitCode}`;
    case 'trapped':
      return `trapped "${outcome.trap.join('" or "')}"`;
    case 'rejected':
      return `rejected (${outcome.stage}): ${outcome.message}`;
    case 'skipped':
      return `skipped: ${outcome.reason}`;
    case 'error':
      return `executor error: ${outcome.message}`;
  }
}
