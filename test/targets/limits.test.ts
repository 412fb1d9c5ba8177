import { describe, expect, it } from 'vitest';
import { loadTarget, targetLimits } from '../../ts/targets/index.js';

// The measured firmware reserves (test/deploy/firmware-reserve.test.ts keeps them equal to the builds).
const LM3S_RESERVE = loadTarget('qemu-lm3s6965evb').memory.firmwareReservedRamBytes;
const MPS2_RESERVE = loadTarget('qemu-mps2-an386').memory.firmwareReservedRamBytes;

describe('targetLimits', () => {
  it('reports the LM3S6965 figures with their sources', () => {
    const lm3s = 'Stellaris LM3S6965 Data Sheet, Table 2-4 Memory Map (bit-banded SRAM 0x2000.0000-0x2000.FFFF)';
    const cpu = 'Stellaris LM3S6965 Data Sheet, 1 Architectural Overview (50-MHz Cortex-M3 with MPU)';
    expect(targetLimits(loadTarget('qemu-lm3s6965evb'))).toEqual({
      target: 'qemu-lm3s6965evb',
      totalRamBytes: { value: 65536, source: `target qemu-lm3s6965evb: memory.ram[sram].bytes (${lm3s})` },
      firmwareReservedRamBytes: {
        value: LM3S_RESERVE,
        source: "target qemu-lm3s6965evb: memory.firmwareReservedRamBytes, measured: the interpreter firmware's static RAM and stack (wrt-size ram= of its build)",
      },
      moduleMemoryBytes: {
        value: 65536 - LM3S_RESERVE,
        source: `target qemu-lm3s6965evb: memory.ram[sram].bytes - memory.firmwareReservedRamBytes (${lm3s}; reserve measured: the interpreter firmware's static RAM and stack (wrt-size ram= of its build))`,
      },
      stackBytes: { value: 8192, source: 'target qemu-lm3s6965evb: memory.defaultStackBytes' },
      cpus: { value: 1, source: `target qemu-lm3s6965evb: cpu.coreCount (${cpu})` },
      clockHz: { value: 50_000_000, source: `target qemu-lm3s6965evb: cpu.clockHz (${cpu})` },
      fpu: { value: 'none', source: `target qemu-lm3s6965evb: cpu.fpu (${cpu})` },
      mpu: { value: true, source: `target qemu-lm3s6965evb: cpu.mpu (${cpu})` },
      pacbti: { value: false, source: `target qemu-lm3s6965evb: cpu.pacbti (${cpu})` },
      uart: {
        value: 'pl011 at 0x4000c000, 115200 baud (UART0 (QEMU serial0))',
        source:
          'target qemu-lm3s6965evb: uart (Stellaris LM3S6965 Data Sheet, Table 2-4 Memory Map (UART0 0x4000.C000); QEMU pl011_luminary)',
      },
      flashMethod: { value: 'qemu', source: 'target qemu-lm3s6965evb: flashMethods[0].runner' },
      maxLinearMemoryBytes: {
        value: null,
        source: 'target qemu-lm3s6965evb: no wasm.maxLinearMemoryBytes; module memory bounds linear memory',
      },
      maxTableEntries: { value: null, source: 'target qemu-lm3s6965evb: no wasm.maxTableEntries' },
    });
  });

  it('reports the MPS2 AN386 figures with their sources', () => {
    const ssram = 'QEMU 7.2 hw/arm/mps2.c, AN385/AN386 map, 0x20000000..0x203fffff ZBT SSRAM 2&3';
    const psram = 'QEMU 7.2 hw/arm/mps2.c, 0x21000000..0x21ffffff PSRAM (16MB), common to the MPS2 images';
    const cpu = 'QEMU 7.2 mps2-an386 (cortex-m4 CPU model with single-precision FPU and MPU; hw/arm/mps2.c SYSCLK_FRQ 25 MHz)';
    const limits = targetLimits(loadTarget('qemu-mps2-an386'));
    expect(limits).toEqual({
      target: 'qemu-mps2-an386',
      totalRamBytes: {
        value: 20 * 1024 * 1024,
        source: `target qemu-mps2-an386: memory.ram[ssram23].bytes (${ssram}) + memory.ram[psram].bytes (${psram})`,
      },
      firmwareReservedRamBytes: {
        value: MPS2_RESERVE,
        source: "target qemu-mps2-an386: memory.firmwareReservedRamBytes, measured: the interpreter firmware's static RAM and stack (wrt-size ram= of its build)",
      },
      moduleMemoryBytes: {
        value: 4 * 1024 * 1024 - MPS2_RESERVE,
        source: `target qemu-mps2-an386: memory.ram[ssram23].bytes - memory.firmwareReservedRamBytes (${ssram}; reserve measured: the interpreter firmware's static RAM and stack (wrt-size ram= of its build))`,
      },
      stackBytes: { value: 65536, source: 'target qemu-mps2-an386: memory.defaultStackBytes' },
      cpus: { value: 1, source: `target qemu-mps2-an386: cpu.coreCount (${cpu})` },
      clockHz: { value: 25_000_000, source: `target qemu-mps2-an386: cpu.clockHz (${cpu})` },
      fpu: { value: 'sp', source: `target qemu-mps2-an386: cpu.fpu (${cpu})` },
      mpu: { value: true, source: `target qemu-mps2-an386: cpu.mpu (${cpu})` },
      pacbti: { value: false, source: `target qemu-mps2-an386: cpu.pacbti (${cpu})` },
      uart: {
        value: 'cmsdk-apb at 0x40004000, 115200 baud (UART0 (QEMU serial0))',
        source:
          'target qemu-mps2-an386: uart (QEMU 7.2 hw/arm/mps2.c, CMSDK APB UART bases 0x40004000 (UART0) .. 0x40009000 (UART4))',
      },
      flashMethod: { value: 'qemu', source: 'target qemu-mps2-an386: flashMethods[0].runner' },
      maxLinearMemoryBytes: {
        value: null,
        source: 'target qemu-mps2-an386: no wasm.maxLinearMemoryBytes; module memory bounds linear memory',
      },
      maxTableEntries: { value: null, source: 'target qemu-mps2-an386: no wasm.maxTableEntries' },
    });
  });

  it('leaves host RAM to probe on native-sim and uses the configured arena', () => {
    const limits = targetLimits(loadTarget('native-sim'));
    expect(limits.totalRamBytes).toEqual({ value: null, source: 'target native-sim: no RAM declared (host-sim); probe measures the host' });
    expect(limits.moduleMemoryBytes).toEqual({ value: 16 * 1024 * 1024, source: 'target native-sim: memory.arenaBytes' });
    expect(limits.clockHz.value).toBeNull();
    expect(limits.uart.value).toBe('host-stdio');
    expect(limits.flashMethod.value).toBe('none');
  });

  it('reports two CPUs on the RP2040 and the arena region of a multi-region board', () => {
    expect(targetLimits(loadTarget('rpi-pico')).cpus.value).toBe(2);
    const f746 = targetLimits(loadTarget('stm32f746g-disco'));
    expect(f746.totalRamBytes.value).toBe(320 * 1024);
    expect(f746.moduleMemoryBytes.value).toBe(240 * 1024 - 16384);
    expect(f746.moduleMemoryBytes.source).toMatch(/^target stm32f746g-disco: memory\.ram\[sram1\]\.bytes - /);
  });

  it('prefers declared overrides: arenaBytes and the wasm caps', () => {
    const base = loadTarget('nrf52840-dk');
    const limits = targetLimits({
      ...base,
      memory: { ...base.memory, arenaBytes: 131072 },
      wasm: { maxLinearMemoryBytes: 65536, maxTableEntries: 512 },
    });
    expect(limits.moduleMemoryBytes).toEqual({ value: 131072, source: 'target nrf52840-dk: memory.arenaBytes' });
    expect(limits.maxLinearMemoryBytes).toEqual({ value: 65536, source: 'target nrf52840-dk: wasm.maxLinearMemoryBytes' });
    expect(limits.maxTableEntries).toEqual({ value: 512, source: 'target nrf52840-dk: wasm.maxTableEntries' });
  });
});
