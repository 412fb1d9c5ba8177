/**
 * Conformance of the validator against the pinned WebAssembly 2.0 spec testsuite, converted with
 * wast2json into the cache: every module command must validate, every binary assert_invalid and
 * assert_malformed must be rejected (with WASM_INVALID and WASM_MALFORMED respectively). Text-format
 * assert_malformed tests a text parser, which a binary toolchain does not have: counted apart.
 *
 * Run: npm run build:ts && node dist/scripts/wasm/conformance.js [name …]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WrtError } from '../../ts/core/errors.js';
import type { SpecCommand } from '../../ts/testsuite/commands.js';
import { type ConvertOptions, convertTestsuite, readSpecScript } from '../../ts/testsuite/convert.js';
import { validateWasm } from '../../ts/wasm/validate.js';
import { runScript, scriptProgram } from '../../ts/core/script-cli.js';

export type Expectation = 'valid' | 'invalid' | 'malformed';

export interface ConformanceFailure {
  readonly line: number;
  readonly command: string;
  readonly module: string;
  readonly expected: Expectation;
  /** "valid" or the error code and message the validator gave. */
  readonly got: string;
  /** The testsuite's expected message, for rejections. */
  readonly text?: string;
}

export interface ConformanceFileResult {
  readonly name: string;
  readonly passed: number;
  readonly failed: number;
  /** Rejected as expected, but as malformed instead of invalid or the other way round. */
  readonly wrongCode: number;
  readonly textMalformed: number;
  readonly failures: readonly ConformanceFailure[];
  readonly wrongCodes: readonly ConformanceFailure[];
}

export interface ConformanceTotals {
  readonly files: number;
  readonly modules: number;
  readonly passed: number;
  readonly failed: number;
  readonly wrongCode: number;
  readonly textMalformed: number;
  readonly byExpectation: Readonly<Record<Expectation, number>>;
}

export interface ConformanceResult {
  readonly files: readonly ConformanceFileResult[];
  readonly totals: ConformanceTotals;
}

function expectationOf(command: SpecCommand): { file: string; expected: Expectation } | 'text' | null {
  switch (command.type) {
    case 'module':
      return { file: command.filename, expected: 'valid' };
    case 'assert_unlinkable':
    case 'assert_uninstantiable':
      // These fail at link or instantiation time: the module itself is valid.
      return command.module_type === 'binary' ? { file: command.filename, expected: 'valid' } : 'text';
    case 'assert_invalid':
      return command.module_type === 'binary' ? { file: command.filename, expected: 'invalid' } : 'text';
    case 'assert_malformed':
      return command.module_type === 'binary' ? { file: command.filename, expected: 'malformed' } : 'text';
    default:
      return null;
  }
}

export function runConformance(options: ConvertOptions = {}): ConformanceResult {
  const files: ConformanceFileResult[] = [];
  const byExpectation: Record<Expectation, number> = { valid: 0, invalid: 0, malformed: 0 };
  for (const script of convertTestsuite(options)) {
    const parsed = readSpecScript(script.jsonPath);
    let passed = 0;
    let wrongCode = 0;
    let textMalformed = 0;
    const failures: ConformanceFailure[] = [];
    const wrongCodes: ConformanceFailure[] = [];
    for (const command of parsed.commands) {
      const expectation = expectationOf(command);
      if (expectation === null) continue;
      if (expectation === 'text') {
        textMalformed += 1;
        continue;
      }
      byExpectation[expectation.expected] += 1;
      const bytes = readFileSync(join(script.dir, expectation.file));
      let got: string;
      let code: string | null = null;
      try {
        validateWasm(bytes, { file: expectation.file });
        got = 'valid';
      } catch (error) {
        if (!(error instanceof WrtError)) throw error;
        code = error.code;
        got = `${error.code}: ${error.describe()}`;
      }
      const rejected = code === 'WASM_INVALID' || code === 'WASM_MALFORMED';
      const ok = expectation.expected === 'valid' ? got === 'valid' : rejected;
      const record: ConformanceFailure = {
        line: command.line,
        command: command.type,
        module: expectation.file,
        expected: expectation.expected,
        got,
        ...('text' in command ? { text: command.text } : {}),
      };
      if (ok) {
        passed += 1;
        const wantCode = expectation.expected === 'invalid' ? 'WASM_INVALID' : 'WASM_MALFORMED';
        if (expectation.expected !== 'valid' && code !== wantCode) {
          wrongCode += 1;
          wrongCodes.push(record);
        }
      } else {
        failures.push(record);
      }
    }
    files.push({ name: script.name, passed, failed: failures.length, wrongCode, textMalformed, failures, wrongCodes });
  }
  const sum = (key: 'passed' | 'failed' | 'wrongCode' | 'textMalformed'): number => files.reduce((n, f) => n + f[key], 0);
  return {
    files,
    totals: {
      files: files.length,
      modules: sum('passed') + sum('failed'),
      passed: sum('passed'),
      failed: sum('failed'),
      wrongCode: sum('wrongCode'),
      textMalformed: sum('textMalformed'),
      byExpectation,
    },
  };
}

export function formatConformance(result: ConformanceResult, verbose = false): string[] {
  const lines: string[] = [];
  for (const file of result.files) {
    const extra = [file.wrongCode > 0 ? `${file.wrongCode} wrong code` : '', file.textMalformed > 0 ? `${file.textMalformed} text-format skipped` : '']
      .filter((s) => s !== '')
      .join(', ');
    lines.push(`${file.name.padEnd(34)} passed ${String(file.passed).padStart(5)}  failed ${String(file.failed).padStart(4)}${extra === '' ? '' : `  (${extra})`}`);
    if (verbose || file.failed > 0 || file.wrongCode > 0) {
      for (const failure of [...file.failures, ...file.wrongCodes]) {
        lines.push(`    line ${failure.line} ${failure.command} ${failure.module}: expected ${failure.expected}${failure.text === undefined ? '' : ` ("${failure.text}")`}, got ${failure.got}`);
      }
    }
  }
  const t = result.totals;
  const percent = t.modules === 0 ? 0 : (100 * t.passed) / t.modules;
  lines.push(
    `total: ${t.files} files, ${t.modules} modules (${t.byExpectation.valid} valid, ${t.byExpectation.invalid} invalid, ${t.byExpectation.malformed} malformed): ` +
      `passed ${t.passed}, failed ${t.failed} (${percent.toFixed(2)} %); rejected with the other code ${t.wrongCode}; text-format assert_malformed not applicable ${t.textMalformed}`,
  );
  return lines;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const program = scriptProgram('conformance:wasm', 'the validator on the spec testsuite\'s module commands')
    .argument('[scripts...]', 'only these scripts (base names)')
    .option('--verbose', 'list every module');
  await runScript(program, (p) => {
    const only = p.args;
    const result = runConformance(only.length > 0 ? { only } : {});
    for (const line of formatConformance(result, p.opts<{ verbose?: boolean }>().verbose === true)) process.stdout.write(`${line}\n`);
    return result.totals.failed === 0 ? 0 : 1;
  });
}
