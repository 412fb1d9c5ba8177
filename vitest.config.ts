import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import LongFirstSequencer from './test/support/long-first-sequencer.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // At least two files at once: vitest's default is one worker fewer than the CPUs, one on the
    // two-core machines CI and the team use, so the suite ran file after file and took twice as
    // long. Many files spend their time waiting on QEMU, make or a child process; builds of one
    // folder take turns under a lock (test/support/locked-make.ts). WRT_TEST_WORKERS overrides.
    maxWorkers: Number(process.env['WRT_TEST_WORKERS'] ?? Math.max(2, availableParallelism() - 1)),
    sequence: { sequencer: LongFirstSequencer },
    reporters: ['default', './test/support/closing-line-reporter.ts'],
  },
});
