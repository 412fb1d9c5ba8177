/**
 * The file-reading edge for `wrt-target probe --syspage FILE` and `--pidin FILE`. Everything past
 * reading the bytes is the pure parsers, which tests feed directly.
 */
import { readFile } from 'node:fs/promises';
import { WrtError } from '../../core/errors.js';
import { parsePidinAsinfo } from './pidin-asinfo.js';
import { parseQnxSyspage } from './syspage.js';
import type { QnxSyspageInfo } from './types.js';

async function readBytes(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error: unknown) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    if (code === 'ENOENT') {
      throw new WrtError('FILE_NOT_FOUND', `${what} ${path} does not exist`, { file: path }, { cause: error });
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new WrtError('FILE_READ_FAILED', `cannot read ${what} ${path}: ${reason}`, { file: path }, { cause: error });
  }
}

/** Reads a raw SYSPAGE dump (e.g. a copy of `_syspage_ptr`, total_size bytes) and decodes it. */
export async function readQnxDump(path: string): Promise<QnxSyspageInfo> {
  return parseQnxSyspage(await readBytes(path, 'SYSPAGE dump'), { file: path });
}

/** Reads a saved `pidin syspage=asinfo` listing and parses it. */
export async function readPidinFile(path: string): Promise<QnxSyspageInfo> {
  const bytes = await readBytes(path, 'pidin listing');
  return parsePidinAsinfo(new TextDecoder('utf-8').decode(bytes), { file: path });
}
