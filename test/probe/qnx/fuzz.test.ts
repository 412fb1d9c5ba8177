/**
 * Seeded mutation fuzzing of both QNX parsers. Every run must either decode or throw a WrtError of
 * the parser's own codes; anything else (RangeError from a DataView, TypeError, a stack overflow
 * from a long owner chain) fails the test with the seed and run index that reproduce it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WrtError } from '../../../ts/core/errors.js';
import { parsePidinAsinfo } from '../../../ts/probe/qnx/pidin-asinfo.js';
import { parseQnxSyspage } from '../../../ts/probe/qnx/syspage.js';
import type { QnxSyspageInfo } from '../../../ts/probe/qnx/types.js';
import { below, mulberry32 } from '../../../ts/core/prng.js';
import { ARM_MAP, buildDump, OFFSETS, put16, put32, put64, X86_MAP, type BuiltDump, type CpuSpec } from './syspage-builder.js';

const cpus: CpuSpec[] = [
  { cpu: 686, speed: 2400, flags: (1n << 31n) | (1n << 30n), name: 'cpu0' },
  { cpu: 686, speed: 2400, flags: (1n << 31n) | (1n << 30n) | 0x20000n, name: 'cpu1' },
];

const dumps: { name: string; dump: BuiltDump; layout: '7.x' | '8.x' }[] = [
  { name: '7.x x86_64', layout: '7.x', dump: buildDump({ layout: '7.x', type: 0x100, asinfo: X86_MAP, cpus }) },
  { name: '7.x aarch64 odd', layout: '7.x', dump: buildDump({ layout: '7.x', type: 0x101, asinfo: ARM_MAP, cpus, asinfoElementSize: 41, cpuinfoElementSize: 33 }) },
  { name: '8.x aarch64', layout: '8.x', dump: buildDump({ layout: '8.x', type: 0x1101, asinfo: ARM_MAP, cpus }) },
  { name: '8.x x86_64 odd', layout: '8.x', dump: buildDump({ layout: '8.x', type: 0x1100, asinfo: X86_MAP, cpus, asinfoElementSize: 27, cpuinfoElementSize: 31 }) },
];

/** Invariants any successful decode must hold, whatever the input. */
function checkDecoded(info: QnxSyspageInfo): void {
  let sum = 0n;
  let count = 0;
  for (const entry of info.asinfo) {
    expect(entry.end >= entry.start).toBe(true);
    expect(entry.path.startsWith('/')).toBe(true);
    if (entry.name === 'sysram') {
      sum += entry.end - entry.start + 1n;
      count++;
    }
  }
  expect(info.usableMemoryBytes).toBe(sum);
  expect(info.sysramEntryCount).toBe(count);
  expect(info.numCpu).toBeGreaterThan(0);
}

function run(parse: () => QnxSyspageInfo, codes: readonly string[], context: string, tally: Map<string, number>): WrtError | null {
  let info: QnxSyspageInfo;
  try {
    info = parse();
  } catch (error: unknown) {
    if (!(error instanceof WrtError) || !codes.includes(error.code)) {
      throw new Error(`${context}: unexpected ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    }
    tally.set(error.code, (tally.get(error.code) ?? 0) + 1);
    return error;
  }
  checkDecoded(info);
  tally.set('ok', (tally.get('ok') ?? 0) + 1);
  return null;
}

function mutateDump(random: () => number, source: Uint8Array, layout: '7.x' | '8.x', dump: BuiltDump): Uint8Array {
  let bytes = source.slice();
  const offsets = OFFSETS[layout];
  const interesting16 = [0, 2, 4, 6, 12, 14, offsets.strings, offsets.strings + 2, offsets.asinfo, offsets.asinfo + 2, offsets.asinfo + 4, offsets.cpuinfo, offsets.cpuinfo + 2, offsets.cpuinfo + 4];
  const entryField = (): number => dump.asinfoOffset + below(random, 12) * dump.asinfoElementSize + ([0, 8, 16, 18, 20, 22][below(random, 6)] ?? 0);
  const extremes16 = [0, 1, 0xffff, 0x7fff, below(random, 0x10000)];
  const operations = 1 + below(random, 4);
  for (let op = 0; op < operations && bytes.length > 0; op++) {
    const at = below(random, bytes.length);
    switch (below(random, 7)) {
      case 0:
        bytes[at] = (bytes[at] ?? 0) ^ (1 + below(random, 255));
        break;
      case 1:
        bytes = bytes.slice(0, below(random, bytes.length + 1));
        break;
      case 2: {
        // Duplicate a range over another place, or insert a copy of it.
        const length = 1 + below(random, 64);
        const chunk = bytes.slice(at, at + length);
        const to = below(random, bytes.length);
        if (random() < 0.5) {
          bytes.set(chunk.subarray(0, Math.max(0, Math.min(chunk.length, bytes.length - to))), to);
        } else {
          const grown = new Uint8Array(bytes.length + chunk.length);
          grown.set(bytes.subarray(0, to));
          grown.set(chunk, to);
          grown.set(bytes.subarray(to), to + chunk.length);
          bytes = grown;
        }
        break;
      }
      case 3: {
        const field = interesting16[below(random, interesting16.length)] ?? 0;
        if (field + 2 <= bytes.length) put16(bytes, field, extremes16[below(random, extremes16.length)] ?? 0);
        break;
      }
      case 4: {
        const field = entryField();
        if (field + 2 <= bytes.length) put16(bytes, field, extremes16[below(random, extremes16.length)] ?? 0);
        break;
      }
      case 5:
        if (at + 4 <= bytes.length) put32(bytes, at, random() < 0.5 ? 0 : 0xffffffff);
        break;
      default: {
        const field = dump.asinfoOffset + below(random, 12) * dump.asinfoElementSize + (random() < 0.5 ? 0 : 8);
        if (field + 8 <= bytes.length) put64(bytes, field, [0n, 0xffffffffffffffffn, BigInt(below(random, 0x7fffffff))][below(random, 3)] ?? 0n);
        break;
      }
    }
  }
  return bytes;
}

const PIDIN_ALPHABET = '0123456789abcdefox:)-/ =,\n#CpuTypeSection';

function mutatePidin(random: () => number, source: string): string {
  let lines = source.split('\n');
  const operations = 1 + below(random, 4);
  for (let op = 0; op < operations; op++) {
    const index = below(random, Math.max(lines.length, 1));
    const line = lines[index] ?? '';
    switch (below(random, 8)) {
      case 0: {
        const from = below(random, line.length + 1);
        lines[index] = line.slice(0, from) + line.slice(from + 1 + below(random, 6));
        break;
      }
      case 1: {
        const from = below(random, line.length + 1);
        let insert = '';
        for (let k = below(random, 5); k >= 0; k--) insert += PIDIN_ALPHABET[below(random, PIDIN_ALPHABET.length)];
        lines[index] = line.slice(0, from) + insert + line.slice(from);
        break;
      }
      case 2:
        lines.splice(index, 0, line);
        break;
      case 3:
        lines.splice(index, 1);
        break;
      case 4: {
        const other = below(random, Math.max(lines.length, 1));
        lines[index] = lines[other] ?? '';
        lines[other] = line;
        break;
      }
      case 5:
        lines[index] = line.replace(/o:[0-9a-f]{4}/, `o:${['ffff', '0000', '0018', '0020', '0030', below(random, 0x200).toString(16).padStart(4, '0')][below(random, 6)]}`);
        break;
      case 6:
        lines[index] = line.replace(/[0-9a-f](?=[0-9a-f]*-)/, PIDIN_ALPHABET[below(random, 16)] ?? '0');
        break;
      default:
        lines = lines.slice(0, below(random, lines.length + 1));
        break;
    }
  }
  return lines.join('\n');
}

describe('fuzz: QNX parsers only ever decode or throw their own WrtError', () => {
  it('mutated SYSPAGE dumps (4 x 1000 runs)', () => {
    const tally = new Map<string, number>();
    dumps.forEach(({ name, dump, layout }, which) => {
      const seed = 0x51e5 + which;
      const random = mulberry32(seed);
      for (let runIndex = 0; runIndex < 1000; runIndex++) {
        const bytes = mutateDump(random, dump.bytes, layout, dump);
        run(() => parseQnxSyspage(bytes, { file: 'fuzz.dump' }), ['SYSPAGE_TRUNCATED', 'SYSPAGE_MALFORMED'], `${name} seed ${seed} run ${runIndex}`, tally);
      }
    });
    // The mutations must exercise both outcomes, or the fuzzer is not testing anything.
    expect(tally.get('ok') ?? 0).toBeGreaterThan(200);
    expect(tally.get('SYSPAGE_TRUNCATED') ?? 0).toBeGreaterThan(200);
    expect(tally.get('SYSPAGE_MALFORMED') ?? 0).toBeGreaterThan(200);
  });

  it('mutated pidin listings (3 x 1000 runs); errors name a line of the input', () => {
    const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'qnx');
    const texts = [
      readFileSync(join(fixtures, 'pidin-asinfo-qnx7-x86_64.txt'), 'utf8'),
      readFileSync(join(fixtures, 'pidin-asinfo-qnx8-aarch64.txt'), 'utf8'),
      [
        'Header size=0x000000f0, Total Size=0x00000800, Version=2.0, #Cpu=4, Type=4352',
        'Section:asinfo offset:0x00000400 size:0x00000060 elsize:0x00000018',
        '0000) 0000000000000000-0000ffffffffffff o:ffff memory',
        '0018) 0000000000000000-00000000ffffffff o:0000 below4G',
        '0030) 0000000000100000-000000003fffffff o:0018 ram',
        '0048) 0000000000200000-000000003fffffff o:0030 sysram',
      ].join('\n'),
    ];
    const tally = new Map<string, number>();
    texts.forEach((text, which) => {
      const seed = 0xa51f0 + which;
      const random = mulberry32(seed);
      for (let runIndex = 0; runIndex < 1000; runIndex++) {
        const mutated = mutatePidin(random, text);
        const error = run(() => parsePidinAsinfo(mutated, { file: 'fuzz.txt' }), ['PIDIN_MALFORMED'], `pidin ${which} seed ${seed} run ${runIndex}`, tally);
        if (error !== null) {
          const line = error.location.line ?? 0;
          expect(line).toBeGreaterThanOrEqual(1);
          expect(line).toBeLessThanOrEqual(Math.max(mutated.split(/\r?\n/).length, 1));
          expect(error.location.file).toBe('fuzz.txt');
        }
      }
    });
    expect(tally.get('ok') ?? 0).toBeGreaterThan(200);
    expect(tally.get('PIDIN_MALFORMED') ?? 0).toBeGreaterThan(200);
  });
});
