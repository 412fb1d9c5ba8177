import { WrtError } from '../../core/errors.js';
import { type Fact, attempt, unknown } from './fact.js';
import type { FileRead } from './host-files.js';

export const MEMINFO_PATH = '/proc/meminfo';

export interface MeminfoEntry {
  /** The value in the file's unit. */
  readonly value: bigint;
  /** "kB" (the kernel's KiB) or null for plain counts such as HugePages_Total. */
  readonly unit: 'kB' | null;
  /** 1-based line number, for error messages. */
  readonly line: number;
}

const MEMINFO_LINE = /^([^\s:]+):\s+(\d+)(?:\s+(kB))?\s*$/;

/**
 * Parses /proc/meminfo. Every line must be `Key: number [kB]`: the kernel never writes anything
 * else, so a line that does not match means the file is not meminfo (wrong root, damaged record)
 * and none of it is trusted.
 */
export function parseMeminfo(text: string, file: string = MEMINFO_PATH): ReadonlyMap<string, MeminfoEntry> {
  const entries = new Map<string, MeminfoEntry>();
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const raw = lines[index] ?? '';
    if (raw.trim() === '') continue;
    const match = MEMINFO_LINE.exec(raw);
    const key = match?.[1];
    const digits = match?.[2];
    if (match === null || key === undefined || digits === undefined) {
      throw new WrtError('HOST_READ_FAILED', `line is not "Key: number [kB]": ${JSON.stringify(raw.slice(0, 80))}`, {
        file,
        line: index + 1,
      });
    }
    if (!entries.has(key)) entries.set(key, { value: BigInt(digits), unit: match[3] === 'kB' ? 'kB' : null, line: index + 1 });
  }
  return entries;
}

/** A kB field as bytes. The kernel's "kB" is KiB (pages * page size >> 10). */
export function meminfoBytes(entries: ReadonlyMap<string, MeminfoEntry>, key: string, file: string = MEMINFO_PATH): bigint {
  const entry = entries.get(key);
  if (entry === undefined) throw new WrtError('HOST_READ_FAILED', `no ${key} line`, { file, field: key });
  if (entry.unit !== 'kB') {
    throw new WrtError('HOST_READ_FAILED', `${key} has no kB unit`, { file, line: entry.line, field: key });
  }
  return entry.value * 1024n;
}

export interface MeminfoFacts {
  /** MemTotal in bytes: RAM the kernel manages (physical RAM minus reserved regions). */
  readonly total: Fact<bigint>;
  /** MemAvailable in bytes: the kernel's estimate of what can be allocated without swapping. */
  readonly available: Fact<bigint>;
}

export function meminfoFacts(read: FileRead, file: string = MEMINFO_PATH): MeminfoFacts {
  if (!read.ok) {
    const reason = `${file}: ${read.reason}`;
    return { total: unknown(reason, `${file} MemTotal`), available: unknown(reason, `${file} MemAvailable`) };
  }
  const entries = attempt(file, () => parseMeminfo(read.text, file));
  if (!entries.known) {
    return {
      total: unknown(entries.reason, `${file} MemTotal`),
      available: unknown(entries.reason, `${file} MemAvailable`),
    };
  }
  const field = (key: string): Fact<bigint> => attempt(`${file} ${key}`, () => meminfoBytes(entries.value, key, file));
  return { total: field('MemTotal'), available: field('MemAvailable') };
}
