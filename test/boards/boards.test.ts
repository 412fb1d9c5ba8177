/**
 * Board discovery on a fake sysfs tree and /dev/serial/by-id folder: the probes by USB id, their
 * ports, the targets they suggest, what could not be seen, and a hardware map the HIL reads back.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { discoverBoards, hardwareMapText } from '../../ts/boards/discover.js';
import { knownProbe } from '../../ts/boards/usb-probes.js';
import { runBoards } from '../../ts/cli/commands/boards.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { WrtError } from '../../ts/core/errors.js';
import { parseHardwareMap } from '../../ts/hil/hardware-map.js';
import { listTargets } from '../../ts/targets/index.js';

const root = mkdtempSync(join(tmpdir(), 'wrt-boards-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const STLINK_SERIAL = '0671FF485557725187122328';
const BY_ID_NAME = `usb-STMicroelectronics_STM32_STLink_${STLINK_SERIAL}-if02`;

function device(sysfs: string, name: string, attributes: Record<string, string>): string {
  const dir = join(sysfs, name);
  mkdirSync(dir, { recursive: true });
  for (const [key, value] of Object.entries(attributes)) writeFileSync(join(dir, key), `${value}\n`);
  return dir;
}

/** A machine with a Nucleo (ST-LINK/V2-1 with its VCP), a J-Link without a tty, an FTDI cable and a root hub. */
function fakeMachine(): { sysfs: string; byId: string } {
  const sysfs = join(root, 'sys', 'bus', 'usb', 'devices');
  device(sysfs, 'usb1', { idVendor: '1d6b', idProduct: '0002' });
  const stlink = device(sysfs, '1-2', { idVendor: '0483', idProduct: '374B', manufacturer: 'STMicroelectronics', product: 'STM32 STLink', serial: STLINK_SERIAL });
  mkdirSync(join(stlink, '1-2:1.2', 'tty', 'ttyACM0'), { recursive: true });
  device(sysfs, '1-3', { idVendor: '1366', idProduct: '1015', product: 'J-Link', serial: '000683000000' });
  const ftdi = device(sysfs, '2-1', { idVendor: '0403', idProduct: '6001' });
  mkdirSync(join(ftdi, '2-1:1.0', 'ttyUSB0'), { recursive: true });
  const dev = join(root, 'dev');
  mkdirSync(dev, { recursive: true });
  writeFileSync(join(dev, 'ttyACM0'), '');
  const byId = join(dev, 'serial', 'by-id');
  mkdirSync(byId, { recursive: true });
  symlinkSync(join(dev, 'ttyACM0'), join(byId, BY_ID_NAME));
  return { sysfs, byId };
}

const machine = fakeMachine();
const recordedPorts = async () => [{ path: '/dev/ttyACM0', vendorId: '0483', productId: '374b', serialNumber: STLINK_SERIAL }];

describe('boards: probes and ports from sysfs, serialport and /dev/serial/by-id', () => {
  it('knows the probes by USB id', () => {
    expect(['3748', '374b', '374e', '374f', '3753'].map((pid) => knownProbe('0483', pid)?.name)).toEqual([
      'ST-LINK/V2',
      'ST-LINK/V2-1',
      'ST-LINK/V3',
      'ST-LINK/V3',
      'ST-LINK/V3 (dual VCP)',
    ]);
    expect(knownProbe('2E8A', '000C')?.name).toBe('CMSIS-DAP (Raspberry Pi Debug Probe / Picoprobe)');
    expect(knownProbe('1366', '0105')?.name).toBe('SEGGER J-Link');
    expect(knownProbe('0403', '6001')).toBeUndefined();
  });

  it('lists each probe with its port and guessed target, and every port with who saw it', async () => {
    const discovery = await discoverBoards(listTargets(), { sysfsRoot: machine.sysfs, byIdDir: machine.byId, listPorts: recordedPorts });
    expect(discovery.probes).toEqual([
      { name: 'ST-LINK/V2-1', vendorId: '0483', productId: '374b', serial: STLINK_SERIAL, usb: '1-2', ports: [`/dev/serial/by-id/${BY_ID_NAME}`], targets: ['nucleo-f429zi', 'stm32f746g-disco'] },
      { name: 'SEGGER J-Link', vendorId: '1366', productId: '1015', serial: '000683000000', usb: '1-3', ports: [], targets: ['nrf52840-dk'] },
    ]);
    expect(discovery.ports).toEqual([
      { path: '/dev/ttyACM0', byId: `/dev/serial/by-id/${BY_ID_NAME}`, vendorId: '0483', productId: '374b', seenBy: ['serialport', 'sysfs'] },
      { path: '/dev/ttyUSB0', vendorId: '0403', productId: '6001', seenBy: ['sysfs'] },
    ]);
    expect(discovery.unseen).toEqual([]);
  });

  it('says what it could not see: no sysfs, serialport without udevadm, no by-id links', async () => {
    const discovery = await discoverBoards(listTargets(), {
      sysfsRoot: join(root, 'no-sys'),
      byIdDir: join(root, 'no-by-id'),
      listPorts: async () => {
        throw new Error('spawn udevadm ENOENT');
      },
    });
    expect(discovery.probes).toEqual([]);
    expect(discovery.unseen).toEqual([
      `USB devices: cannot read ${join(root, 'no-sys')}: it does not exist (no sysfs: not Linux, or a container without /sys); debug probes are not listed`,
      'serial ports: serialport could not list them (spawn udevadm ENOENT); ports are taken from sysfs only',
      `${join(root, 'no-by-id')}: does not exist (no udev, or no USB serial device): without those stable links no port goes into a hardware map`,
    ]);
  });

  it('writes a hardware map the HIL reads back: the ST-LINK board with openocd at 115200; the J-Link skipped with the reason', async () => {
    const targets = listTargets();
    const discovery = await discoverBoards(targets, { sysfsRoot: machine.sysfs, byIdDir: machine.byId, listPorts: recordedPorts });
    const map = hardwareMapText(discovery, targets);
    expect(map.boards).toBe(1);
    expect(map.skipped).toEqual(['SEGGER J-Link 1366:1015 (USB 1-3): no serial port (virtual COM port) seen']);
    const parsed = parseHardwareMap(map.text, 'generated.yaml');
    expect(parsed.boards.map((b) => ({ id: b.id, target: b.target?.id, connection: b.connection, runner: b.runner, baud: b.baud }))).toEqual([
      { id: `st-link-v2-1-${STLINK_SERIAL.toLowerCase()}`, target: 'nucleo-f429zi', connection: { kind: 'serial', port: `/dev/serial/by-id/${BY_ID_NAME}` }, runner: 'openocd', baud: 115200 },
    ]);
    expect(map.text).toContain('could also be stm32f746g-disco: check it');
  });

  it('the command: a table, --json, and --generate-hardware-map writes the file or exits 3 with nothing to write', async () => {
    const ctx = (out: BufferedOutput) => ({ output: out, env: {}, cwd: root, color: false });
    const deps = { sysfsRoot: machine.sysfs, byIdDir: machine.byId, listPorts: recordedPorts };
    const text = new BufferedOutput();
    expect(await runBoards({ generateHardwareMap: 'lab.yaml' }, ctx(text), deps)).toBe(0);
    expect(text.text).toContain('ST-LINK/V2-1');
    expect(text.text).toContain('wrote lab.yaml: 1 board (check each guessed target)');
    expect(parseHardwareMap(readFileSync(join(root, 'lab.yaml'), 'utf8'), 'lab.yaml').boards).toHaveLength(1);
    const json = new BufferedOutput();
    await runBoards({ json: true }, ctx(json), deps);
    const doc = JSON.parse(json.text) as { schema: string; probes: unknown[]; ports: unknown[]; hardwareMap: unknown };
    expect([doc.schema, doc.probes.length, doc.ports.length, doc.hardwareMap]).toEqual(['wrt-target/boards', 2, 2, null]);
    const empty = { sysfsRoot: join(root, 'no-sys'), byIdDir: join(root, 'no-by-id'), listPorts: async () => [] };
    const error = await runBoards({ generateHardwareMap: 'none.yaml' }, ctx(new BufferedOutput()), empty).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WrtError);
    expect((error as WrtError).code).toBe('HOST_READ_FAILED');
  });
});
