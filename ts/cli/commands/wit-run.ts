/**
 * What `wit check` and `wit print` do once their modules load: limits resolved with provenance,
 * each path loaded and resolved, errors shown compiler-style (`path:LINE:COL: error[CODE]: …`
 * with the source line and a caret) or as JSON.
 */
import { ExitCode } from '../../core/error-codes.js';
import { WrtError } from '../../core/errors.js';
import { jsonDocument, type JsonDocumentKind } from '../../core/output.js';
import { loadConfigFile, locateConfigFile } from '../../limits/config-file.js';
import { renderWitError } from '../../wit/errors.js';
import { resolveToJson } from '../../wit/json.js';
import { describeWitLimit, resolveWitLimits, type ResolvedWitLimits, WIT_LIMIT_KEYS, witLimitValues } from '../../wit/limits.js';
import { loadWitPath, type WitLoad } from '../../wit/load.js';
import { packageNameString } from '../../wit/model.js';
import { printPackage } from '../../wit/print.js';
import type { CliContext } from '../context.js';

export const WIT_CHECK_DOCUMENT: JsonDocumentKind = { name: 'wit-check', version: 1 };
export const WIT_PRINT_DOCUMENT: JsonDocumentKind = { name: 'wit-print', version: 1 };

export interface WitCommandOptions {
  readonly preset?: string;
  readonly features?: string;
  readonly config?: string;
  readonly json?: boolean;
  readonly [limit: string]: unknown;
}

async function limitsFor(options: WitCommandOptions, ctx: CliContext): Promise<ResolvedWitLimits> {
  const location = locateConfigFile({ cliPath: options.config, env: ctx.env, cwd: ctx.cwd });
  if (location === null) return resolveWitLimits({ cli: options, env: ctx.env });
  const loaded = await loadConfigFile(location);
  const values = loaded.config.wit ?? {};
  return resolveWitLimits({ cli: options, env: ctx.env, config: { file: loaded.file, values, lineOf: (key) => loaded.lineOf(['wit', key]) } });
}

function featuresOf(options: WitCommandOptions): ReadonlySet<string> {
  return new Set((options.features ?? '').split(',').map((f) => f.trim()).filter((f) => f !== ''));
}

function limitsJson(limits: ResolvedWitLimits): Record<string, unknown> {
  const out: Record<string, unknown> = { preset: { value: limits.preset.value, source: limits.preset.source } };
  for (const key of WIT_LIMIT_KEYS) {
    const v = limits[key];
    out[key] = { value: v.value, source: v.source, overrides: v.overrides.map((c) => ({ value: c.value, source: c.source })) };
  }
  return out;
}

function load(path: string, limits: ResolvedWitLimits, features: ReadonlySet<string>, cwd: string): WitLoad {
  return loadWitPath(path, witLimitValues(limits), features, cwd);
}

export async function runWitCheck(paths: readonly string[], options: WitCommandOptions, ctx: CliContext): Promise<ExitCode> {
  const limits = await limitsFor(options, ctx);
  const features = featuresOf(options);
  const results: Record<string, unknown>[] = [];
  let exit: ExitCode = ExitCode.Ok;
  for (const path of paths) {
    try {
      const loaded = load(path, limits, features, ctx.cwd);
      const main = loaded.resolve.packages[loaded.main];
      const name = main === undefined ? '' : packageNameString(main.name);
      results.push({ path, ok: true, package: name, resolve: resolveToJson(loaded.resolve) });
      if (options.json !== true) {
        ctx.output.out(`${path}: ok: package ${name}: ${main?.interfaces.size ?? 0} interfaces, ${main?.worlds.size ?? 0} worlds; ${loaded.resolve.packages.length} packages, ${loaded.resolve.types.length} types in all`);
      }
    } catch (error) {
      if (!(error instanceof WrtError)) throw error;
      results.push({ path, ok: false, error: error.toJSON() });
      if (options.json !== true) ctx.output.err(renderWitError(error));
      exit = Math.max(exit, error.exitCode) as ExitCode;
    }
  }
  if (options.json === true) {
    ctx.output.out(jsonDocument(WIT_CHECK_DOCUMENT, { limits: limitsJson(limits), features: [...features], results }));
  } else {
    const failed = results.filter((r) => r['ok'] !== true).length;
    ctx.output.out(`limits: preset ${limits.preset.value} (${limits.preset.source}); ${WIT_LIMIT_KEYS.filter((k) => limits[k].layer !== 'default').map((k) => `${k} ${describeWitLimit(k, limits[k])}`).join('; ') || 'no overrides'}`);
    ctx.output.out(`${paths.length - failed} of ${paths.length} paths resolved`);
  }
  return exit;
}

export async function runWitPrint(path: string, options: WitCommandOptions, ctx: CliContext): Promise<ExitCode> {
  const limits = await limitsFor(options, ctx);
  try {
    const loaded = load(path, limits, featuresOf(options), ctx.cwd);
    const text = printPackage(loaded.resolve, loaded.main);
    ctx.output.out(options.json === true ? jsonDocument(WIT_PRINT_DOCUMENT, { path, wit: text }) : text.replace(/\n$/, ''));
    return ExitCode.Ok;
  } catch (error) {
    if (!(error instanceof WrtError) || options.json === true) throw error;
    ctx.output.err(renderWitError(error));
    return error.exitCode;
  }
}
