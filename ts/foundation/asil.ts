import { WrtError } from '../core/errors.js';

/**
 * ISO 26262 Automotive Safety Integrity Levels, lowest first. QM ("quality managed") is not an
 * ASIL but is ordered below A, which is how the runtime treats it: no extra safety measures.
 */
export const ASIL_LEVELS = ['QM', 'A', 'B', 'C', 'D'] as const;
export type AsilLevel = (typeof ASIL_LEVELS)[number];

export function isAsilLevel(value: unknown): value is AsilLevel {
  return typeof value === 'string' && (ASIL_LEVELS as readonly string[]).includes(value);
}

/** Negative when `a` is below `b`, 0 when equal, positive when above. */
export function compareAsil(a: AsilLevel, b: AsilLevel): number {
  return ASIL_LEVELS.indexOf(a) - ASIL_LEVELS.indexOf(b);
}

/** True when `level` is `minimum` or stricter. */
export function atLeast(level: AsilLevel, minimum: AsilLevel): boolean {
  return compareAsil(level, minimum) >= 0;
}

export function maxAsil(a: AsilLevel, b: AsilLevel): AsilLevel {
  return compareAsil(a, b) >= 0 ? a : b;
}

/** "QM" stays "QM"; letters read as the standard writes them: "ASIL C". */
export function formatAsil(level: AsilLevel): string {
  return level === 'QM' ? 'QM' : `ASIL ${level}`;
}

// Spellings seen in build flags, Rust features and documents: C, ASIL-C, asil_c, "ASIL C", ASILC.
const ASIL_SPELLING = /^(?:asil[-_ ]?)?([abcd])$|^(?:asil[-_ ]?)?(qm)$/i;

/**
 * Reads a level from text. `source` says where the text came from ("env WRT_ASIL_LEVEL") so the
 * error can point there; `field` defaults to the source.
 */
export function parseAsil(text: string, source: string, field?: string): AsilLevel {
  const match = ASIL_SPELLING.exec(text.trim());
  const letter = match?.[1] ?? match?.[2];
  const level = letter?.toUpperCase();
  if (level !== undefined && isAsilLevel(level)) return level;
  throw new WrtError(
    'VALUE_INVALID',
    `"${text}" is not an ASIL level: expected QM, A, B, C or D (also written ASIL-C, asil_c)`,
    { source, field: field ?? source },
  );
}
