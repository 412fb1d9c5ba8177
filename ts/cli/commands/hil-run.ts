/**
 * `wrt-target hil run [SUITE…] --hardware-map FILE` and `wrt-target hil list`: hardware-in-the-loop
 * runs of the suites under hil/suites on every board of a hardware map (boards in parallel), with
 * console progress and JUnit, JSON and HTML reports. Exit 1 when any test failed, timed out or
 * errored outside the quarantine list, or boards disagreed in differential mode; 2 for bad input.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ExitCode } from '../../core/error-codes.js';
import { WrtError } from '../../core/errors.js';
import type { ExecutorRegistry } from '../../hil/executor.js';
import { describeConnection, loadHardwareMap } from '../../hil/hardware-map.js';
import { defaultBuildCacheDir, defaultQuarantineFile, defaultSuitesDir } from '../../hil/paths.js';
import { globToRegExp, loadQuarantine } from '../../hil/quarantine.js';
import { defaultExecutorRegistry } from '../../hil/registry.js';
import { formatProgressLine, formatSummary } from '../../hil/report/console.js';
import { renderHtmlReport } from '../../hil/report/html.js';
import { renderJsonReport } from '../../hil/report/json.js';
import { renderJunit } from '../../hil/report/junit.js';
import type { RunResult } from '../../hil/results.js';
import { runHil } from '../../hil/run.js';
import { specExpander } from '../../hil/spec-cases.js';
import { listSuiteNames, loadSuiteFile, loadSuites, SUITE_FILE } from '../../hil/suite.js';
import type { HardwareMap, Suite, SuiteTest } from '../../hil/types.js';
import { CUT_NOTE, type FitOptions, fitTable, jsonDocument, type JsonDocumentKind, renderTable, TEXT_WIDTH, wrapText } from '../../core/output.js';
import type { CliContext } from '../context.js';

/** `hil list --json`: the boards and suites. */
export const HIL_LIST_DOCUMENT: JsonDocumentKind = { name: 'hil-list', version: 1 };

export interface HilRunCliOptions {
  readonly suites: readonly string[];
  readonly hardwareMap?: string;
  readonly differential?: boolean;
  readonly junit?: string;
  /** true: the JSON report on stdout; a string: written to that file. */
  readonly json?: boolean | string;
  readonly html?: string;
  readonly timeout?: string;
  readonly board?: readonly string[];
  readonly quarantine?: string;
  readonly suitesDir?: string;
  /** Only tests carrying one of these tags. */
  readonly tag?: readonly string[];
  /** Only tests whose id matches one of these patterns (`*`, `?`). */
  readonly test?: readonly string[];
}

/** Seams for tests: executors, the clock, where builds are cached. */
export interface HilDeps {
  readonly registry?: ExecutorRegistry;
  readonly clock?: () => Date;
  readonly buildCacheDir?: string;
}

function path(ctx: CliContext, file: string): string {
  return isAbsolute(file) ? file : resolve(ctx.cwd, file);
}

function requireMap(file: string | undefined): string {
  if (file === undefined) throw new WrtError('USAGE', '--hardware-map FILE is required', { field: '--hardware-map' });
  return file;
}

export function parseTimeout(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 3_600_000) {
    throw new WrtError('VALUE_INVALID', `--timeout is "${value}", not a number of milliseconds`, { field: '--timeout', limit: '1..3600000' });
  }
  return Number(value);
}

function writeReport(ctx: CliContext, flag: string, file: string, content: string): void {
  const target = path(ctx, file);
  try {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
  } catch (error: unknown) {
    throw new WrtError('FILE_WRITE_FAILED', `cannot write the report: ${String(error)}`, { file: target, field: flag }, { cause: error });
  }
}

/** Keeps the tests matching --tag and --test; suites left empty drop out. */
export function selectTests(suites: readonly Suite[], options: Pick<HilRunCliOptions, 'tag' | 'test'>): Suite[] {
  const tags = options.tag ?? [];
  const patterns = (options.test ?? []).map(globToRegExp);
  const keep = (test: SuiteTest): boolean =>
    (tags.length === 0 || test.tags.some((tag) => tags.includes(tag))) && (patterns.length === 0 || patterns.some((p) => p.test(test.id)));
  return suites.map((suite) => ({ ...suite, tests: suite.tests.filter(keep) })).filter((suite) => suite.tests.length > 0);
}

export async function runHilRun(options: HilRunCliOptions, ctx: CliContext, deps: HilDeps = {}): Promise<{ code: ExitCode; run: RunResult }> {
  const defaultTimeoutMs = parseTimeout(options.timeout);
  const registry = deps.registry ?? defaultExecutorRegistry();
  const map = loadHardwareMap(path(ctx, requireMap(options.hardwareMap)));
  const suitesDir = options.suitesDir === undefined ? defaultSuitesDir() : path(ctx, options.suitesDir);
  const suites = selectTests(loadSuites(suitesDir, options.suites, { expandSpec: specExpander({ env: ctx.env }) }), options);
  const quarantine =
    options.quarantine === undefined ? loadQuarantine(defaultQuarantineFile(), false) : loadQuarantine(path(ctx, options.quarantine), true);
  const jsonToStdout = options.json === true;
  // With the JSON report on stdout, progress goes to stderr so stdout stays one JSON document.
  const progress = (line: string): void => (jsonToStdout ? ctx.output.err(line) : ctx.output.out(line));
  const run = await runHil({
    map,
    suites,
    registry,
    quarantine,
    buildCacheDir: deps.buildCacheDir ?? defaultBuildCacheDir(ctx.env),
    differential: options.differential === true,
    ...(defaultTimeoutMs === undefined ? {} : { defaultTimeoutMs }),
    ...(options.board === undefined ? {} : { boards: options.board }),
    ...(deps.clock === undefined ? {} : { clock: deps.clock }),
    onResult: (result, position) => progress(formatProgressLine(result, ctx.color, position)),
  });
  progress(formatSummary(run, ctx.color));
  if (options.junit !== undefined) writeReport(ctx, '--junit', options.junit, renderJunit(run));
  if (options.html !== undefined) writeReport(ctx, '--html', options.html, renderHtmlReport(run));
  if (typeof options.json === 'string') writeReport(ctx, '--json', options.json, renderJsonReport(run));
  if (jsonToStdout) ctx.output.out(renderJsonReport(run).trimEnd());
  return { code: run.failed ? ExitCode.CheckFailed : ExitCode.Ok, run };
}

interface SuiteListing {
  readonly name: string;
  readonly tests?: number;
  readonly description?: string;
  readonly problem?: string;
}

export function runHilList(options: { readonly hardwareMap?: string; readonly suitesDir?: string; readonly json?: boolean; readonly verbose?: boolean }, ctx: CliContext, deps: HilDeps = {}): ExitCode {
  const registry = deps.registry ?? defaultExecutorRegistry();
  const map: HardwareMap | undefined = options.hardwareMap === undefined ? undefined : loadHardwareMap(path(ctx, options.hardwareMap));
  const suitesDir = options.suitesDir === undefined ? defaultSuitesDir() : path(ctx, options.suitesDir);
  const expandSpec = specExpander({ env: ctx.env });
  const suites: SuiteListing[] = listSuiteNames(suitesDir).map((name) => {
    try {
      const suite = loadSuiteFile(resolve(suitesDir, name, SUITE_FILE), { expandSpec });
      return { name, tests: suite.tests.length, ...(suite.description === undefined ? {} : { description: suite.description }) };
    } catch (error: unknown) {
      // One suite that cannot load (say, the spec testsuite is absent) should not hide the rest.
      if (error instanceof WrtError) return { name, problem: `${error.code}: ${error.describe()}` };
      throw error;
    }
  });
  const boards = (map?.boards ?? []).map((board) => ({
    id: board.id,
    target: board.target?.id ?? null,
    connection: describeConnection(board.connection),
    runner: board.runner ?? board.target?.flashMethods[0]?.runner ?? null,
    fixtures: board.fixtures,
    enabled: board.enabled,
    executor: registry.has(board.connection.kind),
  }));
  if (options.json === true) {
    ctx.output.out(jsonDocument(HIL_LIST_DOCUMENT, { hardwareMap: map?.file ?? null, executors: registry.kinds(), boards, suites }));
    return ExitCode.Ok;
  }
  let cut = false;
  const table = (header: readonly string[], rows: readonly (readonly string[])[], shrink: NonNullable<FitOptions['shrink']>): string => {
    if (options.verbose === true) return renderTable(header, rows);
    const fitted = fitTable(header, rows, { width: TEXT_WIDTH, shrink });
    cut ||= fitted.cut;
    return fitted.text;
  };
  const lines: string[] = [];
  if (map !== undefined) {
    lines.push(wrapText(`Boards in ${map.file}:`));
    const header = ['id', 'target', 'connection', 'runner', 'fixtures', 'enabled', 'executor'];
    const rows = boards.map((b) => [b.id, b.target ?? '-', b.connection, b.runner ?? '-', b.fixtures.join(',') || '-', b.enabled ? 'yes' : 'no', b.executor ? 'yes' : 'not available']);
    // Within 80 columns: which board, where, and whether it runs; runner and fixtures with --verbose.
    const brief = (row: readonly string[]): string[] => [0, 1, 2, 5, 6].map((i) => row[i] ?? '');
    lines.push(options.verbose === true ? renderTable(header, rows) : table(brief(header), rows.map(brief), [[2, 16]]));
    lines.push(`Executors available: ${registry.kinds().join(', ')}`, '');
  }
  lines.push(wrapText(`Suites in ${suitesDir}:`));
  lines.push(table(['suite', 'tests', 'description'], suites.map((s) => [s.name, s.tests === undefined ? '-' : String(s.tests), s.problem ?? s.description ?? '']), [[2, 10]]));
  if (cut) lines.push(CUT_NOTE);
  ctx.output.out(lines.join('\n'));
  return ExitCode.Ok;
}
