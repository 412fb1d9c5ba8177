/**
 * Host functions written in JavaScript (`run --host FILE.mjs`, `deploy --host`, a HIL test's
 * `host:`), served to the device over the wire (docs/host-calls.md): the module's default export is
 *
 *   export default { 'env.read_sensor': ([channel]) => 21 + channel, 'env.led': ([on]) => {} };
 *
 * Keys are `module.field` as the wasm module imports them. A function gets the call's arguments as
 * an array (i32, f32, f64: number; i64: bigint; externref, funcref: index or null) and returns
 * nothing, one value, or an array of values, or a promise of them. Only the imports the module has
 * are declared to the device (HOST_IMPORTS); any other import still fails at load naming itself.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { WrtError } from '../core/errors.js';
import { checkUserFile, MAX_TEXT_FILE_BYTES } from '../core/user-file.js';
import { trapMessage } from '../device/engine-codes.js';
import type { HostCallHandler } from '../device/client.js';
import type { HostImportDeclaration, HostTrace } from '../device/host-messages.js';
import { f32, f64, floatOf, type LogLine, LOG_LEVELS, type WireValue, type WireValueType } from '../device/messages.js';
import { MAX_HOST_IMPORTS } from '../device/protocol.js';
import type { PreparedModule } from './module.js';

export type HostValue = number | bigint | null;
export type HostFunctionImpl = (args: readonly HostValue[]) => unknown;

/** A loaded host module: its functions by `module.field`. */
export interface HostModule {
  readonly file: string;
  readonly functions: ReadonlyMap<string, HostFunctionImpl>;
}

const SHAPE = "export default { 'module.field': (args) => results }";

/** Imports a host module; a missing file, a syntax error or another shape is refused naming the file. */
export async function loadHostModule(file: string, cwd: string, field = '--host'): Promise<HostModule> {
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  checkUserFile(path, { what: 'host module', maxBytes: MAX_TEXT_FILE_BYTES, shown: file, field });
  let loaded: { readonly default?: unknown };
  try {
    loaded = (await import(pathToFileURL(path).href)) as { readonly default?: unknown };
  } catch (error) {
    throw new WrtError('VALUE_INVALID', `${file} cannot be loaded as a JavaScript module: ${(error as Error).message}`, { file, field, limit: SHAPE });
  }
  const exported = loaded.default;
  if (typeof exported !== 'object' || exported === null) {
    throw new WrtError('VALUE_INVALID', `${file} has no default export object of host functions`, { file, field, limit: SHAPE });
  }
  const functions = new Map<string, HostFunctionImpl>();
  for (const [key, value] of Object.entries(exported)) {
    if (typeof value !== 'function' || !key.includes('.')) {
      throw new WrtError('VALUE_INVALID', `${file}: "${key}" must be a function keyed by module.field`, { file, field: key, limit: SHAPE });
    }
    functions.set(key, value as HostFunctionImpl);
  }
  return { file, functions };
}

const VALUE_TYPES: readonly WireValueType[] = ['i32', 'i64', 'f32', 'f64', 'funcref', 'externref'];

/** "(i32, i64) -> f32", "() -> ()", "(i32) -> (i32, i32)" as type lists. */
function signatureOf(type: string, key: string): { readonly params: WireValueType[]; readonly results: WireValueType[] } {
  const match = /^\((.*)\) -> (.*)$/.exec(type);
  const list = (text: string): WireValueType[] =>
    text
      .replace(/^\((.*)\)$/, '$1')
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '')
      .map((t) => {
        if (!(VALUE_TYPES as readonly string[]).includes(t)) throw new WrtError('VALUE_INVALID', `import ${key} has type ${type}: ${t} cannot cross the wire`, { field: key });
        return t as WireValueType;
      });
  if (match === null) throw new WrtError('INTERNAL', `import ${key} has no function type (${type})`, { field: key });
  return { params: list(match[1] ?? ''), results: list(match[2] ?? '') };
}

function toHost(value: WireValue): HostValue {
  switch (value.type) {
    case 'i32':
    case 'i64':
      return value.value;
    case 'f32':
    case 'f64':
      return floatOf(value) ?? Number.NaN;
    case 'funcref':
    case 'externref':
      return value.index;
  }
}

function toWire(value: unknown, type: WireValueType, where: string): WireValue {
  const bad = (): WrtError => new WrtError('VALUE_INVALID', `${where} is ${String(value)}, not a ${type}`, { field: where });
  switch (type) {
    case 'i32':
      if (typeof value === 'boolean') return { type, value: value ? 1 : 0 };
      if (typeof value !== 'number' || !Number.isInteger(value)) throw bad();
      return { type, value: value | 0 };
    case 'i64':
      if (typeof value === 'bigint') return { type, value: BigInt.asIntN(64, value) };
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw bad();
      return { type, value: BigInt(value) };
    case 'f32':
    case 'f64':
      if (typeof value !== 'number') throw bad();
      return type === 'f32' ? f32(value) : f64(value);
    case 'funcref':
    case 'externref':
      if (value !== null && (typeof value !== 'number' || !Number.isInteger(value) || value < 0)) throw bad();
      return { type, index: value };
  }
}

/** What a session declares and serves for one module. */
export interface HostBinding {
  readonly declarations: readonly HostImportDeclaration[];
  readonly handler: HostCallHandler;
}

/**
 * The host functions of `host` the module imports, declared in the module's import order, and the
 * handler that runs them. A function that throws, or returns what its type cannot hold, fails the
 * call (the device traps with "host function failed"); `onError` hears why.
 */
export function bindHostImports(host: HostModule, module: PreparedModule, onError: (message: string) => void): HostBinding {
  const bound: { readonly decl: HostImportDeclaration; readonly impl: HostFunctionImpl; readonly key: string }[] = [];
  for (const imp of module.report.imports) {
    const key = `${imp.module}.${imp.name}`;
    const impl = host.functions.get(key);
    if (imp.kind !== 'function' || impl === undefined || bound.some((b) => b.key === key)) continue;
    bound.push({ key, impl, decl: { module: imp.module, name: imp.name, ...signatureOf(imp.type, key) } });
  }
  if (bound.length > MAX_HOST_IMPORTS) {
    throw new WrtError('LIMIT_EXCEEDED', `${host.file} serves ${bound.length} of the module's imports; a device takes ${MAX_HOST_IMPORTS}`, {
      file: host.file,
      field: 'host imports',
      limit: `${MAX_HOST_IMPORTS} imports per session (WRTP_PROTO_MAX_HOST_IMPORTS)`,
    });
  }
  const handler: HostCallHandler = async (call) => {
    const target = bound[call.importIndex];
    if (target === undefined) {
      onError(`the device called host import ${call.importIndex}, which was never declared`);
      return { ok: false };
    }
    try {
      const returned: unknown = await target.impl(call.args.map(toHost));
      const values: readonly unknown[] = returned === undefined ? [] : Array.isArray(returned) ? returned : [returned];
      const { results } = target.decl;
      if (values.length !== results.length) {
        throw new WrtError('VALUE_INVALID', `returned ${values.length} value(s), its type has ${results.length}`, { field: target.key });
      }
      return { ok: true, results: values.map((v, i) => toWire(v, results[i] ?? 'i32', `result ${i}`)) };
    } catch (error) {
      onError(`host function ${target.key} (${host.file}) failed: ${(error as Error).message}`);
      return { ok: false };
    }
  };
  return { declarations: bound.map((b) => b.decl), handler };
}

function plain(value: WireValue): string {
  const host = toHost(value);
  return host === null ? 'null' : String(host);
}

/** A host call as strace shows a system call: `wasi_snapshot_preview1.fd_write(1, 1024, 1, 1020) = 0`. */
export function formatHostTrace(trace: HostTrace): string {
  const call = `${trace.module}.${trace.name}(${trace.args.map(plain).join(', ')})`;
  if (trace.trap !== 0) return `${call} = trap ${trace.trap} (${trapMessage(trace.trap)})`;
  const results = trace.results.length === 1 ? plain(trace.results[0] as WireValue) : `(${trace.results.map(plain).join(', ')})`;
  return `${call} = ${results}`;
}

/** A LOG frame's level by name: wasi:logging's for a record, the device's own otherwise. */
export function logLevelName(line: LogLine): string {
  return line.record?.levelName ?? LOG_LEVELS[line.level] ?? `level ${line.level}`;
}

/** A LOG frame as a line: `[warn] sensor: over range`, a device's own lines as `[info] text`. */
export function formatLogLine(line: LogLine): string {
  const context = line.record?.context ?? '';
  return `[${logLevelName(line)}] ${context === '' ? '' : `${context}: `}${line.text}`;
}
