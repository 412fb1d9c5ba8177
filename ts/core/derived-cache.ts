/**
 * Figures derived from files that do not change between runs (native-sim's load-region
 * measurement of a module, the CFI marks of the native-sim binary), kept in the per-user cache so a
 * repeated command does not derive them again. An entry is named by a hash of everything it depends
 * on; a file takes part by its identity (path, size, mtime, inode), as the code cache names a bundle
 * (ts/cli/launch.ts), so a rebuilt file never reuses a stale entry. Reading or writing the cache
 * never fails a command: a miss only costs the derivation.
 */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureStateDir, type StateKind, stateDir } from './cache-dir.js';

/** The parts of a file's identity that change when it is rebuilt or replaced; undefined when it cannot be read. */
export function fileIdentity(path: string): string | undefined {
  try {
    const stat = statSync(path);
    return `${path}\0${stat.size}\0${stat.mtimeMs}\0${stat.ino}`;
  } catch {
    return undefined;
  }
}

/** An entry's name: the hash of what it depends on (bytes and strings, in order). */
export function derivedName(parts: readonly (Uint8Array | string)[], extension: string): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return `${hash.digest('hex')}.${extension}`;
}

export function readDerived(kind: StateKind, name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    return readFileSync(join(stateDir(kind, env), name), 'utf8');
  } catch {
    return undefined;
  }
}

/** Atomically, as runs may overlap; a read-only or full cache is not an error. */
export function writeDerived(kind: StateKind, name: string, text: string, env: NodeJS.ProcessEnv = process.env): void {
  try {
    const dir = ensureStateDir(kind, env);
    const temporary = join(dir, `${name}.${process.pid}.tmp`);
    writeFileSync(temporary, text);
    renameSync(temporary, join(dir, name));
  } catch {
    // The next run derives it again.
  }
}
