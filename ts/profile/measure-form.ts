/**
 * The form of a core module that `native-sim --measure` can load (ts/profile/load-regions.ts): a
 * component's core instance may import a memory, table or global from another instance (explicit
 * core linking, ts/component/flatten.ts), which a module measured alone has nowhere to link from.
 * Each such import becomes a definition of the same type, in its place of its index space
 * (imports come first in each index space, and every one of them is converted, so no index moves);
 * function imports stay (the measure binds them to stubs). The figures are then an upper bound of
 * the instance's: a defined memory, table or global takes a record the import would only point at.
 * Only measured, never uploaded.
 */
import { WrtError } from '../core/errors.js';
import { importSpans } from '../wasm/imports.js';
import { encodeUleb } from '../wasm/leb128.js';
import { Reader } from '../wasm/reader.js';
import { moduleSections } from '../wasm/sections.js';

/** A reader over `bytes`, which start at `base` in the module; a surprise is WASM_UNSUPPORTED at its offset. */
function moduleReader(bytes: Uint8Array, base: number): Reader {
  const r = new Reader({
    fail: (_code, message, offset) => {
      throw new WrtError('WASM_UNSUPPORTED', `a core module to measure: ${message}`, { offset });
    },
  });
  r.bind(bytes, 0, bytes.length, base, true);
  return r;
}

/** A zero constant of a global's value type, as a constant expression ending in `end`. */
function zeroInit(type: number): number[] {
  switch (type) {
    case 0x7f:
      return [0x41, 0x00, 0x0b];
    case 0x7e:
      return [0x42, 0x00, 0x0b];
    case 0x7d:
      return [0x43, 0, 0, 0, 0, 0x0b];
    case 0x7c:
      return [0x44, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b];
    case 0x7b:
      return [0xfd, 0x0c, ...new Array<number>(16).fill(0), 0x0b];
    default:
      // funcref 0x70, externref 0x6f: ref.null of the type.
      return [0xd0, type, 0x0b];
  }
}

/** Where each standard section goes (the binary format's order; data count before code). */
const ORDER: Readonly<Record<number, number>> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 9: 9, 12: 10, 10: 11, 11: 12 };

/** `module` with its memory, table and global imports defined in place; the same bytes when it has none. */
export function measurableForm(module: Uint8Array): Uint8Array {
  const sections = new Map<number, Uint8Array>();
  const bases = new Map<number, number>();
  for (const span of moduleSections(module)) {
    if (span.id === 0) continue;
    sections.set(span.id, module.subarray(span.payloadStart, span.end));
    bases.set(span.id, span.payloadStart);
  }
  const imports = sections.get(2);
  if (imports === undefined) return module;
  const defined: Record<4 | 5 | 6, number[][]> = { 4: [], 5: [], 6: [] };
  const kept: number[][] = [];
  for (const { start, descStart, kind, end } of importSpans(moduleReader(imports, bases.get(2) ?? 0))) {
    // Table 0x01 and memory 0x02: the descriptor after the kind is the definition; a global 0x03
    // gets a zero of its type.
    if (kind === 0x00) kept.push([...imports.subarray(start, end)]);
    else if (kind === 0x01) defined[4].push([...imports.subarray(descStart + 1, end)]);
    else if (kind === 0x02) defined[5].push([...imports.subarray(descStart + 1, end)]);
    else {
      const type = imports[descStart + 1] as number;
      defined[6].push([type, imports[descStart + 2] as number, ...zeroInit(type)]);
    }
  }
  if (defined[4].length + defined[5].length + defined[6].length === 0) return module;
  sections.set(2, Uint8Array.from([...encodeUleb(kept.length), ...kept.flat()]));
  for (const id of [4, 5, 6] as const) {
    if (defined[id].length === 0) continue;
    const old = sections.get(id);
    let count = 0;
    let rest: Uint8Array = new Uint8Array(0);
    if (old !== undefined) {
      const sr = moduleReader(old, bases.get(id) ?? 0);
      count = sr.u32();
      rest = old.subarray(sr.pos);
    }
    const head = Uint8Array.from([...encodeUleb(count + defined[id].length), ...defined[id].flat()]);
    const joined = new Uint8Array(head.length + rest.length);
    joined.set(head, 0);
    joined.set(rest, head.length);
    sections.set(id, joined);
  }
  // Concatenated without spreading a body into arguments: a code section may be large.
  const parts: Uint8Array[] = [module.subarray(0, 8)];
  for (const id of [...sections.keys()].sort((a, b) => (ORDER[a] ?? 99) - (ORDER[b] ?? 99))) {
    const body = sections.get(id) as Uint8Array;
    parts.push(Uint8Array.from([id, ...encodeUleb(body.length)]), body);
  }
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
