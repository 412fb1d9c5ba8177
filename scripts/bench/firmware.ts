/**
 * The interpreter firmware's two executors (targets/firmware/Makefile EXECUTOR, docs/firmware.md),
 * both built in this run, the fast one (the default) the baseline:
 *
 * - flash (text + data) and static RAM (data + bss: stack, upload buffer and all) per board and
 *   executor, from `arm-none-eabi-size -B` of the image;
 * - the component runtime's share of each fast image (docs/component.md, "Footprint"): the kept
 *   sections of native/component/ and the engine's component glue, from the image's ld map;
 * - guest instructions per wasm op on qemu-mps2-an386 under QEMU -icount (board.ts): each kernel of
 *   scripts/bench/kernels at n and 2n, the difference in guest instructions over the difference in
 *   wasm instructions charged (fuel), so boot, upload and a call's fixed cost drop out. Both
 *   executors run the same n (calibrated on the fast one) and must give V8's checksum.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { renderTable } from '../../ts/core/output.js';
import { WrtError } from '../../ts/core/errors.js';
import { packageRoot } from '../../ts/core/paths.js';
import { FIRMWARE_EXECUTORS, ensureFirmware, firmwareBoardOf, type FirmwareExecutor } from '../../ts/deploy/firmware.js';
import { buildTimedKernels, kernelPerOp, onIcountBoard, parseSizeB, tool, v8TimedKernels, type KernelPerOp } from './board.js';
import { KERNELS } from './interp.js';
import { mapFootprint } from './map-footprint.js';
import { listTargets } from '../../ts/targets/index.js';

const SPEED_TARGET = 'qemu-mps2-an386';
/* 1e8 guest instructions per run at n: the guest clock's 1e6-instruction step is 1 % of it. */
const TARGET_INSTRUCTIONS = Number(process.env.WRT_BENCH_FIRMWARE_INSTRUCTIONS ?? 1e8);

interface ImageSize {
  readonly target: string;
  readonly executor: FirmwareExecutor;
  readonly elf: string;
  readonly flash: number;
  readonly ram: number;
}

async function imageSize(target: string, executor: FirmwareExecutor): Promise<ImageSize> {
  const board = firmwareBoardOf(target);
  if (board === undefined) throw new WrtError('INTERNAL', `${target} names no firmware board`, { field: 'firmware.board' });
  const elf = await ensureFirmware(target, board, process.env, undefined, { executor });
  const size = parseSizeB(tool('arm-none-eabi-size', ['-B', elf], 'binutils-arm-none-eabi'));
  return { target, executor, elf, flash: size.text + size.data, ram: size.data + size.bss };
}

/** Flash the component runtime, canonical ABI and handle tables may take on a Cortex-M4 (issue #17). */
const COMPONENT_FLASH_GOAL = 14 * 1024;

/**
 * The device's WASI 0.2 functions (native/component/wrt_wasi2.c and the engine's glue to them, whose
 * functions are named `*wasi2*`): a host interface, as the WASI preview1 subset is, counted apart
 * from the component runtime's budget (docs/component.md, "WASI 0.2 commands").
 */
function isWasi2Section(object: string, section: string): boolean {
  return /\/wrt_wasi2\.o$/.test(object) || (/\/wrt_engine_component\.o$/.test(object) && section.includes('wasi2'));
}

/** The component runtime: native/component/ and the engine's glue to it, without WASI 0.2. */
function isComponentSection(object: string, section: string): boolean {
  return (object.includes('/native/component/') || /\/wrt_engine_component\.o$/.test(object)) && !isWasi2Section(object, section);
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function perOp(k: KernelPerOp): number {
  return k.fuel > 0 ? k.instructions / k.fuel : Number.NaN;
}

export async function bench(log: (line: string) => void): Promise<void> {
  const sizes: ImageSize[] = [];
  // Every target with interpreter firmware, emulated or real: the image is the same code either way.
  const sizeTargets = listTargets().filter((def) => def.firmware !== undefined).map((def) => def.id);
  for (const target of sizeTargets) {
    for (const executor of FIRMWARE_EXECUTORS) sizes.push(await imageSize(target, executor));
  }
  const baseline = (target: string): ImageSize => {
    const fast = sizes.find((s) => s.target === target && s.executor === 'fast');
    if (fast === undefined) throw new WrtError('INTERNAL', `no fast image measured for ${target}`);
    return fast;
  };
  log('firmware images (arm-none-eabi-size -B; flash = text + data, RAM = data + bss with the stack and upload buffer), fast = baseline');
  const sizeRows = sizes.map((s) => [
    s.target,
    s.executor,
    `${s.flash} B (${kib(s.flash)})`,
    `${(s.flash / baseline(s.target).flash).toFixed(2)}x`,
    `${s.ram} B (${kib(s.ram)})`,
    `${(s.ram / baseline(s.target).ram).toFixed(2)}x`,
    relative(packageRoot(), s.elf),
  ]);
  for (const line of renderTable(['target', 'executor', 'flash', 'vs fast', 'RAM', 'vs fast', 'image'], sizeRows).split('\n')) log(`  ${line}`);

  log(
    `component runtime in the fast images (kept sections of native/component/*.o and wrt_engine_component.o in the ld map, WASI 0.2 apart; goal: flash <= ${kib(COMPONENT_FLASH_GOAL)})`,
  );
  const footprintRows = sizes
    .filter((s) => s.executor === 'fast')
    .map((s) => {
      const map = readFileSync(s.elf.replace(/\.elf$/, '.map'), 'utf8');
      const f = mapFootprint(map, isComponentSection);
      const w = mapFootprint(map, isWasi2Section);
      const flash = f.code + f.data;
      const wasi = w.code + w.data;
      return [
        s.target,
        `${flash} B (${kib(flash)})`,
        `${(flash / s.flash * 100).toFixed(1)} %`,
        `${f.data + f.bss} B`,
        flash <= COMPONENT_FLASH_GOAL ? 'within goal' : 'over goal',
        wasi === 0 ? 'none' : `${wasi} B (${kib(wasi)})`,
      ];
    });
  for (const line of renderTable(['target', 'flash', 'of image', 'static RAM', 'flash goal', 'WASI 0.2 functions'], footprintRows).split('\n')) log(`  ${line}`);

  const dir = join(packageRoot(), 'build', 'bench-firmware');
  mkdirSync(dir, { recursive: true });
  const kernels = buildTimedKernels(dir);
  const reference = await v8TimedKernels(kernels);
  const elfOf = (executor: FirmwareExecutor): string => sizes.find((s) => s.target === SPEED_TARGET && s.executor === executor)?.elf ?? '';
  const fast = await onIcountBoard(SPEED_TARGET, elfOf('fast'), async (client) => {
    await client.transfer(kernels);
    const runs: KernelPerOp[] = [];
    for (const id of KERNELS.keys()) runs.push(await kernelPerOp(client, id, reference, { target: TARGET_INSTRUCTIONS }));
    return runs;
  });
  const small = await onIcountBoard(SPEED_TARGET, elfOf('small'), async (client) => {
    await client.transfer(kernels);
    const runs: KernelPerOp[] = [];
    for (const [id, f] of fast.entries()) runs.push(await kernelPerOp(client, id, reference, f.n));
    return runs;
  });

  log(`guest instructions per wasm op on ${SPEED_TARGET} under QEMU -icount shift=0 (runs at n and 2n, the difference), fast = baseline`);
  const rows: string[][] = [];
  let logSum = 0;
  for (const [i, f] of fast.entries()) {
    const s = small[i];
    if (s === undefined || s.fuel !== f.fuel || s.checksum !== f.checksum) {
      throw new WrtError('INTERNAL', `${f.name}: the small executor charged ${s?.fuel ?? '?'} wasm instructions with checksum ${s?.checksum ?? '?'}, the fast one ${f.fuel} with ${f.checksum}`);
    }
    const ratio = perOp(s) / perOp(f);
    logSum += Math.log(ratio);
    rows.push([f.name, String(f.n), (f.fuel / f.n).toFixed(0), perOp(f).toFixed(1), perOp(s).toFixed(1), `${ratio.toFixed(2)}x`, `${f.checksum.toString(16).padStart(8, '0')} = V8`]);
  }
  const geomean = Math.exp(logSum / Math.max(1, rows.length));
  rows.push(['geomean', '', '', '', '', `${geomean.toFixed(2)}x`, '']);
  for (const line of renderTable(['kernel', 'n', 'wasm ops / n', 'fast instr / op', 'small instr / op', 'small / fast', 'checksum (2n, both)'], rows).split('\n')) log(`  ${line}`);
}
