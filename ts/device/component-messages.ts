/**
 * COMPONENT_INVOKE (docs/protocol.md §4e): a component's exported function, lifted from a core
 * export, run through the canonical ABI on the device. Arguments and the result travel in the
 * component model's value encoding (ts/component/value-encoding.ts); the types in wrt_cabi's type
 * encoding (docs/component.md).
 */
import { BodyReader, BodyWriter, invalid } from './messages.js';
import { MAX_EXPORT_NAME } from './protocol.js';

export type StringEncoding = 'utf8' | 'utf16' | 'latin1+utf16';

export const STRING_ENCODING_CODES: Readonly<Record<StringEncoding, number>> = { utf8: 0, utf16: 1, 'latin1+utf16': 2 };

export interface ComponentInvokeRequest {
  /** Instruction budget of the whole call (realloc, the export, post-return); 0: the profile's. */
  readonly fuel?: bigint;
  /** Instance of the session; 0 = the latest. */
  readonly instance?: number;
  readonly encoding: StringEncoding;
  /** The core export the function lifts. */
  readonly coreExport: string;
  readonly realloc?: string;
  readonly postReturn?: string;
  /** Type encoding of the parameters as one tuple; empty: none. */
  readonly paramsType: Uint8Array;
  /** Type encoding of a tuple of the one result; empty: none. */
  readonly resultType: Uint8Array;
  /** The arguments in the value encoding of the parameter tuple. */
  readonly args: Uint8Array;
  /**
   * The session instance whose memory 0 the `memory` option names, when it is not the function's
   * own (a trailing u16, §4e; devices with Feature.MultiMemory). Absent or 0: the function's.
   */
  readonly memoryInstance?: number;
  /**
   * The component instance whose handle table the function's own/borrow values go to and come
   * from (a second trailing u16, §4e; devices with Feature.HostHandles). Absent or 0: no handles
   * (a handle then traps 72).
   */
  readonly owner?: number;
}

/** Where a component call trapped (the answer's phase byte). */
export const COMPONENT_PHASES = ['', 'lowering the arguments', 'cabi_realloc', 'the core function', 'lifting the result', 'post-return'] as const;

export interface ComponentInvokeResult {
  /** 0: returned; 1..17 a core trap; 64 + n a canonical ABI trap (docs/protocol.md §4e). */
  readonly trap: number;
  readonly trapFunction: number;
  readonly fuelUsed: bigint;
  readonly peakStackBytes: number;
  readonly phase: number;
  /** The result's value encoding (empty after a trap or for a function without result). */
  readonly values: Uint8Array;
}

const MAX_U16 = 0xffff;

function name(text: string | undefined, field: string, required: boolean): Uint8Array {
  const bytes = new TextEncoder().encode(text ?? '');
  if ((required && bytes.length === 0) || bytes.length > MAX_EXPORT_NAME) {
    throw invalid(`${field} name of ${bytes.length} bytes`, field, `${required ? 1 : 0} .. ${MAX_EXPORT_NAME} bytes`);
  }
  return bytes;
}

function sized(bytes: Uint8Array, field: string): Uint8Array {
  if (bytes.length > MAX_U16) throw invalid(`${field} of ${bytes.length} bytes`, field, `at most ${MAX_U16} bytes`);
  return bytes;
}

export function encodeComponentInvoke(req: ComponentInvokeRequest): Uint8Array {
  const w = new BodyWriter().u64(req.fuel ?? 0n).u16(req.instance ?? 0).u8(STRING_ENCODING_CODES[req.encoding]);
  for (const [text, field, required] of [
    [req.coreExport, 'core export', true],
    [req.realloc, 'realloc', false],
    [req.postReturn, 'post-return', false],
  ] as const) {
    const bytes = name(text, field, required);
    w.u8(bytes.length).raw(bytes);
  }
  for (const [bytes, field] of [
    [req.paramsType, 'parameter types'],
    [req.resultType, 'result type'],
    [req.args, 'arguments'],
  ] as const) {
    w.u16(sized(bytes, field).length).raw(bytes);
  }
  const owner = req.owner ?? 0;
  if ((req.memoryInstance !== undefined && req.memoryInstance !== 0) || owner !== 0) {
    const memory = req.memoryInstance ?? 0;
    if (!Number.isInteger(memory) || memory < 0 || memory > 0xffff) {
      throw invalid(`memory instance ${memory}`, 'memoryInstance', '1 .. 65535');
    }
    w.u16(memory);
  }
  if (owner !== 0) {
    if (!Number.isInteger(owner) || owner < 0 || owner > 0xfffe) throw invalid(`component instance ${owner}`, 'owner', '1 .. 65534');
    w.u16(owner);
  }
  return w.finish();
}

export function decodeComponentInvokeResult(body: Uint8Array): ComponentInvokeResult {
  const r = new BodyReader(body, 'COMPONENT_INVOKE');
  const trap = r.u32('trap');
  const trapFunction = r.u32('trap_func');
  const fuelUsed = r.u64('fuel_used');
  const peakStackBytes = r.u32('peak_stack');
  const phase = r.u8('phase');
  const n = r.u16('values_len');
  const values = r.bytes(n, 'values');
  r.end();
  return { trap, trapFunction, fuelUsed, peakStackBytes, phase, values: Uint8Array.from(values) };
}

/** COMPONENT_ADAPTER (docs/protocol.md §4f): a canon lower of a function another instance lifts. */
export interface ComponentAdapterRequest {
  /** The callee: COMPONENT_INVOKE's fields (instance = its session id), without arguments. */
  readonly callee: Omit<ComponentInvokeRequest, 'args' | 'fuel'>;
  /** Session ids of the instances whose memory each side's options name; 0: none. */
  readonly calleeMemory: number;
  readonly callerMemory: number;
  /** The caller's realloc: its instance id (0: none) and export name. */
  readonly callerRealloc: { readonly instance: number; readonly name: string } | null;
  readonly callerEncoding: StringEncoding;
  /** Component instances (may_enter): the callee's is not entered while it is inside a call. */
  readonly callerOwner: number;
  readonly calleeOwner: number;
}

export function encodeComponentAdapter(req: ComponentAdapterRequest): Uint8Array {
  const callee = encodeComponentInvoke({ ...req.callee, args: new Uint8Array() });
  const realloc = name(req.callerRealloc?.name, 'caller realloc', false);
  const tail = new BodyWriter()
    .u16(req.calleeMemory)
    .u16(req.callerMemory)
    .u16(req.callerRealloc?.instance ?? 0)
    .u8(realloc.length)
    .raw(realloc)
    .u8(STRING_ENCODING_CODES[req.callerEncoding])
    .u16(req.callerOwner & 0xffff)
    .u16(req.calleeOwner & 0xffff)
    .finish();
  const out = new Uint8Array(callee.length + tail.length);
  out.set(callee, 0);
  out.set(tail, callee.length);
  return out;
}

/**
 * The answer to COMPONENT_ADAPTER or COMPONENT_RESOURCE: the index of what it defined (an adapter or
 * built-in, which uploads import as `#a` / the index in decimal; or a resource type).
 */
export function decodeDefinedIndex(body: Uint8Array, message: 'COMPONENT_ADAPTER' | 'COMPONENT_RESOURCE'): number {
  const r = new BodyReader(body, message);
  const index = r.u16('index');
  r.end();
  return index;
}

/** COMPONENT_RESOURCE (docs/protocol.md §4f): a resource type, or a resource built-in as a host function. */
export type ComponentResourceRequest =
  | { readonly op: 'type'; readonly implOwner: number; readonly dtor: { readonly instance: number; readonly name: string } | null }
  | { readonly op: 'resource.new' | 'resource.drop' | 'resource.rep'; readonly rt: number | null; readonly owner: number }
  /** Op 5 (Feature.HostHandles): the host drops handle `index` of its table; answered with 0 or the trap code. */
  | { readonly op: 'host-drop'; readonly rt: number | null; readonly index: number }
  | ComponentWasiRequest;

/** COMPONENT_RESOURCE op 4: the device's WASI 0.2 function `iface`#`func` lowered with the caller's options (Feature.Wasi2). */
export interface ComponentWasiRequest {
  readonly op: 'wasi';
  readonly owner: number;
  readonly memory: number;
  readonly realloc: { readonly instance: number; readonly name: string } | null;
  readonly encoding: StringEncoding;
  readonly iface: string;
  readonly func: string;
  readonly paramsType: Uint8Array;
  readonly resultType: Uint8Array;
}

/** A resource built-in naming no type: resource.drop of an imported type (the handle's own type is then not checked). */
export const ANY_RESOURCE = 0xffff;

export function encodeComponentResource(req: ComponentResourceRequest): Uint8Array {
  if (req.op === 'type') {
    const dtor = name(req.dtor?.name, 'destructor', false);
    return new BodyWriter().u8(0).u16(req.implOwner & 0xffff).u16(req.dtor?.instance ?? 0).u8(dtor.length).raw(dtor).finish();
  }
  if (req.op === 'wasi') {
    const realloc = name(req.realloc?.name, 'realloc', false);
    const iface = name(req.iface, 'WASI interface', true);
    const func = name(req.func, 'WASI function', true);
    return new BodyWriter()
      .u8(4)
      .u16(req.owner & 0xffff)
      .u16(req.memory)
      .u16(req.realloc?.instance ?? 0)
      .u8(realloc.length)
      .raw(realloc)
      .u8(STRING_ENCODING_CODES[req.encoding])
      .u8(iface.length)
      .raw(iface)
      .u8(func.length)
      .raw(func)
      .u16(req.paramsType.length)
      .raw(req.paramsType)
      .u16(req.resultType.length)
      .raw(req.resultType)
      .finish();
  }
  if (req.op === 'host-drop') {
    if (!Number.isInteger(req.index) || req.index < 0 || req.index > 0xffff) throw invalid(`handle index ${req.index}`, 'index', '0 .. 65535');
    return new BodyWriter().u8(5).u16(req.rt ?? ANY_RESOURCE).u16(req.index).finish();
  }
  const op = req.op === 'resource.new' ? 1 : req.op === 'resource.drop' ? 2 : 3;
  return new BodyWriter().u8(op).u16(req.rt ?? ANY_RESOURCE).u16(req.owner & 0xffff).finish();
}
