/**
 * Components of several core instances, with fused adapters and resources, on the QEMU boards
 * (docs/component.md, "On a board: deploy"): the component's profile (its component block,
 * ts/profile/component-profile.ts) lays the board's arena out for every core instance, and the
 * firmware links them (WRT_CONFIG_COMPONENT_LINK). Real runs: make, QEMU, native-sim for the
 * comparison. Skipped where qemu-system-arm is not installed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/main.js';
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
import { ADAPTED, CACHE, cachedComponent, chain, COUNTER, HOLDER, HOSTED, SHARED } from '../component/board-samples.js';
import { refusedBeforeQemu } from './deploy-helpers.js';

const QEMU = findExecutable('qemu-system-arm') !== undefined;
let sim = '';

async function cli(command: 'run' | 'deploy', ...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const output = new BufferedOutput();
  const code = await main(['node', 'wrt-target', command, ...args], { output, env: { ...process.env, WRT_NATIVE_SIM: sim }, cwd: CACHE });
  return { code, out: output.stdout, err: output.stderr };
}

let shared = '';
let counter = '';
let adapted = '';
let holder = '';
let hosted = '';

beforeAll(async () => {
  if (!QEMU) return;
  sim = buildRealNativeSim();
  shared = await cachedComponent('shared', SHARED);
  counter = await cachedComponent('counter', COUNTER);
  adapted = await cachedComponent('adapted', ADAPTED);
  holder = await cachedComponent('holder', HOLDER);
  hosted = await cachedComponent('hosted', HOSTED);
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

  it('qemu-mps2-an386: an own handle in an option returned to the host (the host\'s handle table on the board), as run prints it', async () => {
    const board = await cli('deploy', hosted, '--target', 'qemu-mps2-an386', '--invoke', 'maybe(3)');
    expect(board.code).toBe(0);
    expect(board.out.at(-1)).toBe('some(#1)');
    const bad = await cli('deploy', hosted, '--target', 'qemu-mps2-an386', '--invoke', 'get(#1)');
    expect(bad.code).toBe(1);
    expect(bad.err.join('\n')).toMatch(/invalid resource handle \(trap code 72\) in lowering the arguments of get/);
  });

  it('qemu-mps2-an386: a string through a fused adapter between two memories (the caller imports its memory), as run prints it', async () => {
    const board = await cli('deploy', adapted, '--target', 'qemu-mps2-an386', '--invoke', 'units()');
    expect([board.code, board.out]).toEqual([0, ['7']]);
    expect((await cli('run', adapted, '--invoke', 'units()')).out.at(-1)).toBe('7');
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
  it('qemu-mps2-an386: --max-resources N is the handle table size on the device: N handles are held, the N+1-th traps (72)', async () => {
    const four = await cli('deploy', holder, '--target', 'qemu-mps2-an386', '--invoke', 'hold(4)', '--max-resources', '4');
    expect([four.code, four.out]).toEqual([0, ['4']]);
    const five = await cli('deploy', holder, '--target', 'qemu-mps2-an386', '--invoke', 'hold(5)', '--max-resources', '4');
    expect(five.code).toBe(1);
    expect(five.err.join('\n')).toMatch(/trap code 72/);
    // Without the flag the board's own tables (16 handles) hold five.
    const board = await cli('deploy', holder, '--target', 'qemu-mps2-an386', '--invoke', 'hold(5)');
    expect([board.code, board.out]).toEqual([0, ['5']]);
  }, 120_000);
});

