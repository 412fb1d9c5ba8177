/**
 * Components of several core modules and instances (explicit core linking, ts/component/flatten.ts),
 * fused adapters for `canon lower` of another instance's lifted function (COMPONENT_ADAPTER,
 * docs/protocol.md §4f) and the bound on nested invocation, through `run COMPONENT --invoke` on
 * native-sim; and the component-model execution tests (npm run conformance:component-run).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseComponentText } from '../../tools/oracles/jco.js';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { encodeComponentAdapter, encodeComponentResource } from '../../ts/device/component-messages.js';
import { compilePlan } from '../../ts/component/plan.js';
import { renameImports } from '../../ts/component/relink.js';
import { validateComponent } from '../../ts/component/validator.js';
import { buildRealNativeSim } from '../run/helpers.js';
import { nativeSimAsanBinary } from '../../ts/run/native-sim-binary.js';
import { componentRunConformance, componentRunSkipList } from '../../scripts/component/run-conformance.js';
import { ADAPTED, chain, SHARED } from './board-samples.js';

const dir = mkdtempSync(join(tmpdir(), 'wrt-component-link-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let sim = '';

/** A resource defined by one component and dropped by another through an own handle: the destructor logs the rep. */
const RESOURCE = `(component
  (component $Def
    (core module $M
      (global $sum (mut i32) (i32.const 0))
      (func (export "dtor") (param i32) (global.set $sum (i32.add (global.get $sum) (local.get 0))))
      (func (export "sum") (result i32) (global.get $sum)))
    (core instance $m (instantiate $M))
    (type $R (resource (rep i32) (dtor (core func $m "dtor"))))
    (export $Re "r" (type $R))
    (core func $new (canon resource.new $R))
    (core func $rep (canon resource.rep $R))
    (core module $Maker
      (import "canon" "new" (func $new (param i32) (result i32)))
      (import "canon" "rep" (func $rep (param i32) (result i32)))
      (func (export "make") (param i32) (result i32) (call $new (local.get 0)))
      (func (export "twice") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2))))
    (core instance $maker (instantiate $Maker (with "canon" (instance (export "new" (func $new)) (export "rep" (func $rep))))))
    (func (export "make") (param "rep" u32) (result (own $Re)) (canon lift (core func $maker "make")))
    (func (export "twice") (param "h" (borrow $Re)) (result u32) (canon lift (core func $maker "twice")))
    (func (export "sum") (result u32) (canon lift (core func $m "sum"))))
  (component $User
    (import "def" (instance $def
      (export "r" (type $R (sub resource)))
      (export "make" (func (param "rep" u32) (result (own $R))))
      (export "twice" (func (param "h" (borrow $R)) (result u32)))))
    (alias export $def "r" (type $R))
    (core func $make (canon lower (func $def "make")))
    (core func $twice (canon lower (func $def "twice")))
    (core func $drop (canon resource.drop $R))
    (core module $M
      (import "e" "make" (func $make (param i32) (result i32)))
      (import "e" "twice" (func $twice (param i32) (result i32)))
      (import "e" "drop" (func $drop (param i32)))
      (func (export "run") (param i32) (result i32) (local $h i32) (local $t i32)
        (local.set $h (call $make (local.get 0)))
        (local.set $t (call $twice (local.get $h)))
        (call $drop (local.get $h))
        (local.get $t))
      (func (export "bad") (result i32) (call $twice (i32.const 7))))
    (core instance $m (instantiate $M (with "e" (instance
      (export "make" (func $make)) (export "twice" (func $twice)) (export "drop" (func $drop))))))
    (func (export "run") (param "rep" u32) (result u32) (canon lift (core func $m "run")))
    (func (export "bad") (result u32) (canon lift (core func $m "bad"))))
  (instance $def (instantiate $Def))
  (instance $user (instantiate $User (with "def" (instance $def))))
  (func (export "run") (alias export $user "run"))
  (func (export "bad") (alias export $user "bad"))
  (func (export "sum") (alias export $def "sum"))
)`;

/**
 * may_leave: the realloc (or the post-return) of `$M` calls an import, a function another component
 * instance lifts (a u8 result, so through a fused adapter, not bound straight to the callee).
 */
function leaving(inRealloc: boolean, inPostReturn: boolean): string {
  return `(component
  (component $Other
    (core module $O (func (export "seven") (result i32) (i32.const 7)))
    (core instance $o (instantiate $O))
    (func (export "seven") (result u8) (canon lift (core func $o "seven"))))
  (instance $other (instantiate $Other))
  (core func $seven (canon lower (func $other "seven")))
  (core module $M
    (import "o" "seven" (func $seven (result i32)))
    (memory (export "mem") 1)
    (func (export "realloc") (param i32 i32 i32 i32) (result i32)
      ${inRealloc ? '(drop (call $seven))' : ''}
      (i32.const 64))
    (func (export "len") (param i32 i32) (result i32) (i32.add (local.get 1) (call $seven)))
    (func (export "post") (param i32) ${inPostReturn ? '(drop (call $seven))' : ''}))
  (core instance $m (instantiate $M (with "o" (instance (export "seven" (func $seven))))))
  (func (export "len") (param "s" string) (result u32)
    (canon lift (core func $m "len") (memory (core memory $m "mem")) (realloc (core func $m "realloc")) (post-return (core func $m "post")))))`;
}

async function write(name: string, text: string): Promise<string> {
  const file = join(dir, name);
  writeFileSync(file, await parseComponentText(text));
  return file;
}

async function run(...args: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const output = new BufferedOutput();
  const code = await main(['node', 'wrt-target', 'run', ...args], { output, env: { ...process.env, WRT_NATIVE_SIM: sim }, cwd: dir });
  return { code, out: output.stdout, err: output.stderr.join('\n') };
}

beforeAll(() => {
  sim = buildRealNativeSim();
}, 300_000);

describe('components of several core instances on native-sim', () => {
  it('keeps each core instance its own state and binds an import to one named instance', async () => {
    const file = await write('shared.wasm', SHARED);
    const plan = compilePlan(validateComponent(await parseComponentText(SHARED)), await parseComponentText(SHARED));
    expect(plan.instances.map((i) => i.imports.map((x) => ('instance' in x.to ? `${x.module}.${x.field}->#${x.to.instance}.${x.to.name}` : '')))).toEqual([
      [],
      [],
      ['env.bump->#1.bump'],
    ]);
    // Each run instantiates afresh: instance $b counts twice inside go, $a once.
    expect((await run(file, '--invoke', 'go()')).out.at(-1)).toBe('2');
    expect((await run(file, '--invoke', 'bump-a()')).out.at(-1)).toBe('1');
  });

  it('bounds the flattening work: an exponential instantiation tree is refused, not run', async () => {
    // Level k instantiates level k-1 twice: 2^20 instantiations of the innermost component.
    const levels = ['(component $L0 (core module $M) (core instance (instantiate $M)))'];
    for (let k = 1; k <= 20; k++) levels.push(`(component $L${k} ${levels[k - 1]} (instance (instantiate $L${k - 1})) (instance (instantiate $L${k - 1})))`);
    const bytes = await parseComponentText(`(component ${levels[20]} (instance (instantiate $L20)))`);
    expect(() => compilePlan(validateComponent(bytes), bytes)).toThrow(/more than 200000 evaluation steps/);
  });

  it('renames only the import section of a core module', () => {
    // (module (import "a" "b" (func)) (func)): one type, one import, one function.
    const module = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 2, 7, 1, 1, 0x61, 1, 0x62, 0, 0, 3, 2, 1, 0, 10, 4, 1, 2, 0, 0x0b]);
    const renamed = renameImports(module, [['#3', 'xy']]);
    expect([...renamed]).toEqual([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 2, 9, 1, 2, 0x23, 0x33, 2, 0x78, 0x79, 0, 0, 3, 2, 1, 0, 10, 4, 1, 2, 0, 0x0b]);
  });

  it('runs a string through a fused adapter: UTF-16 caller, UTF-8 callee, post-return once', async () => {
    const file = await write('adapted.wasm', ADAPTED);
    const plan = compilePlan(validateComponent(await parseComponentText(ADAPTED)), await parseComponentText(ADAPTED));
    expect(plan.steps).toEqual([{ instance: 0 }, { instance: 1 }, { adapter: 0 }, { instance: 2 }]);
    // "hi wasm": 7 UTF-16 code units, the first 'h'.
    expect((await run(file, '--invoke', 'units()')).out.at(-1)).toBe('7');
    expect((await run(file, '--invoke', 'first()')).out.at(-1)).toBe(String('h'.charCodeAt(0)));
  });

  it('nests adapters up to the bound and traps with code 18 past it', async () => {
    expect((await run(await write('chain4.wasm', chain(4)), '--invoke', 'f(1)')).out.at(-1)).toBe('5');
    const deep = await run(await write('chain6.wasm', chain(6)), '--invoke', 'f(1)');
    expect(deep.code).toBe(1);
    expect(deep.err).toMatch(/nested invocations exhausted \(trap code 18\)/);
  });

  it('moves own and borrow handles between component instances and traps on an unknown handle', async () => {
    const file = await write('resource.wasm', RESOURCE);
    // A borrow lent to the implementing instance arrives as the rep: twice(21) = 42.
    expect((await run(file, '--invoke', 'run(21)')).out.at(-1)).toBe('42');
    const bad = await run(file, '--invoke', 'bad()');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/invalid resource handle \(trap code 72\)/);
  });

  it('counts nested invocations in the call\'s fuel and stops them when it runs out', async () => {
    const file = await write('chain3.wasm', chain(3));
    const one = JSON.parse((await run(await write('chain1.wasm', chain(1)), '--invoke', 'f(1)', '--json')).out.join('\n')) as { fuelUsed: string };
    const all = JSON.parse((await run(file, '--invoke', 'f(1)', '--json')).out.join('\n')) as { fuelUsed: string; result: string };
    expect(all.result).toBe('4');
    // Three levels of guest code, two of them nested inside adapters, all in one budget.
    expect(Number(all.fuelUsed)).toBeGreaterThanOrEqual(3 * Number(one.fuelUsed));
    const r = await run(file, '--invoke', 'f(1)', '--fuel', String(Number(all.fuelUsed) - 1));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/fuel exhausted \(trap code 11\)/);
  });

  it('keeps may_leave: a realloc or a post-return that calls an import traps 76; the export itself may call it', async () => {
    const calm = await write('leave-none.wasm', leaving(false, false));
    expect(await run(calm, '--invoke', 'len("hi")')).toMatchObject({ code: 0, out: ['9'] });
    for (const [name, inRealloc, inPostReturn, phase] of [
      ['leave-realloc.wasm', true, false, 'in cabi_realloc of len'],
      ['leave-post-return.wasm', false, true, 'post-return'],
    ] as const) {
      const r = await run(await write(name, leaving(inRealloc, inPostReturn)), '--invoke', 'len("hi")');
      expect(r.code).toBe(1);
      expect(r.err).toContain('trap code 76');
      expect(r.err).toContain('may_leave');
      expect(r.err).toContain(phase);
    }
  });

  it('encodes COMPONENT_RESOURCE as documented', () => {
    expect(Buffer.from(encodeComponentResource({ op: 'type', implOwner: 3, dtor: { instance: 1, name: 'd' } })).toString('hex')).toBe('00' + '0300' + '0100' + '0164');
    expect(Buffer.from(encodeComponentResource({ op: 'resource.drop', rt: 0, owner: 3 })).toString('hex')).toBe('02' + '0000' + '0300');
    expect(Buffer.from(encodeComponentResource({ op: 'resource.drop', rt: null, owner: 3 })).toString('hex')).toBe('02' + 'ffff' + '0300');
  });

  it('encodes COMPONENT_ADAPTER as documented', () => {
    const body = encodeComponentAdapter({
      callee: { instance: 2, encoding: 'utf8', coreExport: 'f', paramsType: Uint8Array.of(0x12, 1, 2), resultType: Uint8Array.of(0x12, 1, 2) },
      calleeMemory: 0,
      callerMemory: 3,
      callerRealloc: { instance: 3, name: 'r' },
      callerEncoding: 'utf16',
      callerOwner: 4,
      calleeOwner: 2,
    });
    expect(Buffer.from(body).toString('hex')).toBe('0000000000000000' + '0200' + '00' + '0166' + '00' + '00' + '0300120102' + '0300120102' + '0000' + '0000' + '0300' + '0300' + '0172' + '01' + '0400' + '0200');
  });
});

describe('component-model execution tests (test/values, test/linking, test/resources) on native-sim', async () => {
  const result = await componentRunConformance(undefined, { ...process.env, WRT_NATIVE_SIM: buildRealNativeSim() });
  const dirTotal = (d: string, key: 'passed' | 'failed' | 'skipped'): number => result.files.filter((f) => f.file.startsWith(`cm-${d}:`)).reduce((n, f) => n + f[key], 0);

  it('passes every assert not listed, with the exact count', () => {
    expect(result.files.flatMap((f) => f.failures.map((x) => `${f.file}:${x.line} ${x.why}`))).toEqual([]);
    expect([result.passed, result.failed, result.skipped]).toEqual([303, 0, 50]);
    expect([dirTotal('values', 'passed'), dirTotal('linking', 'passed'), dirTotal('resources', 'passed')]).toEqual([87, 199, 17]);
  });

  it('gives every skip a reason of a known kind, and lists no assert twice', () => {
    const skips = componentRunSkipList();
    expect(new Set(skips.map((s) => s.key)).size).toBe(skips.length);
    expect(skips.length).toBe(result.skipped);
    const kinds = new Set(skips.map((s) => s.reason.split(':')[0]));
    expect([...kinds].sort()).toEqual(['beyond the WebAssembly 2.0 core validator', 'gated']);
  });
}, 600_000);

describe('the same execution tests on native-sim\'s ASan+UBSan build', async () => {
  buildRealNativeSim();
  const plain = await componentRunConformance(undefined, { ...process.env, WRT_NATIVE_SIM: buildRealNativeSim() });
  const asan = await componentRunConformance(undefined, { ...process.env, WRT_NATIVE_SIM: nativeSimAsanBinary() });

  it('gives the identical result file by file, with no sanitizer report', () => {
    const perFile = (r: typeof plain): string[] => r.files.map((f) => `${f.file} ${f.passed}/${f.failed}/${f.skipped}`);
    expect(perFile(asan)).toEqual(perFile(plain));
    expect([asan.passed, asan.failed, asan.skipped]).toEqual([303, 0, 50]);
  });
}, 600_000);
