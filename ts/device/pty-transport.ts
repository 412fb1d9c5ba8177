/**
 * A pseudo-terminal or tty device node as a Transport: the PTY native-sim and QEMU announce
 * (`char device redirected to /dev/pts/N`), or a serial port that needs no baud setting.
 *
 * The fd is opened O_RDWR|O_NOCTTY|O_NONBLOCK and wrapped in a tty.ReadStream made writable: libuv
 * then reads and writes it from the event loop. Plain fs streams would fail with EAGAIN on the
 * non-blocking fd, and tty.WriteStream switches the fd to blocking writes, which would stall the
 * whole process once the pty buffer fills while the device is not reading.
 *
 * Line discipline: native-sim and QEMU put their pty in raw mode (cfmakeraw) when they create it;
 * this module does not change the terminal settings, so bytes pass unchanged in both directions.
 */
import { closeSync, constants, openSync } from 'node:fs';
import { ReadStream, isatty } from 'node:tty';
import { WrtError } from '../core/errors.js';
import { DuplexTransport } from './duplex-transport.js';
import type { Transport } from './transport.js';

export interface PtyTransportOptions {
  /** For messages; the device path by default. */
  readonly description?: string;
}

/** Opens the terminal at `path`: FILE_NOT_FOUND when it does not exist, HOST_READ_FAILED when it is no terminal. */
export function openPtyTransport(path: string, options: PtyTransportOptions = {}): Transport {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK);
  } catch (error: unknown) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    throw new WrtError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'HOST_READ_FAILED', `cannot open the terminal: ${code}`, { file: path }, { cause: error });
  }
  if (!isatty(fd)) {
    closeSync(fd);
    throw new WrtError('HOST_READ_FAILED', 'the device is not a terminal', { file: path });
  }
  // `writable: true` is passed on to net.Socket, turning the read stream into a duplex.
  const stream = new ReadStream(fd, { writable: true });
  return new DuplexTransport(stream, options.description ?? path, 'pseudo-terminal');
}
