import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WrtError } from '../../ts/core/errors.js';
import { packageRoot } from '../../ts/core/paths.js';
import { type Seed, profileSeeds, protocolSeeds, testsuiteModules } from './seeds.js';

/** The libFuzzer targets of native/fuzz (docs/fuzzing.md). */
export const FUZZ_TARGETS = ['load', 'exec', 'protocol', 'profile'] as const;
export type FuzzTarget = (typeof FUZZ_TARGETS)[number];

export function isFuzzTarget(name: string): name is FuzzTarget {
  return (FUZZ_TARGETS as readonly string[]).includes(name);
}

export function fuzzBinary(target: FuzzTarget): string {
  return join(packageRoot(), 'build', 'fuzz', `fuzz-${target}`);
}

/** Where a target's findings are kept for good: replayed by test/fuzz/regressions.test.ts. */
export function regressionDir(target: FuzzTarget): string {
  return join(packageRoot(), 'test', 'fuzz-regressions', target);
}

/** The target's working corpus: seeded once, grown by every run. Under build/, never in the repository. */
export function corpusDir(target: FuzzTarget): string {
  return join(packageRoot(), 'build', 'fuzz', 'corpus', target);
}

export function buildFuzzTarget(target: FuzzTarget): void {
  try {
    execFileSync('make', ['-s', '-C', join(packageRoot(), 'native', 'fuzz'), target], { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    const missingRuntime = /libclang_rt\.fuzzer|cannot find .*libclang_rt/.test(stderr);
    throw new WrtError(
      'TOOL_MISSING',
      missingRuntime
        ? "clang's libFuzzer runtime is not installed (Debian package libclang-rt-14-dev); run scripts/setup.sh"
        : `make -C native/fuzz ${target} failed:\n${stderr.trim()}`,
      { field: 'clang' },
    );
  }
}

async function seedsOf(target: FuzzTarget): Promise<Seed[]> {
  const modules = testsuiteModules();
  switch (target) {
    case 'load':
    case 'exec':
      return modules;
    case 'protocol':
      return protocolSeeds(modules);
    case 'profile':
      return profileSeeds(modules);
  }
}

/** Writes the seeds into an empty corpus folder; a corpus that exists keeps what earlier runs found. */
export async function seedCorpus(target: FuzzTarget): Promise<number> {
  const dir = corpusDir(target);
  if (existsSync(dir) && readdirSync(dir).length > 0) return readdirSync(dir).length;
  mkdirSync(dir, { recursive: true });
  const seeds = await seedsOf(target);
  for (const seed of seeds) writeFileSync(join(dir, seed.name), seed.bytes);
  return seeds.length;
}

export interface FuzzRunReport {
  readonly target: FuzzTarget;
  readonly seconds: number;
  readonly executions: number;
  readonly execPerSecond: number;
  readonly newUnits: number;
  readonly peakRssMb: number;
  /** Findings, copied into test/fuzz-regressions/TARGET/. */
  readonly findings: readonly string[];
  readonly exitCode: number;
}

/** The `stat::` lines libFuzzer prints with -print_final_stats=1. */
export function parseFinalStats(output: string): ReadonlyMap<string, number> {
  const stats = new Map<string, number>();
  for (const match of output.matchAll(/^stat::([a-z_]+):\s+(\d+)\s*$/gm)) stats.set(match[1] ?? '', Number(match[2]));
  return stats;
}

/**
 * Runs one target for `seconds` on one core (-jobs=1: the machine is shared), from its corpus.
 * A finding (crash, sanitizer report, leak, timeout, out of memory) is copied to the regression
 * folder under its libFuzzer name.
 */
export async function runFuzzTarget(target: FuzzTarget, seconds: number, onOutput?: (text: string) => void): Promise<FuzzRunReport> {
  const artifacts = join(packageRoot(), 'build', 'fuzz', 'artifacts', target);
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  const started = Date.now();
  const args = [
    corpusDir(target),
    `-max_total_time=${seconds}`,
    '-timeout=10',
    '-rss_limit_mb=2048',
    '-print_final_stats=1',
    `-artifact_prefix=${artifacts}/`,
  ];
  let output = '';
  const exitCode = await new Promise<number>((resolveExit, reject) => {
    const child = spawn(fuzzBinary(target), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const take = (chunk: Buffer): void => {
      const text = chunk.toString();
      output += text;
      onOutput?.(text);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', reject);
    child.on('close', (code, signal) => resolveExit(code ?? (signal === null ? 4 : 128)));
  });
  const findings = readdirSync(artifacts).sort();
  if (findings.length > 0) {
    mkdirSync(regressionDir(target), { recursive: true });
    for (const file of findings) copyFileSync(join(artifacts, file), join(regressionDir(target), file));
  }
  const stats = parseFinalStats(output);
  const executions = stats.get('number_of_executed_units') ?? 0;
  const elapsed = (Date.now() - started) / 1000;
  return {
    target,
    seconds: Math.round(elapsed),
    executions,
    execPerSecond: stats.get('average_exec_per_sec') ?? 0,
    newUnits: stats.get('new_units_added') ?? 0,
    peakRssMb: stats.get('peak_rss_mb') ?? 0,
    findings: findings.map((file) => join(regressionDir(target), file)),
    exitCode,
  };
}

/** The regression inputs of a target: every file of its folder (none is fine: nothing was found yet). */
export function regressionInputs(target: FuzzTarget): string[] {
  const dir = regressionDir(target);
  return existsSync(dir) ? readdirSync(dir).filter((f) => !f.startsWith('.')).sort().map((f) => join(dir, f)) : [];
}
