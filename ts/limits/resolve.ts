import { WrtError } from '../core/errors.js';
import { DEBUG_LEVEL_SPECS, TRACE_ENTRY_BYTES, debugLimitsFor, floorDiv } from './debug-limits.js';
import { DEFAULT_LIMITS, RUNTIME_RESERVE_DIVISOR } from './defaults.js';
import { LIMIT_SPECS, MAX_WASM_PAGES, NUMERIC_LIMIT_KEYS, WASM_PAGE_BYTES, checkLimitValue } from './limit-specs.js';
import type {
  Candidate,
  DefaultedLimitKey,
  DerivedKey,
  DerivedValues,
  DiscoveredLimits,
  LimitDefaults,
  LimitKey,
  LimitLayer,
  LimitValues,
  ResolvedLimits,
  ResolvedValue,
  SourcedValue,
} from './types.js';
import { formatBytesExact } from './value-syntax.js';

/** The five layers, highest precedence first. All are plain data; nothing here reads the machine. */
export interface LimitInputs {
  readonly cli?: LimitLayer;
  readonly env?: LimitLayer;
  readonly config?: LimitLayer;
  readonly discovered?: DiscoveredLimits;
  /** DEFAULT_LIMITS when absent. */
  readonly defaults?: LimitDefaults;
}

const EXPLICIT_LAYERS = ['cli', 'env', 'config'] as const;

export const LINEAR_MEMORY_RULE =
  '(maxMemory - maxStack - debug overhead - runtime reserve) rounded down to whole 64 KiB pages, at most 65536 pages (4 GiB)';

/**
 * Resolves every limit: cli > env > config > discovered > default. Each value carries its source
 * and the candidates it overrode. Linear memory, when no layer sets it, is derived from the rest
 * (LINEAR_MEMORY_RULE); a set value must fit in what the rest leaves.
 *
 * @throws WrtError VALUE_INVALID when a candidate breaks its bounds (naming the candidate's source)
 *   or when stack, debug overhead, runtime reserve and linear memory do not fit the total.
 */
export function resolveLimits(inputs: LimitInputs): ResolvedLimits {
  const defaults = inputs.defaults ?? DEFAULT_LIMITS;
  const winner = <K extends DefaultedLimitKey>(key: K, fallback: LimitValues[K]): ResolvedValue<LimitValues[K]> => {
    const def: Candidate<LimitValues[K]> = { value: fallback, layer: 'default', source: 'default' };
    return choose(key, [...candidatesFor(key, inputs), def]);
  };

  const platform = winner('platform', defaults.platform);
  const maxMemory = winner('maxMemory', defaults.maxMemory);
  const maxStack = winner('maxStack', defaults.maxStack);
  const maxComponents = winner('maxComponents', defaults.maxComponents);
  const maxInstances = winner('maxInstances', defaults.maxInstances);
  const debugLevel = winner('debugLevel', defaults.debugLevel);
  const asil = winner('asil', defaults.asil);
  const cpus = winner('cpus', defaults.cpus);

  const total = maxMemory.value;
  const debug = debugLimitsFor(debugLevel.value, total);
  const spec = DEBUG_LEVEL_SPECS[debugLevel.value];
  const debugOverhead = derived<number>(
    debug.overheadBytes,
    spec.divisor === null ? `debug level ${debug.level}: no overhead` : `maxMemory/${spec.divisor} (debug level ${debug.level})`,
  );
  const breakpoints = derived<number>(debug.breakpoints, `debug level ${debug.level}: up to ${spec.breakpoints}, within the debug overhead`);
  const traceBufferEntries = derived<number>(
    debug.traceBufferEntries,
    `debug overhead after breakpoints / ${TRACE_ENTRY_BYTES} bytes, at most ${spec.maxTraceEntries} (debug level ${debug.level})`,
  );
  const runtimeReserve = derived<number>(floorDiv(total, RUNTIME_RESERVE_DIVISOR), `maxMemory/${RUNTIME_RESERVE_DIVISOR}`);

  const room = total - maxStack.value - debugOverhead.value - runtimeReserve.value;
  if (room < 0) {
    const forStack = total - debugOverhead.value - runtimeReserve.value;
    throw new WrtError(
      'VALUE_INVALID',
      `native stack ${formatBytesExact(maxStack.value)} (${maxStack.source}) + debug overhead ${formatBytesExact(debugOverhead.value)} + runtime reserve ${formatBytesExact(runtimeReserve.value)} is more than total memory ${formatBytesExact(total)} (${maxMemory.source})`,
      { source: maxStack.source, field: 'maxStack', limit: `${Math.max(forStack, 0)} bytes = maxMemory - debug overhead - runtime reserve` },
    );
  }
  const pages = Math.min(floorDiv(room, WASM_PAGE_BYTES), MAX_WASM_PAGES);
  const derivedLinear: Candidate<number> = { value: pages * WASM_PAGE_BYTES, layer: 'derived', source: `derived: ${LINEAR_MEMORY_RULE}` };
  const maxLinearMemory = choose('maxLinearMemory', [...candidatesFor('maxLinearMemory', inputs), derivedLinear]);
  if (maxLinearMemory.value > derivedLinear.value) {
    throw new WrtError(
      'VALUE_INVALID',
      `wasm linear memory ${formatBytesExact(maxLinearMemory.value)} (${maxLinearMemory.source}) does not fit: total memory ${formatBytesExact(total)} (${maxMemory.source}) leaves ${formatBytesExact(derivedLinear.value)} after the native stack, debug overhead and runtime reserve`,
      {
        source: maxLinearMemory.source,
        field: 'maxLinearMemory',
        limit: `${derivedLinear.value} bytes (${pages} pages) = ${LINEAR_MEMORY_RULE}`,
      },
    );
  }

  const resolved = {
    platform,
    maxMemory,
    maxStack,
    maxLinearMemory,
    maxComponents,
    maxInstances,
    debugLevel,
    asil,
    cpus,
    debugOverhead,
    breakpoints,
    traceBufferEntries,
    runtimeReserve,
  };
  return { ...resolved, warnings: warningsFor(resolved) };
}

function candidatesFor<K extends LimitKey>(key: K, inputs: LimitInputs): Candidate<LimitValues[K]>[] {
  const result: Candidate<LimitValues[K]>[] = [];
  for (const layer of EXPLICIT_LAYERS) {
    const given = inputs[layer]?.[key];
    if (given !== undefined) result.push({ value: given.value, layer, source: given.source });
  }
  const found = inputs.discovered?.[key];
  if (found !== undefined) {
    const list: readonly SourcedValue<LimitValues[K]>[] = isList(found) ? found : [found];
    const discovered = list.map((d): Candidate<LimitValues[K]> => ({ value: d.value, layer: 'discovered', source: `discovered: ${d.source}` }));
    // The machine enforces all of its limits at once, so the tightest one is what a module gets.
    if (NUMERIC_LIMIT_KEYS.has(key)) discovered.sort((a, b) => numeric(a.value) - numeric(b.value));
    result.push(...discovered);
  }
  return result;
}

function isList<T>(value: SourcedValue<T> | readonly SourcedValue<T>[]): value is readonly SourcedValue<T>[] {
  return Array.isArray(value);
}

function numeric(value: unknown): number {
  return typeof value === 'number' ? value : Number.NaN;
}

function choose<K extends LimitKey>(key: K, candidates: readonly Candidate<LimitValues[K]>[]): ResolvedValue<LimitValues[K]> {
  return chooseCandidate(key, candidates, (c) => {
    if (c.layer !== 'derived') checkLimitValue(key, c.value, { source: c.source, field: key });
  });
}

/**
 * The highest-precedence candidate, with the ones it overrode. Every candidate is checked first,
 * so a bad value in a lower layer is still reported. Shared by every limit table (ts/wit too).
 */
export function chooseCandidate<T>(field: string, candidates: readonly Candidate<T>[], check: (candidate: Candidate<T>) => void): ResolvedValue<T> {
  for (const c of candidates) check(c);
  const [first, ...rest] = candidates;
  if (first === undefined) throw new WrtError('INTERNAL', `no candidate for ${field}: the default layer is missing`, { field });
  return { ...first, overrides: rest };
}

function derived<T>(value: T, rule: string): ResolvedValue<T> {
  return { value, layer: 'derived', source: `derived: ${rule}`, overrides: [] };
}

/** Keys where a discovered value is a ceiling the machine enforces. */
const CEILING_KEYS = ['maxMemory', 'maxStack', 'maxLinearMemory', 'cpus'] as const;

function warningsFor(limits: Omit<ResolvedLimits, 'warnings'>): string[] {
  const warnings: string[] = [];
  for (const key of CEILING_KEYS) {
    const value = limits[key];
    if (value.layer === 'discovered' || value.layer === 'default' || value.layer === 'derived') continue;
    const tighter = value.overrides.filter((c) => c.layer === 'discovered' && c.value < value.value);
    const lowest = tighter.reduce<Candidate<number> | undefined>((min, c) => (min === undefined || c.value < min.value ? c : min), undefined);
    if (lowest !== undefined) {
      warnings.push(
        `${LIMIT_SPECS[key].label} ${formatLimitValue(key, value.value)} from ${value.source} is more than ${lowest.source} allows (${formatLimitValue(key, lowest.value)}); the machine will not provide it`,
      );
    }
  }
  if (limits.maxLinearMemory.layer === 'derived' && limits.maxLinearMemory.value === 0) {
    warnings.push(
      `no whole 64 KiB page of wasm linear memory fits in total memory ${formatBytesExact(limits.maxMemory.value)}: only modules without a memory can run`,
    );
  }
  return warnings;
}

/** A value as the tables and messages show it: exact byte units for sizes. */
export function formatLimitValue(key: LimitKey | DerivedKey, value: unknown): string {
  const bytes = key === 'debugOverhead' || key === 'runtimeReserve' || (key in LIMIT_SPECS && LIMIT_SPECS[key as LimitKey].kind === 'bytes');
  return bytes && typeof value === 'number' ? formatBytesExact(value) : String(value);
}

/** "64 MiB from cli --max-memory (overrides discovered: cgroup v2 memory.max 512 MiB, default 1 GiB)". */
export function describeResolved(key: LimitKey | DerivedKey, resolved: ResolvedValue<unknown>): string {
  return describeCandidates(resolved, (value) => formatLimitValue(key, value));
}

/** "VALUE from SOURCE (overrides SOURCE VALUE, …)" with the caller's value format. */
export function describeCandidates<T>(resolved: ResolvedValue<T>, format: (value: T) => string): string {
  const main = `${format(resolved.value)} from ${resolved.source}`;
  if (resolved.overrides.length === 0) return main;
  const others = resolved.overrides.map((c) => `${c.source} ${format(c.value)}`).join(', ');
  return `${main} (overrides ${others})`;
}

/** The bare values, for stages that only need numbers (profile, run). */
export function limitValuesOf(limits: ResolvedLimits): LimitValues & DerivedValues {
  return {
    platform: limits.platform.value,
    maxMemory: limits.maxMemory.value,
    maxStack: limits.maxStack.value,
    maxLinearMemory: limits.maxLinearMemory.value,
    maxComponents: limits.maxComponents.value,
    maxInstances: limits.maxInstances.value,
    debugLevel: limits.debugLevel.value,
    asil: limits.asil.value,
    cpus: limits.cpus.value,
    debugOverhead: limits.debugOverhead.value,
    breakpoints: limits.breakpoints.value,
    traceBufferEntries: limits.traceBufferEntries.value,
    runtimeReserve: limits.runtimeReserve.value,
  };
}

export const DERIVED_LABELS: Readonly<Record<DerivedKey, string>> = {
  debugOverhead: 'debug overhead',
  breakpoints: 'breakpoints',
  traceBufferEntries: 'trace buffer entries',
  runtimeReserve: 'runtime reserve',
};
