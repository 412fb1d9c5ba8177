/**
 * The interpreter firmware on each emulated board, counted in guest instructions: QEMU runs
 * every emulated target with firmware (qemu-mps2-an386 first) with `-icount shift=0,align=off,sleep=off`, so the guest's clock advances 1 ns
 * per executed guest instruction, whatever the host's load. The module reads that clock through
 * WASI clock_time_get (the firmware gives milliseconds since boot, i.e. steps of 1,000,000
 * instructions) before and after its own loop, inside one INVOKE; the host's requests and the
 * guest's idle time lie outside that bracket. INVOKE's answer carries the fuel used: the number
 * of wasm instructions executed. So
 *
 *   guest instructions per wasm op = (guest ns of the loop - guest ns of the empty loop)
 *                                    / (fuel of the loop - fuel of the empty loop)
 *
 * for a few op sequences (each repeated UNROLL times per iteration of a counted loop), and per
 * kernel (scripts/bench/kernels/) from runs at n and 2n, which cancels the fixed cost of a call.
 * Every loop runs for about TARGET_INSTRUCTIONS, so the clock's millisecond step is under 0.5 %.
 * The firmware's size (`arm-none-eabi-size`) is printed beside.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderTable } from '../../ts/core/output.js';
import { WrtError } from '../../ts/core/errors.js';
import { packageRoot } from '../../ts/core/paths.js';
import { ensureFirmware, firmwareBoardOf } from '../../ts/deploy/firmware.js';
import { launchQemu } from '../../ts/deploy/qemu.js';
import { ProtocolClient } from '../../ts/device/client.js';
import { i32, type HelloInfo, type InvokeResult } from '../../ts/device/messages.js';
import { listTargets, loadTarget } from '../../ts/targets/index.js';
import { KERNELS, kernelsDir } from './interp.js';

/** The board the baselines were measured on; the others follow it. */
const FIRST_TARGET = 'qemu-mps2-an386';
const WASM_PAGE_BYTES = 65536;
const UNROLL = 16;
/* 2e8 guest instructions: the clock's 1e6-instruction step is 0.5 % of a measurement. */
const TARGET_INSTRUCTIONS = Number(process.env.WRT_BENCH_BOARD_INSTRUCTIONS ?? 2e8);

/** Op sequences: each leaves the value stack as it found it. */
export const OP_SEQUENCES = [
  { name: 'local.get/set', unit: 'local.get $x local.set $y' },
  { name: 'i32.add', unit: 'local.get $x local.get $y i32.add local.set $x' },
  { name: 'i32.load/store', unit: 'local.get $p local.get $p i32.load i32.store' },
  { name: 'call', unit: 'local.get $x call $id local.set $x' },
  { name: 'br_if (not taken)', unit: 'local.get $z br_if $done' },
] as const;

function exportName(index: number): string {
  return `seq${index}`;
}

/** The op-loop module in text form: export `empty` and one export per sequence, (n) -> guest ns. */
export function opLoopWat(): string {
  const loop = (name: string, unit: string): string => `
  (func (export "${name}") (param $n i32) (result i64)
    (local $x i32) (local $y i32) (local $z i32) (local $p i32) (local $t0 i64)
    (local.set $x (i32.const 1)) (local.set $y (i32.const 2)) (local.set $p (i32.const 64))
    (local.set $t0 (call $now))
    (block $done
      (loop $top
        ${Array.from({ length: UNROLL }, () => unit).join('\n        ')}
        (br_if $top (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
    (i64.sub (call $now) (local.get $t0)))`;
  return `(module
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock_time_get (param i32 i64 i32) (result i32)))
  (memory (export "memory") 1)
  (func $now (result i64)
    (drop (call $clock_time_get (i32.const 1) (i64.const 1) (i32.const 0)))
    (i64.load (i32.const 0)))
  (func $id (param i32) (result i32) (local.get 0))
${loop('empty', '')}
${OP_SEQUENCES.map((s, i) => loop(exportName(i), s.unit)).join('\n')}
)
`;
}

export function tool(command: string, args: readonly string[], pkg: string): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error !== undefined) throw new WrtError('TOOL_MISSING', `cannot run ${command} (Debian package ${pkg}): ${result.error.message}`, { field: command });
  if (result.status !== 0) {
    throw new WrtError('MODULE_BUILD_FAILED', `${command} failed: ${`${result.stdout}${result.stderr}`.trim()}`, { limit: [command, ...args].join(' ') });
  }
  return result.stdout;
}

function buildOpLoops(dir: string): Uint8Array {
  const wat = join(dir, 'op-loops.wat');
  const wasm = join(dir, 'op-loops.wasm');
  writeFileSync(wat, opLoopWat());
  tool('wat2wasm', [wat, '-o', wasm], 'wabt');
  return new Uint8Array(readFileSync(wasm));
}

/* The interp bench's wasm flags, so the kernels are the same code. */
const KERNEL_FLAGS = ['--target=wasm32', '-mbulk-memory', '-nostdlib', '-O2', '-std=c11', '-Wall', '-Wextra', '-Werror', '-ffp-contract=off', '-fno-math-errno'];

export function buildTimedKernels(dir: string): Uint8Array {
  const sources = [...KERNELS.map((k) => join(kernelsDir(), k.file)), resolve(packageRoot(), 'scripts', 'bench', 'board', 'timed.c')];
  const objects = sources.map((source, i) => {
    const object = join(dir, `k${i}.o`);
    tool('clang', [...KERNEL_FLAGS, '-c', '-o', object, source], 'clang');
    return object;
  });
  const wasm = join(dir, 'timed-kernels.wasm');
  tool('wasm-ld', ['--no-entry', '-o', wasm, ...objects], 'lld');
  return new Uint8Array(readFileSync(wasm));
}

/** `arm-none-eabi-size -B` of the ELF: text, data, bss. */
export function parseSizeB(output: string): { text: number; data: number; bss: number } {
  const line = output.split('\n').find((l) => /^\s*\d+\s+\d+\s+\d+\s+\d+/.test(l));
  const [text, data, bss] = (line ?? '').trim().split(/\s+/).map(Number);
  if (text === undefined || data === undefined || bss === undefined || [text, data, bss].some(Number.isNaN)) {
    throw new WrtError('INTERNAL', `cannot read arm-none-eabi-size output: ${JSON.stringify(output)}`, { field: 'arm-none-eabi-size' });
  }
  return { text, data, bss };
}

interface Timed {
  readonly n: number;
  /** Guest instructions between the two clock reads (ns under icount shift=0). */
  readonly instructions: number;
  /** Wasm instructions the INVOKE executed. */
  readonly fuel: number;
}

function nsOf(answer: InvokeResult, what: string): number {
  const [value] = answer.results;
  if (answer.trap !== 0 || value?.type !== 'i64') throw new WrtError('INTERNAL', `${what}: trap ${answer.trap}, results ${JSON.stringify(answer.results, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
  return Number(value.value);
}

/* The project compiles without the DOM library; the calls used are typed here. */
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: Record<string, Record<string, unknown>>): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

/** The same kernel module on V8 (clock stubbed): the checksum every kernel must give at n. */
export async function v8TimedKernels(wasm: Uint8Array): Promise<(kernel: number, n: number) => number> {
  const { instance } = await WebAssembly.instantiate(wasm, { wasi_snapshot_preview1: { clock_time_get: () => 0 } });
  const { timed, checksum } = instance.exports;
  if (typeof timed !== 'function' || typeof checksum !== 'function') throw new WrtError('INTERNAL', 'the timed kernel module lacks timed/checksum');
  return (kernel, n) => {
    (timed as (k: number, n: number) => bigint)(kernel, n);
    return (checksum as () => number)() >>> 0;
  };
}

/** Runs of an export that returns the guest instructions it took (the module reads the clock itself). */
function timedRuns(client: ProtocolClient, targetInstructions: number): {
  timed: (name: string, args: readonly number[], n: number) => Promise<Timed>;
  calibrated: (name: string, args: (n: number) => number[], start: number) => Promise<Timed>;
} {
  const timed = async (name: string, args: readonly number[], n: number): Promise<Timed> => {
    const answer = await client.invoke(name, args.map((a) => i32(a)));
    return { n, instructions: nsOf(answer, name), fuel: Number(answer.fuelUsed) };
  };
  /* Grows n until a run is long enough to scale from, then runs about targetInstructions. */
  const calibrated = async (name: string, args: (n: number) => number[], start: number): Promise<Timed> => {
    let n = start;
    for (let i = 0; i < 12; i++) {
      const probe = await timed(name, args(n), n);
      if (probe.instructions >= 20e6) break;
      n *= probe.instructions === 0 ? 16 : Math.min(16, Math.ceil(20e6 / probe.instructions) + 1);
    }
    const probe = await timed(name, args(n), n);
    const scaled = Math.max(1, Math.round((n * targetInstructions) / Math.max(1, probe.instructions)));
    return timed(name, args(scaled), scaled);
  };
  return { timed, calibrated };
}

/** One kernel of the timed-kernel module at n and 2n: the differences cancel the fixed cost of a call. */
export interface KernelPerOp {
  readonly name: string;
  readonly n: number;
  /** Guest instructions of the run at 2n minus those at n. */
  readonly instructions: number;
  /** Wasm instructions charged at 2n minus those at n. */
  readonly fuel: number;
  /** The kernel's checksum at 2n, equal to V8's. */
  readonly checksum: number;
}

/**
 * Kernel `id` (KERNELS) on a device holding the timed-kernel module at n and 2n, n given or
 * calibrated to about `n.target` guest instructions; its checksum at 2n must be V8's (`reference`).
 */
export async function kernelPerOp(
  client: ProtocolClient,
  id: number,
  reference: (kernel: number, n: number) => number,
  n: number | { readonly target: number },
): Promise<KernelPerOp> {
  const { timed, calibrated } = timedRuns(client, typeof n === 'number' ? 0 : n.target);
  const name = KERNELS[id]?.name ?? `kernel ${id}`;
  const single = typeof n === 'number' ? await timed('timed', [id, n], n) : await calibrated('timed', (m) => [id, m], 1);
  const double = await timed('timed', [id, single.n * 2], single.n * 2);
  const [sum] = (await client.invoke('checksum')).results;
  const expected = reference(id, double.n);
  if (sum?.type !== 'i32' || sum.value >>> 0 !== expected) {
    throw new WrtError('INTERNAL', `${name}(${double.n}) on the board gave ${JSON.stringify(sum)}, V8 gives ${expected}`);
  }
  return { name, n: single.n, instructions: double.instructions - single.instructions, fuel: double.fuel - single.fuel, checksum: expected };
}

/** `elf` on `target` under QEMU -icount, past HELLO; QEMU stops when `use` ends. */
export async function onIcountBoard<T>(target: string, elf: string, use: (client: ProtocolClient, hello: HelloInfo) => Promise<T>): Promise<T> {
  const qemu = await launchQemu(loadTarget(target), { elf, icount: true, paused: true });
  /* A loop may run for many host seconds under icount on a loaded machine. */
  const client = new ProtocolClient(qemu.transport, { helloTimeoutMs: 15_000, requestTimeoutMs: 600_000, maxResends: 0 });
  try {
    await qemu.resume();
    return await use(client, await client.hello());
  } finally {
    client.close();
    await qemu.stop();
  }
}

/**
 * Every emulated target with interpreter firmware, FIRST_TARGET first; `WRT_BENCH_BOARD_TARGETS`
 * (comma-separated ids) picks some of them, for an A/B of one board.
 */
function benchTargets(): string[] {
  const ids = listTargets()
    .filter((def) => def.kind === 'emulated' && def.firmware !== undefined)
    .map((def) => def.id);
  const all = [FIRST_TARGET, ...ids.filter((id) => id !== FIRST_TARGET)];
  const picked = process.env.WRT_BENCH_BOARD_TARGETS?.split(',').map((id) => id.trim()).filter((id) => id !== '');
  if (picked === undefined || picked.length === 0) return all;
  const unknown = picked.filter((id) => !all.includes(id));
  if (unknown.length > 0) {
    throw new WrtError('TARGET_UNKNOWN', `WRT_BENCH_BOARD_TARGETS names ${unknown.join(', ')}, not an emulated target with firmware`, {
      field: 'WRT_BENCH_BOARD_TARGETS',
      limit: all.join(', '),
    });
  }
  return picked;
}

export async function bench(log: (line: string) => void): Promise<void> {
  const dir = join(packageRoot(), 'build', 'bench-board');
  mkdirSync(dir, { recursive: true });
  for (const target of benchTargets()) await benchBoard(target, dir, log);
}

async function benchBoard(target: string, dir: string, log: (line: string) => void): Promise<void> {
  const board = firmwareBoardOf(target) ?? target;
  const elf = await ensureFirmware(target, board);
  const size = parseSizeB(tool('arm-none-eabi-size', ['-B', elf], 'binutils-arm-none-eabi'));
  const opLoops = buildOpLoops(dir);
  const kernels = buildTimedKernels(dir);

  await onIcountBoard(target, elf, async (client, hello) => {
    log(`board: ${target} under QEMU -icount shift=0,align=off,sleep=off (1 guest instruction = 1 ns of guest time)`);
    log(`  firmware ${elf.replace(`${packageRoot()}/`, '')}: text ${size.text} B, data ${size.data} B, bss ${size.bss} B (flash ${size.text + size.data} B, static RAM ${size.data + size.bss} B); arena ${hello.arenaBytes} B`);

    // The bench modules have a linear memory: a board whose arena holds no page is named, not run.
    if (hello.arenaBytes < 2 * WASM_PAGE_BYTES) {
      log(`  skipped: its arena of ${hello.arenaBytes} B holds no 64 KiB page with room for the engine, and the bench modules have a memory`);
      return;
    }
    const { timed, calibrated } = timedRuns(client, TARGET_INSTRUCTIONS);

    await client.transfer(opLoops);
    const rows: string[][] = [];
    let repeat = '';
    for (const [index, seq] of OP_SEQUENCES.entries()) {
      const run = await calibrated(exportName(index), (n) => [n], 1000);
      const empty = await timed('empty', [run.n], run.n);
      const units = run.n * UNROLL;
      const dInstr = run.instructions - empty.instructions;
      const dFuel = run.fuel - empty.fuel;
      rows.push([
        seq.name,
        seq.unit,
        (dFuel / units).toFixed(2),
        (dInstr / units).toFixed(1),
        dFuel > 0 ? (dInstr / dFuel).toFixed(1) : 'no fuel count',
        `${(run.instructions / 1e6).toFixed(0)}M`,
      ]);
      if (index === 0) {
        const again = await timed(exportName(index), [run.n], run.n);
        repeat = `repeat of ${seq.name} at n=${run.n}: ${run.instructions} then ${again.instructions} guest instructions, fuel ${run.fuel} then ${again.fuel}`;
        rows.unshift(['empty loop', 'local.get/i32.const/i32.sub/local.tee/br_if', (empty.fuel / empty.n).toFixed(2), (empty.instructions / empty.n).toFixed(1), empty.fuel > 0 ? (empty.instructions / empty.fuel).toFixed(1) : 'no fuel count', `${(empty.instructions / 1e6).toFixed(0)}M`]);
      }
    }
    log(`op sequences (${UNROLL} per loop iteration, the empty loop subtracted; empty loop: per iteration)`);
    for (const line of renderTable(['op', 'sequence', 'wasm ops', 'guest instr', 'instr / wasm op', 'measured'], rows).split('\n')) log(`  ${line}`);
    log(`  ${repeat}`);

    await client.reset();
    await client.transfer(kernels);
    const kernelRows: string[][] = [];
    const reference = await v8TimedKernels(kernels);
    for (const id of KERNELS.keys()) {
      const k = await kernelPerOp(client, id, reference, { target: TARGET_INSTRUCTIONS });
      kernelRows.push([
        k.name,
        String(k.n),
        (k.fuel / k.n).toFixed(0),
        (k.instructions / k.n).toFixed(0),
        k.fuel > 0 ? (k.instructions / k.fuel).toFixed(1) : 'no fuel count',
        `${k.checksum.toString(16).padStart(8, '0')} = V8`,
      ]);
    }
    log('kernels (scripts/bench/kernels, per unit of n from runs at n and 2n)');
    for (const line of renderTable(['kernel', 'n', 'wasm ops / n', 'guest instr / n', 'instr / wasm op', 'checksum (2n)'], kernelRows).split('\n')) log(`  ${line}`);
  });
}
