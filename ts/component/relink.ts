/**
 * Explicit core linking on a device that links by name (docs/component.md, "Several core
 * instances"): every import of a core instance the plan creates is renamed to the (instance,
 * export) it is bound to, `#k` / export name, and the device registers instance k as `#k`. The
 * rest of the module is sent byte for byte; only the import section is re-encoded.
 */
import { unsupported } from './ctype.js';

const enc = new TextEncoder();

function leb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  for (let i = 0; i < 5; i++) {
    const b = v & 0x7f;
    v >>>= 7;
    if (v === 0) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
  return out;
}

class R {
  constructor(
    readonly b: Uint8Array,
    public pos: number,
  ) {}
  u8(): number {
    if (this.pos >= this.b.length) throw unsupported('a core module ends inside its import section', undefined, this.pos);
    return this.b[this.pos++] as number;
  }
  u32(): number {
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const x = this.u8();
      v += (x & 0x7f) * 2 ** shift;
      if ((x & 0x80) === 0) return v;
    }
    throw unsupported('a LEB128 longer than 5 bytes in a core module', undefined, this.pos);
  }
  skipName(): void {
    const n = this.u32();
    this.pos += n;
  }
  limits(): void {
    const flag = this.u8();
    this.u32();
    if ((flag & 0x01) !== 0) this.u32();
  }
}

/** The registered name of plan instance k. */
export function instanceName(k: number): string {
  return `#${k}`;
}

/** `module` with import i renamed to `names[i]` (module, field); the same bytes when there are no imports. */
export function renameImports(module: Uint8Array, names: readonly (readonly [string, string])[]): Uint8Array {
  if (names.length === 0) return module;
  const r = new R(module, 8);
  // Bounded: every section consumes its bytes.
  while (r.pos < module.length) {
    const sectionStart = r.pos;
    const id = r.u8();
    const size = r.u32();
    const start = r.pos;
    const end = start + size;
    if (id !== 2) {
      r.pos = end;
      continue;
    }
    const n = r.u32();
    if (n !== names.length) throw unsupported(`a core module has ${n} imports, the plan binds ${names.length}`, undefined, start);
    const body: number[] = [...leb(n)];
    for (let i = 0; i < n; i++) {
      r.skipName();
      r.skipName();
      const descStart = r.pos;
      const kind = r.u8();
      if (kind === 0x00) r.u32();
      else if (kind === 0x01) {
        r.u8();
        r.limits();
      } else if (kind === 0x02) r.limits();
      else if (kind === 0x03) {
        r.u8();
        r.u8();
      } else throw unsupported(`import kind ${kind} in a core module`, undefined, descStart);
      const [m, f] = names[i] as readonly [string, string];
      const mb = enc.encode(m);
      const fb = enc.encode(f);
      body.push(...leb(mb.length), ...mb, ...leb(fb.length), ...fb, ...module.subarray(descStart, r.pos));
    }
    const section = [2, ...leb(body.length), ...body];
    const out = new Uint8Array(sectionStart + section.length + (module.length - end));
    out.set(module.subarray(0, sectionStart), 0);
    out.set(section, sectionStart);
    out.set(module.subarray(end), sectionStart + section.length);
    return out;
  }
  return module;
}
