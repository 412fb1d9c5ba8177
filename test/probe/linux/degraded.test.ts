import { describe, expect, it } from 'vitest';
import { discoverLinuxLimits } from '../../../ts/probe/linux/discover.js';
import { readLinuxHostFacts } from '../../../ts/probe/linux/host-facts.js';
import { type FileRead, type HostFiles, memoryHostFiles, withReadFailures } from '../../../ts/probe/linux/host-files.js';

/** A small cgroup v2 container: 1 GiB memory.max, everything else well-formed. */
const V2_HOST: Readonly<Record<string, string>> = {
  '/proc/meminfo': 'MemTotal:       8000000 kB\nMemFree:        6000000 kB\nMemAvailable:   7000000 kB\n',
  '/proc/self/cgroup': '0::/\n',
  '/proc/self/mountinfo':
    '1 0 0:1 / / rw - overlay overlay rw\n2 1 0:2 / /sys/fs/cgroup ro - cgroup2 cgroup2 rw,nsdelegate\n',
  '/sys/fs/cgroup/memory.max': '1073741824\n',
  '/sys/fs/cgroup/memory.high': 'max\n',
  '/sys/fs/cgroup/memory.current': '104857600\n',
  '/sys/fs/cgroup/pids.max': 'max\n',
  '/sys/devices/system/cpu/online': '0-3\n',
  '/proc/sys/kernel/pid_max': '4194304\n',
};

function host(overrides: Readonly<Record<string, string>>): HostFiles {
  return memoryHostFiles({ ...V2_HOST, ...overrides });
}

describe('one odd file makes its value unknown, never the whole probe', () => {
  it('the baseline is well-formed', () => {
    const limits = discoverLinuxLimits(readLinuxHostFacts(host({})), null);
    expect(limits.totalMemoryBytes).toEqual({
      state: 'known',
      value: 1073741824n,
      source: '/proc/meminfo MemTotal (8192000000) -> cgroup v2 memory.max at /sys/fs/cgroup',
    });
    expect(limits.availableMemoryBytes.value).toBe(1073741824n - 104857600n);
  });

  it('non-numeric memory.max: memory limit unknown with file, line and field; CPUs still known', () => {
    const facts = readLinuxHostFacts(host({ '/sys/fs/cgroup/memory.max': 'lots\n' }));
    expect(facts.cgroups.memory.readings[0]).toEqual({
      state: 'unknown',
      file: '/sys/fs/cgroup/memory.max',
      reason: '/sys/fs/cgroup/memory.max: line 1: memory.max: expected "max" or a decimal number, got "lots"',
    });
    const limits = discoverLinuxLimits(facts, null);
    expect(limits.totalMemoryBytes).toEqual({
      state: 'unknown',
      value: null,
      source:
        'cgroup v2 memory.max at /sys/fs/cgroup (unknown: /sys/fs/cgroup/memory.max: line 1: memory.max: expected "max" or a decimal number, got "lots"), /proc/meminfo MemTotal (8192000000)',
      reason: '/sys/fs/cgroup/memory.max: line 1: memory.max: expected "max" or a decimal number, got "lots"',
    });
    expect(limits.cpus).toMatchObject({ state: 'known', value: 4 });
  });

  it('a garbage meminfo line: MemTotal and MemAvailable unknown, naming the line', () => {
    const facts = readLinuxHostFacts(host({ '/proc/meminfo': 'MemTotal: 8000000 kB\n%%garbage%%\n' }));
    const reason = '/proc/meminfo: line 2: line is not "Key: number [kB]": "%%garbage%%"';
    expect(facts.meminfo.total).toEqual({ known: false, reason, source: '/proc/meminfo MemTotal' });
    expect(facts.meminfo.available).toEqual({ known: false, reason, source: '/proc/meminfo MemAvailable' });
  });

  it('an unreadable meminfo falls back to sysinfo(2) totalram from the addon', () => {
    const facts = readLinuxHostFacts(withReadFailures(host({}), { '/proc/meminfo': 'permission denied' }));
    const native = {
      arch: 'x86_64',
      os: 'linux',
      cpu: { kind: 'unknown', reason: 'test' },
      rlimits: {
        stack: { ok: true, value: { soft: 8388608n, hard: null } },
        as: { ok: true, value: { soft: null, hard: null } },
        data: { ok: true, value: { soft: null, hard: null } },
        nofile: { ok: true, value: { soft: 1024n, hard: 4096n } },
      },
      system: { totalRamBytes: { ok: true, value: 8192000000n }, pageSize: 4096, onlineCpus: 4 },
      qnxSyspage: null,
    } as const;
    expect(discoverLinuxLimits(facts, native).totalMemoryBytes).toEqual({
      state: 'known',
      value: 1073741824n,
      source:
        '/proc/meminfo MemTotal (unknown: /proc/meminfo: permission denied), sysinfo(2) totalram (8192000000) -> cgroup v2 memory.max at /sys/fs/cgroup',
    });
  });

  it('a mountinfo line with too few fields: every cgroup placement unknown, the reason names the line', () => {
    const facts = readLinuxHostFacts(
      host({ '/proc/self/mountinfo': '1 0 0:1 / / rw - overlay overlay rw\n2 1 0:2 / /sys/fs/cgroup ro - cgroup2\n' }),
    );
    const reason =
      '/proc/self/mountinfo: line 2: mountinfo line has 8 fields; needs 6 fields, optional fields, "-", fstype, source and super options (limit: at least 9 fields with a "-" separator after the 6th)';
    expect(facts.cgroups.layout).toEqual({ known: false, reason, source: '/proc/self/mountinfo' });
    expect(facts.cgroups.memory.placement).toEqual({ state: 'unknown', controller: 'memory', reason });
    expect(discoverLinuxLimits(facts, null).totalMemoryBytes).toMatchObject({ state: 'unknown', reason });
  });

  it('an unreadable limit file on an ancestor is unknown, not unlimited', () => {
    const nested: Record<string, string> = {
      ...V2_HOST,
      '/proc/self/cgroup': '0::/a/b\n',
      '/sys/fs/cgroup/a/b/memory.max': 'max\n',
      '/sys/fs/cgroup/a/b/memory.high': 'max\n',
      '/sys/fs/cgroup/a/memory.high': 'max\n',
    };
    const files = withReadFailures(memoryHostFiles(nested), { '/sys/fs/cgroup/a/memory.max': 'permission denied' });
    const memory = readLinuxHostFacts(files).cgroups.memory;
    expect(memory.effective).toEqual({
      state: 'unknown',
      reason: '/sys/fs/cgroup/a/memory.max: permission denied',
      source: 'cgroup v2 memory.max at /sys/fs/cgroup/a',
    });
  });

  it('unreadable usage keeps the total but makes available memory unknown', () => {
    const facts = readLinuxHostFacts(withReadFailures(host({}), { '/sys/fs/cgroup/memory.current': 'EIO' }));
    const limits = discoverLinuxLimits(facts, null);
    expect(limits.totalMemoryBytes.value).toBe(1073741824n);
    expect(limits.availableMemoryBytes).toMatchObject({ state: 'unknown', reason: '/sys/fs/cgroup/memory.current: EIO' });
  });

  it('an empty machine gives unknowns everywhere and detects nothing', () => {
    const nothing: HostFiles = { read: (): FileRead => ({ ok: false, reason: 'missing' }) };
    const facts = readLinuxHostFacts(nothing);
    const limits = discoverLinuxLimits(facts, null);
    expect(limits.totalMemoryBytes.state).toBe('unknown');
    expect(limits.stackBytes).toEqual({
      state: 'unknown',
      value: null,
      source: '/proc/self/limits Max stack size (soft)',
      reason: '/proc/self/limits Max stack size: missing',
    });
    expect(facts.container.detected).toBe(false);
    expect(facts.container.evidence[2]).toEqual({ source: '/proc/1/environ', outcome: 'unknown', detail: 'missing', kind: null });
    expect(facts.vm.detected).toBe(false);
  });
});
