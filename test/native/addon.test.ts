/**
 * The addon's facts against independent sources of the same process and machine: /proc, /sys,
 * getconf, readelf. Runs the node-gyp build (build/Release/wrt_probe.node) through the production
 * loader; a missing build fails here rather than skipping, since every probe depends on it.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NativeFacts, RlimitPair, X86Facts } from '../../ts/native/facts.js';
import { loadAddon } from '../../ts/native/load.js';
import {
  countCpuList,
  parseFirstCpuinfoBlock,
  parseMeminfoKb,
  parseProcLimits,
  parseReadelfFeatureNotes,
  requireField,
  statusField,
} from './proc-sources.js';

const repoRoot = resolve(import.meta.dirname, '..', '..');
const isLinuxX64 = process.platform === 'linux' && process.arch === 'x64';

/** binding.gyp's source list (the file is plain JSON, a subset of gyp's Python-literal syntax). */
function bindingGypSources(): string[] {
  const gyp: unknown = JSON.parse(readFileSync(join(repoRoot, 'binding.gyp'), 'utf8'));
  const target = (gyp as { targets?: { sources?: unknown }[] }).targets?.[0];
  const sources = target?.sources;
  if (!Array.isArray(sources) || !sources.every((source) => typeof source === 'string')) {
    throw new Error('binding.gyp: targets[0].sources is not a list of strings');
  }
  return sources;
}

function gatherFacts(): NativeFacts {
  const load = loadAddon();
  if (!load.loaded) throw new Error(load.reason);
  return load.addon.gatherFacts();
}

function x86Facts(facts: NativeFacts): X86Facts {
  if (facts.cpu.kind !== 'x86_64') throw new Error(`expected x86_64 CPU facts, got ${facts.cpu.kind}`);
  return facts.cpu;
}

function okValue<T>(result: { ok: true; value: T } | { ok: false; errno: number; name: string }): T {
  if (!result.ok) throw new Error(`syscall failed: ${result.name} (${result.errno})`);
  return result.value;
}

function bit(register: number, index: number): boolean {
  return ((register >>> index) & 1) === 1;
}

describe('wrt_probe addon (node-gyp build)', () => {
  it('loads through loadAddon() from build/Release and names its build target', () => {
    const load = loadAddon();
    if (!load.loaded) throw new Error(load.reason);
    expect(load.path).toBe(join(repoRoot, 'build', 'Release', 'wrt_probe.node'));
    const facts = load.addon.gatherFacts();
    if (process.platform === 'linux') expect(facts.os).toBe('linux');
    if (process.arch === 'x64') expect(facts.arch).toBe('x86_64');
    if (process.arch === 'arm64') expect(facts.arch).toBe('aarch64');
    expect(Object.keys(facts).sort()).toEqual(['arch', 'cpu', 'os', 'qnxSyspage', 'rlimits', 'system']);
  });

  it.runIf(isLinuxX64)('reports the CPUID signature /proc/cpuinfo shows for the first CPU', () => {
    const cpu = x86Facts(gatherFacts());
    const cpuinfo = parseFirstCpuinfoBlock(readFileSync('/proc/cpuinfo', 'utf8'));
    expect(cpu.vendor).toBe(requireField(cpuinfo, 'vendor_id'));
    expect(cpu.family).toBe(Number(requireField(cpuinfo, 'cpu family')));
    expect(cpu.model).toBe(Number(requireField(cpuinfo, 'model')));
    expect(cpu.stepping).toBe(Number(requireField(cpuinfo, 'stepping')));
    expect(cpu.maxLeaf).toBe(Number(requireField(cpuinfo, 'cpuid level')));
    // The kernel's "model name" is the same 0x80000002..4 text, whitespace-trimmed.
    expect(cpu.brand).toBe(requireField(cpuinfo, 'model name'));
  });

  it.runIf(isLinuxX64)('reads leaf 1 and leaf 7 subleaf 0 bits that agree with the kernel flags', () => {
    const cpu = x86Facts(gatherFacts());
    const flags = new Set(requireField(parseFirstCpuinfoBlock(readFileSync('/proc/cpuinfo', 'utf8')), 'flags').split(/\s+/));
    expect(bit(cpu.leaf1.ecx, 31)).toBe(flags.has('hypervisor'));
    expect(bit(cpu.leaf1.ecx, 28)).toBe(flags.has('avx'));
    expect(bit(cpu.leaf1.ecx, 20)).toBe(flags.has('sse4_2'));
    if (cpu.leaf7 === null) throw new Error(`leaf 7 missing although maxLeaf is ${cpu.maxLeaf}`);
    expect(bit(cpu.leaf7.ebx, 5)).toBe(flags.has('avx2'));
    expect(bit(cpu.leaf7.ebx, 8)).toBe(flags.has('bmi2'));
    expect(bit(cpu.leaf7.ebx, 29)).toBe(flags.has('sha_ni'));
  });

  it.runIf(process.platform === 'linux')('reports the rlimits /proc/self/limits shows for this process', () => {
    const facts = gatherFacts();
    const limits = parseProcLimits(readFileSync('/proc/self/limits', 'utf8'));
    const fromProc = (name: string): RlimitPair => {
      const limit = limits.get(name);
      if (limit === undefined) throw new Error(`/proc/self/limits has no "${name}"`);
      return limit;
    };
    expect(okValue(facts.rlimits.stack)).toEqual(fromProc('Max stack size'));
    expect(okValue(facts.rlimits.as)).toEqual(fromProc('Max address space'));
    expect(okValue(facts.rlimits.data)).toEqual(fromProc('Max data size'));
    expect(okValue(facts.rlimits.nofile)).toEqual(fromProc('Max open files'));
  });

  it.runIf(process.platform === 'linux')('reports total RAM exactly as MemTotal * 1024', () => {
    // Both come from the kernel's totalram_pages(): /proc/meminfo prints it in kB, sysinfo(2)
    // scales it by mem_unit. With 4 KiB pages the byte counts are identical, so the relation is
    // equality. A balloon driver may change totalram between reads, so the value must equal the
    // reading taken just before or just after the call.
    const before = parseMeminfoKb(readFileSync('/proc/meminfo', 'utf8'), 'MemTotal') * 1024n;
    const total = okValue(gatherFacts().system.totalRamBytes);
    const after = parseMeminfoKb(readFileSync('/proc/meminfo', 'utf8'), 'MemTotal') * 1024n;
    expect([before, after]).toContain(total);
  });

  it.runIf(process.platform === 'linux')('reports the page size of getconf and the online CPUs of sysfs', () => {
    const system = gatherFacts().system;
    expect(system.pageSize).toBe(Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' }).trim()));
    expect(system.onlineCpus).toBe(countCpuList(readFileSync('/sys/devices/system/cpu/online', 'utf8')));
  });

  it.runIf(isLinuxX64)('reports a shadow-stack status consistent with /proc/self/status', () => {
    const shstk = x86Facts(gatherFacts()).shstkStatus;
    const threadFeatures = statusField(readFileSync('/proc/self/status', 'utf8'), 'x86_Thread_features');
    if (threadFeatures === undefined) {
      // No x86_Thread_features line: the kernel lacks CONFIG_X86_USER_SHADOW_STACK, and
      // arch_prctl's ARCH_SHSTK_* options reach the stub that returns -EINVAL (the case on the
      // development VM, kernel 6.18).
      expect(shstk).toEqual({ ok: false, errno: constants.errno.EINVAL, name: 'EINVAL' });
    } else {
      const features = okValue(shstk);
      expect(bit(features, 0)).toBe(threadFeatures.split(/\s+/).includes('shstk'));
    }
  });

  it.runIf(process.platform === 'linux')('has no QNX system page on Linux', () => {
    expect(gatherFacts().qnxSyspage).toBeNull();
  });

  it.runIf(isLinuxX64)('carries IBT and SHSTK marks on the .node and on each of its own objects', () => {
    const nodeFile = join(repoRoot, 'build', 'Release', 'wrt_probe.node');
    const notes = parseReadelfFeatureNotes(execFileSync('readelf', ['-n', nodeFile], { encoding: 'utf8' }));
    expect(notes.x86).toEqual(expect.arrayContaining(['IBT', 'SHSTK']));
    // The linker flags -z ibt/-z shstk force the mark on the .node even over unmarked inputs
    // (Debian's crti.o/crtn.o), so check the addon's own objects were compiled protected too.
    const objectDir = join(repoRoot, 'build', 'Release', 'obj.target', 'wrt_probe', 'native', 'addon');
    const objects = readdirSync(objectDir).filter((name) => name.endsWith('.o'));
    const sources = bindingGypSources().map((source) => basename(source).replace(/\.cc$/, '.o'));
    expect(objects.sort()).toEqual(sources.sort());
    for (const object of objects) {
      const objectNotes = parseReadelfFeatureNotes(
        execFileSync('readelf', ['-n', join(objectDir, object)], { encoding: 'utf8' }),
      );
      expect({ object, x86: objectNotes.x86 }).toEqual({ object, x86: ['IBT', 'SHSTK'] });
    }
  });
});
