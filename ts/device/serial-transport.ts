/**
 * A serial port (USB-serial adapter, on-board UART bridge) as a Transport, through serialport 13:
 * it sets the line to the given baud, 8N1, no flow control, which a bare tty fd (pty-transport.ts)
 * cannot do without stty.
 *
 * Facts about serialport 13 this module is built around (issue 4, measured on Linux):
 * - one large write that meets an echoing peer can deadlock: its poller drops the pending readable
 *   event while it waits for writable. So a write is cut into chunks of at most ~3 KiB and the
 *   next chunk is handed over only when the previous one was written: never more in flight.
 * - an `error` event without a listener throws from the event loop: one is always attached.
 * - open() flushes the line (tcflush after setting the speed): bytes the device sent before the
 *   port was opened are gone. The protocol client resends HELLO, so nothing is lost that matters.
 * - a read or write error ends in `close` with a DisconnectedError (an adapter unplugged).
 */
import { SerialPort } from 'serialport';
import { WrtError } from '../core/errors.js';
import type { ErrorCode } from '../core/error-codes.js';
import type { Transport, TransportClosed } from './transport.js';

/** Most bytes handed to serialport at once (see above). */
export const SERIAL_MAX_IN_FLIGHT_BYTES = 3072;

/** What openSerialTransport asks the port class for: 8N1, no flow control, opened by hand. */
export interface SerialPortSettings {
  readonly path: string;
  readonly baudRate: number;
  readonly dataBits: 8;
  readonly stopBits: 1;
  readonly parity: 'none';
  readonly rtscts: false;
  readonly xon: false;
  readonly xoff: false;
  readonly xany: false;
  /** Kept false: dropping DTR on close resets some boards, and the host does not own the board. */
  readonly hupcl: false;
  /** An exclusive lock: two hosts talking to one board interleave frames. */
  readonly lock: true;
  readonly autoOpen: false;
}

/** The part of serialport's SerialPort (and SerialPortMock) this module uses. */
export interface SerialPortLike {
  readonly isOpen: boolean;
  open(callback: (error: Error | null) => void): void;
  write(chunk: Buffer, callback: (error: Error | null | undefined) => void): boolean;
  close(callback?: (error: Error | null) => void): void;
  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'close', listener: (error?: Error | null) => void): this;
}

export type SerialPortClass = new (settings: SerialPortSettings) => SerialPortLike;

export interface SerialTransportOptions {
  readonly baudRate: number;
  /** For messages; `serial PATH` by default. */
  readonly description?: string;
  /** The port class; serialport's SerialPort by default, SerialPortMock in tests. */
  readonly SerialPort?: SerialPortClass;
  /** Most bytes in one write to the port (default and upper bound SERIAL_MAX_IN_FLIGHT_BYTES). */
  readonly maxInFlightBytes?: number;
}

/** The 8N1, no-flow-control settings for `path` at `baudRate`. Pure. */
export function serialPortSettings(path: string, baudRate: number): SerialPortSettings {
  return { path, baudRate, dataBits: 8, stopBits: 1, parity: 'none', rtscts: false, xon: false, xoff: false, xany: false, hupcl: false, lock: true, autoOpen: false };
}

/**
 * The error code for serialport's open failure. Its errors carry no errno code, only a message
 * built from strerror ("Error: No such file or directory, cannot open /dev/ttyACM9"), so the
 * message is what can be classified. Pure.
 */
export function openFailureCode(message: string): ErrorCode {
  // Linux/macOS strerror, Windows ("File not found"), and the mock binding ("Port does not exist").
  if (/no such file or directory|file not found|does not exist|no such device\b/i.test(message)) return 'FILE_NOT_FOUND';
  // The device node is there but the hardware behind it failed (EIO: adapter unplugged mid-open).
  if (/input\/output error/i.test(message)) return 'DEVICE_ERROR';
  // Permission denied, locked by another process, not a tty (ENOTTY: "Inappropriate ioctl"), speed refused.
  return 'HOST_READ_FAILED';
}

/** Why the open failed, in words a person can act on. Pure. */
export function openFailureHint(message: string): string {
  if (/permission denied/i.test(message)) return ' (add the user to the group owning the port, usually dialout)';
  if (/cannot lock port|resource temporarily unavailable/i.test(message)) return ' (another program has the port open)';
  if (/inappropriate ioctl/i.test(message)) return ' (not a serial port)';
  return '';
}

function checkBaud(path: string, baudRate: number): void {
  if (!Number.isInteger(baudRate) || baudRate <= 0) {
    throw new WrtError('VALUE_INVALID', `${baudRate} is not a baud rate`, { file: path, field: 'baud', limit: 'a positive integer' });
  }
}

/** Opens `path` at `options.baudRate`, 8N1; resolves once the port is open, with a WrtError naming the path when it cannot. */
export async function openSerialTransport(path: string, options: SerialTransportOptions): Promise<Transport> {
  checkBaud(path, options.baudRate);
  const maxInFlight = options.maxInFlightBytes ?? SERIAL_MAX_IN_FLIGHT_BYTES;
  if (!Number.isInteger(maxInFlight) || maxInFlight < 1 || maxInFlight > SERIAL_MAX_IN_FLIGHT_BYTES) {
    throw new WrtError('VALUE_INVALID', `${maxInFlight} bytes in flight`, { field: 'maxInFlightBytes', limit: `1 .. ${SERIAL_MAX_IN_FLIGHT_BYTES}` });
  }
  const PortClass: SerialPortClass = options.SerialPort ?? SerialPort;
  let port: SerialPortLike;
  try {
    port = new PortClass(serialPortSettings(path, options.baudRate));
  } catch (error: unknown) {
    // serialport checks its settings in the constructor (a baud rate it cannot represent, …).
    const message = error instanceof Error ? error.message : String(error);
    throw new WrtError('VALUE_INVALID', `serialport refuses the settings: ${message}`, { file: path, field: 'baud', limit: `${options.baudRate}` }, { cause: error });
  }
  const transport = new SerialTransport(port, options.description ?? `serial ${path}`, maxInFlight);
  try {
    await new Promise<void>((resolve, reject) => {
      port.open((error) => (error === null ? resolve() : reject(error)));
    });
  } catch (error: unknown) {
    const message = (error instanceof Error ? error.message : String(error)).replace(/^Error: /, '');
    transport.abandon(`cannot open: ${message}`);
    throw new WrtError(openFailureCode(message), `cannot open the serial port at ${options.baudRate} baud: ${message}${openFailureHint(message)}`, { file: path }, { cause: error });
  }
  return transport;
}

class SerialTransport implements Transport {
  readonly description: string;
  readonly closed: Promise<TransportClosed>;
  readonly #port: SerialPortLike;
  readonly #maxInFlight: number;
  readonly #listeners = new Set<(chunk: Uint8Array) => void>();
  /** Writes run one after another; this is the end of the queue. */
  #queue: Promise<void> = Promise.resolve();
  /** Fails the chunk waiting for its write callback: serialport never calls it once the port closed. */
  #failPending: ((error: Error) => void) | undefined;
  #ended: TransportClosed | undefined;
  #settle: (closed: TransportClosed) => void = () => undefined;
  #portClosed: Promise<void>;
  #markPortClosed: () => void = () => undefined;

  constructor(port: SerialPortLike, description: string, maxInFlight: number) {
    this.#port = port;
    this.description = description;
    this.#maxInFlight = maxInFlight;
    this.closed = new Promise((resolve) => {
      this.#settle = resolve;
    });
    this.#portClosed = new Promise((resolve) => {
      this.#markPortClosed = resolve;
    });
    port.on('data', (chunk: Buffer) => {
      const bytes = new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      for (const listener of this.#listeners) listener(bytes);
    });
    port.on('error', (error: Error) => {
      this.#finish({ reason: `serial port error: ${error.message}`, error });
      this.#closePort();
    });
    port.on('close', (error?: Error | null) => {
      this.#markPortClosed();
      // A DisconnectedError: a read or write failed under the port (adapter unplugged, EIO).
      if (error !== undefined && error !== null) this.#finish({ reason: `port removed: ${error.message}`, error });
      else this.#finish({ reason: 'closed' });
    });
  }

  write(bytes: Uint8Array): Promise<void> {
    if (this.#ended !== undefined) return Promise.reject(this.#closedError());
    // Copied: the caller may reuse its buffer before the last chunk went out.
    const copy = Buffer.from(bytes);
    const run = this.#queue.then(() => this.#writeChunks(copy));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.#finish({ reason: 'closed by the host' });
    this.#closePort();
    await this.closed;
    await this.#portClosed;
  }

  /** After a failed open: ends the transport without a port to close. */
  abandon(reason: string): void {
    this.#markPortClosed();
    this.#finish({ reason });
  }

  async #writeChunks(bytes: Buffer): Promise<void> {
    for (let offset = 0; offset < bytes.length; offset += this.#maxInFlight) {
      if (this.#ended !== undefined) throw this.#closedError();
      await this.#writeChunk(bytes.subarray(offset, offset + this.#maxInFlight));
    }
  }

  #writeChunk(chunk: Buffer): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#failPending = reject;
      this.#port.write(chunk, (error) => {
        this.#failPending = undefined;
        if (error !== undefined && error !== null) reject(new WrtError('PROTOCOL_ERROR', `write to ${this.description} failed: ${error.message}`, {}, { cause: error }));
        else resolve();
      });
    });
  }

  #closePort(): void {
    if (!this.#port.isOpen) {
      this.#markPortClosed();
      return;
    }
    // A close error is reported by the callback (not as an `error` event); the port is gone either way.
    this.#port.close(() => this.#markPortClosed());
  }

  #finish(closed: TransportClosed): void {
    if (this.#ended !== undefined) return;
    this.#ended = closed;
    this.#failPending?.(this.#closedError());
    this.#failPending = undefined;
    this.#settle(closed);
  }

  #closedError(): WrtError {
    return new WrtError('PROTOCOL_ERROR', `${this.description} is closed (${this.#ended?.reason ?? 'closed'})`);
  }
}
