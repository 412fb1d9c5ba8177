/**
 * Seeded component worlds for the component differential (docs/component.md, "Differential
 * against jco and definitions.py"): random exported function signatures over the value types
 * `run` calls with, the world's WIT, and a C implementation of every function that does the
 * canonical ABI by hand for that signature (lift its flat parameters into memory, hash every
 * argument value, build a result from the hash, lower it flat or through a return area,
 * post-return frees), compiled to a core module with clang --target=wasm32 -nostdlib.
 *
 * The transform: the guest hashes the arguments it was given (code points for strings, whatever
 * their encoding, so the hash does not depend on how a host chose to encode them; NaNs canonical),
 * seeds a generator with the hash and builds the result from it, echoing the first string
 * argument's code points in result strings. Both engines run the same core code, so a result
 * differs only when lowering, execution or lifting differs. When the hash says so, the guest
 * corrupts one spot of its result on purpose (a surrogate or out-of-range char, a discriminant
 * past the last case, invalid UTF-8 or a lone surrogate in a string, a pointer out of bounds or
 * misaligned): those calls trap, and the trap is compared with definitions.py.
 */
import type { CType } from '../../ts/component/ctype.js';
import type { CValue } from '../../ts/component/value-encoding.js';

export type Encoding = 'utf8' | 'utf16' | 'latin1+utf16';
const ENCODINGS: readonly Encoding[] = ['utf8', 'utf16', 'latin1+utf16'];

/** The kinds a run must see (the type kinds `run` supports). */
export const TYPE_KINDS = ['bool', 's8', 'u8', 's16', 'u16', 's32', 'u32', 's64', 'u64', 'f32', 'f64', 'char', 'string', 'list', 'record', 'tuple', 'variant', 'enum', 'option', 'result', 'flags'] as const;

/** A small seeded generator (splitmix32-style), reproducible from (seed, stream). */
export class Rng {
  private s: number;
  constructor(seed: number, stream = 0) {
    this.s = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
    for (let i = 0; i < 4; i++) this.u32();
  }
  u32(): number {
    this.s = (this.s + 0x9e3779b9) >>> 0;
    let z = this.s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  }
  below(n: number): number {
    return this.u32() % n;
  }
  chance(p: number): boolean {
    return this.u32() / 4294967296 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.below(xs.length)] as T;
  }
  u64(): bigint {
    return (BigInt(this.u32()) << 32n) | BigInt(this.u32());
  }
}

export interface GenFunction {
  readonly name: string;
  readonly params: readonly (readonly [string, CType])[];
  readonly result: CType;
}

// ---- types ---------------------------------------------------------------------------------

const PRIMS = ['bool', 's8', 'u8', 's16', 'u16', 's32', 'u32', 's64', 'u64', 'f32', 'f64', 'char', 'string'] as const;

interface Defs {
  readonly names: Map<CType, string>;
  readonly lines: string[];
}

function genType(r: Rng, depth: number, budget: { nodes: number }, defs: Defs): CType {
  budget.nodes -= 1;
  const composite = depth < 3 && budget.nodes > 3 && r.chance(depth === 0 ? 0.6 : 0.4);
  if (!composite) return { k: r.pick(PRIMS) };
  const kind = r.pick(['list', 'record', 'tuple', 'variant', 'enum', 'option', 'result', 'flags'] as const);
  const name = (): string => `t${defs.names.size}`;
  const child = (): CType => genType(r, depth + 1, budget, defs);
  switch (kind) {
    case 'list':
      return { k: 'list', t: child() };
    case 'option':
      return { k: 'option', t: child() };
    case 'tuple': {
      const n = 1 + r.below(3);
      return { k: 'tuple', ts: Array.from({ length: n }, child) };
    }
    case 'result': {
      const ok = r.chance(0.7) ? child() : null;
      const err = r.chance(0.6) ? child() : null;
      return { k: 'result', ok, err };
    }
    case 'record': {
      const n = 1 + r.below(3);
      const fields = Array.from({ length: n }, (_, i) => [`f${i}`, child()] as const);
      const t: CType = { k: 'record', fields };
      const id = name();
      defs.names.set(t, id);
      defs.lines.push(`  record ${id} { ${fields.map(([f, ft]) => `${f}: ${witRef(ft, defs)}`).join(', ')} }`);
      return t;
    }
    case 'variant': {
      const n = 1 + r.below(4);
      const cases = Array.from({ length: n }, (_, i) => [`c${i}`, r.chance(0.6) ? child() : null] as const);
      const t: CType = { k: 'variant', cases };
      const id = name();
      defs.names.set(t, id);
      defs.lines.push(`  variant ${id} { ${cases.map(([c, ct]) => (ct === null ? c : `${c}(${witRef(ct, defs)})`)).join(', ')} }`);
      return t;
    }
    case 'enum': {
      const n = r.chance(0.05) ? 257 + r.below(3) : 1 + r.below(5);
      const names = Array.from({ length: n }, (_, i) => `e${i}`);
      const t: CType = { k: 'enum', names };
      const id = name();
      defs.names.set(t, id);
      defs.lines.push(`  enum ${id} { ${names.join(', ')} }`);
      return t;
    }
    case 'flags': {
      const n = r.pick([1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32]);
      const names = Array.from({ length: n }, (_, i) => `g${i}`);
      const t: CType = { k: 'flags', names };
      const id = name();
      defs.names.set(t, id);
      defs.lines.push(`  flags ${id} { ${names.join(', ')} }`);
      return t;
    }
  }
}

function witRef(t: CType, defs: Defs): string {
  const named = defs.names.get(t);
  if (named !== undefined) return named;
  switch (t.k) {
    case 'list':
      return `list<${witRef(t.t, defs)}>`;
    case 'option':
      return `option<${witRef(t.t, defs)}>`;
    case 'tuple':
      return `tuple<${t.ts.map((x) => witRef(x, defs)).join(', ')}>`;
    case 'result':
      if (t.ok === null && t.err === null) return 'result';
      if (t.err === null) return `result<${witRef(t.ok as CType, defs)}>`;
      return `result<${t.ok === null ? '_' : witRef(t.ok, defs)}, ${witRef(t.err, defs)}>`;
    default:
      return t.k;
  }
}

/** Kinds a type uses (into `out`). */
export function kindsOf(t: CType | null, out: Set<string>): void {
  if (t === null) return;
  out.add(t.k);
  switch (t.k) {
    case 'list':
    case 'option':
      kindsOf(t.t, out);
      return;
    case 'record':
      for (const [, f] of t.fields) kindsOf(f, out);
      return;
    case 'tuple':
      for (const f of t.ts) kindsOf(f, out);
      return;
    case 'variant':
      for (const [, f] of t.cases) kindsOf(f, out);
      return;
    case 'result':
      kindsOf(t.ok, out);
      kindsOf(t.err, out);
      return;
    default:
      return;
  }
}

/**
 * World `index` of `seed`: 1-4 functions of 0-4 parameters, at most 40 type nodes a function
 * (the device takes 64, parameters and result together).
 */
export function generateWorld(seed: number, index: number): { readonly encoding: Encoding; readonly functions: readonly GenFunction[]; readonly wit: string } {
  const r = new Rng(seed, index);
  const encoding = ENCODINGS[index % 3] as Encoding;
  const defs: Defs = { names: new Map(), lines: [] };
  const functions: GenFunction[] = [];
  const n = 1 + r.below(4);
  for (let i = 0; i < n; i++) {
    const budget = { nodes: 36 };
    // Now and then more than 16 flat parameters: the caller spills them to memory.
    const np = r.chance(0.12) ? 9 + r.below(6) : r.below(5);
    const params: (readonly [string, CType])[] = [];
    for (let p = 0; p < np && budget.nodes > 2; p++) params.push([`a${p}`, genType(r, 0, budget, defs)]);
    budget.nodes = Math.max(budget.nodes, 8);
    const result = genType(r, 0, budget, defs);
    functions.push({ name: `f${i}`, params, result });
  }
  const sigs = functions.map((f) => `  export ${f.name}: func(${f.params.map(([p, t]) => `${p}: ${witRef(t, defs)}`).join(', ')}) -> ${witRef(f.result, defs)};`);
  const wit = `package wrt:diff;\n\nworld w${index} {\n${defs.lines.join('\n')}\n${sigs.join('\n')}\n}\n`;
  return { encoding, functions, wit };
}

// ---- canonical ABI layout (definitions.py: elem_size, alignment, flatten_type) ------------------

type Core = 'i32' | 'i64' | 'f32' | 'f64';

function alignTo(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

function discSize(n: number): number {
  return n <= 256 ? 1 : n <= 65536 ? 2 : 4;
}

function flagBytes(n: number): number {
  return n <= 8 ? 1 : n <= 16 ? 2 : 4;
}

interface Case {
  readonly payload: CType | null;
}

/** Cases of a variant-like type (option, result, enum despecialised). */
function casesOf(t: CType): readonly Case[] | null {
  switch (t.k) {
    case 'variant':
      return t.cases.map(([, p]) => ({ payload: p }));
    case 'option':
      return [{ payload: null }, { payload: t.t }];
    case 'result':
      return [{ payload: t.ok }, { payload: t.err }];
    case 'enum':
      return t.names.map(() => ({ payload: null }));
    default:
      return null;
  }
}

function fieldsOf(t: CType): readonly CType[] | null {
  if (t.k === 'record') return t.fields.map(([, f]) => f);
  if (t.k === 'tuple') return t.ts;
  return null;
}

function alignment(t: CType): number {
  switch (t.k) {
    case 'bool':
    case 's8':
    case 'u8':
      return 1;
    case 's16':
    case 'u16':
      return 2;
    case 's64':
    case 'u64':
    case 'f64':
      return 8;
    case 'flags':
      return flagBytes(t.names.length);
    default: {
      const fs = fieldsOf(t);
      if (fs !== null) return Math.max(1, ...fs.map(alignment));
      const cs = casesOf(t);
      if (cs !== null) return Math.max(discSize(cs.length), ...cs.map((c) => (c.payload === null ? 1 : alignment(c.payload))));
      return 4;
    }
  }
}

function sizeOf(t: CType): number {
  switch (t.k) {
    case 'bool':
    case 's8':
    case 'u8':
      return 1;
    case 's16':
    case 'u16':
      return 2;
    case 's64':
    case 'u64':
    case 'f64':
    case 'string':
    case 'list':
      return 8;
    case 'flags':
      return flagBytes(t.names.length);
    default: {
      const fs = fieldsOf(t);
      if (fs !== null) {
        let s = 0;
        for (const f of fs) s = alignTo(s, alignment(f)) + sizeOf(f);
        return alignTo(s, alignment(t));
      }
      const cs = casesOf(t);
      if (cs !== null) {
        const off = payloadOffset(t);
        return alignTo(off + Math.max(0, ...cs.map((c) => (c.payload === null ? 0 : sizeOf(c.payload)))), alignment(t));
      }
      return 4;
    }
  }
}

function payloadOffset(t: CType): number {
  const cs = casesOf(t) as readonly Case[];
  return alignTo(discSize(cs.length), Math.max(1, ...cs.map((c) => (c.payload === null ? 1 : alignment(c.payload)))));
}

function fieldOffsets(fs: readonly CType[]): number[] {
  const out: number[] = [];
  let s = 0;
  for (const f of fs) {
    s = alignTo(s, alignment(f));
    out.push(s);
    s += sizeOf(f);
  }
  return out;
}

function join(a: Core, b: Core): Core {
  if (a === b) return a;
  if ((a === 'i32' && b === 'f32') || (a === 'f32' && b === 'i32')) return 'i32';
  return 'i64';
}

/** definitions.py's flatten_type of one value type. */
export function flattenType(t: CType): Core[] {
  switch (t.k) {
    case 's64':
    case 'u64':
      return ['i64'];
    case 'f32':
      return ['f32'];
    case 'f64':
      return ['f64'];
    case 'string':
    case 'list':
      return ['i32', 'i32'];
    default: {
      const fs = fieldsOf(t);
      if (fs !== null) return fs.flatMap(flattenType);
      const cs = casesOf(t);
      if (cs !== null) return ['i32', ...joined(cs)];
      return ['i32'];
    }
  }
}

function joined(cs: readonly Case[]): Core[] {
  const out: Core[] = [];
  for (const c of cs) {
    if (c.payload === null) continue;
    flattenType(c.payload).forEach((f, i) => {
      out[i] = i < out.length ? join(out[i] as Core, f) : f;
    });
  }
  return out;
}

// ---- C -------------------------------------------------------------------------------------

const CTYPE: Readonly<Record<Core, string>> = { i32: 'int32_t', i64: 'int64_t', f32: 'float', f64: 'double' };

/** A C expression for a flat value of type `want` read from a slot of type `have` (definitions.py CoerceValueIter). */
function coerce(expr: string, have: Core, want: Core): string {
  if (have === want) return expr;
  if (have === 'i32' && want === 'f32') return `f32_of_bits((uint32_t)(${expr}))`;
  if (have === 'i64' && want === 'i32') return `(int32_t)(uint32_t)(uint64_t)(${expr})`;
  if (have === 'i64' && want === 'f32') return `f32_of_bits((uint32_t)(uint64_t)(${expr}))`;
  if (have === 'i64' && want === 'f64') return `f64_of_bits((uint64_t)(${expr}))`;
  throw new Error(`no coercion ${have} -> ${want}`);
}

interface Slot {
  readonly expr: string;
  readonly core: Core;
}

class CWriter {
  readonly lines: string[] = [];
  private n = 0;
  fresh(p: string): string {
    this.n += 1;
    return `${p}${this.n}`;
  }
  line(indent: number, s: string): void {
    this.lines.push(`${'  '.repeat(indent)}${s}`);
  }
}

function storeScalar(t: CType, addr: string, v: string): string {
  switch (t.k) {
    case 'bool':
      return `ST8(${addr}, (${v}) != 0);`;
    case 's8':
    case 'u8':
      return `ST8(${addr}, (uint8_t)(${v}));`;
    case 's16':
    case 'u16':
      return `ST16(${addr}, (uint16_t)(${v}));`;
    case 'f32':
      return `ST32(${addr}, bits_of_f32(${v}));`;
    case 'f64':
      return `ST64(${addr}, bits_of_f64(${v}));`;
    case 's64':
    case 'u64':
      return `ST64(${addr}, (uint64_t)(${v}));`;
    default:
      return `ST32(${addr}, (uint32_t)(${v}));`;
  }
}

function storeDisc(n: number, addr: string, v: string): string {
  const s = discSize(n);
  return s === 1 ? `ST8(${addr}, (uint8_t)(${v}));` : s === 2 ? `ST16(${addr}, (uint16_t)(${v}));` : `ST32(${addr}, (uint32_t)(${v}));`;
}

function loadDisc(n: number, addr: string): string {
  const s = discSize(n);
  return s === 1 ? `LD8(${addr})` : s === 2 ? `LD16(${addr})` : `LD32(${addr})`;
}

/** Statements storing the flat values `slots[at..]` of `t` at `addr` (lift_flat, then store). */
function storeFlat(w: CWriter, ind: number, t: CType, addr: string, slots: readonly Slot[], at: number): number {
  const fs = fieldsOf(t);
  if (fs !== null) {
    const offs = fieldOffsets(fs);
    let k = at;
    fs.forEach((f, i) => {
      k = storeFlat(w, ind, f, `${addr} + ${offs[i]}u`, slots, k);
    });
    return k;
  }
  const cs = casesOf(t);
  if (cs !== null) {
    const d = slots[at] as Slot;
    const js = joined(cs);
    w.line(ind, storeDisc(cs.length, addr, d.expr));
    const off = payloadOffset(t);
    if (cs.some((c) => c.payload !== null)) {
      w.line(ind, `switch ((uint32_t)(${d.expr})) {`);
      cs.forEach((c, i) => {
        if (c.payload === null) return;
        const want = flattenType(c.payload);
        const view: Slot[] = want.map((wc, j) => ({ expr: coerce((slots[at + 1 + j] as Slot).expr, js[j] as Core, wc), core: wc }));
        w.line(ind, `case ${i}u: {`);
        storeFlat(w, ind + 1, c.payload, `${addr} + ${off}u`, view, 0);
        w.line(ind + 1, 'break;');
        w.line(ind, '}');
      });
      w.line(ind, 'default: break;');
      w.line(ind, '}');
    }
    return at + 1 + js.length;
  }
  if (t.k === 'string' || t.k === 'list') {
    w.line(ind, `ST32(${addr}, (uint32_t)(${(slots[at] as Slot).expr}));`);
    w.line(ind, `ST32(${addr} + 4u, (uint32_t)(${(slots[at + 1] as Slot).expr}));`);
    return at + 2;
  }
  if (t.k === 'flags') {
    const b = flagBytes(t.names.length);
    const v = (slots[at] as Slot).expr;
    w.line(ind, b === 1 ? `ST8(${addr}, (uint8_t)(${v}));` : b === 2 ? `ST16(${addr}, (uint16_t)(${v}));` : `ST32(${addr}, (uint32_t)(${v}));`);
    return at + 1;
  }
  w.line(ind, storeScalar(t, addr, (slots[at] as Slot).expr));
  return at + 1;
}

/** Statements folding the value of `t` at `addr` into the hash `h`. */
function hashMem(w: CWriter, ind: number, t: CType, addr: string): void {
  const fs = fieldsOf(t);
  if (fs !== null) {
    const offs = fieldOffsets(fs);
    fs.forEach((f, i) => hashMem(w, ind, f, `${addr} + ${offs[i]}u`));
    return;
  }
  const cs = casesOf(t);
  if (cs !== null) {
    const d = w.fresh('d');
    w.line(ind, `uint32_t ${d} = ${loadDisc(cs.length, addr)};`);
    w.line(ind, `H(${d});`);
    if (cs.some((c) => c.payload !== null)) {
      const off = payloadOffset(t);
      w.line(ind, `switch (${d}) {`);
      cs.forEach((c, i) => {
        if (c.payload === null) return;
        w.line(ind, `case ${i}u: {`);
        hashMem(w, ind + 1, c.payload, `${addr} + ${off}u`);
        w.line(ind + 1, 'break;');
        w.line(ind, '}');
      });
      w.line(ind, 'default: break;');
      w.line(ind, '}');
    }
    return;
  }
  switch (t.k) {
    case 'bool':
      w.line(ind, `H(LD8(${addr}) != 0);`);
      return;
    case 's8':
    case 'u8':
      w.line(ind, `H(LD8(${addr}));`);
      return;
    case 's16':
    case 'u16':
      w.line(ind, `H(LD16(${addr}));`);
      return;
    case 'f32':
      w.line(ind, `H(canon32(LD32(${addr})));`);
      return;
    case 'f64':
      w.line(ind, `H(canon64(LD64(${addr})));`);
      return;
    case 's64':
    case 'u64':
      w.line(ind, `H(LD64(${addr}));`);
      return;
    case 'flags': {
      const b = flagBytes(t.names.length);
      w.line(ind, `H(${b === 1 ? 'LD8' : b === 2 ? 'LD16' : 'LD32'}(${addr}));`);
      return;
    }
    case 'string':
      w.line(ind, `hash_string(LD32(${addr}), LD32(${addr} + 4u));`);
      return;
    case 'list': {
      const p = w.fresh('p');
      const n = w.fresh('n');
      const i = w.fresh('i');
      w.line(ind, `{ uint32_t ${p} = LD32(${addr}), ${n} = LD32(${addr} + 4u); H(${n});`);
      w.line(ind + 1, `for (uint32_t ${i} = 0; ${i} < ${n} && ${i} < 64u; ${i}++) {`);
      hashMem(w, ind + 2, t.t, `${p} + ${i} * ${sizeOf(t.t)}u`);
      w.line(ind + 1, '}');
      w.line(ind, '}');
      return;
    }
    default:
      w.line(ind, `H(LD32(${addr}));`);
  }
}

/** Statements building a value of `t` at `addr` from the generator (with the call's one planned corruption). */
function build(w: CWriter, ind: number, t: CType, addr: string, depth: number): void {
  const fs = fieldsOf(t);
  if (fs !== null) {
    const offs = fieldOffsets(fs);
    fs.forEach((f, i) => build(w, ind, f, `${addr} + ${offs[i]}u`, depth));
    return;
  }
  const cs = casesOf(t);
  if (cs !== null) {
    const d = w.fresh('d');
    w.line(ind, `uint32_t ${d} = rnd() % ${cs.length}u;`);
    w.line(ind, `if (inject == INJ_DISC) { inject = 0; ${d} = ${cs.length}u + (rnd() & 1u); }`);
    w.line(ind, storeDisc(cs.length, addr, d));
    if (cs.some((c) => c.payload !== null)) {
      const off = payloadOffset(t);
      w.line(ind, `switch (${d}) {`);
      cs.forEach((c, i) => {
        if (c.payload === null) return;
        w.line(ind, `case ${i}u: {`);
        build(w, ind + 1, c.payload, `${addr} + ${off}u`, depth);
        w.line(ind + 1, 'break;');
        w.line(ind, '}');
      });
      w.line(ind, 'default: break;');
      w.line(ind, '}');
    }
    return;
  }
  switch (t.k) {
    case 'bool':
      w.line(ind, `ST8(${addr}, (uint8_t)(rnd() & 1u));`);
      return;
    case 's8':
    case 'u8':
      w.line(ind, `ST8(${addr}, (uint8_t)rint_bits());`);
      return;
    case 's16':
    case 'u16':
      w.line(ind, `ST16(${addr}, (uint16_t)rint_bits());`);
      return;
    case 's32':
    case 'u32':
      w.line(ind, `ST32(${addr}, (uint32_t)rint_bits());`);
      return;
    case 's64':
    case 'u64':
      w.line(ind, `ST64(${addr}, rint_bits());`);
      return;
    case 'f32':
      w.line(ind, `ST32(${addr}, rf32_bits());`);
      return;
    case 'f64':
      w.line(ind, `ST64(${addr}, rf64_bits());`);
      return;
    case 'char':
      w.line(ind, `ST32(${addr}, rchar());`);
      return;
    case 'flags': {
      const b = flagBytes(t.names.length);
      // One time in eight the bits past the last label are set too: lifting ignores them
      // (definitions.py unpack_flags_from_int).
      const mask = t.names.length === 32 ? '0xffffffffu' : `0x${((1 << t.names.length) >>> 0) - 1 > 0 ? (((1 << t.names.length) >>> 0) - 1).toString(16) : '0'}u`;
      const v = `(rnd() & ((rnd() & 7u) == 0u ? 0xffffffffu : ${mask}))`;
      w.line(ind, b === 1 ? `ST8(${addr}, (uint8_t)${v});` : b === 2 ? `ST16(${addr}, (uint16_t)${v});` : `ST32(${addr}, ${v});`);
      return;
    }
    case 'string':
      w.line(ind, `build_string(${addr});`);
      return;
    case 'list': {
      const n = w.fresh('n');
      const p = w.fresh('p');
      const i = w.fresh('i');
      const es = sizeOf(t.t);
      const ea = alignment(t.t);
      w.line(ind, `{ uint32_t ${n} = rnd() % ${depth >= 2 ? 2 : 3}u; uint32_t ${p} = alloc(${n} * ${es}u, ${ea}u);`);
      w.line(ind + 1, `for (uint32_t ${i} = 0; ${i} < ${n}; ${i}++) {`);
      build(w, ind + 2, t.t, `${p} + ${i} * ${es}u`, depth + 1);
      w.line(ind + 1, '}');
      w.line(ind + 1, `ST32(${addr}, ${p}); ST32(${addr} + 4u, ${n});`);
      w.line(ind + 1, `if (inject == INJ_PTR && ${n} > 0u) { inject = 0; ST32(${addr}, 0xfffffff0u); }`);
      if (ea > 1) w.line(ind + 1, `if (inject == INJ_ALIGN && ${n} > 0u) { inject = 0; ST32(${addr}, ${p} + 1u); }`);
      w.line(ind, '}');
      return;
    }
    default:
      throw new Error(`build: ${t.k}`);
  }
}

/** A C expression loading the one flat value of a type that flattens to one (the result returned directly). */
function loadFlat1(t: CType, addr: string): string {
  const fs = fieldsOf(t);
  if (fs !== null) {
    const offs = fieldOffsets(fs);
    return loadFlat1(fs[0] as CType, `${addr} + ${offs[0]}u`);
  }
  const cs = casesOf(t);
  if (cs !== null) return `(int32_t)${loadDisc(cs.length, addr)}`;
  switch (t.k) {
    case 'bool':
    case 'u8':
      return `(int32_t)LD8(${addr})`;
    case 's8':
      return `(int32_t)(int8_t)LD8(${addr})`;
    case 'u16':
      return `(int32_t)LD16(${addr})`;
    case 's16':
      return `(int32_t)(int16_t)LD16(${addr})`;
    case 'f32':
      return `f32_of_bits(LD32(${addr}))`;
    case 'f64':
      return `f64_of_bits(LD64(${addr}))`;
    case 's64':
    case 'u64':
      return `(int64_t)LD64(${addr})`;
    case 'flags': {
      const b = flagBytes(t.names.length);
      return `(int32_t)${b === 1 ? 'LD8' : b === 2 ? 'LD16' : 'LD32'}(${addr})`;
    }
    default:
      return `(int32_t)LD32(${addr})`;
  }
}

const MAX_FLAT_PARAMS = 16;

function functionC(f: GenFunction, fi: number): string {
  const w = new CWriter();
  const paramTypes = f.params.map(([, t]) => t);
  const tuple: CType = { k: 'tuple', ts: paramTypes };
  const flat = paramTypes.flatMap(flattenType);
  const spilled = flat.length > MAX_FLAT_PARAMS;
  const rflat = flattenType(f.result);
  const direct = rflat.length === 1;
  const retC = direct ? CTYPE[rflat[0] as Core] : 'int32_t';
  const cparams = spilled ? 'int32_t args' : flat.length === 0 ? 'void' : flat.map((c, i) => `${CTYPE[c]} p${i}`).join(', ');
  w.line(0, `__attribute__((export_name("${f.name}")))`);
  w.line(0, `${retC} ${f.name.replace(/-/g, '_')}(${cparams}) {`);
  w.line(1, 'heap_init();');
  if (paramTypes.length > 0) {
    if (spilled) {
      w.line(1, 'uint32_t at = (uint32_t)args;');
    } else {
      w.line(1, `uint32_t at = alloc(${Math.max(1, sizeOf(tuple))}u, ${alignment(tuple)}u);`);
      storeFlat(w, 1, tuple, 'at', flat.map((c, i) => ({ expr: `p${i}`, core: c })), 0);
    }
  }
  w.line(1, `h = 0xcbf29ce484222325ull ^ ${fi + 1}u; echo_n = 0; echo_done = 0;`);
  if (paramTypes.length > 0) hashMem(w, 1, tuple, 'at');
  w.line(1, 'begin_result();');
  w.line(1, `uint32_t ret = alloc(${sizeOf(f.result)}u, ${alignment(f.result)}u);`);
  build(w, 1, f.result, 'ret', 0);
  w.line(1, direct ? `return ${loadFlat1(f.result, 'ret')};` : 'return (int32_t)ret;');
  w.line(0, '}');
  w.line(0, `__attribute__((export_name("cabi_post_${f.name}")))`);
  w.line(0, `void post_${f.name.replace(/-/g, '_')}(${retC} r) { (void)r; heap = 0; }`);
  return w.lines.join('\n');
}

const ENC_CODE: Readonly<Record<Encoding, number>> = { utf8: 0, utf16: 1, 'latin1+utf16': 2 };

function prelude(encoding: Encoding): string {
  return `/* Generated by tools/component/diff-gen.ts: the canonical ABI by hand, one signature at a time. */
typedef unsigned char uint8_t;
typedef signed char int8_t;
typedef unsigned short uint16_t;
typedef short int16_t;
typedef unsigned int uint32_t;
typedef int int32_t;
typedef unsigned long long uint64_t;
typedef long long int64_t;

#define ENC ${ENC_CODE[encoding]}
#define INJ_CHAR 1u
#define INJ_DISC 2u
#define INJ_STRING 3u
#define INJ_PTR 4u
#define INJ_ALIGN 5u

static uint8_t LD8(uint32_t a) { return *(volatile uint8_t *)a; }
static uint16_t LD16(uint32_t a) { return *(volatile uint16_t *)a; }
static uint32_t LD32(uint32_t a) { return *(volatile uint32_t *)a; }
static uint64_t LD64(uint32_t a) { return *(volatile uint64_t *)a; }
static void ST8(uint32_t a, uint8_t v) { *(volatile uint8_t *)a = v; }
static void ST16(uint32_t a, uint16_t v) { *(volatile uint16_t *)a = v; }
static void ST32(uint32_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static void ST64(uint32_t a, uint64_t v) { *(volatile uint64_t *)a = v; }
static float f32_of_bits(uint32_t b) { union { uint32_t u; float f; } x; x.u = b; return x.f; }
static double f64_of_bits(uint64_t b) { union { uint64_t u; double f; } x; x.u = b; return x.f; }
static uint32_t bits_of_f32(float f) { union { uint32_t u; float f; } x; x.f = f; return x.u; }
static uint64_t bits_of_f64(double f) { union { uint64_t u; double f; } x; x.f = f; return x.u; }
/* NaN payloads are free in the canonical ABI outside its deterministic profile: hash one NaN. */
static uint32_t canon32(uint32_t b) { return ((b & 0x7f800000u) == 0x7f800000u && (b & 0x7fffffu) != 0u) ? 0x7fc00000u : b; }
static uint64_t canon64(uint64_t b) { return ((b & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (b & 0xfffffffffffffull) != 0u) ? 0x7ff8000000000000ull : b; }

/* clang may call these for copies and clears of locals (-nostdlib has no libc); volatile keeps it from calling them here. */
void *memcpy(void *d, const void *s, unsigned long n) { for (unsigned long i = 0; i < n; i++) ((volatile uint8_t *)d)[i] = ((const volatile uint8_t *)s)[i]; return d; }
void *memset(void *d, int c, unsigned long n) { for (unsigned long i = 0; i < n; i++) ((volatile uint8_t *)d)[i] = (uint8_t)c; return d; }

extern uint8_t __heap_base;
static uint32_t heap;
static void heap_init(void) { if (heap == 0u) heap = (uint32_t)&__heap_base; }
static uint32_t alloc(uint32_t size, uint32_t align) {
  heap_init();
  uint32_t p = (heap + align - 1u) & ~(align - 1u);
  heap = p + size;
  return p;
}

__attribute__((export_name("cabi_realloc")))
void *cabi_realloc(void *old, uint32_t old_size, uint32_t align, uint32_t new_size) {
  uint32_t p = alloc(new_size, align);
  uint32_t n = old_size < new_size ? old_size : new_size;
  for (uint32_t i = 0; i < n; i++) ST8(p + i, LD8((uint32_t)old + i));
  return (void *)p;
}

static uint64_t h;
#define H(v) (h = (h ^ (uint64_t)(v)) * 0x100000001b3ull)
static uint32_t echo[16];
static uint32_t echo_n, echo_done;
static void hash_cp(uint32_t cp) {
  H(cp);
  if (!echo_done && echo_n < 16u) echo[echo_n++] = cp;
}
/* A string's code points, whatever its encoding; the first string's are kept to echo. */
static void hash_string(uint32_t p, uint32_t len) {
  uint32_t units = len;
  uint32_t utf16 = ENC == 1;
  if (ENC == 2 && (len & 0x80000000u)) { utf16 = 1; units = len & 0x7fffffffu; }
  H(0xfeu);
  if (ENC == 0) {
    for (uint32_t i = 0; i < units && i < 4096u;) {
      uint32_t b = LD8(p + i), cp = b, n = 1;
      if (b >= 0xf0u) { cp = b & 7u; n = 4; } else if (b >= 0xe0u) { cp = b & 15u; n = 3; } else if (b >= 0xc0u) { cp = b & 31u; n = 2; }
      for (uint32_t k = 1; k < n && i + k < units; k++) cp = (cp << 6) | (LD8(p + i + k) & 63u);
      hash_cp(cp);
      i += n;
    }
  } else if (utf16) {
    for (uint32_t i = 0; i < units && i < 4096u; i++) {
      uint32_t u = LD16(p + 2u * i);
      if (u >= 0xd800u && u < 0xdc00u && i + 1u < units) { u = 0x10000u + ((u - 0xd800u) << 10) + (LD16(p + 2u * i + 2u) - 0xdc00u); i++; }
      hash_cp(u);
    }
  } else {
    for (uint32_t i = 0; i < units && i < 4096u; i++) hash_cp(LD8(p + i));
  }
  if (echo_n > 0u) echo_done = 1;
}

static uint64_t rs;
static uint32_t inject;
static uint32_t rnd(void) {
  rs += 0x9e3779b97f4a7c15ull;
  uint64_t z = rs;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return (uint32_t)(z ^ (z >> 31));
}
static void begin_result(void) {
#ifdef WRONG_TRANSFORM
  h += 1u; /* the harness's own test: a transform that differs from the device's copy */
#endif
  h ^= h >> 29;
  rs = h;
  /* One call in four corrupts one spot of its result, if the type has such a spot. */
  inject = (rnd() & 3u) == 0u ? 1u + rnd() % 5u : 0u;
}
static uint64_t rint_bits(void) {
  uint32_t k = rnd() % 6u;
  uint64_t v = ((uint64_t)rnd() << 32) | rnd();
  if (k == 0u) return (uint64_t)(int64_t)(int32_t)(rnd() % 11u) - 5u;
  if (k == 1u) return h ^ v;
  if (k == 2u) return 0x8000000000000000ull >> (rnd() % 64u);
  if (k == 3u) return ~(uint64_t)0 >> (rnd() % 64u);
  return v;
}
static uint32_t rf32_bits(void) {
  static const uint32_t special[] = { 0x7fc00000u, 0x7f800000u, 0xff800000u, 0x80000000u, 0x7f7fffffu, 0x00000001u, 0x7fa00001u };
  uint32_t k = rnd() % 10u;
  if (k < 3u) return special[rnd() % 7u];
  return bits_of_f32((float)(int32_t)rnd() / 7.0f);
}
static uint64_t rf64_bits(void) {
  static const uint64_t special[] = { 0x7ff8000000000000ull, 0x7ff0000000000000ull, 0xfff0000000000000ull, 0x8000000000000000ull, 0x7fefffffffffffffull, 1ull, 0x7ff4000000000001ull };
  uint32_t k = rnd() % 10u;
  if (k < 3u) return special[rnd() % 7u];
  return bits_of_f64((double)(int32_t)rnd() / 7.0 + (double)rnd() * 1e-3);
}
static const uint32_t CHARS[] = { 'a', 'Z', '0', ' ', '"', '\\\\', '\\n', 0x7fu, 0x80u, 0xe9u, 0xffu, 0x100u, 0x3c0u, 0x7ffu, 0x800u, 0x20acu, 0x4e2du, 0xd7ffu, 0xe000u, 0xfffdu, 0xffffu, 0x10000u, 0x1f600u, 0x10ffffu };
static uint32_t gen_cp(void) { return CHARS[rnd() % (sizeof CHARS / sizeof CHARS[0])]; }
static uint32_t rchar(void) {
  if (inject == INJ_CHAR) { inject = 0; return (rnd() & 1u) ? 0xd800u + rnd() % 0x800u : 0x110000u + rnd() % 5u; }
  return gen_cp();
}
/* A string at addr: the echoed first string argument (or not) and a few generated code points. */
static void build_string(uint32_t addr) {
  uint32_t cps[24];
  uint32_t n = 0;
  if (echo_n > 0u && (rnd() & 1u)) for (uint32_t i = 0; i < echo_n; i++) cps[n++] = echo[i];
  uint32_t extra = rnd() % 5u;
  for (uint32_t i = 0; i < extra; i++) cps[n++] = (rnd() % 3u) == 0u ? 'a' + rnd() % 26u : gen_cp();
  uint32_t latin1 = 1;
  for (uint32_t i = 0; i < n; i++) if (cps[i] > 0xffu) latin1 = 0;
  uint32_t p, len;
  uint32_t bad = inject == INJ_STRING && n > 0u;
  if (ENC == 0) {
    p = alloc(4u * n + 1u, 1u);
    len = 0;
    for (uint32_t i = 0; i < n; i++) {
      uint32_t c = cps[i];
      if (c < 0x80u) ST8(p + len++, (uint8_t)c);
      else if (c < 0x800u) { ST8(p + len++, (uint8_t)(0xc0u | (c >> 6))); ST8(p + len++, (uint8_t)(0x80u | (c & 63u))); }
      else if (c < 0x10000u) { ST8(p + len++, (uint8_t)(0xe0u | (c >> 12))); ST8(p + len++, (uint8_t)(0x80u | ((c >> 6) & 63u))); ST8(p + len++, (uint8_t)(0x80u | (c & 63u))); }
      else { ST8(p + len++, (uint8_t)(0xf0u | (c >> 18))); ST8(p + len++, (uint8_t)(0x80u | ((c >> 12) & 63u))); ST8(p + len++, (uint8_t)(0x80u | ((c >> 6) & 63u))); ST8(p + len++, (uint8_t)(0x80u | (c & 63u))); }
    }
    if (bad) ST8(p + rnd() % len, (uint8_t)((rnd() & 1u) ? 0xffu : 0x80u));
  } else if (ENC == 2 && latin1 && !bad) {
    p = alloc(n + 1u, 1u);
    for (uint32_t i = 0; i < n; i++) ST8(p + i, (uint8_t)cps[i]);
    len = n;
  } else {
    p = alloc(4u * n + 2u, 2u);
    len = 0;
    for (uint32_t i = 0; i < n; i++) {
      uint32_t c = cps[i];
      if (c < 0x10000u) ST16(p + 2u * len++, (uint16_t)c);
      else { ST16(p + 2u * len++, (uint16_t)(0xd800u + ((c - 0x10000u) >> 10))); ST16(p + 2u * len++, (uint16_t)(0xdc00u + ((c - 0x10000u) & 0x3ffu))); }
    }
    if (bad) ST16(p + 2u * (rnd() % len), (uint16_t)((rnd() & 1u) ? 0xd800u : 0xdc00u));
    if (ENC == 2) len |= 0x80000000u;
  }
  if (bad) inject = 0;
  ST32(addr, p);
  ST32(addr + 4u, len);
  if (inject == INJ_PTR && n > 0u) { inject = 0; ST32(addr, 0xfffffff0u); }
  /* Misaligned UTF-16 only where latin1+utf16 chose UTF-16 too: the utf16 twin jco runs for a
     latin1+utf16 world then corrupts the same spot. */
  if (ENC != 0 && inject == INJ_ALIGN && n > 0u && !latin1) { inject = 0; ST32(addr, p + 1u); }
}
`;
}

/** The C of the functions for one string encoding. */
export function worldC(functions: readonly GenFunction[], encoding: Encoding): string {
  return `${prelude(encoding)}\n${functions.map((f, i) => functionC(f, i)).join('\n\n')}\n`;
}

// ---- argument values -------------------------------------------------------------------------

const ARG_CHARS = [0x61, 0x5a, 0x20, 0x22, 0x5c, 0x0a, 0x7f, 0x80, 0xe9, 0xff, 0x100, 0x3c0, 0x800, 0x20ac, 0x4e2d, 0xd7ff, 0xe000, 0xfffd, 0xffff, 0x10000, 0x1f600, 0x10ffff, 0x0];

const INT_BITS: Readonly<Record<string, readonly [number, boolean]>> = { s8: [8, true], u8: [8, false], s16: [16, true], u16: [16, false], s32: [32, true], u32: [32, false], s64: [64, true], u64: [64, false] };

function randomInt(r: Rng, bits: number, signed: boolean): bigint {
  const k = r.below(5);
  let v: bigint;
  if (k === 0) v = BigInt(r.below(11)) - 5n;
  else if (k === 1) v = signed ? -(1n << BigInt(bits - 1)) : (1n << BigInt(bits)) - 1n;
  else if (k === 2) v = signed ? (1n << BigInt(bits - 1)) - 1n : 0n;
  else v = r.u64();
  return signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v);
}

function randomFloat(r: Rng, f32: boolean): number {
  const k = r.below(10);
  const specials = [NaN, Infinity, -Infinity, -0, 0, f32 ? 3.4028234663852886e38 : Number.MAX_VALUE, f32 ? 1.401298464324817e-45 : 5e-324];
  if (k < 3) return r.pick(specials);
  const v = (r.u32() | 0) / 7 + (f32 ? 0 : r.u32() * 1e-3);
  return f32 ? Math.fround(v) : v;
}

/** A random argument of `t`, small enough for the device's value buffers. */
export function randomValue(r: Rng, t: CType, depth = 0): CValue {
  const bits = INT_BITS[t.k];
  if (bits !== undefined) return { k: 'int', v: randomInt(r, bits[0], bits[1]) };
  switch (t.k) {
    case 'bool':
      return { k: 'bool', v: r.chance(0.5) };
    case 'f32':
    case 'f64':
      return { k: 'float', v: randomFloat(r, t.k === 'f32') };
    case 'char':
      return { k: 'char', v: r.pick(ARG_CHARS) };
    case 'string': {
      const n = r.below(7);
      let s = '';
      for (let i = 0; i < n; i++) s += String.fromCodePoint(r.chance(0.4) ? 0x61 + r.below(26) : r.pick(ARG_CHARS));
      return { k: 'string', v: s };
    }
    case 'list': {
      const n = r.below(depth >= 1 ? 2 : 4);
      return { k: 'list', items: Array.from({ length: n }, () => randomValue(r, t.t, depth + 1)) };
    }
    case 'record':
      return { k: 'record', fields: t.fields.map(([, f]) => randomValue(r, f, depth)) };
    case 'tuple':
      return { k: 'tuple', items: t.ts.map((f) => randomValue(r, f, depth)) };
    case 'flags':
      return { k: 'flags', set: t.names.map(() => r.chance(0.5)) };
    default: {
      const cs = casesOf(t) as readonly Case[];
      const index = r.below(cs.length);
      const p = cs[index]?.payload ?? null;
      return { k: 'case', index, payload: p === null ? null : randomValue(r, p, depth) };
    }
  }
}
