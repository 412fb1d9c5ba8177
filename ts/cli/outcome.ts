/**
 * What `run` and `deploy` share once a program has run on a device: the --fuel flag, the outcome
 * as JSON fields, and the outcome as lines for a person. Pure: values are formatted by the caller's
 * formatValue (ts/run/values.ts), loaded lazily with the command.
 */
import { formatBacktrace } from '../run/backtrace.js';
import { WrtError } from '../core/errors.js';
import { type AsilLevel, parseAsil } from '../foundation/asil.js';
import type { UploadProfile } from '../profile/upload-profile.js';
import type { ProgramReport } from '../run/session.js';
import type { formatValue as FormatValue } from '../run/values.js';
import type { JsonDocumentKind, Output } from '../core/output.js';

export const RUN_DOCUMENT: JsonDocumentKind = { name: 'run', version: 1 };
export const DEPLOY_DOCUMENT: JsonDocumentKind = { name: 'deploy', version: 1 };

/** The largest finite budget: the device reads a budget of all ones (2^64-1) as "no bound". */
export const MAX_FUEL = (1n << 64n) - 2n;

/** --fuel, parsed once as a bigint for every command (a double cannot hold every u64). */
export function parseFuel(text: string | undefined): bigint | undefined {
  if (text === undefined) return undefined;
  if (!/^[0-9]+$/.test(text) || BigInt(text) < 1n) {
    throw new WrtError('USAGE', `--fuel ${text}: not an instruction count`, { field: '--fuel', limit: `1 .. ${MAX_FUEL}` });
  }
  const fuel = BigInt(text);
  if (fuel > MAX_FUEL) {
    throw new WrtError('USAGE', `--fuel ${text}: larger than any finite budget (2^64-1 is how the device says "no bound")`, {
      field: '--fuel',
      limit: `at most ${MAX_FUEL}; leave --fuel out for no bound where the profile allows one`,
    });
  }
  return fuel;
}

/** `--asil LEVEL` of run and deploy: the level the run asks for, with its source. */
export function asilFlag(text: string | undefined): { readonly level: AsilLevel; readonly source: string } | undefined {
  return text === undefined ? undefined : { level: parseAsil(text, 'cli --asil', '--asil'), source: 'cli --asil' };
}

/** What the device ran under: the profile's origin, hash and the budgets a reader checks first. */
export function profileSummary(profile: UploadProfile | undefined): Record<string, unknown> | null {
  if (profile === undefined) return null;
  const p = profile.decoded;
  return {
    source: profile.source,
    sha256: p.profileSha256,
    target: p.targetId,
    asil: p.asil,
    fuel: p.fuel,
    callDepth: p.callDepth,
    valueSlots: p.valueSlots,
    memoryBytes: p.memoryBytes,
    memoryRule: p.memoryRule,
    arenaBytes: p.arenaBytes,
  };
}

/** results | exitCode | trap, then fuel, stack, output and lost frames, in that order. */
export function outcomeJson(
  report: ProgramReport,
  output: { stdout: string; stderr: string },
  formatValue: typeof FormatValue,
): Record<string, unknown> {
  const o = report.outcome;
  const what =
    o.kind === 'returned'
      ? { results: o.results.map(formatValue) }
      : o.kind === 'exited'
        ? { exitCode: o.exitCode }
        : {
            trap: {
              code: o.trap,
              name: o.trapName,
              function: o.functionIndex,
              functionName: o.functionName ?? null,
              import: o.importName ?? null,
              // file/line/column came after version 1 was published: added fields keep the version (core/output.ts).
              backtrace: o.backtrace.frames.map((f) => ({
                function: f.functionIndex,
                functionName: f.functionName ?? null,
                offset: f.offset ?? null,
                cell: f.cell,
                file: f.file ?? null,
                line: f.line ?? null,
                column: f.column ?? null,
              })),
              depth: o.backtrace.depth,
              ...(o.backtrace.unlocated === undefined ? {} : { unlocated: o.backtrace.unlocated }),
              ...(o.backtrace.unsourced === undefined ? {} : { unsourced: o.backtrace.unsourced }),
            },
          };
  return { ...what, fuelUsed: report.fuelUsed, peakStackBytes: report.peakStackBytes, output, outputFramesLost: report.outputFramesLost };
}

/** The program's output, then its results or its trap, as a person reads them. */
export function printOutcome(
  report: ProgramReport,
  gathered: { stdout: string; stderr: string },
  output: Output,
  formatValue: typeof FormatValue,
): void {
  if (gathered.stdout !== '') output.out(gathered.stdout);
  if (gathered.stderr !== '') output.err(gathered.stderr);
  const o = report.outcome;
  if (o.kind === 'returned' && o.results.length > 0) output.out(o.results.map(formatValue).join(' '));
  if (o.kind === 'trapped') {
    const where =
      o.importName !== undefined
        ? `a call of the import ${o.importName} (function ${o.functionIndex})`
        : o.functionName === undefined
          ? `function ${o.functionIndex}`
          : `function ${o.functionIndex} (${o.functionName})`;
    output.err(`wrt-target: trap: ${o.trapName} (trap code ${o.trap}) in ${where}, after ${report.fuelUsed} instructions`);
    for (const line of formatBacktrace(o.backtrace)) output.err(line);
  }
  if (report.outputFramesLost > 0) output.err(`wrt-target: ${report.outputFramesLost} output frame(s) lost on the link`);
}
