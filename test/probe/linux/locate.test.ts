import { describe, expect, it } from 'vitest';
import { cgroupChain, locateController, locateUnified, pathBelowMountRoot } from '../../../ts/probe/linux/cgroup-locate.js';
import { parseMountinfo } from '../../../ts/probe/linux/mountinfo.js';
import { parseProcCgroup } from '../../../ts/probe/linux/proc-cgroup.js';

describe('pathBelowMountRoot', () => {
  it('uses the path as is under a whole-hierarchy mount', () => {
    expect(pathBelowMountRoot('/process_api/abc', '/')).toBe('/process_api/abc');
  });
  it('strips a container root that equals or prefixes the path', () => {
    expect(pathBelowMountRoot('/docker/abc', '/docker/abc')).toBe('/');
    expect(pathBelowMountRoot('/docker/abc/sub', '/docker/abc')).toBe('/sub');
  });
  it('refuses a path outside the mounted subtree, and a mere name prefix', () => {
    expect(pathBelowMountRoot('/other', '/docker/abc')).toBeNull();
    expect(pathBelowMountRoot('/docker/abcdef', '/docker/abc')).toBeNull();
  });
});

describe('cgroupChain', () => {
  it('lists the own directory, then each ancestor up to the mount point', () => {
    expect(cgroupChain('/sys/fs/cgroup/memory', '/a/b')).toEqual([
      '/sys/fs/cgroup/memory/a/b',
      '/sys/fs/cgroup/memory/a',
      '/sys/fs/cgroup/memory',
    ]);
    expect(cgroupChain('/sys/fs/cgroup/', '/')).toEqual(['/sys/fs/cgroup']);
  });
});

describe('locateController', () => {
  const hybridCgroup = parseProcCgroup('4:memory:/job\n1:cpu,cpuacct:/\n0::/\n');
  const hybridMounts = parseMountinfo(
    [
      '32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct',
      '35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory',
      '90 1 0:32 /job /srv/memcg rw - cgroup cgroup rw,memory',
      '41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw',
    ].join('\n'),
  );

  it('prefers the v1 hierarchy that carries the controller, and its mount with the shortest root', () => {
    expect(locateController('memory', hybridCgroup, hybridMounts)).toMatchObject({
      state: 'located',
      version: 1,
      directory: '/sys/fs/cgroup/memory/job',
      chain: ['/sys/fs/cgroup/memory/job', '/sys/fs/cgroup/memory'],
      source: '/proc/self/cgroup line 1, /proc/self/mountinfo line 2',
    });
  });

  it('falls back to the unified hierarchy for controllers no v1 hierarchy has', () => {
    expect(locateController('pids', hybridCgroup, hybridMounts)).toMatchObject({
      state: 'located',
      controller: 'pids',
      version: 2,
      directory: '/sys/fs/cgroup/unified',
    });
  });

  it('is absent when nothing mounts the hierarchy, unknown when the path is outside every mount', () => {
    const noUnified = parseMountinfo('35 31 0:32 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory');
    expect(locateUnified(hybridCgroup, noUnified)).toEqual({
      state: 'absent',
      controller: 'unified',
      reason: 'no cgroup2 mount in /proc/self/mountinfo',
    });
    const elsewhere = parseMountinfo('35 31 0:32 /other /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory');
    expect(locateController('memory', hybridCgroup, elsewhere)).toEqual({
      state: 'unknown',
      controller: 'memory',
      reason: 'cgroup path /job (/proc/self/cgroup line 1) is outside every mount of its hierarchy: /other at /sys/fs/cgroup/memory',
    });
    expect(locateController('memory', parseProcCgroup('4:memory:/job\n'), [])).toMatchObject({ state: 'absent' });
  });
});
