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
import type { ProtocolClientOptions } from '../../device/client.js';
import type { HelloInfo } from '../../device/messages.js';
import { ResetKind } from '../../device/protocol.js';
import { WrtError } from '../../core/errors.js';
import { ensureFirmware } from '../../deploy/firmware.js';
import { openQemuLink, type QemuLink } from '../../deploy/links.js';
import type { QemuInstance, QemuLaunchOptions } from '../../deploy/qemu.js';
import { DeviceSession } from '../../run/session.js';
import type { TargetDefinition } from '../../targets/types.js';
import type { BoardExecutor, TestOutcome } from '../executor.js';
import type { Board } from '../types.js';
import { messageOf, runOnSession, withDeadline, type DeviceTest } from './device-run.js';

/** How long a protocol RESET and the HELLO after it may take before QEMU is restarted instead. */
const DEFAULT_RESET_ANSWER_MS = 5000;

export interface QemuExecutorOptions {
  /** The firmware ELF; default: targets/firmware/interp built for the target's BSP board (make, no-op when current). */
  readonly firmware?: string;
  /** Protocol client settings, over the QEMU link's. */
  readonly client?: ProtocolClientOptions;
  /** The launcher; ts/deploy's launchQemu by default. */
  readonly launch?: (def: TargetDefinition, options: QemuLaunchOptions) => Promise<QemuInstance>;
  /** Told every QEMU the executor starts (tests check the pids are gone afterwards). */
  readonly onQemu?: (qemu: QemuInstance) => void;
  readonly env?: NodeJS.ProcessEnv;
  /** Bound on a protocol RESET plus the HELLO after it (default 5000 ms). */
  readonly resetAnswerMs?: number;
}

/** A session on a QEMU link: the board's state between tests. */
type Session = DeviceSession<QemuLink>;

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
      failed: async (session, error) => messageOf(await session.explain(error)),
    });
  }

  async reset(): Promise<void> {
    const session = this.#session;
    if (session !== undefined && session.link.exit() === undefined) {
      try {
        const before = session.device.bootId;
        const hello = await withDeadline(
          session.client.reset(ResetKind.Device).then(() => session.hello()),
          this.#options.resetAnswerMs ?? DEFAULT_RESET_ANSWER_MS,
          `RESET of ${this.#target.id}`,
          session.link.qemu.serial.path,
        );
        if (hello.bootId !== before) {
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
    if (this.#session !== undefined && this.#session.link.exit() === undefined) return this.#session;
    this.#stop();
    await this.#stopping;
    const elf = await this.prepareFirmware();
    const link = await openQemuLink(this.#target, elf, {
      ...(this.#options.client === undefined ? {} : { client: this.#options.client }),
      ...(this.#options.launch === undefined ? {} : { launch: this.#options.launch }),
    });
    this.#starts += 1;
    this.#options.onQemu?.(link.qemu);
    const session = await DeviceSession.open(link);
    this.#lastHello = session.device;
    this.#session = session;
    return session;
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
    const previous = this.#stopping;
    this.#stopping = previous.then(() => session.close());
  }
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
