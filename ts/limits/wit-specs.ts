/**
 * The WIT checker's bounds (ts/wit): what each limit is called on the command line, in the
 * environment and in wrt-target.yaml (`wit:`), and the three presets they start from. The numbers
 * and where they come from are in docs/wit.md.
 */
export const WIT_LIMIT_KEYS = [
  'maxFileBytes',
  'maxPackages',
  'maxWorlds',
  'maxInterfaces',
  'maxFunctionsPerInterface',
  'maxTypesPerInterface',
  'maxIdentifierLength',
  'maxNestingDepth',
] as const;
export type WitLimitKey = (typeof WIT_LIMIT_KEYS)[number];
export type WitLimitValues = { readonly [K in WitLimitKey]: number };

export const WIT_PRESET_NAMES = ['small', 'medium', 'large'] as const;
export type WitPreset = (typeof WIT_PRESET_NAMES)[number];
/** What `wit check` uses when nothing names a preset: real WASI packages fit it. */
export const DEFAULT_WIT_PRESET: WitPreset = 'medium';

export interface WitLimitSpec {
  readonly key: WitLimitKey;
  readonly label: string;
  readonly kind: 'bytes' | 'count';
  readonly flag: string;
  readonly env: string;
  readonly configKey: string;
  readonly description: string;
  readonly min: number;
  readonly max: number;
}

const MIB = 1024 * 1024;

function spec(key: WitLimitKey, label: string, kind: 'bytes' | 'count', flag: string, env: string, description: string, max: number): WitLimitSpec {
  return { key, label, kind, flag, env, configKey: `wit.${key}`, description, min: 1, max };
}

export const WIT_LIMIT_SPECS: Readonly<Record<WitLimitKey, WitLimitSpec>> = {
  maxFileBytes: spec('maxFileBytes', 'bytes per WIT file', 'bytes', '--max-file-bytes', 'WRT_WIT_MAX_FILE_BYTES', 'largest WIT file (e.g. 8KiB, 64KiB, 1MiB)', 64 * MIB),
  maxPackages: spec('maxPackages', 'packages per load', 'count', '--max-packages', 'WRT_WIT_MAX_PACKAGES', 'packages in one load: the main one, nested ones and deps/', 65_536),
  maxWorlds: spec('maxWorlds', 'worlds per package', 'count', '--max-worlds', 'WRT_WIT_MAX_WORLDS', 'worlds one package defines', 65_536),
  maxInterfaces: spec('maxInterfaces', 'interfaces per package', 'count', '--max-interfaces', 'WRT_WIT_MAX_INTERFACES', 'interfaces one package defines', 65_536),
  maxFunctionsPerInterface: spec('maxFunctionsPerInterface', 'functions per interface', 'count', '--max-functions-per-interface', 'WRT_WIT_MAX_FUNCTIONS_PER_INTERFACE', 'functions, methods and constructors of one interface', 1_048_576),
  maxTypesPerInterface: spec('maxTypesPerInterface', 'types per interface', 'count', '--max-types-per-interface', 'WRT_WIT_MAX_TYPES_PER_INTERFACE', 'named types (with `use`d ones) of one interface or world', 1_048_576),
  maxIdentifierLength: spec('maxIdentifierLength', 'identifier length', 'count', '--max-identifier-length', 'WRT_WIT_MAX_IDENTIFIER_LENGTH', 'longest identifier, in characters', 65_536),
  maxNestingDepth: spec('maxNestingDepth', 'nesting depth', 'count', '--max-nesting-depth', 'WRT_WIT_MAX_NESTING_DEPTH', 'deepest nesting of types (list<list<…>>) and of package { } blocks', 1_000),
};

export const WIT_PRESET_FLAG = '--preset';
export const WIT_PRESET_ENV = 'WRT_WIT_PRESET';

export const WIT_PRESETS: Readonly<Record<WitPreset, WitLimitValues>> = {
  small: {
    maxFileBytes: 8 * 1024,
    maxPackages: 4,
    maxWorlds: 4,
    maxInterfaces: 8,
    maxFunctionsPerInterface: 16,
    maxTypesPerInterface: 32,
    maxIdentifierLength: 64,
    maxNestingDepth: 16,
  },
  medium: {
    maxFileBytes: 64 * 1024,
    maxPackages: 16,
    maxWorlds: 16,
    maxInterfaces: 16,
    maxFunctionsPerInterface: 64,
    maxTypesPerInterface: 64,
    maxIdentifierLength: 128,
    maxNestingDepth: 32,
  },
  large: {
    maxFileBytes: 1 * MIB,
    maxPackages: 256,
    maxWorlds: 256,
    maxInterfaces: 1024,
    maxFunctionsPerInterface: 4096,
    maxTypesPerInterface: 4096,
    maxIdentifierLength: 1024,
    maxNestingDepth: 100,
  },
};
