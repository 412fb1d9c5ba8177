/**
 * An exported function's signature, from the validator's report: the one binary reader answers
 * it, as it answers everything else about a module. A module the validator refuses has no
 * signature (undefined): the engine that runs it says what is wrong in its own words.
 */
import { WrtError } from '../core/errors.js';
import type { FuncSignature } from './report.js';
import { validateWasm } from './validate.js';

export function exportSignature(bytes: Uint8Array, name: string): FuncSignature | undefined {
  try {
    return validateWasm(bytes).exports.find((e) => e.kind === 'function' && e.name === name)?.signature ?? undefined;
  } catch (error) {
    if (error instanceof WrtError) return undefined;
    throw error;
  }
}
