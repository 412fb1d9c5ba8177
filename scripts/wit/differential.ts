/**
 * Differential test of ts/wit against wit-parser as jco bundles it (jco's componentEmbed with a
 * dummy module: it parses and resolves the WIT, then selects a world): seeded generated packages
 * and token-level mutants of them must get the same accept/reject answer. jco refusing only
 * because the package has no world, or several, counts as acceptance (resolution succeeded).
 * Both sides use wit-parser's own bounds (type nesting 100); ts/wit's other limits are raised.
 * One panic poisons a jco instance, so after one the oracle is loaded afresh.
 *
 * Long run: npm run differential:wit -- --seed 1 --cases 100000
 */
import { pathToFileURL } from 'node:url';
import { WrtError } from '../../ts/core/errors.js';
import { mulberry32 } from '../../ts/core/prng.js';
import { WIT_PRESETS } from '../../ts/wit/limits.js';
import { resolveWit, type WitLimits } from '../../ts/wit/load.js';
import { freshWasmTools, type WasmTools } from '../../tools/oracles/jco.js';
import { generateWit, mutateWit } from './generate.js';
import type { Command } from 'commander';
import { integerOption, runScript, scriptProgram } from '../../ts/core/script-cli.js';

/** wit-parser bounds only type and package nesting (100 each); the rest are raised out of reach. */
export const DIFFERENTIAL_LIMITS: WitLimits = {
  ...WIT_PRESETS.large,
  maxFileBytes: 64 * 1024 * 1024,
  maxIdentifierLength: 65_536,
  maxWorlds: 65_536,
  maxInterfaces: 65_536,
  maxPackages: 65_536,
  maxFunctionsPerInterface: 1_048_576,
  maxTypesPerInterface: 1_048_576,
};

type Verdict = { readonly accepted: boolean; readonly message: string };


/** World selection happens after resolution: refusing for it still means the WIT resolved. */
const WORLD_SELECTION = /contains no worlds|multiple worlds|must be explicitly chosen/;

export class JcoOracle {
  private instance: WasmTools | null = null;
  private loads = 0;
  panics = 0;

  private async tools(): Promise<WasmTools> {
    if (this.instance !== null) return this.instance;
    // The module jco's componentEmbed wraps; each load is a fresh wasm instance.
    this.loads += 1;
    const loaded = await freshWasmTools();
    this.instance = loaded;
    return loaded;
  }

  async check(text: string): Promise<Verdict | 'panic'> {
    const wasm = await this.tools();
    try {
      wasm.tools.componentEmbed({ dummy: true, witSource: text });
      return { accepted: true, message: '' };
    } catch (error) {
      // A Rust panic surfaces as a wasm trap (RuntimeError: unreachable).
      if (error instanceof Error && error.name === 'RuntimeError') {
        this.panics += 1;
        this.instance = null;
        return 'panic';
      }
      const message = String((error as { payload?: unknown }).payload ?? (error instanceof Error ? error.message : error));
      return { accepted: WORLD_SELECTION.test(message), message };
    }
  }
}

export function ours(text: string): Verdict {
  try {
    resolveWit({ files: [{ path: 'case.wit', text }] }, [], DIFFERENTIAL_LIMITS, new Set());
    return { accepted: true, message: '' };
  } catch (error) {
    if (error instanceof WrtError) return { accepted: false, message: `${error.code}: ${error.message}` };
    return { accepted: false, message: `CRASH ${error instanceof Error ? (error.stack ?? error.message) : String(error)}` };
  }
}

export interface Disagreement {
  readonly index: number;
  readonly text: string;
  readonly ours: Verdict;
  readonly jco: Verdict;
}

export interface DifferentialResult {
  readonly cases: number;
  readonly generated: number;
  readonly mutated: number;
  readonly bothAccepted: number;
  readonly bothRejected: number;
  readonly crashes: number;
  readonly jcoPanics: number;
  readonly disagreements: readonly Disagreement[];
}

/** Case i of a seed: every fourth a generated package, the rest mutants of one. */
export function caseText(seed: number, index: number): { text: string; mutated: boolean } {
  const random = mulberry32((seed * 0x9e3779b1) ^ index);
  const base = generateWit(random);
  if (index % 4 === 0) return { text: base, mutated: false };
  return { text: mutateWit(random, base), mutated: true };
}

export async function runWitDifferential(seed: number, cases: number, oracle = new JcoOracle()): Promise<DifferentialResult> {
  let generated = 0;
  let bothAccepted = 0;
  let bothRejected = 0;
  let crashes = 0;
  let panics = 0;
  const disagreements: Disagreement[] = [];
  for (let index = 0; index < cases; index++) {
    const { text, mutated } = caseText(seed, index);
    if (!mutated) generated += 1;
    const mine = ours(text);
    if (mine.message.startsWith('CRASH')) crashes += 1;
    const theirs = await oracle.check(text);
    if (theirs === 'panic') {
      panics += 1;
      continue;
    }
    if (mine.accepted !== theirs.accepted) disagreements.push({ index, text, ours: mine, jco: theirs });
    else if (mine.accepted) bothAccepted += 1;
    else bothRejected += 1;
  }
  return { cases, generated, mutated: cases - generated, bothAccepted, bothRejected, crashes, jcoPanics: panics, disagreements };
}

async function main(program: Command): Promise<number> {
  const { seed, cases } = program.opts<{ seed: number; cases: number }>();
  const started = performance.now();
  const result = await runWitDifferential(seed, cases);
  for (const d of result.disagreements.slice(0, 20)) {
    process.stdout.write(`--- case ${d.index}: ts/wit ${d.ours.accepted ? 'accepts' : `rejects (${d.ours.message.split('\n')[0]})`}, jco ${d.jco.accepted ? 'accepts' : `rejects (${d.jco.message.split('\n')[0]})`}\n${d.text}\n`);
  }
  process.stdout.write(
    `seed ${seed}: ${result.cases} cases (${result.generated} generated, ${result.mutated} mutants) in ${((performance.now() - started) / 1000).toFixed(1)} s: ` +
      `${result.bothAccepted} both accept, ${result.bothRejected} both reject, ${result.disagreements.length} disagreements, ${result.crashes} crashes, ${result.jcoPanics} jco panics\n`,
  );
  const failed = result.disagreements.length + result.crashes;
  process.stdout.write(`${result.cases - failed - result.jcoPanics} passed, ${failed} failed, ${result.jcoPanics} skipped\n`);
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const program = scriptProgram('differential:wit', 'the WIT checker against jco on seeded generated and mutated WIT')
    .option('--seed <n>', 'seed of the generator', integerOption(0), 1)
    .option('--cases <n>', 'how many cases', integerOption(0), 10_000);
  await runScript(program, main);
}
