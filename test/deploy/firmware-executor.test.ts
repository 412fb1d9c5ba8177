/**
 * The firmware's two executors (targets/firmware EXECUTOR=fast|small, docs/firmware.md), built as
 * deploy builds them: the small image is the smaller one on both boards, neither links a
 * printf-family function, both run the benchmark kernels to V8's checksums charging the same wasm
 * instructions, and deploy --executor small runs a WASI program on it. The figures themselves
 * (sizes, guest instructions per wasm op) are `npm run bench firmware`'s to print, not asserted.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { deploy } from '../../ts/deploy/deploy.js';
import { ensureFirmware, firmwareBoardOf, type FirmwareExecutor } from '../../ts/deploy/firmware.js';
import { buildTimedKernels, kernelPerOp, onIcountBoard, parseSizeB, v8TimedKernels, type KernelPerOp } from '../../scripts/bench/board.js';
import { KERNELS } from '../../scripts/bench/interp.js';
import { BOARDS } from './firmware.js';
import { cModule, gatherSinks } from './deploy-helpers.js';

const SILENT = { interactive: false, write: (): void => undefined };

function image(target: string, executor: FirmwareExecutor): Promise<string> {
  return ensureFirmware(target, firmwareBoardOf(target) ?? target, process.env, SILENT, { executor });
}

function flashOf(elf: string): number {
  const size = parseSizeB(execFileSync('arm-none-eabi-size', ['-B', elf], { encoding: 'utf8' }));
  return size.text + size.data;
}

describe('the small and the fast executor', () => {
  it.each(BOARDS)('$board: the small image is smaller, and neither links printf', async ({ target }) => {
    const fast = await image(target, 'fast');
    const small = await image(target, 'small');
    expect(small).toBe(join(packageRoot(), 'build', 'firmware', firmwareBoardOf(target) ?? '', 'interp-small.elf'));
    expect(flashOf(small)).toBeLessThan(flashOf(fast));
    for (const elf of [fast, small]) {
      const symbols = execFileSync('arm-none-eabi-nm', [elf], { encoding: 'utf8' });
      expect(symbols).not.toMatch(/\b_*v?(s|sn|f|as)?printf\b/);
    }
  }, 180_000);

  it('runs every benchmark kernel on qemu-mps2-an386 with both, to V8\'s checksums, charging the same wasm instructions', async () => {
    const dir = join(packageRoot(), 'build', 'test-firmware-executor');
    mkdirSync(dir, { recursive: true });
    const kernels = buildTimedKernels(dir);
    const reference = await v8TimedKernels(kernels);
    const run = (executor: FirmwareExecutor, n: readonly number[] | undefined): Promise<KernelPerOp[]> =>
      image('qemu-mps2-an386', executor).then((elf) =>
        onIcountBoard('qemu-mps2-an386', elf, async (client) => {
          await client.transfer(kernels);
          const runs: KernelPerOp[] = [];
          for (const id of KERNELS.keys()) runs.push(await kernelPerOp(client, id, reference, n?.[id] ?? { target: 4e7 }));
          return runs;
        }),
      );
    const fast = await run('fast', undefined);
    const small = await run('small', fast.map((k) => k.n));
    expect(small.map((k) => [k.name, k.n, k.fuel, k.checksum])).toEqual(fast.map((k) => [k.name, k.n, k.fuel, k.checksum]));
    for (const k of fast) expect(k.fuel).toBeGreaterThan(0);
  }, 300_000);

  it('deploy --executor small runs a WASI program with printf on it', async () => {
    const sinks = gatherSinks();
    const report = await deploy(cModule('deploy-hello'), { target: 'qemu-mps2-an386', executor: 'small' }, sinks, { handleSigint: false });
    if (report.kind !== 'ran') throw new Error(`expected a run, got ${report.kind}`);
    expect(sinks.stdoutText()).toBe('hello from the board\nline 0:  0.00\nline 1:  1.25\nline 2:  2.50\n');
    expect(report.outcome).toEqual({ kind: 'exited', exitCode: 7 });
  }, 60_000);
});
