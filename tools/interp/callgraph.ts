import { WrtError } from '../../ts/core/errors.js';

/**
 * GCC's call-graph files (-fcallgraph-info=su, VCG text): which function calls which, and each
 * function's static stack frame. From them: whether the core recurses anywhere (it must not), and
 * the deepest native stack an entry point can reach (finite when there is no recursion).
 */
export interface CallGraph {
  /** Stack frame bytes per function title (statics are "file:name", globals "name"); bounded frames only. */
  readonly frames: ReadonlyMap<string, number>;
  readonly calls: ReadonlyMap<string, ReadonlySet<string>>;
}

const NODE = /^node: \{ title: "([^"]+)" label: "([^"]*)"/;
const EDGE = /^edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"/;
const STACK = /\\n(\d+) bytes \((static|dynamic|dynamic,bounded)\)$/;

/** Merges the .ci files of all translation units. Functions defined nowhere (external) have no frame. */
export function parseCallGraph(files: ReadonlyArray<{ readonly name: string; readonly text: string }>): CallGraph {
  const frames = new Map<string, number>();
  const calls = new Map<string, Set<string>>();
  for (const file of files) {
    const lines = file.text.split('\n');
    lines.forEach((line, index) => {
      const node = NODE.exec(line);
      if (node !== null) {
        const [, title = '', label = ''] = node;
        const stack = STACK.exec(label);
        if (stack !== null) {
          // "dynamic,bounded" (a realigned or fixed-size adjusted frame) still has a known size.
          if (stack[2] === 'dynamic') {
            throw new WrtError('VALUE_INVALID', `function ${title} has an unbounded stack frame`, {
              file: file.name,
              line: index + 1,
            });
          }
          frames.set(title, Number(stack[1]));
        }
        return;
      }
      const edge = EDGE.exec(line);
      if (edge !== null) {
        const [, from = '', to = ''] = edge;
        let targets = calls.get(from);
        if (targets === undefined) {
          targets = new Set();
          calls.set(from, targets);
        }
        targets.add(to);
      }
    });
  }
  return { frames, calls };
}

/** Every call cycle (recursion), each as the list of functions on it; empty when there is none. */
export function findCycles(graph: CallGraph): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const cycles: string[][] = [];
  const nodes = new Set<string>([...graph.frames.keys(), ...graph.calls.keys()]);
  for (const start of nodes) {
    if (state.has(start)) continue;
    // Iterative depth-first search: the path is the explicit stack.
    const path: Array<{ node: string; next: Iterator<string> }> = [];
    const enter = (node: string): void => {
      state.set(node, 'open');
      path.push({ node, next: (graph.calls.get(node) ?? new Set<string>()).values() });
    };
    enter(start);
    while (path.length > 0) {
      const top = path[path.length - 1];
      if (top === undefined) break;
      const step = top.next.next();
      if (step.done === true) {
        state.set(top.node, 'done');
        path.pop();
        continue;
      }
      const target = step.value;
      const seen = state.get(target);
      if (seen === 'open') {
        const from = path.findIndex((entry) => entry.node === target);
        cycles.push(path.slice(from).map((entry) => entry.node));
      } else if (seen === undefined) {
        enter(target);
      }
    }
  }
  return cycles;
}

/**
 * The deepest static stack from `entry` (bytes, frames summed along the worst call path) and that
 * path. The graph must be acyclic (findCycles empty). Indirect calls (host functions) are not
 * followed: they are the host's stack.
 */
export function worstStack(graph: CallGraph, entry: string): { readonly bytes: number; readonly path: readonly string[] } {
  const memo = new Map<string, { bytes: number; path: string[] }>();
  const expanding = new Set<string>();
  // Post-order without recursion: a node is finished once all its callees are. A callee still
  // being expanded (a cycle, which callers rule out first) is not entered again.
  const stack: Array<{ node: string; expanded: boolean }> = [{ node: entry, expanded: false }];
  while (stack.length > 0) {
    const top = stack.pop();
    if (top === undefined) break;
    if (memo.has(top.node)) continue;
    const callees = [...(graph.calls.get(top.node) ?? [])];
    if (!top.expanded) {
      if (expanding.has(top.node)) continue;
      expanding.add(top.node);
      stack.push({ node: top.node, expanded: true });
      for (const callee of callees) {
        if (!memo.has(callee) && !expanding.has(callee)) stack.push({ node: callee, expanded: false });
      }
      continue;
    }
    let best: { bytes: number; path: string[] } = { bytes: 0, path: [] };
    for (const callee of callees) {
      const sub = memo.get(callee);
      if (sub !== undefined && sub.bytes > best.bytes) best = sub;
    }
    memo.set(top.node, { bytes: (graph.frames.get(top.node) ?? 0) + best.bytes, path: [top.node, ...best.path] });
  }
  const result = memo.get(entry);
  if (result === undefined) throw new WrtError('INTERNAL', `no call graph node ${entry}`);
  return result;
}
