import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WrtError } from '../core/errors.js';
import type { SchemaSpec } from '../core/schema-validator.js';
import { hilDir } from './paths.js';

export type HilSchemaName = 'hardware-map' | 'suite' | 'quarantine';

export const HIL_SCHEMA_NAMES: readonly HilSchemaName[] = ['hardware-map', 'suite', 'quarantine'];

/** The schema of a HIL file (hil/schema/<name>.schema.json), for core/yaml-schema's checkSchema. */
export function hilSchema(name: HilSchemaName): SchemaSpec {
  let spec = specs.get(name);
  if (spec === undefined) {
    spec = schemaSpec(name);
    specs.set(name, spec);
  }
  return spec;
}

// One spec object per schema: validators are kept per spec.
const specs = new Map<HilSchemaName, SchemaSpec>();

function schemaSpec(name: HilSchemaName): SchemaSpec {
  return {
    name: `hil-${name}`,
    schema: () => {
      const file = join(hilDir(), 'schema', `${name}.schema.json`);
      let schema: unknown;
      try {
        schema = JSON.parse(readFileSync(file, 'utf8'));
      } catch (error: unknown) {
        throw new WrtError('INTERNAL', `the HIL ${name} schema cannot be read: ${String(error)}; the package is incomplete`, { file }, { cause: error });
      }
      if (typeof schema !== 'object' || schema === null) throw new WrtError('INTERNAL', `the HIL ${name} schema is not an object`, { file });
      return schema;
    },
  };
}
