/**
 * Loading WIT: the pure core (texts in, Resolve out) and the file-system edge (a `.wit` file, or
 * a package directory with its `deps/`). Every failure is a WrtError; WIT errors carry the file,
 * line and column.
 */
import { readdirSync, statSync } from 'node:fs';
import { basename, extname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { checkUserFile, readUserFile } from '../core/user-file.js';
import { WrtError } from '../core/errors.js';
import { limitError, WitError } from './errors.js';
import { lex } from './lexer.js';
import type { PackageFile } from './ast.js';
import type { UnresolvedPackage } from './model.js';
import { parseFile, type ParseLimits } from './parser.js';
import { pushPackages } from './remap.js';
import { Resolve } from './resolve.js';
import { SourceMap } from './source-map.js';
import { type PackageLimits, resolvePackageFiles } from './unresolved.js';

export interface WitLimits extends ParseLimits, PackageLimits {
  /** Largest single WIT file, in bytes. */
  readonly maxFileBytes: number;
  /** Most packages in one load: the main one, nested ones and those under deps/. */
  readonly maxPackages: number;
}

export interface WitSourceFile {
  readonly path: string;
  readonly text: string;
}

/** One package's files (a directory, or a single file), as wit-parser's SourceMap holds them. */
export interface WitSourceGroup {
  readonly files: readonly WitSourceFile[];
}

export interface WitLoad {
  readonly resolve: Resolve;
  /** Index of the main package in resolve.packages. */
  readonly main: number;
  readonly sources: SourceMap;
}

/**
 * Parses and resolves a main package group and its dependency groups. Throws WrtError (a located
 * WitError for anything wrong in the WIT).
 */
export function resolveWit(main: WitSourceGroup, deps: readonly WitSourceGroup[], limits: WitLimits, features: ReadonlySet<string>): WitLoad {
  const sources = new SourceMap();
  try {
    const packages: UnresolvedPackage[] = [];
    let mainPackage: UnresolvedPackage | null = null;
    for (const group of [main, ...deps]) {
      const files: PackageFile[] = [];
      // wit-parser parses a package's files in path order.
      const ordered = [...group.files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      const parsed: { file: WitSourceFile; base: number }[] = ordered.map((file) => ({ file, base: sources.push(file.path, file.text).offset }));
      for (const { file, base } of parsed) {
        const bytes = Buffer.byteLength(file.text, 'utf8');
        if (bytes > limits.maxFileBytes) {
          throw limitError({ start: base, end: base }, `the WIT file is ${bytes} bytes`, `maxFileBytes ${limits.maxFileBytes}; raise it with --max-file-bytes or pick a larger --preset`);
        }
        files.push(parseFile(lex(file.text, base), limits));
      }
      const { main: pkg, nested } = resolvePackageFiles(files, limits);
      packages.push(...nested, pkg);
      if (mainPackage === null) mainPackage = pkg;
      const over = packages[limits.maxPackages];
      if (over !== undefined) {
        throw limitError(over.packageNameSpan, `this load has more than ${limits.maxPackages} packages`, `maxPackages ${limits.maxPackages}; raise it with --max-packages or pick a larger --preset`);
      }
    }
    if (mainPackage === null) throw new WrtError('INTERNAL', 'no main WIT package');
    const resolve = new Resolve(features);
    const id = pushPackages(resolve, mainPackage, packages);
    return { resolve, main: id, sources };
  } catch (error) {
    if (error instanceof WitError) throw error.locate(sources);
    if (error instanceof RangeError) {
      // A defect, not the input's fault: every walk over the input keeps its own stack.
      throw new WrtError('INTERNAL', `WIT resolution failed: ${error.message}`, {}, { cause: error });
    }
    throw error;
  }
}

const DECODER = new TextDecoder('utf-8', { fatal: true });

/** A path to read (`real`) and the same path as the user should see it (`shown`). */
interface NamedPath {
  readonly real: string;
  readonly shown: string;
}

function child(dir: NamedPath, name: string): NamedPath {
  return { real: join(dir.real, name), shown: join(dir.shown, name) };
}

function readWitFile(at: NamedPath, limits: WitLimits): WitSourceFile {
  const path = at.shown;
  const spec = { what: 'WIT file', shown: path };
  const size = checkUserFile(at.real, { ...spec, maxBytes: Number.MAX_SAFE_INTEGER });
  if (size > limits.maxFileBytes) {
    throw new WrtError('LIMIT_EXCEEDED', `the WIT file is ${size} bytes`, {
      file: path,
      limit: `maxFileBytes ${limits.maxFileBytes}; raise it with --max-file-bytes or pick a larger --preset`,
    });
  }
  const bytes = readUserFile(at.real, { ...spec, maxBytes: limits.maxFileBytes });
  try {
    return { path, text: DECODER.decode(bytes) };
  } catch {
    throw new WrtError('WIT_SYNTAX', 'input file is not valid UTF-8', { file: path });
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function readDirGroup(dir: NamedPath, limits: WitLimits): WitSourceGroup {
  let names: string[];
  try {
    names = readdirSync(dir.real);
  } catch (error) {
    throw new WrtError('FILE_READ_FAILED', `the WIT package directory cannot be read: ${error instanceof Error ? error.message : String(error)}`, { file: dir.shown });
  }
  const files = names
    .filter((name) => name.endsWith('.wit'))
    .map((name) => child(dir, name))
    .filter((path) => !isDirectory(path.real))
    .map((path) => readWitFile(path, limits));
  return { files };
}

/**
 * A path as `wit check` takes it: a `.wit` file is one package (plus its nested ones); a
 * directory is a package of its `*.wit` files and, under `deps/`, one package per file or
 * directory, in name order.
 */
export function readWitPath(path: string, limits: WitLimits, cwd = process.cwd()): { main: WitSourceGroup; deps: WitSourceGroup[] } {
  const top: NamedPath = { real: isAbsolute(path) ? path : resolvePath(cwd, path), shown: path };
  if (!isDirectory(top.real)) return { main: { files: [readWitFile(top, limits)] }, deps: [] };
  const main = readDirGroup(top, limits);
  const depsDir = child(top, 'deps');
  const deps: WitSourceGroup[] = [];
  if (isDirectory(depsDir.real)) {
    for (const name of readdirSync(depsDir.real).sort()) {
      const entry = child(depsDir, name);
      if (isDirectory(entry.real)) {
        deps.push(readDirGroup(entry, limits));
        continue;
      }
      const ext = extname(name);
      if (ext === '.wit') deps.push({ files: [readWitFile(entry, limits)] });
      else if (ext === '.wasm' || ext === '.wat') {
        throw new WrtError('WIT_INVALID', `${basename(name)}: WIT packages encoded as WebAssembly are not supported; give the package as .wit text`, { file: entry.shown });
      }
    }
  }
  return { main, deps };
}

/** Reads and resolves a path. */
export function loadWitPath(path: string, limits: WitLimits, features: ReadonlySet<string>, cwd = process.cwd()): WitLoad {
  const { main, deps } = readWitPath(path, limits, cwd);
  return resolveWit(main, deps, limits, features);
}
