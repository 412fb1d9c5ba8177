/**
 * wit-parser's topological sort: dependencies first, ties broken by source order, an unknown name
 * or a cycle reported at the edge that names it. Linear in nodes plus edges, no recursion.
 */
import type { Id } from './ast.js';
import { cycleError, undefinedError } from './errors.js';

/** Returns the names in dependency order. `deps` maps each name to the names it uses. */
export function toposort(kind: string, deps: ReadonlyMap<string, readonly Id[]>, hint?: (name: string) => string | undefined): string[] {
  const names = [...deps.keys()];
  const index = new Map(names.map((name, i) => [name, i]));
  const remaining = new Array<number>(names.length).fill(0);
  const reverse: number[][] = names.map(() => []);
  names.forEach((name, i) => {
    const edges = deps.get(name) ?? [];
    remaining[i] = edges.length;
    for (const edge of edges) {
      const j = index.get(edge.name);
      if (j === undefined) throw undefinedError(edge.span, kind, edge.name, hint?.(edge.name));
      reverse[j]?.push(i);
    }
  });
  // A min-heap on source index: of the ready names, the earliest in the source comes first.
  const heap = new MinHeap();
  remaining.forEach((count, i) => {
    if (count === 0) heap.push(i);
  });
  const order: string[] = [];
  for (let i = heap.pop(); i !== undefined; i = heap.pop()) {
    order.push(names[i] ?? '');
    const users = reverse[i] ?? [];
    reverse[i] = [];
    for (const user of users) {
      const left = (remaining[user] ?? 0) - 1;
      remaining[user] = left;
      if (left === 0) heap.push(user);
    }
  }
  if (order.length === names.length) return order;
  for (let i = 0; i < names.length; i++) {
    if (remaining[i] === 0) continue;
    for (const dep of deps.get(names[i] ?? '') ?? []) {
      const j = index.get(dep.name) ?? -1;
      if (remaining[j] === 0) continue;
      throw cycleError(dep.span, kind, dep.name);
    }
  }
  throw cycleError(deps.get(names[0] ?? '')?.[0]?.span ?? { start: -1, end: -1 }, kind, names[0] ?? '');
}

class MinHeap {
  private readonly items: number[] = [];

  push(value: number): void {
    const a = this.items;
    a.push(value);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((a[parent] ?? 0) <= value) break;
      a[i] = a[parent] ?? 0;
      i = parent;
    }
    a[i] = value;
  }

  pop(): number | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let smallest = i;
      let value = last;
      if (l < a.length && (a[l] ?? 0) < value) {
        smallest = l;
        value = a[l] ?? 0;
      }
      if (r < a.length && (a[r] ?? 0) < value) smallest = r;
      if (smallest === i) break;
      a[i] = a[smallest] ?? 0;
      i = smallest;
    }
    a[i] = last;
    return top;
  }
}
