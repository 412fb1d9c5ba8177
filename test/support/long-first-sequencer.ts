/**
 * Test files whose length does not show in their size go first. Without a results cache (a fresh
 * machine, CI) vitest runs larger files first, and the libFuzzer targets (4 x 60 s in CI) and the
 * execution differential are small files: scheduled last, they ran alone on one core while the
 * other idled, minutes at the end of every CI run. After these, vitest's own order (longest first
 * once it has timings, else larger first).
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Longest first, as measured in CI (docs/fuzzing.md, docs/differential.md). */
export const LONG_RUNNING_FILES: readonly string[] = [
  'test/fuzz/fuzz-targets.test.ts',
  'test/tools/differential-exec.test.ts',
  'test/install/package.test.ts',
  'test/deploy/faults-qemu.test.ts',
];

export default class LongFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const ordered = await super.sort(files);
    const rank = (spec: TestSpecification): number => {
      const index = LONG_RUNNING_FILES.indexOf(relative(spec.project.config.root, spec.moduleId).split('\\').join('/'));
      return index < 0 ? LONG_RUNNING_FILES.length : index;
    };
    // Array.prototype.sort is stable: the rest keep vitest's order.
    return [...ordered].sort((a, b) => rank(a) - rank(b));
  }
}
