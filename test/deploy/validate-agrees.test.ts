/**
 * validate --target accepts what deploy runs: a module whose memory.grow can reach past the
 * target's memory budget validates, and on the board the grow past the budget returns -1 (the
 * interpreter reserves at most the budget), which the program sees and handles.
 */
import { join } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, describe, expect, it } from 'vitest';
import { WrtError } from '../../ts/core/errors.js';
import { deploy } from '../../ts/deploy/deploy.js';
import { loadTarget } from '../../ts/targets/index.js';
import { limitsForTarget } from '../../ts/wasm/target-limits.js';
import { validateWasm } from '../../ts/wasm/validate.js';
import { wat } from '../wasm/wat.js';
import { gatherSinks } from './deploy-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wrt-validate-agrees-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Grows by 100 pages (6.25 MiB, more than the 3 MiB mps2-an386 gives modules), then by 1.
const GROWER = `(module (memory 1)
  (func (export "grow") (result i32 i32) (memory.grow (i32.const 100)) (memory.grow (i32.const 1))))`;

describe('validate --target and deploy agree on memory growth', () => {
  it('validate accepts a grow past the budget on a target, refuses it under a limits file', () => {
    const bytes = wat(GROWER);
    const target = limitsForTarget(loadTarget('qemu-mps2-an386'));
    expect(validateWasm(bytes, { file: 'grow.wasm', limits: target }).target).toBe('qemu-mps2-an386');
    const { growCapped: _, ...strict } = target;
    expect(() => validateWasm(bytes, { file: 'grow.wasm', limits: strict })).toThrow(WrtError);
  });

  it('deploy runs it on qemu-mps2-an386: the grow past the budget returns -1, one page more succeeds', async () => {
    const file = join(dir, 'grow.wasm');
    writeFileSync(file, wat(GROWER));
    const report = await deploy(file, { target: 'qemu-mps2-an386', invoke: 'grow' }, gatherSinks(), { handleSigint: false });
    if (report.kind !== 'ran') throw new Error(`expected a run, got ${report.kind}`);
    expect(report.outcome).toEqual({ kind: 'returned', results: [{ type: 'i32', value: -1 }, { type: 'i32', value: 1 }] });
  }, 120_000);
});
