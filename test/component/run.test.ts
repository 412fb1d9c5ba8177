/**
 * `wrt-target run COMPONENT --invoke 'f(args)'` on native-sim: the canonical ABI in the device's C
 * core (native/component) on a user's path, and COMPONENT_INVOKE on the wire (docs/protocol.md §4e).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsToValue } from '../../tools/component/differential.js';
import { jcoPackageDir, parseComponentText } from '../../tools/oracles/jco.js';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { ProtocolClient } from '../../ts/device/client.js';
import { isDeviceError } from '../../ts/device/device-errors.js';
import { spawnNativeSimStdio } from '../../ts/device/native-sim.js';
import { DeviceErrorCode, Feature } from '../../ts/device/protocol.js';
import { encodeComponentInvoke } from '../../ts/device/component-messages.js';
import { compilePlan, type PlanFunction } from '../../ts/component/plan.js';
import { validateComponent } from '../../ts/component/validator.js';
import { nativeSimArgs } from '../../ts/run/native-sim-binary.js';
import { buildRealNativeSim } from '../run/helpers.js';
import type { CType } from '../../ts/component/ctype.js';
import { formatWave } from '../../ts/component/wave.js';
import { ORACLE, SAMPLE, WITH_IMPORT } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'wrt-component-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let sim = '';
let sample = '';
let sampleBytes: Uint8Array = new Uint8Array();

beforeAll(async () => {
  sim = buildRealNativeSim();
  sampleBytes = await parseComponentText(SAMPLE);
  sample = join(dir, 'sample.wasm');
  writeFileSync(sample, sampleBytes);
}, 300_000);

async function run(...args: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const output = new BufferedOutput();
  const code = await main(['node', 'wrt-target', 'run', ...args], { output, env: { ...process.env, WRT_NATIVE_SIM: sim }, cwd: dir });
  return { code, out: output.stdout, err: output.stderr.join('\n') };
}

/** The last line a call prints, and its exit code. */
async function call(text: string, ...flags: string[]): Promise<[number, string]> {
  const r = await run(sample, '--invoke', text, ...flags);
  return [r.code, r.code === 0 ? (r.out.at(-1) ?? '') : r.err];
}

describe('run COMPONENT --invoke on native-sim', () => {
  it('calls functions of every supported type and prints one WAVE value', async () => {
    const cases: [string, string][] = [
      ['add(2, 40)', '42'],
      ['add(-2147483648, -1)', '2147483647'],
      ['greet("wasm")', '"hello, wasm"'],
      ['get-point()', '{x: 4, y: -2}'],
      ['sum([1, 2, 4294967295])', '4294967298'],
      ['sum([])', '0'],
      ['bytes(["a", "bc", "déf"])', '7'],
      ['maybe(some(41))', 'ok(42)'],
      ['maybe(none)', 'err("none")'],
      ['area(circle(2))', '12'],
      ['area(square(1.5))', '2.25'],
      ['area(nothing)', '0'],
      ['perm({read})', '{write, exec}'],
      ['perm({})', '{read, write, exec}'],
      ['next(blue)', 'red'],
      ['swap((-5, true))', '(true, -5)'],
      ['half(3)', '1.5'],
      ['half(nan)', 'nan'],
      ['half(-inf)', '-inf'],
      ['echo16("héllo😀\\n\\"q\\"")', '"héllo😀\\n\\"q\\""'],
      ['units16("héllo😀")', '7'],
    ];
    for (const [text, expected] of cases) expect([text, await call(text)]).toEqual([text, [0, expected]]);
  }, 120_000);

  it('runs post-return after the result is lifted, and names a trap in it', async () => {
    expect(await call('post-trap()')).toEqual([1, expect.stringMatching(/^wrt-target: trap: unreachable \(trap code 1\) in post-return of post-trap in function \d+, after \d+ instructions$/) as unknown as string]);
  });

  it('traps with a stable code when the guest lifts a bad char or an out-of-bounds string', async () => {
    expect(await call('bad-char()')).toEqual([1, expect.stringContaining('trap: invalid char (not a Unicode scalar value) (trap code 65) in lifting the result of bad-char') as unknown as string]);
    expect(await call('oob()')).toEqual([1, expect.stringContaining('(trap code 67) in lifting the result of oob') as unknown as string]);
  });

  it('refuses a string over the device limit before cabi_realloc runs (its realloc traps if called)', async () => {
    expect(await call('limited("abc")')).toEqual([1, expect.stringContaining('trap: unreachable (trap code 1) in cabi_realloc of limited') as unknown as string]);
    const [code, err] = await call(`limited("${'x'.repeat(800)}")`);
    expect([code, err]).toEqual([1, expect.stringContaining('(trap code 71) in lowering the arguments of limited') as unknown as string]);
  });

  it('bounds the whole call with --fuel', async () => {
    const r = await run(sample, '--invoke', 'spin()', '--fuel', '1000', '--json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out.join('\n')) as { trap: { code: number; phase: string }; fuelUsed: string; function: string };
    expect([doc.trap.code, doc.trap.phase, doc.function]).toEqual([11, 'the core function', 'spin']);
    expect(Number(doc.fuelUsed)).toBeGreaterThan(0);
  });

  it('prints --json with the result as WAVE', async () => {
    const r = await run(sample, '--invoke', 'get-point()', '--json');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out.join('\n')) as { result: string }).result).toBe('{x: 4, y: -2}');
  });

  it('checks arguments against the function type before running, naming the parameter', async () => {
    expect(await call('add(1, "x")')).toEqual([2, expect.stringContaining('parameter b: expected s32, got a string') as unknown as string]);
    expect(await call('add(1, 2147483648)')).toEqual([2, expect.stringContaining('out of range -2147483648..2147483647') as unknown as string]);
    expect(await call('add(1)')).toEqual([2, expect.stringContaining('add takes 2 argument(s), --invoke gives 1') as unknown as string]);
    expect(await call('maybe(some(1, 2))')).toEqual([2, expect.stringContaining("expected ')'") as unknown as string]);
    expect(await call('area(triangle(1))')).toEqual([2, expect.stringContaining('the cases are circle, square, nothing') as unknown as string]);
    expect(await call('get-poin()')).toEqual([2, expect.stringContaining('exports no function "get-poin"') as unknown as string]);
  });

  it('refuses the core-module flags it would otherwise ignore (--break, --host-policy), as deploy does', async () => {
    expect(await call('add(1, 2)', '--debug', 'basic', '--break', 'add')).toEqual([2, expect.stringContaining('--break is for core modules') as unknown as string]);
    expect(await call('add(1, 2)', '--host-policy', 'env.f=deny')).toEqual([2, expect.stringContaining('--host-policy is for core modules') as unknown as string]);
  });

  it('lists the exported functions with their signatures without --invoke', async () => {
    const r = await run(sample);
    expect(r.code).toBe(2);
    expect(r.err).toContain('is a component without wasi:cli/run');
    expect(r.err).toContain('  get-point: func() -> record { x: s32, y: s32 }');
    expect(r.err).toContain('  maybe: func(x: option<u8>) -> result<u8, string>');
  });

  it('refuses a component with imports, naming the import and what runs', async () => {
    const file = join(dir, 'import.wasm');
    writeFileSync(file, await parseComponentText(WITH_IMPORT));
    const r = await run(file, '--invoke', 'f()');
    expect(r.code).toBe(1);
    expect(r.err).toContain('error[COMPONENT_UNSUPPORTED]');
    expect(r.err).toContain('the component imports "log" (a function): the only imports run are WASI 0.2 interfaces (wasi:*/*@0.2.x instances), which the device serves');
    expect(r.err).toContain('whose only top-level imports are WASI 0.2 interfaces');
  });

  it('runs a core module with two memories (multi-memory): memory 1 read, grown and sized apart from memory 0', async () => {
    const file = join(dir, 'two-memories.wasm');
    writeFileSync(
      file,
      await parseComponentText(`(component
        (core module $M
          (memory $a 1)
          (memory $b 2 3)
          (data (memory $b) (i32.const 70000) "\\2a")
          (func (export "f") (result i32)
            (drop (memory.grow $b (i32.const 1)))
            (i32.add (i32.load8_u $b (i32.const 70000))
              (i32.add (i32.mul (memory.size $b) (i32.const 100)) (memory.size $a)))))
        (core instance $m (instantiate $M))
        (func (export "f") (result u32) (canon lift (core func $m "f"))))`),
    );
    const r = await run(file, '--invoke', 'f()');
    expect([r.code, r.out.at(-1), r.err]).toEqual([0, '343', '']);
  });
});

describe('COMPONENT_INVOKE on the wire (native-sim directly)', () => {
  let client: ProtocolClient;
  let fns: Map<string, PlanFunction>;

  beforeAll(async () => {
    const plan = compilePlan(validateComponent(sampleBytes), sampleBytes);
    fns = new Map(plan.functions.map((f) => [f.name, f]));
    client = new ProtocolClient(spawnNativeSimStdio(sim, nativeSimArgs({})), { helloTimeoutMs: 5000 });
    const hello = await client.hello();
    expect(hello.features & Feature.Component).toBe(Feature.Component);
    await client.transfer(plan.coreModule);
  });
  afterAll(() => client.close());

  const base = (name: string): Parameters<ProtocolClient['componentInvoke']>[0] => {
    const f = fns.get(name) as PlanFunction;
    return { encoding: f.encoding, coreExport: f.coreExport, paramsType: f.paramsType, resultType: f.resultType, args: new Uint8Array() };
  };
  async function refusal(req: Parameters<ProtocolClient['componentInvoke']>[0]): Promise<[number, number]> {
    const error = await client.componentInvoke(req).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!isDeviceError(error)) throw new Error(`expected a device error, got ${String(error)}`);
    return [error.device.code, error.device.detail];
  }

  it('answers the result in the value encoding (add(2, -5): s32 as signed LEB128)', async () => {
    const answer = await client.componentInvoke({ ...base('add'), args: Uint8Array.of(0x02, 0x7b) });
    expect([answer.trap, answer.phase, [...answer.values]]).toEqual([0, 0, [0x7d]]);
  });

  it('lowers a string through cabi_realloc and lifts the one it returns', async () => {
    const f = fns.get('greet') as PlanFunction;
    const answer = await client.componentInvoke({ ...base('greet'), realloc: f.realloc ?? '', postReturn: f.postReturn ?? '', args: Uint8Array.of(4, ...new TextEncoder().encode('wasm')) });
    expect(new TextDecoder().decode(answer.values)).toBe('\u000bhello, wasm');
  });

  it('refuses argument bytes that do not match the types, with the byte offset', async () => {
    expect(await refusal({ ...base('add'), args: Uint8Array.of(0x02) })).toEqual([DeviceErrorCode.ArgsInvalid, 1]);
    expect(await refusal({ ...base('add'), args: Uint8Array.of(0x02, 0x03, 0x04) })).toEqual([DeviceErrorCode.ArgsInvalid, 2]);
    // s32 out of range: 0xff 0xff 0xff 0xff 0x0f is 2^32 - 1.
    expect(await refusal({ ...base('add'), args: Uint8Array.of(0x00, 0xff, 0xff, 0xff, 0xff, 0x0f) })).toEqual([DeviceErrorCode.ArgsInvalid, 5]);
    expect(await refusal({ ...base('add'), paramsType: Uint8Array.of(0x12, 0x02, 0x05, 0x33), args: Uint8Array.of(1, 1) })).toEqual([DeviceErrorCode.ArgsInvalid, 3]);
  });

  it('refuses core exports that are missing or have another type than the canonical ABI needs', async () => {
    expect(await refusal({ ...base('add'), coreExport: 'nope', args: Uint8Array.of(1, 1) })).toEqual([DeviceErrorCode.ExportNotFound, 0]);
    expect(await refusal({ ...base('add'), realloc: 'nope', args: Uint8Array.of(1, 1) })).toEqual([DeviceErrorCode.ExportNotFound, 1]);
    // greet's core function takes (i32 i32): lifted as add(s32, s32) -> s32 it returns a pointer, fine; as () -> s32 it is the wrong type.
    expect(await refusal({ ...base('add'), paramsType: new Uint8Array() })).toEqual([DeviceErrorCode.ExportNotFound, 16]);
    expect(await refusal({ ...base('add'), realloc: 'add', args: Uint8Array.of(1, 1) })).toEqual([DeviceErrorCode.ExportNotFound, 17]);
  });

  it('takes the memory of the instance its trailing memory field names (multi-memory, feature bit 17)', async () => {
    expect((client.device?.features ?? 0) & Feature.MultiMemory).toBe(Feature.MultiMemory);
    const req = { ...base('add'), args: Uint8Array.of(0x02, 0x7b) };
    // The field is a trailing u16 after the argument bytes; absent or 0 is the function's own instance.
    expect(Buffer.from(encodeComponentInvoke({ ...req, memoryInstance: 1 })).toString('hex')).toBe(`${Buffer.from(encodeComponentInvoke(req)).toString('hex')}0100`);
    expect(encodeComponentInvoke({ ...req, memoryInstance: 0 })).toEqual(encodeComponentInvoke(req));
    const answer = await client.componentInvoke({ ...req, memoryInstance: 1 });
    expect([answer.trap, [...answer.values]]).toEqual([0, [0x7d]]);
    expect((await refusal({ ...req, memoryInstance: 9 }))[0]).toBe(DeviceErrorCode.InstanceUnknown);
  });
});


describe('value oracle: the same component transpiled by jco 1.35.0 and run in Node', () => {
  it('gives the same results as the device for a handful of calls', async () => {
    const bytes = await parseComponentText(ORACLE);
    const file = join(dir, 'oracle.wasm');
    writeFileSync(file, bytes);
    const { transpileBytes } = (await import(pathToFileURL(join(jcoPackageDir(), '..', 'jco-transpile', 'dist', 'index.js')).href)) as {
      transpileBytes: (b: Uint8Array, o: object) => Promise<{ files: Record<string, Uint8Array> }>;
    };
    const out = await transpileBytes(bytes, { name: 'oracle', nodejsCompat: true });
    const jsDir = join(dir, 'jco');
    for (const [name, data] of Object.entries(out.files)) {
      mkdirSync(dirname(join(jsDir, name)), { recursive: true });
      writeFileSync(join(jsDir, name), data);
    }
    const js = (await import(pathToFileURL(join(jsDir, 'oracle.js')).href)) as Record<string, (...args: unknown[]) => unknown>;
    const plan = compilePlan(validateComponent(bytes), bytes);
    const call = (name: string, ...args: unknown[]): string => {
      const fn = plan.functions.find((f) => f.name === name) as PlanFunction;
      const result = fn.result as CType;
      if (result.k === 'result') {
        try {
          const ok = (js[name] as (...a: unknown[]) => unknown)(...args);
          return `ok(${formatWave(result.ok as CType, jsToValue(result.ok as CType, ok))})`;
        } catch (error) {
          const payload = (error as { payload?: unknown }).payload ?? error;
          return `err(${formatWave(result.err as CType, jsToValue(result.err as CType, payload))})`;
        }
      }
      return formatWave(result, jsToValue(result, (js[name] as (...a: unknown[]) => unknown)(...args)));
    };
    const cases: [string, string][] = [
      ['add(2, 40)', call('add', 2, 40)],
      ['add(2147483647, 1)', call('add', 2147483647, 1)],
      ['greet("wasm")', call('greet', 'wasm')],
      ['greet("ünïcødé 😀")', call('greet', 'ünïcødé 😀')],
      ['sum([1, 2, 4294967295])', call('sum', new Uint32Array([1, 2, 4294967295]))],
      ['bytes(["a", "bc", "déf"])', call('bytes', ['a', 'bc', 'déf'])],
      ['maybe(some(41))', call('maybe', 41)],
      ['maybe(none)', call('maybe', undefined)],
      ['swap((-9223372036854775808, false))', call('swap', [-9223372036854775808n, false])],
      ['half(0.1)', call('half', 0.1)],
      ['echo16("héllo😀")', call('echo16', 'héllo😀')],
      ['units16("héllo😀")', call('units16', 'héllo😀')],
    ];
    for (const [text, expected] of cases) {
      const r = await run(file, '--invoke', text);
      expect([text, r.code, r.out.at(-1)]).toEqual([text, 0, expected]);
    }
    // The oracle is not vacuous: it computed the values the device must print.
    expect(cases.map(([, v]) => v).slice(0, 3)).toEqual(['42', '-2147483648', '"hello, wasm"']);
  }, 120_000);
});
