import { describeOutcome } from '../judge.js';
import type { BoardRun, RunResult, TestResult } from '../results.js';
import { escapeXmlAttribute as attr, escapeXmlText as text } from './xml.js';

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

interface Counts {
  tests: number;
  failures: number;
  errors: number;
  skipped: number;
}

/** How a result appears in JUnit: a quarantined failure is `skipped`, so CI does not fail on it. */
function junitKind(result: TestResult): 'pass' | 'failure' | 'error' | 'skipped' {
  if (result.status === 'pass') return 'pass';
  if (result.status === 'skip' || result.quarantine !== undefined) return 'skipped';
  return result.status === 'error' ? 'error' : 'failure';
}

function testcase(result: TestResult, board: string): string {
  const open = `    <testcase classname="${attr(`${board}.${result.suite}`)}" name="${attr(result.name)}" time="${seconds(result.durationMs)}"`;
  const kind = junitKind(result);
  const message = result.message ?? '';
  const detail = result.outcome === undefined ? '' : describeOutcome(result.outcome);
  switch (kind) {
    case 'pass':
      return `${open}/>`;
    case 'skipped': {
      const why = result.status === 'skip' ? message : `quarantined until ${result.quarantine?.until ?? '?'} (${result.quarantine?.reason ?? ''}); ${result.status}: ${message}`;
      return `${open}>\n      <skipped message="${attr(why)}"/>\n    </testcase>`;
    }
    case 'error':
      return `${open}>\n      <error message="${attr(message)}" type="error">${text(detail)}</error>\n    </testcase>`;
    case 'failure':
      return `${open}>\n      <failure message="${attr(message)}" type="${result.status}">${text(detail)}</failure>\n    </testcase>`;
  }
}

function countsOf(results: readonly TestResult[]): Counts {
  const counts: Counts = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  for (const result of results) {
    counts.tests += 1;
    const kind = junitKind(result);
    if (kind === 'failure') counts.failures += 1;
    else if (kind === 'error') counts.errors += 1;
    else if (kind === 'skipped') counts.skipped += 1;
  }
  return counts;
}

function countAttributes(counts: Counts): string {
  return `tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}"`;
}

function boardSuite(run: BoardRun, timestamp: string): string {
  const counts = countsOf(run.results);
  const properties = [
    `      <property name="connection" value="${attr(run.board.connection)}"/>`,
    ...(run.board.target === undefined ? [] : [`      <property name="target" value="${attr(run.board.target)}"/>`]),
    ...(run.board.reference ? ['      <property name="reference" value="true"/>'] : []),
  ];
  return [
    `  <testsuite name="${attr(run.board.id)}" ${countAttributes(counts)} time="${seconds(run.durationMs)}" timestamp="${attr(timestamp)}">`,
    '    <properties>',
    ...properties,
    '    </properties>',
    ...run.results.map((result) => testcase(result, run.board.id)),
    '  </testsuite>',
  ].join('\n');
}

/** The differential comparison as one more testsuite: one testcase per disagreement. */
function differentialSuite(run: RunResult, timestamp: string): string | undefined {
  const d = run.differential;
  if (d === undefined) return undefined;
  const cases = d.disagreements.map((disagreement) => {
    const lines = Object.entries(disagreement.observations).map(([board, observed]) => `${board}: ${observed}`);
    const message = `${disagreement.against.join(', ')} disagree with ${d.reference}`;
    return `    <testcase classname="differential" name="${attr(disagreement.test)}" time="0.000">\n      <failure message="${attr(message)}" type="disagreement">${text(lines.join('\n'))}</failure>\n    </testcase>`;
  });
  const counts = `tests="${d.disagreements.length}" failures="${d.disagreements.length}" errors="0" skipped="0"`;
  return [
    `  <testsuite name="differential" ${counts} time="0.000" timestamp="${attr(timestamp)}">`,
    '    <properties>',
    `      <property name="reference" value="${attr(d.reference)}"/>`,
    `      <property name="compared" value="${d.compared}"/>`,
    '    </properties>',
    ...cases,
    '  </testsuite>',
  ].join('\n');
}

/**
 * JUnit XML as Jenkins, GitLab and GitHub test reporters read it: a testsuite per board, a
 * testcase per test (classname `<board>.<suite>`), failure / error / skipped children.
 * Timed-out tests are failures of type "timeout". Pure.
 */
export function renderJunit(run: RunResult): string {
  const all = run.boards.flatMap((board) => board.results);
  const counts = countsOf(all);
  const disagreements = run.differential?.disagreements.length ?? 0;
  const total: Counts = { ...counts, tests: counts.tests + disagreements, failures: counts.failures + disagreements };
  const suites = [...run.boards.map((board) => boardSuite(board, run.startedAt)), differentialSuite(run, run.startedAt)].filter((s): s is string => s !== undefined);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="wrt-target hil" ${countAttributes(total)} time="${seconds(run.durationMs)}" timestamp="${attr(run.startedAt)}">`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
