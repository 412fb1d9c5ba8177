/**
 * The suite's sequencer puts the long, small files first on a machine without vitest's results
 * cache (CI), and keeps vitest's order for the rest.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TestSpecification, Vitest } from 'vitest/node';
import { packageRoot } from '../../ts/core/paths.js';
import LongFirstSequencer, { LONG_RUNNING_FILES } from '../support/long-first-sequencer.js';

const root = packageRoot();
const project = { name: '', config: { root, isolate: true, sequence: { groupOrder: 0 } } };

function spec(file: string): TestSpecification {
  return { moduleId: join(root, file), project } as unknown as TestSpecification;
}

/** A fresh machine: no timings; file sizes as given (larger first is vitest's order). */
function freshContext(sizes: Readonly<Record<string, number>>): Vitest {
  return {
    config: { root },
    cache: {
      getFileTestResults: () => undefined,
      getFileStats: (key: string) => {
        const size = sizes[key.slice(key.indexOf(':') + 1)];
        return size === undefined ? undefined : { size };
      },
    },
  } as unknown as Vitest;
}

describe('LongFirstSequencer', () => {
  it('runs the long-running files first, then larger files first', async () => {
    const sizes = { 'test/a.test.ts': 100, 'test/b.test.ts': 900, 'test/fuzz/fuzz-targets.test.ts': 10, 'test/tools/differential-exec.test.ts': 20 };
    const sorted = await new LongFirstSequencer(freshContext(sizes)).sort(Object.keys(sizes).map(spec));
    expect(sorted.map((s) => s.moduleId.slice(root.length + 1))).toEqual([
      'test/fuzz/fuzz-targets.test.ts',
      'test/tools/differential-exec.test.ts',
      'test/b.test.ts',
      'test/a.test.ts',
    ]);
  });

  it('names files that exist (a renamed file would silently go back to the end)', () => {
    for (const file of LONG_RUNNING_FILES) expect(existsSync(join(root, file)), file).toBe(true);
  });
});
