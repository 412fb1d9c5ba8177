import { expect } from 'vitest';
import { WrtError } from '../../ts/core/errors.js';

/** Runs `fn`, which must throw a WrtError, and returns it; anything else fails the test. */
export function thrown(fn: () => unknown): WrtError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WrtError) return error;
    throw error;
  }
  throw new Error('expected a WrtError');
}

/** Awaits `promise`, which must reject with a WrtError, and returns it. */
export async function rejected(promise: Promise<unknown>): Promise<WrtError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WrtError) return error;
    throw error;
  }
  throw new Error('expected a WrtError');
}

/** `thrown`, plus the code and the parts of the location the test cares about. */
export function expectWrtError(fn: () => unknown, code: string, location: Record<string, unknown> = {}): WrtError {
  const error = thrown(fn);
  expect(error.code).toBe(code);
  expect(error.location).toMatchObject(location);
  return error;
}
