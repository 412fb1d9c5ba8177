/**
 * The device links `deploy` and the HIL executors open sessions on: a QEMU board running the
 * interpreter firmware, and a serial line (a flashed board, or a pty). What happens once a link is
 * open is ts/run/session.ts, the same for every link.
 */
import { WrtError } from '../core/errors.js';
import type { ProtocolClientOptions } from '../device/client.js';
import { openDeviceLink } from '../device/serial-link.js';
import type { Transport } from '../device/transport.js';
import type { DeviceLink } from '../run/session.js';
import type { TargetDefinition } from '../targets/types.js';
import { describeQemuExit, launchQemu, type QemuExit, type QemuInstance, type QemuLaunchOptions } from './qemu.js';

/**
 * QEMU's socket loses nothing and a dead QEMU fails the request through the link's `closed`, so
 * requests need no resend timer (a program may run for hours). HELLO gets 10 s: a loaded host can
 * starve a booting QEMU.
 */
export const QEMU_CLIENT_OPTIONS: ProtocolClientOptions = { requestTimeoutMs: 0x7fffffff, helloTimeoutMs: 10_000 };

/**
 * A real line may drop a frame: requests are resent after 2 s, up to 100 000 times; resent INVOKEs
 * of a long program wait in the device's receive ring and get the replayed answer.
 */
export const SERIAL_CLIENT_OPTIONS: ProtocolClientOptions = { requestTimeoutMs: 2000, maxResends: 100_000, helloTimeoutMs: 10_000 };

/** How long to wait for QEMU's exit status once the link broke, to explain the failure by it. */
const EXIT_GRACE_MS = 200;

/** Errors decided on the host before or without the device: QEMU's state says nothing about them. */
const HOST_DECIDED: ReadonlySet<string> = new Set(['LIMIT_EXCEEDED', 'BUDGET_EXCEEDED', 'USAGE', 'EXPORT_NOT_FOUND', 'VALUE_INVALID']);

/** The error that explains a link that ended because QEMU exited (a firmware fault, usually). */
export function qemuExitError(target: string, exit: QemuExit, uart: string, cause: unknown): WrtError {
  const meaning = describeQemuExit(exit);
  const what =
    meaning.kind === 'board'
      ? `${meaning.reason} (exit ${meaning.code})`
      : meaning.kind === 'firmware'
        ? `the firmware exited with ${meaning.code}`
        : meaning.kind === 'signal'
          ? `QEMU was killed by ${meaning.signal}`
          : `QEMU exited with ${String(meaning.code)}`;
  const report = uart
    .split('\n')
    .filter((line) => line.startsWith('*** '))
    .join('\n');
  return new WrtError('EMULATOR_FAILED', `${target}: ${what}${report === '' ? '' : `\n${report}`}`, { field: 'firmware' }, { cause });
}

function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms));
}

export interface QemuLink extends DeviceLink {
  readonly qemu: QemuInstance;
  /** QEMU's exit once it happened. */
  exit(): QemuExit | undefined;
}

/**
 * Starts QEMU with the firmware, paused until the session's first request is ready, and links to
 * its UART0. Closing the link stops QEMU.
 */
export async function openQemuLink(
  def: TargetDefinition,
  elf: string,
  options: {
    readonly client?: ProtocolClientOptions;
    readonly launch?: (def: TargetDefinition, options: QemuLaunchOptions) => Promise<QemuInstance>;
    /** Opt-in: QEMU's QMP monitor on this Unix socket too, for the user (deploy --qmp). */
    readonly userQmpSocket?: string;
  } = {},
): Promise<QemuLink> {
  const qemu = await (options.launch ?? launchQemu)(def, { elf, paused: true, ...(options.userQmpSocket === undefined ? {} : { userQmpSocket: options.userQmpSocket }) });
  let exit: QemuExit | undefined;
  void qemu.exited.then((e) => {
    exit = e;
  });
  return {
    qemu,
    transport: qemu.transport,
    description: `qemu ${def.emulator?.machine ?? def.id} UART0 (${qemu.serial.path})`,
    clientOptions: { ...QEMU_CLIENT_OPTIONS, ...options.client },
    exit: () => exit,
    start: () => qemu.resume(),
    async explain(error: unknown): Promise<Error | undefined> {
      if (error instanceof WrtError && HOST_DECIDED.has(error.code)) return undefined;
      const ended = exit ?? (await Promise.race([qemu.exited, delay(EXIT_GRACE_MS)]));
      return ended !== undefined && !ended.stopped ? qemuExitError(def.id, ended, qemu.uartOutput(), error) : undefined;
    },
    async close(): Promise<void> {
      await qemu.transport.close();
      await qemu.stop();
    },
  };
}

/** A device already running the firmware on a pty or serial node: nothing is flashed or owned. */
export async function openPortLink(
  port: string,
  baud: number | undefined,
  options: { readonly client?: ProtocolClientOptions; readonly openTransport?: (port: string, baud: number | undefined) => Promise<Transport> } = {},
): Promise<DeviceLink> {
  const transport = await (options.openTransport ?? ((p: string, b: number | undefined) => openDeviceLink(p, b, { description: `serial ${p}` })))(port, baud);
  return {
    transport,
    description: port,
    clientOptions: { ...SERIAL_CLIENT_OPTIONS, ...options.client },
    close: () => transport.close(),
  };
}
