/**
 * native-sim enforces the profile uploaded with a module (UPLOAD_BEGIN): every budget at exactly
 * what the module needs passes, and one below fails the way docs/profile.md promises. The profile
 * travels as the binary the device decodes (native/profile), not as a layout handed over in-process.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { isDeviceError } from '../../ts/device/device-errors.js';
import { ProtocolClient } from '../../ts/device/client.js';
import type { WireValue } from '../../ts/device/messages.js';
import { spawnNativeSimStdio } from '../../ts/device/native-sim.js';
import { wat2wasm } from '../../ts/testsuite/wat.js';
import { decodeProfile, encodeProfile } from '../../ts/profile/binary.js';
import type { Profile, ProfileOverrides, TargetFacts } from '../../ts/profile/types.js';
import { prepareModule } from '../../ts/run/module.js';
import { type RunReport, runModule } from '../../ts/run/run-module.js';
import { CHAIN, COUNTER, GROW, STACK, TABLE } from '../support/budget-modules.js';
import { compileForSim, NATIVE_SIM_FACTS, nativeSimLimits } from '../support/native-sim-profile.js';
import type { ResolvedLimits } from '../../ts/limits/types.js';
import { buildRealNativeSim } from './helpers.js';

let sim = '';
let limits: ResolvedLimits;

beforeAll(async () => {
  sim = buildRealNativeSim();
  limits = await nativeSimLimits();
});

function compile(bytes: Uint8Array, overrides: ProfileOverrides = {}, target: TargetFacts = NATIVE_SIM_FACTS): Profile {
  return compileForSim(bytes, limits, overrides, target);
}

function binary(profile: Profile): Uint8Array {
  return encodeProfile(profile).bytes;
}

interface Ran {
  readonly report: RunReport;
  readonly stdout: string;
}

async function run(bytes: Uint8Array, profile: Uint8Array | undefined, invoke: string, args: readonly string[] = [], fuel?: bigint): Promise<Ran> {
  let stdout = '';
  const report = await runModule(
    {
      file: 'module.wasm',
      module: prepareModule('module.wasm', bytes),
      invoke,
      args,
      ...(profile === undefined ? {} : { profile: { bytes: profile, decoded: decodeProfile(profile), source: 'test' } }),
      ...(fuel === undefined ? {} : { fuel }),
    },
    { stdout: (b) => void (stdout += Buffer.from(b).toString('utf8')), stderr: () => undefined },
    { env: { WRT_NATIVE_SIM: sim }, handleSigint: false },
  );
  return { report, stdout };
}

function wireText(value: WireValue): string {
  return value.type === 'i32' || value.type === 'i64' ? String(value.value) : JSON.stringify(value);
}

function what(ran: Ran): string {
  const o = ran.report.outcome;
  return o.kind === 'returned' ? `returned ${o.results.map(wireText).join(',')}` : o.kind === 'trapped' ? `trap ${o.trapName}` : `exit ${o.exitCode}`;
}

async function refusal(promise: Promise<unknown>): Promise<{ code: string; detail: number; limit: number; message: string }> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isDeviceError(error)) throw new Error(`expected a device error, got ${String(error)}`);
  return { code: error.code, detail: error.device.detail, limit: error.device.limit, message: error.device.message };
}

/** Uploads a module with profile bytes the host would refuse, straight to native-sim: the device's own check. */
async function deviceRefusal(bytes: Uint8Array, profile: Uint8Array): Promise<{ code: string; detail: number; limit: number; message: string }> {
  const transport = spawnNativeSimStdio(sim, []);
  const client = new ProtocolClient(transport);
  try {
    return await refusal(client.transfer(bytes, { profile }));
  } finally {
    client.close();
    await transport.close();
  }
}

// Writes "hi\\n" three times through WASI fd_write: three host calls.
const WRITER = `(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 0) "\\08\\00\\00\\00\\03\\00\\00\\00hi\\n")
  (func (export "main")
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))
    (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 16)))))`;

// A module that declares a whole page but only uses the bytes below __heap_base (1024); it never
// grows memory (the rule's condition), so memory.grow is covered by the interpreter's own tests.
const SMALL = `(module
  (memory (export "memory") 1)
  (global (export "__heap_base") i32 (i32.const 1024))
  (data (i32.const 0) "wrt!")
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "size") (result i32) (memory.size)))`;

describe('native-sim runs each module under its exact profile, and one below fails as promised', () => {
  it('call depth: 4 frames return, 3 trap "call stack exhausted"', async () => {
    const bytes = wat2wasm(CHAIN);
    const profile = compile(bytes);
    expect(profile.stack.callDepth).toBe(4);
    expect(what(await run(bytes, binary(profile), 'main'))).toBe('returned 7');
    const short = { ...profile, stack: { ...profile.stack, callDepth: 3 } };
    expect(what(await run(bytes, binary(short), 'main'))).toBe('trap call stack exhausted');
  });

  it('value stack: 7 slots return, 6 trap "value stack exhausted"', async () => {
    const bytes = wat2wasm(STACK);
    const profile = compile(bytes);
    expect(profile.stack.valueSlots).toBe(7);
    expect(what(await run(bytes, binary(profile), 'main'))).toBe('returned 1');
    const short = { ...profile, stack: { ...profile.stack, valueSlots: 6 } };
    expect(what(await run(bytes, binary(short), 'main'))).toBe('trap value stack exhausted');
  });

  it('fuel: 97 instructions count to 10, 96 trap "fuel exhausted" after 96; an INVOKE cannot raise it', async () => {
    const bytes = wat2wasm(COUNTER);
    const exact = await run(bytes, binary(compile(bytes, { fuel: { value: 97n, source: 'test' } })), 'count', ['10']);
    expect([what(exact), exact.report.fuelUsed]).toEqual(['returned 10', 97n]);
    const short = binary(compile(bytes, { fuel: { value: 96n, source: 'test' } }));
    const trapped = await run(bytes, short, 'count', ['10']);
    expect([what(trapped), trapped.report.fuelUsed]).toEqual(['trap fuel exhausted', 96n]);
    // The profile's fuel is a ceiling: asking for more in INVOKE changes nothing; less is honoured.
    const asked = await run(bytes, short, 'count', ['10'], 1_000_000n);
    expect([what(asked), asked.report.fuelUsed]).toEqual(['trap fuel exhausted', 96n]);
    const less = await run(bytes, short, 'count', ['10'], 50n);
    expect(what(less)).toBe('trap fuel exhausted');
    expect(less.report.fuelUsed).toBeLessThanOrEqual(50n);
  });

  it('fuel bounds the start function: one that never returns is the load trap "fuel exhausted"; a bounded one runs', async () => {
    const endless = wat2wasm('(module (func $s (loop $l (br $l))) (start $s) (func (export "main") (result i32) (i32.const 7)))');
    const bounded = binary(compile(endless, { fuel: { value: 1000n, source: 'test' } }));
    // Explained in the module's terms (ts/run/module.ts), the device's refusal as its cause.
    const trapped = await run(endless, bounded, 'main').catch((e: unknown) => e);
    expect(trapped).toMatchObject({ code: 'WASM_TRAPPED', message: 'the module trapped while the device loaded it, in its start function (function 0): fuel exhausted' });
    expect(await refusal(Promise.reject((trapped as Error).cause))).toMatchObject({ code: 'WASM_TRAPPED', message: 'fuel exhausted' });
    const finite = wat2wasm('(module (global $g (mut i32) (i32.const 0)) (func $s (global.set $g (i32.const 7))) (start $s) (func (export "main") (result i32) (global.get $g)))');
    const ran = await run(finite, binary(compile(finite, { fuel: { value: 1000n, source: 'test' } })), 'main');
    expect(what(ran)).toBe('returned 7');
  });

  it('a table that grows without a maximum gets the preset room (QM 1024 elements): table.grow succeeds up to it, -1 past it', async () => {
    const bytes = wat2wasm(`(module (table $t 1 funcref)
      (func (export "grow") (param i32) (result i32) (table.grow $t (ref.null func) (local.get 0)))
      (func (export "size") (result i32) (table.size $t)))`);
    const profile = compile(bytes);
    expect(profile.tables).toEqual({ elements: 1026, elementsMax: 1025 });
    const bin = binary(profile);
    expect(what(await run(bytes, bin, 'grow', ['10']))).toBe('returned 1');
    expect(what(await run(bytes, bin, 'grow', ['1024']))).toBe('returned 1');
    expect(what(await run(bytes, bin, 'grow', ['1025']))).toBe('returned -1');
  });

  it('host calls: 3 calls of fd_write print three lines, a budget of 2 traps after two', async () => {
    const bytes = wat2wasm(WRITER);
    const exact = compile(bytes, { hostCalls: { value: 3, source: 'test' } });
    expect(exact.imports).toEqual([{ module: 'wasi_snapshot_preview1', name: 'fd_write', budget: 3, policy: 'allow' }]);
    const ok = await run(bytes, binary(exact), 'main');
    expect([what(ok), ok.stdout]).toEqual(['returned ', 'hi\nhi\nhi\n']);
    const short = await run(bytes, binary(compile(bytes, { hostCalls: { value: 2, source: 'test' } })), 'main');
    expect([what(short), short.stdout]).toEqual(['trap host call budget exhausted', 'hi\nhi\n']);
  });

  it('allowed imports: an import the profile does not list is denied at its first call', async () => {
    const bytes = wat2wasm(WRITER);
    const profile = compile(bytes);
    const denied = await run(bytes, binary({ ...profile, imports: [] }), 'main');
    expect([what(denied), denied.stdout]).toEqual(['trap host call denied', '']);
  });

  it('memory maximum: grow by 2 succeeds under 3 pages, returns -1 under 2', async () => {
    const bytes = wat2wasm(GROW);
    const profile = compile(bytes);
    expect(profile.memory).toMatchObject({ initialPages: 1, maximumPages: 3, bytes: 3 * 65536, truncated: false });
    expect(what(await run(bytes, binary(profile), 'grow', ['2']))).toBe('returned 1');
    const short = { ...profile, memory: { ...profile.memory, maximumPages: 2, bytes: 2 * 65536 } };
    expect(what(await run(bytes, binary(short), 'grow', ['2']))).toBe('returned -1');
  });

  it('tables: 5 elements instantiate, a largest table of 4 is a load error (LIMIT_EXCEEDED)', async () => {
    const bytes = wat2wasm(TABLE);
    const profile = compile(bytes);
    expect(profile.tables).toEqual({ elements: 6, elementsMax: 5 });
    expect(what(await run(bytes, binary(profile), 'main'))).toBe('returned 42');
    const short = { ...profile, tables: { ...profile.tables, elementsMax: 4 } };
    const error = await refusal(run(bytes, binary(short), 'main'));
    expect([error.code, error.detail]).toEqual(['LIMIT_EXCEEDED', 5]);
  });

  it('memory truncation: a one-page module runs in 1024 bytes; the last word loads, one byte further traps', async () => {
    const bytes = wat2wasm(SMALL);
    const profile = compile(bytes, { truncateMemory: 'always' });
    expect(profile.memory).toMatchObject({ initialPages: 1, bytes: 1024, truncated: true, rule: 'truncated-to-heap-base' });
    const truncated = binary(profile);
    expect(what(await run(bytes, truncated, 'load', ['0']))).toBe(`returned ${0x21747277}`); // "wrt!"
    expect(what(await run(bytes, truncated, 'load', ['1020']))).toBe('returned 0');
    expect(what(await run(bytes, truncated, 'load', ['1021']))).toBe('trap out of bounds memory access');
    expect(what(await run(bytes, truncated, 'size'))).toBe('returned 1');
    // Without truncation the whole page is there.
    expect(what(await run(bytes, binary(compile(bytes, { truncateMemory: 'never' })), 'load', ['65532']))).toBe('returned 0');
    // One 16-byte step below what the module needs: its last word is gone.
    const short = { ...profile, memory: { ...profile.memory, bytes: 1008 } };
    expect(what(await run(bytes, binary(short), 'load', ['1008']))).toBe('trap out of bounds memory access');
  });

  it('the runtime lives in exactly the profile\'s arena, and STATS says so', async () => {
    const bytes = wat2wasm(SMALL);
    const profile = compile(bytes, { truncateMemory: 'always' });
    const transport = spawnNativeSimStdio(sim, []);
    const client = new ProtocolClient(transport);
    try {
      await client.transfer(bytes, { profile: binary(profile) });
      const stats = await client.stats();
      expect(stats.get('engine.profiled')).toBe(1n);
      expect(stats.get('engine.runtime_bytes')).toBe(BigInt(profile.arena.totalBytes));
      expect(stats.get('engine.memory_bytes_limit')).toBe(1024n);
      expect(stats.get('engine.memory_used')).toBe(1024n);
      // The next module without a profile gets the device's default layout back.
      await client.transfer(bytes);
      const after = await client.stats();
      expect(after.get('engine.profiled')).toBe(0n);
      expect(after.get('engine.runtime_bytes')).toBe(16n * 1024n * 1024n);
    } finally {
      client.close();
      await transport.close();
    }
  });
});

describe('native-sim refuses a profile that does not belong, and runs nothing', () => {
  it('a profile of another module: PROFILE_REFUSED (module SHA-256)', async () => {
    const other = binary(compile(wat2wasm(STACK)));
    const error = await refusal(run(wat2wasm(CHAIN), other, 'main'));
    expect(error).toEqual({ code: 'PROFILE_REFUSED', detail: 64, limit: 7, message: 'profile: made for another module (module SHA-256 differs)' });
  });

  it('a profile for another target: PROFILE_REFUSED (target)', async () => {
    const bytes = wat2wasm(CHAIN);
    const board = binary(compile(bytes, {}, { ...NATIVE_SIM_FACTS, id: 'qemu-mps2-an386' }));
    const error = await refusal(run(bytes, board, 'main'));
    expect([error.code, error.limit, error.message]).toEqual(['PROFILE_REFUSED', 32, 'profile: compiled for another target']);
  });

  it('an arena larger than the device\'s: PROFILE_REFUSED (arena)', async () => {
    const bytes = wat2wasm(CHAIN);
    const profile = compile(bytes);
    const huge = { ...profile, arena: { ...profile.arena, totalBytes: 64 * 1024 * 1024 } };
    // The host refuses it against HELLO's arena before the upload; the device refuses it too.
    await expect(run(bytes, binary(huge), 'main')).rejects.toMatchObject({ code: 'BUDGET_EXCEEDED', location: { field: 'arena' } });
    const error = await deviceRefusal(bytes, binary(huge));
    expect([error.code, error.limit, error.message]).toEqual(['PROFILE_REFUSED', 34, "profile: its arena is larger than this device's"]);
  });

  it('a profile whose bytes were changed after encoding: PROFILE_REFUSED (CRC-32)', async () => {
    const bytes = wat2wasm(CHAIN);
    const damaged = binary(compile(bytes));
    damaged[116] = (damaged[116] ?? 0) ^ 0x01; // call depth
    // The host's decoder refuses it before a session starts; the device's decoder too.
    await expect(run(bytes, damaged, 'main')).rejects.toMatchObject({ code: 'VALUE_INVALID' });
    const error = await deviceRefusal(bytes, damaged);
    expect([error.code, error.limit, error.message]).toEqual(['PROFILE_REFUSED', 5, 'profile: CRC-32 mismatch']);
  });
});
