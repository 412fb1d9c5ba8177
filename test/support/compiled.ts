import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../ts/core/paths.js';

/**
 * The compiled JavaScript of a script under scripts/ or ts/, for tests that must run it in a child
 * node process (a preloaded sanitizer runtime, a process to kill). `npm test` compiles dist/ first;
 * a missing or stale file fails with the command that fixes it rather than testing old code.
 */
export function compiledScript(sourcePath: string): string {
  const root = packageRoot();
  const source = join(root, sourcePath);
  const compiled = join(root, 'dist', sourcePath.replace(/\.ts$/, '.js'));
  if (!existsSync(compiled) || statSync(compiled).mtimeMs < statSync(source).mtimeMs) {
    throw new Error(`${compiled} is missing or older than ${sourcePath}: run \`npm run build:ts\` (npm test does)`);
  }
  return compiled;
}
