/** Reading the module file a command was given. */
import * as fs from 'node:fs';
import { WrtError } from '../core/errors.js';

export function readModuleFile(file: string): Uint8Array {
  try {
    return new Uint8Array(fs.readFileSync(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new WrtError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_READ_FAILED', `cannot read the module (${code ?? (error as Error).message})`, { file });
  }
}
