/**
 * What a target allows a module to use, as plain data. The validator checks each limit as soon as
 * the bytes that decide it have arrived (a count when its section's count is read, memory pages at
 * the memory section, a feature at its first use) and stops with LIMIT_EXCEEDED.
 */
import { closestName } from '../core/did-you-mean.js';
import { WrtError } from '../core/errors.js';

export interface FeatureLimits {
  /** false: the target has no FPU; any f32/f64 type or instruction is rejected. */
  readonly float?: boolean;
  /** false: the target has no SIMD support; any v128 type or 0xfd instruction is rejected. */
  readonly simd?: boolean;
  /** false: the runtime lacks bulk memory (memory.copy/fill/init, passive segments, data count). */
  readonly bulkMemory?: boolean;
}

export interface ValidationLimits {
  /** Name used in messages ("target stm32f4"). */
  readonly target?: string;
  readonly maxTypes?: number;
  /** Imported plus defined functions. */
  readonly maxFunctions?: number;
  readonly maxImports?: number;
  readonly maxExports?: number;
  /** Imported plus defined globals. */
  readonly maxGlobals?: number;
  /** Imported plus defined tables. */
  readonly maxTables?: number;
  /** Elements of one table: its initial size, and its maximum when the module can grow it. */
  readonly maxTableElements?: number;
  readonly maxElementSegments?: number;
  readonly maxDataSegments?: number;
  /** Total bytes of all data segments. */
  readonly maxDataBytes?: number;
  /** Linear-memory budget: initial pages, the reachable maximum when memory.grow is used, data placement. */
  readonly linearMemoryBytes?: number;
  /**
   * true: the runtime stops memory.grow at linearMemoryBytes (a grow past it returns -1, as the
   * device interpreter's does), so a reachable maximum above the budget is no error: only the
   * initial pages and the data must fit. Target limits set it; a limits file keeps the strict check.
   */
  readonly growCapped?: boolean;
  readonly maxFunctionBodyBytes?: number;
  /** Parameters plus declared locals of one function. */
  readonly maxLocals?: number;
  /** Operand-stack height of one function, in values. */
  readonly maxOperandStackSlots?: number;
  /** Nesting of block/loop/if inside one function. */
  readonly maxControlDepth?: number;
  /** Frame of one function: parameter, local and operand-stack bytes. */
  readonly maxFrameBytes?: number;
  /** Calls nested from any entry point (exports and start), counting the entry. */
  readonly maxCallDepth?: number;
  /** Sum of frame bytes along the deepest call chain from any entry point. */
  readonly maxStackBytes?: number;
  readonly features?: FeatureLimits;
  /**
   * Host functions a module may import, as "module.name"; "module.*" allows a whole module.
   * Absent: any import is allowed.
   */
  readonly allowedImports?: readonly string[];
}

export type NumericLimitName = Exclude<keyof ValidationLimits, 'target' | 'features' | 'allowedImports' | 'growCapped'>;

export const NUMERIC_LIMITS: readonly NumericLimitName[] = [
  'maxTypes',
  'maxFunctions',
  'maxImports',
  'maxExports',
  'maxGlobals',
  'maxTables',
  'maxTableElements',
  'maxElementSegments',
  'maxDataSegments',
  'maxDataBytes',
  'linearMemoryBytes',
  'maxFunctionBodyBytes',
  'maxLocals',
  'maxOperandStackSlots',
  'maxControlDepth',
  'maxFrameBytes',
  'maxCallDepth',
  'maxStackBytes',
];

/** Keys compare without case, '_' or '-', so max_types, max-types and maxTypes are one key. */
function normalizeKey(key: string): string {
  return key.replace(/[-_]/g, '').toLowerCase();
}

const NUMERIC_BY_KEY = new Map<string, NumericLimitName>([
  ...NUMERIC_LIMITS.map((name) => [normalizeKey(name), name] as const),
  // The name `wrt-target probe` and the limit resolver use for the same budget.
  ['maxlinearmemory', 'linearMemoryBytes'],
]);

/** Probe reports and resolved limits wrap each value as { value, source }. */
function unwrap(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && 'value' in value) return (value as { value: unknown }).value;
  return value;
}

function toCount(value: unknown, field: string, source: string): number {
  let n: number | undefined;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'bigint') n = value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= 0n ? Number(value) : -1;
  else if (typeof value === 'string' && /^\d+$/.test(value.trim())) n = Number(value.trim());
  if (n === undefined || !Number.isSafeInteger(n) || n < 0) {
    throw new WrtError('VALUE_INVALID', `${field} must be a non-negative integer, got ${String(value)}`, { field, source });
  }
  return n;
}

function toBoolean(value: unknown, field: string, source: string): boolean {
  if (typeof value === 'boolean') return value;
  throw new WrtError('VALUE_INVALID', `${field} must be true or false, got ${String(value)}`, { field, source });
}

/**
 * Builds limits from a generic record (a target definition's limits block, probe output, a JSON
 * file). Known keys are checked; others are ignored because such records carry more than limits.
 * Counts may be numbers, bigints or decimal strings. A `null` value means "no limit".
 */
export function limitsFromRecord(record: Readonly<Record<string, unknown>>, source = 'limits'): ValidationLimits {
  const limits: { -readonly [K in keyof ValidationLimits]: ValidationLimits[K] } = {};
  for (const [key, wrapped] of Object.entries(record)) {
    const value = unwrap(wrapped);
    if (value === null || value === undefined) continue;
    const normalized = normalizeKey(key);
    const field = `${source}.${key}`;
    const numeric = NUMERIC_BY_KEY.get(normalized);
    if (numeric !== undefined) {
      limits[numeric] = toCount(value, field, source);
    } else if (normalized === 'target') {
      if (typeof value !== 'string') throw new WrtError('VALUE_INVALID', `${field} must be a string`, { field, source });
      limits.target = value;
    } else if (normalized === 'features') {
      if (typeof value !== 'object' || Array.isArray(value)) {
        throw new WrtError('VALUE_INVALID', `${field} must be an object like { float: true, simd: false }`, { field, source });
      }
      const features: { float?: boolean; simd?: boolean; bulkMemory?: boolean } = {};
      for (const [name, flag] of Object.entries(value as Record<string, unknown>)) {
        const featureKey = normalizeKey(name);
        if (featureKey === 'float' || featureKey === 'fpu') features.float = toBoolean(flag, `${field}.${name}`, source);
        else if (featureKey === 'simd') features.simd = toBoolean(flag, `${field}.${name}`, source);
        else if (featureKey === 'bulkmemory') features.bulkMemory = toBoolean(flag, `${field}.${name}`, source);
      }
      limits.features = features;
    } else if (normalized === 'allowedimports') {
      if (!Array.isArray(value) || !value.every((item): item is string => typeof item === 'string' && item.includes('.'))) {
        throw new WrtError('VALUE_INVALID', `${field} must be a list of "module.name" strings`, { field, source });
      }
      limits.allowedImports = [...value];
    }
  }
  return limits;
}

/**
 * A key of a limits record that is not a limit but is a typo of one ("maxFuntions"), with the
 * limit it is close to. Keys far from every limit are left alone: a probe report carries others.
 */
export function misspeltLimitKey(record: Readonly<Record<string, unknown>>): { key: string; suggestion: string } | undefined {
  const names: string[] = [...NUMERIC_LIMITS, 'target', 'features', 'allowedImports'];
  const known = new Set([...names.map(normalizeKey), ...NUMERIC_BY_KEY.keys()]);
  for (const key of Object.keys(record)) {
    if (known.has(normalizeKey(key))) continue;
    const suggestion = closestName(key, names);
    if (suggestion !== undefined) return { key, suggestion };
  }
  return undefined;
}

/** Whether "module.name" is allowed by a list of "module.name" / "module.*" patterns. */
export function importAllowed(allowed: readonly string[], module: string, name: string): boolean {
  for (const pattern of allowed) {
    const dot = pattern.indexOf('.');
    if (dot < 0) continue;
    const patternModule = pattern.slice(0, dot);
    const patternName = pattern.slice(dot + 1);
    if (patternModule !== module && patternModule !== '*') continue;
    if (patternName === '*' || patternName === name) return true;
  }
  return false;
}
