/**
 * Seeded mutation campaign against the component validator: valid components of the converted
 * suites are mutated (byte flips, inserts, deletes, truncation, LEB128 stretches, slice copies) and
 * validated. A mutant must validate or be refused with a ComponentError carrying a byte offset
 * inside the input; anything else (an INTERNAL error, a raw exception, a stack overflow) is a crash.
 *
 * Run: npm run build:ts && node dist/scripts/component/mutate.js [--seed N] [--cases N]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ComponentError } from '../../ts/component/errors.js';
import { validateComponent } from '../../ts/component/validator.js';
import { below, mulberry32 } from '../../ts/core/prng.js';
import { convertComponentSuites } from '../../tools/component/convert.js';
import { integerOption, runScript, scriptProgram } from '../../ts/core/script-cli.js';

export interface MutationResult {
  readonly seed: number;
  readonly cases: number;
  readonly valid: number;
  readonly byCode: Readonly<Record<string, number>>;
  readonly crashes: readonly { readonly index: number; readonly what: string }[];
  readonly corpus: number;
}

export function mutate(input: Uint8Array, random: () => number): Uint8Array {
  const bytes = Array.from(input);
  const edits = 1 + below(random, 3);
  for (let e = 0; e < edits; e += 1) {
    const at = below(random, Math.max(1, bytes.length));
    switch (below(random, 7)) {
      case 0:
        bytes[at] = (bytes[at] ?? 0) ^ (1 << below(random, 8));
        break;
      case 1:
        bytes.splice(at, 0, below(random, 256));
        break;
      case 2:
        bytes.splice(at, 1 + below(random, 4));
        break;
      case 3:
        bytes.length = Math.max(8, at);
        break;
      case 4:
        bytes[at] = [0x00, 0x01, 0x7f, 0x80, 0xff][below(random, 5)] as number;
        break;
      case 5:
        // A LEB128 that goes on: sizes and counts read past what follows.
        bytes.splice(at, 0, 0x80 | below(random, 128), 0x80, 0x80);
        break;
      default: {
        const from = below(random, Math.max(1, bytes.length));
        bytes.splice(at, 0, ...bytes.slice(from, from + 1 + below(random, 32)));
      }
    }
  }
  return Uint8Array.from(bytes);
}

/** The valid components of the converted suites: the corpus to mutate. */
export async function mutationCorpus(): Promise<Uint8Array[]> {
  const corpus: Uint8Array[] = [];
  for (const script of await convertComponentSuites()) {
    for (const command of script.commands) {
      if (command.wasm === null || command.kind !== 'component') continue;
      const bytes = new Uint8Array(readFileSync(join(script.dir, command.wasm)));
      try {
        validateComponent(bytes);
        corpus.push(bytes);
      } catch {
        // Gated or beyond-2.0 components are not mutated: their mutants would all stop at the gate.
      }
    }
  }
  return corpus;
}

export function runMutation(corpus: readonly Uint8Array[], seed: number, cases: number): MutationResult {
  const random = mulberry32(seed);
  const byCode: Record<string, number> = {};
  const crashes: { index: number; what: string }[] = [];
  let valid = 0;
  for (let i = 0; i < cases; i += 1) {
    const mutant = mutate(corpus[below(random, corpus.length)] as Uint8Array, random);
    try {
      validateComponent(mutant);
      valid += 1;
    } catch (error) {
      if (error instanceof ComponentError && Number.isInteger(error.offset) && error.offset >= 0 && error.offset <= mutant.length) {
        byCode[error.code] = (byCode[error.code] ?? 0) + 1;
      } else {
        crashes.push({ index: i, what: error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 200) : String(error) });
      }
    }
  }
  return { seed, cases, valid, byCode, crashes, corpus: corpus.length };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const program = scriptProgram('fuzz:component', 'seeded mutants of valid components through the validator')
    .option('--seed <n>', 'seed', integerOption(0), 1)
    .option('--cases <n>', 'how many mutants', integerOption(0), 100_000);
  await runScript(program, async (p) => {
    const { seed, cases } = p.opts<{ seed: number; cases: number }>();
    const corpus = await mutationCorpus();
    const started = Date.now();
    const result = runMutation(corpus, seed, cases);
    console.log(`seed ${seed}: ${result.cases} mutants of ${result.corpus} valid components in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`valid ${result.valid}; refused ${JSON.stringify(result.byCode)}; crashes ${result.crashes.length}`);
    for (const crash of result.crashes.slice(0, 20)) console.log(`  mutant ${crash.index}: ${crash.what}`);
    return result.crashes.length === 0 ? 0 : 1;
  });
}
