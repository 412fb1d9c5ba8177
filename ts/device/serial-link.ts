/**
 * Which transport a device path gets. A pseudo-terminal (`/dev/pts/N`, announced by QEMU
 * `-serial pty` and native-sim `--pty`) has no baud rate, and opening it through serialport would
 * flush what the guest already wrote (serialport's open() does tcflush; a PTY keeps guest output
 * only while someone has it open), so it stays on the plain tty transport. Any other node is a
 * real serial line: serialport sets its speed, 8N1, no flow control.
 */
import { WrtError } from '../core/errors.js';
import { openPtyTransport } from './pty-transport.js';
import { openSerialTransport, type SerialPortClass } from './serial-transport.js';
import type { Transport } from './transport.js';

/** The speed when neither the map nor the target names one: what the firmware's BSPs use. */
export const DEFAULT_SERIAL_BAUD = 115200;

/** The speeds a serial line may be set to (what the HIL hardware map allows too). */
export const MIN_SERIAL_BAUD = 1200;
export const MAX_SERIAL_BAUD = 12_000_000;

/** A --baud value, or VALUE_INVALID naming the flag and the range. */
export function parseBaud(text: string, field = '--baud'): number {
  const value = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < MIN_SERIAL_BAUD || value > MAX_SERIAL_BAUD) {
    throw new WrtError('VALUE_INVALID', `${field} "${text}" is not a serial speed`, { field, limit: `an integer from ${MIN_SERIAL_BAUD} to ${MAX_SERIAL_BAUD} (baud)` });
  }
  return value;
}

export type SerialLinkKind = 'pty' | 'serialport';

/**
 * By the path alone (pure): `/dev/pts/N` is a pty, everything else (`/dev/serial/by-id/…`,
 * `/dev/ttyACM0`, `COM3`) a serial port. A symlink to a pty counts as a serial port; serialport
 * opens that too, it only flushes.
 */
export function serialLinkKind(path: string): SerialLinkKind {
  return /^\/dev\/pts\/\d+$/.test(path) ? 'pty' : 'serialport';
}

export interface DeviceLinkOptions {
  readonly description?: string;
  /** Passed to openSerialTransport (SerialPortMock in tests). */
  readonly SerialPort?: SerialPortClass;
}

/** Opens `path` with the transport serialLinkKind chooses; `baud` applies to serial ports only (default 115200). */
export async function openDeviceLink(path: string, baud: number | undefined, options: DeviceLinkOptions = {}): Promise<Transport> {
  const description = options.description ?? `serial ${path}`;
  if (serialLinkKind(path) === 'pty') return openPtyTransport(path, { description });
  return openSerialTransport(path, {
    baudRate: baud ?? DEFAULT_SERIAL_BAUD,
    description,
    ...(options.SerialPort === undefined ? {} : { SerialPort: options.SerialPort }),
  });
}
