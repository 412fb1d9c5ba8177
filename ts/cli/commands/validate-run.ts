/**
 * The work of `wrt-target validate FILE` (registered in ./validate.ts, which loads
 * this module only when the command runs): stream the file through the validator, check it
 * against a target's limits, print the analysis.
 */
import { createReadStream, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ExitCode } from '../../core/error-codes.js';
import { WrtError } from '../../core/errors.js';
import { loadTarget } from '../../targets/load.js';
import { type ValidationLimits, limitsFromRecord } from '../../wasm/limits.js';
import { renderSummary } from '../../wasm/summary.js';
import { limitsForTarget } from '../../wasm/target-limits.js';
import { validateWasmStream } from '../../wasm/validate.js';
import { toJson } from '../../core/output.js';
import type { CliContext } from '../context.js';


export interface ValidateCommandOptions {
  readonly json?: boolean;
  readonly target?: string;
  readonly limits?: string;
  readonly allowImport?: readonly string[];
}

const CHUNK_BYTES = 64 * 1024;

/** The file's chunks; a read error becomes FILE_READ_FAILED naming the file. */
async function* fileChunks(path: string, shown: string): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
      yield chunk as Uint8Array;
    }
  } catch (error) {
    throw new WrtError('FILE_READ_FAILED', `cannot read: ${error instanceof Error ? error.message : String(error)}`, { file: shown }, { cause: error });
  }
}

async function readLimitsFile(path: string, shown: string): Promise<ValidationLimits> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? String(error.code) : '';
    throw new WrtError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_READ_FAILED', code === 'ENOENT' ? 'no such file' : `cannot read: ${code}`, {
      file: shown,
      field: '--limits',
    });
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new WrtError('CONFIG_PARSE', `not valid JSON or YAML: ${error instanceof Error ? error.message : String(error)}`, { file: shown, field: '--limits' });
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new WrtError('CONFIG_SCHEMA', 'a limits file holds one object of limits', { file: shown, field: '--limits' });
  }
  // A `wrt-target probe --json` report holds its limits under `limits`.
  const record = 'limits' in data && typeof data.limits === 'object' && data.limits !== null ? (data.limits as Record<string, unknown>) : (data as Record<string, unknown>);
  return limitsFromRecord(record, shown);
}

/** Target limits, then a limits file over them, then --allow-import patterns added. */
export async function resolveValidateLimits(options: ValidateCommandOptions, cwd: string): Promise<ValidationLimits | undefined> {
  let limits: ValidationLimits | undefined;
  if (options.target !== undefined) limits = limitsForTarget(loadTarget(options.target));
  if (options.limits !== undefined) {
    const fromFile = await readLimitsFile(isAbsolute(options.limits) ? options.limits : resolve(cwd, options.limits), options.limits);
    limits = {
      ...limits,
      ...fromFile,
      ...(limits?.features !== undefined || fromFile.features !== undefined ? { features: { ...limits?.features, ...fromFile.features } } : {}),
    };
  }
  if (options.allowImport !== undefined && options.allowImport.length > 0) {
    for (const pattern of options.allowImport) {
      if (!pattern.includes('.')) throw new WrtError('USAGE', `--allow-import takes module.name or module.*, got "${pattern}"`, { field: '--allow-import' });
    }
    limits = { ...limits, allowedImports: [...(limits?.allowedImports ?? []), ...options.allowImport] };
  }
  return limits;
}

export async function runValidate(file: string, options: ValidateCommandOptions, ctx: CliContext): Promise<ExitCode> {
  const path = isAbsolute(file) ? file : resolve(ctx.cwd, file);
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new WrtError('FILE_NOT_FOUND', 'no such file', { file });
  }
  if (!isFile) throw new WrtError('FILE_READ_FAILED', 'not a regular file', { file });
  const limits = await resolveValidateLimits(options, ctx.cwd);
  const report = await validateWasmStream(fileChunks(path, file), { file, ...(limits !== undefined ? { limits } : {}) });
  ctx.output.out(options.json === true ? toJson(report) : renderSummary(report));
  return ExitCode.Ok;
}
