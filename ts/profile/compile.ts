/**
 * The profile compiler: module analysis + resolved limits + target facts + ASIL + debug level +
 * overrides -> the exact budgets the device interpreter enforces, or every budget the module
 * cannot meet. Pure: no I/O, no clock; the same inputs give the same profile.
 */
import type { ErrorCode } from '../core/error-codes.js';
import { closestName } from '../core/did-you-mean.js';
import { WrtError } from '../core/errors.js';
import { type AsilLevel, formatAsil } from '../foundation/asil.js';
import { alignUp, MemoryBudget } from '../foundation/memory-budget.js';
import type { ResolvedLimits } from '../limits/types.js';
import type { DebugLevel } from '../limits/types.js';
import { BREAKPOINT_BYTES, debugLimitsFor, TRACE_ENTRY_BYTES } from '../limits/debug-limits.js';
import { importAllowed } from '../wasm/limits.js';
import { JS_API_LIMITS } from '../wasm/module-parser.js';
import type { WasmReport } from '../wasm/report.js';
import { PAGE_BYTES } from '../wasm/types.js';
import { encodeProfile } from './binary.js';
import { callBounds } from './call-bounds.js';
import type { LoadRegions } from './load-regions.js';
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
  /** Meta, code and control as the device's interpreter core takes them (ts/profile/load-regions.ts). */
  readonly loadRegions: LoadRegions;
}

/** The interpreter's arena alignment (WRT_CONFIG_ALIGN) and record sizes, per pointer width. */
export const ARENA_ALIGN = 16;
export const FRAME_BYTES: Readonly<Record<32 | 64, number>> = { 32: 16, 64: 32 };
/**
 * sizeof(wrt_runtime): two pointers/size_t, 9 region states, the layout, 3 pointers, counters,
 * fuel, a pointer, the locate request (a pointer, an offset), the debug pointer and its state,
 * and the nested invocation's base (two pointers, the fuel left, the depth: wrt_invoke_nested).
 */
export const RUNTIME_BYTES: Readonly<Record<32 | 64, number>> = { 32: 336, 64: 544 };
export const SLOT_BYTES = 8;
export const TABLE_ELEMENT_BYTES = 8;

/**
 * An upper bound of the control region (validator and compiler scratch of the largest function):
 * the core reports only part of its use (operands, not control frames), so this stays an analysis
 * bound, checked against the interpreter in test/profile/enforcement.test.ts.
 */
export function controlBytesFor(report: WasmReport): number {
  const worst = report.functions.reduce((m, f) => Math.max(m, 8 * (f.locals + f.maxStackSlots) + 64 * (f.maxControlDepth + 2)), 0);
  return alignUp(512 + worst, ARENA_ALIGN);
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
  let depthFromPreset = false;
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
      depthFromPreset = true;
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
  const imported = analysis.imports.filter((i) => i.kind === 'function').map((i) => `${i.module}.${i.name}`);
  for (const [key, policy] of overrides.hostPolicyByImport ?? []) {
    if (imported.includes(key)) continue;
    const close = closestName(key, imported);
    throw new WrtError('USAGE', `${policy.source}: the module imports no function ${key}${close === undefined ? '' : `; did you mean ${close}?`}`, {
      field: '--host-policy',
      limit: imported.length === 0 ? 'the module imports no function' : `one of ${imported.join(', ')}`,
    });
  }
  for (const i of analysis.imports) {
    if (i.kind !== 'function') continue;
    const key = `${i.module}.${i.name}`;
    if (allowed !== undefined && !importAllowed(allowed.value, i.module, i.name)) {
      fail('LIMIT_EXCEEDED', `import ${key}`, `the host function ${key} ${i.type}`, `allowed: ${allowed.value.join(', ') || 'none'}`, allowed.source);
      continue;
    }
    const own = overrides.hostCallsByImport?.get(key) ?? overrides.hostCalls;
    const budget = own?.value ?? preset.defaultHostCalls;
    const policy = overrides.hostPolicyByImport?.get(key);
    imports.push({ module: i.module, name: i.name, budget, policy: policy?.value ?? 'allow' });
    if (policy !== undefined) derive(`host policy ${key}`, policy.value, 'the device allows, refuses (trap naming the import) or traces each call', policy.source);
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
  // A microcontroller target built for hardware CFI (PACBTI firmware) must carry it at C and D:
  // firmware without the marks is refused, whatever the target's YAML claims.
  const firmwareRequired = preset.hostHardwareCfi && !target.host ? (target.hardwareCfi.required ?? []) : [];
  for (const feature of firmwareRequired) {
    hardwareRequired.push(feature);
    const state = target.hardwareCfi.features[feature];
    if (state !== 'yes') {
      fail('CFI_REQUIREMENT_UNMET', `hardware CFI ${feature}`, `${feature === 'pac' ? 'return addresses signed (PAC)' : 'branch target identification (BTI)'} in the firmware of ${target.id}`, state === 'no' ? 'the firmware has no such marks' : 'not established (unknown)', target.hardwareCfi.source);
    }
  }
  const cfiReason = !preset.hostHardwareCfi
    ? `${level}: software CFI only`
    : target.host
      ? PRESET_REASONS.hostHardwareCfi
      : firmwareRequired.length > 0
        ? `${level}: the target is built for hardware CFI, so its firmware must carry it`
        : 'not a host target: software CFI only';
  derive('hardware CFI', hardwareRequired.length === 0 ? 'none required' : hardwareRequired.join(', '), cfiReason, target.hardwareCfi.source);

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

  // ---- debugging: the trace ring and breakpoint set the debug level gives on this target
  const debugLimits = debugLimitsFor(debug, limits.maxMemory.value);
  const debugBudget = { traceEntries: debugLimits.traceBufferEntries, breakpoints: debugLimits.breakpoints };
  const traceBytes = debugBudget.traceEntries * TRACE_ENTRY_BYTES + debugBudget.breakpoints * BREAKPOINT_BYTES;
  if (debug !== 'none') {
    derive('trace entries', `${debugBudget.traceEntries}`, `the last function entries a trap reports: debug overhead ${debugLimits.overheadBytes} bytes after the breakpoints, ${TRACE_ENTRY_BYTES} bytes each, at most the level's bound`, limits.debugLevel.source);
    derive('breakpoints', `${debugBudget.breakpoints}`, `at most the level's count, ${BREAKPOINT_BYTES} bytes each out of the debug overhead`, limits.debugLevel.source);
  }

  // ---- arena
  const ptr = target.pointerBits;
  // The trace region lives in the arena, in the RAM the debug overhead set aside for it.
  const traceRegion = alignUp(traceBytes, ARENA_ALIGN);
  const budgetBytes = limits.maxMemory.value - limits.debugOverhead.value + Math.min(traceRegion, limits.debugOverhead.value);
  const budgetSource = `${limits.maxMemory.source} minus debug overhead ${limits.debugOverhead.value} bytes (${limits.debugOverhead.source})${traceRegion === 0 ? '' : `, plus the trace region's ${Math.min(traceRegion, limits.debugOverhead.value)} bytes taken from that overhead`}`;
  const load = inputs.loadRegions;
  const codeWasmBytes = analysis.functions.reduce((n, f) => n + f.bodyBytes, 0);
  const controlBytes = Math.max(controlBytesFor(analysis), alignUp(load.control, ARENA_ALIGN));
  if (load.codeBits !== ptr) {
    fail('INTERNAL', 'code', `code measured in the form of a ${load.codeBits}-bit device`, `a ${ptr}-bit target compiles another form`, load.source);
  }
  derive('meta', `${load.meta} bytes`, load.pointerBits === ptr ? 'module and instance records as the interpreter core reserved them, measured at this target\'s pointer width: exact' : `module and instance records as the interpreter core reserved them at ${load.pointerBits}-bit pointers: an upper bound for this ${ptr}-bit target, whose records are smaller`, load.source);
  derive('code', `${load.code} bytes`, `compiled code as the interpreter core emits it for a ${ptr}-bit device (32-bit cells, the same superinstructions): the device reserves exactly this, its widest moment while compiling included; ${codeWasmBytes === 0 ? '0' : (load.code / codeWasmBytes).toFixed(2)} bytes per wasm code byte`, load.source);
  derive('control', `${controlBytes} bytes`, 'validator and compiler scratch of the largest function (operands, local groups, control frames): an analysis bound, the core reports only part of it', 'module code section (validator analysis)');
  const regionsOf = (slots: number, depth: number, mem: ProfileMemory): Array<[string, number]> => [
    ['runtime', RUNTIME_BYTES[ptr]],
    ['meta', load.meta],
    ['code', load.code],
    ['control', controlBytes],
    ['stack', slots * SLOT_BYTES],
    ['frames', depth * FRAME_BYTES[ptr]],
    // wrt_arena.c's order: memory between the frames and the tables.
    ['memory', mem.bytes],
    ['tables', tableElements * TABLE_ELEMENT_BYTES],
    ['globals', globalSlots * SLOT_BYTES],
    ['trace', traceBytes],
  ];
  // wrt_layout_bytes: every region rounded to the alignment, + slack for an arena that does not start aligned.
  const arenaBytes = (regions: Array<[string, number]>): number => regions.reduce((sum, [, bytes]) => sum + alignUp(bytes, ARENA_ALIGN), ARENA_ALIGN - 1);
  // The least memory the module loads with: a growth cap chosen here may still come down to the initial pages.
  const leastMemory = (mem: ProfileMemory): ProfileMemory => (planned.growthCapped ? { ...mem, maximumPages: mem.initialPages, bytes: mem.initialPages * PAGE_BYTES } : mem);

  // A target too small for the declared pages: truncation to __heap_base, where the module allows it.
  if (planned.truncated !== null && arenaBytes(regionsOf(valueSlots, callDepth, leastMemory(memory))) > budgetBytes) {
    memory = planned.truncated;
    derive('memory', `${memory.bytes} bytes (${memory.initialPages} pages declared)`, `truncated to the highest static address ${analysis.memory.highestStaticAddress} rounded to ${ARENA_ALIGN}, because the declared pages do not fit the arena: the module exports __heap_base and never uses memory.grow; accesses past it trap`, budgetSource);
  }
  // A recursion depth from the preset is a default, not the module's statement: on a small target
  // it comes down to what the arena holds beside the other regions (never below the deepest chain).
  if (depthFromPreset && arenaBytes(regionsOf(valueSlots, callDepth, leastMemory(memory))) > budgetBytes) {
    const others = arenaBytes(regionsOf(0, 0, leastMemory(memory)));
    const perFrame = bounds.maxFrameSlots * SLOT_BYTES + FRAME_BYTES[ptr];
    let depth = Math.min(callDepth, Math.max(0, Math.floor((budgetBytes - others - 2 * ARENA_ALIGN) / perFrame)));
    while (depth > 0 && arenaBytes(regionsOf(Math.max(widest, depth * bounds.maxFrameSlots), depth, leastMemory(memory))) > budgetBytes) depth--;
    if (depth >= Math.max(deepest, 1)) {
      const preset = callDepth;
      callDepth = depth;
      valueSlots = Math.max(widest, depth * bounds.maxFrameSlots, overrides.valueSlots?.value ?? 0);
      derive('call depth', `${callDepth}`, `the preset depth ${preset} does not fit this target: the most frames of ${bounds.maxFrameSlots} slots (+ ${FRAME_BYTES[ptr]} bytes of frame record) the arena holds beside the other regions (--call-depth sets another)`, budgetSource);
      derive('value stack slots', `${valueSlots}`, `call depth ${callDepth} × largest frame ${bounds.maxFrameSlots} slots, sized to the target's arena`, budgetSource);
    }
  }
  // A growth cap that came from the linear-memory limit (not the module's own maximum) also
  // leaves room for the other regions: memory.grow past it returns -1 rather than the arena overflow.
  const fixedBytes = arenaBytes(regionsOf(valueSlots, callDepth, { ...memory, bytes: 0 }));
  const roomPages = Math.floor((budgetBytes - fixedBytes) / PAGE_BYTES);
  if (planned.growthCapped && !memory.truncated && memory.maximumPages > roomPages && roomPages >= memory.initialPages) {
    memory = { ...memory, maximumPages: roomPages, bytes: roomPages * PAGE_BYTES };
    derive('memory', `${roomPages} pages (${memory.bytes} bytes)`, `growth capped further so that the arena fits: ${budgetBytes} bytes of arena budget minus ${fixedBytes} bytes of the other regions (memory.grow past it returns -1)`, budgetSource);
  }
  const plan = new MemoryBudget(Number.MAX_SAFE_INTEGER, 'device arena');
  const regions: ArenaRegion[] = [];
  for (const [name, bytes] of regionsOf(valueSlots, callDepth, memory)) {
    // wrt_arena.c rounds every region up to the alignment; the budget lays them out the same way.
    const a = plan.allocate(name, alignUp(bytes, ARENA_ALIGN), ARENA_ALIGN);
    regions.push({ name, offset: a.offset, bytes: a.size });
  }
  // wrt_layout_bytes adds alignment slack for an arena that does not start aligned.
  const totalBytes = plan.top() + (ARENA_ALIGN - 1);
  derive('arena', `${totalBytes} bytes`, `runtime + regions in wrt_arena.c order, each rounded to ${ARENA_ALIGN} bytes, + ${ARENA_ALIGN - 1} bytes alignment slack`, 'the budgets above');
  derive('arena budget', `${budgetBytes} bytes`, 'the arena must fit the RAM left for modules after the firmware, minus the debug overhead', budgetSource);
  // The memory's room with the other regions at their least (a preset depth down to the deepest chain).
  const leastDepth = depthFromPreset ? Math.max(deepest, 1) : callDepth;
  const leastSlots = depthFromPreset ? Math.max(widest, leastDepth * bounds.maxFrameSlots, overrides.valueSlots?.value ?? 0) : valueSlots;
  const advice = (): string => stackSizeAdvice(analysis, memory, budgetBytes - arenaBytes(regionsOf(leastSlots, leastDepth, { ...memory, bytes: 0 })));
  if (totalBytes > budgetBytes) {
    const parts = regions.filter((r) => r.bytes > 0).map((r) => `${r.name} ${r.bytes}`).join(' + ');
    fail('BUDGET_EXCEEDED', 'arena', `${totalBytes} bytes (${parts})${advice()}`, `${budgetBytes} bytes`, budgetSource);
  }
  // Declared pages above the linear-memory limit and not truncatable for want of __heap_base: the same advice.
  const linear = errors.findIndex((e) => e.budget === 'linear memory');
  const linearError = errors[linear];
  if (linearError !== undefined && totalBytes <= budgetBytes) errors[linear] = { ...linearError, needs: `${linearError.needs}${advice()}` };

  if (errors.length > 0) return { ok: false, errors };

  const draft: Profile = {
    moduleSha256: inputs.moduleSha256,
    moduleBytes: analysis.bytes,
    target: { id: target.id, pointerBits: ptr, host: target.host },
    toolchain: inputs.toolchain,
    asil,
    debug,
    debugBudget,
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
  /** The memory truncated to __heap_base, when the module allows it and `auto` has not chosen it yet. */
  readonly truncated: ProfileMemory | null;
}

function memoryBudget(inputs: ProfileInputs, fail: Fail, derive: Derive): MemoryPlan {
  const { analysis, limits, asil, overrides } = inputs;
  const level = formatAsil(asil);
  const preset = ASIL_PRESETS[asil];
  const mem = analysis.memories[0];
  if (mem === undefined) {
    derive('memory', '0 pages', 'the module has no memory', 'module memory section');
    return { memory: { initialPages: 0, maximumPages: 0, bytes: 0, truncated: false, rule: 'no-memory' }, growthCapped: false, truncated: null };
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
  const truncated: ProfileMemory = { initialPages: mem.initialPages, maximumPages, bytes: neededBytes, truncated: true, rule: 'truncated-to-heap-base' };
  if (wantTruncate) {
    derive('memory', `${neededBytes} bytes (${mem.initialPages} pages declared)`, `truncated to the highest static address ${m.highestStaticAddress} (max of data end, constant accesses, __heap_base ${m.heapBase ?? '-'}, __data_end ${m.dataEnd ?? '-'}) rounded to ${ARENA_ALIGN}: the module exports __heap_base and never uses memory.grow; accesses past it trap`, 'module analysis (validator)');
    return { memory: truncated, growthCapped: false, truncated: null };
  }
  if (mem.initialPages > budgetPages || (preset.growthNeedsDeclaredMaximum && maximumPages > budgetPages)) {
    const why = eligible ? '' : `; truncation not allowed: ${!m.canGrow ? '' : 'memory.grow is used, '}${m.heapBase === null ? 'no exported __heap_base, ' : ''}${m.dataSegmentsWithDynamicOffset > 0 ? 'data placed by an imported global, ' : ''}${mem.imported ? 'memory imported, ' : ''}`.replace(/, $/, '');
    fail('LIMIT_EXCEEDED', 'linear memory', `${mem.initialPages} pages (${mem.initialPages * PAGE_BYTES} bytes)${why}`, `${budgetPages} pages (${linear.value} bytes)`, linear.source);
  }
  derive('memory', `${maximumPages} pages (${fullBytes} bytes)`, rule, `module memory section; limit ${linear.value} bytes from ${linear.source}`);
  // `auto` also truncates when the declared pages do not fit the arena beside the other regions (compileProfile decides).
  const alternative = eligible && neededBytes < fullBytes && mode === 'auto' ? truncated : null;
  return { memory: { initialPages: mem.initialPages, maximumPages, bytes: fullBytes, truncated: false, rule: 'declared-pages' }, growthCapped, truncated: alternative };
}

/** wasm-ld's stack when no -z stack-size is given. */
const WASM_LD_DEFAULT_STACK = 65536;

/**
 * For an arena that does not fit: the stack size to link with when the module's memory is what
 * overflows and wasm-ld placed a stack there (global 0, __stack_pointer). Shrinking the stack by
 * E bytes lowers every address above it by E, so the memory needs E fewer bytes (truncated) or
 * whole pages (declared); `room` is what the arena has left for the memory. E is exact (from
 * __stack_pointer); the stack size is not, as the end of the data below it is known only up to
 * its last constant access, so the advice assumes wasm-ld's default when the stack is at least
 * that large and rounds down to 1 KiB.
 */
function stackSizeAdvice(analysis: WasmReport, memory: ProfileMemory, room: number): string {
  const m = analysis.memory;
  const top = m.stackPointer;
  if (top === null || memory.bytes === 0 || room <= 0) return '';
  const dataEnd = alignUp(Math.max(m.dataSegmentsEnd, m.constantAccessEnd, m.dataEnd ?? 0), ARENA_ALIGN);
  // Data first (wasm-ld's default): the stack is from the end of the data to __stack_pointer; stack first: below it.
  const upTo = top > dataEnd ? top - dataEnd : top;
  const stackBytes = upTo >= WASM_LD_DEFAULT_STACK ? WASM_LD_DEFAULT_STACK : upTo;
  const mem = analysis.memories[0];
  const truncatable = !m.canGrow && m.dataSegmentsWithDynamicOffset === 0 && mem !== undefined && !mem.imported;
  const pages = Math.floor(room / PAGE_BYTES);
  if (!memory.truncated && !truncatable && pages === 0) return '';
  const used = alignUp(Math.max(m.highestStaticAddress, top), ARENA_ALIGN);
  const byBytes = memory.truncated || (truncatable && pages === 0);
  const excess = byBytes ? used - room : used - pages * PAGE_BYTES;
  const stackSize = Math.floor((stackBytes - excess) / 1024) * 1024;
  if (excess <= 0 || stackSize <= 0) return '';
  const exportHeapBase = byBytes && !memory.truncated && m.heapBase === null ? ' -Wl,--export=__heap_base' : '';
  const fits = byBytes ? `${room} bytes of memory (truncated to __heap_base)` : `${pages} page${pages === 1 ? '' : 's'} of memory`;
  return `; the stack wasm-ld placed in its memory must shrink by ${excess} bytes for the arena's ${fits}: link with -Wl,-z,stack-size=${stackSize}${exportHeapBase}${upTo >= WASM_LD_DEFAULT_STACK ? '' : ` (its stack is about ${upTo} bytes)`}`;
}
