import { describe, expect, it } from 'vitest';
import { memoryHostFiles, rootedHostFiles, withReadFailures } from '../../../ts/probe/linux/host-files.js';
import { scenarioRoot } from './fixtures.js';

describe('rootedHostFiles', () => {
  const files = rootedHostFiles(scenarioRoot('v1-limited'));

  it('reads host paths under the root', () => {
    expect(files.read('/proc/sys/kernel/pid_max')).toEqual({ ok: true, text: '32768\n' });
  });

  it('reports a missing file and a missing parent directory as "missing"', () => {
    expect(files.read('/.dockerenv')).toEqual({ ok: false, reason: 'missing' });
    expect(files.read('/proc/sys/kernel/pid_max/child')).toEqual({ ok: false, reason: 'missing' });
  });

  it('names other errors by their code, and refuses relative paths', () => {
    expect(files.read('/proc')).toEqual({ ok: false, reason: 'EISDIR' });
    expect(files.read('proc/meminfo')).toEqual({ ok: false, reason: 'not an absolute host path: proc/meminfo' });
  });

  it('cannot climb out of the root with ".."', () => {
    expect(files.read('/../../../../proc/sys/kernel/pid_max')).toEqual({ ok: true, text: '32768\n' });
  });
});

describe('memoryHostFiles and withReadFailures', () => {
  it('serve literal contents and override chosen paths with a reason', () => {
    const base = memoryHostFiles({ '/proc/1/environ': 'container=lxc\0' });
    expect(base.read('/proc/1/environ')).toEqual({ ok: true, text: 'container=lxc\0' });
    expect(base.read('/proc/meminfo')).toEqual({ ok: false, reason: 'missing' });
    const denied = withReadFailures(base, { '/proc/1/environ': 'permission denied' });
    expect(denied.read('/proc/1/environ')).toEqual({ ok: false, reason: 'permission denied' });
  });
});
