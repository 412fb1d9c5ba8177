/**
 * The messages of host imports (docs/protocol.md §4c): HOST_IMPORTS declares the imports the host
 * serves, HOST_CALL is the device calling one, HOST_RESULT the host's answer, HOST_TRACE one host
 * call as the device saw it end. Encoders for what the host sends, decoders for the device's frames.
 */
import { BodyReader, BodyWriter, invalid, readValues, TYPE_CODES, type WireValue, type WireValueType, writeValue } from './messages.js';
import { HOST_TRACE_ALL, MAX_HOST_IMPORTS, MAX_HOST_NAME, MAX_VALUES } from './protocol.js';

/** One import the host serves: its name and WebAssembly function type. */
export interface HostImportDeclaration {
  readonly module: string;
  readonly name: string;
  readonly params: readonly WireValueType[];
  readonly results: readonly WireValueType[];
}

function hostName(text: string, field: string): Uint8Array {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length < 1 || bytes.length > MAX_HOST_NAME) throw invalid(`${field} of ${bytes.length} bytes`, field, `1 .. ${MAX_HOST_NAME} bytes`);
  return bytes;
}

function types(w: BodyWriter, list: readonly WireValueType[], field: string): void {
  if (list.length > MAX_VALUES) throw invalid(`${list.length} ${field}`, field, `${MAX_VALUES}`);
  w.u8(list.length);
  for (const t of list) w.u8(TYPE_CODES[t]);
}

/** HOST_IMPORTS: u8 flags, u8 count, per import u8 + module, u8 + field, u8 + param types, u8 + result types. */
export function encodeHostImports(imports: readonly HostImportDeclaration[], traceAll: boolean): Uint8Array {
  if (imports.length > MAX_HOST_IMPORTS) throw invalid(`${imports.length} host imports`, 'imports', `${MAX_HOST_IMPORTS}`);
  const w = new BodyWriter().u8(traceAll ? HOST_TRACE_ALL : 0).u8(imports.length);
  imports.forEach((imp, i) => {
    const module = hostName(imp.module, `imports[${i}].module`);
    const name = hostName(imp.name, `imports[${i}].name`);
    w.u8(module.length).raw(module).u8(name.length).raw(name);
    types(w, imp.params, `imports[${i}].params`);
    types(w, imp.results, `imports[${i}].results`);
  });
  return w.finish();
}

/** HOST_CALL: the device calls declared import `importIndex`. */
export interface HostCall {
  readonly bootId: number;
  readonly callId: number;
  readonly importIndex: number;
  readonly args: readonly WireValue[];
}

export function decodeHostCall(body: Uint8Array): HostCall {
  const r = new BodyReader(body, 'HOST_CALL');
  const call = { bootId: r.u32('boot_id'), callId: r.u32('call_id'), importIndex: r.u8('import'), args: readValues(r, 'args', 'nargs') };
  r.end();
  return call;
}

export type HostResult = { readonly ok: true; readonly results: readonly WireValue[] } | { readonly ok: false };

/** HOST_RESULT: the answer to the call (boot id, call id) it names; a failure carries no results. */
export function encodeHostResult(bootId: number, callId: number, result: HostResult): Uint8Array {
  const w = new BodyWriter().u32(bootId).u32(callId);
  if (!result.ok) return w.u8(1).u8(0).finish();
  if (result.results.length > MAX_VALUES) throw invalid(`${result.results.length} results`, 'results', `${MAX_VALUES}`);
  w.u8(0).u8(result.results.length);
  result.results.forEach((value, i) => writeValue(w, value, `results[${i}]`));
  return w.finish();
}

/** HOST_TRACE: one host call as it ended; trap 0 when it returned (then with its results). */
export interface HostTrace {
  readonly trap: number;
  readonly module: string;
  readonly name: string;
  readonly args: readonly WireValue[];
  readonly results: readonly WireValue[];
}

export function decodeHostTrace(body: Uint8Array): HostTrace {
  const r = new BodyReader(body, 'HOST_TRACE');
  const trap = r.u32('trap');
  const module = new TextDecoder().decode(r.bytes(r.u8('module_len'), 'module'));
  const name = new TextDecoder().decode(r.bytes(r.u8('field_len'), 'field'));
  const trace = { trap, module, name, args: readValues(r, 'args', 'nargs'), results: readValues(r, 'results', 'nresults') };
  r.end();
  return trace;
}
