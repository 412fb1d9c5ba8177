/**
 * Wraps a Transport and damages the bytes crossing it: drops, corrupts, duplicates and delays
 * bytes, in either direction, and (given a way to do it) resets the device between two writes.
 * Decisions come from a seeded generator, so a seed and a byte stream give the same faults every
 * run. Order is kept: a delayed chunk holds back the ones behind it.
 */
import type { Transport, TransportClosed } from './transport.js';
import { mulberry32 } from '../core/prng.js';

export type FaultKind = 'drop' | 'corrupt' | 'duplicate' | 'delay';

export interface FaultOptions {
  readonly seed: number;
  /** Probability per byte that a fault hits it (0 .. 1). */
  readonly rate: number;
  /** Relative weights of the kinds (default all 1). */
  readonly weights?: Partial<Record<FaultKind, number>>;
  /** Which bytes are damaged (default both). */
  readonly direction?: 'both' | 'to-device' | 'from-device';
  /** Longest delay, ms (default 20). */
  readonly maxDelayMs?: number;
  /**
   * Device resets the host did not ask for (a watchdog, a brown-out): before a write to the device
   * is passed on, with probability `ratePerWrite`, `trigger` runs (it must reset the device, e.g.
   * send a RESET frame on the inner link or reset the emulator) and the write follows once it
   * settled. Drawn from a generator of its own, so adding resets keeps the byte faults of a seed.
   */
  readonly resets?: { readonly ratePerWrite: number; readonly trigger: () => Promise<void> };
}

export type FaultCounts = Record<FaultKind, number>;

export interface DamagedChunk {
  readonly bytes: Uint8Array;
  readonly delayMs: number;
}

/** The pure part: damages one chunk with the generator and counts what it did. */
export function damage(chunk: Uint8Array, random: () => number, options: FaultOptions, counts: FaultCounts): DamagedChunk {
  const kinds: FaultKind[] = ['drop', 'corrupt', 'duplicate', 'delay'];
  const weights = kinds.map((kind) => Math.max(0, options.weights?.[kind] ?? 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const out: number[] = [];
  let delayMs = 0;
  for (const byte of chunk) {
    if (total === 0 || random() >= options.rate) {
      out.push(byte);
      continue;
    }
    let pick = random() * total;
    let kind: FaultKind = 'drop';
    for (let i = 0; i < kinds.length; i++) {
      pick -= weights[i] ?? 0;
      if (pick < 0) {
        kind = kinds[i] ?? 'drop';
        break;
      }
    }
    counts[kind]++;
    switch (kind) {
      case 'drop':
        break;
      case 'corrupt':
        out.push(byte ^ (1 + Math.floor(random() * 255)));
        break;
      case 'duplicate':
        out.push(byte, byte);
        break;
      case 'delay':
        out.push(byte);
        delayMs = Math.max(delayMs, 1 + Math.floor(random() * (options.maxDelayMs ?? 20)));
        break;
    }
  }
  return { bytes: Uint8Array.from(out), delayMs };
}

export class FaultInjectingTransport implements Transport {
  readonly description: string;
  readonly closed: Promise<TransportClosed>;
  readonly counts: FaultCounts = { drop: 0, corrupt: 0, duplicate: 0, delay: 0 };
  /** Faults are injected only while this is true. */
  enabled = true;
  private readonly inner: Transport;
  private readonly options: FaultOptions;
  private readonly random: () => number;
  private readonly resetRandom: () => number;
  private resetCount = 0;
  private readonly listeners = new Set<(chunk: Uint8Array) => void>();
  private readonly detach: () => void;
  private toDevice: Promise<void> = Promise.resolve();
  private fromDevice: Promise<void> = Promise.resolve();

  constructor(inner: Transport, options: FaultOptions) {
    this.inner = inner;
    this.options = options;
    this.random = mulberry32(options.seed);
    this.resetRandom = mulberry32(options.seed ^ 0x5e5e7);
    this.description = `${inner.description} (fault injection, seed ${options.seed})`;
    this.closed = inner.closed;
    this.detach = inner.onData((chunk) => this.receive(chunk));
  }

  /** Device resets injected (FaultOptions.resets). */
  get resets(): number {
    return this.resetCount;
  }

  get total(): number {
    return this.counts.drop + this.counts.corrupt + this.counts.duplicate + this.counts.delay + this.resets;
  }

  private applies(direction: 'to-device' | 'from-device'): boolean {
    const d = this.options.direction ?? 'both';
    return this.enabled && (d === 'both' || d === direction);
  }

  write(bytes: Uint8Array): Promise<void> {
    const resets = this.options.resets;
    const reset = resets !== undefined && this.applies('to-device') && this.resetRandom() < resets.ratePerWrite;
    if (reset) this.resetCount++;
    const damaged = this.applies('to-device') ? damage(bytes, this.random, this.options, this.counts) : { bytes, delayMs: 0 };
    const step = this.toDevice.then(async () => {
      if (reset && resets !== undefined) await resets.trigger();
      if (damaged.delayMs > 0) await sleep(damaged.delayMs);
      if (damaged.bytes.length > 0) await this.inner.write(damaged.bytes);
    });
    this.toDevice = step.catch(() => undefined);
    return step;
  }

  private receive(chunk: Uint8Array): void {
    const damaged = this.applies('from-device') ? damage(chunk, this.random, this.options, this.counts) : { bytes: chunk, delayMs: 0 };
    this.fromDevice = this.fromDevice.then(async () => {
      if (damaged.delayMs > 0) await sleep(damaged.delayMs);
      if (damaged.bytes.length === 0) return;
      for (const listener of this.listeners) listener(damaged.bytes);
    });
  }

  onData(listener: (chunk: Uint8Array) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.detach();
    await this.inner.close();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
