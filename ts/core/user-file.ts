/**
 * The one way a file a user names (a module, a config, a hardware map, a dump) is read. The path
 * must be a regular file: /dev/zero, a directory or a FIFO would otherwise hang, read forever or
 * fail with an errno the user cannot act on. The size is checked against the caller's maximum
 * before a byte is read, and every failure names the file, what it is, and what to do.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { formatBytes } from './output.js';
import { WrtError } from './errors.js';

/** A YAML or JSON file a person writes (config, limits, hardware map, suite, target). */
export const MAX_TEXT_FILE_BYTES = 4 * 1024 * 1024;
/** A WebAssembly module or firmware image; far above what any target runs, below what memory holds. */
export const MAX_MODULE_FILE_BYTES = 1024 * 1024 * 1024;

export interface UserFileSpec {
  /** What the file is to the user, for messages: "module", "config file", "hardware map". */
  readonly what: string;
  /** Largest size accepted, in bytes. */
  readonly maxBytes: number;
  /** The path as the user wrote it (default: the path read). */
  readonly shown?: string;
  /** The flag or field that named the file. */
  readonly field?: string;
  /** Where the name came from ("env WRT_CONFIG"). */
  readonly source?: string;
  /**
   * A check of the open file before it is read whole, given its size and positioned reads (a
   * module over a device's upload capacity is refused from its section headers); throws to refuse.
   */
  readonly inspect?: (size: number, readAt: (offset: number, length: number) => Uint8Array) => void;
}

function location(path: string, spec: UserFileSpec, limit?: string): { file: string; field?: string; source?: string; limit?: string } {
  return {
    file: spec.shown ?? path,
    ...(spec.field === undefined ? {} : { field: spec.field }),
    ...(spec.source === undefined ? {} : { source: spec.source }),
    ...(limit === undefined ? {} : { limit }),
  };
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

function errnoOf(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : '';
}

/** An errno from opening or reading a user's file, in the one wording. */
export function userFileError(error: unknown, path: string, spec: UserFileSpec): WrtError {
  const code = errnoOf(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new WrtError('FILE_NOT_FOUND', `the ${spec.what} does not exist: check the path`, location(path, spec), { cause: error });
  }
  const why = code === 'EACCES' || code === 'EPERM' ? 'check its permissions' : 'check the path and that the file is readable';
  return new WrtError('FILE_READ_FAILED', `the ${spec.what} cannot be read (${code || String(error)}): ${why}`, location(path, spec), { cause: error });
}

/** Refuses what is not a regular file or is larger than the maximum; returns the size. */
function checkStats(stats: Stats, path: string, spec: UserFileSpec): number {
  if (!stats.isFile()) {
    throw new WrtError('FILE_READ_FAILED', `the ${spec.what} is ${kindOf(stats)}, not a regular file: name a file`, location(path, spec));
  }
  if (stats.size > spec.maxBytes) {
    throw new WrtError(
      'FILE_TOO_LARGE',
      `the ${spec.what} is ${formatBytes(stats.size)}, larger than a ${spec.what} may be: check that this is the right file`,
      location(path, spec, `at most ${formatBytes(spec.maxBytes)}`),
    );
  }
  return stats.size;
}

/** Checks a file before a caller streams it: a regular file within the maximum. Returns its size. */
export function checkUserFile(path: string, spec: UserFileSpec): number {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (error: unknown) {
    throw userFileError(error, path, spec);
  }
  return checkStats(stats, path, spec);
}

/** The bytes of a user's file; see the module comment for what is refused. */
export function readUserFile(path: string, spec: UserFileSpec): Uint8Array {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer before fstat can refuse it.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error: unknown) {
    throw userFileError(error, path, spec);
  }
  try {
    const size = checkStats(fstatSync(fd), path, spec);
    spec.inspect?.(size, (offset, length) => {
      const part = new Uint8Array(length);
      let got = 0;
      while (got < length) {
        const n = readSync(fd, part, got, length - got, offset + got);
        if (n === 0) break;
        got += n;
      }
      return part.subarray(0, got);
    });
    // One byte more than the size: a file that grew since fstat is caught, not truncated silently.
    const bytes = new Uint8Array(size + 1);
    let filled = 0;
    while (filled < bytes.length) {
      const n = readSync(fd, bytes, filled, bytes.length - filled, null);
      if (n === 0) break;
      filled += n;
    }
    if (filled > size) {
      throw new WrtError('FILE_READ_FAILED', `the ${spec.what} changed while it was read: read it again when nothing writes to it`, location(path, spec));
    }
    return bytes.subarray(0, filled);
  } catch (error: unknown) {
    if (error instanceof WrtError) throw error;
    throw userFileError(error, path, spec);
  } finally {
    closeSync(fd);
  }
}

/** The text (UTF-8) of a user's file. */
export function readUserText(path: string, spec: UserFileSpec): string {
  return Buffer.from(readUserFile(path, spec)).toString('utf8');
}
