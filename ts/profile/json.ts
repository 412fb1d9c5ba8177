/**
 * The profile as JSON: `schema` and `schemaVersion` first, then keys in the order the Profile type
 * lists them (the compiler builds every object in that order), two-space indent, a final newline;
 * no timestamps, so the same inputs give the same bytes.
 */
import { jsonDocument } from '../core/output.js';
import { PROFILE_DOCUMENT, type Profile } from './types.js';

export function profileJson(profile: Profile): string {
  return `${jsonDocument(PROFILE_DOCUMENT, { ...profile })}\n`;
}

/** The fuel of a JSON profile (a number, a decimal string or null) as the Profile type holds it. */
export function fuelFromJson(value: unknown): bigint | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || (typeof value === 'string' && /^[0-9]+$/.test(value))) return BigInt(value);
  return null;
}
