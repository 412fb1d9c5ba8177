/**
 * FaultInjectingTransport's unannounced device resets (FaultOptions.resets), on an in-memory link:
 * the trigger runs before the write it was drawn for and the write follows it, resets count as
 * faults, and adding resets leaves a seed's byte faults exactly as they were.
 */
import { describe, expect, it } from 'vitest';
import { FaultInjectingTransport, type FaultOptions } from '../../ts/device/fault-transport.js';
import { createMemoryLink } from '../../ts/device/memory-transport.js';
import type { Transport } from '../../ts/device/transport.js';

/** Writes of 64 bytes, all below 0x80; `options` may write to the undamaged inner link. */
async function run(options: FaultOptions | ((inner: Transport) => FaultOptions), writes: number): Promise<{ received: number[]; faulty: FaultInjectingTransport }> {
  const [host, device] = createMemoryLink('fault resets');
  const received: number[] = [];
  device.onData((chunk) => received.push(...chunk));
  const faulty = new FaultInjectingTransport(host, typeof options === 'function' ? options(host) : options);
  for (let i = 0; i < writes; i++) await faulty.write(Uint8Array.from({ length: 64 }, (_, j) => (i * 64 + j) & 0x7f));
  await new Promise((resolve) => setTimeout(resolve, 10));
  await faulty.close();
  await device.close();
  return { received, faulty };
}

describe('FaultInjectingTransport resets', () => {
  it('runs the trigger before the write it was drawn for, counts it, and keeps the byte faults of the seed', async () => {
    const base: FaultOptions = { seed: 42, rate: 0.01, maxDelayMs: 1, direction: 'to-device' };
    const plain = await run(base, 200);
    let triggered = 0;
    const withResets = await run({ ...base, resets: { ratePerWrite: 0.05, trigger: () => Promise.resolve(void triggered++) } }, 200);
    expect(withResets.faulty.resets).toBeGreaterThan(3);
    expect(withResets.faulty.resets).toBeLessThan(25);
    expect(triggered).toBe(withResets.faulty.resets);
    expect(withResets.faulty.total).toBe(plain.faulty.total + withResets.faulty.resets);
    expect(withResets.faulty.counts).toEqual(plain.faulty.counts);
    expect(withResets.received).toEqual(plain.received);
  });

  it('injects no reset while disabled or when only the other direction is damaged', async () => {
    let triggered = 0;
    const resets = { ratePerWrite: 1, trigger: () => Promise.resolve(void triggered++) };
    const fromDevice = await run({ seed: 1, rate: 0, direction: 'from-device', resets }, 20);
    expect(fromDevice.faulty.resets).toBe(0);
    const [host] = createMemoryLink('disabled');
    const disabled = new FaultInjectingTransport(host, { seed: 1, rate: 0, resets });
    disabled.enabled = false;
    await disabled.write(Uint8Array.of(1, 2, 3));
    expect(disabled.resets).toBe(0);
    expect(triggered).toBe(0);
    await disabled.close();
    expect(triggered).toBe(0);
  });

  it('puts what the trigger sends on the inner link before the write it was drawn for', async () => {
    const always = await run((inner) => ({ seed: 1, rate: 0, resets: { ratePerWrite: 1, trigger: () => inner.write(Uint8Array.of(0xff)) } }), 3);
    expect(always.faulty.resets).toBe(3);
    const expected = [0, 1, 2].flatMap((i) => [0xff, ...Array.from({ length: 64 }, (_, j) => (i * 64 + j) & 0x7f)]);
    expect(always.received).toEqual(expected);
  });
});
