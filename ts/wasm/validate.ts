/**
 * Public entry points of the validator. Every failure is a WasmError (a WrtError with code
 * WASM_MALFORMED, WASM_INVALID or LIMIT_EXCEEDED); anything else escaping the decoder would be a
 * defect and is reported as INTERNAL, never as a raw RangeError or TypeError.
 */
import { WrtError } from '../core/errors.js';
import { WasmError } from './errors.js';
import { ModuleParser, type ParseOptions } from './module-parser.js';
import type { WasmReport } from './report.js';
import { type ByteChunks, ByteQueue, driveAsync, driveSync } from './stream.js';

export type { ParseOptions as ValidateOptions } from './module-parser.js';

function asWrtError(error: unknown, options: ParseOptions): WrtError {
  if (error instanceof WrtError) return error;
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new WrtError('INTERNAL', `validator defect: ${message}`, options.file !== undefined ? { file: options.file } : {}, { cause: error });
}

/** Validates a complete module held in memory. */
export function validateWasm(bytes: Uint8Array, options: ParseOptions = {}): WasmReport {
  const queue = new ByteQueue(bytes, true);
  try {
    return driveSync(new ModuleParser(queue, options).run());
  } catch (error) {
    throw asWrtError(error, options);
  }
}

/**
 * Validates a module while its bytes arrive, in one pass: each function body is checked as soon as
 * its last byte has arrived, and a limit is checked as soon as the bytes deciding it have. When the
 * module is rejected the source is closed without reading on, except that an error in a function
 * body reads on to the name section to name the function (nameLookahead: false stops at once).
 */
export async function validateWasmStream(chunks: ByteChunks, options: ParseOptions = {}, stats?: StreamStats): Promise<WasmReport> {
  const queue = new ByteQueue();
  try {
    return await driveAsync(queue, new ModuleParser(queue, options).run(), chunks);
  } catch (error) {
    throw asWrtError(error, options);
  } finally {
    if (stats !== undefined) {
      stats.peakHeldBytes = queue.peakHeld;
      stats.bytesRead = queue.base + queue.len;
    }
  }
}

/** Filled in by validateWasmStream: what streaming cost. */
export interface StreamStats {
  /** Most bytes the decoder held at once (a chunk, or one item split across chunks). */
  peakHeldBytes: number;
  /** Bytes taken from the source (less than the module when it was rejected early). */
  bytesRead: number;
}

/** true when the bytes are a valid WebAssembly 2.0 module (no target limits applied). */
export function isValidWasm(bytes: Uint8Array, options: Omit<ParseOptions, 'limits'> = {}): boolean {
  try {
    validateWasm(bytes, options);
    return true;
  } catch (error) {
    if (error instanceof WasmError) return false;
    throw error;
  }
}
