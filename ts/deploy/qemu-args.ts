/**
 * Pure parts of the QEMU launcher: the argv for a target, and the line QEMU prints when it opens
 * a pseudo-terminal. No I/O here, so tests feed recorded output.
 */
import { WrtError } from '../core/errors.js';
import type { TargetDefinition, TargetEmulator } from '../targets/types.js';

export type SerialEndpoint = { readonly kind: 'socket'; readonly path: string } | { readonly kind: 'pty' };

export interface QemuArgvInputs {
  /** The firmware image QEMU loads with -kernel. */
  readonly elf: string;
  /**
   * File QEMU copies every byte the guest sends on serial0 to. When QEMU exits, Linux discards
   * what a pty still holds unread; the log keeps the guest's last words (a fault report).
   */
  readonly uartLog: string;
  /** Where serial0 goes: a Unix socket QEMU listens on (the default link), or a pty. */
  readonly serial: SerialEndpoint;
  /** Unix socket path for QMP; QEMU creates it and does not wait for a client. */
  readonly qmpSocket: string;
  /** Guest time counts guest instructions (-icount shift=0,align=off,sleep=off), for benchmarks. */
  readonly icount?: boolean;
  /**
   * A second QMP socket for the user (deploy --qmp): QEMU's monitor beside the launcher's own, to
   * watch the board's peripherals from outside while a module runs (docs/host-functions.md).
   */
  readonly userQmpSocket?: string;
  /** Appended last, for debugging (e.g. -d guest_errors). */
  readonly extraArgs?: readonly string[];
}

/**
 * Options the launcher owns: where serial0 and the monitor go, and how the guest starts. A target's
 * `emulator.args` may not set them; `-nographic` is dropped because it would put the monitor and
 * serial0 on QEMU's stdio, where the launcher reads the pty announcement.
 */
export const LAUNCHER_OWNED_OPTIONS = ['-serial', '-monitor', '-qmp', '-chardev', '-S', '-display', '-kernel', '-daemonize'] as const;
const DROPPED_OPTIONS = ['-nographic'];
const SEMIHOSTING_OPTION = '-semihosting-config';
const DEFAULT_SEMIHOSTING = 'enable=on,target=native';
/** The id of the chardev behind serial0; QEMU names it in its pty announcement. */
export const SERIAL_CHARDEV_ID = 'wrtuart0';

/** The emulator section of an emulated target, or VALUE_INVALID naming the target. */
export function emulatorOf(def: TargetDefinition): TargetEmulator {
  if (def.emulator === undefined) {
    throw new WrtError('VALUE_INVALID', `target ${def.id} is a ${def.kind} target without an emulator section; only emulated targets run under QEMU`, {
      field: '--target',
      limit: 'kind: emulated',
    });
  }
  return def.emulator;
}

/** argv[0] is the emulator binary as the target names it. */
export function qemuArgv(def: TargetDefinition, inputs: QemuArgvInputs): string[] {
  const emulator = emulatorOf(def);
  const targetArgs: string[] = [];
  for (const arg of emulator.args) {
    if (DROPPED_OPTIONS.includes(arg)) continue;
    if ((LAUNCHER_OWNED_OPTIONS as readonly string[]).includes(arg)) {
      throw new WrtError('TARGET_INVALID', `emulator.args of ${def.id} sets ${arg}, which the QEMU launcher sets itself`, {
        field: '/emulator/args',
        limit: `none of ${LAUNCHER_OWNED_OPTIONS.join(' ')}`,
      });
    }
    targetArgs.push(arg);
  }
  // The exit code comes back through semihosting; without it BKPT 0xAB aborts QEMU.
  if (!targetArgs.includes(SEMIHOSTING_OPTION)) targetArgs.push(SEMIHOSTING_OPTION, DEFAULT_SEMIHOSTING);
  return [
    emulator.binary,
    '-machine',
    emulator.machine,
    ...targetArgs,
    '-display',
    'none',
    '-monitor',
    'none',
    '-chardev',
    serialChardev(inputs.serial, inputs.uartLog),
    '-serial',
    `chardev:${SERIAL_CHARDEV_ID}`,
    '-S',
    '-qmp',
    `unix:${inputs.qmpSocket},server=on,wait=off`,
    ...(inputs.userQmpSocket === undefined ? [] : ['-qmp', `unix:${inputs.userQmpSocket},server=on,wait=off`]),
    ...(inputs.icount === true ? ['-icount', 'shift=0,align=off,sleep=off'] : []),
    '-kernel',
    inputs.elf,
    ...(inputs.extraArgs ?? []),
  ];
}

function serialChardev(serial: SerialEndpoint, uartLog: string): string {
  const common = `id=${SERIAL_CHARDEV_ID},logfile=${uartLog}`;
  return serial.kind === 'pty' ? `pty,${common}` : `socket,${common},path=${serial.path},server=on,wait=off`;
}

export interface PtyAnnouncement {
  readonly path: string;
  readonly label: string;
}

const ANNOUNCEMENT = /^char device redirected to (\/dev\/\S+) \(label ([^)]+)\)\s*$/;

/** Every `char device redirected to /dev/pts/N (label L)` line in QEMU's stdout so far. */
export function parsePtyAnnouncements(stdout: string): PtyAnnouncement[] {
  const found: PtyAnnouncement[] = [];
  for (const line of stdout.split('\n')) {
    const match = ANNOUNCEMENT.exec(line.replace(/\r$/, ''));
    if (match !== null && match[1] !== undefined && match[2] !== undefined) found.push({ path: match[1], label: match[2] });
  }
  return found;
}

/** The pty of serial0 (the board's UART0), once QEMU has printed it. */
export function serialPtyPath(stdout: string, label: string = SERIAL_CHARDEV_ID): string | undefined {
  return parsePtyAnnouncements(stdout).find((announcement) => announcement.label === label)?.path;
}
