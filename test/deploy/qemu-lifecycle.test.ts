/**
 * QEMU's lifetime: stop() kills it, a launcher process that is told to stop or is killed outright
 * takes its QEMU along, and start-up failures (missing emulator, a QEMU that never announces its
 * pty, one that exits at once) end in WrtErrors with nothing left running.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExecutable, launchQemu, liveQemuPids } from '../../ts/deploy/qemu.js';
import { loadTarget } from '../../ts/targets/index.js';
import { rejected } from '../support/wrt-error.js';
import { buildFirmware } from './firmware.js';
import { isRunning, waitUntilGone } from './processes.js';
import { compiledScript } from '../support/compiled.js';

const def = loadTarget('qemu-mps2-an386');
let elf = '';
let scratch = '';

beforeAll(() => {
  elf = buildFirmware('mps2-an386').elf;
  scratch = mkdtempSync(join(tmpdir(), 'wrt-qemu-test-'));
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function qmpFolderOf(argv: readonly string[]): string {
  const qmp = argv.find((arg) => arg.startsWith('unix:'));
  if (qmp === undefined) throw new Error(`no -qmp unix: argument in ${argv.join(' ')}`);
  return dirname(qmp.slice('unix:'.length).split(',')[0] ?? '');
}

/** A stand-in for qemu-system-arm: a shell script that records its pid, then runs `body`. */
function fakeEmulator(name: string, body: string): { readonly path: string; readonly pidFile: string } {
  const path = join(scratch, name);
  const pidFile = join(scratch, `${name}.pid`);
  writeFileSync(path, `#!/bin/sh\necho $$ > '${pidFile}'\n${body}\n`);
  chmodSync(path, 0o755);
  return { path, pidFile };
}

describe('stop()', () => {
  it('kills a running QEMU, releases its folder and is idempotent', async () => {
    const qemu = await launchQemu(def, { elf });
    expect(isRunning(qemu.pid)).toBe(true);
    expect(liveQemuPids()).toContain(qemu.pid);
    const folder = qmpFolderOf(qemu.argv);
    expect(existsSync(folder)).toBe(true);
    const early = await rejected(qemu.waitForExit(50));
    expect(early.code).toBe('DEVICE_TIMEOUT');
    expect(early.location).toMatchObject({ field: 'exit', limit: '50 ms' });

    const exit = await qemu.stop();
    expect(exit).toMatchObject({ code: null, signal: 'SIGKILL', stopped: true });
    expect(await waitUntilGone(qemu.pid, 2000)).toBe(true);
    expect(liveQemuPids()).not.toContain(qemu.pid);
    expect(existsSync(folder)).toBe(false);
    expect(await qemu.stop()).toEqual(exit);
    expect((await qemu.transport.closed).reason).toMatch(/QEMU exited \(SIGKILL\)/);
    await expect(qemu.transport.write(new Uint8Array([0x0a]))).rejects.toThrow(/closed/);
  });

  it('is what closing the UART transport does', async () => {
    const qemu = await launchQemu(def, { elf });
    await qemu.transport.close();
    expect((await qemu.transport.closed).reason).toBe('closed by the host');
    expect(await qemu.exited).toMatchObject({ signal: 'SIGKILL', stopped: true });
    expect(await waitUntilGone(qemu.pid, 2000)).toBe(true);
  });

  it('runs on the way out of a test that fails half-way', async () => {
    let pid = 0;
    const failingTest = async (): Promise<void> => {
      const qemu = await launchQemu(def, { elf });
      pid = qemu.pid;
      try {
        throw new Error('assertion failed half-way');
      } finally {
        await qemu.stop();
      }
    };
    await expect(failingTest()).rejects.toThrow('assertion failed half-way');
    expect(pid).toBeGreaterThan(0);
    expect(await waitUntilGone(pid, 2000)).toBe(true);
  });
});

describe('a launcher process that ends', () => {
  async function holdQemu(mode: 'registry-only' | 'default'): Promise<{ readonly child: ReturnType<typeof spawn>; readonly qemuPid: number }> {
    const child = spawn(process.execPath, [compiledScript('test/deploy/fixtures/hold-qemu.ts'), def.id, elf, mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const qemuPid = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no QEMU pid from the launcher; stderr: ${stderr}`)), 20_000);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /qemu pid (\d+)/.exec(stdout);
        if (match !== null) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`launcher exited with ${String(code)}; stderr: ${stderr}`));
      });
    });
    return { child, qemuPid };
  }

  it('kills its QEMU when it gets SIGTERM (the exit hooks alone, no pdeathsig)', async () => {
    const { child, qemuPid } = await holdQemu('registry-only');
    expect(isRunning(qemuPid)).toBe(true);
    const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGTERM');
    expect(await exited).toBe('SIGTERM');
    expect(await waitUntilGone(qemuPid, 3000)).toBe(true);
  });

  it.skipIf(findExecutable('setpriv') === undefined)('takes its QEMU along when SIGKILLed (setpriv --pdeathsig)', async () => {
    const { child, qemuPid } = await holdQemu('default');
    expect(isRunning(qemuPid)).toBe(true);
    const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(await waitUntilGone(qemuPid, 3000)).toBe(true);
  });
});

describe('start-up failures', () => {
  it('reports a missing emulator as TOOL_MISSING (exit code 3)', async () => {
    const error = await rejected(launchQemu(def, { elf, binary: 'qemu-system-wrt-not-installed' }));
    expect(error.code).toBe('TOOL_MISSING');
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain('qemu-system-wrt-not-installed');
    expect(error.location).toMatchObject({ field: 'emulator.binary', source: 'target qemu-mps2-an386' });
  });

  it('reports a missing firmware image as FILE_NOT_FOUND', async () => {
    const missing = join(scratch, 'missing.elf');
    const error = await rejected(launchQemu(def, { elf: missing }));
    expect(error.code).toBe('FILE_NOT_FOUND');
    expect(error.location.file).toBe(missing);
  });

  it('refuses a target without an emulator section', async () => {
    const error = await rejected(launchQemu(loadTarget('native-sim'), { elf }));
    expect(error.code).toBe('VALUE_INVALID');
    expect(error.location.field).toBe('--target');
  });

  it('times out on a QEMU that never announces its pty, and kills it', async () => {
    const fake = fakeEmulator('silent-qemu', 'exec sleep 30');
    const error = await rejected(launchQemu(def, { elf, binary: fake.path, startTimeoutMs: 300 }));
    expect(error.code).toBe('EMULATOR_FAILED');
    expect(error.location).toMatchObject({ field: 'qemu start-up', limit: '300 ms' });
    const pid = Number(readFileSync(fake.pidFile, 'utf8'));
    expect(await waitUntilGone(pid, 2000)).toBe(true);
  });

  it('reports what QEMU printed when it exits during start-up', async () => {
    const fake = fakeEmulator('failing-qemu', "echo 'qemu-system-arm: -machine mps2-an386: unsupported machine type' >&2\nexit 1");
    const error = await rejected(launchQemu(def, { elf, binary: fake.path }));
    expect(error.code).toBe('EMULATOR_FAILED');
    expect(error.message).toContain('unsupported machine type');
  });
});
