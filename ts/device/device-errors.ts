/**
 * How protocol failures become WrtErrors: a silent device is DEVICE_TIMEOUT, a broken link
 * PROTOCOL_ERROR, and an ERROR frame DEVICE_ERROR unless a more specific toolchain code says more
 * (a budget, an invalid module, a bad request).
 */
import type { ErrorCode } from '../core/error-codes.js';
import { type ErrorLocation, WrtError } from '../core/errors.js';
import { loadErrorOf, SIGNATURE_REFUSED_LOAD_ERROR, signatureRefusalOf } from './engine-codes.js';
import { DeviceErrorCode, deviceErrorName, messageTypeName } from './protocol.js';

/** The device did not answer in time. */
export const TIMEOUT_CODE: ErrorCode = 'DEVICE_TIMEOUT';
/** The device's bytes break the protocol, or the link ended. */
export const PROTOCOL_CODE: ErrorCode = 'PROTOCOL_ERROR';

/** What an ERROR frame says. */
export interface DeviceErrorInfo {
  readonly code: number;
  readonly name: string;
  /** Type of the request it answers; 0 when the device could not attribute the frame. */
  readonly aboutType: number;
  readonly detail: number;
  readonly limit: number;
  readonly message: string;
}

/** The toolchain code of an ERROR frame: a specific one where it exists, DEVICE_ERROR otherwise. */
function toolchainCodeFor(info: DeviceErrorInfo): ErrorCode {
  switch (info.code) {
    case DeviceErrorCode.UploadTooLarge:
    case DeviceErrorCode.ProfileTooLarge:
      return 'LIMIT_EXCEEDED';
    case DeviceErrorCode.LoadFailed:
      // The detail is the engine's load error code; one from a newer device is taken as a refused module.
      if (info.detail === SIGNATURE_REFUSED_LOAD_ERROR.code) return signatureRefusalOf(info.limit)?.errorCode ?? SIGNATURE_REFUSED_LOAD_ERROR.errorCode;
      return loadErrorOf(info.detail)?.errorCode ?? 'WASM_INVALID';
    case DeviceErrorCode.ExportNotFound:
    case DeviceErrorCode.ArgsInvalid:
    case DeviceErrorCode.NoModule:
    case DeviceErrorCode.InstanceUnknown:
      return 'VALUE_INVALID';
    case DeviceErrorCode.SessionFull:
    case DeviceErrorCode.DebugBudget:
      return 'LIMIT_EXCEEDED';
    default:
      return 'DEVICE_ERROR';
  }
}

/** An ERROR frame the device sent in answer to a request. */
export class DeviceError extends WrtError {
  readonly device: DeviceErrorInfo;

  constructor(info: DeviceErrorInfo, transport: string) {
    // LOAD_FAILED's limit field is a byte offset only for decode and validation errors; for a link
    // error it is the import's index, elsewhere 0 (docs/protocol.md).
    const load = info.code === DeviceErrorCode.LoadFailed ? loadErrorOf(info.detail) : undefined;
    const atByte = load !== undefined && (load.name === 'malformed' || load.name === 'invalid' || load.name === 'unsupported');
    super(
      toolchainCodeFor(info),
      `device refused ${messageTypeName(info.aboutType)}: ${info.name} (${info.code}): ${info.message}`,
      {
        source: transport,
        field: `device error ${info.name}`,
        offset: atByte ? info.limit : undefined,
        limit: load === undefined && info.limit !== 0 ? String(info.limit) : load === SIGNATURE_REFUSED_LOAD_ERROR ? `a module signed by the key the device holds (reason ${signatureRefusalOf(info.limit)?.name ?? info.limit})` : undefined,
      },
    );
    this.device = info;
  }
}

export function protocolError(message: string, location: ErrorLocation = {}): WrtError {
  return new WrtError(PROTOCOL_CODE, message, location);
}

export function isDeviceError(error: unknown, code?: number): error is DeviceError {
  return error instanceof DeviceError && (code === undefined || error.device.code === code);
}

export { deviceErrorName };
