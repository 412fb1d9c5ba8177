import type { NativeFacts, RlimitPair, SyscallResult } from '../../native/facts.js';
import type { EffectiveLimit } from './cgroup-limits.js';
import type { Fact } from './fact.js';
import type { LinuxHostFacts } from './host-facts.js';

/**
 * One discovered limit. `value` is null unless state is "known"; "unlimited" means the machine sets
 * no bound, "unknown" means the probe could not tell (the resolver should fall through to the next
 * layer). `source` names where the value came from; when several bounds were compared it reads
 * "<loser> (<its value>), <loser> (…) -> <winner>", the winner after the last " -> ".
 */
export type DiscoveredValue<T extends bigint | number> =
  | { readonly state: 'known'; readonly value: T; readonly source: string }
  | { readonly state: 'unlimited'; readonly value: null; readonly source: string }
  | { readonly state: 'unknown'; readonly value: null; readonly source: string; readonly reason: string };

/** The `discovered` layer of limit resolution on Linux. Memory in bytes, CPUs as a (fractional) count. */
export interface LinuxDiscoveredLimits {
  /** min(MemTotal, effective cgroup memory limit). */
  readonly totalMemoryBytes: DiscoveredValue<bigint>;
  /** min(MemAvailable, effective cgroup limit minus that cgroup's usage). */
  readonly availableMemoryBytes: DiscoveredValue<bigint>;
  /** RLIMIT_STACK soft limit. */
  readonly stackBytes: DiscoveredValue<bigint>;
  /** RLIMIT_AS soft limit. */
  readonly addressSpaceBytes: DiscoveredValue<bigint>;
  /** min(online CPUs, cpuset CPUs, cgroup CPU quota / period); 1.5 means one and a half CPUs. */
  readonly cpus: DiscoveredValue<number>;
  /** min(kernel pid_max, effective cgroup pids.max). */
  readonly pids: DiscoveredValue<number>;
}

export const LINUX_DISCOVERED_KEYS = [
  'totalMemoryBytes',
  'availableMemoryBytes',
  'stackBytes',
  'addressSpaceBytes',
  'cpus',
  'pids',
] as const satisfies readonly (keyof LinuxDiscoveredLimits)[];

type Candidate<T> =
  | { readonly state: 'value'; readonly value: T; readonly description: string }
  | { readonly state: 'unlimited'; readonly description: string }
  | { readonly state: 'unknown'; readonly reason: string; readonly description: string };

function describeCandidate<T extends bigint | number>(candidate: Candidate<T>): string {
  switch (candidate.state) {
    case 'value':
      return `${candidate.description} (${candidate.value.toString()})`;
    case 'unlimited':
      return `${candidate.description} (unlimited)`;
    case 'unknown':
      return `${candidate.description} (unknown: ${candidate.reason})`;
  }
}

function fromFact<T>(fact: Fact<T>): Candidate<T> {
  return fact.known
    ? { state: 'value', value: fact.value, description: fact.source }
    : { state: 'unknown', reason: fact.reason, description: fact.source };
}

function fromCgroup<T>(effective: EffectiveLimit<T>): Candidate<T> {
  switch (effective.state) {
    case 'limited':
      return { state: 'value', value: effective.value, description: effective.source };
    case 'unlimited':
      return { state: 'unlimited', description: effective.source };
    case 'unknown':
      return { state: 'unknown', reason: effective.reason, description: effective.source };
  }
}

/**
 * The smallest of `base` (what the machine has) and the `narrowers` (what limits this process).
 * `replaced` names sources that were unusable and stood in for by `base`; they lead the source text.
 * Any unknown candidate makes the result unknown: a bound that could not be read might be the
 * smallest, and reporting a larger one would promise a module more than it can get. On a tie the
 * base wins, so a cgroup or cpuset that restricts nothing is not named as the source.
 */
function smallest<T extends bigint | number>(
  narrowers: readonly Candidate<T>[],
  base: Candidate<T>,
  replaced: readonly string[] = [],
): DiscoveredValue<T> {
  const all = [...narrowers, base];
  const unknowns = all.filter((candidate) => candidate.state === 'unknown');
  if (unknowns.length > 0) {
    return {
      state: 'unknown',
      value: null,
      source: all.map(describeCandidate).join(', '),
      reason: unknowns.map((candidate) => (candidate.state === 'unknown' ? candidate.reason : '')).join('; '),
    };
  }
  let winner: Candidate<T> | null = base.state === 'value' ? base : null;
  for (const candidate of narrowers) {
    if (candidate.state !== 'value') continue;
    if (winner === null || (winner.state === 'value' && candidate.value < winner.value)) winner = candidate;
  }
  if (winner === null || winner.state !== 'value') {
    return { state: 'unlimited', value: null, source: all.map(describeCandidate).join(', ') };
  }
  const chosen = winner;
  const losers = [...replaced, ...all.filter((candidate) => candidate !== chosen).map(describeCandidate)];
  const source = losers.length === 0 ? chosen.description : `${losers.join(', ')} -> ${chosen.description}`;
  return { state: 'known', value: chosen.value, source };
}

function totalMemory(facts: LinuxHostFacts, native: NativeFacts | null): DiscoveredValue<bigint> {
  const memTotal = facts.meminfo.total;
  const cgroup = fromCgroup(facts.cgroups.memory.effective);
  // sysinfo(2)'s totalram is the same number as MemTotal; it stands in when /proc is not readable.
  if (!memTotal.known && native !== null && native.system.totalRamBytes.ok) {
    const sysinfo: Candidate<bigint> = { state: 'value', value: native.system.totalRamBytes.value, description: 'sysinfo(2) totalram' };
    return smallest([cgroup], sysinfo, [describeCandidate(fromFact<bigint>(memTotal))]);
  }
  return smallest([cgroup], fromFact(memTotal));
}

function availableMemory(facts: LinuxHostFacts): DiscoveredValue<bigint> {
  const { effective, usage } = facts.cgroups.memory;
  let cgroup: Candidate<bigint>;
  if (effective.state === 'limited' && usage !== null) {
    if (usage.known) {
      const headroom = effective.value > usage.value ? effective.value - usage.value : 0n;
      cgroup = { state: 'value', value: headroom, description: `${effective.source} minus ${usage.source}` };
    } else {
      cgroup = { state: 'unknown', reason: usage.reason, description: `${effective.source} minus ${usage.source}` };
    }
  } else {
    cgroup = fromCgroup(effective);
  }
  return smallest([cgroup], fromFact(facts.meminfo.available));
}

function rlimit(
  name: 'RLIMIT_STACK' | 'RLIMIT_AS',
  fromNative: SyscallResult<RlimitPair> | null,
  fromProc: Fact<RlimitPair>,
): DiscoveredValue<bigint> {
  const syscall = `getrlimit(${name}) soft`;
  if (fromNative !== null && fromNative.ok) {
    const soft = fromNative.value.soft;
    return soft === null ? { state: 'unlimited', value: null, source: syscall } : { state: 'known', value: soft, source: syscall };
  }
  const why = fromNative === null ? '' : `getrlimit(${name}) failed with ${fromNative.name} -> `;
  const procSource = `${why}${fromProc.source} (soft)`;
  if (!fromProc.known) return { state: 'unknown', value: null, source: procSource, reason: fromProc.reason };
  const soft = fromProc.value.soft;
  return soft === null ? { state: 'unlimited', value: null, source: procSource } : { state: 'known', value: soft, source: procSource };
}

function cpus(facts: LinuxHostFacts, native: NativeFacts | null): DiscoveredValue<number> {
  const online: Candidate<number> =
    native !== null
      ? { state: 'value', value: native.system.onlineCpus, description: 'sysconf(_SC_NPROCESSORS_ONLN)' }
      : fromFact(facts.onlineCpus);
  const quota = fromCgroup(facts.cgroups.cpu.effective);
  const quotaCpus: Candidate<number> = quota.state === 'value' ? { ...quota, value: quota.value.cpus } : quota;
  return smallest([quotaCpus, fromCgroup(facts.cgroups.cpuset.effective)], online);
}

/**
 * Turns Linux host facts (and the addon's rlimits and sysconf numbers, when the addon is loaded)
 * into the discovered layer. Without the addon, rlimits come from /proc/self/limits and the CPU
 * count from /sys/devices/system/cpu/online.
 */
export function discoverLinuxLimits(facts: LinuxHostFacts, native: NativeFacts | null): LinuxDiscoveredLimits {
  return {
    totalMemoryBytes: totalMemory(facts, native),
    availableMemoryBytes: availableMemory(facts),
    stackBytes: rlimit('RLIMIT_STACK', native === null ? null : native.rlimits.stack, facts.processLimits.stack),
    addressSpaceBytes: rlimit('RLIMIT_AS', native === null ? null : native.rlimits.as, facts.processLimits.addressSpace),
    cpus: cpus(facts, native),
    pids: smallest([fromCgroup(facts.cgroups.pids.effective)], fromFact(facts.pidMax)),
  };
}
