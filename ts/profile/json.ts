/**
 * The profile as JSON: keys in the order the Profile type lists them (the compiler builds every
 * object in that order), two-space indent, a final newline; no timestamps, so the same inputs give
 * the same bytes.
 */
import type { Profile } from './types.js';

export function profileJson(profile: Profile): string {
  return `${JSON.stringify(profile, null, 2)}\n`;
}
