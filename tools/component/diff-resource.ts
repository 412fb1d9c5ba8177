/**
 * Resource worlds of the component differential (docs/component.md, "Differential against jco
 * and definitions.py"): an exported interface with a resource `r` implemented in C the way
 * wit-bindgen's C does it (the `[export]wrt:diff/res` module's `[resource-new]r`, `[resource-rep]r`
 * and `[resource-drop]r` built-ins, a `[dtor]r` export that counts and sums the values of the
 * resources it destroys), and seeded calls that move handles both ways between the host and the
 * component: the constructor, a method, a static function, own and borrow parameters, an own
 * result, option<own<r>> as a result and as a parameter, and the host's drops.
 *
 * The host keeps the handles it received in the order received (a pool); a call names a handle by
 * its position in the pool, which the generator knows ahead because it counts the pool as the calls
 * change it (own arguments leave it, returned handles join it, a drop removes one). A call in
 * twenty-five or so passes a handle the host does not hold (`take` of a stale index on the device,
 * of a disposed object on jco): both must refuse it (the device traps 72 in lowering, jco throws),
 * and both start again from a fresh instance with no handles. The device's
 * pool is run-component's HostHandles (indices of the host's handle table), jco's the resource
 * objects it returned; a returned handle prints as `h<k>`, k the order in which the host received it.
 */
import type { CValue } from '../../ts/component/value-encoding.js';
import { Rng } from './diff-gen.js';

/** What a call does; each kind is counted in the report. */
export const RESOURCE_KINDS = ['constructor', 'method', 'static', 'own-param', 'borrow-param', 'own-result', 'option-own-result', 'option-own-param', 'host-drop', 'destructor-count', 'stale-handle'] as const;

/** The host-table index a stale-handle call passes: past any table's capacity, never a live handle. */
export const STALE_INDEX = 40_000;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** One seeded call of a resource world. */
export interface ResourceCall {
  readonly kind: ResourceKind;
  /** The plan's function name (`wrt:diff/res#make`); a host drop names none. */
  readonly name: string | null;
  /** A u32 argument (constructor, make, maybe). */
  readonly v: number;
  /** The pool position of the handle it passes or drops; -1: none (give(none) too). */
  readonly at: number;
  /** The text of the call, for differences. */
  readonly text: string;
}

export const RESOURCE_IFACE = 'wrt:diff/res';

/** The WIT of resource world `index`. */
export function resourceWit(index: number): string {
  return `package wrt:diff;

interface res {
  resource r {
    constructor(v: u32);
    get: func() -> u32;
    twice: static func(h: borrow<r>) -> u32;
  }
  make: func(v: u32) -> r;
  take: func(h: r) -> u32;
  peek: func(h: borrow<r>) -> u32;
  maybe: func(v: u32) -> option<r>;
  give: func(h: option<r>) -> u32;
  drops: func() -> u32;
}

world w${index} {
  export res;
}
`;
}

/**
 * The guest: a resource's rep is its slot in `vals` (the value it was made with); take and give
 * drop the handle they own (resource.drop runs the destructor), the destructor counts and sums.
 */
export function resourceC(): string {
  const imp = (name: string): string => `__attribute__((import_module("[export]${RESOURCE_IFACE}"), import_name("${name}")))`;
  const exp = (name: string): string => `__attribute__((export_name("${RESOURCE_IFACE}#${name}")))`;
  return `#include <stdint.h>
${imp('[resource-new]r')} extern int32_t r_new(int32_t rep);
${imp('[resource-rep]r')} extern int32_t r_rep(int32_t handle);
${imp('[resource-drop]r')} extern void r_drop(int32_t handle);

static uint32_t vals[1024];
static uint32_t next, dropped, sum;
static int32_t ret[2];

static int32_t fresh(uint32_t v) {
  next++;
  vals[next & 1023u] = v;
  return r_new((int32_t)next);
}

${exp('[constructor]r')} int32_t ctor(int32_t v) { return fresh((uint32_t)v); }
${exp('[method]r.get')} int32_t get(int32_t rep) { return (int32_t)vals[(uint32_t)rep & 1023u]; }
${exp('[static]r.twice')} int32_t twice(int32_t rep) { return (int32_t)(vals[(uint32_t)rep & 1023u] * 2u); }
${exp('make')} int32_t make(int32_t v) { return fresh((uint32_t)v ^ 0x5a5au); }
${exp('take')} int32_t take(int32_t h) {
  uint32_t v = vals[(uint32_t)r_rep(h) & 1023u];
  r_drop(h);
  return (int32_t)(v + 1u);
}
${exp('peek')} int32_t peek(int32_t rep) { return (int32_t)(vals[(uint32_t)rep & 1023u] + 7u); }
${exp('maybe')} int32_t *maybe(int32_t v) {
  ret[0] = v & 1;
  ret[1] = (v & 1) != 0 ? fresh((uint32_t)v) : 0;
  return ret;
}
${exp('give')} int32_t give(int32_t some, int32_t h) { return some != 0 ? take(h) * 3 : 0; }
${exp('drops')} int32_t drops(void) { return (int32_t)(dropped * 65536u + (sum & 0xffffu)); }
${exp('[dtor]r')} void dtor(int32_t rep) {
  dropped++;
  sum += vals[(uint32_t)rep & 1023u];
}
`;
}

/** The calls of a resource world: every kind, arguments drawn while the pool is counted. */
export function resourceCalls(seed: number, world: number, n: number): ResourceCall[] {
  const calls: ResourceCall[] = [];
  let pool = 0;
  const f = (name: string): string => `${RESOURCE_IFACE}#${name}`;
  for (let c = 0; c < n; c++) {
    const r = new Rng(seed ^ 0x2545f491, world * 1_000_003 + c);
    const v = r.u32() & 0xffff;
    // The first calls make handles; later, with a pool, any kind.
    const makers: ResourceKind[] = ['constructor', 'own-result', 'option-own-result'];
    const users: ResourceKind[] = ['method', 'static', 'borrow-param', 'own-param', 'option-own-param', 'host-drop', 'destructor-count'];
    const kind: ResourceKind =
      r.u32() % 25 === 24
        ? 'stale-handle'
        : pool === 0
          ? r.u32() % 4 === 3
            ? 'destructor-count'
            : (makers[r.u32() % makers.length] as ResourceKind)
          : ([...makers, ...users][r.u32() % (makers.length + users.length)] as ResourceKind);
    const at = pool > 0 ? r.u32() % pool : -1;
    let text: string;
    let name: string | null;
    switch (kind) {
      case 'constructor':
        name = f('[constructor]r');
        text = `new r(${v})`;
        pool += 1;
        break;
      case 'own-result':
        name = f('make');
        text = `make(${v})`;
        pool += 1;
        break;
      case 'option-own-result':
        name = f('maybe');
        text = `maybe(${v})`;
        if ((v & 1) !== 0) pool += 1;
        break;
      case 'method':
        name = f('[method]r.get');
        text = `pool[${at}].get()`;
        break;
      case 'static':
        name = f('[static]r.twice');
        text = `r.twice(pool[${at}])`;
        break;
      case 'borrow-param':
        name = f('peek');
        text = `peek(pool[${at}])`;
        break;
      case 'own-param':
        name = f('take');
        text = `take(pool[${at}])`;
        pool -= 1;
        break;
      case 'option-own-param':
        name = f('give');
        // Half of them give none.
        if ((v & 1) === 0) {
          calls.push({ kind, name, v, at: -1, text: 'give(none)' });
          continue;
        }
        text = `give(some(pool[${at}]))`;
        pool -= 1;
        break;
      case 'host-drop':
        name = null;
        text = `drop pool[${at}]`;
        pool -= 1;
        break;
      case 'stale-handle':
        name = f('take');
        text = 'take(a handle the host does not hold)';
        // The trap ends the instance: both sides start again with an empty pool.
        pool = 0;
        break;
      default:
        name = f('drops');
        text = 'drops()';
        break;
    }
    calls.push({ kind, name, v, at, text });
  }
  return calls;
}

/** A call's arguments as values, the handle at pool position `at` given as `handle`. */
export function resourceArgs(call: ResourceCall, handle: (at: number) => CValue): CValue[] {
  switch (call.kind) {
    case 'constructor':
    case 'own-result':
    case 'option-own-result':
      return [{ k: 'int', v: BigInt(call.v) }];
    case 'option-own-param':
      return [call.at < 0 ? { k: 'case', index: 0, payload: null } : { k: 'case', index: 1, payload: handle(call.at) }];
    case 'destructor-count':
    case 'host-drop':
      return [];
    case 'stale-handle':
      return [{ k: 'handle', v: STALE_INDEX }];
    default:
      return [handle(call.at)];
  }
}

/** The resource object jco's bindings give for `r`, as far as the differential uses it. */
interface JsResource {
  get(): number;
  [Symbol.dispose](): void;
}

interface JsRes {
  readonly R: (new (v: number) => JsResource) & { twice(h: JsResource): number };
  make(v: number): JsResource;
  take(h: JsResource): number;
  peek(h: JsResource): number;
  maybe(v: number): JsResource | undefined;
  give(h: JsResource | undefined): number;
  drops(): number;
}

/**
 * jco's side of a resource world: the pool of resource objects in the order received, each call's
 * result as text (`h<k>` for the k-th handle received), a thrown error as a trap.
 */
export class JcoResourcePool {
  private pool: JsResource[] = [];
  private received = 0;
  constructor(private res: JsRes) {}

  static resOf(exports: Readonly<Record<string, unknown>>): JsRes {
    const res = (exports['res'] ?? exports[RESOURCE_IFACE]) as JsRes | undefined;
    if (res === undefined) throw new Error(`jco's component exports no ${RESOURCE_IFACE} (it exports ${Object.keys(exports).join(', ')})`);
    return res;
  }

  static of(exports: Readonly<Record<string, unknown>>): JcoResourcePool {
    return new JcoResourcePool(JcoResourcePool.resOf(exports));
  }

  /** After a trap: a fresh instance, no handle held (the old ones go with the old instance). */
  restart(exports: Readonly<Record<string, unknown>>): void {
    this.res = JcoResourcePool.resOf(exports);
    this.pool = [];
  }

  private got(h: JsResource): string {
    this.pool.push(h);
    this.received += 1;
    return `h${this.received}`;
  }

  private taken(at: number): JsResource {
    const [h] = this.pool.splice(at, 1);
    return h as JsResource;
  }

  call(c: ResourceCall): { kind: 'value'; wave: string } | { kind: 'trap'; what: string } {
    try {
      const at = (i: number): JsResource => this.pool[i] as JsResource;
      switch (c.kind) {
        case 'constructor':
          return { kind: 'value', wave: this.got(new this.res.R(c.v)) };
        case 'own-result':
          return { kind: 'value', wave: this.got(this.res.make(c.v)) };
        case 'option-own-result': {
          const h = this.res.maybe(c.v);
          return { kind: 'value', wave: h === undefined ? 'none' : `some(${this.got(h)})` };
        }
        case 'method':
          return { kind: 'value', wave: String(at(c.at).get()) };
        case 'static':
          return { kind: 'value', wave: String(this.res.R.twice(at(c.at))) };
        case 'borrow-param':
          return { kind: 'value', wave: String(this.res.peek(at(c.at))) };
        case 'own-param':
          return { kind: 'value', wave: String(this.res.take(this.taken(c.at))) };
        case 'option-own-param':
          return { kind: 'value', wave: String(this.res.give(c.at < 0 ? undefined : this.taken(c.at))) };
        case 'host-drop':
          this.taken(c.at)[Symbol.dispose]();
          return { kind: 'value', wave: 'dropped' };
        case 'stale-handle': {
          const gone = new this.res.R(0);
          gone[Symbol.dispose]();
          return { kind: 'value', wave: String(this.res.take(gone)) };
        }
        default:
          return { kind: 'value', wave: String(this.res.drops()) };
      }
    } catch (error) {
      return { kind: 'trap', what: error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error) };
    }
  }

  /** Drops what is still held (the device's session drops its own at the end). */
  close(): number {
    const n = this.pool.length;
    for (const h of this.pool.splice(0)) h[Symbol.dispose]();
    return n;
  }
}

/** The device's text of a resource call: `#N` handles renamed h<k> in the order received. */
export class DeviceHandleNames {
  private received = 0;
  text(call: ResourceCall, wave: string | null): string {
    if (call.kind === 'host-drop') return 'dropped';
    return (wave ?? '').replace(/#\d+/g, () => {
      this.received += 1;
      return `h${this.received}`;
    });
  }
}
