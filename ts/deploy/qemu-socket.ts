/**
 * The board UART over a Unix socket: QEMU's `-chardev socket,server=on,wait=off` end, connected
 * as a client. This is the launcher's default link. QEMU's pty backend guesses whether anyone has
 * the pty open (it polls the master for a hang-up, and rechecks only on a timer or when the guest
 * writes), drops guest output while it believes no one does, and Linux discards what a pty holds
 * when QEMU exits; a socket has a real connection state and keeps its data until read.
 */
import { createConnection, type Socket } from 'node:net';
import { WrtError } from '../core/errors.js';
import type { Transport } from '../device/transport.js';
import { DuplexTransport } from '../device/duplex-transport.js';

/**
 * Connects to the socket QEMU listens on, retrying while QEMU is still creating it. Stops early
 * when `gaveUp()` says so (QEMU exited); EMULATOR_FAILED after timeoutMs.
 */
export async function connectUartSocket(path: string, description: string, timeoutMs: number, gaveUp: () => string | undefined): Promise<Transport> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const socket = await tryConnect(path);
      return new DuplexTransport(socket, description, 'UART socket');
    } catch (error: unknown) {
      const reason = gaveUp();
      if (reason !== undefined) throw new WrtError('EMULATOR_FAILED', reason, { field: 'qemu start-up' });
      if (Date.now() >= deadline) {
        throw new WrtError('EMULATOR_FAILED', `cannot connect to QEMU's UART socket: ${String(error)}`, { file: path, field: 'qemu start-up', limit: `${timeoutMs} ms` });
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

function tryConnect(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    const onError = (error: Error): void => {
      socket.destroy();
      reject(error);
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.removeListener('error', onError);
      resolve(socket);
    });
  });
}
