import { describe, expect, it } from 'vitest';
import { flashCommand, loadTarget, type TargetDefinition } from '../../ts/targets/index.js';
import { expectWrtError } from './support.js';

const files = { elf: 'build/fw.elf', hex: 'build/fw.hex', bin: 'build/fw.bin', uf2: 'build/fw.uf2', mount: '/media/me/RPI-RP2' };

describe('flashCommand', () => {
  it('qemu: the emulator binary, machine and extra args around -kernel', () => {
    expect(flashCommand(loadTarget('qemu-mps2-an386'), files)).toEqual({
      target: 'qemu-mps2-an386',
      runner: 'qemu',
      commands: [
        ['qemu-system-arm', '-machine', 'mps2-an386', '-semihosting-config', 'enable=on,target=native', '-kernel', 'build/fw.elf'],
      ],
    });
    expect(flashCommand(loadTarget('qemu-lm3s6965evb'), { elf: 'x.elf' }).commands).toEqual([
      ['qemu-system-arm', '-machine', 'lm3s6965evb', '-semihosting-config', 'enable=on,target=native', '-kernel', 'x.elf'],
    ]);
  });

  it('openocd: the ELF inside the program command', () => {
    expect(flashCommand(loadTarget('nucleo-f429zi'), files)).toEqual({
      target: 'nucleo-f429zi',
      runner: 'openocd',
      commands: [['openocd', '-f', 'board/st_nucleo_f4.cfg', '-c', 'program build/fw.elf verify reset exit']],
    });
    expect(flashCommand(loadTarget('stm32f746g-disco'), files).commands).toEqual([
      ['openocd', '-f', 'board/stm32f7discovery.cfg', '-c', 'program build/fw.elf verify reset exit'],
    ]);
  });

  it('probe-rs: download, then reset so the image runs', () => {
    expect(flashCommand(loadTarget('nucleo-f429zi'), files, 'probe-rs')).toEqual({
      target: 'nucleo-f429zi',
      runner: 'probe-rs',
      commands: [
        ['probe-rs', 'download', '--chip', 'STM32F429ZITx', 'build/fw.elf'],
        ['probe-rs', 'reset', '--chip', 'STM32F429ZITx'],
      ],
    });
    expect(flashCommand(loadTarget('nrf52840-dk'), files, 'probe-rs').commands[0]).toEqual([
      'probe-rs',
      'download',
      '--chip',
      'nRF52840_xxAA',
      'build/fw.elf',
    ]);
  });

  it('nrfjprog: the Intel HEX file', () => {
    expect(flashCommand(loadTarget('nrf52840-dk'), files).commands).toEqual([
      ['nrfjprog', '-f', 'NRF52', '--program', 'build/fw.hex', '--sectorerase', '--verify', '--reset'],
    ]);
  });

  it('picotool and uf2-copy: the UF2 file, and the mounted volume for the copy', () => {
    const pico = loadTarget('rpi-pico');
    expect(flashCommand(pico, files).commands).toEqual([['picotool', 'load', '-v', '-x', 'build/fw.uf2']]);
    expect(flashCommand(pico, files, 'uf2-copy').commands).toEqual([['cp', 'build/fw.uf2', '/media/me/RPI-RP2']]);
  });

  it('none: nothing to run for the host simulator', () => {
    expect(flashCommand(loadTarget('native-sim'), {})).toEqual({ target: 'native-sim', runner: 'none', commands: [] });
  });

  it('pyocd: a definition using it gets its template filled like any other', () => {
    const base = loadTarget('nucleo-f429zi');
    const def: TargetDefinition = {
      ...base,
      flashMethods: [{ runner: 'pyocd', commands: [['pyocd', 'flash', '--target', 'stm32f429zi', '--base-address', '0x08000000', '{bin}']] }],
    };
    expect(flashCommand(def, files).commands).toEqual([
      ['pyocd', 'flash', '--target', 'stm32f429zi', '--base-address', '0x08000000', 'build/fw.bin'],
    ]);
  });

  it('passes a path with spaces through as a whole argument', () => {
    expect(flashCommand(loadTarget('nucleo-f429zi'), { elf: 'my build/fw.elf' }, 'probe-rs').commands[0]?.[4]).toBe('my build/fw.elf');
  });

  it('refuses a path that would change the meaning of an embedded (Tcl) argument', () => {
    const error = expectWrtError(() => flashCommand(loadTarget('nucleo-f429zi'), { elf: 'my build/fw.elf' }), 'VALUE_INVALID');
    expect(error.location.field).toBe('elf');
    expect(error.message).toContain('cannot be embedded in the openocd argument "program {elf} verify reset exit"');
  });

  it('names the missing input', () => {
    const error = expectWrtError(() => flashCommand(loadTarget('nrf52840-dk'), { elf: 'fw.elf' }), 'VALUE_INVALID');
    expect(error.message).toBe('flashing nrf52840-dk with nrfjprog needs the hex input');
    expect(error.location.field).toBe('hex');
  });

  it('names the runners a target has when asked for another', () => {
    const error = expectWrtError(() => flashCommand(loadTarget('rpi-pico'), files, 'openocd'), 'VALUE_INVALID');
    expect(error.message).toBe('target rpi-pico has no flash method openocd');
    expect(error.location.limit).toBe('one of picotool | uf2-copy');
  });
});
