/**
 * Builds QNX system page dumps byte by byte from the layout in docs/qnx.md, independently of the
 * decoder: every field is written with explicit little-endian byte stores at the documented
 * offsets. No QNX box is available here, so these hand-built pages stand in for recorded ones.
 */

export interface AsinfoSpec {
  readonly start: bigint;
  readonly end: bigint;
  /** Index of the owner entry in the list, or null for a root. */
  readonly owner: number | null;
  readonly name: string;
  readonly attr: number;
  readonly priority: number;
}

export interface CpuSpec {
  readonly cpu: number;
  readonly speed: number;
  readonly flags: bigint;
  readonly name: string;
}

export interface DumpSpec {
  readonly layout: '7.x' | '8.x';
  readonly type: number;
  readonly asinfo: readonly AsinfoSpec[];
  readonly cpus: readonly CpuSpec[];
  readonly numCpu?: number;
  readonly headerSize?: number;
  readonly version?: { readonly major: number; readonly minor: number };
  readonly asinfoElementSize?: number;
  readonly cpuinfoElementSize?: number;
  /** Bytes after total_size, as in a page-sized copy. */
  readonly tailPadding?: number;
}

export interface BuiltDump {
  readonly bytes: Uint8Array;
  readonly headerSize: number;
  readonly totalSize: number;
  readonly stringsOffset: number;
  readonly stringsSize: number;
  readonly asinfoOffset: number;
  readonly asinfoElementSize: number;
  readonly cpuinfoOffset: number;
  readonly cpuinfoElementSize: number;
  /** Offset of each name inside the strings section. */
  readonly nameOffsets: ReadonlyMap<string, number>;
}

/** Offsets from <sys/syspage.h>, written out here so the builder does not share the decoder's table. */
export const OFFSETS = {
  '7.x': { headerSize: 0x108, strings: 48, asinfo: 232, cpuinfo: 238, oldAsinfo: 12, oldCpuinfo: 24, asinfoElement: 32, flagsBytes: 4 },
  '8.x': { headerSize: 0xf0, strings: 32, asinfo: 200, cpuinfo: 206, oldAsinfo: null, oldCpuinfo: null, asinfoElement: 24, flagsBytes: 8 },
} as const;

export const CPUINFO_ELEMENT = 32;
/** Filler for the bytes of an element past its documented fields, so a decoder stepping by a constant reads garbage. */
export const FILLER = 0xa5;

export function put8(buffer: Uint8Array, offset: number, value: number): void {
  if (offset < 0 || offset >= buffer.length) throw new Error(`builder: byte ${offset} outside ${buffer.length}`);
  buffer[offset] = value & 0xff;
}
export function put16(buffer: Uint8Array, offset: number, value: number): void {
  put8(buffer, offset, value);
  put8(buffer, offset + 1, value >>> 8);
}
export function put32(buffer: Uint8Array, offset: number, value: number): void {
  put16(buffer, offset, value & 0xffff);
  put16(buffer, offset + 2, value >>> 16);
}
export function put64(buffer: Uint8Array, offset: number, value: bigint): void {
  for (let i = 0; i < 8; i++) put8(buffer, offset + i, Number((value >> BigInt(8 * i)) & 0xffn));
}

const align8 = (value: number): number => (value + 7) & ~7;

export function buildDump(spec: DumpSpec): BuiltDump {
  const layout = OFFSETS[spec.layout];
  const headerSize = spec.headerSize ?? layout.headerSize;
  const asinfoElementSize = spec.asinfoElementSize ?? layout.asinfoElement;
  const cpuinfoElementSize = spec.cpuinfoElementSize ?? CPUINFO_ELEMENT;

  // Strings: a leading empty string at offset 0, then each distinct name once.
  const nameOffsets = new Map<string, number>([['', 0]]);
  const stringBytes: number[] = [0];
  for (const name of [...spec.asinfo.map((e) => e.name), ...spec.cpus.map((c) => c.name)]) {
    if (nameOffsets.has(name)) continue;
    nameOffsets.set(name, stringBytes.length);
    for (const ch of name) stringBytes.push(ch.charCodeAt(0));
    stringBytes.push(0);
  }
  const stringsOffset = align8(headerSize);
  const stringsSize = stringBytes.length;
  const asinfoOffset = align8(stringsOffset + stringsSize);
  const asinfoSize = spec.asinfo.length * asinfoElementSize;
  const cpuinfoOffset = align8(asinfoOffset + asinfoSize);
  const cpuinfoSize = spec.cpus.length * cpuinfoElementSize;
  const totalSize = cpuinfoOffset + cpuinfoSize;
  const bytes = new Uint8Array(totalSize + (spec.tailPadding ?? 0));

  put16(bytes, 0, headerSize);
  put16(bytes, 2, totalSize);
  put16(bytes, 4, spec.type);
  put16(bytes, 6, spec.numCpu ?? spec.cpus.length);
  if (spec.layout === '8.x') {
    put16(bytes, 12, spec.version?.major ?? 2);
    put16(bytes, 14, spec.version?.minor ?? 0);
  }
  put16(bytes, layout.strings, stringsOffset);
  put16(bytes, layout.strings + 2, stringsSize);
  put16(bytes, layout.asinfo, asinfoOffset);
  put16(bytes, layout.asinfo + 2, asinfoSize);
  put16(bytes, layout.asinfo + 4, asinfoElementSize);
  put16(bytes, layout.cpuinfo, cpuinfoOffset);
  put16(bytes, layout.cpuinfo + 2, cpuinfoSize);
  put16(bytes, layout.cpuinfo + 4, cpuinfoElementSize);

  stringBytes.forEach((byte, i) => put8(bytes, stringsOffset + i, byte));

  spec.asinfo.forEach((entry, i) => {
    const base = asinfoOffset + i * asinfoElementSize;
    for (let k = 24; k < asinfoElementSize; k++) put8(bytes, base + k, FILLER);
    put64(bytes, base, entry.start);
    put64(bytes, base + 8, entry.end);
    put16(bytes, base + 16, entry.owner === null ? 0xffff : entry.owner * asinfoElementSize);
    put16(bytes, base + 18, nameOffsets.get(entry.name) ?? 0);
    put16(bytes, base + 20, entry.attr);
    put16(bytes, base + 22, entry.priority);
  });

  spec.cpus.forEach((cpu, i) => {
    const base = cpuinfoOffset + i * cpuinfoElementSize;
    for (let k = 32; k < cpuinfoElementSize; k++) put8(bytes, base + k, FILLER);
    put32(bytes, base, cpu.cpu);
    put32(bytes, base + 4, cpu.speed);
    if (layout.flagsBytes === 8) put64(bytes, base + 8, cpu.flags);
    else put32(bytes, base + 8, Number(cpu.flags & 0xffffffffn));
    put16(bytes, base + 28, nameOffsets.get(cpu.name) ?? 0);
  });

  return {
    bytes,
    headerSize,
    totalSize,
    stringsOffset,
    stringsSize,
    asinfoOffset,
    asinfoElementSize,
    cpuinfoOffset,
    cpuinfoElementSize,
    nameOffsets,
  };
}

/** A small x86-style memory map: /io, /memory with below4G/ram/sysram, a second sysram above 4G, /virtual. */
export const X86_MAP: readonly AsinfoSpec[] = [
  { start: 0x0n, end: 0xffffn, owner: null, name: 'io', attr: 0x0000, priority: 100 },
  { start: 0x0n, end: 0xfffffffffffffn, owner: null, name: 'memory', attr: 0x0010, priority: 100 },
  { start: 0x0n, end: 0xffffffffn, owner: 1, name: 'below4G', attr: 0x0010, priority: 100 },
  { start: 0x100000n, end: 0x7fffffffn, owner: 2, name: 'ram', attr: 0x0017, priority: 100 },
  { start: 0x200000n, end: 0x7fffffffn, owner: 3, name: 'sysram', attr: 0x0007, priority: 100 },
  { start: 0x100000000n, end: 0x27fffffffn, owner: 1, name: 'ram', attr: 0x0017, priority: 100 },
  { start: 0x100000000n, end: 0x27fffffffn, owner: 5, name: 'sysram', attr: 0x0007, priority: 90 },
  { start: 0x100000n, end: 0x1fffffn, owner: 3, name: 'imagefs', attr: 0x0005, priority: 100 },
  { start: 0x0n, end: 0xffffffffffffffffn, owner: null, name: 'virtual', attr: 0x0000, priority: 100 },
];

export const X86_PATHS = [
  '/io',
  '/memory',
  '/memory/below4G',
  '/memory/below4G/ram',
  '/memory/below4G/ram/sysram',
  '/memory/ram',
  '/memory/ram/sysram',
  '/memory/below4G/ram/imagefs',
  '/virtual',
];

/** (0x7fffffff - 0x200000 + 1) + (0x27fffffff - 0x100000000 + 1) */
export const X86_SYSRAM_BYTES = 0x7fe00000n + 0x180000000n;

/** An AArch64 board: RAM above 1 GiB with a small sysram piece below the startup area. */
export const ARM_MAP: readonly AsinfoSpec[] = [
  { start: 0x0n, end: 0xffffffffffffn, owner: null, name: 'memory', attr: 0x0010, priority: 100 },
  { start: 0x0n, end: 0xffffffffn, owner: 0, name: 'below4G', attr: 0x0010, priority: 100 },
  { start: 0x40000000n, end: 0x7fffffffn, owner: 1, name: 'ram', attr: 0x0010, priority: 100 },
  { start: 0x40000000n, end: 0x4000bfffn, owner: 2, name: 'sysram', attr: 0x0000, priority: 100 },
  { start: 0x40800000n, end: 0x7fffffffn, owner: 2, name: 'sysram', attr: 0x0020, priority: 100 },
  { start: 0x09000000n, end: 0x09000fffn, owner: 0, name: 'device', attr: 0x0000, priority: 100 },
];

export const ARM_PATHS = ['/memory', '/memory/below4G', '/memory/below4G/ram', '/memory/below4G/ram/sysram', '/memory/below4G/ram/sysram', '/memory/device'];

export const ARM_SYSRAM_BYTES = 0xc000n + 0x3f800000n;
