/**
 * USB devices as Linux's sysfs shows them, read without udev: /sys/bus/usb/devices/<bus>-<port>
 * holds idVendor, idProduct and, when the device has them, manufacturer, product and serial; its
 * interfaces (<device>:<config>.<interface>) hold the tty a CDC-ACM or USB-serial driver made
 * (tty/ttyACM0, or ttyUSB0 directly). What cannot be read is said, never guessed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SYSFS_USB_DEVICES = '/sys/bus/usb/devices';

export interface UsbDevice {
  /** The sysfs name, e.g. "1-2" or "3-1.4". */
  readonly sysfsName: string;
  readonly vendorId: string;
  readonly productId: string;
  readonly manufacturer?: string;
  readonly product?: string;
  readonly serial?: string;
  /** tty names of its interfaces ("ttyACM0"), as /dev/<name>. */
  readonly ttys: readonly string[];
}

export interface UsbScan {
  readonly devices: readonly UsbDevice[];
  /** What could not be seen and why: a missing sysfs, a permission denied. */
  readonly unseen: readonly string[];
}

function errnoOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

function readAttribute(dir: string, name: string): string | undefined {
  try {
    return readFileSync(join(dir, name), 'latin1').trim();
  } catch {
    return undefined;
  }
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The ttys under a device's interfaces: <intf>/tty/<name> (cdc_acm) or <intf>/<ttyUSBn> (usb-serial). */
function ttysOf(dir: string, name: string): string[] {
  const ttys: string[] = [];
  for (const intf of list(dir).filter((entry) => entry.startsWith(`${name}:`))) {
    const intfDir = join(dir, intf);
    ttys.push(...list(join(intfDir, 'tty')));
    ttys.push(...list(intfDir).filter((entry) => /^tty(USB|ACM)\d+$/.test(entry)));
  }
  return [...new Set(ttys)].sort();
}

/** Every USB device under `root` (default /sys/bus/usb/devices); interfaces and hubs' ports are skipped. */
export function scanUsb(root: string = SYSFS_USB_DEVICES): UsbScan {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch (error) {
    const code = errnoOf(error);
    const why = code === 'ENOENT' ? 'it does not exist (no sysfs: not Linux, or a container without /sys)' : code === 'EACCES' ? 'permission denied' : code;
    return { devices: [], unseen: [`USB devices: cannot read ${root}: ${why}; debug probes are not listed`] };
  }
  const devices: UsbDevice[] = [];
  const unseen: string[] = [];
  for (const name of entries.filter((entry) => !entry.includes(':')).sort()) {
    const dir = join(root, name);
    const vendorId = readAttribute(dir, 'idVendor');
    const productId = readAttribute(dir, 'idProduct');
    if (vendorId === undefined || productId === undefined) {
      // Root hubs (usb1, ...) have ids too; an entry without them is unreadable rather than absent.
      if (!name.startsWith('usb')) unseen.push(`USB device ${name}: cannot read idVendor/idProduct in ${dir}`);
      continue;
    }
    const manufacturer = readAttribute(dir, 'manufacturer');
    const product = readAttribute(dir, 'product');
    const serial = readAttribute(dir, 'serial');
    devices.push({
      sysfsName: name,
      vendorId: vendorId.toLowerCase(),
      productId: productId.toLowerCase(),
      ...(manufacturer === undefined ? {} : { manufacturer }),
      ...(product === undefined ? {} : { product }),
      ...(serial === undefined ? {} : { serial }),
      ttys: ttysOf(dir, name),
    });
  }
  return { devices, unseen };
}
