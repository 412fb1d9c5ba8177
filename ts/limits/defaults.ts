import type { LimitDefaults } from './types.js';

/**
 * Used only where neither the user nor a discoverer said anything. They describe a modest
 * Linux host so an undiscovered machine is not overestimated: 1 GiB in total, the 1 MiB stack
 * the runtime's own threads get, no debugging, QM, one CPU.
 */
export const DEFAULT_LIMITS: LimitDefaults = {
  platform: 'linux',
  maxMemory: 2 ** 30,
  maxStack: 2 ** 20,
  maxComponents: 256,
  maxInstances: 1024,
  debugLevel: 'none',
  asil: 'QM',
  cpus: 1,
};

/**
 * Share of the total kept for the runtime itself (interpreter state, module metadata, tables)
 * before linear memory is sized: floor(total / 16).
 */
export const RUNTIME_RESERVE_DIVISOR = 16;
