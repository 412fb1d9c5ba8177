/**
 * Message bodies of docs/protocol.md §3–4: encoders for requests, decoders for what the device
 * sends. Decoders check every length and throw only WrtError naming the field and body offset.
 */
import { WrtError } from '../core/errors.js';
import { type DeviceErrorInfo, protocolError } from './device-errors.js';
import { deviceErrorName, LOG_RECORD, MAX_ARGS, MAX_EXPORT_NAME, MAX_LONG_NAME, MAX_VALUES, REF_NULL, SHA256_BYTES } from './protocol.js';

export type WireValue =
  | { readonly type: 'i32'; readonly value: number }
  | { readonly type: 'i64'; readonly value: bigint }
  /** IEEE 754 bit pattern, so NaN payloads survive. */
  | { readonly type: 'f32'; readonly bits: number }
  | { readonly type: 'f64'; readonly bits: bigint }
  | { readonly type: 'funcref'; readonly index: number | null }
  | { readonly type: 'externref'; readonly index: number | null };

export type WireValueType = WireValue['type'];

export const TYPE_CODES: Readonly<Record<WireValueType, number>> = {
  i32: 0x7f,
  i64: 0x7e,
  f32: 0x7d,
  f64: 0x7c,
  funcref: 0x70,
  externref: 0x6f,
};

export const i32 = (value: number): WireValue => ({ type: 'i32', value: value | 0 });
export const i64 = (value: bigint): WireValue => ({ type: 'i64', value: BigInt.asIntN(64, value) });
export function f32(value: number): WireValue {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value, true);
  return { type: 'f32', bits: view.getUint32(0, true) };
}
export function f64(value: number): WireValue {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value, true);
  return { type: 'f64', bits: view.getBigUint64(0, true) };
}

/** The number a float value stands for. */
export function floatOf(value: WireValue): number | undefined {
  const view = new DataView(new ArrayBuffer(8));
  if (value.type === 'f32') {
    view.setUint32(0, value.bits, true);
    return view.getFloat32(0, true);
  }
  if (value.type === 'f64') {
    view.setBigUint64(0, value.bits, true);
    return view.getFloat64(0, true);
  }
  return undefined;
}

/** Grows as it writes; values are checked by the caller-facing encoders. */
export class BodyWriter {
  private bytes = new Uint8Array(64);
  private view = new DataView(this.bytes.buffer);
  private length = 0;

  private room(n: number): void {
    if (this.length + n <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + n));
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.room(1);
    this.view.setUint8(this.length, v);
    this.length += 1;
    return this;
  }
  u16(v: number): this {
    this.room(2);
    this.view.setUint16(this.length, v, true);
    this.length += 2;
    return this;
  }
  u32(v: number): this {
    this.room(4);
    this.view.setUint32(this.length, v >>> 0, true);
    this.length += 4;
    return this;
  }
  u64(v: bigint): this {
    this.room(8);
    this.view.setBigUint64(this.length, BigInt.asUintN(64, v), true);
    this.length += 8;
    return this;
  }
  raw(b: Uint8Array): this {
    this.room(b.length);
    this.bytes.set(b, this.length);
    this.length += b.length;
    return this;
  }
  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

/** Reads a device's body; any shortfall is a WrtError naming the message, field and offset. */
export class BodyReader {
  private readonly view: DataView;
  private pos = 0;

  constructor(
    private readonly body: Uint8Array,
    private readonly message: string,
  ) {
    this.view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  }

  private need(n: number, field: string): number {
    if (n > this.body.length - this.pos) {
      throw protocolError(`${this.message} answer is cut short`, {
        field,
        offset: this.pos,
        limit: `body of ${this.body.length} bytes`,
      });
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  get offset(): number {
    return this.pos;
  }
  u8(field: string): number {
    return this.view.getUint8(this.need(1, field));
  }
  u16(field: string): number {
    return this.view.getUint16(this.need(2, field), true);
  }
  u32(field: string): number {
    return this.view.getUint32(this.need(4, field), true);
  }
  u64(field: string): bigint {
    return this.view.getBigUint64(this.need(8, field), true);
  }
  bytes(n: number, field: string): Uint8Array {
    const at = this.need(n, field);
    return this.body.slice(at, at + n);
  }
  end(): void {
    if (this.pos !== this.body.length) {
      throw protocolError(`${this.message} answer has ${this.body.length - this.pos} bytes too many`, {
        offset: this.pos,
        limit: `body of ${this.pos} bytes`,
      });
    }
  }
}

export function invalid(message: string, field: string, limit?: string): WrtError {
  return new WrtError('VALUE_INVALID', message, limit !== undefined ? { field, limit } : { field });
}

export function writeValue(w: BodyWriter, value: WireValue, field: string): void {
  w.u8(TYPE_CODES[value.type]);
  switch (value.type) {
    case 'i32':
      if (!Number.isInteger(value.value) || value.value < -0x8000_0000 || value.value > 0xffff_ffff) {
        throw invalid(`${value.value} is not an i32`, field);
      }
      w.u32(value.value >>> 0);
      return;
    case 'f32':
      if (!Number.isInteger(value.bits) || value.bits < 0 || value.bits > 0xffff_ffff) {
        throw invalid(`${value.bits} is not a 32-bit pattern`, field);
      }
      w.u32(value.bits);
      return;
    case 'i64':
    case 'f64':
      w.u64(value.type === 'i64' ? value.value : value.bits);
      return;
    case 'funcref':
    case 'externref':
      if (value.index !== null && (!Number.isInteger(value.index) || value.index < 0 || value.index >= REF_NULL)) {
        throw invalid(`${value.index} is not a reference index`, field, `0 .. ${REF_NULL - 1}`);
      }
      w.u32(value.index ?? REF_NULL);
      return;
  }
}

export function readValue(r: BodyReader, field: string): WireValue {
  const at = r.offset;
  const code = r.u8(field);
  switch (code) {
    case 0x7f:
      return { type: 'i32', value: r.u32(field) | 0 };
    case 0x7e:
      return { type: 'i64', value: BigInt.asIntN(64, r.u64(field)) };
    case 0x7d:
      return { type: 'f32', bits: r.u32(field) };
    case 0x7c:
      return { type: 'f64', bits: r.u64(field) };
    case 0x70:
    case 0x6f: {
      const index = r.u32(field);
      return { type: code === 0x70 ? 'funcref' : 'externref', index: index === REF_NULL ? null : index };
    }
    default:
      throw protocolError(`unknown value type 0x${code.toString(16)}`, { field, offset: at });
  }
}

/** A count byte (at most MAX_VALUES) and that many typed values; `list` names them in errors. */
export function readValues(r: BodyReader, list: string, countField: string): WireValue[] {
  const at = r.offset;
  const count = r.u8(countField);
  if (count > MAX_VALUES) throw protocolError(`${count} ${list}`, { field: countField, offset: at, limit: `${MAX_VALUES}` });
  const values: WireValue[] = [];
  for (let i = 0; i < count; i++) values.push(readValue(r, `${list}[${i}]`));
  return values;
}

/** A count byte and that many wasm frames (function index, code cell): a backtrace, or a breakpoint's stack. */
export function readFrames(r: BodyReader): TrapFrame[] {
  const n = r.u8('nframes');
  const frames: TrapFrame[] = [];
  for (let i = 0; i < n; i++) frames.push({ func: r.u32(`frames[${i}].func`), cell: r.u32(`frames[${i}].cell`) });
  return frames;
}

// ---- requests -------------------------------------------------------------------------------

export const EMPTY_BODY = new Uint8Array(0);

export interface UploadBeginRequest {
  readonly size: number;
  readonly sha256: Uint8Array;
  readonly profile: Uint8Array;
  /** Fuel for the module's start function (only to a device with Feature.StartFuel); absent: the profile's. */
  readonly startFuel?: bigint;
}

export function encodeUploadBegin(req: UploadBeginRequest): Uint8Array {
  if (!Number.isInteger(req.size) || req.size < 0 || req.size > 0xffff_ffff) {
    throw invalid(`module size ${req.size} cannot be uploaded`, 'size', '1 .. 4294967295 bytes');
  }
  if (req.sha256.length !== SHA256_BYTES) throw invalid('SHA-256 digest must be 32 bytes', 'sha256');
  if (req.profile.length > 0xffff) throw invalid('profile blob too long', 'profile', '65535 bytes');
  const body = new BodyWriter().u32(req.size).raw(req.sha256).u16(req.profile.length).raw(req.profile);
  return (req.startFuel === undefined ? body : body.u64(req.startFuel)).finish();
}

export function encodeUploadChunk(offset: number, data: Uint8Array): Uint8Array {
  if (data.length === 0) throw invalid('an upload chunk carries at least one byte', 'data');
  return new BodyWriter().u32(offset).raw(data).finish();
}

export interface InvokeRequest {
  readonly name: string;
  readonly args: readonly WireValue[];
  /** Instruction budget; 0 or absent: the profile's. */
  readonly fuel?: bigint;
  /**
   * Instance of a session (docs/protocol.md §4a), 0 = the latest. Absent: the field is not sent
   * (a device without feature bit 6 refuses it).
   */
  readonly instance?: number;
}

function exportName(text: string, field: string): Uint8Array {
  const name = new TextEncoder().encode(text);
  if (name.length < 1 || name.length > MAX_EXPORT_NAME) {
    throw invalid(`${field} name of ${name.length} bytes`, field, `1 .. ${MAX_EXPORT_NAME} bytes`);
  }
  return name;
}

function instanceId(instance: number): number {
  if (!Number.isInteger(instance) || instance < 0 || instance > 0xffff) {
    throw invalid(`${instance} is not an instance id`, 'instance', '0 .. 65535');
  }
  return instance;
}

function longName(text: string, field: string): Uint8Array {
  const name = new TextEncoder().encode(text);
  if (name.length > MAX_LONG_NAME) throw invalid(`${field} name of ${name.length} bytes`, field, `0 .. ${MAX_LONG_NAME} bytes`);
  return name;
}

/**
 * INVOKE. With an instance (a device with sessions) an empty name or one longer than 64 bytes
 * takes the long-name form: length byte 0, then a u16 length (docs/protocol.md §4a).
 */
export function encodeInvoke(req: InvokeRequest): Uint8Array {
  const encoded = new TextEncoder().encode(req.name);
  const long = req.instance !== undefined && (encoded.length === 0 || encoded.length > MAX_EXPORT_NAME);
  const name = long ? longName(req.name, 'export') : exportName(req.name, 'export');
  if (req.args.length > MAX_VALUES) throw invalid(`${req.args.length} arguments`, 'args', `${MAX_VALUES}`);
  const w = new BodyWriter().u64(req.fuel ?? 0n);
  if (long) w.u8(0).u16(name.length);
  else w.u8(name.length);
  w.raw(name).u8(req.args.length);
  req.args.forEach((arg, i) => writeValue(w, arg, `args[${i}]`));
  if (req.instance !== undefined) w.u16(instanceId(req.instance));
  return w.finish();
}

/**
 * SESSION: no mode only asks; a mode sets it, and a features byte after it (SessionFeature bits:
 * 0x01 multi-memory) the WebAssembly features of later uploads (docs/protocol.md §4a).
 */
export function encodeSession(mode?: number, features?: number): Uint8Array {
  if (mode === undefined) {
    if (features !== undefined) throw invalid('SESSION features without a mode', 'features', 'a mode with them');
    return EMPTY_BODY;
  }
  if (mode !== 0 && mode !== 1) throw invalid(`session mode ${mode}`, 'mode', '0 (one module) or 1 (keep)');
  if (features === undefined) return Uint8Array.of(mode);
  if (!Number.isInteger(features) || features < 0 || features > 1) throw invalid(`session features ${features}`, 'features', '0 .. 1 (bit 0 multi-memory)');
  return Uint8Array.of(mode, features);
}

/** REGISTER and GLOBAL_GET: an instance id (0 = the latest) and a name. */
export function encodeNamed(instance: number, name: string): Uint8Array {
  const bytes = longName(name, 'name');
  return new BodyWriter().u16(instanceId(instance)).u16(bytes.length).raw(bytes).finish();
}

/** ARGS: argv, then the environment as NAME=value strings (docs/protocol.md §4b). */
export function encodeArgs(argv: readonly string[], env: Readonly<Record<string, string>>): Uint8Array {
  const envStrings = Object.entries(env).map(([name, value]) => `${name}=${value}`);
  const all = [...argv, ...envStrings];
  if (all.length > MAX_ARGS) throw invalid(`${argv.length} arguments and ${envStrings.length} environment variables`, 'args', `${MAX_ARGS} strings`);
  const w = new BodyWriter().u8(argv.length).u8(envStrings.length);
  all.forEach((text, index) => {
    const bytes = new TextEncoder().encode(text);
    if (bytes.includes(0)) throw invalid(`string ${index} contains a NUL byte`, `args[${index}]`);
    if (bytes.length > 0xffff) throw invalid(`string ${index} is ${bytes.length} bytes`, `args[${index}]`, '65535 bytes');
    w.u16(bytes.length).raw(bytes);
  });
  return w.finish();
}

export function encodeReset(kind: number): Uint8Array {
  return new BodyWriter().u8(kind).finish();
}

// ---- answers and device frames --------------------------------------------------------------

export interface HelloInfo {
  readonly protocolVersion: number;
  readonly maxFrame: number;
  readonly interpreterVersion: string;
  readonly arenaBytes: number;
  readonly ramBytes: number;
  readonly uploadCapacity: number;
  readonly profileCapacity: number;
  readonly features: number;
  readonly bootId: number;
  readonly deviceId: string;
}

export function decodeHello(body: Uint8Array): HelloInfo {
  const r = new BodyReader(body, 'HELLO');
  const protocolVersion = r.u8('protocol_version');
  const idLength = r.u8('device_id_len');
  const maxFrame = r.u16('max_frame');
  const version = r.u32('interp_version');
  const hello: HelloInfo = {
    protocolVersion,
    maxFrame,
    interpreterVersion: `${version >>> 16}.${(version >>> 8) & 0xff}.${version & 0xff}`,
    arenaBytes: r.u32('arena_bytes'),
    ramBytes: r.u32('ram_bytes'),
    uploadCapacity: r.u32('upload_capacity'),
    profileCapacity: r.u32('profile_capacity'),
    features: r.u32('features'),
    bootId: r.u32('boot_id'),
    deviceId: new TextDecoder().decode(r.bytes(idLength, 'device_id')),
  };
  r.end();
  if (maxFrame < 256 || maxFrame > 4096) {
    throw protocolError(`device announces max_frame ${maxFrame}`, { field: 'max_frame', offset: 2, limit: '256 .. 4096' });
  }
  return hello;
}

export function decodeNextOffset(body: Uint8Array, message: string): number {
  const r = new BodyReader(body, message);
  const next = r.u32('next_offset');
  r.end();
  return next;
}

export interface UploadEndAnswer {
  readonly size: number;
  readonly sha256: Uint8Array;
}

export function decodeUploadEnd(body: Uint8Array): UploadEndAnswer {
  const r = new BodyReader(body, 'UPLOAD_END');
  const answer = { size: r.u32('size'), sha256: r.bytes(SHA256_BYTES, 'sha256') };
  r.end();
  return answer;
}

/** One frame of a trap's backtrace: a function (index in its module) and a cell of its compiled code. */
export interface TrapFrame {
  readonly func: number;
  readonly cell: number;
}

export interface InvokeResult {
  /** 0: returned normally; else the interpreter's trap code (native/interp/wrt_trap.h). */
  readonly trap: number;
  readonly trapFunction: number;
  readonly fuelUsed: bigint;
  readonly peakStackBytes: number;
  readonly results: readonly WireValue[];
  /** A trap's backtrace, innermost first (devices with Feature.Backtrace; else empty). */
  readonly frames: readonly TrapFrame[];
  /** Wasm frames active at the trap: more than `frames` when the device kept only the innermost. */
  readonly depth: number;
}

export function decodeInvokeResult(body: Uint8Array): InvokeResult {
  const r = new BodyReader(body, 'INVOKE');
  const trap = r.u32('trap');
  const trapFunction = r.u32('trap_func');
  const fuelUsed = r.u64('fuel_used');
  const peakStackBytes = r.u32('peak_stack');
  const results = readValues(r, 'results', 'nresults');
  let frames: TrapFrame[] = [];
  let depth = 0;
  // A device without the backtrace feature ends the answer here (docs/protocol.md, INVOKE).
  if (trap !== 0 && r.offset < body.length) {
    depth = r.u32('depth');
    frames = readFrames(r);
  }
  r.end();
  return { trap, trapFunction, fuelUsed, peakStackBytes, results, frames, depth };
}

export interface SessionInfo {
  /** 0 one module (version 1), 1 keep every instance. */
  readonly mode: number;
  readonly instances: number;
  readonly maxInstances: number;
  /** Id of the last instance loaded, 0 when none. */
  readonly latest: number;
  readonly registrations: number;
  readonly maxRegistrations: number;
  /** SessionFeature bits on for later uploads (0 from a device that predates them). */
  readonly features: number;
}

export function decodeSession(body: Uint8Array): SessionInfo {
  const r = new BodyReader(body, 'SESSION');
  const mode = r.u8('mode');
  const features = r.u8('features');
  if (features > 1) throw protocolError(`SESSION features byte is ${features}`, { field: 'features', offset: 1, limit: '0 .. 1' });
  const info: SessionInfo = {
    mode,
    instances: r.u16('instances'),
    maxInstances: r.u16('max_instances'),
    latest: r.u16('latest'),
    registrations: r.u16('registrations'),
    maxRegistrations: r.u16('max_registrations'),
    features,
  };
  r.end();
  if (mode > 1) throw protocolError(`SESSION mode ${mode}`, { field: 'mode', offset: 0, limit: '0 .. 1' });
  return info;
}

/** The GLOBAL_GET answer: one typed value. */
export function decodeGlobalValue(body: Uint8Array): WireValue {
  const r = new BodyReader(body, 'GLOBAL_GET');
  const value = readValue(r, 'value');
  r.end();
  return value;
}

export function decodeEmpty(body: Uint8Array, message: string): void {
  new BodyReader(body, message).end();
}

export function decodeStats(body: Uint8Array): ReadonlyMap<string, bigint> {
  const r = new BodyReader(body, 'STATS');
  const count = r.u8('count');
  const stats = new Map<string, bigint>();
  for (let i = 0; i < count; i++) {
    const length = r.u8(`counters[${i}].name_len`);
    const name = new TextDecoder().decode(r.bytes(length, `counters[${i}].name`));
    stats.set(name, r.u64(`counters[${i}].value`));
  }
  r.end();
  return stats;
}

export function decodeError(body: Uint8Array): DeviceErrorInfo {
  const r = new BodyReader(body, 'ERROR');
  const code = r.u16('code');
  const aboutType = r.u8('about_type');
  const length = r.u8('message_len');
  const detail = r.u32('detail');
  const limit = r.u32('limit');
  const message = new TextDecoder().decode(r.bytes(length, 'message'));
  r.end();
  return { code, name: deviceErrorName(code), aboutType, detail, limit, message };
}

export interface OutputChunk {
  /** 1 stdout, 2 stderr. */
  readonly stream: number;
  readonly bytes: Uint8Array;
}

export function decodeOutput(body: Uint8Array): OutputChunk {
  const r = new BodyReader(body, 'OUTPUT');
  const stream = r.u8('stream');
  return { stream, bytes: r.bytes(body.length - 1, 'bytes') };
}

/** Levels of the device's own LOG lines, by number. */
export const LOG_LEVELS = ['error', 'warning', 'info', 'debug'] as const;
/** Levels of wrt:logging records, wasi:logging's enum in its order. */
export const LOG_RECORD_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'critical'] as const;

export interface LogLine {
  /** The level byte's number: 0 error, 1 warning, 2 info, 3 debug; of a record, wasi:logging's 0 trace .. 5 critical. */
  readonly level: number;
  readonly text: string;
  /** A wrt:logging record (docs/protocol.md §4c): its level's name and its context string. */
  readonly record?: { readonly levelName: (typeof LOG_RECORD_LEVELS)[number]; readonly context: string };
}

export function decodeLog(body: Uint8Array): LogLine {
  const r = new BodyReader(body, 'LOG');
  const byte = r.u8('level');
  if ((byte & LOG_RECORD) === 0) return { level: byte, text: new TextDecoder().decode(r.bytes(body.length - 1, 'text')) };
  const level = byte & ~LOG_RECORD;
  const levelName = LOG_RECORD_LEVELS[level];
  if (levelName === undefined) throw protocolError(`LOG record level ${level}`, { field: 'level', offset: 0, limit: `0 .. ${LOG_RECORD_LEVELS.length - 1}` });
  const context = new TextDecoder().decode(r.bytes(r.u8('context_len'), 'context'));
  const text = new TextDecoder().decode(r.bytes(body.length - r.offset, 'message'));
  return { level, text, record: { levelName, context } };
}
