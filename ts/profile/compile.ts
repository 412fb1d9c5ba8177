/**
 * The profile compiler: module analysis + resolved limits + target facts + ASIL + debug level +
 * overrides -> the exact budgets the device interpreter enforces, or every budget the module
 * cannot meet. Pure: no I/O, no clock; the same inputs give the same profile.
 */
import type { ErrorCode } from '../core/error-codes.js';
import { type AsilLevel, formatAsil } from '../foundation/asil.js';
import { MemoryBudget } from '../foundation/memory-budget.js';
import type { ResolvedLimits } from '../limits/types.js';
import type { DebugLevel } from '../limits/types.js';
import { importAllowed } from '../wasm/limits.js';
import { JS_API_LIMITS } from '../wasm/module-parser.js';
import type { WasmReport } from '../wasm/report.js';
import { PAGE_BYTES } from '../wasm/types.js';
import { encodeProfile } from './binary.js';
import { callBounds } from './call-bounds.js';
import { ASIL_PRESETS, PRESET_REASONS, SOFTWARE_CFI, returnEdgeFeature } from './presets.js';
import {
  type ArenaRegion,
  type BudgetError,
  type Derivation,
  type HardwareCfiFeature,
  type Profile,
  type ProfileImport,
  type ProfileMemory,
  type ProfileOverrides,
  type ProfileResult,
  type TargetFacts,
} from './types.js';

export interface ProfileInputs {
  readonly analysis: WasmReport;
  /** SHA-256 (hex) of the module without a wrt.profile section. */
  readonly moduleSha256: string;
  readonly limits: ResolvedLimits;
  readonly target: TargetFacts;
  readonly asil: AsilLevel;
  readonly debug: DebugLevel;
  readonly overrides: ProfileOverrides;
  readonly toolchain: string;
}

/** The interpreter's arena alignment (WRT_CONFIG_ALIGN) and record sizes, per pointer width. */
export const ARENA_ALIGN = 16;
export const FRAME_BYTES: Readonly<Record<32 | 64, number>> = { 32: 16, 64: 32 };
/** sizeof(wrt_runtime): two pointers/size_t, 8 region states, the layout, 3 pointers, counters, fuel, a pointer. */
export const RUNTIME_BYTES: Readonly<Record<32 | 64, number>> = { 32: 216, 64: 376 };
export const SLOT_BYTES = 8;
export const TABLE_ELEMENT_BYTES = 8;

/**
 * Upper bounds for the regions the interpreter fills at load (meta, code, control), checked
 * against the interpreter's measured use in test/profile/enforcement.test.ts.
 */
export function metaBytesFor(report: WasmReport): number {
  const c = report.counts;
  const items = c.types + c.imports + c.functions + c.tables + c.memories + c.globals + c.exports + c.elementSegments + c.dataSegments;
  const names = report.imports.reduce((n, i) => n + i.module.length + i.name.length, 0) + report.exports.reduce((n, e) => n + e.name.length, 0);
  return alignUp(1024 + 128 * items + 2 * names + report.memory.dataBytes + 16 * report.functions.reduce((n, f) => n + f.locals, 0), ARENA_ALIGN);
}

export function codeBytesFor(report: WasmReport): number {
  return alignUp(report.functions.reduce((n, f) => n + 16 * f.bodyBytes + 64, 0), ARENA_ALIGN);
}

export function controlBytesFor(report: WasmReport): number {
  const worst = report.functions.reduce((m, f) => Math.max(m, 8 * (f.locals + f.maxStackSlots) + 64 * (f.maxControlDepth + 2)), 0);
  return alignUp(512 + worst, ARENA_ALIGN);
}

function alignUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function compileProfile(inputs: ProfileInputs): ProfileResult {
  const { analysis, limits, target, asil, debug, overrides } = inputs;
  const preset = ASIL_PRESETS[asil];
  const level = formatAsil(asil);
  const errors: BudgetError[] = [];
  const derivations: Derivation[] = [];
  const fail = (code: ErrorCode, budget: string, needs: string, gives: string, source: string): void => {
    errors.push({ code, budget, needs, gives, source });
  };
  const derive = (budget: string, value: string, rule: string, source: string): void => {
    derivations.push({ budget, value, rule, source });
  };

  derive('ASIL', level, 'the preset this profile is compiled under; a device may raise it at run time, never lower it', limits.asil.source);
  derive('debug level', debug, 'debug overhead is taken from the arena budget', limits.debugLevel.source);
  if (preset.refusedDebugLevels.includes(debug)) {
    fail('LIMIT_EXCEEDED', 'debug level', `debug level ${debug}`, `${level} allows ${['none', 'basic', 'full'].filter((d) => !preset.refusedDebugLevels.includes(d as DebugLevel)).join(', ')}`, `preset ${level}: ${PRESET_REASONS.refusedDebugLevels}`);
  }

  // ---- linear memory
  const planned = memoryBudget(inputs, fail, derive);
  let memory = planned.memory;

  // ---- tables
  let tableElements = 0;
  let tableElementsMax = 0;
  const cap = target.maxTableEntries;
  for (const t of analysis.tables) {
    if (t.imported) continue;
    let reserve = t.initial;
    let rule = `table ${t.index}: initial ${t.initial} elements (table.grow is not used)`;
    if (t.grows) {
      if (t.maximum !== null) {
        reserve = t.maximum;
        rule = `table ${t.index}: declared maximum ${t.maximum} (table.grow is used)`;
      } else if (preset.growthNeedsDeclaredMaximum) {
        fail('LIMIT_EXCEEDED', `table ${t.index} maximum`, 'table.grow without a declared maximum', `${level} needs a declared maximum within ${cap === null ? 'the arena' : `${cap.value} elements`}`, `preset ${level}: ${PRESET_REASONS.growthNeedsDeclaredMaximum}`);
      } else if (cap !== null) {
        reserve = cap.value;
        rule = `table ${t.index}: grows without a maximum; capped at ${reserve} elements (target cap)`;
      } else {
        reserve = Math.min(t.initial + preset.defaultTableGrowth, JS_API_LIMITS.tableSize);
        rule = `table ${t.index}: grows without a maximum; initial ${t.initial} + ${preset.defaultTableGrowth} elements of room (preset ${level}: ${PRESET_REASONS.defaultTableGrowth})`;
      }
    }
    if (cap !== null && reserve > cap.value) {
      if (t.initial > cap.value || preset.growthNeedsDeclaredMaximum) {
        fail('LIMIT_EXCEEDED', `table ${t.index} elements`, `${reserve} elements`, `${cap.value} elements`, cap.source);
      }
      reserve = Math.min(reserve, cap.value);
      rule += `, capped at the target's ${cap.value}`;
    }
    // wrt_reserve rounds every reservation to 16 bytes: two 8-byte elements.
    tableElements += reserve + (reserve % 2);
    tableElementsMax = Math.max(tableElementsMax, reserve);
    derive(`table ${t.index} elements`, `${reserve}`, rule, cap?.source ?? 'module table section');
  }

  // ---- globals
  const globalSlots = analysis.counts.globals + (analysis.counts.globals % 2);
  derive('global slots', `${globalSlots}`, 'one 8-byte slot per global (imported ones included), rounded up to an even count: the interpreter reserves in 16-byte steps', 'module global and import sections');

  // ---- call depth and value stack
  const bounds = callBounds(analysis);
  let callDepth = 0;
  let valueSlots = 0;
  const finite = bounds.entries.filter((e) => e.callDepth !== null);
  const deepest = finite.reduce((m, e) => Math.max(m, e.callDepth ?? 0), 0);
  const widest = finite.reduce((m, e) => Math.max(m, e.valueSlots ?? 0), 0);
  const reachesRecursion = bounds.entries.some((e) => e.callDepth === null);
  if (reachesRecursion) {
    const given = overrides.callDepth;
    if (given !== undefined) {
      callDepth = Math.max(given.value, deepest);
      derive('call depth', `${callDepth}`, 'the call graph is recursive: the depth given explicitly', given.source);
    } else if (preset.recursionNeedsExplicitDepth) {
      const cycle = analysis.callGraph.cycles[0]?.description ?? 'a call cycle';
      fail('LIMIT_EXCEEDED', 'call depth', `unbounded (recursion: ${cycle})`, `${level} allows recursion only with an explicit depth (--call-depth N)`, `preset ${level}: ${PRESET_REASONS.recursionNeedsExplicitDepth}`);
    } else {
      callDepth = Math.max(preset.defaultRecursionDepth, deepest);
      derive('call depth', `${callDepth}`, `the call graph is recursive: preset depth for ${level}`, `preset ${level}: ${PRESET_REASONS.defaultRecursionDepth}`);
    }
    valueSlots = Math.max(widest, callDepth * bounds.maxFrameSlots);
    derive('value stack slots', `${valueSlots}`, `call depth ${callDepth} × largest frame ${bounds.maxFrameSlots} slots (params + locals + spill slot + most operands)`, 'module code section (validator analysis)');
  } else {
    callDepth = Math.max(deepest, 1);
    const worst = finite.find((e) => e.callDepth === deepest);
    derive('call depth', `${callDepth}`, `deepest call chain from an entry point${worst !== undefined ? ` ("${worst.name}")` : ''}, the invoked function counting as one; host functions take no frame`, 'module call graph (validator analysis)');
    valueSlots = widest;
    const w = finite.find((e) => e.valueSlots === widest);
    derive('value stack slots', `${valueSlots}`, `most slots any chain needs${w !== undefined ? ` ("${w.name}")` : ''}: each frame is params + locals + spill slot + most operands, a callee's frame starting at its arguments`, 'module code section (validator analysis)');
    if (overrides.callDepth !== undefined) {
      if (overrides.callDepth.value < callDepth) {
        fail('LIMIT_EXCEEDED', 'call depth', plural(callDepth, 'frame'), plural(overrides.callDepth.value, 'frame'), overrides.callDepth.source);
      } else {
        callDepth = overrides.callDepth.value;
        derive('call depth', `${callDepth}`, 'raised to the depth given explicitly', overrides.callDepth.source);
      }
    }
  }
  if (overrides.valueSlots !== undefined) {
    if (overrides.valueSlots.value < valueSlots) {
      fail('LIMIT_EXCEEDED', 'value stack slots', plural(valueSlots, 'slot'), plural(overrides.valueSlots.value, 'slot'), overrides.valueSlots.source);
    } else {
      valueSlots = overrides.valueSlots.value;
      derive('value stack slots', `${valueSlots}`, 'raised to the size given explicitly', overrides.valueSlots.source);
    }
  }
  derive('control depth', `${bounds.maxControlDepth}`, 'deepest block/loop/if nesting of any function', 'module code section (validator analysis)');
  derive('locals', `${bounds.maxLocals}`, 'most params + locals of any function', 'module code section (validator analysis)');

  // ---- fuel
  let fuel: bigint | null = null;
  if (overrides.fuel !== undefined) {
    fuel = overrides.fuel.value;
    derive('fuel', `${fuel}`, 'instructions per invocation, the start function at instantiation included, given explicitly', overrides.fuel.source);
  } else if (preset.fuelRequired) {
    fail('LIMIT_EXCEEDED', 'fuel', 'a bound on executed instructions per invocation', `${level} requires one (--fuel N)`, `preset ${level}: ${PRESET_REASONS.fuelRequired}`);
  } else {
    derive('fuel', 'unlimited', `${level} does not require a fuel bound`, `preset ${level}`);
  }

  // ---- imports
  const imports: ProfileImport[] = [];
  const allowed = overrides.allowedImports;
  for (const i of analysis.imports) {
    if (i.kind !== 'function') continue;
    const key = `${i.module}.${i.name}`;
    if (allowed !== undefined && !importAllowed(allowed.value, i.module, i.name)) {
      fail('LIMIT_EXCEEDED', `import ${key}`, `the host function ${key} ${i.type}`, `allowed: ${allowed.value.join(', ') || 'none'}`, allowed.source);
      continue;
    }
    const own = overrides.hostCallsByImport?.get(key) ?? overrides.hostCalls;
    const budget = own?.value ?? preset.defaultHostCalls;
    imports.push({ module: i.module, name: i.name, budget });
    derive(`host calls ${key}`, budget === null ? 'unlimited' : `${budget}`, own !== undefined ? 'calls per invocation, given explicitly' : `preset ${level} default`, own?.source ?? `preset ${level}: ${PRESET_REASONS.defaultHostCalls}`);
  }

  // ---- CFI
  const hardwareRequired: HardwareCfiFeature[] = [];
  if (preset.hostHardwareCfi && target.host) {
    const feature = returnEdgeFeature(target.arch);
    if (feature === null) {
      fail('CFI_REQUIREMENT_UNMET', 'hardware CFI', `a return-edge CFI feature for ${target.arch}`, `none known for ${target.arch}`, `preset ${level}: ${PRESET_REASONS.hostHardwareCfi}`);
    } else {
      hardwareRequired.push(feature);
      const state = target.hardwareCfi.features[feature];
      if (state !== 'yes') {
        fail('CFI_REQUIREMENT_UNMET', `hardware CFI ${feature}`, `${feature === 'shstk' ? 'shadow stack (Intel CET SHSTK)' : 'pointer authentication (PAC)'} enforced for the process`, state === 'no' ? 'missing' : 'not established (unknown)', target.hardwareCfi.source);
      }
    }
  }
  derive('hardware CFI', hardwareRequired.length === 0 ? 'none required' : hardwareRequired.join(', '), preset.hostHardwareCfi ? (target.host ? PRESET_REASONS.hostHardwareCfi : 'not a host target: software CFI only') : `${level}: software CFI only`, target.hardwareCfi.source);

  // ---- signature
  const signature = overrides.signingKey?.value ?? null;
  if (preset.signatureRequired && signature === null) {
    fail('SIGNING_KEY_REQUIRED', 'signature', 'a module signed by a named key: sign it (wrt-target sign) and name the key with --signing-key KEY.pub', 'no key named', `preset ${level}: ${PRESET_REASONS.signatureRequired}`);
  }
  derive(
    'signature',
    signature === null ? 'not required' : `by key ${signature.keyName} (${signature.publicKey.slice(0, 16)}…)`,
    signature === null ? `${level}: not required without a named key` : 'the host checks it before upload, the device before it loads the module',
    overrides.signingKey?.source ?? `preset ${level}: ${PRESET_REASONS.signatureRequired}`,
  );

  // ---- components
  const maxResources = overrides.maxResources?.value ?? 256;
  derive('max components', `${limits.maxComponents.value}`, 'resolved limit', limits.maxComponents.source);
  derive('max instances', `${limits.maxInstances.value}`, 'resolved limit', limits.maxInstances.source);
  derive('max resources', `${maxResources}`, overrides.maxResources !== undefined ? 'given explicitly' : 'default resource handles per instance', overrides.maxResources?.source ?? 'default');

  // ---- arena
  const ptr = target.pointerBits;
  const budgetBytes = limits.maxMemory.value - limits.debugOverhead.value;
  const budgetSource = `${limits.maxMemory.source} minus debug overhead ${limits.debugOverhead.value} bytes (${limits.debugOverhead.source})`;
  const fixedRegions: Array<[string, number]> = [
    ['runtime', RUNTIME_BYTES[ptr]],
    ['meta', metaBytesFor(analysis)],
    ['code', codeBytesFor(analysis)],
    ['control', controlBytesFor(analysis)],
    ['stack', valueSlots * SLOT_BYTES],
    ['frames', callDepth * FRAME_BYTES[ptr]],
    ['tables', tableElements * TABLE_ELEMENT_BYTES],
    ['globals', globalSlots * SLOT_BYTES],
  ];
  // A growth cap that came from the linear-memory limit (not the module's own maximum) also
  // leaves room for the other regions: memory.grow past it returns -1 rather than the arena overflow.
  const fixedBytes = fixedRegions.reduce((sum, [, bytes]) => sum + alignUp(bytes, ARENA_ALIGN), ARENA_ALIGN - 1);
  const roomPages = Math.floor((budgetBytes - fixedBytes) / PAGE_BYTES);
  if (planned.growthCapped && memory.maximumPages > roomPages && roomPages >= memory.initialPages) {
    memory = { ...memory, maximumPages: roomPages, bytes: roomPages * PAGE_BYTES };
    derive('memory', `${roomPages} pages (${memory.bytes} bytes)`, `growth capped further so that the arena fits: ${budgetBytes} bytes of arena budget minus ${fixedBytes} bytes of the other regions (memory.grow past it returns -1)`, budgetSource);
  }
  // wrt_arena.c's order: memory between the frames and the tables.
  const memoryAt = fixedRegions.findIndex(([name]) => name === 'tables');
  const regionSizes: Array<[string, number]> = [...fixedRegions.slice(0, memoryAt), ['memory', memory.bytes], ...fixedRegions.slice(memoryAt)];
  const plan = new MemoryBudget(Number.MAX_SAFE_INTEGER, 'device arena');
  const regions: ArenaRegion[] = [];
  for (const [name, bytes] of regionSizes) {
    // wrt_arena.c rounds every region up to the alignment; the budget lays them out the same way.
    const a = plan.allocate(name, alignUp(bytes, ARENA_ALIGN), ARENA_ALIGN);
    regions.push({ name, offset: a.offset, bytes: a.size });
  }
  // wrt_layout_bytes adds alignment slack for an arena that does not start aligned.
  const totalBytes = plan.top() + (ARENA_ALIGN - 1);
  derive('arena', `${totalBytes} bytes`, `runtime + regions in wrt_arena.c order, each rounded to ${ARENA_ALIGN} bytes, + ${ARENA_ALIGN - 1} bytes alignment slack`, 'the budgets above');
  derive('arena budget', `${budgetBytes} bytes`, 'the arena must fit the RAM left for modules after the firmware, minus the debug overhead', budgetSource);
  if (totalBytes > budgetBytes) {
    const parts = regions.filter((r) => r.bytes > 0).map((r) => `${r.name} ${r.bytes}`).join(' + ');
    fail('BUDGET_EXCEEDED', 'arena', `${totalBytes} bytes (${parts})`, `${budgetBytes} bytes`, budgetSource);
  }

  if (errors.length > 0) return { ok: false, errors };

  const draft: Profile = {
    moduleSha256: inputs.moduleSha256,
    moduleBytes: analysis.bytes,
    target: { id: target.id, pointerBits: ptr, host: target.host },
    toolchain: inputs.toolchain,
    asil,
    debug,
    memory,
    tables: { elements: tableElements, elementsMax: tableElementsMax },
    globals: { slots: globalSlots },
    stack: { valueSlots, callDepth, controlDepth: bounds.maxControlDepth, locals: bounds.maxLocals },
    fuel,
    imports,
    arena: { regions, totalBytes, budgetBytes, budgetSource },
    cfi: { software: [...SOFTWARE_CFI], hardwareRequired, hardwareSource: target.hardwareCfi.source },
    signature,
    components: { maxComponents: limits.maxComponents.value, maxInstances: limits.maxInstances.value, maxResources },
    derivations,
    profileSha256: '0'.repeat(64),
  };
  return { ok: true, profile: { ...draft, profileSha256: encodeProfile(draft).profileSha256 } };
}

type Fail = (code: ErrorCode, budget: string, needs: string, gives: string, source: string) => void;
type Derive = (budget: string, value: string, rule: string, source: string) => void;

/** The memory plan, and whether its maximum is a cap the toolchain chose (not the module's own). */
interface MemoryPlan {
  readonly memory: ProfileMemory;
  readonly growthCapped: boolean;
}

function memoryBudget(inputs: ProfileInputs, fail: Fail, derive: Derive): MemoryPlan {
  const { analysis, limits, asil, overrides } = inputs;
  const level = formatAsil(asil);
  const preset = ASIL_PRESETS[asil];
  const mem = analysis.memories[0];
  if (mem === undefined) {
    derive('memory', '0 pages', 'the module has no memory', 'module memory section');
    return { memory: { initialPages: 0, maximumPages: 0, bytes: 0, truncated: false, rule: 'no-memory' }, growthCapped: false };
  }
  const linear = limits.maxLinearMemory;
  const budgetPages = Math.floor(linear.value / PAGE_BYTES);
  const m = analysis.memory;
  let maximumPages = mem.initialPages;
  let growthCapped = false;
  let rule = `initial ${mem.initialPages} pages; memory.grow is not used, so the maximum is the initial size`;
  if (m.canGrow) {
    if (mem.maximumPages !== null) {
      maximumPages = mem.maximumPages;
      rule = `declared maximum ${mem.maximumPages} pages (memory.grow is used)`;
      if (mem.maximumPages > budgetPages) {
        if (preset.growthNeedsDeclaredMaximum) {
          fail('LIMIT_EXCEEDED', 'memory maximum', `${mem.maximumPages} pages (${mem.maximumPages * PAGE_BYTES} bytes) declared`, `${budgetPages} pages (${linear.value} bytes)`, linear.source);
        }
        maximumPages = Math.max(budgetPages, mem.initialPages);
        growthCapped = true;
        rule += `, capped at ${maximumPages} pages by the linear-memory limit (memory.grow past it returns -1)`;
      }
    } else if (preset.growthNeedsDeclaredMaximum) {
      fail('LIMIT_EXCEEDED', 'memory maximum', 'memory.grow without a declared maximum', `${level} needs a declared maximum within ${budgetPages} pages (${linear.value} bytes)`, `preset ${level}: ${PRESET_REASONS.growthNeedsDeclaredMaximum}`);
    } else {
      maximumPages = Math.max(budgetPages, mem.initialPages);
      growthCapped = true;
      rule = `memory.grow without a declared maximum: capped at ${maximumPages} pages by the linear-memory limit`;
    }
  }
  const fullBytes = maximumPages * PAGE_BYTES;
  // Truncation: the module never grows memory, its highest used address is known from __heap_base,
  // and no data segment is placed by an imported global. Accesses past the truncation trap.
  const eligible = !m.canGrow && m.heapBase !== null && m.dataSegmentsWithDynamicOffset === 0 && !mem.imported;
  const neededBytes = alignUp(m.highestStaticAddress, ARENA_ALIGN);
  const mode = overrides.truncateMemory ?? 'auto';
  const wantTruncate = eligible && neededBytes < fullBytes && (mode === 'always' || (mode === 'auto' && fullBytes > linear.value));
  if (wantTruncate) {
    derive('memory', `${neededBytes} bytes (${mem.initialPages} pages declared)`, `truncated to the highest static address ${m.highestStaticAddress} (max of data end, constant accesses, __heap_base ${m.heapBase ?? '-'}, __data_end ${m.dataEnd ?? '-'}) rounded to ${ARENA_ALIGN}: the module exports __heap_base and never uses memory.grow; accesses past it trap`, 'module analysis (validator)');
    return { memory: { initialPages: mem.initialPages, maximumPages, bytes: neededBytes, truncated: true, rule: 'truncated-to-heap-base' }, growthCapped: false };
  }
  if (mem.initialPages > budgetPages || (preset.growthNeedsDeclaredMaximum && maximumPages > budgetPages)) {
    const why = eligible ? '' : `; truncation not allowed: ${!m.canGrow ? '' : 'memory.grow is used, '}${m.heapBase === null ? 'no exported __heap_base, ' : ''}${m.dataSegmentsWithDynamicOffset > 0 ? 'data placed by an imported global, ' : ''}${mem.imported ? 'memory imported, ' : ''}`.replace(/, $/, '');
    fail('LIMIT_EXCEEDED', 'linear memory', `${mem.initialPages} pages (${mem.initialPages * PAGE_BYTES} bytes)${why}`, `${budgetPages} pages (${linear.value} bytes)`, linear.source);
  }
  derive('memory', `${maximumPages} pages (${fullBytes} bytes)`, rule, `module memory section; limit ${linear.value} bytes from ${linear.source}`);
  return { memory: { initialPages: mem.initialPages, maximumPages, bytes: fullBytes, truncated: false, rule: 'declared-pages' }, growthCapped };
}
