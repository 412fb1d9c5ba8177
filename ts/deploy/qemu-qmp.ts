/**
 * A minimal QMP (QEMU Machine Protocol) client over a Unix socket: the greeting, then one command
 * at a time. QMP interleaves asynchronous events ({"event": …}) with replies; they are skipped.
 */
import { createConnection, type Socket } from 'node:net';
import { WrtError } from '../core/errors.js';

export type QmpMessage =
  | { readonly kind: 'greeting'; readonly version: string }
  | { readonly kind: 'return'; readonly value: unknown }
  | { readonly kind: 'error'; readonly errorClass: string; readonly description: string }
  | { readonly kind: 'event'; readonly event: string }
  | { readonly kind: 'malformed'; readonly line: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One line of QMP output to a message. Pure; never throws. */
export function parseQmpLine(line: string): QmpMessage {
  let data: unknown;
  try {
    data = JSON.parse(line);
  } catch {
    return { kind: 'malformed', line };
  }
  if (!isRecord(data)) return { kind: 'malformed', line };
  if (isRecord(data.QMP)) {
    const version = isRecord(data.QMP.version) && isRecord(data.QMP.version.qemu) ? data.QMP.version.qemu : {};
    return { kind: 'greeting', version: `${String(version.major)}.${String(version.minor)}.${String(version.micro)}` };
  }
  if ('return' in data) return { kind: 'return', value: data.return };
  if (isRecord(data.error)) {
    return { kind: 'error', errorClass: String(data.error.class), description: String(data.error.desc) };
  }
  if (typeof data.event === 'string') return { kind: 'event', event: data.event };
  return { kind: 'malformed', line };
}

/** Splits a growing buffer into complete lines; returns them and the unfinished rest. */
export function splitLines(buffer: string): { readonly lines: string[]; readonly rest: string } {
  const parts = buffer.split('\n');
  const rest = parts.pop() ?? '';
  return { lines: parts.map((line) => line.replace(/\r$/, '')).filter((line) => line !== ''), rest };
}

type Waiter = (message: QmpMessage) => void;

export class QmpClient {
  readonly version: string;
  private readonly socket: Socket;
  private readonly waiters: Waiter[];
  private readonly socketPath: string;

  private constructor(socket: Socket, version: string, waiters: Waiter[], socketPath: string) {
    this.socket = socket;
    this.version = version;
    this.waiters = waiters;
    this.socketPath = socketPath;
  }

  /**
   * Connects and reads the greeting. QEMU creates the socket during start-up, so a missing socket
   * is retried until `timeoutMs` runs out; then EMULATOR_FAILED names the socket and the limit.
   */
  static async connect(socketPath: string, timeoutMs: number): Promise<QmpClient> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await QmpClient.tryConnect(socketPath, Math.max(1, deadline - Date.now()));
      } catch (error: unknown) {
        if (error instanceof WrtError || Date.now() >= deadline) {
          throw error instanceof WrtError
            ? error
            : new WrtError('EMULATOR_FAILED', `cannot connect to QEMU's QMP socket: ${String(error)}`, {
                file: socketPath,
                limit: `${timeoutMs} ms`,
              });
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }

  private static tryConnect(socketPath: string, timeoutMs: number): Promise<QmpClient> {
    return new Promise((resolve, reject) => {
      const socket = createConnection(socketPath);
      const waiters: Waiter[] = [];
      let buffer = '';
      let greeted = false;
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new WrtError('EMULATOR_FAILED', 'QEMU sent no QMP greeting', { file: socketPath, limit: `${timeoutMs} ms` }));
      }, timeoutMs);
      socket.setEncoding('utf8');
      socket.once('error', (error) => {
        clearTimeout(timer);
        if (!greeted) reject(error);
      });
      socket.on('data', (chunk: string) => {
        const split = splitLines(buffer + chunk);
        buffer = split.rest;
        for (const line of split.lines) {
          const message = parseQmpLine(line);
          if (!greeted) {
            if (message.kind !== 'greeting') continue;
            greeted = true;
            clearTimeout(timer);
            resolve(new QmpClient(socket, message.version, waiters, socketPath));
            continue;
          }
          if (message.kind === 'event') continue;
          waiters.shift()?.(message);
        }
      });
      socket.on('close', () => {
        for (const waiter of waiters.splice(0)) waiter({ kind: 'error', errorClass: 'Disconnected', description: 'QMP socket closed' });
      });
    });
  }

  /** Runs one command; resolves with its return value, rejects with its error. */
  execute(command: string, args?: Record<string, unknown>, timeoutMs = 5000): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new WrtError('EMULATOR_FAILED', `QEMU did not answer the QMP command ${command}`, { file: this.socketPath, limit: `${timeoutMs} ms` }));
      }, timeoutMs);
      this.waiters.push((message) => {
        clearTimeout(timer);
        if (message.kind === 'return') resolve(message.value);
        else if (message.kind === 'error') {
          reject(new WrtError('EMULATOR_FAILED', `QMP ${command} failed: ${message.errorClass}: ${message.description}`, { file: this.socketPath }));
        } else reject(new WrtError('EMULATOR_FAILED', `QMP ${command}: unexpected reply ${JSON.stringify(message)}`, { file: this.socketPath }));
      });
      this.socket.write(`${JSON.stringify(args === undefined ? { execute: command } : { execute: command, arguments: args })}\n`);
    });
  }

  close(): void {
    this.socket.destroy();
  }
}
