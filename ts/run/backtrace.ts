/**
 * A trap's wasm backtrace as a person reads it: each frame's function (named from the module's
 * name section, kept on the host even when stripped for upload) and the byte offset in the module
 * file of the instruction it stopped at, the way wasm-objdump -d numbers them.
 *
 * The device reports frames as code cells of its compiled form and keeps no map back to the
 * binary (no RAM to spare on a board). The host gets the offsets from `native-sim --locate`, which
 * compiles the module again with the device's core in the device's code form (HELLO says which:
 * a 32-bit board's, the small executor's or a 64-bit host's) and says which instruction wrote
 * each cell. A backtrace without offsets is still printed: locating never fails the run.
 */
import { spawnSync } from 'node:child_process';
import type { TrapFrame } from '../device/messages.js';
import { TEXT_WIDTH } from '../core/output.js';
import { Feature } from '../device/protocol.js';
import { type CodeForm, codeFormFlags, nativeSimBinary, requireNativeSim } from './native-sim-binary.js';

/** The code form a device announced in its HELLO features. */
export function codeFormOf(features: number): CodeForm {
  if ((features & Feature.CodeUnfused) !== 0) return 'none';
  return (features & Feature.CodeNarrow) !== 0 ? 'narrow' : 'all';
}

export interface BacktraceFrame {
  readonly functionIndex: number;
  readonly functionName?: string;
  /** Code cell the device reported. */
  readonly cell: number;
  /** Byte offset in the module file of the instruction, when located. */
  readonly offset?: number;
  /** The instruction's source file, line and column from the module's DWARF .debug_line (ts/run/source-lines.ts). */
  readonly file?: string;
  readonly line?: number;
  /** Absent when the line table gives no column. */
  readonly column?: number;
}

/** Byte offsets of a trap's frames in the module file (one per frame, undefined where unknown), or why there are none. */
export type Located = { readonly offsets: (number | undefined)[] } | { readonly unlocated: string };

export interface Backtrace {
  readonly frames: readonly BacktraceFrame[];
  /** Wasm frames active at the trap; more than frames.length when the device kept only the innermost. */
  readonly depth: number;
  /** Why offsets are missing, when they are. */
  readonly unlocated?: string;
  /** Why source lines are missing although the module has .debug_line (it is malformed or of a kind not read). */
  readonly unsourced?: string;
}

const LINE = /^(\d+):(\d+)=(\d+|none)$/;

/** Parses native-sim --locate's `FUNC:CELL=OFFSET` lines into one offset (or undefined) per frame. */
export function parseLocateOutput(text: string, frames: readonly TrapFrame[]): (number | undefined)[] {
  const found = new Map<string, number | undefined>();
  for (const line of text.split('\n')) {
    const m = LINE.exec(line.trim());
    if (m === null) continue;
    found.set(`${m[1]}:${m[2]}`, m[3] === 'none' ? undefined : Number(m[3]));
  }
  return frames.map((f) => found.get(`${f.func}:${f.cell}`));
}

/**
 * Offsets of `frames` in `module` (the whole file: the compiled code is the same whatever custom
 * sections an upload strips), or the reason there are none.
 */
export function locateFrames(
  module: Uint8Array,
  frames: readonly TrapFrame[],
  form: CodeForm,
  env: NodeJS.ProcessEnv = process.env,
  simBinary?: string,
): Located {
  if (frames.length === 0) return { offsets: [] };
  let binary: string;
  try {
    binary = requireNativeSim(simBinary ?? nativeSimBinary(env), env);
  } catch (error) {
    return { unlocated: error instanceof Error ? error.message : String(error) };
  }
  const sites = frames.map((f) => `${f.func}:${f.cell}`);
  const run = spawnSync(binary, ['--locate', ...codeFormFlags(form), ...sites], { input: module, encoding: 'utf8', maxBuffer: 1 << 16, timeout: 30_000 });
  if (run.error !== undefined) return { unlocated: `${binary} --locate: ${run.error.message}` };
  if (run.status !== 0) return { unlocated: `${binary} --locate ended with ${run.status ?? run.signal}: ${run.stderr.trim()}` };
  return { offsets: parseLocateOutput(run.stdout, frames) };
}

/** The device's frames with names and, when located, offsets. */
export function backtraceOf(
  frames: readonly TrapFrame[],
  depth: number,
  functionName: (index: number) => string | undefined,
  located: Located,
): Backtrace {
  const offsets = 'offsets' in located ? located.offsets : [];
  return {
    frames: frames.map((f, i) => {
      const name = functionName(f.func);
      const offset = offsets[i];
      return { functionIndex: f.func, ...(name === undefined ? {} : { functionName: name }), cell: f.cell, ...(offset === undefined ? {} : { offset }) };
    }),
    depth: Math.max(depth, frames.length),
    ...('unlocated' in located ? { unlocated: located.unlocated } : {}),
  };
}

/** Where a frame's source line starts: under the frame's offset, two columns in (docs/session.md). */
const SOURCE_INDENT = '        at ';

/**
 * `at FILE:LINE[:COLUMN]` within `width` columns: a path too long loses its start (`…`), never its
 * file name or line; --json carries it whole.
 */
export function formatSourceLine(file: string, line: number, column: number | undefined, width: number = TEXT_WIDTH): string {
  const tail = column === undefined ? `:${line}` : `:${line}:${column}`;
  const room = width - SOURCE_INDENT.length - tail.length;
  const shown = file.length <= room ? file : `…${file.slice(file.length - Math.max(1, room - 1))}`;
  return `${SOURCE_INDENT}${shown}${tail}`;
}

/**
 * wasmtime's layout: `   0: 0x36 - inner`, then, when the module's DWARF gives one, the source
 * line under it (`        at trap.c:5:14`); unlocated frames give the function and cell.
 */
export function formatBacktrace(trace: Backtrace): string[] {
  if (trace.frames.length === 0) return [];
  const lines = ['wasm backtrace:'];
  trace.frames.forEach((f, i) => {
    const name = f.functionName ?? `<wasm function ${f.functionIndex}>`;
    const where = f.offset === undefined ? `code cell ${f.cell}` : `0x${f.offset.toString(16)}`;
    lines.push(`  ${String(i).padStart(2)}: ${where} - ${name}`);
    if (f.file !== undefined && f.line !== undefined) lines.push(formatSourceLine(f.file, f.line, f.column));
  });
  const more = trace.depth - trace.frames.length;
  if (more > 0) lines.push(`  ... ${more} outer frame(s) not kept by the device`);
  if (trace.unlocated !== undefined) lines.push(`  (offsets unknown: ${trace.unlocated})`);
  if (trace.unsourced !== undefined) lines.push(`  (source lines unknown: ${trace.unsourced})`);
  return lines;
}
