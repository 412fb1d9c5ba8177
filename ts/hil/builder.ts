import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { WrtError } from '../core/errors.js';
import { MAX_MODULE_FILE_BYTES, readUserFile } from '../core/user-file.js';
import type { ModuleSource } from './types.js';

/** Bumped when the way modules are built changes, so old cache entries are not reused. */
const BUILDER_REVISION = '1';

/** Flags every C test is compiled with, before its own `build.flags`. */
export const DEFAULT_C_FLAGS: readonly string[] = ['--target=wasm32-wasi', '-O2', '-Wall', '-Wextra', '-Werror'];

export interface BuiltModule {
  /** The .wasm to run: the source itself for .wasm, else the cache entry. */
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly sha256: string;
  /** True when a cache entry was used instead of running the tool. */
  readonly cached: boolean;
}

/** The external tools, behind a seam so a missing tool can be tested. */
export interface BuildTools {
  /** First line of `tool --version`, or undefined when the tool is not installed. */
  version(tool: string): string | undefined;
  /** Runs the tool; returns its stderr on failure. */
  run(tool: string, args: readonly string[]): { readonly ok: true } | { readonly ok: false; readonly stderr: string };
}

export const systemTools: BuildTools = (() => {
  const versions = new Map<string, string | undefined>();
  return {
    version(tool: string): string | undefined {
      if (versions.has(tool)) return versions.get(tool);
      let version: string | undefined;
      try {
        const text = execFileSync(tool, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        version = text.split('\n')[0]?.trim();
      } catch {
        version = undefined;
      }
      versions.set(tool, version);
      return version;
    },
    run(tool: string, args: readonly string[]) {
      try {
        execFileSync(tool, [...args], { stdio: ['ignore', 'ignore', 'pipe'] });
        return { ok: true as const };
      } catch (error: unknown) {
        const stderr = typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr).trim() : String(error);
        return { ok: false as const, stderr };
      }
    },
  };
})();

const TOOL_OF: Record<'wat' | 'c', { tool: string; pkg: string }> = {
  wat: { tool: 'wat2wasm', pkg: 'wabt' },
  c: { tool: 'clang', pkg: 'clang, wasi-libc and libclang-rt-14-dev-wasm32' },
};

export interface BuildOptions {
  readonly cacheDir: string;
  readonly tools?: BuildTools;
  /** Names the test in errors (suite file and field). */
  readonly origin?: { readonly file: string; readonly field: string; readonly line?: number };
}

/**
 * The module of a test as WebAssembly bytes. Sources are built once: the cache key hashes the
 * source, the flags and the tool's version line, so a new compiler or an edit rebuilds and
 * nothing else does. (Headers a C file includes are not part of the key: keep test programs
 * to one file.)
 */
export function buildModule(source: ModuleSource, options: BuildOptions): BuiltModule {
  const sourceBytes = readSource(source.path, options);
  if (source.kind === 'wasm') return { path: source.path, bytes: sourceBytes, sha256: sha256(sourceBytes), cached: false };
  const tools = options.tools ?? systemTools;
  const { tool, pkg } = TOOL_OF[source.kind];
  const version = tools.version(tool);
  if (version === undefined) {
    throw new WrtError('TOOL_MISSING', `${tool} is not installed (Debian: ${pkg}); it builds ${source.path}`, { field: tool });
  }
  const flags = source.kind === 'c' ? [...DEFAULT_C_FLAGS, ...source.flags] : [...source.flags];
  const key = createHash('sha256')
    .update(`${BUILDER_REVISION}\0${source.kind}\0${version}\0${flags.join('\0')}\0`)
    .update(sourceBytes)
    .digest('hex');
  const out = join(options.cacheDir, `${key}.wasm`);
  if (existsSync(out)) {
    const bytes = new Uint8Array(readFileSync(out));
    return { path: out, bytes, sha256: sha256(bytes), cached: true };
  }
  mkdirSync(options.cacheDir, { recursive: true });
  // Build beside the final name and rename, so an interrupted build never leaves a bad entry.
  const partial = `${out}.${process.pid}.partial`;
  const args = source.kind === 'c' ? [...flags, '-o', partial, source.path] : [...flags, source.path, '-o', partial];
  const result = tools.run(tool, args);
  if (!result.ok) {
    rmSync(partial, { force: true });
    throw new WrtError('MODULE_BUILD_FAILED', `${tool} cannot build ${source.path}:\n${result.stderr}`, {
      ...(options.origin ?? { file: source.path }),
      limit: `${tool} ${args.join(' ')}`,
    });
  }
  renameSync(partial, out);
  const bytes = new Uint8Array(readFileSync(out));
  return { path: out, bytes, sha256: sha256(bytes), cached: false };
}

function readSource(path: string, options: BuildOptions): Uint8Array {
  try {
    return readUserFile(path, { what: 'module source', maxBytes: MAX_MODULE_FILE_BYTES });
  } catch (error: unknown) {
    // Named by a suite: the suite's file, field and line say where to fix it.
    if (error instanceof WrtError && options.origin !== undefined) throw new WrtError(error.code, `${path}: ${error.message}`, options.origin, { cause: error });
    throw error;
  }
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
