import { capacityExceeded, checkCapacity } from './capacity.js';

/**
 * A map holding at most `capacity` keys. Replacing the value of a key already present always
 * succeeds; only a new key can exceed the capacity, and a refused set leaves the map unchanged.
 */
export class BoundedMap<K, V> implements Iterable<[K, V]> {
  readonly #entries = new Map<K, V>();
  readonly #capacity: number;
  readonly name: string;

  constructor(capacity: number, name: string) {
    this.#capacity = checkCapacity(capacity, name);
    this.name = name;
  }

  get size(): number {
    return this.#entries.size;
  }

  get capacity(): number {
    return this.#capacity;
  }

  isFull(): boolean {
    return this.#entries.size >= this.#capacity;
  }

  /** @throws WrtError CAPACITY_EXCEEDED when `key` is new and the map is full. */
  set(key: K, value: V): void {
    if (!this.trySet(key, value)) {
      throw capacityExceeded(this.name, this.#capacity, '', `cannot add key ${String(key)}`);
    }
  }

  trySet(key: K, value: V): boolean {
    if (!this.#entries.has(key) && this.isFull()) return false;
    this.#entries.set(key, value);
    return true;
  }

  get(key: K): V | undefined {
    return this.#entries.get(key);
  }

  has(key: K): boolean {
    return this.#entries.has(key);
  }

  delete(key: K): boolean {
    return this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }

  keys(): IterableIterator<K> {
    return this.#entries.keys();
  }

  values(): IterableIterator<V> {
    return this.#entries.values();
  }

  entries(): IterableIterator<[K, V]> {
    return this.#entries.entries();
  }

  [Symbol.iterator](): Iterator<[K, V]> {
    return this.#entries[Symbol.iterator]();
  }
}
