import { type ErrorCode, type ExitCode, exitCodeOf } from './error-codes.js';

/**
 * Where in the user's input the problem is. Every field is optional, but a good error sets as many
 * as it knows: the file, the byte offset inside it, the field or flag, and the limit that was hit.
 */
export interface ErrorLocation {
  /** Path of the file the problem is in, as the user named it. */
  readonly file?: string;
  /** Byte offset inside the file (binary formats) or line number (text formats, with `line`). */
  readonly offset?: number;
  readonly line?: number;
  /** Column on that line (1-based, in UTF-8 bytes), for text formats that point at a token. */
  readonly column?: number;
  /** Name of the field, flag or environment variable. */
  readonly field?: string;
  /** The limit that was exceeded, in words ("capacity 64", "e_shnum * e_shentsize <= file size"). */
  readonly limit?: string;
  /** Where a configured value came from (cli, env, config file, …). */
  readonly source?: string;
}

export interface WrtErrorJson {
  readonly code: ErrorCode;
  readonly exitCode: ExitCode;
  readonly message: string;
  readonly location: ErrorLocation;
}

/** The one error type of wrt-target. Anything else escaping a command is a defect (exit 4). */
export class WrtError extends Error {
  override readonly name = 'WrtError';
  readonly code: ErrorCode;
  readonly location: ErrorLocation;

  constructor(code: ErrorCode, message: string, location: ErrorLocation = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.location = location;
  }

  get exitCode(): ExitCode {
    return exitCodeOf(this.code);
  }

  /** One line a person can act on: `file: byte 0x1c: field e_phoff: message (limit: …)`. */
  describe(): string {
    return describeLocation(this.location, this.message);
  }

  toJSON(): WrtErrorJson {
    return { code: this.code, exitCode: this.exitCode, message: this.message, location: this.location };
  }
}

export function describeLocation(location: ErrorLocation, message: string): string {
  const parts: string[] = [];
  if (location.file !== undefined) parts.push(location.file);
  if (location.line !== undefined) parts.push(location.column === undefined ? `line ${location.line}` : `line ${location.line} column ${location.column}`);
  if (location.offset !== undefined) parts.push(`byte ${location.offset} (0x${location.offset.toString(16)})`);
  if (location.field !== undefined) parts.push(location.field);
  if (location.source !== undefined && location.file === undefined) parts.push(`from ${location.source}`);
  const where = parts.length > 0 ? `${parts.join(': ')}: ` : '';
  const limit = location.limit !== undefined ? ` (limit: ${location.limit})` : '';
  return `${where}${message}${limit}`;
}

export function isWrtError(value: unknown): value is WrtError {
  return value instanceof WrtError;
}
