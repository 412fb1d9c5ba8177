/**
 * The one YAML + schema loader: YAML text to data that keeps its line numbers, checked against a
 * JSON schema, with one wording for every error (the JSON pointer of the field, its line, the
 * limit, and the nearest known name for a misspelt key). Targets, the limits config, the HIL
 * hardware map, suites and quarantine list, and JSON profiles all go through it.
 */
import { createRequire } from 'node:module';
import type { ErrorObject } from 'ajv';
import type * as Yaml from 'yaml';
import { didYouMean } from './did-you-mean.js';
import type { ErrorCode } from './error-codes.js';
import { type ErrorLocation, WrtError } from './errors.js';
import { readUserText, type UserFileSpec } from './user-file.js';
import { type SchemaSpec, validatorFor } from './schema-validator.js';

/** Aliases expanded per document; bounds a "billion laughs" file. */
const MAX_ALIAS_COUNT = 100;

/** Parsed data plus a way back from a JSON pointer to the line it came from. */
export interface YamlSource {
  readonly file: string;
  readonly data: unknown;
  /** 1-based line of the node at the pointer, or of its nearest ancestor that exists. */
  lineOf(pointer: string): number | undefined;
}

// yaml loads on the first parse, not with this module: a target read from the build's snapshot
// never parses YAML.
const require = createRequire(import.meta.url);
let yamlModule: typeof Yaml | undefined;
function yaml(): typeof Yaml {
  yamlModule ??= require('yaml') as typeof Yaml;
  return yamlModule;
}

/**
 * YAML text (JSON is YAML) to data that keeps its line numbers. Syntax errors, duplicate keys
 * (YAML 1.2 forbids them, and a later line silently winning hides mistakes) and alias bombs are
 * CONFIG_PARSE with line and column. Pure: `file` only names the source.
 */
export function parseYaml(text: string, file: string): YamlSource {
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true, merge: false, lineCounter });
  const first = doc.errors[0];
  if (first !== undefined) {
    const { line, col } = lineCounter.linePos(first.pos[0]);
    throw new WrtError('CONFIG_PARSE', `not valid YAML: ${firstLine(first.message)} (column ${col})`, { file, line }, { cause: first });
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error: unknown) {
    // toJS throws only for alias expansion beyond the bound.
    const message = error instanceof Error ? error.message : String(error);
    throw new WrtError('CONFIG_PARSE', `not valid YAML: ${firstLine(message)}`, { file, limit: `at most ${MAX_ALIAS_COUNT} alias expansions` });
  }
  return { file, data, lineOf: (pointer) => lineOfPointer(doc, lineCounter, pointer) };
}

/** Data that has no lines (JSON read with JSON.parse, a record built in code). */
export function sourceWithoutLines(data: unknown, file: string): YamlSource {
  return { file, data, lineOf: () => undefined };
}

/** Reads a user's YAML file (see user-file.ts for what is refused) and parses it. */
export function readYamlFile(path: string, spec: UserFileSpec): YamlSource {
  return parseYaml(readUserText(path, spec), spec.shown ?? path);
}

/** "/limits/maxMemory" from ["limits", "maxMemory"]. */
export function pointerOf(segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** Line of the key (or list item) at the pointer, or of the deepest one that exists on the way there. */
function lineOfPointer(doc: Yaml.Document, lineCounter: Yaml.LineCounter, pointer: string): number | undefined {
  const { isMap, isNode, isScalar, isSeq } = yaml();
  const lineAt = (node: unknown): number | undefined =>
    isNode(node) && node.range !== undefined && node.range !== null ? lineCounter.linePos(node.range[0]).line : undefined;
  const segments = pointer === '' || pointer === '/' ? [] : pointer.slice(1).split('/').map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: unknown = doc.contents;
  let line = lineAt(node);
  for (const segment of segments) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment);
      if (pair === undefined) break;
      line = lineAt(pair.key) ?? line;
      node = pair.value;
    } else if (isSeq(node) && /^\d+$/.test(segment)) {
      const item: unknown = node.items[Number(segment)];
      if (item === undefined) break;
      line = lineAt(item) ?? line;
      node = item;
    } else {
      break;
    }
  }
  return line;
}

/** A location for a field of a source: file, JSON pointer, and line when known. */
export function fieldLocation(source: YamlSource, field: string, limit?: string): ErrorLocation {
  const line = source.lineOf(field);
  return {
    file: source.file,
    field,
    ...(line === undefined ? {} : { line }),
    ...(limit === undefined ? {} : { limit }),
  };
}

/**
 * Checks the data of a source against a schema and returns it typed, or throws `code` (CONFIG_SCHEMA,
 * TARGET_INVALID, ...) for the most specific mismatch. The schema's shape is trusted to match T:
 * each schema is kept beside its type, and tests check every shipped file through both.
 */
export function checkSchema<T>(spec: SchemaSpec, source: YamlSource, code: ErrorCode = 'CONFIG_SCHEMA'): T {
  const validate = validatorFor(spec);
  if (validate(source.data)) return source.data as T;
  throw schemaError(validate.errors ?? [], source, code);
}

/** The most specific Ajv error with file, JSON pointer, line and limit. */
export function schemaError(errors: readonly ErrorObject[], source: YamlSource, code: ErrorCode): WrtError {
  const chosen = mostSpecific(errors);
  if (chosen === undefined) return new WrtError(code, 'does not match its schema', { file: source.file });
  const oneOf =
    chosen.keyword === 'required' && chosen.schemaPath.includes('/oneOf/')
      ? errors.find((e) => e.keyword === 'oneOf' && e.instancePath === chosen.instancePath)
      : chosen.keyword === 'oneOf'
        ? chosen
        : undefined;
  if (oneOf !== undefined) {
    const keys = requiredOnlyBranches(oneOf.schema);
    if (keys.length > 0) {
      const field = oneOf.instancePath === '' ? '/' : oneOf.instancePath;
      return new WrtError(code, `${field} needs exactly one of ${keys.join(' | ')}`, fieldLocation(source, field, `exactly one of ${keys.join(' | ')}`));
    }
  }
  const { field, message, limit } = describeSchemaError(chosen);
  return new WrtError(code, `${field} ${message}`, fieldLocation(source, field, limit));
}

interface Described {
  readonly field: string;
  readonly message: string;
  readonly limit?: string;
}

function describeSchemaError(error: ErrorObject): Described {
  const path = error.instancePath;
  const at = (pointer: string, message: string, limit?: string): Described => ({
    field: pointer === '' ? '/' : pointer,
    message,
    ...(limit === undefined ? {} : { limit }),
  });
  switch (error.keyword) {
    case 'required': {
      const missing = stringParam(error.params, 'missingProperty');
      return at(`${path}/${missing}`, `is required${error.schemaPath.includes('/then/') ? ' for this kind of target' : ''}`);
    }
    case 'additionalProperties': {
      const extra = stringParam(error.params, 'additionalProperty');
      const known = knownKeys(error.parentSchema);
      return at(`${path}/${extra}`, `is not a known field${didYouMean(extra, known)}`, known.length > 0 ? `known fields: ${known.join(', ')}` : undefined);
    }
    case 'enum': {
      const allowed = error.params['allowedValues'];
      const list = Array.isArray(allowed) ? allowed.map((value) => JSON.stringify(value)).join(' | ') : '';
      const names = Array.isArray(allowed) ? allowed.filter((value): value is string => typeof value === 'string') : [];
      const hint = typeof error.data === 'string' ? didYouMean(error.data, names) : '';
      return at(path, `is ${JSON.stringify(error.data)}, not an allowed value${hint}`, `one of ${list}`);
    }
    case 'const':
      return at(path, `is ${JSON.stringify(error.data)}`, `must be ${JSON.stringify(error.params['allowedValue'])}`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minItems':
    case 'maxItems':
    case 'minLength':
    case 'maxLength': {
      const comparison = String(error.params['comparison'] ?? (error.keyword.startsWith('min') ? '>=' : '<='));
      const limit = String(error.params['limit']);
      const what = error.keyword.endsWith('Items') ? ' items' : error.keyword.endsWith('Length') ? ' characters' : '';
      return at(path, `is ${describeValue(error.data)}, out of range`, `${comparison} ${limit}${what}`);
    }
    case 'type': {
      const types = String(error.params['type']);
      return at(path, `is ${describeValue(error.data)}, not ${types.split(',').map(typeWord).join(' or ')}`, `must be of type ${types}`);
    }
    case 'pattern':
      return at(path, `is ${JSON.stringify(error.data)}`, `must match ${String(error.params['pattern'])}`);
    default:
      return at(path, error.message ?? `fails the ${error.keyword} check`);
  }
}

function mostSpecific(errors: readonly ErrorObject[]): ErrorObject | undefined {
  let best: ErrorObject | undefined;
  let bestDepth = -1;
  for (const error of errors) {
    // A oneOf/anyOf summary says less than the branch errors under it.
    const depth = error.instancePath.split('/').length + (error.keyword === 'oneOf' || error.keyword === 'anyOf' ? -0.5 : 0);
    if (depth > bestDepth) {
      best = error;
      bestDepth = depth;
    }
  }
  return best;
}

function requiredOnlyBranches(schema: unknown): string[] {
  if (!Array.isArray(schema)) return [];
  const keys: string[] = [];
  for (const branch of schema) {
    const required: unknown = typeof branch === 'object' && branch !== null ? Reflect.get(branch, 'required') : undefined;
    if (!Array.isArray(required) || required.length !== 1 || typeof required[0] !== 'string') return [];
    keys.push(required[0]);
  }
  return keys;
}

function stringParam(params: Record<string, unknown>, name: string): string {
  const value = params[name];
  return typeof value === 'string' ? value : String(value);
}

function knownKeys(parentSchema: unknown): string[] {
  if (typeof parentSchema !== 'object' || parentSchema === null) return [];
  const properties: unknown = Reflect.get(parentSchema, 'properties');
  if (typeof properties !== 'object' || properties === null) return [];
  return Object.keys(properties);
}

function typeWord(type: string): string {
  return type === 'object' ? 'a mapping' : type === 'integer' ? 'a whole number' : type === 'array' ? 'a list' : type === 'null' ? 'null' : `a ${type}`;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

function firstLine(message: string): string {
  const end = message.indexOf('\n');
  return (end === -1 ? message : message.slice(0, end)).trim();
}
