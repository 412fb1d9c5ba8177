/**
 * Call depth and value-stack slots each entry point needs, in the interpreter's own terms
 * (docs/interpreter.md): a frame is params + locals + one spill slot + most operands, in 8-byte
 * slots (the spill slot takes the executor's register-held stack top at a frame's first push); a callee's
 * frame starts at its arguments, which lie on the caller's operand stack; host functions take no
 * frame. Indirect calls may reach every defined function of the same type (a superset of what a
 * table can hold, so the bound stays safe). Pure and iterative.
 */
import type { FunctionReport, WasmReport } from '../wasm/report.js';

export interface EntryNeed {
  readonly name: string;
  /** null: the entry reaches recursion. */
  readonly callDepth: number | null;
  readonly valueSlots: number | null;
}

export interface CallBounds {
  readonly recursive: boolean;
  readonly entries: readonly EntryNeed[];
  /** Largest frame of any defined function, in slots (bounds each frame of a recursive chain). */
  readonly maxFrameSlots: number;
  readonly maxControlDepth: number;
  readonly maxLocals: number;
}

function paramCount(type: string): number {
  const params = /^\((.*)\) ->/.exec(type)?.[1] ?? '';
  return params.trim() === '' ? 0 : params.split(',').length;
}

/** The executor's spill slot below each frame's operands (native/interp/wrt_exec.c). */
export const SPILL_SLOTS_PER_FRAME = 1;

export function frameSlots(f: FunctionReport): number {
  return f.locals + SPILL_SLOTS_PER_FRAME + f.maxStackSlots;
}

export function callBounds(report: WasmReport): CallBounds {
  const imported = report.counts.importedFunctions;
  const defined = report.functions;
  const byType = new Map<string, number[]>();
  for (const f of defined) {
    const list = byType.get(f.type);
    if (list === undefined) byType.set(f.type, [f.index]);
    else list.push(f.index);
  }
  const typeString = new Map<number, string>();
  for (const f of defined) if (!typeString.has(f.typeIndex)) typeString.set(f.typeIndex, f.type);
  // An indirect call's canonical type index names a type; a defined function of that index tells its text.
  const callees = defined.map((f) => {
    const set = new Set<number>();
    for (const c of f.calls) if (c >= imported) set.add(c);
    for (const ic of f.indirectCalls) {
      const text = typeString.get(ic.typeIndex);
      // No defined function spells the canonical index: take every defined function (still safe).
      const targets = text !== undefined ? (byType.get(text) ?? []) : defined.map((d) => d.index);
      for (const t of targets) set.add(t);
    }
    return [...set].sort((a, b) => a - b);
  });

  const n = defined.length;
  // 0 unvisited, 1 on the DFS stack, 2 done; -1 in needs: reaches a cycle.
  const state = new Uint8Array(n);
  const depth = new Float64Array(n);
  const slots = new Float64Array(n);
  let recursive = false;
  for (let root = 0; root < n; root += 1) {
    if (state[root] !== 0) continue;
    const stack: Array<{ node: number; next: number }> = [{ node: root, next: 0 }];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { node: number; next: number };
      const outs = callees[top.node] ?? [];
      if (top.next < outs.length) {
        const w = (outs[top.next] as number) - imported;
        top.next += 1;
        if (state[w] === 1) recursive = true;
        else if (state[w] === 0) {
          state[w] = 1;
          stack.push({ node: w, next: 0 });
        }
        continue;
      }
      stack.pop();
      state[top.node] = 2;
      const f = defined[top.node] as FunctionReport;
      const own = frameSlots(f);
      let d = 1;
      let s = own;
      for (const c of outs) {
        const w = c - imported;
        const callee = defined[w] as FunctionReport;
        if (state[w] !== 2 || !Number.isFinite(depth[w] as number)) {
          d = Number.POSITIVE_INFINITY;
          s = Number.POSITIVE_INFINITY;
          continue;
        }
        d = Math.max(d, 1 + (depth[w] as number));
        s = Math.max(s, own - paramCount(callee.type) + (slots[w] as number));
      }
      depth[top.node] = d;
      slots[top.node] = s;
    }
  }
  // A node finished while a callee was still on the stack got a finite value too early: mark
  // everything that reaches a cycle as unbounded by iterating to a fixpoint.
  const inCycle = new Uint8Array(n);
  if (recursive) markCycles(callees, imported, inCycle);
  let changed = true;
  while (changed) {
    changed = false;
    for (let v = 0; v < n; v += 1) {
      if (inCycle[v] === 1) continue;
      if ((callees[v] ?? []).some((c) => inCycle[c - imported] === 1)) {
        inCycle[v] = 1;
        changed = true;
      }
    }
  }

  const entryList: Array<{ name: string; fn: number }> = [];
  if (report.start !== null) entryList.push({ name: 'start', fn: report.start });
  for (const e of report.exports) if (e.kind === 'function') entryList.push({ name: e.name, fn: e.index });
  const entries = entryList.map(({ name, fn }): EntryNeed => {
    if (fn < imported) return { name, callDepth: 0, valueSlots: 0 };
    const v = fn - imported;
    if (inCycle[v] === 1) {
      // Our indirect edges reach every function of the type; the validator knows which ones a
      // table can hold. When it finds no cycle, its figures bound the chain: its depth counts host
      // functions as frames (one too many at most), every value takes at least 4 of its bytes, and
      // each frame adds its spill slot.
      const known = report.callGraph.entries.find((e) => e.function === fn && (e.kind === 'start') === (name === 'start'));
      if (known !== undefined && known.maxCallDepth !== null && known.maxStackBytes !== null) {
        const valueSlots = Math.ceil(known.maxStackBytes / 4) + known.maxCallDepth * SPILL_SLOTS_PER_FRAME;
        return { name, callDepth: known.maxCallDepth, valueSlots };
      }
      return { name, callDepth: null, valueSlots: null };
    }
    return { name, callDepth: depth[v] as number, valueSlots: slots[v] as number };
  });
  return {
    recursive: recursive && entries.some((e) => e.callDepth === null),
    entries,
    maxFrameSlots: defined.reduce((m, f) => Math.max(m, frameSlots(f)), 0),
    maxControlDepth: defined.reduce((m, f) => Math.max(m, f.maxControlDepth), 0),
    maxLocals: defined.reduce((m, f) => Math.max(m, f.locals), 0),
  };
}

/** Functions on a cycle (Tarjan, iterative): those in a strongly connected component of size > 1 or calling themselves. */
function markCycles(callees: readonly (readonly number[])[], imported: number, out: Uint8Array): void {
  const n = callees.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const sccStack: number[] = [];
  let counter = 0;
  for (let root = 0; root < n; root += 1) {
    if (index[root] !== -1) continue;
    const work: Array<{ v: number; i: number }> = [{ v: root, i: 0 }];
    index[root] = low[root] = counter++;
    sccStack.push(root);
    onStack[root] = 1;
    while (work.length > 0) {
      const top = work[work.length - 1] as { v: number; i: number };
      const outs = callees[top.v] ?? [];
      if (top.i < outs.length) {
        const w = (outs[top.i] as number) - imported;
        top.i += 1;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          sccStack.push(w);
          onStack[w] = 1;
          work.push({ v: w, i: 0 });
        } else if (onStack[w] === 1) low[top.v] = Math.min(low[top.v] as number, index[w] as number);
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low[parent.v] = Math.min(low[parent.v] as number, low[top.v] as number);
      if (low[top.v] === index[top.v]) {
        const members: number[] = [];
        let w: number;
        do {
          w = sccStack.pop() as number;
          onStack[w] = 0;
          members.push(w);
        } while (w !== top.v);
        const selfLoop = (callees[top.v] ?? []).includes(top.v + imported);
        if (members.length > 1 || selfLoop) for (const m of members) out[m] = 1;
      }
    }
  }
}
