import { beforeAll, describe, expect, it } from 'vitest';
import { ProtocolClient } from '../../ts/device/client.js';
import { type DeviceError, isDeviceError } from '../../ts/device/device-errors.js';
import { spawnNativeSimStdio } from '../../ts/device/native-sim.js';
import { DeviceErrorCode, Feature, SessionFeature, SessionMode } from '../../ts/device/protocol.js';
import { wat2wasm } from '../../ts/testsuite/wat.js';
import { nativeSimAsanBinary } from '../../ts/run/native-sim-binary.js';
import { CONFORMANCE_SIM_ARGS } from '../../ts/testsuite/protocol-conformance.js';
import { buildRealNativeSim } from '../run/helpers.js';

/**
 * Sessions of several instances on the real native-sim (docs/protocol.md §4a): ids, REGISTER and
 * linking by name, GLOBAL_GET, INVOKE on an instance, what a failed load leaves, the bounds, and
 * that mode 0 is version 1's one-module behaviour. Runs on the ASan build, so a stray pointer into
 * a dropped instance would end the process.
 */

const EXPORTER = `(module
  (global (export "g") (mut i32) (i32.const 7))
  (func (export "get") (result i32) (global.get 0))
  (func (export "inc") (global.set 0 (i32.add (global.get 0) (i32.const 1))))
  (func (export "f") (result funcref) (ref.func 1))
  (elem declare func 1))`;
const IMPORTER = `(module
  (import "a" "inc" (func $inc))
  (import "a" "g" (global $g (mut i32)))
  (func (export "bump") (result i32) (call $inc) (global.get $g)))`;
const UNLINKABLE = `(module (import "a" "missing" (func)))`;
const NAMES = `(module
  (func (export "") (result i32) (i32.const 1))
  (func (export "${'n'.repeat(300)}") (result i32) (i32.const 2)))`;
/* A function whose body leaves an i64 where an i32 result is declared: decodes, does not validate. */
const INVALID = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00, 0x0a,
  0x06, 0x01, 0x04, 0x00, 0x42, 0x00, 0x0b,
]);

let sim = '';
const modules: Record<'exporter' | 'importer' | 'unlinkable' | 'names', Uint8Array> = {
  exporter: new Uint8Array(),
  importer: new Uint8Array(),
  unlinkable: new Uint8Array(),
  names: new Uint8Array(),
};

beforeAll(() => {
  buildRealNativeSim();
  sim = nativeSimAsanBinary();
  modules.exporter = wat2wasm(EXPORTER);
  modules.importer = wat2wasm(IMPORTER);
  modules.unlinkable = wat2wasm(UNLINKABLE);
  modules.names = wat2wasm(NAMES);
}, 120_000);

async function withSim<T>(body: (client: ProtocolClient) => Promise<T>, args: readonly string[] = []): Promise<T> {
  const transport = spawnNativeSimStdio(sim, args);
  const client = new ProtocolClient(transport, { requestTimeoutMs: 10_000 });
  try {
    await client.hello();
    return await body(client);
  } finally {
    client.close();
    await transport.close();
  }
}

async function refusal(promise: Promise<unknown>): Promise<DeviceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isDeviceError(error)) throw new Error(`expected a device ERROR, got ${String(error)}`);
  return error;
}

describe('native-sim sessions of several instances', () => {
  it('announces sessions and starts in mode 0 with its bounds', async () => {
    await withSim(async (client) => {
      expect((client.device?.features ?? 0) & Feature.Sessions).toBe(Feature.Sessions);
      expect(await client.session()).toEqual({
        mode: 0,
        instances: 0,
        maxInstances: 1024,
        latest: 0,
        registrations: 0,
        maxRegistrations: 64,
        features: 0,
      });
      expect((await refusal(client.invokeOn(1, 'get'))).device.code).toBe(DeviceErrorCode.NoModule);
      expect((await refusal(client.register(0, 'a'))).device.code).toBe(DeviceErrorCode.NoModule);
    });
  });

  it('links a second module to a registered one and shares its state', async () => {
    await withSim(async (client) => {
      expect((await client.session(SessionMode.Keep)).mode).toBe(1);
      await client.transfer(modules.exporter);
      expect((await client.session()).latest).toBe(1);
      await client.register(1, 'a');
      await client.transfer(modules.importer);
      expect(await client.session()).toMatchObject({ instances: 2, latest: 2, registrations: 1 });
      expect((await client.invokeOn(2, 'bump')).results).toEqual([{ type: 'i32', value: 8 }]);
      expect((await client.invokeOn(1, 'get')).results).toEqual([{ type: 'i32', value: 8 }]);
      expect(await client.globalGet(1, 'g')).toEqual({ type: 'i32', value: 8 });
      /* No instance field: the latest, as version 1's INVOKE. */
      expect((await client.invoke('bump')).results).toEqual([{ type: 'i32', value: 9 }]);
      /* A funcref result is the function's index in its module. */
      expect((await client.invokeOn(1, 'f')).results).toEqual([{ type: 'funcref', index: 1 }]);
      const stats = await client.stats();
      expect(stats.get('engine.instances')).toBe(2n);
      expect(stats.get('engine.registrations')).toBe(1n);
    });
  });

  it('refuses unknown instances and exports, and a failed load leaves the session as it was', async () => {
    await withSim(async (client) => {
      await client.session(SessionMode.Keep);
      await client.transfer(modules.exporter);
      await client.register(0, 'a');
      const unknown = await refusal(client.invokeOn(3, 'get'));
      expect(unknown.device).toMatchObject({ code: DeviceErrorCode.InstanceUnknown, detail: 3, limit: 1 });
      expect((await refusal(client.globalGet(1, 'nope'))).device.code).toBe(DeviceErrorCode.ExportNotFound);
      const invalid = await refusal(client.transfer(INVALID));
      expect(invalid.device).toMatchObject({ code: DeviceErrorCode.LoadFailed, detail: 2 });
      const unlinkable = await refusal(client.transfer(modules.unlinkable));
      expect(unlinkable.device).toMatchObject({ code: DeviceErrorCode.LoadFailed, detail: 6 });
      /* A profile would lay the runtime out anew: refused while instances are held. */
      const profiled = await refusal(client.transfer(modules.exporter, { profile: Uint8Array.of(1, 2, 3) }));
      expect(profiled.device).toMatchObject({ code: DeviceErrorCode.LoadFailed, detail: 64, limit: 36 });
      expect(await client.session()).toMatchObject({ instances: 1, latest: 1, registrations: 1 });
      await client.invokeOn(1, 'inc');
      expect(await client.globalGet(0, 'g')).toEqual({ type: 'i32', value: 8 });
    });
  });

  it('mode 0 drops the instances at the next UPLOAD_BEGIN; RESET ends the session', async () => {
    await withSim(async (client) => {
      await client.session(SessionMode.Keep);
      await client.transfer(modules.exporter);
      await client.invokeOn(1, 'inc');
      await client.register(1, 'a');
      await client.transfer(modules.importer);
      expect(await client.session(SessionMode.One)).toMatchObject({ mode: 0, instances: 2 });
      await client.transfer(modules.exporter);
      expect(await client.session()).toMatchObject({ mode: 0, instances: 1, latest: 1, registrations: 0 });
      expect((await client.invokeOn(1, 'get')).results).toEqual([{ type: 'i32', value: 7 }]);
      expect((await refusal(client.invokeOn(2, 'bump'))).device.code).toBe(DeviceErrorCode.InstanceUnknown);
      await client.session(SessionMode.Keep);
      await client.reset();
      expect(await client.session()).toMatchObject({ mode: 0, instances: 0, latest: 0 });
      expect((await refusal(client.invoke('get'))).device.code).toBe(DeviceErrorCode.NoModule);
    });
  });

  it('loads a module with two memories only while SESSION\'s features byte has multi-memory on; RESET turns it off', async () => {
    const two = wat2wasm(
      `(module (memory 1 1) (memory $b 1 1)
        (func (export "f") (result i32) (i32.store8 $b (i32.const 3) (i32.const 9)) (i32.load8_u $b (i32.const 3))))`,
      ['--enable-multi-memory'],
    );
    await withSim(async (client) => {
      expect((client.device?.features ?? 0) & Feature.MultiMemory).toBe(Feature.MultiMemory);
      const off = await refusal(client.transfer(two));
      expect(off.device.code).toBe(DeviceErrorCode.LoadFailed);
      expect(off.message).toContain('multiple memories');
      expect((await client.session(SessionMode.Keep, SessionFeature.MultiMemory)).features).toBe(1);
      await client.transfer(two);
      expect((await client.invokeOn(0, 'f')).results).toEqual([{ type: 'i32', value: 9 }]);
      // Without the byte the features stay; RESET drops them with the instances.
      expect((await client.session(SessionMode.Keep)).features).toBe(1);
      await client.reset();
      expect((await client.session()).features).toBe(0);
      expect((await refusal(client.transfer(two))).device.code).toBe(DeviceErrorCode.LoadFailed);
    });
  });

  it('carries the empty export name and names longer than 64 bytes', async () => {
    await withSim(async (client) => {
      await client.session(SessionMode.Keep);
      await client.transfer(modules.names);
      expect((await client.invokeOn(0, '')).results).toEqual([{ type: 'i32', value: 1 }]);
      expect((await client.invokeOn(1, 'n'.repeat(300))).results).toEqual([{ type: 'i32', value: 2 }]);
      expect((await refusal(client.invokeOn(1, 'n'.repeat(299)))).device.code).toBe(DeviceErrorCode.ExportNotFound);
    });
  });

  it('bounds registrations (64) and instances (1024) with SESSION_FULL', async () => {
    /* The default 16 MiB arena has 1024 global slots in all: the testsuite's regions hold 1024 instances. */
    await withSim(async (client) => {
      await client.session(SessionMode.Keep);
      await client.transfer(modules.exporter);
      for (let i = 0; i < 64; i++) await client.register(1, `r${i}`);
      const names = await refusal(client.register(1, 'one-more'));
      expect(names.device).toMatchObject({ code: DeviceErrorCode.SessionFull, detail: 64, limit: 64 });
      for (let i = 1; i < 1024; i++) await client.transfer(modules.exporter);
      expect(await client.session()).toMatchObject({ instances: 1024, latest: 1024 });
      const full = await refusal(client.transfer(modules.exporter));
      expect(full.device).toMatchObject({ code: DeviceErrorCode.SessionFull, detail: 1024, limit: 1024 });
      /* Refused at UPLOAD_BEGIN: every instance still runs. */
      expect((await client.invokeOn(1024, 'get')).results).toEqual([{ type: 'i32', value: 7 }]);
    }, CONFORMANCE_SIM_ARGS);
  }, 120_000);
});
