import { WrtError } from '../core/errors.js';
import { capacityExceeded, checkCapacity } from './capacity.js';

/**
 * A list that never grows past the capacity fixed at construction, mirroring the runtime's
 * statically sized arrays: a profile computed with these fails exactly where the device would.
 * A refused push leaves the contents as they were.
 */
export class BoundedVec<T> implements Iterable<T> {
  readonly #items: T[] = [];
  readonly #capacity: number;
  /** Name of the collection, used as the error's field ("function types", "imports"). */
  readonly name: string;

  constructor(capacity: number, name: string) {
    this.#capacity = checkCapacity(capacity, name);
    this.name = name;
  }

  /** A vec holding `items`; throws CAPACITY_EXCEEDED when there are more than `capacity`. */
  static from<T>(items: Iterable<T>, capacity: number, name: string): BoundedVec<T> {
    const vec = new BoundedVec<T>(capacity, name);
    vec.extend(items);
    return vec;
  }

  get length(): number {
    return this.#items.length;
  }

  get capacity(): number {
    return this.#capacity;
  }

  remaining(): number {
    return this.#capacity - this.#items.length;
  }

  isFull(): boolean {
    return this.#items.length >= this.#capacity;
  }

  isEmpty(): boolean {
    return this.#items.length === 0;
  }

  /** @throws WrtError CAPACITY_EXCEEDED (field = name, limit "capacity N") when full. */
  push(item: T): void {
    if (this.isFull()) {
      throw capacityExceeded(this.name, this.#capacity, '', `cannot add element ${this.#items.length + 1}`);
    }
    this.#items.push(item);
  }

  /** Like push, but reports a full vec with `false` instead of an error. */
  tryPush(item: T): boolean {
    if (this.isFull()) return false;
    this.#items.push(item);
    return true;
  }

  /** Appends all of `items` or none of them. */
  extend(items: Iterable<T>): void {
    const incoming = [...items];
    if (incoming.length > this.remaining()) {
      throw capacityExceeded(
        this.name,
        this.#capacity,
        '',
        `cannot add ${incoming.length} elements to the ${this.#items.length} it holds`,
      );
    }
    this.#items.push(...incoming);
  }

  pop(): T | undefined {
    return this.#items.pop();
  }

  get(index: number): T | undefined {
    return Number.isInteger(index) && index >= 0 ? this.#items[index] : undefined;
  }

  /** Replaces an existing element; writing past the end is a defect in the caller. */
  set(index: number, value: T): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.#items.length) {
      throw new WrtError('INTERNAL', `${this.name}: index ${index} is outside the ${this.#items.length} elements held`, {
        field: this.name,
        limit: `length ${this.#items.length}`,
      });
    }
    this.#items[index] = value;
  }

  clear(): void {
    this.#items.length = 0;
  }

  toArray(): T[] {
    return [...this.#items];
  }

  [Symbol.iterator](): Iterator<T> {
    return this.#items[Symbol.iterator]();
  }
}
