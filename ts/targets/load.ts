import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { didYouMean } from '../core/did-you-mean.js';
import { WrtError } from '../core/errors.js';
import { MAX_TEXT_FILE_BYTES, readUserText } from '../core/user-file.js';
import { checkSchema, parseYaml } from '../core/yaml-schema.js';
import { TARGET_SCHEMA_PATH, targetSchema } from './schema.js';
import { checkTargetSemantics } from './semantics.js';
import { snapshotDefinition } from './snapshot.js';
import type { TargetDefinition, TargetKind } from './types.js';

export { TARGET_SCHEMA_PATH } from './schema.js';
export const TARGET_FILE_EXTENSION = '.yaml';
const ID_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

let cachedDir: string | undefined;
/** Each shipped definition is read and checked once per process. */
const loaded = new Map<string, TargetDefinition>();

/** The schema of every target definition: the package's, whatever folder the definition is in. */
export const TARGET_SCHEMA = targetSchema(() => targetsDir());

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

/**
 * YAML text to a checked definition (schema, then what a schema cannot express). `file` names
 * the source in errors; `expectedId` (the file name) is compared with the id inside.
 */
export function parseTargetDefinition(text: string, file: string, expectedId?: string): TargetDefinition {
  const def = checkSchema<TargetDefinition>(TARGET_SCHEMA, parseYaml(text, file), 'TARGET_INVALID');
  checkTargetSemantics(def, file, expectedId);
  return def;
}

/**
 * Reads and checks one definition file; its id must equal its file name. A shipped definition
 * that is unchanged since the build comes from the build's snapshot (snapshot.ts).
 */
export function loadTargetFile(path: string): TargetDefinition {
  // The package's own files do not change while a command runs; a user's may, between two loads.
  const shipped = resolve(dirname(path)) === targetsDir();
  const known = shipped ? loaded.get(path) : undefined;
  if (known !== undefined) return known;
  const text = readUserText(path, { what: 'target definition', maxBytes: MAX_TEXT_FILE_BYTES });
  const expectedId = basename(path, extname(path));
  const def = (shipped ? snapshotDefinition(TARGET_SCHEMA, expectedId, text) : undefined) ?? parseTargetDefinition(text, path, expectedId);
  if (shipped) loaded.set(path, def);
  return def;
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
    throw new WrtError('TARGET_UNKNOWN', `no target "${id}"${didYouMean(id, known)}; known targets: ${known.join(', ')}`, {
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
