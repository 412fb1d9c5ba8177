import { WrtError } from '../../ts/core/errors.js';

export function thrown(fn: () => unknown): WrtError {
  try {
    fn();
  } catch (error) {
    if (error instanceof WrtError) return error;
    throw error;
  }
  throw new Error('expected a WrtError');
}

export async function rejected(promise: Promise<unknown>): Promise<WrtError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WrtError) return error;
    throw error;
  }
  throw new Error('expected a WrtError');
}
