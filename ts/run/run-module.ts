/**
 * Runs one module on native-sim over the wire protocol: spawn, HELLO, upload (hash checked by the
 * device before its engine sees a byte), then INVOKE of a named export or of `_start` (a WASI
 * command), with OUTPUT frames handed to the caller as they arrive. The transport is closed and
 * native-sim ended on every path, SIGINT included.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WrtError } from '../core/errors.js';
import { ProtocolClient, type ProtocolClientOptions } from '../device/client.js';
import type { InvokeResult, WireValue } from '../device/messages.js';
import { spawnNativeSimStdio } from '../device/native-sim.js';
import { OutputStream } from '../device/protocol.js';
import type { Transport } from '../device/transport.js';
import { exportSignature } from '../hil/signature.js';
import { nativeSimArgs, nativeSimBinary, requireNativeSim } from './native-sim-binary.js';
import { TRAP_EXIT, trapMessage } from './traps.js';
import { parseArguments } from './values.js';

/** native-sim holds at most this many --arg and --env strings each. */
const MAX_SIM_ARGS = 64;

/**
 * A program may run for hours, and the device answers INVOKE only when it ends; a pipe to a child
 * loses no bytes, and a dead native-sim fails the request through the transport's `closed`. So
 * the client waits as long as a timer can (about 24.8 days) instead of resending after 1 s and
 * giving up after 6.
 */
export const LOCAL_CLIENT_OPTIONS: ProtocolClientOptions = { requestTimeoutMs: 0x7fffffff };

export interface RunOptions {
  /** The .wasm file, as the user named it (also the WASI argv[0] unless argv says otherwise). */
  readonly file: string;
  /** Module bytes; read from `file` when absent. */
  readonly bytes?: Uint8Array;
  /** Export to call; absent: `_start` as a WASI command. */
  readonly invoke?: string;
  /** Arguments of `invoke`, as typed on the command line (see values.ts). */
  readonly args?: readonly string[];
  /** Instruction budget; absent or 0: none. */
  readonly fuel?: bigint;
  /** The WASI program's whole argv (argv[0] included); default [basename(file), ...args] for a command. */
  readonly argv?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** The binary profile uploaded with the module (ts/profile/upload-profile.ts); absent: none. */
  readonly profile?: Uint8Array;
}

export interface RunSinks {
  stdout(bytes: Uint8Array): void;
  stderr(bytes: Uint8Array): void;
}

export interface RunDeps {
  /** Opens the link to a fresh native-sim started with `simArgs` (tests wrap or replace it). */
  readonly openTransport?: (simArgs: readonly string[]) => Transport;
  readonly env?: NodeJS.ProcessEnv;
  readonly client?: ProtocolClientOptions;
  /** Installs a SIGINT handler for the run (default true; the HIL executor handles its own). */
  readonly handleSigint?: boolean;
}

export type RunOutcome =
  | { readonly kind: 'returned'; readonly results: readonly WireValue[] }
  | { readonly kind: 'exited'; readonly exitCode: number }
  | { readonly kind: 'trapped'; readonly trap: number; readonly trapName: string; readonly functionIndex: number };

export interface RunReport {
  readonly outcome: RunOutcome;
  /** What `wrt-target run` exits with: the program's exit code, 0 after a return, 1 after a trap. */
  readonly exitCode: number;
  readonly fuelUsed: bigint;
  readonly peakStackBytes: number;
  /** Lost OUTPUT frames (gaps in the device's unsolicited sequence numbers). */
  readonly outputFramesLost: number;
}

/** Turns an INVOKE answer into what happened; an exit carries its code in trapFunction. */
export function outcomeOf(answer: InvokeResult, command: boolean): RunOutcome {
  if (answer.trap === TRAP_EXIT) return { kind: 'exited', exitCode: answer.trapFunction };
  if (answer.trap !== 0) {
    return { kind: 'trapped', trap: answer.trap, trapName: trapMessage(answer.trap), functionIndex: answer.trapFunction };
  }
  return command ? { kind: 'exited', exitCode: 0 } : { kind: 'returned', results: answer.results };
}

export function exitCodeOfOutcome(outcome: RunOutcome): number {
  switch (outcome.kind) {
    case 'returned':
      return 0;
    case 'exited':
      return outcome.exitCode;
    case 'trapped':
      return 1;
  }
}

export function readModule(file: string): Uint8Array {
  try {
    return new Uint8Array(fs.readFileSync(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new WrtError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_READ_FAILED', `cannot read the module (${code ?? (error as Error).message})`, { file });
  }
}

/** What to call and with which wire values, decided on the host from the module's own signature. */
export function planInvocation(options: RunOptions, bytes: Uint8Array): { name: string; args: WireValue[]; command: boolean } {
  if (options.invoke === undefined) {
    if (exportSignature(bytes, '_start') === undefined) {
      throw new WrtError('USAGE', 'the module exports no _start (not a WASI command): name an export with --invoke', {
        file: options.file,
        field: '--invoke',
      });
    }
    return { name: '_start', args: [], command: true };
  }
  const signature = exportSignature(bytes, options.invoke);
  const args = parseArguments(options.args ?? [], signature?.params);
  return { name: options.invoke, args, command: false };
}

export async function runModule(options: RunOptions, sinks: RunSinks, deps: RunDeps = {}): Promise<RunReport> {
  const bytes = options.bytes ?? readModule(options.file);
  const plan = planInvocation(options, bytes);
  const argv = options.argv ?? (plan.command ? [path.basename(options.file), ...(options.args ?? [])] : [path.basename(options.file)]);
  if (argv.length > MAX_SIM_ARGS || Object.keys(options.env ?? {}).length > MAX_SIM_ARGS) {
    throw new WrtError('USAGE', `native-sim takes at most ${MAX_SIM_ARGS} program arguments and ${MAX_SIM_ARGS} environment variables`, {
      field: 'ARGS',
      limit: String(MAX_SIM_ARGS),
    });
  }
  const simArgs = nativeSimArgs({ argv, env: options.env ?? {} });
  const open =
    deps.openTransport ?? ((args: readonly string[]) => spawnNativeSimStdio(requireNativeSim(nativeSimBinary(deps.env)), args));
  const transport = open(simArgs);
  const client = new ProtocolClient(transport, deps.client ?? LOCAL_CLIENT_OPTIONS);
  const onSigint = (): void => {
    client.close();
    void transport.close().then(() => {
      process.off('SIGINT', onSigint);
      process.kill(process.pid, 'SIGINT');
    });
  };
  if (deps.handleSigint !== false) process.on('SIGINT', onSigint);
  const stopOutput = client.onOutput((chunk) => {
    if (chunk.stream === OutputStream.Stderr) sinks.stderr(chunk.bytes);
    else sinks.stdout(chunk.bytes);
  });
  try {
    await client.hello();
    await client.upload(bytes, options.profile === undefined ? {} : { profile: options.profile });
    const answer = await client.invoke(plan.name, plan.args, { fuel: options.fuel ?? 0n });
    const outcome = outcomeOf(answer, plan.command);
    return {
      outcome,
      exitCode: exitCodeOfOutcome(outcome),
      fuelUsed: answer.fuelUsed,
      peakStackBytes: answer.peakStackBytes,
      outputFramesLost: client.counters.unsolicitedGaps,
    };
  } finally {
    stopOutput();
    process.off('SIGINT', onSigint);
    client.close();
    await transport.close();
  }
}
