/**
 * The upload's pipelining (ProtocolClient.upload, ts/device/client.ts) against a scripted device on
 * an in-memory link: as many chunk frames in flight as maxInFlightBytes holds, never more, and a
 * chunk the device never saw recovered through its UPLOAD_GAP answer, the module arriving intact.
 * (QEMU runs of the same path: faults-qemu.test.ts and deploy-qemu.test.ts.)
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ProtocolClient } from '../../ts/device/client.js';
import { Deframer, encodeWireFrame, type Frame } from '../../ts/device/framing.js';
import { createMemoryLink } from '../../ts/device/memory-transport.js';
import { DeviceErrorCode, Flag, MessageType } from '../../ts/device/protocol.js';
import type { Transport } from '../../ts/device/transport.js';
import { checksumModule } from './checksum-modules.js';

const links: Transport[] = [];
afterEach(async () => {
  await Promise.all(links.splice(0).map((l) => l.close()));
});

function helloBody(maxFrame: number): Uint8Array {
  const body = new Uint8Array(32 + 4);
  const view = new DataView(body.buffer);
  body[0] = 1;
  body[1] = 4;
  view.setUint16(2, maxFrame, true);
  view.setUint32(16, 1 << 20, true);
  view.setUint32(20, 256, true);
  view.setUint32(28, 1, true);
  body.set([0x66, 0x61, 0x6b, 0x65], 32);
  return body;
}

const u32 = (value: number): Uint8Array => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
};

function errorBody(code: number, aboutType: number, detail: number): Uint8Array {
  const body = new Uint8Array(12);
  const view = new DataView(body.buffer);
  view.setUint16(0, code, true);
  body[2] = aboutType;
  view.setUint32(4, detail, true);
  return body;
}

interface FakeUploadDevice {
  readonly host: Transport;
  /** The bytes the device holds. */
  received(): Uint8Array;
  /** Most UPLOAD_CHUNK requests received and not yet answered at any moment. */
  maxOutstanding(): number;
  chunkRequests(): number;
}

/**
 * A device with the upload rules of docs/protocol.md that answers each request 3 ms late (so a
 * pipelining host has the next chunk on the link meanwhile). `ignoreChunk(n)` true: the n-th chunk
 * request is lost on its way.
 */
function fakeUploadDevice(maxFrame: number, ignoreChunk: (n: number) => boolean = () => false): FakeUploadDevice {
  const [host, device] = createMemoryLink('fake upload device');
  links.push(host);
  const deframer = new Deframer();
  let buffer = new Uint8Array(0);
  let next = 0;
  let outstanding = 0;
  let maxOutstanding = 0;
  let chunks = 0;
  const answerLater = (req: Frame, type: number, body: Uint8Array, isChunk: boolean): void => {
    setTimeout(() => {
      if (isChunk) outstanding--;
      void device.write(encodeWireFrame({ type, flags: Flag.Response, seq: req.seq }, body));
    }, 3);
  };
  device.onData((bytes) => {
    for (const event of deframer.push(bytes)) {
      if (event.kind !== 'frame') continue;
      const req = event.frame;
      const view = new DataView(req.body.buffer, req.body.byteOffset, req.body.byteLength);
      if (req.type === MessageType.Hello) answerLater(req, req.type, helloBody(maxFrame), false);
      else if (req.type === MessageType.UploadBegin) {
        buffer = new Uint8Array(view.getUint32(0, true));
        next = 0;
        answerLater(req, req.type, u32(0), false);
      } else if (req.type === MessageType.UploadChunk) {
        chunks++;
        if (ignoreChunk(chunks)) continue;
        outstanding++;
        maxOutstanding = Math.max(maxOutstanding, outstanding);
        const offset = view.getUint32(0, true);
        const data = req.body.subarray(4);
        if (offset > next) {
          answerLater(req, MessageType.Error, errorBody(DeviceErrorCode.UploadGap, req.type, next), true);
          continue;
        }
        buffer.set(data, offset);
        next = Math.max(next, offset + data.length);
        answerLater(req, req.type, u32(next), true);
      } else if (req.type === MessageType.UploadEnd) {
        const digest = createHash('sha256').update(buffer.subarray(0, next)).digest();
        answerLater(req, req.type, Uint8Array.from([...u32(next), ...digest]), false);
      }
    }
  });
  return { host, received: () => buffer.subarray(0, next), maxOutstanding: () => maxOutstanding, chunkRequests: () => chunks };
}

describe('upload pipelining', () => {
  it('keeps two 1 KiB chunk frames in flight within the default 3 KiB, never three', async () => {
    const device = fakeUploadDevice(1024);
    const client = new ProtocolClient(device.host, { requestTimeoutMs: 1000 });
    await client.hello();
    expect(client.chunkBytes()).toBe(1024 - 12 - 4);
    expect(client.chunksInFlight()).toBe(2);
    const module = checksumModule(5, 20_000).bytes;
    const report = await client.transfer(module);
    expect(device.maxOutstanding()).toBe(2);
    expect(device.chunkRequests()).toBe(Math.ceil(module.length / 1008));
    expect(report.chunks).toBe(Math.ceil(module.length / 1008));
    expect(report.bytesSent).toBe(module.length);
    expect(Buffer.from(device.received()).equals(Buffer.from(module))).toBe(true);
  });

  it('sends one chunk at a time when maxInFlightBytes holds only one frame', async () => {
    const device = fakeUploadDevice(1024);
    const client = new ProtocolClient(device.host, { maxInFlightBytes: 1500 });
    await client.hello();
    expect(client.chunksInFlight()).toBe(1);
    await client.transfer(checksumModule(6, 6000).bytes);
    expect(device.maxOutstanding()).toBe(1);
  });

  it('recovers a lost chunk through the UPLOAD_GAP its successor gets; the module arrives intact', async () => {
    const device = fakeUploadDevice(512, (n) => n === 3);
    const client = new ProtocolClient(device.host, { requestTimeoutMs: 40, maxResends: 5 });
    await client.hello();
    const module = checksumModule(7, 5000).bytes;
    const report = await client.transfer(module);
    expect(report.sha256).toBe(createHash('sha256').update(module).digest('hex'));
    expect(Buffer.from(device.received()).equals(Buffer.from(module))).toBe(true);
    expect(client.counters.resends).toBeGreaterThanOrEqual(1);
    // The lost chunk's resend and the re-sent successor came on top of one request per chunk.
    expect(device.chunkRequests()).toBeGreaterThan(Math.ceil(module.length / client.chunkBytes()));
  });
});
