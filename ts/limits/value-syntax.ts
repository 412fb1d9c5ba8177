import { WrtError, type ErrorLocation } from '../core/errors.js';
import { parseAsil } from '../foundation/asil.js';
import type { AsilLevel } from '../foundation/asil.js';
import { DEBUG_LEVELS, type DebugLevel, type Platform } from './types.js';

/** Where a raw value came from; becomes the error location. */
export interface ValueOrigin {
  /** "cli --max-memory", "env WRT_MAX_MEMORY", "config ./wrt-target.yaml: limits.maxMemory". */
  readonly source: string;
  /** The flag, variable or config path: "--max-memory", "WRT_MAX_MEMORY", "limits.maxMemory". */
  readonly field: string;
  readonly file?: string;
  readonly line?: number;
}

export function invalidValue(message: string, origin: ValueOrigin, limit?: string): WrtError {
  const location: ErrorLocation = {
    source: origin.source,
    field: origin.field,
    ...(origin.file === undefined ? {} : { file: origin.file }),
    ...(origin.line === undefined ? {} : { line: origin.line }),
    ...(limit === undefined ? {} : { limit }),
  };
  return new WrtError('VALUE_INVALID', message, location);
}

const KIB = 1024n;
/**
 * Unit suffixes, matched case-insensitively. Single letters and the IEC forms are binary (as in
 * ulimit, systemd and Docker: 64M = 64 MiB); the SI forms with a B are decimal (1 MB = 10^6 B).
 */
const BYTE_UNITS: ReadonlyMap<string, bigint> = new Map([
  ['', 1n],
  ['b', 1n],
  ['k', KIB],
  ['ki', KIB],
  ['kib', KIB],
  ['m', KIB ** 2n],
  ['mi', KIB ** 2n],
  ['mib', KIB ** 2n],
  ['g', KIB ** 3n],
  ['gi', KIB ** 3n],
  ['gib', KIB ** 3n],
  ['t', KIB ** 4n],
  ['ti', KIB ** 4n],
  ['tib', KIB ** 4n],
  ['kb', 1000n],
  ['mb', 1000n ** 2n],
  ['gb', 1000n ** 3n],
  ['tb', 1000n ** 4n],
]);

const BYTES_SYNTAX = /^(\d+)(?:\.(\d+))?\s*([a-z]*)$/i;
const BYTES_HELP = 'a whole number of bytes, optionally with a unit: 65536, 4k, 64KiB, 64M (= MiB), 1GiB, 1.5GiB, 500MB (= 10^6)';

/**
 * Bytes from text. A fraction is accepted only when it yields whole bytes (1.5KiB = 1536;
 * 1.1B is refused). Bounds are checked by the caller (checkLimitValue), not here.
 */
export function parseBytes(text: string, origin: ValueOrigin): number {
  const trimmed = text.trim();
  if (trimmed.startsWith('-')) throw invalidValue(`"${text}" is negative; a size must be >= 0`, origin);
  const match = BYTES_SYNTAX.exec(trimmed);
  const whole = match?.[1];
  const unit = BYTE_UNITS.get((match?.[3] ?? '').toLowerCase());
  if (match === null || whole === undefined || unit === undefined) {
    throw invalidValue(`"${text}" is not a size: expected ${BYTES_HELP}`, origin);
  }
  const fraction = match[2] ?? '';
  const scale = 10n ** BigInt(fraction.length);
  const scaled = BigInt(whole + fraction) * unit;
  if (scaled % scale !== 0n) {
    throw invalidValue(`"${text}" is not a whole number of bytes`, origin);
  }
  const bytes = scaled / scale;
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw invalidValue(`"${text}" is too large`, origin, `${Number.MAX_SAFE_INTEGER} bytes`);
  }
  return Number(bytes);
}

/** Bytes from a config value: a YAML integer or a string in parseBytes syntax. */
export function bytesFromValue(value: unknown, origin: ValueOrigin): number {
  if (typeof value === 'string') return parseBytes(value, origin);
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value)) {
      if (value < 0) throw invalidValue(`${value} is negative; a size must be >= 0`, origin);
      return value;
    }
    throw invalidValue(`${value} is not a whole number of bytes`, origin);
  }
  throw invalidValue(`expected a size, got ${describeType(value)}`, origin);
}

/** A count: decimal digits only, no unit. */
export function parseCount(text: string, origin: ValueOrigin): number {
  const trimmed = text.trim();
  if (/^-\d+$/.test(trimmed)) throw invalidValue(`"${text}" is negative; a count must be >= 0`, origin);
  if (!/^\d+$/.test(trimmed)) throw invalidValue(`"${text}" is not a whole number`, origin);
  const value = Number(trimmed);
  if (!Number.isSafeInteger(value)) throw invalidValue(`"${text}" is too large`, origin, `${Number.MAX_SAFE_INTEGER}`);
  return value;
}

export function countFromValue(value: unknown, origin: ValueOrigin): number {
  if (typeof value === 'string') return parseCount(value, origin);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw invalidValue(`${value} is not a whole number`, origin);
    if (value < 0) throw invalidValue(`${value} is negative; a count must be >= 0`, origin);
    return value;
  }
  throw invalidValue(`expected a whole number, got ${describeType(value)}`, origin);
}

export function parseDebugLevel(text: string, origin: ValueOrigin): DebugLevel {
  const level = text.trim().toLowerCase();
  const known = DEBUG_LEVELS.find((l) => l === level);
  if (known === undefined) {
    throw invalidValue(`"${text}" is not a debug level: expected ${DEBUG_LEVELS.join(', ')}`, origin);
  }
  return known;
}

const PLATFORM_NAMES: ReadonlyMap<string, Platform> = new Map([
  ['linux', 'linux'],
  ['qnx', 'qnx'],
  ['nto', 'qnx'],
  ['embedded', 'embedded'],
  ['bare-metal', 'embedded'],
  ['baremetal', 'embedded'],
  ['none', 'embedded'],
  ['macos', 'macos'],
  ['darwin', 'macos'],
  ['windows', 'windows'],
  ['win32', 'windows'],
]);

/** The platform an OS name stands for (process.platform, the addon's os, uname -s), or undefined. */
export function platformOf(os: string): Platform | undefined {
  return PLATFORM_NAMES.get(os.trim().toLowerCase());
}

export function parsePlatform(text: string, origin: ValueOrigin): Platform {
  const platform = platformOf(text);
  if (platform === undefined) {
    throw invalidValue(
      `"${text}" is not a platform: expected linux, qnx, embedded (or bare-metal), macos, windows`,
      origin,
    );
  }
  return platform;
}

export function parseAsilValue(text: string, origin: ValueOrigin): AsilLevel {
  try {
    return parseAsil(text, origin.source, origin.field);
  } catch (error) {
    if (error instanceof WrtError) throw invalidValue(error.message, origin);
    throw error;
  }
}

/** A string value from a config file or an options record; anything else is a type error. */
export function textFromValue(value: unknown, origin: ValueOrigin): string {
  if (typeof value === 'string') return value;
  throw invalidValue(`expected a name, got ${describeType(value)}`, origin);
}

/**
 * Addon and discoverer values arrive as bigint; every byte limit is a safe-integer number.
 * Beyond 8 PiB is not a real machine, so it is refused rather than rounded.
 */
export function bytesFromBigint(value: bigint, source: string): number {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw invalidValue(`${value} is not a usable byte count`, { source, field: source }, `0 to ${Number.MAX_SAFE_INTEGER} bytes`);
  }
  return Number(value);
}

const EXACT_UNITS: readonly [string, number][] = [
  ['TiB', 2 ** 40],
  ['GiB', 2 ** 30],
  ['MiB', 2 ** 20],
  ['KiB', 2 ** 10],
];

/** 67108864 -> "64 MiB", 1536 -> "1536 B"... exact: the largest binary unit that divides evenly. */
export function formatBytesExact(bytes: number): string {
  if (bytes !== 0) {
    for (const [name, size] of EXACT_UNITS) if (bytes % size === 0) return `${bytes / size} ${name}`;
  }
  return `${bytes} B`;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'a mapping' : `${typeof value} ${String(value)}`;
}
