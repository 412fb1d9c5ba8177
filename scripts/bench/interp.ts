/**
 * Interpreter speed on our own C kernels (scripts/bench/kernels/): the same sources compiled by
 * clang 14 to wasm32 and by gcc -O2 natively, each kernel run on the wrt interpreter core (the
 * in-process build of the C files native-sim runs), on Node's V8 and natively, in one run.
 * Goal: geometric mean of wrt/native at most 10x (wasm3 measures about 15x on such kernels).
 *
 * When build/native-sim/native-sim is built, the same module also runs there over the stdio
 * protocol (a separate column: INVOKE request to answer, so framing and the pipe count).
 *
 * Every kernel is `uint32_t k(uint32_t n)`, pure and linear in n; all checksums must agree or the
 * benchmark fails. n is chosen per kernel so the native run takes about 30 ms, and every
 * figure is the best of several runs (the run least disturbed by the other processes of the machine).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { WrtError } from '../../ts/core/errors.js';
import { packageRoot } from '../../ts/core/paths.js';
import { renderTable } from '../../ts/core/output.js';
import { ProtocolClient } from '../../ts/device/client.js';
import { i32 } from '../../ts/device/messages.js';
import { spawnNativeSimStdio } from '../../ts/device/native-sim.js';
import { buildInterp } from '../../tools/interp/build.js';
import { type InterpNative, loadInterp } from '../../tools/interp/ffi.js';
import { type InterpLayout, InterpRuntime } from '../../tools/interp/runtime.js';

/** Kernel names as exported from wasm and accepted by the native driver, with their C file. */
export const KERNELS = [
  { name: 'integer', symbol: 'wrt_bench_integer', file: 'integer.c' },
  { name: 'memory', symbol: 'wrt_bench_memory', file: 'memory.c' },
  { name: 'float', symbol: 'wrt_bench_float', file: 'float.c' },
  { name: 'calls', symbol: 'wrt_bench_calls', file: 'calls.c' },
  { name: 'dispatch', symbol: 'wrt_bench_dispatch', file: 'dispatch.c' },
  { name: 'sort', symbol: 'wrt_bench_sort', file: 'sort.c' },
] as const;
export type Kernel = (typeof KERNELS)[number];

const NATIVE_DRIVER = 'native_main.c';
const HEADER = 'kernel.h';

/*
 * Flags both compilers share. No FMA contraction, so every engine rounds the float kernel alike;
 * no errno from sqrt, so gcc inlines sqrtsd as wasm has f64.sqrt.
 */
const COMMON_FLAGS = ['-O2', '-std=c11', '-Wall', '-Wextra', '-Werror', '-ffp-contract=off', '-fno-math-errno'];
/* bulk memory: a struct copy becomes memory.copy instead of a call to a memcpy we do not link. */
const WASM_FLAGS = ['--target=wasm32', '-mbulk-memory', '-nostdlib', ...COMMON_FLAGS];
/*
 * wasm-ld is run directly: the clang driver runs binaryen's wasm-opt after linking when it finds
 * it, and wasm-opt inlines the noinline helpers of the calls kernel.
 */
const WASM_LD_FLAGS = ['--no-entry'];

export interface KernelBuild {
  readonly wasm: Uint8Array;
  readonly wasmPath: string;
  /** The native driver: `exe SYMBOL N REPS`. */
  readonly nativePath: string;
  readonly cached: boolean;
}

export function kernelsDir(root: string = packageRoot()): string {
  return resolve(root, 'scripts', 'bench', 'kernels');
}

function toolVersion(tool: string, pkg: string): string {
  try {
    return execFileSync(tool, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0] ?? tool;
  } catch {
    throw new WrtError('TOOL_MISSING', `${tool} is not installed (Debian package ${pkg})`, { field: tool });
  }
}

function run(tool: string, args: readonly string[], cwd: string): void {
  const result = spawnSync(tool, args, { cwd, encoding: 'utf8' });
  if (result.error !== undefined) {
    throw new WrtError('TOOL_MISSING', `cannot run ${tool}: ${result.error.message}`, { field: tool });
  }
  if (result.status !== 0) {
    throw new WrtError('MODULE_BUILD_FAILED', `${tool} failed: ${`${result.stdout}${result.stderr}`.trim()}`, {
      limit: [tool, ...args].join(' '),
    });
  }
}

/**
 * Builds the kernels to wasm (clang + wasm-ld) and natively (gcc), into cacheDir under a key of
 * the sources, the flags and the compiler versions. Built in a scratch folder and renamed into
 * place, so a concurrent build (a test beside a bench) never sees half a file.
 */
export function buildKernels(cacheDir: string = resolve(packageRoot(), '.cache', 'bench'), root: string = packageRoot()): KernelBuild {
  const dir = kernelsDir(root);
  const sources = [HEADER, NATIVE_DRIVER, ...KERNELS.map((k) => k.file)];
  const hash = createHash('sha256');
  for (const file of sources) hash.update(`${file}\0`).update(readFileSync(join(dir, file))).update('\0');
  hash.update(JSON.stringify([WASM_FLAGS, WASM_LD_FLAGS, COMMON_FLAGS]));
  hash.update(toolVersion('clang', 'clang')).update(toolVersion('gcc', 'gcc')).update(toolVersion('wasm-ld', 'lld'));
  const key = hash.digest('hex').slice(0, 16);
  const wasmPath = join(cacheDir, `kernels-${key}.wasm`);
  const nativePath = join(cacheDir, `kernels-${key}.native`);
  const cached = existsSync(wasmPath) && existsSync(nativePath);
  if (!cached) {
    mkdirSync(cacheDir, { recursive: true });
    const scratch = mkdtempSync(join(cacheDir, 'build-'));
    try {
      const objects: string[] = [];
      for (const kernel of KERNELS) {
        const object = join(scratch, kernel.file.replace(/\.c$/, '.o'));
        run('clang', [...WASM_FLAGS, '-c', '-o', object, join(dir, kernel.file)], scratch);
        objects.push(object);
      }
      run('wasm-ld', [...WASM_LD_FLAGS, '-o', join(scratch, 'kernels.wasm'), ...objects], scratch);
      const cFiles = [...KERNELS.map((k) => join(dir, k.file)), join(dir, NATIVE_DRIVER)];
      run('gcc', [...COMMON_FLAGS, '-o', join(scratch, 'kernels.native'), ...cFiles], scratch);
      renameSync(join(scratch, 'kernels.wasm'), wasmPath);
      renameSync(join(scratch, 'kernels.native'), nativePath);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  return { wasm: new Uint8Array(readFileSync(wasmPath)), wasmPath, nativePath, cached };
}

/** One measured run: the kernel's checksum and the time of the call alone. */
export interface KernelRun {
  readonly checksum: number;
  readonly ms: number;
}

/** The native driver's output: one "checksum nanoseconds" line per run. */
export function parseNativeRuns(text: string): KernelRun[] {
  const runs: KernelRun[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const match = /^(\d+) (\d+)$/.exec(line.trim());
    if (match === null || match[1] === undefined || match[2] === undefined) {
      throw new WrtError('INTERNAL', `native kernel driver printed an unexpected line ${index + 1}: ${JSON.stringify(line)}`, {
        line: index + 1,
      });
    }
    const checksum = Number(match[1]);
    if (checksum > 0xffffffff) throw new WrtError('INTERNAL', `native checksum ${match[1]} is not a uint32`, { line: index + 1 });
    runs.push({ checksum, ms: Number(match[2]) / 1e6 });
  }
  return runs;
}

export function runNative(build: KernelBuild, kernel: Kernel, n: number, reps: number): KernelRun[] {
  const result = spawnSync(build.nativePath, [kernel.symbol, String(n), String(reps)], { encoding: 'utf8' });
  if (result.error !== undefined) {
    throw new WrtError('INTERNAL', `cannot run the native kernels ${build.nativePath}: ${result.error.message}`, { file: build.nativePath });
  }
  if (result.status !== 0) throw new WrtError('INTERNAL', `native ${kernel.name} failed: ${result.stderr}`);
  const runs = parseNativeRuns(result.stdout);
  if (runs.length !== reps) throw new WrtError('INTERNAL', `native ${kernel.name} printed ${runs.length} runs, not ${reps}`);
  return runs;
}

/** A kernel export of an instantiated module, whichever engine runs it. */
type KernelCall = (n: number) => number;

/* The project compiles without the DOM library; the one WebAssembly call used is typed here. */
declare const WebAssembly: {
  instantiate(bytes: Uint8Array): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

export async function v8Kernels(wasm: Uint8Array): Promise<(kernel: Kernel) => KernelCall> {
  const { instance } = await WebAssembly.instantiate(wasm);
  return (kernel) => {
    const fn = instance.exports[kernel.symbol];
    if (typeof fn !== 'function') throw new WrtError('INTERNAL', `the kernel module exports no function ${kernel.symbol}`);
    // i32 results come back signed.
    return (n) => (fn as (n: number) => number)(n) >>> 0;
  };
}

/** Big enough for every kernel's static buffers and the fib recursion; memory capped at 16 pages. */
export const KERNEL_LAYOUT: InterpLayout = {
  metaBytes: 256 * 1024,
  codeBytes: 512 * 1024,
  controlBytes: 64 * 1024,
  stackSlots: 64 * 1024,
  callDepth: 1024,
  memoryPages: 16,
  memoryPagesMax: 0,
  tableElements: 16,
  tableElementsMax: 0,
  globalSlots: 16,
};

export interface WrtKernels {
  kernel(kernel: Kernel): KernelCall;
  dispose(): void;
}

export function wrtKernels(native: InterpNative, wasm: Uint8Array): WrtKernels {
  const rt = InterpRuntime.create(native, KERNEL_LAYOUT);
  const instance = rt.instantiateBytes(wasm);
  if (!instance.ok) {
    rt.dispose();
    throw new WrtError('INTERNAL', `the interpreter refused the kernel module: ${instance.error.kind}: ${instance.error.message}`);
  }
  rt.setFuel(undefined);
  return {
    kernel(kernel) {
      const func = instance.value.func(kernel.symbol);
      if (func === undefined) throw new WrtError('INTERNAL', `the kernel module exports no function ${kernel.symbol}`);
      return (n) => {
        const result = rt.invoke(func, [BigInt(n)]);
        if (!result.ok) throw new WrtError('INTERNAL', `${kernel.name} trapped in the interpreter: ${result.trap.message}`);
        return Number((result.results[0] ?? 0n) & 0xffffffffn);
      };
    },
    dispose: () => rt.dispose(),
  };
}

/** A kernel called through an engine that answers asynchronously (native-sim over its protocol). */
type AsyncKernelCall = (n: number) => Promise<number>;

export interface SimKernels {
  kernel(kernel: Kernel): AsyncKernelCall;
  close(): Promise<void>;
}

/** build/native-sim/native-sim ($WRT_NATIVE_SIM when set), as `wrt-target run` finds it. */
export function nativeSimPath(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.WRT_NATIVE_SIM;
  return configured !== undefined && configured !== '' ? configured : resolve(packageRoot(), 'build', 'native-sim', 'native-sim');
}

/**
 * The kernels uploaded once to a native-sim started over stdio; each call is one INVOKE request,
 * timed from request to answer (the protocol's framing both ways included, fuel unlimited).
 */
export async function simKernels(binary: string, wasm: Uint8Array): Promise<SimKernels> {
  const transport = spawnNativeSimStdio(binary, []);
  const client = new ProtocolClient(transport, { requestTimeoutMs: 0x7fffffff });
  const close = async (): Promise<void> => {
    client.close();
    await transport.close();
  };
  try {
    await client.hello();
    await client.transfer(wasm);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    kernel: (kernel) => async (n) => {
      const answer = await client.invoke(kernel.symbol, [i32(n)], { fuel: 0n });
      const result = answer.results[0];
      if (answer.trap !== 0 || result === undefined || result.type !== 'i32') {
        throw new WrtError('INTERNAL', `${kernel.name} on native-sim: trap ${answer.trap}, results ${JSON.stringify(answer.results, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))}`);
      }
      return result.value >>> 0;
    },
    close,
  };
}

/** Times `reps` calls of one engine's kernel, each on its own. */
export function timeCalls(call: KernelCall, n: number, reps: number): KernelRun[] {
  const runs: KernelRun[] = [];
  for (let i = 0; i < reps; i += 1) {
    const start = performance.now();
    const checksum = call(n);
    runs.push({ checksum, ms: performance.now() - start });
  }
  return runs;
}

export async function timeCallsAsync(call: AsyncKernelCall, n: number, reps: number): Promise<KernelRun[]> {
  const runs: KernelRun[] = [];
  for (let i = 0; i < reps; i += 1) {
    const start = performance.now();
    const checksum = await call(n);
    runs.push({ checksum, ms: performance.now() - start });
  }
  return runs;
}

/** The one checksum of a set of runs; runs that disagree with each other are a defect. */
export function agreedChecksum(engine: string, kernel: string, runs: readonly KernelRun[]): number {
  const first = runs[0];
  if (first === undefined) throw new WrtError('INTERNAL', `${engine} ran ${kernel} zero times`);
  const other = runs.find((r) => r.checksum !== first.checksum);
  if (other !== undefined) {
    throw new WrtError('INTERNAL', `${engine} ${kernel}: repeated runs gave checksums ${first.checksum} and ${other.checksum}`);
  }
  return first.checksum;
}

export function bestMs(runs: readonly KernelRun[]): number {
  return Math.min(...runs.map((r) => r.ms));
}

/**
 * The size that makes a kernel linear in n take about targetMs, from one measured size, rounded
 * to two significant digits so printed sizes stay readable. Never below 1.
 */
export function scaledSize(n: number, ms: number, targetMs: number): number {
  const raw = Math.max(1, (n * targetMs) / Math.max(ms, 1e-6));
  const magnitude = 10 ** Math.max(0, Math.floor(Math.log10(raw)) - 1);
  return Math.max(1, Math.round(raw / magnitude) * magnitude);
}

export function geometricMean(values: readonly number[]): number {
  if (values.length === 0 || values.some((v) => !(v > 0))) {
    throw new WrtError('INTERNAL', `a geometric mean needs positive values, got [${values.join(', ')}]`);
  }
  return Math.exp(values.reduce((sum, v) => sum + Math.log(v), 0) / values.length);
}

export interface KernelResult {
  readonly kernel: string;
  readonly n: number;
  readonly checksum: number;
  readonly nativeMs: number;
  readonly v8Ms: number;
  readonly wrtMs: number;
  /** native-sim through its stdio protocol, when that binary was there to measure. */
  readonly simMs?: number;
}

export const GOAL_RATIO = 10;

/** The printed table: one row per kernel, then the geometric means with the goal beside them. */
export function formatKernelTable(results: readonly KernelResult[], goal: number = GOAL_RATIO): string {
  const x = (value: number): string => `${value.toFixed(2)}x`;
  const ms = (value: number): string => value.toFixed(2);
  const withSim = results.length > 0 && results.every((r) => r.simMs !== undefined);
  const simCells = (r: KernelResult): string[] => (withSim && r.simMs !== undefined ? [ms(r.simMs), x(r.simMs / r.nativeMs)] : []);
  const rows = results.map((r) => [
    r.kernel,
    String(r.n),
    `0x${r.checksum.toString(16).padStart(8, '0')}`,
    ms(r.nativeMs),
    ms(r.v8Ms),
    ms(r.wrtMs),
    x(r.wrtMs / r.nativeMs),
    x(r.v8Ms / r.nativeMs),
    ...simCells(r),
  ]);
  const wrtMean = geometricMean(results.map((r) => r.wrtMs / r.nativeMs));
  const v8Mean = geometricMean(results.map((r) => r.v8Ms / r.nativeMs));
  const simMean = withSim ? [x(geometricMean(results.map((r) => (r.simMs ?? 0) / r.nativeMs)))] : [];
  const verdict = wrtMean <= goal ? 'met' : 'NOT met';
  rows.push(['geometric mean', '', '', '', '', '', x(wrtMean), x(v8Mean), ...(withSim ? [''] : []), ...simMean]);
  const header = ['kernel', 'n', 'checksum', 'native ms', 'V8 ms', 'wrt ms', 'wrt/native', 'V8/native'];
  if (withSim) header.push('sim ms', 'sim/native');
  return `${renderTable(header, rows)}\ngoal: wrt/native geometric mean <= ${goal}x: ${verdict} (${x(wrtMean)})`;
}

/** Runs one kernel on every engine at size n; the checksums must agree. */
export async function compareKernel(
  kernel: Kernel,
  n: number,
  reps: number,
  engines: { build: KernelBuild; v8: KernelCall; wrt: KernelCall; sim?: AsyncKernelCall },
): Promise<KernelResult> {
  const nativeRuns = runNative(engines.build, kernel, n, reps);
  // Two warm-up calls: V8 tiers a function up to its optimising compiler after a first call.
  engines.v8(n);
  engines.v8(n);
  const v8Runs = timeCalls(engines.v8, n, reps);
  const wrtRuns = timeCalls(engines.wrt, n, reps);
  const simRuns = engines.sim !== undefined ? await timeCallsAsync(engines.sim, n, reps) : undefined;
  const sums: Array<[string, number]> = [
    ['native', agreedChecksum('native', kernel.name, nativeRuns)],
    ['V8', agreedChecksum('V8', kernel.name, v8Runs)],
    ['wrt', agreedChecksum('wrt', kernel.name, wrtRuns)],
  ];
  if (simRuns !== undefined) sums.push(['native-sim', agreedChecksum('native-sim', kernel.name, simRuns)]);
  const checksum = sums[0]?.[1] ?? 0;
  if (sums.some(([, sum]) => sum !== checksum)) {
    throw new WrtError('INTERNAL', `checksums of ${kernel.name}(${n}) disagree: ${sums.map(([engine, sum]) => `${engine} ${sum}`).join(', ')}`);
  }
  const result = { kernel: kernel.name, n, checksum, nativeMs: bestMs(nativeRuns), v8Ms: bestMs(v8Runs), wrtMs: bestMs(wrtRuns) };
  return simRuns !== undefined ? { ...result, simMs: bestMs(simRuns) } : result;
}

/**
 * Doubles n from 1 until the native run is measurable, scales it to about targetMs, then measures
 * once more at that size and scales again: short runs are slower per unit (cold caches, clock
 * ramp-up), so the first estimate comes out low.
 */
export function calibrate(build: KernelBuild, kernel: Kernel, targetMs: number): number {
  let n = 1;
  let ms = bestMs(runNative(build, kernel, n, 3));
  while (ms < 2 && n < 1 << 28) {
    n *= 2;
    ms = bestMs(runNative(build, kernel, n, 3));
  }
  const estimate = scaledSize(n, ms, targetMs);
  return scaledSize(estimate, bestMs(runNative(build, kernel, estimate, 3)), targetMs);
}

/** native-sim when its binary is built and answers; otherwise why not (the column is optional). */
async function openSim(wasm: Uint8Array): Promise<SimKernels | string> {
  const binary = nativeSimPath();
  if (!existsSync(binary)) return `${binary} is not built (make -C native/sim)`;
  try {
    return await simKernels(binary, wasm);
  } catch (error) {
    return `${binary} did not take the kernels: ${error instanceof Error ? error.message : String(error)}`;
  }
}

export async function bench(log: (line: string) => void): Promise<void> {
  const reps = 5;
  const targetMs = 30;
  buildInterp('interp');
  const native = loadInterp('interp');
  const build = buildKernels();
  const v8 = await v8Kernels(build.wasm);
  const wrt = wrtKernels(native, build.wasm);
  const sim = await openSim(build.wasm);
  log(`interp: C kernels (scripts/bench/kernels), clang 14 -O2 to wasm32 vs gcc -O2 native; best of ${reps}, ms of the call only`);
  log(`  wrt = the in-process build of the native-sim interpreter core (${native.path}), unlimited fuel`);
  log('  V8  = WebAssembly.instantiate in this Node process, after two warm-up calls');
  log(
    typeof sim === 'string'
      ? `  sim = not measured: ${sim}`
      : `  sim = the native-sim binary (${nativeSimPath()}) over its stdio protocol: INVOKE request to answer`,
  );
  log(`  n per kernel: native run ~${targetMs} ms; gcc -O2 auto-vectorises (SSE2), the wasm32 build has no SIMD`);
  try {
    const results: KernelResult[] = [];
    for (const kernel of KERNELS) {
      const n = calibrate(build, kernel, targetMs);
      const engines = { build, v8: v8(kernel), wrt: wrt.kernel(kernel) };
      results.push(await compareKernel(kernel, n, reps, typeof sim === 'string' ? engines : { ...engines, sim: sim.kernel(kernel) }));
    }
    for (const line of formatKernelTable(results).split('\n')) log(`  ${line}`);
  } finally {
    wrt.dispose();
    if (typeof sim !== 'string') await sim.close();
  }
}
