/**
 * Parsers for the independent sources the addon's facts are checked against: /proc and /sys text,
 * `getconf`, `readelf -n`. Pure functions of text so proc-sources.test.ts can check them on
 * recorded output; the I/O stays in the tests. Test helpers, so bad input throws a plain Error.
 */

/** The `key : value` pairs of the first processor block of /proc/cpuinfo. */
export function parseFirstCpuinfoBlock(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (fields.size > 0) break;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  if (fields.size === 0) throw new Error('cpuinfo: no processor block');
  return fields;
}

export function requireField(fields: ReadonlyMap<string, string>, key: string): string {
  const value = fields.get(key);
  if (value === undefined) throw new Error(`missing field "${key}"`);
  return value;
}

export interface ProcLimit {
  readonly soft: bigint | null;
  readonly hard: bigint | null;
}

function limitValue(text: string, line: string): bigint | null {
  if (text === 'unlimited') return null;
  if (!/^\d+$/.test(text)) throw new Error(`limits: bad value "${text}" in "${line}"`);
  return BigInt(text);
}

/**
 * /proc/<pid>/limits: a header line gives the column starts (the kernel pads with printf widths);
 * limit names contain spaces, so columns are cut by position, not by splitting on whitespace.
 */
export function parseProcLimits(text: string): Map<string, ProcLimit> {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  const header = lines[0];
  if (header === undefined) throw new Error('limits: empty');
  const softAt = header.indexOf('Soft Limit');
  const hardAt = header.indexOf('Hard Limit');
  const unitsAt = header.indexOf('Units');
  if (!header.startsWith('Limit') || softAt < 0 || hardAt < softAt || unitsAt < hardAt) {
    throw new Error(`limits: unexpected header "${header}"`);
  }
  const limits = new Map<string, ProcLimit>();
  for (const line of lines.slice(1)) {
    const name = line.slice(0, softAt).trim();
    const soft = limitValue(line.slice(softAt, hardAt).trim(), line);
    const hard = limitValue(line.slice(hardAt, unitsAt).trim(), line);
    limits.set(name, { soft, hard });
  }
  return limits;
}

/** A `Key:  <n> kB` line of /proc/meminfo, in kB. */
export function parseMeminfoKb(text: string, key: string): bigint {
  const match = new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(text);
  const digits = match?.[1];
  if (digits === undefined) throw new Error(`meminfo: no "${key}" line`);
  return BigInt(digits);
}

/** Number of CPUs in a kernel CPU list such as "0-3,5,7-8" (/sys/devices/system/cpu/online). */
export function countCpuList(text: string): number {
  const list = text.trim();
  if (list === '') return 0;
  let count = 0;
  for (const part of list.split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (match === null || match[1] === undefined) throw new Error(`cpu list: bad range "${part}"`);
    const first = Number(match[1]);
    const last = match[2] === undefined ? first : Number(match[2]);
    if (last < first) throw new Error(`cpu list: descending range "${part}"`);
    count += last - first + 1;
  }
  return count;
}

/** The value of a `Name:\tvalue` line of /proc/<pid>/status, or undefined when the line is absent. */
export function statusField(text: string, name: string): string | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}:`)) return line.slice(name.length + 1).trim();
  }
  return undefined;
}

export interface ElfFeatureNotes {
  /** Names on `x86 feature:` lines, e.g. ["IBT", "SHSTK"]. */
  readonly x86: readonly string[];
  /** Names on `AArch64 feature:` lines, e.g. ["BTI", "PAC"]. */
  readonly aarch64: readonly string[];
}

/** The feature names of the GNU property notes in `readelf -n` output. */
export function parseReadelfFeatureNotes(text: string): ElfFeatureNotes {
  const x86: string[] = [];
  const aarch64: string[] = [];
  for (const line of text.split('\n')) {
    const match = /(x86|AArch64) feature: (.*)$/.exec(line);
    if (match === null || match[1] === undefined || match[2] === undefined) continue;
    const names = match[2].split(',').map((name) => name.trim()).filter((name) => name !== '');
    (match[1] === 'x86' ? x86 : aarch64).push(...names);
  }
  return { x86, aarch64 };
}
