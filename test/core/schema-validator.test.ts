import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedDir, validatorFor } from '../../ts/core/schema-validator.js';
import { CONFIG_SCHEMA_SPEC } from '../../ts/limits/config-file.js';
import { snapshotDefinition } from '../../ts/targets/snapshot.js';
import { listTargetIds, loadTarget, parseTargetDefinition, TARGET_SCHEMA, targetsDir } from '../../ts/targets/index.js';

// npm run build:ts writes dist/generated (scripts/codegen/generate.ts); the tests run after it.
describe('validators generated at build time', () => {
  it('are what a command uses while the schema is unchanged', () => {
    expect(existsSync(join(generatedDir(), 'limits-config.cjs'))).toBe(true);
    const validate = validatorFor(CONFIG_SCHEMA_SPEC) as unknown as { schemaSha256?: string };
    expect(validate.schemaSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('are not used for another version of the schema: that one is compiled now', () => {
    const changed = { name: 'limits-config', schema: () => ({ type: 'object', properties: { limits: { type: 'integer' } } }) };
    const validate = validatorFor(changed);
    expect((validate as unknown as { schemaSha256?: string }).schemaSha256).toBeUndefined();
    expect(validate({ limits: 3 })).toBe(true);
    expect(validate({ limits: {} })).toBe(false);
  });
});

describe('target snapshot', () => {
  it('holds every shipped target exactly as the YAML path checks it', () => {
    for (const id of listTargetIds()) {
      const file = join(targetsDir(), `${id}.yaml`);
      const text = readFileSync(file, 'utf8');
      const fromSnapshot = snapshotDefinition(TARGET_SCHEMA, id, text);
      expect(fromSnapshot, id).toBeDefined();
      expect(fromSnapshot).toEqual(parseTargetDefinition(text, file, id));
      expect(loadTarget(id)).toEqual(fromSnapshot);
    }
  });

  it('is not used for a file that changed since the build', () => {
    const text = readFileSync(join(targetsDir(), 'native-sim.yaml'), 'utf8');
    expect(snapshotDefinition(TARGET_SCHEMA, 'native-sim', `${text}\n# edited\n`)).toBeUndefined();
  });
});
