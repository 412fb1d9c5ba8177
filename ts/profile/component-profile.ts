/**
 * The profile of a component (docs/profile.md, "The component block"): one device profile for the
 * whole component, whose arena holds every core instance the plan creates, plus the component
 * block (component and plan SHA-256, each core instance's needs, handle tables, handles per table,
 * value buffer bytes, adapter nesting depth, adapters, resource types). The device lays its arena
 * out once, with the first core instance's upload (docs/protocol.md §4a: a profile only while the
 * session holds no instance), and every later instance of the KEEP session takes its share of
 * the same regions.
 *
 * Each core instance is compiled by the core profile compiler as if it had the arena to itself
 * (its figures are exact for one module); the regions are then summed as the device fills them:
 * meta, code, stack and frames one after another, control the largest (scratch reused per load),
 * each memory and table reserving min(its declared maximum, the block's cap) as the core's
 * `reservation` does. Pure: the caller measures and resolves limits.
 */
import { createHash } from 'node:crypto';
import { WrtError } from '../core/errors.js';
import { type ComponentPlan, nativeSimAdvice } from '../component/plan.js';
import { alignUp, MemoryBudget } from '../foundation/memory-budget.js';
import { BREAKPOINT_BYTES, TRACE_ENTRY_BYTES } from '../limits/debug-limits.js';
import { PAGE_BYTES } from '../wasm/types.js';
import { ARENA_ALIGN, compileProfile, FRAME_BYTES, type ProfileInputs, RUNTIME_BYTES, SLOT_BYTES, TABLE_ELEMENT_BYTES } from './compile.js';
import { encodeProfile } from './binary.js';
import type { LoadRegions } from './load-regions.js';
import { measurableForm } from './measure-form.js';
import { moduleSha256 } from './section.js';
import type { ArenaRegion, BudgetError, Derivation, Profile, ProfileComponentBlock, ProfileComponentInstance, ProfileResult, TargetFacts } from './types.js';

/**
 * What a device's component runtime holds (native/engine/wrt_interp_engine.h,
 * native/component/wrt_component.h): the firmware's header defaults, native-sim's build values.
 * test/profile/component-profile.test.ts reads the headers and checks these numbers.
 */
export interface DeviceComponentLimits {
  readonly instances: number;
  readonly registrations: number;
  readonly adapters: number;
  readonly nestingDepth: number;
  readonly resourceTypes: number;
  readonly handleTables: number;
  readonly handlesPerTable: number;
  readonly valueBufferBytes: number;
  /** The largest profile UPLOAD_BEGIN carries (one 1 KiB frame: WRT_FW_PROFILE_BYTES, native-sim's --profile-capacity default). */
  readonly profileBytes: number;
  /** The device serves WASI 0.2 functions for wasi:* imports (WRT_CONFIG_WASI2, HELLO Feature.Wasi2). */
  readonly wasi2: boolean;
  /** The targets whose firmware serves WASI 0.2, for a refusal's advice. */
  readonly wasi2Targets: readonly string[];
  readonly source: string;
}

export const BOARD_COMPONENT_LIMITS: DeviceComponentLimits = {
  instances: 8,
  registrations: 8,
  adapters: 8,
  nestingDepth: 2,
  resourceTypes: 8,
  handleTables: 4,
  handlesPerTable: 16,
  valueBufferBytes: 768,
  profileBytes: 768,
  wasi2: false,
  wasi2Targets: [],
  source: 'the firmware\'s component runtime (native/engine/wrt_interp_engine.h defaults)',
};

export const NATIVE_SIM_COMPONENT_LIMITS: DeviceComponentLimits = {
  instances: 1024,
  registrations: 64,
  adapters: 128,
  nestingDepth: 4,
  resourceTypes: 64,
  handleTables: 32,
  handlesPerTable: 256,
  valueBufferBytes: 768,
  profileBytes: 768,
  wasi2: true,
  wasi2Targets: [],
  source: 'native-sim\'s component runtime (native/sim/Makefile)',
};

/** The limits of the device a target runs: native-sim's for host targets, the firmware's for boards. */
export function deviceComponentLimits(host: boolean): DeviceComponentLimits {
  return host ? NATIVE_SIM_COMPONENT_LIMITS : BOARD_COMPONENT_LIMITS;
}

/** A registered instance name (`#k`) in the meta region: the record (at most 48 bytes at 64 bits) and the name, each rounded to 16. */
const REGISTRATION_BYTES = 48;

export type ComponentProfileInputs = Omit<ProfileInputs, 'analysis' | 'moduleSha256' | 'loadRegions'> & {
  readonly plan: ComponentPlan;
  /** The component binary (its SHA-256 is the block's). */
  readonly component: Uint8Array;
  /** Load-time regions of one uploaded core module (measureLoadRegions at the edge). */
  readonly measure: (module: Uint8Array, label: string) => LoadRegions;
  readonly device: DeviceComponentLimits;
};

/**
 * SHA-256 of what the plan makes the device do: each step, each uploaded module's hash, each
 * adapter's and resource's fields, each function's lift. Two components with the same plan run alike.
 */
export function planSha256(plan: ComponentPlan): string {
  const h = createHash('sha256');
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  h.update(JSON.stringify(plan.steps));
  for (const inst of plan.instances) h.update(`|i:${moduleSha256(inst.upload)}`);
  for (const a of plan.adapters) h.update(`|a:${JSON.stringify(a, (_k, v: unknown) => (v instanceof Uint8Array ? hex(v) : v))}`);
  for (const r of plan.resources) h.update(`|r:${JSON.stringify(r)}`);
  for (const f of plan.functions) h.update(`|f:${f.name}:${f.instance}:${f.coreExport}:${f.realloc ?? ''}:${f.postReturn ?? ''}:${f.encoding}:${hex(f.paramsType)}:${hex(f.resultType)}`);
  return h.digest('hex');
}

/** Longest chain of fused adapters one call can open (adapter j's callee imports adapter i: depth(j) = 1 + depth(i)). */
export function adapterNestingDepth(plan: ComponentPlan): number {
  const lowers = plan.adapters.map((a, j) => ({ a, j })).filter(({ a }) => a.kind === 'lower');
  const importsOf = (instance: number): number[] =>
    (plan.instances[instance]?.imports ?? []).flatMap((i) => ('adapter' in i.to ? [i.to.adapter] : [])).filter((j) => plan.adapters[j]?.kind === 'lower');
  const depth = new Map<number, number>();
  // Bellman-style relaxation, bounded by the adapter count: a cycle (which may_enter would trap) ends past it.
  for (const { j } of lowers) depth.set(j, 1);
  for (let round = 0; round <= lowers.length; round += 1) {
    let changed = false;
    for (const { a, j } of lowers) {
      if (a.kind !== 'lower') continue;
      const inner = Math.max(0, ...importsOf(a.calleeInstance).map((i) => depth.get(i) ?? 0));
      const d = Math.min(1 + inner, lowers.length + 1);
      if (d > (depth.get(j) ?? 0)) {
        depth.set(j, d);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return Math.max(0, ...depth.values());
}

/** The device's owner id of the host's handle table (WRT_EC_HOST, native/engine/wrt_engine_component.c). */
export const HOST_TABLE_OWNER = 0xffff;

/**
 * Component instances that may hold handles: the owners of resource built-ins, the callers of WASI
 * 0.2 functions (their streams are handles in the caller's table), with resources both sides of
 * each adapter, and for a top-level export whose types hold handles its instance and the host.
 */

export function handleTableOwners(plan: ComponentPlan): number[] {
  const owners = new Set<number>();
  for (const a of plan.adapters) {
    if (a.kind === 'wasi') owners.add(a.callerOwner);
    else if (a.kind !== 'lower') owners.add(a.owner);
    else if (plan.resources.length > 0) {
      owners.add(a.callerOwner);
      owners.add(a.calleeOwner);
    }
  }
  // The host's own table (the top-level caller's), which the device fills only when a top-level
  // export's types hold handles: HOST_TABLE_OWNER, one table more (docs/component.md, "Resources").
  for (const f of plan.functions) {
    if (f.handleOwner === null) continue;
    owners.add(f.handleOwner);
    owners.add(HOST_TABLE_OWNER);
  }
  return [...owners].sort((x, y) => x - y);
}

function regionOf(p: Profile, name: string): number {
  return p.arena.regions.find((r) => r.name === name)?.bytes ?? 0;
}

/** Compiles the component's profile for the target, or every budget it cannot meet. */
export function compileComponentProfile(inputs: ComponentProfileInputs): ProfileResult {
  const { plan, limits, target, device } = inputs;
  const errors: BudgetError[] = [];
  const derivations: Derivation[] = [];
  const derive = (budget: string, value: string, rule: string, source: string): void => {
    derivations.push({ budget, value, rule, source });
  };
  const fail = (budget: string, needs: string, gives: string, source: string): void => {
    errors.push({ code: 'BUDGET_EXCEEDED', budget, needs, gives, source });
  };
  // A device without WASI 0.2 runs no command, whatever its RAM: said first, with any other budget.
  const wasiFunctions = plan.adapters.filter((a) => a.kind === 'wasi').length;
  if (wasiFunctions > 0 && !device.wasi2) {
    fail(
      'WASI 0.2',
      `${wasiFunctions} WASI 0.2 functions (its wasi:* imports)`,
      'none',
      `${device.source}, built without WASI 0.2 (WRT_CONFIG_WASI2); to run it: a target whose firmware serves WASI 0.2 (firmware.component.wasi2: ${device.wasi2Targets.length === 0 ? 'none here' : device.wasi2Targets.join(', ')}), or ${nativeSimAdvice(plan)}`,
    );
  }
  const ptr = target.pointerBits;
  // Each core module is compiled as if it had the arena to itself; the sum is checked below.
  const unbounded = { ...limits, maxMemory: { ...limits.maxMemory, value: Number.MAX_SAFE_INTEGER, source: 'the component profile (summed below)' } };
  // An instance that imports a memory, table or global is measured with them defined in place (an upper bound).
  const measured = plan.instances.map((inst, k) => inputs.measure(measurableForm(inst.upload), `core instance ${k}`));
  const compileOne = (k: number, truncate: 'auto' | 'always'): Profile | null => {
    const inst = plan.instances[k]!;
    const result = compileProfile({
      analysis: inst.report,
      moduleSha256: moduleSha256(inst.upload),
      loadRegions: measured[k]!,
      limits: unbounded,
      target,
      asil: inputs.asil,
      debug: inputs.debug,
      overrides: { ...inputs.overrides, truncateMemory: truncate },
      toolchain: inputs.toolchain,
    });
    if (result.ok) return result.profile;
    for (const e of result.errors) errors.push({ ...e, budget: `core instance ${k}: ${e.budget}` });
    return null;
  };
  const profiles = plan.instances.map((_, k) => compileOne(k, 'auto'));
  if (profiles.some((p) => p === null)) return { ok: false, errors };
  const each = profiles as Profile[];

  // ---- the component block's counts, against what the device holds
  const owners = handleTableOwners(plan);
  const handlesPerTable = inputs.overrides.maxResources?.value ?? device.handlesPerTable;
  const nestingDepth = adapterNestingDepth(plan);
  const registrations = new Set<number>();
  for (const inst of plan.instances) for (const i of inst.imports) if ('instance' in i.to) registrations.add(i.to.instance);
  const counts: Array<[string, number, number, string]> = [
    ['core instances', plan.instances.length, device.instances, 'core instances the session holds (WRT_ENGINE_MAX_INSTANCES)'],
    ['registrations', registrations.size, device.registrations, 'instance names later imports link to (WRT_ENGINE_MAX_REGISTRATIONS)'],
    ['adapters', plan.adapters.length, device.adapters, 'fused adapters and resource built-ins (WRT_ENGINE_MAX_ADAPTERS)'],
    ['adapter nesting depth', nestingDepth, device.nestingDepth, 'fused adapters open inside one another (WRT_ENGINE_ADAPTER_DEPTH)'],
    ['resource types', plan.resources.length, device.resourceTypes, 'resource type definitions (WRT_ENGINE_MAX_RESOURCE_TYPES)'],
    ['handle tables', owners.length, device.handleTables, 'component instances with a handle table (WRT_ENGINE_MAX_HANDLE_TABLES)'],
    ['handles per table', handlesPerTable, device.handlesPerTable, 'handles one component instance holds at once (WRT_ENGINE_MAX_HANDLES)'],
  ];
  for (const [budget, needs, gives, what] of counts) {
    derive(budget, `${needs}`, what, budget === 'handles per table' && inputs.overrides.maxResources !== undefined ? inputs.overrides.maxResources.source : 'the component plan');
    if (needs > gives) fail(budget, `${needs} (${what})`, `${gives}`, `${device.source}; to run it: a target whose component runtime holds ${needs}, or ${nativeSimAdvice(plan)}`);
  }

  // ---- the regions, summed as the device fills them
  const debugBudget = each[0]!.debugBudget;
  const traceBytes = debugBudget.traceEntries * TRACE_ENTRY_BYTES + debugBudget.breakpoints * BREAKPOINT_BYTES;
  const traceRegion = alignUp(traceBytes, ARENA_ALIGN);
  const budgetBytes = limits.maxMemory.value - limits.debugOverhead.value + Math.min(traceRegion, limits.debugOverhead.value);
  const budgetSource = `${limits.maxMemory.source} minus debug overhead ${limits.debugOverhead.value} bytes (${limits.debugOverhead.source})`;
  const definers = plan.instances.map((inst, k) => ({ k, mems: inst.report.memories.filter((m) => !m.imported) })).filter((d) => d.mems.length > 0);

  const layout = (ps: readonly Profile[]) => {
    const memCap = Math.max(0, ...ps.map((p) => (p.memory.truncated ? p.memory.initialPages : p.memory.maximumPages)));
    const tableCap = Math.max(0, ...ps.map((p) => p.tables.elementsMax));
    const truncated = ps.find((p) => p.memory.truncated);
    let memoryPages = 0;
    let initialPages = 0;
    let tableBytes = 0;
    const instances: ProfileComponentInstance[] = ps.map((p, k) => {
      const inst = plan.instances[k]!;
      let pages = 0;
      for (const m of inst.report.memories) {
        if (m.imported) continue;
        pages += Math.min(m.maximumPages ?? Number.MAX_SAFE_INTEGER, memCap);
        initialPages += m.initialPages;
      }
      let tables = 0;
      for (const t of inst.report.tables) {
        if (t.imported) continue;
        const elements = Math.max(t.initial, Math.min(t.maximum ?? 0xffffffff, tableCap));
        tables += alignUp(elements * TABLE_ELEMENT_BYTES, ARENA_ALIGN) / TABLE_ELEMENT_BYTES;
      }
      memoryPages += pages;
      tableBytes += tables * TABLE_ELEMENT_BYTES;
      const named = registrations.has(k) ? alignUp(REGISTRATION_BYTES, ARENA_ALIGN) + alignUp(`#${k}`.length, ARENA_ALIGN) : 0;
      return {
        moduleSha256: moduleSha256(inst.upload),
        metaBytes: alignUp(regionOf(p, 'meta'), ARENA_ALIGN) + named,
        codeBytes: alignUp(regionOf(p, 'code'), ARENA_ALIGN),
        controlBytes: regionOf(p, 'control'),
        memoryBytes: p.memory.truncated ? p.memory.bytes : pages * PAGE_BYTES,
        tableElements: tables,
        globalSlots: p.globals.slots,
        valueSlots: p.stack.valueSlots,
        callDepth: p.stack.callDepth,
      };
    });
    const sum = (f: (i: ProfileComponentInstance) => number): number => instances.reduce((n, i) => n + f(i), 0);
    const memoryBytes = truncated !== undefined ? truncated.memory.bytes : memoryPages * PAGE_BYTES;
    const valueSlots = sum((i) => i.valueSlots);
    const callDepth = sum((i) => i.callDepth);
    const regions: Array<[string, number]> = [
      ['runtime', RUNTIME_BYTES[ptr]],
      ['meta', sum((i) => i.metaBytes)],
      ['code', sum((i) => i.codeBytes)],
      ['control', Math.max(0, ...instances.map((i) => i.controlBytes))],
      ['stack', valueSlots * SLOT_BYTES],
      ['frames', callDepth * FRAME_BYTES[ptr]],
      ['memory', memoryBytes],
      ['tables', tableBytes],
      ['globals', sum((i) => i.globalSlots) * SLOT_BYTES],
      ['trace', traceBytes],
    ];
    const placed = new MemoryBudget(Number.MAX_SAFE_INTEGER, 'device arena');
    const arena: ArenaRegion[] = regions.map(([name, bytes]) => {
      const a = placed.allocate(name, alignUp(bytes, ARENA_ALIGN), ARENA_ALIGN);
      return { name, offset: a.offset, bytes: a.size };
    });
    const totalBytes = placed.top() + (ARENA_ALIGN - 1);
    return { instances, arena, totalBytes, memCap, tableCap, truncated, memoryBytes, initialPages, valueSlots, callDepth, tableBytes };
  };

  let chosen = each;
  let laid = layout(chosen);
  // One memory in the whole component, too large for the board beside the rest: truncated to
  // __heap_base where its module allows it (the core rule), as a core module's profile would be.
  if (laid.totalBytes > budgetBytes && definers.length === 1 && definers[0]!.mems.length === 1 && inputs.overrides.truncateMemory !== 'never') {
    const k = definers[0]!.k;
    const before = errors.length;
    const again = compileOne(k, 'always');
    if (again !== null && again.memory.truncated) {
      chosen = each.map((p, i) => (i === k ? again : p));
      laid = layout(chosen);
      derive('memory', `${again.memory.bytes} bytes`, `core instance ${k}'s memory truncated to __heap_base: the declared pages do not fit the arena beside the other instances' regions`, budgetSource);
    }
    errors.length = before;
  }
  if (laid.truncated !== undefined && definers.length !== 1) {
    fail('memory', 'a truncated memory beside another memory', 'truncation of the only memory of a component', 'the device truncates the whole memory region (wrt_layout.memory_bytes_limit)');
  }
  derive('arena', `${laid.totalBytes} bytes`, `runtime + the regions of ${plan.instances.length} core instance(s) summed in wrt_arena.c order (control the largest), each rounded to ${ARENA_ALIGN} bytes, + ${ARENA_ALIGN - 1} bytes alignment slack`, 'the core instances\' profiles');
  if (laid.totalBytes > budgetBytes) {
    const parts = laid.arena.filter((r) => r.bytes > 0).map((r) => `${r.name} ${r.bytes}`).join(' + ');
    fail('arena', `${laid.totalBytes} bytes (${parts})`, `${budgetBytes} bytes`, `${budgetSource}; to run it: a board with more RAM, or ${nativeSimAdvice(plan)}`);
  }
  if (errors.length > 0) return { ok: false, errors };

  const first = chosen[0]!;
  const block: ProfileComponentBlock = {
    componentSha256: createHash('sha256').update(inputs.component).digest('hex'),
    planSha256: planSha256(plan),
    instances: laid.instances,
    handleTables: owners.length,
    handlesPerTable,
    valueBufferBytes: device.valueBufferBytes,
    nestingDepth,
    adapters: plan.adapters.length,
    resourceTypes: plan.resources.length,
  };
  // No host imports: the plan binds every import of a core instance to another instance or an
  // adapter (a component with top-level imports has no plan), so the device's host functions,
  // which a profile's import list budgets, serve none of them.
  const imports: Profile['imports'] = [];
  const memory = laid.truncated !== undefined
    ? laid.truncated.memory
    : {
        initialPages: laid.initialPages,
        maximumPages: laid.memCap,
        bytes: laid.memoryBytes,
        truncated: false,
        rule: laid.memoryBytes === 0 ? ('no-memory' as const) : ('declared-pages' as const),
      };
  const draft: Profile = {
    ...first,
    moduleSha256: block.instances[0]!.moduleSha256,
    moduleBytes: plan.instances[0]!.upload.length,
    memory,
    tables: { elements: laid.tableBytes / TABLE_ELEMENT_BYTES, elementsMax: laid.tableCap },
    globals: { slots: laid.instances.reduce((n, i) => n + i.globalSlots, 0) },
    stack: {
      valueSlots: laid.valueSlots,
      callDepth: laid.callDepth,
      controlDepth: Math.max(...chosen.map((p) => p.stack.controlDepth)),
      locals: Math.max(...chosen.map((p) => p.stack.locals)),
    },
    imports,
    arena: { regions: laid.arena, totalBytes: laid.totalBytes, budgetBytes, budgetSource },
    components: { ...first.components, maxResources: handlesPerTable },
    component: block,
    derivations: [...chosen.flatMap((p, k) => p.derivations.map((d) => ({ ...d, budget: `core instance ${k}: ${d.budget}` }))), ...derivations],
    profileSha256: '0'.repeat(64),
  };
  if (draft.stack.callDepth < 1) throw new WrtError('INTERNAL', 'a component profile with call depth 0', { field: 'call depth' });
  const encoded = encodeProfile(draft);
  // 64 bytes a core instance: a component of many instances outgrows the one frame UPLOAD_BEGIN carries.
  if (encoded.bytes.length > device.profileBytes) {
    return {
      ok: false,
      errors: [
        {
          code: 'BUDGET_EXCEEDED',
          budget: 'profile size',
          needs: `${encoded.bytes.length} bytes (the component block takes 64 bytes for each of ${plan.instances.length} core instances)`,
          gives: `${device.profileBytes} bytes`,
          source: `${device.source}: the profile UPLOAD_BEGIN carries; to run it: fewer core instances, or ${nativeSimAdvice(plan)}`,
        },
      ],
    };
  }
  return { ok: true, profile: { ...draft, profileSha256: encoded.profileSha256 } };
}

/**
 * The component limits of the device a target runs: native-sim's for host targets; for a board,
 * the engine header's defaults with its definition's firmware.component over them (the generated
 * component.mk builds the firmware from the same fields).
 */
export function componentLimitsOf(target: Pick<TargetFacts, 'id' | 'host' | 'firmwareComponent' | 'wasi2Targets'>): DeviceComponentLimits {
  if (target.host) return NATIVE_SIM_COMPONENT_LIMITS;
  const wasi2Targets = target.wasi2Targets ?? [];
  const c = target.firmwareComponent;
  if (c === undefined) return { ...BOARD_COMPONENT_LIMITS, wasi2Targets };
  const d = BOARD_COMPONENT_LIMITS;
  return {
    ...d,
    adapters: c.adapters ?? d.adapters,
    nestingDepth: c.adapterDepth ?? d.nestingDepth,
    resourceTypes: c.resourceTypes ?? d.resourceTypes,
    handleTables: c.handleTables ?? d.handleTables,
    handlesPerTable: c.handlesPerTable ?? d.handlesPerTable,
    wasi2: c.wasi2 ?? d.wasi2,
    wasi2Targets,
    source: `the firmware's component runtime (firmware.component of targets/${target.id}.yaml over native/engine/wrt_interp_engine.h's defaults)`,
  };
}
