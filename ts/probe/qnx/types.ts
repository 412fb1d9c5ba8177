/**
 * What wrt-target knows about a QNX machine from its system page. One shape for both sources, the
 * `pidin syspage=asinfo` text and a raw SYSPAGE copy (a dump file, or the bytes the addon copies
 * from `_syspage_ptr` on a live box), so `probe` handles them alike. Plain data only: no classes,
 * no methods, so it can be recorded, compared and printed as JSON (bigint as toJson renders it).
 */

export type QnxInfoSource = 'pidin' | 'syspage';

/** QNX release family the system page layout belongs to (SYSPAGE type 0x1xx = 7.x, 0x11xx = 8.x). */
export type QnxVersion = '7.x' | '8.x' | 'unknown';

export type QnxArch = 'x86_64' | 'aarch64' | 'unknown';

/** `struct asinfo_entry`: one node of the address-space tree. */
export interface QnxAsinfoEntry {
  /** Byte offset of the entry inside the asinfo section; `owner` of other entries refers to it. */
  readonly offset: number;
  /** First physical address of the range. */
  readonly start: bigint;
  /** Last physical address of the range (inclusive, not one past the end). */
  readonly end: bigint;
  /** Offset of the parent entry, or null for a root entry (AS_NULL_OFF = 0xffff). */
  readonly owner: number | null;
  /** The entry's own name, e.g. "sysram". */
  readonly name: string;
  /** Full path through the owner chain, e.g. "/memory/below4G/ram/sysram". */
  readonly path: string;
  /** AS_ATTR_* bits; null where the source does not print them (QNX 8 pidin). */
  readonly attr: number | null;
  /** Relative memory speed (AS_PRIORITY_DEFAULT = 100); null where the source does not print it. */
  readonly priority: number | null;
}

/** Where the asinfo array sits and how it is stepped: what pidin prints on its `Section:` line. */
export interface QnxSectionInfo {
  /** Byte offset of the section from the start of the system page. */
  readonly offset: number;
  readonly size: number;
  /** Size of one element as the system page declares it; entries are stepped by this, never a constant. */
  readonly elementSize: number;
}

/** `struct cpuinfo_entry`, decoded only from a raw SYSPAGE (pidin's cpuinfo text has no public format). */
export interface QnxCpuInfoEntry {
  readonly index: number;
  /** Architecture-dependent CPU type number (e.g. 586 on the x86 family). */
  readonly cpu: number;
  /** "The MHz rating of the processor" (QNX documentation). 0 when startup did not measure it. */
  readonly speedMhz: number;
  /** Raw flags: 32 bits on QNX 7.x, 64 bits on QNX 8.x. */
  readonly flags: bigint;
  /** CPU_FLAG_FPU (bit 31). */
  readonly fpu: boolean;
  /** CPU_FLAG_MMU (bit 30): the MMU is enabled. */
  readonly mmu: boolean;
  /** Machine name from the strings section; null when the name offset is 0 and the string is empty. */
  readonly name: string | null;
}

/**
 * What the system page says about control-flow integrity. The SYSPAGE layout of QNX 7.x and 8.x
 * has no field and no cpuinfo flag for Intel CET (shadow stack, IBT) or ARM BTI, so those can only
 * come from elsewhere (CPUID/ID registers through the addon, ELF marks, QNX documentation).
 */
export interface QnxCfiFacts {
  /** Always false: no SYSPAGE field or x86_64 cpuinfo flag describes CET. */
  readonly cetFlagInSyspage: false;
  /** Always false: no SYSPAGE field or AArch64 cpuinfo flag describes BTI. */
  readonly btiFlagInSyspage: false;
  /**
   * QNX 8.x AArch64 only: how many cpuinfo entries carry AARCH64_CPU_PAUTH (0x20000), the flag
   * startup sets for pointer authentication. null where that flag is not defined for the layout
   * (x86_64, QNX 7.x) or no cpuinfo was decoded (pidin asinfo text).
   */
  readonly pointerAuthCpus: number | null;
  /** One sentence for reports, saying the above. */
  readonly note: string;
}

export interface QnxSyspageInfo {
  readonly source: QnxInfoSource;
  /** The file the data came from, or a description such as "live system page"; null if not given. */
  readonly origin: string | null;
  readonly qnxVersion: QnxVersion;
  /** SYSPAGE type: 0x100 x86_64 / 0x101 aarch64 (7.x), 0x1100 / 0x1101 (8.x). */
  readonly type: number;
  readonly arch: QnxArch;
  /** syspage_entry.version (QNX 8.x, "Version=2.0" in pidin); null where absent. */
  readonly syspageVersion: { readonly major: number; readonly minor: number } | null;
  /** syspage_entry.size; null where pidin did not print it. */
  readonly headerSize: number | null;
  /** syspage_entry.total_size; null where pidin did not print it. */
  readonly totalSize: number | null;
  /** syspage_entry.num_cpu ("#Cpu" in pidin). */
  readonly numCpu: number;
  readonly asinfoSection: QnxSectionInfo;
  /** In section order. */
  readonly asinfo: readonly QnxAsinfoEntry[];
  /** null for pidin text, which carries no cpuinfo. */
  readonly cpuinfo: readonly QnxCpuInfoEntry[] | null;
  /** Sum of (end - start + 1) over the entries whose last path component is "sysram". */
  readonly usableMemoryBytes: bigint;
  /** How many entries went into usableMemoryBytes. */
  readonly sysramEntryCount: number;
  readonly cfi: QnxCfiFacts;
  /** Oddities that did not stop decoding (trailing bytes in a section, a printed path that disagrees with the owner chain). */
  readonly warnings: readonly string[];
}

/** A limit together with the words saying where it came from. */
export interface QnxSourcedValue<T> {
  readonly value: T;
  readonly source: string;
}

/** What `wrt-target probe` takes from a QNX system page. */
export interface QnxLimits {
  /** Total memory given to the OS to manage (sysram); null when the asinfo has no sysram entry. */
  readonly usableMemoryBytes: QnxSourcedValue<bigint> | null;
  readonly cpuCount: QnxSourcedValue<number>;
  /** Why a value is null, one line each. */
  readonly gaps: readonly string[];
  readonly cfi: QnxCfiFacts;
}
