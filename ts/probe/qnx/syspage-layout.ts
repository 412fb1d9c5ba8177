/**
 * Byte offsets of the parts of the QNX system page this decoder reads, derived from the public
 * <sys/syspage.h> of QNX SDP 7.0 and 8.0 (natural C alignment, little-endian). docs/qnx.md shows
 * the full structures. `syspage_entry_info` is {u16 entry_off, u16 entry_size};
 * `syspage_array_info` adds u16 element_size. Offsets are from the start of the system page.
 */

export interface SyspageLayout {
  readonly qnxVersion: '7.x' | '8.x';
  /** sizeof(struct syspage_entry) as the header declares it for this release (pidin "Header size"). */
  readonly documentedHeaderSize: number;
  /** The header must be at least this long: it reaches the last field read here. */
  readonly minHeaderSize: number;
  /** struct { u16 major; u16 minor; } version, QNX 8 only. */
  readonly versionOffset: number | null;
  /** syspage_entry_info strings. */
  readonly stringsInfoOffset: number;
  /** syspage_array_info asinfo (7.x: `new_asinfo`, the sized array that 64-bit startup fills). */
  readonly asinfoInfoOffset: number;
  /** syspage_array_info cpuinfo (7.x: `new_cpuinfo`). */
  readonly cpuinfoInfoOffset: number;
  /** cpuinfo_entry.flags: _Uint32t on 7.x, _Uint64t on 8.x. */
  readonly cpuFlagsBytes: 4 | 8;
}

/** The four u16 at the start of every system page: size, total_size, type, num_cpu. */
export const HEADER_SIZE_OFFSET = 0;
export const HEADER_TOTAL_SIZE_OFFSET = 2;
export const HEADER_TYPE_OFFSET = 4;
export const HEADER_NUM_CPU_OFFSET = 6;
export const HEADER_FIXED_BYTES = 8;

export const LAYOUT_7: SyspageLayout = {
  qnxVersion: '7.x',
  documentedHeaderSize: 0x108,
  minHeaderSize: 244,
  versionOffset: null,
  stringsInfoOffset: 48,
  asinfoInfoOffset: 232,
  cpuinfoInfoOffset: 238,
  cpuFlagsBytes: 4,
};

export const LAYOUT_8: SyspageLayout = {
  qnxVersion: '8.x',
  documentedHeaderSize: 0xf0,
  minHeaderSize: 212,
  versionOffset: 12,
  stringsInfoOffset: 32,
  asinfoInfoOffset: 200,
  cpuinfoInfoOffset: 206,
  cpuFlagsBytes: 8,
};

/** struct asinfo_entry: u64 start, u64 end, u16 owner, u16 name, u16 attr, u16 priority (7.x then an 8-byte alloc_checker). */
export const ASINFO_START = 0;
export const ASINFO_END = 8;
export const ASINFO_OWNER = 16;
export const ASINFO_NAME = 18;
export const ASINFO_ATTR = 20;
export const ASINFO_PRIORITY = 22;
/** Bytes of each element that are read; the element size in the dump must be at least this. */
export const ASINFO_MIN_ELEMENT = 24;

/** struct cpuinfo_entry: u32 cpu, u32 speed, flags (u32 or u64) at 8, u16 name at 28. */
export const CPUINFO_CPU = 0;
export const CPUINFO_SPEED = 4;
export const CPUINFO_FLAGS = 8;
export const CPUINFO_NAME = 28;
export const CPUINFO_MIN_ELEMENT = 30;

export const CPU_FLAG_FPU = 1n << 31n;
export const CPU_FLAG_MMU = 1n << 30n;
/** aarch64/syspage.h of QNX 8.0: startup sets it when the CPU implements pointer authentication. */
export const AARCH64_CPU_PAUTH = 0x20000n;

export const AS_NULL_OFF = 0xffff;
export const SUPPORTED_VERSION_MAJOR = 2;
