import { describe, expect, it } from 'vitest';
import {
  V1_MEMORY_UNLIMITED_THRESHOLD,
  parseCfsQuota,
  parseCpuListCount,
  parseCpuMax,
  parseMaxOrNumber,
  parsePidsMax,
  parseV1MemoryLimit,
} from '../../../ts/probe/linux/cgroup-values.js';
import { meminfoBytes, parseMeminfo } from '../../../ts/probe/linux/meminfo.js';
import { parseMountinfo, unescapeMountPath } from '../../../ts/probe/linux/mountinfo.js';
import { parseProcCgroup } from '../../../ts/probe/linux/proc-cgroup.js';
import { parseProcLimits, procLimitRow } from '../../../ts/probe/linux/proc-limits.js';
import { thrown as wrtErrorOf } from '../../support/wrt-error.js';

describe('parseMeminfo', () => {
  it('reads kB fields as KiB and plain counts without unit', () => {
    const entries = parseMeminfo('MemTotal:       24683656 kB\nMemAvailable:   24202140 kB\nHugePages_Total:       0\n');
    expect(meminfoBytes(entries, 'MemTotal')).toBe(24683656n * 1024n);
    expect(entries.get('HugePages_Total')).toEqual({ value: 0n, unit: null, line: 3 });
  });

  it('rejects a garbage line with its line number', () => {
    const error = wrtErrorOf(() => parseMeminfo('MemTotal: 1024 kB\nMemFree: 512 kB\nthis is not meminfo\n'));
    expect(error.code).toBe('HOST_READ_FAILED');
    expect(error.location).toEqual({ file: '/proc/meminfo', line: 3 });
    expect(error.describe()).toBe('/proc/meminfo: line 3: line is not "Key: number [kB]": "this is not meminfo"');
  });

  it('names the field when MemAvailable is missing or has no unit', () => {
    const entries = parseMeminfo('MemTotal: 1024 kB\nMemAvailable: 77\n');
    expect(wrtErrorOf(() => meminfoBytes(entries, 'MemFree')).location).toEqual({ file: '/proc/meminfo', field: 'MemFree' });
    expect(wrtErrorOf(() => meminfoBytes(entries, 'MemAvailable')).location).toEqual({
      file: '/proc/meminfo',
      line: 2,
      field: 'MemAvailable',
    });
  });
});

describe('parseMountinfo', () => {
  const line =
    '36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:7 - ext3 /dev/root rw,errors=continue\n' +
    '1257 1249 259:2 /home/dev/My\\040Projects /work rw,relatime - ext4 /dev/nvme0n1p2 rw\n';

  it('splits fixed, optional and post-separator fields (the proc(5) example)', () => {
    const [first, second] = parseMountinfo(line);
    expect(first).toEqual({
      mountId: 36,
      parentId: 35,
      majorMinor: '98:0',
      root: '/mnt1',
      mountPoint: '/mnt2',
      mountOptions: ['rw', 'noatime'],
      optionalFields: ['master:1', 'shared:7'],
      fsType: 'ext3',
      source: '/dev/root',
      superOptions: ['rw', 'errors=continue'],
      line: 1,
    });
    expect(second?.root).toBe('/home/dev/My Projects');
  });

  it('rejects a line with too few fields, naming the line', () => {
    const error = wrtErrorOf(() => parseMountinfo(`${line}41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2\n`));
    expect(error.code).toBe('HOST_READ_FAILED');
    expect(error.location).toMatchObject({ file: '/proc/self/mountinfo', line: 3 });
    expect(error.message).toContain('has 8 fields');
  });

  it('rejects a non-numeric mount ID', () => {
    expect(wrtErrorOf(() => parseMountinfo('x 1 0:1 / / rw - ext4 /dev/vda rw')).location).toEqual({
      file: '/proc/self/mountinfo',
      line: 1,
      field: 'mount ID',
    });
  });

  it('decodes the four escapes the kernel writes', () => {
    expect(unescapeMountPath('a\\040b\\011c\\012d\\134e')).toBe('a b\tc\nd\\e');
  });
});

describe('parseProcCgroup', () => {
  it('reads v1 controller lists, named hierarchies and the v2 entry; the path keeps its colons', () => {
    expect(parseProcCgroup('2:cpuacct,cpu:/batch/job-42\n1:name=systemd:/user.slice\n0::/a:b\n')).toEqual([
      { hierarchyId: 2, controllers: ['cpuacct', 'cpu'], path: '/batch/job-42', line: 1 },
      { hierarchyId: 1, controllers: ['name=systemd'], path: '/user.slice', line: 2 },
      { hierarchyId: 0, controllers: [], path: '/a:b', line: 3 },
    ]);
  });

  it('rejects lines without two colons or with a relative path', () => {
    expect(wrtErrorOf(() => parseProcCgroup('0::/\nmemory\n')).location).toEqual({ file: '/proc/self/cgroup', line: 2 });
    expect(wrtErrorOf(() => parseProcCgroup('4:memory:relative\n')).location).toMatchObject({ line: 1, field: 'cgroup-path' });
  });
});

describe('cgroup limit files', () => {
  const file = '/sys/fs/cgroup/x';

  it('v2 "max" is unlimited, numbers are bytes; garbage names the file and field', () => {
    expect(parseMaxOrNumber('max\n', file, 'memory.max')).toBe('unlimited');
    expect(parseMaxOrNumber('536870912\n', file, 'memory.max')).toBe(536870912n);
    const error = wrtErrorOf(() => parseMaxOrNumber('lots\n', file, 'memory.max'));
    expect(error.code).toBe('HOST_READ_FAILED');
    expect(error.describe()).toBe('/sys/fs/cgroup/x: line 1: memory.max: expected "max" or a decimal number, got "lots"');
  });

  it('v1 memory.limit_in_bytes is unlimited from LONG_MAX rounded to 64 KiB pages upwards', () => {
    expect(parseV1MemoryLimit('9223372036854771712\n', file)).toBe('unlimited');
    expect(V1_MEMORY_UNLIMITED_THRESHOLD).toBe(9223372036854710272n);
    expect(parseV1MemoryLimit('9223372036854710272\n', file)).toBe('unlimited');
    expect(parseV1MemoryLimit('9223372036854710271\n', file)).toBe(9223372036854710271n);
    expect(parseV1MemoryLimit('1073741824', file)).toBe(1073741824n);
    expect(wrtErrorOf(() => parseV1MemoryLimit('-1', file)).location.field).toBe('memory.limit_in_bytes');
  });

  it('cpu.max gives quota / period as CPUs', () => {
    expect(parseCpuMax('max 100000\n', file)).toBe('unlimited');
    expect(parseCpuMax('max\n', file)).toBe('unlimited');
    expect(parseCpuMax('50000 100000\n', file)).toEqual({ quotaUs: 50000, periodUs: 100000, cpus: 0.5 });
    expect(parseCpuMax('150000 100000\n', file)).toEqual({ quotaUs: 150000, periodUs: 100000, cpus: 1.5 });
    expect(wrtErrorOf(() => parseCpuMax('50000\n', file)).message).toBe('quota without a period');
    expect(wrtErrorOf(() => parseCpuMax('50000 0\n', file)).location.limit).toBe('period > 0');
    expect(wrtErrorOf(() => parseCpuMax('1 2 3\n', file)).location.field).toBe('cpu.max');
  });

  it('cfs_quota_us -1 is unlimited; otherwise it is divided by cfs_period_us', () => {
    expect(parseCfsQuota('-1\n', '', 'q', 'p')).toBe('unlimited');
    expect(parseCfsQuota('250000\n', '100000\n', 'q', 'p')).toEqual({ quotaUs: 250000, periodUs: 100000, cpus: 2.5 });
    expect(wrtErrorOf(() => parseCfsQuota('-2\n', '100000', 'q', 'p')).location).toEqual({
      file: 'q',
      line: 1,
      field: 'cpu.cfs_quota_us',
    });
  });

  it('pids.max is a count', () => {
    expect(parsePidsMax('max\n', file)).toBe('unlimited');
    expect(parsePidsMax('512\n', file)).toBe(512);
  });

  it('CPU lists count each CPU once', () => {
    expect(parseCpuListCount('0-1\n', file, 'online')).toBe(2);
    expect(parseCpuListCount('0-3,8,10-11\n', file, 'online')).toBe(7);
    expect(parseCpuListCount('0-3,2-5', file, 'online')).toBe(6);
    expect(wrtErrorOf(() => parseCpuListCount('3-1', file, 'online')).location.limit).toBe('low <= high < 65536');
    expect(wrtErrorOf(() => parseCpuListCount('\n', file, 'online')).message).toBe('empty CPU list');
    expect(wrtErrorOf(() => parseCpuListCount('0-x', file, 'online')).location.field).toBe('online');
  });
});

describe('parseProcLimits', () => {
  const text =
    'Limit                     Soft Limit           Hard Limit           Units     \n' +
    'Max stack size            8388608              unlimited            bytes     \n' +
    'Max address space         unlimited            unlimited            bytes     \n' +
    'Max nice priority         0                    0                    \n';

  it('reads soft and hard values; unlimited is null', () => {
    const limits = parseProcLimits(text);
    expect(procLimitRow(limits, 'Max stack size')).toEqual({ soft: 8388608n, hard: null });
    expect(procLimitRow(limits, 'Max address space')).toEqual({ soft: null, hard: null });
    expect(procLimitRow(limits, 'Max nice priority')).toEqual({ soft: 0n, hard: 0n });
  });

  it('rejects an odd row and names a missing one', () => {
    expect(wrtErrorOf(() => parseProcLimits(`${text}Max stack size  lots  lots bytes\n`)).location).toEqual({
      file: '/proc/self/limits',
      line: 5,
    });
    expect(wrtErrorOf(() => procLimitRow(parseProcLimits(text), 'Max processes')).location.field).toBe('Max processes');
  });
});
