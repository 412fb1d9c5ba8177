/**
 * Flashing a real board: which runner deploy picks, what a failed tool means (on openocd 0.12's and
 * probe-rs's recorded output), the real openocd failing with no probe attached, and the whole path
 * (flash, serial port, upload, run) with a stand-in openocd on PATH that records its argv and
 * "flashes" by starting QEMU's STM32F405 with a nucleo-f429zi image, its USART3 on a pty that a
 * by-id style symlink points to. The board's own image keeps its firmware RAM in CCM, which QEMU's
 * STM32F405 does not map, so the emulated one is the same firmware linked with that RAM in SRAM
 * (make FIRMWARE_RAM=arena), given to deploy with --firmware.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../ts/cli/main.js';
import { BufferedOutput } from '../../ts/core/output.js';
import { packageRoot } from '../../ts/core/paths.js';
import { chooseFlashRunner, flashFailure } from '../../ts/deploy/flash-board.js';
import { findExecutable } from '../../ts/deploy/qemu.js';
import { loadTarget } from '../../ts/targets/index.js';
import { thrown as caught } from '../support/wrt-error.js';
import { watModule } from './deploy-helpers.js';
import { buildFirmware } from './firmware.js';

const nucleo = loadTarget('nucleo-f429zi');
const nucleoElf = path.join(packageRoot(), 'build', 'firmware', 'nucleo-f429zi', 'interp.elf');
const emulatedNucleoElf = path.join(packageRoot(), 'build', 'firmware', 'nucleo-f429zi-ram-in-arena', 'interp.elf');

async function cli(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: BufferedOutput }> {
  const out = new BufferedOutput();
  const code = await main(['node', 'wrt-target', 'deploy', ...args], { output: out, env });
  return { code, out };
}

/** openocd 0.12.0 (Debian 0.12.0-1) with no ST-LINK attached: `openocd -f board/st_nucleo_f4.cfg -c 'program … verify reset exit'`. */
const OPENOCD_NO_PROBE = `Open On-Chip Debugger 0.12.0
Licensed under GNU GPL v2
For bug reports, read
	http://openocd.org/doc/doxygen/bugs.html
Info : The selected transport took over low-level target control. The results might differ compared to plain JTAG/SWD
srst_only separate srst_nogate srst_open_drain connect_deassert_srst

Info : clock speed 2000 kHz
Error: open failed
in procedure 'program'
** OpenOCD init failed **
shutdown command invoked
`;

describe('choosing the flash runner', () => {
  it('takes the first of the target\'s methods whose program is installed', () => {
    expect(chooseFlashRunner(nucleo, undefined, () => true)).toBe('openocd');
    expect(chooseFlashRunner(nucleo, undefined, (command) => command === 'probe-rs')).toBe('probe-rs');
  });

  it('takes the hardware map\'s runner, and names what to install when nothing is there', () => {
    expect(chooseFlashRunner(nucleo, 'probe-rs', () => true)).toBe('probe-rs');
    const none = caught(() => chooseFlashRunner(nucleo, undefined, () => false));
    expect(none.code).toBe('TOOL_MISSING');
    expect(none.message).toBe('nucleo-f429zi is flashed with openocd or probe-rs, and none is on PATH');
    expect(none.location.limit).toBe(
      'install openocd (the Debian package openocd (apt-get install openocd)), or probe-rs (probe-rs (https://probe.rs: cargo install probe-rs-tools)); --dry-run prints the commands',
    );
    const preferred = caught(() => chooseFlashRunner(nucleo, 'probe-rs', (command) => command === 'openocd'));
    expect(preferred.message).toBe('nucleo-f429zi is flashed with probe-rs, and none is on PATH');
  });
});

describe('what a failed flash tool means', () => {
  const argv = ['openocd', '-f', 'board/st_nucleo_f4.cfg', '-c', 'program fw.elf verify reset exit'];

  it('openocd without a probe: PROBE_NOT_FOUND, naming what to connect', () => {
    const error = flashFailure(nucleo, 'openocd', { argv, code: 1, signal: null, output: OPENOCD_NO_PROBE });
    expect(error.code).toBe('PROBE_NOT_FOUND');
    expect(error.exitCode).toBe(3);
    expect(error.message.split('\n')[0]).toBe('openocd found no debug probe for nucleo-f429zi (exit status 1): openocd -f board/st_nucleo_f4.cfg -c program fw.elf verify reset exit');
    expect(error.message).toContain('Error: open failed');
    expect(error.location.limit).toBe(
      'connect ST NUCLEO-F429ZI (STM32F429ZIT6) to this machine by USB (the on-board ST-LINK/V2-1, USB port CN1 (USB ID 0483:374b); its virtual COM port is USART3); lsusb lists its probe',
    );
  });

  it('probe-rs without a probe, and a probe the user may not open', () => {
    const probeRs = flashFailure(nucleo, 'probe-rs', { argv: ['probe-rs', 'download'], code: 1, signal: null, output: 'Error: No connected probes were found.\n' });
    expect(probeRs.code).toBe('PROBE_NOT_FOUND');
    const access = flashFailure(nucleo, 'openocd', { argv, code: 1, signal: null, output: 'Error: libusb_open() failed with LIBUSB_ERROR_ACCESS\nError: open failed\n' });
    expect(access.code).toBe('PROBE_NOT_FOUND');
    expect(access.message).toContain('found the debug probe of nucleo-f429zi but may not open its USB device');
    expect(access.location.limit).toContain('udev rules');
  });

  it('any other failure: FLASH_FAILED with the tool\'s last lines', () => {
    const output = 'Info : flash size = 2048 KiB\nError: checksum mismatch - attempting binary compare\n** Verify Failed **\nshutdown command invoked\n';
    const error = flashFailure(nucleo, 'openocd', { argv, code: 1, signal: null, output });
    expect(error.code).toBe('FLASH_FAILED');
    expect(error.exitCode).toBe(3);
    expect(error.message).toContain('** Verify Failed **');
    const killed = flashFailure(nucleo, 'openocd', { argv, code: null, signal: 'SIGKILL', output: '' });
    expect(killed.message.split('\n')[0]).toBe('openocd could not program nucleo-f429zi (signal SIGKILL): openocd -f board/st_nucleo_f4.cfg -c program fw.elf verify reset exit');
  });
});

describe.skipIf(findExecutable('openocd') === undefined)('the real openocd with no probe attached', () => {
  it('builds the firmware, runs openocd, and exits 3 saying what to connect', async () => {
    const { code, out } = await cli([watModule('deploy-add'), '--target', 'nucleo-f429zi', '--port', '/dev/serial/by-id/usb-STMicroelectronics_STM32_STLink_none-if02', '--invoke', 'add', '1', '2'], process.env);
    const stderr = out.stderr.join('\n');
    expect(code).toBe(3);
    expect(stderr).toContain(`flashing nucleo-f429zi with openocd: openocd -f board/st_nucleo_f4.cfg -c 'program ${nucleoElf} verify reset exit'`);
    expect(stderr).toContain('error[PROBE_NOT_FOUND]: --target: openocd found no debug probe for nucleo-f429zi (exit status 1)');
    expect(stderr).toContain('Error: open failed');
    expect(stderr).toContain('(limit: connect ST NUCLEO-F429ZI (STM32F429ZIT6) to this machine by USB (the on-board ST-LINK/V2-1, USB port CN1');
    expect(out.stdout).toEqual([]);
  }, 240_000);
});

/*
 * The stand-in openocd: records its argv, takes the ELF from `program ELF verify reset exit`, and
 * starts QEMU's netduinoplus2 (STM32F405) with it: the nucleo image's USART3 (0x40004800,
 * interrupt 39) is QEMU's third USART, serial2, put on a pty that $FAKE_PORT then links to, as
 * /dev/serial/by-id links to a board's tty. $FAKE_OPENOCD_FAIL makes it fail as a verify would.
 */
const FAKE_OPENOCD = `#!/bin/sh
dir=$(dirname "$FAKE_OPENOCD_LOG")
for arg in "$@"; do printf '%s\\n' "$arg"; done > "$FAKE_OPENOCD_LOG"
if [ -n "$FAKE_OPENOCD_FAIL" ]; then echo "Error: checksum mismatch - attempting binary compare"; echo "** Verify Failed **"; exit 1; fi
elf=$(printf '%s\\n' "$@" | sed -n 's/^program \\([^ ]*\\) verify reset exit$/\\1/p')
[ -n "$elf" ] || { echo "Error: no program command" >&2; exit 1; }
qemu-system-arm -M netduinoplus2 -display none -monitor none -serial null -serial null -serial pty -kernel "$elf" >"$dir/qemu.out" 2>&1 </dev/null &
echo $! > "$dir/qemu.pid"
i=0
while [ $i -lt 200 ]; do
  pty=$(sed -n 's/^char device redirected to \\(\\/dev\\/pts\\/[0-9]*\\) .*/\\1/p' "$dir/qemu.out")
  [ -n "$pty" ] && break
  sleep 0.05
  i=$((i + 1))
done
ln -sf "$pty" "$FAKE_PORT"
echo "** Programming Finished **"
`;

describe.skipIf(findExecutable('qemu-system-arm') === undefined)('deploy --target nucleo-f429zi with a stand-in openocd on PATH', () => {
  let dir = '';
  let env: NodeJS.ProcessEnv = {};

  beforeAll(() => {
    buildFirmware('nucleo-f429zi', 'interp', ['FIRMWARE_RAM=arena']);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrt-fake-openocd-'));
    fs.writeFileSync(path.join(dir, 'openocd'), FAKE_OPENOCD, { mode: 0o755 });
    env = { ...process.env, PATH: `${dir}:${process.env.PATH ?? ''}`, FAKE_OPENOCD_LOG: path.join(dir, 'argv'), FAKE_PORT: path.join(dir, 'port') };
  });

  afterAll(() => {
    const pidFile = path.join(dir, 'qemu.pid');
    if (fs.existsSync(pidFile)) {
      try {
        process.kill(Number(fs.readFileSync(pidFile, 'utf8')), 'SIGTERM');
      } catch {
        // QEMU is gone already.
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('flashes with the exact openocd argv, opens the port, uploads and runs', async () => {
    const { code, out } = await cli(
      [watModule('deploy-add'), '--target', 'nucleo-f429zi', '--firmware', emulatedNucleoElf, '--port', path.join(dir, 'port'), '--invoke', 'add', '2', '40'],
      env,
    );
    expect({ code, stdout: out.stdout }).toEqual({ code: 0, stdout: ['i32:42'] });
    expect(fs.readFileSync(path.join(dir, 'argv'), 'utf8').split('\n')).toEqual(['-f', 'board/st_nucleo_f4.cfg', '-c', `program ${emulatedNucleoElf} verify reset exit`, '']);
    expect(out.stderr.join('\n')).toContain('SHA-256 verified on the device');
  }, 240_000);

  it('--no-flash opens the port of a board that runs the firmware already, running no flash tool', async () => {
    fs.rmSync(path.join(dir, 'argv'), { force: true });
    const { code, out } = await cli([watModule('deploy-add'), '--target', 'nucleo-f429zi', '--port', path.join(dir, 'port'), '--no-flash', '--invoke', 'add', '-5', '3'], env);
    expect({ code, stdout: out.stdout }).toEqual({ code: 0, stdout: ['i32:-2'] });
    expect(fs.existsSync(path.join(dir, 'argv'))).toBe(false);
  }, 60_000);

  it('a flash tool that fails otherwise is FLASH_FAILED (exit 3) with its output', async () => {
    const { code, out } = await cli(
      [watModule('deploy-add'), '--target', 'nucleo-f429zi', '--firmware', emulatedNucleoElf, '--port', path.join(dir, 'port'), '--invoke', 'add', '1', '2'],
      { ...env, FAKE_OPENOCD_FAIL: '1' },
    );
    expect(code).toBe(3);
    expect(out.stderr.join('\n')).toContain('error[FLASH_FAILED]: --target: openocd could not program nucleo-f429zi (exit status 1)');
    expect(out.stderr.join('\n')).toContain('** Verify Failed **');
  }, 60_000);
});

describe('the stand-in openocd is what the test thinks', () => {
  it('is a POSIX shell script the system shell accepts', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wrt-fake-openocd-syntax-'));
    try {
      fs.writeFileSync(path.join(dir, 'openocd'), FAKE_OPENOCD);
      expect(() => execFileSync('sh', ['-n', path.join(dir, 'openocd')])).not.toThrow();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
