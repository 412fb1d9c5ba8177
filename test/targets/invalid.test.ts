import { afterAll, describe, expect, it } from 'vitest';
import { listTargetIds, loadTarget, loadTargetFile } from '../../ts/targets/index.js';
import { TempTargets, at, expectWrtError, shippedData } from './support.js';

const temp = new TempTargets();
// lm3s6965evb's measured firmware reserve and the 64 KiB SRAM it leaves (firmware-reserve.test.ts keeps the reserve equal to the build).
const LM3S_RESERVE = loadTarget('qemu-lm3s6965evb').memory.firmwareReservedRamBytes;
const LM3S_ARENA = 65536 - LM3S_RESERVE;
afterAll(() => temp.remove());

/** Writes the broken copy of a shipped definition under the id's file name and loads it. */
function loadBroken(base: string, change: (data: Record<string, unknown>) => void): () => unknown {
  const data = shippedData(base);
  change(data);
  const id = typeof data['id'] === 'string' ? data['id'] : base;
  const file = temp.write(id, data);
  return () => loadTargetFile(file);
}

function expectInvalid(action: () => unknown, field: string, messagePart: string, limit?: string): void {
  const error = expectWrtError(action, 'TARGET_INVALID');
  expect(error.location.field).toBe(field);
  expect(error.message).toContain(messagePart);
  if (limit !== undefined) expect(error.location.limit).toBe(limit);
  expect(error.location.file).toMatch(/\.yaml$/);
  expect(error.exitCode).toBe(2);
}

describe('broken target definitions (schema)', () => {
  it('missing RAM on a board names /memory/ram', () => {
    expectInvalid(
      loadBroken('qemu-lm3s6965evb', (data) => delete at(data, 'memory')['ram']),
      '/memory/ram',
      'is required for this kind of target',
    );
  });

  it('negative region bytes name the region field and the bound', () => {
    expectInvalid(
      loadBroken('qemu-lm3s6965evb', (data) => (at(data, 'memory', 'ram', 0)['bytes'] = -4096)),
      '/memory/ram/0/bytes',
      'is -4096, out of range',
      '>= 1',
    );
  });

  it('an unknown key names the key and lists the known ones', () => {
    expectInvalid(
      loadBroken('qemu-lm3s6965evb', (data) => (at(data, 'cpu')['frequencyHz'] = 50_000_000)),
      '/cpu/frequencyHz',
      'is not a known field',
      'known fields: arch, core, coreCount, fpu, mpu, pacbti, clockHz, datasheet',
    );
  });

  it('an enum value outside the list names the allowed values', () => {
    expectInvalid(
      loadBroken('qemu-lm3s6965evb', (data) => (data['kind'] = 'fpga')),
      '/kind',
      'is "fpga", not an allowed value',
      'one of "host-sim" | "emulated" | "board" | "host"',
    );
  });

  it('a board without a clock names /cpu/clockHz', () => {
    expectInvalid(loadBroken('rpi-pico', (data) => delete at(data, 'cpu')['clockHz']), '/cpu/clockHz', 'is required');
  });

  it('an emulated target without an emulator names /emulator', () => {
    expectInvalid(loadBroken('qemu-mps2-an386', (data) => delete data['emulator']), '/emulator', 'is required');
  });

  it('a memory-mapped UART without a base names /uart/base', () => {
    expectInvalid(loadBroken('nucleo-f429zi', (data) => delete at(data, 'uart')['base']), '/uart/base', 'is required');
  });

  it('a fractional byte count names the field and the type', () => {
    expectInvalid(
      loadBroken('nrf52840-dk', (data) => (at(data, 'memory')['defaultStackBytes'] = 1.5)),
      '/memory/defaultStackBytes',
      'is 1.5',
      'must be of type integer',
    );
  });

  it('an empty file is not an object', () => {
    const file = temp.write('empty-target', '');
    expectInvalid(() => loadTargetFile(file), '/', 'is null', 'must be of type object');
  });
});

describe('broken target definitions (semantic checks)', () => {
  it('overlapping RAM regions name the later region and the one it overlaps', () => {
    expectInvalid(
      loadBroken('nucleo-f429zi', (data) => (at(data, 'memory', 'ram', 1)['base'] = 0x2002_0000)),
      '/memory/ram/1',
      '(0x20020000..0x2002ffff) overlaps memory.ram[sram] (0x20000000..0x2002ffff)',
      'memory regions do not overlap',
    );
  });

  it('RAM overlapping flash is caught too', () => {
    expectInvalid(
      loadBroken('qemu-lm3s6965evb', (data) => (at(data, 'memory', 'ram', 0)['base'] = 0x3_0000)),
      '/memory/ram/0',
      'overlaps memory.flash (0x0..0x3ffff)',
    );
  });

  it('a region past 4 GiB on a Cortex-M names its bytes and the address-space bound', () => {
    expectInvalid(
      loadBroken('qemu-lm3s6965evb', (data) => (at(data, 'memory', 'ram', 0)['base'] = 0xffff_8000)),
      '/memory/ram/0/bytes',
      'reaches 0x100008000, past the 32-bit address space of armv7-m',
      'base + bytes <= 0x100000000',
    );
  });

  it('FPU none with hard float names /features/float', () => {
    expectInvalid(
      loadBroken('qemu-lm3s6965evb', (data) => (at(data, 'features')['float'] = 'hard')),
      '/features/float',
      'is hard, but cpu.fpu is none',
    );
  });

  it('an FPU the core does not offer names /cpu/fpu', () => {
    expectInvalid(
      loadBroken('qemu-lm3s6965evb', (data) => (at(data, 'cpu')['fpu'] = 'sp')),
      '/cpu/fpu',
      'is sp, which cortex-m3 does not offer',
      'cortex-m3 offers fpu none',
    );
  });

  it('an architecture the core does not implement names /cpu/arch', () => {
    expectInvalid(
      loadBroken('nrf52840-dk', (data) => (at(data, 'cpu')['arch'] = 'armv7-m')),
      '/cpu/arch',
      'is armv7-m, which cortex-m4 does not implement',
      'cortex-m4 implements armv7e-m',
    );
  });

  it('PACBTI on a core without it names /cpu/pacbti', () => {
    expectInvalid(loadBroken('nrf52840-dk', (data) => (at(data, 'cpu')['pacbti'] = true)), '/cpu/pacbti', 'does not implement PACBTI');
  });

  it('hardware CFI pacbti outside Armv8.1-M names /features/hardwareCfi', () => {
    expectInvalid(
      loadBroken('nrf52840-dk', (data) => (at(data, 'features')['hardwareCfi'] = 'pacbti')),
      '/features/hardwareCfi',
      'is pacbti, but cpu.arch is armv7e-m',
      'pacbti needs cpu.arch armv8.1-m.main (PACBTI is an Armv8.1-M extension)',
    );
  });

  it('a firmware reserve as large as the arena region names the reserve', () => {
    expectInvalid(
      loadBroken('qemu-lm3s6965evb', (data) => (at(data, 'memory')['firmwareReservedRamBytes'] = 65536)),
      '/memory/firmwareReservedRamBytes',
      'leaving nothing of memory.ram[sram] (65536 bytes)',
      '< 65536',
    );
  });

  it('an arena larger than the region minus the reserve names /memory/arenaBytes', () => {
    expectInvalid(
      loadBroken('qemu-lm3s6965evb', (data) => (at(data, 'memory')['arenaBytes'] = 60_000)),
      '/memory/arenaBytes',
      'is 60000',
      `<= 65536 - ${LM3S_RESERVE} = ${LM3S_ARENA}`,
    );
  });

  it('a firmware region that is also the arena region, or two of them, are named', () => {
    expectInvalid(
      loadBroken('nucleo-f429zi', (data) => {
        at(data, 'memory', 'ram', 0)['firmware'] = true;
        delete at(data, 'memory', 'ram', 1)['firmware'];
      }),
      '/memory/ram/0/firmware',
      'is true on the arena region',
    );
    expectInvalid(
      loadBroken('nucleo-f429zi', (data) => {
        const ram = at(data, 'memory')['ram'] as Record<string, unknown>[];
        ram.push({ name: 'bkpsram', base: 0x40024000, bytes: 4096, firmware: true });
      }),
      '/memory/ram/2/firmware',
      'is true, but /memory/ram/1/firmware is too',
    );
  });

  it('a firmware reserve larger than its own region names the reserve', () => {
    expectInvalid(
      loadBroken('nucleo-f429zi', (data) => (at(data, 'memory')['firmwareReservedRamBytes'] = 70_000)),
      '/memory/firmwareReservedRamBytes',
      'more than memory.ram[ccm] (65536 bytes), the region marked firmware: true',
      '<= 65536',
    );
  });

  it('no arena region, or two, are named', () => {
    expectInvalid(
      loadBroken('nucleo-f429zi', (data) => delete at(data, 'memory', 'ram', 0)['arena']),
      '/memory/ram',
      'has no region with arena: true',
    );
    expectInvalid(
      loadBroken('nucleo-f429zi', (data) => (at(data, 'memory', 'ram', 1)['arena'] = true)),
      '/memory/ram/1/arena',
      'is true, but /memory/ram/0/arena is too',
    );
  });

  it('a default stack larger than module memory names /memory/defaultStackBytes', () => {
    expectInvalid(
      loadBroken('qemu-lm3s6965evb', (data) => (at(data, 'memory')['defaultStackBytes'] = 65536)),
      '/memory/defaultStackBytes',
      `more than the ${LM3S_ARENA} bytes of module memory`,
      `<= ${LM3S_ARENA}`,
    );
  });

  it('a linear-memory cap above module memory names /wasm/maxLinearMemoryBytes', () => {
    expectInvalid(
      loadBroken('qemu-lm3s6965evb', (data) => (data['wasm'] = { maxLinearMemoryBytes: 65536 })),
      '/wasm/maxLinearMemoryBytes',
      'is 65536',
      `<= ${LM3S_ARENA}`,
    );
  });

  it('an unknown flash placeholder names the argv element', () => {
    expectInvalid(
      loadBroken('qemu-mps2-an386', (data) => (at(data, 'flashMethods', 0, 'commands', 0)[5] = '{image}')),
      '/flashMethods/0/commands/0/5',
      'uses the unknown placeholder {image}',
    );
  });

  it('a stray brace in a flash command names the argv element', () => {
    expectInvalid(
      loadBroken('nucleo-f429zi', (data) => (at(data, 'flashMethods', 0, 'commands', 0)[4] = 'program {elf verify')),
      '/flashMethods/0/commands/0/4',
      'is not a valid command template',
    );
  });

  it('a runner that does not fit the kind names the runner', () => {
    expectInvalid(
      loadBroken('qemu-mps2-an386', (data) => (at(data, 'flashMethods', 0)['runner'] = 'openocd')),
      '/flashMethods/0/runner',
      'is openocd on an emulated target',
      'qemu on emulated targets',
    );
  });

  it('RAM declared on the host simulator names /memory/ram', () => {
    expectInvalid(
      loadBroken('native-sim', (data) => (at(data, 'memory')['ram'] = [{ name: 'ram', base: 0, bytes: 1024, arena: true }])),
      '/memory/ram',
      'is declared on a host-sim target',
    );
  });

  it('an id that differs from the file name names /id', () => {
    const data = shippedData('rpi-pico');
    data['id'] = 'rpi-pico-w';
    const file = temp.write('rpi-pico', data);
    expectInvalid(() => loadTargetFile(file), '/id', 'is "rpi-pico-w" but the file is named rpi-pico.yaml');
  });

  it('firmware whose upload buffer and stack exceed the firmware reserve names the field and the sum', () => {
    expectInvalid(
      loadBroken('qemu-lm3s6965evb', (data) => (at(data, 'firmware')['uploadBufferBytes'] = 24576)),
      '/firmware/uploadBufferBytes',
      'plus firmware.stackBytes is 32768',
      `uploadBufferBytes + stackBytes <= ${LM3S_RESERVE}`,
    );
  });

  it('firmware on a host target is refused', () => {
    expectInvalid(
      loadBroken('native-sim', (data) => (data['firmware'] = { board: 'mps2-an386', app: 'interp', uploadBufferBytes: 1024, stackBytes: 1024 })),
      '/firmware',
      'is declared on a host-sim target',
    );
  });
});

describe('YAML syntax and lookup errors', () => {
  it('bad indentation is CONFIG_PARSE with the line', () => {
    const file = temp.write('bad-indent', 'id: bad-indent\nname: x\ncpu:\n  arch: armv7-m\n core: cortex-m3\n');
    const error = expectWrtError(() => loadTargetFile(file), 'CONFIG_PARSE');
    expect(error.location.file).toBe(file);
    expect(error.location.line).toBe(5);
    expect(error.message).toMatch(/^not valid YAML: /);
  });

  it('a duplicate key is CONFIG_PARSE at the line of the second one', () => {
    const file = temp.write('dup-key', 'id: dup-key\nname: one\nvendor: v\nname: two\n');
    const error = expectWrtError(() => loadTargetFile(file), 'CONFIG_PARSE');
    expect(error.location.line).toBe(4);
    expect(error.message).toContain('Map keys must be unique');
  });

  it('an unknown id is TARGET_UNKNOWN listing every known id', () => {
    const error = expectWrtError(() => loadTarget('stm32-bluepill'), 'TARGET_UNKNOWN');
    expect(error.message).toBe(`no target "stm32-bluepill"; known targets: ${listTargetIds().join(', ')}`);
    expect(error.message).toContain('qemu-mps2-an386, qemu-mps2-an505, qemu-mps3-an547, qemu-netduinoplus2, rpi-pico');
    expect(error.location.field).toBe('--target');
  });

  it('a misspelt id is TARGET_UNKNOWN suggesting the target it is close to', () => {
    const error = expectWrtError(() => loadTarget('nucleo-f492zi'), 'TARGET_UNKNOWN');
    expect(error.message).toBe(`no target "nucleo-f492zi"; did you mean nucleo-f429zi?; known targets: ${listTargetIds().join(', ')}`);
  });

  it('an id that tries to leave the folder is TARGET_UNKNOWN, not a file read', () => {
    expectWrtError(() => loadTarget('../targets/rpi-pico'), 'TARGET_UNKNOWN');
  });

  it('a missing file is FILE_NOT_FOUND', () => {
    const error = expectWrtError(() => loadTargetFile(`${temp.dir}/absent.yaml`), 'FILE_NOT_FOUND');
    expect(error.location.file).toBe(`${temp.dir}/absent.yaml`);
  });

  it('loads from another folder of definitions when asked', () => {
    const other = new TempTargets();
    try {
      other.write('my-pico', { ...shippedData('rpi-pico'), id: 'my-pico' });
      expect(listTargetIds({ dir: other.dir })).toEqual(['my-pico']);
      expect(loadTarget('my-pico', { dir: other.dir }).cpu.core).toBe('cortex-m0+');
    } finally {
      other.remove();
    }
  });
});
