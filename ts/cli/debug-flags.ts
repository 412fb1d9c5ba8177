/**
 * `--debug <none|basic|full>` and `--break <func>` of `run` and `deploy` (docs/limits.md): the
 * profile is compiled at the debug level, its breakpoint budget bounds the --break functions, hits
 * print as they arrive and the trace after a trap. The run itself goes through the one session.
 */
import type { Command } from 'commander';
import type { Output } from '../core/output.js';
import type { DebugLevel } from '../limits/types.js';
import { parseDebugLevel } from '../limits/value-syntax.js';
import type { PreparedModule } from '../run/module.js';
import type { ProgramReport, ProgramSinks } from '../run/session.js';
import type { formatValue as FormatValue } from '../run/values.js';

export interface RawDebugOptions {
  readonly debug?: string;
  readonly break?: readonly string[];
}

function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function addDebugOptions(command: Command): Command {
  return command
    .option('--debug <level>', "debug level the profile is compiled at: none, basic, full (its trace buffer and breakpoints; full is refused at ASIL C and D)")
    .option('--break <func>', 'stop at this function\'s entry, print its arguments and the stack, and continue (an export, a name-section name or an index; repeatable, within the debug level\'s breakpoints)', collect);
}

/** --debug, parsed. */
export function debugFlag(raw: RawDebugOptions): DebugLevel | undefined {
  return raw.debug === undefined ? undefined : parseDebugLevel(raw.debug, { source: 'cli --debug', field: '--debug' });
}

/** Prints each breakpoint hit on stderr as it arrives (nothing with --json, which carries them). */
export async function breakSink(output: Output, module: PreparedModule, formatValue: typeof FormatValue, print: boolean): Promise<Pick<ProgramSinks, 'breakHit'>> {
  if (!print) return {};
  const { formatBreak } = await import('../run/debug.js');
  return { breakHit: (hit) => formatBreak(hit, module, formatValue).forEach((line) => output.err(line)) };
}

/** After a trap under a debug level: the last function entries, on stderr. */
export async function printTrace(report: ProgramReport, module: PreparedModule, output: Output): Promise<void> {
  if (report.trace === undefined) return;
  const { formatTrace } = await import('../run/debug.js');
  for (const line of formatTrace(report.trace, module)) output.err(line);
}

/** `breaks` and `trace` of the --json document. */
export async function debugJson(report: ProgramReport, module: PreparedModule, formatValue: typeof FormatValue): Promise<Record<string, unknown>> {
  const { breaksJson, traceJson } = await import('../run/debug.js');
  return { breaks: breaksJson(report.breaks, module, formatValue), trace: traceJson(report.trace, module) };
}
