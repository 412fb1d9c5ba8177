import { ASIL_LEVELS, isAsilLevel } from '../foundation/asil.js';
import { DEBUG_LEVELS, type LimitKey, type LimitValues, PLATFORMS, type Platform, type DebugLevel } from './types.js';
import {
  type ValueOrigin,
  bytesFromValue,
  countFromValue,
  formatBytesExact,
  invalidValue,
  parseAsilValue,
  parseDebugLevel,
  parsePlatform,
  textFromValue,
} from './value-syntax.js';

export type LimitKind = 'bytes' | 'count' | 'debug-level' | 'asil' | 'platform';

export const WASM_PAGE_BYTES = 65536;
/** wasm32 linear memory addresses 4 GiB at most. */
export const MAX_WASM_PAGES = 65536;

interface Bounds {
  readonly min: number;
  readonly max: number;
  readonly multipleOf?: number;
}

export interface LimitSpec {
  readonly key: LimitKey;
  /** What a person calls it in a table: "total memory". */
  readonly label: string;
  readonly kind: LimitKind;
  /** Long flag, or null when only config/discovery can set it. */
  readonly flag: string | null;
  /** Placeholder in help: --max-memory <bytes>. */
  readonly valueName: string;
  readonly env: string | null;
  /** Also accepted, only when the main variable is unset or equal. */
  readonly envAliases: readonly string[];
  /** Dotted path in the config file. */
  readonly configKey: string;
  readonly description: string;
  readonly bounds?: Bounds;
}

const TIB = 2 ** 40;
const PIB = 2 ** 50;

export const LIMIT_SPECS: Readonly<Record<LimitKey, LimitSpec>> = {
  platform: {
    key: 'platform',
    label: 'platform',
    kind: 'platform',
    flag: null,
    valueName: 'platform',
    env: null,
    envAliases: [],
    configKey: 'limits.platform',
    description: 'platform the limits are for: linux, qnx, embedded (bare-metal), macos, windows',
  },
  maxMemory: {
    key: 'maxMemory',
    label: 'total memory',
    kind: 'bytes',
    flag: '--max-memory',
    valueName: 'bytes',
    env: 'WRT_MAX_MEMORY',
    envAliases: [],
    configKey: 'limits.maxMemory',
    description: 'total memory the runtime and its modules may use (e.g. 64MiB, 512M, 1GiB)',
    bounds: { min: 1, max: PIB },
  },
  maxStack: {
    key: 'maxStack',
    label: 'native stack',
    kind: 'bytes',
    flag: '--max-stack',
    valueName: 'bytes',
    env: 'WRT_MAX_STACK',
    envAliases: [],
    configKey: 'limits.maxStack',
    description: 'native stack of the thread that runs wasm (e.g. 64KiB, 8M)',
    bounds: { min: 1, max: TIB },
  },
  maxLinearMemory: {
    key: 'maxLinearMemory',
    label: 'wasm linear memory',
    kind: 'bytes',
    flag: '--max-linear-memory',
    valueName: 'bytes',
    env: 'WRT_MAX_LINEAR_MEMORY',
    envAliases: ['WRT_MAX_WASM_MEMORY'],
    configKey: 'limits.maxLinearMemory',
    description: 'largest wasm linear memory, whole 64 KiB pages (default: what total memory leaves)',
    bounds: { min: 0, max: MAX_WASM_PAGES * WASM_PAGE_BYTES, multipleOf: WASM_PAGE_BYTES },
  },
  maxComponents: {
    key: 'maxComponents',
    label: 'components',
    kind: 'count',
    flag: '--max-components',
    valueName: 'count',
    env: 'WRT_MAX_COMPONENTS',
    envAliases: [],
    configKey: 'limits.maxComponents',
    description: 'components loaded at once',
    bounds: { min: 1, max: 65_536 },
  },
  maxInstances: {
    key: 'maxInstances',
    label: 'component instances',
    kind: 'count',
    flag: '--max-instances',
    valueName: 'count',
    env: 'WRT_MAX_INSTANCES',
    envAliases: [],
    configKey: 'limits.maxInstances',
    description: 'component instances live at once',
    bounds: { min: 1, max: 1_048_576 },
  },
  debugLevel: {
    key: 'debugLevel',
    label: 'debug level',
    kind: 'debug-level',
    flag: '--debug-level',
    valueName: 'level',
    env: 'WRT_DEBUG_LEVEL',
    envAliases: [],
    configKey: 'limits.debugLevel',
    description: 'debug support: none, basic (total/50 overhead), full (total/10)',
  },
  asil: {
    key: 'asil',
    label: 'ASIL level',
    kind: 'asil',
    flag: '--asil',
    valueName: 'level',
    env: 'WRT_ASIL_LEVEL',
    envAliases: [],
    configKey: 'limits.asil',
    description: 'runtime safety level: QM, A, B, C, D (also ASIL-C, asil_c)',
  },
  cpus: {
    key: 'cpus',
    label: 'CPUs',
    kind: 'count',
    flag: '--cpus',
    valueName: 'count',
    env: 'WRT_CPUS',
    envAliases: [],
    configKey: 'limits.cpus',
    description: 'CPUs the runtime may use',
    bounds: { min: 1, max: 8192 },
  },
};

/** Display and resolution order. */
export const LIMIT_KEYS: readonly LimitKey[] = [
  'platform',
  'maxMemory',
  'maxStack',
  'maxLinearMemory',
  'maxComponents',
  'maxInstances',
  'debugLevel',
  'asil',
  'cpus',
];

export const NUMERIC_LIMIT_KEYS: ReadonlySet<LimitKey> = new Set(
  LIMIT_KEYS.filter((k) => LIMIT_SPECS[k].kind === 'bytes' || LIMIT_SPECS[k].kind === 'count'),
);

/** The config file flag: not a limit, but registered and documented with them. */
export const CONFIG_FLAG = '--config';
export const CONFIG_ENV = 'WRT_CONFIG';
export const DEFAULT_CONFIG_FILE = 'wrt-target.yaml';

/**
 * Everything a command needs to register the limit options with commander:
 * `for (const f of LIMIT_FLAGS) command.option(f.flags, f.description)`. Commander stores each
 * under `f.key` (its camelCase attribute name), which `parseCliLayer` reads back.
 */
export interface LimitFlag {
  readonly key: LimitKey | 'config';
  /** "--max-memory <bytes>": the first argument of Command.option(). */
  readonly flags: string;
  readonly flag: string;
  readonly env: string;
  readonly envAliases: readonly string[];
  readonly configKey: string | null;
  readonly kind: LimitKind | 'file';
  /** Help text, ending with the environment variable and config key that set the same value. */
  readonly description: string;
}

export const LIMIT_FLAGS: readonly LimitFlag[] = [
  ...LIMIT_KEYS.flatMap((key): LimitFlag[] => {
    const spec = LIMIT_SPECS[key];
    if (spec.flag === null || spec.env === null) return [];
    return [
      {
        key,
        flags: `${spec.flag} <${spec.valueName}>`,
        flag: spec.flag,
        env: spec.env,
        envAliases: spec.envAliases,
        configKey: spec.configKey,
        kind: spec.kind,
        description: `${spec.description} [env ${spec.env}, config ${spec.configKey}]`,
      },
    ];
  }),
  {
    key: 'config',
    flags: `${CONFIG_FLAG} <file>`,
    flag: CONFIG_FLAG,
    env: CONFIG_ENV,
    envAliases: [],
    configKey: null,
    kind: 'file',
    description: `limits config file (YAML or JSON) [env ${CONFIG_ENV}, default ./${DEFAULT_CONFIG_FILE} if present]`,
  },
];

type Parser<K extends LimitKey> = (raw: unknown, origin: ValueOrigin) => LimitValues[K];

const PARSERS: { readonly [K in LimitKey]: Parser<K> } = {
  platform: (raw, origin): Platform => parsePlatform(textFromValue(raw, origin), origin),
  maxMemory: bytesFromValue,
  maxStack: bytesFromValue,
  maxLinearMemory: bytesFromValue,
  maxComponents: countFromValue,
  maxInstances: countFromValue,
  debugLevel: (raw, origin): DebugLevel => parseDebugLevel(textFromValue(raw, origin), origin),
  asil: (raw, origin) => parseAsilValue(textFromValue(raw, origin), origin),
  cpus: countFromValue,
};

/** Reads a raw value (flag text, env text, config scalar) for `key` and checks its bounds. */
export function parseLimitValue<K extends LimitKey>(key: K, raw: unknown, origin: ValueOrigin): LimitValues[K] {
  const parse: Parser<K> = PARSERS[key];
  const value = parse(raw, origin);
  checkLimitValue(key, value, origin);
  return value;
}

/**
 * Checks a typed value against the key's bounds; discovered values and defaults pass through
 * here too, so a discoverer cannot slip a zero or a 5 GiB linear memory past the rules.
 */
export function checkLimitValue<K extends LimitKey>(key: K, value: LimitValues[K], origin: ValueOrigin): void {
  const spec = LIMIT_SPECS[key];
  switch (spec.kind) {
    case 'platform':
      if (!(PLATFORMS as readonly unknown[]).includes(value)) {
        throw invalidValue(`${String(value)} is not a platform`, origin, `one of ${PLATFORMS.join(', ')}`);
      }
      return;
    case 'debug-level':
      if (!(DEBUG_LEVELS as readonly unknown[]).includes(value)) {
        throw invalidValue(`${String(value)} is not a debug level`, origin, `one of ${DEBUG_LEVELS.join(', ')}`);
      }
      return;
    case 'asil':
      if (!isAsilLevel(value)) throw invalidValue(`${String(value)} is not an ASIL level`, origin, `one of ${ASIL_LEVELS.join(', ')}`);
      return;
    case 'bytes':
    case 'count':
      checkNumber(spec, value, origin);
      return;
  }
}

function pages(n: number): string {
  return n === 1 ? '1 page' : `${n} pages`;
}

function checkNumber(spec: LimitSpec, value: unknown, origin: ValueOrigin): void {
  const bytes = spec.kind === 'bytes';
  const show = (n: number): string => (bytes ? `${formatBytesExact(n)}${n >= 1024 ? ` (${n} bytes)` : ''}` : String(n));
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw invalidValue(`${spec.label}: ${String(value)} is not a whole number`, origin);
  }
  const bounds = spec.bounds;
  if (bounds === undefined) return;
  if (value < bounds.min) {
    const what = value < 0 ? 'negative' : value === 0 ? 'zero' : `${show(value)}`;
    throw invalidValue(`${spec.label} must be at least ${show(bounds.min)}, got ${what}`, origin, `at least ${show(bounds.min)}`);
  }
  if (value > bounds.max) {
    throw invalidValue(`${spec.label} ${show(value)} is above the largest allowed`, origin, `at most ${show(bounds.max)}`);
  }
  if (bounds.multipleOf !== undefined && value % bounds.multipleOf !== 0) {
    const down = value - (value % bounds.multipleOf);
    throw invalidValue(
      `${spec.label} ${value} bytes is not a whole number of 64 KiB wasm pages; the nearest below is ${down} (${pages(down / bounds.multipleOf)})`,
      origin,
      `a multiple of ${bounds.multipleOf} bytes`,
    );
  }
}
