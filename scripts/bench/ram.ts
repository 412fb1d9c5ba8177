/**
 * RAM of wasi-libc C programs on a 192 KB board (nucleo-f429zi): each program of hil/suites/wasi,
 * and EEMBC CoreMark when its sources are there ($WRT_PEERS_DIR/coremark, default ../shared/peers),
 * built with clang for wasm32-wasi and profiled for the board as a user would (gatherProfile). The
 * baseline, computed here from the same module: the code reserve profiles used before they asked
 * the interpreter core, 16 bytes per code byte + 64 per function. Beside it the exact figure (the
 * board's code form, native-sim --measure --narrow), RAM per code byte, and the whole arena
 * against the arena budget of its target definition (targetLimits: the board keeps its firmware in CCM).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderTable } from '../../ts/core/output.js';
import { packageRoot } from '../../ts/core/paths.js';
import { gatherProfile } from '../../ts/profile/gather.js';
import { WrtError } from '../../ts/core/errors.js';
import type { Profile } from '../../ts/profile/types.js';
import { loadTarget, targetLimits } from '../../ts/targets/index.js';
import { validateWasm } from '../../ts/wasm/validate.js';

const TARGET = 'nucleo-f429zi';
/** A stack for small boards: wasm-ld's default (64 KiB) alone is a third of the board's RAM. */
const STACK_BYTES = 16384;

interface Program {
  readonly name: string;
  /** clang arguments after the target and optimisation flags: sources, includes, defines. */
  readonly sources: readonly string[];
}

function programs(): { readonly list: Program[]; readonly skipped: string | null } {
  const wasi = join(packageRoot(), 'hil', 'suites', 'wasi');
  const list: Program[] = readdirSync(wasi)
    .filter((f) => f.endsWith('.c'))
    .sort()
    .map((f) => ({ name: f.replace(/\.c$/, ''), sources: [join(wasi, f)] }));
  const peers = process.env.WRT_PEERS_DIR ?? resolve(packageRoot(), '..', 'shared', 'peers');
  const coremark = join(peers, 'coremark');
  if (!existsSync(join(coremark, 'core_main.c'))) return { list, skipped: `CoreMark skipped: no ${coremark}/core_main.c (set WRT_PEERS_DIR)` };
  const core = ['core_list_join.c', 'core_main.c', 'core_matrix.c', 'core_state.c', 'core_util.c'].map((f) => join(coremark, f));
  // The posix port: clock_gettime, which wasi-libc has. A short run: only the RAM is measured here.
  list.push({ name: 'coremark', sources: [`-I${coremark}`, `-I${join(coremark, 'posix')}`, '-DFLAGS_STR="-O2"', '-DITERATIONS=10', '-DPERFORMANCE_RUN=1', ...core, join(coremark, 'posix', 'core_portme.c')] });
  return { list, skipped: null };
}

function build(program: Program, dir: string, stack: number | null): string {
  const out = join(dir, `${program.name}${stack === null ? '' : `-stack${stack}`}.wasm`);
  execFileSync('clang', ['--target=wasm32-wasi', '-O2', ...(stack === null ? [] : [`-Wl,-z,stack-size=${stack}`]), '-o', out, ...program.sources], { stdio: ['ignore', 'ignore', 'pipe'] });
  return out;
}

async function profileFor(file: string): Promise<{ readonly profile: Profile | null; readonly error: string }> {
  let gathered: Awaited<ReturnType<typeof gatherProfile>>;
  try {
    gathered = await gatherProfile({ file, target: TARGET, overrides: {}, options: {}, env: {}, cwd: packageRoot() });
  } catch (error) {
    // A refusal before budgets (a module over the board's upload buffer) is a row of the table too.
    if (error instanceof WrtError) return { profile: null, error: `${error.code}: ${error.message.replace(`${file}: `, '')}` };
    throw error;
  }
  if (gathered.result.ok) return { profile: gathered.result.profile, error: '' };
  return { profile: null, error: gathered.result.errors.map((e) => `${e.budget}: ${e.needs}`).join('; ') };
}

function regionBytes(profile: Profile, name: string): number {
  return profile.arena.regions.find((r) => r.name === name)?.bytes ?? 0;
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

export async function bench(log: (line: string) => void): Promise<void> {
  const board = loadTarget(TARGET);
  const budget = targetLimits(board).moduleMemoryBytes;
  const dir = join(packageRoot(), 'build', 'bench-ram');
  mkdirSync(dir, { recursive: true });
  const { list, skipped } = programs();
  log(`board: ${TARGET}, arena budget ${budget.value} B (${budget.source})`);
  log(`programs built with clang --target=wasm32-wasi -O2 -Wl,-z,stack-size=${STACK_BYTES}; baseline: 16 B per code byte + 64 per function`);
  const rows: string[][] = [];
  const defaults: string[] = [];
  let ratioLog = 0;
  for (const program of list) {
    const file = build(program, dir, STACK_BYTES);
    const analysis = validateWasm(new Uint8Array(readFileSync(file)), { file });
    const codeBytes = analysis.functions.reduce((n, f) => n + f.bodyBytes, 0);
    const old = Math.ceil(analysis.functions.reduce((n, f) => n + 16 * f.bodyBytes + 64, 0) / 16) * 16;
    const { profile, error } = await profileFor(file);
    if (profile === null) {
      rows.push([program.name, String(codeBytes), String(old), '-', '-', `does not fit: ${error}`, '-', '-']);
      continue;
    }
    const code = regionBytes(profile, 'code');
    ratioLog += Math.log(code / codeBytes);
    rows.push([
      program.name,
      String(codeBytes),
      String(old),
      String(code),
      (code / codeBytes).toFixed(2),
      `${profile.arena.totalBytes} (${kib(profile.arena.totalBytes)})`,
      `${profile.arena.totalBytes - code + old}`,
      `${profile.stack.callDepth} / ${profile.memory.bytes}`,
    ]);
    // The same program with wasm-ld's default stack: the profile says what to link with.
    const plain = await profileFor(build(program, dir, null));
    const advice = /-Wl,-z,stack-size=\d+/.exec(plain.error)?.[0];
    defaults.push(`  ${program.name}: ${plain.profile !== null ? `fits (${plain.profile.arena.totalBytes} B)` : advice !== undefined ? `does not fit; the profile says: link with ${advice}` : `does not fit: ${plain.error}`}`);
  }
  const header = ['program', 'wasm code B', 'code, 16x rule', 'code, exact', 'B / code byte', `arena B (budget ${budget.value})`, 'arena with 16x code', 'depth / memory B'];
  for (const line of renderTable(header, rows).split('\n')) log(`  ${line}`);
  const measured = rows.filter((r) => r[3] !== '-').length;
  if (measured > 0) log(`  RAM per wasm code byte, geomean: ${Math.exp(ratioLog / measured).toFixed(2)} (16x rule: >= 16; goal <= 2)`);
  log(`with wasm-ld's default 64 KiB stack:`);
  for (const line of defaults) log(line);
  if (skipped !== null) log(`  ${skipped}`);
}
