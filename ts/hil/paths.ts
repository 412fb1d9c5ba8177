import { join } from 'node:path';
import { ensureStateDir } from '../core/cache-dir.js';
import { packageRoot } from '../core/paths.js';

/** The package's hil/ folder: schemas, suites, example hardware maps, the quarantine list. */
export function hilDir(): string {
  return join(packageRoot(), 'hil');
}

export function defaultSuitesDir(): string {
  return join(hilDir(), 'suites');
}

export function defaultQuarantineFile(): string {
  return join(hilDir(), 'quarantine.yaml');
}

/**
 * Built modules (wat2wasm, clang) are cached here, keyed by source and tool versions: .cache/hil in
 * a checkout, else the user's cache (core/cache-dir.ts). Created here, so an unwritable cache is
 * reported as such before any suite runs.
 */
export function defaultBuildCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return ensureStateDir('hil', env);
}
