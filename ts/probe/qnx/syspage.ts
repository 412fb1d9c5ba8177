/**
 * Decodes a raw copy of the QNX system page: a dump file, or the bytes the addon copies from
 * `_syspage_ptr` on a live box (NativeFacts.qnxSyspage). Only the 64-bit layouts of QNX 7.x
 * (types 0x100/0x101) and 8.x (0x1100/0x1101, version 2.x) are accepted; docs/qnx.md lists every
 * offset. Every offset and size read from the dump is checked against the dump and the declared
 * total_size before use, and arrays are stepped by the element size the dump declares, so a
 * release that grows an element still decodes. Bad input is SYSPAGE_TRUNCATED (the dump ends too
 * early) or SYSPAGE_MALFORMED (a value is impossible), never another exception.
 */
import { WrtError } from '../../core/errors.js';
import { resolveAsinfoTree, type RawAsinfoEntry } from './asinfo-tree.js';
import { originOf, whereOf, type QnxParseOptions } from './options.js';
import {
  AARCH64_CPU_PAUTH,
  AS_NULL_OFF,
  ASINFO_ATTR,
  ASINFO_END,
  ASINFO_MIN_ELEMENT,
  ASINFO_NAME,
  ASINFO_OWNER,
  ASINFO_PRIORITY,
  ASINFO_START,
  CPU_FLAG_FPU,
  CPU_FLAG_MMU,
  CPUINFO_CPU,
  CPUINFO_FLAGS,
  CPUINFO_MIN_ELEMENT,
  CPUINFO_NAME,
  CPUINFO_SPEED,
  HEADER_FIXED_BYTES,
  HEADER_NUM_CPU_OFFSET,
  HEADER_SIZE_OFFSET,
  HEADER_TOTAL_SIZE_OFFSET,
  HEADER_TYPE_OFFSET,
  LAYOUT_7,
  LAYOUT_8,
  SUPPORTED_VERSION_MAJOR,
  type SyspageLayout,
} from './syspage-layout.js';
import { cfiFacts, describeSyspageType, syspageTypeName } from './syspage-type.js';
import type { QnxCpuInfoEntry, QnxSectionInfo, QnxSyspageInfo } from './types.js';

type Code = 'SYSPAGE_TRUNCATED' | 'SYSPAGE_MALFORMED';

interface Section {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
}

interface Decoder {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  /** Names already read, by offset into the strings section: many entries share a name. */
  readonly names: Map<number, string>;
  readonly fail: (code: Code, message: string, offset: number, field: string, limit: string) => never;
}

const latin1 = new TextDecoder('latin1');
const hex = (value: number): string => `0x${value.toString(16)}`;

export function parseQnxSyspage(bytes: Uint8Array, options: QnxParseOptions = {}): QnxSyspageInfo {
  const where = whereOf(options);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = (code: Code, message: string, offset: number, field: string, limit: string): never => {
    throw new WrtError(code, message, { ...where, offset, field, limit });
  };
  const decoder: Decoder = { bytes, view, names: new Map(), fail };
  const length = bytes.byteLength;

  if (length < HEADER_FIXED_BYTES) {
    fail('SYSPAGE_TRUNCATED', `the dump is ${length} bytes, shorter than the fixed start of syspage_entry`, 0, 'syspage_entry', `${HEADER_FIXED_BYTES} bytes (size, total_size, type, num_cpu)`);
  }
  const size = view.getUint16(HEADER_SIZE_OFFSET, true);
  const totalSize = view.getUint16(HEADER_TOTAL_SIZE_OFFSET, true);
  const type = view.getUint16(HEADER_TYPE_OFFSET, true);
  const numCpu = view.getUint16(HEADER_NUM_CPU_OFFSET, true);

  const meaning = describeSyspageType(type);
  if (meaning.qnxVersion === 'unknown') {
    fail('SYSPAGE_MALFORMED', `syspage type ${syspageTypeName(type)} has no known layout`, HEADER_TYPE_OFFSET, 'type', '0x100/0x101 (QNX 7.x) or 0x1100/0x1101 (QNX 8.x)');
  }
  const layout: SyspageLayout = meaning.qnxVersion === '7.x' ? LAYOUT_7 : LAYOUT_8;
  if (size < layout.minHeaderSize) {
    fail('SYSPAGE_MALFORMED', `syspage_entry.size ${hex(size)} is too small for a QNX ${layout.qnxVersion} header (documented ${hex(layout.documentedHeaderSize)})`, HEADER_SIZE_OFFSET, 'size', `>= ${layout.minHeaderSize}`);
  }
  if (totalSize < size) {
    fail('SYSPAGE_MALFORMED', `total_size ${hex(totalSize)} is smaller than the header size ${hex(size)}`, HEADER_TOTAL_SIZE_OFFSET, 'total_size', 'total_size >= size');
  }
  if (length < totalSize) {
    fail('SYSPAGE_TRUNCATED', `the dump is ${length} bytes but the system page declares total_size ${totalSize}`, length, 'total_size', `${totalSize} bytes`);
  }
  if (numCpu === 0) {
    fail('SYSPAGE_MALFORMED', 'num_cpu is 0; a running system has at least one CPU', HEADER_NUM_CPU_OFFSET, 'num_cpu', 'num_cpu >= 1');
  }

  let syspageVersion: { major: number; minor: number } | null = null;
  if (layout.versionOffset !== null) {
    const major = view.getUint16(layout.versionOffset, true);
    const minor = view.getUint16(layout.versionOffset + 2, true);
    if (major !== SUPPORTED_VERSION_MAJOR) {
      fail('SYSPAGE_MALFORMED', `syspage version ${major}.${minor} has a layout this decoder does not know`, layout.versionOffset, 'version.major', `${SUPPORTED_VERSION_MAJOR}.x`);
    }
    syspageVersion = { major, minor };
  }

  const bounds = { headerSize: size, totalSize };
  const stringsInfo = readEntryInfo(decoder, layout.stringsInfoOffset, 'strings', bounds);
  const asinfoInfo = readArrayInfo(decoder, layout.asinfoInfoOffset, 'asinfo', ASINFO_MIN_ELEMENT, bounds);
  const cpuinfoInfo = readArrayInfo(decoder, layout.cpuinfoInfoOffset, 'cpuinfo', CPUINFO_MIN_ELEMENT, bounds);
  const warnings: string[] = [];

  const asinfoCount = asinfoInfo.size === 0 ? 0 : Math.floor(asinfoInfo.size / asinfoInfo.elementSize);
  const asinfoSpare = asinfoInfo.size - asinfoCount * asinfoInfo.elementSize;
  if (asinfoSpare !== 0) {
    warnings.push(`asinfo section size ${hex(asinfoInfo.size)} is not a multiple of its element size ${hex(asinfoInfo.elementSize)}; the last ${asinfoSpare} bytes were not decoded`);
  }
  const raw: RawAsinfoEntry[] = [];
  for (let index = 0; index < asinfoCount; index++) {
    const relative = index * asinfoInfo.elementSize;
    const base = asinfoInfo.offset + relative;
    const owner = view.getUint16(base + ASINFO_OWNER, true);
    raw.push({
      offset: relative,
      start: view.getBigUint64(base + ASINFO_START, true),
      end: view.getBigUint64(base + ASINFO_END, true),
      owner: owner === AS_NULL_OFF ? null : owner,
      name: readString(decoder, stringsInfo, view.getUint16(base + ASINFO_NAME, true), base + ASINFO_NAME, `asinfo[${index}].name`),
      attr: view.getUint16(base + ASINFO_ATTR, true),
      priority: view.getUint16(base + ASINFO_PRIORITY, true),
    });
  }
  const fieldOffset: Record<string, number> = { offset: ASINFO_START, end: ASINFO_END, owner: ASINFO_OWNER, name: ASINFO_NAME };
  const tree = resolveAsinfoTree(
    raw,
    false,
    (index, field, message, limit) =>
      fail(
        'SYSPAGE_MALFORMED',
        message,
        asinfoInfo.offset + index * asinfoInfo.elementSize + (fieldOffset[field] ?? 0),
        `asinfo[${index}].${field}`,
        limit ?? 'a well-formed asinfo tree',
      ),
    warnings,
  );

  const cpuinfoCount = Math.floor(cpuinfoInfo.size / cpuinfoInfo.elementSize);
  if (cpuinfoCount < numCpu) {
    fail('SYSPAGE_MALFORMED', `cpuinfo holds ${cpuinfoCount} entries but num_cpu is ${numCpu}`, layout.cpuinfoInfoOffset + 2, 'cpuinfo.entry_size', `num_cpu * element_size = ${numCpu * cpuinfoInfo.elementSize} bytes`);
  }
  if (cpuinfoCount > numCpu) {
    warnings.push(`cpuinfo holds ${cpuinfoCount} entries for num_cpu ${numCpu}; only the first ${numCpu} were decoded`);
  }
  const cpuinfo: QnxCpuInfoEntry[] = [];
  for (let index = 0; index < numCpu; index++) {
    const base = cpuinfoInfo.offset + index * cpuinfoInfo.elementSize;
    const flags = layout.cpuFlagsBytes === 8 ? view.getBigUint64(base + CPUINFO_FLAGS, true) : BigInt(view.getUint32(base + CPUINFO_FLAGS, true));
    const name = readString(decoder, stringsInfo, view.getUint16(base + CPUINFO_NAME, true), base + CPUINFO_NAME, `cpuinfo[${index}].name`);
    cpuinfo.push({
      index,
      cpu: view.getUint32(base + CPUINFO_CPU, true),
      speedMhz: view.getUint32(base + CPUINFO_SPEED, true),
      flags,
      fpu: (flags & CPU_FLAG_FPU) !== 0n,
      mmu: (flags & CPU_FLAG_MMU) !== 0n,
      name: name === '' ? null : name,
    });
  }
  // AARCH64_CPU_PAUTH is defined only in the QNX 8 aarch64 header; elsewhere the bit means something else or nothing.
  const pointerAuthCpus =
    meaning.qnxVersion === '8.x' && meaning.arch === 'aarch64' ? cpuinfo.filter((cpu) => (cpu.flags & AARCH64_CPU_PAUTH) !== 0n).length : null;

  const asinfoSection: QnxSectionInfo = { offset: asinfoInfo.offset, size: asinfoInfo.size, elementSize: asinfoInfo.elementSize };
  return {
    source: 'syspage',
    origin: originOf(options),
    qnxVersion: meaning.qnxVersion,
    type,
    arch: meaning.arch,
    syspageVersion,
    headerSize: size,
    totalSize,
    numCpu,
    asinfoSection,
    asinfo: tree.entries,
    cpuinfo,
    usableMemoryBytes: tree.usableMemoryBytes,
    sysramEntryCount: tree.sysramEntryCount,
    cfi: cfiFacts(pointerAuthCpus),
    warnings,
  };
}

interface Bounds {
  readonly headerSize: number;
  readonly totalSize: number;
}

/** Sections live after the header and inside total_size; an empty one may point anywhere. */
function checkSection(decoder: Decoder, section: Section, infoOffset: number, bounds: Bounds): void {
  if (section.size === 0) return;
  if (section.offset < bounds.headerSize) {
    decoder.fail('SYSPAGE_MALFORMED', `the ${section.name} section starts at ${hex(section.offset)}, inside the header`, infoOffset, `${section.name}.entry_off`, `entry_off >= size (${bounds.headerSize})`);
  }
  if (section.offset + section.size > bounds.totalSize) {
    decoder.fail(
      'SYSPAGE_MALFORMED',
      `the ${section.name} section (${hex(section.offset)} + ${hex(section.size)}) reaches past the end of the system page`,
      infoOffset + 2,
      `${section.name}.entry_size`,
      `entry_off + entry_size <= total_size (${bounds.totalSize})`,
    );
  }
}

function readEntryInfo(decoder: Decoder, infoOffset: number, name: string, bounds: Bounds): Section {
  const section = { name, offset: decoder.view.getUint16(infoOffset, true), size: decoder.view.getUint16(infoOffset + 2, true) };
  checkSection(decoder, section, infoOffset, bounds);
  return section;
}

function readArrayInfo(decoder: Decoder, infoOffset: number, name: string, minElement: number, bounds: Bounds): Section & { readonly elementSize: number } {
  const section = {
    name,
    offset: decoder.view.getUint16(infoOffset, true),
    size: decoder.view.getUint16(infoOffset + 2, true),
    elementSize: decoder.view.getUint16(infoOffset + 4, true),
  };
  checkSection(decoder, section, infoOffset, bounds);
  if (section.elementSize < minElement && (section.size > 0 || name === 'cpuinfo')) {
    decoder.fail('SYSPAGE_MALFORMED', `${name} element_size ${section.elementSize} is smaller than the fields of one entry`, infoOffset + 4, `${name}.element_size`, `>= ${minElement}`);
  }
  return section;
}

/** A NUL-terminated name at `nameOffset` inside the strings section. */
function readString(decoder: Decoder, strings: Section, nameOffset: number, fieldOffset: number, field: string): string {
  if (nameOffset >= strings.size) {
    decoder.fail('SYSPAGE_MALFORMED', `name offset ${hex(nameOffset)} lies outside the strings section`, fieldOffset, field, `< strings entry_size (${strings.size})`);
  }
  const cached = decoder.names.get(nameOffset);
  if (cached !== undefined) return cached;
  const start = strings.offset + nameOffset;
  const end = strings.offset + strings.size;
  const nul = decoder.bytes.subarray(start, end).indexOf(0);
  if (nul < 0) {
    return decoder.fail('SYSPAGE_MALFORMED', `the name at strings + ${hex(nameOffset)} has no NUL before the end of the strings section`, fieldOffset, field, `NUL-terminated within ${strings.size} bytes`);
  }
  const text = latin1.decode(decoder.bytes.subarray(start, start + nul));
  decoder.names.set(nameOffset, text);
  return text;
}
