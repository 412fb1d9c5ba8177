/**
 * Board natives on the emulated boards, watched from outside: a C program built with clang for
 * wasm32 (no libc) blinks an LED through wrt:board/gpio and wrt:board/clock, deployed with
 * `deploy --qmp SOCKET`; the test reads the LED register through QEMU's monitor (QMP
 * human-monitor-command `xp`) while the module runs, not through anything the module reports.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { deploy } from '../../ts/deploy/deploy.js';
import { QmpClient } from '../../ts/deploy/qemu-qmp.js';
import { gatherSinks, watModule } from './deploy-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'wrt-board-natives-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The FPGA I/O LED register of mps2-an386 (bits 0 and 1: the user LEDs). */
const MPS2_LED0 = 0x40028000;
/** GPIO port F's data register of lm3s6965evb, all pins (bit 0: the status LED). */
const LM3S_GPIOF_DATA = 0x400253fc;

/** examples/NAME.c through clang for wasm32 without libc, as examples/Makefile builds it. */
function exampleModule(name: string, linkFlags: readonly string[] = []): string {
  const out = join(dir, `${name}.wasm`);
  execFileSync('clang', ['--target=wasm32', '-nostdlib', '-O2', '-Wl,--no-entry', ...linkFlags, '-o', out, join(packageRoot(), 'examples', `${name}.c`)]);
  return out;
}

/** One 32-bit word of guest physical memory, as QEMU's `xp /1wx` prints it. */
async function readWord(qmp: QmpClient, address: number): Promise<number> {
  const text = await qmp.execute('human-monitor-command', { 'command-line': `xp /1wx 0x${address.toString(16)}` });
  const match = /:\s*0x([0-9a-f]+)/i.exec(String(text));
  if (match === null) throw new Error(`unexpected xp output: ${String(text)}`);
  return Number.parseInt(match[1] ?? '', 16);
}

/**
 * Deploys `file` with a user QMP socket and samples `address` through it until the deploy ends;
 * returns the deploy's report, every value seen, and the value after the run.
 */
async function watched(target: string, file: string, invoke: string, args: readonly string[], address: number) {
  const socket = join(dir, `${target}.qmp`);
  const sinks = gatherSinks();
  let running = true;
  const run = deploy(file, { target, invoke, args, qmp: socket }, sinks, { handleSigint: false }).finally(() => {
    running = false;
  });
  const qmp = await QmpClient.connect(socket, 20_000);
  const seen: number[] = [];
  try {
    await qmp.execute('qmp_capabilities');
    while (running) {
      seen.push(await readWord(qmp, address));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } catch {
    // QEMU stops when the deploy ends, which cuts the sampling off; the samples taken are checked.
  } finally {
    qmp.close();
  }
  return { report: await run, seen };
}

/** QEMU's stellaris gamepad: the left ctrl key is the select button (PF1, pin 1). */
function selectKey(qmp: QmpClient, down: boolean): Promise<unknown> {
  return qmp.execute('input-send-event', { events: [{ type: 'key', data: { down, key: { type: 'qcode', data: 'ctrl' } } }] });
}

const DEADLINE_MS = 90_000;

/** Samples `address` until `accept` holds (then returns the word) or DEADLINE_MS pass. */
async function waitFor(qmp: QmpClient, address: number, accept: (word: number) => boolean, what: string): Promise<number> {
  const deadline = Date.now() + DEADLINE_MS;
  for (;;) {
    const word = await readWord(qmp, address);
    if (accept(word)) return word;
    if (Date.now() > deadline) throw new Error(`${what}: not seen in ${DEADLINE_MS} ms (last word 0x${word.toString(16)})`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** `count` samples of `address`, a few milliseconds apart. */
async function samples(qmp: QmpClient, address: number, count: number): Promise<number[]> {
  const seen: number[] = [];
  for (let i = 0; i < count; i++) {
    seen.push(await readWord(qmp, address));
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return seen;
}

describe('board natives under QEMU, checked through QMP', () => {
  it('qemu-mps2-an386: a clang-built blink drives FPGA I/O LED0 on and off and leaves it lit', async () => {
    const { report, seen } = await watched('qemu-mps2-an386', exampleModule('blink'), 'blink', ['8', '60000'], MPS2_LED0);
    if (report.kind !== 'ran') throw new Error(`expected a run, got ${report.kind}`);
    // PB0 reads 0 under QEMU (no press is modelled), so the program blinks pin 0 and returns it.
    expect(report.outcome).toEqual({ kind: 'returned', results: [{ type: 'i32', value: 0 }] });
    const states = new Set(seen.map((word) => word & 0x3));
    expect(states).toContain(0);
    expect(states).toContain(1);
    expect(states).not.toContain(2);
    // Each change of the register is an LED edge; 8 blinks give up to 16, sampled every few ms.
    const edges = seen.slice(1).filter((word, i) => (word & 1) !== ((seen[i] ?? 0) & 1)).length;
    expect(edges).toBeGreaterThanOrEqual(6);
    // The last samples, taken while blink holds the LED lit before it returns, show LED0 on.
    expect((seen.at(-1) ?? 0) & 0x3).toBe(1);
  }, 120_000);

  it('qemu-lm3s6965evb: gpio.write(0, 1) sets PF0 in GPIO port F, gpio.read reads it back, other pins are refused', async () => {
    const file = watModule('board-gpio');
    const { report, seen } = await watched('qemu-lm3s6965evb', file, 'led', ['1'], LM3S_GPIOF_DATA);
    if (report.kind !== 'ran') throw new Error(`expected a run, got ${report.kind}`);
    // read(0) after write(0, 1) is 1; write(1, 1) (the select button, an input) and read(9) are -1.
    expect(report.outcome).toEqual({ kind: 'returned', results: [{ type: 'i32', value: 1 }, { type: 'i32', value: -1 }, { type: 'i32', value: -1 }] });
    expect((seen.at(-1) ?? 0) & 1).toBe(1);
  }, 120_000);

  it('qemu-lm3s6965evb: a clang-built program mirrors the select button, pressed through QMP, on the status LED', async () => {
    const file = exampleModule('switch-led', ['-Wl,-z,stack-size=256', '-Wl,--export=__heap_base']);
    const socket = join(dir, 'switch.qmp');
    // Two presses end the run; the poll bound (120000 polls of 500 us, a minute or more) only
    // stops a run whose presses never come.
    const run = deploy(file, { target: 'qemu-lm3s6965evb', invoke: 'follow', args: ['1', '2', '120000', '500'], qmp: socket }, gatherSinks(), { handleSigint: false });
    const qmp = await QmpClient.connect(socket, 60_000);
    const led = (word: number): number => word & 1;
    try {
      await qmp.execute('qmp_capabilities');
      // QEMU 7.2 starts GPIO inputs at 0 and sets a button's pin only when its key changes, so the
      // never-pressed select button reads pressed: the LED lighting shows the program is polling.
      await waitFor(qmp, LM3S_GPIOF_DATA, (word) => led(word) === 1, 'LED on from the unreleased button');
      await selectKey(qmp, true);
      await selectKey(qmp, false);
      await waitFor(qmp, LM3S_GPIOF_DATA, (word) => led(word) === 0, 'LED off once QEMU released the button');
      const beforePress = await samples(qmp, LM3S_GPIOF_DATA, 10);
      await selectKey(qmp, true);
      const pressed = await waitFor(qmp, LM3S_GPIOF_DATA, (word) => led(word) === 1, 'LED on while the button is held');
      const whileHeld = await samples(qmp, LM3S_GPIOF_DATA, 10);
      await selectKey(qmp, false);
      await waitFor(qmp, LM3S_GPIOF_DATA, (word) => led(word) === 0, 'LED off after the release');
      const afterRelease = await samples(qmp, LM3S_GPIOF_DATA, 10);
      // Off before the press, on while held, off after the release; PF1 (bit 1), the button's own
      // pin, reads 0 while it is held.
      expect(beforePress.map(led)).toEqual(Array(10).fill(0));
      expect(pressed & 0x2).toBe(0);
      expect(whileHeld.map(led)).toEqual(Array(10).fill(1));
      expect(afterRelease.map(led)).toEqual(Array(10).fill(0));
      expect(afterRelease.map((word) => word & 0x2)).toEqual(Array(10).fill(2));
      // The second press and release end the run: the program counts both presses.
      await selectKey(qmp, true);
      await waitFor(qmp, LM3S_GPIOF_DATA, (word) => led(word) === 1, 'LED on for the second press');
      await selectKey(qmp, false);
    } catch (error: unknown) {
      // A failed step leaves the program polling: stop QEMU so the deploy ends now (it then fails,
      // which the step's error already explains).
      await qmp.execute('quit').catch(() => undefined);
      await run.catch(() => undefined);
      throw error;
    } finally {
      qmp.close();
    }
    const report = await run;
    if (report.kind !== 'ran') throw new Error(`expected a run, got ${report.kind}`);
    expect(report.outcome).toEqual({ kind: 'returned', results: [{ type: 'i32', value: 2 }] });
  }, 180_000);
});
