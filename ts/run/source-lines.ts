/**
 * Source lines for a trap's backtrace: each located frame's module-file offset turned into the
 * DWARF address (an offset into the Code section's payload) and looked up in the module's
 * .debug_line (ts/wasm/dwarf-line.ts). The host reads the module file it uploaded from, which keeps
 * its custom sections; the device never sees DWARF. Loaded with `await import` only when a trap
 * has frames, so a run that returns never reads, parses or even loads the line reader.
 *
 * Like locating, this never fails a run: a module without .debug_line adds nothing, a malformed
 * one leaves the frames as they were with the reason in `unsourced`.
 */
import { WrtError } from '../core/errors.js';
import { dwarfAddressOf, lookupLines, moduleDebugLines } from '../wasm/dwarf-line.js';
import type { Backtrace } from './backtrace.js';

/** `trace` with file, line and column on each frame the module's .debug_line covers. */
export function withSourceLines(trace: Backtrace, module: Uint8Array, file?: string): Backtrace {
  if (!trace.frames.some((f) => f.offset !== undefined)) return trace;
  try {
    const debug = moduleDebugLines(module, file);
    if (debug === null) return trace;
    // A frame without an offset, or one before the Code section, asks for no address (-1 matches no row).
    const addresses = trace.frames.map((f) => (f.offset === undefined ? -1 : (dwarfAddressOf(f.offset, debug.codePayloadStart) ?? -1)));
    const found = lookupLines(debug, addresses);
    return {
      ...trace,
      frames: trace.frames.map((f, i) => {
        const at = found[i];
        return at === undefined ? f : { ...f, file: at.file, line: at.line, ...(at.column === undefined ? {} : { column: at.column }) };
      }),
    };
  } catch (error) {
    if (!(error instanceof WrtError)) throw error;
    return { ...trace, unsourced: `${error.code}: ${error.describe()}` };
  }
}
