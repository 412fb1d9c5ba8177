import { WrtError, type ErrorLocation } from '../core/errors.js';

/** A later WebAssembly proposal whose encoding the decoder recognised (not part of 2.0). */
export type Proposal =
  | 'threads'
  | 'exception-handling'
  | 'tail-call'
  | 'function-references'
  | 'gc'
  | 'memory64'
  | 'multi-memory'
  | 'relaxed-simd'
  | 'extended-const';

export type WasmErrorCode = 'WASM_MALFORMED' | 'WASM_INVALID' | 'LIMIT_EXCEEDED';

export interface WasmErrorDetail {
  /** "type section", "code section", "custom section 'name'", "module header". */
  readonly section: string;
  /** Function index in the module's function index space (imports first), in the code section. */
  readonly functionIndex?: number;
  /** From the name section, when the module has one (read ahead when the error is in code). */
  readonly functionName?: string;
  /** The later proposal this byte sequence belongs to, when it is one. */
  readonly proposal?: Proposal;
  /** The target limit that was exceeded (LIMIT_EXCEEDED only), e.g. "linearMemoryBytes". */
  readonly limitName?: string;
}

/**
 * The one error the decoder and validator throw: a WrtError (WASM_MALFORMED, WASM_INVALID or
 * LIMIT_EXCEEDED) whose location names the byte offset and the section/function, with the same
 * facts as structured detail.
 */
export class WasmError extends WrtError {
  readonly detail: WasmErrorDetail;

  constructor(code: WasmErrorCode, message: string, location: ErrorLocation, detail: WasmErrorDetail) {
    super(code, message, location);
    this.detail = detail;
  }

  override toJSON(): ReturnType<WrtError['toJSON']> & { detail: WasmErrorDetail } {
    return { ...super.toJSON(), detail: this.detail };
  }
}

export function functionLabel(index: number, name: string | undefined): string {
  return name === undefined ? `function ${index}` : `function ${index} ($${name})`;
}

/** The `field` of a location: "code section: function 12 ($main)". */
export function fieldOf(detail: WasmErrorDetail): string {
  if (detail.functionIndex === undefined) return detail.section;
  return `${detail.section}: ${functionLabel(detail.functionIndex, detail.functionName)}`;
}

/** A copy of `error` that names the function, once the name section has been read. */
export function withFunctionName(error: WasmError, name: string): WasmError {
  const detail: WasmErrorDetail = { ...error.detail, functionName: name };
  return new WasmError(error.code as WasmErrorCode, error.message, { ...error.location, field: fieldOf(detail) }, detail);
}
