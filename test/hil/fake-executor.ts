import type { BoardExecutor, ExecutableTest, TestOutcome } from '../../ts/hil/executor.js';
import type { ObservedValue } from '../../ts/wasm/values.js';

/** What the fake does for one run of a test: answer, hang until aborted, or throw. */
export type FakeStep = TestOutcome | 'hang' | { readonly throws: string };

/**
 * A scripted board for scheduler tests (probe-rs' fake probe, for HIL): per test id, a list of
 * steps consumed one per attempt (the last repeats). Records every call in `log`, and lets a test
 * hold a run until something else happened (`waitFor`), which proves two boards overlap without
 * measuring time.
 */
export class FakeExecutor implements BoardExecutor {
  readonly log: string[] = [];
  readonly #steps: Map<string, FakeStep[]>;
  readonly #gates = new Map<string, Promise<void>>();
  openError?: string;
  resetError?: string;

  constructor(readonly name: string, steps: Record<string, FakeStep[]>, readonly fallback: FakeStep = returned([])) {
    this.#steps = new Map(Object.entries(steps).map(([id, list]) => [id, [...list]]));
  }

  /** Before running `testId`, wait until `gate` resolves. */
  hold(testId: string, gate: Promise<void>): void {
    this.#gates.set(testId, gate);
  }

  async open(): Promise<void> {
    this.log.push('open');
    if (this.openError !== undefined) throw new Error(this.openError);
  }

  async run(test: ExecutableTest, signal: AbortSignal): Promise<TestOutcome> {
    this.log.push(`run ${test.id}`);
    const gate = this.#gates.get(test.id);
    if (gate !== undefined) await gate;
    const list = this.#steps.get(test.id);
    const step = list === undefined ? this.fallback : list.length > 1 ? (list.shift() ?? this.fallback) : (list[0] ?? this.fallback);
    if (step === 'hang') {
      return new Promise<TestOutcome>((resolve) => {
        signal.addEventListener('abort', () => {
          this.log.push(`aborted ${test.id}`);
          resolve({ kind: 'error', message: 'aborted' });
        });
      });
    }
    if ('throws' in step) throw new Error(step.throws);
    return step;
  }

  async reset(): Promise<void> {
    this.log.push('reset');
    if (this.resetError !== undefined) throw new Error(this.resetError);
  }

  async close(): Promise<void> {
    this.log.push('close');
  }
}

export function returned(results: readonly ObservedValue[]): TestOutcome {
  return { kind: 'returned', results, stdout: '', stderr: '' };
}
