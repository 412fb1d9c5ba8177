import { MOUNTINFO_PATH, type MountinfoEntry } from './mountinfo.js';
import { PROC_CGROUP_PATH, type ProcCgroupEntry } from './proc-cgroup.js';

export type CgroupController = 'memory' | 'cpu' | 'pids' | 'cpuset';

/** Where the process's cgroup for one controller is, as host paths. */
export interface LocatedController {
  readonly state: 'located';
  /** The controller looked for, or "unified" for the v2 hierarchy as a whole. */
  readonly controller: CgroupController | 'unified';
  readonly version: 1 | 2;
  /** The process's cgroup path from /proc/self/cgroup. */
  readonly cgroupPath: string;
  readonly mountPoint: string;
  /** The mountinfo root field: which directory of the hierarchy is mounted there. */
  readonly mountRoot: string;
  /** Host path of the process's own cgroup directory. */
  readonly directory: string;
  /**
   * The own directory first, then each ancestor up to and including the mount point. Ancestors
   * above the mount root (outside a container's cgroup namespace) cannot be seen from here.
   */
  readonly chain: readonly string[];
  /** The two lines that placed it, e.g. "/proc/self/cgroup line 4, /proc/self/mountinfo line 35". */
  readonly source: string;
}

/** No hierarchy carries the controller, so no limit of that kind can apply. */
export interface AbsentController {
  readonly state: 'absent';
  readonly controller: CgroupController | 'unified';
  readonly reason: string;
}

/** The hierarchy exists but the process's directory in it cannot be found. */
export interface UnplacedController {
  readonly state: 'unknown';
  readonly controller: CgroupController | 'unified';
  readonly reason: string;
}

export type ControllerPlacement = LocatedController | AbsentController | UnplacedController;

function trimTrailingSlash(path: string): string {
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/**
 * The part of `cgroupPath` below the mounted `root`, or null when the process's cgroup is not inside
 * the mounted subtree. With root "/" the path is used as is; inside a container whose cgroup
 * directory is bind-mounted (root "/docker/<id>") the process's path equals or extends the root.
 */
export function pathBelowMountRoot(cgroupPath: string, root: string): string | null {
  const path = trimTrailingSlash(cgroupPath);
  const mountRoot = trimTrailingSlash(root);
  if (mountRoot === '/') return path;
  if (path === mountRoot) return '/';
  if (path.startsWith(`${mountRoot}/`)) return path.slice(mountRoot.length);
  return null;
}

/** The directory for `relative` under `mountPoint`, followed by its ancestors up to the mount point. */
export function cgroupChain(mountPoint: string, relative: string): string[] {
  const base = trimTrailingSlash(mountPoint);
  const parts = relative.split('/').filter((part) => part !== '');
  const chain: string[] = [];
  for (let depth = parts.length; depth >= 0; depth -= 1) {
    const tail = parts.slice(0, depth).join('/');
    chain.push(tail === '' ? base : base === '/' ? `/${tail}` : `${base}/${tail}`);
  }
  return chain;
}

function place(
  label: CgroupController | 'unified',
  version: 1 | 2,
  entry: ProcCgroupEntry,
  candidates: readonly MountinfoEntry[],
): ControllerPlacement {
  if (candidates.length === 0) {
    return {
      state: 'absent',
      controller: label,
      reason:
        version === 1
          ? `${PROC_CGROUP_PATH} line ${entry.line} names ${label}, but no cgroup mount in ${MOUNTINFO_PATH} carries it`
          : `no cgroup2 mount in ${MOUNTINFO_PATH}`,
    };
  }
  let best: { mount: MountinfoEntry; relative: string } | null = null;
  for (const mount of candidates) {
    const relative = pathBelowMountRoot(entry.path, mount.root);
    if (relative === null) continue;
    if (best === null || mount.root.length < best.mount.root.length) best = { mount, relative };
  }
  if (best === null) {
    const roots = candidates.map((mount) => `${mount.root} at ${mount.mountPoint}`).join(', ');
    return {
      state: 'unknown',
      controller: label,
      reason: `cgroup path ${entry.path} (${PROC_CGROUP_PATH} line ${entry.line}) is outside every mount of its hierarchy: ${roots}`,
    };
  }
  const chain = cgroupChain(best.mount.mountPoint, best.relative);
  return {
    state: 'located',
    controller: label,
    version,
    cgroupPath: entry.path,
    mountPoint: best.mount.mountPoint,
    mountRoot: best.mount.root,
    directory: chain[0] ?? best.mount.mountPoint,
    chain,
    source: `${PROC_CGROUP_PATH} line ${entry.line}, ${MOUNTINFO_PATH} line ${best.mount.line}`,
  };
}

/**
 * Finds the process's cgroup directory for `controller`. A controller bound to a v1 hierarchy is
 * only there (the kernel lets a controller sit in one hierarchy at a time), so on a hybrid host
 * memory can be on v1 while the unified hierarchy holds nothing; otherwise the unified (v2) entry
 * "0::/path" and the cgroup2 mount are used. Among several mounts of the same hierarchy the one with
 * the shortest root wins, because it shows the most ancestors.
 */
export function locateController(
  controller: CgroupController,
  procCgroup: readonly ProcCgroupEntry[],
  mounts: readonly MountinfoEntry[],
): ControllerPlacement {
  const v1Entry = procCgroup.find((entry) => entry.hierarchyId !== 0 && entry.controllers.includes(controller));
  if (v1Entry !== undefined) {
    const v1Mounts = mounts.filter((mount) => mount.fsType === 'cgroup' && mount.superOptions.includes(controller));
    return place(controller, 1, v1Entry, v1Mounts);
  }
  const placement = locateUnified(procCgroup, mounts);
  return { ...placement, controller };
}

/** The process's directory in the unified (cgroup v2) hierarchy, whatever controllers it holds. */
export function locateUnified(procCgroup: readonly ProcCgroupEntry[], mounts: readonly MountinfoEntry[]): ControllerPlacement {
  const entry = procCgroup.find((candidate) => candidate.hierarchyId === 0 && candidate.controllers.length === 0);
  if (entry === undefined) {
    return { state: 'absent', controller: 'unified', reason: `${PROC_CGROUP_PATH} has no unified (0::) entry` };
  }
  return place(
    'unified',
    2,
    entry,
    mounts.filter((mount) => mount.fsType === 'cgroup2'),
  );
}
