/**
 * Profiles compiled for native-sim straight from the pure compiler, for the tests that run a module
 * under one: limits as `probe --target native-sim` resolves them, QM, no hardware CFI asked for.
 */
import type { DebugLevel, ResolvedLimits } from '../../ts/limits/types.js';
import { probe } from '../../ts/probe/gather.js';
import { compileProfile } from '../../ts/profile/compile.js';
import { measureLoadRegions } from '../../ts/profile/load-regions.js';
import { moduleSha256 } from '../../ts/profile/section.js';
import type { Profile, ProfileOverrides, TargetFacts } from '../../ts/profile/types.js';
import { validateWasm } from '../../ts/wasm/validate.js';
import { tempDir } from '../profile/helpers.js';

// native-sim runs the interpreter on this machine: 64-bit pointers, as the host test library.
export const NATIVE_SIM_FACTS: TargetFacts = {
  id: 'native-sim',
  host: true,
  pointerBits: 64,
  arch: 'x86_64',
  maxTableEntries: null,
  hardwareCfi: { features: { shstk: 'no', ibt: 'no', pac: 'no', bti: 'no' }, source: 'recorded: none' },
};

export async function nativeSimLimits(): Promise<ResolvedLimits> {
  return (await probe({ target: 'native-sim', options: {}, env: {}, cwd: tempDir() })).limits;
}

/** The profile, or an Error listing every budget the module cannot meet. */
export function compileForSim(bytes: Uint8Array, limits: ResolvedLimits, overrides: ProfileOverrides = {}, target: TargetFacts = NATIVE_SIM_FACTS, debug: DebugLevel = 'none'): Profile {
  const result = compileProfile({
    analysis: validateWasm(bytes),
    moduleSha256: moduleSha256(bytes),
    loadRegions: measureLoadRegions(bytes, 'test module', target.pointerBits),
    limits,
    target,
    asil: 'QM',
    debug,
    overrides,
    toolchain: 'test',
  });
  if (!result.ok) throw new Error(result.errors.map((e) => `${e.budget}: ${e.needs} / ${e.gives}`).join('; '));
  return result.profile;
}
