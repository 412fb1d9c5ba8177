/**
 * The host side of host calls (docs/protocol.md §4c) against a scripted device: a resent
 * HOST_CALL is answered from memory without running the function twice, a call of a new boot runs
 * again, and the INVOKE waiting meanwhile is not resent while the device keeps calling.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ProtocolClient } from '../../ts/device/client.js';
import { Deframer, encodeWireFrame, type Frame } from '../../ts/device/framing.js';
import { createMemoryLink } from '../../ts/device/memory-transport.js';
import { Flag, MessageType } from '../../ts/device/protocol.js';
import type { Transport } from '../../ts/device/transport.js';

const links: Transport[] = [];
afterEach(async () => {
  for (const link of links.splice(0)) await link.close();
});

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** HOST_CALL body: boot id, call id, import 0, one i32 argument. */
function hostCall(boot: number, call: number, arg: number): Uint8Array {
  const body = new Uint8Array(15);
  const view = new DataView(body.buffer);
  view.setUint32(0, boot, true);
  view.setUint32(4, call, true);
  body.set([0, 1, 0x7f], 8);
  view.setInt32(11, arg, true);
  return body;
}

const INVOKE_ANSWER = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0]);

describe('ProtocolClient serving host calls', () => {
  it('answers a resent HOST_CALL from memory, runs a new boot\'s call again, and keeps the INVOKE waiting', async () => {
    const [host, device] = createMemoryLink('fake');
    links.push(host);
    const requests: Frame[] = [];
    const results: Frame[] = [];
    let unsolicited = 0;
    const say = (type: number, body: Uint8Array): void => void device.write(encodeWireFrame({ type, flags: Flag.Unsolicited, seq: unsolicited++ }, body));
    // The script: INVOKE → call (1, 1) → its result "lost": the call again → call (2, 1) after a reset → the INVOKE's answer.
    const script: (() => void)[] = [
      () => say(MessageType.HostCall, hostCall(1, 1, 5)),
      () => setTimeout(() => say(MessageType.HostCall, hostCall(1, 1, 5)), 80),
      () => setTimeout(() => say(MessageType.HostCall, hostCall(2, 1, 6)), 80),
    ];
    let invoke: Frame | undefined;
    const deframer = new Deframer();
    device.onData((chunk) => {
      for (const event of deframer.push(chunk)) {
        if (event.kind !== 'frame') continue;
        const frame = event.frame;
        if (frame.type === MessageType.HostResult) {
          results.push(frame);
          const next = script.shift();
          if (next !== undefined) next();
          else if (invoke !== undefined) void device.write(encodeWireFrame({ type: MessageType.Invoke, flags: Flag.Response, seq: invoke.seq }, INVOKE_ANSWER));
          continue;
        }
        requests.push(frame);
        if (frame.type === MessageType.Invoke && invoke === undefined) {
          invoke = frame;
          script.shift()?.();
        }
      }
    });
    // A resend of the INVOKE would come after 100 ms; the calls come 80 ms apart.
    const client = new ProtocolClient(host, { requestTimeoutMs: 100, maxResends: 0 });
    const ran: number[] = [];
    client.serveHostCalls(async (call) => {
      ran.push(call.args[0]?.type === 'i32' ? call.args[0].value : -1);
      return { ok: true, results: [{ type: 'i32', value: 100 + ran.length }] };
    });
    const answer = await client.invoke('main');
    expect(answer.fuelUsed).toBe(1n);
    expect(ran).toEqual([5, 6]);
    expect(results.map((f) => hex(f.body))).toEqual(['01000000010000000001' + '7f65000000', '01000000010000000001' + '7f65000000', '02000000010000000001' + '7f66000000']);
    expect(results.every((f) => f.flags === 0)).toBe(true);
    expect(requests.filter((f) => f.type === MessageType.Invoke)).toHaveLength(1);
    expect([client.counters.hostCalls, client.counters.hostResultsResent, client.counters.resends]).toEqual([2, 1, 0]);
  });

  it('ignores a HOST_CALL resent while the function still runs, and fails a call whose function throws', async () => {
    const [host, device] = createMemoryLink('fake');
    links.push(host);
    const results: Frame[] = [];
    const deframer = new Deframer();
    device.onData((chunk) => {
      for (const event of deframer.push(chunk)) if (event.kind === 'frame' && event.frame.type === MessageType.HostResult) results.push(event.frame);
    });
    const client = new ProtocolClient(host);
    let release: () => void = () => undefined;
    let runs = 0;
    client.serveHostCalls(async () => {
      runs++;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      throw new Error('sensor unplugged');
    });
    const call = encodeWireFrame({ type: MessageType.HostCall, flags: Flag.Unsolicited, seq: 0 }, hostCall(3, 9, 1));
    await device.write(call);
    await device.write(encodeWireFrame({ type: MessageType.HostCall, flags: Flag.Unsolicited, seq: 1 }, hostCall(3, 9, 1)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(runs).toBe(1);
    release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(results.map((f) => hex(f.body))).toEqual(['03000000090000000100']);
  });
});
