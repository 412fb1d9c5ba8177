/**
 * The parts of deploy that decide without running anything: target choice, the firmware's board,
 * the module-size check, shell quoting, and `--dry-run`'s exact flash commands for real boards
 * (which cannot be flashed here: the commands are the tested product).
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { formatSeconds, progressLine, uploadDoneLine } from '../../ts/cli/commands/deploy.js';
import { packageRoot } from '../../ts/core/paths.js';
import {
  chooseDeployTarget,
  flashInputsFor,
  realBoardRefusal,
  shellQuote,
} from '../../ts/deploy/deploy.js';
import { checkModuleFits } from '../../ts/run/session.js';
import { firmwareBoardOf, firmwareImagePath } from '../../ts/deploy/firmware.js';
import { loadTarget } from '../../ts/targets/index.js';
import type { HelloInfo } from '../../ts/device/messages.js';
import { thrown as caught } from '../support/wrt-error.js';
import { watModule } from './deploy-helpers.js';

const LM3S_HELLO: HelloInfo = {
  protocolVersion: 1,
  maxFrame: 1024,
  interpreterVersion: '0.1.0',
  arenaBytes: 43520,
  ramBytes: 65536,
  uploadCapacity: 8192,
  profileCapacity: 256,
  features: 59,
  bootId: 1,
  deviceId: 'qemu-lm3s6965evb',
};

async function cli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; out: BufferedOutput }> {
  const out = new BufferedOutput();
  const code = await main(['node', 'wrt-target', 'deploy', ...args], { output: out, env });
  return { code, out };
}

describe('deploy decisions', () => {
  it('defaults to qemu-mps2-an386 only when QEMU is installed', () => {
    expect(chooseDeployTarget(undefined, true)).toBe('qemu-mps2-an386');
    expect(chooseDeployTarget('rpi-pico', false)).toBe('rpi-pico');
    const error = caught(() => chooseDeployTarget(undefined, false));
    expect(error.code).toBe('TOOL_MISSING');
    expect(error.message).toBe('no --target given, and the default board qemu-mps2-an386 needs QEMU (qemu-system-arm), which is not on PATH');
    expect(error.location.field).toBe('--target');
  });

  it('finds the board folder that builds each emulated target, none for real boards', () => {
    expect(firmwareBoardOf('qemu-mps2-an386')).toBe('mps2-an386');
    expect(firmwareBoardOf('qemu-lm3s6965evb')).toBe('lm3s6965evb');
    expect(firmwareBoardOf('rpi-pico')).toBeUndefined();
    expect(firmwareImagePath('qemu-lm3s6965evb')).toBe(path.join(packageRoot(), 'build', 'firmware', 'lm3s6965evb', 'interp.elf'));
    expect(firmwareImagePath('rpi-pico')).toBe(path.join(packageRoot(), 'build', 'firmware', 'rpi-pico', 'interp.elf'));
  });

  it('refuses a module over the upload capacity with the limit named', () => {
    expect(() => checkModuleFits(8192, LM3S_HELLO, 'm.wasm')).not.toThrow();
    const error = caught(() => checkModuleFits(8193, LM3S_HELLO, 'm.wasm'));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toBe('the module is 8193 bytes as uploaded; qemu-lm3s6965evb takes modules of at most 8192 bytes (its upload buffer)');
    expect(error.location).toEqual({
      file: 'm.wasm',
      field: 'module size',
      limit: '8192 bytes (upload capacity announced by qemu-lm3s6965evb in HELLO); shrink the module (wasm-opt -Oz, -Wl,--strip-all) or pick a board with more RAM',
    });
  });

  it('quotes arguments for a POSIX shell only where needed', () => {
    expect(shellQuote(['openocd', '-f', 'board/st_nucleo_f4.cfg', '-c', 'program fw/interp.elf verify reset exit'])).toBe(
      "openocd -f board/st_nucleo_f4.cfg -c 'program fw/interp.elf verify reset exit'",
    );
    expect(shellQuote(["it's"])).toBe("'it'\\''s'");
  });

  it('derives the image siblings a runner may need', () => {
    expect(flashInputsFor('/fw/interp.elf', '/dev/ttyACM0')).toEqual({
      elf: '/fw/interp.elf',
      hex: '/fw/interp.hex',
      bin: '/fw/interp.bin',
      uf2: '/fw/interp.uf2',
      port: '/dev/ttyACM0',
    });
  });

  it('stops at a real board, naming its runner, whether or not the runner is installed', () => {
    const pico = loadTarget('rpi-pico');
    const missing = realBoardRefusal(pico, 'fw/interp.elf', () => false);
    expect(missing.code).toBe('TOOL_MISSING');
    expect(missing.message).toBe('rpi-pico is a real board: deploy flashes it with picotool, which is not on PATH');
    const present = realBoardRefusal(loadTarget('nucleo-f429zi'), 'fw/interp.elf', (command) => command === 'openocd');
    expect(present.code).toBe('USAGE');
    expect(present.message).toBe(
      'nucleo-f429zi is a real board: flash it with openocd (the commands --dry-run prints), then run deploy --port PATH on its serial port',
    );
  });

  it('draws the progress bar, with rate and ETA once the rate is known', () => {
    expect(progressLine(0, 80 * 1024)).toBe('upload [------------------------] 0% 0.0/80.0 KiB');
    expect(progressLine(40 * 1024, 80 * 1024, 20 * 1024)).toBe('upload [############------------] 50% 40.0/80.0 KiB  20.0 KiB/s  ETA 2.00 s');
    expect(progressLine(80 * 1024, 80 * 1024, 20 * 1024)).toBe('upload [########################] 100% 80.0/80.0 KiB');
    expect(progressLine(1000, 113_000, 35 * 1024)).toBe('upload [------------------------] 1% 1.0/110.4 KiB  35.0 KiB/s  ETA 3.13 s');
    // A tiny module is counted in bytes, not as 0.0/0.1 KiB.
    expect(progressLine(30, 57)).toBe('upload [#############-----------] 53% 30/57 B');
    expect(progressLine(2 << 20, 3 << 20, 35 * 1024, 10)).toBe('upload [#######---] 67% 2.0/3.0 MiB  35.0 KiB/s  ETA 29 s');
  });

  it('ends the upload with one line like esptool\'s', () => {
    expect(uploadDoneLine({ size: 24_627, resumedFrom: 0, bytesSent: 24_627 }, 690)).toBe('uploaded 24.0 KiB in 0.69 s (34.9 KiB/s), SHA-256 verified on the device');
    expect(uploadDoneLine({ size: 57, resumedFrom: 0, bytesSent: 57 }, 12.5)).toBe('uploaded 57 B in 0.01 s (4.5 KiB/s), SHA-256 verified on the device');
    expect(uploadDoneLine({ size: 57, resumedFrom: 0, bytesSent: 57 }, 3)).toBe('uploaded 57 B in 3.0 ms (18.6 KiB/s), SHA-256 verified on the device');
    expect(uploadDoneLine({ size: 40_960, resumedFrom: 10_240, bytesSent: 30_720 }, 1000)).toBe(
      'uploaded 30.0 KiB (resumed at 10.0 KiB of 40.0 KiB) in 1.00 s (30.0 KiB/s), SHA-256 verified on the device',
    );
    expect(uploadDoneLine({ size: 40_960, resumedFrom: 40_960, bytesSent: 0 }, 4)).toBe('uploaded nothing: the device held the module (40.0 KiB) already; SHA-256 verified on the device');
    expect(formatSeconds(25_400)).toBe('25 s');
  });
});

describe('wrt-target deploy --dry-run on real boards', () => {
  it('prints the exact openocd command for nucleo-f429zi and runs nothing', async () => {
    const { code, out } = await cli([watModule('deploy-add'), '--target', 'nucleo-f429zi', '--dry-run', '--firmware', 'fw/interp.elf']);
    expect(code).toBe(0);
    expect(out.stdout).toEqual(["openocd -f board/st_nucleo_f4.cfg -c 'program fw/interp.elf verify reset exit'"]);
    expect(out.stderr.join('\n')).toMatch(/^wrt-target: dry run \(openocd\): nothing was run; deploy would then open the serial port \(--port\), HELLO, upload deploy-add\.wasm/);
  });

  it('prints the exact picotool command for rpi-pico with the default image path', async () => {
    const { code, out } = await cli([watModule('deploy-add'), '--target', 'rpi-pico', '--dry-run']);
    expect(code).toBe(0);
    expect(out.stdout).toEqual([`picotool load -v -x ${path.join(packageRoot(), 'build', 'firmware', 'rpi-pico', 'interp.uf2')}`]);
  });

  it('flashes the small executor\'s image with --executor small, and refuses an unknown executor or one beside --firmware', async () => {
    const small = await cli([watModule('deploy-add'), '--target', 'rpi-pico', '--dry-run', '--executor', 'small']);
    expect(small.code).toBe(0);
    expect(small.out.stdout).toEqual([`picotool load -v -x ${path.join(packageRoot(), 'build', 'firmware', 'rpi-pico', 'interp-small.uf2')}`]);
    const unknown = await cli([watModule('deploy-add'), '--target', 'rpi-pico', '--dry-run', '--executor', 'tiny']);
    expect(unknown.code).toBe(2);
    expect(unknown.out.stderr.join('\n')).toContain('--executor "tiny" is no executor');
    expect(unknown.out.stderr.join('\n')).toContain('fast or small');
    const both = await cli([watModule('deploy-add'), '--target', 'rpi-pico', '--dry-run', '--executor', 'small', '--firmware', 'fw/interp.elf']);
    expect(both.code).toBe(2);
    expect(both.out.stderr.join('\n')).toContain('--executor chooses the firmware deploy builds; with --firmware the image is given');
  });

  it('gives the commands as argv lists with --json', async () => {
    const { code, out } = await cli([watModule('deploy-add'), '--target', 'nucleo-f429zi', '--dry-run', '--firmware', 'fw/interp.elf', '--json', '--invoke', 'add', '1', '2']);
    expect(code).toBe(0);
    expect(JSON.parse(out.text)).toEqual({
      schema: 'wrt-target/deploy',
      schemaVersion: 1,
      dryRun: true,
      target: 'nucleo-f429zi',
      runner: 'openocd',
      commands: [['openocd', '-f', 'board/st_nucleo_f4.cfg', '-c', 'program fw/interp.elf verify reset exit']],
      then: 'open the serial port (--port), HELLO, upload deploy-add.wasm with its profile (its wrt.profile section, else compiled for nucleo-f429zi), verify SHA-256, invoke add(1, 2)',
    });
  });

  it('refuses to deploy to a real board without --dry-run, naming the runner', async () => {
    const { code, out } = await cli([watModule('deploy-add'), '--target', 'rpi-pico', '--invoke', 'add', '1', '2'], { ...process.env, PATH: '/nonexistent' });
    expect(code).toBe(3);
    expect(out.stderr.join('\n')).toContain('rpi-pico is a real board: deploy flashes it with picotool, which is not on PATH');
  });
});
