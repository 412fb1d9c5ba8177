/**
 * A board already flashed with the interpreter firmware, on a serial port (`connection: { serial:
 * PATH }`): a USB-serial node, or a pseudo-terminal (QEMU -serial pty, native-sim --pty). A serial
 * node is opened through serialport at the map's or the target's baud (115200 when neither names
 * one), 8N1, no flow control; a pty keeps the plain tty transport (ts/device/serial-link.ts says
 * why). The executor does not own the board: close() closes the port and leaves the device running.
 *
 * Resets: a protocol RESET (kind device). A hung test keeps the firmware busy (it reads the UART
 * only between requests), so RESET goes unanswered; a board with a reset line (`hardReset`, e.g.
 * a debug probe's reset or QMP system_reset for a QEMU on a pty) is reset by it, and without one
 * the reset fails naming why, so the scheduler reports the board's remaining tests as errors
 * instead of letting each of them hang.
 */
import { ProtocolClient, type ProtocolClientOptions } from '../../device/client.js';
import type { HelloInfo } from '../../device/messages.js';
import { ResetKind } from '../../device/protocol.js';
import { openDeviceLink } from '../../device/serial-link.js';
import type { Transport } from '../../device/transport.js';
import { WrtError } from '../../core/errors.js';
import { SERIAL_CLIENT_OPTIONS } from '../../deploy/links.js';
import { DeviceSession } from '../../run/session.js';
import type { BoardExecutor, TestOutcome } from '../executor.js';
import type { Board } from '../types.js';
import { messageOf, runOnSession, type DeviceTest } from './device-run.js';

/** How long one RESET send waits for its answer; it is sent twice. */
const DEFAULT_RESET_ANSWER_MS = 1000;
/** HELLO after a reset: the board boots. */
const BOOT_HELLO_MS = 10_000;

export interface SerialExecutorOptions {
  /** The port: /dev/serial/by-id/… for a board, /dev/pts/N for a pty. */
  readonly port: string;
  /** Line speed of a serial node (default 115200); a pty has none. */
  readonly baud?: number;
  /** Opens the link (tests, other transports); default: openDeviceLink (serialport, or the tty transport for a pty). */
  readonly openTransport?: (port: string, baud: number | undefined) => Promise<Transport>;
  readonly client?: ProtocolClientOptions;
  /** Resets the board from outside when it does not answer RESET (a hung test). */
  readonly hardReset?: () => Promise<void>;
  /** Wait per RESET send (default 1000 ms). */
  readonly resetAnswerMs?: number;
}

function openSerial(port: string, baud: number | undefined): Promise<Transport> {
  return openDeviceLink(port, baud, { description: `serial ${port}` });
}

interface Link {
  readonly transport: Transport;
  ended: boolean;
}

export class SerialExecutor implements BoardExecutor {
  readonly #options: SerialExecutorOptions;
  #link: Link | undefined;
  /** The session of the current client; dropped (the port stays open) when a test is stopped. */
  #session: DeviceSession | undefined;
  #device: HelloInfo | undefined;

  constructor(options: SerialExecutorOptions) {
    this.#options = options;
  }

  /** What the firmware said in its last HELLO. */
  get device(): HelloInfo | undefined {
    return this.#device;
  }

  async open(): Promise<void> {
    await this.#ensure();
  }

  run(test: DeviceTest, signal: AbortSignal): Promise<TestOutcome> {
    return runOnSession(() => this.#ensure(), test, signal, {
      aborted: () => {
        // Stop resending INVOKE; the device keeps running the module until reset() stops it.
        this.#dropClient();
        return 'stopped at the timeout';
      },
      failed: (_session, error) => {
        this.#dropClient();
        return messageOf(error);
      },
    });
  }

  async reset(): Promise<void> {
    this.#dropClient();
    const link = await this.#openLink();
    const port = this.#options.port;
    const answerMs = this.#options.resetAnswerMs ?? DEFAULT_RESET_ANSWER_MS;
    const resetter = new ProtocolClient(link.transport, { requestTimeoutMs: answerMs, maxResends: 1, helloTimeoutMs: BOOT_HELLO_MS });
    try {
      let answered = true;
      try {
        await resetter.reset(ResetKind.Device);
      } catch {
        answered = false;
      }
      if (!answered) {
        const hardReset = this.#options.hardReset;
        if (hardReset === undefined) {
          throw new WrtError('DEVICE_TIMEOUT', `${port} does not answer RESET (still running the last test, or gone) and the board has no reset line here: reset or power-cycle it`, {
            file: port,
            field: 'RESET',
            limit: `${2 * answerMs} ms`,
          });
        }
        await hardReset();
      }
      this.#device = await resetter.hello();
    } finally {
      resetter.close();
    }
  }

  async close(): Promise<void> {
    this.#dropClient();
    const link = this.#link;
    this.#link = undefined;
    await link?.transport.close();
  }

  async #ensure(): Promise<DeviceSession> {
    const link = await this.#openLink();
    if (this.#session !== undefined) return this.#session;
    const port = this.#options.port;
    // The executor does not own the board: a session's end leaves the port open for the next test.
    const session = await DeviceSession.open({
      transport: link.transport,
      description: port,
      clientOptions: { ...SERIAL_CLIENT_OPTIONS, ...this.#options.client },
      close: () => Promise.resolve(),
    });
    this.#session = session;
    this.#device = session.device;
    return session;
  }

  /** The open port; reopened when it ended (a USB adapter unplugged and back). */
  async #openLink(): Promise<Link> {
    if (this.#link !== undefined && !this.#link.ended) return this.#link;
    this.#dropClient();
    const open = this.#options.openTransport ?? openSerial;
    const transport = await open(this.#options.port, this.#options.baud);
    const link: Link = { transport, ended: false };
    void transport.closed.then(() => {
      link.ended = true;
    });
    this.#link = link;
    return link;
  }

  #dropClient(): void {
    void this.#session?.close();
    this.#session = undefined;
  }
}

/** The registry's factory: a board of the map with `connection: { serial: PATH }`. */
export function createSerialExecutor(board: Board, options: Partial<SerialExecutorOptions> = {}): SerialExecutor {
  const connection = board.connection;
  if (!('port' in connection)) {
    const field = `${board.origin.field}/connection`;
    throw new WrtError('CONFIG_SCHEMA', `${field}: board ${board.id} has no serial port`, {
      file: board.origin.file,
      field,
      ...(board.origin.line === undefined ? {} : { line: board.origin.line }),
      limit: 'connection: { serial: /dev/serial/by-id/… }',
    });
  }
  const baud = board.baud ?? board.target?.uart.baud;
  return new SerialExecutor({ port: connection.port, ...(baud === undefined ? {} : { baud }), ...options });
}
