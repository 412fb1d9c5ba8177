/**
 * Flashing a real board before deploy talks to it: which of the target's flash methods runs (the
 * hardware map's runner, else the first whose program is on PATH), running its commands, and what
 * a failure means. A tool that found no debug probe is PROBE_NOT_FOUND (exit 3) naming what to
 * connect; any other failure is FLASH_FAILED with the tool's last lines. The decisions are pure
 * functions of the definition and the tool's output; runFlash is the I/O edge.
 */
import { spawn } from 'node:child_process';
import { WrtError } from '../core/errors.js';
import { flashCommand, type FlashCommand, type FlashInputs } from '../targets/flash.js';
import type { FlashRunner, TargetDefinition } from '../targets/types.js';
import { findExecutable } from './qemu.js';

/** Where each runner comes from, for the TOOL_MISSING advice. */
const RUNNER_INSTALL: Readonly<Partial<Record<FlashRunner, string>>> = {
  openocd: 'the Debian package openocd (apt-get install openocd)',
  'probe-rs': 'probe-rs (https://probe.rs: cargo install probe-rs-tools)',
  pyocd: 'pyOCD (pip install pyocd)',
  picotool: 'the Debian package picotool',
  nrfjprog: "Nordic's nRF Command Line Tools",
};

/** Lines of a failed tool's output kept in the error. */
const FAILURE_TAIL_LINES = 12;

/** The program a flash method runs first: what must be on PATH for it. */
function programOf(def: TargetDefinition, runner: FlashRunner): string {
  return def.flashMethods.find((method) => method.runner === runner)?.commands[0]?.[0] ?? runner;
}

/**
 * The flash method deploy runs: `preferred` (a hardware map's runner) when given, else the first of
 * the target's methods whose program is on PATH. None on PATH is TOOL_MISSING naming how to get each.
 */
export function chooseFlashRunner(def: TargetDefinition, preferred: FlashRunner | undefined, onPath: (command: string) => boolean): FlashRunner {
  const candidates = preferred === undefined ? def.flashMethods.map((method) => method.runner) : [preferred];
  const found = candidates.find((runner) => onPath(programOf(def, runner)));
  if (found !== undefined) return found;
  const wanted = candidates.map((runner) => `${programOf(def, runner)} (${RUNNER_INSTALL[runner] ?? runner})`);
  throw new WrtError('TOOL_MISSING', `${def.id} is flashed with ${candidates.map((runner) => programOf(def, runner)).join(' or ')}, and none is on PATH`, {
    field: '--target',
    limit: `install ${wanted.join(', or ')}; --dry-run prints the commands`,
  });
}

/** The commands of the runner deploy would use; --dry-run prints these. */
export function boardFlashCommand(def: TargetDefinition, inputs: FlashInputs, preferred: FlashRunner | undefined, onPath: (command: string) => boolean): FlashCommand {
  let runner: FlashRunner | undefined;
  try {
    runner = chooseFlashRunner(def, preferred, onPath);
  } catch (error) {
    // A dry run needs no tool: it shows the preferred (or first declared) method.
    if (!(error instanceof WrtError) || error.code !== 'TOOL_MISSING') throw error;
    runner = preferred;
  }
  return flashCommand(def, inputs, runner);
}

/** How a flash tool ended. */
export interface FlashToolEnd {
  readonly argv: readonly string[];
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** stdout and stderr, interleaved as they came. */
  readonly output: string;
}

/**
 * What openocd 0.12 and probe-rs print when no probe answers (openocd `Error: open failed` is its
 * ST-LINK driver finding no device), and when the probe is there but its USB device is not ours.
 */
const NO_PROBE = [
  /Error: open failed/,
  /unable to find a matching CMSIS-DAP device/i,
  /No J-Link device found/i,
  /unable to open (?:ST-?LINK|ftdi|CMSIS-DAP|J-Link)/i,
  /No (?:connected )?probes? (?:were )?found/i,
  /Probe (?:could )?not (?:be )?found/i,
];
const NO_PERMISSION = [/LIBUSB_ERROR_ACCESS/, /Permission denied/i];

function tail(output: string): string {
  return output.trimEnd().split('\n').slice(-FAILURE_TAIL_LINES).join('\n');
}

/** The error a failed flash command means. Pure: tested on recorded tool output. */
export function flashFailure(def: TargetDefinition, runner: FlashRunner, end: FlashToolEnd): WrtError {
  const how = end.signal === null ? `exit status ${String(end.code)}` : `signal ${end.signal}`;
  const command = end.argv.join(' ');
  const notes = def.flashMethods.find((method) => method.runner === runner)?.notes;
  if (NO_PERMISSION.some((pattern) => pattern.test(end.output))) {
    return new WrtError('PROBE_NOT_FOUND', `${runner} found the debug probe of ${def.id} but may not open its USB device (${how}):\n${tail(end.output)}`, {
      field: '--target',
      limit: `give your user access to the probe: install the udev rules of the openocd package (/usr/lib/udev/rules.d/60-openocd.rules), reload them (udevadm control --reload), replug the board`,
    });
  }
  if (NO_PROBE.some((pattern) => pattern.test(end.output))) {
    return new WrtError('PROBE_NOT_FOUND', `${runner} found no debug probe for ${def.id} (${how}): ${command}\n${tail(end.output)}`, {
      field: '--target',
      limit: `connect ${def.name} to this machine by USB${notes === undefined ? '' : ` (${notes.trim()})`}; lsusb lists its probe`,
    });
  }
  return new WrtError('FLASH_FAILED', `${runner} could not program ${def.id} (${how}): ${command}\n${tail(end.output)}`, {
    field: '--target',
    limit: 'the tool output above says why; --dry-run prints the commands to run by hand',
  });
}

/** Runs one command to its end, gathering its output. */
function runTool(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<FlashToolEnd & { readonly spawnError?: NodeJS.ErrnoException }> {
  const [command = '', ...args] = argv;
  const program = findExecutable(command, env.PATH) ?? command;
  return new Promise((resolve) => {
    const child = spawn(program, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ argv, code: null, signal: null, output: '', spawnError: error }));
    child.once('close', (code, signal) => resolve({ argv, code, signal, output: Buffer.concat(chunks).toString('utf8') }));
  });
}

/** Runs the flash commands in order; the first that fails ends the flash with its error. */
export async function runFlash(def: TargetDefinition, flash: FlashCommand, env: NodeJS.ProcessEnv): Promise<void> {
  for (const argv of flash.commands) {
    const end = await runTool(argv, env);
    if (end.spawnError !== undefined) {
      throw new WrtError('TOOL_MISSING', `cannot start ${argv[0] ?? flash.runner} to flash ${def.id}: ${end.spawnError.code ?? end.spawnError.message}`, {
        field: '--target',
        limit: `install ${RUNNER_INSTALL[flash.runner] ?? flash.runner}`,
      }, { cause: end.spawnError });
    }
    if (end.code !== 0) throw flashFailure(def, flash.runner, end);
  }
}
