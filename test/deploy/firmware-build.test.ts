/**
 * Finding and building a target's firmware (ts/deploy/firmware.ts): the board and app come from
 * the target definition; a missing tool names its Debian package; a compiler error is a failed
 * build, not a missing tool; Ctrl-C during the build ends deploy by SIGINT. The builds here run a
 * fake `make` from a PATH of the test's own, so they are quick and always behave the same.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { FirmwareBuildProgress, ensureFirmware, firmwareBoardOf, firmwareImagePath } from '../../ts/deploy/firmware.js';
import { loadTarget } from '../../ts/targets/index.js';
import { compiledScript } from '../support/compiled.js';
import { rejected } from '../support/wrt-error.js';
import { watModule } from './deploy-helpers.js';
import { isRunning, waitUntilGone } from './processes.js';

const scratch = mkdtempSync(join(tmpdir(), 'wrt-firmware-build-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A fresh folder to use as PATH, holding shell scripts by tool name. */
function tools(name: string, scripts: Record<string, string>): string {
  const dir = mkdtempSync(join(scratch, `${name}-`));
  for (const [tool, body] of Object.entries(scripts)) {
    const file = join(dir, tool);
    writeFileSync(file, `#!/bin/sh\n${body}\n`);
    chmodSync(file, 0o755);
  }
  return dir;
}

/** A board with no image built: what a missing tool cannot be excused by. */
const UNBUILT_BOARD = 'no-image-board';

function recorder(interactive: boolean): { readonly text: () => string; readonly report: { interactive: boolean; write: (text: string) => void } } {
  let text = '';
  return { text: () => text, report: { interactive, write: (chunk: string) => void (text += chunk) } };
}

describe('firmware from target data', () => {
  it('takes the board and the app from the definition, and builds nothing for a target without firmware', () => {
    const def = loadTarget('qemu-lm3s6965evb');
    expect(def.firmware).toMatchObject({ board: 'lm3s6965evb', app: 'interp' });
    expect(firmwareBoardOf('qemu-lm3s6965evb')).toBe(def.firmware?.board);
    expect(firmwareImagePath('qemu-lm3s6965evb')).toBe(join(packageRoot(), 'build', 'firmware', 'lm3s6965evb', 'interp.elf'));
    // Executor, natives and signing key are one variant: the key and the natives pick the folder, the executor the image.
    const key = new Uint8Array(32).fill(7);
    const keyHex = createHash('sha256').update(key).digest('hex').slice(0, 16);
    const natives = { file: 'natives.c', path: '/tmp/natives.c', sha256: 'ab'.repeat(32), functions: [] };
    expect(firmwareImagePath('qemu-lm3s6965evb', undefined, process.env, { executor: 'small', signingKey: key })).toBe(
      join(packageRoot(), 'build', `firmware-key-${keyHex}`, 'lm3s6965evb', 'interp-small.elf'),
    );
    expect(firmwareImagePath('qemu-lm3s6965evb', undefined, process.env, { natives, signingKey: key })).toBe(
      join(packageRoot(), 'build', `firmware-key-${keyHex}-natives`, 'abababababababab', 'lm3s6965evb', 'interp.elf'),
    );
    expect(firmwareBoardOf('nucleo-f429zi')).toBe('nucleo-f429zi');
    expect(firmwareBoardOf('rpi-pico')).toBeUndefined();
  });
});

describe('ensureFirmware', () => {
  it('names the Debian packages of the missing tools when there is no image to fall back on', async () => {
    const empty = tools('none', {});
    const both = await rejected(ensureFirmware('qemu-mps2-an386', UNBUILT_BOARD, { PATH: empty }));
    expect(both.code).toBe('TOOL_MISSING');
    expect(both.exitCode).toBe(3);
    expect(both.message).toContain('needs make and arm-none-eabi-gcc, not on PATH');
    expect(both.location.limit).toBe('install the Debian packages make gcc-arm-none-eabi (apt-get install make gcc-arm-none-eabi)');
    const onlyMake = tools('make-only', { make: 'exit 0' });
    const compiler = await rejected(ensureFirmware('qemu-mps2-an386', UNBUILT_BOARD, { PATH: onlyMake }));
    expect(compiler.location.limit).toBe('install the Debian package gcc-arm-none-eabi (apt-get install gcc-arm-none-eabi)');
  });

  it('reports a compiler error as FIRMWARE_BUILD_FAILED with make\'s last lines, not as a missing tool', async () => {
    const path = tools('failing', {
      make: 'echo "  CC mps2-an386 native/protocol/wrtp_msg.c"\necho "wrtp_msg.c:12:5: error: expected \';\' before \'}\' token" >&2\nexit 2',
      'arm-none-eabi-gcc': 'exit 0',
    });
    const seen = recorder(false);
    const error = await rejected(ensureFirmware('qemu-mps2-an386', UNBUILT_BOARD, { PATH: path }, seen.report));
    expect(error.code).toBe('FIRMWARE_BUILD_FAILED');
    expect(error.message).toContain('building the qemu-mps2-an386 firmware failed (exit status 2)');
    expect(error.message).toContain("wrtp_msg.c:12:5: error: expected ';' before '}' token");
    expect(seen.text()).toBe(
      `building firmware for qemu-mps2-an386 (targets/firmware, BOARD=${UNBUILT_BOARD}) ...\n  1 file compiled, failed\n`,
    );
  });
});

describe('ensureFirmware in an install (the user cache)', () => {
  /** A fake make that records its arguments and leaves an image where BUILD and BOARD say. */
  const recordingMake = (log: string): string =>
    `echo "$@" > ${log}\nfor a; do case $a in BUILD=*) b=\${a#BUILD=};; BOARD=*) o=\${a#BOARD=};; esac; done\n/bin/mkdir -p "$b/$o" && : > "$b/$o/interp.elf"`;

  it('builds into <cache>/build/firmware when there is neither a local nor a shipped image', async () => {
    const cache = mkdtempSync(join(scratch, 'cache-'));
    const log = join(cache, 'make.args');
    const path = tools('recording', { make: recordingMake(log), 'arm-none-eabi-gcc': 'exit 0' });
    const image = await ensureFirmware('qemu-mps2-an386', UNBUILT_BOARD, { PATH: path, WRT_CACHE_DIR: cache }, recorder(false).report);
    expect(image).toBe(join(cache, 'build', 'firmware', UNBUILT_BOARD, 'interp.elf'));
    expect(readFileSync(log, 'utf8')).toContain(`image BOARD=${UNBUILT_BOARD} APP=interp EXECUTOR=fast BUILD=${join(cache, 'build', 'firmware')}`);
  });

  it('keeps a local build current when the tools are there, and uses it as it is when they are not', async () => {
    const cache = mkdtempSync(join(scratch, 'cache-'));
    const local = join(cache, 'build', 'firmware', UNBUILT_BOARD, 'interp.elf');
    mkdirSync(dirname(local), { recursive: true });
    writeFileSync(local, 'built before');
    const log = join(cache, 'make.args');
    const withTools = tools('recording', { make: recordingMake(log), 'arm-none-eabi-gcc': 'exit 0' });
    expect(await ensureFirmware('qemu-mps2-an386', UNBUILT_BOARD, { PATH: withTools, WRT_CACHE_DIR: cache }, recorder(false).report)).toBe(local);
    expect(readFileSync(log, 'utf8')).toContain(`BUILD=${join(cache, 'build', 'firmware')}`);
    rmSync(log);
    expect(await ensureFirmware('qemu-mps2-an386', UNBUILT_BOARD, { PATH: tools('none', {}), WRT_CACHE_DIR: cache })).toBe(local);
    expect(existsSync(log)).toBe(false);
  });

  it('names the image it looked for in the package when nothing can build one', async () => {
    const cache = mkdtempSync(join(scratch, 'cache-'));
    const error = await rejected(ensureFirmware('qemu-mps2-an386', UNBUILT_BOARD, { PATH: tools('none', {}), WRT_CACHE_DIR: cache }));
    expect(error.code).toBe('TOOL_MISSING');
    expect(error.message).toBe(
      `the qemu-mps2-an386 firmware is not built and the package ships no prebuilds/firmware/${UNBUILT_BOARD}/interp.elf; building it needs make and arm-none-eabi-gcc, not on PATH`,
    );
    expect(error.location.file).toBe(join(cache, 'build', 'firmware', UNBUILT_BOARD, 'interp.elf'));
  });
});

describe('firmware build progress', () => {
  const announce = 'building firmware for qemu-mps2-an386 (targets/firmware, BOARD=mps2-an386) ...';
  const compileLines = Array.from({ length: 12 }, (_, index) => `  CC mps2-an386 native/interp/file${index}.c`);

  it('says nothing when make had nothing to do', () => {
    const seen = recorder(true);
    const progress = new FirmwareBuildProgress(announce, seen.report);
    for (const line of ['  GEN build/firmware/mps2-an386/gen from the target definition', 'wrt-size target=qemu-mps2-an386 app=interp flash=1']) progress.line(line);
    progress.finish('done');
    expect(seen.text()).toBe('');
  });

  it('redraws one line on a terminal', () => {
    const seen = recorder(true);
    const progress = new FirmwareBuildProgress(announce, seen.report);
    for (const line of compileLines.slice(0, 2)) progress.line(line);
    progress.line('  LD build/firmware/mps2-an386/interp.elf');
    progress.finish('done');
    expect(seen.text()).toBe(
      `${announce}\r\x1b[K${announce} 1 file compiled\r\x1b[K${announce} 2 files compiled\r\x1b[K${announce} 2 files compiled, done\n`,
    );
  });

  it('writes plain lines, one per ten files, elsewhere', () => {
    const seen = recorder(false);
    const progress = new FirmwareBuildProgress(announce, seen.report);
    for (const line of compileLines) progress.line(line);
    progress.finish('done');
    expect(seen.text()).toBe(`${announce}\n  10 files compiled\n  12 files compiled, done\n`);
    expect(progress.compiled).toBe(12);
  });
});

describe('Ctrl-C during the firmware build', () => {
  it('ends deploy by SIGINT, stops make, and reports no missing tool', async () => {
    compiledScript('ts/deploy/firmware.ts');
    compiledScript('ts/cli/main.ts');
    const module = watModule('deploy-spin');
    const pidFile = join(scratch, 'make.pid');
    const path = tools('slow', {
      // One compiled file, then a build that would take a minute.
      make: `echo $$ > ${pidFile}\necho "  CC mps2-an386 native/interp/wrt_exec.c"\nexec /bin/sleep 60`,
      'arm-none-eabi-gcc': 'exit 0',
    });
    const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'wrt-target.js'), 'deploy', module, '--target', 'qemu-mps2-an386'], {
      env: { PATH: path, HOME: scratch },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the build never started; stderr: ${stderr}`)), 20_000);
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('building firmware for')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const makePid = Number(readFileSync(pidFile, 'utf8'));
    expect(isRunning(makePid)).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toEqual({ code: null, signal: 'SIGINT' });
    expect(stderr).toContain('building firmware for qemu-mps2-an386 (targets/firmware, BOARD=mps2-an386) ...\n  1 file compiled, interrupted\n');
    expect(stderr).not.toContain('TOOL_MISSING');
    expect(stderr).not.toContain('missing');
    expect(await waitUntilGone(makePid, 3000)).toBe(true);
  }, 40_000);

  it('ends hil run by SIGINT too when a V8 board already made a scratch folder (the process-end hook listens)', async () => {
    compiledScript('ts/core/process-end.ts');
    const pidFile = join(scratch, 'hil-make.pid');
    const path = tools('hil-slow', { make: `echo $$ > ${pidFile}\nexec /bin/sleep 60`, 'arm-none-eabi-gcc': 'exit 0' });
    const args = ['hil', 'run', 'smoke', '--hardware-map', join(packageRoot(), 'hil', 'maps', 'qemu.yaml'), '--board', 'mps2-qemu', '--differential'];
    const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'wrt-target.js'), ...args], {
      env: { ...process.env, PATH: `${path}:${process.env['PATH'] ?? ''}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => void (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    try {
      // The V8 board has run a test (its scratch folder exists) while the firmware build hangs.
      const deadline = Date.now() + 30_000;
      while (!(existsSync(pidFile) && / v8-reference /.test(output))) {
        if (Date.now() > deadline) throw new Error(`the build never started with V8 running: ${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const makePid = Number(readFileSync(pidFile, 'utf8'));
      child.kill('SIGINT');
      expect(await exited).toEqual({ code: null, signal: 'SIGINT' });
      expect(await waitUntilGone(makePid, 3000)).toBe(true);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  }, 60_000);
});
