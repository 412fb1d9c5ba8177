import { WrtError } from '../core/errors.js';

/**
 * Checks a capacity given to a bounded structure. Capacities come from presets and target
 * definitions, so a bad one is an input error naming the collection.
 */
export function checkCapacity(capacity: number, name: string): number {
  if (!Number.isSafeInteger(capacity) || capacity < 0) {
    throw new WrtError('VALUE_INVALID', `capacity of ${name} must be a whole number >= 0, got ${String(capacity)}`, {
      field: name,
    });
  }
  return capacity;
}

export function capacityExceeded(name: string, capacity: number, unit: string, detail: string): WrtError {
  const limit = unit === '' ? `capacity ${capacity}` : `capacity ${capacity} ${unit}`;
  return new WrtError('CAPACITY_EXCEEDED', `${name} is full: ${detail}`, { field: name, limit });
}
