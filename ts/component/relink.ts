/**
 * Explicit core linking on a device that links by name (docs/component.md, "Several core
 * instances"): every import of a core instance the plan creates is renamed to the (instance,
 * export) it is bound to, `#k` / export name, and the device registers instance k as `#k`. The
 * rest of the module is sent byte for byte; only the import section is re-encoded.
 */
import { encodeUleb } from '../wasm/leb128.js';
import { Reader } from '../wasm/reader.js';
import { unsupported } from './ctype.js';

const enc = new TextEncoder();

/** The project's binary reader over a validated core module; a surprise in it is COMPONENT_UNSUPPORTED at its offset. */
function moduleReader(module: Uint8Array): Reader {
  const r = new Reader({
    fail: (_code, message, offset) => {
      throw unsupported(`a core module: ${message}`, undefined, offset);
    },
  });
  r.endMessage = 'a core module ends inside its import section';
  r.bind(module, 8, module.length, 0, true);
  return r;
}

/** Table, memory limits: a flag byte, the minimum and, with bit 0, the maximum. */
function skipLimits(r: Reader): void {
  const flag = r.u8();
  r.u32();
  if ((flag & 0x01) !== 0) r.u32();
}

/** The registered name of plan instance k. */
export function instanceName(k: number): string {
  return `#${k}`;
}

/** `module` with import i renamed to `names[i]` (module, field); the same bytes when there are no imports. */
export function renameImports(module: Uint8Array, names: readonly (readonly [string, string])[]): Uint8Array {
  if (names.length === 0) return module;
  const r = moduleReader(module);
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
    const body: number[] = [...encodeUleb(n)];
    for (let i = 0; i < n; i++) {
      r.skip(r.u32());
      r.skip(r.u32());
      const descStart = r.pos;
      const kind = r.u8();
      if (kind === 0x00) r.u32();
      else if (kind === 0x01) {
        r.u8();
        skipLimits(r);
      } else if (kind === 0x02) skipLimits(r);
      else if (kind === 0x03) {
        r.u8();
        r.u8();
      } else throw unsupported(`import kind ${kind} in a core module`, undefined, descStart);
      const [m, f] = names[i] as readonly [string, string];
      const mb = enc.encode(m);
      const fb = enc.encode(f);
      body.push(...encodeUleb(mb.length), ...mb, ...encodeUleb(fb.length), ...fb, ...module.subarray(descStart, r.pos));
    }
    const section = [2, ...encodeUleb(body.length), ...body];
    const out = new Uint8Array(sectionStart + section.length + (module.length - end));
    out.set(module.subarray(0, sectionStart), 0);
    out.set(section, sectionStart);
    out.set(module.subarray(end), sectionStart + section.length);
    return out;
  }
  return module;
}
