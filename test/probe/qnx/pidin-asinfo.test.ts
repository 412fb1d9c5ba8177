import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WrtError } from '../../../ts/core/errors.js';
import { parsePidinAsinfo } from '../../../ts/probe/qnx/pidin-asinfo.js';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'qnx');
const qnx7Text = readFileSync(join(fixtures, 'pidin-asinfo-qnx7-x86_64.txt'), 'utf8');
const qnx8Text = readFileSync(join(fixtures, 'pidin-asinfo-qnx8-aarch64.txt'), 'utf8');

function pidinError(text: string, file = 'box.txt'): WrtError {
  try {
    parsePidinAsinfo(text, { file });
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(WrtError);
    const wrt = error as WrtError;
    expect(wrt.code).toBe('PIDIN_MALFORMED');
    expect(wrt.location.file).toBe(file);
    return wrt;
  }
  throw new Error('expected PIDIN_MALFORMED');
}

const HEADER7 = 'Header size=0x00000108, Total Size=0x00000eb8, #Cpu=4, Type=256';
const SECTION7 = 'Section:asinfo offset:0x00000818 size:0x000000a0 elsize:0x00000020';

describe('parsePidinAsinfo: QNX 7.x listing', () => {
  const info = parsePidinAsinfo(qnx7Text, { file: 'qnx7.txt' });

  it('reads the header and the section line', () => {
    expect(info).toMatchObject({
      source: 'pidin',
      origin: 'qnx7.txt',
      qnxVersion: '7.x',
      type: 256,
      arch: 'x86_64',
      syspageVersion: null,
      headerSize: 0x108,
      totalSize: 0xeb8,
      numCpu: 16,
      asinfoSection: { offset: 0x818, size: 0x1c0, elementSize: 0x20 },
      cpuinfo: null,
      warnings: [],
    });
    expect(info.cfi).toMatchObject({ cetFlagInSyspage: false, btiFlagInSyspage: false, pointerAuthCpus: null });
  });

  it('keeps every entry with its offset, range, owner, attributes and path', () => {
    expect(info.asinfo).toHaveLength(14);
    expect(info.asinfo.map((e) => e.offset)).toEqual(Array.from({ length: 14 }, (_, i) => i * 0x20));
    expect(info.asinfo[0]).toEqual({ offset: 0, start: 0n, end: 0xffffn, owner: null, name: 'io', path: '/io', attr: 0, priority: 100 });
    expect(info.asinfo[9]).toEqual({
      offset: 0x120,
      start: 0x1000n,
      end: 0x9efffn,
      owner: 0xc0,
      name: 'sysram',
      path: '/memory/below4G/ram/sysram',
      attr: 0x7,
      priority: 100,
    });
    expect(info.asinfo[13]).toMatchObject({ path: '/virtual', start: 0n, end: 0xffffffffffffffffn, owner: null });
    expect(info.asinfo.map((e) => e.path)).toContain('/memory/below4G/ram/imagefs');
  });

  it('sums the three sysram ranges exactly', () => {
    expect(info.sysramEntryCount).toBe(3);
    expect(info.usableMemoryBytes).toBe(0x9e000n + 0x7fe00000n + 0x380000000n);
    expect(info.usableMemoryBytes).toBe(17_178_419_200n);
  });
});

describe('parsePidinAsinfo: QNX 8.x listing', () => {
  const info = parsePidinAsinfo(qnx8Text);

  it('reads Version and Type 4353 as QNX 8.x aarch64', () => {
    expect(info).toMatchObject({
      qnxVersion: '8.x',
      type: 4353,
      arch: 'aarch64',
      syspageVersion: { major: 2, minor: 0 },
      headerSize: 0xf0,
      totalSize: 0xa20,
      numCpu: 2,
      origin: null,
      asinfoSection: { offset: 0x500, size: 0x108, elementSize: 0x18 },
      warnings: [],
    });
  });

  it('reads the name-only entry format without attributes', () => {
    expect(info.asinfo).toHaveLength(11);
    expect(info.asinfo[9]).toEqual({
      offset: 0xd8,
      start: 0x40000000n,
      end: 0x4000bfffn,
      owner: 0x30,
      name: 'sysram',
      path: '/memory/below4G/ram/sysram',
      attr: null,
      priority: null,
    });
    expect(info.asinfo.filter((e) => e.owner === 0x30).map((e) => e.name)).toEqual(['startup', 'imagefs', 'sysram', 'sysram']);
  });

  it('sums sysram exactly', () => {
    expect(info.sysramEntryCount).toBe(3);
    expect(info.usableMemoryBytes).toBe(0x40000000n + 0x3f800000n + 0xc000n);
    expect(info.usableMemoryBytes).toBe(2_139_144_192n);
  });
});

describe('parsePidinAsinfo: format tolerance', () => {
  it('rebuilds full paths through the owner chain when only leaf names are printed', () => {
    const text = [
      'Header size=0x000000f0, Total Size=0x00000800, Version=2.0, #Cpu=4, Type=4352',
      'Section:asinfo offset:0x00000400 size:0x00000090 elsize:0x00000018',
      '0048) 0000000000200000-000000003fffffff o:0030 sysram',
      '0000) 0000000000000000-0000ffffffffffff o:ffff memory',
      '0018) 0000000000000000-00000000ffffffff o:0000 below4G',
      '0030) 0000000000100000-000000003fffffff o:0018 ram',
      '0060) 0000000100000000-00000001ffffffff o:0078 sysram',
      '0078) 0000000100000000-00000001ffffffff o:0000 ram',
    ].join('\n');
    const info = parsePidinAsinfo(text);
    expect(info.asinfo.map((e) => [e.offset, e.path])).toEqual([
      [0x48, '/memory/below4G/ram/sysram'],
      [0x00, '/memory'],
      [0x18, '/memory/below4G'],
      [0x30, '/memory/below4G/ram'],
      [0x60, '/memory/ram/sysram'],
      [0x78, '/memory/ram'],
    ]);
    expect(info.arch).toBe('x86_64');
    expect(info.usableMemoryBytes).toBe(0x3fe00000n + 0x100000000n);
  });

  it('accepts free spacing, CRLF line ends, hex Type and a trailing prompt-less command echo', () => {
    const text = [
      '$ pidin syspage=asinfo',
      '  Header size = 0x108 ,Total Size=0xeb8,  #Cpu = 4 , Type = 0x101',
      'Section : asinfo   offset : 0x818 size:0x40   elsize : 0x20',
      '  0000)  0000000000000000 - 00000000ffffffff   o:ffff  a:0010 p:100  n:/memory',
      '0020) 0000000080000000-00000000bfffffff o:0000 a:0007 p:90 n:/memory/sysram',
      '',
    ].join('\r\n');
    const info = parsePidinAsinfo(text);
    expect(info).toMatchObject({ type: 0x101, arch: 'aarch64', qnxVersion: '7.x', numCpu: 4, headerSize: 0x108 });
    expect(info.asinfo[1]).toMatchObject({ path: '/memory/sysram', priority: 90, attr: 7 });
    expect(info.usableMemoryBytes).toBe(0x40000000n);
  });

  it('skips the lines of other sections of a full pidin syspage listing', () => {
    const text = [
      HEADER7,
      'Section:cpuinfo offset:0x00000500 size:0x00000080 elsize:0x00000020',
      '  (this section is not read; its text format is not documented)',
      SECTION7,
      '0000) 0000000000000000-00000000ffffffff o:ffff a:0010 p:100 c:0 n:/memory',
      '0020) 0000000000100000-000000000fffffff o:0000 a:0007 p:100 c:0 n:/memory/sysram',
      'Section:qtime offset:0x00000600 size:0x00000060',
      '  anything at all',
    ].join('\n');
    const info = parsePidinAsinfo(text);
    expect(info.asinfo.map((e) => e.path)).toEqual(['/memory', '/memory/sysram']);
    expect(info.usableMemoryBytes).toBe(0xff00000n);
    expect(info.warnings).toEqual(['Section:asinfo declares 5 entries (size 0xa0 / elsize 0x20), the listing has 2']);
  });

  it('warns when a printed path disagrees with the owner chain', () => {
    const text = [HEADER7, 'Section:asinfo offset:0x818 size:0x40 elsize:0x20', '0000) 0-ffff o:ffff n:/memory', '0020) 0-fff o:0000 n:/io/sysram'].join('\n');
    const info = parsePidinAsinfo(text);
    expect(info.warnings).toEqual(['asinfo entry 0x0020 prints path /io/sysram, but its owner is /memory']);
    expect(info.asinfo[1]?.path).toBe('/io/sysram');
  });

  it('counts no memory where there is no sysram', () => {
    const text = [HEADER7, 'Section:asinfo offset:0x818 size:0x20 elsize:0x20', '0000) 0-ffff o:ffff n:/memory'].join('\n');
    const info = parsePidinAsinfo(text);
    expect(info.sysramEntryCount).toBe(0);
    expect(info.usableMemoryBytes).toBe(0n);
  });
});

describe('parsePidinAsinfo: errors name the line', () => {
  const lines7 = qnx7Text.split('\n');

  it('a broken entry line', () => {
    const broken = [...lines7];
    broken[7] = '0080) 0000000006000000 00000000ffefffff o:0020 a:0013 p:100 c:0 n:/memory/device';
    const error = pidinError(broken.join('\n'));
    expect(error.location).toMatchObject({ line: 8, field: 'asinfo entry' });
    expect(error.describe()).toMatch(/^box\.txt: line 8: asinfo entry: cannot read "0080\) 0000000006000000 00000000ffefffff/);
  });

  it('an owner that names no entry', () => {
    const broken = [...lines7];
    broken[13] = '0140) 0000000000200000-000000007fffffff o:00e8 a:0007 p:100 c:0 n:/memory/below4G/ram/sysram';
    expect(pidinError(broken.join('\n')).location).toMatchObject({ line: 14, field: 'owner (o:)', limit: 'owner names an entry or is 0xffff' });
  });

  it('an owner chain that loops', () => {
    const text = [HEADER7, SECTION7, '0000) 0-ffff o:0040 n:a', '0020) 0-ffff o:0000 n:b', '0040) 0-ffff o:0020 n:c', '0060) 0-ffff o:ffff n:/memory'].join('\n');
    const error = pidinError(text);
    expect(error.location).toMatchObject({ line: 3, field: 'owner (o:)' });
    expect(error.message).toMatch(/loops back/);
  });

  it('an entry owning itself', () => {
    const text = [HEADER7, SECTION7, '0000) 0-ffff o:ffff n:/memory', '0020) 0-ffff o:0020 n:/memory/x'].join('\n');
    expect(pidinError(text).location).toMatchObject({ line: 4, field: 'owner (o:)' });
  });

  it('two entries with one offset, an offset off the element grid, a range ending before it starts', () => {
    expect(pidinError([HEADER7, SECTION7, '0000) 0-ffff o:ffff n:/a', '0000) 0-ffff o:ffff n:/b'].join('\n')).location).toMatchObject({ line: 4, field: 'offset' });
    expect(pidinError([HEADER7, SECTION7, '0010) 0-ffff o:ffff n:/a'].join('\n')).location).toMatchObject({
      line: 3,
      field: 'offset',
      limit: 'a multiple of elsize 0x20 below size 0xa0',
    });
    expect(pidinError([HEADER7, SECTION7, '00a0) 0-ffff o:ffff n:/a'].join('\n')).location).toMatchObject({ line: 3, field: 'offset' });
    expect(pidinError([HEADER7, SECTION7, '0000) 1000-fff o:ffff n:/a'].join('\n')).location).toMatchObject({ line: 3, field: 'end', limit: 'end >= start' });
  });

  it('missing or bad pieces of an entry', () => {
    expect(pidinError([HEADER7, SECTION7, '0000) 0-ffff a:0010 n:/a'].join('\n')).location).toMatchObject({ line: 3, field: 'owner (o:)' });
    expect(pidinError([HEADER7, SECTION7, '0000) 0-ffff o:ffff'].join('\n')).location).toMatchObject({ line: 3, field: 'name' });
    expect(pidinError([HEADER7, SECTION7, '0000) 0-ffff o:ffff n:'].join('\n')).location).toMatchObject({ line: 3, field: 'name' });
    expect(pidinError([HEADER7, SECTION7, '0000) 0-ffff o:fffff n:/a'].join('\n')).location).toMatchObject({ line: 3, field: 'owner (o:)' });
    expect(pidinError([HEADER7, SECTION7, '0000) 0-ffff o:ffff o:ffff n:/a'].join('\n')).location).toMatchObject({ line: 3, field: 'owner (o:)' });
    expect(pidinError([HEADER7, SECTION7, '0000) 0-ffff o:ffff p:huge n:/a'].join('\n')).location).toMatchObject({ line: 3, field: 'priority (p:)' });
    expect(pidinError([HEADER7, SECTION7, '0000) 0-10000000000000000 o:ffff n:/a'].join('\n')).location).toMatchObject({ line: 3, field: 'asinfo entry' });
  });

  it('header problems', () => {
    expect(pidinError(['garbage first', HEADER7].join('\n')).location).toMatchObject({ line: 1, field: 'Header' });
    expect(pidinError([SECTION7].join('\n')).location).toMatchObject({ line: 1, field: 'Header' });
    expect(pidinError(['Header size=0x108, Type=256', SECTION7].join('\n')).location).toMatchObject({ line: 1, field: '#Cpu' });
    expect(pidinError(['Header size=0x108, #Cpu=2', SECTION7].join('\n')).location).toMatchObject({ line: 1, field: 'Type' });
    expect(pidinError(['Header size=0x108, #Cpu=0, Type=256', SECTION7].join('\n')).location).toMatchObject({ line: 1, field: '#Cpu', limit: '#Cpu >= 1' });
    expect(pidinError(['Header size=0x108, #Cpu=two, Type=256'].join('\n')).location).toMatchObject({ line: 1, field: '#Cpu' });
    expect(pidinError(['Header size=0x108, #Cpu=2, Type=65536'].join('\n')).location).toMatchObject({ line: 1, field: 'Type', limit: '<= 65535' });
    expect(pidinError(['Header size=0x108, Version=2, #Cpu=2, Type=4353'].join('\n')).location).toMatchObject({ line: 1, field: 'Version' });
    expect(pidinError(['Header size 0x108, #Cpu=2, Type=256'].join('\n')).location).toMatchObject({ line: 1, field: 'Header' });
    expect(pidinError([HEADER7, HEADER7].join('\n')).location).toMatchObject({ line: 2, field: 'Header' });
    expect(pidinError('').location).toMatchObject({ line: 1, field: 'Header' });
  });

  it('section problems', () => {
    expect(pidinError([HEADER7, '0000) 0-ffff o:ffff n:/a'].join('\n')).location).toMatchObject({ line: 2, field: 'Section' });
    expect(pidinError([HEADER7].join('\n')).location).toMatchObject({ line: 1, field: 'Section:asinfo' });
    expect(pidinError([HEADER7, 'Section:asinfo offset:0x818 size:0x40'].join('\n')).location).toMatchObject({ line: 2, field: 'Section elsize' });
    expect(pidinError([HEADER7, 'Section:asinfo offset:0x818 size:0x40 elsize:0'].join('\n')).location).toMatchObject({ line: 2, field: 'Section elsize' });
    expect(pidinError([HEADER7, 'Section:asinfo offset:0x818 size:0x40 elsize:0x20 junk'].join('\n')).location).toMatchObject({ line: 2, field: 'Section:asinfo' });
    expect(pidinError([HEADER7, SECTION7, SECTION7].join('\n')).location).toMatchObject({ line: 3, field: 'Section:asinfo' });
    expect(pidinError([HEADER7, SECTION7, 'this is not an entry'].join('\n')).location).toMatchObject({ line: 3, field: 'asinfo entry' });
  });

  it('a path longer than 1024 characters, reached through a 2000-deep owner chain walked without recursion', () => {
    const hex4 = (n: number): string => n.toString(16).padStart(4, '0');
    const chain = Array.from({ length: 2000 }, (_, i) => `${hex4(i * 0x18)}) 0-ffff o:${i === 0 ? 'ffff' : hex4((i - 1) * 0x18)} x`).reverse();
    const text = [HEADER7, `Section:asinfo offset:0x818 size:0x${(2000 * 0x18).toString(16)} elsize:0x18`, ...chain].join('\n');
    const error = pidinError(text);
    // Entry 512 is the first whose path ("/x" x 513) exceeds 1024 characters; it is listed on line 3 + (1999 - 512).
    expect(error.location).toMatchObject({ line: 1490, field: 'name', limit: 'path length <= 1024' });
    expect(parsePidinAsinfo([HEADER7, `Section:asinfo offset:0x818 size:0x${(512 * 0x18).toString(16)} elsize:0x18`, ...chain.slice(-512)].join('\n')).asinfo[0]?.path).toBe('/x'.repeat(512));
  });

  it('names the source when there is no file', () => {
    try {
      parsePidinAsinfo('nonsense', { source: 'ssh box pidin' });
      throw new Error('expected an error');
    } catch (error: unknown) {
      expect(error).toBeInstanceOf(WrtError);
      expect((error as WrtError).location).toEqual({ source: 'ssh box pidin', line: 1, field: 'Header' });
    }
  });
});
