import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { SchemaSpec } from '../core/schema-validator.js';
import { MAX_TEXT_FILE_BYTES } from '../core/user-file.js';
import type { YamlSource } from '../core/yaml-schema.js';
import { CONFIG_SCHEMA } from './config-schema.js';
import type { LineOf, WrtTargetConfig } from './layers.js';
import { CONFIG_ENV, CONFIG_FLAG, DEFAULT_CONFIG_FILE } from './limit-specs.js';

/** Which config file applies and why. */
export interface ConfigFileLocation {
  /** Absolute path, for reading. */
  readonly path: string;
  /** The path as the user named it ("./wrt-target.yaml" for the default); used in every message. */
  readonly file: string;
  /** "cli --config", "env WRT_CONFIG" or "default". */
  readonly source: string;
}

export interface LocateConfigArgs {
  /** Value of --config, if given. */
  readonly cliPath?: string | undefined;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Injected by tests; defaults to fs.existsSync. */
  readonly exists?: (path: string) => boolean;
}

/**
 * --config FILE, else WRT_CONFIG, else ./wrt-target.yaml when it exists, else none. A file named
 * by flag or variable must exist (checked when it is read); only the default may be absent.
 */
export function locateConfigFile(args: LocateConfigArgs): ConfigFileLocation | null {
  const absolute = (file: string): string => (isAbsolute(file) ? file : resolve(args.cwd, file));
  if (args.cliPath !== undefined && args.cliPath !== '') {
    return { path: absolute(args.cliPath), file: args.cliPath, source: `cli ${CONFIG_FLAG}` };
  }
  const fromEnv = args.env[CONFIG_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== '') {
    return { path: absolute(fromEnv), file: fromEnv, source: `env ${CONFIG_ENV}` };
  }
  const path = resolve(args.cwd, DEFAULT_CONFIG_FILE);
  const exists = args.exists ?? existsSync;
  return exists(path) ? { path, file: `./${DEFAULT_CONFIG_FILE}`, source: 'default' } : null;
}

export interface LoadedConfig {
  /** The path as the user named it. */
  readonly file: string;
  readonly config: WrtTargetConfig;
  /** Line (1-based) of the key at a path such as ["limits", "maxMemory"]. */
  readonly lineOf: LineOf;
}

/** Reads and validates the config file. */
export async function loadConfigFile(location: ConfigFileLocation): Promise<LoadedConfig> {
  const spec = { what: 'config file', maxBytes: MAX_TEXT_FILE_BYTES, shown: location.file, source: location.source };
  // The loader and its validator load only when there is a config file to read.
  const { readYamlFile } = await import('../core/yaml-schema.js');
  return configFrom(readYamlFile(location.path, spec));
}

/** The schema of wrt-target.yaml, for core/yaml-schema's checkSchema. */
export const CONFIG_SCHEMA_SPEC: SchemaSpec = { name: 'limits-config', schema: () => CONFIG_SCHEMA };

/**
 * Parses YAML (JSON is YAML) and validates it against CONFIG_SCHEMA.
 *
 * @throws WrtError CONFIG_PARSE (with line) for YAML errors, CONFIG_SCHEMA (field path and line)
 *   for unknown keys and wrong types.
 */
export async function parseConfigText(text: string, file: string): Promise<LoadedConfig> {
  const { parseYaml } = await import('../core/yaml-schema.js');
  return configFrom(parseYaml(text, file));
}

async function configFrom(source: YamlSource): Promise<LoadedConfig> {
  const { checkSchema, pointerOf } = await import('../core/yaml-schema.js');
  // An empty file is an empty config.
  const config = checkSchema<WrtTargetConfig>(CONFIG_SCHEMA_SPEC, { ...source, data: source.data ?? {} });
  return { file: source.file, config, lineOf: (path) => source.lineOf(pointerOf(path)) };
}
