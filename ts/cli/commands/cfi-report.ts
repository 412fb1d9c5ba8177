/**
 * `wrt-target cfi-report [FILES…] [--json] [--md]`: where Intel CET / Arm BTI, PAC and GCS stand
 * on this host (hardware, kernel, process) and in ELF files, and what each gap means per ASIL.
 * A missing feature is a finding, not a failure: the command exits 0 whenever it could produce
 * the report. Input errors (a missing or malformed file) are thrown as WrtError (exit 2).
 */
import type { Command } from 'commander';
import { ExitCode } from '../../core/error-codes.js';
import { WrtError } from '../../core/errors.js';
import type { GatheredHost } from '../../cfi/gather.js';
import type { FileReport } from '../../cfi/file-report.js';
import type { CfiReport } from '../../cfi/report.js';
import { jsonDocument } from '../../core/output.js';
import type { CliContext, CommandModule } from '../context.js';

export interface CfiReportOptions {
  /** Files named on the command line, relative to ctx.cwd; empty for the defaults. */
  readonly files: readonly string[];
  readonly json?: boolean;
  readonly md?: boolean;
  readonly verbose?: boolean;
}

/** Seams for tests: recorded host inputs instead of this machine's, a fixed default file list. */
export interface CfiReportDeps {
  readonly gatherHost?: () => Promise<GatheredHost>;
  readonly defaultFiles?: () => Promise<string[]>;
}

/** Builds the report without printing it. */
export async function produceCfiReport(options: CfiReportOptions, ctx: CliContext, deps: CfiReportDeps = {}): Promise<CfiReport> {
  // The ELF and CFI modules load only when this command runs, not for every other command.
  const [{ defaultFiles, displayPath, gatherHost, readFileReport }, { assessHost }, { buildReport }] = await Promise.all([
    import('../../cfi/gather.js'),
    import('../../cfi/host-levels.js'),
    import('../../cfi/report.js'),
  ]);
  const gathered = await (deps.gatherHost ?? gatherHost)();
  const host = assessHost(gathered.inputs);
  const named = options.files.length > 0;
  const paths = named ? options.files : await (deps.defaultFiles ?? defaultFiles)();
  // One file after the other, so the first bad file on the command line is the one reported.
  const files: FileReport[] = [];
  for (const path of paths) files.push(await readFileReport(path, ctx.cwd, named ? path : displayPath(path, ctx.cwd)));
  return buildReport(host, gathered.sources, files);
}

export async function runCfiReport(options: CfiReportOptions, ctx: CliContext, deps: CfiReportDeps = {}): Promise<ExitCode> {
  if (options.json === true && options.md === true) {
    throw new WrtError('USAGE', '--json and --md cannot be combined: choose one output format', { field: '--json/--md' });
  }
  const report = await produceCfiReport(options, ctx, deps);
  const { CFI_REPORT_DOCUMENT, renderMarkdown, renderText, reportJson } = await import('../../cfi/report.js');
  if (options.json === true) ctx.output.out(jsonDocument(CFI_REPORT_DOCUMENT, reportJson(report)));
  else if (options.md === true) ctx.output.out(renderMarkdown(report));
  else ctx.output.out(renderText(report, { verbose: options.verbose === true }));
  return ExitCode.Ok;
}

const EXAMPLES = `
Examples:
  wrt-target cfi-report
      this host's CET / BTI / PAC levels, the running node, the addon and
      the project's binaries
  wrt-target cfi-report build/Release/wrt_probe.node /usr/bin/node
      the same host levels, and the marks of the named ELF files
  wrt-target cfi-report --verbose
      also why each level is what it is, and every file's marks in detail
  wrt-target cfi-report --md > cfi.md
      a Markdown report (all the detail) for a safety-case appendix
  wrt-target cfi-report --json | jq '.verdicts.host.asil[3]'
      the ASIL C verdict as data

A missing feature is reported, not an error: exit 0 when the report was
produced, 2 when a file is missing or not a valid ELF file. More: docs/cfi.md.`;

interface RawOptions {
  readonly json?: boolean;
  readonly md?: boolean;
  readonly verbose?: boolean;
}

export const cfiReportCommand: CommandModule = {
  register(program: Command, ctx: CliContext, done: (code: ExitCode) => void): void {
    program
      .command('cfi-report')
      .description('report Intel CET and Arm BTI/PAC/GCS at hardware, kernel and process level, and the CFI marks of ELF files')
      .argument('[files...]', 'ELF files to examine (default: node, the native addon, the project binaries)')
      .option('--json', 'print the report as one JSON object')
      .option('--md', 'print the report as Markdown')
      .option('--verbose', 'also the evidence behind each level, mark and verdict')
      .addHelpText('after', EXAMPLES)
      .action(async (files: string[], raw: RawOptions) => {
        done(await runCfiReport({ files, json: raw.json, md: raw.md, verbose: raw.verbose }, ctx));
      });
  },
};
