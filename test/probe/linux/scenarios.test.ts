import { describe, expect, it } from 'vitest';
import { discoverLinuxLimits } from '../../../ts/probe/linux/discover.js';
import { describeEvidence } from '../../../ts/probe/linux/evidence.js';
import { type LinuxHostFacts, readLinuxHostFacts } from '../../../ts/probe/linux/host-facts.js';
import { type Scenario, scenarioFiles } from './fixtures.js';

function facts(scenario: Scenario): LinuxHostFacts {
  return readLinuxHostFacts(scenarioFiles(scenario));
}

const NO_CONTAINERENV = { source: '/run/.containerenv', outcome: 'not found', detail: 'missing', kind: null };
const NO_DOCKERENV = { source: '/.dockerenv', outcome: 'not found', detail: 'missing', kind: null };
const NO_SYSTEMD_CONTAINER = { source: '/run/systemd/container', outcome: 'not found', detail: 'missing', kind: null };
const ENVIRON_DENIED = { source: '/proc/1/environ', outcome: 'unknown', detail: 'permission denied', kind: null };
const NO_CGROUP_HINT = {
  source: '/proc/self/cgroup',
  outcome: 'not found',
  detail: 'no docker, kubepods, lxc, libpod or crio in cgroup paths',
  kind: null,
};
const DMI = '/sys/class/dmi/id/sys_vendor, /sys/class/dmi/id/product_name';
const CLOCKS = '/sys/devices/system/clocksource/clocksource0/available_clocksource';
const NO_XEN = { source: '/sys/hypervisor/type', outcome: 'not found', detail: 'missing', kind: null };
const BARE_METAL_CLOCKS = { source: CLOCKS, outcome: 'not found', detail: 'no paravirtual clock in "tsc hpet acpi_pm"', kind: null };

describe('recorded: this Firecracker VM with /.dockerenv, cgroup v1 hybrid', () => {
  const host = facts('firecracker-docker-hybrid');
  const own = '/sys/fs/cgroup/memory/process_api/016fb74b8af9213065e4506e06afa2da';

  it('reads MemTotal and MemAvailable as bytes', () => {
    expect(host.meminfo.total).toEqual({ known: true, value: 24683656n * 1024n, source: '/proc/meminfo MemTotal' });
    expect(host.meminfo.available).toEqual({ known: true, value: 24065416n * 1024n, source: '/proc/meminfo MemAvailable' });
  });

  it('finds memory on v1 under /process_api/<id> and walks to the hierarchy root, all unlimited', () => {
    expect(host.cgroups.layout).toEqual({ known: true, value: 'hybrid', source: '/proc/self/mountinfo' });
    const { placement, readings, effective, usage } = host.cgroups.memory;
    expect(placement).toMatchObject({
      state: 'located',
      version: 1,
      cgroupPath: '/process_api/016fb74b8af9213065e4506e06afa2da',
      mountPoint: '/sys/fs/cgroup/memory',
      mountRoot: '/',
      directory: own,
      chain: [own, '/sys/fs/cgroup/memory/process_api', '/sys/fs/cgroup/memory'],
      source: '/proc/self/cgroup line 6, /proc/self/mountinfo line 14',
    });
    expect(readings).toEqual([
      { state: 'unlimited', file: `${own}/memory.limit_in_bytes`, raw: '9223372036854771712' },
      { state: 'unlimited', file: '/sys/fs/cgroup/memory/process_api/memory.limit_in_bytes', raw: '9223372036854771712' },
      { state: 'unlimited', file: '/sys/fs/cgroup/memory/memory.limit_in_bytes', raw: '9223372036854771712' },
    ]);
    expect(effective).toEqual({ state: 'unlimited', source: `cgroup v1 memory.limit_in_bytes at ${own}` });
    expect(usage).toBeNull();
  });

  it('reports the controllers where they are: cpu, pids and cpuset on v1, only hugetlb in the unified hierarchy', () => {
    expect(host.cgroups.unified.placement).toMatchObject({ state: 'located', version: 2, directory: '/sys/fs/cgroup/unified' });
    expect(host.cgroups.unified.controllers).toEqual({
      known: true,
      value: ['hugetlb'],
      source: '/sys/fs/cgroup/unified/cgroup.controllers',
    });
    expect(host.cgroups.cpu.readings).toEqual([{ state: 'unlimited', file: '/sys/fs/cgroup/cpu/cpu.cfs_quota_us', raw: '-1' }]);
    expect(host.cgroups.pids.placement).toMatchObject({ state: 'located', version: 1, directory: '/sys/fs/cgroup/pids' });
    expect(host.cgroups.pids.readings).toEqual([{ state: 'absent', file: '/sys/fs/cgroup/pids/pids.max' }]);
    expect(host.cgroups.cpuset.effective).toMatchObject({ state: 'limited', value: 2, file: '/sys/fs/cgroup/cpuset/cpuset.effective_cpus' });
  });

  it('says both: a docker container (by /.dockerenv) and a VM (by the hypervisor flag and kvm-clock)', () => {
    expect(host.container).toEqual({
      detected: true,
      kinds: ['docker'],
      evidence: [
        NO_CONTAINERENV,
        { source: '/.dockerenv', outcome: 'found', detail: 'exists', kind: 'docker' },
        ENVIRON_DENIED,
        NO_SYSTEMD_CONTAINER,
        NO_CGROUP_HINT,
      ],
    });
    const environ = host.container.evidence.find((item) => item.source === '/proc/1/environ');
    expect(environ === undefined ? '' : describeEvidence(environ)).toBe('unknown: permission denied');
    expect(host.vm).toEqual({
      detected: true,
      kinds: ['kvm'],
      evidence: [
        { source: '/proc/cpuinfo', outcome: 'found', detail: 'hypervisor flag', kind: null },
        { source: DMI, outcome: 'not found', detail: 'no DMI', kind: null },
        NO_XEN,
        { source: CLOCKS, outcome: 'found', detail: 'kvm-clock', kind: 'kvm' },
      ],
    });
  });

  it('discovers MemTotal as total memory because the cgroup is unlimited', () => {
    expect(discoverLinuxLimits(host, null)).toEqual({
      totalMemoryBytes: {
        state: 'known',
        value: 25276063744n,
        source: `cgroup v1 memory.limit_in_bytes at ${own} (unlimited) -> /proc/meminfo MemTotal`,
      },
      availableMemoryBytes: {
        state: 'known',
        value: 24642985984n,
        source: `cgroup v1 memory.limit_in_bytes at ${own} (unlimited) -> /proc/meminfo MemAvailable`,
      },
      stackBytes: { state: 'known', value: 8388608n, source: '/proc/self/limits Max stack size (soft)' },
      addressSpaceBytes: { state: 'unlimited', value: null, source: '/proc/self/limits Max address space (soft)' },
      cpus: {
        state: 'known',
        value: 2,
        source:
          'cgroup v1 cpu.cfs_quota_us at /sys/fs/cgroup/cpu (unlimited), cgroup v1 cpuset.effective_cpus at /sys/fs/cgroup/cpuset (2) -> /sys/devices/system/cpu/online',
      },
      pids: {
        state: 'known',
        value: 32768,
        source: 'cgroup v1 pids.max at /sys/fs/cgroup/pids (unlimited) -> /proc/sys/kernel/pid_max',
      },
    });
  });
});

describe('docker on cgroup v2 only, cgroup mounted from the container subtree (root not "/")', () => {
  const host = facts('docker-v2-limited');
  const scope = '/system.slice/docker-3f2a9c6e1b7d4a5f8e0c2b1a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e.scope';

  it('maps the process cgroup onto the mount point itself', () => {
    expect(host.cgroups.layout.known && host.cgroups.layout.value).toBe('v2');
    expect(host.cgroups.memory.placement).toEqual({
      state: 'located',
      controller: 'memory',
      version: 2,
      cgroupPath: scope,
      mountPoint: '/sys/fs/cgroup',
      mountRoot: scope,
      directory: '/sys/fs/cgroup',
      chain: ['/sys/fs/cgroup'],
      source: '/proc/self/cgroup line 1, /proc/self/mountinfo line 6',
    });
  });

  it('reads memory.max, memory.high, cpu.max and pids.max', () => {
    expect(host.cgroups.memory.readings).toEqual([
      { state: 'limit', file: '/sys/fs/cgroup/memory.max', value: 536870912n },
      { state: 'unlimited', file: '/sys/fs/cgroup/memory.high', raw: 'max' },
    ]);
    expect(host.cgroups.memory.usage).toEqual({ known: true, value: 73400320n, source: '/sys/fs/cgroup/memory.current' });
    expect(host.cgroups.cpu.effective).toMatchObject({ state: 'limited', value: { quotaUs: 150000, periodUs: 100000, cpus: 1.5 } });
    expect(host.cgroups.pids.effective).toMatchObject({ state: 'limited', value: 512, file: '/sys/fs/cgroup/pids.max' });
  });

  it('discovers 512 MiB, 1.5 CPUs and 512 pids, naming the cgroup files that won', () => {
    const limits = discoverLinuxLimits(host, null);
    expect(limits.totalMemoryBytes).toEqual({
      state: 'known',
      value: 536870912n,
      source: '/proc/meminfo MemTotal (16710053888) -> cgroup v2 memory.max at /sys/fs/cgroup',
    });
    expect(limits.availableMemoryBytes).toEqual({
      state: 'known',
      value: 536870912n - 73400320n,
      source: '/proc/meminfo MemAvailable (12126560256) -> cgroup v2 memory.max at /sys/fs/cgroup minus /sys/fs/cgroup/memory.current',
    });
    expect(limits.cpus).toEqual({
      state: 'known',
      value: 1.5,
      source:
        'cgroup v2 cpuset.cpus.effective at /sys/fs/cgroup (8), /sys/devices/system/cpu/online (8) -> cgroup v2 cpu.max at /sys/fs/cgroup',
    });
    expect(limits.pids).toEqual({
      state: 'known',
      value: 512,
      source: '/proc/sys/kernel/pid_max (4194304) -> cgroup v2 pids.max at /sys/fs/cgroup',
    });
  });

  it('detects docker twice (marker file and cgroup path) and no VM on bare metal', () => {
    expect(host.container).toEqual({
      detected: true,
      kinds: ['docker'],
      evidence: [
        NO_CONTAINERENV,
        { source: '/.dockerenv', outcome: 'found', detail: 'exists', kind: 'docker' },
        { source: '/proc/1/environ', outcome: 'not found', detail: 'no container= variable', kind: null },
        NO_SYSTEMD_CONTAINER,
        { source: '/proc/self/cgroup', outcome: 'found', detail: `line 1: ${scope} (docker)`, kind: 'docker' },
      ],
    });
    expect(host.vm).toEqual({
      detected: false,
      kinds: [],
      evidence: [
        { source: '/proc/cpuinfo', outcome: 'not found', detail: 'no hypervisor flag', kind: null },
        { source: DMI, outcome: 'not found', detail: 'sys_vendor "Dell Inc.", product_name "OptiPlex 7090"', kind: null },
        NO_XEN,
        BARE_METAL_CLOCKS,
      ],
    });
  });
});

describe('cgroup v2 host, nested process cgroup, limits on ancestors', () => {
  const host = facts('v2-nested-ancestor-limit');
  const userSlice = '/sys/fs/cgroup/user.slice/user-1000.slice';
  const own = `${userSlice}/user@1000.service/app.slice/wrt-probe.scope`;

  it('walks from the scope up to the mount root and finds memory.max on user-1000.slice', () => {
    const memory = host.cgroups.memory;
    expect(memory.placement.state === 'located' && memory.placement.chain).toEqual([
      own,
      `${userSlice}/user@1000.service/app.slice`,
      `${userSlice}/user@1000.service`,
      userSlice,
      '/sys/fs/cgroup/user.slice',
      '/sys/fs/cgroup',
    ]);
    expect(memory.readings).toHaveLength(12);
    expect(memory.readings.slice(2, 4)).toEqual([
      { state: 'unlimited', file: `${userSlice}/user@1000.service/app.slice/memory.max`, raw: 'max' },
      { state: 'limit', file: `${userSlice}/user@1000.service/app.slice/memory.high`, value: 6442450944n },
    ]);
    expect(memory.readings.slice(10)).toEqual([
      { state: 'absent', file: '/sys/fs/cgroup/memory.max' },
      { state: 'absent', file: '/sys/fs/cgroup/memory.high' },
    ]);
    expect(memory.effective).toEqual({
      state: 'limited',
      value: 4294967296n,
      version: 2,
      file: `${userSlice}/memory.max`,
      directory: userSlice,
      source: `cgroup v2 memory.max at ${userSlice}`,
    });
    expect(memory.usage).toEqual({ known: true, value: 1610612736n, source: `${userSlice}/memory.current` });
  });

  it('discovers the ancestors\' limits: 4 GiB, 2 CPUs, 10813 pids', () => {
    const limits = discoverLinuxLimits(host, null);
    expect(limits.totalMemoryBytes).toEqual({
      state: 'known',
      value: 4294967296n,
      source: `/proc/meminfo MemTotal (33353863168) -> cgroup v2 memory.max at ${userSlice}`,
    });
    expect(limits.availableMemoryBytes.value).toBe(4294967296n - 1610612736n);
    expect(limits.cpus).toEqual({
      state: 'known',
      value: 2,
      source: `cgroup v2 cpuset.cpus.effective at ${own} (unlimited), /sys/devices/system/cpu/online (16) -> cgroup v2 cpu.max at ${userSlice}`,
    });
    expect(limits.pids).toEqual({
      state: 'known',
      value: 10813,
      source: `/proc/sys/kernel/pid_max (4194304) -> cgroup v2 pids.max at ${userSlice}/user@1000.service`,
    });
  });

  it('is neither container nor VM, and says it could not read PID 1\'s environment', () => {
    expect(host.container.detected).toBe(false);
    expect(host.container.evidence).toEqual([NO_CONTAINERENV, NO_DOCKERENV, ENVIRON_DENIED, NO_SYSTEMD_CONTAINER, NO_CGROUP_HINT]);
    expect(host.vm.detected).toBe(false);
    expect(host.vm.evidence[1]).toEqual({ source: DMI, outcome: 'not found', detail: 'sys_vendor "LENOVO", product_name "20XW0055GE"', kind: null });
  });
});

describe('cgroup v1 only with a memory limit on the parent and a CFS quota on the job', () => {
  const host = facts('v1-limited');

  it('finds cpu in the co-mounted cpu,cpuacct hierarchy and no unified hierarchy', () => {
    expect(host.cgroups.layout.known && host.cgroups.layout.value).toBe('v1');
    expect(host.cgroups.unified.placement.state).toBe('absent');
    expect(host.cgroups.cpu.placement).toMatchObject({
      state: 'located',
      version: 1,
      directory: '/sys/fs/cgroup/cpu,cpuacct/batch/job-42',
      source: '/proc/self/cgroup line 10, /proc/self/mountinfo line 6',
    });
    expect(host.cgroups.cpu.readings).toEqual([
      { state: 'limit', file: '/sys/fs/cgroup/cpu,cpuacct/batch/job-42/cpu.cfs_quota_us', value: { quotaUs: 50000, periodUs: 100000, cpus: 0.5 } },
      { state: 'unlimited', file: '/sys/fs/cgroup/cpu,cpuacct/batch/cpu.cfs_quota_us', raw: '-1' },
      { state: 'unlimited', file: '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us', raw: '-1' },
    ]);
    expect(host.cgroups.cpuset.readings).toEqual([
      { state: 'absent', file: '/sys/fs/cgroup/cpuset/cpuset.effective_cpus' },
      { state: 'limit', file: '/sys/fs/cgroup/cpuset/cpuset.cpus', value: 4 },
    ]);
  });

  it('discovers 1 GiB from /batch, 0.5 CPUs and 256 pids from the job', () => {
    expect(discoverLinuxLimits(host, null)).toEqual({
      totalMemoryBytes: {
        state: 'known',
        value: 1073741824n,
        source: '/proc/meminfo MemTotal (8181817344) -> cgroup v1 memory.limit_in_bytes at /sys/fs/cgroup/memory/batch',
      },
      availableMemoryBytes: {
        state: 'known',
        value: 759169024n,
        source:
          '/proc/meminfo MemAvailable (7007449088) -> cgroup v1 memory.limit_in_bytes at /sys/fs/cgroup/memory/batch minus /sys/fs/cgroup/memory/batch/memory.usage_in_bytes',
      },
      stackBytes: { state: 'known', value: 10485760n, source: '/proc/self/limits Max stack size (soft)' },
      addressSpaceBytes: { state: 'unlimited', value: null, source: '/proc/self/limits Max address space (soft)' },
      cpus: {
        state: 'known',
        value: 0.5,
        source:
          'cgroup v1 cpuset.cpus at /sys/fs/cgroup/cpuset (4), /sys/devices/system/cpu/online (4) -> cgroup v1 cpu.cfs_quota_us at /sys/fs/cgroup/cpu,cpuacct/batch/job-42',
      },
      pids: {
        state: 'known',
        value: 256,
        source: '/proc/sys/kernel/pid_max (32768) -> cgroup v1 pids.max at /sys/fs/cgroup/pids/batch/job-42',
      },
    });
  });

  it('reads PID 1\'s environment and finds no container there', () => {
    expect(host.container.detected).toBe(false);
    expect(host.container.evidence[2]).toEqual({ source: '/proc/1/environ', outcome: 'not found', detail: 'no container= variable', kind: null });
    expect(host.vm.detected).toBe(false);
  });
});

describe('rootless podman with a private cgroup namespace', () => {
  const host = facts('podman-rootless');

  it('detects podman from /run/.containerenv and container=podman', () => {
    expect(host.container).toEqual({
      detected: true,
      kinds: ['podman'],
      evidence: [
        { source: '/run/.containerenv', outcome: 'found', detail: 'exists, engine="podman-4.9.3"', kind: 'podman' },
        NO_DOCKERENV,
        { source: '/proc/1/environ', outcome: 'found', detail: 'container=podman', kind: 'podman' },
        NO_SYSTEMD_CONTAINER,
        NO_CGROUP_HINT,
      ],
    });
  });

  it('has no cpu controller delegated and only the pids limit', () => {
    expect(host.cgroups.unified.controllers).toEqual({ known: true, value: ['memory', 'pids'], source: '/sys/fs/cgroup/cgroup.controllers' });
    expect(host.cgroups.cpu.readings).toEqual([{ state: 'absent', file: '/sys/fs/cgroup/cpu.max' }]);
    const limits = discoverLinuxLimits(host, null);
    expect(limits.totalMemoryBytes).toEqual({
      state: 'known',
      value: 16071184n * 1024n,
      source: 'cgroup v2 memory.max, memory.high at /sys/fs/cgroup (unlimited) -> /proc/meminfo MemTotal',
    });
    expect(limits.cpus).toEqual({
      state: 'known',
      value: 4,
      source:
        'cgroup v2 cpu.max at /sys/fs/cgroup (unlimited), cgroup v2 cpuset.cpus.effective at /sys/fs/cgroup (unlimited) -> /sys/devices/system/cpu/online',
    });
    expect(limits.pids).toEqual({
      state: 'known',
      value: 2048,
      source: '/proc/sys/kernel/pid_max (4194304) -> cgroup v2 pids.max at /sys/fs/cgroup',
    });
  });
});

describe('QEMU/KVM guest', () => {
  const host = facts('kvm-qemu-vm');

  it('detects the VM by the hypervisor flag, DMI "QEMU" and kvm-clock, and no container', () => {
    expect(host.vm).toEqual({
      detected: true,
      kinds: ['qemu', 'kvm'],
      evidence: [
        { source: '/proc/cpuinfo', outcome: 'found', detail: 'hypervisor flag', kind: null },
        { source: DMI, outcome: 'found', detail: 'sys_vendor "QEMU", product_name "Standard PC (Q35 + ICH9, 2009)"', kind: 'qemu' },
        NO_XEN,
        { source: CLOCKS, outcome: 'found', detail: 'kvm-clock', kind: 'kvm' },
      ],
    });
    expect(host.container).toEqual({
      detected: false,
      kinds: [],
      evidence: [NO_CONTAINERENV, NO_DOCKERENV, ENVIRON_DENIED, NO_SYSTEMD_CONTAINER, NO_CGROUP_HINT],
    });
  });

  it('takes TasksMax from user-1000.slice and memory from MemTotal', () => {
    const limits = discoverLinuxLimits(host, null);
    expect(limits.pids).toEqual({
      state: 'known',
      value: 9471,
      source: '/proc/sys/kernel/pid_max (4194304) -> cgroup v2 pids.max at /sys/fs/cgroup/user.slice/user-1000.slice',
    });
    expect(limits.totalMemoryBytes).toEqual({
      state: 'known',
      value: 8123480n * 1024n,
      source:
        'cgroup v2 memory.max, memory.high at /sys/fs/cgroup/user.slice/user-1000.slice/session-3.scope (unlimited) -> /proc/meminfo MemTotal',
    });
  });
});
