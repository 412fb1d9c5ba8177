import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AssertReturnCommand, AssertTrapCommand, SpecScript, SpecValue } from '../testsuite/commands.js';
import { convertTestsuite, readSpecScript } from '../testsuite/convert.js';
import { WrtError } from '../core/errors.js';
import { validateWasm } from '../wasm/validate.js';
import type { SpecExpander } from './suite.js';
import type { Entry, Expectation, RawSpecSource, SuiteTest } from './types.js';
import { isNanBits, NUM_TYPES, type ExpectedValue, type NumType, type WasmValue } from '../wasm/values.js';

/** Why a spec command did not become a case; counted so a selection that yields nothing can say why. */
export type SpecSkipReason = 'not-invoke' | 'named-module' | 'module-has-imports' | 'state-changed' | 'non-numeric' | 'nan-argument' | 'not-selected';

export interface SpecCaseSelection {
  readonly tests: SuiteTest[];
  readonly skipped: Readonly<Partial<Record<SpecSkipReason, number>>>;
}

/**
 * Picks cases from a wast2json script: assert_return and assert_trap of invoke actions on the
 * current anonymous module. Left out: modules with imports (no boards provide `spectest`), cases
 * after an `action`/`register` (they depend on state the earlier command changed, and every HIL
 * case starts from a fresh instance), non-numeric values, and NaN arguments with a payload
 * (JavaScript cannot pass one to the V8 reference, so it could never agree).
 * Pure: `moduleImports` answers whether a module file imports anything.
 */
export function selectSpecCases(
  script: SpecScript,
  scriptDir: string,
  spec: RawSpecSource,
  context: { readonly suite: string; readonly file: string; readonly field: string },
  moduleHasImports: (path: string) => boolean,
): SpecCaseSelection {
  const skipped: Partial<Record<SpecSkipReason, number>> = {};
  const skip = (reason: SpecSkipReason): void => void (skipped[reason] = (skipped[reason] ?? 0) + 1);
  const tests: SuiteTest[] = [];
  let module: { path: string; usable: boolean } | undefined;
  let matched = 0;
  for (const command of script.commands) {
    if (command.type === 'module') {
      const path = join(scriptDir, command.filename);
      module = { path, usable: command.name === undefined && !moduleHasImports(path) };
      continue;
    }
    if (command.type === 'action' || command.type === 'register') {
      if (module !== undefined) module.usable = false;
      if (command.type === 'action') skip('state-changed');
      continue;
    }
    if (command.type !== 'assert_return' && command.type !== 'assert_trap') continue;
    const action = command.action;
    if (action.type !== 'invoke') {
      skip('not-invoke');
      continue;
    }
    if (module === undefined || action.module !== undefined) {
      skip('named-module');
      continue;
    }
    if (!module.usable) {
      skip(moduleHasImports(module.path) ? 'module-has-imports' : 'state-changed');
      continue;
    }
    const args = action.args.map(exactOf);
    const expected = command.type === 'assert_return' ? command.expected.map(expectedOf) : [];
    if (args.some((a) => a === undefined) || expected.some((e) => e === undefined)) {
      skip('non-numeric');
      continue;
    }
    const exactArgs = args.filter((a): a is WasmValue => a !== undefined);
    if (exactArgs.some((a) => isNanBits(a.type, BigInt(a.bits)) && !isCanonicalNan(a))) {
      skip('nan-argument');
      continue;
    }
    if (spec.exports !== undefined && !spec.exports.includes(action.field)) {
      skip('not-selected');
      continue;
    }
    matched += 1;
    const every = spec.every ?? 1;
    if ((matched - 1) % every !== 0 || (spec.maxCases !== undefined && tests.length >= spec.maxCases)) {
      skip('not-selected');
      continue;
    }
    tests.push(caseOf(command, module.path, action.field, exactArgs, expected.filter((e): e is ExpectedValue => e !== undefined), spec, context));
  }
  return { tests, skipped };
}

function caseOf(
  command: AssertReturnCommand | AssertTrapCommand,
  modulePath: string,
  exportName: string,
  args: readonly WasmValue[],
  expected: readonly ExpectedValue[],
  spec: RawSpecSource,
  context: { readonly suite: string; readonly file: string; readonly field: string },
): SuiteTest {
  const safeField = exportName.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^-+/, '') || 'export';
  const name = `${spec.script}:${command.line}:${safeField}`;
  const entry: Entry = { kind: 'invoke', export: exportName, args };
  const expect: Expectation = command.type === 'assert_return' ? { kind: 'returns', values: expected } : { kind: 'trap', trap: command.text };
  return {
    id: `${context.suite}/${name}`,
    suite: context.suite,
    name,
    description: `${spec.script}.wast line ${command.line}: ${command.type} ${exportName}`,
    module: { path: modulePath, kind: 'wasm', flags: [] },
    entry,
    expect,
    ...(spec.timeoutMs === undefined ? {} : { timeoutMs: spec.timeoutMs }),
    fixtures: [],
    requires: {},
    tags: ['spec', ...(spec.tags ?? [])],
    origin: { file: context.file, field: context.field },
  };
}

function isNumType(type: string): type is NumType {
  return (NUM_TYPES as readonly string[]).includes(type);
}

function exactOf(value: SpecValue): WasmValue | undefined {
  if (!isNumType(value.type) || Array.isArray(value.value)) return undefined;
  const text = value.value as string;
  if (!/^\d+$/.test(text)) return undefined;
  return { type: value.type, bits: text };
}

function expectedOf(value: SpecValue): ExpectedValue | undefined {
  if (value.type === 'f32' || value.type === 'f64') {
    if (value.value === 'nan:canonical') return { type: value.type, nan: 'canonical' };
    if (value.value === 'nan:arithmetic') return { type: value.type, nan: 'arithmetic' };
  }
  return exactOf(value);
}

function isCanonicalNan(value: WasmValue): boolean {
  const bits = BigInt(value.bits);
  return value.type === 'f32' ? (bits & 0x7fffffffn) === 0x7fc00000n : (bits & 0x7fffffffffffffffn) === 0x7ff8000000000000n;
}

function importsOf(path: string): boolean {
  try {
    return validateWasm(new Uint8Array(readFileSync(path))).counts.imports > 0;
  } catch (error) {
    // A module the validator refuses counts as importing: it would not instantiate anyway.
    if (error instanceof WrtError) return true;
    throw error;
  }
}

/** The expander the CLI uses: converts the named .wast with wast2json (cached) and selects cases. */
export function specExpander(options: { readonly env?: NodeJS.ProcessEnv; readonly cacheDir?: string } = {}): SpecExpander {
  const importCache = new Map<string, boolean>();
  const hasImports = (path: string): boolean => {
    const known = importCache.get(path);
    if (known !== undefined) return known;
    const value = importsOf(path);
    importCache.set(path, value);
    return value;
  };
  return (spec, context) => {
    const [converted] = convertTestsuite({ only: [spec.script], ...options });
    if (converted === undefined) return [];
    return selectSpecCases(readSpecScript(converted.jsonPath), converted.dir, spec, context, hasImports).tests;
  };
}
