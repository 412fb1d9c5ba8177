import pc from 'picocolors';
import { TEXT_WIDTH, wrapText } from '../../core/output.js';
import type { RunPosition, RunResult, TestResult, TestStatus } from '../results.js';

const LABEL: Record<TestStatus, string> = { pass: 'PASS', fail: 'FAIL', timeout: 'TIME', error: 'ERR ', skip: 'SKIP' };

type Paint = (text: string) => string;
const PAINT: Record<TestStatus, Paint> = { pass: pc.green, fail: pc.red, timeout: pc.yellow, error: pc.magenta, skip: pc.dim };

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/**
 * One line per result, complete on its own because boards run in parallel and their lines
 * interleave: `[ 3/68] PASS  v8  smoke/add-i32  0.4 ms`, failures and skips with their reason
 * after the time. The `[N/M]` prefix (given a position) says how far the run is.
 */
export function formatProgressLine(result: TestResult, color = false, position?: RunPosition): string {
  const label = color ? PAINT[result.status](LABEL[result.status]) : LABEL[result.status];
  const quarantined = result.quarantine !== undefined && result.status !== 'pass' && result.status !== 'skip' ? ' (quarantined)' : '';
  const retried = result.attempts > 1 ? ` [${result.attempts} attempts]` : '';
  const time = result.status === 'skip' ? '' : `  ${formatDuration(result.durationMs)}`;
  const reason = result.message !== undefined && result.status !== 'pass' ? `  ${result.message}` : '';
  const counter = position === undefined ? '' : `[${String(position.done).padStart(String(position.total).length)}/${position.total}] `;
  return `${counter}${label}  ${result.board}  ${result.test}${quarantined}${retried}${time}${reason}`;
}

/** The closing lines, wrapped to TEXT_WIDTH: counts, disagreements, expired quarantine entries, verdict. */
export function formatSummary(run: RunResult, color = false): string {
  const s = run.summary;
  const boards = run.boards.length;
  // The counts on a line of their own, so neither line passes 80 columns in a usual run.
  const lines = [
    `${s.total} results on ${boards} board${boards === 1 ? '' : 's'} in ${formatDuration(run.durationMs)}:`,
    `  ${s.pass} passed, ${s.fail} failed, ${s.timeout} timed out, ${s.error} errors, ${s.skip} skipped` +
      (s.quarantined > 0 ? `; ${s.quarantined} failures quarantined` : '') +
      (s.flaky > 0 ? `; ${s.flaky} passed only on retry` : ''),
  ];
  if (run.differential !== undefined) {
    const d = run.differential;
    lines.push(`differential: ${d.compared} tests compared against ${d.reference}, ${d.disagreements.length} disagreements`);
    for (const disagreement of d.disagreements) {
      lines.push(`  DIFF  ${disagreement.test}: ${disagreement.against.join(', ')} disagree with ${d.reference}`);
      for (const [board, observed] of Object.entries(disagreement.observations)) lines.push(`        ${board}: ${observed}`);
    }
  }
  for (const entry of run.expiredQuarantine) {
    lines.push(`warning: quarantine entry "${entry.test}" expired on ${entry.until} (${entry.reason}); its failures count again`);
  }
  if (s.total === s.skip) lines.push('warning: no test ran (every test was skipped on every board)');
  const verdict = run.failed ? 'HIL run FAILED' : 'HIL run passed';
  lines.push(color ? (run.failed ? pc.red(verdict) : pc.green(verdict)) : verdict);
  return wrapText(lines.join('\n'), TEXT_WIDTH, 4);
}
