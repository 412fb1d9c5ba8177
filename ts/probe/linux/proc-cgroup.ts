import { WrtError } from '../../core/errors.js';

export const PROC_CGROUP_PATH = '/proc/self/cgroup';

/** One line of /proc/<pid>/cgroup: `hierarchy-ID:controller-list:cgroup-path` (cgroups(7)). */
export interface ProcCgroupEntry {
  /** 0 for the cgroup v2 unified hierarchy. */
  readonly hierarchyId: number;
  /** v1 controllers bound to the hierarchy ("cpu", "cpuacct", "name=systemd"); empty for v2. */
  readonly controllers: readonly string[];
  /** Path of the process's cgroup relative to the hierarchy's root, as the process's namespace sees it. */
  readonly path: string;
  readonly line: number;
}

/**
 * Parses /proc/self/cgroup. The path may itself contain ':' (it is everything after the second
 * colon), so only the first two colons split the line.
 */
export function parseProcCgroup(text: string, file: string = PROC_CGROUP_PATH): ProcCgroupEntry[] {
  const entries: ProcCgroupEntry[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const raw = lines[index] ?? '';
    if (raw.trim() === '') continue;
    const line = index + 1;
    const first = raw.indexOf(':');
    const second = first < 0 ? -1 : raw.indexOf(':', first + 1);
    if (second < 0) {
      throw new WrtError('HOST_READ_FAILED', `line is not "id:controllers:path": ${JSON.stringify(raw.slice(0, 80))}`, {
        file,
        line,
      });
    }
    const id = raw.slice(0, first);
    const path = raw.slice(second + 1);
    if (!/^\d+$/.test(id)) {
      throw new WrtError('HOST_READ_FAILED', `hierarchy ID is not a number: ${JSON.stringify(id)}`, {
        file,
        line,
        field: 'hierarchy-ID',
      });
    }
    if (!path.startsWith('/')) {
      throw new WrtError('HOST_READ_FAILED', `cgroup path is not absolute: ${JSON.stringify(path)}`, {
        file,
        line,
        field: 'cgroup-path',
      });
    }
    const list = raw.slice(first + 1, second);
    entries.push({
      hierarchyId: Number(id),
      controllers: list === '' ? [] : list.split(','),
      path,
      line,
    });
  }
  return entries;
}
