import { describe, expect, it } from 'vitest';
import type { NativeFacts } from '../../../ts/native/facts.js';
import { LINUX_DISCOVERED_KEYS, discoverLinuxLimits } from '../../../ts/probe/linux/discover.js';
import { readLinuxHostFacts } from '../../../ts/probe/linux/host-facts.js';
import { scenarioFiles } from './fixtures.js';

/** What the addon would return on the docker-v2-limited host, built by hand. */
function nativeFacts(overrides: Partial<Pick<NativeFacts, 'rlimits'>> = {}): NativeFacts {
  return {
    arch: 'x86_64',
    os: 'linux',
    cpu: { kind: 'unknown', reason: 'not needed here' },
    rlimits: {
      stack: { ok: true, value: { soft: 16777216n, hard: null } },
      as: { ok: true, value: { soft: 4294967296n, hard: null } },
      data: { ok: true, value: { soft: null, hard: null } },
      nofile: { ok: true, value: { soft: 1048576n, hard: 1048576n } },
    },
    system: { totalRamBytes: { ok: true, value: 16710053888n }, pageSize: 4096, onlineCpus: 8 },
    qnxSyspage: null,
    ...overrides,
  };
}

describe('discoverLinuxLimits with the addon', () => {
  const facts = readLinuxHostFacts(scenarioFiles('docker-v2-limited'));

  it('takes rlimits and the online CPU count from the addon', () => {
    const limits = discoverLinuxLimits(facts, nativeFacts());
    expect(limits.stackBytes).toEqual({ state: 'known', value: 16777216n, source: 'getrlimit(RLIMIT_STACK) soft' });
    expect(limits.addressSpaceBytes).toEqual({ state: 'known', value: 4294967296n, source: 'getrlimit(RLIMIT_AS) soft' });
    expect(limits.cpus).toEqual({
      state: 'known',
      value: 1.5,
      source: 'cgroup v2 cpuset.cpus.effective at /sys/fs/cgroup (8), sysconf(_SC_NPROCESSORS_ONLN) (8) -> cgroup v2 cpu.max at /sys/fs/cgroup',
    });
    // MemTotal is readable, so sysinfo(2) is not consulted.
    expect(limits.totalMemoryBytes.source).toBe('/proc/meminfo MemTotal (16710053888) -> cgroup v2 memory.max at /sys/fs/cgroup');
  });

  it('falls back to /proc/self/limits when getrlimit failed, saying so', () => {
    const failed = nativeFacts({
      rlimits: {
        ...nativeFacts().rlimits,
        stack: { ok: false, errno: 1, name: 'EPERM' },
      },
    });
    expect(discoverLinuxLimits(facts, failed).stackBytes).toEqual({
      state: 'known',
      value: 8388608n,
      source: 'getrlimit(RLIMIT_STACK) failed with EPERM -> /proc/self/limits Max stack size (soft)',
    });
  });

  it('an infinite soft limit is unlimited', () => {
    const infinite = nativeFacts({
      rlimits: { ...nativeFacts().rlimits, stack: { ok: true, value: { soft: null, hard: null } } },
    });
    expect(discoverLinuxLimits(facts, infinite).stackBytes).toEqual({
      state: 'unlimited',
      value: null,
      source: 'getrlimit(RLIMIT_STACK) soft',
    });
  });

  it('returns exactly the documented keys', () => {
    expect(Object.keys(discoverLinuxLimits(facts, null)).sort()).toEqual([...LINUX_DISCOVERED_KEYS].sort());
  });
});
