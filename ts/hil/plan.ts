import type { ExecutableTest } from './executor.js';
import { REFERENCE_V8 } from './hardware-map.js';
import { quarantineFor, type QuarantineList } from './quarantine.js';
import type { Board, Expectation, RawRequires, SuiteTest } from './types.js';

/** Timeout of a test that sets none, and no --timeout was given. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** A test as the scheduler runs it on one board: ready to execute, or skipped with a reason. */
export interface PlannedTest {
  readonly id: string;
  readonly suite: string;
  readonly name: string;
  readonly expect: Expectation;
  readonly timeoutMs: number;
  readonly executable?: ExecutableTest;
  readonly skip?: string;
  readonly quarantine?: ReturnType<typeof quarantineFor>;
}

export interface PlanOptions {
  readonly defaultTimeoutMs: number;
  readonly quarantine: QuarantineList;
  /** YYYY-MM-DD (UTC): quarantine entries apply up to and including their `until` day. */
  readonly today: string;
}

/** The tests of a run for one board, in suite order. `modules` holds the built bytes by test id. */
export function planBoard(
  board: Board,
  tests: readonly SuiteTest[],
  modules: ReadonlyMap<string, { readonly bytes: Uint8Array; readonly sha256: string }>,
  options: PlanOptions,
): PlannedTest[] {
  return tests.map((test) => {
    const timeoutMs = Math.max(1, Math.round((test.timeoutMs ?? options.defaultTimeoutMs) * board.timeoutScale));
    const quarantine = quarantineFor(options.quarantine, test.id, board.id, options.today);
    const base = {
      id: test.id,
      suite: test.suite,
      name: test.name,
      expect: test.expect,
      timeoutMs,
      ...(quarantine === undefined ? {} : { quarantine }),
    };
    const skip = skipReason(board, test);
    if (skip !== undefined) return { ...base, skip };
    const module = modules.get(test.id);
    if (module === undefined) return { ...base, skip: 'module was not built' };
    return { ...base, executable: { id: test.id, module, entry: test.entry, timeoutMs, ...(test.host === undefined ? {} : { host: test.host }) } };
  });
}

/** Why a board cannot run a test (missing fixture, target lacks a capability), or undefined. Pure. */
export function skipReason(board: Board, test: SuiteTest): string | undefined {
  const missing = test.fixtures.filter((fixture) => !board.fixtures.includes(fixture));
  if (missing.length > 0) return `needs fixture ${missing.join(', ')}`;
  if (test.host !== undefined && board.connection.kind === REFERENCE_V8) {
    return 'serves imports from a host module over the wire protocol: device boards only';
  }
  return unmetRequirement(board, test.requires);
}

function unmetRequirement(board: Board, requires: RawRequires): string | undefined {
  const target = board.target;
  const kind = target?.kind ?? (board.connection.kind === REFERENCE_V8 ? 'reference' : 'unknown');
  if (requires.kinds !== undefined && !requires.kinds.includes(kind)) return `needs a ${requires.kinds.join(' or ')} board, this is ${kind}`;
  if (requires.targets !== undefined && (target === undefined || !requires.targets.includes(target.id))) {
    return `only for target ${requires.targets.join(', ')}`;
  }
  // A reference runtime has every capability; only targets can lack one.
  if (target === undefined) return undefined;
  if (requires.fpu === true && target.cpu.fpu === 'none') return `needs an FPU; ${target.id} has none`;
  if (requires.float === true && target.features.float === 'none') return `needs float support; ${target.id} rejects float opcodes`;
  if (requires.simd === true && !target.features.simd) return `needs SIMD; ${target.id} firmware has none`;
  if (requires.bulkMemory === true && !target.features.bulkMemory) return `needs bulk memory; ${target.id} firmware has none`;
  return undefined;
}
