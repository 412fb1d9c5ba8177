import { type Fact, attempt, reasonFromError, unknown } from './fact.js';
import { type ControllerPlacement, type LocatedController } from './cgroup-locate.js';
import {
  type CpuQuota,
  type LimitValue,
  parseByteCount,
  parseCfsQuota,
  parseCpuListCount,
  parseCpuMax,
  parseMaxOrNumber,
  parsePidsMax,
  parseV1MemoryLimit,
} from './cgroup-values.js';
import { type HostFiles, READ_MISSING } from './host-files.js';

/** What one limit file in one cgroup directory said. */
export type LevelReading<T> =
  | { readonly state: 'limit'; readonly file: string; readonly value: T }
  | { readonly state: 'unlimited'; readonly file: string; readonly raw: string }
  /** No such file at this level (the root cgroup, or the controller not enabled there): no limit here. */
  | { readonly state: 'absent'; readonly file: string }
  | { readonly state: 'unknown'; readonly file: string; readonly reason: string };

/** The limit that really applies: the smallest along the chain from the process's cgroup to the mount root. */
export type EffectiveLimit<T> =
  | {
      readonly state: 'limited';
      readonly value: T;
      readonly version: 1 | 2;
      /** The file that set it and the directory it is in (an ancestor when the walk-up found it). */
      readonly file: string;
      readonly directory: string;
      /** "cgroup v2 memory.max at /sys/fs/cgroup/user.slice/user-1000.slice" */
      readonly source: string;
    }
  /** source: the files checked ("cgroup v1 memory.limit_in_bytes at <own directory>"); the whole chain was read. */
  | { readonly state: 'unlimited'; readonly source: string }
  | { readonly state: 'unknown'; readonly reason: string; readonly source: string };

export interface ResourceLimit<T> {
  readonly placement: ControllerPlacement;
  /** Every limit file looked at along the chain, own directory first. */
  readonly readings: readonly LevelReading<T>[];
  readonly effective: EffectiveLimit<T>;
}

export interface MemoryLimit extends ResourceLimit<bigint> {
  /**
   * Usage (memory.current / memory.usage_in_bytes) of the cgroup whose limit won, which counts all
   * of its descendants; null when no limit applies.
   */
  readonly usage: Fact<bigint> | null;
}

export type CpuLimit = ResourceLimit<CpuQuota>;
export type PidsLimit = ResourceLimit<number>;

/** The cpuset the process may run on: a CPU count read from its own cgroup (already effective). */
export type CpusetLimit = ResourceLimit<number>;

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function dirname(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

function readLevel<T>(files: HostFiles, file: string, parse: (text: string) => LimitValue<T>): LevelReading<T> {
  const read = files.read(file);
  if (!read.ok) {
    return read.reason === READ_MISSING ? { state: 'absent', file } : { state: 'unknown', file, reason: `${file}: ${read.reason}` };
  }
  try {
    const value = parse(read.text);
    return value === 'unlimited' ? { state: 'unlimited', file, raw: read.text.trim() } : { state: 'limit', file, value };
  } catch (error) {
    return { state: 'unknown', file, reason: reasonFromError(error) };
  }
}

function describeFiles(placement: LocatedController, names: readonly string[]): string {
  return `cgroup v${placement.version} ${names.join(', ')} at ${placement.directory}`;
}

/**
 * Picks the smallest limit. One unreadable or malformed file anywhere on the chain makes the result
 * unknown: a smaller limit might hide in it, and reporting the larger one would over-promise.
 */
function effectiveOf<T>(
  placement: ControllerPlacement,
  names: readonly string[],
  readings: readonly LevelReading<T>[],
  smaller: (a: T, b: T) => boolean,
): EffectiveLimit<T> {
  if (placement.state === 'absent') {
    return { state: 'unlimited', source: `no cgroup ${placement.controller} controller: ${placement.reason}` };
  }
  if (placement.state === 'unknown') {
    return { state: 'unknown', reason: placement.reason, source: `cgroup ${placement.controller} controller` };
  }
  for (const reading of readings) {
    if (reading.state === 'unknown') {
      const directory = dirname(reading.file);
      return { state: 'unknown', reason: reading.reason, source: `cgroup v${placement.version} ${basename(reading.file)} at ${directory}` };
    }
  }
  let best: { value: T; file: string } | null = null;
  for (const reading of readings) {
    if (reading.state !== 'limit') continue;
    if (best === null || smaller(reading.value, best.value)) best = { value: reading.value, file: reading.file };
  }
  if (best === null) return { state: 'unlimited', source: describeFiles(placement, names) };
  const directory = dirname(best.file);
  return {
    state: 'limited',
    value: best.value,
    version: placement.version,
    file: best.file,
    directory,
    source: `cgroup v${placement.version} ${basename(best.file)} at ${directory}`,
  };
}

function walk<T>(placement: ControllerPlacement, readLevelFiles: (directory: string) => LevelReading<T>[]): LevelReading<T>[] {
  return placement.state === 'located' ? placement.chain.flatMap(readLevelFiles) : [];
}

export function readMemoryLimit(files: HostFiles, placement: ControllerPlacement): MemoryLimit {
  const v1 = placement.state === 'located' && placement.version === 1;
  const names = v1 ? ['memory.limit_in_bytes'] : ['memory.max', 'memory.high'];
  const readings = walk(placement, (directory) =>
    v1
      ? [readLevel(files, `${directory}/memory.limit_in_bytes`, (text) => parseV1MemoryLimit(text, `${directory}/memory.limit_in_bytes`))]
      : names.map((name) =>
          readLevel(files, `${directory}/${name}`, (text) => parseMaxOrNumber(text, `${directory}/${name}`, name)),
        ),
  );
  const effective = effectiveOf(placement, names, readings, (a, b) => a < b);
  let usage: Fact<bigint> | null = null;
  if (effective.state === 'limited') {
    const name = effective.version === 1 ? 'memory.usage_in_bytes' : 'memory.current';
    const file = `${effective.directory}/${name}`;
    const read = files.read(file);
    usage = read.ok ? attempt(file, () => parseByteCount(read.text, file, name)) : unknown(`${file}: ${read.reason}`, file);
  }
  return { placement, readings, effective, usage };
}

function readCfsLevel(files: HostFiles, directory: string): LevelReading<CpuQuota> {
  const quotaFile = `${directory}/cpu.cfs_quota_us`;
  const periodFile = `${directory}/cpu.cfs_period_us`;
  const quotaRead = files.read(quotaFile);
  if (!quotaRead.ok) {
    return quotaRead.reason === READ_MISSING
      ? { state: 'absent', file: quotaFile }
      : { state: 'unknown', file: quotaFile, reason: `${quotaFile}: ${quotaRead.reason}` };
  }
  // The period only matters when there is a quota; "-1" needs no period to be understood.
  const periodRead = quotaRead.text.trim() === '-1' ? { ok: true as const, text: '' } : files.read(periodFile);
  if (!periodRead.ok) return { state: 'unknown', file: quotaFile, reason: `${periodFile}: ${periodRead.reason}` };
  try {
    const value = parseCfsQuota(quotaRead.text, periodRead.text, quotaFile, periodFile);
    return value === 'unlimited'
      ? { state: 'unlimited', file: quotaFile, raw: quotaRead.text.trim() }
      : { state: 'limit', file: quotaFile, value };
  } catch (error) {
    return { state: 'unknown', file: quotaFile, reason: reasonFromError(error) };
  }
}

export function readCpuLimit(files: HostFiles, placement: ControllerPlacement): CpuLimit {
  const v1 = placement.state === 'located' && placement.version === 1;
  const names = v1 ? ['cpu.cfs_quota_us'] : ['cpu.max'];
  const readings = walk(placement, (directory) =>
    v1 ? [readCfsLevel(files, directory)] : [readLevel(files, `${directory}/cpu.max`, (text) => parseCpuMax(text, `${directory}/cpu.max`))],
  );
  return { placement, readings, effective: effectiveOf(placement, names, readings, (a, b) => a.cpus < b.cpus) };
}

export function readPidsLimit(files: HostFiles, placement: ControllerPlacement): PidsLimit {
  const readings = walk(placement, (directory) => [
    readLevel(files, `${directory}/pids.max`, (text) => parsePidsMax(text, `${directory}/pids.max`)),
  ]);
  return { placement, readings, effective: effectiveOf(placement, ['pids.max'], readings, (a, b) => a < b) };
}

/**
 * The CPUs of the process's cpuset. Only the own directory is read: the "effective" files already
 * fold in every ancestor. v1 kernels before 4.17 have no cpuset.effective_cpus, so cpuset.cpus
 * (the configured list) is the fallback there.
 */
export function readCpusetLimit(files: HostFiles, placement: ControllerPlacement): CpusetLimit {
  const names =
    placement.state === 'located' && placement.version === 1 ? ['cpuset.effective_cpus', 'cpuset.cpus'] : ['cpuset.cpus.effective'];
  const readings: LevelReading<number>[] = [];
  if (placement.state === 'located') {
    for (const name of names) {
      const file = `${placement.directory}/${name}`;
      const reading = readLevel(files, file, (text) => parseCpuListCount(text, file, name));
      readings.push(reading);
      if (reading.state !== 'absent') break;
    }
  }
  return { placement, readings, effective: effectiveOf(placement, names, readings, (a, b) => a < b) };
}
