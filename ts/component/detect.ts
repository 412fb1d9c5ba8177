/**
 * Telling a component from a core module by its preamble, without loading the component
 * validator: `validate` and `profile` of a core module (the usual case) stay as quick to start as
 * before components existed.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { checkUserFile, type UserFileSpec, userFileError } from '../core/user-file.js';

/** The binary layer of a component (bytes 6..7 of the preamble); a core module has 0. */
export const COMPONENT_LAYER = 1;

/** Bytes 4..7 say component (version 0x0d, layer 1) rather than core module. */
export function isComponentBinary(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[0] === 0 && bytes[1] === 0x61 && bytes[2] === 0x73 && bytes[3] === 0x6d && bytes[6] === COMPONENT_LAYER && bytes[7] === 0;
}

/** True when the file's preamble (bytes 4..7) says component: version 0x0d, layer 1. */
export function fileIsComponent(path: string, spec: UserFileSpec): boolean {
  // A directory, a device or a FIFO is refused as the one reader refuses it, before a byte is read.
  checkUserFile(path, spec);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw userFileError(error, path, spec);
  }
  try {
    const head = new Uint8Array(8);
    const n = readSync(fd, head, 0, 8, 0);
    return isComponentBinary(head.subarray(0, n));
  } catch (error) {
    throw userFileError(error, path, spec);
  } finally {
    closeSync(fd);
  }
}

