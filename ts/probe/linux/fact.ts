import { isWrtError } from '../../core/errors.js';

/** A value read from the host, with the file (and field) it came from. */
export interface Known<T> {
  readonly known: true;
  readonly value: T;
  readonly source: string;
}

/** A value the probe looked for and could not establish; `reason` says why, in words. */
export interface Unknown {
  readonly known: false;
  readonly reason: string;
  readonly source: string;
}

export type Fact<T> = Known<T> | Unknown;

export function known<T>(value: T, source: string): Known<T> {
  return { known: true, value, source };
}

export function unknown(reason: string, source: string): Unknown {
  return { known: false, reason, source };
}

/**
 * Turns a parser failure into a reason. Parsers throw WrtError with file/line/field; a probe must
 * not die because one file is odd, so the gatherer keeps the description and carries on. Anything
 * that is not a WrtError is a defect and is rethrown.
 */
export function reasonFromError(error: unknown): string {
  if (isWrtError(error)) return error.describe();
  throw error;
}

/** Runs a parser; a WrtError becomes an Unknown naming `source`. */
export function attempt<T>(source: string, parse: () => T): Fact<T> {
  try {
    return known(parse(), source);
  } catch (error) {
    return unknown(reasonFromError(error), source);
  }
}
