/**
 * What `run` and `deploy` share about host calls (docs/host-calls.md): the flags --host,
 * --trace-host-calls and --host-policy, and what they print: each traced host call and each log
 * line on stderr as it arrives, kept for --json.
 */
import type { Command } from 'commander';
import type { Output } from '../core/output.js';
import type { HostTrace } from '../device/host-messages.js';
import type { LogLine } from '../device/messages.js';
import type { ImportPolicy, Sourced } from '../profile/types.js';
import type { ProgramSinks } from '../run/session.js';
import type { formatValue as FormatValue } from '../run/values.js';
import type { HostModule } from '../run/host-calls.js';

export interface RawHostOptions {
  readonly host?: string;
  readonly traceHostCalls?: boolean;
  readonly hostPolicy?: readonly string[];
}

function collect(value: string, previous: readonly string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function addHostOptions(command: Command): Command {
  return command
    .option('--host <file.mjs>', "host functions in JavaScript, served over the wire: export default { 'module.field': (args) => results }")
    .option('--trace-host-calls', 'print every host call with its arguments and results (stderr), like strace')
    .option('--host-policy <module.name=allow|deny|log>', 'policy of an import in a profile compiled here: run, refuse (a trap naming it) or trace its calls (repeatable)', collect);
}

/** The flags, read: the host module loaded, the policies parsed. Loads its modules only when a flag is given. */
export async function readHostOptions(
  raw: RawHostOptions,
  cwd: string,
): Promise<{ readonly host?: HostModule; readonly traceHostCalls: boolean; readonly hostPolicies?: ReadonlyMap<string, Sourced<ImportPolicy>> }> {
  const host = raw.host === undefined ? undefined : await (await import('../run/host-calls.js')).loadHostModule(raw.host, cwd);
  const hostPolicies = raw.hostPolicy === undefined ? undefined : (await import('../profile/host-policy.js')).parseHostPolicies(raw.hostPolicy);
  return { ...(host === undefined ? {} : { host }), traceHostCalls: raw.traceHostCalls === true, ...(hostPolicies === undefined ? {} : { hostPolicies }) };
}

/** Host calls, logs and host function failures of one run: printed as they come, kept for --json. */
export interface HostRecorder {
  readonly sinks: Required<Pick<ProgramSinks, 'hostTrace' | 'log' | 'hostError'>>;
  json(formatValue: typeof FormatValue): Record<string, unknown>;
}

export async function hostRecorder(output: Output, print: boolean): Promise<HostRecorder> {
  const { formatHostTrace, formatLogLine, logLevelName } = await import('../run/host-calls.js');
  const traces: HostTrace[] = [];
  const logs: LogLine[] = [];
  const errors: string[] = [];
  return {
    sinks: {
      hostTrace: (trace) => {
        traces.push(trace);
        if (print) output.err(formatHostTrace(trace));
      },
      log: (line) => {
        logs.push(line);
        if (print) output.err(formatLogLine(line));
      },
      hostError: (message) => {
        errors.push(message);
        if (print) output.err(`wrt-target: ${message}`);
      },
    },
    json: (formatValue) => ({
      hostCalls: traces.map((t) => ({
        line: formatHostTrace(t),
        module: t.module,
        name: t.name,
        args: t.args.map(formatValue),
        results: t.results.map(formatValue),
        trap: t.trap,
      })),
      logs: logs.map((l) => ({ level: logLevelName(l), context: l.record?.context ?? null, message: l.text })),
      hostErrors: errors,
    }),
  };
}
