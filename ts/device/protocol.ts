/**
 * Numbers of the wire protocol (docs/protocol.md), mirrored from native/protocol/wrtp_proto.h.
 * They are stable: never renumber, only append.
 */
export const PROTOCOL_VERSION = 1;
export const HEADER_BYTES = 8;
export const CRC_BYTES = 4;
export const FRAME_OVERHEAD = HEADER_BYTES + CRC_BYTES;
/** Largest max_frame any device may announce. */
export const MAX_FRAME_LIMIT = 4096;
/** Every device accepts frames this large; the host stays under it until HELLO says more. */
export const MIN_FRAME = 256;
export const SHA256_BYTES = 32;
export const MAX_VALUES = 32;
/** Most strings one ARGS request carries, argv and environment together (WRTP_PROTO_MAX_ARGS). */
export const MAX_ARGS = 32;
export const MAX_EXPORT_NAME = 64;
/** Longest name of REGISTER, GLOBAL_GET and INVOKE's long-name form (sessions, docs/protocol.md §4a). */
export const MAX_LONG_NAME = 512;
export const REF_NULL = 0xffff_ffff;
/** Most imports one HOST_IMPORTS declares, and the longest module or field name (WRTP_PROTO_MAX_HOST_*). */
export const MAX_HOST_IMPORTS = 16;
export const MAX_HOST_NAME = 64;
/** HOST_IMPORTS flag: the device traces every host call (HOST_TRACE). */
export const HOST_TRACE_ALL = 0x01;
/** Most breakpoints one BREAKPOINTS request carries (WRTP_PROTO_MAX_BREAKPOINTS); the profile's budget is the real bound. */
export const MAX_BREAKPOINTS = 64;
/** A TRACE entry of a function of another module than the invoked one (WRT_TRACE_OTHER_MODULE). */
export const TRACE_OTHER_MODULE = 0x8000_0000;
/** A LOG level byte with this bit is a wrt:logging record: wasi:logging level, context, message. */
export const LOG_RECORD = 0x80;

export const MessageType = {
  Hello: 0x01,
  UploadBegin: 0x02,
  UploadChunk: 0x03,
  UploadEnd: 0x04,
  Invoke: 0x05,
  Stats: 0x06,
  Reset: 0x07,
  Session: 0x08,
  Register: 0x09,
  GlobalGet: 0x0a,
  Args: 0x0b,
  HostImports: 0x0c,
  HostResult: 0x0d,
  Breakpoints: 0x0e,
  /** A component function through the canonical ABI (§4e, Feature.Component). */
  ComponentInvoke: 0x0f,
  /** A canon lower of another instance's lifted function, as a host function uploads import (§4f, Feature.ComponentLink). */
  ComponentAdapter: 0x10,
  /** A resource type or a resource built-in (resource.new/drop/rep) on a component instance's handle table (§4f). */
  ComponentResource: 0x11,
  Output: 0x40,
  Log: 0x41,
  HostCall: 0x42,
  HostTrace: 0x43,
  Break: 0x44,
  Trace: 0x45,
  Error: 0x7f,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

export const Flag = { Response: 0x01, Unsolicited: 0x02 } as const;

export const Feature = {
  Float: 1 << 0,
  Output: 1 << 1,
  Log: 1 << 2,
  Fuel: 1 << 3,
  ReferenceTypes: 1 << 4,
  BulkMemory: 1 << 5,
  /** Sessions of several instances: SESSION, REGISTER, GLOBAL_GET, INVOKE's instance field (§4a). */
  Sessions: 1 << 6,
  /** ARGS: the WASI argv and environment of later invocations (§4b). */
  Args: 1 << 7,
  /** HOST_IMPORTS, HOST_CALL/HOST_RESULT, HOST_TRACE and wrt:logging LOG records (§4c). */
  HostCalls: 1 << 8,
  /** UPLOAD_BEGIN may carry the start function's fuel (a trailing u64, §4). */
  StartFuel: 1 << 9,
  /** A trapped INVOKE answer ends with the wasm backtrace (depth, frames of function and code cell). */
  Backtrace: 1 << 10,
  /** The core compiles no superinstructions (the small executor): the code form of its code cells. */
  CodeUnfused: 1 << 11,
  /** The core compiles no 64-bit superinstructions (a 32-bit device). */
  CodeNarrow: 1 << 12,
  /** Debugging within the profile's budget: BREAKPOINTS, BREAK and TRACE (§4d). */
  Debug: 1 << 13,
  /** COMPONENT_INVOKE: the canonical ABI runs on the device (§4e). */
  Component: 1 << 14,
  /** COMPONENT_ADAPTER: fused adapters run by nested invocation on the device (§4f). */
  ComponentLink: 1 << 15,
  /** COMPONENT_RESOURCE op 4: the device's WASI 0.2 functions for a component's wasi:* imports (§4f). */
  Wasi2: 1 << 16,
  /** SESSION's features byte turns multi-memory on for the session's core modules (§4a); COMPONENT_INVOKE takes a memory instance (§4e). */
  MultiMemory: 1 << 17,
  /** Handles between the host and the device: COMPONENT_INVOKE's owner field (§4e), COMPONENT_RESOURCE op 5 (host drop, §4f). */
  HostHandles: 1 << 18,
  TestDouble: 2 ** 31,
} as const;

/** SESSION's features byte (docs/protocol.md §4a): WebAssembly features of later uploads. */
export const SessionFeature = { MultiMemory: 0x01 } as const;

/** SESSION modes (docs/protocol.md §4a): one module (version 1), or keep every instance loaded. */
export const SessionMode = { One: 0, Keep: 1 } as const;
export type SessionMode = (typeof SessionMode)[keyof typeof SessionMode];

/** The funcref a host function travels as: it has no index in a module. */
export const REF_HOST = 0xffff_fffe;

export const ResetKind = { Session: 0, Device: 1 } as const;
export type ResetKind = (typeof ResetKind)[keyof typeof ResetKind];

export const OutputStream = { Stdout: 1, Stderr: 2 } as const;

/** Error codes of ERROR frames, by number. */
export const DEVICE_ERROR_NAMES: Readonly<Record<number, string>> = {
  1: 'FRAME_CRC',
  2: 'FRAME_MALFORMED',
  3: 'FRAME_TOO_LARGE',
  4: 'FRAME_TRUNCATED',
  5: 'VERSION_UNSUPPORTED',
  6: 'TYPE_UNKNOWN',
  7: 'BODY_MALFORMED',
  8: 'STATE',
  9: 'UPLOAD_TOO_LARGE',
  10: 'PROFILE_TOO_LARGE',
  11: 'UPLOAD_RANGE',
  12: 'UPLOAD_GAP',
  13: 'UPLOAD_INCOMPLETE',
  14: 'HASH_MISMATCH',
  15: 'LOAD_FAILED',
  16: 'NO_MODULE',
  17: 'EXPORT_NOT_FOUND',
  18: 'ARGS_INVALID',
  19: 'ENGINE_FAILED',
  20: 'INSTANCE_UNKNOWN',
  21: 'SESSION_FULL',
  22: 'DEBUG_BUDGET',
};

export const DeviceErrorCode = {
  FrameCrc: 1,
  FrameMalformed: 2,
  FrameTooLarge: 3,
  FrameTruncated: 4,
  VersionUnsupported: 5,
  TypeUnknown: 6,
  BodyMalformed: 7,
  State: 8,
  UploadTooLarge: 9,
  ProfileTooLarge: 10,
  UploadRange: 11,
  UploadGap: 12,
  UploadIncomplete: 13,
  HashMismatch: 14,
  LoadFailed: 15,
  NoModule: 16,
  ExportNotFound: 17,
  ArgsInvalid: 18,
  EngineFailed: 19,
  InstanceUnknown: 20,
  SessionFull: 21,
  DebugBudget: 22,
} as const;

export function deviceErrorName(code: number): string {
  return DEVICE_ERROR_NAMES[code] ?? `UNKNOWN_${code}`;
}

export function messageTypeName(type: number): string {
  for (const [name, value] of Object.entries(MessageType)) if (value === type) return name;
  return `0x${type.toString(16).padStart(2, '0')}`;
}
