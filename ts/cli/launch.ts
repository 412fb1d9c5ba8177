/**
 * How the shipped CLI starts (bin/wrt-target.js): the named command's bundle, dist/cli/NAME.cjs
 * (scripts/bundle/cli.ts), compiled through V8's code cache. Node 20 has no compile cache of its
 * own (module.enableCompileCache came in Node 22), and compiling a bundle and then, lazily, each
 * function it runs is a large part of a short command's CPU; V8's cached data, taken at exit of
 * the first run, holds the functions that run compiled, so later runs skip both. The cache lives
 * in the per-user cache (core/cache-dir.ts, kind `code-cache`), one file per bundle, named by what
 * makes it valid: Node's version and architecture and the bundle file's size, mtime and inode
 * (V8 checks its own version and flags, and the source's length but not its content). Any failure
 * to read or write it only costs the compile.
 *
 * This module is itself bundled (dist/cli/launch.cjs) and loaded with require, so starting costs no
 * ES module graph; it must stay small.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { ensureStateDir, stateDir } from '../core/cache-dir.js';

/** The command a command line names: its first word that is not an option (as cli/registry.ts chooses). */
function commandName(argv: readonly string[]): string | undefined {
  return argv.slice(2).find((arg) => !arg.startsWith('-'));
}

/** The cache file's name: the bundle's name and everything that must match for its code to be reused. */
function codeCacheName(bundle: string, stat: { readonly size: number; readonly mtimeMs: number; readonly ino: number }): string {
  const name = bundle.slice(bundle.lastIndexOf('/') + 1).replace(/\.cjs$/, '');
  return `${name}-${process.version}-${process.arch}-${stat.size}-${Math.round(stat.mtimeMs * 1000)}-${stat.ino}.v8`;
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes the cache beside older ones of the same bundle, which it replaces; atomically, as runs may overlap. */
function writeCache(script: Script, cacheName: string): void {
  try {
    const dir = ensureStateDir('code-cache');
    // The bundle's name ends where Node's version begins (names such as cfi-report hold dashes).
    const prefix = cacheName.slice(0, cacheName.indexOf(`-${process.version}-`) + 1);
    for (const old of readdirSync(dir)) {
      if (old.startsWith(prefix) && old.endsWith('.v8') && old !== cacheName) rmSync(join(dir, old), { force: true });
    }
    const temporary = join(dir, `${cacheName}.${process.pid}.tmp`);
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, join(dir, cacheName));
  } catch {
    // A read-only or full cache: the next run compiles again.
  }
}

/**
 * Runs the bundle of the command `argv` names and returns true, or returns false when there is no
 * such bundle (help, --version, a misspelt command, a build without esbuild): the caller then runs
 * the CLI from dist/ts. The bundle sets process.exitCode when its command ends.
 */
export function launch(argv: readonly string[], bundleDir: string): boolean {
  const name = commandName(argv);
  if (name === undefined || !/^[a-z][a-z-]*$/.test(name)) return false;
  const bundle = join(bundleDir, `${name}.cjs`);
  if (!existsSync(bundle)) return false;
  const source = readFileSync(bundle, 'utf8');
  const cacheName = codeCacheName(bundle, statSync(bundle));
  const cachedData = readCache(join(stateDir('code-cache'), cacheName));
  // Node's own CommonJS wrapper, so the bundle runs as `require` would run it, with its file name for stacks.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n});`, {
    filename: bundle,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  if (cachedData === undefined || script.cachedDataRejected === true) process.once('exit', () => writeCache(script, cacheName));
  const wrapper = script.runInThisContext() as (exports: object, require: NodeJS.Require, module: object, filename: string, dirname: string) => void;
  const module = { exports: {} };
  wrapper.call(module.exports, module.exports, createRequire(bundle), module, bundle, dirname(bundle));
  return true;
}
