import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { WrtError } from '../core/errors.js';
import { describeSchemaError } from '../targets/schema.js';
import { hilDir } from './paths.js';
import { fieldLocation, type YamlSource } from './yaml.js';

export type HilSchemaName = 'hardware-map' | 'suite' | 'quarantine';

/** Checks the data of a YAML source against a schema; returns it typed or throws CONFIG_SCHEMA. */
export type HilSchemaCheck<T> = (source: YamlSource) => T;

const compiled = new Map<string, ValidateFunction>();

function validatorFor(name: HilSchemaName, dir: string): ValidateFunction {
  const file = join(dir, 'schema', `${name}.schema.json`);
  const cached = compiled.get(file);
  if (cached !== undefined) return cached;
  let schema: unknown;
  try {
    schema = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error: unknown) {
    throw new WrtError('INTERNAL', `the HIL ${name} schema cannot be read: ${String(error)}; the package is incomplete`, { file }, { cause: error });
  }
  if (typeof schema !== 'object' || schema === null) throw new WrtError('INTERNAL', `the HIL ${name} schema is not an object`, { file });
  // allErrors: oneOf branches report every mismatch, and the deepest one is what the user got wrong.
  const ajv = new Ajv({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true, verbose: true });
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (error: unknown) {
    throw new WrtError('INTERNAL', `the HIL ${name} schema does not compile: ${String(error)}`, { file }, { cause: error });
  }
  compiled.set(file, validate);
  return validate;
}

/**
 * Validates a parsed YAML source. The schema's shape is trusted to match T (the schema files and
 * types.ts are kept together; test/hil checks every shipped file through both).
 */
export function checkAgainstSchema<T>(name: HilSchemaName, source: YamlSource, dir: string = hilDir()): T {
  const validate = validatorFor(name, dir);
  if (validate(source.data)) return source.data as T;
  const errors = validate.errors ?? [];
  throw schemaError(errors, source);
}

/** The most specific ajv error as CONFIG_SCHEMA with file, JSON pointer, line and limit. */
export function schemaError(errors: readonly ErrorObject[], source: YamlSource): WrtError {
  const chosen = mostSpecific(errors);
  if (chosen === undefined) return new WrtError('CONFIG_SCHEMA', 'does not match its schema', { file: source.file });
  const oneOf = chosen.keyword === 'required' && chosen.schemaPath.includes('/oneOf/')
    ? errors.find((e) => e.keyword === 'oneOf' && e.instancePath === chosen.instancePath)
    : chosen.keyword === 'oneOf' ? chosen : undefined;
  if (oneOf !== undefined) {
    const keys = requiredOnlyBranches(oneOf.schema);
    if (keys.length > 0) {
      const field = oneOf.instancePath === '' ? '/' : oneOf.instancePath;
      return new WrtError('CONFIG_SCHEMA', `${field} needs exactly one of ${keys.join(' | ')}`, fieldLocation(source, field, `exactly one of ${keys.join(' | ')}`));
    }
  }
  const described = describeSchemaError(chosen, source.file);
  const field = described.location.field ?? '/';
  return new WrtError('CONFIG_SCHEMA', described.message, fieldLocation(source, field, described.location.limit));
}

function mostSpecific(errors: readonly ErrorObject[]): ErrorObject | undefined {
  let best: ErrorObject | undefined;
  for (const error of errors) {
    // A oneOf/anyOf summary says less than the branch errors under it.
    const depth = error.instancePath.split('/').length + (error.keyword === 'oneOf' || error.keyword === 'anyOf' ? -0.5 : 0);
    const bestDepth = best === undefined ? -1 : best.instancePath.split('/').length + (best.keyword === 'oneOf' || best.keyword === 'anyOf' ? -0.5 : 0);
    if (depth > bestDepth) best = error;
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
