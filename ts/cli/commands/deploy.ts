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
import type { FlashCommand } from '../../targets/flash.js';
import type { BreakHit } from '../../device/debug-messages.js';
import type { PreparedModule } from '../../run/module.js';
import type { CliContext, CommandModule } from '../context.js';
import { addHostOptions, hostRecorder, type RawHostOptions, readHostOptions } from '../host-flags.js';
import { addDebugOptions, debugFlag, debugJson, printTrace, type RawDebugOptions } from '../debug-flags.js';

const HELP = `
What it does:
  Emulated boards (qemu-mps2-an386 and the other qemu-* targets): builds the
  interpreter firmware, starts QEMU, uploads the module (the device checks its
  SHA-256), runs it and streams its output; a progress bar with rate and ETA
  on a terminal, then: uploaded N KiB in T s (X KiB/s), SHA-256 verified on the
  device. QEMU stops on success, error and Ctrl-C.
  --port PATH there: a device already running the firmware (never flashes).
  --executor small: the firmware with the small executor (interp-small.elf,
  about 32 KB less flash, slower); fast is the default.
  Real boards (nucleo-f429zi): builds the firmware, flashes it with openocd
  (or probe-rs), opens the serial port (--port PATH, or the board's entry in
  --hardware-map FILE) at the target's baud rate, then uploads and runs.
  No probe attached: exit 3, saying what to connect. --no-flash: the board
  runs the firmware already. Boards without board support (rpi-pico,
  nrf52840-dk, stm32f746g-disco) are refused. --dry-run builds the image and
  prints the flash commands only.
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
A component (docs/component.md): --invoke 'name(arg, ...)' with WAVE values,
e.g. --invoke 'greet("wasm")', as for \`wrt-target run\`; the result prints as
one WAVE value. It needs the fast executor's firmware (the small one has no
component runtime: refused at HELLO, before the upload).

Examples:
  wrt-target deploy examples/add.wasm --invoke add 2 3
      prints i32:5 (runs on qemu-mps2-an386)
  wrt-target deploy examples/hello.wasm -- --name board
      prints "hello, board" from the emulated board
  wrt-target deploy examples/hello.wasm --target qemu-lm3s6965evb
      exit 1: its memory and code do not fit the board's 33528-byte arena
  wrt-target deploy examples/scale.wasm --natives examples/natives.c \\
      --invoke scale 5
      prints i32:16: app.scale, a native in C built into the firmware
  wrt-target deploy examples/blink.wasm --invoke blink 10 100000 \\
      --qmp /tmp/board.qmp
      blinks LED0 through the board natives; QMP on that socket shows it
  wrt-target deploy examples/switch-led.wasm --target qemu-lm3s6965evb \\
      --invoke follow 1 2 120000 500 --qmp /tmp/board.qmp
      the LED follows the select button (QMP key ctrl) until 2 presses
  wrt-target deploy examples/add.wasm --invoke add 2 3 --target nucleo-f429zi \\
      --port /dev/serial/by-id/usb-STMicroelectronics_STM32_STLink_...-if02
      flashes with openocd, then prints i32:5 from the board
  wrt-target deploy examples/add.wasm --target nucleo-f429zi --dry-run
      openocd -f board/st_nucleo_f4.cfg -c 'program <root>/build/...elf ...'

Exit code: the program's (proc_exit code, 0 when it returns); 1 when it traps;
2-4 for errors of the tool (bad module or flag, QEMU missing, a broken link).
Host calls: --host FILE.mjs serves imports from JavaScript over the UART,
--trace-host-calls prints each host call (docs/host-calls.md).
More: docs/deploy.md, docs/profile.md ("On the device").`;

interface RawDeployOptions extends RawHostOptions, RawDebugOptions {
  readonly target?: string;
  readonly port?: string;
  readonly hardwareMap?: string;
  readonly flash?: boolean;
  readonly invoke?: string;
  readonly fuel?: string;
  readonly maxResources?: string;
  readonly dryRun?: boolean;
  readonly firmware?: string;
  readonly executor?: string;
  readonly profile?: string;
  readonly asil?: string;
  readonly natives?: string;
  readonly qmp?: string;
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

async function jsonReport(report: DeployReport, output: { stdout: string; stderr: string }, formatValue: typeof FormatValue): Promise<Record<string, unknown>> {
  if (report.kind === 'dry-run') {
    return { dryRun: true, target: report.target, runner: report.flash.runner, commands: report.flash.commands, then: report.then };
  }
  const on = { target: report.target, link: report.link, device: report.device, upload: report.upload, profile: profileSummary(report.profile), firmwareCfi: report.firmwareCfi };
  if (report.kind === 'component') {
    const { componentOutcomeJson } = await import('../../run/run-component.js');
    return { ...on, ...componentOutcomeJson(report, report.call.fn, output), timings: report.timings };
  }
  return {
    ...on,
    ...outcomeJson(report, output, formatValue),
    ...(await debugJson(report, report.module, formatValue)),
    timings: report.timings,
  };
}

/** Prints a breakpoint hit as it arrives, named from the module file (read once, at the first hit). */
async function breakPrinter(file: string, ctx: CliContext, formatValue: typeof FormatValue): Promise<{ breakHit(hit: BreakHit): void }> {
  const [{ loadModule }, { formatBreak }] = await Promise.all([import('../../run/module.js'), import('../../run/debug.js')]);
  let module: PreparedModule | undefined;
  return {
    breakHit: (hit) => {
      module ??= loadModule(file, ctx.cwd);
      for (const line of formatBreak(hit, module, formatValue)) ctx.output.err(line);
    },
  };
}

export async function runDeploy(file: string, args: readonly string[], raw: RawDeployOptions, ctx: CliContext, deps: DeployDeps = {}): Promise<number> {
  const fuel = parseFuel(raw.fuel);
  const maxResources = raw.maxResources === undefined ? undefined : (await import('./profile.js')).count(raw.maxResources, '--max-resources');
  const asil = asilFlag(raw.asil);
  const debug = debugFlag(raw);
  const [{ deploy, shellQuote }, { formatValue }, { parseFirmwareExecutor }, { readSigningKey }] = await Promise.all([
    import('../../deploy/deploy.js'),
    import('../../run/values.js'),
    import('../../deploy/firmware.js'),
    import('../../signing/signing-key.js'),
  ]);
  const executor = raw.executor === undefined ? undefined : parseFirmwareExecutor(raw.executor, '--executor');
  const signingKey = raw.signingKey === undefined ? undefined : readSigningKey(raw.signingKey, ctx.cwd);
  const json = raw.json === true;
  const direct = !json && ctx.output === processOutput;
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const display = uploadDisplay(ctx, json);
  const hostOptions = await readHostOptions(raw, ctx.cwd);
  const recorder = await hostRecorder(ctx.output, !json);
  const report = await deploy(
    file,
    {
      args,
      ...(raw.target === undefined ? {} : { target: raw.target }),
      ...(raw.port === undefined ? {} : { port: raw.port }),
      ...(raw.hardwareMap === undefined ? {} : { hardwareMap: raw.hardwareMap }),
      ...(raw.flash === false ? { flash: false } : {}),
      ...(raw.invoke === undefined ? {} : { invoke: raw.invoke }),
      ...(fuel === undefined ? {} : { fuel }),
      ...(maxResources === undefined ? {} : { maxResources }),
      ...(raw.firmware === undefined ? {} : { firmware: raw.firmware }),
      ...(executor === undefined ? {} : { executor }),
      ...(raw.profile === undefined ? {} : { profile: raw.profile }),
      ...(asil === undefined ? {} : { asil }),
      ...(debug === undefined ? {} : { debug }),
      ...(raw.break === undefined ? {} : { breaks: raw.break }),
      ...(raw.natives === undefined ? {} : { natives: raw.natives }),
      ...(raw.qmp === undefined ? {} : { qmp: raw.qmp }),
      ...(signingKey === undefined ? {} : { signingKey }),
      dryRun: raw.dryRun === true,
      ...hostOptions,
    },
    {
      stdout: (bytes) => (direct ? void process.stdout.write(bytes) : void out.push(Buffer.from(bytes))),
      stderr: (bytes) => (direct ? void process.stderr.write(bytes) : void err.push(Buffer.from(bytes))),
      ...recorder.sinks,
      // Breakpoint hits print as they arrive, named from the module deploy reads (ts/run/debug.ts).
      ...(json ? {} : await breakPrinter(file, ctx, formatValue)),
    },
    {
      env: ctx.env,
      cwd: ctx.cwd,
      ...display,
      ...(json ? {} : { onFlash: (flash: FlashCommand) => ctx.output.err(`flashing ${flash.target} with ${flash.runner}: ${flash.commands.map(shellQuote).join('; ')}`) }),
      ...deps,
    },
  );
  const gathered = { stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
  if (json) {
    ctx.output.out(jsonDocument(DEPLOY_DOCUMENT, { ...(await jsonReport(report, gathered, formatValue)), ...(report.kind === 'dry-run' ? {} : recorder.json(formatValue)) }));
    return report.kind === 'dry-run' ? 0 : report.exitCode;
  }
  if (report.kind === 'dry-run') {
    ctx.output.out(report.flash.commands.map(shellQuote).join('\n'));
    ctx.output.err(`wrt-target: dry run (${report.flash.runner}): nothing was run; deploy would then ${report.then}`);
    return 0;
  }
  const cfi = report.firmwareCfi;
  // Said where the architecture has PACBTI (present or absent), not for every Armv7-M image.
  if (cfi !== null && [cfi.pac.state, cfi.bti.state].some((state) => state === 'present' || state === 'absent')) {
    ctx.output.err(`firmware ${cfi.file}: PAC ${cfi.pac.state}, BTI ${cfi.bti.state} (cfi-report ${cfi.file} shows the evidence)`);
  }
  if (report.kind === 'component') {
    const { printComponentOutcome } = await import('../../run/run-component.js');
    printComponentOutcome(report, report.call.fn, gathered, (line) => ctx.output.out(line), (line) => ctx.output.err(line));
    return report.exitCode;
  }
  printOutcome(report, gathered, ctx.output, formatValue);
  await printTrace(report, report.module, ctx.output);
  return report.exitCode;
}

export const deployCommand: CommandModule = {
  register(program: Command, ctx: CliContext, done: (code: ExitCode) => void): void {
    const command = program
      .command('deploy')
      .description('flash the interpreter firmware (QEMU for emulated boards), upload a module and run it on the device')
      .argument('<file>', 'the .wasm module or component')
      .argument('[args...]', 'arguments of --invoke')
      .option('--target <id>', 'target id (default: qemu-mps2-an386 when QEMU is installed)')
      .option('--port <path>', 'the serial port: of a real board, opened after flashing; of an emulated target, a device already running the firmware')
      .option('--hardware-map <file>', "a real board's serial port, baud and runner from its entry in this hardware map")
      .option('--no-flash', 'a real board runs the firmware already: open its port without flashing')
      .option('--invoke <name>', "call this export instead of running _start as a WASI command; of a component: 'name(WAVE args)'")
      .option('--fuel <n>', 'instruction budget of the invocation (default: none)')
      .option('--max-resources <n>', "a component's handles per component instance (its profile's handle-table budget; default: the device's)")
      .option('--dry-run', 'build the firmware image, print its flash commands and run nothing else')
      .option('--firmware <elf>', 'the firmware image to flash (default: build/firmware/<board>/interp.elf)')
      .option('--executor <small|fast>', 'the interpreter executor of the firmware deploy builds: fast (default) or small (about 32 KB less flash, slower; docs/firmware.md)')
      .option('--natives <file.c>', 'build the natives of this C file into the firmware (docs/host-functions.md)')
      .option('--qmp <socket>', "also serve QEMU's QMP monitor on this Unix socket, to watch the board from outside")
      .option('--asil <level>', 'the safety level the deploy asks for (QM, A-D): a compiled profile is made at it, a given one must be at it')
      .option('--profile <file|none>', "the profile to upload (default: the module's wrt.profile section, else one compiled for the target)")
      .option('--signing-key <key.pub>', 'require the module signed by this key: in the profile, and the firmware is built holding it (required from ASIL C)')
      .option('--json', 'print {target, device, upload, profile, firmwareCfi, results|exitCode|trap, output, timings, hostCalls, logs} as JSON; no progress bar');
    addDebugOptions(addHostOptions(command))
      .addHelpText('after', HELP)
      .action(async (file: string, args: string[], raw: RawDeployOptions) => {
        /* The program's exit code may be any byte; the CLI passes it through unchanged. */
        done((await runDeploy(file, args, raw, ctx)) as ExitCode);
      });
  },
};
