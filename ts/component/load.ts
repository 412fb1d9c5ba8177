/** Reading a component file named on the command line, and telling a component from a core module. */
import { closeSync, openSync, readSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { checkUserFile, MAX_MODULE_FILE_BYTES, readUserFile, type UserFileSpec, userFileError } from '../core/user-file.js';
import { type ComponentFacts, isComponentBinary, validateComponent } from './validator.js';

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

/** Reads and validates a component (a ComponentError with the byte offset when it is not valid). */
export function loadComponent(file: string, cwd: string): ComponentFacts {
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  const bytes = readUserFile(path, { what: 'component', maxBytes: MAX_MODULE_FILE_BYTES, shown: file });
  return validateComponent(bytes, { file });
}
