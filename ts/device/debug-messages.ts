/**
 * The messages of debugging on the device (docs/protocol.md §4d): BREAKPOINTS sets the breakpoint
 * set of the invocations that follow, BREAK is a breakpoint hit (function, arguments, the frames
 * that called it), TRACE carries the last function entries after a trap, chunked to the frame size.
 */
import { BodyReader, BodyWriter, invalid, readFrames, readValues, type TrapFrame, type WireValue } from './messages.js';
import { MAX_BREAKPOINTS } from './protocol.js';

/** BREAKPOINTS: u8 count, then count u32 function indices (count 0 clears the set). */
export function encodeBreakpoints(funcs: readonly number[]): Uint8Array {
  if (funcs.length > MAX_BREAKPOINTS) throw invalid(`${funcs.length} breakpoints`, 'breakpoints', `at most ${MAX_BREAKPOINTS}`);
  const w = new BodyWriter().u8(funcs.length);
  for (const f of funcs) w.u32(f);
  return w.finish();
}

/** BREAK: a breakpoint hit at the entry of `func`. */
export interface BreakHit {
  /** 1 for the invocation's first hit. */
  readonly hit: number;
  readonly func: number;
  /** Active wasm frames, this one included. */
  readonly depth: number;
  readonly args: readonly WireValue[];
  /** Innermost first: the function at its entry (cell 0), then each caller inside its call. */
  readonly frames: readonly TrapFrame[];
}

export function decodeBreak(body: Uint8Array): BreakHit {
  const r = new BodyReader(body, 'BREAK');
  const hit = r.u32('hit');
  const func = r.u32('func');
  const depth = r.u32('depth');
  const args = readValues(r, 'args', 'nargs');
  const frames = readFrames(r);
  r.end();
  return { hit, func, depth, args, frames };
}

/** One function entry of the trace: `func` has TRACE_OTHER_MODULE set for another module's function. */
export interface TraceEntry {
  readonly func: number;
  readonly depth: number;
}

/** One TRACE frame: entries first .. first + entries.length of the `kept` ones, oldest first. */
export interface TraceChunk {
  /** Entries the ring overwrote before the trap (older than the kept ones). */
  readonly overwritten: bigint;
  readonly kept: number;
  readonly first: number;
  readonly entries: readonly TraceEntry[];
}

export function decodeTrace(body: Uint8Array): TraceChunk {
  const r = new BodyReader(body, 'TRACE');
  const overwritten = r.u64('overwritten');
  const kept = r.u32('kept');
  const first = r.u32('first');
  const n = r.u16('n');
  const entries: TraceEntry[] = [];
  for (let i = 0; i < n; i += 1) entries.push({ func: r.u32(`entries[${i}].func`), depth: r.u32(`entries[${i}].depth`) });
  r.end();
  return { overwritten, kept, first, entries };
}

/** The whole trace of one trap, put together from its chunks. */
export interface DebugTrace {
  readonly overwritten: bigint;
  readonly entries: readonly TraceEntry[];
  /** Entries the device kept but whose frames were lost on the link (0 when all arrived). */
  readonly missing: number;
}

/** Collects TRACE chunks (in any order, a duplicate counted once) into one trace. */
export class TraceAssembler {
  #overwritten = 0n;
  #kept = 0;
  #seen = false;
  readonly #slots = new Map<number, TraceEntry>();

  add(chunk: TraceChunk): void {
    this.#seen = true;
    this.#overwritten = chunk.overwritten;
    this.#kept = chunk.kept;
    chunk.entries.forEach((e, i) => this.#slots.set(chunk.first + i, e));
  }

  /** undefined when no TRACE frame came. */
  result(): DebugTrace | undefined {
    if (!this.#seen) return undefined;
    const entries: TraceEntry[] = [];
    for (let i = 0; i < this.#kept; i += 1) {
      const e = this.#slots.get(i);
      if (e !== undefined) entries.push(e);
    }
    return { overwritten: this.#overwritten, entries, missing: this.#kept - entries.length };
  }
}
