import { describe, expect, it } from 'vitest';
import {
  countCpuList,
  parseFirstCpuinfoBlock,
  parseMeminfoKb,
  parseProcLimits,
  parseReadelfFeatureNotes,
  requireField,
  statusField,
} from './proc-sources.js';

// Recorded on the Linux x86-64 development VM (kernel 6.18, AMD EPYC under a hypervisor).
const cpuinfo = `processor\t: 0
vendor_id\t: AuthenticAMD
cpu family\t: 25
model\t\t: 1
model name\t: AMD EPYC
stepping\t: 1
cpuid level\t: 16
flags\t\t: fpu vme sse avx2 hypervisor

processor\t: 1
vendor_id\t: GenuineIntel
cpu family\t: 6
`;

const limits = `Limit                     Soft Limit           Hard Limit           Units     
Max cpu time              unlimited            unlimited            seconds   
Max data size             unlimited            unlimited            bytes     
Max stack size            8388608              unlimited            bytes     
Max open files            20000                20000                files     
Max nice priority         0                    0                    
`;

describe('independent-source parsers', () => {
  it('reads only the first processor block of /proc/cpuinfo', () => {
    const fields = parseFirstCpuinfoBlock(cpuinfo);
    expect(requireField(fields, 'vendor_id')).toBe('AuthenticAMD');
    expect(requireField(fields, 'cpu family')).toBe('25');
    expect(requireField(fields, 'model name')).toBe('AMD EPYC');
    expect(requireField(fields, 'flags').split(' ')).toContain('hypervisor');
    expect(() => requireField(fields, 'bogomips')).toThrow('missing field "bogomips"');
    expect(() => parseFirstCpuinfoBlock('\n\n')).toThrow('no processor block');
  });

  it('cuts /proc/self/limits by header columns, "unlimited" as null', () => {
    const parsed = parseProcLimits(limits);
    expect(parsed.get('Max stack size')).toEqual({ soft: 8388608n, hard: null });
    expect(parsed.get('Max data size')).toEqual({ soft: null, hard: null });
    expect(parsed.get('Max open files')).toEqual({ soft: 20000n, hard: 20000n });
    expect(parsed.get('Max nice priority')).toEqual({ soft: 0n, hard: 0n });
    expect(() => parseProcLimits('Max stack size  1  2  bytes\n')).toThrow('unexpected header');
  });

  it('reads MemTotal in kB', () => {
    expect(parseMeminfoKb('MemTotal:       24683656 kB\nMemFree:  10 kB\n', 'MemTotal')).toBe(24683656n);
    expect(parseMeminfoKb('MemTotal:       24683656 kB\nMemFree:  10 kB\n', 'MemFree')).toBe(10n);
    expect(() => parseMeminfoKb('MemFree: 10 kB\n', 'MemTotal')).toThrow('no "MemTotal" line');
  });

  it('counts kernel CPU lists', () => {
    expect(countCpuList('0-1\n')).toBe(2);
    expect(countCpuList('0')).toBe(1);
    expect(countCpuList('0-3,5,7-8')).toBe(7);
    expect(countCpuList('')).toBe(0);
    expect(() => countCpuList('3-1')).toThrow('descending');
    expect(() => countCpuList('a-b')).toThrow('bad range');
  });

  it('finds /proc/self/status lines by exact name', () => {
    const status = 'Name:\tnode\nx86_Thread_features:\tshstk wrss\nx86_Thread_features_locked:\t\n';
    expect(statusField(status, 'x86_Thread_features')).toBe('shstk wrss');
    expect(statusField(status, 'x86_Thread_features_locked')).toBe('');
    expect(statusField('Name:\tnode\n', 'x86_Thread_features')).toBeUndefined();
  });

  it('collects x86 and AArch64 feature names from readelf -n', () => {
    const x86 = `Displaying notes found in: .note.gnu.property
  Owner                Data size \tDescription
  GNU                  0x00000010\tNT_GNU_PROPERTY_TYPE_0
      Properties: x86 feature: IBT, SHSTK
`;
    expect(parseReadelfFeatureNotes(x86)).toEqual({ x86: ['IBT', 'SHSTK'], aarch64: [] });
    const arm = '      Properties: AArch64 feature: BTI, PAC\n';
    expect(parseReadelfFeatureNotes(arm)).toEqual({ x86: [], aarch64: ['BTI', 'PAC'] });
    expect(parseReadelfFeatureNotes('no notes\n')).toEqual({ x86: [], aarch64: [] });
  });
});
