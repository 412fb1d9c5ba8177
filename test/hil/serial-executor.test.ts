/**
 * The serial executor over a real pseudo-terminal: the interpreter firmware under a QEMU started
 * by hand with its UART on a pty (as a board on a USB-serial line would be), and a hardware map
 * whose `serial:` names that pty. The executor does not own the device: it must leave it running.
 * Outcomes are compared with native-sim's in the same run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { ensureFirmware } from '../../ts/deploy/firmware.js';
import { serialPtyPath } from '../../ts/deploy/qemu.js';
import { QmpClient } from '../../ts/deploy/qemu-qmp.js';
import type { TestOutcome } from '../../ts/hil/executor.js';
import { createSerialExecutor } from '../../ts/hil/executors/serial.js';
import { WrtError } from '../../ts/core/errors.js';
import { parseHardwareMap } from '../../ts/hil/hardware-map.js';
import { defaultExecutorRegistry } from '../../ts/hil/registry.js';
import type { BoardRun, TestResult } from '../../ts/hil/results.js';
import { runHil } from '../../ts/hil/run.js';
import { loadSuites } from '../../ts/hil/suite.js';
import { isRunning } from '../deploy/processes.js';
import { tempDir, writeTree } from './support.js';
import { HANG_SUITE } from '../support/hang-suite.js';

const ROOT = packageRoot();
const work = tempDir('serial-exec');
const cacheDir = join(work, 'cache');
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface PtyBoard {
  readonly child: ChildProcess;
  readonly pty: string;
  /** QMP system_reset: the board's reset line. */
  reset(): Promise<void>;
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

/** The mps2 firmware under a QEMU of the test's own, UART0 on a pty, QMP on a socket. */
async function boardOnPty(name: string): Promise<PtyBoard> {
  const elf = await ensureFirmware('qemu-mps2-an386', 'mps2-an386');
  const qmpSocket = join(work, `${name}.qmp`);
  const child = spawn(
    'qemu-system-arm',
    ['-machine', 'mps2-an386', '-semihosting-config', 'enable=on,target=native', '-display', 'none', '-monitor', 'none', '-serial', 'pty', '-qmp', `unix:${qmpSocket},server=on,wait=off`, '-kernel', elf],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.push(child);
  let stdout = '';
  const pty = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`QEMU announced no pty: ${stdout}`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const path = serialPtyPath(stdout, 'serial0');
      if (path !== undefined) {
        clearTimeout(timer);
        resolve(path);
      }
    });
  });
  const qmp = await QmpClient.connect(qmpSocket, 10_000);
  await qmp.execute('qmp_capabilities');
  child.once('exit', () => qmp.close());
  return { child, pty, reset: async () => void (await qmp.execute('system_reset')) };
}

/** A map with one board on `pty`: a real board target (serial needs one), running the mps2 firmware. */
function mapOn(pty: string) {
  return parseHardwareMap(`boards:\n  - id: board-on-pty\n    target: nucleo-f429zi\n    connection:\n      serial: ${pty}\n`, join(work, 'map.yaml'));
}

function byTest(runs: readonly BoardRun[], id: string): Map<string, TestResult> {
  return new Map((runs.find((b) => b.board.id === id)?.results ?? []).map((r) => [r.name, r]));
}

const returned = (type: string, bits: string): TestOutcome => ({ kind: 'returned', results: [{ type: type as 'i32', bits }], stdout: '', stderr: '' });

describe('the line speed the executor opens a port with', () => {
  /** Opens the map's first board and records what the executor asked the link for. */
  async function openedWith(mapText: string): Promise<Array<[string, number | undefined]>> {
    const board = parseHardwareMap(mapText, join(work, 'speed.yaml')).boards[0];
    if (board === undefined) throw new Error('the map has no board');
    const opened: Array<[string, number | undefined]> = [];
    const executor = createSerialExecutor(board, {
      openTransport: (port, baud) => {
        opened.push([port, baud]);
        return Promise.reject(new WrtError('FILE_NOT_FOUND', 'no such adapter here', { file: port }));
      },
    });
    await expect(executor.open()).rejects.toThrow('no such adapter here');
    return opened;
  }
  const port = '/dev/serial/by-id/usb-STMicroelectronics_STM32_STLink_0671FF485557725187122328-if02';

  it("is the map's baud, else the target's uart.baud", async () => {
    expect(await openedWith(`boards:\n  - id: b\n    target: nucleo-f429zi\n    baud: 921600\n    connection:\n      serial: ${port}\n`)).toEqual([[port, 921600]]);
    expect(await openedWith(`boards:\n  - id: b\n    target: nucleo-f429zi\n    connection:\n      serial: ${port}\n`)).toEqual([[port, 115200]]);
  });
});

describe('serial executor over a pty', () => {
  it('runs the smoke suite with native-sim\'s outcomes and leaves the device running', async () => {
    const board = await boardOnPty('smoke');
    const suites = loadSuites(join(ROOT, 'hil', 'suites'), ['smoke']);
    const run = await runHil({ map: mapOn(board.pty), suites, registry: defaultExecutorRegistry(), buildCacheDir: cacheDir, differential: true });
    const serial = byTest(run.boards, 'board-on-pty');
    const sim = byTest(run.boards, 'native-sim');
    expect(run.boards.find((b) => b.board.id === 'board-on-pty')?.board.connection).toBe(`serial ${board.pty}`);
    expect([...serial.values()].map((r) => [r.name, r.status])).toEqual([...sim.values()].map((r) => [r.name, 'pass']));
    // Bit for bit native-sim's, but for 0/0's NaN: x86's default NaN there, Arm's here.
    for (const [name, result] of serial) if (name !== 'float-nan') expect([name, result.outcome]).toEqual([name, sim.get(name)?.outcome]);
    expect(serial.get('float-nan')?.outcome).toEqual(returned('f32', String(0x7fc00000)));
    expect(serial.get('add-i64')?.outcome).toEqual(returned('i64', '1'));
    expect(serial.get('memory-fill-sum')?.outcome).toEqual(returned('i32', '126516'));
    expect(serial.get('trap-divide-by-zero')?.outcome).toMatchObject({ kind: 'trapped', trap: ['integer divide by zero'] });
    expect(run.differential?.disagreements).toEqual([]);
    expect(run.failed).toBe(false);
    // The executor closed the port and left the board it does not own running.
    expect(board.child.pid !== undefined && isRunning(board.child.pid)).toBe(true);
  }, 60_000);

  it('runs WASI commands, their program arguments passed over ARGS', async () => {
    const board = await boardOnPty('wasi');
    const suites = loadSuites(join(ROOT, 'hil', 'suites'), ['wasi']).map((suite) => ({ ...suite, tests: suite.tests.filter((t) => t.name === 'stderr-exit' || t.name === 'hello') }));
    const run = await runHil({ map: mapOn(board.pty), suites, registry: defaultExecutorRegistry(), buildCacheDir: cacheDir, differential: true });
    const serial = byTest(run.boards, 'board-on-pty');
    const sim = byTest(run.boards, 'native-sim');
    expect(serial.get('stderr-exit')).toMatchObject({ status: 'pass', outcome: { kind: 'exited', exitCode: 7, stdout: '', stderr: 'something went wrong\n' } });
    expect(serial.get('stderr-exit')?.outcome).toEqual(sim.get('stderr-exit')?.outcome);
    expect([serial.get('hello')?.status, serial.get('hello')?.outcome]).toEqual(['pass', sim.get('hello')?.outcome]);
    expect(run.differential?.disagreements).toEqual([]);
  }, 60_000);
});

describe('serial executor: a hanging test', () => {
  const suitesDir = (): string => writeTree(join(work, 'suites'), HANG_SUITE);

  it('resets the board through its reset line when RESET goes unanswered; the next test passes', async () => {
    const board = await boardOnPty('hang-reset');
    let lineResets = 0;
    const registry = defaultExecutorRegistry().register('serial', (b) =>
      createSerialExecutor(b, {
        hardReset: async () => {
          lineResets += 1;
          await board.reset();
        },
      }),
    );
    const run = await runHil({ map: mapOn(board.pty), suites: loadSuites(suitesDir(), ['hang']), registry, buildCacheDir: cacheDir });
    const results = byTest(run.boards, 'board-on-pty');
    expect(results.get('add-before')?.outcome).toEqual(returned('i32', '42'));
    expect(results.get('spin')).toMatchObject({ status: 'timeout', attempts: 2, message: 'no answer within 1500 ms, reset and retried once, hung again' });
    expect(results.get('add-after')).toMatchObject({ status: 'pass', attempts: 1, outcome: returned('i32', String(2 ** 32 - 2)) });
    expect(lineResets).toBe(2);
  }, 60_000);

  it('without a reset line, fails the reset naming why and reports the rest as errors', async () => {
    const board = await boardOnPty('hang-stuck');
    const run = await runHil({ map: mapOn(board.pty), suites: loadSuites(suitesDir(), ['hang']), registry: defaultExecutorRegistry(), buildCacheDir: cacheDir });
    const results = byTest(run.boards, 'board-on-pty');
    const why = `board reset failed: ${board.pty} does not answer RESET (still running the last test, or gone) and the board has no reset line here: reset or power-cycle it`;
    expect(results.get('add-before')?.status).toBe('pass');
    expect(results.get('spin')).toMatchObject({ status: 'timeout', attempts: 1, message: `no answer within 1500 ms; ${why}` });
    expect(results.get('add-after')).toMatchObject({ status: 'error', attempts: 0, message: why });
  }, 60_000);
});
