import { describe, expect, it } from 'vitest';
import { WrtError } from '../../../ts/core/errors.js';
import { parseQnxSyspage } from '../../../ts/probe/qnx/syspage.js';
import type { QnxSyspageInfo } from '../../../ts/probe/qnx/types.js';
import {
  ARM_MAP,
  ARM_PATHS,
  ARM_SYSRAM_BYTES,
  buildDump,
  put16,
  put64,
  X86_MAP,
  X86_PATHS,
  X86_SYSRAM_BYTES,
  type BuiltDump,
  type CpuSpec,
  type DumpSpec,
} from './syspage-builder.js';
import { expectWrtError } from '../../support/wrt-error.js';

const FPU = 1n << 31n;
const MMU = 1n << 30n;
const PAUTH = 0x20000n;

const X86_CPUS: CpuSpec[] = [
  { cpu: 686, speed: 2904, flags: FPU | MMU | 0x3fffn, name: 'Intel Xeon E3' },
  { cpu: 686, speed: 2904, flags: FPU | MMU | 0x3fffn, name: 'Intel Xeon E3' },
  { cpu: 686, speed: 2904, flags: FPU | MMU | 0x3fffn, name: 'Intel Xeon E3' },
  { cpu: 686, speed: 2904, flags: FPU | MMU | 0x3fffn, name: 'Intel Xeon E3' },
];

const ARM_CPUS: CpuSpec[] = [
  { cpu: 0xd08, speed: 1500, flags: FPU | MMU | PAUTH | (1n << 33n) | 0x48n, name: 'Cortex-A72' },
  { cpu: 0xd08, speed: 1500, flags: FPU | MMU | 0x48n, name: 'Cortex-A72' },
];

function expectAsinfo(info: QnxSyspageInfo, dump: BuiltDump, map: DumpSpec['asinfo'], paths: string[]): void {
  expect(info.asinfoSection).toEqual({ offset: dump.asinfoOffset, size: map.length * dump.asinfoElementSize, elementSize: dump.asinfoElementSize });
  expect(info.asinfo).toHaveLength(map.length);
  map.forEach((spec, i) => {
    const entry = info.asinfo[i];
    expect(entry).toEqual({
      offset: i * dump.asinfoElementSize,
      start: spec.start,
      end: spec.end,
      owner: spec.owner === null ? null : spec.owner * dump.asinfoElementSize,
      name: spec.name,
      path: paths[i],
      attr: spec.attr,
      priority: spec.priority,
    });
  });
}

describe('parseQnxSyspage: QNX 7.x', () => {
  it('decodes an x86_64 page (type 0x100) with the documented element sizes', () => {
    const dump = buildDump({ layout: '7.x', type: 0x100, asinfo: X86_MAP, cpus: X86_CPUS });
    const info = parseQnxSyspage(dump.bytes, { file: 'x86.dump' });
    expect(info).toMatchObject({
      source: 'syspage',
      origin: 'x86.dump',
      qnxVersion: '7.x',
      type: 0x100,
      arch: 'x86_64',
      syspageVersion: null,
      headerSize: 0x108,
      totalSize: dump.totalSize,
      numCpu: 4,
      usableMemoryBytes: X86_SYSRAM_BYTES,
      sysramEntryCount: 2,
      warnings: [],
    });
    expect(info.usableMemoryBytes).toBe(8_587_837_440n);
    expectAsinfo(info, dump, X86_MAP, X86_PATHS);
    expect(info.cpuinfo).toEqual(
      X86_CPUS.map((cpu, index) => ({ index, cpu: 686, speedMhz: 2904, flags: FPU | MMU | 0x3fffn, fpu: true, mmu: true, name: cpu.name })),
    );
    expect(info.cfi).toMatchObject({ cetFlagInSyspage: false, btiFlagInSyspage: false, pointerAuthCpus: null });
    expect(info.cfi.note).toMatch(/no field or cpuinfo flag for Intel CET or ARM BTI/);
  });

  it('steps by the dump element sizes (asinfo 40, cpuinfo 36) on an aarch64 page (type 0x101)', () => {
    const dump = buildDump({ layout: '7.x', type: 0x101, asinfo: ARM_MAP, cpus: ARM_CPUS, asinfoElementSize: 40, cpuinfoElementSize: 36 });
    expect(dump.asinfoElementSize).toBe(40);
    const info = parseQnxSyspage(dump.bytes);
    expect(info).toMatchObject({ qnxVersion: '7.x', arch: 'aarch64', type: 0x101, numCpu: 2, origin: null, sysramEntryCount: 2 });
    expect(info.usableMemoryBytes).toBe(ARM_SYSRAM_BYTES);
    expect(info.usableMemoryBytes).toBe(1_065_402_368n);
    expectAsinfo(info, dump, ARM_MAP, ARM_PATHS);
    // 7.x flags are 32 bits: bit 33 of the spec is not part of the dump.
    expect(info.cpuinfo?.map((c) => c.flags)).toEqual([FPU | MMU | PAUTH | 0x48n, FPU | MMU | 0x48n]);
    expect(info.cpuinfo?.map((c) => [c.speedMhz, c.cpu, c.name])).toEqual([
      [1500, 0xd08, 'Cortex-A72'],
      [1500, 0xd08, 'Cortex-A72'],
    ]);
    // The PAUTH bit is defined only in the QNX 8 header.
    expect(info.cfi.pointerAuthCpus).toBeNull();
  });

  it('reads new_asinfo at 232, not the old 32-bit-era entry_info at 12', () => {
    const dump = buildDump({ layout: '7.x', type: 0x100, asinfo: X86_MAP, cpus: X86_CPUS });
    put16(dump.bytes, 12, dump.stringsOffset);
    put16(dump.bytes, 14, 8);
    expect(parseQnxSyspage(dump.bytes).asinfo).toHaveLength(X86_MAP.length);
  });
});

describe('parseQnxSyspage: QNX 8.x', () => {
  it('decodes an aarch64 page (type 0x1101, version 2.0) with 64-bit cpu flags and PAUTH', () => {
    const dump = buildDump({ layout: '8.x', type: 0x1101, asinfo: ARM_MAP, cpus: ARM_CPUS });
    const info = parseQnxSyspage(dump.bytes, { source: 'live system page' });
    expect(info).toMatchObject({
      qnxVersion: '8.x',
      arch: 'aarch64',
      type: 0x1101,
      syspageVersion: { major: 2, minor: 0 },
      headerSize: 0xf0,
      totalSize: dump.totalSize,
      numCpu: 2,
      origin: 'live system page',
      sysramEntryCount: 2,
      warnings: [],
    });
    expect(dump.asinfoElementSize).toBe(24);
    expectAsinfo(info, dump, ARM_MAP, ARM_PATHS);
    expect(info.usableMemoryBytes).toBe(ARM_SYSRAM_BYTES);
    expect(info.cpuinfo?.[0]).toEqual({ index: 0, cpu: 0xd08, speedMhz: 1500, flags: FPU | MMU | PAUTH | (1n << 33n) | 0x48n, fpu: true, mmu: true, name: 'Cortex-A72' });
    expect(info.cpuinfo?.[1]?.flags).toBe(FPU | MMU | 0x48n);
    expect(info.cfi.pointerAuthCpus).toBe(1);
    expect(info.cfi.note).toMatch(/AARCH64_CPU_PAUTH .* set on 1 CPU/);
  });

  it('decodes an x86_64 page (type 0x1100) with odd element sizes (asinfo 28, cpuinfo 44) and version 2.3', () => {
    const cpus: CpuSpec[] = [{ cpu: 0, speed: 0, flags: MMU, name: '' }];
    const dump = buildDump({ layout: '8.x', type: 0x1100, asinfo: X86_MAP, cpus, asinfoElementSize: 28, cpuinfoElementSize: 44, version: { major: 2, minor: 3 } });
    const info = parseQnxSyspage(dump.bytes);
    expect(info).toMatchObject({ qnxVersion: '8.x', arch: 'x86_64', syspageVersion: { major: 2, minor: 3 }, numCpu: 1 });
    expectAsinfo(info, dump, X86_MAP, X86_PATHS);
    expect(info.usableMemoryBytes).toBe(X86_SYSRAM_BYTES);
    expect(info.cpuinfo).toEqual([{ index: 0, cpu: 0, speedMhz: 0, flags: MMU, fpu: false, mmu: true, name: null }]);
    expect(info.cfi.pointerAuthCpus).toBeNull();
  });

  it('ignores bytes after total_size and decodes from a view with a byte offset', () => {
    const dump = buildDump({ layout: '8.x', type: 0x1101, asinfo: ARM_MAP, cpus: ARM_CPUS, tailPadding: 4096 - 0x200 });
    const host = new Uint8Array(dump.bytes.length + 13);
    host.fill(0xee);
    host.set(dump.bytes, 13);
    const info = parseQnxSyspage(host.subarray(13));
    expect(info.totalSize).toBe(dump.totalSize);
    expect(info.usableMemoryBytes).toBe(ARM_SYSRAM_BYTES);
    expect(info.asinfo.map((e) => e.path)).toEqual(ARM_PATHS);
  });

  it('warns when a section is not a whole number of elements, and decodes the whole ones', () => {
    const dump = buildDump({ layout: '8.x', type: 0x1101, asinfo: ARM_MAP, cpus: ARM_CPUS });
    put16(dump.bytes, 202, ARM_MAP.length * 24 - 5);
    const info = parseQnxSyspage(dump.bytes);
    expect(info.asinfo).toHaveLength(ARM_MAP.length - 1);
    expect(info.warnings).toEqual([`asinfo section size 0x${(ARM_MAP.length * 24 - 5).toString(16)} is not a multiple of its element size 0x18; the last 19 bytes were not decoded`]);
  });

  it('warns about cpuinfo entries beyond num_cpu and decodes num_cpu of them', () => {
    const dump = buildDump({ layout: '8.x', type: 0x1101, asinfo: ARM_MAP, cpus: ARM_CPUS, numCpu: 1 });
    const info = parseQnxSyspage(dump.bytes);
    expect(info.cpuinfo).toHaveLength(1);
    expect(info.warnings).toEqual(['cpuinfo holds 2 entries for num_cpu 1; only the first 1 were decoded']);
  });
});

describe('parseQnxSyspage: errors', () => {
  const valid7 = buildDump({ layout: '7.x', type: 0x100, asinfo: X86_MAP, cpus: X86_CPUS });
  const valid8 = buildDump({ layout: '8.x', type: 0x1101, asinfo: ARM_MAP, cpus: ARM_CPUS, asinfoElementSize: 26 });

  it.each([
    ['7.x', valid7],
    ['8.x', valid8],
  ])('every prefix of a valid %s dump is SYSPAGE_TRUNCATED naming the file and where it ends', (_name, dump) => {
    for (let length = 0; length < dump.totalSize; length++) {
      const error = expectWrtError(() => parseQnxSyspage(dump.bytes.subarray(0, length), { file: 'cut.dump' }), 'SYSPAGE_TRUNCATED', { file: 'cut.dump' });
      if (length < 8) expect(error.location).toMatchObject({ offset: 0, field: 'syspage_entry' });
      else expect(error.location).toMatchObject({ offset: length, field: 'total_size', limit: `${dump.totalSize} bytes` });
    }
    expect(parseQnxSyspage(dump.bytes.subarray(0, dump.totalSize)).asinfo.length).toBeGreaterThan(0);
  });

  const mutate = (dump: BuiltDump, edit: (bytes: Uint8Array) => void): Uint8Array => {
    const copy = dump.bytes.slice();
    edit(copy);
    return copy;
  };

  it('rejects a type without a known layout (32-bit x86 = 0)', () => {
    const error = expectWrtError(() => parseQnxSyspage(mutate(valid7, (b) => put16(b, 4, 0)), { file: 'old.dump' }), 'SYSPAGE_MALFORMED', {
      file: 'old.dump',
      offset: 4,
      field: 'type',
    });
    expect(error.message).toContain('0x0 (not a 64-bit QNX 7.x/8.x type)');
  });

  it('rejects a syspage version other than 2.x', () => {
    expectWrtError(() => parseQnxSyspage(mutate(valid8, (b) => put16(b, 12, 3))), 'SYSPAGE_MALFORMED', { offset: 12, field: 'version.major', limit: '2.x' });
  });

  it('rejects a header size that does not reach the fields read', () => {
    expectWrtError(() => parseQnxSyspage(mutate(valid7, (b) => put16(b, 0, 200))), 'SYSPAGE_MALFORMED', { offset: 0, field: 'size', limit: '>= 244' });
    expectWrtError(() => parseQnxSyspage(mutate(valid8, (b) => put16(b, 0, 211))), 'SYSPAGE_MALFORMED', { offset: 0, field: 'size', limit: '>= 212' });
  });

  it('rejects total_size below the header size and num_cpu 0', () => {
    expectWrtError(() => parseQnxSyspage(mutate(valid7, (b) => put16(b, 2, 0x100))), 'SYSPAGE_MALFORMED', { offset: 2, field: 'total_size' });
    expectWrtError(() => parseQnxSyspage(mutate(valid7, (b) => put16(b, 6, 0))), 'SYSPAGE_MALFORMED', { offset: 6, field: 'num_cpu' });
  });

  it('rejects sections that reach past total_size or start inside the header', () => {
    expectWrtError(() => parseQnxSyspage(mutate(valid7, (b) => put16(b, 234, 0xfff0))), 'SYSPAGE_MALFORMED', {
      offset: 234,
      field: 'asinfo.entry_size',
      limit: `entry_off + entry_size <= total_size (${valid7.totalSize})`,
    });
    expectWrtError(() => parseQnxSyspage(mutate(valid8, (b) => put16(b, 32, 0x10))), 'SYSPAGE_MALFORMED', { offset: 32, field: 'strings.entry_off', limit: 'entry_off >= size (240)' });
  });

  it('rejects an element size smaller than one entry', () => {
    expectWrtError(() => parseQnxSyspage(mutate(valid8, (b) => put16(b, 204, 16))), 'SYSPAGE_MALFORMED', { offset: 204, field: 'asinfo.element_size', limit: '>= 24' });
    expectWrtError(() => parseQnxSyspage(mutate(valid7, (b) => put16(b, 242, 0))), 'SYSPAGE_MALFORMED', { offset: 242, field: 'cpuinfo.element_size', limit: '>= 30' });
  });

  it('rejects a dangling owner, naming the entry and its byte offset', () => {
    const at = valid7.asinfoOffset + 4 * 32 + 16;
    expectWrtError(() => parseQnxSyspage(mutate(valid7, (b) => put16(b, at, 0x0010))), 'SYSPAGE_MALFORMED', { offset: at, field: 'asinfo[4].owner' });
  });

  it('rejects an owner cycle without recursing', () => {
    // Entry 1 (/memory) becomes owned by entry 3 (ram), whose chain leads back to entry 1.
    const at = valid8.asinfoOffset + 1 * 26 + 16;
    const error = expectWrtError(() => parseQnxSyspage(mutate(valid8, (b) => put16(b, at, 3 * 26))), 'SYSPAGE_MALFORMED', { field: expect.stringMatching(/^asinfo\[\d\]\.owner$/) });
    expect(error.message).toMatch(/loops back/);
  });

  it('rejects a range that ends before it starts', () => {
    const at = valid7.asinfoOffset + 3 * 32 + 8;
    expectWrtError(() => parseQnxSyspage(mutate(valid7, (b) => put64(b, at, 0xfffffn))), 'SYSPAGE_MALFORMED', { offset: at, field: 'asinfo[3].end', limit: 'end >= start' });
  });

  it('rejects name offsets outside the strings section and names without a NUL', () => {
    const nameAt = valid7.asinfoOffset + 1 * 32 + 18;
    expectWrtError(() => parseQnxSyspage(mutate(valid7, (b) => put16(b, nameAt, valid7.stringsSize))), 'SYSPAGE_MALFORMED', {
      offset: nameAt,
      field: 'asinfo[1].name',
      limit: `< strings entry_size (${valid7.stringsSize})`,
    });
    // Shrink the strings section so the last name ("Intel Xeon E3" of the cpus) loses its NUL.
    expectWrtError(() => parseQnxSyspage(mutate(valid7, (b) => put16(b, 50, valid7.stringsSize - 1))), 'SYSPAGE_MALFORMED', { field: 'cpuinfo[0].name' });
  });

  it('rejects an asinfo path longer than 1024 characters', () => {
    const longName = X86_MAP.map((entry, i) => (i === 4 ? { ...entry, name: 'n'.repeat(1100) } : entry));
    const dump = buildDump({ layout: '7.x', type: 0x100, asinfo: longName, cpus: X86_CPUS });
    expectWrtError(() => parseQnxSyspage(dump.bytes), 'SYSPAGE_MALFORMED', { offset: dump.asinfoOffset + 4 * 32 + 18, field: 'asinfo[4].name', limit: 'path length <= 1024' });
  });

  it('rejects a cpuinfo section with fewer entries than num_cpu', () => {
    expectWrtError(() => parseQnxSyspage(mutate(valid8, (b) => put16(b, 6, 3))), 'SYSPAGE_MALFORMED', { offset: 208, field: 'cpuinfo.entry_size', limit: 'num_cpu * element_size = 96 bytes' });
  });

  it('random bytes only ever produce SYSPAGE_TRUNCATED or SYSPAGE_MALFORMED', () => {
    let seed = 0x2545f491;
    const next = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed >>> 0;
    };
    const codes = new Set<string>();
    for (let run = 0; run < 400; run++) {
      const bytes = new Uint8Array(next() % 1200);
      for (let i = 0; i < bytes.length; i++) bytes[i] = next() & 0xff;
      if (run % 3 === 0 && bytes.length >= 8) put16(bytes, 4, [0x100, 0x101, 0x1100, 0x1101][run % 4] ?? 0x100);
      try {
        parseQnxSyspage(bytes);
      } catch (error: unknown) {
        expect(error).toBeInstanceOf(WrtError);
        codes.add((error as WrtError).code);
      }
    }
    expect([...codes].sort()).toEqual(['SYSPAGE_MALFORMED', 'SYSPAGE_TRUNCATED']);
  });
});
