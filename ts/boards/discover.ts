/**
 * `wrt-target boards`: the serial ports and debug probes attached to this machine, the target each
 * probe suggests, and a HIL hardware map of them. The reading is at the edges (serialport's list,
 * sysfs, /dev/serial/by-id); combining it is pure (combineDiscovery), so recorded or fake trees test it.
 */
import { readdirSync, realpathSync } from 'node:fs';
import { basename, join } from 'node:path';
import { stringify } from 'yaml';
import type { TargetDefinition } from '../targets/types.js';
import { guessTargets, knownProbe } from './usb-probes.js';
import { scanUsb, type UsbScan } from './sysfs.js';

export const SERIAL_BY_ID = '/dev/serial/by-id';

/** One serial port as serialport lists it (the fields wrt-target uses). */
export interface ListedPort {
  readonly path: string;
  readonly vendorId?: string;
  readonly productId?: string;
  readonly serialNumber?: string;
  readonly manufacturer?: string;
}

export interface SerialPortScan {
  readonly ports: readonly ListedPort[];
  /** Why the list is empty or partial (serialport on Linux asks udevadm). */
  readonly unseen: readonly string[];
}

export interface DiscoveredPort {
  readonly path: string;
  /** The stable /dev/serial/by-id link to it, when udev made one. */
  readonly byId?: string;
  readonly vendorId?: string;
  readonly productId?: string;
  /** Who saw it: serialport's list, the tty under a USB device in sysfs, or both. */
  readonly seenBy: readonly ('serialport' | 'sysfs')[];
}

export interface DiscoveredProbe {
  readonly name: string;
  readonly vendorId: string;
  readonly productId: string;
  readonly serial?: string;
  readonly usb: string;
  /** Its virtual COM ports, by-id link first when there is one. */
  readonly ports: readonly string[];
  /** Board targets it suggests; the first is the guess. */
  readonly targets: readonly string[];
}

export interface Discovery {
  readonly probes: readonly DiscoveredProbe[];
  readonly ports: readonly DiscoveredPort[];
  readonly unseen: readonly string[];
}

/** /dev/serial/by-id links by the device node they resolve to; empty without udev. */
export function readSerialById(dir: string = SERIAL_BY_ID): { readonly links: ReadonlyMap<string, string>; readonly unseen: readonly string[] } {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    if (code === 'ENOENT') return { links: new Map(), unseen: [`${dir}: does not exist (no udev, or no USB serial device): without those stable links no port goes into a hardware map`] };
    return { links: new Map(), unseen: [`${dir}: ${code === 'EACCES' ? 'permission denied' : code}`] };
  }
  const links = new Map<string, string>();
  for (const name of names.sort()) {
    try {
      // Keyed by the node's /dev name and valued by its /dev/serial/by-id path, whatever folder
      // was read (tests read a fake one): a tty node always lives in /dev.
      links.set(join('/dev', basename(realpathSync(join(dir, name)))), join(SERIAL_BY_ID, name));
    } catch {
      // A dangling link: the board went away while we looked.
    }
  }
  return { links, unseen: [] };
}

/** serialport's list, or what stopped it. */
export async function listSerialPorts(list?: () => Promise<readonly ListedPort[]>): Promise<SerialPortScan> {
  try {
    const lister = list ?? (async () => (await import('serialport')).SerialPort.list());
    return { ports: await lister(), unseen: [] };
  } catch (error) {
    return { ports: [], unseen: [`serial ports: serialport could not list them (${(error as Error).message}); ports are taken from sysfs only`] };
  }
}

/** Pure: ports, probes and their guessed targets from what each source saw. */
export function combineDiscovery(usb: UsbScan, serial: SerialPortScan, byId: ReadonlyMap<string, string>, byIdUnseen: readonly string[], targets: readonly TargetDefinition[]): Discovery {
  const ports = new Map<string, { path: string; vendorId?: string; productId?: string; seenBy: Set<'serialport' | 'sysfs'> }>();
  const note = (path: string, by: 'serialport' | 'sysfs', vendorId?: string, productId?: string): void => {
    const known = ports.get(path) ?? { path, seenBy: new Set() };
    known.seenBy.add(by);
    if (vendorId !== undefined) known.vendorId = vendorId.toLowerCase();
    if (productId !== undefined) known.productId = productId.toLowerCase();
    ports.set(path, known);
  };
  for (const port of serial.ports) note(port.path, 'serialport', port.vendorId, port.productId);
  for (const device of usb.devices) for (const tty of device.ttys) note(`/dev/${tty}`, 'sysfs', device.vendorId, device.productId);
  const portList: DiscoveredPort[] = [...ports.values()]
    .sort((a, b) => a.path.localeCompare(b.path))
    .map((p) => {
      const link = byId.get(p.path);
      return {
        path: p.path,
        ...(link === undefined ? {} : { byId: link }),
        ...(p.vendorId === undefined ? {} : { vendorId: p.vendorId }),
        ...(p.productId === undefined ? {} : { productId: p.productId }),
        seenBy: [...p.seenBy].sort(),
      };
    });
  const probes: DiscoveredProbe[] = [];
  for (const device of usb.devices) {
    const probe = knownProbe(device.vendorId, device.productId);
    if (probe === undefined) continue;
    const paths = device.ttys.map((tty) => `/dev/${tty}`);
    probes.push({
      name: probe.name,
      vendorId: device.vendorId,
      productId: device.productId,
      ...(device.serial === undefined ? {} : { serial: device.serial }),
      usb: device.sysfsName,
      ports: paths.map((path) => byId.get(path) ?? path),
      targets: guessTargets(probe, targets),
    });
  }
  return { probes, ports: portList, unseen: [...usb.unseen, ...serial.unseen, ...byIdUnseen] };
}

/** What this machine shows: sysfs, serialport's list and /dev/serial/by-id (roots overridable for tests). */
export async function discoverBoards(
  targets: readonly TargetDefinition[],
  options: { readonly sysfsRoot?: string; readonly byIdDir?: string; readonly listPorts?: () => Promise<readonly ListedPort[]> } = {},
): Promise<Discovery> {
  const usb = scanUsb(options.sysfsRoot);
  const serial = await listSerialPorts(options.listPorts);
  const byId = readSerialById(options.byIdDir);
  return combineDiscovery(usb, serial, byId.links, byId.unseen, targets);
}

/** A board id for the map: the probe kind and its serial (or USB position), in the map's id syntax. */
function boardId(probe: DiscoveredProbe): string {
  const kind = probe.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  const which = (probe.serial ?? probe.usb).toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return `${kind}-${which}`.slice(0, 64);
}

/**
 * The hardware map `hil run --hardware-map` reads (ts/hil/hardware-map.ts): one board per probe
 * that has a serial port and suggests a target, with the target's first flash runner and its UART
 * speed. Probes without either are listed in the header comment with the reason.
 */
export function hardwareMapText(discovery: Discovery, targets: readonly TargetDefinition[]): { readonly text: string; readonly boards: number; readonly skipped: readonly string[] } {
  const byTarget = new Map(targets.map((def) => [def.id, def]));
  const boards: Record<string, unknown>[] = [];
  const skipped: string[] = [];
  for (const probe of discovery.probes) {
    const target = probe.targets[0] === undefined ? undefined : byTarget.get(probe.targets[0]);
    const port = probe.ports.find((path) => path.startsWith(`${SERIAL_BY_ID}/`));
    if (target === undefined) {
      skipped.push(`${probe.name} ${probe.vendorId}:${probe.productId} (USB ${probe.usb}): no target definition has its boards`);
      continue;
    }
    if (port === undefined) {
      const why =
        probe.ports.length === 0
          ? 'no serial port (virtual COM port) seen'
          : `its port ${probe.ports.join(', ')} has no ${SERIAL_BY_ID} link (udev makes them), and a map needs a path that survives replugging`;
      skipped.push(`${probe.name} ${probe.vendorId}:${probe.productId} (USB ${probe.usb}): ${why}`);
      continue;
    }
    const others = probe.targets.slice(1);
    const runner = target.flashMethods[0]?.runner;
    boards.push({
      id: boardId(probe),
      target: target.id,
      connection: { serial: port },
      ...(runner === undefined || runner === 'none' ? {} : { runner }),
      ...(target.uart.baud === undefined ? {} : { baud: target.uart.baud }),
      notes: `${probe.name} ${probe.vendorId}:${probe.productId}${probe.serial === undefined ? '' : ` serial ${probe.serial}`} on USB ${probe.usb}; target guessed from the probe${others.length === 0 ? '' : `, could also be ${others.join(', ')}`}: check it`,
    });
  }
  const header = [
    '# Written by `wrt-target boards --generate-hardware-map`: the debug probes with a serial port, the',
    '# target each suggests (check it), its first flash runner and UART speed. Run:',
    '#   wrt-target hil run smoke --hardware-map THIS_FILE',
    ...skipped.map((line) => `# not listed: ${line}`),
    ...discovery.unseen.map((line) => `# not seen: ${line}`),
  ];
  return { text: `${header.join('\n')}\n${stringify({ boards }, { lineWidth: 0 })}`, boards: boards.length, skipped };
}
