import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ensureStateDir } from '../core/cache-dir.js';
import { WrtError } from '../core/errors.js';
import type { SpecScript } from './commands.js';
import { locateTestsuite } from './locate.js';
import { isSimdScript } from './expectations.js';

export interface ConvertedScript {
  /** The .wast file's base name, e.g. "i32". */
  readonly name: string;
  readonly wastPath: string;
  /** Folder holding the JSON script and the .wasm modules it names. */
  readonly dir: string;
  readonly jsonPath: string;
}

export interface ConvertOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Only these base names (e.g. ["i32", "br_table"]); all top-level .wast files otherwise. */
  readonly only?: readonly string[];
  /** Defaults to .cache/wasm-testsuite in a checkout, else the user's cache (core/cache-dir.ts). */
  readonly cacheDir?: string;
}

function wast2jsonVersion(): string {
  try {
    return execFileSync('wast2json', ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    throw new WrtError('TOOL_MISSING', 'wast2json (Debian package wabt) is not installed; run scripts/setup.sh', {
      field: 'wast2json',
    });
  }
}

/**
 * Converts the pinned testsuite with wast2json into a cache, once: a script is converted again only
 * when its .wast or the wast2json version changes (the stamp holds a hash of both).
 */
export function convertTestsuite(options: ConvertOptions = {}): ConvertedScript[] {
  const suite = locateTestsuite(options.env);
  const cacheRoot = options.cacheDir ?? ensureStateDir('wasm-testsuite', options.env);
  const version = wast2jsonVersion();
  const names = readdirSync(suite)
    .filter((file) => file.endsWith('.wast'))
    .map((file) => basename(file, '.wast'))
    .filter((name) => options.only === undefined || options.only.includes(name))
    .sort();
  if (options.only !== undefined) {
    const missing = options.only.filter((name) => !names.includes(name));
    if (missing.length > 0) {
      throw new WrtError('FILE_NOT_FOUND', `no ${missing.join(', ')}.wast in the testsuite at ${suite}`, { file: suite });
    }
  }
  return names.map((name) => {
    const wastPath = join(suite, `${name}.wast`);
    const dir = join(cacheRoot, name);
    const jsonPath = join(dir, `${name}.json`);
    const stampPath = join(dir, '.stamp');
    const stamp = createHash('sha256').update(readFileSync(wastPath)).update(version).digest('hex');
    const upToDate = existsSync(jsonPath) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp;
    if (!upToDate) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      try {
        execFileSync('wast2json', [wastPath, '-o', jsonPath], { stdio: ['ignore', 'ignore', 'pipe'] });
      } catch (error) {
        const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
        throw new WrtError('TOOL_MISSING', `wast2json could not convert ${wastPath}: ${stderr}`, { file: wastPath });
      }
      writeFileSync(stampPath, stamp);
    }
    return { name, wastPath, dir, jsonPath };
  });
}

/** Reads a converted script; wast2json's output is trusted, but its top-level shape is checked. */
export function readSpecScript(jsonPath: string): SpecScript {
  const parsed: unknown = JSON.parse(readFileSync(jsonPath, 'utf8'));
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !('commands' in parsed) ||
    !Array.isArray((parsed as { commands: unknown }).commands)
  ) {
    throw new WrtError('CONFIG_SCHEMA', 'not a wast2json command script', { file: jsonPath, field: 'commands' });
  }
  return parsed as SpecScript;
}

/** The converted scripts a conformance run executes, and the SIMD files it sets aside (no SIMD on a device). */
export function conformanceScripts(options: ConvertOptions = {}): { readonly run: ConvertedScript[]; readonly simdFiles: string[] } {
  const scripts = convertTestsuite(options);
  return {
    run: scripts.filter((script) => !isSimdScript(script.name)),
    simdFiles: scripts.filter((script) => isSimdScript(script.name)).map((script) => script.name),
  };
}
