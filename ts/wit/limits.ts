/**
 * The WIT limits in force: a preset, then each limit overridden by config file, environment and
 * command line, highest last, every value with its source, through the same layers, value
 * syntax and config file as every other limit (ts/limits).
 */
import { chooseCandidate, describeCandidates } from '../limits/resolve.js';
import type { Candidate, LayerName, ResolvedValue } from '../limits/types.js';
import { bytesFromValue, countFromValue, formatBytesExact, invalidValue, type ValueOrigin } from '../limits/value-syntax.js';
import {
  DEFAULT_WIT_PRESET, WIT_LIMIT_KEYS, WIT_LIMIT_SPECS, WIT_PRESET_ENV, WIT_PRESET_FLAG, WIT_PRESET_NAMES, WIT_PRESETS,
  type WitLimitKey, type WitLimitValues, type WitPreset,
} from '../limits/wit-specs.js';
import type { WitLimits } from './load.js';

export { WIT_PRESETS, WIT_PRESET_NAMES, WIT_LIMIT_KEYS, WIT_LIMIT_SPECS, DEFAULT_WIT_PRESET };
export type { WitPreset, WitLimitKey };

export type ResolvedWitLimits = { readonly [K in WitLimitKey]: ResolvedValue<number> } & { readonly preset: ResolvedValue<WitPreset> };

/** The raw text of each layer: commander's options, the environment, the config file's `wit:`. */
export interface WitLimitInputs {
  readonly cli: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly config?: { readonly file: string; readonly values: Readonly<Record<string, unknown>>; readonly lineOf?: (key: string) => number | undefined };
}

function presetOf(raw: unknown, origin: ValueOrigin): WitPreset {
  const text = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  const preset = WIT_PRESET_NAMES.find((p) => p === text);
  if (preset === undefined) throw invalidValue(`"${String(raw)}" is not a WIT preset: expected ${WIT_PRESET_NAMES.join(', ')}`, origin);
  return preset;
}

function valueOf(key: WitLimitKey, raw: unknown, origin: ValueOrigin): number {
  const spec = WIT_LIMIT_SPECS[key];
  const value = spec.kind === 'bytes' ? bytesFromValue(raw, origin) : countFromValue(raw, origin);
  if (value < spec.min || value > spec.max) {
    const show = (n: number): string => (spec.kind === 'bytes' ? formatBytesExact(n) : String(n));
    throw invalidValue(`${spec.label} ${show(value)} is out of range`, origin, `${show(spec.min)} to ${show(spec.max)}`);
  }
  return value;
}

/** Explicit candidates (cli, env, config) for one setting, highest precedence first. */
function explicit<T>(
  inputs: WitLimitInputs,
  names: { readonly attribute: string; readonly flag: string; readonly env: string; readonly configKey: string },
  parse: (raw: unknown, origin: ValueOrigin) => T,
): Candidate<T>[] {
  const found: Candidate<T>[] = [];
  const add = (layer: LayerName, raw: unknown, origin: ValueOrigin): void => {
    found.push({ value: parse(raw, origin), layer, source: origin.source });
  };
  const cli = inputs.cli[names.attribute];
  if (cli !== undefined) add('cli', cli, { source: `cli ${names.flag}`, field: names.flag });
  const env = inputs.env[names.env];
  if (env !== undefined && env.trim() !== '') add('env', env, { source: `env ${names.env}`, field: names.env });
  const config = inputs.config;
  const key = names.configKey.replace(/^wit\./, '');
  const raw = config?.values[key];
  if (config !== undefined && raw !== undefined) {
    const line = config.lineOf?.(key);
    add('config', raw, { source: `config ${config.file}: ${names.configKey}`, field: names.configKey, file: config.file, ...(line === undefined ? {} : { line }) });
  }
  return found;
}

/** Resolves the preset, then every limit: cli > env > config > preset. */
export function resolveWitLimits(inputs: WitLimitInputs): ResolvedWitLimits {
  const preset = chooseCandidate<WitPreset>(
    'preset',
    [
      ...explicit(inputs, { attribute: 'preset', flag: WIT_PRESET_FLAG, env: WIT_PRESET_ENV, configKey: 'wit.preset' }, presetOf),
      { value: DEFAULT_WIT_PRESET, layer: 'default', source: 'default' },
    ],
    () => undefined,
  );
  const base = WIT_PRESETS[preset.value];
  const resolved: Partial<Record<WitLimitKey, ResolvedValue<number>>> = {};
  for (const key of WIT_LIMIT_KEYS) {
    const spec = WIT_LIMIT_SPECS[key];
    resolved[key] = chooseCandidate<number>(
      key,
      [
        ...explicit(inputs, { attribute: key, flag: spec.flag, env: spec.env, configKey: spec.configKey }, (raw, origin) => valueOf(key, raw, origin)),
        { value: base[key], layer: 'default', source: `preset ${preset.value}` },
      ],
      () => undefined,
    );
  }
  return { ...(resolved as { [K in WitLimitKey]: ResolvedValue<number> }), preset };
}

export function witLimitValues(limits: ResolvedWitLimits): WitLimits {
  const values = {} as Record<WitLimitKey, number>;
  for (const key of WIT_LIMIT_KEYS) values[key] = limits[key].value;
  return values as WitLimitValues;
}

/** "64 KiB from preset medium" / "100 from cli --max-nesting-depth (overrides preset medium 32)". */
export function describeWitLimit(key: WitLimitKey, value: ResolvedValue<number>): string {
  return describeCandidates(value, (n) => (WIT_LIMIT_SPECS[key].kind === 'bytes' ? formatBytesExact(n) : String(n)));
}
