/**
 * Runs firmware under QEMU for an emulated target: the base of `wrt-target deploy` on emulated
 * boards. QEMU starts paused with serial0 on a pseudo-terminal and QMP on a Unix socket in a
 * temporary folder; the launcher opens the pty before the guest runs (a pty drops what the guest
 * writes while nobody has it open), then continues the guest through QMP. The guest's exit code
 * comes back as QEMU's exit status through semihosting (SYS_EXIT_EXTENDED).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { WrtError } from '../core/errors.js';
import type { Transport } from '../device/transport.js';
import type { TargetDefinition } from '../targets/types.js';
import { emulatorOf, qemuArgv, serialPtyPath, type SerialEndpoint } from './qemu-args.js';
import type { QemuExit } from './qemu-exit.js';
import { QmpClient } from './qemu-qmp.js';
import { qemuScratchFolder } from './qemu-scratch.js';
import { registerQemu, unregisterQemu } from './qemu-registry.js';
import { openPtyTransport } from '../device/pty-transport.js';
import { connectUartSocket } from './qemu-socket.js';
import { QemuUartTransport } from './qemu-uart.js';

export { describeQemuExit, BOARD_EXIT_CODES, FIRMWARE_EXIT_MAX, type QemuExit, type ExitMeaning } from './qemu-exit.js';
export { qemuArgv, parsePtyAnnouncements, serialPtyPath, LAUNCHER_OWNED_OPTIONS, type QemuArgvInputs, type PtyAnnouncement, type SerialEndpoint } from './qemu-args.js';
export { liveQemuPids, killAllQemu } from './qemu-registry.js';

export interface QemuLaunchOptions {
  /** The firmware image (ELF). */
  readonly elf: string;
  /** Guest time counts guest instructions (-icount shift=0,align=off,sleep=off), for benchmarks. */
  readonly icount?: boolean;
  /** Extra QEMU arguments, appended last. */
  readonly extraArgs?: readonly string[];
  /** A QMP socket of the user's, besides the launcher's (deploy --qmp); QEMU creates it. */
  readonly userQmpSocket?: string;
  /**
   * How the host reaches UART0: 'socket' (default), a Unix socket QEMU listens on; or 'pty', a
   * pseudo-terminal a person can also open (screen, minicom). See qemu-socket.ts for why programs
   * should keep 'socket'.
   */
  readonly serial?: 'socket' | 'pty';
  /** Leave the guest stopped; call resume() once listeners are attached. */
  readonly paused?: boolean;
  /** Limit on QEMU start-up: pty announced, pty open, QMP answered. Default 10 s. */
  readonly startTimeoutMs?: number;
  /** Overrides the target's emulator.binary (a QEMU outside PATH). */
  readonly binary?: string;
  /**
   * Start QEMU under `setpriv --pdeathsig SIGKILL` (where setpriv exists) so the kernel kills it
   * if this process dies without running its exit hooks (SIGKILL). Default true.
   */
  readonly killWithParent?: boolean;
  /** Bytes of UART output kept for uartOutput(); default 1 MiB, the newest kept. */
  readonly uartLogBytes?: number;
}

export interface QemuInstance {
  readonly target: string;
  readonly pid: number;
  /** The full command QEMU was started with (after any setpriv prefix). */
  readonly argv: readonly string[];
  /** Where UART0 is on this host: the Unix socket or the pty device. */
  readonly serial: { readonly kind: 'socket' | 'pty'; readonly path: string };
  /** The board's UART0. Closing it stops QEMU too. */
  readonly transport: Transport;
  /** Settles when QEMU exits, for whatever reason. Never rejects. */
  readonly exited: Promise<QemuExit>;
  /** Everything received on the UART so far (latin1), bounded by uartLogBytes. */
  uartOutput(): string;
  /** Continues a guest started with `paused: true`. */
  resume(): Promise<void>;
  /** The exit, or DEVICE_TIMEOUT when QEMU is still running after timeoutMs. */
  waitForExit(timeoutMs: number): Promise<QemuExit>;
  /** Kills QEMU (SIGKILL) unless it already exited, and releases the pty, socket and folder. */
  stop(): Promise<QemuExit>;
}

const DEFAULT_START_TIMEOUT_MS = 10_000;
const DEFAULT_UART_LOG_BYTES = 1 << 20;
const STDERR_KEEP_CHARS = 16_384;

/** The executable `name` resolves to on PATH (or itself when it has a slash), if any. */
export function findExecutable(name: string, pathVariable: string | undefined = process.env.PATH): string | undefined {
  const candidates = name.includes('/') ? [name] : (pathVariable ?? '').split(delimiter).filter((dir) => isAbsolute(dir)).map((dir) => join(dir, name));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; try the next folder.
    }
  }
  return undefined;
}

/** Launches QEMU for an emulated target; rejects with TOOL_MISSING, FILE_NOT_FOUND or EMULATOR_FAILED. */
export async function launchQemu(def: TargetDefinition, options: QemuLaunchOptions): Promise<QemuInstance> {
  const emulator = emulatorOf(def);
  const binaryName = options.binary ?? emulator.binary;
  const binary = findExecutable(binaryName);
  if (binary === undefined) {
    throw new WrtError('TOOL_MISSING', `${binaryName} is not installed (needed to run ${def.id}); on Debian: apt-get install qemu-system-arm`, {
      field: 'emulator.binary',
      source: `target ${def.id}`,
    });
  }
  if (!existsSync(options.elf)) {
    throw new WrtError('FILE_NOT_FOUND', 'the firmware image does not exist', { file: options.elf });
  }
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  const scratch = qemuScratchFolder();
  const folder = scratch.path;
  const qmpSocket = join(folder, 'qmp.sock');
  const uartLog = join(folder, 'uart0.log');
  const serial: SerialEndpoint = options.serial === 'pty' ? { kind: 'pty' } : { kind: 'socket', path: join(folder, 'uart0.sock') };
  const qemuArgs = qemuArgv(def, { elf: options.elf, qmpSocket, uartLog, serial, icount: options.icount, userQmpSocket: options.userQmpSocket, extraArgs: options.extraArgs }).slice(1);
  const setpriv = options.killWithParent === false ? undefined : findExecutable('setpriv');
  const argv = setpriv === undefined ? [binary, ...qemuArgs] : [setpriv, '--pdeathsig', 'SIGKILL', '--', binary, ...qemuArgs];
  const [command, ...args] = argv;
  if (command === undefined) throw new WrtError('INTERNAL', 'empty QEMU command line');

  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  registerQemu(child);
  const watched = watchProcess(child);
  let transport: QemuUartTransport | undefined;
  let qmp: QmpClient | undefined;
  // Until start-up succeeds, closing the transport only has to kill QEMU.
  let stop = async (): Promise<QemuExit> => {
    child.kill('SIGKILL');
    return watched.exited;
  };
  try {
    const pid = await spawned(child, binary);
    let serialPath: string;
    if (serial.kind === 'pty') {
      serialPath = await watched.ptyAnnounced(startTimeoutMs, def.id);
      transport = new QemuUartTransport(openPtyTransport(serialPath, { description: `qemu ${def.id} serial0 (${serialPath})` }), () => stop());
    } else {
      serialPath = serial.path;
      const gaveUp = (): string | undefined => (watched.hasExited() ? `QEMU (${def.id}) exited during start-up: ${watched.stderr().trim() || 'no message'}` : undefined);
      const socket = await connectUartSocket(serialPath, `qemu ${def.id} serial0 (${serialPath})`, startTimeoutMs, gaveUp);
      transport = new QemuUartTransport(socket, () => stop());
    }
    const log = new UartLog(options.uartLogBytes ?? DEFAULT_UART_LOG_BYTES);
    transport.onData((chunk) => log.add(chunk));
    qmp = await QmpClient.connect(qmpSocket, startTimeoutMs);
    await qmp.execute('qmp_capabilities');
    const client = qmp;
    const link = transport;
    const resume = async (): Promise<void> => {
      await client.execute('cont');
    };
    if (options.paused !== true) await resume();
    const exited = watched.exited.then(async (exit) => {
      client.close();
      await link.finish(readLog(uartLog), `QEMU exited (${exit.signal ?? `code ${String(exit.code)}`})`);
      scratch.remove();
      return exit;
    });
    stop = async (): Promise<QemuExit> => {
      watched.markStopped();
      if (!watched.hasExited()) {
        try {
          child.kill('SIGKILL');
        } catch {
          // It exited between the check and the kill.
        }
      }
      return exited;
    };
    return {
      target: def.id,
      pid,
      argv,
      serial: { kind: serial.kind, path: serialPath },
      transport: link,
      exited,
      uartOutput: () => log.text(),
      resume,
      waitForExit: (timeoutMs) => withTimeout(exited, timeoutMs, () => new WrtError('DEVICE_TIMEOUT', `QEMU (${def.id}) is still running`, { field: 'exit', limit: `${timeoutMs} ms` })),
      stop: () => stop(),
    };
  } catch (error: unknown) {
    child.kill('SIGKILL');
    qmp?.close();
    await transport?.close();
    await watched.exited;
    unregisterQemu(child);
    scratch.remove();
    throw error;
  }
}

function spawned(child: ChildProcess, binary: string): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('spawn', () => {
      if (child.pid === undefined) reject(new WrtError('INTERNAL', 'QEMU started without a pid'));
      else resolve(child.pid);
    });
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(new WrtError('TOOL_MISSING', `cannot start ${binary}: ${error.message}`, { field: 'emulator.binary' }, { cause: error }));
    });
  });
}

interface WatchedProcess {
  readonly exited: Promise<QemuExit>;
  hasExited(): boolean;
  stderr(): string;
  markStopped(): void;
  ptyAnnounced(timeoutMs: number, target: string): Promise<string>;
}

function readLog(path: string): Uint8Array | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Collects QEMU's stdout and stderr and its exit. */
function watchProcess(child: ChildProcess): WatchedProcess {
  let stdout = '';
  let stderr = '';
  let exitedFlag = false;
  let stopped = false;
  const stdoutWaiters = new Set<() => void>();
  child.stdout?.setEncoding('utf8');
  child.stderr?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    stdout = (stdout + chunk).slice(-STDERR_KEEP_CHARS);
    for (const waiter of stdoutWaiters) waiter();
  });
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP_CHARS);
  });
  const exited = new Promise<QemuExit>((resolve) => {
    // 'close' rather than 'exit': by then stdout and stderr are fully read.
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      exitedFlag = true;
      for (const waiter of stdoutWaiters) waiter();
      resolve({ code, signal, stopped, stderr });
    });
    child.once('error', () => {
      if (child.pid === undefined) {
        exitedFlag = true;
        resolve({ code: null, signal: null, stopped, stderr });
      }
    });
  });
  return {
    exited,
    hasExited: () => exitedFlag,
    stderr: () => stderr,
    markStopped: () => {
      stopped = true;
    },
    ptyAnnounced: (timeoutMs, target) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const path = serialPtyPath(stdout);
          if (path !== undefined) {
            finish();
            resolve(path);
          } else if (exitedFlag) {
            finish();
            reject(new WrtError('EMULATOR_FAILED', `QEMU (${target}) exited during start-up: ${stderr.trim() || 'no message'}`, { field: 'qemu start-up' }));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new WrtError('EMULATOR_FAILED', `QEMU (${target}) did not announce its serial pty`, { field: 'qemu start-up', limit: `${timeoutMs} ms` }));
        }, timeoutMs);
        const finish = (): void => {
          clearTimeout(timer);
          stdoutWaiters.delete(check);
        };
        stdoutWaiters.add(check);
        check();
      }),
  };
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, onTimeout: () => Error): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), timeoutMs);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** The newest `capacity` bytes received, for error messages and tests. */
class UartLog {
  private chunks: Uint8Array[] = [];
  private size = 0;
  constructor(private readonly capacity: number) {}

  add(chunk: Uint8Array): void {
    this.chunks.push(chunk.slice());
    this.size += chunk.byteLength;
    while (this.size > this.capacity && this.chunks.length > 1) {
      const dropped = this.chunks.shift();
      this.size -= dropped?.byteLength ?? 0;
    }
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('latin1');
  }
}
