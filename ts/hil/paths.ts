import { join } from 'node:path';
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

/** Built modules (wat2wasm, clang) are cached here, keyed by source and tool versions. */
export function defaultBuildCacheDir(): string {
  return join(packageRoot(), '.cache', 'hil');
}
