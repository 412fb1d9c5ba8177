import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WrtError } from '../core/errors.js';
import { parseTargetYaml } from './parse.js';
import { compileTargetSchema, type TargetSchemaCheck } from './schema.js';
import { checkTargetSemantics } from './semantics.js';
import type { TargetDefinition, TargetKind } from './types.js';

/** Where the schema sits inside the targets folder. */
export const TARGET_SCHEMA_PATH = join('schema', 'target.schema.json');
export const TARGET_FILE_EXTENSION = '.yaml';
const ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

let cachedDir: string | undefined;
const compiledSchemas = new Map<string, TargetSchemaCheck>();

/**
 * The package's targets/ folder. Sources run from ts/targets and compiled code from
 * dist/ts/targets, so walk up from here to the first folder holding targets/schema.
 */
export function targetsDir(): string {
  if (cachedDir !== undefined) return cachedDir;
  const here = dirname(fileURLToPath(import.meta.url));
  const found = findTargetsDirFrom(here);
  if (found === undefined) {
    throw new WrtError('INTERNAL', `no targets/${TARGET_SCHEMA_PATH} in any folder above ${here}; the package is incomplete`);
  }
  cachedDir = found;
  return found;
}

/** The nearest `targets` folder holding the schema, in `start` or a folder above it. */
export function findTargetsDirFrom(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, 'targets');
    if (existsSync(join(candidate, TARGET_SCHEMA_PATH))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** The compiled schema of a targets folder, compiled on first use and kept. */
export function targetSchemaCheck(dir: string = targetsDir()): TargetSchemaCheck {
  const schemaFile = resolve(dir, TARGET_SCHEMA_PATH);
  const cached = compiledSchemas.get(schemaFile);
  if (cached !== undefined) return cached;
  const text = readText(schemaFile);
  let schema: unknown;
  try {
    schema = JSON.parse(text);
  } catch (error: unknown) {
    throw new WrtError('CONFIG_PARSE', `the target schema is not valid JSON: ${String(error)}`, { file: schemaFile });
  }
  if (typeof schema !== 'object' || schema === null) {
    throw new WrtError('CONFIG_SCHEMA', 'the target schema is not a JSON object', { file: schemaFile });
  }
  const check = compileTargetSchema(schema);
  compiledSchemas.set(schemaFile, check);
  return check;
}

/**
 * Pure apart from the schema: YAML text to a checked definition. `file` names the source in
 * errors; `expectedId` (the file name) is compared with the id inside.
 */
export function parseTargetDefinition(text: string, file: string, expectedId?: string, check: TargetSchemaCheck = targetSchemaCheck()): TargetDefinition {
  const data = parseTargetYaml(text, file);
  const def = check(data, file);
  checkTargetSemantics(def, file, expectedId);
  return def;
}

/** Reads, parses and checks one definition file; its id must equal its file name. */
export function loadTargetFile(path: string): TargetDefinition {
  const text = readText(path);
  const expectedId = basename(path, extname(path));
  return parseTargetDefinition(text, path, expectedId);
}

export interface TargetDirOptions {
  /** Folder of <id>.yaml files; the package's targets/ by default. The schema is always the package's. */
  readonly dir?: string;
}

/** Ids of the definitions in the folder (file names without .yaml), sorted. */
export function listTargetIds(options: TargetDirOptions = {}): string[] {
  const dir = options.dir ?? targetsDir();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error: unknown) {
    throw new WrtError('FILE_READ_FAILED', `cannot list target definitions: ${String(error)}`, { file: dir }, { cause: error });
  }
  return names
    .filter((name) => name.endsWith(TARGET_FILE_EXTENSION))
    .map((name) => name.slice(0, -TARGET_FILE_EXTENSION.length))
    .sort();
}

/** The definition with this id, or TARGET_UNKNOWN naming the ids there are. */
export function loadTarget(id: string, options: TargetDirOptions = {}): TargetDefinition {
  const dir = options.dir ?? targetsDir();
  const known = listTargetIds({ dir });
  // The pattern also keeps ids like "../x" from naming files outside the folder.
  if (!ID_PATTERN.test(id) || !known.includes(id)) {
    throw new WrtError('TARGET_UNKNOWN', `no target "${id}"; known targets: ${known.join(', ')}`, {
      field: '--target',
      limit: `one of ${known.join(' | ')}`,
    });
  }
  return loadTargetFile(join(dir, `${id}${TARGET_FILE_EXTENSION}`));
}

export interface TargetSummary {
  readonly id: string;
  readonly name: string;
  readonly vendor: string;
  readonly kind: TargetKind;
}

/** Every definition in the folder, loaded and checked, sorted by id. */
export function listTargets(options: TargetDirOptions = {}): TargetDefinition[] {
  const dir = options.dir ?? targetsDir();
  return listTargetIds({ dir }).map((id) => loadTargetFile(join(dir, `${id}${TARGET_FILE_EXTENSION}`)));
}

export function summarizeTarget(def: TargetDefinition): TargetSummary {
  return { id: def.id, name: def.name, vendor: def.vendor, kind: def.kind };
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error: unknown) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    if (code === 'ENOENT') throw new WrtError('FILE_NOT_FOUND', 'no such file', { file: path }, { cause: error });
    throw new WrtError('FILE_READ_FAILED', `cannot read: ${code || String(error)}`, { file: path }, { cause: error });
  }
}
