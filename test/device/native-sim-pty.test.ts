/**
 * End to end over a pseudo-terminal: native-sim-proto-test --pty announces its PTY exactly as QEMU
 * does, the host opens it with openPtyTransport. Also: the host leaves mid-upload and a new host
 * session resumes the upload on the same device.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ProtocolClient } from '../../ts/device/client.js';
import { DeviceError, type DeviceErrorInfo } from '../../ts/device/device-errors.js';
import { buildFrame, cobsEncode, encodeWireFrame } from '../../ts/device/framing.js';
import { i32 } from '../../ts/device/messages.js';
import { DeviceErrorCode } from '../../ts/device/protocol.js';
import { expectWrtError, rejected } from '../support/wrt-error.js';
import { launchPtyProcess, parsePtyAnnouncement, type PtyProcess } from '../../ts/device/native-sim.js';
import { openPtyTransport } from '../../ts/device/pty-transport.js';
import type { Transport } from '../../ts/device/transport.js';
import { buildNativeSim, sha256, testModule } from './sim-helpers.js';

let binary = '';
const cleanup: Array<() => Promise<void>> = [];

beforeAll(() => {
  binary = buildNativeSim();
});

afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function startPty(): Promise<PtyProcess> {
  const sim = await launchPtyProcess(binary, ['--pty', '--device-id', 'pty-sim', '--idle-timeout-ms', '60', '--upload-capacity', '65536']);
  cleanup.push(() => sim.stop());
  return sim;
}

function open(path: string): Transport {
  const tty = openPtyTransport(path);
  cleanup.push(() => tty.close());
  return tty;
}

describe('PTY announcement', () => {
  it('reads QEMU and native-sim lines', () => {
    expect(parsePtyAnnouncement('QEMU 7.2.0 monitor\nchar device redirected to /dev/pts/7 (label serial0)\n')).toEqual({
      path: '/dev/pts/7',
      label: 'serial0',
    });
    expect(parsePtyAnnouncement('char device redirected to /dev/pts/')).toBeUndefined();
  });
});

describe('openPtyTransport', () => {
  it('names the path it cannot use', () => {
    expectWrtError(() => openPtyTransport('/dev/pts/no-such-pty'), 'FILE_NOT_FOUND', { file: '/dev/pts/no-such-pty' });
    const notATerminal = expectWrtError(() => openPtyTransport(binary), 'HOST_READ_FAILED', { file: binary });
    expect(notATerminal.message).toContain('is not a terminal');
  });
});

describe('native-sim over a PTY', () => {
  it('announces a PTY and answers HELLO, upload and INVOKE through it', async () => {
    const sim = await startPty();
    expect(sim.pty.path).toMatch(/^\/dev\/pts\/\d+$/);
    expect(sim.pty.label).toBe('serial0');
    const client = new ProtocolClient(open(sim.pty.path), { requestTimeoutMs: 500 });
    const hello = await client.hello();
    expect(hello.deviceId).toBe('pty-sim');
    const module = testModule(11, 30_000);
    const report = await client.transfer(module);
    expect(report.sha256).toBe(Buffer.from(sha256(module)).toString('hex'));
    expect((await client.invoke('add', [i32(-5), i32(12)])).results).toEqual([i32(7)]);
  });

  it('resumes an upload after the host closed the PTY mid-way', async () => {
    const sim = await startPty();
    const module = testModule(12, 12_000);
    const first = openPtyTransport(sim.pty.path);
    const client = new ProtocolClient(first, { requestTimeoutMs: 500 });
    await client.hello();
    await client.beginUpload({ size: module.length, sha256: sha256(module), profile: new Uint8Array(0) });
    const chunk = client.chunkBytes();
    let next = 0;
    for (let i = 0; i < 5; i++) next = await client.sendChunk(next, module.subarray(next, next + chunk));
    client.close();
    await first.close();

    const second = new ProtocolClient(open(sim.pty.path), { requestTimeoutMs: 500 });
    const report = await second.transfer(module);
    expect(report.resumedFrom).toBe(5 * chunk);
    expect(report.bytesSent).toBe(module.length - 5 * chunk);
    const stats = await second.stats();
    expect(stats.get('engine.loads')).toBe(1n);
    expect(stats.get('proto.uploads_resumed')).toBe(1n);
  });

  it('bad input over the PTY: error frames, refused hash, and the device still answers HELLO', async () => {
    const sim = await startPty();
    const tty = open(sim.pty.path);
    const client = new ProtocolClient(tty, { requestTimeoutMs: 500 });
    const notices: DeviceErrorInfo[] = [];
    client.onDeviceNotice((n) => notices.push(n));
    await client.hello();
    const waitFor = async (count: number): Promise<void> => {
      for (let i = 0; i < 200 && notices.length < count; i++) await new Promise((r) => setTimeout(r, 10));
      expect(notices.length).toBe(count);
    };

    await tty.write(Uint8Array.from([0, 0xde, 0xad, 0xbe, 0xef, 0]));
    await waitFor(1);
    const frame = buildFrame({ type: 6, flags: 0, seq: 3 }, new Uint8Array(0));
    frame[9] = (frame[9] ?? 0) ^ 0xff;
    await tty.write(Uint8Array.from([0, ...cobsEncode(frame), 0]));
    await waitFor(2);
    await tty.write(encodeWireFrame({ type: 1, flags: 0, seq: 4 }, new Uint8Array(0), true).subarray(0, 5));
    await waitFor(3);
    expect(notices.map((n) => n.code)).toEqual([DeviceErrorCode.FrameCrc, DeviceErrorCode.FrameCrc, DeviceErrorCode.FrameTruncated]);

    const big = await rejected(client.beginUpload({ size: 70_000, sha256: new Uint8Array(32), profile: new Uint8Array(0) }));
    expect(big).toBeInstanceOf(DeviceError);
    expect((big as DeviceError).device).toMatchObject({ code: DeviceErrorCode.UploadTooLarge, detail: 70_000, limit: 65_536 });

    const module = testModule(13, 2000);
    await client.beginUpload({ size: module.length, sha256: sha256(testModule(14, 2000)), profile: new Uint8Array(0) });
    let next = 0;
    while (next < module.length) next = await client.sendChunk(next, module.subarray(next, next + 700));
    const hash = await rejected(client.endUpload());
    expect((hash as DeviceError).device.code).toBe(DeviceErrorCode.HashMismatch);
    const refused = await rejected(client.invoke('add', [i32(1), i32(1)]));
    expect((refused as DeviceError).device.code).toBe(DeviceErrorCode.NoModule);

    expect((await client.hello()).deviceId).toBe('pty-sim');
    const stats = await client.stats();
    expect(stats.get('engine.loads')).toBe(0n);
    expect(stats.get('proto.frames_crc')).toBe(2n);
    expect(stats.get('proto.frames_truncated')).toBe(1n);
  });
});
