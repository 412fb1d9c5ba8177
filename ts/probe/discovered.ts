/**
 * Turns what each discoverer found (a Linux host, a target definition, a QNX system page) into the
 * `discovered` layer of limit resolution. Pure: the facts come in as data.
 */
import type { DiscoveredLimits, LimitValues, Platform, SourcedValue } from '../limits/types.js';
import { bytesFromBigint } from '../limits/value-syntax.js';
import type { DiscoveredValue, LinuxDiscoveredLimits } from './linux/discover.js';
import type { QnxLimits } from './qnx/types.js';
import type { TargetLimits } from '../targets/limits.js';

export interface DiscoveredLayer {
  readonly layer: DiscoveredLimits;
  /** Values the discoverer could not give, with the reason: the report shows them. */
  readonly gaps: readonly string[];
}

type Mutable<T> = { -readonly [K in keyof T]?: T[K] };

function knownBytes(found: DiscoveredValue<bigint>, gaps: string[], label: string): SourcedValue<number> | undefined {
  switch (found.state) {
    case 'known':
      return { value: bytesFromBigint(found.value, found.source), source: found.source };
    case 'unlimited':
      // No bound here: the next layer (or the default) decides.
      return undefined;
    case 'unknown':
      gaps.push(`${label}: unknown (${found.reason})`);
      return undefined;
  }
}

/**
 * A cgroup quota can give a fractional CPU count (1.5); the limit is a whole number of CPUs a module
 * may use at once, so it is rounded down, never below one, and the source keeps the exact figure.
 */
function wholeCpus(found: DiscoveredValue<number>, gaps: string[]): SourcedValue<number> | undefined {
  if (found.state === 'unknown') {
    gaps.push(`cpus: unknown (${found.reason})`);
    return undefined;
  }
  if (found.state === 'unlimited') return undefined;
  const whole = Math.max(1, Math.floor(found.value));
  const source = whole === found.value ? found.source : `${found.source}; ${found.value} CPUs rounded down`;
  return { value: whole, source };
}

export function linuxDiscovered(found: LinuxDiscoveredLimits, platform: Platform): DiscoveredLayer {
  const gaps: string[] = [];
  const layer: Mutable<DiscoveredLimits> = { platform: { value: platform, source: 'host operating system' } };
  const maxMemory = knownBytes(found.totalMemoryBytes, gaps, 'total memory');
  if (maxMemory !== undefined) layer.maxMemory = maxMemory;
  const maxStack = knownBytes(found.stackBytes, gaps, 'stack');
  if (maxStack !== undefined) layer.maxStack = maxStack;
  const cpus = wholeCpus(found.cpus, gaps);
  if (cpus !== undefined) layer.cpus = cpus;
  return { layer, gaps };
}

export function targetDiscovered(limits: TargetLimits, platform: Platform): DiscoveredLayer {
  const layer: Mutable<DiscoveredLimits> = {
    platform: { value: platform, source: `target ${limits.target}: kind` },
    maxMemory: limits.moduleMemoryBytes,
    maxStack: limits.stackBytes,
    cpus: limits.cpus,
  };
  const linear = limits.maxLinearMemoryBytes;
  if (linear.value !== null) {
    layer.maxLinearMemory = { value: linear.value, source: linear.source } satisfies SourcedValue<LimitValues['maxLinearMemory']>;
  }
  return { layer, gaps: [] };
}

export function qnxDiscovered(limits: QnxLimits): DiscoveredLayer {
  const layer: Mutable<DiscoveredLimits> = {
    platform: { value: 'qnx', source: 'QNX system page' },
    cpus: limits.cpuCount,
  };
  if (limits.usableMemoryBytes !== null) {
    layer.maxMemory = {
      value: bytesFromBigint(limits.usableMemoryBytes.value, limits.usableMemoryBytes.source),
      source: limits.usableMemoryBytes.source,
    };
  }
  return { layer, gaps: [...limits.gaps] };
}
