import { describeOutcome } from '../judge.js';
import type { RunResult, TestResult, TestStatus } from '../results.js';
import { formatDuration } from './console.js';

/** Status colours, also used by the legend; quarantined failures get a hatched fill. */
export const STATUS_COLOURS: Record<TestStatus | 'absent', string> = {
  pass: '#2e7d32',
  fail: '#c62828',
  timeout: '#ef6c00',
  error: '#6a1b9a',
  skip: '#b0b0b0',
  absent: '#f0f0f0',
};

const SUITE_COLOURS = ['#1565c0', '#00838f', '#6d4c41', '#ad1457', '#558b2f', '#4527a0', '#f9a825', '#37474f'];

export function escapeHtml(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Board x test grid: test ids in first-seen order, boards in run order. Pure. */
export interface Matrix {
  readonly boards: readonly string[];
  readonly tests: readonly string[];
  cell(board: string, test: string): TestResult | undefined;
}

export function buildMatrix(run: RunResult): Matrix {
  const boards = run.boards.map((b) => b.board.id);
  const tests: string[] = [];
  const seen = new Set<string>();
  const cells = new Map<string, TestResult>();
  for (const board of run.boards) {
    for (const result of board.results) {
      if (!seen.has(result.test)) {
        seen.add(result.test);
        tests.push(result.test);
      }
      cells.set(`${board.board.id}\u0000${result.test}`, result);
    }
  }
  return { boards, tests, cell: (board, test) => cells.get(`${board}\u0000${test}`) };
}

const CELL = 18;
const CELL_GAP = 2;
const LABEL_WIDTH = 300;
const HEADER_HEIGHT = 110;

function cellTitle(result: TestResult | undefined, board: string, test: string): string {
  if (result === undefined) return `${board} / ${test}: not run`;
  const parts = [`${board} / ${test}: ${result.status}`, formatDuration(result.durationMs)];
  if (result.attempts > 1) parts.push(`${result.attempts} attempts`);
  if (result.quarantine !== undefined) parts.push(`quarantined until ${result.quarantine.until}: ${result.quarantine.reason}`);
  if (result.message !== undefined) parts.push(result.message);
  // A skip's outcome only repeats its reason.
  if (result.outcome !== undefined && result.outcome.kind !== 'skipped') parts.push(describeOutcome(result.outcome));
  return parts.join('\n');
}

/** The board x test matrix as inline SVG: a coloured square per cell, its details in a tooltip. */
export function renderMatrixSvg(run: RunResult): string {
  const matrix = buildMatrix(run);
  const disagreeing = new Map<string, Set<string>>();
  for (const d of run.differential?.disagreements ?? []) disagreeing.set(d.test, new Set(d.against));
  const width = LABEL_WIDTH + matrix.boards.length * (CELL + CELL_GAP) + 20;
  const height = HEADER_HEIGHT + matrix.tests.length * (CELL + CELL_GAP) + 10;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="matrix" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="board by test result matrix">`,
    '<defs><pattern id="hatch" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="5" height="5" fill="#ffffff"/><rect width="2.5" height="5" fill="#888888"/></pattern></defs>',
  ];
  matrix.boards.forEach((board, column) => {
    const x = LABEL_WIDTH + column * (CELL + CELL_GAP) + CELL / 2;
    parts.push(`<text class="board-label" x="${x}" y="${HEADER_HEIGHT - 6}" transform="rotate(-60 ${x} ${HEADER_HEIGHT - 6})">${escapeHtml(board)}</text>`);
  });
  matrix.tests.forEach((test, row) => {
    const y = HEADER_HEIGHT + row * (CELL + CELL_GAP);
    parts.push(`<text class="test-label" x="${LABEL_WIDTH - 8}" y="${y + CELL - 5}" text-anchor="end">${escapeHtml(test)}</text>`);
    matrix.boards.forEach((board, column) => {
      const x = LABEL_WIDTH + column * (CELL + CELL_GAP);
      const result = matrix.cell(board, test);
      const status = result?.status ?? 'absent';
      const excused = result?.quarantine !== undefined && status !== 'pass' && status !== 'skip';
      const fill = excused ? 'url(#hatch)' : STATUS_COLOURS[status];
      const differs = disagreeing.get(test)?.has(board) === true;
      const stroke = differs ? ' stroke="#000000" stroke-width="3"' : '';
      const title = `${cellTitle(result, board, test)}${differs ? '\ndisagrees with the reference' : ''}`;
      parts.push(
        `<rect class="cell status-${status}${excused ? ' quarantined' : ''}${differs ? ' disagrees' : ''}" data-board="${escapeHtml(board)}" data-test="${escapeHtml(test)}" data-status="${status}" x="${x}" y="${y}" width="${CELL}" height="${CELL}" rx="3" fill="${fill}"${stroke}><title>${escapeHtml(title)}</title></rect>`,
      );
    });
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Per-board wall time as horizontal bars, each split by suite. */
export function renderTimingSvg(run: RunResult): string {
  const suites = [...new Set(run.boards.flatMap((b) => b.results.map((r) => r.suite)))];
  const colourOf = (suite: string): string => SUITE_COLOURS[suites.indexOf(suite) % SUITE_COLOURS.length] ?? '#555555';
  const totals = run.boards.map((b) => b.results.reduce((sum, r) => sum + r.durationMs, 0));
  const max = Math.max(1, ...totals);
  const barArea = 600;
  const rowHeight = 26;
  const labelWidth = 160;
  const legendHeight = 24;
  const width = labelWidth + barArea + 120;
  const height = legendHeight + run.boards.length * rowHeight + 30;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="timing" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="time per board, by suite">`,
  ];
  suites.forEach((suite, i) => {
    const x = labelWidth + i * 140;
    parts.push(`<rect x="${x}" y="4" width="12" height="12" fill="${colourOf(suite)}"/><text class="legend" x="${x + 16}" y="15">${escapeHtml(suite)}</text>`);
  });
  run.boards.forEach((board, row) => {
    const y = legendHeight + row * rowHeight + 4;
    parts.push(`<text class="board-label" x="${labelWidth - 8}" y="${y + 14}" text-anchor="end">${escapeHtml(board.board.id)}</text>`);
    let x = labelWidth;
    for (const suite of suites) {
      const ms = board.results.filter((r) => r.suite === suite).reduce((sum, r) => sum + r.durationMs, 0);
      const w = (ms / max) * barArea;
      if (w <= 0) continue;
      parts.push(`<rect class="bar" data-board="${escapeHtml(board.board.id)}" data-suite="${escapeHtml(suite)}" x="${x.toFixed(1)}" y="${y}" width="${Math.max(w, 1).toFixed(1)}" height="18" fill="${colourOf(suite)}"><title>${escapeHtml(`${board.board.id} / ${suite}: ${formatDuration(ms)}`)}</title></rect>`);
      x += w;
    }
    parts.push(`<text class="bar-value" x="${(x + 6).toFixed(1)}" y="${y + 14}">${escapeHtml(formatDuration(totals[row] ?? 0))}</text>`);
  });
  const axisY = legendHeight + run.boards.length * rowHeight + 8;
  parts.push(`<line x1="${labelWidth}" y1="${axisY}" x2="${labelWidth + barArea}" y2="${axisY}" stroke="#999999"/>`);
  parts.push(`<text class="axis" x="${labelWidth}" y="${axisY + 16}">0</text><text class="axis" x="${labelWidth + barArea}" y="${axisY + 16}" text-anchor="end">${escapeHtml(formatDuration(max))}</text>`);
  parts.push('</svg>');
  return parts.join('\n');
}

const CSS = `
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; margin: 24px; color: #222; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.verdict { display: inline-block; padding: 3px 10px; border-radius: 4px; color: #fff; font-weight: 600; }
.verdict.failed { background: #c62828; } .verdict.passed { background: #2e7d32; }
.counts span { display: inline-block; margin: 6px 12px 0 0; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: -1px; margin-right: 4px; }
svg text { font: 12px "DejaVu Sans Mono", monospace; fill: #222; }
table { border-collapse: collapse; margin-top: 6px; }
th, td { text-align: left; border-bottom: 1px solid #e4e4e4; padding: 4px 10px 4px 0; vertical-align: top; }
td.message { font-family: "DejaVu Sans Mono", monospace; white-space: pre-wrap; max-width: 760px; }
.muted { color: #666; }
`;

/**
 * A self-contained report page: inline CSS and SVG only, no scripts, fonts or images from
 * anywhere, so it can be archived as a CI artifact and opened offline. Pure.
 */
/** A failing test's host calls and log lines, as the device reported them (docs/host-calls.md). */
function hostRecord(result: TestResult): string {
  const o = result.outcome;
  if (o === undefined || !('stdout' in o)) return '';
  const part = (title: string, lines: readonly string[] | undefined): string =>
    lines === undefined || lines.length === 0 ? '' : `<details><summary>${title} (${lines.length})</summary><pre>${escapeHtml(lines.join('\n'))}</pre></details>`;
  return part('host calls', o.hostCalls) + part('log', o.logs);
}

export function renderHtmlReport(run: RunResult, title = 'wrt-target HIL run'): string {
  const s = run.summary;
  const legend = (['pass', 'fail', 'timeout', 'error', 'skip'] as const)
    .map((status) => `<span><i class="swatch" style="background:${STATUS_COLOURS[status]}"></i>${status} ${s[status]}</span>`)
    .join('');
  const problems = run.boards.flatMap((b) => b.results).filter((r) => r.status !== 'pass' && r.status !== 'skip');
  const problemRows = problems
    .map((r) => `<tr><td>${escapeHtml(r.board)}</td><td>${escapeHtml(r.test)}</td><td>${r.status}${r.quarantine !== undefined ? ' (quarantined)' : ''}</td><td class="message">${escapeHtml(r.message ?? '')}${hostRecord(r)}</td></tr>`)
    .join('\n');
  const skipped = run.boards.flatMap((b) => b.results).filter((r) => r.status === 'skip');
  const skippedRows = skipped
    .map((r) => `<tr><td>${escapeHtml(r.board)}</td><td>${escapeHtml(r.test)}</td><td class="message">${escapeHtml(r.message ?? '')}</td></tr>`)
    .join('\n');
  const d = run.differential;
  const differential =
    d === undefined
      ? ''
      : `<h2>Differential</h2>
<p>${d.compared} tests compared against <b>${escapeHtml(d.reference)}</b>: ${d.disagreements.length} disagreements.</p>
${d.disagreements.length === 0 ? '' : `<table><tr><th>test</th><th>boards</th></tr>\n${d.disagreements
        .map((x) => `<tr><td>${escapeHtml(x.test)}</td><td class="message">${escapeHtml(Object.entries(x.observations).map(([b, o]) => `${b}: ${o}`).join('\n'))}</td></tr>`)
        .join('\n')}</table>`}`;
  const boardsRows = run.boards
    .map((b) => `<tr><td>${escapeHtml(b.board.id)}${b.board.reference ? ' <span class="muted">(reference)</span>' : ''}</td><td>${escapeHtml(b.board.target ?? '—')}</td><td>${escapeHtml(b.board.connection)}</td><td>${b.results.length}</td><td>${escapeHtml(formatDuration(b.durationMs))}</td></tr>`)
    .join('\n');
  const expired = run.expiredQuarantine.map((e) => `<li>${escapeHtml(e.test)}: expired ${escapeHtml(e.until)} (${escapeHtml(e.reason)})</li>`).join('');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="muted">started ${escapeHtml(run.startedAt)}, ${escapeHtml(formatDuration(run.durationMs))}, ${s.total} results on ${run.boards.length} board${run.boards.length === 1 ? '' : 's'}</p>
<p><span class="verdict ${run.failed ? 'failed' : 'passed'}">${run.failed ? 'FAILED' : 'PASSED'}</span></p>
<div class="counts">${legend}<span>quarantined failures ${s.quarantined}</span><span>passed on retry ${s.flaky}</span><span>disagreements ${s.disagreements}</span></div>
${problems.length === 0 ? '' : `<h2>Failures</h2>\n<table><tr><th>board</th><th>test</th><th>status</th><th>reason</th></tr>\n${problemRows}\n</table>`}
${differential}
${skipped.length === 0 ? '' : `<h2>Skipped</h2>\n<p class="muted">What a board cannot run or hold; says nothing about the module.</p>\n<table><tr><th>board</th><th>test</th><th>reason</th></tr>\n${skippedRows}\n</table>`}
<h2>Results by board and test</h2>
<p class="muted">Hatched: a quarantined failure. Black outline: disagrees with the reference. Pale grey: not run on that board. Hover a square for details.</p>
${renderMatrixSvg(run)}
<h2>Time per board</h2>
${renderTimingSvg(run)}
<h2>Boards</h2>
<table><tr><th>board</th><th>target</th><th>connection</th><th>results</th><th>time</th></tr>
${boardsRows}
</table>
${expired === '' ? '' : `<h2>Expired quarantine entries</h2><ul>${expired}</ul>`}
</body>
</html>
`;
}
