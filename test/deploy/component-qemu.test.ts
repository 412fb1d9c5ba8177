/**
 * `deploy COMPONENT --invoke 'f(args)'` on qemu-mps2-an386: the component's core module over the
 * UART through the one session, COMPONENT_INVOKE on the Cortex-M4 firmware (docs/component.md,
 * "Running components"). Real runs (make, QEMU, native-sim for the comparison); the assertions are
 * the values the board answers, the same `run` gives on native-sim, and that QEMU is gone
 * afterwards. Skipped where qemu-system-arm is not installed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseComponentText } from '../../tools/oracles/jco.js';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { WrtError } from '../../ts/core/errors.js';
import { deploy } from '../../ts/deploy/deploy.js';
import { findExecutable, liveQemuPids, type QemuInstance } from '../../ts/deploy/qemu.js';
import { buildRealNativeSim } from '../run/helpers.js';
import { SAMPLE } from '../component/fixtures.js';
import { expectQemuGone, gatherSinks, refusedBeforeQemu } from './deploy-helpers.js';

const QEMU = findExecutable('qemu-system-arm') !== undefined;
const dir = mkdtempSync(join(tmpdir(), 'wrt-component-deploy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let sample = '';
let sim = '';

beforeAll(async () => {
  if (!QEMU) return;
  sim = buildRealNativeSim();
  sample = join(dir, 'sample.wasm');
  writeFileSync(sample, await parseComponentText(SAMPLE));
}, 300_000);

async function cli(command: 'run' | 'deploy', ...args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const output = new BufferedOutput();
  const code = await main(['node', 'wrt-target', command, ...args], { output, env: { ...process.env, WRT_NATIVE_SIM: sim }, cwd: dir });
  return { code, out: output.stdout, err: output.stderr };
}

describe.skipIf(!QEMU)('deploy COMPONENT --invoke on qemu-mps2-an386 (needs qemu-system-arm)', () => {
  it('round-trips a string and prints what run prints on native-sim, QEMU gone afterwards', async () => {
    const before = liveQemuPids();
    const board = await cli('deploy', sample, '--target', 'qemu-mps2-an386', '--invoke', 'greet("wasm")');
    expect(board.code).toBe(0);
    expect(board.out).toEqual(['"hello, wasm"']);
    expect(board.err).toEqual([expect.stringMatching(/^uploaded \d+ B in \d+(\.\d+)? m?s \(.*\), SHA-256 verified on the device$/)]);
    expect(liveQemuPids()).toEqual(before);
    const sim = await cli('run', sample, '--invoke', 'greet("wasm")');
    expect([sim.code, sim.out.at(-1)]).toEqual([0, board.out.at(-1)]);
  }, 120_000);

  it('returns a record, the same as run on native-sim; --json like run\'s plus the board', async () => {
    const sinks = gatherSinks();
    let qemu: QemuInstance | undefined;
    const report = await deploy(sample, { target: 'qemu-mps2-an386', invoke: 'get-point()' }, sinks, { onQemu: (q) => (qemu = q), handleSigint: false });
    if (report.kind !== 'component') throw new Error(`expected a component call, got ${report.kind}`);
    expect(report.outcome).toEqual({ kind: 'returned', value: expect.anything() as unknown, wave: '{x: 4, y: -2}' });
    expect(report.exitCode).toBe(0);
    expect(report.device.deviceId).toBe('qemu-mps2-an386');
    await expectQemuGone(qemu);

    const json = await cli('deploy', sample, '--target', 'qemu-mps2-an386', '--invoke', 'get-point()', '--json');
    expect(json.code).toBe(0);
    expect(json.err).toEqual([]);
    const doc = JSON.parse(json.out.join('\n')) as Record<string, unknown>;
    expect(doc).toMatchObject({ target: 'qemu-mps2-an386', result: '{x: 4, y: -2}', exitCode: 0, function: 'get-point', device: { deviceId: 'qemu-mps2-an386' } });
    const simDoc = JSON.parse((await cli('run', sample, '--invoke', 'get-point()', '--json')).out.join('\n')) as Record<string, unknown>;
    expect(simDoc.result).toBe(doc.result);
    // run's document is a subset of deploy's: the call's fields and the profile.
    expect(Object.keys(simDoc).filter((key) => !(key in doc))).toEqual([]);
  }, 120_000);

  it('exits 1 naming a trap in post-return, as run does', async () => {
    const board = await cli('deploy', sample, '--target', 'qemu-mps2-an386', '--invoke', 'post-trap()');
    expect(board.code).toBe(1);
    expect(board.err.at(-1)).toMatch(/^wrt-target: trap: unreachable \(trap code 1\) in post-return of post-trap in function \d+, after \d+ instructions$/);
  }, 60_000);

  it('refuses the small executor\'s firmware at HELLO, before the upload, naming the device and the missing feature', async () => {
    let qemu: QemuInstance | undefined;
    let uploaded = false;
    const error = await deploy(sample, { target: 'qemu-mps2-an386', invoke: 'greet("wasm")', executor: 'small' }, gatherSinks(), {
      onQemu: (q) => (qemu = q),
      onUploaded: () => (uploaded = true),
      handleSigint: false,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof WrtError)) throw new Error(`expected a WrtError, got ${String(error)}`);
    expect(error.code).toBe('USAGE');
    expect(error.message).toContain('qemu-mps2-an386 runs no components: its firmware lacks the component runtime (HELLO feature bit 14, Feature.Component');
    expect(error.location.limit).toContain('use the fast executor');
    expect(uploaded).toBe(false);
    await expectQemuGone(qemu);
  }, 300_000);

  it('refuses a core module\'s flag before QEMU starts', async () => {
    const error = await refusedBeforeQemu(sample, { target: 'qemu-mps2-an386', invoke: 'get-point()', breaks: ['f'] });
    expect(error.message).toBe(`--break is for core modules; ${sample} is a component (its imports, signing and breakpoints are not run yet)`);
  }, 30_000);

  const nowOnBoards = [
    {
      what: 'several core instances',
      file: 'shared.wasm',
      invoke: 'bump-a()',
      text: `(component
        (core module $Counter (global $g (mut i32) (i32.const 0))
          (func (export "bump") (result i32) (global.set $g (i32.add (global.get $g) (i32.const 1))) (global.get $g)))
        (core instance $a (instantiate $Counter))
        (core instance $b (instantiate $Counter))
        (func (export "bump-a") (result u32) (canon lift (core func $a "bump")))
        (func (export "bump-b") (result u32) (canon lift (core func $b "bump"))))`,
    },
    {
      what: 'one core instance that defines a resource',
      file: 'resource-one.wasm',
      invoke: 'f()',
      text: `(component
        (type $R (resource (rep i32)))
        (core func $new (canon resource.new $R))
        (core module $M (import "c" "new" (func (param i32) (result i32))) (func (export "f") (result i32) (i32.const 1)))
        (core instance $c (export "new" (func $new)))
        (core instance $m (instantiate $M (with "c" (instance $c))))
        (func (export "f") (result u32) (canon lift (core func $m "f"))))`,
    },
  ];

  it.each(nowOnBoards)('deploys a component of $what (its profile lays the arena out for it), as run prints it on native-sim', async ({ file, invoke, text }) => {
    const path = join(dir, file);
    writeFileSync(path, await parseComponentText(text));
    const board = await cli('deploy', path, '--target', 'qemu-mps2-an386', '--invoke', invoke);
    expect([board.code, board.out]).toEqual([0, ['1']]);
    expect((await cli('run', path, '--invoke', invoke)).out.at(-1)).toBe('1');
  }, 60_000);
});
