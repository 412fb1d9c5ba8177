import { WrtError } from '../../core/errors.js';

/** A cgroup limit file's content: a value, or the file's way of saying "no limit here". */
export type LimitValue<T> = T | 'unlimited';

/** A CPU bandwidth limit: `quotaUs` of CPU time per `periodUs`, i.e. `cpus` CPUs' worth. */
export interface CpuQuota {
  readonly quotaUs: number;
  readonly periodUs: number;
  /** quota / period: 1.5 means one and a half CPUs. */
  readonly cpus: number;
}

/**
 * cgroup v1 shows "no memory limit" as LONG_MAX rounded down to the page size:
 * 9223372036854771712 with 4 KiB pages, 9223372036854710272 with 64 KiB pages. Anything at or above
 * the 64 KiB rounding is therefore unlimited on every page size Linux supports.
 */
export const V1_MEMORY_UNLIMITED_THRESHOLD = 0x7fff_ffff_ffff_0000n;

function singleToken(text: string, file: string, field: string): string {
  const token = text.trim();
  if (token === '' || /\s/.test(token)) {
    throw new WrtError('HOST_READ_FAILED', `expected one value, got ${JSON.stringify(text.slice(0, 80))}`, {
      file,
      line: 1,
      field,
    });
  }
  return token;
}

function decimal(token: string, file: string, field: string, expected: string): bigint {
  if (!/^\d+$/.test(token)) {
    throw new WrtError('HOST_READ_FAILED', `expected ${expected}, got ${JSON.stringify(token.slice(0, 80))}`, {
      file,
      line: 1,
      field,
    });
  }
  return BigInt(token);
}

function safeNumber(value: bigint, file: string, field: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new WrtError('HOST_READ_FAILED', `value ${value} is too large`, {
      file,
      line: 1,
      field,
      limit: `<= ${Number.MAX_SAFE_INTEGER}`,
    });
  }
  return Number(value);
}

/** A plain byte count (memory.current, memory.usage_in_bytes). */
export function parseByteCount(text: string, file: string, field: string): bigint {
  return decimal(singleToken(text, file, field), file, field, 'a byte count');
}

/** v2 memory.max / memory.high and v1 or v2 pids.max: "max" or a decimal number. */
export function parseMaxOrNumber(text: string, file: string, field: string): LimitValue<bigint> {
  const token = singleToken(text, file, field);
  if (token === 'max') return 'unlimited';
  return decimal(token, file, field, '"max" or a decimal number');
}

/** pids.max as a task count. */
export function parsePidsMax(text: string, file: string): LimitValue<number> {
  const value = parseMaxOrNumber(text, file, 'pids.max');
  return value === 'unlimited' ? value : safeNumber(value, file, 'pids.max');
}

/** v1 memory.limit_in_bytes: a byte count, where the page-aligned LONG_MAX means unlimited. */
export function parseV1MemoryLimit(text: string, file: string): LimitValue<bigint> {
  const field = 'memory.limit_in_bytes';
  const value = decimal(singleToken(text, file, field), file, field, 'a byte count');
  return value >= V1_MEMORY_UNLIMITED_THRESHOLD ? 'unlimited' : value;
}

function quota(quotaUs: bigint, periodUs: bigint, file: string, field: string): CpuQuota {
  if (periodUs === 0n) {
    throw new WrtError('HOST_READ_FAILED', 'CPU period is 0', { file, line: 1, field, limit: 'period > 0' });
  }
  const q = safeNumber(quotaUs, file, field);
  const p = safeNumber(periodUs, file, field);
  return { quotaUs: q, periodUs: p, cpus: q / p };
}

/** v2 cpu.max: "$MAX $PERIOD" where $MAX is "max" or microseconds ("max 100000", "50000 100000"). */
export function parseCpuMax(text: string, file: string): LimitValue<CpuQuota> {
  const field = 'cpu.max';
  const tokens = text.trim().split(/\s+/);
  const [max, period] = tokens;
  if (max === undefined || max === '' || tokens.length > 2) {
    throw new WrtError('HOST_READ_FAILED', `expected "$MAX $PERIOD", got ${JSON.stringify(text.slice(0, 80))}`, {
      file,
      line: 1,
      field,
    });
  }
  if (max === 'max') return 'unlimited';
  const quotaUs = decimal(max, file, field, '"max" or microseconds');
  // Only "max" may stand alone in a read-back; a numeric quota always comes with its period.
  if (period === undefined) {
    throw new WrtError('HOST_READ_FAILED', 'quota without a period', { file, line: 1, field });
  }
  return quota(quotaUs, decimal(period, file, field, 'a period in microseconds'), file, field);
}

/** v1 cpu.cfs_quota_us (-1 = unlimited) with its sibling cpu.cfs_period_us. */
export function parseCfsQuota(quotaText: string, periodText: string, quotaFile: string, periodFile: string): LimitValue<CpuQuota> {
  const token = singleToken(quotaText, quotaFile, 'cpu.cfs_quota_us');
  if (token === '-1') return 'unlimited';
  const quotaUs = decimal(token, quotaFile, 'cpu.cfs_quota_us', '-1 or microseconds');
  const periodUs = decimal(singleToken(periodText, periodFile, 'cpu.cfs_period_us'), periodFile, 'cpu.cfs_period_us', 'microseconds');
  return quota(quotaUs, periodUs, periodFile, 'cpu.cfs_period_us');
}

/**
 * A kernel CPU list ("0-3,8,10-11") as the number of CPUs in it. Used for
 * /sys/devices/system/cpu/online and cpuset files.
 */
export function parseCpuListCount(text: string, file: string, field: string): number {
  const body = text.trim();
  // An empty list cannot describe CPUs a running process uses; treating it as 0 CPUs would zero every budget.
  if (body === '') throw new WrtError('HOST_READ_FAILED', 'empty CPU list', { file, line: 1, field });
  const seen = new Set<number>();
  for (const part of body.split(',')) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(part);
    const first = match?.[1];
    if (match === null || first === undefined) {
      throw new WrtError('HOST_READ_FAILED', `not a CPU list element: ${JSON.stringify(part.slice(0, 40))}`, {
        file,
        line: 1,
        field,
      });
    }
    const low = Number(first);
    const high = match[2] === undefined ? low : Number(match[2]);
    // The kernel caps CPUs at NR_CPUS (8192 on the largest configs); a wider range is not a CPU list.
    if (high < low || high >= 65536) {
      throw new WrtError('HOST_READ_FAILED', `CPU range ${part} is not ascending or too large`, {
        file,
        line: 1,
        field,
        limit: 'low <= high < 65536',
      });
    }
    for (let cpu = low; cpu <= high; cpu += 1) seen.add(cpu);
  }
  return seen.size;
}
