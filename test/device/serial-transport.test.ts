/**
 * openSerialTransport against serialport's SerialPortMock (a scripted device, an echoing line, a
 * missing port, errors under an open port), and live: serialport's real SerialPort on the PTY of a
 * native-sim-proto-test --pty (serialport opens a pty like any tty), HELLO, upload and INVOKE.
 *
 * SerialPortMock comes from serialport itself: a separate import of @serialport/binding-mock would
 * be another instance, with its own (empty) list of ports.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort, SerialPortMock } from 'serialport';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProtocolClient } from '../../ts/device/client.js';
import { Deframer, encodeWireFrame } from '../../ts/device/framing.js';
import { i32 } from '../../ts/device/messages.js';
import { launchPtyProcess, type PtyProcess } from '../../ts/device/native-sim.js';
import { Flag, MessageType } from '../../ts/device/protocol.js';
import { DEFAULT_SERIAL_BAUD, openDeviceLink, serialLinkKind } from '../../ts/device/serial-link.js';
import {
  openFailureCode,
  openSerialTransport,
  SERIAL_MAX_IN_FLIGHT_BYTES,
  serialPortSettings,
  type SerialPortLike,
  type SerialPortSettings,
} from '../../ts/device/serial-transport.js';
import type { Transport } from '../../ts/device/transport.js';
import { rejected } from '../support/wrt-error.js';
import { buildNativeSim, sha256, testModule } from './sim-helpers.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
  SerialPortMock.binding.reset();
});

function keep(transport: Transport): Transport {
  cleanup.push(() => transport.close());
  return transport;
}

const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));

/**
 * A SerialPortMock that records every write the transport hands it and how many bytes were written
 * but not yet called back; `hold` keeps writes from completing (a line that stopped draining).
 */
class RecordingPort implements SerialPortLike {
  static made: RecordingPort[] = [];
  readonly inner: SerialPortMock;
  readonly writes: number[] = [];
  outstanding = 0;
  maxOutstanding = 0;
  hold = false;
  /** Called with each write once the mock took it (the device side of the line). */
  peer: ((bytes: Buffer) => void) | undefined;

  constructor(settings: SerialPortSettings) {
    this.inner = new SerialPortMock(settings);
    RecordingPort.made.push(this);
  }

  get isOpen(): boolean {
    return this.inner.isOpen;
  }

  open(callback: (error: Error | null) => void): void {
    this.inner.open(callback);
  }

  write(chunk: Buffer, callback: (error: Error | null | undefined) => void): boolean {
    this.writes.push(chunk.length);
    this.outstanding += chunk.length;
    this.maxOutstanding = Math.max(this.maxOutstanding, this.outstanding);
    if (this.hold) return false;
    return this.inner.write(chunk, (error) => {
      this.outstanding -= chunk.length;
      callback(error);
      if (error === undefined || error === null) this.peer?.(chunk);
    });
  }

  close(callback?: (error: Error | null) => void): void {
    this.inner.close(callback);
  }

  /** The mock binding under the open port: the device end of the line. */
  emitFromDevice(bytes: Uint8Array): void {
    const binding = this.inner.port;
    if (binding === undefined) throw new Error('the mock port is not open');
    binding.emitData(Buffer.from(bytes));
  }

  on(event: 'data', listener: (chunk: Buffer) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
  on(event: 'close', listener: (error?: Error | null) => void): this;
  on(event: 'data' | 'error' | 'close', listener: ((chunk: Buffer) => void) | ((error: Error) => void) | ((error?: Error | null) => void)): this {
    this.inner.on(event, listener as (...args: unknown[]) => void);
    return this;
  }
}

function lastPort(): RecordingPort {
  const port = RecordingPort.made.at(-1);
  if (port === undefined) throw new Error('no port was made');
  return port;
}

async function openMock(path: string, echo = false): Promise<{ transport: Transport; port: RecordingPort }> {
  SerialPortMock.binding.createPort(path, { echo });
  const transport = keep(await openSerialTransport(path, { baudRate: 921600, SerialPort: RecordingPort }));
  return { transport, port: lastPort() };
}

function helloBody(deviceId: string): Uint8Array {
  const id = new TextEncoder().encode(deviceId);
  const body = new Uint8Array(32 + id.length);
  const view = new DataView(body.buffer);
  body[0] = 1;
  body[1] = id.length;
  view.setUint16(2, 1024, true);
  view.setUint32(4, (1 << 16) | (4 << 8) | 2, true);
  view.setUint32(8, 40_000, true);
  view.setUint32(12, 65_536, true);
  view.setUint32(16, 8192, true);
  view.setUint32(20, 256, true);
  view.setUint32(24, 0b11, true);
  view.setUint32(28, 7, true);
  body.set(id, 32);
  return body;
}

describe('choosing the link', () => {
  it('keeps ptys on the tty transport and sends every other node through serialport', () => {
    expect(serialLinkKind('/dev/pts/4')).toBe('pty');
    expect(serialLinkKind('/dev/pts/123')).toBe('pty');
    expect(serialLinkKind('/dev/serial/by-id/usb-STMicroelectronics_STM32_STLink_0671-if02')).toBe('serialport');
    expect(serialLinkKind('/dev/ttyACM0')).toBe('serialport');
    expect(serialLinkKind('/dev/pts/ptmx')).toBe('serialport');
    expect(serialLinkKind('COM3')).toBe('serialport');
  });

  it('sets 8N1, no flow control, an exclusive lock and no hangup on close', () => {
    expect(serialPortSettings('/dev/ttyUSB0', 57600)).toEqual({
      path: '/dev/ttyUSB0',
      baudRate: 57600,
      dataBits: 8,
      stopBits: 1,
      parity: 'none',
      rtscts: false,
      xon: false,
      xoff: false,
      xany: false,
      hupcl: false,
      lock: true,
      autoOpen: false,
    });
  });

  it('classifies open failures by serialport\'s messages', () => {
    expect(openFailureCode('No such file or directory, cannot open /dev/ttyACM9')).toBe('FILE_NOT_FOUND');
    expect(openFailureCode('Opening COM7: File not found')).toBe('FILE_NOT_FOUND');
    expect(openFailureCode('Input/output error, cannot open /dev/ttyUSB0')).toBe('DEVICE_ERROR');
    expect(openFailureCode('Permission denied, cannot open /dev/ttyUSB0')).toBe('HOST_READ_FAILED');
    expect(openFailureCode('Resource temporarily unavailable Cannot lock port')).toBe('HOST_READ_FAILED');
    expect(openFailureCode('Inappropriate ioctl for device setting custom baud rate of 115200')).toBe('HOST_READ_FAILED');
  });

  it('opens a non-pty path through serialport at the default baud when none is given', async () => {
    SerialPortMock.binding.createPort('/dev/ttyUSB7');
    const transport = keep(await openDeviceLink('/dev/ttyUSB7', undefined, { SerialPort: RecordingPort }));
    expect(transport.description).toBe('serial /dev/ttyUSB7');
    expect(lastPort().inner.port?.openOptions).toMatchObject({ path: '/dev/ttyUSB7', baudRate: DEFAULT_SERIAL_BAUD, dataBits: 8, stopBits: 1, parity: 'none', rtscts: false });
    SerialPortMock.binding.createPort('/dev/ttyUSB8');
    keep(await openDeviceLink('/dev/ttyUSB8', 9600, { SerialPort: RecordingPort }));
    expect(lastPort().inner.port?.openOptions.baudRate).toBe(9600);
  });
});

describe('openSerialTransport over SerialPortMock', () => {
  it('carries a HELLO round trip of ProtocolClient to a scripted device', async () => {
    const { transport, port } = await openMock('/dev/ttyMOCK0');
    const deframer = new Deframer();
    const seen: number[] = [];
    port.peer = (bytes) => {
      for (const event of deframer.push(bytes)) {
        if (event.kind !== 'frame') continue;
        seen.push(event.frame.type);
        if (event.frame.type === MessageType.Hello) {
          port.emitFromDevice(encodeWireFrame({ type: MessageType.Hello, flags: Flag.Response, seq: event.frame.seq }, helloBody('mock-board')));
        }
      }
    };
    const client = new ProtocolClient(transport, { helloIntervalMs: 20, helloTimeoutMs: 2000 });
    const hello = await client.hello();
    client.close();
    expect(hello).toMatchObject({ protocolVersion: 1, maxFrame: 1024, interpreterVersion: '1.4.2', arenaBytes: 40_000, uploadCapacity: 8192, bootId: 7, deviceId: 'mock-board' });
    expect(seen[0]).toBe(MessageType.Hello);
    expect(port.inner.port?.openOptions.baudRate).toBe(921600);
  });

  it('never has more than 3 KiB in flight, and bytes arrive whole and in order', async () => {
    const { transport, port } = await openMock('/dev/ttyMOCK1', true);
    const echoed: number[] = [];
    transport.onData((chunk) => echoed.push(...chunk));
    const first = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7) & 0xff);
    const second = Uint8Array.from({ length: 5000 }, (_, i) => (i * 13 + 1) & 0xff);
    await Promise.all([transport.write(first), transport.write(second)]);
    expect(port.writes).toEqual([3072, 3072, 3072, 784, 3072, 1928]);
    expect(port.maxOutstanding).toBe(SERIAL_MAX_IN_FLIGHT_BYTES);
    for (let i = 0; i < 100 && echoed.length < 15_000; i++) await tick();
    expect(Buffer.from(echoed).equals(Buffer.concat([first, second]))).toBe(true);
  });

  it('names a port that does not exist, and one another host holds', async () => {
    const missing = await rejected(openSerialTransport('/dev/serial/by-id/no-such-board', { baudRate: 115200, SerialPort: SerialPortMock }));
    expect(missing.code).toBe('FILE_NOT_FOUND');
    expect(missing.location).toEqual({ file: '/dev/serial/by-id/no-such-board' });
    expect(missing.message).toMatch(/^cannot open the serial port at 115200 baud: Port does not exist/);

    await openMock('/dev/ttyMOCK2');
    const locked = await rejected(openSerialTransport('/dev/ttyMOCK2', { baudRate: 115200, SerialPort: SerialPortMock }));
    expect(locked.code).toBe('HOST_READ_FAILED');
    expect(locked.message).toContain('Port is locked cannot open');
  });

  it('refuses a baud rate that is none', async () => {
    const error = await rejected(openSerialTransport('/dev/ttyMOCK3', { baudRate: 0, SerialPort: SerialPortMock }));
    expect(error.code).toBe('VALUE_INVALID');
    expect(error.location).toEqual({ file: '/dev/ttyMOCK3', field: 'baud', limit: 'a positive integer' });
  });

  it('closes once however often it is asked, and releases the port', async () => {
    const { transport, port } = await openMock('/dev/ttyMOCK4');
    await Promise.all([transport.close(), transport.close()]);
    await transport.close();
    expect(await transport.closed).toEqual({ reason: 'closed by the host' });
    expect(port.isOpen).toBe(false);
    const late = await rejected(transport.write(Uint8Array.of(1)));
    expect(late.code).toBe('PROTOCOL_ERROR');
    expect(late.message).toBe('serial /dev/ttyMOCK4 is closed (closed by the host)');
    // The lock is gone: the port opens again.
    const again = keep(await openSerialTransport('/dev/ttyMOCK4', { baudRate: 115200, SerialPort: RecordingPort }));
    expect(again.description).toBe('serial /dev/ttyMOCK4');
  });

  it('turns an error event into a closed transport with the reason, failing the write in flight', async () => {
    const { transport, port } = await openMock('/dev/ttyMOCK5');
    port.hold = true;
    const stuck = transport.write(new Uint8Array(5000));
    await tick();
    expect(port.writes).toEqual([3072]);
    const framing = new Error('framing error on the line');
    port.inner.emit('error', framing);
    expect(await transport.closed).toEqual({ reason: 'serial port error: framing error on the line', error: framing });
    const failed = await rejected(stuck);
    expect(failed.message).toBe('serial /dev/ttyMOCK5 is closed (serial port error: framing error on the line)');
    expect(port.writes).toEqual([3072]);
    for (let i = 0; i < 20 && port.isOpen; i++) await tick();
    expect(port.isOpen).toBe(false);
  });

  it('reports an adapter pulled out as the port removed', async () => {
    const { transport, port } = await openMock('/dev/ttyMOCK6');
    port.inner._disconnected(new Error('EIO: i/o error, read'));
    const closed = await transport.closed;
    expect(closed.reason).toBe('port removed: EIO: i/o error, read');
    expect(closed.error).toMatchObject({ disconnected: true, message: 'EIO: i/o error, read' });
    await transport.close();
    expect(port.isOpen).toBe(false);
  });
});

describe('openSerialTransport on a real tty (serialport\'s SerialPort)', () => {
  let binary = '';
  beforeAll(() => {
    binary = buildNativeSim();
  });

  async function startPty(): Promise<PtyProcess> {
    const sim = await launchPtyProcess(binary, ['--pty', '--device-id', 'serial-sim', '--idle-timeout-ms', '60', '--upload-capacity', '65536']);
    cleanup.push(() => sim.stop());
    return sim;
  }

  it('drives native-sim through its PTY: HELLO, a 30 KB upload and INVOKE', async () => {
    const sim = await startPty();
    const transport = keep(await openSerialTransport(sim.pty.path, { baudRate: 115200 }));
    expect(transport.description).toBe(`serial ${sim.pty.path}`);
    const client = new ProtocolClient(transport, { requestTimeoutMs: 500 });
    const hello = await client.hello();
    expect(hello.deviceId).toBe('serial-sim');
    expect(hello.uploadCapacity).toBe(65_536);
    const module = testModule(21, 30_000);
    const report = await client.transfer(module);
    expect(report.sha256).toBe(Buffer.from(sha256(module)).toString('hex'));
    expect(report.bytesSent).toBe(30_000);
    expect((await client.invoke('add', [i32(-5), i32(12)])).results).toEqual([i32(7)]);
    expect((await client.invoke('add', [i32(0x7fffffff), i32(1)])).results).toEqual([i32(-0x80000000)]);
    client.close();
    await transport.close();
    expect((await transport.closed).reason).toBe('closed by the host');
  });

  it('refuses a second host on the same port, a missing node and a file that is no tty', async () => {
    const sim = await startPty();
    keep(await openSerialTransport(sim.pty.path, { baudRate: 115200 }));
    const second = await rejected(openSerialTransport(sim.pty.path, { baudRate: 115200 }));
    expect(second.code).toBe('HOST_READ_FAILED');
    expect(second.location).toEqual({ file: sim.pty.path });
    expect(second.message).toMatch(/Cannot lock port \(another program has the port open\)$/);

    const missing = await rejected(openSerialTransport('/dev/ttyNO-SUCH-ADAPTER', { baudRate: 115200, SerialPort }));
    expect(missing.code).toBe('FILE_NOT_FOUND');
    expect(missing.message).toBe('cannot open the serial port at 115200 baud: No such file or directory, cannot open /dev/ttyNO-SUCH-ADAPTER');

    const file = join(tmpdir(), `wrt-serial-not-a-tty-${process.pid}`);
    writeFileSync(file, 'plain file');
    const notTty = await rejected(openSerialTransport(file, { baudRate: 115200 }));
    expect(notTty.code).toBe('HOST_READ_FAILED');
    expect(notTty.message).toMatch(/Inappropriate ioctl for device.*\(not a serial port\)$/);
  });
});
