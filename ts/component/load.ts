/** Reading a component file named on the command line, and telling a component from a core module. */
import { isAbsolute, resolve } from 'node:path';
import { MAX_MODULE_FILE_BYTES, readUserFile } from '../core/user-file.js';
import { type ComponentFacts, validateComponent } from './validator.js';

/** Reads and validates a component (a ComponentError with the byte offset when it is not valid). */
export function loadComponent(file: string, cwd: string): ComponentFacts {
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  const bytes = readUserFile(path, { what: 'component', maxBytes: MAX_MODULE_FILE_BYTES, shown: file });
  return validateComponent(bytes, { file });
}
