/**
 * The spec testsuite through the protocol on the emulated Cortex-M4F board (qemu-mps2-an386): a
 * fast subset of `npm run conformance:protocol -- --target qemu-mps2-an386` (docs/firmware.md,
 * "The spec testsuite on a board"). i32 is the integer core; conversions and float_misc cross f64,
 * which the M4F's single-precision FPU leaves to software; address holds a module per
 * command group, so it passes only while unreferenced instances are dropped between modules.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../ts/testsuite/expectations.js';
import { emulatedBoardOpener, runProtocolConformance } from '../../ts/testsuite/protocol-conformance.js';

const SUBSET: Readonly<Record<string, number>> = { i32: 458, conversions: 619, float_misc: 441, address: 259 };

let report: ConformanceReport;

beforeAll(async () => {
  const openLink = await emulatedBoardOpener('qemu-mps2-an386');
  report = await runProtocolConformance({ binary: '', openLink, only: Object.keys(SUBSET) });
}, 600_000);

describe('spec testsuite through the protocol on qemu-mps2-an386', () => {
  it('passes every command of the subset with its real count', () => {
    const failures = report.files.flatMap((file) => file.failures.map((f) => `${file.name}:${f.line} ${f.reason}`));
    expect(failures).toEqual([]);
    for (const [name, passed] of Object.entries(SUBSET)) {
      expect(report.files.find((file) => file.name === name), name).toMatchObject({ passed, failed: 0 });
    }
  });
});
