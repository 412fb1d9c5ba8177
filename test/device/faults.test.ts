/**
 * At least 1,000 injected faults (drops, corruptions, duplicates, delays, both directions) across
 * uploads to native-sim-proto-test. Every upload completes verified or fails with a WrtError; the
 * test engine, which re-hashes what it is given, never receives bytes whose hash did not verify.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WrtError } from '../../ts/core/errors.js';
import { ProtocolClient } from '../../ts/device/client.js';
import { isDeviceError } from '../../ts/device/device-errors.js';
import { FaultInjectingTransport } from '../../ts/device/fault-transport.js';
import { i32 } from '../../ts/device/messages.js';
import { spawnNativeSimStdio } from '../../ts/device/native-sim.js';
import { DeviceErrorCode } from '../../ts/device/protocol.js';
import type { ChildProcessTransport } from '../../ts/device/stdio-transport.js';
import { buildNativeSim, hex, sha256, testModule } from './sim-helpers.js';

let sim: ChildProcessTransport | undefined;

beforeAll(() => {
  buildNativeSim();
});

afterAll(async () => {
  await sim?.close();
});

/** An upload that declares the digest of other bytes: END must refuse it. */
async function uploadWithWrongHash(client: ProtocolClient, module: Uint8Array): Promise<void> {
  const wrong = sha256(Uint8Array.from(module, (b, i) => (i === 100 ? b ^ 1 : b)));
  let next = await client.beginUpload({ size: module.length, sha256: wrong, profile: new Uint8Array(0) });
  for (let round = 0; next < module.length && round < 1000; round++) {
    try {
      next = await client.sendChunk(next, module.subarray(next, next + client.chunkBytes()));
    } catch (error) {
      if (!isDeviceError(error, DeviceErrorCode.UploadGap)) throw error;
      next = error.device.detail;
    }
  }
  await client.endUpload();
}

describe('fault injection', () => {
  it('survives 1,000+ faults: uploads complete verified or fail clearly; no unverified load', async () => {
    sim = spawnNativeSimStdio(buildNativeSim(), ['--idle-timeout-ms', '25', '--upload-capacity', '16384']);
    const faulty = new FaultInjectingTransport(sim, {
      seed: 0x5eed,
      rate: 0.002,
      maxDelayMs: 4,
      weights: { drop: 1, corrupt: 1, duplicate: 1, delay: 0.5 },
    });
    /* Small chunks keep most frames clean at this fault rate, so uploads make progress. */
    const client = new ProtocolClient(faulty, { requestTimeoutMs: 40, maxResends: 30, maxInFlightBytes: 320 });
    faulty.enabled = false;
    await client.hello();
    faulty.enabled = true;

    let verified = 0;
    let wrongHashRefused = 0;
    let failed = 0;
    let attempts = 0;
    for (; faulty.total < 1000 && attempts < 400; attempts++) {
      const module = testModule(1000 + attempts, 1500 + ((attempts * 397) % 2500));
      const declareWrongHash = attempts % 9 === 4;
      try {
        if (declareWrongHash) {
          await uploadWithWrongHash(client, module);
          throw new Error('an upload with a wrong hash was committed');
        }
        const report = await client.transfer(module, { profile: attempts % 2 === 0 ? Uint8Array.of(7, 7) : undefined });
        expect(report.sha256).toBe(hex(sha256(module)));
        verified++;
      } catch (error) {
        if (!(error instanceof WrtError)) throw error;
        if (declareWrongHash && isDeviceError(error, DeviceErrorCode.HashMismatch)) {
          wrongHashRefused++;
          continue;
        }
        /* A clear error: a known code and a message that names the request or the device's reason. */
        expect(error.code).toMatch(/^(DEVICE_TIMEOUT|PROTOCOL_ERROR|DEVICE_ERROR|LIMIT_EXCEEDED)$/);
        expect(error.message).toMatch(/no answer to|device refused|link/);
        failed++;
      }
    }
    faulty.enabled = false;

    expect(faulty.total).toBeGreaterThanOrEqual(1000);
    expect(faulty.counts.drop).toBeGreaterThan(100);
    expect(faulty.counts.corrupt).toBeGreaterThan(100);
    expect(faulty.counts.duplicate).toBeGreaterThan(100);
    expect(faulty.counts.delay).toBeGreaterThan(50);
    expect(verified + wrongHashRefused + failed).toBe(attempts);
    expect(verified).toBeGreaterThan(attempts * 0.8);
    expect(wrongHashRefused).toBeGreaterThan(0);

    const stats = await client.stats();
    expect(stats.get('engine.load_hash_mismatch')).toBe(0n);
    /* Every load the engine saw was a committed, verified upload. */
    expect(stats.get('engine.loads')).toBe(stats.get('proto.uploads_committed'));
    expect(Number(stats.get('engine.loads'))).toBeGreaterThanOrEqual(verified);
    expect(Number(stats.get('engine.loads'))).toBeLessThanOrEqual(attempts);
    expect(Number(stats.get('proto.hash_mismatches'))).toBeGreaterThanOrEqual(wrongHashRefused);
    /* The link really was damaged, and the device saw it. */
    expect(Number(stats.get('proto.frames_crc'))).toBeGreaterThan(50);
    expect(client.counters.resends).toBeGreaterThan(50);

    /* Afterwards the device still works normally. */
    await client.transfer(testModule(1, 800));
    expect((await client.invoke('add', [i32(20), i32(22)])).results).toEqual([i32(42)]);
  });
});
