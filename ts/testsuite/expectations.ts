import type { LoadErrorName, TrapName } from '../device/engine-codes.js';
import { describeSlot, resultMatches } from './slots.js';
import type { AssertModuleCommand, SpecCommand, SpecValue } from './commands.js';

/**
 * What a spec command expects, judged the same way whatever ran it: the in-process harness
 * (tools/interp/conformance.ts, the C core through FFI) and the protocol harness
 * (protocol-conformance.ts, native-sim over the wire). Pure: outcomes in, a failure reason or
 * nothing out. Results are 64-bit slots in the core's convention (slots.ts).
 */

export interface CommandFailure {
  readonly line: number;
  readonly type: SpecCommand['type'];
  readonly reason: string;
}

export interface FileReport {
  readonly name: string;
  readonly passed: number;
  readonly failed: number;
  /** assert_malformed on text modules: out of scope, neither passed nor failed. */
  readonly textMalformed: number;
  readonly failures: readonly CommandFailure[];
  /** Commands a harness could not run, with the reason (a limit of its path, e.g. the wire's). */
  readonly skipped: readonly CommandFailure[];
}

export interface ConformanceReport {
  readonly files: readonly FileReport[];
  /** simd_*.wast files, not run: "not supported on this target". */
  readonly simdFiles: readonly string[];
  readonly passed: number;
  readonly failed: number;
  readonly textMalformed: number;
  readonly skipped: number;
}

/** A trap as the judgement needs it. */
export interface TrapOutcome {
  readonly kind: TrapName;
  readonly message: string;
}

/** What running an action gave: results, a trap, or a reason it could not run. */
export type ActionOutcome =
  | { readonly kind: 'results'; readonly results: readonly bigint[] }
  | { readonly kind: 'trap'; readonly trap: TrapOutcome }
  | { readonly kind: 'error'; readonly reason: string };

export function isSimdScript(name: string): boolean {
  return name.startsWith('simd_');
}

/** Spec trap texts are our messages, sometimes with a suffix ("uninitialized element 2"). */
export function trapMatches(trap: TrapOutcome, text: string): boolean {
  return text.startsWith(trap.message);
}

/** assert_return's comparison: undefined when every result is what the script expects. */
export function resultsFailure(expected: readonly SpecValue[], results: readonly bigint[]): string | undefined {
  if (expected.length !== results.length) return `expected ${expected.length} results, got ${results.length}`;
  for (let i = 0; i < expected.length; i += 1) {
    const want = expected[i];
    const got = results[i] ?? 0n;
    if (want === undefined || !resultMatches(want, got)) {
      const shown = want !== undefined && 'value' in want ? String(want.value) : '(any)';
      return `result ${i}: expected ${want?.type}:${shown}, got ${describeSlot(want?.type ?? 'i64', got)}`;
    }
  }
  return undefined;
}

type ActionJudged = Extract<SpecCommand, { readonly action: unknown }>;

/** action, assert_return, assert_trap, assert_exhaustion: undefined when the outcome passes. */
export function actionFailure(command: ActionJudged, outcome: ActionOutcome): string | undefined {
  if (outcome.kind === 'error') return outcome.reason;
  if (command.type === 'action' || command.type === 'assert_return') {
    if (outcome.kind === 'trap') return `trapped: ${outcome.trap.message}`;
    return command.type === 'action' ? undefined : resultsFailure(command.expected, outcome.results);
  }
  if (outcome.kind === 'results') return `returned; expected trap "${command.text}"`;
  if (command.type === 'assert_exhaustion') {
    const exhausted = outcome.trap.kind === 'call_depth_exhausted' || outcome.trap.kind === 'value_stack_exhausted';
    return exhausted ? undefined : `trapped "${outcome.trap.message}"; expected exhaustion`;
  }
  return trapMatches(outcome.trap, command.text) ? undefined : `trapped "${outcome.trap.message}"; expected "${command.text}"`;
}

/** Why a module did not load, link or instantiate, as the assertions compare it. */
export interface ModuleFailure {
  readonly kind: LoadErrorName;
  readonly message: string;
}

/**
 * assert_malformed / assert_invalid (binary modules): the module must fail to load with that kind.
 * `failure` undefined: it loaded.
 */
export function loadAssertionFailure(command: AssertModuleCommand, failure: ModuleFailure | undefined): string | undefined {
  const want = command.type === 'assert_malformed' ? 'malformed' : 'invalid';
  if (failure === undefined) return `module loaded; expected ${want}: ${command.text}`;
  if (failure.kind !== want) return `${failure.kind} (${failure.message}); expected ${want}: ${command.text}`;
  return undefined;
}

/** assert_unlinkable / assert_uninstantiable: the module loads, its instantiation fails with that kind. */
export function instantiationAssertionFailure(
  command: AssertModuleCommand,
  failure: ModuleFailure | undefined,
): string | undefined {
  const want = command.type === 'assert_unlinkable' ? 'link' : 'trap';
  if (failure === undefined) return `instantiated; expected ${want} failure: ${command.text}`;
  if (failure.kind !== want) return `${failure.kind} (${failure.message}); expected ${want}: ${command.text}`;
  return undefined;
}

/** Counts one script's commands as passed, failed (with the line and reason) or text-malformed. */
export class FileTally {
  private passed = 0;
  private failed = 0;
  private textMalformed = 0;
  private readonly failures: CommandFailure[] = [];
  private readonly skipped: CommandFailure[] = [];

  /** Counts a judgement: undefined passes, a reason fails. */
  judge(command: SpecCommand, reason: string | undefined): void {
    if (reason === undefined) this.passed += 1;
    else {
      this.failed += 1;
      this.failures.push({ line: command.line, type: command.type, reason });
    }
  }

  skipTextModule(): void {
    this.textMalformed += 1;
  }

  /** A command this path cannot run: neither passed nor failed, listed with the reason. */
  skip(command: SpecCommand, reason: string): void {
    this.skipped.push({ line: command.line, type: command.type, reason });
  }

  report(name: string): FileReport {
    return {
      name,
      passed: this.passed,
      failed: this.failed,
      textMalformed: this.textMalformed,
      failures: [...this.failures],
      skipped: [...this.skipped],
    };
  }
}

/** Sums per-file reports. */
export function totalReport(files: readonly FileReport[], simdFiles: readonly string[]): ConformanceReport {
  return {
    files,
    simdFiles,
    passed: files.reduce((n, f) => n + f.passed, 0),
    failed: files.reduce((n, f) => n + f.failed, 0),
    textMalformed: files.reduce((n, f) => n + f.textMalformed, 0),
    skipped: files.reduce((n, f) => n + f.skipped.length, 0),
  };
}

/** Per-file counts and the total, one line each, for logs. */
export function formatConformanceReport(report: ConformanceReport, withFailures = false): string {
  const width = Math.max(...report.files.map((f) => f.name.length), 8);
  const lines: string[] = [];
  for (const file of report.files) {
    const total = file.passed + file.failed;
    const extra = file.textMalformed > 0 ? `  (${file.textMalformed} text assert_malformed counted apart)` : '';
    const skipped = file.skipped.length > 0 ? `  ${file.skipped.length} skipped` : '';
    lines.push(
      `${file.name.padEnd(width)}  ${String(file.passed).padStart(5)}/${String(total).padEnd(5)} passed  ${file.failed} failed${skipped}${extra}`,
    );
    if (withFailures) {
      for (const failure of file.failures) lines.push(`    line ${failure.line} ${failure.type}: ${failure.reason}`);
    }
    /* A skip is never silent: its reason is printed whether or not failures are. */
    for (const skip of file.skipped) lines.push(`    line ${skip.line} ${skip.type} skipped: ${skip.reason}`);
  }
  if (report.simdFiles.length > 0) {
    lines.push(`${report.simdFiles.length} simd_*.wast files not run: not supported on this target`);
  }
  const skipped = report.skipped > 0 ? `, ${report.skipped} skipped` : '';
  lines.push(
    `total: ${report.passed}/${report.passed + report.failed} passed, ${report.failed} failed${skipped}, ${report.textMalformed} text assert_malformed counted apart`,
  );
  return lines.join('\n');
}
