/**
 * The profile as JSON: keys in the order the Profile type lists them (the compiler builds every
 * object in that order), two-space indent, a final newline; no timestamps, so the same inputs give
 * the same bytes.
 */
import type { Profile } from './types.js';

/** A bigint (the fuel) as a JSON number when a double holds it exactly, else as a decimal string. */
function bigintAsJson(_key: string, value: unknown): unknown {
  if (typeof value !== 'bigint') return value;
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}

export function profileJson(profile: Profile): string {
  return `${JSON.stringify(profile, bigintAsJson, 2)}\n`;
}

/** The fuel of a JSON profile (a number, a decimal string or null) as the Profile type holds it. */
export function fuelFromJson(value: unknown): bigint | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || (typeof value === 'string' && /^[0-9]+$/.test(value))) return BigInt(value);
  return null;
}
