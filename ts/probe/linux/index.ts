/** The Linux part of `wrt-target probe`: host facts from /proc and /sys, and the discovered limits. */
export {
  type FileRead,
  type HostFiles,
  READ_MISSING,
  READ_PERMISSION_DENIED,
  memoryHostFiles,
  rootedHostFiles,
  withReadFailures,
} from './host-files.js';
export { type Fact, type Known, type Unknown, attempt, known, unknown } from './fact.js';
export { type Detection, type Evidence, describeEvidence, detectionOf } from './evidence.js';
export { type MeminfoEntry, type MeminfoFacts, meminfoBytes, meminfoFacts, parseMeminfo } from './meminfo.js';
export { type MountinfoEntry, parseMountinfo, unescapeMountPath } from './mountinfo.js';
export { type ProcCgroupEntry, parseProcCgroup } from './proc-cgroup.js';
export {
  type CgroupController,
  type ControllerPlacement,
  type LocatedController,
  cgroupChain,
  locateController,
  locateUnified,
  pathBelowMountRoot,
} from './cgroup-locate.js';
export {
  type CpuQuota,
  type LimitValue,
  V1_MEMORY_UNLIMITED_THRESHOLD,
  parseByteCount,
  parseCfsQuota,
  parseCpuListCount,
  parseCpuMax,
  parseMaxOrNumber,
  parsePidsMax,
  parseV1MemoryLimit,
} from './cgroup-values.js';
export {
  type CpuLimit,
  type CpusetLimit,
  type EffectiveLimit,
  type LevelReading,
  type MemoryLimit,
  type PidsLimit,
  type ResourceLimit,
  readCpuLimit,
  readCpusetLimit,
  readMemoryLimit,
  readPidsLimit,
} from './cgroup-limits.js';
export { type ContainerInputs, cgroupPathEvidence, detectContainer, pid1EnvironEvidence } from './container.js';
export { type VmInputs, clocksourceEvidence, cpuinfoEvidence, detectVm, dmiEvidence, hypervisorTypeEvidence } from './vm.js';
export { type ProcLimits, parseProcLimits, procLimitRow } from './proc-limits.js';
export {
  type CgroupFacts,
  type CgroupLayout,
  type LinuxHostFacts,
  type ProcessLimitsFacts,
  type UnifiedHierarchy,
  probeLinuxHost,
  readLinuxHostFacts,
} from './host-facts.js';
export { type DiscoveredValue, type LinuxDiscoveredLimits, LINUX_DISCOVERED_KEYS, discoverLinuxLimits } from './discover.js';
