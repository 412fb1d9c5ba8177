import { WrtError } from '../core/errors.js';

/**
 * A fixed region of device memory handed out by offset. Sizes are `number` bytes (safe integers,
 * up to 8 PiB), the unit every byte quantity in ts/foundation and ts/limits uses.
 *
 * Semantics, chosen because a device arena is laid out once at load time:
 * - allocate() bumps: the allocation starts at the current top rounded up to `align`.
 *   The same sequence of calls always yields the same layout.
 * - free() removes the allocation from the accounting at once (used(), breakdown(), layout()).
 *   Its bytes become allocatable again only when nothing live lies above it: the top drops to the
 *   end of the highest live allocation. Holes below the top are never reused (no first-fit), so
 *   freeing in reverse order reclaims everything and any other order strands the holes.
 */
export interface Allocation {
  /** Unique within its budget; identifies the allocation for free(). */
  readonly id: number;
  readonly purpose: string;
  readonly offset: number;
  readonly size: number;
  readonly align: number;
}

export interface LayoutEntry {
  readonly purpose: string;
  readonly offset: number;
  readonly size: number;
  readonly align: number;
}

export const DEFAULT_ALIGN = 8;

export class MemoryBudget {
  readonly name: string;
  readonly #total: number;
  /** Live allocations in offset order (bump allocation keeps allocation order = offset order). */
  readonly #live: Allocation[] = [];
  #top = 0;
  #used = 0;
  #nextId = 1;

  constructor(totalBytes: number, name = 'memory budget') {
    if (!Number.isSafeInteger(totalBytes) || totalBytes < 0) {
      throw new WrtError('VALUE_INVALID', `${name}: total must be a whole number of bytes >= 0, got ${String(totalBytes)}`, {
        field: name,
      });
    }
    this.name = name;
    this.#total = totalBytes;
  }

  total(): number {
    return this.#total;
  }

  /** Bytes held by live allocations (alignment padding not counted). */
  used(): number {
    return this.#used;
  }

  /** Bytes above the top: the most a new allocation with alignment 1 can get. */
  available(): number {
    return this.#total - this.#top;
  }

  /** End of the highest live allocation. */
  top(): number {
    return this.#top;
  }

  /** Bytes below the top that belong to nothing: alignment padding and freed holes. */
  stranded(): number {
    return this.#top - this.#used;
  }

  /**
   * @param align power of two, default 8.
   * @throws WrtError BUDGET_EXCEEDED (field = purpose, limit "<n> bytes available of <total>").
   */
  allocate(purpose: string, bytes: number, align: number = DEFAULT_ALIGN): Allocation {
    if (!Number.isSafeInteger(bytes) || bytes < 0) {
      throw new WrtError('VALUE_INVALID', `${this.name}: size for ${purpose} must be a whole number of bytes >= 0, got ${String(bytes)}`, {
        field: purpose,
      });
    }
    if (!Number.isSafeInteger(align) || align < 1 || align > 2 ** 30 || (align & (align - 1)) !== 0) {
      throw new WrtError('VALUE_INVALID', `${this.name}: alignment for ${purpose} must be a power of two, got ${String(align)}`, {
        field: purpose,
        limit: 'power of two from 1 to 2^30',
      });
    }
    const offset = alignUp(this.#top, align);
    const available = this.available();
    if (offset + bytes > this.#total) {
      const padding = offset - this.#top;
      const needs = padding > 0 ? `${bytes} bytes (+${padding} bytes padding to align ${align})` : `${bytes} bytes`;
      throw new WrtError(
        'BUDGET_EXCEEDED',
        `${this.name}: cannot allocate ${needs} for ${purpose}: ${available} bytes available of ${this.#total}`,
        { field: purpose, limit: `${available} bytes available of ${this.#total}` },
      );
    }
    const allocation: Allocation = { id: this.#nextId++, purpose, offset, size: bytes, align };
    this.#live.push(allocation);
    this.#top = offset + bytes;
    this.#used += bytes;
    return allocation;
  }

  /** @throws WrtError INTERNAL when the allocation is not live in this budget (double free). */
  free(allocation: Allocation): void {
    const index = this.#live.findIndex((a) => a.id === allocation.id);
    const live = this.#live[index];
    if (live === undefined || live.offset !== allocation.offset) {
      throw new WrtError('INTERNAL', `${this.name}: ${allocation.purpose} at offset ${allocation.offset} is not a live allocation of this budget`, {
        field: allocation.purpose,
      });
    }
    this.#live.splice(index, 1);
    this.#used -= live.size;
    const highest = this.#live[this.#live.length - 1];
    this.#top = highest === undefined ? 0 : highest.offset + highest.size;
  }

  /** Live bytes per purpose, in order of first live allocation. */
  breakdown(): Map<string, number> {
    const result = new Map<string, number>();
    for (const a of this.#live) result.set(a.purpose, (result.get(a.purpose) ?? 0) + a.size);
    return result;
  }

  /** Live allocations by offset. */
  layout(): LayoutEntry[] {
    return this.#live.map(({ purpose, offset, size, align }) => ({ purpose, offset, size, align }));
  }
}

export function alignUp(value: number, align: number): number {
  const rest = value % align;
  return rest === 0 ? value : value + (align - rest);
}
