/**
 * The launcher's pure parts against recorded QEMU 7.2 output, and the board support's data against
 * the target definitions: argv, pty announcements, QMP lines, exit-code meanings (checked against
 * wrt_exit_codes.h), linker-script memory regions (checked against targets/*.yaml).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { BOARD_EXIT_CODES, FIRMWARE_EXIT_MAX, describeQemuExit, findExecutable, parsePtyAnnouncements, qemuArgv, serialPtyPath } from '../../ts/deploy/qemu.js';
import { parseQmpLine, splitLines } from '../../ts/deploy/qemu-qmp.js';
import { undeliveredTail } from '../../ts/deploy/qemu-uart.js';
import { loadTarget } from '../../ts/targets/index.js';
import type { TargetDefinition } from '../../ts/targets/types.js';
import { thrown } from '../support/wrt-error.js';
import { parseSizeLine } from './firmware.js';

const root = packageRoot();
const inputs = { elf: '/fw/bringup.elf', qmpSocket: '/tmp/x/qmp.sock', uartLog: '/tmp/x/uart0.log', serial: { kind: 'socket', path: '/tmp/x/uart0.sock' } } as const;

describe('qemuArgv', () => {
  it('builds the command for qemu-mps2-an386: no -nographic, serial0 on a logged socket, paused, QMP', () => {
    expect(qemuArgv(loadTarget('qemu-mps2-an386'), inputs)).toEqual([
      'qemu-system-arm',
      '-machine',
      'mps2-an386',
      '-semihosting-config',
      'enable=on,target=native',
      '-display',
      'none',
      '-monitor',
      'none',
      '-chardev',
      'socket,id=wrtuart0,logfile=/tmp/x/uart0.log,path=/tmp/x/uart0.sock,server=on,wait=off',
      '-serial',
      'chardev:wrtuart0',
      '-S',
      '-qmp',
      'unix:/tmp/x/qmp.sock,server=on,wait=off',
      '-kernel',
      '/fw/bringup.elf',
    ]);
  });

  it('puts serial0 on a logged pty on request', () => {
    const argv = qemuArgv(loadTarget('qemu-mps2-an386'), { ...inputs, serial: { kind: 'pty' } });
    expect(argv.slice(9, 13)).toEqual(['-chardev', 'pty,id=wrtuart0,logfile=/tmp/x/uart0.log', '-serial', 'chardev:wrtuart0']);
  });

  it('adds -icount for benchmarks and extra arguments last', () => {
    const argv = qemuArgv(loadTarget('qemu-lm3s6965evb'), { ...inputs, icount: true, extraArgs: ['-d', 'guest_errors'] });
    expect(argv.slice(2, 3)).toEqual(['lm3s6965evb']);
    expect(argv.slice(-6)).toEqual(['-icount', 'shift=0,align=off,sleep=off', '-kernel', '/fw/bringup.elf', '-d', 'guest_errors']);
  });

  it('enables semihosting when the target does not, so exit codes come back', () => {
    const base = loadTarget('qemu-mps2-an386');
    const emulator = base.emulator;
    if (emulator === undefined) throw new Error('qemu-mps2-an386 has no emulator section');
    const def: TargetDefinition = { ...base, emulator: { ...emulator, args: [] } };
    const argv = qemuArgv(def, inputs);
    expect(argv.slice(3, 5)).toEqual(['-semihosting-config', 'enable=on,target=native']);
  });

  it('rejects target arguments that take over the launcher-owned serial, monitor or QMP', () => {
    const base = loadTarget('qemu-mps2-an386');
    const emulator = base.emulator;
    if (emulator === undefined) throw new Error('qemu-mps2-an386 has no emulator section');
    const def: TargetDefinition = { ...base, emulator: { ...emulator, args: ['-serial', 'stdio'] } };
    const error = thrown(() => qemuArgv(def, inputs));
    expect(error.code).toBe('TARGET_INVALID');
    expect(error.location).toMatchObject({ field: '/emulator/args' });
    expect(error.message).toContain('-serial');
  });
});

describe('pty announcements', () => {
  // Recorded from QEMU 7.2 (Debian 1:7.2+dfsg-7+deb12u18) stdout.
  const recorded = 'char device redirected to /dev/pts/0 (label serial0)\nchar device redirected to /dev/pts/7 (label wrtuart0)\n';

  it('finds every pty with its chardev label', () => {
    expect(parsePtyAnnouncements(recorded)).toEqual([
      { path: '/dev/pts/0', label: 'serial0' },
      { path: '/dev/pts/7', label: 'wrtuart0' },
    ]);
    expect(serialPtyPath(recorded)).toBe('/dev/pts/7');
  });

  it('waits for a complete line', () => {
    expect(serialPtyPath('char device redirected to /dev/pts/7 (label wrt')).toBeUndefined();
    expect(serialPtyPath('')).toBeUndefined();
  });
});

describe('QMP lines', () => {
  it('reads the greeting, replies, events and errors recorded from QEMU 7.2', () => {
    expect(parseQmpLine('{"QMP": {"version": {"qemu": {"micro": 22, "minor": 2, "major": 7}, "package": "Debian 1:7.2+dfsg-7+deb12u18"}, "capabilities": ["oob"]}}')).toEqual({
      kind: 'greeting',
      version: '7.2.22',
    });
    expect(parseQmpLine('{"return": {}}')).toEqual({ kind: 'return', value: {} });
    expect(parseQmpLine('{"timestamp": {"seconds": 1795535950, "microseconds": 57989}, "event": "RESUME"}')).toEqual({ kind: 'event', event: 'RESUME' });
    expect(parseQmpLine('{"error": {"class": "CommandNotFound", "desc": "The command conT has not been found"}}')).toEqual({
      kind: 'error',
      errorClass: 'CommandNotFound',
      description: 'The command conT has not been found',
    });
    expect(parseQmpLine('{"retur')).toEqual({ kind: 'malformed', line: '{"retur' });
    expect(parseQmpLine('[1]')).toEqual({ kind: 'malformed', line: '[1]' });
  });

  it('splits a stream into lines and keeps the unfinished rest', () => {
    expect(splitLines('{"return": {}}\r\n{"event": "STOP"}\n{"ret')).toEqual({ lines: ['{"return": {}}', '{"event": "STOP"}'], rest: '{"ret' });
  });
});

describe('exit codes', () => {
  it('agree with targets/bsp/cortex-m/wrt_exit_codes.h', () => {
    const header = readFileSync(join(root, 'targets', 'bsp', 'cortex-m', 'wrt_exit_codes.h'), 'utf8');
    const defined = new Map([...header.matchAll(/^#define (WRT_EXIT_\w+) (\d+)u/gm)].map((match) => [match[1], Number(match[2])]));
    expect(defined.get('WRT_EXIT_FIRMWARE_MAX')).toBe(FIRMWARE_EXIT_MAX);
    const boardCodes = [...defined.entries()].filter(([name]) => name !== 'WRT_EXIT_FIRMWARE_MAX' && name !== 'WRT_EXIT_FAULT_BASE').map(([, code]) => code);
    expect(boardCodes.sort((a, b) => a - b)).toEqual(Object.keys(BOARD_EXIT_CODES).map(Number));
    expect(defined.get('WRT_EXIT_HARDFAULT')).toBe(243);
  });

  it('tells firmware results from board crash reports and kills', () => {
    expect(describeQemuExit({ code: 42, signal: null })).toEqual({ kind: 'firmware', code: 42 });
    expect(describeQemuExit({ code: 243, signal: null })).toEqual({ kind: 'board', code: 243, reason: 'HardFault' });
    expect(describeQemuExit({ code: null, signal: 'SIGKILL' })).toEqual({ kind: 'signal', signal: 'SIGKILL' });
    expect(describeQemuExit({ code: 241, signal: null })).toEqual({ kind: 'unknown', code: 241 });
  });
});

describe('UART tail recovery', () => {
  it('returns the bytes of the serial log the pty did not deliver', () => {
    const log = new TextEncoder().encode('ready\r\n*** exit 243\r\n');
    expect(new TextDecoder().decode(undeliveredTail(log, 7))).toBe('*** exit 243\r\n');
    expect(undeliveredTail(log, log.byteLength).byteLength).toBe(0);
    expect(undeliveredTail(log, log.byteLength + 5).byteLength).toBe(0);
  });
});

describe('helpers', () => {
  it('finds executables on a PATH and nothing outside it', () => {
    expect(findExecutable('sh', '/usr/bin:/bin')).toMatch(/\/sh$/);
    expect(findExecutable('sh', '')).toBeUndefined();
    expect(findExecutable('sh', 'relative/dir')).toBeUndefined();
  });

  it('reads the size line the firmware build prints', () => {
    expect(parseSizeLine('   text\t   data\t    bss\nwrt-size target=qemu-lm3s6965evb app=bringup flash=5968 flash_total=262144 ram=9808 ram_total=65536\n')).toEqual({
      target: 'qemu-lm3s6965evb',
      app: 'bringup',
      flash: 5968,
      flashTotal: 262144,
      ram: 9808,
      ramTotal: 65536,
    });
    expect(parseSizeLine('no size here')).toBeUndefined();
  });
});
