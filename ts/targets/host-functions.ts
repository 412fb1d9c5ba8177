/**
 * What a target offers a module to import: the host functions its definition lists
 * (`hostFunctions`, checked against the C tables by test/targets/host-functions.test.ts), plus the
 * natives of a user's `--natives FILE.c`. validate --target, profile, run and deploy refuse a module
 * whose imports are not offered, naming each import, its type, and the closest offered function.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { closestName, editDistance } from '../core/did-you-mean.js';
import { WrtError } from '../core/errors.js';
import { MAX_TEXT_FILE_BYTES, readUserText } from '../core/user-file.js';
import type { ImportReport } from '../wasm/report.js';
import type { HostFunction, TargetDefinition } from './types.js';

export type { HostFunction } from './types.js';

const TYPE_NAMES: Readonly<Record<string, string>> = { i: 'i32', I: 'i64', f: 'f32', F: 'f64', x: 'externref', n: 'funcref' };
const SIGNATURE = /^[iIfFxn]*:[iIfFxn]*$/;

export function qualifiedName(f: { readonly module: string; readonly name: string }): string {
  return `${f.module}.${f.name}`;
}

/** "ii:i" in the validator's words, "(i32, i32) -> i32"; one result bare, none or several in parentheses. */
export function signatureText(signature: string): string {
  const [params = '', results = ''] = signature.split(':');
  const names = (letters: string): string[] => [...letters].map((c) => TYPE_NAMES[c] ?? c);
  const out = names(results);
  return `(${names(params).join(', ')}) -> ${out.length === 1 ? (out[0] ?? '') : `(${out.join(', ')})`}`;
}

/** The natives of a user's C file, read for their names and signatures, and the file's hash. */
export interface NativesFile {
  /** As the user named it. */
  readonly file: string;
  readonly path: string;
  /** SHA-256 of the file, hex: the key of the firmware or native-sim build that links it. */
  readonly sha256: string;
  readonly functions: readonly HostFunction[];
}

const ENTRY = /\bWRT_NATIVE\s*\(/g;
const LITERALS = /^\s*"([^"\\\n]*)"\s*,\s*"([^"\\\n]*)"\s*,\s*"([^"\\\n]*)"\s*,/;

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index; i += 1) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}

/**
 * The WRT_NATIVE(...) entries of a natives file (native/natives/wrt_native.h). Pure. Module, name
 * and signature must be string literals, since they are read here to check modules before a build.
 */
export function parseNativesSource(text: string, file: string): HostFunction[] {
  const functions: HostFunction[] = [];
  const macroDefinition = /#\s*define\s+WRT_NATIVE\s*\(/;
  for (const match of text.matchAll(ENTRY)) {
    const at = match.index;
    const lineStart = text.lastIndexOf('\n', at) + 1;
    if (macroDefinition.test(text.slice(lineStart, at + match[0].length))) continue;
    const line = lineAt(text, at);
    const literals = LITERALS.exec(text.slice(at + match[0].length));
    if (literals === null) {
      throw new WrtError('NATIVES_INVALID', 'WRT_NATIVE takes string literals for its module, name and signature (wrt-target reads them to check modules before it builds)', {
        file,
        line,
        field: 'WRT_NATIVE',
      });
    }
    const [, module = '', name = '', signature = ''] = literals;
    if (module === '' || name === '') throw new WrtError('NATIVES_INVALID', 'a native needs a module and a name', { file, line, field: 'WRT_NATIVE' });
    if (!SIGNATURE.test(signature)) {
      throw new WrtError('NATIVES_INVALID', `the signature "${signature}" of ${module}.${name} is not types, a colon, types`, {
        file,
        line,
        field: 'WRT_NATIVE signature',
        limit: 'letters i i32, I i64, f f32, F f64, x externref, n funcref; parameters before the colon, results after: "ii:i"',
      });
    }
    functions.push({ module, name, signature });
  }
  if (functions.length === 0) {
    throw new WrtError('NATIVES_INVALID', 'the file defines no natives: it needs WRT_NATIVE_APP_TABLE(WRT_NATIVE("module", "name", "signature", fuel, handler), ...)', {
      file,
      limit: 'see docs/host-functions.md',
    });
  }
  return functions;
}

/**
 * The natives a target and a natives file offer together. A file's native with a name the target
 * already offers (WASI, a board native) or listed twice is NATIVES_INVALID: the engine would refuse
 * to start with it.
 */
export function withNatives(offered: readonly HostFunction[], natives: NativesFile | undefined, targetId: string): readonly HostFunction[] {
  if (natives === undefined) return offered;
  const seen = new Set(offered.map(qualifiedName));
  for (const f of natives.functions) {
    const key = qualifiedName(f);
    if (seen.has(key)) {
      throw new WrtError('NATIVES_INVALID', `the native ${key} is ${offered.some((o) => qualifiedName(o) === key) ? `offered by ${targetId} already` : 'listed twice'}`, {
        file: natives.file,
        field: 'WRT_NATIVE',
      });
    }
    seen.add(key);
  }
  return [...offered, ...natives.functions];
}

/** Reads and parses a `--natives FILE.c` (a regular text file, size checked first). */
export function readNativesFile(file: string, cwd: string): NativesFile {
  const path = resolve(cwd, file);
  const text = readUserText(path, { what: 'natives file', maxBytes: MAX_TEXT_FILE_BYTES, shown: file, field: '--natives' });
  return { file, path, sha256: createHash('sha256').update(text).digest('hex'), functions: parseNativesSource(text, file) };
}

/** One import a target does not offer as the module imports it. */
export interface UnofferedImport {
  readonly import: ImportReport;
  /** The offered function of the same module.name, when only its type differs. */
  readonly offeredAs?: HostFunction;
  /** The offered function whose module.name is nearest, for "did you mean". */
  readonly closest?: string;
}

/** The nearest offered name: a likely typo when there is one, else the least edits away. */
function nearest(wanted: string, names: readonly string[]): string | undefined {
  const typo = closestName(wanted, names);
  if (typo !== undefined) return typo;
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const name of names) {
    const distance = editDistance(wanted, name);
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}

/** The function imports that `offered` lacks or offers with another type. Pure. */
export function unofferedImports(imports: readonly ImportReport[], offered: readonly HostFunction[]): UnofferedImport[] {
  const byName = new Map(offered.map((f) => [qualifiedName(f), f]));
  const names = [...byName.keys()];
  const out: UnofferedImport[] = [];
  for (const imported of imports) {
    if (imported.kind !== 'function') continue;
    const key = qualifiedName(imported);
    const same = byName.get(key);
    if (same !== undefined) {
      if (signatureText(same.signature) !== imported.type) out.push({ import: imported, offeredAs: same });
      continue;
    }
    const closest = nearest(key, names);
    out.push({ import: imported, ...(closest === undefined ? {} : { closest }) });
  }
  return out;
}

/** Why the target does not link it: "offered as () -> i64", "not offered; closest: wrt:board/gpio.write (i32, i32) -> i32". */
export function unofferedReason(u: UnofferedImport, offered: readonly HostFunction[]): string {
  if (u.offeredAs !== undefined) return `offered as ${signatureText(u.offeredAs.signature)}`;
  const closest = offered.find((f) => qualifiedName(f) === u.closest);
  return `not offered${closest === undefined ? '' : `; closest: ${qualifiedName(closest)} ${signatureText(closest.signature)}`}`;
}

/**
 * WASM_LINK_FAILED naming every import the target does not offer (with its byte offset in the
 * module, the first one's as the error's), or nothing when all are offered or the target lists
 * no host functions.
 */
export function checkImportsOffered(
  imports: readonly ImportReport[],
  def: TargetDefinition,
  file: string,
  natives?: NativesFile,
  hostServed: readonly string[] = [],
): void {
  if (def.hostFunctions === undefined) return;
  const offered = withNatives(def.hostFunctions, natives, def.id);
  const served = new Set(hostServed);
  const missing = unofferedImports(imports, offered).filter((u) => !served.has(qualifiedName(u.import)));
  const first = missing[0];
  if (first === undefined) return;
  const lines = missing.map((u) => `  import ${u.import.index} at byte ${u.import.offset}: ${qualifiedName(u.import)} ${u.import.type}: ${unofferedReason(u, offered)}`);
  throw new WrtError(
    'WASM_LINK_FAILED',
    `${missing.length === 1 ? 'an import' : `${missing.length} imports`} ${def.id}${natives === undefined ? '' : ` with ${natives.file}`} does not offer:\n${lines.join('\n')}`,
    {
      file,
      offset: first.import.offset,
      field: `import ${first.import.index}`,
      limit: `hostFunctions of target ${def.id}${natives === undefined ? '' : ` and the natives of ${natives.file}`} (docs/host-functions.md); a native in C (--natives FILE.c) or a host function in JavaScript (run/deploy --host FILE.mjs, docs/host-calls.md) can add one`,
    },
  );
}
