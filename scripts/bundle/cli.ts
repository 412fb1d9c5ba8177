/**
 * The shipped CLI as one file per command, dist/cli/NAME.cjs (with NAME.cjs.map), made by esbuild
 * from ts/ at build time, and the launcher that runs them, dist/cli/launch.cjs (ts/cli/launch.ts:
 * V8's code cache, since Node 20 has none of its own). bin/wrt-target.js runs the named command's
 * file when there is one, else dist/ts (every command, through the registry). Why: Node 20
 * compiles each ES module on every start, `run` loads about 80 of them, and an ES import of a
 * builtin such as node:fs loads more of Node than a require does; one CommonJS file per command
 * starts tens of ms faster, and one file for every command would parse code a command never runs
 * (docs/benchmarks.md, "Start-up", has the figures). Each file holds its command, the program
 * around it and commander; ajv and yaml stay outside (they load on demand through createRequire),
 * serialport too (a native addon).
 *
 * Without esbuild installed the step removes dist/cli, so no stale bundle outlives a source change,
 * and says the CLI runs from dist/ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS } from '../../ts/cli/registry.js';
import { packageRoot } from '../../ts/core/paths.js';

/** The part of esbuild's API this step uses. */
interface Esbuild {
  build(options: Readonly<Record<string, unknown>>): Promise<{ readonly errors: readonly unknown[] }>;
}

// A name in a variable: the typecheck must not need esbuild, which only the build uses.
const ESBUILD_PACKAGE = 'esbuild';

/** esbuild, or null when it is not installed. */
async function loadEsbuild(): Promise<Esbuild | null> {
  try {
    const loaded: unknown = await import(ESBUILD_PACKAGE);
    const api = loaded as Partial<Esbuild>;
    if (typeof api.build !== 'function') throw new Error(`the ${ESBUILD_PACKAGE} package has no build()`);
    return loaded as Esbuild;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') return null;
    throw error;
  }
}

/** The entry of one command's file: the program with that command alone (CommonJS has no top-level await). */
function entrySource(root: string, module: string, exportName: string): string {
  const program = JSON.stringify(join(root, 'ts', 'cli', 'program.ts'));
  const command = JSON.stringify(join(root, 'ts', 'cli', 'commands', `${module}.ts`));
  return [
    `import { runProgram } from ${program};`,
    `import { ${exportName} } from ${command};`,
    `void runProgram(process.argv, [${exportName}]).then((code) => { process.exitCode = code; });`,
    '',
  ].join('\n');
}

async function bundleCli(): Promise<void> {
  const root = packageRoot();
  const outdir = join(root, 'dist', 'cli');
  rmSync(outdir, { recursive: true, force: true });
  const esbuild = await loadEsbuild();
  if (esbuild === null) {
    process.stdout.write(`no ${ESBUILD_PACKAGE} installed: no per-command bundles; the CLI runs from dist/ts (slower start-up)\n`);
    return;
  }
  const entries = mkdtempSync(join(tmpdir(), 'wrt-cli-entries-'));
  try {
    const entryPoints: Record<string, string> = { launch: join(root, 'ts', 'cli', 'launch.ts') };
    for (const command of COMMANDS) {
      const file = join(entries, `${command.name}.ts`);
      writeFileSync(file, entrySource(root, command.module, command.exportName));
      entryPoints[command.name] = file;
    }
    mkdirSync(outdir, { recursive: true });
    const result = await esbuild.build({
      entryPoints,
      outdir,
      absWorkingDir: root,
      tsconfig: join(root, 'tsconfig.json'),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outExtension: { '.js': '.cjs' },
      target: 'node20',
      // Stack traces map through these (ts/core/stack-map.ts); the sources themselves are not shipped.
      sourcemap: 'linked',
      sourcesContent: false,
      external: ['serialport'],
      // CommonJS has no import.meta: the few modules that find files from their own URL get the bundle's.
      define: { 'import.meta.url': 'wrtBundleUrl' },
      banner: { js: "const wrtBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
      // No comments or indentation: a third of the bytes to read, and no non-Latin-1 character in a
      // comment makes V8 hold the whole source as a two-byte string (stacks map through the source map).
      minifyWhitespace: true,
      logLevel: 'warning',
    });
    if (result.errors.length > 0) throw new Error(`esbuild reported ${result.errors.length} errors`);
  } finally {
    rmSync(entries, { recursive: true, force: true });
  }
  process.stdout.write(`bundled ${COMMANDS.length} commands and their launcher in ${outdir}\n`);
}

await bundleCli();
