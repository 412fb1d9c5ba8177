import { WrtError } from '../../core/errors.js';

export const MOUNTINFO_PATH = '/proc/self/mountinfo';

/** One line of /proc/<pid>/mountinfo (proc(5)). */
export interface MountinfoEntry {
  readonly mountId: number;
  readonly parentId: number;
  readonly majorMinor: string;
  /** The directory of the mounted filesystem that appears at the mount point ("/" for a whole fs). */
  readonly root: string;
  readonly mountPoint: string;
  readonly mountOptions: readonly string[];
  readonly optionalFields: readonly string[];
  readonly fsType: string;
  readonly source: string;
  /** Per-superblock options; for cgroup v1 these name the controllers ("rw,cpu,cpuacct"). */
  readonly superOptions: readonly string[];
  readonly line: number;
}

/** The kernel escapes space, tab, newline and backslash in paths as three-digit octal. */
export function unescapeMountPath(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_escape, octal: string) => String.fromCharCode(Number.parseInt(octal, 8)));
}

function integerField(value: string, file: string, line: number, field: string): number {
  if (!/^\d+$/.test(value)) {
    throw new WrtError('HOST_READ_FAILED', `${field} is not a decimal number: ${JSON.stringify(value)}`, { file, line, field });
  }
  return Number(value);
}

/**
 * Parses mountinfo. A line needs six fixed fields, any number of optional fields, a lone "-", then
 * fstype, source and super options; anything shorter is rejected with its line number, since a
 * cgroup mount read from a misaligned line would point the probe at the wrong directory.
 */
export function parseMountinfo(text: string, file: string = MOUNTINFO_PATH): MountinfoEntry[] {
  const entries: MountinfoEntry[] = [];
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const raw = lines[index] ?? '';
    if (raw.trim() === '') continue;
    const line = index + 1;
    const fields = raw.trim().split(/\s+/);
    const separator = fields.indexOf('-', 6);
    const [mountId, parentId, majorMinor, root, mountPoint, options] = fields;
    if (
      mountId === undefined ||
      parentId === undefined ||
      majorMinor === undefined ||
      root === undefined ||
      mountPoint === undefined ||
      options === undefined ||
      separator < 0 ||
      fields.length < separator + 4
    ) {
      throw new WrtError(
        'HOST_READ_FAILED',
        `mountinfo line has ${fields.length} fields; needs 6 fields, optional fields, "-", fstype, source and super options`,
        { file, line, limit: 'at least 9 fields with a "-" separator after the 6th' },
      );
    }
    entries.push({
      mountId: integerField(mountId, file, line, 'mount ID'),
      parentId: integerField(parentId, file, line, 'parent ID'),
      majorMinor,
      root: unescapeMountPath(root),
      mountPoint: unescapeMountPath(mountPoint),
      mountOptions: options.split(','),
      optionalFields: fields.slice(6, separator),
      fsType: fields[separator + 1] ?? '',
      source: unescapeMountPath(fields[separator + 2] ?? ''),
      superOptions: (fields[separator + 3] ?? '').split(',').filter((option) => option !== ''),
      line,
    });
  }
  return entries;
}
