import { type Detection, type Evidence, detectionOf } from './evidence.js';
import { attempt } from './fact.js';
import { type FileRead, READ_MISSING } from './host-files.js';
import { PROC_CGROUP_PATH, parseProcCgroup } from './proc-cgroup.js';

export const CONTAINERENV_PATH = '/run/.containerenv';
export const DOCKERENV_PATH = '/.dockerenv';
export const PID1_ENVIRON_PATH = '/proc/1/environ';
export const SYSTEMD_CONTAINER_PATH = '/run/systemd/container';

/** The files container detection looks at, already read. */
export interface ContainerInputs {
  readonly containerenv: FileRead;
  readonly dockerenv: FileRead;
  readonly pid1Environ: FileRead;
  readonly systemdContainer: FileRead;
  readonly procCgroup: FileRead;
}

/** A marker file: present means found, missing means not found, anything else is unknown. */
function markerFile(
  source: string,
  read: FileRead,
  kindOf: (text: string) => string | null,
  detailOf: (text: string) => string,
): Evidence {
  if (read.ok) return { source, outcome: 'found', detail: detailOf(read.text), kind: kindOf(read.text) };
  if (read.reason === READ_MISSING) return { source, outcome: 'not found', detail: 'missing', kind: null };
  return { source, outcome: 'unknown', detail: read.reason, kind: null };
}

function containerenvDetail(text: string): string {
  // podman writes engine="podman-4.9.3" (among name, id, image, rootless) into the file.
  const engine = /^engine="([^"]*)"/m.exec(text)?.[1];
  return engine === undefined ? 'exists' : `exists, engine="${engine}"`;
}

/**
 * PID 1's environment. Container managers (podman, systemd-nspawn, LXC) set container=<name> for
 * the init they start. The file is NUL-separated; it may be unreadable even for root (EACCES under
 * some sandboxes and with hidepid), and that is reported as unknown, never as absence.
 */
export function pid1EnvironEvidence(read: FileRead): Evidence {
  const source = PID1_ENVIRON_PATH;
  if (!read.ok) return { source, outcome: 'unknown', detail: read.reason, kind: null };
  for (const variable of read.text.split('\0')) {
    if (variable.startsWith('container=')) {
      const value = variable.slice('container='.length);
      return { source, outcome: 'found', detail: variable, kind: value === '' ? null : value };
    }
  }
  return { source, outcome: 'not found', detail: 'no container= variable', kind: null };
}

/** Container runtimes leave their name in the cgroup path when the host's cgroup namespace is shared. */
const CGROUP_HINTS: readonly { readonly pattern: RegExp; readonly kind: string; readonly label: string }[] = [
  { pattern: /\/docker\/[0-9a-f]{12,}|\/docker-[0-9a-f]{12,}\.scope/, kind: 'docker', label: 'docker' },
  { pattern: /\/kubepods[./]/, kind: 'kubernetes', label: 'kubepods' },
  { pattern: /\/lxc\/|\/lxc\.payload\./, kind: 'lxc', label: 'lxc' },
  { pattern: /\/libpod-[0-9a-f]{12,}|\/libpod_parent\//, kind: 'podman', label: 'libpod' },
  { pattern: /\/crio-[0-9a-f]{12,}/, kind: 'cri-o', label: 'crio' },
];

export function cgroupPathEvidence(read: FileRead): Evidence[] {
  const source = PROC_CGROUP_PATH;
  if (!read.ok) return [{ source, outcome: 'unknown', detail: read.reason, kind: null }];
  const parsed = attempt(source, () => parseProcCgroup(read.text, source));
  if (!parsed.known) return [{ source, outcome: 'unknown', detail: parsed.reason, kind: null }];
  const entries = parsed.value;
  const found: Evidence[] = [];
  for (const hint of CGROUP_HINTS) {
    const entry = entries.find((candidate) => hint.pattern.test(candidate.path));
    if (entry !== undefined) {
      found.push({ source, outcome: 'found', detail: `line ${entry.line}: ${entry.path} (${hint.label})`, kind: hint.kind });
    }
  }
  if (found.length > 0) return found;
  return [{ source, outcome: 'not found', detail: 'no docker, kubepods, lxc, libpod or crio in cgroup paths', kind: null }];
}

export function detectContainer(inputs: ContainerInputs): Detection {
  return detectionOf([
    markerFile(CONTAINERENV_PATH, inputs.containerenv, () => 'podman', containerenvDetail),
    markerFile(DOCKERENV_PATH, inputs.dockerenv, () => 'docker', () => 'exists'),
    pid1EnvironEvidence(inputs.pid1Environ),
    // systemd-based managers write their name here ("docker", "podman", "lxc", "systemd-nspawn").
    markerFile(
      SYSTEMD_CONTAINER_PATH,
      inputs.systemdContainer,
      (text) => (text.trim() === '' ? null : text.trim()),
      (text) => `contains "${text.trim()}"`,
    ),
    ...cgroupPathEvidence(inputs.procCgroup),
  ]);
}
