/**
 * The plain objects the native addon (native/addon/) returns. The addon only gathers facts: raw
 * register values, raw auxv words, raw syscall results and errnos. Every interpretation (which bit
 * means shadow stack, what an errno means for the report) lives in TypeScript, where it is tested
 * against recorded values.
 */

/** A syscall that failed: the errno number and its symbolic name (EINVAL, EOPNOTSUPP, …). */
export interface ErrnoResult {
  readonly ok: false;
  readonly errno: number;
  readonly name: string;
}
export interface ValueResult<T> {
  readonly ok: true;
  readonly value: T;
}
export type SyscallResult<T> = ValueResult<T> | ErrnoResult;

export interface CpuidRegisters {
  readonly eax: number;
  readonly ebx: number;
  readonly ecx: number;
  readonly edx: number;
}

export interface X86Facts {
  readonly kind: 'x86_64';
  /** CPUID leaf 0 vendor string, e.g. "GenuineIntel", "AuthenticAMD". */
  readonly vendor: string;
  /** CPUID 0x80000002..4 brand string, trimmed; "" when the leaves are absent. */
  readonly brand: string;
  /** Display family/model/stepping from leaf 1, with the extended fields folded in. */
  readonly family: number;
  readonly model: number;
  readonly stepping: number;
  readonly maxLeaf: number;
  /** Leaf 1 registers (ECX bit 31 is the hypervisor-present bit); EBX without its per-core APIC id byte. */
  readonly leaf1: CpuidRegisters;
  /** Leaf 7 subleaf 0, or null when maxLeaf < 7. */
  readonly leaf7: CpuidRegisters | null;
  /** arch_prctl(ARCH_SHSTK_STATUS = 0x5005): feature bits, or the errno. Never ENABLE. */
  readonly shstkStatus: SyscallResult<number>;
}

export interface Arm64Facts {
  readonly kind: 'aarch64';
  /** getauxval(AT_HWCAP) and getauxval(AT_HWCAP2) as 64-bit values. */
  readonly hwcap: bigint;
  readonly hwcap2: bigint;
  /** prctl(PR_PAC_GET_ENABLED_KEYS = 61): key bitmask, or the errno. */
  readonly pacEnabledKeys: SyscallResult<number>;
}

/** What the addon's build could not know: an architecture it was not compiled for. */
export interface UnknownCpuFacts {
  readonly kind: 'unknown';
  /** Why nothing is known, e.g. "addon built for riscv64: no CPU feature probe". */
  readonly reason: string;
}

export type CpuFacts = X86Facts | Arm64Facts | UnknownCpuFacts;

/** One resource limit; null means RLIM_INFINITY. Values are bytes (or a count for NOFILE). */
export interface RlimitPair {
  readonly soft: bigint | null;
  readonly hard: bigint | null;
}

export interface Rlimits {
  readonly stack: SyscallResult<RlimitPair>;
  readonly as: SyscallResult<RlimitPair>;
  readonly data: SyscallResult<RlimitPair>;
  readonly nofile: SyscallResult<RlimitPair>;
}

export interface SystemFacts {
  /** sysinfo(2): totalram * mem_unit, in bytes; the errno where sysinfo is absent. */
  readonly totalRamBytes: SyscallResult<bigint>;
  readonly pageSize: number;
  /** sysconf(_SC_NPROCESSORS_ONLN). */
  readonly onlineCpus: number;
}

export interface NativeFacts {
  /** Compile-time target of the addon: "x86_64", "aarch64", … (not process.arch). */
  readonly arch: string;
  /** Compile-time OS: "linux", "qnx", … */
  readonly os: string;
  readonly cpu: CpuFacts;
  readonly rlimits: Rlimits;
  readonly system: SystemFacts;
  /**
   * On QNX only: a copy of the system page (`_syspage_ptr`, `total_size` bytes). It is decoded by
   * the same TypeScript parser that reads SYSPAGE dumps (ts/probe/qnx/), so the decoding rules live
   * in one place and are tested byte by byte. null on every other OS.
   */
  readonly qnxSyspage: Uint8Array | null;
}
