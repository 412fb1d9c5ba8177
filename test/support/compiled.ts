import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../ts/core/paths.js';

/**
 * Where a build puts its JavaScript: `npm run build:ts` the product into dist/, `npm run
 * build:tools` the dev-only tools and the scripts that use them into dist-tools/.
 */
export type BuildOutput = 'dist' | 'dist-tools';

const BUILD_COMMAND: Record<BuildOutput, string> = { dist: 'npm run build:ts', 'dist-tools': 'npm run build:tools' };

/**
 * The compiled JavaScript of a script under scripts/, tools/ or ts/, for tests that must run it in
 * a child node process (a preloaded sanitizer runtime, a process to kill). `npm test` compiles both
 * builds first; a missing or stale file fails with the command that fixes it rather than testing
 * old code.
 */
export function compiledScript(sourcePath: string, output: BuildOutput = 'dist'): string {
  const root = packageRoot();
  const source = join(root, sourcePath);
  const compiled = join(root, output, sourcePath.replace(/\.ts$/, '.js'));
  if (!existsSync(compiled) || statSync(compiled).mtimeMs < statSync(source).mtimeMs) {
    throw new Error(`${compiled} is missing or older than ${sourcePath}: run \`${BUILD_COMMAND[output]}\` (npm test does)`);
  }
  return compiled;
}
