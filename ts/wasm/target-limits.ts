/**
 * The validation limits a target definition (targets/<id>.yaml) implies. Only what the validator can
 * check from the module alone: the linear-memory budget, table entries, and the instruction-set
 * features of the board. What the target offers to import is checked after validation
 * (targets/host-functions.ts), so that every import it lacks is named at once. Stack budgets are left to the profile, which sizes the value stack from
 * the analysis (worst-case stack bytes per entry point).
 */
import { targetLimits } from '../targets/limits.js';
import type { TargetDefinition } from '../targets/types.js';
import type { ValidationLimits } from './limits.js';

export function limitsForTarget(def: TargetDefinition): ValidationLimits {
  const limits = targetLimits(def);
  const maxTableEntries = def.wasm?.maxTableEntries;
  return {
    target: def.id,
    linearMemoryBytes: limits.maxLinearMemoryBytes.value ?? limits.moduleMemoryBytes.value,
    // The device interpreter reserves at most the budget and answers a grow past it with -1, which
    // programs handle (malloc returns NULL): deploy runs such a module, so validate accepts it.
    growCapped: true,
    ...(maxTableEntries !== undefined ? { maxTableElements: maxTableEntries } : {}),
    features: {
      // Soft float still runs f32/f64 (in software); only a target without float support rejects them.
      float: def.features.float !== 'none',
      simd: def.features.simd,
      bulkMemory: def.features.bulkMemory,
    },
  };
}
