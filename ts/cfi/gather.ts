/**
 * The I/O edge of cfi-report: reads /proc, asks the native addon for its facts, lists the default
 * files and reads ELF files. Everything it gathers is handed to the pure modules as plain data.
 */
import { constants, type Stats } from 'node:fs';
import { access, type FileHandle, open, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { derivedName, fileIdentity, readDerived, writeDerived } from '../core/derived-cache.js';
import { WrtError } from '../core/errors.js';
import { packageRoot } from '../core/paths.js';
import { checkUserFile, userFileError } from '../core/user-file.js';
import { loadAddon } from '../native/load.js';
import { nativeSimBinary } from '../run/native-sim-binary.js';
import type { ByteRange } from './elf-ranges.js';
import type { FileReport } from './file-report.js';
import { type FactsSource, familyOf, type HostInputs, normalizeArch, type TextSource } from './host-levels.js';
import type { ReportSources } from './report.js';

export interface GatheredHost {
  readonly inputs: HostInputs;
  readonly sources: ReportSources;
}

function errorText(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code !== undefined ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

export async function readTextSource(path: string): Promise<TextSource> {
  try {
    return { path, text: await readFile(path, 'utf8') };
  } catch (error) {
    return { path, text: null, reason: errorText(error) };
  }
}

/** The addon's facts, or the reason there are none (not built, wrong ABI, a throw inside). */
export function nativeFacts(): { native: FactsSource; description: string } {
  const load = loadAddon();
  if (!load.loaded) return { native: { facts: null, reason: load.reason }, description: `not loaded: ${load.reason}` };
  try {
    return { native: { facts: load.addon.gatherFacts() }, description: `loaded from ${load.path}` };
  } catch (error) {
    const reason = `native addon at ${load.path}: gatherFacts() failed: ${errorText(error)}`;
    return { native: { facts: null, reason }, description: `loaded, but ${reason}` };
  }
}

function describeSource(source: TextSource): string {
  return source.text === null ? `not readable (${source.reason})` : 'read';
}

export async function gatherHost(): Promise<GatheredHost> {
  const arch = normalizeArch(process.arch);
  const { native, description } = nativeFacts();
  const cpuinfo = await readTextSource('/proc/cpuinfo');
  const status = await readTextSource('/proc/self/status');
  // smaps is only consulted for arm64 (BTI guarded pages, GCS); it is large, so skip it elsewhere.
  const smaps = familyOf(arch) === 'arm64' ? await readTextSource('/proc/self/smaps') : null;
  return {
    inputs: { arch, native, cpuinfo, status, smaps },
    sources: {
      nativeAddon: description,
      cpuinfo: describeSource(cpuinfo),
      status: describeSource(status),
      smaps: smaps === null ? null : describeSource(smaps),
    },
  };
}

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

async function startsWithElfMagic(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'r');
    try {
      const magic = Buffer.alloc(4);
      const { bytesRead } = await handle.read(magic, 0, 4, 0);
      return bytesRead === 4 && magic[0] === 0x7f && magic[1] === 0x45 && magic[2] === 0x4c && magic[3] === 0x46;
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}

async function listNodeFiles(dir: string, depth: number, into: string[]): Promise<void> {
  if (depth < 0) return;
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await listNodeFiles(path, depth - 1, into);
    else if (entry.isFile() && entry.name.endsWith('.node')) into.push(path);
  }
}

async function listExecutables(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const result: string[] = [];
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (!entry.isFile()) continue;
    try {
      await access(path, constants.X_OK);
    } catch {
      continue;
    }
    if (await startsWithElfMagic(path)) result.push(path);
  }
  return result;
}

/**
 * The files examined when none are named: the running node, the addon, the native-sim `run` uses
 * (an install's prebuilt one), every other *.node under build/ and the ELF executables in
 * build/native-sim/. Hard links and symlinks are listed once.
 */
export async function defaultFiles(root: string = packageRoot()): Promise<string[]> {
  const candidates: string[] = [process.execPath];
  const load = loadAddon();
  if (load.loaded) candidates.push(load.path);
  candidates.push(nativeSimBinary());
  candidates.push(join(root, 'build', 'Release', 'wrt_probe.node'));
  await listNodeFiles(join(root, 'build'), 6, candidates);
  candidates.push(...(await listExecutables(join(root, 'build', 'native-sim'))));
  const seen = new Set<string>();
  const result: string[] = [];
  for (const candidate of candidates) {
    const real = await realpath(candidate).catch(() => null);
    if (real === null) continue;
    const info = await statOrNull(real);
    if (info === null || !info.isFile()) continue;
    const key = `${info.dev}:${info.ino}`;
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(real);
  }
  return result;
}

/** How a path is shown: relative to cwd when it lies below it, absolute otherwise. */
export function displayPath(path: string, cwd: string): string {
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** Fills `range` of `bytes` from the file; a short read means the file changed under us. */
async function readRange(handle: FileHandle, bytes: Uint8Array, range: ByteRange): Promise<void> {
  let done = 0;
  while (done < range.length) {
    const { bytesRead } = await handle.read(bytes, range.offset + done, range.length - done, range.offset + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
}

/**
 * The file's bytes as parseElf needs them: a buffer of the file's size (its untouched pages cost
 * nothing) holding the header, the header tables and the note and attribute ranges (elf-ranges.ts),
 * or the whole file when the plan cannot follow it.
 */
async function readElfBytes(handle: FileHandle): Promise<Uint8Array> {
  const size = (await handle.stat()).size;
  const bytes = new Uint8Array(size);
  const whole = async (): Promise<Uint8Array> => {
    await readRange(handle, bytes, { offset: 0, length: size });
    return bytes;
  };
  // The ELF readers load with the first file, not when only the host's levels are gathered.
  const { contentRanges, HEADER_BYTES, nameTableRange, tableRanges } = await import('./elf-ranges.js');
  if (size < HEADER_BYTES) return whole();
  await readRange(handle, bytes, { offset: 0, length: HEADER_BYTES });
  const tables = tableRanges(bytes.subarray(0, HEADER_BYTES), size);
  if (tables === null) return whole();
  for (const range of tables) await readRange(handle, bytes, range);
  const names = nameTableRange(bytes);
  if (names === null) return whole();
  for (const range of names) await readRange(handle, bytes, range);
  const content = contentRanges(bytes);
  if (content === null) return whole();
  for (const range of content) await readRange(handle, bytes, range);
  return bytes;
}

/**
 * readFileReport of a file that stays put between runs (the native-sim binary `run` reports on),
 * through the per-user cache (`elf-reports`): keyed by the file's identity and by this code's own,
 * so neither a rebuilt binary nor a new wrt-target reuses an old report.
 */
export async function readFileReportCached(path: string, cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<FileReport> {
  const full = resolve(cwd, path);
  const file = fileIdentity(full);
  const code = fileIdentity(fileURLToPath(import.meta.url));
  const name = file === undefined || code === undefined ? undefined : derivedName([file, code, path], 'json');
  const cached = name === undefined ? undefined : readDerived('elf-reports', name, env);
  if (cached !== undefined) {
    try {
      return JSON.parse(cached) as FileReport;
    } catch {
      // A torn or foreign entry: analyze again and replace it.
    }
  }
  const report = await readFileReport(path, cwd);
  if (name !== undefined) writeDerived('elf-reports', name, JSON.stringify(report), env);
  return report;
}

/** Reads and analyzes one file; a missing, unreadable or irregular file is refused as core/user-file words it. */
export async function readFileReport(path: string, cwd: string, shownAs?: string): Promise<FileReport> {
  const full = resolve(cwd, path);
  const name = shownAs ?? path;
  // The ranges an ELF report needs are read, never the whole file, so any size is fine.
  const spec = { what: 'file', maxBytes: Number.MAX_SAFE_INTEGER, shown: name };
  checkUserFile(full, spec);
  let bytes: Uint8Array;
  try {
    const handle = await open(full, 'r');
    try {
      bytes = await readElfBytes(handle);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof WrtError) throw error;
    throw userFileError(error, full, spec);
  }
  const { analyzeElf } = await import('./file-report.js');
  return analyzeElf(bytes, name);
}
