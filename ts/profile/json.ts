/**
 * The profile as JSON: `schema` and `schemaVersion` first, then keys in the order the Profile type
 * lists them (the compiler builds every object in that order), two-space indent, a final newline;
 * no timestamps, so the same inputs give the same bytes.
 */
import { jsonDocument, TEXT_WIDTH, wrapText } from '../core/output.js';
import type { MemoryAdapterKind } from '../targets/types.js';
import { PROFILE_DOCUMENT, type Profile } from './types.js';

/**
 * The target's memory adapter as `profile --target` reports it beside the profile (the optional
 * `memoryAdapter` key): a report for people and scripts, not part of the binary profile.
 */
export interface ProfileMemoryAdapter {
  readonly kind: MemoryAdapterKind;
  readonly lock: boolean;
  readonly populate: boolean;
  readonly hugepages: boolean;
  readonly typedMemoryName: string | null;
  /** What a run keeps resident, in words. */
  readonly locks: string;
  readonly source: string;
}

export function profileJson(profile: Profile, memoryAdapter?: ProfileMemoryAdapter): string {
  return `${jsonDocument(PROFILE_DOCUMENT, { ...profile, ...(memoryAdapter === undefined ? {} : { memoryAdapter }) })}\n`;
}

/** The adapter lines `profile --target` prints after the profile, within TEXT_WIDTH unless verbose. */
export function renderProfileMemoryAdapter(adapter: ProfileMemoryAdapter, verbose = false): string {
  const options = [adapter.lock ? 'lock' : null, adapter.populate ? 'populate' : null, adapter.hugepages ? 'hugepages' : null, adapter.typedMemoryName]
    .filter((word): word is string => word !== null)
    .join(', ');
  const text = [
    `memory adapter  ${adapter.kind} (${options === '' ? 'no options' : options}), from ${adapter.source}`,
    `  locks         ${adapter.locks}`,
  ].join('\n');
  return verbose ? text : wrapText(text, TEXT_WIDTH, 16);
}

/** The fuel of a JSON profile (a number, a decimal string or null) as the Profile type holds it. */
export function fuelFromJson(value: unknown): bigint | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || (typeof value === 'string' && /^[0-9]+$/.test(value))) return BigInt(value);
  return null;
}
