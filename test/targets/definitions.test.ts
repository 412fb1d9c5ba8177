import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTargetsDirFrom, listTargetIds, listTargets, loadTarget, targetsDir } from '../../ts/targets/index.js';

const SHIPPED = [
  'native-sim',
  'nrf52840-dk',
  'nucleo-f429zi',
  'qemu-lm3s6965evb',
  'qemu-mps2-an386',
  'qemu-mps2-an505',
  'qemu-mps3-an547',
  'qemu-netduinoplus2',
  'rpi-pico',
  'stm32f746g-disco',
];

describe('shipped target definitions', () => {
  it('are all found, and every one passes the schema and the semantic checks', () => {
    expect(listTargetIds()).toEqual(SHIPPED);
    expect(listTargets().map((def) => def.id)).toEqual(SHIPPED);
  });

  it('have unique ids equal to their file names', () => {
    const files = readdirSync(targetsDir()).filter((name) => name.endsWith('.yaml'));
    const ids = listTargets().map((def) => def.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(files.map((name) => name.replace(/\.yaml$/, '')).sort()).toEqual([...ids].sort());
  });

  it('include at least three real boards and the QEMU machines', () => {
    const kinds = listTargets().map((def) => [def.id, def.kind] as const);
    expect(kinds.filter(([, kind]) => kind === 'board').length).toBeGreaterThanOrEqual(3);
    expect(kinds.filter(([, kind]) => kind === 'emulated').map(([id]) => id)).toEqual(['qemu-lm3s6965evb', 'qemu-mps2-an386', 'qemu-mps2-an505', 'qemu-mps3-an547', 'qemu-netduinoplus2']);
  });

  it('describe the MPS2 AN386 as QEMU 7.2 maps it', () => {
    const def = loadTarget('qemu-mps2-an386');
    expect(def.cpu).toMatchObject({ arch: 'armv7e-m', core: 'cortex-m4', fpu: 'sp', mpu: true, pacbti: false, clockHz: 25_000_000 });
    expect(def.memory.flash).toMatchObject({ base: 0, bytes: 4 * 1024 * 1024 });
    expect(def.memory.ram?.map(({ name, base, bytes, arena }) => ({ name, base, bytes, arena }))).toEqual([
      { name: 'ssram23', base: 0x2000_0000, bytes: 4 * 1024 * 1024, arena: true },
      { name: 'psram', base: 0x2100_0000, bytes: 16 * 1024 * 1024, arena: undefined },
    ]);
    expect(def.uart).toMatchObject({ kind: 'cmsdk-apb', base: 0x4000_4000, baud: 115200 });
    expect(def.emulator).toMatchObject({ binary: 'qemu-system-arm', machine: 'mps2-an386' });
  });

  it('describe the MPS2 AN505 and MPS3 AN547 at the Secure aliases QEMU 7.2 maps', () => {
    const an505 = loadTarget('qemu-mps2-an505');
    expect(an505.cpu).toMatchObject({ arch: 'armv8-m.main', core: 'cortex-m33', fpu: 'sp', pacbti: false, clockHz: 20_000_000 });
    expect(an505.memory.flash).toMatchObject({ base: 0x1000_0000, bytes: 4 * 1024 * 1024 });
    expect(an505.memory.ram?.find((region) => region.arena === true)).toMatchObject({ base: 0x3800_0000, bytes: 4 * 1024 * 1024 });
    expect(an505.uart).toMatchObject({ kind: 'cmsdk-apb', base: 0x5020_0000, baud: 115200 });
    expect(an505.features.hardwareCfi).toBe('none');
    const an547 = loadTarget('qemu-mps3-an547');
    expect(an547.cpu).toMatchObject({ arch: 'armv8.1-m.main', core: 'cortex-m55', fpu: 'dp', pacbti: false, clockHz: 32_000_000 });
    expect(an547.memory.flash).toMatchObject({ base: 0x1000_0000, bytes: 512 * 1024 });
    expect(an547.memory.ram?.find((region) => region.arena === true)).toMatchObject({ base: 0x3100_0000, bytes: 4 * 1024 * 1024 });
    expect(an547.uart).toMatchObject({ kind: 'cmsdk-apb', base: 0x5930_3000 });
    expect(an547.firmware).toMatchObject({ board: 'mps3-an547', compiler: 'clang' });
    expect(an547.features.hardwareCfi).toBe('pacbti');
  });

  it('describe the LM3S6965 as its data sheet does', () => {
    const def = loadTarget('qemu-lm3s6965evb');
    expect(def.cpu).toMatchObject({ arch: 'armv7-m', core: 'cortex-m3', fpu: 'none', clockHz: 50_000_000 });
    expect(def.features.float).toBe('soft');
    expect(def.memory.flash).toMatchObject({ base: 0, bytes: 256 * 1024 });
    expect(def.memory.ram).toHaveLength(1);
    expect(def.memory.ram?.[0]).toMatchObject({ base: 0x2000_0000, bytes: 64 * 1024, arena: true });
    expect(def.uart).toMatchObject({ kind: 'pl011', base: 0x4000_c000 });
    expect(def.emulator?.machine).toBe('lm3s6965evb');
  });

  it('give the real boards their datasheet figures', () => {
    const pico = loadTarget('rpi-pico');
    expect(pico.cpu).toMatchObject({ core: 'cortex-m0+', arch: 'armv6-m', coreCount: 2, fpu: 'none' });
    expect(pico.memory.flash).toEqual(expect.objectContaining({ base: 0x1000_0000, bytes: 2 * 1024 * 1024 }));
    expect(pico.memory.ram?.[0]?.bytes).toBe(264 * 1024);
    const nrf = loadTarget('nrf52840-dk');
    expect(nrf.memory.flash?.bytes).toBe(1024 * 1024);
    expect(nrf.memory.ram?.[0]?.bytes).toBe(256 * 1024);
    const f429 = loadTarget('nucleo-f429zi');
    expect(f429.memory.ram?.map((region) => [region.name, region.base, region.bytes])).toEqual([
      ['sram', 0x2000_0000, 192 * 1024],
      ['ccm', 0x1000_0000, 64 * 1024],
    ]);
    expect(f429.memory.flash).toEqual(expect.objectContaining({ base: 0x0800_0000, bytes: 2 * 1024 * 1024 }));
    const f746 = loadTarget('stm32f746g-disco');
    expect(f746.cpu).toMatchObject({ core: 'cortex-m7', fpu: 'sp', clockHz: 216_000_000 });
    expect(f746.memory.ram?.reduce((sum, region) => sum + region.bytes, 0)).toBe(320 * 1024);
  });

  it('mark the firmware reserve measured where the interpreter firmware is built, an estimate elsewhere', () => {
    const basis = Object.fromEntries(listTargets().map((def) => [def.id, def.memory.firmwareReserveBasis]));
    expect(basis).toEqual({
      'native-sim': 'not-applicable',
      'nrf52840-dk': 'estimate',
      'nucleo-f429zi': 'measured',
      'qemu-lm3s6965evb': 'measured',
      'qemu-mps2-an386': 'measured',
      'qemu-mps2-an505': 'measured',
      'qemu-mps3-an547': 'measured',
      'qemu-netduinoplus2': 'measured',
      'rpi-pico': 'estimate',
      'stm32f746g-disco': 'estimate',
    });
  });

  it('declare no RAM for native-sim and a 16 MiB default arena', () => {
    const sim = loadTarget('native-sim');
    expect(sim.kind).toBe('host-sim');
    expect(sim.memory.ram).toBeUndefined();
    expect(sim.memory.arenaBytes).toBe(16 * 1024 * 1024);
  });
});

describe('locating the targets folder', () => {
  it('finds targets/ above both the source and the compiled layout', () => {
    const root = mkdtempSync(join(tmpdir(), 'wrt-pkg-'));
    try {
      mkdirSync(join(root, 'targets', 'schema'), { recursive: true });
      writeFileSync(join(root, 'targets', 'schema', 'target.schema.json'), '{}');
      mkdirSync(join(root, 'ts', 'targets'), { recursive: true });
      mkdirSync(join(root, 'dist', 'ts', 'targets'), { recursive: true });
      expect(findTargetsDirFrom(join(root, 'ts', 'targets'))).toBe(join(root, 'targets'));
      expect(findTargetsDirFrom(join(root, 'dist', 'ts', 'targets'))).toBe(join(root, 'targets'));
      rmSync(join(root, 'targets', 'schema', 'target.schema.json'));
      expect(findTargetsDirFrom(join(root, 'dist', 'ts', 'targets'))).toBeUndefined();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('uses the package folder by default', () => {
    expect(targetsDir()).toMatch(/[/\\]targets$/);
    expect(readdirSync(targetsDir())).toContain('schema');
  });
});
