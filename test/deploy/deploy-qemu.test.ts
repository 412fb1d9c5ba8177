/**
 * deploy on the emulated boards: the interpreter firmware under QEMU, the module over the UART.
 * Real runs (make, QEMU, the wire protocol); the assertions are the program's real output, result
 * and exit code, and that QEMU is gone afterwards.
 */
import { uploadForm } from '../../ts/wasm/upload-form.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { WrtError } from '../../ts/core/errors.js';
import { deploy } from '../../ts/deploy/deploy.js';
import { ensureFirmware, firmwareBoardOf } from '../../ts/deploy/firmware.js';
import { launchQemu, liveQemuPids, serialPtyPath, type QemuInstance } from '../../ts/deploy/qemu.js';
import { ProtocolClient } from '../../ts/device/client.js';
import { ResetKind } from '../../ts/device/protocol.js';
import { loadTarget } from '../../ts/targets/index.js';
import { cModule, expectQemuGone, gatherSinks, refusedBeforeQemu, watModule } from './deploy-helpers.js';
import { isRunning } from './processes.js';

/** Runs deploy, remembering the QEMU it started. */
async function deployed(file: string, options: Parameters<typeof deploy>[1]) {
  const sinks = gatherSinks();
  let qemu: QemuInstance | undefined;
  const report = await deploy(file, options, sinks, { onQemu: (q) => (qemu = q), handleSigint: false });
  return { report, sinks, qemu };
}

describe('deploy to qemu-mps2-an386 (Cortex-M4F)', () => {
  it('gives a WASI command its argv over ARGS: the file name, then ARGS', async () => {
    const file = cModule('deploy-args');
    const { report, sinks, qemu } = await deployed(file, { target: 'qemu-mps2-an386', args: ['alpha', 'beta gamma'] });
    if (report.kind !== 'ran') throw new Error(`expected a run, got ${report.kind}`);
    expect(sinks.stdoutText()).toBe(`argv[0]=${basename(file)}\nargv[1]=alpha\nargv[2]=beta gamma\nBOARD=(unset)\n`);
    expect(report.exitCode).toBe(3);
    await expectQemuGone(qemu);
  }, 60_000);

  it('runs an export of a tiny module and returns its result', async () => {
    const { report, qemu } = await deployed(watModule('deploy-add'), { target: 'qemu-mps2-an386', invoke: 'add', args: ['2', '40'] });
    if (report.kind !== 'ran') throw new Error(`expected a run, got ${report.kind}`);
    expect(report.outcome).toEqual({ kind: 'returned', results: [{ type: 'i32', value: 42 }] });
    expect(report.exitCode).toBe(0);
    expect(report.device.deviceId).toBe('qemu-mps2-an386');
    expect(report.upload.size).toBe(statSync(watModule('deploy-add')).size);
    await expectQemuGone(qemu);
  }, 30_000);

  it('streams a C program\'s printf output and returns its exit code', async () => {
    const file = cModule('deploy-hello');
    const { report, sinks, qemu } = await deployed(file, { target: 'qemu-mps2-an386' });
    if (report.kind !== 'ran') throw new Error(`expected a run, got ${report.kind}`);
    expect(sinks.stdoutText()).toBe('hello from the board\nline 0:  0.00\nline 1:  1.25\nline 2:  2.50\n');
    expect(sinks.stderrText()).toBe('to stderr\n');
    expect(report.outcome).toEqual({ kind: 'exited', exitCode: 7 });
    expect(report.exitCode).toBe(7);
    expect(report.outputFramesLost).toBe(0);
    // The device is sent the module without its custom sections (DWARF, name, producers): the upload form.
    const sent = uploadForm(readFileSync(file), 'none').bytes;
    expect(sent.length).toBeLessThan(statSync(file).size / 2);
    expect(report.upload).toMatchObject({ size: sent.length, sha256: createHash('sha256').update(sent).digest('hex') });
    expect(report.timings.firstOutputMs).toBeGreaterThan(report.timings.uploadedMs);
    await expectQemuGone(qemu);
  }, 30_000);
});

describe('deploy to qemu-lm3s6965evb (Cortex-M3, 64 KiB SRAM)', () => {
  it('runs a tiny module in the small arena', async () => {
    const { report, qemu } = await deployed(watModule('deploy-add'), { target: 'qemu-lm3s6965evb', invoke: 'add', args: ['-5', '3'] });
    if (report.kind !== 'ran') throw new Error(`expected a run, got ${report.kind}`);
    expect(report.outcome).toEqual({ kind: 'returned', results: [{ type: 'i32', value: -2 }] });
    expect(report.device.deviceId).toBe('qemu-lm3s6965evb');
    expect(report.device.arenaBytes).toBeLessThan(65536);
    expect(report.device.uploadCapacity).toBe(8192);
    await expectQemuGone(qemu);
  }, 30_000);

  it('refuses a module larger than the target\'s upload buffer before reading it whole or starting QEMU', async () => {
    const error = await refusedBeforeQemu(cModule('deploy-hello'), { target: 'qemu-lm3s6965evb', profile: 'none' });
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toContain('qemu-lm3s6965evb takes modules of at most 8.0 KiB (8192 B) (its upload buffer), so it was not read');
    expect(error.location.limit).toMatch(/^8192 bytes \(targets\/qemu-lm3s6965evb.yaml firmware.uploadBufferBytes\)/);
  }, 30_000);

  it('refuses a module larger than the upload capacity HELLO announced before sending it (a --firmware image), naming the limit', async () => {
    const file = cModule('deploy-hello');
    const sinks = gatherSinks();
    let qemu: QemuInstance | undefined;
    const firmware = await ensureFirmware('qemu-lm3s6965evb', firmwareBoardOf('qemu-lm3s6965evb') ?? 'qemu-lm3s6965evb');
    const error = await deploy(file, { target: 'qemu-lm3s6965evb', profile: 'none', firmware }, sinks, { onQemu: (q) => (qemu = q), handleSigint: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WrtError);
    if (!(error instanceof WrtError)) return;
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toBe(`the module is ${uploadForm(readFileSync(file), 'none').bytes.length} bytes as uploaded; qemu-lm3s6965evb takes modules of at most 8192 bytes (its upload buffer)`);
    expect(error.location.limit).toMatch(/^8192 bytes \(upload capacity announced by qemu-lm3s6965evb in HELLO\)/);
    expect(sinks.stdoutText()).toBe('');
    expect(sinks.stderrText()).toBe('');
    await expectQemuGone(qemu);
    if (qemu !== undefined) expect(isRunning(qemu.pid)).toBe(false);
  }, 30_000);

  it('refuses a module whose page does not fit and cannot be truncated before QEMU starts, naming the budget', async () => {
    const error = await refusedBeforeQemu(watModule('deploy-greet'), { target: 'qemu-lm3s6965evb' });
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.location.field).toBe('linear memory');
    expect(error.message).toContain('1 pages (65536 bytes); truncation not allowed: no exported __heap_base');
  }, 30_000);

  it('runs a one-page module truncated to 1 KiB, and an access past the truncation traps on the board', async () => {
    const file = watModule('deploy-small-memory');
    const { report, sinks, qemu } = await deployed(file, { target: 'qemu-lm3s6965evb' });
    if (report.kind !== 'ran') throw new Error(`expected a run, got ${report.kind}`);
    expect(sinks.stdoutText()).toBe('hi from 1 KiB\n');
    expect(report.exitCode).toBe(3);
    expect(report.profile?.decoded).toMatchObject({ targetId: 'qemu-lm3s6965evb', memoryRule: 'truncated-to-heap-base', memoryBytes: 1024 });
    expect(report.profile?.decoded.arenaBytes).toBeLessThanOrEqual(report.device.arenaBytes);
    await expectQemuGone(qemu);
    const last = await deployed(file, { target: 'qemu-lm3s6965evb', invoke: 'peek', args: ['1023'] });
    expect(last.report.kind === 'ran' ? last.report.outcome : undefined).toEqual({ kind: 'returned', results: [{ type: 'i32', value: 0 }] });
    const past = await deployed(file, { target: 'qemu-lm3s6965evb', invoke: 'peek', args: ['1024'] });
    expect(past.report.kind === 'ran' ? past.report.outcome : undefined).toMatchObject({ kind: 'trapped', trapName: 'out of bounds memory access' });
  }, 60_000);

  it('without a profile, the device itself refuses the page its arena does not have', async () => {
    const sinks = gatherSinks();
    const error = await deploy(watModule('deploy-greet'), { target: 'qemu-lm3s6965evb', profile: 'none' }, sinks, { handleSigint: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WrtError);
    expect(sinks.stdoutText()).toBe('');
    if (!(error instanceof WrtError)) return;
    // The client maps the device's LOAD_FAILED for a region that does not fit to LIMIT_EXCEEDED.
    expect(error.code).toBe('LIMIT_EXCEEDED');
    // It names the region, what the module asks, what the layout has, and whose layout it is.
    expect(error.message).toBe(
      "device refused UploadEnd: LOAD_FAILED (15): memory needs more pages than the runtime's limit (region memory: needs 1, has 0; the device's default layout, without a profile)",
    );
    expect(error.location.offset).toBeUndefined();
  }, 30_000);
});

describe('wrt-target deploy (the command, main with a BufferedOutput)', () => {
  async function cli(args: readonly string[]): Promise<{ code: number; out: BufferedOutput }> {
    const out = new BufferedOutput();
    const code = await main(['node', 'wrt-target', 'deploy', ...args], { output: out });
    return { code, out };
  }

  it('prints the result of an export and exits 0, after one line about the upload', async () => {
    const before = liveQemuPids();
    const file = watModule('deploy-add');
    const { code, out } = await cli([file, '--target', 'qemu-mps2-an386', '--invoke', 'add', '2', '3']);
    // Not a terminal: no progress bar, only the line the upload ends with; a tiny module in bytes.
    const size = uploadForm(readFileSync(file), 'none').bytes.length;
    expect(size).toBeLessThan(1024);
    expect(out.stderr).toEqual([expect.stringMatching(new RegExp(`^uploaded ${size} B in \\d+\\.\\d+ m?s \\(\\d+(\\.\\d)? (B|KiB)/s\\), SHA-256 verified on the device$`))]);
    expect(out.stdout).toEqual(['i32:5']);
    expect(code).toBe(0);
    expect(liveQemuPids()).toEqual(before);
  }, 30_000);

  it('gives output, exit code, device and upload digest with --json', async () => {
    const file = cModule('deploy-hello');
    const { code, out } = await cli([file, '--target', 'qemu-mps2-an386', '--json']);
    expect(code).toBe(7);
    const report = JSON.parse(out.text) as Record<string, unknown>;
    // With --json nothing is printed about the upload: the document has it.
    expect(out.stderr).toEqual([]);
    expect(report.exitCode).toBe(7);
    expect(report.output).toEqual({ stdout: 'hello from the board\nline 0:  0.00\nline 1:  1.25\nline 2:  2.50\n', stderr: 'to stderr\n' });
    const sent = uploadForm(readFileSync(file), 'none').bytes;
    expect(report.upload).toMatchObject({ size: sent.length, sha256: createHash('sha256').update(sent).digest('hex') });
    expect(report.device).toMatchObject({ deviceId: 'qemu-mps2-an386', uploadCapacity: 1048576 });
  }, 30_000);
});

describe('deploy --port (a device already running the firmware)', () => {
  /**
   * QEMU started by hand with its UART on a pty, as a person would for a board on a serial line.
   * Not through launchQemu: its own transport would hold the same pty open and share the bytes.
   */
  async function qemuOnPty(elf: string): Promise<{ child: ChildProcess; pty: string }> {
    const child = spawn('qemu-system-arm', ['-machine', 'mps2-an386', '-semihosting-config', 'enable=on,target=native', '-display', 'none', '-monitor', 'none', '-serial', 'pty', '-kernel', elf], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
    return { child, pty };
  }

  it('drives a QEMU started by hand through its pty and leaves it running', async () => {
    const board = firmwareBoardOf('qemu-mps2-an386') ?? 'mps2-an386';
    const { child, pty } = await qemuOnPty(await ensureFirmware('qemu-mps2-an386', board));
    try {
      const sinks = gatherSinks();
      const report = await deploy(watModule('deploy-greet'), { target: 'qemu-mps2-an386', port: pty }, sinks, { handleSigint: false });
      if (report.kind !== 'ran') throw new Error(`expected a run, got ${report.kind}`);
      expect(report.link).toBe(pty);
      expect(sinks.stdoutText()).toBe('hi from wasm\n');
      expect(report.outcome).toEqual({ kind: 'exited', exitCode: 3 });
      // deploy closed its link and left the device it did not start running.
      expect(child.pid !== undefined && isRunning(child.pid)).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  }, 30_000);
});

describe('the interpreter firmware itself', () => {
  it('reboots on RESET kind 1 (boot id 1 then 2) and reports its arena layout in STATS', async () => {
    const board = firmwareBoardOf('qemu-lm3s6965evb') ?? 'lm3s6965evb';
    const qemu = await launchQemu(loadTarget('qemu-lm3s6965evb'), { elf: await ensureFirmware('qemu-lm3s6965evb', board) });
    // Generous: on a loaded machine QEMU may be starved for seconds.
    const client = new ProtocolClient(qemu.transport, { helloTimeoutMs: 15_000, requestTimeoutMs: 3000 });
    try {
      const first = await client.hello();
      expect(first.bootId).toBe(1);
      expect(first.ramBytes).toBe(65536);
      const stats = await client.stats();
      // 64 KiB of SRAM holds no 64 KiB page next to the firmware: memory-less modules only.
      expect(stats.get('engine.memory_pages')).toBe(0n);
      await client.reset(ResetKind.Device);
      expect((await client.hello()).bootId).toBe(2);
    } finally {
      client.close();
      await qemu.stop();
    }
  }, 30_000);
});
