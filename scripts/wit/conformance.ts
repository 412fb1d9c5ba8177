/**
 * Conformance of ts/wit against wit-parser's UI tests (pinned copy, located by WRT_WIT_PARSER_UI,
 * default ../shared/wit-parser-ui): every accept case must resolve to JSON structurally equal to
 * its `*.wit.json`; every parse-fail case must be refused, at the file, line and column of the
 * `--> file:LINE:COL` in its `*.wit.result`. The upstream runner enables the feature `active`;
 * the limits are the `large` preset (sized to hold wit-parser's own bounds).
 *
 * Run: npm run conformance:wit [-- name …]
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WrtError } from '../../ts/core/errors.js';
import { renderTable } from '../../ts/core/output.js';
import { WitError } from '../../ts/wit/errors.js';
import { resolveToJson } from '../../ts/wit/json.js';
import { loadWitPath } from '../../ts/wit/load.js';
import { WIT_PRESETS } from '../../ts/wit/limits.js';
import { runScript, scriptProgram } from '../../ts/core/script-cli.js';

export const UI_ENV = 'WRT_WIT_PARSER_UI';
const UI_SUBDIR = join('crates', 'wit-parser', 'tests', 'ui');

/** Accept cases whose dependencies are WIT packages encoded as wasm: ts/wit reads WIT text only. */
export const SKIPS: ReadonlyMap<string, string> = new Map([
  ['kinds-of-deps', 'a dependency is a binary-encoded WIT package (.wasm/.wat); ts/wit reads WIT text only'],
  ['simple-wasm-text.wat', 'the package is a binary-encoded WIT package (.wat); ts/wit reads WIT text only'],
]);

export type CaseStatus = 'passed' | 'failed' | 'skipped';

export interface CaseResult {
  readonly name: string;
  readonly kind: 'accept' | 'parse-fail';
  readonly status: CaseStatus;
  /** For a refused parse-fail case: whether file:LINE:COL matched the expected one. */
  readonly placeMatched?: boolean;
  readonly detail: string;
}

export interface ConformanceSummary {
  readonly cases: readonly CaseResult[];
  readonly accept: { readonly total: number; readonly passed: number; readonly skipped: number };
  readonly parseFail: { readonly total: number; readonly refused: number; readonly withPlace: number; readonly placeMatched: number };
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
}

export function uiDirectory(env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  const root = env[UI_ENV] !== undefined && env[UI_ENV] !== '' ? env[UI_ENV] : join('..', 'shared', 'wit-parser-ui');
  return join(resolvePath(cwd, root ?? ''), UI_SUBDIR);
}

function isCase(dir: string, name: string): boolean {
  if (name === 'parse-fail') return false;
  if (statSync(join(dir, name)).isDirectory()) return true;
  return ['.wit', '.wat', '.wasm', '.md'].includes(extname(name));
}

function expectationFile(dir: string, name: string, ext: string): string {
  const path = join(dir, name);
  const base = statSync(path).isDirectory() ? path : path.slice(0, path.length - extname(path).length);
  return `${base}.wit.${ext}`;
}

/** Deep equality of JSON values, object keys in any order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  if (ak.length !== bk.length) return false;
  const bo = b as Record<string, unknown>;
  const ao = a as Record<string, unknown>;
  return ak.every((k) => k in bo && jsonEqual(ao[k], bo[k]));
}

/** The first difference between two JSON values, as a path, for the table. */
function firstDifference(a: unknown, b: unknown, path = '$'): string {
  if (jsonEqual(a, b)) return '';
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null && Array.isArray(a) === Array.isArray(b)) {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
    for (const k of keys) {
      if (!jsonEqual(ao[k], bo[k])) return firstDifference(ao[k], bo[k], `${path}.${k}`);
    }
  }
  return `${path}: got ${JSON.stringify(a)?.slice(0, 80)}, expected ${JSON.stringify(b)?.slice(0, 80)}`;
}

const FEATURES: ReadonlySet<string> = new Set(['active']);

function runAccept(dir: string, name: string): CaseResult {
  const skip = SKIPS.get(name);
  if (skip !== undefined) return { name, kind: 'accept', status: 'skipped', detail: skip };
  const expected: unknown = JSON.parse(readFileSync(expectationFile(dir, name, 'json'), 'utf8'));
  try {
    const load = loadWitPath(join(dir, name), WIT_PRESETS.large, FEATURES);
    const got = JSON.parse(JSON.stringify(resolveToJson(load.resolve)));
    if (jsonEqual(got, expected)) return { name, kind: 'accept', status: 'passed', detail: '' };
    return { name, kind: 'accept', status: 'failed', detail: firstDifference(got, expected) };
  } catch (error) {
    return { name, kind: 'accept', status: 'failed', detail: describe(error) };
  }
}

function describe(error: unknown): string {
  if (error instanceof WitError && error.place !== undefined) return `${error.place.path}:${error.place.line}:${error.place.column}: ${error.code}: ${error.message}`;
  if (error instanceof WrtError) return `${error.code}: ${error.describe()}`;
  return `crash: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
}

/**
 * `--> file:LINE:COL` under the message; `file:LINE:COL: message` when wit-parser left out a long
 * line; `* file:LINE:COL` (the first of two) for a package defined twice.
 */
const PLACE = /-->\s+(\S+):(\d+):(\d+)|^(?:\s*\*\s+)?(\S+\.wit):(\d+):(\d+)/m;

function runParseFail(dir: string, name: string, uiDir: string): CaseResult {
  const expectedText = readFileSync(expectationFile(dir, name, 'result'), 'utf8');
  const match = PLACE.exec(expectedText);
  const expectedPlace =
    match === null ? null : { file: match[1] ?? match[4] ?? '', line: Number(match[2] ?? match[5]), column: Number(match[3] ?? match[6]) };
  try {
    loadWitPath(join(dir, name), WIT_PRESETS.large, FEATURES);
    return { name, kind: 'parse-fail', status: 'failed', detail: 'accepted, expected a refusal' };
  } catch (error) {
    if (!(error instanceof WrtError)) return { name, kind: 'parse-fail', status: 'failed', detail: describe(error) };
    if (expectedPlace === null) return { name, kind: 'parse-fail', status: 'passed', detail: `refused (no place expected): ${describe(error)}` };
    const place = error instanceof WitError ? error.place : undefined;
    const gotFile = place === undefined ? '' : relative(uiDir, place.path).replaceAll('\\', '/');
    const expectedFile = expectedPlace.file.replace(/^tests\/ui\//, '');
    const matched = place !== undefined && gotFile === expectedFile && place.line === expectedPlace.line && place.column === expectedPlace.column;
    const detail = matched ? '' : `got ${place === undefined ? 'no place' : `${gotFile}:${place.line}:${place.column}`}, expected ${expectedFile}:${expectedPlace.line}:${expectedPlace.column}: ${describe(error)}`;
    return { name, kind: 'parse-fail', status: 'passed', placeMatched: matched, detail };
  }
}

export function runWitConformance(uiDir: string, only: readonly string[] = []): ConformanceSummary {
  if (!existsSync(uiDir)) {
    throw new WrtError('FILE_NOT_FOUND', `the wit-parser UI tests are not at ${uiDir}: set ${UI_ENV} to the wit-parser-ui copy`, { file: uiDir });
  }
  const want = (name: string): boolean => only.length === 0 || only.some((o) => name.includes(o));
  const failDir = join(uiDir, 'parse-fail');
  const cases: CaseResult[] = [];
  for (const name of readdirSync(uiDir).sort()) if (isCase(uiDir, name) && want(name)) cases.push(runAccept(uiDir, name));
  for (const name of readdirSync(failDir).sort()) if (isCase(failDir, name) && want(name)) cases.push(runParseFail(failDir, name, uiDir));
  const accepts = cases.filter((c) => c.kind === 'accept');
  const fails = cases.filter((c) => c.kind === 'parse-fail');
  const placed = fails.filter((c) => c.placeMatched !== undefined);
  return {
    cases,
    accept: { total: accepts.length, passed: accepts.filter((c) => c.status === 'passed').length, skipped: accepts.filter((c) => c.status === 'skipped').length },
    parseFail: {
      total: fails.length,
      refused: fails.filter((c) => c.status === 'passed').length,
      withPlace: placed.length,
      placeMatched: placed.filter((c) => c.placeMatched === true).length,
    },
    passed: cases.filter((c) => c.status === 'passed').length,
    failed: cases.filter((c) => c.status === 'failed').length,
    skipped: cases.filter((c) => c.status === 'skipped').length,
  };
}

export function renderConformance(summary: ConformanceSummary): string {
  const rows = summary.cases.map((c) => [
    c.kind,
    c.name,
    c.status === 'passed' && c.placeMatched === false ? 'passed (place differs)' : c.status,
    c.detail.split('\n')[0]?.slice(0, 160) ?? '',
  ]);
  return [
    renderTable(['kind', 'case', 'result', 'detail'], rows),
    '',
    `accept: ${summary.accept.passed} of ${summary.accept.total} equal to wit-parser's JSON (${summary.accept.skipped} skipped)`,
    `parse-fail: ${summary.parseFail.refused} of ${summary.parseFail.total} refused; place equal on ${summary.parseFail.placeMatched} of the ${summary.parseFail.withPlace} that expect one`,
    `${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped`,
  ].join('\n');
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const program = scriptProgram('conformance:wit', "wit-parser's UI tests through the WIT checker").argument('[cases...]', 'only these cases');
  await runScript(program, (p) => {
    const summary = runWitConformance(uiDirectory(process.env, process.cwd()), p.args);
    process.stdout.write(`${renderConformance(summary)}\n`);
    return summary.failed === 0 ? 0 : 1;
  });
}
