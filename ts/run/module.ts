/**
 * A module as `run`, `deploy` and HIL take it: read once, recognised (a text file, an ELF or a
 * component is named for what it is), validated once, and the validator's report kept for
 * everything after it: export signatures to type arguments, function names for traps, and the
 * analysis the profile compiler needs.
 */
import * as path from 'node:path';
import { WrtError } from '../core/errors.js';
import { type DeviceError, isDeviceError } from '../device/device-errors.js';
import { loadErrorName } from '../device/engine-codes.js';
import { type HostFunction, type NativesFile, qualifiedName, unofferedImports, unofferedReason, withNatives } from '../targets/host-functions.js';
import { listTargetIds, loadTarget } from '../targets/load.js';
import { DeviceErrorCode } from '../device/protocol.js';
import type { WireValue } from '../device/messages.js';
import type { DebugLevel } from '../limits/types.js';
import { readModuleFile, type UploadCapacity } from '../targets/upload-capacity.js';
import type { ExportReport, WasmReport } from '../wasm/report.js';
import { uploadForm, type UploadForm } from '../wasm/upload-form.js';
import { validateWasm } from '../wasm/validate.js';
import { parseArguments } from './values.js';

export interface PreparedModule {
  /** As the user named it. */
  readonly file: string;
  /** The whole file. */
  readonly bytes: Uint8Array;
  readonly report: WasmReport;
}

/** What to call, with which wire values; a WASI command is `_start` with none. */
export interface Invocation {
  readonly name: string;
  readonly args: readonly WireValue[];
  /** true for a WASI command: its argv travels in ARGS and its return is exit code 0. */
  readonly command: boolean;
}

const PROFILE_MAGIC_TEXT = 'WRTP';

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function looksLikeWat(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.subarray(0, 4096)).toString('utf8');
  const code = head.replace(/\(;[\s\S]*?;\)/g, ' ').replace(/;;[^\n]*/g, ' ').trimStart();
  return code.startsWith('(module') || code.startsWith('(component');
}

/**
 * Why the bytes are not a core WebAssembly module, in words a user can act on; undefined when
 * they start like one (the validator then says what else is wrong).
 */
export function notWasmReason(bytes: Uint8Array, file: string): string | undefined {
  const name = path.basename(file);
  if (bytes.length === 0) return `${name} is empty: a WebAssembly module starts with the bytes 00 61 73 6d`;
  if (startsWith(bytes, [0x00, 0x61, 0x73, 0x6d])) {
    const version = bytes.length >= 8 ? new DataView(bytes.buffer, bytes.byteOffset + 4, 4).getUint32(0, true) : -1;
    if (version === 1 || version === -1) return undefined;
    if ((version & 0xffff0000) === 0x00010000) {
      return `${name} is a WebAssembly component (binary layer 1, version 0x${(version & 0xffff).toString(16)}), not a core module: this command takes core modules (run and deploy call a component's functions: --invoke 'name(args)')`;
    }
    return undefined;
  }
  if (startsWith(bytes, [0x7f, 0x45, 0x4c, 0x46])) {
    return `${name} is an ELF file (a native program or firmware image), not WebAssembly: compile the program for wasm32 (clang --target=wasm32-wasi)`;
  }
  if (Buffer.from(bytes.subarray(0, 4)).toString('latin1') === PROFILE_MAGIC_TEXT) {
    return `${name} is a wrt-target binary profile, not a module: pass it with --profile ${file}`;
  }
  if (looksLikeWat(bytes)) {
    return `${name} is WebAssembly text (.wat), not a binary module: convert it with \`wat2wasm ${file} -o ${name.replace(/\.wat$/, '')}.wasm\` (Debian package wabt)`;
  }
  const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return `${name} is not a WebAssembly module: it starts with ${head}, a module with 00 61 73 6d`;
}

/** Recognises and validates the module; MODULE_NOT_WASM or the validator's error otherwise. */
export function prepareModule(file: string, bytes: Uint8Array): PreparedModule {
  const reason = notWasmReason(bytes, file);
  if (reason !== undefined) throw new WrtError('MODULE_NOT_WASM', reason, { file });
  return { file, bytes, report: validateWasm(bytes, { file }) };
}

/**
 * Reads (a regular file, at most MAX_MODULE_FILE_BYTES, size checked first, and refused unread when
 * it cannot fit the device's upload capacity) and prepares a module.
 */
export function loadModule(file: string, cwd: string = process.cwd(), capacity?: UploadCapacity): PreparedModule {
  return prepareModule(file, readModuleFile(file, cwd, capacity));
}

/** The bytes the device is sent under a profile of this debug level (none without a profile). */
export function moduleUploadForm(module: PreparedModule, debug: DebugLevel): UploadForm {
  return uploadForm(module.bytes, debug, module.file);
}

function functionExports(report: WasmReport): ExportReport[] {
  return report.exports.filter((e) => e.kind === 'function');
}

/** The exports as a person reads them: `add (i32, i32) -> i32, _start () -> ()`. */
export function describeExports(report: WasmReport): string {
  const exports = functionExports(report);
  if (exports.length === 0) return 'it exports no function';
  const shown = exports.slice(0, 12).map((e) => `${e.name} ${e.type}`);
  return `its exported functions: ${shown.join(', ')}${exports.length > shown.length ? `, and ${exports.length - shown.length} more` : ''}`;
}

/**
 * What to call: `--invoke NAME` with its arguments typed by the export's signature, or `_start` as
 * a WASI command. A missing export names itself and lists what the module exports.
 */
export function planInvocation(module: PreparedModule, invoke: string | undefined, args: readonly string[]): Invocation {
  const name = invoke ?? '_start';
  const found = functionExports(module.report).find((e) => e.name === name);
  if (found === undefined) {
    const what = invoke === undefined ? 'exports no _start, so it is not a WASI command: name an export with --invoke' : `has no exported function "${invoke}"`;
    throw new WrtError('EXPORT_NOT_FOUND', `the module ${what}; ${describeExports(module.report)}`, {
      file: module.file,
      field: '--invoke',
    });
  }
  if (invoke === undefined) return { name, args: [], command: true };
  return { name, args: parseArguments(args, found.signature?.params), command: false };
}

/** A trap while the device loaded the module: its start function, named, and what bounds it. */
function explainStartTrap(error: DeviceError, module: PreparedModule): WrtError {
  const start = module.report.start;
  const name = start === null ? undefined : functionName(module, start);
  const which = start === null ? 'its start function' : `its start function (function ${start}${name === undefined ? '' : `, ${name}`})`;
  const fuel = error.device.message === 'fuel exhausted';
  return new WrtError(
    'WASM_TRAPPED',
    `the module trapped while the device loaded it, in ${which}: ${error.device.message}`,
    { file: module.file, field: 'start function', ...(fuel ? { limit: 'the fuel --fuel or the profile gives, which bounds the start function as it bounds an invocation' } : {}) },
    { cause: error },
  );
}

/**
 * What a device offers, from the target definition its id names (and a --natives file built into
 * it); undefined for a device no definition describes.
 */
export function offeredByDevice(deviceId: string, natives?: NativesFile): readonly HostFunction[] | undefined {
  if (!listTargetIds().includes(deviceId)) return undefined;
  const listed = loadTarget(deviceId).hostFunctions;
  return listed === undefined ? undefined : withNatives(listed, natives, deviceId);
}

/**
 * A device's refusal to load the module, in the module's own terms: for a link error the import
 * it could not satisfy (module.field, its type, its byte offset), and what the device offers
 * instead (the function of that name with its type, or the closest offered one); for a trap, the
 * start function. Other errors are returned as they are.
 */
export function explainLoadFailure(error: unknown, module: PreparedModule, deviceId: string, natives?: NativesFile): unknown {
  if (!isDeviceError(error, DeviceErrorCode.LoadFailed)) return error;
  if (loadErrorName(error.device.detail) === 'trap') return explainStartTrap(error, module);
  if (loadErrorName(error.device.detail) !== 'link') return error;
  const imported = module.report.imports[error.device.limit];
  if (imported === undefined) return error;
  const offered = offeredByDevice(deviceId, natives) ?? [];
  const missing = unofferedImports([imported], offered)[0];
  const why =
    missing === undefined
      ? `${deviceId} lists it with this type`
      : `${unofferedReason(missing, offered)}${missing.offeredAs === undefined ? ' (a host function in JavaScript can serve it: --host FILE.mjs, docs/host-calls.md)' : ''}`;
  return new WrtError(
    'WASM_LINK_FAILED',
    `the module imports ${qualifiedName(imported)} (${imported.kind} ${imported.type}), which ${deviceId} refused to link: ${why}`,
    {
      file: module.file,
      offset: imported.offset,
      field: `import ${error.device.limit}`,
      limit: `the host functions of ${deviceId} (hostFunctions of its target definition, docs/host-functions.md)`,
    },
    { cause: error },
  );
}

/** A function's name from the module's name section, when it has one. */
export function functionName(module: PreparedModule, index: number): string | undefined {
  return module.report.functions.find((f) => f.index === index)?.name ?? undefined;
}

/** A frame's name as wasm-objdump shows it: the name section's, else the function's export name. */
export function frameName(module: PreparedModule, index: number): string | undefined {
  return functionName(module, index) ?? module.report.exports.find((e) => e.kind === 'function' && e.index === index)?.name;
}

/** An imported function's `module.field` by its function index (imports come first in that space). */
export function importName(module: PreparedModule, index: number): string | undefined {
  const found = module.report.imports.find((i) => i.kind === 'function' && i.index === index);
  return found === undefined ? undefined : `${found.module}.${found.name}`;
}
