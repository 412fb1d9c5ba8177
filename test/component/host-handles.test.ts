/**
 * Resource handles between the host and the device (docs/component.md, "Resources"; docs/protocol.md
 * §4e owner field, §4f COMPONENT_RESOURCE op 5): a top-level export's own/borrow values travel
 * through the host's handle table on native-sim, `#N` in WAVE, in one session of many calls, with
 * the model's traps (72) for a stale index, a full table and a borrow not dropped.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseComponentText } from '../../tools/oracles/jco.js';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { encodeComponentInvoke, encodeComponentResource } from '../../ts/device/component-messages.js';
import { handleTableOwners, HOST_TABLE_OWNER } from '../../ts/profile/component-profile.js';
import { loadComponentPlan, planComponentCall, type PreparedCall, type PreparedComponent, runComponentCallsOn } from '../../ts/run/run-component.js';
import { nativeSimLink } from '../../ts/run/run-module.js';
import { DeviceSession, withSession } from '../../ts/run/session.js';
import { parseWaveCall, waveToValue, formatWave } from '../../ts/component/wave.js';
import { decodeValue, encodeValues } from '../../ts/component/value-encoding.js';
import { buildRealNativeSim } from '../run/helpers.js';
import { HOSTED } from './board-samples.js';


const dir = mkdtempSync(join(tmpdir(), 'wrt-host-handles-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let sim = '';
let component: PreparedComponent;

beforeAll(async () => {
  sim = buildRealNativeSim();
  writeFileSync(join(dir, 'hosted.wasm'), await parseComponentText(HOSTED));
  component = loadComponentPlan('hosted.wasm', dir);
}, 300_000);

async function run(...args: string[]): Promise<{ code: number; out: string[]; err: string }> {
  const output = new BufferedOutput();
  const code = await main(['node', 'wrt-target', 'run', ...args], { output, env: { ...process.env, WRT_NATIVE_SIM: sim }, cwd: dir });
  return { code, out: output.stdout, err: output.stderr.join('\n') };
}

function call(text: string): PreparedCall {
  return planComponentCall(component, text, []);
}

async function batch(calls: readonly PreparedCall[]) {
  return withSession(
    () => DeviceSession.open(nativeSimLink({ env: { ...process.env, WRT_NATIVE_SIM: sim } })),
    (session) => runComponentCallsOn(session, { component, calls }, { stdout: () => undefined, stderr: () => undefined }),
    { handleSigint: false },
  );
}

function shown(o: { kind: string; wave?: string | null; trap?: number; phase?: string }): string {
  return o.kind === 'returned' ? String(o.wave) : `trap ${o.trap} in ${o.phase}`;
}

describe('resource handles between the host and native-sim', () => {
  it('plans the top-level exports with handles, the host table counted as one more table', () => {
    const make = component.plan.functions.find((f) => f.name === 'make');
    expect(make?.handleOwner).not.toBeNull();
    expect(component.plan.functions.find((f) => f.name === 'drops')?.handleOwner).toBeNull();
    expect(component.plan.refused).toEqual([]);
    expect(handleTableOwners(component.plan)).toContain(HOST_TABLE_OWNER);
    // r is Def's, the session's resource type 0: encoded 0 + 1 and checked by the device on a lift;
    // User only borrows it (its scope does not define r): 0, the handle's own type.
    expect(Buffer.from(make!.resultType).toString('hex')).toBe('12011801');
    expect(Buffer.from(component.plan.functions.find((f) => f.name === 'keep')!.paramsType).toString('hex')).toBe('12011900');
  });

  it('run --invoke prints a returned handle as #N and refuses a stale one with trap 72', async () => {
    expect(await run('hosted.wasm', '--invoke', 'make(5)')).toMatchObject({ code: 0, out: ['#1'] });
    expect(await run('hosted.wasm', '--invoke', 'maybe(3)')).toMatchObject({ code: 0, out: ['some(#1)'] });
    const stale = await run('hosted.wasm', '--invoke', 'get(#1)');
    expect(stale.code).toBe(1);
    expect(stale.err).toMatch(/invalid resource handle \(trap code 72\) in lowering the arguments of get/);
    const bad = await run('hosted.wasm', '--invoke', 'get(5)');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('a handle the host holds is #N');
  });

  it('moves own and borrow both ways in one session: values, destructor runs, the model\'s index reuse, drops at the end', async () => {
    const calls = [
      call('make(5)'),
      call('make(7)'),
      call('get(#1)'),
      call('maybe(9)'),
      call('take(#2)'),
      call('drops()'),
      call('look(#1)'),
      { ...call('drops()'), hostDrop: (held: readonly number[]) => held[held.length - 1] as number },
      call('drops()'),
      call('sum()'),
      call('make(11)'),
      call('get(#3)'),
    ];
    const r = await batch(calls);
    expect(r.outcomes.map(shown)).toEqual([
      '#1', '#2', '5', 'some(#3)', '7', '1', '1', 'null', '2', '16',
      // The last freed index first (take freed 2, the host drop 3): definitions.py's Table.add.
      '#3', '11',
    ]);
    expect(r.uploads).toBe(1);
    // #1 and #3 were still held: dropped at the end, each destructor run (answer 0).
    expect(r.endDrops).toEqual([{ index: 1, trap: 0 }, { index: 3, trap: 0 }]);
  });

  it('traps 72 on a borrow not dropped, a stale index after re-instantiation and a stale host drop', async () => {
    const r = await batch([
      call('make(1)'),
      call('keep(#1)'),
      call('get(#1)'),
      { ...call('drops()'), hostDrop: () => 9 },
      call('make(2)'),
    ]);
    expect(r.outcomes.map(shown)).toEqual([
      '#1',
      'trap 72 in lifting the result',
      'trap 72 in lowering the arguments',
      'trap 72 in the host drop',
      '#1',
    ]);
    expect(r.endDrops).toEqual([{ index: 1, trap: 0 }]);
  });

  it('fills the host table to its capacity (256 on native-sim): the next own result traps 72', async () => {
    const r = await batch(Array.from({ length: 257 }, () => call('make(1)')));
    expect(r.outcomes.slice(0, 256).map(shown)).toEqual(Array.from({ length: 256 }, (_, i) => `#${i + 1}`));
    expect(shown(r.outcomes[256] as never)).toBe('trap 72 in lifting the result');
    expect(r.endDrops).toEqual([]);
  }, 120_000);

  it('reads and prints #N as a handle (WAVE has none) and encodes it as a LEB128 index', () => {
    const take = component.plan.functions.find((f) => f.name === 'take')!;
    const [t] = take.params.map(([, x]) => x);
    const c = parseWaveCall('take(#300)');
    const v = waveToValue(t!, c.args[0]!, 'h', c.text);
    expect(v).toEqual({ k: 'handle', v: 300 });
    expect(formatWave(t!, v)).toBe('#300');
    const bytes = encodeValues([t!], [v]);
    expect(Buffer.from(bytes).toString('hex')).toBe('ac02');
    expect(decodeValue(t!, bytes)).toEqual(v);
    expect(() => parseWaveCall('take(#)')).toThrow(/a handle is # and its host-table index/);
  });

  it('encodes the owner field and the host drop as docs/protocol.md shows', () => {
    const body = encodeComponentInvoke({ encoding: 'utf8', coreExport: 'get', paramsType: Uint8Array.of(0x12, 1, 0x19, 0), resultType: Uint8Array.of(0x12, 1, 5), args: Uint8Array.of(1), owner: 2 });
    expect(Buffer.from(body).toString('hex')).toBe('0000000000000000' + '0000' + '00' + '03676574' + '00' + '00' + '0400' + '12011900' + '0300' + '120105' + '0100' + '01' + '0000' + '0200');
    expect(Buffer.from(encodeComponentResource({ op: 'host-drop', rt: null, index: 3 })).toString('hex')).toBe('05' + 'ffff' + '0300');
  });
});
