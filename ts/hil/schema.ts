import { join } from 'node:path';
import { type SchemaSpec, schemaFile } from '../core/schema-validator.js';
import { hilDir } from './paths.js';

export type HilSchemaName = 'hardware-map' | 'suite' | 'quarantine';

export const HIL_SCHEMA_NAMES: readonly HilSchemaName[] = ['hardware-map', 'suite', 'quarantine'];

// One spec object per schema: validators are kept per spec.
const specs = new Map<HilSchemaName, SchemaSpec>();

/** The schema of a HIL file (hil/schema/<name>.schema.json), for core/yaml-schema's checkSchema. */
export function hilSchema(name: HilSchemaName): SchemaSpec {
  let spec = specs.get(name);
  if (spec === undefined) {
    spec = schemaFile(`hil-${name}`, () => join(hilDir(), 'schema', `${name}.schema.json`));
    specs.set(name, spec);
  }
  return spec;
}
