/**
 * The probe report: what a machine or target can give a module, as plain data. Built from facts
 * that were already gathered, so it is pure and tested on recorded inputs.
 */
import type { JsonDocumentKind } from '../core/output.js';
import type { NativeFacts, RlimitPair, SyscallResult } from '../native/facts.js';
import type { ResolvedLimits } from '../limits/types.js';
import type { LinuxHostFacts } from './linux/host-facts.js';
import type { Detection } from './linux/evidence.js';
import type { Fact } from './linux/fact.js';
import type { EffectiveLimit } from './linux/cgroup-limits.js';
import type { QnxSyspageInfo } from './qnx/types.js';
import type { MemoryAdapterKind, TargetDefinition } from '../targets/types.js';
import type { TargetLimits } from '../targets/limits.js';
import { describeLocking, type ResolvedMemoryAdapter } from '../targets/memory-adapter.js';

import type { DeviceSection } from './device.js';
export type { DeviceSection } from './device.js';
/** `probe --json`: the report as data. */
export const PROBE_DOCUMENT: JsonDocumentKind = { name: 'probe', version: 1 };

/** A fact as it appears in the report: its value or the reason it is unknown, and its source. */
export type ReportFact<T> =
  | { readonly value: T; readonly source: string }
  | { readonly value: null; readonly unknown: string; readonly source: string };

export interface CgroupLimitSummary {
  /** "limited", "unlimited" or "unknown". */
  readonly state: EffectiveLimit<unknown>['state'];
  readonly value: bigint | number | null;
  readonly version: 1 | 2 | null;
  readonly source: string;
}

/**
 * The memory adapter the subject's interpreter takes its arena through (native/platform/
 * wrt_mem_adapter.h): its kind and options, and what it can lock.
 */
export interface MemoryAdapterSection {
  readonly kind: MemoryAdapterKind;
  /** The options of a target's memory.adapter; null for a machine probed as itself. */
  readonly options: { readonly lock: boolean; readonly populate: boolean; readonly hugepages: boolean; readonly typedMemoryName: string | null } | null;
  readonly source: string;
  /** RLIMIT_MEMLOCK where the adapter runs on a host (null on boards, where nothing pages). */
  readonly lockLimit: ReportFact<RlimitPair> | null;
  /** What a run keeps resident, in words (null for a machine probed as itself: no run is planned). */
  readonly locks: string | null;
}

export interface HostSection {
  readonly kind: 'host';
  readonly os: string;
  readonly arch: string;
  readonly cpu: { readonly vendor: string | null; readonly model: string | null; readonly onlineCpus: ReportFact<number> };
  readonly addon: { readonly loaded: boolean; readonly detail: string };
  readonly memory: {
    readonly memTotalBytes: ReportFact<bigint>;
    readonly memAvailableBytes: ReportFact<bigint>;
    readonly pageSize: number | null;
  };
  readonly cgroup: {
    readonly layout: ReportFact<string>;
    readonly memory: CgroupLimitSummary;
    readonly cpu: CgroupLimitSummary;
    readonly pids: CgroupLimitSummary;
  };
  readonly rlimits: {
    readonly stack: ReportFact<RlimitPair>;
    readonly addressSpace: ReportFact<RlimitPair>;
    readonly data: ReportFact<RlimitPair>;
    readonly openFiles: ReportFact<RlimitPair>;
  };
  readonly container: Detection;
  readonly vm: Detection;
  readonly memoryAdapter: MemoryAdapterSection;
}

export interface TargetSection {
  readonly kind: 'target';
  readonly id: string;
  readonly name: string;
  readonly targetKind: TargetDefinition['kind'];
  readonly core: string;
  readonly limits: TargetLimits;
  readonly memoryAdapter: MemoryAdapterSection;
}

export interface QnxSection {
  readonly kind: 'qnx';
  readonly source: QnxSyspageInfo['source'];
  readonly origin: string | null;
  readonly qnxVersion: QnxSyspageInfo['qnxVersion'];
  readonly arch: QnxSyspageInfo['arch'];
  readonly numCpu: number;
  readonly usableMemoryBytes: bigint;
  readonly sysramEntries: number;
  readonly asinfo: QnxSyspageInfo['asinfo'];
  readonly cfi: QnxSyspageInfo['cfi'];
  readonly warnings: readonly string[];
  readonly memoryAdapter: MemoryAdapterSection;
}

export type SubjectSection = HostSection | TargetSection | QnxSection | DeviceSection;

export interface ProbeReport {
  readonly toolVersion: string;
  readonly subject: SubjectSection;
  /** Every limit with its value, its source and what it overrode. */
  readonly limits: ResolvedLimits;
  readonly configFile: string | null;
  /** Values a discoverer could not establish, and resolver warnings. */
  readonly gaps: readonly string[];
  readonly warnings: readonly string[];
}

function fromFact<T>(fact: Fact<T>): ReportFact<T> {
  return fact.known ? { value: fact.value, source: fact.source } : { value: null, unknown: fact.reason, source: fact.source };
}

function fromSyscall<T>(result: SyscallResult<T>, source: string): ReportFact<T> {
  return result.ok ? { value: result.value, source } : { value: null, unknown: `${result.name} (errno ${result.errno})`, source };
}

/** `pick` reduces a limit to the number the report shows (CPU quotas show as a CPU count). */
function cgroupSummary<T>(effective: EffectiveLimit<T>, pick: (value: T) => bigint | number): CgroupLimitSummary {
  switch (effective.state) {
    case 'limited':
      return { state: 'limited', value: pick(effective.value), version: effective.version, source: effective.source };
    case 'unlimited':
      return { state: 'unlimited', value: null, version: null, source: effective.source };
    case 'unknown':
      return { state: 'unknown', value: null, version: null, source: `${effective.source}: ${effective.reason}` };
  }
}

/**
 * The host section. rlimits, page size and CPU identity come from the addon when it loaded; the
 * file-based facts stand in for rlimits otherwise, and CPU identity is then unknown.
 */
export function hostSection(facts: LinuxHostFacts, native: NativeFacts | null, addonDetail: string): HostSection {
  const cpu = native?.cpu;
  const x86 = cpu?.kind === 'x86_64' ? cpu : null;
  const addonRlimit = (pick: (n: NativeFacts) => SyscallResult<RlimitPair>, name: string): ReportFact<RlimitPair> | null =>
    native === null ? null : fromSyscall(pick(native), `getrlimit(${name})`);
  const stack = addonRlimit((n) => n.rlimits.stack, 'RLIMIT_STACK') ?? fromFact(facts.processLimits.stack);
  const addressSpace = addonRlimit((n) => n.rlimits.as, 'RLIMIT_AS') ?? fromFact(facts.processLimits.addressSpace);
  const noAddon: ReportFact<RlimitPair> = { value: null, unknown: addonDetail, source: 'getrlimit' };
  return {
    kind: 'host',
    os: native?.os ?? process.platform,
    arch: native?.arch ?? process.arch,
    cpu: {
      vendor: x86?.vendor ?? null,
      model: x86 === null ? null : x86.brand !== '' ? x86.brand : `family ${x86.family} model ${x86.model} stepping ${x86.stepping}`,
      onlineCpus:
        native !== null ? { value: native.system.onlineCpus, source: 'sysconf(_SC_NPROCESSORS_ONLN)' } : fromFact(facts.onlineCpus),
    },
    addon: { loaded: native !== null, detail: addonDetail },
    memory: {
      memTotalBytes: fromFact(facts.meminfo.total),
      memAvailableBytes: fromFact(facts.meminfo.available),
      pageSize: native?.system.pageSize ?? null,
    },
    cgroup: {
      layout: fromFact(facts.cgroups.layout),
      memory: cgroupSummary(facts.cgroups.memory.effective, (v) => v),
      cpu: cgroupSummary(facts.cgroups.cpu.effective, (v) => v.cpus),
      pids: cgroupSummary(facts.cgroups.pids.effective, (v) => v),
    },
    rlimits: {
      stack,
      addressSpace,
      data: addonRlimit((n) => n.rlimits.data, 'RLIMIT_DATA') ?? noAddon,
      openFiles: addonRlimit((n) => n.rlimits.nofile, 'RLIMIT_NOFILE') ?? noAddon,
    },
    container: facts.container,
    vm: facts.vm,
    memoryAdapter: {
      kind: 'linux-mmap',
      options: null,
      source: 'the adapter native-sim takes its arena through on Linux (native/platform/wrt_mem_linux.c)',
      lockLimit: fromFact(facts.processLimits.lockedMemory),
      locks: null,
    },
  };
}

/**
 * A target's adapter. `lockLimit`: RLIMIT_MEMLOCK of this host, for a target that runs here
 * (host kinds); undefined for boards.
 */
export function memoryAdapterSection(
  adapter: ResolvedMemoryAdapter,
  arenaBytes: number | null,
  lockLimit: Fact<RlimitPair> | undefined,
): MemoryAdapterSection {
  return {
    kind: adapter.kind,
    options: { lock: adapter.lock, populate: adapter.populate, hugepages: adapter.hugepages, typedMemoryName: adapter.typedMemoryName },
    source: adapter.source,
    lockLimit: lockLimit === undefined ? null : fromFact(lockLimit),
    locks: describeLocking(adapter, arenaBytes),
  };
}

export function targetSection(def: TargetDefinition, limits: TargetLimits, memoryAdapter: MemoryAdapterSection): TargetSection {
  return { kind: 'target', id: def.id, name: def.name, targetKind: def.kind, core: def.cpu.core, limits, memoryAdapter };
}

export function qnxSection(info: QnxSyspageInfo): QnxSection {
  return {
    kind: 'qnx',
    source: info.source,
    origin: info.origin,
    qnxVersion: info.qnxVersion,
    arch: info.arch,
    numCpu: info.numCpu,
    usableMemoryBytes: info.usableMemoryBytes,
    sysramEntries: info.sysramEntryCount,
    asinfo: info.asinfo,
    cfi: info.cfi,
    warnings: info.warnings,
    // A QNX system's interpreter takes typed memory by name; the asinfo entries above are the names.
    memoryAdapter: {
      kind: 'qnx-typed-memory',
      options: null,
      source: 'the adapter for QNX (native/platform/wrt_mem_qnx.c); typed memory names are the asinfo paths',
      lockLimit: { value: null, unknown: 'a system page holds no process limits', source: 'RLIMIT_MEMLOCK' },
      locks: null,
    },
  };
}
