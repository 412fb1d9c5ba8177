/**
 * Debugging a program on the device within the profile's debug budget (docs/limits.md,
 * docs/protocol.md §4d): `--break FUNC` names functions to stop at, checked against the
 * profile's breakpoints before anything is sent; a hit prints the function with its arguments and
 * the stack; after a trap the last function entries the trace ring kept. Pure but for the names
 * the module gives.
 */
import { closestName } from '../core/did-you-mean.js';
import { WrtError } from '../core/errors.js';
import type { BreakHit, DebugTrace } from '../device/debug-messages.js';
import { TRACE_OTHER_MODULE } from '../device/protocol.js';
import type { UploadProfile } from '../profile/upload-profile.js';
import { frameName, type PreparedModule } from './module.js';
import type { formatValue as FormatValue } from './values.js';

/**
 * The function indices `--break` names: an index, an export's name, or a name from the module's
 * name section; each a function with a body (an import has no wasm entry to stop at). Unknown
 * names get "did you mean". Duplicates count once.
 */
export function resolveBreakpoints(module: PreparedModule, specs: readonly string[]): number[] {
  const report = module.report;
  const imported = report.imports.filter((i) => i.kind === 'function').length;
  const defined = report.functions.filter((f) => f.index >= imported);
  const total = imported + defined.length;
  const exports = report.exports.filter((e) => e.kind === 'function');
  const resolved: number[] = [];
  for (const spec of specs) {
    let index: number | undefined;
    if (/^[0-9]+$/.test(spec)) {
      index = Number(spec);
      if (index >= total) {
        throw new WrtError('USAGE', `--break ${spec}: the module has ${total} functions (0 .. ${total - 1})`, { file: module.file, field: '--break', limit: `a function index below ${total}` });
      }
    } else {
      index = exports.find((e) => e.name === spec)?.index ?? report.functions.find((f) => f.name === spec)?.index ?? undefined;
      if (index === undefined) {
        const known = [...exports.map((e) => e.name), ...report.functions.flatMap((f) => (f.name === null ? [] : [f.name]))];
        const close = closestName(spec, known);
        throw new WrtError('USAGE', `--break ${spec}: the module has no function of that name${close === undefined ? '' : `; did you mean ${close}?`}`, {
          file: module.file,
          field: '--break',
          limit: 'an export name, a name from the name section, or a function index',
        });
      }
    }
    if (index < imported) {
      const imp = report.imports.filter((i) => i.kind === 'function')[index];
      throw new WrtError('USAGE', `--break ${spec}: function ${index} is the import ${imp === undefined ? '' : `${imp.module}.${imp.name} `}, which runs no wasm code to stop at`, {
        file: module.file,
        field: '--break',
        limit: `a function with a body (${imported} .. ${total - 1})`,
      });
    }
    if (!resolved.includes(index)) resolved.push(index);
  }
  return resolved;
}

/**
 * Breakpoints fit the profile's budget: none without a profile or at debug level none (the
 * budget is 0 then), at most the profile's `breakpoints` otherwise.
 */
export function checkBreakpointBudget(count: number, profile: UploadProfile | undefined, file: string): void {
  if (count === 0) return;
  if (profile === undefined) {
    throw new WrtError('USAGE', `--break needs a debug budget; --profile none runs without one (breakpoints 0)`, {
      file,
      field: '--break',
      limit: 'breakpoints 0 without a profile: leave out --profile none and add --debug basic',
    });
  }
  const { breakpoints, debug } = profile.decoded;
  if (debug === 'none' || breakpoints === 0) {
    throw new WrtError('USAGE', `--break needs a debug level above none: the debug budget gives breakpoints 0 at debug level ${debug} (profile ${profile.source})`, {
      file,
      field: '--break',
      limit: debug === 'none' ? 'breakpoints 0 at debug level none: add --debug basic (or full)' : `breakpoints 0 on this target at debug level ${debug}: its memory leaves no debug overhead for one`,
    });
  }
  if (count > breakpoints) {
    throw new WrtError('LIMIT_EXCEEDED', `${count} --break functions; the profile's debug budget gives ${breakpoints} breakpoints (debug level ${debug})`, {
      file,
      field: '--break',
      limit: `at most ${breakpoints} breakpoints${debug === 'basic' ? ' (--debug full gives more, where the ASIL level allows it)' : ''}`,
    });
  }
}

/** A trace entry's function: its index in the module, and whether it belongs to another module. */
function traceFunction(func: number): { readonly index: number; readonly other: boolean } {
  return { index: (func & ~TRACE_OTHER_MODULE) >>> 0, other: (func & TRACE_OTHER_MODULE) !== 0 };
}

function nameOf(module: PreparedModule, index: number): string {
  return frameName(module, index) ?? `<wasm function ${index}>`;
}

/** `break #1 at fib(i32:10)`, then the stack innermost first, as a person reads it. */
export function formatBreak(hit: BreakHit, module: PreparedModule, formatValue: typeof FormatValue): string[] {
  const lines = [`break #${hit.hit} at ${nameOf(module, hit.func)}(${hit.args.map(formatValue).join(', ')})`];
  hit.frames.forEach((f, i) => lines.push(`  ${String(i).padStart(2)}: ${nameOf(module, f.func)}`));
  const more = hit.depth - hit.frames.length;
  if (more > 0) lines.push(`  ... ${more} outer frame(s) not sent by the device`);
  return lines;
}

/** `last N function entries (of M):`, oldest to newest, each with its call depth. */
export function formatTrace(trace: DebugTrace, module: PreparedModule): string[] {
  const total = BigInt(trace.entries.length + trace.missing) + trace.overwritten;
  const lines = [`last ${trace.entries.length} function entries (of ${total}):`];
  for (const e of trace.entries) {
    const f = traceFunction(e.func);
    lines.push(`  ${'  '.repeat(Math.min(Math.max(e.depth - 1, 0), 16))}${f.other ? `<function ${f.index} of another module>` : nameOf(module, f.index)} (depth ${e.depth})`);
  }
  if (trace.missing > 0) lines.push(`  (${trace.missing} entries lost on the link)`);
  return lines;
}

/** The `breaks` field of `run`/`deploy --json`. */
export function breaksJson(breaks: readonly BreakHit[], module: PreparedModule, formatValue: typeof FormatValue): Record<string, unknown>[] {
  return breaks.map((hit) => ({
    hit: hit.hit,
    function: hit.func,
    functionName: frameName(module, hit.func) ?? null,
    args: hit.args.map(formatValue),
    depth: hit.depth,
    frames: hit.frames.map((f) => ({ function: f.func, functionName: frameName(module, f.func) ?? null, cell: f.cell })),
  }));
}

/** The `trace` field of `run`/`deploy --json`: null without a trace (no trap, or no trace budget). */
export function traceJson(trace: DebugTrace | undefined, module: PreparedModule): Record<string, unknown> | null {
  if (trace === undefined) return null;
  return {
    overwritten: trace.overwritten,
    lost: trace.missing,
    entries: trace.entries.map((e) => {
      const f = traceFunction(e.func);
      return { function: f.index, functionName: f.other ? null : (frameName(module, f.index) ?? null), depth: e.depth, ...(f.other ? { otherModule: true } : {}) };
    }),
  };
}
