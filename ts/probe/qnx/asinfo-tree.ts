/**
 * The asinfo entries form a tree through their `owner` offsets. Both parsers hand their raw entries
 * here so the rules (paths, dangling owners, loops, the sysram sum) live in one place; each parser
 * supplies `fail`, which turns a problem with entry i into its own WrtError (a line number for
 * pidin text, a byte offset for a dump).
 */
import type { QnxAsinfoEntry } from './types.js';

export interface RawAsinfoEntry {
  readonly offset: number;
  readonly start: bigint;
  readonly end: bigint;
  readonly owner: number | null;
  /** The name as the source gives it: a leaf name, or (pidin) possibly a full path starting with '/'. */
  readonly name: string;
  readonly attr: number | null;
  readonly priority: number | null;
}

export type AsinfoFailure = (index: number, field: string, message: string, limit?: string) => never;

export interface ResolvedAsinfo {
  readonly entries: QnxAsinfoEntry[];
  readonly usableMemoryBytes: bigint;
  readonly sysramEntryCount: number;
}

/** Last path component that marks memory given to the OS to manage (QNX "Seeding of typed memory regions"). */
export const SYSRAM_NAME = 'sysram';

/**
 * Longest path accepted. Real ones are a few dozen characters ("/memory/below4G/ram/sysram"); the cap
 * keeps a hostile chain of long names from building paths of hundreds of megabytes.
 */
export const MAX_ASINFO_PATH = 1024;

const hex4 = (value: number): string => value.toString(16).padStart(4, '0');

/**
 * Builds every entry's full path by walking owners, without recursion (a hostile dump can chain
 * thousands of entries), and sums sysram.
 * @param namesMayBePaths true for pidin, which prints full paths on some releases and leaf names on others.
 */
export function resolveAsinfoTree(
  raw: readonly RawAsinfoEntry[],
  namesMayBePaths: boolean,
  fail: AsinfoFailure,
  warnings: string[],
): ResolvedAsinfo {
  const indexByOffset = new Map<number, number>();
  raw.forEach((entry, index) => {
    const previous = indexByOffset.get(entry.offset);
    if (previous !== undefined) {
      fail(index, 'offset', `two asinfo entries have offset 0x${hex4(entry.offset)} (the first is entry ${previous})`);
    }
    indexByOffset.set(entry.offset, index);
  });

  raw.forEach((entry, index) => {
    if (entry.end < entry.start) {
      fail(index, 'end', `range ends (0x${entry.end.toString(16)}) before it starts (0x${entry.start.toString(16)})`, 'end >= start');
    }
    if (entry.owner !== null && !indexByOffset.has(entry.owner)) {
      fail(index, 'owner', `owner 0x${hex4(entry.owner)} is not the offset of any asinfo entry`, 'owner names an entry or is 0xffff');
    }
  });

  // state: 0 = not yet walked, 1 = on the chain being walked now, 2 = path known.
  const InProgress = 1;
  const Done = 2;
  const state = new Uint8Array(raw.length);
  const paths: string[] = new Array<string>(raw.length).fill('');

  const ownerIndex = (index: number): number | null => {
    const owner = raw[index]?.owner ?? null;
    return owner === null ? null : (indexByOffset.get(owner) ?? null);
  };

  for (let first = 0; first < raw.length; first++) {
    const chain: number[] = [];
    let current: number | null = first;
    while (current !== null && state[current] !== Done) {
      if (state[current] === InProgress) {
        fail(current, 'owner', `the owner chain of entry 0x${hex4(raw[current]?.offset ?? 0)} loops back to itself`, 'owner chains end at a root entry');
      }
      state[current] = InProgress;
      chain.push(current);
      current = ownerIndex(current);
    }
    for (let k = chain.length - 1; k >= 0; k--) {
      const index = chain[k] ?? 0;
      const entry = raw[index];
      if (entry === undefined) continue;
      const parent = ownerIndex(index);
      const parentPath = parent === null ? '' : (paths[parent] ?? '');
      const printed = namesMayBePaths && entry.name.startsWith('/');
      // parentPath already passed the length check, so this string is at most one name longer.
      const path = printed ? entry.name : `${parentPath}/${entry.name}`;
      if (path.length > MAX_ASINFO_PATH) {
        fail(index, 'name', `the path of entry 0x${hex4(entry.offset)} is longer than ${MAX_ASINFO_PATH} characters`, `path length <= ${MAX_ASINFO_PATH}`);
      }
      if (printed && parent !== null && !path.startsWith(`${parentPath}/`)) {
        warnings.push(`asinfo entry 0x${hex4(entry.offset)} prints path ${path}, but its owner is ${parentPath}`);
      }
      paths[index] = path;
      state[index] = Done;
    }
  }

  let usableMemoryBytes = 0n;
  let sysramEntryCount = 0;
  const entries = raw.map((entry, index): QnxAsinfoEntry => {
    const path = paths[index] ?? '';
    const leaf = path.slice(path.lastIndexOf('/') + 1);
    if (leaf === SYSRAM_NAME) {
      usableMemoryBytes += entry.end - entry.start + 1n;
      sysramEntryCount++;
    }
    return {
      offset: entry.offset,
      start: entry.start,
      end: entry.end,
      owner: entry.owner,
      name: leaf,
      path,
      attr: entry.attr,
      priority: entry.priority,
    };
  });
  return { entries, usableMemoryBytes, sysramEntryCount };
}
