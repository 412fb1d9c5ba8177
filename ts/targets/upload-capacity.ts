/**
 * The largest module a target's device takes (its upload buffer), known before the device is
 * asked: a board's firmware is built with `firmware.uploadBufferBytes` of its target YAML, and
 * `run` starts native-sim with NATIVE_SIM_UPLOAD_BYTES. A module over it is refused before it is
 * read whole; the HELLO check of the device session stays for a device flashed with other firmware.
 */
import { WrtError } from '../core/errors.js';
import { formatBytes } from '../core/output.js';
import { resolve } from 'node:path';
import { MAX_MODULE_FILE_BYTES, readUserFile, type UserFileSpec } from '../core/user-file.js';
import { strippedSizeFromHeaders } from '../wasm/sections.js';
import type { TargetDefinition } from './types.js';

/** native-sim's upload buffer as `run` starts it (--upload-capacity); a wasi-libc C program is 50-500 KiB. */
export const NATIVE_SIM_UPLOAD_BYTES = 4 * 1024 * 1024;

export interface UploadCapacity {
  readonly bytes: number;
  /** The device, for messages. */
  readonly device: string;
  /** Where the figure comes from. */
  readonly source: string;
}

/** native-sim's, for `run` (which needs no target definition to know it). */
export const NATIVE_SIM_UPLOAD_CAPACITY: UploadCapacity = {
  bytes: NATIVE_SIM_UPLOAD_BYTES,
  device: 'native-sim',
  source: 'native-sim --upload-capacity, as run starts it',
};

/** The target's upload capacity, or undefined for a target with no upload buffer of its own (a host). */
export function uploadCapacityOf(def: TargetDefinition): UploadCapacity | undefined {
  if (def.kind === 'host-sim') {
    return NATIVE_SIM_UPLOAD_CAPACITY;
  }
  if (def.firmware !== undefined) {
    return { bytes: def.firmware.uploadBufferBytes, device: def.id, source: `targets/${def.id}.yaml firmware.uploadBufferBytes` };
  }
  return undefined;
}

/**
 * Refuses, from the file's size and section headers, a module whose smallest upload form (no
 * custom section) is over the device's upload capacity: it is never read whole.
 */
export function uploadCapacityCheck(file: string, capacity: UploadCapacity | undefined): UserFileSpec['inspect'] {
  if (capacity === undefined) return undefined;
  return (size, readAt) => {
    if (size <= capacity.bytes) return;
    const upload = strippedSizeFromHeaders(size, readAt);
    if (upload === undefined || upload <= capacity.bytes) return;
    const stripped = upload === size ? '' : ` (${formatBytes(upload)} without its custom sections)`;
    throw new WrtError('LIMIT_EXCEEDED', `the module is ${formatBytes(size)}${stripped}; ${capacity.device} takes modules of at most ${formatBytes(capacity.bytes)} (its upload buffer), so it was not read`, {
      file,
      field: 'module size',
      limit: `${capacity.bytes} bytes (${capacity.source}); shrink the module (wasm-opt -Oz, -Wl,--strip-all) or pick a target with more RAM`,
    });
  };
}

/**
 * A module file as `run`, `deploy` and `profile` read it: a regular file, at most
 * MAX_MODULE_FILE_BYTES, refused unread when it cannot fit `capacity` (when one is known).
 */
export function readModuleFile(file: string, cwd: string, capacity: UploadCapacity | undefined): Uint8Array {
  const inspect = uploadCapacityCheck(file, capacity);
  return readUserFile(resolve(cwd, file), { what: 'module', maxBytes: MAX_MODULE_FILE_BYTES, shown: file, ...(inspect === undefined ? {} : { inspect }) });
}
