import { WrtError } from '../core/errors.js';
import { loadTarget } from '../targets/index.js';
import { buildModule, type BuildTools } from './builder.js';
import { compareBoards } from './differential.js';
import type { BoardExecutor, ExecutorRegistry } from './executor.js';
import { describeConnection, REFERENCE_V8 } from './hardware-map.js';
import { planBoard, DEFAULT_TIMEOUT_MS } from './plan.js';
import { EMPTY_QUARANTINE, expiredEntries, utcDay, type QuarantineList } from './quarantine.js';
import { summarize, type BoardSummary, type RunPosition, type RunResult, type TestResult } from './results.js';
import { schedule, type BoardJob } from './scheduler.js';
import type { Board, HardwareMap, Suite } from './types.js';

export interface HilRunOptions {
  readonly map: HardwareMap;
  readonly suites: readonly Suite[];
  readonly registry: ExecutorRegistry;
  readonly buildCacheDir: string;
  readonly quarantine?: QuarantineList;
  /** Also run every test on the reference runtimes and flag where boards disagree. */
  readonly differential?: boolean;
  /** Timeout of tests that set none. */
  readonly defaultTimeoutMs?: number;
  /** Only these board ids (all enabled boards when absent). */
  readonly boards?: readonly string[];
  /** Each result as it is known, with how many are known of how many the run will have. */
  readonly onResult?: (result: TestResult, position: RunPosition) => void;
  readonly tools?: BuildTools;
  readonly clock?: () => Date;
}

/** The board the run adds in differential mode when the map has no V8 reference of its own. */
export const DIFFERENTIAL_V8_BOARD: Board = {
  id: 'v8-reference',
  connection: { kind: REFERENCE_V8 },
  fixtures: [],
  enabled: true,
  timeoutScale: 1,
  origin: { file: '(differential mode)', field: '/' },
};

/** The native-sim board differential mode adds once an executor for native-sim is registered. */
export const NATIVE_SIM = 'native-sim';

/**
 * The boards of a run: enabled ones (or those named), plus, in differential mode, the V8
 * reference and (when the registry can drive it) native-sim, unless the map already has them.
 */
export function selectBoards(
  map: HardwareMap,
  options: { readonly boards?: readonly string[]; readonly differential?: boolean },
  registry?: ExecutorRegistry,
): { boards: Board[]; references: Set<string> } {
  let boards = map.boards.filter((board) => board.enabled);
  if (options.boards !== undefined && options.boards.length > 0) {
    const wanted = options.boards;
    const unknown = wanted.filter((id) => !map.boards.some((board) => board.id === id));
    if (unknown.length > 0) {
      throw new WrtError('USAGE', `no board ${unknown.join(', ')} in ${map.file}`, { field: '--board', limit: `one of ${map.boards.map((b) => b.id).join(' | ')}` });
    }
    boards = map.boards.filter((board) => wanted.includes(board.id));
  }
  const references = new Set<string>();
  if (options.differential === true) {
    const existing = boards.find((board) => board.connection.kind === REFERENCE_V8);
    if (existing !== undefined) references.add(existing.id);
    else {
      boards = [DIFFERENTIAL_V8_BOARD, ...boards];
      references.add(DIFFERENTIAL_V8_BOARD.id);
    }
    if (registry?.has(NATIVE_SIM) === true && !boards.some((board) => board.connection.kind === NATIVE_SIM)) {
      boards = [...boards, { ...DIFFERENTIAL_V8_BOARD, id: NATIVE_SIM, connection: { kind: NATIVE_SIM }, target: loadTarget(NATIVE_SIM) }];
    }
  }
  return { boards, references };
}

/**
 * A whole HIL run: builds every module once, plans each board's tests, runs the boards in
 * parallel and, in differential mode, compares them. Executors are created before anything is
 * built or run, so a map naming a connection nobody can drive fails at once.
 */
export async function runHil(options: HilRunOptions): Promise<RunResult> {
  const clock = options.clock ?? (() => new Date());
  const startedAt = clock();
  const today = utcDay(startedAt);
  const quarantine = options.quarantine ?? EMPTY_QUARANTINE;
  const { boards, references } = selectBoards(options.map, options, options.registry);
  const executors = new Map<string, BoardExecutor>(boards.map((board) => [board.id, options.registry.create(board)]));

  const tests = options.suites.flatMap((suite) => suite.tests);
  const modules = new Map<string, { bytes: Uint8Array; sha256: string }>();
  for (const test of tests) {
    const built = buildModule(test.module, { cacheDir: options.buildCacheDir, ...(options.tools === undefined ? {} : { tools: options.tools }), origin: test.origin });
    modules.set(test.id, { bytes: built.bytes, sha256: built.sha256 });
  }

  const planOptions = { defaultTimeoutMs: options.defaultTimeoutMs ?? DEFAULT_TIMEOUT_MS, quarantine, today };
  const jobs: BoardJob[] = boards.map((board) => ({
    board: boardSummary(board, references.has(board.id)),
    executor: executors.get(board.id) ?? options.registry.create(board),
    tests: planBoard(board, tests, modules, planOptions),
  }));
  const started = performance.now();
  const total = jobs.reduce((sum, job) => sum + job.tests.length, 0);
  let done = 0;
  const onResult = options.onResult;
  const runs = await schedule(jobs, onResult === undefined ? {} : { onResult: (result) => onResult(result, { done: (done += 1), total }) });
  const referenceId = [...references][0];
  const differential = options.differential === true && referenceId !== undefined ? compareBoards(runs, referenceId) : undefined;
  const { summary, failed } = summarize(runs, differential?.disagreements.length ?? 0);
  return {
    startedAt: startedAt.toISOString(),
    durationMs: performance.now() - started,
    boards: runs,
    ...(differential === undefined ? {} : { differential }),
    expiredQuarantine: expiredEntries(quarantine, today),
    summary,
    failed,
  };
}

export function boardSummary(board: Board, reference: boolean): BoardSummary {
  return {
    id: board.id,
    connection: describeConnection(board.connection),
    ...(board.target === undefined ? {} : { target: board.target.id }),
    reference,
  };
}
