/**
 * `run COMPONENT --invoke 'f(args)'` and `deploy COMPONENT --invoke ...`: a component's exported
 * function called on a device through the canonical ABI in the device's C core
 * (docs/component.md, "Running components"). The host compiles the plan (ts/component/plan.ts),
 * checks the WAVE arguments against the function's type, uploads the core module through the one
 * session path and sends COMPONENT_INVOKE; the device lowers, calls, lifts and answers the result
 * in the value encoding, which is printed here as one WAVE value.
 */
import { basename, isAbsolute, resolve } from 'node:path';
import { WrtError } from '../core/errors.js';
import { COMPONENT_PHASES, type ComponentInvokeResult } from '../device/component-messages.js';
import { TRAP_EXIT, trapMessage } from '../device/engine-codes.js';
import { type ComponentPlan, commandFunction, compilePlan, type PlanFunction, RUN_EXPORT, signatureOf } from '../component/plan.js';
import { SUPPORTED } from '../component/ctype.js';
import { validateComponent } from '../component/validator.js';
import { casePayload, encodeValues, decodeValue, type CValue } from '../component/value-encoding.js';
import type { CType } from '../component/ctype.js';
import { formatWave, parseWaveCall, waveToValue } from '../component/wave.js';
import { MAX_MODULE_FILE_BYTES, readUserFile } from '../core/user-file.js';
import type { ComponentCallReport, ComponentCallsReport, ComponentCallsRequest, ComponentHandleHooks, DeviceSession, ProgramHooks, ProgramSinks } from './session.js';
import { runComponentCalls } from './session.js';
import type { UploadProfile } from '../profile/upload-profile.js';

/** A component read, validated and compiled into its plan. */
export interface PreparedComponent {
  readonly file: string;
  readonly bytes: Uint8Array;
  readonly plan: ComponentPlan;
}

/** One call: the function and its arguments, checked against its type. */
export interface PreparedCall {
  readonly fn: PlanFunction;
  readonly args: readonly CValue[];
  readonly argBytes: Uint8Array;
  /** A wasi:cli/run command: its argv (get-arguments) and environment (get-environment; `run` gives none), and its result and exit are the exit code. */
  readonly command?: { readonly argv: readonly string[]; readonly env?: Readonly<Record<string, string>> };
  /**
   * Arguments that name handles the host holds, made when the call is sent from the host-table
   * indices held then (in the order they were received); `args` and `argBytes` are then unused.
   */
  readonly withHandles?: (held: readonly number[]) => readonly CValue[];
  /** Not a call of `fn`: the host drops the handle this picks (COMPONENT_RESOURCE op 5, its destructor runs). */
  readonly hostDrop?: (held: readonly number[]) => number;
}

/** Every handle in a value of type `t`, own ones flagged, in the canonical ABI's order. */
export function handlesIn(t: CType, v: CValue, out: { index: number; own: boolean }[] = []): { index: number; own: boolean }[] {
  switch (t.k) {
    case 'own':
    case 'borrow':
      if (v.k === 'handle') out.push({ index: v.v, own: t.k === 'own' });
      return out;
    case 'list':
      if (v.k === 'list') for (const x of v.items) handlesIn(t.t, x, out);
      return out;
    case 'record':
      if (v.k === 'record') t.fields.forEach(([, f], i) => handlesIn(f, v.fields[i] as CValue, out));
      return out;
    case 'tuple':
      if (v.k === 'tuple') t.ts.forEach((x, i) => handlesIn(x, v.items[i] as CValue, out));
      return out;
    case 'option':
    case 'result':
    case 'variant': {
      if (v.k !== 'case' || v.payload === null) return out;
      const p = casePayload(t, v.index);
      if (p !== null) handlesIn(p, v.payload, out);
      return out;
    }
    default:
      return out;
  }
}

/**
 * The host's handle table as the host sees it: the indices it holds, in the order received. A
 * call's own arguments leave it (lift_own), its result's handles join it; a trap's re-instantiation
 * empties it. Drives ComponentHandleHooks for a batch whose functions move handles.
 */
export class HostHandles {
  held: number[] = [];
  sent(fn: PlanFunction, args: readonly CValue[]): void {
    fn.params.forEach(([, t], i) => {
      for (const h of handlesIn(t, args[i] as CValue)) if (h.own) this.held = this.held.filter((x) => x !== h.index);
    });
  }
  received(fn: PlanFunction, outcome: ComponentOutcome): void {
    if (outcome.kind !== 'returned' || fn.result === null || outcome.value === null) return;
    for (const h of handlesIn(fn.result, outcome.value)) this.held.push(h.index);
  }
  dropped(index: number): void {
    this.held = this.held.filter((x) => x !== index);
  }
}

export function loadComponentPlan(file: string, cwd: string): PreparedComponent {
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  const bytes = readUserFile(path, { what: 'component', maxBytes: MAX_MODULE_FILE_BYTES, shown: file });
  const facts = validateComponent(bytes, { file });
  return { file, bytes, plan: compilePlan(facts, bytes, file) };
}

/**
 * native-sim's region caps for a component of several core instances, or of one with several
 * memories (multi-memory): by default one memory (or table) takes the whole region, which leaves
 * none for the next. Each memory gets at most max(16, the largest initial size) pages and each
 * table max(1024, the largest initial size) elements; empty for a single instance of one memory
 * (its layout stays the device's default).
 */
export function componentRegionArgs(plan: ComponentPlan): string[] {
  if (plan.instances.length <= 1 && (plan.instances[0]?.report.memories.length ?? 0) <= 1) return [];
  let pages = 16;
  let elements = 1024;
  for (const inst of plan.instances) {
    for (const m of inst.report.memories) pages = Math.max(pages, m.initialPages);
    for (const t of inst.report.tables) elements = Math.max(elements, t.initial);
  }
  return ['--memory-pages-max', String(pages), '--table-elements-max', String(elements)];
}

/** The exported functions, one `name: func(...) -> T` a line, and the ones not run with why. */
export function exportListing(plan: ComponentPlan): string {
  const lines = plan.functions.map((f) => `  ${signatureOf(f)}`);
  for (const r of plan.refused) lines.push(`  ${r.name}: not run here (${r.reason})`);
  return lines.length === 0 ? '  (none)' : lines.join('\n');
}

/**
 * The call `--invoke` names, its arguments parsed as WAVE and checked against the parameters.
 * Without --invoke: a USAGE error listing the functions (a wasi:cli/run command is not run yet).
 */
export function planComponentCall(component: PreparedComponent, invoke: string | undefined, extraArgs: readonly string[]): PreparedCall {
  const { plan, file } = component;
  if (invoke === undefined) {
    // A wasi:cli/run command runs as a program: its arguments are argv after the file's name.
    const run = commandFunction(plan);
    if (run !== undefined) return { fn: run, args: [], argBytes: new Uint8Array(0), command: { argv: [basename(file), ...extraArgs] } };
    const refused = plan.refused.find((r) => RUN_EXPORT.test(r.name));
    if (refused !== undefined) throw new WrtError('COMPONENT_UNSUPPORTED', refused.reason, { file, field: refused.name, limit: SUPPORTED });
    throw new WrtError(
      'USAGE',
      `${file} is a component without wasi:cli/run: name the function to call with --invoke 'name(arg, ...)' (WAVE values, as wasmtime's --invoke). Its exported functions:\n${exportListing(plan)}`,
      { file, field: '--invoke' },
    );
  }
  if (extraArgs.length > 0) {
    throw new WrtError('USAGE', `a component's arguments go inside --invoke 'name(${extraArgs.join(', ')})', not after it`, { file, field: 'args' });
  }
  const call = parseWaveCall(invoke);
  const fn = plan.functions.find((f) => f.name === call.name);
  if (fn === undefined) {
    const refused = plan.refused.find((r) => r.name === call.name);
    if (refused !== undefined) throw new WrtError('COMPONENT_UNSUPPORTED', refused.reason, { file, field: '--invoke', limit: SUPPORTED });
    throw new WrtError('USAGE', `${file} exports no function ${JSON.stringify(call.name)}. Its exported functions:\n${exportListing(plan)}`, { file, field: '--invoke' });
  }
  if (call.args.length !== fn.params.length) {
    throw new WrtError('USAGE', `${fn.name} takes ${fn.params.length} argument(s), --invoke gives ${call.args.length}: ${signatureOf(fn)}`, {
      file,
      field: '--invoke',
      limit: signatureOf(fn),
    });
  }
  const args = fn.params.map(([name, t], i) => waveToValue(t, call.args[i] as never, `parameter ${name}`, invoke));
  return { fn, args, argBytes: encodeValues(fn.params.map(([, t]) => t), args) };
}

/**
 * Flags that serve a core module and that a component call refuses, each `[flag, given]`: its
 * imports (host calls, natives), signing and breakpoints are not run for components yet.
 */
export function refuseCoreModuleFlags(file: string, flags: readonly (readonly [string, boolean])[]): void {
  for (const [flag, given] of flags) {
    if (given) throw new WrtError('USAGE', `${flag} is for core modules; ${file} is a component (its imports, signing and breakpoints are not run yet)`, { file, field: flag });
  }
}

/** What a component call did. */
export type ComponentOutcome =
  | { readonly kind: 'returned'; readonly value: CValue | null; readonly wave: string | null }
  | { readonly kind: 'trapped'; readonly trap: number; readonly trapName: string; readonly phase: string; readonly functionIndex: number };

/** Canonical ABI traps (64 + wrt_cabi_status, native/component/wrt_component.h). */
const COMPONENT_TRAPS: Readonly<Record<number, string>> = {
  65: 'invalid char (not a Unicode scalar value)',
  66: 'invalid variant discriminant',
  67: 'pointer out of bounds of the memory',
  68: 'misaligned pointer',
  69: 'string not valid in its encoding',
  70: "string or list longer than the device's limit",
  71: "argument string or list over the device's limit (refused before cabi_realloc)",
  72: 'invalid resource handle',
  73: 'cabi_realloc failed',
  74: "result larger than the device's component value buffers",
  75: 'cannot enter component instance (may_enter: it is inside a call already)',
  76: 'cannot leave component instance (may_leave: it is in its realloc or post-return)',
};

export function componentTrapName(code: number): string {
  return COMPONENT_TRAPS[code] ?? trapMessage(code);
}

export function componentOutcome(fn: PlanFunction, answer: ComponentInvokeResult): ComponentOutcome {
  if (answer.trap !== 0) {
    return { kind: 'trapped', trap: answer.trap, trapName: componentTrapName(answer.trap), phase: COMPONENT_PHASES[answer.phase] ?? `phase ${answer.phase}`, functionIndex: answer.trapFunction };
  }
  if (fn.result === null) {
    if (answer.values.length !== 0) throw new WrtError('HOST_READ_FAILED', `${fn.name} has no result, the device answered ${answer.values.length} value bytes`, { field: 'COMPONENT_INVOKE' });
    return { kind: 'returned', value: null, wave: null };
  }
  const value = decodeValue(fn.result, answer.values);
  return { kind: 'returned', value, wave: formatWave(fn.result, value) };
}

export interface ComponentRun {
  readonly component: PreparedComponent;
  readonly call: PreparedCall;
  readonly profile?: UploadProfile;
  readonly fuel?: bigint;
}

export interface ComponentRunReport extends ComponentCallReport {
  readonly outcome: ComponentOutcome;
  readonly exitCode: number;
  /** The call was a wasi:cli/run command's. */
  readonly command: boolean;
}

/** Several calls of one component (the component differential): one instantiation, then each call. */
export interface ComponentBatch {
  readonly component: PreparedComponent;
  readonly calls: readonly PreparedCall[];
  /** A command's argv and environment, over ARGS before the calls. */
  readonly argv?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly profile?: UploadProfile;
  readonly fuel?: bigint;
}

export interface ComponentBatchReport extends ComponentCallsReport {
  /** One outcome a call, in order. */
  readonly outcomes: readonly ComponentOutcome[];
}

/** The COMPONENT_INVOKE fields of a call of `fn` with encoded arguments (the session instance aside). */
export function componentInvokeFields(fn: PlanFunction, args: Uint8Array): Omit<ComponentCallsRequest['calls'][number], 'instance'> {
  return {
    encoding: fn.encoding,
    coreExport: fn.coreExport,
    ...(fn.realloc === null ? {} : { realloc: fn.realloc }),
    ...(fn.postReturn === null ? {} : { postReturn: fn.postReturn }),
    paramsType: fn.paramsType,
    resultType: fn.resultType,
    args,
  };
}

/** The COMPONENT_INVOKE request of a prepared call. */
function invokeRequest(call: PreparedCall): ComponentCallsRequest['calls'][number] {
  return {
    instance: call.fn.instance,
    ...componentInvokeFields(call.fn, call.argBytes),
    ...(call.fn.memoryOwner === null ? {} : { memoryOwner: call.fn.memoryOwner }),
    ...(call.fn.handleOwner === null ? {} : { owner: call.fn.handleOwner }),
  };
}

/** The hooks that keep `table` as the device's host table while the batch's calls run. */
function handleHooks(calls: readonly PreparedCall[], table: HostHandles): ComponentHandleHooks {
  const drops: (number | null)[] = [];
  return {
    next: (i) => {
      const call = calls[i] as PreparedCall;
      if (call.hostDrop !== undefined) {
        const index = call.hostDrop(table.held);
        drops[i] = index;
        return { drop: index };
      }
      const args = call.withHandles !== undefined ? call.withHandles(table.held) : call.args;
      table.sent(call.fn, args);
      return call.withHandles !== undefined ? { args: encodeValues(call.fn.params.map(([, t]) => t), args) } : null;
    },
    answered: (i, answer) => {
      const call = calls[i] as PreparedCall;
      if (call.hostDrop !== undefined) {
        table.dropped(drops[i] ?? 0);
        return;
      }
      if (answer.trap === 0) table.received(call.fn, componentOutcome(call.fn, answer));
    },
    reinstantiated: () => {
      table.held = [];
    },
    held: () => [...table.held],
  };
}

/**
 * The calls on a session: the component's core instances once, one COMPONENT_INVOKE a call (a
 * fresh instantiation after a trap), each result decoded. `run` and `deploy` make a batch of one.
 */
export async function runComponentCallsOn(session: DeviceSession, batch: ComponentBatch, sinks: ProgramSinks, hooks: ProgramHooks = {}): Promise<ComponentBatchReport> {
  const moves = batch.calls.some((c) => c.fn.handleOwner !== null || c.hostDrop !== undefined);
  const table = new HostHandles();
  const report = await runComponentCalls(
    session,
    {
      file: batch.component.file,
      instances: batch.component.plan.instances,
      adapters: batch.component.plan.adapters,
      resources: batch.component.plan.resources,
      steps: batch.component.plan.steps,
      calls: batch.calls.map(invokeRequest),
      ...(moves ? { handles: handleHooks(batch.calls, table) } : {}),
      ...(batch.argv === undefined ? {} : { argv: batch.argv }),
      ...(batch.env === undefined ? {} : { env: batch.env }),
      ...(batch.profile === undefined ? {} : { profile: batch.profile }),
      ...(batch.fuel === undefined ? {} : { fuel: batch.fuel }),
    },
    sinks,
    hooks,
  );
  const outcomes = report.answers.map((answer, i) => {
    const call = batch.calls[i] as PreparedCall;
    if (call.hostDrop === undefined) return componentOutcome(call.fn, answer);
    return answer.trap === 0
      ? ({ kind: 'returned', value: null, wave: null } as const)
      : ({ kind: 'trapped', trap: answer.trap, trapName: componentTrapName(answer.trap), phase: 'the host drop', functionIndex: 0 } as const);
  });
  return { ...report, outcomes };
}

/** One call on a session: a batch of one (runComponentCallsOn). */
export async function runComponentOn(session: DeviceSession, run: ComponentRun, sinks: ProgramSinks, hooks: ProgramHooks = {}): Promise<ComponentRunReport> {
  const { call, ...rest } = run;
  const { answers, outcomes, uploads: _uploads, ...common } = await runComponentCallsOn(
    session,
    { ...rest, calls: [call], ...(call.command === undefined ? {} : { argv: call.command.argv, ...(call.command.env === undefined ? {} : { env: call.command.env }) }) },
    sinks,
    hooks,
  );
  const outcome = outcomes[0] as ComponentOutcome;
  const answer = answers[0] as ComponentCallReport['answer'];
  return { ...common, answer, outcome, command: call.command !== undefined, exitCode: call.command === undefined ? (outcome.kind === 'returned' ? 0 : 1) : commandExitCode(outcome) };
}

/**
 * A command's exit code: run's `ok` 0 and `err` 1 (as wasmtime and jco), exit's own code (trap
 * TRAP_EXIT, its code in COMPONENT_INVOKE's function field, docs/protocol.md §4e), 1 for a trap.
 */
export function commandExitCode(outcome: ComponentOutcome): number {
  if (outcome.kind === 'returned') return outcome.wave === 'ok' ? 0 : 1;
  return outcome.trap === TRAP_EXIT ? outcome.functionIndex : 1;
}

/**
 * What `run` and `deploy` print of a call: the program's gathered output, then the result (one
 * WAVE value, last on stdout) or the trap (stderr).
 */
export function printComponentOutcome(
  report: ComponentRunReport,
  fn: PlanFunction,
  gathered: { stdout: string; stderr: string },
  out: (line: string) => void,
  err: (line: string) => void,
): void {
  if (gathered.stdout !== '') out(gathered.stdout);
  if (gathered.stderr !== '') err(gathered.stderr);
  const o = report.outcome;
  // A command's output is the program's: no result line, and exit is no trap.
  if (report.command && (o.kind === 'returned' || o.trap === TRAP_EXIT)) return;
  if (o.kind === 'returned') {
    if (o.wave !== null) out(o.wave);
    return;
  }
  const where = o.trap < 64 ? ` in function ${o.functionIndex}` : '';
  err(`wrt-target: trap: ${o.trapName} (trap code ${o.trap}) in ${o.phase} of ${fn.name}${where}, after ${report.answer.fuelUsed} instructions`);
}

/** The fields `run --json` and `deploy --json` give a call: {result | trap, exitCode, fuelUsed, peakStackBytes, output, function}. */
export function componentOutcomeJson(report: ComponentRunReport, fn: PlanFunction, gathered: { stdout: string; stderr: string }): Record<string, unknown> {
  const o = report.outcome;
  if (report.command && o.kind === 'trapped' && o.trap === TRAP_EXIT) {
    return { command: true, exit: o.functionIndex, exitCode: report.exitCode, fuelUsed: report.answer.fuelUsed.toString(), peakStackBytes: report.answer.peakStackBytes, output: gathered, function: fn.name };
  }
  return {
    ...(report.command ? { command: true } : {}),
    ...(o.kind === 'returned' ? { result: o.wave } : { trap: { code: o.trap, name: o.trapName, phase: o.phase, functionIndex: o.functionIndex } }),
    exitCode: report.exitCode,
    fuelUsed: report.answer.fuelUsed.toString(),
    peakStackBytes: report.answer.peakStackBytes,
    output: gathered,
    function: fn.name,
  };
}
