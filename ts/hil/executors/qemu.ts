/**
 * The QEMU boards of a hardware map (`connection: { emulator: qemu }`): the interpreter firmware
 * under QEMU, started by the deploy path's launcher (ts/deploy/qemu.ts: UART0 on a Unix socket,
 * QMP, setpriv --pdeathsig, the registry that kills QEMU on SIGINT/SIGTERM/exit). One QEMU serves
 * all tests of a board in turn; each test uploads its module over the protocol and invokes it.
 *
 * Resets: after an executor error the device still answers, so a protocol RESET (kind device:
 * the firmware reboots, its boot id goes up) is enough, a few milliseconds. A hung test keeps the
 * firmware busy (it reads the UART only between requests), so at the timeout QEMU is killed and
 * reset() boots a fresh one; so does a RESET the device does not answer in time.
 */
import { ProtocolClient, type ProtocolClientOptions } from '../../device/client.js';
import type { HelloInfo } from '../../device/messages.js';
import { ResetKind } from '../../device/protocol.js';
import { WrtError } from '../../core/errors.js';
import { qemuExitError } from '../../deploy/deploy.js';
import { ensureFirmware } from '../../deploy/firmware.js';
import { launchQemu, type QemuExit, type QemuInstance, type QemuLaunchOptions } from '../../deploy/qemu.js';
import type { TargetDefinition } from '../../targets/types.js';
import type { BoardExecutor, TestOutcome } from '../executor.js';
import type { Board } from '../types.js';
import { messageOf, runOnSession, withDeadline, type DeviceTest } from './device-run.js';

/**
 * QEMU's socket loses nothing and a dead QEMU fails the request through the link's `closed`, so
 * requests need no resend timer (a test may run long; the scheduler's timeout bounds it). HELLO
 * gets 10 s: a loaded host can starve a booting QEMU.
 */
const QEMU_CLIENT_OPTIONS: ProtocolClientOptions = { requestTimeoutMs: 0x7fffffff, helloTimeoutMs: 10_000 };
/** How long a protocol RESET and the HELLO after it may take before QEMU is restarted instead. */
const DEFAULT_RESET_ANSWER_MS = 5000;
/** How long to wait for QEMU's exit status once the link broke, to explain the failure by it. */
const EXIT_GRACE_MS = 200;

export interface QemuExecutorOptions {
  /** The firmware ELF; default: targets/firmware/interp built for the target's BSP board (make, no-op when current). */
  readonly firmware?: string;
  /** Protocol client settings, over QEMU_CLIENT_OPTIONS. */
  readonly client?: ProtocolClientOptions;
  /** The launcher; ts/deploy's launchQemu by default. */
  readonly launch?: (def: TargetDefinition, options: QemuLaunchOptions) => Promise<QemuInstance>;
  /** Told every QEMU the executor starts (tests check the pids are gone afterwards). */
  readonly onQemu?: (qemu: QemuInstance) => void;
  readonly env?: NodeJS.ProcessEnv;
  /** Bound on a protocol RESET plus the HELLO after it (default 5000 ms). */
  readonly resetAnswerMs?: number;
}

interface Session {
  readonly qemu: QemuInstance;
  readonly client: ProtocolClient;
  device: HelloInfo;
  /** QEMU's exit, once it happened. */
  exit?: QemuExit;
}

export class QemuExecutor implements BoardExecutor {
  readonly #target: TargetDefinition;
  readonly #options: QemuExecutorOptions;
  #session: Session | undefined;
  /** A stop in progress (after a hang); the next start waits for it. */
  #stopping: Promise<void> = Promise.resolve();
  /** QEMUs started, for messages and tests. */
  #starts = 0;
  #lastHello: HelloInfo | undefined;
  /** The firmware image, once asked for (make runs once per executor, not per restart). */
  #elf: Promise<string> | undefined;

  constructor(target: TargetDefinition, options: QemuExecutorOptions = {}) {
    this.#target = target;
    this.#options = options;
  }

  /** How many times this executor started QEMU. */
  get starts(): number {
    return this.#starts;
  }

  /** What the firmware said in its last HELLO (boot id, arena, upload capacity). */
  get device(): HelloInfo | undefined {
    return this.#lastHello;
  }

  async open(): Promise<void> {
    await this.#ensure();
  }

  run(test: DeviceTest, signal: AbortSignal): Promise<TestOutcome> {
    return runOnSession(() => this.#ensure(), test, signal, {
      aborted: () => {
        // The firmware is still running the module and reads nothing until it ends: only a new QEMU helps.
        this.#stop();
        return 'stopped at the timeout (QEMU killed)';
      },
      failed: (session, error) => this.#explain(session, error),
    });
  }

  async reset(): Promise<void> {
    const session = this.#session;
    if (session !== undefined && session.exit === undefined) {
      try {
        const before = session.device.bootId;
        const hello = await withDeadline(
          session.client.reset(ResetKind.Device).then(() => session.client.hello()),
          this.#options.resetAnswerMs ?? DEFAULT_RESET_ANSWER_MS,
          `RESET of ${this.#target.id}`,
          session.qemu.serial.path,
        );
        if (hello.bootId !== before) {
          session.device = hello;
          this.#lastHello = hello;
          return;
        }
      } catch {
        // No answer in time: restart QEMU below.
      }
    }
    this.#stop();
    await this.#ensure();
  }

  async close(): Promise<void> {
    this.#stop();
    await this.#stopping;
  }

  /** The running session, or a new QEMU with the firmware, past HELLO. */
  async #ensure(): Promise<Session> {
    if (this.#session !== undefined && this.#session.exit === undefined) return this.#session;
    this.#stop();
    await this.#stopping;
    const def = this.#target;
    const elf = await this.prepareFirmware();
    const launch = this.#options.launch ?? launchQemu;
    const qemu = await launch(def, { elf, paused: true });
    this.#starts += 1;
    this.#options.onQemu?.(qemu);
    const client = new ProtocolClient(qemu.transport, { ...QEMU_CLIENT_OPTIONS, ...this.#options.client });
    let exit: QemuExit | undefined;
    void qemu.exited.then((e) => {
      exit = e;
      if (this.#session?.qemu === qemu) this.#session.exit = e;
    });
    try {
      await qemu.resume();
      const device = await client.hello();
      this.#lastHello = device;
      const session: Session = { qemu, client, device };
      if (exit !== undefined) session.exit = exit;
      this.#session = session;
      return session;
    } catch (error) {
      client.close();
      const ended = exit ?? (await Promise.race([qemu.exited, delay(EXIT_GRACE_MS)]));
      await qemu.stop();
      if (ended !== undefined && !ended.stopped) throw qemuExitError(def.id, ended, qemu.uartOutput(), error);
      throw error;
    }
  }

  /**
   * Finds the firmware image, building it with make when needed. The registry's factory starts it,
   * so the build runs while other boards already run their tests (make is a child process; the
   * event loop and every board's timers go on) and a board opens once its image is there.
   */
  prepareFirmware(): Promise<string> {
    this.#elf ??= this.#options.firmware !== undefined ? Promise.resolve(this.#options.firmware) : this.#firmwareImage();
    return this.#elf;
  }

  async #firmwareImage(): Promise<string> {
    const def = this.#target;
    const board = def.firmware?.board;
    if (board === undefined) {
      throw new WrtError('USAGE', `no targets/bsp board builds firmware for ${def.id}`, { field: 'target', limit: 'a target definition with firmware: { board, app, ... }' });
    }
    return ensureFirmware(def.id, board, this.#options.env);
  }

  /** Ends the current QEMU (if any) in the background; #stopping settles when it is gone. */
  #stop(): void {
    const session = this.#session;
    this.#session = undefined;
    if (session === undefined) return;
    session.client.close();
    const previous = this.#stopping;
    this.#stopping = previous.then(async () => {
      await session.qemu.transport.close();
      await session.qemu.stop();
    });
  }

  /** A failed request: by QEMU's exit when it ended (a firmware fault report), else the error itself. */
  async #explain(session: Session, error: unknown): Promise<string> {
    const exit = session.exit ?? (await Promise.race([session.qemu.exited, delay(EXIT_GRACE_MS)]));
    if (exit !== undefined && !exit.stopped) return qemuExitError(this.#target.id, exit, session.qemu.uartOutput(), error).message;
    return messageOf(error);
  }
}

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms));
}

/** The registry's factory: a board of the map with `connection: { emulator: qemu }`. */
export function createQemuExecutor(board: Board, options: QemuExecutorOptions = {}): QemuExecutor {
  const target = board.target;
  if (target === undefined || target.kind !== 'emulated') {
    const field = `${board.origin.field}/target`;
    throw new WrtError('CONFIG_SCHEMA', `${field}: board ${board.id} runs under QEMU and needs an emulated target`, {
      file: board.origin.file,
      field,
      ...(board.origin.line === undefined ? {} : { line: board.origin.line }),
      limit: 'kind: emulated',
    });
  }
  const executor = new QemuExecutor(target, options);
  // Kept: open() fails with it, and the board's tests are errors naming it; other boards run.
  executor.prepareFirmware().catch(() => undefined);
  return executor;
}
