import { describe, expect, it } from 'vitest';
import { EM_AARCH64, EM_ARM, EM_X86_64, PT_GNU_PROPERTY, SHT_ARM_ATTRIBUTES } from '../../ts/cfi/elf.js';
import { analyzeElf, type FileReport } from '../../ts/cfi/file-report.js';
import { GNU_PROPERTY_AARCH64_FEATURE_1_AND, GNU_PROPERTY_X86_FEATURE_1_AND, NT_GNU_PROPERTY_TYPE_0 } from '../../ts/cfi/gnu-property.js';
import { assessHost } from '../../ts/cfi/host-levels.js';
import { type AsilOutcome, CFI_RULES, cfiVerdicts, DEVIATION_CLAUSE, type Verdict } from '../../ts/cfi/verdict.js';
import { buildElf, note, properties, u32, words } from './elf-builder.js';
import {
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
} from './host-records.js';

function x86File(name: string, featureWord: number | null): FileReport {
  const segments =
    featureWord === null
      ? []
      : [
          {
            type: PT_GNU_PROPERTY,
            align: 8,
            data: note('little', 'GNU', NT_GNU_PROPERTY_TYPE_0, properties('little', 8, [{ type: GNU_PROPERTY_X86_FEATURE_1_AND, data: u32('little', featureWord) }]), 8),
          },
        ];
  return analyzeElf(buildElf({ elfClass: 64, endianness: 'little', machine: EM_X86_64, segments }), name);
}

function aarch64File(name: string, featureWord: number): FileReport {
  const desc = properties('little', 8, [{ type: GNU_PROPERTY_AARCH64_FEATURE_1_AND, data: u32('little', featureWord) }]);
  return analyzeElf(
    buildElf({ elfClass: 64, endianness: 'little', machine: EM_AARCH64, segments: [{ type: PT_GNU_PROPERTY, align: 8, data: note('little', 'GNU', NT_GNU_PROPERTY_TYPE_0, desc, 8) }] }),
    name,
  );
}

/** A Cortex-M4 style object: Tag_CPU_arch v7E-M (13), profile M, no PACBTI tags. */
function cortexM4File(name: string): FileReport {
  const body = [6, 13, 7, 0x4d];
  const scope = [1, ...words('little', [[4, 5 + body.length]]), ...body];
  const vendor = [...Buffer.from('aeabi\0', 'latin1'), ...scope];
  const section = Uint8Array.from([0x41, ...words('little', [[4, 4 + vendor.length]]), ...vendor]);
  return analyzeElf(buildElf({ elfClass: 32, endianness: 'little', machine: EM_ARM, type: 1, sections: [{ name: '.ARM.attributes', type: SHT_ARM_ATTRIBUTES, align: 1, data: section }] }), name);
}

function outcome(verdict: Verdict, asil: string): AsilOutcome {
  const o = verdict.asil.find((a) => a.asil === asil);
  if (o === undefined) throw new Error(`no ASIL ${asil}`);
  return o;
}

function outcomes(verdict: Verdict): string[] {
  return verdict.asil.map((a) => `${a.asil}: ${a.outcome}`);
}

describe('the rule table', () => {
  it('requires shadow stack, PAC and BTI at C and D, warns for IBT, notes GCS and MTE', () => {
    expect(CFI_RULES.shstk.missing).toEqual({ QM: 'none', A: 'note', B: 'warn', C: 'refuse', D: 'refuse' });
    expect(CFI_RULES.pac.missing).toEqual(CFI_RULES.shstk.missing);
    expect(CFI_RULES.bti.missing).toEqual(CFI_RULES.shstk.missing);
    expect(CFI_RULES.ibt.missing).toEqual({ QM: 'none', A: 'none', B: 'note', C: 'warn', D: 'warn' });
    expect(CFI_RULES.gcs.missing).toEqual({ QM: 'none', A: 'none', B: 'none', C: 'note', D: 'note' });
    expect(CFI_RULES.mte.missing).toEqual(CFI_RULES.gcs.missing);
    expect(CFI_RULES.shstk.unavailable).toEqual({ QM: 'none', A: 'none', B: 'note', C: 'warn', D: 'warn' });
  });
});

describe('host verdicts', () => {
  it('AMD VM with an unmarked node: refused at C and D because of the shadow stack', () => {
    const host = assessHost(inputs('x86_64', AMD_FACTS, AMD_CPUINFO, AMD_STATUS));
    const { host: verdict } = cfiVerdicts(host, [x86File('/usr/bin/node', null)]);
    expect(verdict.scope).toBe('host x86_64');
    expect(outcomes(verdict)).toEqual(['QM: accepted', 'A: accepted with notes', 'B: accepted with warnings', 'C: refused', 'D: refused']);
    const c = outcome(verdict, 'C');
    expect(c.reasons.map((r) => [r.feature, r.consequence, r.where])).toEqual([
      ['shstk', 'refuse', ['kernel', 'process', 'file /usr/bin/node']],
      ['ibt', 'warn', ['hardware', 'kernel', 'process', 'file /usr/bin/node']],
    ]);
    expect(c.reasons[0]?.text).toBe(
      `shadow stack is missing; hardware CFI on a host target is required at ASIL C and D: a profile at ASIL C for this host is refused ${DEVIATION_CLAUSE}`,
    );
    expect(outcome(verdict, 'QM').reasons).toEqual([]);
  });

  it('Intel CET host with marked files: only the missing user-space IBT is a warning', () => {
    const host = assessHost(inputs('x86_64', INTEL_CET_FACTS, INTEL_CET_CPUINFO, INTEL_CET_STATUS));
    const { host: verdict } = cfiVerdicts(host, [x86File('app', 0b11)]);
    expect(outcomes(verdict)).toEqual(['QM: accepted', 'A: accepted', 'B: accepted with notes', 'C: accepted with warnings', 'D: accepted with warnings']);
    expect(outcome(verdict, 'D').reasons.map((r) => [r.feature, r.where])).toEqual([['ibt', ['process']]]);
  });

  it('one unmarked library on a CET host refuses C and D: the loader would leave shadow stack off', () => {
    const host = assessHost(inputs('x86_64', INTEL_CET_FACTS, INTEL_CET_CPUINFO, INTEL_CET_STATUS));
    const { host: verdict } = cfiVerdicts(host, [x86File('app', 0b11), x86File('libold.so', 0b01)]);
    expect(outcome(verdict, 'C').outcome).toBe('refused');
    expect(outcome(verdict, 'C').reasons[0]).toMatchObject({ feature: 'shstk', where: ['file libold.so'] });
  });

  it('arm64 host with BTI and PAC everywhere: GCS and MTE are notes at C and D', () => {
    const host = assessHost(inputs('aarch64', ARM64_BTI_PAC_FACTS, ARM64_BTI_PAC_CPUINFO, ARM64_STATUS, ARM64_BTI_SMAPS));
    const { host: verdict } = cfiVerdicts(host, [aarch64File('app', 0b011)]);
    expect(outcomes(verdict)).toEqual(['QM: accepted', 'A: accepted', 'B: accepted', 'C: accepted with notes', 'D: accepted with notes']);
    expect(outcome(verdict, 'D').reasons.map((r) => r.feature).sort()).toEqual(['gcs', 'mte']);
  });

  it('arm64 host without BTI and PAC: refused at C and D', () => {
    const host = assessHost(inputs('aarch64', ARM64_PLAIN_FACTS, ARM64_PLAIN_CPUINFO, ARM64_STATUS, ARM64_PLAIN_SMAPS));
    const { host: verdict } = cfiVerdicts(host, []);
    expect(outcomes(verdict)).toEqual(['QM: accepted', 'A: accepted with notes', 'B: accepted with warnings', 'C: refused', 'D: refused']);
    expect(outcome(verdict, 'D').reasons.filter((r) => r.consequence === 'refuse').map((r) => r.feature).sort()).toEqual(['bti', 'pac']);
  });

  it('no evidence counts as missing where the feature is required', () => {
    const host = assessHost(inputs('x86_64', null, INTEL_CET_CPUINFO.replace('user_shstk', ''), 'Name:\tnode\n'));
    const { host: verdict } = cfiVerdicts(host, []);
    const shstk = outcome(verdict, 'C').reasons.find((r) => r.feature === 'shstk');
    expect(shstk?.consequence).toBe('refuse');
    expect(shstk?.where).toEqual(['hardware', 'kernel', 'process']);
  });
});

describe('file verdicts', () => {
  it('a Cortex-M4 object is judged for a target of its architecture, where PACBTI does not exist', () => {
    const host = assessHost(inputs('x86_64', AMD_FACTS, AMD_CPUINFO, AMD_STATUS));
    const m4 = cortexM4File('m4.o');
    const verdicts = cfiVerdicts(host, [m4]);
    // The ARM object does not run on the x86 host, so it does not change the host verdict.
    expect(verdicts.host.findings.some((f) => f.file === 'm4.o')).toBe(false);
    const v = verdicts.files[0];
    if (v === undefined) throw new Error('no file verdict');
    expect(v.scope).toBe('ARM target (file m4.o)');
    expect(outcomes(v)).toEqual(['QM: accepted', 'A: accepted', 'B: accepted with notes', 'C: accepted with warnings', 'D: accepted with warnings']);
    expect(outcome(v, 'D').reasons[0]?.text).toContain('does not exist on this architecture');
  });

  it('an unmarked x86 file on an x86 host is judged for this host', () => {
    const host = assessHost(inputs('x86_64', AMD_FACTS, AMD_CPUINFO, AMD_STATUS));
    const v = cfiVerdicts(host, [x86File('tool', null)]).files[0];
    expect(v?.scope).toBe('this host (file tool)');
    expect(v === undefined ? [] : outcomes(v)).toEqual(['QM: accepted', 'A: accepted with notes', 'B: accepted with warnings', 'C: refused', 'D: refused']);
  });
});
