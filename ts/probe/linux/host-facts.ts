import { WrtError } from '../../core/errors.js';
import type { RlimitPair } from '../../native/facts.js';
import {
  type ControllerPlacement,
  locateController,
  locateUnified,
} from './cgroup-locate.js';
import {
  type CpuLimit,
  type CpusetLimit,
  type MemoryLimit,
  type PidsLimit,
  readCpuLimit,
  readCpusetLimit,
  readMemoryLimit,
  readPidsLimit,
} from './cgroup-limits.js';
import { parseCpuListCount } from './cgroup-values.js';
import {
  CONTAINERENV_PATH,
  DOCKERENV_PATH,
  PID1_ENVIRON_PATH,
  SYSTEMD_CONTAINER_PATH,
  detectContainer,
} from './container.js';
import type { Detection } from './evidence.js';
import { type Fact, attempt, known, unknown } from './fact.js';
import { type FileRead, type HostFiles, rootedHostFiles } from './host-files.js';
import { MEMINFO_PATH, type MeminfoFacts, meminfoFacts } from './meminfo.js';
import { MOUNTINFO_PATH, type MountinfoEntry, parseMountinfo } from './mountinfo.js';
import { PROC_CGROUP_PATH, type ProcCgroupEntry, parseProcCgroup } from './proc-cgroup.js';
import { PROC_LIMITS_PATH, parseProcLimits, procLimitRow } from './proc-limits.js';
import {
  CLOCKSOURCES_PATH,
  CPUINFO_PATH,
  DMI_PRODUCT_NAME_PATH,
  DMI_SYS_VENDOR_PATH,
  HYPERVISOR_TYPE_PATH,
  detectVm,
} from './vm.js';

export const ONLINE_CPUS_PATH = '/sys/devices/system/cpu/online';
export const PID_MAX_PATH = '/proc/sys/kernel/pid_max';

/** v1: only v1 hierarchies; v2: only cgroup2; hybrid: both (systemd's "hybrid" layout); none: no cgroup mounts. */
export type CgroupLayout = 'v1' | 'v2' | 'hybrid' | 'none';

export interface UnifiedHierarchy {
  readonly placement: ControllerPlacement;
  /** cgroup.controllers of the process's v2 directory: empty (or e.g. "hugetlb") on hybrid hosts. */
  readonly controllers: Fact<readonly string[]> | null;
}

export interface CgroupFacts {
  readonly layout: Fact<CgroupLayout>;
  readonly unified: UnifiedHierarchy;
  readonly memory: MemoryLimit;
  readonly cpu: CpuLimit;
  readonly pids: PidsLimit;
  readonly cpuset: CpusetLimit;
}

export interface ProcessLimitsFacts {
  /** "Max stack size" and "Max address space" rows of /proc/self/limits (bytes; null = unlimited). */
  readonly stack: Fact<RlimitPair>;
  readonly addressSpace: Fact<RlimitPair>;
  /** "Max locked memory" (RLIMIT_MEMLOCK): what the linux-mmap adapter may mlock without CAP_IPC_LOCK. */
  readonly lockedMemory: Fact<RlimitPair>;
}

/** Everything the Linux probe reads from files, each value with the file it came from. */
export interface LinuxHostFacts {
  readonly meminfo: MeminfoFacts;
  readonly cgroups: CgroupFacts;
  /** Number of CPUs in /sys/devices/system/cpu/online. */
  readonly onlineCpus: Fact<number>;
  readonly processLimits: ProcessLimitsFacts;
  /** /proc/sys/kernel/pid_max: the kernel-wide bound on process and thread IDs. */
  readonly pidMax: Fact<number>;
  readonly container: Detection;
  readonly vm: Detection;
}

function parsed<T>(file: string, read: FileRead, parse: (text: string) => T): Fact<T> {
  return read.ok ? attempt(file, () => parse(read.text)) : unknown(`${file}: ${read.reason}`, file);
}

function cgroupLayout(mounts: Fact<readonly MountinfoEntry[]>): Fact<CgroupLayout> {
  if (!mounts.known) return mounts;
  const v1 = mounts.value.some((mount) => mount.fsType === 'cgroup');
  const v2 = mounts.value.some((mount) => mount.fsType === 'cgroup2');
  return known(v1 && v2 ? 'hybrid' : v1 ? 'v1' : v2 ? 'v2' : 'none', MOUNTINFO_PATH);
}

function readCgroups(files: HostFiles, procCgroupRead: FileRead): CgroupFacts {
  const entries: Fact<readonly ProcCgroupEntry[]> = parsed(PROC_CGROUP_PATH, procCgroupRead, (text) => parseProcCgroup(text));
  const mounts: Fact<readonly MountinfoEntry[]> = parsed(MOUNTINFO_PATH, files.read(MOUNTINFO_PATH), (text) => parseMountinfo(text));
  type Locator = (procCgroup: readonly ProcCgroupEntry[], mountinfo: readonly MountinfoEntry[]) => ControllerPlacement;
  const locate = (find: Locator, label: ControllerPlacement['controller']): ControllerPlacement => {
    if (!entries.known) return { state: 'unknown', controller: label, reason: entries.reason };
    if (!mounts.known) return { state: 'unknown', controller: label, reason: mounts.reason };
    return find(entries.value, mounts.value);
  };
  const unifiedPlacement = locate(locateUnified, 'unified');
  let controllers: Fact<readonly string[]> | null = null;
  if (unifiedPlacement.state === 'located') {
    const file = `${unifiedPlacement.directory}/cgroup.controllers`;
    controllers = parsed(file, files.read(file), (text) => text.trim().split(/\s+/).filter((name) => name !== ''));
  }
  return {
    layout: cgroupLayout(mounts),
    unified: { placement: unifiedPlacement, controllers },
    memory: readMemoryLimit(files, locate((p, m) => locateController('memory', p, m), 'memory')),
    cpu: readCpuLimit(files, locate((p, m) => locateController('cpu', p, m), 'cpu')),
    pids: readPidsLimit(files, locate((p, m) => locateController('pids', p, m), 'pids')),
    cpuset: readCpusetLimit(files, locate((p, m) => locateController('cpuset', p, m), 'cpuset')),
  };
}

function readProcessLimits(files: HostFiles): ProcessLimitsFacts {
  const read = files.read(PROC_LIMITS_PATH);
  const row = (name: string): Fact<RlimitPair> =>
    parsed(`${PROC_LIMITS_PATH} ${name}`, read, (text) => procLimitRow(parseProcLimits(text), name));
  return { stack: row('Max stack size'), addressSpace: row('Max address space'), lockedMemory: row('Max locked memory') };
}

/** RLIMIT_MEMLOCK of this process alone, for a target that runs on this host (`probe --target native-sim`). */
export function readLockedMemoryLimit(files: HostFiles): Fact<RlimitPair> {
  return readProcessLimits(files).lockedMemory;
}

function decimalInteger(text: string, file: string, field: string): number {
  const token = text.trim();
  if (!/^\d{1,15}$/.test(token)) {
    throw new WrtError('HOST_READ_FAILED', `expected a decimal number, got ${JSON.stringify(token.slice(0, 40))}`, {
      file,
      line: 1,
      field,
    });
  }
  return Number(token);
}

/**
 * Reads every Linux host fact through `files`. It never throws because of what a file contains:
 * a missing, unreadable or malformed file becomes an Unknown whose reason names the file (and the
 * line and field when a parser rejected it).
 */
export function readLinuxHostFacts(files: HostFiles): LinuxHostFacts {
  const procCgroupRead = files.read(PROC_CGROUP_PATH);
  return {
    meminfo: meminfoFacts(files.read(MEMINFO_PATH)),
    cgroups: readCgroups(files, procCgroupRead),
    onlineCpus: parsed(ONLINE_CPUS_PATH, files.read(ONLINE_CPUS_PATH), (text) => parseCpuListCount(text, ONLINE_CPUS_PATH, 'online')),
    processLimits: readProcessLimits(files),
    pidMax: parsed(PID_MAX_PATH, files.read(PID_MAX_PATH), (text) => decimalInteger(text, PID_MAX_PATH, 'pid_max')),
    container: detectContainer({
      containerenv: files.read(CONTAINERENV_PATH),
      dockerenv: files.read(DOCKERENV_PATH),
      pid1Environ: files.read(PID1_ENVIRON_PATH),
      systemdContainer: files.read(SYSTEMD_CONTAINER_PATH),
      procCgroup: procCgroupRead,
    }),
    vm: detectVm({
      cpuinfo: files.read(CPUINFO_PATH),
      dmiSysVendor: files.read(DMI_SYS_VENDOR_PATH),
      dmiProductName: files.read(DMI_PRODUCT_NAME_PATH),
      hypervisorType: files.read(HYPERVISOR_TYPE_PATH),
      clocksources: files.read(CLOCKSOURCES_PATH),
    }),
  };
}

/** The live machine (or a recorded tree under `root`). */
export function probeLinuxHost(root = '/'): LinuxHostFacts {
  return readLinuxHostFacts(rootedHostFiles(root));
}
