/**
 * `wrt-target probe`: what this machine, a target definition or a QNX box can give a WebAssembly
 * module, every limit with the layer and the file or flag it came from.
 */
import type { Command } from 'commander';
import { ExitCode } from '../../core/error-codes.js';
import { LIMIT_FLAGS } from '../../limits/limit-specs.js';
import type { ProbeDeps } from '../../probe/gather.js';
import { jsonDocument } from '../../core/output.js';
import { parseBaud } from '../../device/serial-link.js';
import type { CliContext, CommandModule } from '../context.js';

const EXAMPLES = `
Examples:
  wrt-target probe
      this machine: /proc/meminfo, cgroup v1/v2, rlimits, CPUs, container, VM
  wrt-target probe --target qemu-lm3s6965evb
      a bare-metal target definition from targets/
  wrt-target probe --pidin test/fixtures/qnx/pidin-asinfo-qnx7-x86_64.txt
      a QNX box from \`pidin syspage=asinfo\` output (--json for data)
  wrt-target probe --device /dev/ttyACM0
      a board running the interpreter firmware, asked over its serial port
  WRT_MAX_MEMORY=64MiB wrt-target probe --max-stack 256KiB
      override limits; each value shows where it came from
  wrt-target probe --verbose
      every source in full (the table cuts long ones to fit 80 columns)

Precedence of every limit: command line > environment (WRT_*) > config file
(--config, $WRT_CONFIG or ./wrt-target.yaml) > discovered > default.
Sizes take KiB/MiB/GiB (K/M/G are binary too; kB/MB/GB are decimal).
More: docs/limits.md, docs/probe-linux.md, docs/qnx.md, docs/targets.md.`;

interface RawProbeOptions {
  readonly json?: boolean;
  readonly target?: string;
  readonly syspage?: string;
  readonly pidin?: string;
  readonly device?: string;
  readonly baud?: string;
  readonly verbose?: boolean;
  readonly [limit: string]: unknown;
}

export async function runProbe(raw: RawProbeOptions, ctx: CliContext, deps: ProbeDeps = {}): Promise<ExitCode> {
  // The probes and the renderer load only when this command runs, not for every other command.
  const [{ probe }, { renderProbeReport }, { PROBE_DOCUMENT }] = await Promise.all([
    import('../../probe/gather.js'),
    import('../../probe/render.js'),
    import('../../probe/report.js'),
  ]);
  const report = await probe(
    {
      ...(raw.target === undefined ? {} : { target: raw.target }),
      ...(raw.syspage === undefined ? {} : { syspage: raw.syspage }),
      ...(raw.pidin === undefined ? {} : { pidin: raw.pidin }),
      ...(raw.device === undefined ? {} : { device: raw.device }),
      ...(raw.baud === undefined ? {} : { baud: parseBaud(raw.baud) }),
      options: raw,
      env: ctx.env,
      cwd: ctx.cwd,
    },
    deps,
  );
  ctx.output.out(raw.json === true ? jsonDocument(PROBE_DOCUMENT, { ...report }) : renderProbeReport(report, { verbose: raw.verbose === true }));
  return ExitCode.Ok;
}

export const probeCommand: CommandModule = {
  register(program: Command, ctx: CliContext, done: (code: ExitCode) => void): void {
    const command = program
      .command('probe')
      .description('report what this machine, a target or a QNX box can give a WebAssembly module, each limit with its source')
      .option('--json', 'print the report as one JSON object')
      .option('--verbose', 'print every source in full (tables may then pass 80 columns)')
      .option('--target <id>', 'report a target definition from targets/ instead of this machine')
      .option('--syspage <file>', 'report a QNX box from a raw SYSPAGE dump')
      .option('--pidin <file>', 'report a QNX box from `pidin syspage=asinfo` output')
      .option('--device <port>', 'ask a device running the interpreter firmware (serial port or pty) with HELLO')
      .option('--baud <n>', 'with --device: the serial line speed (default: the one every target UART uses, 115200)');
    for (const flag of LIMIT_FLAGS) command.option(flag.flags, flag.description);
    command.addHelpText('after', EXAMPLES).action(async (raw: RawProbeOptions) => {
      done(await runProbe(raw, ctx));
    });
  },
};
