import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatherHost } from '../../ts/cfi/gather.js';
import {
  assessHost,
  type HostFeature,
  type HostFeatureId,
  type HostReport,
  type LevelState,
  normalizeArch,
  parseCpuinfo,
  parseSmaps,
  parseThreadFeatures,
} from '../../ts/cfi/host-levels.js';
import { loadAddon } from '../../ts/native/load.js';
import {
  AMD_CPU,
  AMD_CPUINFO,
  AMD_FACTS,
  AMD_STATUS,
  ARM64_BTI_PAC_CPUINFO,
  ARM64_BTI_PAC_FACTS,
  ARM64_BTI_SMAPS,
  ARM64_PLAIN_CPUINFO,
  ARM64_PLAIN_FACTS,
  ARM64_PLAIN_SMAPS,
  ARM64_STATUS,
  INTEL_CET_CPUINFO,
  INTEL_CET_FACTS,
  INTEL_CET_STATUS,
  inputs,
  nativeFacts,
} from './host-records.js';
import { run, Scratch } from './toolchain.js';

function feature(report: HostReport, id: HostFeatureId): HostFeature {
  const f = report.features.find((x) => x.id === id);
  if (f === undefined) throw new Error(`no feature ${id}`);
  return f;
}

function states(report: HostReport, id: HostFeatureId): [LevelState, LevelState, LevelState] {
  const f = feature(report, id);
  return [f.hardware.state, f.kernel.state, f.process.state];
}

describe('text parsers', () => {
  it('reads the first processor block of /proc/cpuinfo', () => {
    const c = parseCpuinfo(AMD_CPUINFO + '\nprocessor\t: 1\nflags\t\t: other\n');
    expect(c.modelName).toBe('AMD EPYC');
    expect(c.flags?.has('pku')).toBe(true);
    expect(c.flags?.has('other')).toBe(false);
    expect(c.features).toBeNull();
    expect(parseCpuinfo(ARM64_PLAIN_CPUINFO).features).toEqual(new Set(['fp', 'asimd', 'evtstrm', 'crc32', 'cpuid']));
  });

  it('reads x86_Thread_features and the locked line, trailing spaces included', () => {
    expect(parseThreadFeatures(INTEL_CET_STATUS)).toEqual({ enabled: ['shstk'], locked: ['shstk'] });
    expect(parseThreadFeatures('x86_Thread_features:\t\nx86_Thread_features_locked:\t\n')).toEqual({ enabled: [], locked: [] });
    expect(parseThreadFeatures(AMD_STATUS)).toEqual({ enabled: null, locked: null });
  });

  it('counts BTI-guarded executable mappings and shadow stack mappings in smaps', () => {
    expect(parseSmaps(ARM64_BTI_SMAPS)).toEqual({ executableMappings: 3, btiGuarded: 3, shadowStacks: 0 });
    expect(parseSmaps(ARM64_PLAIN_SMAPS)).toEqual({ executableMappings: 2, btiGuarded: 0, shadowStacks: 0 });
    expect(parseSmaps('7f0000000000-7f0000001000 rw-p 00000000 00:00 0\nVmFlags: rd wr mr mw me ac ss\n').shadowStacks).toBe(1);
  });

  it('normalizes node architecture names', () => {
    expect(['x64', 'arm64', 'ia32', 'riscv64'].map(normalizeArch)).toEqual(['x86_64', 'aarch64', 'i686', 'riscv64']);
  });
});

describe('recorded hosts', () => {
  it('AMD EPYC VM (this machine type): shadow stack in CPUID only, no IBT, nothing in the kernel', () => {
    const report = assessHost(inputs('x86_64', AMD_FACTS, AMD_CPUINFO, AMD_STATUS));
    expect(report.family).toBe('x86');
    expect(report.cpu).toBe('AuthenticAMD, AMD EPYC (family 25 model 1 stepping 1)');
    expect(states(report, 'shstk')).toEqual(['yes', 'no', 'no']);
    expect(states(report, 'ibt')).toEqual(['no', 'no', 'no']);
    expect(feature(report, 'shstk').hardware.detail).toBe('CPUID.(EAX=7,ECX=0):ECX[bit 7] CET_SS = 1');
    expect(feature(report, 'ibt').hardware.detail).toBe('CPUID.(EAX=7,ECX=0):EDX[bit 20] CET_IBT = 0');
    expect(feature(report, 'shstk').process.detail).toContain('arch_prctl(ARCH_SHSTK_STATUS) failed with EINVAL (errno 22)');
    for (const id of ['bti', 'pac', 'gcs', 'mte'] as const) {
      expect(states(report, id)).toEqual(['not-applicable', 'not-applicable', 'not-applicable']);
      expect(feature(report, id).hardware.detail).toBe('host is x86_64; BTI, PAC, GCS and MTE are Arm features');
    }
  });

  it('Intel CET machine with kernel support and an enabled process', () => {
    const report = assessHost(inputs('x86_64', INTEL_CET_FACTS, INTEL_CET_CPUINFO, INTEL_CET_STATUS));
    expect(states(report, 'shstk')).toEqual(['yes', 'yes', 'yes']);
    expect(feature(report, 'shstk').process.detail).toBe(
      'arch_prctl(ARCH_SHSTK_STATUS) = 0x1 (SHSTK); /proc/self/status x86_Thread_features: shstk, locked: shstk',
    );
    // Linux runs IBT for its own code; no process gets user-space IBT.
    expect(states(report, 'ibt')).toEqual(['yes', 'yes', 'no']);
    expect(feature(report, 'ibt').process.detail).toContain('user-space IBT not enabled');
  });

  it('arm64 machine with BTI and PAC', () => {
    const report = assessHost(inputs('aarch64', ARM64_BTI_PAC_FACTS, ARM64_BTI_PAC_CPUINFO, ARM64_STATUS, ARM64_BTI_SMAPS));
    expect(report.family).toBe('arm64');
    expect(states(report, 'bti')).toEqual(['yes', 'yes', 'yes']);
    expect(states(report, 'pac')).toEqual(['yes', 'yes', 'yes']);
    expect(feature(report, 'pac').hardware.detail).toBe('AT_HWCAP bit 30 (HWCAP_PACA) = 1, AT_HWCAP bit 31 (HWCAP_PACG) = 1');
    expect(feature(report, 'pac').process.detail).toBe('prctl(PR_PAC_GET_ENABLED_KEYS) = 0xf (APIA APIB APDA APDB)');
    expect(feature(report, 'bti').process.detail).toBe('3 of 3 executable mappings carry VmFlags `bt`');
    expect(states(report, 'gcs')).toEqual(['no', 'no', 'no']);
    expect(states(report, 'mte')).toEqual(['no', 'no', 'no']);
    expect(states(report, 'shstk')).toEqual(['not-applicable', 'not-applicable', 'not-applicable']);
  });

  it('arm64 machine without BTI or PAC (Cortex-A72)', () => {
    const report = assessHost(inputs('aarch64', ARM64_PLAIN_FACTS, ARM64_PLAIN_CPUINFO, ARM64_STATUS, ARM64_PLAIN_SMAPS));
    expect(states(report, 'bti')).toEqual(['no', 'no', 'no']);
    expect(states(report, 'pac')).toEqual(['no', 'no', 'no']);
    expect(feature(report, 'pac').process.detail).toContain('PR_PAC_GET_ENABLED_KEYS) failed with EINVAL');
    expect(feature(report, 'bti').process.detail).toBe('0 of 2 executable mappings carry VmFlags `bt`');
  });

  it('an unknown process level follows a definite kernel "no"', () => {
    const report = assessHost(inputs('aarch64', ARM64_PLAIN_FACTS, ARM64_PLAIN_CPUINFO, ARM64_STATUS, null));
    expect(feature(report, 'bti').process).toEqual({
      state: 'no',
      detail: 'the kernel does not support it (/proc/cpuinfo Features has no `bti`: the kernel does not offer BTI (not built in, disabled, or the CPU lacks it))',
    });
    expect(feature(report, 'mte').process.state).toBe('no');
  });

  it('a BTI kernel where only some executable mappings are guarded is not a protected process', () => {
    const mixed = ARM64_BTI_SMAPS + 'ffffa0000000-ffffa0100000 r-xp 00000000 08:01 789 /opt/legacy.so\nVmFlags: rd ex mr mw me\n';
    const report = assessHost(inputs('aarch64', ARM64_BTI_PAC_FACTS, ARM64_BTI_PAC_CPUINFO, ARM64_STATUS, mixed));
    expect(feature(report, 'bti').process).toEqual({
      state: 'no',
      detail: '3 of 4 executable mappings carry VmFlags `bt`: unguarded code accepts indirect branches anywhere',
    });
  });
});

describe('missing evidence is unknown, never guessed', () => {
  it('no addon: hardware unknown with the loader reason, kernel and process still from /proc', () => {
    const report = assessHost(inputs('x86_64', null, AMD_CPUINFO, AMD_STATUS));
    expect(feature(report, 'shstk').hardware).toEqual({
      state: 'unknown',
      detail: 'native addon not loadable (run `npm run build:addon`): Cannot find module',
    });
    expect(states(report, 'shstk')).toEqual(['unknown', 'no', 'no']);
    expect(states(report, 'ibt')).toEqual(['unknown', 'no', 'no']);
  });

  it('no addon, but the kernel lists user_shstk: the kernel only sets it when CPUID has the bit', () => {
    const report = assessHost(inputs('x86_64', null, INTEL_CET_CPUINFO, INTEL_CET_STATUS));
    expect(states(report, 'shstk')).toEqual(['yes', 'yes', 'yes']);
    expect(feature(report, 'shstk').hardware.detail).toContain('/proc/cpuinfo lists `user_shstk`');
    expect(feature(report, 'shstk').process.detail).toBe('/proc/self/status x86_Thread_features: shstk, locked: shstk');
  });

  it('an addon built without a CPU probe reports its reason', () => {
    const facts = nativeFacts('x86_64', { kind: 'unknown', reason: 'addon built for riscv64: no CPU feature probe' });
    const report = assessHost(inputs('x86_64', facts, AMD_CPUINFO, AMD_STATUS));
    expect(feature(report, 'ibt').hardware).toEqual({ state: 'unknown', detail: 'native addon: addon built for riscv64: no CPU feature probe' });
  });

  it('unreadable /proc files make kernel and process unknown', () => {
    const report = assessHost({
      arch: 'x86_64',
      native: { facts: nativeFacts('x86_64', { ...AMD_CPU, shstkStatus: { ok: false, errno: 1, name: 'EPERM' } }) },
      cpuinfo: { path: '/proc/cpuinfo', text: null, reason: 'EACCES: permission denied' },
      status: { path: '/proc/self/status', text: null, reason: 'ENOENT: no such file' },
      smaps: null,
    });
    expect(feature(report, 'shstk').kernel).toEqual({ state: 'unknown', detail: '/proc/cpuinfo not readable: EACCES: permission denied' });
    expect(feature(report, 'shstk').process).toEqual({
      state: 'unknown',
      detail: 'arch_prctl(ARCH_SHSTK_STATUS) failed with EPERM (errno 1); /proc/self/status not readable: ENOENT: no such file',
    });
    expect(feature(report, 'ibt').process.state).toBe('unknown');
  });

  it('arch_prctl and /proc/self/status disagreeing is unknown', () => {
    const report = assessHost(inputs('x86_64', INTEL_CET_FACTS, INTEL_CET_CPUINFO, 'x86_Thread_features:\t\n'));
    expect(feature(report, 'shstk').process.state).toBe('unknown');
    expect(feature(report, 'shstk').process.detail).toMatch(/^sources disagree: /);
  });

  it('arm64 without smaps: BTI process level unknown, with the reason', () => {
    const report = assessHost(inputs('aarch64', ARM64_BTI_PAC_FACTS, ARM64_BTI_PAC_CPUINFO, ARM64_STATUS, null));
    expect(feature(report, 'bti').process).toEqual({
      state: 'unknown',
      detail: 'BTI is enforced per mapping (PROT_BTI), shown as VmFlags `bt`; /proc/self/smaps was not read',
    });
  });

  it('a host of another architecture has no applicable feature', () => {
    const report = assessHost(inputs('riscv64', null, 'processor\t: 0\nisa\t\t: rv64imafdc\n', ARM64_STATUS));
    expect(report.family).toBeNull();
    expect(report.features.every((f) => f.hardware.state === 'not-applicable' && f.process.state === 'not-applicable')).toBe(true);
  });
});

describe('this machine, against independent sources', () => {
  const scratch = new Scratch('cpuid');
  let cpuid: { ss: boolean; ibt: boolean } | null = null;

  beforeAll(() => {
    if (process.arch !== 'x64') return;
    // A second CPUID reader, compiled here, independent of the addon.
    scratch.write(
      'cpuid.c',
      '#include <cpuid.h>\n#include <stdio.h>\nint main(void){unsigned a,b,c,d; if(__get_cpuid_max(0,0)<7){puts("0 0");return 0;} __cpuid_count(7,0,a,b,c,d); printf("%u %u\\n",(c>>7)&1,(d>>20)&1); return 0;}\n',
    );
    run('gcc', ['-O1', '-o', 'cpuid', 'cpuid.c'], scratch.dir);
    const [ss, ibt] = run(scratch.path('cpuid'), []).trim().split(' ');
    cpuid = { ss: ss === '1', ibt: ibt === '1' };
  });
  afterAll(() => scratch.dispose());

  it.runIf(process.arch === 'x64')('x86-64: hardware from CPUID, kernel from cpuinfo flags, process from our own status', async () => {
    const gathered = await gatherHost();
    const report = assessHost(gathered.inputs);
    const flags = parseCpuinfo(readFileSync('/proc/cpuinfo', 'utf8')).flags ?? new Set<string>();
    const thread = parseThreadFeatures(readFileSync('/proc/self/status', 'utf8'));
    const yn = (b: boolean): LevelState => (b ? 'yes' : 'no');
    if (cpuid === null) throw new Error('cpuid helper did not run');
    if (loadAddon().loaded) {
      expect(feature(report, 'shstk').hardware.state).toBe(yn(cpuid.ss));
      expect(feature(report, 'ibt').hardware.state).toBe(yn(cpuid.ibt));
    } else {
      expect(feature(report, 'shstk').hardware.state).toBe(flags.has('user_shstk') ? 'yes' : 'unknown');
    }
    expect(feature(report, 'shstk').kernel.state).toBe(yn(flags.has('user_shstk')));
    expect(feature(report, 'ibt').kernel.state).toBe(yn(flags.has('ibt')));
    expect(feature(report, 'shstk').process.state).toBe(yn(thread.enabled?.includes('shstk') === true));
    expect(feature(report, 'ibt').process.state).toBe(yn(thread.enabled?.includes('ibt') === true));
  });
});
