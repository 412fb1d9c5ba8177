import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePidinAsinfo, parseQnxSyspage, qnxLimitsFromSyspage, readPidinFile, readQnxDump } from '../../../ts/probe/qnx/index.js';
import { ARM_MAP, ARM_SYSRAM_BYTES, buildDump, X86_MAP, type CpuSpec } from './syspage-builder.js';
import { rejected as rejection } from '../../support/wrt-error.js';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'qnx');
const qnx7Fixture = join(fixtures, 'pidin-asinfo-qnx7-x86_64.txt');
const scratch = mkdtempSync(join(tmpdir(), 'wrt-qnx-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const cpus: CpuSpec[] = [
  { cpu: 0xd03, speed: 1200, flags: (1n << 31n) | (1n << 30n) | 0x20000n, name: 'Cortex-A53' },
  { cpu: 0xd03, speed: 1200, flags: (1n << 31n) | (1n << 30n) | 0x20000n, name: 'Cortex-A53' },
  { cpu: 0xd03, speed: 1200, flags: (1n << 31n) | (1n << 30n), name: 'Cortex-A53' },
];

describe('qnxLimitsFromSyspage', () => {
  it('gives pidin memory and CPUs with their sources', () => {
    const limits = qnxLimitsFromSyspage(parsePidinAsinfo(fourEntryListing()));
    expect(limits.usableMemoryBytes).toEqual({ value: 17_178_419_200n, source: 'pidin syspage=asinfo (sum of 3 sysram entries)' });
    expect(limits.cpuCount).toEqual({ value: 16, source: 'pidin syspage=asinfo header #Cpu' });
    expect(limits.gaps).toEqual([]);
    expect(limits.cfi.cetFlagInSyspage).toBe(false);
  });

  it('gives SYSPAGE memory, CPUs and pointer-auth count, naming the origin', () => {
    const dump = buildDump({ layout: '8.x', type: 0x1101, asinfo: ARM_MAP, cpus });
    const limits = qnxLimitsFromSyspage(parseQnxSyspage(dump.bytes, { file: 'board.syspage' }));
    expect(limits.usableMemoryBytes).toEqual({ value: ARM_SYSRAM_BYTES, source: 'SYSPAGE of board.syspage (sum of 2 sysram entries)' });
    expect(limits.cpuCount).toEqual({ value: 3, source: 'SYSPAGE num_cpu of board.syspage' });
    expect(limits.cfi.pointerAuthCpus).toBe(2);
  });

  it('uses the singular for one sysram entry and reports a gap when there is none', () => {
    const one = X86_MAP.slice(0, 5);
    const limitsOne = qnxLimitsFromSyspage(parseQnxSyspage(buildDump({ layout: '7.x', type: 0x100, asinfo: one, cpus }).bytes));
    expect(limitsOne.usableMemoryBytes).toEqual({ value: 0x7fe00000n, source: 'SYSPAGE (sum of 1 sysram entry)' });
    const none = X86_MAP.slice(0, 3);
    const limitsNone = qnxLimitsFromSyspage(parseQnxSyspage(buildDump({ layout: '7.x', type: 0x100, asinfo: none, cpus }).bytes, { source: 'live system page' }));
    expect(limitsNone.usableMemoryBytes).toBeNull();
    expect(limitsNone.gaps).toEqual(['SYSPAGE of live system page: no asinfo entry named sysram, so the memory given to the OS is unknown']);
    expect(limitsNone.cpuCount.value).toBe(3);
  });
});

function fourEntryListing(): string {
  return `Header size=0x00000108, Total Size=0x00000eb8, #Cpu=16, Type=256
Section:asinfo offset:0x00000818 size:0x00000080 elsize:0x00000020
0000) 0000000000000000-000fffffffffffff o:ffff a:0010 p:100 c:0 n:/memory
0020) 0000000000001000-000000000009efff o:0000 a:0007 p:100 c:0 n:/memory/sysram
0040) 0000000000200000-000000007fffffff o:0000 a:0007 p:100 c:0 n:/memory/sysram
0060) 0000000100000000-000000047fffffff o:0000 a:0007 p:100 c:0 n:/memory/sysram
`;
}

describe('readQnxDump / readPidinFile', () => {
  it('reads and decodes a dump file', async () => {
    const path = join(scratch, 'board.syspage');
    writeFileSync(path, buildDump({ layout: '8.x', type: 0x1101, asinfo: ARM_MAP, cpus, tailPadding: 100 }).bytes);
    const info = await readQnxDump(path);
    expect(info).toMatchObject({ source: 'syspage', origin: path, numCpu: 3, usableMemoryBytes: ARM_SYSRAM_BYTES, arch: 'aarch64' });
  });

  it('reads a pidin fixture', async () => {
    const info = await readPidinFile(qnx7Fixture);
    expect(info).toMatchObject({ source: 'pidin', origin: qnx7Fixture, numCpu: 16, usableMemoryBytes: 17_178_419_200n });
    expect(qnxLimitsFromSyspage(info).usableMemoryBytes?.source).toBe(`pidin syspage=asinfo of ${qnx7Fixture} (sum of 3 sysram entries)`);
  });

  it('FILE_NOT_FOUND names the path', async () => {
    const missing = join(scratch, 'nope.syspage');
    const error = await rejection(readQnxDump(missing));
    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.location).toEqual({ file: missing, field: '--syspage' });
    expect(error.describe()).toBe(`${missing}: --syspage: the SYSPAGE dump does not exist: check the path`);
    expect((await rejection(readPidinFile(missing))).code).toBe('FILE_NOT_FOUND');
  });

  it('FILE_READ_FAILED names the path (a directory)', async () => {
    const error = await rejection(readPidinFile(scratch));
    expect(error.code).toBe('FILE_READ_FAILED');
    expect(error.location).toEqual({ file: scratch, field: '--pidin' });
    expect(error.describe()).toBe(`${scratch}: --pidin: the pidin listing is a directory, not a regular file: name a file`);
  });

  it('parse errors carry the file path', async () => {
    const path = join(scratch, 'short.syspage');
    writeFileSync(path, new Uint8Array([0x08, 0x01, 0xb8, 0x0e, 0x00, 0x01, 0x04, 0x00, 0, 0]));
    const error = await rejection(readQnxDump(path));
    expect(error.code).toBe('SYSPAGE_TRUNCATED');
    expect(error.location).toMatchObject({ file: path, offset: 10, field: 'total_size', limit: '3768 bytes' });
    const textPath = join(scratch, 'bad.txt');
    writeFileSync(textPath, 'Header size=0x108, #Cpu=1, Type=256\nSection:asinfo offset:0x818 size:0x20 elsize:0x20\nbroken\n');
    const textError = await rejection(readPidinFile(textPath));
    expect(textError.code).toBe('PIDIN_MALFORMED');
    expect(textError.location).toMatchObject({ file: textPath, line: 3 });
  });
});
