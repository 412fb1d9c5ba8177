/**
 * A device asked over its serial link: what the interpreter firmware (or native-sim) says in its
 * HELLO answer is the measured truth about the arena a module gets, and beats the target
 * definition's estimate. Pure: the HELLO answer and the target's limits come in as data; the I/O
 * (opening the port, asking) is `askDevice`.
 */
import type { HelloInfo } from '../device/messages.js';
import { Feature } from '../device/protocol.js';
import type { DiscoveredLimits, Platform, SourcedValue } from '../limits/types.js';
import type { TargetLimits } from '../targets/limits.js';
import type { DiscoveredLayer } from './discovered.js';

export interface DeviceSection {
  readonly kind: 'device';
  /** The serial port or pty the device answered on. */
  readonly port: string;
  readonly deviceId: string;
  /** The target definition the device id names, when there is one (targets/<id>.yaml). */
  readonly target: string | null;
  readonly interpreterVersion: string;
  readonly protocolVersion: number;
  readonly arenaBytes: number;
  readonly ramBytes: number;
  readonly uploadCapacity: number;
  readonly profileCapacity: number;
  readonly features: readonly string[];
  readonly bootId: number;
}

/** Feature bits of HELLO (docs/protocol.md), by name: protocol.ts's `Feature` keys in kebab case. */
const FEATURE_NAMES: ReadonlyArray<readonly [number, string]> = Object.entries(Feature).map(([key, bit]) => [bit, key.replace(/(?<=[a-z0-9])([A-Z])/g, '-$1').toLowerCase()]);

export function featureNames(bits: number): string[] {
  return FEATURE_NAMES.filter(([bit]) => (bits & bit) !== 0).map(([, name]) => name);
}

export function deviceSection(port: string, hello: HelloInfo, target: string | null): DeviceSection {
  return {
    kind: 'device',
    port,
    deviceId: hello.deviceId,
    target,
    interpreterVersion: hello.interpreterVersion,
    protocolVersion: hello.protocolVersion,
    arenaBytes: hello.arenaBytes,
    ramBytes: hello.ramBytes,
    uploadCapacity: hello.uploadCapacity,
    profileCapacity: hello.profileCapacity,
    features: featureNames(hello.features),
    bootId: hello.bootId,
  };
}

type Mutable<T> = { -readonly [K in keyof T]?: T[K] };

/**
 * The discovered layer of a device: its arena is the module memory. Stack, CPUs and a declared
 * linear-memory cap come from the target definition its id names. Without one, the stack is a
 * quarter of the arena (the host defaults of megabytes would not fit a microcontroller) and the
 * CPU count is one (the firmware runs one invocation at a time); the report says so.
 */
export function deviceDiscovered(section: DeviceSection, limits: TargetLimits | undefined, platform: Platform): DiscoveredLayer {
  const from = `device ${section.deviceId} on ${section.port}: HELLO`;
  const layer: Mutable<DiscoveredLimits> = {
    platform: { value: platform, source: limits === undefined ? `${from} (a device that is not a host)` : `target ${limits.target}: kind` },
    maxMemory: { value: section.arenaBytes, source: `${from} arena_bytes (the interpreter's arena, measured on the device)` },
  };
  const gaps: string[] = [];
  if (limits === undefined) {
    const quarter = Math.floor(section.arenaBytes / 4 / 16) * 16;
    layer.maxStack = { value: quarter, source: `${from}: a quarter of the arena (no target definition is named ${section.deviceId})` };
    layer.cpus = { value: 1, source: `${from}: the firmware runs one invocation at a time` };
  } else {
    layer.maxStack = limits.stackBytes;
    layer.cpus = limits.cpus;
    const linear = limits.maxLinearMemoryBytes;
    if (linear.value !== null) layer.maxLinearMemory = { value: linear.value, source: linear.source } satisfies SourcedValue<number>;
  }
  return { layer, gaps };
}
