import type { AsilLevel } from '../foundation/asil.js';

/** Platforms the runtime distinguishes; "embedded" is bare metal or an RTOS without an OS probe. */
export const PLATFORMS = ['linux', 'qnx', 'embedded', 'macos', 'windows'] as const;
export type Platform = (typeof PLATFORMS)[number];

export const DEBUG_LEVELS = ['none', 'basic', 'full'] as const;
export type DebugLevel = (typeof DEBUG_LEVELS)[number];

/**
 * The limits a user or a discoverer can set. Byte quantities are `number` (safe integers), like
 * everything in ts/foundation; discoverers convert the addon's bigint with `bytesFromBigint`.
 * The keys are also the commander attribute names and the config keys under `limits:`.
 */
export interface LimitValues {
  readonly platform: Platform;
  /** Total memory the runtime and its modules may use, in bytes. */
  readonly maxMemory: number;
  /** Native stack of the thread running wasm, in bytes. */
  readonly maxStack: number;
  /** Largest wasm linear memory, in bytes: a whole number of 64 KiB pages, at most 4 GiB. */
  readonly maxLinearMemory: number;
  readonly maxComponents: number;
  readonly maxInstances: number;
  readonly debugLevel: DebugLevel;
  /** The runtime ASIL level asked for. */
  readonly asil: AsilLevel;
  readonly cpus: number;
}
export type LimitKey = keyof LimitValues;

/** A value with the words that say where it came from. */
export interface SourcedValue<T> {
  readonly value: T;
  readonly source: string;
}

/** One precedence layer (cli, env, config): at most one value per key, source already spelled out. */
export type LimitLayer = { readonly [K in LimitKey]?: SourcedValue<LimitValues[K]> };

/**
 * What discoverers found. `source` is the discoverer's own text ("cgroup v2 memory.max"); the
 * resolver prefixes "discovered: ". Several candidates for one key are allowed: for numeric keys
 * the smallest wins (the machine gives the tightest of its limits), otherwise the first.
 */
export type DiscoveredLimits = {
  readonly [K in LimitKey]?: SourcedValue<LimitValues[K]> | readonly SourcedValue<LimitValues[K]>[];
};

/** Linear memory has no default: it is derived from the others when no layer sets it. */
export type DefaultedLimitKey = Exclude<LimitKey, 'maxLinearMemory'>;
export type LimitDefaults = { readonly [K in DefaultedLimitKey]: LimitValues[K] };

export const LAYERS = ['cli', 'env', 'config', 'discovered', 'default'] as const;
export type LayerName = (typeof LAYERS)[number] | 'derived';

export interface Candidate<T> {
  readonly value: T;
  readonly layer: LayerName;
  /** "cli --max-memory", "env WRT_MAX_MEMORY", "config ./wrt-target.yaml: limits.maxMemory",
   * "discovered: cgroup v2 memory.max", "default", "derived: maxMemory/50 (debug level basic)". */
  readonly source: string;
}

export interface ResolvedValue<T> extends Candidate<T> {
  /** Lower-precedence candidates this value won over, highest precedence first. */
  readonly overrides: readonly Candidate<T>[];
}

/** Values the resolver computes from the others; their source starts with "derived: ". */
export interface DerivedValues {
  readonly debugOverhead: number;
  readonly breakpoints: number;
  readonly traceBufferEntries: number;
  readonly runtimeReserve: number;
}
export type DerivedKey = keyof DerivedValues;

export type ResolvedLimits = { readonly [K in LimitKey]: ResolvedValue<LimitValues[K]> } & {
  readonly [K in DerivedKey]: ResolvedValue<DerivedValues[K]>;
} & {
  /** A person should read these: e.g. a flag asking for more than the machine has. */
  readonly warnings: readonly string[];
};
