/**
 * The QEMU executor on both emulated boards: the interpreter firmware built with make, run under
 * qemu-system-arm, the modules over the wire protocol. Real runs; the assertions are real outcomes
 * (result bits, trap texts, exit codes, output), compared with native-sim's in the same run, and
 * that every QEMU the executor started is gone afterwards.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { launchQemu, liveQemuPids, type QemuInstance } from '../../ts/deploy/qemu.js';
import { userScratchRoot } from '../../ts/deploy/qemu-scratch.js';
import { Deframer } from '../../ts/device/framing.js';
import { loadTarget } from '../../ts/targets/index.js';
import { targetLimits } from '../../ts/targets/limits.js';
import { wat2wasm } from '../../ts/testsuite/wat.js';
import type { TestOutcome } from '../../ts/hil/executor.js';
import type { OutputEvent, UploadOptions, UploadReport } from '../../ts/device/client.js';
import { DeviceError } from '../../ts/device/device-errors.js';
import { Feature, MessageType } from '../../ts/device/protocol.js';
import type { HelloInfo, InvokeResult, WireValue } from '../../ts/device/messages.js';
import { decodeProfile } from '../../ts/profile/binary.js';
import { firmwareEntryProblem, runTestOnDevice, type DeviceTest } from '../../ts/hil/executors/device-run.js';
import { DeviceSession, type SessionClient } from '../../ts/run/session.js';
import type { Transport } from '../../ts/device/transport.js';
import { QemuExecutor, createQemuExecutor } from '../../ts/hil/executors/qemu.js';
import { loadHardwareMap, parseHardwareMap } from '../../ts/hil/hardware-map.js';
import { defaultExecutorRegistry } from '../../ts/hil/registry.js';
import type { BoardRun, TestResult } from '../../ts/hil/results.js';
import { runHil } from '../../ts/hil/run.js';
import { loadSuites } from '../../ts/hil/suite.js';
import { compiledScript } from '../support/compiled.js';
import { waitUntilGone } from '../deploy/processes.js';
import { tempDir, writeTree } from './support.js';
import { HANG_SUITE } from '../support/hang-suite.js';

const ROOT = packageRoot();
const work = tempDir('qemu-exec');
const cacheDir = join(work, 'cache');
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The default registry, with QEMU executors that report each QEMU they start. */
function recordingRegistry() {
  const started = new Map<string, QemuInstance[]>();
  const executors = new Map<string, QemuExecutor>();
  const registry = defaultExecutorRegistry().register('qemu', (board) => {
    const list: QemuInstance[] = [];
    started.set(board.id, list);
    const executor = createQemuExecutor(board, { onQemu: (q) => list.push(q) });
    executors.set(board.id, executor);
    return executor;
  });
  return { registry, started, executors };
}

async function expectAllGone(started: ReadonlyMap<string, readonly QemuInstance[]>): Promise<void> {
  for (const qemu of [...started.values()].flat()) {
    expect(await waitUntilGone(qemu.pid, 3000)).toBe(true);
    expect(liveQemuPids()).not.toContain(qemu.pid);
  }
}

function byTest(run: BoardRun | undefined): Map<string, TestResult> {
  return new Map((run?.results ?? []).map((r) => [r.name, r]));
}

function boardRun(runs: readonly BoardRun[], id: string): BoardRun | undefined {
  return runs.find((b) => b.board.id === id);
}

const returned = (type: string, bits: string): TestOutcome => ({ kind: 'returned', results: [{ type: type as 'i32', bits }], stdout: '', stderr: '' });
/** A trap with its spec text and the device's trap code (the function index varies with the module). */
function expectTrap(outcome: TestOutcome | undefined, trap: string, code: number): void {
  expect(outcome).toMatchObject({ kind: 'trapped', trap: [trap], stdout: '', stderr: '' });
  expect(outcome?.kind === 'trapped' ? outcome.detail : undefined).toMatch(new RegExp(`^trap code ${code} in function \\d+$`));
}

/** A protocol client that answers from a script, for the device-run logic without a device. */
class ScriptedClient implements SessionClient {
  readonly counters = { requests: 0, resends: 0, timeouts: 0, brokenFrames: 0, staleAnswers: 0, unsolicitedErrors: 0, unsolicitedGaps: 0, hostCalls: 0, hostResultsResent: 0 };
  readonly uploads: { readonly size: number; readonly profile: Uint8Array | undefined }[] = [];
  readonly invokes: { readonly name: string; readonly args: readonly WireValue[] }[] = [];
  readonly argsSent: { readonly argv: readonly string[]; readonly env: Readonly<Record<string, string>> }[] = [];
  readonly #listeners = new Set<(event: OutputEvent) => void>();
  constructor(private readonly script: { readonly uploadError?: Error; readonly answer?: InvokeResult; readonly output?: readonly OutputEvent[] }) {}
  async transfer(module: Uint8Array, options: UploadOptions = {}): Promise<UploadReport> {
    this.uploads.push({ size: module.length, profile: options.profile });
    if (this.script.uploadError !== undefined) throw this.script.uploadError;
    return { size: module.length, sha256: '', resumedFrom: 0, chunks: 1, bytesSent: module.length };
  }
  async invoke(name: string, args: readonly WireValue[] = []): Promise<InvokeResult> {
    this.invokes.push({ name, args });
    for (const event of this.script.output ?? []) for (const listener of this.#listeners) listener(event);
    return this.script.answer ?? { trap: 0, trapFunction: 0, fuelUsed: 0n, peakStackBytes: 0, results: [], frames: [], depth: 0 };
  }
  async setArgs(argv: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<void> {
    this.argsSent.push({ argv, env });
  }
  onOutput(listener: (event: OutputEvent) => void): () => boolean {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  hello(): Promise<HelloInfo> {
    return Promise.reject(new Error('not scripted'));
  }
  reset(): Promise<void> {
    return Promise.reject(new Error('not scripted'));
  }
  close(): void {}
  session(): never {
    throw new Error('not scripted');
  }
  register(): never {
    throw new Error('not scripted');
  }
  globalGet(): never {
    throw new Error('not scripted');
  }
  componentInvoke(): never {
    throw new Error('not scripted');
  }
  componentAdapter(): never {
    throw new Error('not scripted');
  }
  componentResource(): never {
    throw new Error('not scripted');
  }
  invokeOn(): never {
    throw new Error('not scripted');
  }
  declareHostImports(): never {
    throw new Error('not scripted');
  }
  serveHostCalls(): void {}
  onHostTrace(): () => boolean {
    return () => true;
  }
  onLog(): () => boolean {
    return () => true;
  }
  onBreak(): () => boolean {
    return () => true;
  }
  onDebugTrace(): () => boolean {
    return () => true;
  }
  async setBreakpoints(): Promise<void> {}
}

/** A link that goes nowhere: the scripted client answers instead. */
const NO_LINK = {
  transport: { closed: new Promise<never>(() => undefined) } as unknown as Transport,
  description: 'scripted',
  clientOptions: {},
  close: () => Promise.resolve(),
};

/** The HIL test on a scripted device session. */
function onScripted(client: ScriptedClient, hello: HelloInfo, test: DeviceTest): Promise<TestOutcome> {
  return runTestOnDevice(DeviceSession.over(client, hello, NO_LINK), test);
}

const LM3S_HELLO: HelloInfo = {
  protocolVersion: 1,
  maxFrame: 1024,
  interpreterVersion: '0.1.0',
  arenaBytes: 43512,
  ramBytes: 65536,
  uploadCapacity: 8192,
  profileCapacity: 256,
  features: 0,
  bootId: 1,
  deviceId: 'qemu-lm3s6965evb',
};
/** An empty module: no exports, so no signature check; the device's answer decides. */
const EMPTY_MODULE = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

function deviceTest(entry: DeviceTest['entry'], extra: Partial<DeviceTest> = {}): DeviceTest {
  return { id: 'unit/t', module: { bytes: EMPTY_MODULE, sha256: '' }, entry, timeoutMs: 1000, ...extra };
}
const loadFailed = (detail: number, message: string): DeviceError =>
  new DeviceError({ code: 15, name: 'LOAD_FAILED', aboutType: 4, detail, limit: 0, message }, 'scripted');

describe('runTestOnDevice (a scripted client)', () => {
  it('uploads the test\'s profile with its module, else one compiled for the board, else none for an unknown board', async () => {
    const client = new ScriptedClient({});
    await onScripted(client, LM3S_HELLO, deviceTest({ kind: 'invoke', export: 'f', args: [] }));
    await onScripted(client, { ...LM3S_HELLO, deviceId: 'bench-board-7' }, deviceTest({ kind: 'invoke', export: 'f', args: [] }));
    // The empty module compiled for the board the device id names: what `deploy` would upload.
    const compiled = client.uploads[0]?.profile;
    if (compiled === undefined) throw new Error('no profile was compiled for the board');
    expect(decodeProfile(compiled)).toMatchObject({ targetId: 'qemu-lm3s6965evb', memoryRule: 'no-memory', asil: 'QM' });
    expect(client.uploads[1]?.profile).toBeUndefined();
    // A profile given with the test travels as it is.
    const given = Uint8Array.from(compiled);
    await onScripted(client, LM3S_HELLO, deviceTest({ kind: 'invoke', export: 'f', args: [] }, { profile: given }));
    expect(client.uploads[2]?.profile).toBe(given);
    expect(client.uploads.map((u) => u.size)).toEqual([8, 8, 8]);
  });

  it('maps a program exit, its output and a trap as native-sim does', async () => {
    const exit = new ScriptedClient({
      answer: { trap: 16, trapFunction: 3, fuelUsed: 0n, peakStackBytes: 0, results: [], frames: [], depth: 0 },
      output: [{ stream: 1, bytes: text('out '), seq: 1 }, { stream: 2, bytes: text('err'), seq: 2 }, { stream: 1, bytes: text('line\n'), seq: 3 }],
    });
    expect(await onScripted(exit, LM3S_HELLO, deviceTest({ kind: 'command', args: ['checksum'], env: {}, stdin: '' }))).toEqual({ kind: 'exited', exitCode: 3, stdout: 'out line\n', stderr: 'err' });
    expect(exit.invokes).toEqual([{ name: '_start', args: [] }]);
    const trap = new ScriptedClient({ answer: { trap: 3, trapFunction: 1, fuelUsed: 0n, peakStackBytes: 0, results: [], frames: [], depth: 0 } });
    expect(await onScripted(trap, LM3S_HELLO, deviceTest({ kind: 'invoke', export: 'div', args: [{ type: 'i32', bits: '7' }] }))).toEqual({
      kind: 'trapped',
      trap: ['integer divide by zero'],
      detail: 'trap code 3 in function 1',
      stdout: '',
      stderr: '',
    });
    expect(trap.invokes).toEqual([{ name: 'div', args: [{ type: 'i32', value: 7 }] }]);
  });

  it('skips what the board cannot hold, naming the limit; a bad module is rejected', async () => {
    const big = deviceTest({ kind: 'invoke', export: 'f', args: [] }, { module: { bytes: new Uint8Array(8193), sha256: '' } });
    const refused = new ScriptedClient({});
    expect(await onScripted(refused, LM3S_HELLO, big)).toEqual({
      kind: 'skipped',
      reason: 'does not fit on the board: the module is 8193 bytes as uploaded; qemu-lm3s6965evb takes modules of at most 8192 bytes (its upload buffer)',
    });
    expect(refused.uploads).toEqual([]);
    const invoke = deviceTest({ kind: 'invoke', export: 'f', args: [] });
    expect(await onScripted(new ScriptedClient({ uploadError: loadFailed(5, 'memory needs more pages than the runtime\'s limit') }), LM3S_HELLO, invoke)).toEqual({
      kind: 'skipped',
      reason: 'does not fit on the board (qemu-lm3s6965evb, 43512-byte arena): memory needs more pages than the runtime\'s limit',
    });
    expect(await onScripted(new ScriptedClient({ uploadError: loadFailed(6, 'unknown import wasi.x') }), LM3S_HELLO, invoke)).toEqual({ kind: 'rejected', stage: 'link', message: 'unknown import wasi.x' });
    expect(await onScripted(new ScriptedClient({ uploadError: loadFailed(2, 'type mismatch') }), LM3S_HELLO, invoke)).toEqual({ kind: 'rejected', stage: 'compile', message: 'type mismatch' });
  });

  it('refuses what the firmware cannot pass: without ARGS, arguments, environment and stdin (argv[0] alone runs); with ARGS, stdin', () => {
    expect(firmwareEntryProblem({ kind: 'command', args: ['sort'], env: {}, stdin: '' })).toBeUndefined();
    expect(firmwareEntryProblem({ kind: 'invoke', export: 'f', args: [] })).toBeUndefined();
    const all = { kind: 'command', args: ['hello', 'board'], env: { K: 'v', L: 'w' }, stdin: 'x' } as const;
    expect(firmwareEntryProblem(all)).toBe(
      'the device firmware cannot pass program arguments ["board"], environment K, L, stdin to a WASI command (it has no ARGS message; its argv is ["module"])',
    );
    expect(firmwareEntryProblem(all, Feature.Args)).toBe('the device firmware cannot pass stdin to a WASI command (the protocol has no field for it)');
    expect(firmwareEntryProblem({ ...all, stdin: '' }, Feature.Args)).toBeUndefined();
  });

  it('sends a command\'s argv and environment over ARGS before the upload when the device takes them', async () => {
    const client = new ScriptedClient({ answer: { trap: 16, trapFunction: 0, fuelUsed: 0n, peakStackBytes: 0, results: [], frames: [], depth: 0 } });
    const command = deviceTest({ kind: 'command', args: ['hello', 'board'], env: { K: 'v' }, stdin: '' });
    expect(await onScripted(client, { ...LM3S_HELLO, features: Feature.Args }, command)).toMatchObject({ kind: 'exited', exitCode: 0 });
    expect(client.argsSent).toEqual([{ argv: ['hello', 'board'], env: { K: 'v' } }]);
    expect(client.uploads).toHaveLength(1);
  });
});

describe('QEMU executor: the smoke suite on every QEMU board, against native-sim', () => {
  it('gives native-sim\'s outcomes on mps2, an505, an547 and lm3s, skips what lm3s cannot hold, and leaves no QEMU', async () => {
    const { registry, started, executors } = recordingRegistry();
    const map = loadHardwareMap(join(ROOT, 'hil', 'maps', 'qemu.yaml'));
    const suites = loadSuites(join(ROOT, 'hil', 'suites'), ['smoke']);
    const run = await runHil({ map, suites, registry, buildCacheDir: cacheDir, differential: true });

    expect(run.boards.map((b) => b.board.id)).toEqual(['v8-reference', 'mps2-qemu', 'lm3s-qemu', 'an505-qemu', 'an547-qemu', 'native-sim']);
    const sim = byTest(boardRun(run.boards, 'native-sim'));
    const mps2 = byTest(boardRun(run.boards, 'mps2-qemu'));
    const lm3s = byTest(boardRun(run.boards, 'lm3s-qemu'));
    expect([...sim.values()].every((r) => r.status === 'pass')).toBe(true);

    // mps2: every test passes with exactly native-sim's outcome, bit for bit.
    expect([...mps2.values()].map((r) => [r.name, r.status])).toEqual([...sim.values()].map((r) => [r.name, 'pass']));
    // float-nan aside: 0/0 gives the host's default NaN on native-sim (x86: 0xffc00000) and
    // Arm's on the board (0x7fc00000); both are the arithmetic NaN the spec allows.
    for (const [name, result] of mps2) if (name !== 'float-nan') expect([name, result.outcome]).toEqual([name, sim.get(name)?.outcome]);
    expect(mps2.get('float-nan')?.outcome).toEqual(returned('f32', String(0x7fc00000)));
    expect(mps2.get('add-i32')?.outcome).toEqual(returned('i32', '5'));
    expect(mps2.get('add-i32-wraps')?.outcome).toEqual(returned('i32', '2147483648'));
    expect(mps2.get('add-i64')?.outcome).toEqual(returned('i64', '1'));
    expect(mps2.get('factorial-recursive')?.outcome).toEqual(returned('i64', '2432902008176640000'));
    expect(mps2.get('memory-fill-sum')?.outcome).toEqual(returned('i32', '126516'));
    expectTrap(mps2.get('memory-out-of-bounds')?.outcome, 'out of bounds memory access', 2);
    expectTrap(mps2.get('trap-unreachable')?.outcome, 'unreachable', 1);
    expectTrap(mps2.get('trap-divide-by-zero')?.outcome, 'integer divide by zero', 3);
    expectTrap(mps2.get('trap-divide-overflow')?.outcome, 'integer overflow', 4);
    expect(mps2.get('float-mul')?.outcome).toEqual(returned('f32', String(0xc0c00000)));
    expect(mps2.get('float-sqrt')?.outcome).toEqual(returned('f64', '4609047870845172685'));

    // The Armv8-M boards (Cortex-M33, and the Cortex-M55 firmware with PAC and BTI) give mps2's
    // outcomes exactly, Arm's default NaN included.
    for (const board of ['an505-qemu', 'an547-qemu']) {
      const outcomes = byTest(boardRun(run.boards, board));
      expect([board, [...outcomes].map(([name, r]) => [name, r.status, r.outcome])]).toEqual([board, [...mps2].map(([name, r]) => [name, 'pass', r.outcome])]);
      expect(started.get(board)).toHaveLength(1);
    }

    // lm3s: no linear memory fits in 64 KiB of SRAM and these modules cannot be truncated (no
    // __heap_base): the profile compiler says so; the test is skipped naming the budget, not failed.
    // The arena the board gives is its SRAM less the measured firmware (targets/qemu-lm3s6965evb.yaml).
    const lm3sArena = targetLimits(loadTarget('qemu-lm3s6965evb')).moduleMemoryBytes.value;
    expect(lm3sArena).toBeLessThan(65536);
    for (const name of ['memory-fill-sum', 'memory-out-of-bounds']) {
      expect(lm3s.get(name)?.status).toBe('skip');
      expect(lm3s.get(name)?.message).toMatch(
        new RegExp(
          `^does not fit on the board: smoke/memory-[a-z-]+: cannot be profiled for target qemu-lm3s6965evb: 2 budgets not met; linear memory: needs 1 pages \\(65536 bytes\\); truncation not allowed: no exported __heap_base; target gives 0 pages \\(0 bytes\\);.*; arena: needs \\d+ bytes \\(.*memory 65536\\); target gives ${lm3sArena} bytes;`,
        ),
      );
    }
    // The rest (soft float included) is native-sim's outcome exactly.
    for (const [name, result] of lm3s) {
      if (name.startsWith('memory-') || name === 'float-nan') continue;
      expect([name, result.status, result.outcome]).toEqual([name, 'pass', sim.get(name)?.outcome]);
    }

    expect(lm3s.get('float-nan')).toMatchObject({ status: 'pass', outcome: returned('f32', String(0x7fc00000)) });
    // Skips are not compared; everything that ran agrees with V8, and the run passes.
    expect(run.differential?.disagreements).toEqual([]);
    expect(run.summary).toMatchObject({ skip: 2, error: 0, fail: 0, timeout: 0 });
    expect(run.failed).toBe(false);

    // One QEMU per board for the whole suite, and no reset: a skip leaves the board as it was
    // (the firmware never rebooted: boot id 1).
    expect(started.get('mps2-qemu')).toHaveLength(1);
    expect(started.get('lm3s-qemu')).toHaveLength(1);
    expect(executors.get('lm3s-qemu')?.starts).toBe(1);
    expect(executors.get('lm3s-qemu')?.device?.bootId).toBe(1);
    await expectAllGone(started);
  }, 120_000);
});

describe('QEMU executor: WASI commands', () => {
  it('runs C programs on mps2 with native-sim\'s output, arguments and exit codes; lm3s limits are skips', async () => {
    const { registry, started } = recordingRegistry();
    const map = loadHardwareMap(join(ROOT, 'hil', 'maps', 'qemu.yaml'));
    // sort (85 KiB, ~3 s of upload) left out for time: checksum is the same kind of program.
    const suites = loadSuites(join(ROOT, 'hil', 'suites'), ['wasi']).map((suite) => ({ ...suite, tests: suite.tests.filter((t) => t.name !== 'sort') }));
    const run = await runHil({ map, suites, registry, buildCacheDir: cacheDir, differential: true });
    const sim = byTest(boardRun(run.boards, 'native-sim'));
    const mps2 = byTest(boardRun(run.boards, 'mps2-qemu'));
    const lm3s = byTest(boardRun(run.boards, 'lm3s-qemu'));

    const outcome = mps2.get('checksum')?.outcome;
    const { hostCalls, ...checksum } = outcome !== undefined && 'stdout' in outcome ? outcome : { hostCalls: undefined };
    expect(checksum).toEqual({ kind: 'exited', exitCode: 250, stdout: 'crc32("123456789") = cbf43926\ncrc32(buffer) = c39b3ffa\n', stderr: '' });
    // The board traces every host call; the same calls as on native-sim (compared below), ending in proc_exit.
    expect(hostCalls?.at(-1)).toBe('wasi_snapshot_preview1.proc_exit(250) = trap 16 (program exited)');
    expect(mps2.get('stderr-exit')?.outcome).toMatchObject({ kind: 'exited', exitCode: 7, stdout: '', stderr: 'something went wrong\n' });
    for (const name of ['checksum', 'stderr-exit']) {
      expect([name, mps2.get(name)?.status, mps2.get(name)?.outcome]).toEqual([name, 'pass', sim.get(name)?.outcome]);
    }
    // Program arguments travel over ARGS: hello gets argv ["hello", "board"] as on native-sim.
    expect([mps2.get('hello')?.status, mps2.get('hello')?.outcome]).toEqual(['pass', sim.get('hello')?.outcome]);
    // lm3s has an 8 KiB upload buffer and a 37 KB arena: each C program is skipped naming the limit
    // it misses (stripped of its custom sections a small one fits the buffer, not the arena).
    for (const name of ['checksum', 'stderr-exit']) {
      expect(lm3s.get(name)?.status).toBe('skip');
      expect(lm3s.get(name)?.message).toMatch(
        /^does not fit on the board: (the module is \d{4,} bytes as uploaded; qemu-lm3s6965evb takes modules of at most 8192 bytes \(its upload buffer\)|.* arena: needs \d+ bytes .*target gives \d+ bytes)/,
      );
    }
    expect(run.differential?.disagreements).toEqual([]);
    expect(started.get('mps2-qemu')).toHaveLength(1);
    await expectAllGone(started);
  }, 180_000);
});

describe('QEMU executor: the same module in several tests', () => {
  it('sends the module once while the board holds it, and every test starts from a fresh instance', async () => {
    // `bump` adds one to a global that starts at 0: a test that reused the instance would see 2.
    const counter = wat2wasm(`(module
      (global $n (export "counter") (mut i32) (i32.const 0))
      (func (export "bump") (result i32)
        (global.set $n (i32.add (global.get $n) (i32.const 1)))
        (global.get $n)))`);
    const other = wat2wasm('(module (func (export "bump") (result i32) (i32.const 41)))');
    const test = (name: string, bytes: Uint8Array): DeviceTest => ({
      id: `reuse/${name}`,
      module: { bytes, sha256: '' },
      entry: { kind: 'invoke', export: 'bump', args: [] },
      timeoutMs: 30_000,
    });
    // Every UPLOAD_CHUNK frame the host writes to the board's UART.
    let chunks = 0;
    const deframer = new Deframer();
    const started: QemuInstance[] = [];
    const executor = new QemuExecutor(loadTarget('qemu-mps2-an386'), {
      launch: async (def, options) => {
        const qemu = await launchQemu(def, options);
        started.push(qemu);
        const write = qemu.transport.write.bind(qemu.transport);
        qemu.transport.write = (bytes) => {
          for (const event of deframer.push(bytes)) if (event.kind === 'frame' && event.frame.type === MessageType.UploadChunk) chunks += 1;
          return write(bytes);
        };
        return qemu;
      },
    });
    const runs: { readonly outcome: TestOutcome; readonly chunks: number }[] = [];
    try {
      await executor.open();
      for (const t of [test('first', counter), test('second', counter), test('other', other), test('again', counter)]) {
        const before = chunks;
        const outcome = await executor.run(t, new AbortController().signal);
        runs.push({ outcome, chunks: chunks - before });
      }
    } finally {
      await executor.close();
    }
    expect(runs.map((r) => r.outcome)).toEqual([returned('i32', '1'), returned('i32', '1'), returned('i32', '41'), returned('i32', '1')]);
    const [first, second, third, fourth] = runs.map((r) => r.chunks);
    expect(first).toBeGreaterThan(0);
    // The second test of the same module: no chunk travels, the board loads what it kept.
    expect(second).toBe(0);
    // Another module replaces it; the counter module then travels whole again.
    expect(third).toBeGreaterThan(0);
    expect(fourth).toBe(first);
    expect(started).toHaveLength(1);
    await expectAllGone(new Map([['mps2', started]]));
  }, 60_000);
});

describe('QEMU executor: a hanging test', () => {
  it('times out twice, QEMU is restarted each time, and the next test passes', async () => {
    const suitesDir = writeTree(join(work, 'suites'), HANG_SUITE);
    const map = parseHardwareMap('boards:\n  - id: lm3s\n    target: qemu-lm3s6965evb\n    connection: { emulator: qemu }\n', join(work, 'map.yaml'));
    const { registry, started } = recordingRegistry();
    const run = await runHil({ map, suites: loadSuites(suitesDir, ['hang']), registry, buildCacheDir: cacheDir });
    const results = byTest(boardRun(run.boards, 'lm3s'));
    expect(results.get('add-before')?.outcome).toEqual(returned('i32', '42'));
    expect(results.get('spin')).toMatchObject({ status: 'timeout', attempts: 2, message: 'no answer within 1500 ms, reset and retried once, hung again' });
    expect(results.get('add-after')).toMatchObject({ status: 'pass', attempts: 1, outcome: returned('i32', String(2 ** 32 - 2)) });
    // The first QEMU, one after each hang.
    const pids = (started.get('lm3s') ?? []).map((q) => q.pid);
    expect(pids).toHaveLength(3);
    expect(new Set(pids).size).toBe(3);
    await expectAllGone(started);
  }, 60_000);
});

/** Pids of the processes whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === pid) found.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
  } catch {
    return '';
  }
}

/** Pids of the processes whose command line contains `text`. */
function processesNaming(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** QEMU scratch folders (ts/deploy/qemu-scratch.ts) made by process `pid`. */
/** The scratch folders a process made, in this user's folder of the temp dir. */
function scratchFoldersOf(pid: number): string[] {
  return readdirSync(userScratchRoot()).filter((name) => name.startsWith(`wrt-qemu-${pid}-`));
}

describe('wrt-target hil run and Ctrl-C', () => {
  it('kills QEMU, removes its scratch folder and ends by SIGINT while a test runs', async () => {
    const suitesDir = writeTree(join(work, 'sigint-suites'), HANG_SUITE);
    writeTree(work, { 'sigint-map.yaml': 'boards:\n  - id: mps2\n    target: qemu-mps2-an386\n    connection: { emulator: qemu }\n' });
    // The compiled CLI (npm test builds dist/ first); checks it is not older than the executor.
    compiledScript('ts/hil/executors/qemu.ts');
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'wrt-target.js'), 'hil', 'run', 'hang', '--hardware-map', join(work, 'sigint-map.yaml'), '--suites-dir', suitesDir, '--timeout', '60000'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: work,
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => void (stdout += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    // add-before passed: QEMU is up and the spin test is running on it.
    const deadline = Date.now() + 30_000;
    while (!/PASS +mps2 +hang\/add-before/.test(stdout)) {
      if (Date.now() > deadline) throw new Error(`add-before never passed: ${stdout}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const cliPid = child.pid ?? -1;
    const qemuPids = childrenOf(cliPid).filter((pid) => commandOf(pid).includes('qemu-system-arm'));
    expect(qemuPids).toHaveLength(1);
    expect(scratchFoldersOf(cliPid)).toHaveLength(1);
    child.kill('SIGINT');
    expect(await exited).toEqual({ code: null, signal: 'SIGINT' });
    for (const pid of qemuPids) expect(await waitUntilGone(pid, 3000)).toBe(true);
    // No QEMU of that CLI is left anywhere (its command line names the CLI's scratch folder).
    expect(processesNaming(`wrt-qemu-${cliPid}-`)).toEqual([]);
    expect(scratchFoldersOf(cliPid)).toEqual([]);
  }, 60_000);
});
