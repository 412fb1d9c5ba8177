import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { WrtError } from '../core/errors.js';
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
  let text: string;
  try {
    text = await readFile(location.path, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    if (code === 'ENOENT') {
      throw new WrtError('FILE_NOT_FOUND', `config file ${location.file} does not exist`, { file: location.file, source: location.source });
    }
    throw new WrtError(
      'FILE_READ_FAILED',
      `config file ${location.file} cannot be read${code === '' ? '' : ` (${code})`}`,
      { file: location.file, source: location.source },
      { cause: error },
    );
  }
  return parseConfigText(text, location.file);
}

/**
 * Parses YAML (JSON is YAML) and validates it against CONFIG_SCHEMA. `yaml` and `ajv` are loaded
 * on first use so a command without a config file does not pay for them.
 *
 * @throws WrtError CONFIG_PARSE (with line) for YAML errors, CONFIG_SCHEMA (field path and line)
 *   for unknown keys and wrong types.
 */
export async function parseConfigText(text: string, file: string): Promise<LoadedConfig> {
  const YAML = await import('yaml');
  const lineCounter = new YAML.LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const [firstError] = doc.errors;
  if (firstError !== undefined) {
    const line = firstError.linePos?.[0].line;
    const message = firstError.message.split('\n')[0] ?? firstError.message;
    throw new WrtError('CONFIG_PARSE', `not valid YAML: ${message}`, line === undefined ? { file } : { file, line });
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new WrtError('CONFIG_PARSE', `cannot read YAML: ${error instanceof Error ? error.message : String(error)}`, { file }, { cause: error });
  }

  const lineOf: LineOf = (path) => {
    let node: unknown = doc.contents;
    let line: number | undefined;
    for (const segment of path) {
      if (!YAML.isMap(node)) return line;
      const pair = node.items.find((p) => YAML.isScalar(p.key) && String(p.key.value) === segment);
      if (pair === undefined) return line;
      const range = YAML.isNode(pair.key) ? pair.key.range : undefined;
      if (range !== undefined && range !== null) line = lineCounter.linePos(range[0]).line;
      node = pair.value;
    }
    return line;
  };

  const config = data ?? {};
  const validate = await configValidator();
  if (!validate(config)) {
    const [error] = validate.errors ?? [];
    throw schemaError(error, config, file, lineOf);
  }
  return { file, config: config as WrtTargetConfig, lineOf };
}

/** Options the config validator is compiled with; the schema test uses them with the meta-schema on. */
export const CONFIG_VALIDATOR_OPTIONS = { allErrors: false, strict: true, allowUnionTypes: true } as const;

let validatorPromise: Promise<ValidateFunction> | undefined;

function configValidator(): Promise<ValidateFunction> {
  validatorPromise ??= import('ajv').then((ajvModule) => {
    const Ajv = ajvModule.default;
    // allowUnionTypes: byte sizes are integer or string. The schema is ours and checked against
    // the draft-07 meta-schema by a test, so the meta-schema (the bulk of compile time) is skipped.
    return new Ajv({ ...CONFIG_VALIDATOR_OPTIONS, meta: false, validateSchema: false }).compile(CONFIG_SCHEMA);
  });
  return validatorPromise;
}

function schemaError(error: ErrorObject | undefined, data: unknown, file: string, lineOf: LineOf): WrtError {
  if (error === undefined) return new WrtError('CONFIG_SCHEMA', 'does not match the config schema', { file });
  const path = pointerSegments(error.instancePath);
  const at = (segments: readonly string[]): { file: string; field: string; line?: number } => {
    const line = lineOf(segments);
    const field = segments.length === 0 ? '(top level)' : segments.join('.');
    return line === undefined ? { file, field } : { file, field, line };
  };
  if (error.keyword === 'additionalProperties') {
    const key = String(error.params['additionalProperty']);
    const allowed = allowedKeys(path);
    const where = path.length === 0 ? 'at the top level' : `under ${path.join('.')}`;
    return new WrtError('CONFIG_SCHEMA', `unknown key "${key}" ${where}; allowed: ${allowed.join(', ')}`, at([...path, key]));
  }
  if (error.keyword === 'type') {
    const expected = String(error.params['type']).split(',').map(typeWord).join(' or ');
    const name = path.length === 0 ? 'the file' : path.join('.');
    return new WrtError('CONFIG_SCHEMA', `${name} must be ${expected}, got ${describeValue(valueAt(data, path))}`, at(path));
  }
  return new WrtError('CONFIG_SCHEMA', `${path.join('.') || 'the file'} ${error.message ?? 'does not match the schema'}`, at(path));
}

function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function allowedKeys(path: readonly string[]): string[] {
  if (path.length === 0) return Object.keys(CONFIG_SCHEMA.properties);
  if (path.length === 1 && path[0] === 'limits') return Object.keys(CONFIG_SCHEMA.properties.limits.properties);
  return [];
}

function typeWord(type: string): string {
  return type === 'object' ? 'a mapping' : type === 'integer' ? 'a whole number' : type === 'array' ? 'a list' : `a ${type}`;
}

function valueAt(data: unknown, path: readonly string[]): unknown {
  let value = data;
  for (const segment of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string "${value}"`;
  return `${typeof value} ${String(value)}`;
}
