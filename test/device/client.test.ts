/**
 * ProtocolClient against scripted devices on an in-memory link: a board that stays silent through
 * its boot, a device that never answers, a link that closes, answers that break the protocol.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ProtocolClient } from '../../ts/device/client.js';
import { Deframer, encodeWireFrame, type Frame } from '../../ts/device/framing.js';
import { createMemoryLink } from '../../ts/device/memory-transport.js';
import { DeviceErrorCode, Flag, MessageType } from '../../ts/device/protocol.js';
import type { Transport } from '../../ts/device/transport.js';
import { rejected } from '../support/wrt-error.js';

const links: Transport[] = [];
afterEach(async () => {
  await Promise.all(links.splice(0).map((l) => l.close()));
});

function helloBody(maxFrame = 512): Uint8Array {
  const body = new Uint8Array(32 + 3);
  const view = new DataView(body.buffer);
  body[0] = 1;
  body[1] = 3;
  view.setUint16(2, maxFrame, true);
  view.setUint32(4, (1 << 16) | (2 << 8) | 3, true);
  view.setUint32(8, 4096, true);
  view.setUint32(12, 65536, true);
  view.setUint32(16, 8192, true);
  view.setUint32(20, 128, true);
  view.setUint32(24, 0b1011, true);
  view.setUint32(28, 99, true);
  body.set([0x62, 0x6f, 0x78], 32);
  return body;
}

/** A scripted device: `answer` decides what each request gets (undefined: silence). */
function fakeDevice(answer: (frame: Frame, count: number) => Uint8Array | undefined): {
  host: Transport;
  requests: Frame[];
} {
  const [host, device] = createMemoryLink('fake');
  links.push(host);
  const requests: Frame[] = [];
  const deframer = new Deframer();
  device.onData((chunk) => {
    for (const event of deframer.push(chunk)) {
      if (event.kind !== 'frame') continue;
      requests.push(event.frame);
      const reply = answer(event.frame, requests.length);
      if (reply !== undefined) void device.write(reply);
    }
  });
  return { host, requests };
}

const respond = (req: Frame, body: Uint8Array, type = req.type): Uint8Array =>
  encodeWireFrame({ type, flags: Flag.Response, seq: req.seq }, body);

describe('ProtocolClient', () => {
  it('resends HELLO through a silent boot and uses the first answer', async () => {
    const { host, requests } = fakeDevice((req, count) => (count >= 6 ? respond(req, helloBody()) : undefined));
    const client = new ProtocolClient(host, { helloIntervalMs: 10, helloTimeoutMs: 2000, initialSeq: 0xfffe });
    const hello = await client.hello();
    expect(hello).toEqual({
      protocolVersion: 1,
      maxFrame: 512,
      interpreterVersion: '1.2.3',
      arenaBytes: 4096,
      ramBytes: 65536,
      uploadCapacity: 8192,
      profileCapacity: 128,
      features: 0b1011,
      bootId: 99,
      deviceId: 'box',
    });
    /* All sends are the same request: same seq. */
    expect(new Set(requests.map((r) => r.seq))).toEqual(new Set([0xfffe]));
    expect(requests.length).toBeGreaterThanOrEqual(6);
    expect(client.counters.resends).toBeGreaterThanOrEqual(5);
    expect(client.chunkBytes()).toBe(512 - 12 - 4);
  });

  it('wraps the sequence number at 16 bits', async () => {
    const { host, requests } = fakeDevice((req) => respond(req, req.type === MessageType.Hello ? helloBody() : Uint8Array.of(1, 0, 0, 0)));
    const client = new ProtocolClient(host, { initialSeq: 0xffff });
    await client.hello();
    await client.beginUpload({ size: 1, sha256: new Uint8Array(32), profile: new Uint8Array(0) });
    expect(requests.map((r) => r.seq)).toEqual([0xffff, 0]);
  });

  it('fails with a WrtError naming the request when nothing answers', async () => {
    const { host, requests } = fakeDevice(() => undefined);
    const client = new ProtocolClient(host, { helloIntervalMs: 5, helloTimeoutMs: 40 });
    const error = await rejected(client.hello());
    expect(error.code).toBe('DEVICE_TIMEOUT');
    expect(error.message).toBe('no answer to Hello after 8 sends');
    expect(error.location).toMatchObject({ field: 'Hello', limit: '5 ms per send', source: 'fake (host end)' });
    expect(requests).toHaveLength(8);
  });

  it('fails a waiting request when the link closes', async () => {
    const { host } = fakeDevice(() => undefined);
    const client = new ProtocolClient(host, { requestTimeoutMs: 10_000 });
    const pending = client.stats();
    await new Promise((r) => setTimeout(r, 5));
    await host.close();
    const error = await rejected(pending);
    expect(error.message).toContain('link closed: closed by this end');
  });

  it('turns a malformed answer into a WrtError, never a RangeError', async () => {
    const { host } = fakeDevice((req) => respond(req, Uint8Array.of(1, 2, 3)));
    const client = new ProtocolClient(host, { requestTimeoutMs: 200 });
    const error = await rejected(client.hello());
    expect(error.code).toBe('PROTOCOL_ERROR');
    expect(error.message).toBe('HELLO answer is cut short');
    expect(error.location).toMatchObject({ field: 'max_frame', offset: 2 });
  });

  it('refuses an answer of the wrong type', async () => {
    const { host } = fakeDevice((req) => respond(req, new Uint8Array(0), MessageType.Stats));
    const client = new ProtocolClient(host, { requestTimeoutMs: 200 });
    const error = await rejected(client.hello());
    expect(error.message).toBe('device answered Hello with Stats');
  });

  it('ignores answers to other sequence numbers and counts them', async () => {
    const { host } = fakeDevice((req) => {
      const stale = encodeWireFrame({ type: req.type, flags: Flag.Response, seq: (req.seq + 100) & 0xffff }, helloBody());
      return Uint8Array.from([...stale, ...respond(req, helloBody())]);
    });
    const client = new ProtocolClient(host);
    expect((await client.hello()).deviceId).toBe('box');
    expect(client.counters.staleAnswers).toBe(1);
  });

  it('keeps requests under 256 bytes until HELLO announces a larger frame', async () => {
    const { host, requests } = fakeDevice(() => undefined);
    const client = new ProtocolClient(host);
    const error = await rejected(client.sendChunk(0, new Uint8Array(300)));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.location).toMatchObject({ field: 'max_frame', limit: '256 bytes' });
    expect(requests).toHaveLength(0);
  });
  it('sends the whole module when bytes the device kept fail its digest check', async () => {
    const module = Uint8Array.from({ length: 1200 }, (_, i) => (i * 7) & 0xff);
    const sha = createHash('sha256').update(module).digest();
    let begins = 0;
    const u32 = (n: number): Uint8Array => Uint8Array.of(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24);
    const { host, requests } = fakeDevice((req) => {
      switch (req.type) {
        case MessageType.Hello:
          return respond(req, helloBody());
        case MessageType.UploadBegin:
          // First the device still holds the module (next = size), then it starts over.
          return respond(req, u32(++begins === 1 ? module.length : 0));
        case MessageType.UploadChunk: {
          const offset = new DataView(req.body.buffer, req.body.byteOffset).getUint32(0, true);
          return respond(req, u32(offset + req.body.length - 4));
        }
        case MessageType.UploadEnd: {
          if (begins === 1) {
            const text = new TextEncoder().encode('SHA-256 differs');
            const error = Uint8Array.from([DeviceErrorCode.HashMismatch, 0, MessageType.UploadEnd, text.length, ...u32(module.length), ...u32(0), ...text]);
            return respond(req, error, MessageType.Error);
          }
          return respond(req, Uint8Array.from([...u32(module.length), ...sha]));
        }
        default:
          return undefined;
      }
    });
    const client = new ProtocolClient(host);
    const report = await client.transfer(module);
    expect(report).toMatchObject({ size: module.length, resumedFrom: 0, bytesSent: module.length });
    expect(requests.filter((r) => r.type === MessageType.UploadBegin)).toHaveLength(2);
    expect(requests.filter((r) => r.type === MessageType.UploadEnd)).toHaveLength(2);
  });

  it('does not send again after a digest mismatch of bytes it sent', async () => {
    const { host, requests } = fakeDevice((req) => {
      if (req.type === MessageType.Hello) return respond(req, helloBody());
      if (req.type === MessageType.UploadBegin) return respond(req, Uint8Array.of(0, 0, 0, 0));
      if (req.type === MessageType.UploadChunk) return respond(req, Uint8Array.of(10, 0, 0, 0));
      const text = new TextEncoder().encode('x');
      return respond(req, Uint8Array.from([DeviceErrorCode.HashMismatch, 0, MessageType.UploadEnd, 1, 10, 0, 0, 0, 0, 0, 0, 0, ...text]), MessageType.Error);
    });
    const client = new ProtocolClient(host);
    const error = await rejected(client.transfer(new Uint8Array(10)));
    expect(error.message).toContain('x');
    expect(requests.filter((r) => r.type === MessageType.UploadBegin)).toHaveLength(1);
  });
});
