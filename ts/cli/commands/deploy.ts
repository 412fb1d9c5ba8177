/**
 * `wrt-target deploy FILE [ARGS...]`: flashes the interpreter firmware (for an emulated board:
 * starts QEMU with it), uploads the module over the board's UART, runs it there and exits with
 * what the program did. The implementation loads only when the command runs.
 */
import type { Command } from 'commander';
import type { ExitCode } from '../../core/error-codes.js';
import type { DeployDeps, DeployReport } from '../../deploy/deploy.js';
import type { formatValue as FormatValue } from '../../run/values.js';
import { DEPLOY_DOCUMENT, asilFlag, outcomeJson, parseFuel, printOutcome, profileSummary } from '../outcome.js';
import { binaryUnitOf, formatBytesRounded, jsonDocument, processOutput } from '../../core/output.js';
import type { UploadReport } from '../../device/client.js';
import type { CliContext, CommandModule } from '../context.js';

const HELP = `
What it does:
  Emulated boards (qemu-mps2-an386, qemu-lm3s6965evb): builds the interpreter
  firmware, starts QEMU, uploads the module (the device checks its SHA-256),
  runs it and streams its output; a progress bar with rate and ETA on a
  terminal, then: uploaded N KiB in T s (X KiB/s), SHA-256 verified on the
  device. QEMU stops on success, error and Ctrl-C.
  --port PATH: a device already running the firmware (never flashes).
  Real boards (nucleo-f429zi, rpi-pico, ...): --dry-run prints the target's
  flash commands; flash with them, then deploy --port PATH.
  Without --target: qemu-mps2-an386 when qemu-system-arm is installed.

Profile: --profile FILE, else the module's wrt.profile section, else one
compiled for the target (--fuel becomes its fuel); --profile none: the
firmware's default layout. Budgets the board cannot meet stop the deploy
before QEMU starts (exit 1).

Signed modules: --signing-key KEY.pub (required from --asil C) builds the
firmware holding the key, which then loads only modules signed by it
(wrt-target sign); an unsigned or changed module is refused before upload.

Arguments: with --invoke, the export's arguments (as for \`wrt-target run\`);
without, the WASI program's argv[1..] (at most 32 strings, 512 bytes).

Examples:
  wrt-target deploy examples/add.wasm --invoke add 2 3
      prints i32:5 (runs on qemu-mps2-an386)
  wrt-target deploy examples/hello.wasm -- --name board
      prints "hello, board" from the emulated board
  wrt-target deploy examples/hello.wasm --target qemu-lm3s6965evb
      exit 1: its memory and code do not fit the board's 42000-byte arena
  wrt-target deploy examples/hello.wasm --target rpi-pico --dry-run
      picotool load -v -x <root>/build/firmware/rpi-pico/interp.uf2

Exit code: the program's (proc_exit code, 0 when it returns); 1 when it traps;
2-4 for errors of the tool (bad module or flag, QEMU missing, a broken link).
More: docs/deploy.md, docs/profile.md ("On the device").`;

interface RawDeployOptions {
  readonly target?: string;
  readonly port?: string;
  readonly invoke?: string;
  readonly fuel?: string;
  readonly dryRun?: boolean;
  readonly firmware?: string;
  readonly profile?: string;
  readonly asil?: string;
  readonly signingKey?: string;
  readonly json?: boolean;
}

/** Seconds as the upload lines give them: `0.69 s`, `12 s`; below 10 ms in ms. */
export function formatSeconds(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  return ms < 10_000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms / 1000)} s`;
}

/** A transfer rate: `34.9 KiB/s`, `800 B/s`. */
function formatRate(bytesPerSecond: number): string {
  return `${formatBytesRounded(bytesPerSecond)}/s`;
}

/**
 * A one-line progress bar on a terminal, with the rate and the time left once a rate is known:
 * `upload [#########---------------] 40% 31.2/78.1 KiB  34.9 KiB/s  ETA 1.34 s`. Both sizes are in
 * the total's unit, so a tiny module reads `57/57 B`, never `0.0/0.1 KiB`. Pure.
 */
export function progressLine(done: number, total: number, bytesPerSecond?: number, width = 24): string {
  const fraction = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(fraction * width);
  const unit = binaryUnitOf(total);
  const inUnit = (n: number): string => (unit.size === 1 ? String(n) : (n / unit.size).toFixed(1));
  const bar = `upload [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.round(fraction * 100)}% ${inUnit(done)}/${inUnit(total)} ${unit.name}`;
  if (bytesPerSecond === undefined || !(bytesPerSecond > 0) || done >= total) return bar;
  return `${bar}  ${formatRate(bytesPerSecond)}  ETA ${formatSeconds(((total - done) / bytesPerSecond) * 1000)}`;
}

/**
 * The line an upload ends with, like esptool's: `uploaded 24.1 KiB in 0.69 s (34.9 KiB/s), SHA-256
 * verified on the device`, saying so when part or all of the module was on the device already. Pure.
 */
export function uploadDoneLine(upload: Pick<UploadReport, 'size' | 'resumedFrom' | 'bytesSent'>, ms: number): string {
  const verified = 'SHA-256 verified on the device';
  if (upload.bytesSent === 0 && upload.size > 0) {
    return `uploaded nothing: the device held the module (${formatBytesRounded(upload.size)}) already; ${verified}`;
  }
  const resumed = upload.resumedFrom > 0 ? ` (resumed at ${formatBytesRounded(upload.resumedFrom)} of ${formatBytesRounded(upload.size)})` : '';
  const rate = ms > 0 ? ` (${formatRate((upload.bytesSent * 1000) / ms)})` : '';
  return `uploaded ${formatBytesRounded(upload.bytesSent)}${resumed} in ${formatSeconds(ms)}${rate}, ${verified}`;
}

/**
 * What deploy shows of its upload: on a terminal a progress bar with rate and ETA, then the final
 * line in its place; elsewhere only the final line (stderr); with --json nothing.
 */
function uploadDisplay(ctx: CliContext, json: boolean, now: () => number = () => performance.now()): Pick<DeployDeps, 'onProgress' | 'onUploaded'> {
  if (json) return {};
  const terminal = ctx.output === processOutput && process.stderr.isTTY === true;
  /* The rate counts from the first confirmed chunk: before it, the time is the link's, not the upload's. */
  let first: { readonly at: number; readonly done: number } | undefined;
  let drawn = false;
  const onProgress = (done: number, total: number): void => {
    const at = now();
    first ??= { at, done };
    const rate = at > first.at ? ((done - first.done) * 1000) / (at - first.at) : undefined;
    process.stderr.write(`\r${progressLine(done, total, rate)}\u001b[K`);
    drawn = true;
  };
  return {
    ...(terminal ? { onProgress } : {}),
    onUploaded: (upload, timings) => {
      if (drawn) process.stderr.write('\r\u001b[K');
      ctx.output.err(uploadDoneLine(upload, timings.uploadedMs - timings.uploadStartMs));
    },
  };
}

function jsonReport(report: DeployReport, output: { stdout: string; stderr: string }, formatValue: typeof FormatValue): Record<string, unknown> {
  if (report.kind === 'dry-run') {
    return { dryRun: true, target: report.target, runner: report.flash.runner, commands: report.flash.commands, then: report.then };
  }
  return {
    target: report.target,
    link: report.link,
    device: report.device,
    upload: report.upload,
    profile: profileSummary(report.profile),
    ...outcomeJson(report, output, formatValue),
    timings: report.timings,
  };
}

export async function runDeploy(file: string, args: readonly string[], raw: RawDeployOptions, ctx: CliContext, deps: DeployDeps = {}): Promise<number> {
  const fuel = parseFuel(raw.fuel);
  const asil = asilFlag(raw.asil);
  const [{ deploy, shellQuote }, { formatValue }, { readSigningKey }] = await Promise.all([
    import('../../deploy/deploy.js'),
    import('../../run/values.js'),
    import('../../signing/signing-key.js'),
  ]);
  const signingKey = raw.signingKey === undefined ? undefined : readSigningKey(raw.signingKey, ctx.cwd);
  const json = raw.json === true;
  const direct = !json && ctx.output === processOutput;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const display = uploadDisplay(ctx, json);
  const report = await deploy(
    file,
    {
      args,
      ...(raw.target === undefined ? {} : { target: raw.target }),
      ...(raw.port === undefined ? {} : { port: raw.port }),
      ...(raw.invoke === undefined ? {} : { invoke: raw.invoke }),
      ...(fuel === undefined ? {} : { fuel }),
      ...(raw.firmware === undefined ? {} : { firmware: raw.firmware }),
      ...(raw.profile === undefined ? {} : { profile: raw.profile }),
      ...(asil === undefined ? {} : { asil }),
      ...(signingKey === undefined ? {} : { signingKey }),
      dryRun: raw.dryRun === true,
    },
    {
      stdout: (bytes) => (direct ? void process.stdout.write(bytes) : void out.push(Buffer.from(bytes))),
      stderr: (bytes) => (direct ? void process.stderr.write(bytes) : void err.push(Buffer.from(bytes))),
    },
    { env: ctx.env, cwd: ctx.cwd, ...display, ...deps },
  );
  const gathered = { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
  if (json) {
    ctx.output.out(jsonDocument(DEPLOY_DOCUMENT, jsonReport(report, gathered, formatValue)));
    return report.kind === 'dry-run' ? 0 : report.exitCode;
  }
  if (report.kind === 'dry-run') {
    ctx.output.out(report.flash.commands.map(shellQuote).join('\n'));
    ctx.output.err(`wrt-target: dry run (${report.flash.runner}): nothing was run; deploy would then ${report.then}`);
    return 0;
  }
  printOutcome(report, gathered, ctx.output, formatValue);
  return report.exitCode;
}

export const deployCommand: CommandModule = {
  register(program: Command, ctx: CliContext, done: (code: ExitCode) => void): void {
    program
      .command('deploy')
      .description('flash the interpreter firmware (QEMU for emulated boards), upload a module and run it on the device')
      .argument('<file>', 'the .wasm module')
      .argument('[args...]', 'arguments of --invoke')
      .option('--target <id>', 'target id (default: qemu-mps2-an386 when QEMU is installed)')
      .option('--port <path>', 'drive a device already running the firmware on this pty or serial device')
      .option('--invoke <name>', 'call this export instead of running _start as a WASI command')
      .option('--fuel <n>', 'instruction budget of the invocation (default: none)')
      .option('--dry-run', 'print the flash commands and run nothing')
      .option('--firmware <elf>', 'the firmware image to flash (default: build/firmware/<board>/interp.elf)')
      .option('--asil <level>', 'the safety level the deploy asks for (QM, A-D): a compiled profile is made at it, a given one must be at it')
      .option('--profile <file|none>', "the profile to upload (default: the module's wrt.profile section, else one compiled for the target)")
      .option('--signing-key <key.pub>', 'require the module signed by this key: in the profile, and the firmware is built holding it (required from ASIL C)')
      .option('--json', 'print {target, device, upload, profile, results|exitCode|trap, output, timings} as JSON; no progress bar')
      .addHelpText('after', HELP)
      .action(async (file: string, args: string[], raw: RawDeployOptions) => {
        /* The program's exit code may be any byte; the CLI passes it through unchanged. */
        done((await runDeploy(file, args, raw, ctx)) as ExitCode);
      });
  },
};
