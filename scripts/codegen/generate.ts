/**
 * Build step of `npm run build:ts` (after tsc): writes dist/generated/, what commands load instead
 * of compiling at run time.
 *   <schema>.cjs   each JSON schema compiled by Ajv's standalone code generation, with the hash of
 *                  the schema it came from (core/schema-validator.ts checks it before use);
 *   targets.json   every shipped targets/*.yaml, parsed and checked (targets/snapshot.ts).
 * A schema that does not compile or a shipped target that does not check fails the build.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { createAjv, generatedDir, type SchemaSpec, schemaSha256 } from '../../ts/core/schema-validator.js';
import { HIL_SCHEMA_NAMES, hilSchema } from '../../ts/hil/schema.js';
import { CONFIG_SCHEMA_SPEC } from '../../ts/limits/config-file.js';
import { PROFILE_SCHEMA_SPEC } from '../../ts/profile/upload-profile.js';
import { buildSnapshot, snapshotPath } from '../../ts/targets/snapshot.js';
import { listTargetIds, parseTargetDefinition, TARGET_FILE_EXTENSION, TARGET_SCHEMA, targetsDir } from '../../ts/targets/index.js';

/** Every schema a command checks data against. */
export const SCHEMAS: readonly SchemaSpec[] = [TARGET_SCHEMA, CONFIG_SCHEMA_SPEC, PROFILE_SCHEMA_SPEC, ...HIL_SCHEMA_NAMES.map(hilSchema)];

/** Writes through a temporary name, so a reader never sees half a file. */
function writeAtomically(file: string, text: string): void {
  writeFileSync(`${file}.partial`, text);
  renameSync(`${file}.partial`, file);
}

function generateValidators(dir: string): void {
  for (const spec of SCHEMAS) {
    const schema = spec.schema();
    const ajv = createAjv();
    // ajv is CommonJS: its default export arrives as the module object.
    const code = standaloneCode.default(ajv, ajv.compile(schema));
    writeAtomically(join(dir, `${spec.name}.cjs`), `${code}\nmodule.exports.schemaSha256 = ${JSON.stringify(schemaSha256(schema))};\n`);
  }
}

function generateTargetSnapshot(): number {
  const dir = targetsDir();
  const entries = listTargetIds().map((id) => {
    const file = join(dir, `${id}${TARGET_FILE_EXTENSION}`);
    const text = readFileSync(file, 'utf8');
    return { text, definition: parseTargetDefinition(text, file, id) };
  });
  writeAtomically(snapshotPath(), `${JSON.stringify(buildSnapshot(TARGET_SCHEMA, entries))}\n`);
  return entries.length;
}

const dir = generatedDir();
mkdirSync(dir, { recursive: true });
generateValidators(dir);
const targets = generateTargetSnapshot();
process.stdout.write(`generated ${SCHEMAS.length} schema validators and ${targets} checked targets in ${dir}\n`);
