import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WrtError } from '../../ts/core/errors.js';
import { convertTestsuite, readSpecScript } from '../../ts/testsuite/convert.js';
import { type InterpNative, type InterpVariant, loadInterp } from './ffi.js';
import type { LoadErrorName, TrapName } from '../../ts/device/engine-codes.js';
import { type InterpLayout, InterpRuntime } from './runtime.js';
import { isSimdScript } from './conformance.js';

/**
 * Mutation fuzzing of the path a device exposes to the wire: decode, validate, compile,
 * instantiate and run modules derived from the spec testsuite's by flipping, replacing, inserting
 * and cutting bytes. Deterministic for a seed. What it checks is that every outcome is one of the
 * stable codes (a crash, or a sanitizer report in the ASan build, ends the process instead).
 */

/** Small on purpose: the arena limits are part of what mutated modules run into. */
export const FUZZ_LAYOUT: InterpLayout = {
  metaBytes: 256 * 1024,
  codeBytes: 256 * 1024,
  controlBytes: 32 * 1024,
  stackSlots: 16 * 1024,
  callDepth: 200,
  memoryPages: 4,
  memoryPagesMax: 2,
  tableElements: 4096,
  tableElementsMax: 1024,
  globalSlots: 1024,
};

export interface FuzzReport {
  readonly seeds: number;
  readonly mutants: number;
  readonly loaded: number;
  readonly instantiated: number;
  readonly invocations: number;
  readonly loadErrors: Readonly<Partial<Record<LoadErrorName, number>>>;
  readonly traps: Readonly<Partial<Record<TrapName, number>>>;
}

/** xorshift32: a deterministic mutation stream. */
function prng(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
}

export function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
  const out = Array.from(bytes);
  // Mostly one small edit, so many mutants still decode and reach validation and execution.
  const edits = random() % 4 === 0 ? 2 + (random() % 3) : 1;
  for (let e = 0; e < edits; e += 1) {
    // Past the 8-byte header: that is where the interesting parsing is.
    const at = out.length > 8 ? 8 + (random() % (out.length - 8)) : random() % Math.max(out.length, 1);
    switch (random() % 8) {
      case 0:
      case 1:
      case 2:
      case 3:
        out[at] = (out[at] ?? 0) ^ (1 << (random() % 8));
        break;
      case 4:
        out[at] = random() & 0xff;
        break;
      case 5:
        out.splice(at, 0, random() & 0xff);
        break;
      case 6:
        out.splice(at, 1 + (random() % 4));
        break;
      default:
        // A large LEB128 where a count or index was.
        out.splice(at, 0, 0xff, 0xff, 0xff, 0xff, 0x0f);
        break;
    }
  }
  return Uint8Array.from(out);
}

function spectestSeeds(): Uint8Array[] {
  const seeds: Uint8Array[] = [];
  for (const script of convertTestsuite()) {
    if (isSimdScript(script.name)) continue;
    for (const command of readSpecScript(script.jsonPath).commands) {
      if (command.type === 'module') seeds.push(new Uint8Array(readFileSync(join(script.dir, command.filename))));
    }
  }
  return seeds;
}

function bump<K extends string>(counts: Partial<Record<K, number>>, key: K): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** Runs `perSeed` mutants of every seed module (each `stride`-th spec module). */
export function runFuzz(options: {
  readonly variant?: InterpVariant;
  readonly seed?: number;
  readonly perSeed?: number;
  readonly stride?: number;
  /** Load the mutants with multi-memory on (memory indices in every memory instruction, docs/interpreter.md). */
  readonly multiMemory?: boolean;
}): FuzzReport {
  const native: InterpNative = loadInterp(options.variant ?? 'interp');
  const random = prng(options.seed ?? 1);
  const stride = options.stride ?? 1;
  const seeds = spectestSeeds().filter((_, i) => i % stride === 0);
  const loadErrors: Partial<Record<LoadErrorName, number>> = {};
  const traps: Partial<Record<TrapName, number>> = {};
  let mutants = 0;
  let loaded = 0;
  let instantiated = 0;
  let invocations = 0;
  const rt = InterpRuntime.create(native, FUZZ_LAYOUT);
  if (options.multiMemory === true && !rt.enableMultiMemory()) {
    rt.dispose();
    throw new WrtError('USAGE', `the ${options.variant ?? 'interp'} build has no multi-memory (WRT_CONFIG_MULTI_MEMORY 0)`, { field: '--multi-memory' });
  }
  try {
    for (const seed of seeds) {
      for (let n = 0; n < (options.perSeed ?? 8); n += 1) {
        mutants += 1;
        rt.reset();
        rt.setFuel(20_000n);
        const module = rt.load(mutate(seed, random));
        if (!module.ok) {
          bump(loadErrors, module.error.kind);
          continue;
        }
        loaded += 1;
        const instance = rt.instantiate(module.value, 'test');
        if (!instance.ok) {
          bump(loadErrors, instance.error.kind);
          continue;
        }
        instantiated += 1;
        // Every exported function the mutant still has, with all-zero arguments.
        for (const entry of instance.value.exports()) {
          if (entry.kind !== 'func') continue;
          const func = instance.value.func(entry.name);
          if (func === undefined) continue;
          invocations += 1;
          const result = rt.invoke(func, func.params.map(() => 0n));
          if (!result.ok) bump(traps, result.trap.kind);
        }
      }
    }
  } finally {
    rt.dispose();
  }
  const report = { seeds: seeds.length, mutants, loaded, instantiated, invocations, loadErrors, traps };
  const unknown = Object.keys(loadErrors).filter((k) => k === 'none' || k === 'argument');
  if (unknown.length > 0) throw new WrtError('INTERNAL', `fuzzing produced unexpected error kinds: ${unknown.join(', ')}`);
  return report;
}
