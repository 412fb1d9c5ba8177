/**
 * Host inputs for the host-level and verdict tests.
 *
 * AMD_*: recorded on the development VM (AMD EPYC, Zen 3, kernel without user shadow stack
 * support): the addon's CPU facts, the first processor block of /proc/cpuinfo and the top of
 * /proc/self/status.
 *
 * INTEL_CET_*, ARM64_*: no such machine is available here, so these are built by hand in the
 * formats the kernel prints and with the bit positions of the Intel SDM (CPUID leaf 7) and the
 * Linux arm64 ABI (AT_HWCAP/AT_HWCAP2, PR_PAC_GET_ENABLED_KEYS). They are not captures.
 */
import type { CpuFacts, NativeFacts, X86Facts } from '../../ts/native/facts.js';
import type { HostInputs } from '../../ts/cfi/host-levels.js';

export function nativeFacts(arch: string, cpu: CpuFacts): NativeFacts {
  const unlimited = { ok: true as const, value: { soft: null, hard: null } };
  return {
    arch,
    os: 'linux',
    cpu,
    rlimits: { stack: unlimited, as: unlimited, data: unlimited, nofile: unlimited },
    system: { totalRamBytes: { ok: true, value: 8n << 30n }, pageSize: 4096, onlineCpus: 2 },
    qnxSyspage: null,
  };
}

export const AMD_CPU: X86Facts = {
  kind: 'x86_64',
  vendor: 'AuthenticAMD',
  brand: 'AMD EPYC',
  family: 25,
  model: 1,
  stepping: 1,
  maxLeaf: 16,
  leaf1: { eax: 10489617, ebx: 16910336, ecx: 4294586883, edx: 395049983 },
  leaf7: { eax: 0, ebx: 563873707, ecx: 4195996, edx: 2281701392 },
  shstkStatus: { ok: false, errno: 22, name: 'EINVAL' },
};
export const AMD_FACTS = nativeFacts('x86_64', AMD_CPU);

export const AMD_CPUINFO = `processor	: 0
vendor_id	: AuthenticAMD
cpu family	: 25
model		: 1
model name	: AMD EPYC
stepping	: 1
microcode	: 0x1000065
cpuid level	: 16
wp		: yes
flags		: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid extd_apicid tsc_known_freq pni pclmulqdq ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm cmp_legacy cr8_legacy abm sse4a misalignsse 3dnowprefetch osvw topoext ssbd ibrs ibpb stibp vmmcall fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid rdseed adx smap clflushopt clwb sha_ni xsaveopt xsavec xgetbv1 xsaves clzero xsaveerptr wbnoinvd arat umip pku ospke vaes vpclmulqdq rdpid fsrm
bugs		: sysret_ss_attrs spectre_v1 spectre_v2 spec_store_bypass srso ibpb_no_ret spectre_v2_user
bogomips	: 4890.80
`;

export const AMD_STATUS = `Name:	node
Umask:	0022
State:	R (running)
Tgid:	20800
Pid:	20800
VmPeak:	  1182480 kB
Threads:	7
NoNewPrivs:	0
Seccomp:	0
Speculation_Store_Bypass:	thread vulnerable
SpeculationIndirectBranch:	conditional enabled
Cpus_allowed_list:	0-1
`;

/** Leaf 7 with CET_SS (ECX bit 7) and CET_IBT (EDX bit 20) set, as on Tiger Lake and later. */
export const INTEL_CET_FACTS = nativeFacts('x86_64', {
  kind: 'x86_64',
  vendor: 'GenuineIntel',
  brand: 'Intel(R) Core(TM) CET-capable test CPU',
  family: 6,
  model: 140,
  stepping: 1,
  maxLeaf: 27,
  leaf1: { eax: 0x806c1, ebx: 0, ecx: 0xfeda3203, edx: 0x178bfbff },
  leaf7: { eax: 0, ebx: 0xf2bf27ef, ecx: 0x40bfe7be | (1 << 7), edx: (0xfc100410 | (1 << 20)) >>> 0 },
  shstkStatus: { ok: true, value: 0b01 },
});

export const INTEL_CET_CPUINFO = `processor	: 0
vendor_id	: GenuineIntel
cpu family	: 6
model		: 140
model name	: Intel(R) Core(TM) CET-capable test CPU
flags		: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc art arch_perfmon pebs bts rep_good nopl xtopology nonstop_tsc cpuid aperfmperf tsc_known_freq pni pclmulqdq dtes64 monitor ds_cpl vmx est tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand lahf_lm abm 3dnowprefetch cpuid_fault epb cat_l2 cdp_l2 ssbd ibrs ibpb stibp ibrs_enhanced tpr_shadow flexpriority ept vpid ept_ad fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid rdt_a avx512f avx512dq rdseed adx smap avx512ifma clflushopt clwb intel_pt avx512cd sha_ni avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves split_lock_detect user_shstk dtherm ida arat pln pts hwp hwp_notify hwp_act_window hwp_epp hwp_pkg_req vnmi avx512vbmi umip pku ospke avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg avx512_vpopcntdq rdpid movdiri movdir64b fsrm avx512_vp2intersect md_clear ibt flush_l1d arch_capabilities
`;

export const INTEL_CET_STATUS = `Name:	node
State:	R (running)
Pid:	4242
x86_Thread_features:	shstk 
x86_Thread_features_locked:	shstk 
Cpus_allowed_list:	0-7
`;

const HWCAP_PACA = 1n << 30n;
const HWCAP_PACG = 1n << 31n;
const HWCAP2_BTI = 1n << 17n;

/** An Armv8.5-A class machine: PACA, PACG and BTI reported, all four PAC keys enabled. */
export const ARM64_BTI_PAC_FACTS = nativeFacts('aarch64', {
  kind: 'aarch64',
  hwcap: 0xefffn | HWCAP_PACA | HWCAP_PACG,
  hwcap2: 0x2n | HWCAP2_BTI,
  pacEnabledKeys: { ok: true, value: 0xf },
});

export const ARM64_BTI_PAC_CPUINFO = `processor	: 0
BogoMIPS	: 50.00
Features	: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm jscvt fcma lrcpc dcpop sha3 asimddp sha512 asimdfhm dit uscat ilrcpc flagm ssbs sb paca pacg dcpodp flagm2 frint bti
CPU implementer	: 0x41
CPU architecture: 8
CPU variant	: 0x1
CPU part	: 0xd40
CPU revision	: 1
`;

/** /proc/self/smaps of a process whose executable mappings are all BTI guarded. */
export const ARM64_BTI_SMAPS = `aaaab0000000-aaaab0100000 r-xp 00000000 08:01 123 /usr/bin/node
Size:               1024 kB
VmFlags: rd ex mr mw me bt
aaaab0100000-aaaab0110000 r--p 00100000 08:01 123 /usr/bin/node
VmFlags: rd mr mw me
ffff80000000-ffff80100000 r-xp 00000000 08:01 456 /usr/lib/aarch64-linux-gnu/libc.so.6
VmFlags: rd ex mr mw me bt
ffff90000000-ffff90001000 r-xp 00000000 00:00 0 [vdso]
VmFlags: rd ex mr mw me de bt
`;

/** A Cortex-A72 (Armv8.0-A) board: /proc/cpuinfo Features and AT_HWCAP of a Raspberry Pi 4. */
export const ARM64_PLAIN_FACTS = nativeFacts('aarch64', {
  kind: 'aarch64',
  hwcap: 0x887n,
  hwcap2: 0n,
  pacEnabledKeys: { ok: false, errno: 22, name: 'EINVAL' },
});

export const ARM64_PLAIN_CPUINFO = `processor	: 0
BogoMIPS	: 108.00
Features	: fp asimd evtstrm crc32 cpuid
CPU implementer	: 0x41
CPU architecture: 8
CPU variant	: 0x0
CPU part	: 0xd08
CPU revision	: 3
`;

export const ARM64_PLAIN_SMAPS = `aaaab0000000-aaaab0100000 r-xp 00000000 08:01 123 /usr/bin/node
VmFlags: rd ex mr mw me
ffff90000000-ffff90001000 r-xp 00000000 00:00 0 [vdso]
VmFlags: rd ex mr mw me de
`;

export const ARM64_STATUS = `Name:	node
State:	R (running)
Pid:	77
`;

export function inputs(arch: string, facts: NativeFacts | null, cpuinfo: string, status: string, smaps: string | null = null): HostInputs {
  return {
    arch,
    native: facts === null ? { facts: null, reason: 'native addon not loadable (run `npm run build:addon`): Cannot find module' } : { facts },
    cpuinfo: { path: '/proc/cpuinfo', text: cpuinfo },
    status: { path: '/proc/self/status', text: status },
    smaps: smaps === null ? null : { path: '/proc/self/smaps', text: smaps },
  };
}
