/**
 * The file-reading edge for `wrt-target probe --syspage FILE` and `--pidin FILE`. Everything past
 * reading the bytes is the pure parsers, which tests feed directly.
 */
import { MAX_TEXT_FILE_BYTES, readUserFile } from '../../core/user-file.js';
import { parsePidinAsinfo } from './pidin-asinfo.js';
import { parseQnxSyspage } from './syspage.js';
import type { QnxSyspageInfo } from './types.js';

// A system page is a few KiB to a few hundred; a listing is text a person saved.
const MAX_DUMP_BYTES = MAX_TEXT_FILE_BYTES;

/** Reads a raw SYSPAGE dump (e.g. a copy of `_syspage_ptr`, total_size bytes) and decodes it. */
export async function readQnxDump(path: string): Promise<QnxSyspageInfo> {
  return parseQnxSyspage(readUserFile(path, { what: 'SYSPAGE dump', maxBytes: MAX_DUMP_BYTES, field: '--syspage' }), { file: path });
}

/** Reads a saved `pidin syspage=asinfo` listing and parses it. */
export async function readPidinFile(path: string): Promise<QnxSyspageInfo> {
  const bytes = readUserFile(path, { what: 'pidin listing', maxBytes: MAX_DUMP_BYTES, field: '--pidin' });
  return parsePidinAsinfo(new TextDecoder('utf-8').decode(bytes), { file: path });
}
