import { afterEach } from 'vitest';
import { buildInterp } from '../../tools/interp/build.js';
import { wat2wasm } from '../../ts/testsuite/wat.js';
import { type InterpNative, type InterpVariant, loadInterp } from '../../tools/interp/ffi.js';
import {
  type HostRegistryName,
  type InterpFunc,
  type InterpInstance,
  type InterpLayout,
  InterpRuntime,
  type InvokeResult,
} from '../../tools/interp/runtime.js';

/** Builds (if needed) and loads a variant of the interpreter library. */
export function interp(variant: InterpVariant = 'interp'): InterpNative {
  buildInterp(variant);
  return loadInterp(variant);
}

/** A small device-like layout; tests override the field they are about. */
export const SMALL_LAYOUT: InterpLayout = {
  metaBytes: 64 * 1024,
  codeBytes: 64 * 1024,
  controlBytes: 16 * 1024,
  stackSlots: 4096,
  callDepth: 100,
  memoryPages: 4,
  memoryPagesMax: 0,
  tableElements: 256,
  tableElementsMax: 0,
  globalSlots: 64,
};

export function wasm(text: string): Uint8Array {
  return wat2wasm(text);
}

export interface Loaded {
  readonly rt: InterpRuntime;
  readonly instance: InterpInstance;
  func(name: string): InterpFunc;
  call(name: string, ...args: bigint[]): InvokeResult;
}

/** Assembles, loads and instantiates a module in a fresh runtime; throws if any step fails. */
export function instantiate(
  native: InterpNative,
  text: string,
  layout: InterpLayout = SMALL_LAYOUT,
  host: HostRegistryName = 'none',
): Loaded {
  const rt = InterpRuntime.create(native, layout);
  const result = rt.instantiateBytes(wasm(text), host);
  if (!result.ok) {
    rt.dispose();
    throw new Error(`instantiation failed: ${result.error.kind}: ${result.error.message}`);
  }
  const instance = result.value;
  const func = (name: string): InterpFunc => {
    const f = instance.func(name);
    if (f === undefined) throw new Error(`no export ${name}`);
    return f;
  };
  return { rt, instance, func, call: (name, ...args) => rt.invoke(func(name), args) };
}

/** The results of an invocation that must not trap. */
export function returned(result: InvokeResult): readonly bigint[] {
  if (!result.ok) throw new Error(`trapped: ${result.trap.kind} (${result.trap.message})`);
  return result.results;
}

/** The trap kind of an invocation that must trap. */
export function trapKind(result: InvokeResult): string {
  if (result.ok) throw new Error(`returned ${result.results.join(', ')} instead of trapping`);
  return result.trap.kind;
}

/**
 * What a test file opens (runtimes, anything with dispose), disposed after each test: call it once
 * at the top of the file, then wrap each runtime as it is created (`const rt = keep(InterpRuntime.create(...))`).
 */
export function disposedAfterEach(): <T extends { dispose(): void }>(item: T) => T {
  const open: Array<{ dispose(): void }> = [];
  afterEach(() => {
    for (const item of open.splice(0)) item.dispose();
  });
  return (item) => {
    open.push(item);
    return item;
  };
}
