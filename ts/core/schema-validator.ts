/**
 * Compiled JSON-schema validators. `npm run build:ts` compiles every schema the tool checks with
 * Ajv's standalone code generation (scripts/codegen/generate.ts) into dist/generated/, so a command
 * loads a small CommonJS module instead of Ajv and its compiler (about 0.2 s per process). When that
 * module is missing or was generated from another version of the schema (a source checkout that
 * was not rebuilt), the schema is compiled here with the same options, so a stale build never
 * checks with an old schema.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Ajv, Options, ValidateFunction } from 'ajv';
import { WrtError } from './errors.js';
import { packageRoot } from './paths.js';

/** One schema the tool checks data against. */
export interface SchemaSpec {
  /** File name of the generated validator (dist/generated/<name>.cjs) and name in messages. */
  readonly name: string;
  /** The schema itself; called once per process, and only when its hash is needed. */
  readonly schema: () => object;
}

/** A schema the package keeps as a JSON file; `file` is called when the schema is first needed. */
export function schemaFile(name: string, file: () => string): SchemaSpec {
  return {
    name,
    schema: () => {
      const path = file();
      let schema: unknown;
      try {
        schema = JSON.parse(readFileSync(path, 'utf8'));
      } catch (error: unknown) {
        throw new WrtError('INTERNAL', `the ${name} schema cannot be read: ${String(error)}; the package is incomplete`, { file: path }, { cause: error });
      }
      if (typeof schema !== 'object' || schema === null) throw new WrtError('INTERNAL', `the ${name} schema is not a JSON object`, { file: path });
      return schema;
    },
  };
}

/**
 * The one Ajv set-up. strict: unknown keywords in a schema are errors. strictRequired off: if/then
 * blocks require fields the base object defines. allErrors: oneOf branches report every mismatch
 * and the deepest is what the user got wrong. verbose: errors carry their schema, so an unknown key
 * can be answered with the known ones. code.source: the validator can be written out as code.
 */
export const AJV_OPTIONS: Options = { strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true, verbose: true, code: { source: true } };

/** Where the build writes generated code. */
export function generatedDir(): string {
  return join(packageRoot(), 'dist', 'generated');
}

/** SHA-256 of a schema's JSON, recorded in its generated validator to tell it is current. */
export function schemaSha256(schema: object): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex');
}

const require = createRequire(import.meta.url);
const loaded = new WeakMap<SchemaSpec, ValidateFunction>();

interface GeneratedValidator extends ValidateFunction {
  readonly schemaSha256?: string;
}

/** The validator of a schema: the generated one when it is current, else compiled now. */
export function validatorFor(spec: SchemaSpec): ValidateFunction {
  const cached = loaded.get(spec);
  if (cached !== undefined) return cached;
  const schema = spec.schema();
  const file = join(generatedDir(), `${spec.name}.cjs`);
  let validate: ValidateFunction | undefined;
  if (existsSync(file)) {
    const generated = require(file) as GeneratedValidator;
    if (generated.schemaSha256 === schemaSha256(schema)) validate = generated;
  }
  validate ??= compileSchema(spec.name, schema);
  loaded.set(spec, validate);
  return validate;
}

/** A new Ajv with the one set of options; Ajv loads only here (build time, or a stale build). */
export function createAjv(): Ajv {
  const ajv = require('ajv') as typeof import('ajv');
  return new ajv.Ajv(AJV_OPTIONS);
}

function compileSchema(name: string, schema: object): ValidateFunction {
  try {
    return createAjv().compile(schema);
  } catch (error: unknown) {
    throw new WrtError('INTERNAL', `the ${name} schema does not compile: ${String(error)}`, {}, { cause: error });
  }
}
