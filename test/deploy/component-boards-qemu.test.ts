/**
 * Components of several core instances, with fused adapters and resources, on the QEMU boards
 * (docs/component.md, "On a board: deploy"): the component's profile (its component block,
 * ts/profile/component-profile.ts) lays the board's arena out for every core instance, and the
 * firmware links them (WRT_CONFIG_COMPONENT_LINK). Real runs: make, QEMU, native-sim for the
 * comparison. Skipped where qemu-system-arm is not installed.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseComponentText } from '../../tools/oracles/jco.js';
import { main } from '../../ts/cli/main.js';
import { packageRoot } from '../../ts/core/paths.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { loadComponentPlan } from '../../ts/run/run-component.js';
import { ensureFirmware, firmwareBoardOf } from '../../ts/deploy/firmware.js';
import { openQemuLink } from '../../ts/deploy/links.js';
import { findExecutable, liveQemuPids } from '../../ts/deploy/qemu.js';
import { compileComponentUploadProfile } from '../../ts/profile/component-upload.js';
import { DeviceSession, instantiateComponent } from '../../ts/run/session.js';
import { loadTarget } from '../../ts/targets/index.js';
import { ProtocolClient } from '../../ts/device/client.js';
import { buildRealNativeSim } from '../run/helpers.js';
import { refusedBeforeQemu } from './deploy-helpers.js';

const QEMU = findExecutable('qemu-system-arm') !== undefined;
/** Built components are cached here, keyed by their text (jco's parse is the slow part). */
const CACHE = join(packageRoot(), 'build', 'test-components');
let sim = '';

/** The linking sample of test/component/link.test.ts: two instances of one module and a client bound to one of them. */
export const SHARED = `(component
  (core module $Counter
    (global $g (mut i32) (i32.const 0))
    (func (export "bump") (result i32)
      (global.set $g (i32.add (global.get $g) (i32.const 1)))
      (global.get $g)))
  (core module $Client
    (import "env" "bump" (func $bump (result i32)))
    (func (export "go") (result i32) (drop (call $bump)) (call $bump)))
  (core instance $a (instantiate $Counter))
  (core instance $b (instantiate $Counter))
  (core instance $c (instantiate $Client (with "env" (instance (export "bump" (func $b "bump"))))))
  (func (export "bump-a") (result u32) (canon lift (core func $a "bump")))
  (func (export "go") (result u32) (canon lift (core func $c "go")))
)`;

/**
 * Strings and a resource on a 64 KiB board: Def's core instance $m has the one memory (one page,
 * truncated to __heap_base on the board), cabi_realloc and post-return for greet, and the counter's
 * destructor; $maker keeps two counters and makes handles (resource.new). User makes a counter
 * (an own handle moved from Def's table to User's), increments it twice through a borrow (which
 * reaches Def as the rep), drops it (the destructor runs in Def) and answers value × 10 + drops.
 */
export const COUNTER = `(component
  (component $Def
    (core module $M
      (memory (export "mem") 1)
      (global $bump (mut i32) (i32.const 1024))
      (global $dropped (mut i32) (i32.const 0))
      (global (export "__heap_base") i32 (i32.const 2048))
      (data (i32.const 0) "hello, ")
      (func $realloc (export "realloc") (param i32 i32 i32 i32) (result i32)
        (local $p i32)
        (local.set $p (global.get $bump))
        (global.set $bump (i32.add (global.get $bump) (local.get 3)))
        (local.get $p))
      (func (export "greet") (param $p i32) (param $n i32) (result i32)
        (local $out i32)
        (local.set $out (call $realloc (i32.const 0) (i32.const 0) (i32.const 1) (i32.add (local.get $n) (i32.const 7))))
        (memory.copy (local.get $out) (i32.const 0) (i32.const 7))
        (memory.copy (i32.add (local.get $out) (i32.const 7)) (local.get $p) (local.get $n))
        (i32.store (i32.const 64) (local.get $out))
        (i32.store (i32.const 68) (i32.add (local.get $n) (i32.const 7)))
        (i32.const 64))
      (func (export "reset") (param i32) (global.set $bump (i32.const 1024)))
      (func (export "dtor") (param i32) (global.set $dropped (i32.add (global.get $dropped) (i32.const 1))))
      (func (export "dropped") (result i32) (global.get $dropped)))
    (core instance $m (instantiate $M))
    (type $R (resource (rep i32) (dtor (core func $m "dtor"))))
    (export $Re "counter" (type $R))
    (core func $new (canon resource.new $R))
    (core module $Maker
      (import "canon" "new" (func $new (param i32) (result i32)))
      (global $c0 (mut i32) (i32.const 0))
      (global $c1 (mut i32) (i32.const 0))
      (global $next (mut i32) (i32.const 0))
      (func (export "make") (param i32) (result i32) (local $rep i32)
        (local.set $rep (i32.and (global.get $next) (i32.const 1)))
        (global.set $next (i32.add (global.get $next) (i32.const 1)))
        (if (local.get $rep) (then (global.set $c1 (local.get 0))) (else (global.set $c0 (local.get 0))))
        (call $new (local.get $rep)))
      (func (export "increment") (param $rep i32) (result i32)
        (if (result i32) (local.get $rep)
          (then (global.set $c1 (i32.add (global.get $c1) (i32.const 1))) (global.get $c1))
          (else (global.set $c0 (i32.add (global.get $c0) (i32.const 1))) (global.get $c0)))))
    (core instance $maker (instantiate $Maker (with "canon" (instance (export "new" (func $new))))))
    (func (export "make") (param "start" u32) (result (own $Re)) (canon lift (core func $maker "make")))
    (func (export "increment") (param "self" (borrow $Re)) (result u32) (canon lift (core func $maker "increment")))
    (func (export "dropped") (result u32) (canon lift (core func $m "dropped")))
    (func (export "greet") (param "s" string) (result string)
      (canon lift (core func $m "greet") (memory (core memory $m "mem")) (realloc (core func $m "realloc"))
        (post-return (core func $m "reset")))))
  (component $User
    (import "def" (instance $def
      (export "counter" (type $R (sub resource)))
      (export "make" (func (param "start" u32) (result (own $R))))
      (export "increment" (func (param "self" (borrow $R)) (result u32)))
      (export "dropped" (func (result u32)))))
    (alias export $def "counter" (type $R))
    (core func $make (canon lower (func $def "make")))
    (core func $inc (canon lower (func $def "increment")))
    (core func $dropped (canon lower (func $def "dropped")))
    (core func $drop (canon resource.drop $R))
    (core module $U
      (import "e" "make" (func $make (param i32) (result i32)))
      (import "e" "inc" (func $inc (param i32) (result i32)))
      (import "e" "dropped" (func $dropped (result i32)))
      (import "e" "drop" (func $drop (param i32)))
      (func (export "count") (param i32) (result i32) (local $h i32) (local $v i32)
        (local.set $h (call $make (local.get 0)))
        (drop (call $inc (local.get $h)))
        (local.set $v (call $inc (local.get $h)))
        (call $drop (local.get $h))
        (i32.add (i32.mul (local.get $v) (i32.const 10)) (call $dropped))))
    (core instance $u (instantiate $U (with "e" (instance
      (export "make" (func $make)) (export "inc" (func $inc)) (export "dropped" (func $dropped)) (export "drop" (func $drop))))))
    (func (export "count") (param "start" u32) (result u32) (canon lift (core func $u "count"))))
  (instance $def (instantiate $Def))
  (instance $user (instantiate $User (with "def" (instance $def))))
  (func (export "greet") (alias export $def "greet"))
  (func (export "count") (alias export $user "count"))
)`;

/** A chain of `n` components, each lowering the previous one's `f: func(x: u8) -> u8` (an adapter each) and adding 1 (test/component/link.test.ts). */
function chain(n: number): string {
  const parts: string[] = ['(component'];
  parts.push(`  (component $L0
    (core module $M (func (export "f") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))
    (core instance $m (instantiate $M))
    (func (export "f") (param "x" u8) (result u8) (canon lift (core func $m "f"))))`);
  parts.push('  (instance $i0 (instantiate $L0))');
  for (let k = 1; k < n; k++) {
    parts.push(`  (component $L${k}
    (import "g" (func $g (param "x" u8) (result u8)))
    (core func $g' (canon lower (func $g)))
    (core module $M
      (import "" "g" (func $g (param i32) (result i32)))
      (func (export "f") (param i32) (result i32) (i32.add (call $g (local.get 0)) (i32.const 1))))
    (core instance $m (instantiate $M (with "" (instance (export "g" (func $g'))))))
    (func (export "f") (param "x" u8) (result u8) (canon lift (core func $m "f"))))`);
    parts.push(`  (instance $i${k} (instantiate $L${k} (with "g" (func $i${k - 1} "f"))))`);
  }
  parts.push(`  (func (export "f") (alias export $i${n - 1} "f"))`, ')');
  return parts.join('\n');
}

/** The component binary of `text`, built once into build/test-components/ (jco's parse) and read from there after. */
export async function cachedComponent(name: string, text: string): Promise<string> {
  mkdirSync(CACHE, { recursive: true });
  const { createHash } = await import('node:crypto');
  const file = join(CACHE, `${name}-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.wasm`);
  if (!existsSync(file)) writeFileSync(file, await parseComponentText(text));
  return file;
}

async function cli(command: 'run' | 'deploy', ...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const output = new BufferedOutput();
  const code = await main(['node', 'wrt-target', command, ...args], { output, env: { ...process.env, WRT_NATIVE_SIM: sim }, cwd: CACHE });
  return { code, out: output.stdout, err: output.stderr };
}

let shared = '';
let counter = '';

beforeAll(async () => {
  if (!QEMU) return;
  sim = buildRealNativeSim();
  shared = await cachedComponent('shared', SHARED);
  counter = await cachedComponent('counter', COUNTER);
}, 300_000);

describe.skipIf(!QEMU)('components of several core instances on the QEMU boards (needs qemu-system-arm)', () => {
  it('qemu-mps2-an386: the linking sample (3 core instances) prints what run prints on native-sim, QEMU gone afterwards', async () => {
    const before = liveQemuPids();
    const board = await cli('deploy', shared, '--target', 'qemu-mps2-an386', '--invoke', 'go()');
    expect(board.err.filter((line) => !line.startsWith('uploaded '))).toEqual([]);
    expect([board.code, board.out]).toEqual([0, ['2']]);
    expect(liveQemuPids()).toEqual(before);
    const native = await cli('run', shared, '--invoke', 'go()');
    expect([native.code, native.out.at(-1)]).toEqual([0, '2']);
  }, 120_000);

  it('qemu-lm3s6965evb (64 KiB RAM): strings through realloc and a resource with own/borrow handles and a destructor, as run prints them', async () => {
    const before = liveQemuPids();
    for (const [invoke, expected] of [['greet("wasm")', '"hello, wasm"'], ['count(5)', '71']] as const) {
      const board = await cli('deploy', counter, '--target', 'qemu-lm3s6965evb', '--invoke', invoke);
      expect(board.err.filter((line) => !line.startsWith('uploaded '))).toEqual([]);
      expect([invoke, board.code, board.out]).toEqual([invoke, 0, [expected]]);
      const native = await cli('run', counter, '--invoke', invoke);
      expect([invoke, native.code, native.out.at(-1)]).toEqual([invoke, 0, expected]);
    }
    expect(liveQemuPids()).toEqual(before);
  }, 180_000);

  it('the arena the board lays out is the profile\'s, byte for byte, and every core instance loads in it', async () => {
    const target = 'qemu-lm3s6965evb';
    const component = loadComponentPlan(counter, CACHE);
    const profile = await compileComponentUploadProfile({ file: counter, plan: component.plan, component: component.bytes, targetId: target, env: process.env, cwd: CACHE });
    const block = profile.decoded.component;
    expect(block?.instances.length).toBe(3);
    expect(profile.decoded.flags & 1).toBe(1); // the one memory, truncated to __heap_base
    const link = await openQemuLink(loadTarget(target), await ensureFirmware(target, firmwareBoardOf(target) ?? target));
    const client = new ProtocolClient(link.transport, link.clientOptions);
    await link.start?.();
    const session = DeviceSession.over(client, await client.hello(), link);
    try {
      const made = await instantiateComponent(session, {
        file: counter,
        instances: component.plan.instances,
        adapters: component.plan.adapters,
        resources: component.plan.resources,
        steps: component.plan.steps,
        profile,
      });
      expect(made.ids).toEqual([1, 2, 3]);
      const stats = await client.stats();
      expect(stats.get('engine.profiled')).toBe(1n);
      expect(stats.get('engine.runtime_bytes')).toBe(BigInt(profile.decoded.arenaBytes));
      // Code: the sum of each instance's measured figure (each a high-water mark), never less than the board used.
      expect(Number(stats.get('engine.code_used'))).toBeLessThanOrEqual(profile.decoded.codeBytes);
      expect(Number(stats.get('engine.meta_used'))).toBeLessThanOrEqual(profile.decoded.metaBytes);
    } finally {
      await session.close();
    }
  }, 120_000);

  it("refuses a component one over the board's adapter nesting and handle tables before QEMU starts, naming the budget, the limit and what to do", async () => {
    // Adapter nesting: a chain of 3 components opens 2 adapters inside one another; lm3s's firmware holds 1.
    const deep = await cachedComponent('chain3', chain(3));
    const nesting = await refusedBeforeQemu(deep, { target: 'qemu-lm3s6965evb', invoke: 'f(1)' });
    expect(nesting.code).toBe('BUDGET_EXCEEDED');
    expect(nesting.location.field).toBe('adapter nesting depth');
    expect(nesting.message).toContain('adapter nesting depth: needs 2 (fused adapters open inside one another');
    expect(nesting.message).toContain('target gives 1');
    expect(nesting.message).toContain("to run it: a target whose component runtime holds 2, or native-sim (wrt-target run FILE --invoke '...')");
    // Handles per table: one more than the board's tables hold (8 on lm3s).
    const handles = await refusedBeforeQemu(counter, { target: 'qemu-lm3s6965evb', invoke: 'count(5)', maxResources: 9 });
    expect(handles.code).toBe('BUDGET_EXCEEDED');
    expect(handles.location.field).toBe('handles per table');
    expect(handles.message).toContain('handles per table: needs 9');
    expect(handles.message).toContain('target gives 8');
    // A stable exit code through the CLI.
    const cliRun = await cli('deploy', counter, '--target', 'qemu-lm3s6965evb', '--invoke', 'count(5)', '--max-resources', '9');
    expect(cliRun.code).toBe(1);
    expect(cliRun.err.join('\n')).toContain('handles per table: needs 9');
  }, 60_000);
});

