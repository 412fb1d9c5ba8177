/**
 * Deploys to the interpreter firmware under QEMU through a FaultInjectingTransport: seeded drops,
 * corruptions, duplicates and delays of bytes in both directions, device reboots the client does
 * not know about (a RESET kind 1 frame put on the UART by the transport, wherever the deploy is),
 * and RESETs the client sends in the middle of an upload. One QEMU serves every deploy of a board
 * (RESET kind 1 reboots the firmware inside the same QEMU).
 *
 * Each module answers `check` with a checksum of its own constants (checksum-modules.ts). After
 * every deploy a fault-free probe asks the device: it must hold no module, or answer with the
 * checksum of a module whose upload verified; the deploy itself either finished verified (and
 * `check` gave exactly that module's answer) or failed with a typed WrtError. So no damaged module
 * ever runs, and the count of injected faults is asserted, not assumed.
 */
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { WrtError } from '../../ts/core/errors.js';
import { ensureFirmware, firmwareBoardOf } from '../../ts/deploy/firmware.js';
import { launchQemu, type QemuInstance } from '../../ts/deploy/qemu.js';
import { ProtocolClient } from '../../ts/device/client.js';
import { isDeviceError } from '../../ts/device/device-errors.js';
import { FaultInjectingTransport } from '../../ts/device/fault-transport.js';
import { encodeWireFrame } from '../../ts/device/framing.js';
import { encodeReset, i32 } from '../../ts/device/messages.js';
import { DeviceErrorCode, MessageType, ResetKind } from '../../ts/device/protocol.js';
import { loadTarget } from '../../ts/targets/index.js';
import { checksumModule, foldChecksum, type ChecksumModule } from './checksum-modules.js';
import { waitUntilGone } from './processes.js';

const EMPTY = new Uint8Array(0);

/* The project compiles without the DOM library; the one WebAssembly call used is typed here. */
declare const WebAssembly: {
  instantiate(bytes: Uint8Array): Promise<{ instance: { exports: Record<string, unknown> } }>;
};

let qemu: QemuInstance | undefined;

afterEach(async () => {
  if (qemu === undefined) return;
  const pid = qemu.pid;
  await qemu.stop();
  qemu = undefined;
  expect(await waitUntilGone(pid, 3000)).toBe(true);
});

type Variant = 'plain' | 'resume' | 'wrong-hash' | 'reset-session' | 'reset-device';
const VARIANTS: readonly Variant[] = ['plain', 'resume', 'plain', 'wrong-hash', 'plain', 'reset-session', 'plain', 'reset-device'];

interface Tally {
  attempts: number;
  verified: number;
  /** Deploys that ended in a WrtError (timeouts under faults, STATE after a reset, …). */
  failedTyped: number;
  wrongHashRefused: number;
  resumed: number;
  resetsMidUpload: number;
  reboots: number;
  /** Probes that found no module, and that found a verified module's answer. */
  probesEmpty: number;
  probesVerified: number;
  /** Boot id at the end minus at the start: every reboot, asked for or injected. */
  bootsSeen: number;
}

/** Sends chunks from the device's next offset until `stopAt` bytes are confirmed (or the module ends). */
async function sendChunksUntil(client: ProtocolClient, module: Uint8Array, next: number, stopAt: number): Promise<number> {
  let at = next;
  for (let round = 0; at < stopAt && round < 1000; round++) {
    try {
      at = await client.sendChunk(at, module.subarray(at, Math.min(module.length, at + client.chunkBytes())));
    } catch (error) {
      if (!isDeviceError(error, DeviceErrorCode.UploadGap)) throw error;
      at = error.device.detail;
    }
  }
  return at;
}

/** The SHA-256 of other bytes: the device must refuse the upload at END. */
async function uploadWithWrongHash(client: ProtocolClient, module: Uint8Array): Promise<void> {
  const other = Uint8Array.from(module, (b, i) => (i === module.length - 2 ? b ^ 0x40 : b));
  const sha256 = new Uint8Array(createHash('sha256').update(other).digest());
  const next = await client.beginUpload({ size: module.length, sha256, profile: EMPTY });
  await sendChunksUntil(client, module, next, module.length);
  await client.endUpload();
}

interface Campaign {
  readonly target: string;
  readonly seed: number;
  readonly minFaults: number;
  readonly moduleBytes: (attempt: number) => number;
  readonly maxAttempts: number;
  /** Host bytes held back after an injected reset, so none arrive while the firmware boots. */
  readonly quietAfterResetMs: number;
  readonly variants: readonly Variant[];
}

async function runCampaign(c: Campaign): Promise<{ tally: Tally; faulty: FaultInjectingTransport; client: ProtocolClient }> {
  const board = firmwareBoardOf(c.target);
  if (board === undefined) throw new Error(`no targets/bsp board for ${c.target}`);
  const emulator = await launchQemu(loadTarget(c.target), { elf: await ensureFirmware(c.target, board), paused: true });
  qemu = emulator;
  /* Resets the client did not ask for: a RESET kind 1 frame straight onto the UART, seqs apart from the client's. */
  let resetSeq = 0xf000;
  const faulty = new FaultInjectingTransport(emulator.transport, {
    seed: c.seed,
    rate: 0.0015,
    maxDelayMs: 5,
    weights: { drop: 1, corrupt: 1, duplicate: 1, delay: 0.5 },
    resets: {
      ratePerWrite: 0.01,
      trigger: async () => {
        await emulator.transport.write(encodeWireFrame({ type: MessageType.Reset, flags: 0, seq: resetSeq++ }, encodeReset(ResetKind.Device), true));
        if (c.quietAfterResetMs > 0) await new Promise((resolve) => setTimeout(resolve, c.quietAfterResetMs));
      },
    },
  });
  /*
   * ~500-byte chunks, one in flight: at this rate about half the chunk frames arrive clean, so
   * uploads progress while each deploy still meets several faults. Generous HELLO and resend
   * budgets: on a loaded 2-core machine QEMU can be starved for a second.
   */
  const client = new ProtocolClient(faulty, { requestTimeoutMs: 300, maxResends: 40, maxInFlightBytes: 540, helloTimeoutMs: 15_000, initialSeq: 0 });
  faulty.enabled = false;
  await emulator.resume();
  let bootId = (await client.hello()).bootId;
  const firstBootId = bootId;

  const tally: Tally = {
    attempts: 0,
    verified: 0,
    failedTyped: 0,
    wrongHashRefused: 0,
    resumed: 0,
    resetsMidUpload: 0,
    reboots: 0,
    probesEmpty: 0,
    probesVerified: 0,
    bootsSeen: 0,
  };
  /* Answers of every module whose upload verified: the only answers `check` may ever give. */
  const verifiedAnswers = new Set<number>();
  /* The module the device answered with at the last probe. */
  let committed: ChecksumModule | undefined;

  for (; faulty.total < c.minFaults && tally.attempts < c.maxAttempts; tally.attempts++) {
    const attempt = tally.attempts;
    const variant = c.variants[attempt % c.variants.length] ?? 'plain';
    const module = checksumModule(c.seed + attempt, c.moduleBytes(attempt));
    const resetsBefore = faulty.resets;
    faulty.enabled = true;
    let outcome: 'verified' | 'failed' | 'refused' = 'failed';
    try {
      if (variant === 'wrong-hash') {
        await uploadWithWrongHash(client, module.bytes);
        throw new Error('the device committed an upload whose SHA-256 did not match its bytes');
      }
      if (variant === 'resume') {
        /* An upload cut off half way (the host went away); a new upload of the same bytes resumes it. */
        const sha256 = new Uint8Array(createHash('sha256').update(module.bytes).digest());
        const begun = await client.beginUpload({ size: module.bytes.length, sha256, profile: EMPTY });
        const reached = await sendChunksUntil(client, module.bytes, begun, module.bytes.length >> 1);
        const report = await client.transfer(module.bytes);
        /* A reset in between leaves nothing to resume: BEGIN starts over at 0. */
        if (faulty.resets === resetsBefore) {
          expect(report.resumedFrom).toBeGreaterThanOrEqual(reached);
          expect(report.resumedFrom).toBeLessThan(module.bytes.length);
          tally.resumed++;
        }
      } else if (variant === 'reset-session' || variant === 'reset-device') {
        const kind = variant === 'reset-session' ? ResetKind.Session : ResetKind.Device;
        let reset: Promise<void> | undefined;
        const upload = client.transfer(module.bytes, {
          onProgress: (next, size) => {
            /* Queued now, sent before the next chunk: the device forgets the upload mid-way. */
            if (reset === undefined && next >= size / 2) reset = client.reset(kind);
          },
        });
        const cut = await upload.then(
          () => undefined,
          (error: unknown) => error,
        );
        await reset?.catch(() => undefined);
        if (reset === undefined) {
          if (cut instanceof WrtError) throw cut;
          throw new Error('the upload finished before it reached its middle');
        }
        tally.resetsMidUpload++;
        /* The chunk after the RESET finds no upload: STATE; or the link lost it and resends ran out. */
        expect(cut).toBeInstanceOf(WrtError);
        if (isDeviceError(cut)) expect(cut.device.code).toBe(DeviceErrorCode.State);
        if (kind === ResetKind.Device) {
          const after = (await client.hello()).bootId;
          expect(after).toBeGreaterThan(bootId);
          bootId = after;
          tally.reboots++;
        }
        await client.transfer(module.bytes);
      } else {
        await client.transfer(module.bytes);
      }
      const answer = await client.invoke('check');
      expect(answer.trap).toBe(0);
      expect(answer.results).toEqual([i32(module.expected)]);
      outcome = 'verified';
    } catch (error) {
      if (!(error instanceof WrtError)) throw error;
      if (variant === 'wrong-hash' && isDeviceError(error, DeviceErrorCode.HashMismatch)) {
        tally.wrongHashRefused++;
        outcome = 'refused';
      } else {
        expect(error.code).toMatch(/^(DEVICE_TIMEOUT|PROTOCOL_ERROR|DEVICE_ERROR|VALUE_INVALID)$/);
        expect(error.message).toMatch(/no answer to|device refused|device reports|device committed|no progress|link/);
        tally.failedTyped++;
      }
    }
    if (outcome === 'verified') {
      tally.verified++;
      verifiedAnswers.add(module.expected);
    }

    /* Fault-free probe: nothing, or the answer of a module that verified (this one or the one before). */
    faulty.enabled = false;
    const probe = await client.invoke('check').then(
      (answer) => ({ answer, error: undefined }),
      (error: unknown) => ({ answer: undefined, error }),
    );
    if (isDeviceError(probe.error, DeviceErrorCode.NoModule)) {
      expect(outcome).not.toBe('verified');
      tally.probesEmpty++;
      committed = undefined;
    } else {
      /* BEGIN drops the committed module before the device ever compares digests. */
      expect(outcome).not.toBe('refused');
      if (probe.answer === undefined) {
        const uart = emulator.uartOutput();
        throw new Error(
          `probe after deploy ${attempt} (${variant}) got no answer: ${String(probe.error)}; resets injected ${faulty.resets - resetsBefore} in this deploy; ` +
            `UART (${uart.length} chars), last 300: ${JSON.stringify(uart.slice(-300))}`,
          { cause: probe.error },
        );
      }
      expect(probe.answer.trap).toBe(0);
      const [value] = probe.answer.results;
      const got = value?.type === 'i32' ? value.value : undefined;
      if (outcome === 'verified') expect(got).toBe(module.expected);
      else {
        /* END committed but its answer was lost, or BEGIN never reached the device. */
        const candidates = [module.expected, committed?.expected];
        expect(candidates).toContain(got);
        if (got === module.expected) verifiedAnswers.add(module.expected);
      }
      expect(got !== undefined && verifiedAnswers.has(got)).toBe(true);
      tally.probesVerified++;
      committed = got === module.expected ? module : committed;
    }
  }
  faulty.enabled = false;
  tally.bootsSeen = (await client.hello()).bootId - firstBootId;
  return { tally, faulty, client };
}

describe('deploy under fault injection over QEMU', () => {
  it('checksum modules answer what the host computed (V8 runs one)', async () => {
    const module = checksumModule(77, 3000);
    expect(module.bytes.length).toBeLessThanOrEqual(3000);
    expect(module.bytes.length).toBeGreaterThan(2950);
    const { instance } = await WebAssembly.instantiate(module.bytes);
    const check = instance.exports.check;
    expect(typeof check).toBe('function');
    if (typeof check !== 'function') return;
    expect((check as () => number)()).toBe(module.expected);
    // The fold itself, by hand: rotl(1 + 2, 5) = 96, then rotl(96 + 0xffffffff, 5) = 95 << 5.
    expect(foldChecksum(1, [2, -1])).toBe(95 << 5);
    expect(checksumModule(78, 3000).expected).not.toBe(module.expected);
  });

  it('qemu-mps2-an386: 1,000+ faults across deploys; every deploy verified or a typed error; no damaged module runs', async () => {
    const { tally, faulty, client } = await runCampaign({
      target: 'qemu-mps2-an386',
      seed: 0x0fa017,
      minFaults: 1000,
      moduleBytes: (attempt) => 3000 + ((attempt * 2459) % 9000),
      maxAttempts: 200,
      quietAfterResetMs: 0,
      variants: VARIANTS,
    });
    expect(faulty.total).toBeGreaterThanOrEqual(1000);
    for (const kind of ['drop', 'corrupt', 'duplicate', 'delay'] as const) expect(faulty.counts[kind]).toBeGreaterThan(100);
    expect(tally.verified + tally.failedTyped + tally.wrongHashRefused).toBe(tally.attempts);
    expect(tally.verified).toBeGreaterThan(tally.attempts * 0.6);
    expect(tally.wrongHashRefused).toBeGreaterThan(0);
    expect(tally.resumed).toBeGreaterThan(0);
    expect(tally.resetsMidUpload).toBeGreaterThan(1);
    expect(tally.reboots).toBeGreaterThan(0);
    expect(tally.probesEmpty + tally.probesVerified).toBe(tally.attempts);
    /* Unannounced reboots happened, and took effect (the boot id counts them beside the asked-for ones). */
    expect(faulty.resets).toBeGreaterThan(3);
    expect(tally.bootsSeen).toBeGreaterThan(tally.reboots);
    /* The device saw the damage, refused every mismatching digest, and loaded only verified uploads. */
    const stats = await client.stats();
    expect(Number(stats.get('proto.frames_crc'))).toBeGreaterThan(20);
    expect(stats.get('engine.loads')).toBe(stats.get('proto.uploads_committed'));
    expect(client.counters.resends).toBeGreaterThan(100);
    client.close();
  }, 240_000);

  it('qemu-lm3s6965evb (8 KiB upload buffer, 43 KiB arena): 400+ faults, same guarantees', async () => {
    const { tally, faulty, client } = await runCampaign({
      target: 'qemu-lm3s6965evb',
      seed: 0x1a3b5,
      minFaults: 400,
      moduleBytes: (attempt) => 1500 + ((attempt * 797) % 2500),
      maxAttempts: 120,
      /*
       * This campaign found the lm3s firmware wedging when host bytes kept streaming in while it
       * booted (QEMU's PL011 flags RX only when its FIFO goes from empty to one byte; bytes left
       * after the init's discard loop waited forever). The port now fetches unflagged bytes
       * whenever it idles, so the host does not pause after the resets it injects.
       */
      quietAfterResetMs: 0,
      variants: VARIANTS,
    });
    expect(faulty.total).toBeGreaterThanOrEqual(400);
    expect(tally.verified + tally.failedTyped + tally.wrongHashRefused).toBe(tally.attempts);
    expect(tally.verified).toBeGreaterThan(tally.attempts * 0.6);
    expect(tally.wrongHashRefused).toBeGreaterThan(0);
    expect(tally.resumed).toBeGreaterThan(0);
    expect(tally.resetsMidUpload).toBeGreaterThan(1);
    expect(tally.probesEmpty + tally.probesVerified).toBe(tally.attempts);
    expect(faulty.resets).toBeGreaterThan(0);
    expect(tally.bootsSeen).toBeGreaterThan(0);
    const stats = await client.stats();
    expect(stats.get('engine.loads')).toBe(stats.get('proto.uploads_committed'));
    client.close();
  }, 240_000);
});
