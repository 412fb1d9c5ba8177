import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WrtError } from '../core/errors.js';
import type { SchemaSpec } from '../core/schema-validator.js';

/** Where the schema sits inside the targets folder. */
export const TARGET_SCHEMA_PATH = join('schema', 'target.schema.json');

/**
 * The target schema (targets/schema/target.schema.json of the package), for core/yaml-schema's
 * checkSchema. `targetsDir` is passed in because this module sits below load.ts, which finds it.
 */
export function targetSchema(targetsDir: () => string): SchemaSpec {
  return {
    name: 'target',
    schema: () => {
      const file = join(targetsDir(), TARGET_SCHEMA_PATH);
      let schema: unknown;
      try {
        schema = JSON.parse(readFileSync(file, 'utf8'));
      } catch (error: unknown) {
        throw new WrtError('INTERNAL', `the target schema cannot be read: ${String(error)}; the package is incomplete`, { file }, { cause: error });
      }
      if (typeof schema !== 'object' || schema === null) throw new WrtError('INTERNAL', 'the target schema is not a JSON object', { file });
      return schema;
    },
  };
}
