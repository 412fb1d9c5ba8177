import { join } from 'node:path';
import { type SchemaSpec, schemaFile } from '../core/schema-validator.js';

/** Where the schema sits inside the targets folder. */
export const TARGET_SCHEMA_PATH = join('schema', 'target.schema.json');

/**
 * The target schema (targets/schema/target.schema.json of the package), for core/yaml-schema's
 * checkSchema. `targetsDir` is passed in because this module sits below load.ts, which finds it.
 */
export function targetSchema(targetsDir: () => string): SchemaSpec {
  return schemaFile('target', () => join(targetsDir(), TARGET_SCHEMA_PATH));
}
