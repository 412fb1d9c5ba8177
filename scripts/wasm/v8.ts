/**
 * Node's own WebAssembly engine (V8), the reference the differential test and the benchmark
 * compare with. The project compiles without the DOM library, so the one function used is typed here.
 */
declare const WebAssembly: { validate(bytes: Uint8Array): boolean };

/** WebAssembly.validate of V8 with the proposals Node enables by default. */
export function v8Validate(bytes: Uint8Array): boolean {
  return WebAssembly.validate(bytes);
}
