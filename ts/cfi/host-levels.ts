/**
 * Where a CFI feature stands on this host, at three levels:
 *
 *   hardware  the CPU implements it (x86: CPUID; arm64: the HWCAP words the kernel passes in auxv,
 *             the only view of the ID registers user space has)
 *   kernel    the kernel supports it for user processes (/proc/cpuinfo flags / Features)
 *   process   it is switched on for this process (arch_prctl / prctl results from the addon,
 *             /proc/self/status, /proc/self/smaps VmFlags)
 *
 * Every level is yes, no, unknown (with the reason the evidence is missing) or not applicable
 * (an Arm feature on an x86 host). Nothing is guessed: "no" is only said when a source says so,
 * or when a lower level is a definite "no" (a process cannot use what the kernel does not support).
 * This module is pure; the I/O that fills HostInputs lives in gather.ts.
 */
import type { Arm64Facts, NativeFacts, SyscallResult, X86Facts } from '../native/facts.js';

export type LevelState = 'yes' | 'no' | 'unknown' | 'not-applicable';
export type CfiLevel = 'hardware' | 'kernel' | 'process';
export const CFI_LEVELS: readonly CfiLevel[] = ['hardware', 'kernel', 'process'];

export interface LevelFinding {
  readonly state: LevelState;
  /** The evidence for yes/no, or the reason for unknown / not applicable. */
  readonly detail: string;
}

export type HostFeatureId = 'shstk' | 'ibt' | 'bti' | 'pac' | 'gcs' | 'mte';
export type FeatureFamily = 'x86' | 'arm64';

export interface HostFeature {
  readonly id: HostFeatureId;
  readonly family: FeatureFamily;
  readonly label: string;
  readonly hardware: LevelFinding;
  readonly kernel: LevelFinding;
  readonly process: LevelFinding;
}

/** A text file that was read, or the reason it could not be. */
export type TextSource =
  | { readonly path: string; readonly text: string }
  | { readonly path: string; readonly text: null; readonly reason: string };

export type FactsSource = { readonly facts: NativeFacts } | { readonly facts: null; readonly reason: string };

export interface HostInputs {
  /** Normalized host architecture ("x86_64", "aarch64", …), see normalizeArch. */
  readonly arch: string;
  readonly native: FactsSource;
  readonly cpuinfo: TextSource;
  readonly status: TextSource;
  /** /proc/self/smaps; only needed on arm64 (BTI guarded pages, GCS mappings). */
  readonly smaps: TextSource | null;
}

export interface HostReport {
  readonly arch: string;
  readonly family: FeatureFamily | null;
  /** "GenuineIntel, Intel(R) Xeon(R) … (family 6 model 143)", or what cpuinfo says. */
  readonly cpu: string;
  readonly features: readonly HostFeature[];
}

/** process.arch / uname names to the names used in reports. */
export function normalizeArch(arch: string): string {
  switch (arch) {
    case 'x64':
    case 'amd64':
      return 'x86_64';
    case 'arm64':
      return 'aarch64';
    case 'ia32':
      return 'i686';
    default:
      return arch;
  }
}

export function familyOf(arch: string): FeatureFamily | null {
  if (arch === 'x86_64' || arch === 'i686') return 'x86';
  if (arch === 'aarch64') return 'arm64';
  return null;
}

// ---------------------------------------------------------------------------------------------
// Text parsers

export interface CpuinfoSummary {
  /** x86 `flags` of the first processor; null when there is no such line. */
  readonly flags: ReadonlySet<string> | null;
  /** arm64 `Features` of the first processor. */
  readonly features: ReadonlySet<string> | null;
  readonly modelName: string | null;
}

export function parseCpuinfo(text: string): CpuinfoSummary {
  let flags: Set<string> | null = null;
  let features: Set<string> | null = null;
  let modelName: string | null = null;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (key === 'flags' && flags === null) flags = new Set(value.split(/\s+/).filter(Boolean));
    else if (key === 'Features' && features === null) features = new Set(value.split(/\s+/).filter(Boolean));
    else if (key === 'model name' && modelName === null) modelName = value;
  }
  return { flags, features, modelName };
}

export interface ThreadFeatures {
  /** `x86_Thread_features:` words; null when the kernel prints no such line. */
  readonly enabled: readonly string[] | null;
  readonly locked: readonly string[] | null;
}

export function parseThreadFeatures(status: string): ThreadFeatures {
  let enabled: string[] | null = null;
  let locked: string[] | null = null;
  for (const line of status.split('\n')) {
    const match = /^(x86_Thread_features(?:_locked)?):(.*)$/.exec(line);
    if (match === null) continue;
    const words = (match[2] ?? '').trim().split(/\s+/).filter(Boolean);
    if (match[1] === 'x86_Thread_features') enabled = words;
    else locked = words;
  }
  return { enabled, locked };
}

export interface SmapsSummary {
  readonly executableMappings: number;
  /** Executable mappings whose VmFlags carry `bt` (arm64 BTI guarded pages). */
  readonly btiGuarded: number;
  /** Mappings whose VmFlags carry `ss` (shadow stack / GCS). */
  readonly shadowStacks: number;
}

const SMAPS_HEADER = /^[0-9a-f]+-[0-9a-f]+\s+([r-][w-][x-][sp])\s/;

export function parseSmaps(text: string): SmapsSummary {
  let executableMappings = 0;
  let btiGuarded = 0;
  let shadowStacks = 0;
  let currentExecutable = false;
  for (const line of text.split('\n')) {
    const header = SMAPS_HEADER.exec(line);
    if (header !== null) {
      currentExecutable = (header[1] ?? '')[2] === 'x';
      if (currentExecutable) executableMappings += 1;
      continue;
    }
    if (!line.startsWith('VmFlags:')) continue;
    const flags = line.slice('VmFlags:'.length).trim().split(/\s+/);
    if (currentExecutable && flags.includes('bt')) btiGuarded += 1;
    if (flags.includes('ss')) shadowStacks += 1;
  }
  return { executableMappings, btiGuarded, shadowStacks };
}

// ---------------------------------------------------------------------------------------------
// Levels

const yes = (detail: string): LevelFinding => ({ state: 'yes', detail });
const no = (detail: string): LevelFinding => ({ state: 'no', detail });
const unknown = (detail: string): LevelFinding => ({ state: 'unknown', detail });
const notApplicable = (detail: string): LevelFinding => ({ state: 'not-applicable', detail });

function bit(value: number, n: number): boolean {
  return ((value >>> n) & 1) === 1;
}

function bigBit(value: bigint, n: number): boolean {
  return ((value >> BigInt(n)) & 1n) === 1n;
}

function hex(value: number | bigint): string {
  return `0x${value.toString(16)}`;
}

function describeErrno(result: SyscallResult<number>): string {
  return result.ok ? hex(result.value) : `${result.name} (errno ${result.errno})`;
}

type Sourced<T> = { readonly facts: T } | { readonly facts: null; readonly reason: string };

/** The addon's x86 facts, or why there are none. */
function x86FactsOf(native: FactsSource): Sourced<X86Facts> {
  if (native.facts === null) return { facts: null, reason: native.reason };
  const cpu = native.facts.cpu;
  if (cpu.kind === 'x86_64') return { facts: cpu };
  if (cpu.kind === 'unknown') return { facts: null, reason: `native addon: ${cpu.reason}` };
  return { facts: null, reason: `native addon reports a ${cpu.kind} CPU on an x86 host` };
}

function arm64FactsOf(native: FactsSource): Sourced<Arm64Facts> {
  if (native.facts === null) return { facts: null, reason: native.reason };
  const cpu = native.facts.cpu;
  if (cpu.kind === 'aarch64') return { facts: cpu };
  if (cpu.kind === 'unknown') return { facts: null, reason: `native addon: ${cpu.reason}` };
  return { facts: null, reason: `native addon reports a ${cpu.kind} CPU on an arm64 host` };
}

interface CpuinfoView {
  readonly summary: CpuinfoSummary | null;
  readonly unreadable: string | null;
}

function viewCpuinfo(source: TextSource): CpuinfoView {
  if (source.text === null) return { summary: null, unreadable: `${source.path} not readable: ${source.reason}` };
  return { summary: parseCpuinfo(source.text), unreadable: null };
}

/** Hardware level from CPUID, or, without the addon, a kernel flag that implies the CPUID bit. */
function x86Hardware(
  inputs: HostInputs,
  cpuinfo: CpuinfoView,
  cpuid: { register: 'ecx' | 'edx'; bit: number; name: string },
  impliedBy: readonly string[],
): LevelFinding {
  const source = x86FactsOf(inputs.native);
  if (source.facts !== null) {
    const leaf7 = source.facts.leaf7;
    if (leaf7 === null) return no(`CPUID maximum leaf ${source.facts.maxLeaf} < 7: the CPU has no structured feature leaf`);
    const set = bit(leaf7[cpuid.register], cpuid.bit);
    const where = `CPUID.(EAX=7,ECX=0):${cpuid.register.toUpperCase()}[bit ${cpuid.bit}] ${cpuid.name}`;
    return set ? yes(`${where} = 1`) : no(`${where} = 0`);
  }
  const flags = cpuinfo.summary?.flags ?? null;
  const seen = impliedBy.find((flag) => flags?.has(flag) === true);
  if (seen !== undefined) return yes(`/proc/cpuinfo lists \`${seen}\`, which the kernel sets only when CPUID reports ${cpuid.name}`);
  return unknown(source.reason);
}

function cpuinfoFlagLevel(cpuinfo: CpuinfoView, field: 'flags' | 'Features', flag: string, meaningYes: string, meaningNo: string): LevelFinding {
  if (cpuinfo.summary === null) return unknown(cpuinfo.unreadable ?? '/proc/cpuinfo not readable');
  const set = field === 'flags' ? cpuinfo.summary.flags : cpuinfo.summary.features;
  if (set === null) return unknown(`/proc/cpuinfo has no \`${field}\` line`);
  return set.has(flag) ? yes(`/proc/cpuinfo ${field} lists \`${flag}\`: ${meaningYes}`) : no(`/proc/cpuinfo ${field} has no \`${flag}\`: ${meaningNo}`);
}

/** A process cannot use what its kernel does not support; an unknown process level inherits a definite kernel "no". */
function cascade(kernel: LevelFinding, process: LevelFinding): LevelFinding {
  if (process.state === 'unknown' && kernel.state === 'no') return no(`the kernel does not support it (${kernel.detail})`);
  return process;
}

function x86ShadowStackProcess(inputs: HostInputs): LevelFinding {
  const source = x86FactsOf(inputs.native);
  let fromPrctl: LevelFinding | null = null;
  if (source.facts !== null) {
    const status = source.facts.shstkStatus;
    if (status.ok) {
      const bits = [bit(status.value, 0) ? 'SHSTK' : null, bit(status.value, 1) ? 'WRSS' : null].filter((b) => b !== null);
      const what = `arch_prctl(ARCH_SHSTK_STATUS) = ${hex(status.value)}${bits.length > 0 ? ` (${bits.join(', ')})` : ''}`;
      fromPrctl = bit(status.value, 0) ? yes(what) : no(`${what}: shadow stack is not enabled for this process`);
    } else if (status.name === 'EINVAL') {
      fromPrctl = no(`arch_prctl(ARCH_SHSTK_STATUS) failed with ${describeErrno(status)}: the kernel has no user shadow stack support`);
    }
  }
  let fromStatus: LevelFinding | null = null;
  if (inputs.status.text !== null) {
    const thread = parseThreadFeatures(inputs.status.text);
    if (thread.enabled === null) {
      fromStatus = no('/proc/self/status has no x86_Thread_features line: the kernel has no user shadow stack support');
    } else {
      const locked = thread.locked !== null && thread.locked.length > 0 ? `, locked: ${thread.locked.join(' ')}` : '';
      const list = thread.enabled.length > 0 ? thread.enabled.join(' ') : '(none)';
      fromStatus = thread.enabled.includes('shstk')
        ? yes(`/proc/self/status x86_Thread_features: ${list}${locked}`)
        : no(`/proc/self/status x86_Thread_features: ${list}${locked}: shadow stack not enabled`);
    }
  }
  if (fromPrctl !== null && fromStatus !== null) {
    if (fromPrctl.state !== fromStatus.state) return unknown(`sources disagree: ${fromPrctl.detail}; ${fromStatus.detail}`);
    return { state: fromPrctl.state, detail: `${fromPrctl.detail}; ${fromStatus.detail}` };
  }
  if (fromPrctl !== null) return fromPrctl;
  if (fromStatus !== null) return fromStatus;
  const reasons = [source.facts === null ? source.reason : `arch_prctl(ARCH_SHSTK_STATUS) failed with ${describeErrno(source.facts.shstkStatus)}`];
  if (inputs.status.text === null) reasons.push(`${inputs.status.path} not readable: ${inputs.status.reason}`);
  return unknown(reasons.join('; '));
}

function x86IbtProcess(inputs: HostInputs): LevelFinding {
  if (inputs.status.text === null) return unknown(`${inputs.status.path} not readable: ${inputs.status.reason}`);
  const thread = parseThreadFeatures(inputs.status.text);
  if (thread.enabled === null) {
    return no('/proc/self/status has no x86_Thread_features line: the kernel enables no user-space CET feature');
  }
  const list = thread.enabled.length > 0 ? thread.enabled.join(' ') : '(none)';
  return thread.enabled.includes('ibt')
    ? yes(`/proc/self/status x86_Thread_features: ${list}`)
    : no(`/proc/self/status x86_Thread_features: ${list}: user-space IBT not enabled (upstream Linux enables IBT for the kernel only)`);
}

function x86Features(inputs: HostInputs): HostFeature[] {
  const cpuinfo = viewCpuinfo(inputs.cpuinfo);
  const shstkKernel = cpuinfoFlagLevel(
    cpuinfo,
    'flags',
    'user_shstk',
    'the kernel supports user-space shadow stacks on this CPU',
    'the kernel does not offer user-space shadow stacks (built without CONFIG_X86_USER_SHADOW_STACK, booted with nousershstk, or the CPU lacks them)',
  );
  const ibtKernel = cpuinfoFlagLevel(
    cpuinfo,
    'flags',
    'ibt',
    'the kernel runs with IBT enabled (upstream Linux uses IBT for kernel code; user-space IBT is not offered)',
    'the kernel does not use IBT (built without CONFIG_X86_KERNEL_IBT, booted with ibt=off, or the CPU lacks it)',
  );
  return [
    {
      id: 'shstk',
      family: 'x86',
      label: 'shadow stack (CET SHSTK)',
      hardware: x86Hardware(inputs, cpuinfo, { register: 'ecx', bit: 7, name: 'CET_SS' }, ['user_shstk', 'shstk']),
      kernel: shstkKernel,
      process: cascade(shstkKernel, x86ShadowStackProcess(inputs)),
    },
    {
      id: 'ibt',
      family: 'x86',
      label: 'indirect branch tracking (CET IBT)',
      hardware: x86Hardware(inputs, cpuinfo, { register: 'edx', bit: 20, name: 'CET_IBT' }, ['ibt']),
      kernel: ibtKernel,
      process: cascade(ibtKernel, x86IbtProcess(inputs)),
    },
  ];
}

interface HwcapBit {
  readonly word: 'hwcap' | 'hwcap2';
  readonly bit: number;
  readonly name: string;
}

function arm64Hardware(inputs: HostInputs, cpuinfo: CpuinfoView, wanted: readonly HwcapBit[], cpuinfoName: string): LevelFinding {
  const source = arm64FactsOf(inputs.native);
  if (source.facts !== null) {
    const facts = source.facts;
    const parts = wanted.map((w) => `${w.word === 'hwcap' ? 'AT_HWCAP' : 'AT_HWCAP2'} bit ${w.bit} (${w.name}) = ${bigBit(facts[w.word], w.bit) ? 1 : 0}`);
    const first = wanted[0];
    const set = first !== undefined && bigBit(facts[first.word], first.bit);
    return set ? yes(parts.join(', ')) : no(parts.join(', '));
  }
  if (cpuinfo.summary?.features?.has(cpuinfoName) === true) {
    return yes(`/proc/cpuinfo Features lists \`${cpuinfoName}\` (the kernel sets it from the CPU ID registers)`);
  }
  return unknown(source.reason);
}

const PAC_KEYS: readonly [number, string][] = [
  [1, 'APIA'],
  [2, 'APIB'],
  [4, 'APDA'],
  [8, 'APDB'],
];

function arm64PacProcess(inputs: HostInputs): LevelFinding {
  const source = arm64FactsOf(inputs.native);
  if (source.facts === null) return unknown(source.reason);
  const keys = source.facts.pacEnabledKeys;
  if (!keys.ok) {
    if (keys.name === 'EINVAL') return no(`prctl(PR_PAC_GET_ENABLED_KEYS) failed with ${describeErrno(keys)}: the kernel has no pointer authentication support`);
    return unknown(`prctl(PR_PAC_GET_ENABLED_KEYS) failed with ${describeErrno(keys)}`);
  }
  const names = PAC_KEYS.filter(([mask]) => (keys.value & mask) !== 0).map(([, name]) => name);
  const what = `prctl(PR_PAC_GET_ENABLED_KEYS) = ${hex(keys.value)} (${names.length > 0 ? names.join(' ') : 'no keys'})`;
  // pac-ret signs return addresses with an instruction key (A by default, B with +b-key).
  return (keys.value & 0x3) !== 0 ? yes(what) : no(`${what}: no instruction key is enabled`);
}

function smapsView(inputs: HostInputs): SmapsSummary | string {
  if (inputs.smaps === null) return '/proc/self/smaps was not read';
  if (inputs.smaps.text === null) return `${inputs.smaps.path} not readable: ${inputs.smaps.reason}`;
  return parseSmaps(inputs.smaps.text);
}

function arm64BtiProcess(inputs: HostInputs): LevelFinding {
  const smaps = smapsView(inputs);
  if (typeof smaps === 'string') return unknown(`BTI is enforced per mapping (PROT_BTI), shown as VmFlags \`bt\`; ${smaps}`);
  const counts = `${smaps.btiGuarded} of ${smaps.executableMappings} executable mappings carry VmFlags \`bt\``;
  if (smaps.executableMappings > 0 && smaps.btiGuarded === smaps.executableMappings) return yes(counts);
  if (smaps.btiGuarded === 0) return no(counts);
  return no(`${counts}: unguarded code accepts indirect branches anywhere`);
}

function arm64GcsProcess(inputs: HostInputs): LevelFinding {
  const smaps = smapsView(inputs);
  if (typeof smaps === 'string') return unknown(`the addon does not query PR_GET_SHADOW_STACK_STATUS; ${smaps}`);
  return smaps.shadowStacks > 0
    ? yes(`${smaps.shadowStacks} mapping(s) carry VmFlags \`ss\` (guarded control stack)`)
    : no('no mapping carries VmFlags `ss`: no guarded control stack is allocated');
}

function arm64Features(inputs: HostInputs): HostFeature[] {
  const cpuinfo = viewCpuinfo(inputs.cpuinfo);
  const kernel = (flag: string, what: string): LevelFinding =>
    cpuinfoFlagLevel(cpuinfo, 'Features', flag, `the kernel supports ${what} for user space`, `the kernel does not offer ${what} (not built in, disabled, or the CPU lacks it)`);
  const btiKernel = kernel('bti', 'BTI');
  const pacKernel = kernel('paca', 'address authentication');
  const gcsKernel = kernel('gcs', 'the guarded control stack');
  const mteKernel = kernel('mte', 'memory tagging');
  return [
    {
      id: 'bti',
      family: 'arm64',
      label: 'branch target identification (BTI)',
      hardware: arm64Hardware(inputs, cpuinfo, [{ word: 'hwcap2', bit: 17, name: 'HWCAP2_BTI' }], 'bti'),
      kernel: btiKernel,
      process: cascade(btiKernel, arm64BtiProcess(inputs)),
    },
    {
      id: 'pac',
      family: 'arm64',
      label: 'pointer authentication (PAC)',
      hardware: arm64Hardware(
        inputs,
        cpuinfo,
        [
          { word: 'hwcap', bit: 30, name: 'HWCAP_PACA' },
          { word: 'hwcap', bit: 31, name: 'HWCAP_PACG' },
        ],
        'paca',
      ),
      kernel: pacKernel,
      process: cascade(pacKernel, arm64PacProcess(inputs)),
    },
    {
      id: 'gcs',
      family: 'arm64',
      label: 'guarded control stack (GCS)',
      hardware: arm64Hardware(inputs, cpuinfo, [{ word: 'hwcap', bit: 32, name: 'HWCAP_GCS' }], 'gcs'),
      kernel: gcsKernel,
      process: cascade(gcsKernel, arm64GcsProcess(inputs)),
    },
    {
      id: 'mte',
      family: 'arm64',
      label: 'memory tagging (MTE, optional)',
      hardware: arm64Hardware(inputs, cpuinfo, [{ word: 'hwcap2', bit: 18, name: 'HWCAP2_MTE' }], 'mte'),
      kernel: mteKernel,
      process: cascade(mteKernel, unknown('the tag-check mode is per thread (PR_GET_TAGGED_ADDR_CTRL) and the addon does not query it')),
    },
  ];
}

function notApplicableFeatures(family: FeatureFamily, arch: string): HostFeature[] {
  const reason = `host is ${arch}; ${family === 'x86' ? 'CET is an x86 feature' : 'BTI, PAC, GCS and MTE are Arm features'}`;
  const all = notApplicable(reason);
  const ids: readonly [HostFeatureId, string][] =
    family === 'x86'
      ? [
          ['shstk', 'shadow stack (CET SHSTK)'],
          ['ibt', 'indirect branch tracking (CET IBT)'],
        ]
      : [
          ['bti', 'branch target identification (BTI)'],
          ['pac', 'pointer authentication (PAC)'],
          ['gcs', 'guarded control stack (GCS)'],
          ['mte', 'memory tagging (MTE, optional)'],
        ];
  return ids.map(([id, label]) => ({ id, family, label, hardware: all, kernel: all, process: all }));
}

function describeCpu(inputs: HostInputs): string {
  const facts = inputs.native.facts;
  if (facts !== null && facts.cpu.kind === 'x86_64') {
    const c = facts.cpu;
    const brand = c.brand !== '' ? `, ${c.brand}` : '';
    return `${c.vendor}${brand} (family ${c.family} model ${c.model} stepping ${c.stepping})`;
  }
  if (inputs.cpuinfo.text !== null) {
    const model = parseCpuinfo(inputs.cpuinfo.text).modelName;
    if (model !== null) return model;
  }
  return facts !== null && facts.cpu.kind === 'aarch64' ? 'AArch64 CPU' : 'unknown CPU';
}

/** The three levels of every CFI feature of both families; the other family is not applicable. */
export function assessHost(inputs: HostInputs): HostReport {
  const family = familyOf(inputs.arch);
  const features =
    family === 'x86'
      ? [...x86Features(inputs), ...notApplicableFeatures('arm64', inputs.arch)]
      : family === 'arm64'
        ? [...notApplicableFeatures('x86', inputs.arch), ...arm64Features(inputs)]
        : [...notApplicableFeatures('x86', inputs.arch), ...notApplicableFeatures('arm64', inputs.arch)];
  return { arch: inputs.arch, family, cpu: describeCpu(inputs), features };
}
