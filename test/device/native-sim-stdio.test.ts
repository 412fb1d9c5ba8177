/**
 * End to end over stdio: the TypeScript client against native-sim-proto-test, whose engine is the
 * TEST double of native/sim/test_engine.c (fixed exports add, echo_args, echo_out, trap, spin).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type OutputEvent, ProtocolClient } from '../../ts/device/client.js';
import { DeviceError, type DeviceErrorInfo } from '../../ts/device/device-errors.js';
import { buildFrame, cobsEncode, encodeWireFrame } from '../../ts/device/framing.js';
import { f32, f64, floatOf, i32, i64, type WireValue } from '../../ts/device/messages.js';
import { spawnNativeSimStdio } from '../../ts/device/native-sim.js';
import { DeviceErrorCode, Feature, OutputStream, ResetKind } from '../../ts/device/protocol.js';
import type { ChildProcessTransport } from '../../ts/device/stdio-transport.js';
import { rejected } from '../support/wrt-error.js';
import { buildNativeSim, sha256, testModule } from './sim-helpers.js';

let binary = '';
const running: ChildProcessTransport[] = [];

beforeAll(() => {
  binary = buildNativeSim();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((t) => t.close()));
});

function start(args: string[] = []): { sim: ChildProcessTransport; client: ProtocolClient; notices: DeviceErrorInfo[] } {
  const sim = spawnNativeSimStdio(binary, ['--idle-timeout-ms', '60', '--upload-capacity', '65536', ...args]);
  running.push(sim);
  const client = new ProtocolClient(sim, { requestTimeoutMs: 500, maxResends: 2 });
  const notices: DeviceErrorInfo[] = [];
  client.onDeviceNotice((n) => notices.push(n));
  return { sim, client, notices };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`gave up waiting for ${what}`);
}

async function deviceError(promise: Promise<unknown>): Promise<DeviceError> {
  const error = await rejected(promise);
  expect(error).toBeInstanceOf(DeviceError);
  return error as DeviceError;
}

describe('native-sim over stdio', () => {
  it('HELLO reports the device', async () => {
    const { client } = start(['--device-id', 'sim-42', '--boot-id', '77']);
    const hello = await client.hello();
    expect(hello).toMatchObject({
      protocolVersion: 1,
      maxFrame: 1024,
      deviceId: 'sim-42',
      uploadCapacity: 65536,
      profileCapacity: 768,
      arenaBytes: 65536,
      bootId: 77,
    });
    expect(hello.features & Feature.TestDouble).not.toBe(0);
    expect(hello.features & Feature.Output).not.toBe(0);
  });

  it('uploads, verifies and invokes; typed values round-trip bit for bit', async () => {
    const { client } = start();
    const module = testModule(1, 20_000);
    const report = await client.transfer(module, { profile: Uint8Array.from([1, 2, 3, 4]) });
    expect(report).toMatchObject({ size: 20_000, resumedFrom: 0, bytesSent: 20_000 });
    expect(report.sha256).toBe(Buffer.from(sha256(module)).toString('hex'));
    expect(report.chunks).toBe(Math.ceil(20_000 / client.chunkBytes()));
    expect(client.chunkBytes()).toBe(1024 - 12 - 4);

    const add = await client.invoke('add', [i32(40), i32(2)]);
    expect(add).toEqual({ trap: 0, trapFunction: 0, fuelUsed: 4n, peakStackBytes: 24, results: [{ type: 'i32', value: 42 }], frames: [], depth: 0 });
    const wrap = await client.invoke('add', [i32(0x7fffffff), i32(1)]);
    expect(wrap.results).toEqual([{ type: 'i32', value: -0x80000000 }]);

    const nanWithPayload: WireValue = { type: 'f32', bits: 0x7fa00001 };
    const args: WireValue[] = [
      i64(-(2n ** 63n)),
      nanWithPayload,
      f64(-0),
      f32(1.5),
      { type: 'funcref', index: null },
      { type: 'externref', index: 7 },
      { type: 'f64', bits: 0x7ff8000000000abcn },
    ];
    const echoed = await client.invoke('echo_args', args);
    expect(echoed.results).toEqual(args);
    expect(Object.is(floatOf(echoed.results[2] ?? i32(0)), -0)).toBe(true);

    const stats = await client.stats();
    expect(stats.get('engine.loads')).toBe(1n);
    expect(stats.get('engine.module_bytes')).toBe(20_000n);
    expect(stats.get('engine.profile_bytes')).toBe(4n);
    expect(stats.get('engine.load_hash_mismatch')).toBe(0n);
    expect(stats.get('engine.module_sha256_hi')).toBe(BigInt(`0x${report.sha256.slice(0, 16)}`));
    expect(stats.get('proto.uploads_committed')).toBe(1n);
  });

  it('delivers OUTPUT (split across frames) and LOG before the answer', async () => {
    const { client } = start();
    await client.transfer(testModule(2, 100));
    const output: OutputEvent[] = [];
    const logs: string[] = [];
    client.onOutput((o) => output.push(o));
    client.onLog((l) => logs.push(l.text));
    const result = await client.invoke('echo_out', [i32(100)]);
    expect(result.trap).toBe(0);
    const stdout = output.filter((o) => o.stream === OutputStream.Stdout);
    const text = Buffer.concat(stdout.map((o) => o.bytes)).toString('utf8');
    expect(text).toBe('hello from echo_out\n'.repeat(100));
    expect(stdout.length).toBe(Math.ceil(2000 / (1024 - 12 - 1)));
    expect(output.filter((o) => o.stream === OutputStream.Stderr).map((o) => Buffer.from(o.bytes).toString())).toEqual([
      'stderr line\n',
    ]);
    expect(logs).toEqual(['echo_out ran']);
    expect(client.counters.unsolicitedGaps).toBe(0);
  });

  it('reports traps and fuel as answers, not errors', async () => {
    const { client } = start();
    await client.transfer(testModule(3, 64));
    expect(await client.invoke('trap')).toMatchObject({ trap: 1, trapFunction: 3, fuelUsed: 7n, results: [] });
    expect(await client.invoke('spin', [], { fuel: 10n })).toMatchObject({ trap: 11, fuelUsed: 10n });
    expect(await client.invoke('spin')).toMatchObject({ trap: 0, fuelUsed: 1000n });
    const missing = await deviceError(client.invoke('nope'));
    expect(missing.device.code).toBe(DeviceErrorCode.ExportNotFound);
    expect(missing.code).toBe('VALUE_INVALID');
    const badArgs = await deviceError(client.invoke('add', [i32(1), i64(2n)]));
    expect(badArgs.device).toMatchObject({ code: DeviceErrorCode.ArgsInvalid, detail: 1 });
  });

  it('a wrong hash is refused, the engine never sees the bytes, INVOKE is refused', async () => {
    const { client } = start();
    await client.hello();
    const module = testModule(4, 3000);
    const wrong = sha256(testModule(5, 3000));
    expect(await client.beginUpload({ size: module.length, sha256: wrong, profile: new Uint8Array(0) })).toBe(0);
    let next = 0;
    while (next < module.length) next = await client.sendChunk(next, module.subarray(next, next + 1000));
    const error = await deviceError(client.endUpload());
    expect(error.device).toMatchObject({ code: DeviceErrorCode.HashMismatch, name: 'HASH_MISMATCH', detail: 3000 });
    expect(error.describe()).toContain('HASH_MISMATCH');
    const refused = await deviceError(client.invoke('add', [i32(1), i32(2)]));
    expect(refused.device.code).toBe(DeviceErrorCode.NoModule);
    const stats = await client.stats();
    expect(stats.get('engine.loads')).toBe(0n);
    expect(stats.get('engine.load_hash_mismatch')).toBe(0n);
    expect(stats.get('proto.hash_mismatches')).toBe(1n);
    expect(stats.get('proto.upload_state')).toBe(0n);
  });

  it('a committed module is dropped by a new BEGIN and by RESET', async () => {
    const { client } = start();
    const first = await client.hello();
    await client.transfer(testModule(6, 500));
    await client.beginUpload({ size: 10, sha256: sha256(new Uint8Array(10)), profile: new Uint8Array(0) });
    expect((await deviceError(client.invoke('trap'))).device.code).toBe(DeviceErrorCode.NoModule);
    await client.transfer(testModule(6, 500));
    await client.reset(ResetKind.Session);
    expect((await deviceError(client.invoke('trap'))).device.code).toBe(DeviceErrorCode.NoModule);
    const after = await client.hello();
    expect(after.bootId).toBe(first.bootId + 1);
    expect((await client.stats()).get('engine.resets')).toBe(1n);
  });

  it('a module the engine refuses is a LOAD_FAILED naming the byte', async () => {
    const { client } = start();
    const notWasm = new TextEncoder().encode('this is not wasm');
    const error = await deviceError(client.transfer(notWasm));
    expect(error.device).toMatchObject({ code: DeviceErrorCode.LoadFailed, detail: 1, limit: 0 });
    expect(error.code).toBe('WASM_MALFORMED');
    expect((await deviceError(client.invoke('add', [i32(1), i32(2)]))).device.code).toBe(DeviceErrorCode.NoModule);
  });

  it('oversize upload and profile: error frame, device stays ready', async () => {
    const { client } = start();
    await client.hello();
    const big = await deviceError(client.beginUpload({ size: 65537, sha256: new Uint8Array(32), profile: new Uint8Array(0) }));
    expect(big.device).toMatchObject({ code: DeviceErrorCode.UploadTooLarge, detail: 65537, limit: 65536 });
    expect(big.code).toBe('LIMIT_EXCEEDED');
    const profile = await deviceError(client.beginUpload({ size: 10, sha256: new Uint8Array(32), profile: new Uint8Array(769) }));
    expect(profile.device).toMatchObject({ code: DeviceErrorCode.ProfileTooLarge, detail: 769, limit: 768 });
    expect((await client.hello()).deviceId).toBe('native-sim');
  });

  it('chunks out of order, past the end and without BEGIN are answered with errors', async () => {
    const { client } = start();
    await client.hello();
    expect((await deviceError(client.sendChunk(0, Uint8Array.of(1)))).device).toMatchObject({ code: DeviceErrorCode.State, detail: 0 });
    await client.beginUpload({ size: 100, sha256: new Uint8Array(32), profile: new Uint8Array(0) });
    expect((await deviceError(client.sendChunk(50, Uint8Array.of(1)))).device).toMatchObject({ code: DeviceErrorCode.UploadGap, detail: 0 });
    expect((await deviceError(client.sendChunk(0, new Uint8Array(101)))).device).toMatchObject({
      code: DeviceErrorCode.UploadRange,
      detail: 101,
      limit: 100,
    });
    expect(await client.sendChunk(0, new Uint8Array(60))).toBe(60);
    /* Resending an earlier chunk is harmless: the next offset stays. */
    expect(await client.sendChunk(10, new Uint8Array(20))).toBe(60);
    expect((await deviceError(client.endUpload())).device).toMatchObject({ code: DeviceErrorCode.UploadIncomplete, detail: 60 });
  });

  it('resumes an interrupted upload from the offset the device reports', async () => {
    const { sim, client } = start();
    await client.hello();
    const module = testModule(7, 10_000);
    await client.beginUpload({ size: module.length, sha256: sha256(module), profile: new Uint8Array(0) });
    const chunk = client.chunkBytes();
    let next = 0;
    for (let i = 0; i < 3; i++) next = await client.sendChunk(next, module.subarray(next, next + chunk));
    client.close(); // the host goes away mid-upload
    const again = new ProtocolClient(sim, { requestTimeoutMs: 500 });
    const report = await again.transfer(module);
    expect(report.resumedFrom).toBe(3 * chunk);
    expect(report.bytesSent).toBe(module.length - 3 * chunk);
    const stats = await again.stats();
    expect(stats.get('proto.uploads_resumed')).toBe(1n);
    expect(stats.get('engine.loads')).toBe(1n);
    expect((await again.invoke('add', [i32(2), i32(3)])).results).toEqual([i32(5)]);
  });

  it('garbage, wrong CRC, truncated and oversize frames get error frames; HELLO still works', async () => {
    const { sim, client, notices } = start();
    await client.hello();
    await sim.write(Uint8Array.from([0x00, 0x13, 0x37, 0x99, 0xfe, 0x00]));
    await until(() => notices.length === 1, 'garbage notice');
    expect(notices[0]).toMatchObject({ code: DeviceErrorCode.FrameCrc, aboutType: 0 });

    const frame = buildFrame({ type: 1, flags: 0, seq: 1 }, new Uint8Array(0));
    frame[frame.length - 2] = (frame[frame.length - 2] ?? 0) ^ 0x10;
    await sim.write(Uint8Array.from([0, ...cobsEncode(frame), 0]));
    await until(() => notices.length === 2, 'CRC notice');
    expect(notices[1]?.code).toBe(DeviceErrorCode.FrameCrc);

    const hello = encodeWireFrame({ type: 1, flags: 0, seq: 2 }, new Uint8Array(0), true);
    await sim.write(hello.subarray(0, 6)); // truncated: no delimiter ever comes
    await until(() => notices.length === 3, 'truncation notice');
    expect(notices[2]).toMatchObject({ code: DeviceErrorCode.FrameTruncated, limit: 60 });

    await sim.write(hello.subarray(0, 6));
    await sim.write(Uint8Array.of(0)); // truncated, then a delimiter
    await until(() => notices.length === 4, 'cut frame notice');
    expect([DeviceErrorCode.FrameCrc, DeviceErrorCode.FrameMalformed]).toContain(notices[3]?.code);

    await sim.write(Uint8Array.from([...new Uint8Array(5000).fill(0x41), 0]));
    await until(() => notices.length === 5, 'oversize notice');
    expect(notices[4]).toMatchObject({ code: DeviceErrorCode.FrameTooLarge, limit: 1024 });

    expect((await client.hello()).deviceId).toBe('native-sim');
    const stats = await client.stats();
    expect(stats.get('proto.frames_crc')).toBe(3n);
    expect(stats.get('proto.frames_truncated')).toBe(1n);
    expect(stats.get('proto.frames_too_large')).toBe(1n);
  });

  it('answers a bad header with the request seq: unknown type, version, flags', async () => {
    const { sim, client } = start();
    await client.hello();
    const answers: Uint8Array[] = [];
    sim.onData((c) => answers.push(c));
    await sim.write(encodeWireFrame({ type: 0x33, flags: 0, seq: 0x4242 }, new Uint8Array(0), true));
    const withFlags = encodeWireFrame({ type: 1, flags: 0x80, seq: 0x4343 }, new Uint8Array(0), true);
    await sim.write(withFlags);
    /* The device's own answer echoed back by the link: ignored, so an echoing peer cannot start a storm. */
    await sim.write(encodeWireFrame({ type: 1, flags: 0x01, seq: 0x4444 }, new Uint8Array(0), true));
    await until(() => Buffer.concat(answers).filter((b) => b === 0).length >= 2, 'two answers');
    const { Deframer } = await import('../../ts/device/framing.js');
    const events = new Deframer().push(Buffer.concat(answers));
    const frames = events.flatMap((e) => (e.kind === 'frame' ? [e.frame] : []));
    expect(frames.map((f) => [f.type, f.flags, f.seq, f.body[0]])).toEqual([
      [0x7f, 1, 0x4242, DeviceErrorCode.TypeUnknown],
      [0x7f, 1, 0x4343, DeviceErrorCode.FrameMalformed],
    ]);
    expect((await client.hello()).maxFrame).toBe(1024);
    expect((await client.stats()).get('proto.frames_echoed')).toBe(1n);
  });

  it('a resent INVOKE whose answer was lost is replayed, not run again', async () => {
    const { sim, client } = start();
    await client.transfer(testModule(8, 100));
    const before = (await client.stats()).get('engine.invokes');
    const invoke = encodeWireFrame({ type: 5, flags: 0, seq: 0x1111 }, Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 4, ...Buffer.from('trap'), 0]), true);
    await sim.write(invoke);
    await sim.write(invoke);
    await new Promise((r) => setTimeout(r, 50));
    const stats = await client.stats();
    expect(stats.get('engine.invokes')).toBe((before ?? 0n) + 1n);
    expect(stats.get('proto.replays')).toBe(1n);
  });
});
