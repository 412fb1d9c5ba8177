/**
 * Reads the text of `pidin syspage=asinfo`. Two formats are known from the field:
 *
 *   QNX 7.x  Header size=0x00000108, Total Size=0x00000eb8, #Cpu=16, Type=256
 *            Section:asinfo offset:0x00000818 size:0x00000420 elsize:0x00000020
 *            0000) 0000000000000000-000000000000ffff o:ffff a:0000 p:100 c:0 n:/io
 *   QNX 8.x  Header size=0x000000f0, Total Size=0x00000c48, Version=2.0, #Cpu=2, Type=4353
 *            Section:asinfo offset:0x00000400 size:0x00000120 elsize:0x00000018
 *            00d8) 0000000040000000-000000004000bfff o:0030 /memory/below4G/ram/sysram
 *
 * The number before ')' is the entry's offset inside the asinfo section and `o:` the owner's offset
 * (ffff = none). Spacing around ':', '=', ',' and '-' is free. A name that does not start with '/'
 * is a leaf name and its path is rebuilt through the owner chain. Lines of other sections (a full
 * `pidin syspage` listing) are skipped: their text formats are not publicly documented, so they are
 * not guessed at. Every problem is a PIDIN_MALFORMED naming the line.
 */
import { WrtError } from '../../core/errors.js';
import { resolveAsinfoTree, type RawAsinfoEntry } from './asinfo-tree.js';
import { originOf, whereOf, type QnxParseOptions } from './options.js';
import { cfiFacts, describeSyspageType } from './syspage-type.js';
import type { QnxSectionInfo, QnxSyspageInfo } from './types.js';

const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;
const AS_NULL_OFF = 0xffff;
const ENTRY_FIELD_NAMES: Record<string, string> = { o: 'owner (o:)', a: 'attr (a:)', p: 'priority (p:)', c: 'checker (c:)' };

interface HeaderFields {
  headerSize: number | null;
  totalSize: number | null;
  version: { major: number; minor: number } | null;
  numCpu: number | null;
  type: number | null;
}

export function parsePidinAsinfo(text: string, options: QnxParseOptions = {}): QnxSyspageInfo {
  const where = whereOf(options);
  const fail = (line: number, field: string, message: string, limit?: string): never => {
    throw new WrtError('PIDIN_MALFORMED', message, { ...where, line, field, ...(limit !== undefined ? { limit } : {}) });
  };

  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let header: HeaderFields | null = null;
  let headerLine = 0;
  let currentSection: string | null = null;
  let asinfoSection: QnxSectionInfo | null = null;
  let asinfoSectionLine = 0;
  const raw: RawAsinfoEntry[] = [];
  const rawLines: number[] = [];

  for (let index = 0; index < lines.length; index++) {
    const content = lines[index] ?? '';
    const lineNo = index + 1;
    if (content.trim() === '') continue;

    if (/^\s*Header\b/i.test(content)) {
      if (header !== null) fail(lineNo, 'Header', `a second Header line (the first is line ${headerLine})`);
      header = parseHeader(content, lineNo, fail);
      headerLine = lineNo;
      continue;
    }
    if (header === null) {
      // A captured terminal session starts with the command itself; anything else before the header is not pidin output.
      if (/\bpidin\b/.test(content)) continue;
      fail(lineNo, 'Header', 'expected the "Header size=..., #Cpu=..., Type=..." line first');
    }

    const section = /^\s*Section\s*:\s*([A-Za-z_]\w*)\s*(.*)$/i.exec(content);
    if (section !== null) {
      currentSection = (section[1] ?? '').toLowerCase();
      if (currentSection === 'asinfo') {
        if (asinfoSection !== null) fail(lineNo, 'Section:asinfo', `a second asinfo section (the first is line ${asinfoSectionLine})`);
        asinfoSection = parseSectionFields(section[2] ?? '', lineNo, fail);
        asinfoSectionLine = lineNo;
      }
      continue;
    }
    if (currentSection === null) fail(lineNo, 'Section', 'expected a "Section:asinfo offset:... size:... elsize:..." line');
    if (currentSection !== 'asinfo') continue;
    if (asinfoSection === null) continue;

    raw.push(parseEntry(content, lineNo, asinfoSection, fail));
    rawLines.push(lineNo);
  }

  const lastLine = Math.max(lines.length, 1);
  if (header === null) return fail(lastLine, 'Header', 'no "Header size=..., #Cpu=..., Type=..." line in the listing');
  if (asinfoSection === null) return fail(lastLine, 'Section:asinfo', 'no "Section:asinfo" line in the listing');
  const { numCpu, type } = header;
  if (numCpu === null) return fail(headerLine, '#Cpu', 'the Header line has no #Cpu=');
  if (type === null) return fail(headerLine, 'Type', 'the Header line has no Type=');

  const warnings: string[] = [];
  const declared = Math.floor(asinfoSection.size / asinfoSection.elementSize);
  if (declared !== raw.length) {
    warnings.push(`Section:asinfo declares ${declared} entries (size 0x${asinfoSection.size.toString(16)} / elsize 0x${asinfoSection.elementSize.toString(16)}), the listing has ${raw.length}`);
  }
  const tree = resolveAsinfoTree(
    raw,
    true,
    (index, field, message, limit) => fail(rawLines[index] ?? asinfoSectionLine, field === 'owner' ? 'owner (o:)' : field, message, limit),
    warnings,
  );
  const meaning = describeSyspageType(type);

  return {
    source: 'pidin',
    origin: originOf(options),
    qnxVersion: meaning.qnxVersion,
    type,
    arch: meaning.arch,
    syspageVersion: header.version,
    headerSize: header.headerSize,
    totalSize: header.totalSize,
    numCpu,
    asinfoSection,
    asinfo: tree.entries,
    cpuinfo: null,
    usableMemoryBytes: tree.usableMemoryBytes,
    sysramEntryCount: tree.sysramEntryCount,
    cfi: cfiFacts(null),
    warnings,
  };
}

type LineFailure = (line: number, field: string, message: string, limit?: string) => never;

/** Hex with 0x, or decimal; pidin prints sizes as 0x%08x and Type/#Cpu in decimal. */
function parseNumber(text: string, max: number, line: number, field: string, fail: LineFailure): number {
  const trimmed = text.trim();
  let value: number;
  if (/^0x[0-9a-f]{1,8}$/i.test(trimmed)) value = Number.parseInt(trimmed.slice(2), 16);
  else if (/^\d{1,10}$/.test(trimmed)) value = Number.parseInt(trimmed, 10);
  else return fail(line, field, `"${trimmed}" is not a number`);
  if (value > max) fail(line, field, `${trimmed} is too large`, `<= ${max}`);
  return value;
}

function parseHexField(text: string, digits: number, line: number, field: string, fail: LineFailure): number {
  if (!new RegExp(`^[0-9a-f]{1,${digits}}$`, 'i').test(text)) {
    return fail(line, field, `"${text}" is not a hexadecimal number of at most ${digits} digits`);
  }
  return Number.parseInt(text, 16);
}

function parseHeader(content: string, line: number, fail: LineFailure): HeaderFields {
  const fields: HeaderFields = { headerSize: null, totalSize: null, version: null, numCpu: null, type: null };
  const body = content.replace(/^\s*Header\b/i, '');
  for (const part of body.split(',')) {
    if (part.trim() === '') continue;
    // indexOf rather than a regex: a long run of blanks must not cost quadratic time.
    const equals = part.indexOf('=');
    if (equals <= 0 || part.slice(0, equals).trim() === '') return fail(line, 'Header', `"${part.trim()}" is not a key=value pair`);
    const key = part.slice(0, equals).replace(/\s+/g, '').toLowerCase();
    const value = part.slice(equals + 1).trim();
    switch (key) {
      case 'size':
        fields.headerSize = parseNumber(value, U32_MAX, line, 'Header size', fail);
        break;
      case 'totalsize':
        fields.totalSize = parseNumber(value, U32_MAX, line, 'Total Size', fail);
        break;
      case 'version': {
        const version = /^(\d{1,5})\.(\d{1,5})$/.exec(value);
        if (version === null) return fail(line, 'Version', `"${value}" is not a major.minor version`);
        const major = Number(version[1]);
        const minor = Number(version[2]);
        if (major > U16_MAX || minor > U16_MAX) return fail(line, 'Version', `version ${value} does not fit 16-bit fields`, `<= ${U16_MAX}`);
        fields.version = { major, minor };
        break;
      }
      case '#cpu': {
        const numCpu = parseNumber(value, U16_MAX, line, '#Cpu', fail);
        if (numCpu === 0) return fail(line, '#Cpu', 'a running system has at least one CPU, the listing says #Cpu=0', '#Cpu >= 1');
        fields.numCpu = numCpu;
        break;
      }
      case 'type':
        fields.type = parseNumber(value, U16_MAX, line, 'Type', fail);
        break;
      default:
        // Later releases may add fields; they do not change what is read here.
        break;
    }
  }
  return fields;
}

function parseSectionFields(rest: string, line: number, fail: LineFailure): QnxSectionInfo {
  const values = new Map<string, number>();
  const pairPattern = /\s*([A-Za-z_]\w*)\s*:\s*(0x[0-9a-f]+|\d+)\s*/giy;
  let consumed = 0;
  let match: RegExpExecArray | null;
  while ((match = pairPattern.exec(rest)) !== null) {
    const key = (match[1] ?? '').toLowerCase();
    values.set(key, parseNumber(match[2] ?? '', U32_MAX, line, `Section ${key}`, fail));
    consumed = pairPattern.lastIndex;
  }
  if (rest.slice(consumed).trim() !== '') fail(line, 'Section:asinfo', `cannot read "${rest.slice(consumed).trim()}" as key:value`);
  const need = (key: string): number => {
    const value = values.get(key);
    return value === undefined ? fail(line, `Section ${key}`, `the Section:asinfo line has no ${key}:`) : value;
  };
  const section = { offset: need('offset'), size: need('size'), elementSize: need('elsize') };
  if (section.elementSize === 0) fail(line, 'Section elsize', 'elsize is 0, entries cannot be stepped', 'elsize >= 1');
  return section;
}

function parseEntry(content: string, line: number, section: QnxSectionInfo, fail: LineFailure): RawAsinfoEntry {
  const match = /^\s*([0-9a-f]{1,8})\)\s*([0-9a-f]{1,16})\s*-\s*([0-9a-f]{1,16})(?:\s+(.*))?$/i.exec(content);
  if (match === null) {
    return fail(line, 'asinfo entry', `cannot read "${content.trim()}" as "OFFS) START-END o:OWNER ... NAME"`);
  }
  const offset = parseHexField(match[1] ?? '', 8, line, 'offset', fail);
  if (offset % section.elementSize !== 0 || offset + section.elementSize > section.size) {
    fail(
      line,
      'offset',
      `entry offset 0x${offset.toString(16)} is not an element of the asinfo section`,
      `a multiple of elsize 0x${section.elementSize.toString(16)} below size 0x${section.size.toString(16)}`,
    );
  }
  const start = BigInt(`0x${match[2] ?? '0'}`);
  const end = BigInt(`0x${match[3] ?? '0'}`);

  let rest = match[4] ?? '';
  let owner: number | null | undefined;
  let attr: number | null = null;
  let priority: number | null = null;
  let name: string | undefined;
  const seen = new Set<string>();
  while (rest.trim() !== '') {
    const token = /^\s*(\S+)\s*/.exec(rest);
    const word = token?.[1] ?? '';
    const keyValue = /^([oapc]):(.*)$/i.exec(word);
    if (keyValue === null) {
      name = word.startsWith('n:') ? rest.trim().slice(2).trim() : rest.trim();
      break;
    }
    const key = (keyValue[1] ?? '').toLowerCase();
    const value = keyValue[2] ?? '';
    if (seen.has(key)) fail(line, ENTRY_FIELD_NAMES[key] ?? `${key}:`, `${key}: appears twice on one entry`);
    seen.add(key);
    if (key === 'o') {
      const parsed = parseHexField(value, 4, line, 'owner (o:)', fail);
      owner = parsed === AS_NULL_OFF ? null : parsed;
    } else if (key === 'a') {
      attr = parseHexField(value, 4, line, 'attr (a:)', fail);
    } else if (key === 'p') {
      priority = parseNumber(value, U16_MAX, line, 'priority (p:)', fail);
    }
    // c: is the alloc_checker, which QNX documents as unused; it tells nothing about memory.
    rest = rest.slice(token?.[0].length ?? rest.length);
  }
  if (owner === undefined) return fail(line, 'owner (o:)', 'the entry has no owner (o:)');
  if (name === undefined || name === '') return fail(line, 'name', 'the entry has no name');
  return { offset, start, end, owner, name, attr, priority };
}
