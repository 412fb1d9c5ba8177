import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProtocolClient } from '../../ts/device/client.js';
import { isDeviceError } from '../../ts/device/device-errors.js';
import { spawnNativeSimStdio } from '../../ts/device/native-sim.js';
import { DeviceErrorCode, Feature } from '../../ts/device/protocol.js';
import { nativeSimAsanBinary } from '../../ts/run/native-sim-binary.js';
import { runModule } from '../../ts/run/run-module.js';
import { buildRealNativeSim, cFixture, watFixture } from '../run/helpers.js';

let sim = '';
let addBytes = new Uint8Array();

beforeAll(() => {
  sim = buildRealNativeSim();
  addBytes = new Uint8Array(readFileSync(watFixture('add')));
});

async function withClient<T>(binary: string, args: readonly string[], body: (client: ProtocolClient) => Promise<T>): Promise<T> {
  const transport = spawnNativeSimStdio(binary, args);
  const client = new ProtocolClient(transport);
  try {
    return await body(client);
  } finally {
    client.close();
    await transport.close();
  }
}

describe('native-sim, the real binary', () => {
  it('carries the IBT and SHSTK marks', () => {
    const notes = execFileSync('readelf', ['-n', sim], { encoding: 'utf8' });
    expect(notes).toMatch(/x86 feature: IBT, SHSTK/);
  });

  it('describes the interpreter in HELLO: version, arena, no test-double bit', async () => {
    const hello = await withClient(sim, ['--arena', String(8 * 1024 * 1024)], (c) => c.hello());
    expect(hello.interpreterVersion).toBe('0.2.0');
    expect(hello.arenaBytes).toBe(8 * 1024 * 1024);
    expect(hello.features & Feature.TestDouble).toBe(0);
    expect(hello.features & Feature.Fuel).toBe(Feature.Fuel);
    expect(hello.deviceId).toBe('native-sim');
  });

  it('refuses a profile that is no profile with a clear error and runs nothing', async () => {
    await withClient(sim, [], async (client) => {
      const error = await client.transfer(addBytes, { profile: Uint8Array.from([1, 2, 3]) }).catch((e: unknown) => e);
      expect(isDeviceError(error, DeviceErrorCode.LoadFailed)).toBe(true);
      expect(isDeviceError(error) ? [error.code, error.device.detail, error.device.limit, error.device.message] : []).toEqual([
        'PROFILE_REFUSED',
        64,
        1,
        'profile: too short for its fields',
      ]);
      const noModule = await client.invoke('add', []).catch((e: unknown) => e);
      expect(isDeviceError(noModule, DeviceErrorCode.NoModule)).toBe(true);
      const stats = await client.stats();
      expect(stats.get('engine.loads')).toBe(0n);
      expect(stats.get('engine.load_failures')).toBe(1n);
    });
  });

  it('counts loads, invokes and traps, and reports arena use per region', async () => {
    await withClient(sim, [], async (client) => {
      await client.transfer(addBytes);
      const add = await client.invoke('add', [
        { type: 'i32', value: 20 },
        { type: 'i32', value: 22 },
      ]);
      expect(add.results).toEqual([{ type: 'i32', value: 42 }]);
      /* local.get, local.get, i32.add; `end` costs nothing (docs/interpreter.md, Fuel). */
      expect(add.fuelUsed).toBe(3n);
      expect(add.peakStackBytes).toBeGreaterThanOrEqual(16);
      const boom = await client.invoke('boom');
      expect([boom.trap, boom.trapFunction, boom.results]).toEqual([1, 1, []]);
      const bad = await client.invoke('add', [{ type: 'i64', value: 1n }, { type: 'i32', value: 1 }]).catch((e: unknown) => e);
      expect(isDeviceError(bad, DeviceErrorCode.ArgsInvalid) ? bad.device.detail : -1).toBe(0);
      const stats = await client.stats();
      expect(stats.get('engine.loads')).toBe(1n);
      expect(stats.get('engine.invokes')).toBe(2n);
      expect(stats.get('engine.traps')).toBe(1n);
      expect(stats.get('engine.meta_used') ?? 0n).toBeGreaterThan(0n);
      expect(stats.get('engine.code_used') ?? 0n).toBeGreaterThan(0n);
      await client.reset();
      const after = await client.stats();
      expect(after.get('engine.code_used')).toBe(0n);
    });
  });
});

describe('native-sim under ASan and UBSan', () => {
  const asanEnv = { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' };

  it('runs a WASI program, a trap and a fuel stop without a sanitizer report', async () => {
    const asan = nativeSimAsanBinary();
    const hello = cFixture('hello');
    const out: string[] = [];
    const sinks = { stdout: (b: Uint8Array) => out.push(Buffer.from(b).toString()), stderr: () => undefined };
    const deps = { handleSigint: false, env: { ...asanEnv, WRT_NATIVE_SIM: asan } };
    const exited = await runModule({ file: hello, args: ['asan', '5'] }, sinks, deps);
    expect(exited.outcome).toEqual({ kind: 'exited', exitCode: 5 });
    expect(out.join('')).toBe('hello asan, 3 args\nline 0:  0.00\nline 1:  1.25\nline 2:  2.50\n');
    const add = watFixture('add');
    const trapped = await runModule({ file: add, invoke: 'boom' }, sinks, deps);
    expect(trapped.outcome).toMatchObject({ kind: 'trapped', trapName: 'unreachable' });
    const fuel = await runModule({ file: add, invoke: 'spin', fuel: 500n }, sinks, deps);
    expect(fuel.outcome).toMatchObject({ kind: 'trapped', trapName: 'fuel exhausted' });
    expect(fuel.fuelUsed).toBeLessThanOrEqual(500n);
  });
});
