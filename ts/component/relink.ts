/**
 * Explicit core linking on a device that links by name (docs/component.md, "Several core
 * instances"): every import of a core instance the plan creates is renamed to the (instance,
 * export) it is bound to, `#k` / export name, and the device registers instance k as `#k`. The
 * rest of the module is sent byte for byte; only the import section is re-encoded.
 */
import { importSpans } from '../wasm/imports.js';
import { encodeUleb } from '../wasm/leb128.js';
import { Reader } from '../wasm/reader.js';
import { moduleSections } from '../wasm/sections.js';
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

/** The registered name of plan instance k. */
export function instanceName(k: number): string {
  return `#${k}`;
}

/** `module` with import i renamed to `names[i]` (module, field); the same bytes when there are no imports. */
export function renameImports(module: Uint8Array, names: readonly (readonly [string, string])[]): Uint8Array {
  if (names.length === 0) return module;
  const imports = moduleSections(module).find((span) => span.id === 2);
  if (imports === undefined) return module;
  const r = moduleReader(module);
  r.pos = imports.payloadStart;
  r.end = imports.end;
  const spans = importSpans(r);
  if (spans.length !== names.length) {
    throw unsupported(`a core module has ${spans.length} imports, the plan binds ${names.length}`, undefined, imports.payloadStart);
  }
  const body: number[] = [...encodeUleb(spans.length)];
  spans.forEach(({ descStart, end }, i) => {
    const [m, f] = names[i] as readonly [string, string];
    const mb = enc.encode(m);
    const fb = enc.encode(f);
    body.push(...encodeUleb(mb.length), ...mb, ...encodeUleb(fb.length), ...fb, ...module.subarray(descStart, end));
  });
  const section = [2, ...encodeUleb(body.length), ...body];
  const out = new Uint8Array(imports.start + section.length + (module.length - imports.end));
  out.set(module.subarray(0, imports.start), 0);
  out.set(section, imports.start);
  out.set(module.subarray(imports.end), imports.start + section.length);
  return out;
}
