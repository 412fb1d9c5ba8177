/**
 * Converts the component `.wast` suites into binaries with jco's `parse` (which does not
 * validate), once per file into a cache like the core suite's conversion: a file is converted again
 * only when its text or the jco version changes. Dev-only: jco is a devDependency.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { splitComponentScript, type ComponentCommandKind } from '../../ts/component/wast-script.js';
import { WrtError } from '../../ts/core/errors.js';
import { packageRoot } from '../../ts/core/paths.js';
import { locateSharedData } from '../../ts/testsuite/locate.js';
import { freshWasmTools, jcoVersion } from '../oracles/jco.js';

export const COMPONENT_MODEL_ENV = 'WRT_COMPONENT_MODEL';
export const WASM_TOOLS_COMPONENT_ENV = 'WRT_WASM_TOOLS_COMPONENT_TESTS';

export type ComponentSuite = 'cm-validation' | 'cm-binary' | 'wasm-tools' | 'cm-values' | 'cm-linking' | 'cm-resources';

/** The validation conformance's suites (the run conformance takes values, linking and resources). */
export const VALIDATION_SUITES: readonly ComponentSuite[] = ['cm-validation', 'cm-binary', 'wasm-tools'];
export const RUN_SUITES: readonly ComponentSuite[] = ['cm-values', 'cm-linking', 'cm-resources'];

export interface ConvertedCommand {
  readonly line: number;
  readonly kind: ComponentCommandKind;
  readonly quote: boolean;
  readonly message: string;
  /** The binary's file name in the script's cache folder; null when jco could not parse the text. */
  readonly wasm: string | null;
  readonly parseError?: string;
}

export interface ConvertedComponentScript {
  readonly suite: ComponentSuite;
  /** Path relative to the suite's root, e.g. "validation/abi.wast". */
  readonly name: string;
  readonly wastPath: string;
  readonly dir: string;
  /** The `;; RUN:` line's feature flags (`-f cm-async,...`), empty when none. */
  readonly features: readonly string[];
  readonly commands: readonly ConvertedCommand[];
}

export interface JcoTools {
  parse(text: string): Promise<Uint8Array>;
  /** The WIT of a component, as wit-parser prints it. */
  componentWit(bytes: Uint8Array): Promise<string>;
}

/**
 * A fresh jco wasm-tools instance. A panic inside jco poisons the instance it happened in, so the
 * converter loads a new one (a new module URL) after any parse that threw.
 */
export async function loadJco(): Promise<JcoTools> {
  const loaded = await freshWasmTools();
  return { parse: async (text) => loaded.tools.parse(text), componentWit: async (bytes) => loaded.tools.componentWit(bytes) };
}

function suiteFiles(root: string, sub: string): string[] {
  const out: string[] = [];
  const pending = [join(root, sub)];
  for (let guard = 0; pending.length > 0 && guard < 10_000; guard += 1) {
    const dir = pending.pop() as string;
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) pending.push(path);
      else if (entry.endsWith('.wast')) out.push(path);
    }
  }
  return out.sort();
}

function featuresOf(text: string): string[] {
  const run = /^;; RUN[^:]*:(.*)$/m.exec(text);
  if (run === null) return [];
  const flag = /(?:^|\s)-f\s+(\S+)/.exec(run[1] as string);
  return flag === null ? [] : (flag[1] as string).split(',');
}

export interface ComponentConvertOptions {
  readonly env?: NodeJS.ProcessEnv;
  readonly cacheDir?: string;
  /** Only files whose relative name contains one of these. */
  readonly only?: readonly string[];
  /** The suites to convert; VALIDATION_SUITES when absent. */
  readonly suites?: readonly ComponentSuite[];
}

export function componentSuiteRoots(env: NodeJS.ProcessEnv = process.env): Record<ComponentSuite, { root: string; sub: string }> {
  const cm = locateSharedData(
    {
      env: COMPONENT_MODEL_ENV,
      defaultName: 'component-model',
      marker: 'design/mvp/Binary.md',
      howToGet: 'clone WebAssembly/component-model at commit 6d281648bd89caf885a7adcc412962dbd2425ab7',
      label: 'Component Model repository',
    },
    env,
  );
  const tools = locateSharedData(
    {
      env: WASM_TOOLS_COMPONENT_ENV,
      defaultName: 'wasm-tools-component-tests',
      marker: 'tests/cli/component-model',
      howToGet: 'copy tests/cli/component-model of bytecodealliance/wasm-tools at commit a7ef4778a98ed6d49c7785487dbd95bf053d788d',
      label: 'wasm-tools component tests',
    },
    env,
  );
  return {
    'cm-validation': { root: join(cm, 'test'), sub: 'validation' },
    'cm-binary': { root: join(cm, 'test'), sub: 'binary' },
    'wasm-tools': { root: join(tools, 'tests', 'cli'), sub: 'component-model' },
    'cm-values': { root: join(cm, 'test'), sub: 'values' },
    'cm-linking': { root: join(cm, 'test'), sub: 'linking' },
    'cm-resources': { root: join(cm, 'test'), sub: 'resources' },
  };
}

/** Converts (or reads from the cache) every component script of the three suites. */
export async function convertComponentSuites(options: ComponentConvertOptions = {}): Promise<ConvertedComponentScript[]> {
  const roots = componentSuiteRoots(options.env);
  const cacheRoot = options.cacheDir ?? resolve(packageRoot(), '.cache', 'component-tests');
  const version = jcoVersion();
  let jco: JcoTools | null = null;
  const scripts: ConvertedComponentScript[] = [];
  for (const suite of options.suites ?? VALIDATION_SUITES) {
    const { root, sub } = roots[suite];
    for (const wastPath of suiteFiles(root, sub)) {
      const name = relative(root, wastPath);
      if (options.only !== undefined && !options.only.some((part) => name.includes(part))) continue;
      const text = readFileSync(wastPath, 'utf8');
      const dir = join(cacheRoot, suite, name.replace(/\.wast$/, ''));
      const manifestPath = join(dir, 'manifest.json');
      const stamp = createHash('sha256').update(text).update(version).digest('hex');
      if (existsSync(manifestPath)) {
        const cached = JSON.parse(readFileSync(manifestPath, 'utf8')) as { stamp: string; commands: ConvertedCommand[] };
        if (cached.stamp === stamp) {
          scripts.push({ suite, name, wastPath, dir, features: featuresOf(text), commands: cached.commands });
          continue;
        }
      }
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      const commands: ConvertedCommand[] = [];
      for (const command of splitComponentScript(text)) {
        if (command.kind === 'other') continue;
        const base = { line: command.line, kind: command.kind, quote: command.quote, message: command.message };
        if (command.componentText === null || command.quote) {
          commands.push({ ...base, wasm: null, parseError: command.quote ? 'component quote (text format)' : 'not a component' });
          continue;
        }
        jco ??= await loadJco();
        try {
          const bytes = await jco.parse(command.componentText);
          const file = `line${command.line}.wasm`;
          writeFileSync(join(dir, file), bytes);
          commands.push({ ...base, wasm: file });
        } catch (error) {
          jco = null;
          const message = error instanceof Error ? error.message : String(error);
          commands.push({ ...base, wasm: null, parseError: message.split('\n')[0]?.slice(0, 300) ?? '' });
        }
      }
      writeFileSync(manifestPath, JSON.stringify({ stamp, commands }, null, 1));
      scripts.push({ suite, name, wastPath, dir, features: featuresOf(text), commands });
    }
  }
  if (scripts.length === 0) throw new WrtError('FILE_NOT_FOUND', 'no component .wast files matched', { field: 'only' });
  return scripts;
}
