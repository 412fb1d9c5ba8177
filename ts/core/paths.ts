import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The package root (the folder with package.json and binding.gyp). Sources run from ts/ under
 * vitest and compiled code from dist/ts/, so the root is two or three levels above this file.
 */
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [resolve(here, '..', '..'), resolve(here, '..', '..', '..')];
  cached = candidates.find((dir) => existsSync(resolve(dir, 'binding.gyp'))) ?? candidates[0]!;
  return cached;
}
