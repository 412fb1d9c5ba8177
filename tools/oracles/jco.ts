/**
 * jco, the Component Model's test oracle, from its own folder (tools/oracles, installed by
 * scripts/setup.sh): its dependencies bring their own tsc and wasm-opt binaries, which in the
 * project's node_modules would shadow the project's in npm scripts. Everything that uses jco
 * finds it here.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WrtError } from '../../ts/core/errors.js';
import { packageRoot } from '../../ts/core/paths.js';

/** The folder of the installed @bytecodealliance/jco package. */
export function jcoPackageDir(): string {
  const dir = join(packageRoot(), 'tools', 'oracles', 'node_modules', '@bytecodealliance', 'jco');
  if (!existsSync(join(dir, 'package.json'))) {
    throw new WrtError('TOOL_MISSING', 'jco (the Component Model test oracle) is not installed in tools/oracles', {
      file: dir,
      limit: 'run scripts/setup.sh (npm ci --prefix tools/oracles)',
    });
  }
  return dir;
}

export function jcoVersion(): string {
  return (JSON.parse(readFileSync(join(jcoPackageDir(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** The WIT packages jco bundles (WASI 0.2 and 0.3). */
export function jcoBuiltinWitDir(): string {
  return join(jcoPackageDir(), 'lib', 'wit', 'builtin');
}

/** wasm-tools as jco vendors it (wasm32 build): a fresh module instance per `instance` value. */
export function wasmToolsUrl(instance: number): string {
  const entry = createRequire(join(jcoPackageDir(), 'package.json')).resolve('@bytecodealliance/jco-transpile/wasm-tools');
  return `${pathToFileURL(join(dirname(entry), '..', 'vendor', 'wasm-tools.js')).href}?instance=${instance}`;
}

/** The vendored wasm-tools' exports this project uses. */
export interface WasmTools {
  readonly $init: Promise<void>;
  readonly tools: {
    parse(text: string): Uint8Array;
    componentWit(bytes: Uint8Array): string;
    componentEmbed(options: unknown): Uint8Array;
    componentNew(bytes: Uint8Array, adapters?: unknown): Uint8Array;
  };
}

let instances = 0;

/** A fresh, initialised wasm-tools instance (a panic poisons the one it happened in). */
export async function freshWasmTools(): Promise<WasmTools> {
  instances += 1;
  const loaded = (await import(wasmToolsUrl(instances))) as WasmTools;
  await loaded.$init;
  return loaded;
}

let current: WasmTools | undefined;

/** Component text to its binary (jco's `parse`, which does not validate); a new instance after a throw. */
export async function parseComponentText(text: string): Promise<Uint8Array> {
  current ??= await freshWasmTools();
  try {
    return current.tools.parse(text);
  } catch (error) {
    current = undefined;
    throw error;
  }
}

type Transpile = (component: Uint8Array, options: object) => Promise<{ files: Record<string, Uint8Array> }>;
let transpileFn: Transpile | undefined;

/** jco's transpile (jco-transpile's transpileBytes): the component as JavaScript files, written under `dir`. */
export async function transpileInto(component: Uint8Array, dir: string, options: object): Promise<void> {
  transpileFn ??= ((await import(pathToFileURL(join(jcoPackageDir(), '..', 'jco-transpile', 'dist', 'index.js')).href)) as { transpileBytes: Transpile }).transpileBytes;
  const out = await transpileFn(component, options);
  for (const [file, data] of Object.entries(out.files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), data);
  }
}
