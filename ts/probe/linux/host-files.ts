import { readFileSync } from 'node:fs';
import { posix } from 'node:path';

/** Why a host file could not be read. The two common reasons have fixed spellings. */
export const READ_MISSING = 'missing';
export const READ_PERMISSION_DENIED = 'permission denied';

export type FileRead =
  | { readonly ok: true; readonly text: string }
  | { readonly ok: false; readonly reason: typeof READ_MISSING | typeof READ_PERMISSION_DENIED | string };

/**
 * The probe's only view of the machine: read one file by its absolute host path ("/proc/meminfo").
 * Everything the Linux probe knows comes through here, so tests swap the machine for a recorded
 * tree and the parsers never touch the filesystem themselves.
 */
export interface HostFiles {
  read(path: string): FileRead;
}

function reasonOf(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return READ_MISSING;
    if (code === 'EACCES' || code === 'EPERM') return READ_PERMISSION_DENIED;
    if (typeof code === 'string') return code;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads host paths under `root` ("/" for the live machine, a fixture directory in tests). Host paths
 * must be absolute; ".." cannot climb out of the root because the path is normalized first.
 */
export function rootedHostFiles(root = '/'): HostFiles {
  return {
    read(path: string): FileRead {
      if (!path.startsWith('/')) return { ok: false, reason: `not an absolute host path: ${path}` };
      const hostPath = posix.normalize(path);
      const onDisk = root === '/' ? hostPath : posix.join(root, hostPath);
      try {
        return { ok: true, text: readFileSync(onDisk, 'utf8') };
      } catch (error) {
        return { ok: false, reason: reasonOf(error) };
      }
    },
  };
}

/** A machine made of literal file contents; every other path is missing. */
export function memoryHostFiles(contents: Readonly<Record<string, string>>): HostFiles {
  const table = new Map(Object.entries(contents));
  return {
    read(path: string): FileRead {
      const text = table.get(posix.normalize(path));
      return text === undefined ? { ok: false, reason: READ_MISSING } : { ok: true, text };
    },
  };
}

/**
 * Makes some paths fail with a given reason. Recorded trees need this because a file that was
 * unreadable on the recorded machine (/proc/1/environ gives EACCES even to root in some sandboxes)
 * cannot be made unreadable inside a git checkout, where the test runner may be root.
 */
export function withReadFailures(base: HostFiles, failures: Readonly<Record<string, string>>): HostFiles {
  const table = new Map(Object.entries(failures));
  return {
    read(path: string): FileRead {
      const reason = table.get(posix.normalize(path));
      return reason === undefined ? base.read(path) : { ok: false, reason };
    },
  };
}
