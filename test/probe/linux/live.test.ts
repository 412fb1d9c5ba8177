/**
 * The real reader on the machine running the tests. Every assertion is checked against the same
 * files read here independently, except the project's promise about its reference machine (a
 * Firecracker microVM carrying /.dockerenv): there both a container and a VM must be reported.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadAddon } from '../../../ts/native/load.js';
import { discoverLinuxLimits } from '../../../ts/probe/linux/discover.js';
import { probeLinuxHost } from '../../../ts/probe/linux/host-facts.js';

const onLinux = process.platform === 'linux';

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function errnoOf(path: string): string | null {
  try {
    readFileSync(path);
    return null;
  } catch (error) {
    return typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : 'unknown';
  }
}

/** The memory limit files from the process's cgroup up to its hierarchy's mount point, read naively. */
function independentMemoryLimits(): { directory: string; limited: bigint[] } | null {
  const cgroupLines = (readOrNull('/proc/self/cgroup') ?? '').split('\n').filter((line) => line !== '');
  const mountLines = (readOrNull('/proc/self/mountinfo') ?? '').split('\n').filter((line) => line !== '');
  const v1 = cgroupLines.find((line) => (line.split(':')[1] ?? '').split(',').includes('memory'));
  const entry = v1 ?? cgroupLines.find((line) => line.startsWith('0::'));
  if (entry === undefined) return null;
  const path = entry.slice(entry.indexOf(':', entry.indexOf(':') + 1) + 1);
  const mount = mountLines.find((line) => {
    const after = (line.split(' - ')[1] ?? '').split(' ');
    return v1 !== undefined ? after[0] === 'cgroup' && (after[2] ?? '').split(',').includes('memory') : after[0] === 'cgroup2';
  });
  if (mount === undefined) return null;
  const fields = mount.split(' ');
  const root = fields[3] ?? '/';
  const mountPoint = fields[4] ?? '';
  const relative = root === '/' ? path : path.startsWith(root) ? path.slice(root.length) : null;
  if (relative === null) return null;
  const directory = `${mountPoint}${relative === '/' ? '' : relative}`;
  const limited: bigint[] = [];
  for (let dir = directory; dir.length >= mountPoint.length; dir = dir.slice(0, dir.lastIndexOf('/'))) {
    const names = v1 !== undefined ? ['memory.limit_in_bytes'] : ['memory.max', 'memory.high'];
    for (const name of names) {
      const value = readOrNull(`${dir}/${name}`)?.trim();
      if (value === undefined || value === 'max') continue;
      // Below LONG_MAX rounded to 64 KiB pages is a real v1 limit.
      if (BigInt(value) < 0x7fff_ffff_ffff_0000n) limited.push(BigInt(value));
    }
  }
  return { directory, limited };
}

describe.runIf(onLinux)('live: the real reader on this machine', () => {
  const facts = probeLinuxHost('/');
  const limits = discoverLinuxLimits(facts, null);

  it('MemTotal equals /proc/meminfo read independently', () => {
    const match = /^MemTotal:\s+(\d+) kB$/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    expect(match?.[1]).toBeDefined();
    expect(facts.meminfo.total).toEqual({ known: true, value: BigInt(match?.[1] ?? '0') * 1024n, source: '/proc/meminfo MemTotal' });
  });

  it('finds the same cgroup directory and the same effective memory limit as a naive walk', () => {
    const expected = independentMemoryLimits();
    expect(expected).not.toBeNull();
    if (expected === null) return;
    const memory = facts.cgroups.memory;
    expect(memory.placement.state === 'located' && memory.placement.directory).toBe(expected.directory);
    if (expected.limited.length === 0) {
      expect(memory.effective.state).toBe('unlimited');
      expect(limits.totalMemoryBytes.source.endsWith('-> /proc/meminfo MemTotal')).toBe(true);
    } else {
      const smallest = expected.limited.reduce((a, b) => (b < a ? b : a));
      expect(memory.effective).toMatchObject({ state: 'limited', value: smallest });
    }
  });

  it('the stack limit equals the "Max stack size" soft value in /proc/self/limits', () => {
    const row = /^Max stack size\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
    expect(row).toBeDefined();
    expect(limits.stackBytes.value).toBe(row === 'unlimited' || row === undefined ? null : BigInt(row));
  });

  it('container evidence follows the marker files, and an unreadable /proc/1/environ is unknown, not absent', () => {
    const dockerenv = facts.container.evidence.find((item) => item.source === '/.dockerenv');
    expect(dockerenv?.outcome).toBe(existsSync('/.dockerenv') ? 'found' : 'not found');
    const environ = facts.container.evidence.find((item) => item.source === '/proc/1/environ');
    const errno = errnoOf('/proc/1/environ');
    if (errno === 'EACCES' || errno === 'EPERM') expect(environ).toMatchObject({ outcome: 'unknown', detail: 'permission denied' });
    else expect(environ?.outcome).not.toBe('unknown');
  });

  it('VM evidence follows the hypervisor flag in /proc/cpuinfo', () => {
    const flags = /^flags\s*:(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1];
    const cpuinfo = facts.vm.evidence.find((item) => item.source === '/proc/cpuinfo');
    if (flags !== undefined) expect(cpuinfo?.outcome).toBe(flags.split(/\s+/).includes('hypervisor') ? 'found' : 'not found');
  });

  // The project's promise for its reference machine (Firecracker microVM with /.dockerenv).
  it('reports both a docker container and a VM here', () => {
    expect(facts.container.detected).toBe(true);
    expect(facts.container.kinds).toContain('docker');
    expect(facts.vm.detected).toBe(true);
    expect(facts.vm.evidence[0]).toMatchObject({ source: '/proc/cpuinfo', outcome: 'found', detail: 'hypervisor flag' });
  });

  const addon = loadAddon();
  it.runIf(addon.loaded)('getrlimit through the addon agrees with /proc/self/limits', () => {
    if (!addon.loaded) return;
    const withNative = discoverLinuxLimits(facts, addon.addon.gatherFacts());
    expect(withNative.stackBytes.source).toBe('getrlimit(RLIMIT_STACK) soft');
    expect(withNative.stackBytes.value).toBe(limits.stackBytes.value);
    expect(withNative.addressSpaceBytes.value).toBe(limits.addressSpaceBytes.value);
  });
});
