/**
 * EEMBC CoreMark side by side: the same wasm32-wasi build (clang 14 -O2) on wrt (native-sim, run
 * as `wrt-target run` runs it), on wasm3 (built here from $WRT_PEERS_DIR/wasm3, default
 * ../shared/peers), and natively (gcc -O2 of the same sources, the baseline). CoreMark times itself
 * (clock_gettime around its iterations), so start-up and upload are not in its score.
 *
 * Beside it, two more programs written by others and never tuned here: libsodium's SHA-512 and its
 * Ed25519 (ref10) verification, the sources the firmware verifies signatures with, in a timing loop
 * of ours (scripts/bench/peers/sodium_bench.c). The geometric mean of wrt's time over native's on
 * the three is the issue's "≤ 8x native" figure on code we did not write. (CoreMark's workloads
 * cannot run alone: its list benchmark calls the other two, and without it nothing is timed.)
 * Goal (issue #13): CoreMark on wrt at least 2x wasm3's score.
 *
 * Rounds alternate the engines (wrt, wasm3, native, then rotated), and the best score of each is
 * kept: the runs least disturbed by the machine's other work.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderTable } from '../../ts/core/output.js';
import { packageRoot } from '../../ts/core/paths.js';

const ROUNDS = Number(process.env['WRT_BENCH_COREMARK_ROUNDS'] ?? '3');

type Engine = 'wrt' | 'wasm3' | 'native';

/** One program: how to build it both ways, and its arguments for a run of about 1-2 s. */
interface Program {
  readonly name: string;
  readonly wasm: string;
  readonly native: string;
  readonly args: (engine: Engine) => readonly string[];
  /** The line whose value wrt and wasm3 must print alike. */
  readonly check: RegExp;
}

function peersDir(): string {
  return process.env['WRT_PEERS_DIR'] ?? resolve(packageRoot(), '..', 'shared', 'peers');
}

/** clang for wasm32-wasi and gcc natively, both -O2, from the same sources and flags. */
function buildBoth(dir: string, name: string, flags: readonly string[]): { readonly wasm: string; readonly native: string } {
  const wasm = join(dir, `${name}.wasm`);
  execFileSync('clang', ['--target=wasm32-wasi', '-O2', '-o', wasm, ...flags], { stdio: ['ignore', 'ignore', 'pipe'] });
  const native = join(dir, `${name}-native`);
  execFileSync('gcc', ['-O2', '-o', native, ...flags], { stdio: ['ignore', 'ignore', 'pipe'] });
  return { wasm, native };
}

function programs(dir: string): Program[] {
  const coremark = join(peersDir(), 'coremark');
  const core = ['core_list_join.c', 'core_main.c', 'core_matrix.c', 'core_state.c', 'core_util.c'].map((f) => join(coremark, f));
  const cm = buildBoth(dir, 'coremark', [`-I${coremark}`, `-I${join(coremark, 'posix')}`, '-DFLAGS_STR="-O2"', '-DPERFORMANCE_RUN=1', ...core, join(coremark, 'posix', 'core_portme.c')]);
  // libsodium as the firmware builds it (native/sig/wrt_sig.mk): the portable defaults.
  const sodium = join(packageRoot(), 'third_party', 'libsodium', 'src', 'libsodium');
  const sb = buildBoth(dir, 'sodium-bench', [
    '-DCONFIGURED=1',
    `-I${join(sodium, 'include', 'sodium')}`,
    `-I${join(sodium, 'crypto_sign', 'ed25519', 'ref10')}`,
    join(packageRoot(), 'scripts', 'bench', 'peers', 'sodium_bench.c'),
    ...['crypto_sign/ed25519/ref10/open.c', 'crypto_sign/ed25519/ref10/sign.c', 'crypto_core/ed25519/ref10/ed25519_ref10.c', 'crypto_hash/sha512/cp/hash_sha512_cp.c', 'crypto_verify/sodium/verify.c'].map((f) => join(sodium, f)),
    join(packageRoot(), 'native', 'sig', 'wrt_sig_sodium.c'),
  ]);
  const scaled = (interpreted: number, native: number) => (engine: Engine) => String(engine === 'native' ? native : interpreted);
  const coremarkIterations = scaled(2000, 40000);
  const sha512 = scaled(300, 20000);
  const ed25519 = scaled(300, 10000);
  return [
    { name: 'CoreMark (EEMBC)', ...cm, args: (e) => ['0', '0', '0x66', coremarkIterations(e)], check: /^\[0\]crclist\s*:\s*(0x[0-9a-f]+)$/m },
    { name: 'SHA-512 16 KiB (libsodium)', ...sb, args: (e) => ['sha512', sha512(e)], check: /^Check\s*:\s*(0x[0-9a-f]+)$/m },
    { name: 'Ed25519 verify (libsodium ref10)', ...sb, args: (e) => ['ed25519', ed25519(e)], check: /^Check\s*:\s*(0x[0-9a-f]+)$/m },
  ];
}

function buildWasm3(dir: string): string {
  // wasm3's own build, Release; its "simple" WASI (uvwasi would be fetched from the network).
  const wasm3Dir = join(dir, 'wasm3');
  execFileSync('cmake', ['-S', join(peersDir(), 'wasm3'), '-B', wasm3Dir, '-DCMAKE_BUILD_TYPE=Release', '-DBUILD_WASI=simple'], { stdio: ['ignore', 'ignore', 'pipe'] });
  execFileSync('cmake', ['--build', wasm3Dir, '-j2'], { stdio: ['ignore', 'ignore', 'pipe'] });
  return join(wasm3Dir, 'wasm3');
}

const SCORE = /^Iterations\/Sec\s*:\s*([0-9.]+)$/m;

/** The program's own score of one run (it times itself), and its check value. */
function runOnce(engine: Engine, program: Program, wasm3: string): { readonly score: number; readonly check: string } {
  const args = [...program.args(engine)];
  const command: readonly [string, string[]] =
    engine === 'native'
      ? [program.native, args]
      : engine === 'wasm3'
        ? [wasm3, [program.wasm, ...args]]
        : [process.execPath, [join(packageRoot(), 'bin', 'wrt-target.js'), 'run', program.wasm, ...args]];
  const out = execFileSync(command[0], command[1], { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  const score = Number(SCORE.exec(out)?.[1]);
  if (!Number.isFinite(score) || score <= 0) throw new Error(`${engine} ${program.name}: no Iterations/Sec in its output:\n${out}`);
  return { score, check: program.check.exec(out)?.[1] ?? '-' };
}

export async function bench(log: (line: string) => void): Promise<void> {
  const coremark = join(peersDir(), 'coremark');
  if (!existsSync(join(coremark, 'core_main.c')) || !existsSync(join(peersDir(), 'wasm3', 'CMakeLists.txt'))) {
    log(`coremark: skipped: no ${coremark}/core_main.c or ${peersDir()}/wasm3 (set WRT_PEERS_DIR)`);
    return;
  }
  const dir = join(packageRoot(), 'build', 'bench-coremark');
  mkdirSync(dir, { recursive: true });
  const list = programs(dir);
  const wasm3 = buildWasm3(dir);
  log(`coremark: programs by others, clang 14 -O2 --target=wasm32-wasi on wrt (wrt-target run, native-sim) and wasm3 (its Release build from ${peersDir()}/wasm3), gcc -O2 natively (the baseline); best of ${ROUNDS} rounds of each program's own Iterations/Sec`);
  const engines: readonly Engine[] = ['wrt', 'wasm3', 'native'];
  const rows: string[][] = [];
  let logWrt = 0;
  let logWasm3 = 0;
  for (const program of list) {
    const best = new Map<Engine, number>();
    const checks = new Set<string>();
    for (let round = 0; round < ROUNDS; round += 1) {
      for (let k = 0; k < engines.length; k += 1) {
        const engine = engines[(k + round) % engines.length] ?? 'wrt';
        const { score, check } = runOnce(engine, program, wasm3);
        // Native runs more iterations, and the libsodium checks depend on the count: wrt and wasm3
        // run the same count and must agree.
        if (engine !== 'native') checks.add(check);
        best.set(engine, Math.max(best.get(engine) ?? 0, score));
      }
    }
    if (checks.size !== 1) throw new Error(`${program.name}: wrt's and wasm3's check values differ: ${[...checks].join(', ')}`);
    const wrt = best.get('wrt') ?? 0;
    const w3 = best.get('wasm3') ?? 0;
    const native = best.get('native') ?? 0;
    logWrt += Math.log(native / wrt);
    logWasm3 += Math.log(native / w3);
    rows.push([program.name, wrt.toFixed(0), w3.toFixed(0), native.toFixed(0), `${(wrt / w3).toFixed(2)}x`, `${(native / wrt).toFixed(2)}x`, `${(native / w3).toFixed(2)}x`]);
  }
  for (const line of renderTable(['program', 'wrt it/s', 'wasm3 it/s', 'native it/s', 'wrt / wasm3', 'native / wrt', 'native / wasm3'], rows).split('\n')) log(`  ${line}`);
  const geoWrt = Math.exp(logWrt / list.length);
  const geoWasm3 = Math.exp(logWasm3 / list.length);
  log(`  geometric mean of time vs native: wrt ${geoWrt.toFixed(2)}x, wasm3 ${geoWasm3.toFixed(2)}x (goal: wrt <= 8x: ${geoWrt <= 8 ? 'met' : 'not met'})`);
  const coremarkRow = rows[0];
  const ratio = Number.parseFloat(coremarkRow?.[4] ?? '0');
  log(`  goal: CoreMark on wrt >= 2x wasm3's score: ${ratio.toFixed(2)}x (${ratio >= 2 ? 'met' : 'not met'})`);
}
