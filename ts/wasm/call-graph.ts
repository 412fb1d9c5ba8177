/**
 * The call graph of a validated module: direct calls, indirect calls resolved by type through the
 * functions a table can hold, cycles (recursion), and for acyclic reaches the deepest call chain in
 * calls and in stack bytes from each entry point. Iterative throughout (real modules have call
 * chains deeper than JavaScript's own stack) and on typed arrays (edges in compressed rows).
 */
import type { IndirectCall } from './code-validator.js';
import type { CallGraphReport, CycleReport, EntryReport } from './report.js';

export interface CallGraphInput {
  /** Type of each function (imports first) as a canonical (structural) type id. */
  readonly functionTypes: readonly number[];
  readonly importedFunctions: number;
  /** The defined functions (index importedFunctions + i): frame bytes and calls. Host functions have neither. */
  readonly functions: readonly { readonly frameBytes: number; readonly calls: readonly number[]; readonly indirectCalls: readonly IndirectCall[] }[];
  /** 1 for each function a table can hold. */
  readonly addressTaken: Uint8Array;
  readonly openTables: readonly number[];
  readonly entries: readonly { readonly kind: 'export' | 'start'; readonly name: string; readonly function: number }[];
  readonly describeFunction: (index: number) => string;
  readonly describeType: (canonicalType: number) => string;
}

interface Graph {
  readonly nodeCount: number;
  readonly functionCount: number;
  /** Canonical type of each indirect-call node (node functionCount + i). */
  readonly nodeType: readonly number[];
  readonly offsets: Int32Array;
  readonly targets: Int32Array;
  readonly addressTaken: number;
}

/**
 * Functions are nodes 0..F-1; each canonical type used by call_indirect is one more node whose
 * edges lead to the address-taken functions of that type, so edges stay linear in the module.
 */
function buildGraph(input: CallGraphInput): Graph {
  const functionCount = input.functionTypes.length;
  const candidates = new Map<number, number[]>();
  let addressTaken = 0;
  for (let f = 0; f < functionCount; f += 1) {
    if (input.addressTaken[f] !== 1) continue;
    const t = input.functionTypes[f] as number;
    addressTaken += 1;
    const list = candidates.get(t);
    if (list === undefined) candidates.set(t, [f]);
    else list.push(f);
  }
  const typeNode = new Map<number, number>();
  const nodeType: number[] = [];
  let edgeCount = 0;
  const imported = input.importedFunctions;
  for (const defined of input.functions) {
    edgeCount += defined.calls.length;
    for (const call of defined.indirectCalls) {
      if (!typeNode.has(call.typeIndex)) {
        typeNode.set(call.typeIndex, functionCount + nodeType.length);
        nodeType.push(call.typeIndex);
      }
      edgeCount += 1;
    }
  }
  for (const t of nodeType) edgeCount += candidates.get(t)?.length ?? 0;
  const nodeCount = functionCount + nodeType.length;
  const offsets = new Int32Array(nodeCount + 1);
  const targets = new Int32Array(edgeCount);
  let e = 0;
  for (let f = 0; f < functionCount; f += 1) {
    offsets[f] = e;
    const defined = f >= imported ? input.functions[f - imported] : undefined;
    if (defined === undefined) continue;
    const calls = defined.calls;
    for (let i = 0; i < calls.length; i += 1) targets[e++] = calls[i] as number;
    const rowStart = e;
    for (const call of defined.indirectCalls) {
      const node = typeNode.get(call.typeIndex) ?? 0;
      let seen = false;
      for (let i = rowStart; i < e; i += 1) if (targets[i] === node) seen = true;
      if (!seen) targets[e++] = node;
    }
  }
  nodeType.forEach((t, i) => {
    offsets[functionCount + i] = e;
    for (const f of candidates.get(t) ?? []) targets[e++] = f;
  });
  offsets[nodeCount] = e;
  return { nodeCount, functionCount, nodeType, offsets, targets: targets.subarray(0, e), addressTaken };
}

interface Components {
  /** Component of each node. */
  readonly component: Int32Array;
  /** Nodes grouped by component, components in Tarjan's emission order (callees first). */
  readonly members: Int32Array;
  readonly starts: Int32Array;
  readonly count: number;
}

/** Tarjan's strongly connected components, iteratively. */
function stronglyConnected(g: Graph): Components {
  const n = g.nodeCount;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const component = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  let stackTop = 0;
  const work = new Int32Array(n);
  const edgeAt = new Int32Array(n);
  const members = new Int32Array(n);
  const starts = new Int32Array(n + 1);
  let memberCount = 0;
  let count = 0;
  let counter = 0;
  for (let root = 0; root < n; root += 1) {
    if (index[root] !== -1) continue;
    let workTop = 0;
    work[workTop++] = root;
    while (workTop > 0) {
      const v = work[workTop - 1] as number;
      if (index[v] === -1) {
        index[v] = counter;
        low[v] = counter;
        counter += 1;
        stack[stackTop++] = v;
        onStack[v] = 1;
        edgeAt[v] = g.offsets[v] as number;
      }
      const e = edgeAt[v] as number;
      if (e < (g.offsets[v + 1] as number)) {
        edgeAt[v] = e + 1;
        const w = g.targets[e] as number;
        if (index[w] === -1) work[workTop++] = w;
        else if (onStack[w] === 1 && (index[w] as number) < (low[v] as number)) low[v] = index[w] as number;
        continue;
      }
      workTop -= 1;
      if (workTop > 0) {
        const parent = work[workTop - 1] as number;
        if ((low[v] as number) < (low[parent] as number)) low[parent] = low[v] as number;
      }
      if (low[v] === index[v]) {
        starts[count] = memberCount;
        let w: number;
        do {
          w = stack[--stackTop] as number;
          onStack[w] = 0;
          component[w] = count;
          members[memberCount++] = w;
        } while (w !== v);
        count += 1;
      }
    }
  }
  starts[count] = memberCount;
  return { component, members, starts, count };
}

export function analyzeCallGraph(input: CallGraphInput): CallGraphReport {
  const g = buildGraph(input);
  const { component, members, starts, count } = stronglyConnected(g);
  const functionCount = g.functionCount;
  const isFunction = (node: number): boolean => node < functionCount;
  const describeNode = (node: number): string =>
    isFunction(node) ? input.describeFunction(node) : `call_indirect ${input.describeType(g.nodeType[node - functionCount] ?? 0)}`;

  // Cycles: components with more than one node, or a node calling itself.
  const cycles: CycleReport[] = [];
  const cycleFunctions: number[][] = [];
  const bfsParent = new Int32Array(g.nodeCount).fill(-1);
  const bfsQueue = new Int32Array(g.nodeCount);
  const componentCycle = new Int32Array(count).fill(-1);
  for (let c = 0; c < count; c += 1) {
    const from = starts[c] as number;
    const to = starts[c + 1] as number;
    let first = -1;
    // The cycle is told from the component's lowest function index, for stable messages.
    for (let i = from; i < to; i += 1) {
      const v = members[i] as number;
      if (isFunction(v) && (first === -1 || v < first)) first = v;
    }
    if (first === -1) continue;
    let selfLoop = false;
    if (to - from === 1) {
      for (let e = g.offsets[first] as number; e < (g.offsets[first + 1] as number); e += 1) if (g.targets[e] === first) selfLoop = true;
      if (!selfLoop) continue;
    }
    componentCycle[c] = cycles.length;
    const path = cycleThrough(first, c, g, component, bfsParent, bfsQueue);
    const functions: number[] = [];
    cycleFunctions.push(functions);
    cycles.push({ path: path.filter(isFunction), description: path.map(describeNode).join(' -> '), functions });
  }
  // Members of each cycle in index order, in one pass over the functions.
  for (let f = 0; f < functionCount; f += 1) {
    const cycle = componentCycle[component[f] as number] as number;
    if (cycle !== -1) cycleFunctions[cycle]?.push(f);
  }

  // Depth and bytes per node, components in emission order so callees come first.
  const n = g.nodeCount;
  const depth = new Float64Array(n);
  const bytes = new Float64Array(n);
  const next = new Int32Array(n).fill(-1);
  const reachesCycle = new Int32Array(n).fill(-1);
  for (let c = 0; c < count; c += 1) {
    for (let i = starts[c] as number; i < (starts[c + 1] as number); i += 1) {
      const v = members[i] as number;
      if (componentCycle[c] !== -1) {
        reachesCycle[v] = componentCycle[c] as number;
        continue;
      }
      let bestDepth = 0;
      let bestBytes = 0;
      let best = -1;
      for (let e = g.offsets[v] as number; e < (g.offsets[v + 1] as number); e += 1) {
        const w = g.targets[e] as number;
        if (reachesCycle[w] !== -1) {
          reachesCycle[v] = reachesCycle[w] as number;
          next[v] = w;
          break;
        }
        if ((depth[w] as number) > bestDepth) bestDepth = depth[w] as number;
        if (best === -1 || (bytes[w] as number) > bestBytes) {
          bestBytes = bytes[w] as number;
          best = w;
        }
      }
      if (reachesCycle[v] !== -1) continue;
      depth[v] = (isFunction(v) ? 1 : 0) + bestDepth;
      bytes[v] = (v >= input.importedFunctions && isFunction(v) ? (input.functions[v - input.importedFunctions]?.frameBytes ?? 0) : 0) + bestBytes;
      next[v] = best;
    }
  }

  const entries: EntryReport[] = input.entries.map((entry) => {
    const path: number[] = [];
    const seen = new Set<number>();
    for (let v = entry.function; v !== -1 && !seen.has(v); v = next[v] ?? -1) {
      seen.add(v);
      if (isFunction(v)) path.push(v);
    }
    const cycle = reachesCycle[entry.function] ?? -1;
    return {
      kind: entry.kind,
      name: entry.name,
      function: entry.function,
      maxCallDepth: cycle === -1 ? (depth[entry.function] ?? 0) : null,
      maxStackBytes: cycle === -1 ? (bytes[entry.function] ?? 0) : null,
      deepestPath: path,
      cycle: cycle === -1 ? null : cycle,
    };
  });

  return {
    recursive: cycles.length > 0,
    cycles,
    entries,
    addressTakenFunctions: g.addressTaken,
    openTables: [...input.openTables],
  };
}

/**
 * A shortest path from `start` back to itself inside its component (breadth-first). `parent`
 * (all -1) and `queue` are scratch of the graph's size, shared by all calls; `parent` is reset
 * for the nodes this call visited.
 */
function cycleThrough(start: number, comp: number, g: Graph, component: Int32Array, parent: Int32Array, queue: Int32Array): number[] {
  let tail = 0;
  queue[tail++] = start;
  let path: number[] = [start, start];
  search: for (let head = 0; head < tail; head += 1) {
    const v = queue[head] as number;
    for (let e = g.offsets[v] as number; e < (g.offsets[v + 1] as number); e += 1) {
      const w = g.targets[e] as number;
      if (component[w] !== comp) continue;
      if (w === start) {
        const back: number[] = [];
        for (let u = v; u !== start && u !== -1; u = parent[u] as number) back.push(u);
        back.reverse();
        path = [start, ...back, start];
        break search;
      }
      if (parent[w] === -1) {
        parent[w] = v;
        queue[tail++] = w;
      }
    }
  }
  for (let i = 0; i < tail; i += 1) parent[queue[i] as number] = -1;
  return path;
}
