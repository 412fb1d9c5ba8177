/**
 * One limit on a function's parameters and locals for the host validator, the profile and the
 * device interpreter: the JS API's 50,000 (JS_API_LIMITS.locals = WRT_CONFIG_MAX_LOCALS, compared
 * in test/profile/record-sizes.test.ts). At the limit all three take the module; one more and the
 * validator refuses it, and so does the device when it is sent there anyway (`--profile none`).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ProtocolClient } from '../../ts/device/client.js';
import { isDeviceError } from '../../ts/device/device-errors.js';
import { spawnNativeSimStdio } from '../../ts/device/native-sim.js';
import type { InterpNative } from '../../tools/interp/ffi.js';
import { InterpRuntime } from '../../tools/interp/runtime.js';
import { JS_API_LIMITS } from '../../ts/wasm/module-parser.js';
import { validateWasm } from '../../ts/wasm/validate.js';
import { buildRealNativeSim } from '../run/helpers.js';
import { compileForSim, nativeSimLimits } from '../support/native-sim-profile.js';
import { expectWrtError } from '../support/wrt-error.js';
import { disposedAfterEach, SMALL_LAYOUT, interp, wasm } from './helpers.js';

let native: InterpNative;
const keep = disposedAfterEach();

beforeAll(() => {
  native = interp();
});

/** One parameter and `total - 1` declared locals; returns the parameter plus the last local (0). */
function withLocals(total: number): Uint8Array {
  return wasm(`(module (func (export "f") (param i32) (result i32) (local ${'i32 '.repeat(total - 1)}) (i32.add (local.get 0) (local.get ${total - 1}))))`);
}

function device(bytes: Uint8Array) {
  const rt = keep(InterpRuntime.create(native, { ...SMALL_LAYOUT, stackSlots: JS_API_LIMITS.locals + 64 }));
  return { rt, inst: rt.instantiateBytes(bytes) };
}

describe(`at most ${JS_API_LIMITS.locals} parameters and locals, everywhere`, () => {
  it('at the limit: the validator, the profile and the interpreter take it, and it runs', async () => {
    const bytes = withLocals(JS_API_LIMITS.locals);
    expect(validateWasm(bytes).functions[0]?.locals).toBe(JS_API_LIMITS.locals);
    const profile = compileForSim(bytes, await nativeSimLimits());
    expect(profile.stack.valueSlots).toBeGreaterThan(JS_API_LIMITS.locals);
    const { rt, inst } = device(bytes);
    if (!inst.ok) throw new Error(inst.error.message);
    const f = inst.value.func('f');
    if (f === undefined) throw new Error('no export f');
    expect(rt.invoke(f, [5n])).toMatchObject({ ok: true, results: [5n] });
  });

  it('one more: the validator refuses it as an implementation limit, and so does the interpreter', () => {
    const bytes = withLocals(JS_API_LIMITS.locals + 1);
    expectWrtError(() => validateWasm(bytes), 'WASM_INVALID');
    const { inst } = device(bytes);
    expect(inst.ok ? null : inst.error).toMatchObject({ kind: 'limit', message: 'too many locals: more parameters and locals than WRT_CONFIG_MAX_LOCALS' });
  });

  it('one more, sent to native-sim without the host validator: the device refuses it at load', async () => {
    const transport = spawnNativeSimStdio(buildRealNativeSim(), []);
    const client = new ProtocolClient(transport);
    try {
      const refused = await client.transfer(withLocals(JS_API_LIMITS.locals + 1)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isDeviceError(refused) ? [refused.code, refused.device.message] : refused).toEqual(['LIMIT_EXCEEDED', 'too many locals: more parameters and locals than WRT_CONFIG_MAX_LOCALS']);
    } finally {
      client.close();
      await transport.close();
    }
  });
});
