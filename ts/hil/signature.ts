import type { NumType } from './values.js';

/** Value types the HIL runner passes and reads; the rest (v128, references) it cannot check. */
export type ValType = NumType | 'v128' | 'funcref' | 'externref' | 'unknown';

export interface FuncSignature {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

const VALTYPE: Readonly<Record<number, ValType>> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };

/**
 * The signature of an exported function, read from the type, import, function and export
 * sections. JavaScript cannot tell an f32 result from an f64 one, so the V8 reference needs this
 * to turn results into bits. Returns undefined for a malformed module or a missing export (the
 * runtime reports those itself); never throws.
 */
export function exportSignature(bytes: Uint8Array, name: string): FuncSignature | undefined {
  try {
    return readSignature(new Reader(bytes), name);
  } catch (error: unknown) {
    if (error instanceof OutOfBounds) return undefined;
    throw error;
  }
}

class OutOfBounds extends Error {}

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array, readonly end: number = bytes.length) {}
  byte(): number {
    if (this.pos >= this.end) throw new OutOfBounds();
    return this.bytes[this.pos++] ?? 0;
  }
  u32(): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
    }
    throw new OutOfBounds();
  }
  skip(n: number): void {
    if (n > this.end - this.pos) throw new OutOfBounds();
    this.pos += n;
  }
  name(): string {
    const length = this.u32();
    const start = this.pos;
    this.skip(length);
    return new TextDecoder().decode(this.bytes.subarray(start, start + length));
  }
  limits(): void {
    const flags = this.byte();
    this.u32();
    if ((flags & 1) !== 0) this.u32();
  }
}

function readSignature(r: Reader, wanted: string): FuncSignature | undefined {
  r.skip(8); // magic and version
  const types: FuncSignature[] = [];
  const funcTypes: number[] = [];
  while (r.pos < r.end) {
    const id = r.byte();
    const size = r.u32();
    const start = r.pos;
    r.skip(size);
    const s = new Reader(r.bytes, start + size);
    s.pos = start;
    if (id === 1) {
      for (let n = s.u32(); n > 0; n -= 1) {
        if (s.byte() !== 0x60) return undefined;
        const params = vecOf(s);
        const results = vecOf(s);
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = s.u32(); n > 0; n -= 1) {
        s.name();
        s.name();
        const kind = s.byte();
        if (kind === 0) funcTypes.push(s.u32());
        else if (kind === 1) {
          s.byte();
          s.limits();
        } else if (kind === 2) s.limits();
        else if (kind === 3) s.skip(2);
        else if (kind === 4) {
          s.byte();
          s.u32();
        } else return undefined;
      }
    } else if (id === 3) {
      for (let n = s.u32(); n > 0; n -= 1) funcTypes.push(s.u32());
    } else if (id === 7) {
      for (let n = s.u32(); n > 0; n -= 1) {
        const name = s.name();
        const kind = s.byte();
        const index = s.u32();
        if (kind === 0 && name === wanted) {
          const typeIndex = funcTypes[index];
          return typeIndex === undefined ? undefined : types[typeIndex];
        }
      }
      return undefined;
    }
  }
  return undefined;
}

function vecOf(s: Reader): ValType[] {
  const out: ValType[] = [];
  for (let n = s.u32(); n > 0; n -= 1) out.push(VALTYPE[s.byte()] ?? 'unknown');
  return out;
}

/** Number of imports the module declares (0 without an import section); undefined when malformed. */
export function importCount(bytes: Uint8Array): number | undefined {
  try {
    const r = new Reader(bytes);
    r.skip(8);
    while (r.pos < r.end) {
      const id = r.byte();
      const size = r.u32();
      if (id === 2) return r.u32();
      r.skip(size);
    }
    return 0;
  } catch (error: unknown) {
    if (error instanceof OutOfBounds) return undefined;
    throw error;
  }
}
