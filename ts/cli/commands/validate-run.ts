/**
 * The work of `wrt-target validate FILE` (registered in ./validate.ts, which loads
 * this module only when the command runs): stream the file through the validator, check it
 * against a target's limits, print the analysis.
 */
import { createReadStream } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ExitCode } from '../../core/error-codes.js';
import { WrtError } from '../../core/errors.js';
import { checkUserFile, MAX_MODULE_FILE_BYTES, MAX_TEXT_FILE_BYTES, type UserFileSpec, userFileError } from '../../core/user-file.js';
import { type ValidationLimits, limitsFromRecord, misspeltLimitKey, NUMERIC_LIMITS } from '../../wasm/limits.js';
import { renderSummary } from '../../wasm/summary.js';
import { validateWasmStream } from '../../wasm/validate.js';
import { jsonDocument, type JsonDocumentKind } from '../../core/output.js';
import type { CliContext } from '../context.js';


export interface ValidateCommandOptions {
  readonly json?: boolean;
  readonly target?: string;
  readonly limits?: string;
  readonly allowImport?: readonly string[];
  readonly natives?: string;
  readonly verbose?: boolean;
}

const CHUNK_BYTES = 64 * 1024;

/** `validate --json`: the module's analysis. */
export const VALIDATE_DOCUMENT: JsonDocumentKind = { name: 'validate', version: 1 };

/** The module's chunks; a read error midway names the file in core/user-file's wording. */
async function* fileChunks(path: string, spec: UserFileSpec): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
      yield chunk as Uint8Array;
    }
  } catch (error) {
    throw userFileError(error, path, spec);
  }
}

async function readLimitsFile(path: string, shown: string): Promise<ValidationLimits> {
  const { fieldLocation, readYamlFile } = await import('../../core/yaml-schema.js');
  const source = readYamlFile(path, { what: 'limits file', maxBytes: MAX_TEXT_FILE_BYTES, shown, field: '--limits' });
  const data = source.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new WrtError('CONFIG_SCHEMA', 'a limits file holds one object of limits', { file: shown, field: '--limits' });
  }
  // A `wrt-target probe --json` report holds its limits under `limits`.
  const nested = 'limits' in data && typeof data.limits === 'object' && data.limits !== null;
  const record = nested ? (data.limits as Record<string, unknown>) : (data as Record<string, unknown>);
  const misspelt = misspeltLimitKey(record);
  if (misspelt !== undefined) {
    const pointer = `${nested ? '/limits' : ''}/${misspelt.key}`;
    throw new WrtError('CONFIG_SCHEMA', `${pointer} is not a limit; did you mean ${misspelt.suggestion}?`, fieldLocation(source, pointer, `limits: ${NUMERIC_LIMITS.join(', ')}`));
  }
  return limitsFromRecord(record, shown);
}

/** Target limits, then a limits file over them, then --allow-import patterns added. */
export async function resolveValidateLimits(options: ValidateCommandOptions, cwd: string): Promise<ValidationLimits | undefined> {
  let limits: ValidationLimits | undefined;
  if (options.target !== undefined) {
    // Targets load only when one is named.
    const [{ loadTarget }, { limitsForTarget }] = await Promise.all([import('../../targets/load.js'), import('../../wasm/target-limits.js')]);
    limits = limitsForTarget(loadTarget(options.target));
  }
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
  const spec: UserFileSpec = { what: 'module', maxBytes: MAX_MODULE_FILE_BYTES, shown: file };
  checkUserFile(path, spec);
  const { fileIsComponent } = await import('../../component/detect.js');
  if (fileIsComponent(path, spec)) return validateComponentFile(file, options, ctx);
  if (options.natives !== undefined && options.target === undefined) {
    throw new WrtError('USAGE', '--natives adds host functions to a target: name the target with --target', { field: '--natives' });
  }
  const limits = await resolveValidateLimits(options, ctx.cwd);
  const report = await validateWasmStream(fileChunks(path, spec), { file, ...(limits !== undefined ? { limits } : {}) });
  if (options.target !== undefined) {
    const [{ loadTarget }, { checkImportsOffered, readNativesFile }] = await Promise.all([import('../../targets/load.js'), import('../../targets/host-functions.js')]);
    checkImportsOffered(report.imports, loadTarget(options.target), file, options.natives === undefined ? undefined : readNativesFile(options.natives, ctx.cwd));
  }
  ctx.output.out(options.json === true ? jsonDocument(VALIDATE_DOCUMENT, { ...report }) : renderSummary(report, { verbose: options.verbose === true }));
  return ExitCode.Ok;
}

/** `validate` of a component (told apart by its layer byte): the whole component and its core modules. */
async function validateComponentFile(file: string, options: ValidateCommandOptions, ctx: CliContext): Promise<ExitCode> {
  const [{ loadComponent }, { componentRequirements, renderRequirements }] = await Promise.all([
    import('../../component/load.js'),
    import('../../component/inspect.js'),
  ]);
  const requirements = componentRequirements(loadComponent(file, ctx.cwd));
  ctx.output.out(
    options.json === true
      ? jsonDocument(VALIDATE_DOCUMENT, { kind: 'component', file, ...requirements })
      : `${file}: valid component (${requirements.bytes} B, ${requirements.modules.length} core modules)\n\n${renderRequirements(requirements)}`,
  );
  return ExitCode.Ok;
}
