import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { WrtError } from '../core/errors.js';
import type { TargetDefinition } from './types.js';

/** Checks plain data against the target schema; returns it typed or throws TARGET_INVALID. */
export type TargetSchemaCheck = (data: unknown, file: string) => TargetDefinition;

/**
 * Compiles the target schema (a parsed targets/schema/target.schema.json). Compiling costs more
 * than validating, so callers compile once and keep the result (see load.ts).
 */
export function compileTargetSchema(schema: object): TargetSchemaCheck {
  // strict: unknown keywords or ambiguous types in the schema itself are errors, not ignored.
  // strictRequired off: the if/then blocks require fields (clockHz, ram, ...) that the base
  // object defines, which strictRequired would reject for not being redefined there.
  // verbose: errors carry their schema, so an unknown key can be answered with the known ones.
  const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: false, verbose: true });
  let validate: ValidateFunction<TargetDefinition>;
  try {
    validate = ajv.compile<TargetDefinition>(schema);
  } catch (error: unknown) {
    throw new WrtError('INTERNAL', `the target schema does not compile: ${String(error)}`, {}, { cause: error });
  }
  return (data: unknown, file: string): TargetDefinition => {
    if (validate(data)) return data;
    const first = validate.errors?.[0];
    if (first === undefined) throw new WrtError('TARGET_INVALID', 'does not match the target schema', { file });
    throw describeSchemaError(first, file);
  };
}

/** One ajv error as TARGET_INVALID naming the JSON pointer of the offending field. */
export function describeSchemaError(error: ErrorObject, file: string): WrtError {
  const path = error.instancePath;
  switch (error.keyword) {
    case 'required': {
      const missing = stringParam(error.params, 'missingProperty');
      return invalid(file, `${path}/${missing}`, `is required${requiredBecause(error)}`);
    }
    case 'additionalProperties': {
      const extra = stringParam(error.params, 'additionalProperty');
      const known = knownKeys(error.parentSchema);
      return invalid(file, `${path}/${extra}`, 'is not a known field', known.length > 0 ? `known fields: ${known.join(', ')}` : undefined);
    }
    case 'enum': {
      const allowed = error.params['allowedValues'];
      const list = Array.isArray(allowed) ? allowed.map((value) => JSON.stringify(value)).join(' | ') : '';
      return invalid(file, path, `is ${JSON.stringify(error.data)}, not an allowed value`, `one of ${list}`);
    }
    case 'const':
      return invalid(file, path, `is ${JSON.stringify(error.data)}`, `must be ${JSON.stringify(error.params['allowedValue'])}`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minItems':
    case 'maxItems':
    case 'minLength':
    case 'maxLength': {
      const comparison = String(error.params['comparison'] ?? boundWord(error.keyword));
      const limit = String(error.params['limit']);
      const what = error.keyword.endsWith('Items') ? 'items' : error.keyword.endsWith('Length') ? 'characters' : '';
      return invalid(file, path, `is ${describeValue(error.data)}, out of range`, `${comparison} ${limit}${what === '' ? '' : ` ${what}`}`);
    }
    case 'type':
      return invalid(file, path, `is ${describeValue(error.data)}`, `must be of type ${String(error.params['type'])}`);
    case 'pattern':
      return invalid(file, path, `is ${JSON.stringify(error.data)}`, `must match ${String(error.params['pattern'])}`);
    default:
      return invalid(file, path, error.message ?? `fails the ${error.keyword} check`);
  }
}

function invalid(file: string, pointer: string, message: string, limit?: string): WrtError {
  const field = pointer === '' ? '/' : pointer;
  return new WrtError('TARGET_INVALID', `${field} ${message}`, limit === undefined ? { file, field } : { file, field, limit });
}

/** Conditional requirements come from an if/then on kind, runner or uart kind; say so. */
function requiredBecause(error: ErrorObject): string {
  return error.schemaPath.includes('/then/') ? ' for this kind of target' : '';
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

function boundWord(keyword: string): string {
  return keyword.startsWith('min') || keyword === 'exclusiveMinimum' ? '>=' : '<=';
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}
