import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { WrtError } from '../core/errors.js';
import { MAX_TEXT_FILE_BYTES } from '../core/user-file.js';
import { checkSchema, fieldLocation, parseYaml, readYamlFile, type YamlSource } from '../core/yaml-schema.js';
import { hilSchema } from './schema.js';
import type { Entry, Expectation, ModuleSource, RawSpecSource, RawSuite, RawTest, RawValue, Suite, SuiteTest } from './types.js';
import { parseSuiteValue, type ExpectedValue, type WasmValue } from '../wasm/values.js';

export const SUITE_FILE = 'suite.yaml';

/** Turns a `spec:` source of a suite into tests; the real one reads the pinned testsuite (spec-cases.ts). */
export type SpecExpander = (spec: RawSpecSource, context: { readonly suite: string; readonly file: string; readonly field: string }) => SuiteTest[];

export interface SuiteOptions {
  /** Needed only by suites with a `spec:` section. */
  readonly expandSpec?: SpecExpander;
}

/**
 * YAML text of a suite to checked tests. `file` is the suite.yaml path: module paths are relative
 * to its folder and must exist. Pure apart from those existence checks.
 */
export function parseSuite(text: string, file: string, options: SuiteOptions = {}): Suite {
  return suiteFrom(parseYaml(text, file), options);
}

function suiteFrom(source: YamlSource, options: SuiteOptions): Suite {
  const file = source.file;
  const raw = checkSchema<RawSuite>(hilSchema('suite'), source);
  const folder = basename(dirname(file));
  if (basename(file) === SUITE_FILE && raw.name !== folder) {
    throw new WrtError('CONFIG_SCHEMA', `/name "${raw.name}" differs from the suite folder "${folder}"`, fieldLocation(source, '/name', 'name equals the folder name'));
  }
  const tests: SuiteTest[] = [];
  const names = new Map<string, string>();
  const add = (test: SuiteTest): void => {
    const earlier = names.get(test.name);
    if (earlier !== undefined) {
      throw new WrtError('CONFIG_SCHEMA', `${test.origin.field}/name "${test.name}" is already the name of ${earlier}`, fieldLocation(source, `${test.origin.field}/name`, 'test names are unique in a suite'));
    }
    names.set(test.name, test.origin.field);
    tests.push(test);
  };
  (raw.tests ?? []).forEach((test, index) => add(resolveTest(raw, test, `/tests/${index}`, source)));
  (raw.spec ?? []).forEach((spec, index) => {
    const field = `/spec/${index}`;
    if (options.expandSpec === undefined) {
      throw new WrtError('INTERNAL', `${field}: no spec expander was given to the suite loader`, fieldLocation(source, field));
    }
    for (const test of options.expandSpec(spec, { suite: raw.name, file, field })) add(test);
  });
  return { name: raw.name, ...(raw.description === undefined ? {} : { description: raw.description }), file, tests };
}

export function loadSuiteFile(path: string, options: SuiteOptions = {}): Suite {
  return suiteFrom(readYamlFile(path, { what: 'HIL suite', maxBytes: MAX_TEXT_FILE_BYTES }), options);
}

/** Names of the suites in a folder (sub-folders holding suite.yaml), sorted. */
export function listSuiteNames(suitesDir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(suitesDir);
  } catch (error: unknown) {
    throw new WrtError('FILE_NOT_FOUND', `cannot list suites: ${String(error)}`, { file: suitesDir }, { cause: error });
  }
  return entries.filter((name) => existsSync(join(suitesDir, name, SUITE_FILE)) && statSync(join(suitesDir, name)).isDirectory()).sort();
}

/** The named suites (all when `names` is empty); an unknown name is USAGE listing the known ones. */
export function loadSuites(suitesDir: string, names: readonly string[], options: SuiteOptions = {}): Suite[] {
  const known = listSuiteNames(suitesDir);
  const wanted = names.length > 0 ? names : known;
  for (const name of wanted) {
    if (!known.includes(name)) {
      throw new WrtError('USAGE', `no suite "${name}" in ${suitesDir}`, { field: 'SUITE', limit: `one of ${known.join(' | ')}` });
    }
  }
  return wanted.map((name) => loadSuiteFile(join(suitesDir, name, SUITE_FILE), options));
}

function resolveTest(suite: RawSuite, test: RawTest, field: string, source: YamlSource): SuiteTest {
  const module = resolveModule(test, field, source);
  const host = test.host === undefined ? undefined : suiteFile(test.host, `${field}/host`, source, 'host module');
  const entry = resolveEntry(test, field, source);
  const expect = resolveExpectation(test, field, source);
  if (entry.kind === 'command' && expect.kind === 'returns') {
    throw new WrtError('CONFIG_SCHEMA', `${field}/expect/returns: a command returns no values; expect exitCode or trap`, fieldLocation(source, `${field}/expect/returns`, 'command tests expect exitCode | trap'));
  }
  const defaults = suite.defaults ?? {};
  const timeoutMs = test.timeoutMs ?? defaults.timeoutMs;
  const line = source.lineOf(field);
  return {
    id: `${suite.name}/${test.name}`,
    suite: suite.name,
    name: test.name,
    ...(test.description === undefined ? {} : { description: test.description }),
    module,
    ...(host === undefined ? {} : { host }),
    entry,
    expect,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    fixtures: union(defaults.fixtures, test.fixtures),
    requires: { ...defaults.requires, ...test.requires },
    tags: union(defaults.tags, test.tags),
    origin: { file: source.file, field, ...(line === undefined ? {} : { line }) },
  };
}

/** Whether `path` is inside `folder` once symbolic links are followed (a suite carries its modules). */
function insideFolder(folder: string, path: string): boolean {
  const rel = relative(realpathSync(folder), realpathSync(path));
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

/** A file the suite carries (`what`: a module, a host module): inside the suite folder. */
function suiteFile(name: string, field: string, source: YamlSource, what: string): string {
  const folder = dirname(source.file);
  const path = resolve(folder, name);
  if (!existsSync(path)) {
    throw new WrtError('FILE_NOT_FOUND', `${field}: no file ${name} beside the suite`, fieldLocation(source, field));
  }
  if (!insideFolder(folder, path)) {
    throw new WrtError(
      'CONFIG_SCHEMA',
      `${field}: ${name} is outside the suite folder ${folder}: a suite runs only the ${what}s it carries; copy the ${what} into the folder`,
      fieldLocation(source, field, 'a path inside the suite folder'),
    );
  }
  return path;
}

function resolveModule(test: RawTest, field: string, source: YamlSource): ModuleSource {
  const path = suiteFile(test.module, `${field}/module`, source, 'module');
  const kind = extname(path).slice(1) as ModuleSource['kind'];
  return { path, kind, flags: test.build?.flags ?? [] };
}

function resolveEntry(test: RawTest, field: string, source: YamlSource): Entry {
  if (test.invoke !== undefined) {
    const args = (test.invoke.args ?? []).map((raw, i) => exactValue(raw, `${field}/invoke/args/${i}`, source));
    return { kind: 'invoke', export: test.invoke.export, args };
  }
  const command = test.command ?? {};
  return { kind: 'command', args: command.args ?? [test.name], env: command.env ?? {}, stdin: command.stdin ?? '' };
}

function resolveExpectation(test: RawTest, field: string, source: YamlSource): Expectation {
  const raw = test.expect;
  const streams = { ...(raw.stdout === undefined ? {} : { stdout: raw.stdout }), ...(raw.stderr === undefined ? {} : { stderr: raw.stderr }) };
  if (raw.returns !== undefined) {
    const values = raw.returns.map((value, i) => expectedValue(value, `${field}/expect/returns/${i}`, source));
    return { kind: 'returns', values, ...streams };
  }
  if (raw.trap !== undefined) return { kind: 'trap', trap: raw.trap, ...streams };
  return { kind: 'exit', exitCode: raw.exitCode ?? 0, ...streams };
}

function exactValue(raw: RawValue, field: string, source: YamlSource): WasmValue {
  const value = expectedValue(raw, field, source, false);
  if ('nan' in value) throw new WrtError('CONFIG_SCHEMA', `${field} cannot be a NaN class`, fieldLocation(source, field));
  return value;
}

function expectedValue(raw: RawValue, field: string, source: YamlSource, allowNanClass = true): ExpectedValue {
  try {
    return parseSuiteValue(raw, source.file, field, allowNanClass);
  } catch (error: unknown) {
    if (error instanceof WrtError) {
      throw new WrtError(error.code, error.message, fieldLocation(source, error.location.field ?? field, error.location.limit), { cause: error });
    }
    throw error;
  }
}

function union(a: readonly string[] | undefined, b: readonly string[] | undefined): string[] {
  return [...new Set([...(a ?? []), ...(b ?? [])])];
}
