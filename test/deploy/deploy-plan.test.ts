/**
 * The parts of deploy that decide without running anything: target choice, the firmware's board,
 * the module-size check, shell quoting, and `--dry-run`'s exact flash commands for real boards
 * (which cannot be flashed here: the commands are the tested product).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { formatSeconds, progressLine, uploadDoneLine } from '../../ts/cli/commands/deploy.js';
import { packageRoot } from '../../ts/core/paths.js';
import { boardLineOf, boardUnsupported, chooseDeployTarget, flashInputsFor, shellQuote } from '../../ts/deploy/deploy.js';
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

  it('refuses a real board without board support, naming the boards that have it', () => {
    const error = boardUnsupported(loadTarget('rpi-pico'));
    expect(error.code).toBe('BOARD_UNSUPPORTED');
    expect(error.message).toBe('rpi-pico is a real board with no board support here: no targets/bsp folder builds its firmware (its definition has no firmware: section)');
    expect(error.location.limit).toMatch(/^a target with board support: .*\bnucleo-f429zi\b.*; or --firmware IMAGE, an image built elsewhere$/);
    expect(error.location.limit).not.toMatch(/rpi-pico|nrf52840-dk|stm32f746g-disco/);
  });

  it("takes a real board's port from --port, else from its one serial entry in a hardware map", () => {
    const nucleo = loadTarget('nucleo-f429zi');
    const root = packageRoot();
    expect(boardLineOf(nucleo, '/dev/ttyACM0', undefined, root)).toEqual({ port: '/dev/ttyACM0', baud: 115200 });
    expect(boardLineOf(nucleo, undefined, undefined, root)).toBeUndefined();
    expect(boardLineOf(nucleo, undefined, 'hil/maps/lab.yaml', root)).toEqual({
      port: '/dev/serial/by-id/usb-STMicroelectronics_STM32_STLink_0671FF485557725187122328-if02',
      baud: 115200,
      runner: 'openocd',
    });
    const none = caught(() => boardLineOf(nucleo, undefined, 'hil/maps/qemu.yaml', root));
    expect(none.code).toBe('USAGE');
    expect(none.message).toBe('the hardware map hil/maps/qemu.yaml has no enabled serial board of target nucleo-f429zi');
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
  const nucleoElf = path.join(packageRoot(), 'build', 'firmware', 'nucleo-f429zi', 'interp.elf');

  it('builds the nucleo-f429zi image, then prints the exact openocd command for it and runs nothing', async () => {
    const { code, out } = await cli([watModule('deploy-add'), '--target', 'nucleo-f429zi', '--dry-run']);
    expect(code).toBe(0);
    expect(fs.existsSync(nucleoElf)).toBe(true);
    expect(out.stdout).toEqual([`openocd -f board/st_nucleo_f4.cfg -c 'program ${nucleoElf} verify reset exit'`]);
    expect(out.stderr.join('\n')).toMatch(
      /^wrt-target: dry run \(openocd\): nothing was run; deploy would then open the serial port \(--port or --hardware-map\), HELLO, upload deploy-add\.wasm/,
    );
  }, 240_000);

  it('prints no command for an image that does not exist', async () => {
    const { code, out } = await cli([watModule('deploy-add'), '--target', 'nucleo-f429zi', '--dry-run', '--firmware', 'fw/interp.elf']);
    expect(code).toBe(2);
    expect(out.stdout).toEqual([]);
    expect(out.stderr.join('\n')).toContain('error[FILE_NOT_FOUND]: ');
    expect(out.stderr.join('\n')).toContain('the firmware image fw/interp.elf does not exist');
  });

  it('refuses a board without board support, with that reason, in a dry run and a real one', async () => {
    for (const target of ['rpi-pico', 'nrf52840-dk', 'stm32f746g-disco']) {
      for (const extra of [['--dry-run'], ['--port', '/dev/ttyACM0']]) {
        const { code, out } = await cli([watModule('deploy-add'), '--target', target, ...extra]);
        expect({ target, code, stdout: out.stdout }).toEqual({ target, code: 2, stdout: [] });
        expect(out.stderr.join('\n')).toContain(`error[BOARD_UNSUPPORTED]: --target: ${target} is a real board with no board support here`);
      }
    }
  });

  it("flashes the small executor's image with --executor small, and refuses an unknown executor or one beside --firmware or --no-flash", async () => {
    const small = await cli([watModule('deploy-add'), '--target', 'nucleo-f429zi', '--dry-run', '--executor', 'small']);
    expect(small.code).toBe(0);
    const smallElf = path.join(packageRoot(), 'build', 'firmware', 'nucleo-f429zi', 'interp-small.elf');
    expect(fs.existsSync(smallElf)).toBe(true);
    expect(small.out.stdout).toEqual([`openocd -f board/st_nucleo_f4.cfg -c 'program ${smallElf} verify reset exit'`]);
    const unknown = await cli([watModule('deploy-add'), '--target', 'nucleo-f429zi', '--dry-run', '--executor', 'tiny']);
    expect(unknown.code).toBe(2);
    expect(unknown.out.stderr.join('\n')).toContain('--executor "tiny" is no executor');
    expect(unknown.out.stderr.join('\n')).toContain('fast or small');
    const both = await cli([watModule('deploy-add'), '--target', 'nucleo-f429zi', '--dry-run', '--executor', 'small', '--firmware', 'fw/interp.elf']);
    expect(both.code).toBe(2);
    expect(both.out.stderr.join('\n')).toContain('--executor chooses the firmware deploy builds; with --firmware the image is given');
    const running = await cli([watModule('deploy-add'), '--target', 'nucleo-f429zi', '--port', '/dev/ttyACM0', '--no-flash', '--executor', 'small']);
    expect(running.code).toBe(2);
    expect(running.out.stderr.join('\n')).toContain('--executor chooses the firmware deploy builds; with --no-flash nothing is flashed');
  }, 240_000);

  it("gives the commands of the hardware map's runner as argv lists with --json", async () => {
    const dir = fs.mkdtempSync(path.join(packageRoot(), 'build', 'test-deploy-map-'));
    try {
      const map = path.join(dir, 'map.yaml');
      fs.writeFileSync(map, 'boards:\n  - id: nucleo\n    target: nucleo-f429zi\n    connection: { serial: /dev/serial/by-id/stlink-if02 }\n    runner: probe-rs\n');
      const { code, out } = await cli([watModule('deploy-add'), '--target', 'nucleo-f429zi', '--hardware-map', map, '--dry-run', '--json', '--invoke', 'add', '1', '2']);
      expect(code).toBe(0);
      expect(JSON.parse(out.text)).toEqual({
        schema: 'wrt-target/deploy',
        schemaVersion: 1,
        dryRun: true,
        target: 'nucleo-f429zi',
        runner: 'probe-rs',
        commands: [
          ['probe-rs', 'download', '--chip', 'STM32F429ZITx', nucleoElf],
          ['probe-rs', 'reset', '--chip', 'STM32F429ZITx'],
        ],
        then: 'open /dev/serial/by-id/stlink-if02, HELLO, upload deploy-add.wasm with its profile (its wrt.profile section, else compiled for nucleo-f429zi), verify SHA-256, invoke add(1, 2)',
      });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it('asks for the serial port of a real board before building or flashing anything', async () => {
    const { code, out } = await cli([watModule('deploy-add'), '--target', 'nucleo-f429zi', '--invoke', 'add', '1', '2'], { ...process.env, PATH: '/nonexistent' });
    expect(code).toBe(2);
    expect(out.stderr.join('\n')).toContain('nucleo-f429zi is a real board: name its serial port with --port PATH (/dev/serial/by-id/...) or --hardware-map FILE');
  });
});
