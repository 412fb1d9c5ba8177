import { capacityExceeded, checkCapacity } from './capacity.js';

const encoder = new TextEncoder();

/**
 * A string whose UTF-8 encoding fits a fixed number of bytes: names in the runtime live in
 * fixed byte buffers, so the limit is in encoded bytes, not JavaScript characters.
 */
export class BoundedString {
  readonly value: string;
  readonly byteLength: number;
  readonly capacity: number;

  private constructor(value: string, byteLength: number, capacity: number) {
    this.value = value;
    this.byteLength = byteLength;
    this.capacity = capacity;
  }

  /** @throws WrtError CAPACITY_EXCEEDED (limit "capacity N bytes") when the text is too long. */
  static from(value: string, capacity: number, name: string): BoundedString {
    checkCapacity(capacity, name);
    const bytes = utf8Length(value);
    if (bytes > capacity) {
      throw capacityExceeded(name, capacity, 'bytes', `"${preview(value)}" is ${bytes} bytes in UTF-8`);
    }
    return new BoundedString(value, bytes, capacity);
  }

  /** The bounded string, or undefined when the text does not fit. */
  static tryFrom(value: string, capacity: number, name: string): BoundedString | undefined {
    checkCapacity(capacity, name);
    const bytes = utf8Length(value);
    return bytes > capacity ? undefined : new BoundedString(value, bytes, capacity);
  }

  toString(): string {
    return this.value;
  }
}

export function utf8Length(value: string): number {
  return encoder.encode(value).length;
}

function preview(value: string): string {
  return value.length > 40 ? `${value.slice(0, 37)}...` : value;
}
