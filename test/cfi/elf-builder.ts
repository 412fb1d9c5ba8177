/**
 * Builds small ELF files byte by byte for tests: a header, program headers that point at data
 * blobs (or at a section's bytes), sections with a section name table. Written independently of
 * ts/cfi/elf.ts so the parser is checked against a second implementation of the layout.
 */
export type Endian = 'little' | 'big';

export interface BlobSection {
  readonly name: string;
  readonly type: number;
  readonly align: number;
  readonly data: Uint8Array;
}

export interface BlobSegment {
  readonly type: number;
  readonly align: number;
  /** Either own bytes, or the name of a section whose bytes the segment covers. */
  readonly data?: Uint8Array;
  readonly section?: string;
}

export interface ElfSpec {
  readonly elfClass: 32 | 64;
  readonly endianness: Endian;
  readonly machine: number;
  readonly type?: number;
  readonly segments?: readonly BlobSegment[];
  readonly sections?: readonly BlobSection[];
}

class Writer {
  private bytes: number[] = [];
  constructor(private readonly little: boolean) {}
  get length(): number {
    return this.bytes.length;
  }
  pad(align: number): void {
    while (this.bytes.length % align !== 0) this.bytes.push(0);
  }
  raw(data: Uint8Array | readonly number[]): void {
    for (const b of data) this.bytes.push(b);
  }
  at(offset: number, size: 1 | 2 | 4 | 8, value: number | bigint): void {
    let v = BigInt(value);
    const out: number[] = [];
    for (let i = 0; i < size; i++) {
      out.push(Number(v & 0xffn));
      v >>= 8n;
    }
    if (!this.little) out.reverse();
    while (this.bytes.length < offset + size) this.bytes.push(0);
    out.forEach((b, i) => (this.bytes[offset + i] = b));
  }
  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** Encodes integers in a chosen byte order. */
export function words(endianness: Endian, values: readonly (readonly [size: 1 | 2 | 4 | 8, value: number | bigint])[]): Uint8Array {
  const w = new Writer(endianness === 'little');
  let pos = 0;
  for (const [size, value] of values) {
    w.at(pos, size, value);
    pos += size;
  }
  return w.finish();
}

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/** One note: header, name + NUL padded to `align`, descriptor padded to `align`. */
export function note(endianness: Endian, name: string, type: number, desc: Uint8Array, align: 4 | 8): Uint8Array {
  const nameBytes = [...Buffer.from(name, 'latin1'), 0];
  const header = words(endianness, [
    [4, nameBytes.length],
    [4, desc.length],
    [4, type],
  ]);
  const out: number[] = [...header, ...nameBytes];
  while (out.length % align !== 0) out.push(0);
  out.push(...desc);
  while (out.length % align !== 0) out.push(0);
  return Uint8Array.from(out);
}

/** An NT_GNU_PROPERTY_TYPE_0 descriptor: pr_type, pr_datasz, data padded to `pad`. */
export function properties(endianness: Endian, pad: 4 | 8, list: readonly { type: number; data: Uint8Array }[]): Uint8Array {
  const out: number[] = [];
  for (const p of list) {
    out.push(
      ...words(endianness, [
        [4, p.type],
        [4, p.data.length],
      ]),
    );
    out.push(...p.data);
    while (out.length % pad !== 0) out.push(0);
  }
  return Uint8Array.from(out);
}

export function u32(endianness: Endian, value: number): Uint8Array {
  return words(endianness, [[4, value]]);
}

export function buildElf(spec: ElfSpec): Uint8Array {
  const is64 = spec.elfClass === 64;
  const w = new Writer(spec.endianness === 'little');
  const ehsize = is64 ? 64 : 52;
  const phentsize = is64 ? 56 : 32;
  const shentsize = is64 ? 64 : 40;
  const segments = spec.segments ?? [];
  const sections = spec.sections ?? [];

  w.raw([0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, spec.endianness === 'little' ? 1 : 2, 1, 0]);
  w.pad(16);
  w.at(16, 2, spec.type ?? 2);
  w.at(18, 2, spec.machine);
  w.at(20, 4, 1);
  w.pad(ehsize);
  while (w.length < ehsize) w.raw([0]);

  const phoff = segments.length > 0 ? ehsize : 0;
  w.raw(new Uint8Array(segments.length * phentsize));

  // Section data, then the name table, then the section header table.
  const sectionOffsets: number[] = [];
  for (const s of sections) {
    w.pad(Math.max(1, s.align));
    sectionOffsets.push(w.length);
    w.raw(s.data);
  }
  const segmentData: { offset: number; size: number }[] = [];
  for (const seg of segments) {
    if (seg.section !== undefined) {
      const index = sections.findIndex((s) => s.name === seg.section);
      if (index < 0) throw new Error(`segment refers to unknown section ${seg.section}`);
      segmentData.push({ offset: sectionOffsets[index] ?? 0, size: sections[index]?.data.length ?? 0 });
    } else {
      w.pad(Math.max(1, seg.align));
      segmentData.push({ offset: w.length, size: seg.data?.length ?? 0 });
      w.raw(seg.data ?? new Uint8Array());
    }
  }
  let shoff = 0;
  let shnum = 0;
  let shstrndx = 0;
  if (sections.length > 0) {
    const names: number[] = [0];
    const nameOffsets = sections.map((s) => {
      const at = names.length;
      names.push(...Buffer.from(s.name, 'latin1'), 0);
      return at;
    });
    const shstrtabName = names.length;
    names.push(...Buffer.from('.shstrtab', 'latin1'), 0);
    const shstrtabOffset = w.length;
    w.raw(names);
    w.pad(8);
    shoff = w.length;
    shnum = sections.length + 2;
    shstrndx = sections.length + 1;
    w.raw(new Uint8Array(shnum * shentsize));
    const writeSection = (index: number, name: number, type: number, offset: number, size: number, align: number): void => {
      const base = shoff + index * shentsize;
      w.at(base, 4, name);
      w.at(base + 4, 4, type);
      w.at(base + (is64 ? 24 : 16), is64 ? 8 : 4, offset);
      w.at(base + (is64 ? 32 : 20), is64 ? 8 : 4, size);
      w.at(base + (is64 ? 48 : 32), is64 ? 8 : 4, align);
    };
    sections.forEach((s, i) => writeSection(i + 1, nameOffsets[i] ?? 0, s.type, sectionOffsets[i] ?? 0, s.data.length, s.align));
    writeSection(shstrndx, shstrtabName, 3, shstrtabOffset, names.length, 1);
  }
  segments.forEach((seg, i) => {
    const base = phoff + i * phentsize;
    const data = segmentData[i] ?? { offset: 0, size: 0 };
    w.at(base, 4, seg.type);
    if (is64) {
      w.at(base + 4, 4, 4);
      w.at(base + 8, 8, data.offset);
      w.at(base + 16, 8, data.offset);
      w.at(base + 24, 8, data.offset);
      w.at(base + 32, 8, data.size);
      w.at(base + 40, 8, data.size);
      w.at(base + 48, 8, seg.align);
    } else {
      w.at(base + 4, 4, data.offset);
      w.at(base + 8, 4, data.offset);
      w.at(base + 12, 4, data.offset);
      w.at(base + 16, 4, data.size);
      w.at(base + 20, 4, data.size);
      w.at(base + 24, 4, 4);
      w.at(base + 28, 4, seg.align);
    }
  });
  const phOffField = is64 ? 32 : 28;
  const shOffField = is64 ? 40 : 32;
  const at = is64 ? 52 : 40;
  w.at(phOffField, is64 ? 8 : 4, phoff);
  w.at(shOffField, is64 ? 8 : 4, shoff);
  w.at(at, 2, ehsize);
  w.at(at + 2, 2, segments.length > 0 ? phentsize : 0);
  w.at(at + 4, 2, segments.length);
  w.at(at + 6, 2, sections.length > 0 ? shentsize : 0);
  w.at(at + 8, 2, shnum);
  w.at(at + 10, 2, shstrndx);
  return w.finish();
}

export { alignUp };
