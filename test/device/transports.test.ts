import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../ts/core/prng.js';
import { damage, FaultInjectingTransport, type FaultCounts } from '../../ts/device/fault-transport.js';
import { createMemoryLink } from '../../ts/device/memory-transport.js';

const zero = (): FaultCounts => ({ drop: 0, corrupt: 0, duplicate: 0, delay: 0 });

describe('memory link', () => {
  it('delivers what one end writes to the other, in order, and closes both ends', async () => {
    const [a, b] = createMemoryLink('pair');
    const got: number[] = [];
    b.onData((c) => got.push(...c));
    await a.write(Uint8Array.of(1, 2));
    await a.write(Uint8Array.of(3));
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual([1, 2, 3]);
    await a.close();
    expect((await b.closed).reason).toBe('peer closed');
    await expect(b.write(Uint8Array.of(4))).rejects.toThrow('closed');
  });
});

describe('fault injection', () => {
  const chunk = Uint8Array.from({ length: 4000 }, (_, i) => i & 0xff);

  it('is deterministic for a seed', () => {
    const options = { seed: 7, rate: 0.05 };
    const first = damage(chunk, mulberry32(7), options, zero());
    const second = damage(chunk, mulberry32(7), options, zero());
    const other = damage(chunk, mulberry32(8), { ...options, seed: 8 }, zero());
    expect(Buffer.from(first.bytes).equals(Buffer.from(second.bytes))).toBe(true);
    expect(Buffer.from(first.bytes).equals(Buffer.from(other.bytes))).toBe(false);
  });

  it('applies each kind as counted', () => {
    const drops = zero();
    expect(damage(chunk, mulberry32(1), { seed: 1, rate: 0.1, weights: { corrupt: 0, duplicate: 0, delay: 0 } }, drops).bytes.length).toBe(
      4000 - drops.drop,
    );
    expect(drops.drop).toBeGreaterThan(300);
    const dups = zero();
    expect(damage(chunk, mulberry32(1), { seed: 1, rate: 0.1, weights: { drop: 0, corrupt: 0, delay: 0 } }, dups).bytes.length).toBe(
      4000 + dups.duplicate,
    );
    const corrupt = zero();
    const damaged = damage(chunk, mulberry32(2), { seed: 2, rate: 0.1, weights: { drop: 0, duplicate: 0, delay: 0 } }, corrupt);
    const changed = damaged.bytes.reduce((n, b, i) => n + (b !== chunk[i] ? 1 : 0), 0);
    expect(changed).toBe(corrupt.corrupt);
    const delays = zero();
    const delayed = damage(chunk, mulberry32(3), { seed: 3, rate: 0.01, maxDelayMs: 9, weights: { drop: 0, corrupt: 0, duplicate: 0 } }, delays);
    expect(Buffer.from(delayed.bytes).equals(Buffer.from(chunk))).toBe(true);
    expect(delayed.delayMs).toBeGreaterThanOrEqual(1);
    expect(delayed.delayMs).toBeLessThanOrEqual(9);
  });

  it('keeps order through delays and damages only the chosen direction', async () => {
    const [host, device] = createMemoryLink();
    const faulty = new FaultInjectingTransport(host, { seed: 5, rate: 0.5, direction: 'to-device', weights: { drop: 0, corrupt: 0, duplicate: 0 }, maxDelayMs: 3 });
    const atDevice: number[] = [];
    const atHost: number[] = [];
    device.onData((c) => atDevice.push(...c));
    faulty.onData((c) => atHost.push(...c));
    for (let i = 0; i < 20; i++) await faulty.write(Uint8Array.of(i));
    await device.write(Uint8Array.of(200, 201));
    await new Promise((r) => setTimeout(r, 20));
    expect(atDevice).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(atHost).toEqual([200, 201]);
    expect(faulty.counts.delay).toBeGreaterThan(0);
    await faulty.close();
  });
});
