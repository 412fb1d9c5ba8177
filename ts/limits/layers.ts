import { LIMIT_KEYS, LIMIT_SPECS, parseLimitValue } from './limit-specs.js';
import type { LimitKey, LimitLayer, LimitValues, SourcedValue } from './types.js';
import { type ValueOrigin, invalidValue } from './value-syntax.js';

type MutableLayer = { [K in LimitKey]?: SourcedValue<LimitValues[K]> };

function put<K extends LimitKey>(layer: MutableLayer, key: K, raw: unknown, origin: ValueOrigin): void {
  const entry: SourcedValue<LimitValues[K]> = { value: parseLimitValue(key, raw, origin), source: origin.source };
  const slots: { [P in K]?: SourcedValue<LimitValues[P]> } = layer;
  slots[key] = entry;
}

/**
 * The CLI layer from commander's parsed options (attribute names = LimitKey, values = the flag
 * text). Unknown attributes are ignored: the record is the whole command's options.
 */
export function parseCliLayer(options: Readonly<Record<string, unknown>>): LimitLayer {
  const layer: MutableLayer = {};
  for (const key of LIMIT_KEYS) {
    const flag = LIMIT_SPECS[key].flag;
    const raw = options[key];
    if (flag === null || raw === undefined) continue;
    put(layer, key, raw, { source: `cli ${flag}`, field: flag });
  }
  return layer;
}

/**
 * The environment layer. An empty variable counts as unset (`WRT_MAX_MEMORY= cmd` clears it).
 * An alias (WRT_MAX_WASM_MEMORY) is read only when the main name is unset; both set to
 * different values is an error rather than a silent choice.
 */
export function parseEnvLayer(env: Readonly<Record<string, string | undefined>>): LimitLayer {
  const layer: MutableLayer = {};
  for (const key of LIMIT_KEYS) {
    const spec = LIMIT_SPECS[key];
    if (spec.env === null) continue;
    const set = [spec.env, ...spec.envAliases]
      .map((name) => ({ name, text: env[name] }))
      .filter((v): v is { name: string; text: string } => v.text !== undefined && v.text.trim() !== '');
    const [chosen, ...others] = set;
    if (chosen === undefined) continue;
    const origin = { source: `env ${chosen.name}`, field: chosen.name };
    const disagreeing = others.find((o) => o.text.trim() !== chosen.text.trim());
    if (disagreeing !== undefined) {
      throw invalidValue(
        `${disagreeing.name}="${disagreeing.text}" disagrees with ${chosen.name}="${chosen.text}"; set only ${spec.env}`,
        { source: `env ${disagreeing.name}`, field: disagreeing.name },
      );
    }
    put(layer, key, chosen.text, origin);
  }
  return layer;
}

/** The validated shape of wrt-target.yaml (see config-schema.ts). */
export interface WrtTargetConfig {
  readonly $schema?: string;
  readonly limits?: { readonly [K in LimitKey]?: unknown };
  /** WIT limits and preset (ts/wit/limits.ts reads them). */
  readonly wit?: Readonly<Record<string, unknown>>;
}

/** Line of a config path ("limits", "maxMemory") in the file, when known. */
export type LineOf = (path: readonly string[]) => number | undefined;

/**
 * The config layer from a schema-valid config. `file` is the path as the user named it; values
 * are parsed with the same syntax as flags (a YAML integer is bytes).
 */
export function parseConfigLayer(config: WrtTargetConfig, file: string, lineOf?: LineOf): LimitLayer {
  const layer: MutableLayer = {};
  const limits = config.limits ?? {};
  for (const key of LIMIT_KEYS) {
    const raw = limits[key];
    if (raw === undefined) continue;
    const field = LIMIT_SPECS[key].configKey;
    const line = lineOf?.(['limits', key]);
    put(layer, key, raw, { source: `config ${file}: ${field}`, field, file, ...(line === undefined ? {} : { line }) });
  }
  return layer;
}
