/**
 * The firmware's board facts come from the target definitions: the generated header and linker
 * script carry the definition's values, and what stays hand-written in targets/bsp (CPU flags in
 * board.mk, the board config header) agrees with the definition or leaves the generated facts alone.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { boardFiles, COMPONENT_MACROS, targetOfBoard } from '../../ts/targets/board-files.js';
import { listTargets, loadTarget, parseTargetDefinition, type TargetDefinition } from '../../ts/targets/index.js';
import { stringify } from 'yaml';
import { expectWrtError, shippedData } from './support.js';

const bspDir = join(packageRoot(), 'targets', 'bsp');
/** targets/bsp folders that build a board (those with a board.mk). */
const bspBoards = readdirSync(bspDir).filter((name) => existsSync(join(bspDir, name, 'board.mk')));
const firmwareTargets = listTargets().filter((def) => def.firmware !== undefined);

function defines(header: string): Map<string, string> {
  return new Map([...header.matchAll(/^#define (WRT_BOARD_\w+) (.+)$/gm)].map((match) => [match[1] ?? '', match[2] ?? '']));
}

function memoryRegions(script: string): Map<string, { base: number; bytes: number }> {
  return new Map(
    [...script.matchAll(/^\s*(\w+)\s*\([rwx]+\)\s*:\s*ORIGIN\s*=\s*(0x[0-9A-Fa-f]+),\s*LENGTH\s*=\s*(0x[0-9A-Fa-f]+)/gm)].map((match) => [
      match[1] ?? '',
      { base: Number(match[2]), bytes: Number(match[3]) },
    ]),
  );
}

function arenaOf(def: TargetDefinition): { base: number; bytes: number } {
  const region = def.memory.ram?.find((candidate) => candidate.arena === true);
  if (region === undefined) throw new Error(`${def.id}: no arena region`);
  return { base: region.base, bytes: region.bytes };
}

/** The region the firmware links its own RAM into: the one marked firmware, else the arena's. */
function firmwareRamOf(def: TargetDefinition): { base: number; bytes: number } {
  const region = def.memory.ram?.find((candidate) => candidate.firmware === true);
  return region === undefined ? arenaOf(def) : { base: region.base, bytes: region.bytes };
}

function symbol(script: string, name: string): number | undefined {
  const match = new RegExp(`^${name} = (0x[0-9A-Fa-f]+);$`, 'm').exec(script);
  return match === null ? undefined : Number(match[1]);
}

describe('board files generated from the target definition', () => {
  it('every targets/bsp board is the firmware board of exactly one definition, and the other way round', () => {
    expect(bspBoards.sort()).toEqual(firmwareTargets.map((def) => def.firmware?.board).sort());
    for (const board of bspBoards) expect(targetOfBoard(firmwareTargets, board).firmware.board).toBe(board);
  });

  it.each(firmwareTargets.map((def) => [def.id, def] as const))('%s: header and linker script carry its values', (_id, def) => {
    const files = boardFiles(def);
    const header = defines(files.header);
    expect(header.get('WRT_BOARD_TARGET_ID')).toBe(`"${def.id}"`);
    expect(Number(header.get('WRT_BOARD_UART_BASE')?.replace(/u$/, ''))).toBe(def.uart.base);
    expect(header.get('WRT_BOARD_UART_BAUD')).toBe(`${def.uart.baud}u`);
    expect(header.get('WRT_BOARD_CLOCK_HZ')).toBe(`${def.cpu.clockHz}u`);
    expect(header.get('WRT_BOARD_UPLOAD_BYTES')).toBe(`${def.firmware?.uploadBufferBytes}u`);
    const regions = memoryRegions(files.linkerScript);
    expect(regions.get('FLASH')).toEqual({ base: def.memory.flash?.base, bytes: def.memory.flash?.bytes });
    expect(regions.get('RAM')).toEqual(firmwareRamOf(def));
    // A separate arena is the arena region whole; a shared one is what the firmware leaves of RAM.
    const arena = arenaOf(def);
    const separate = def.memory.ram?.some((region) => region.firmware === true) === true;
    expect({ start: symbol(files.linkerScript, 'WRT_ARENA_START'), end: symbol(files.linkerScript, 'WRT_ARENA_END') }).toEqual(
      separate ? { start: arena.base, end: arena.base + arena.bytes } : { start: undefined, end: undefined },
    );
    expect(Number(/^WRT_STACK_BYTES = (0x[0-9a-f]+);$/m.exec(files.linkerScript)?.[1])).toBe(def.firmware?.stackBytes);
    expect(files.makefile).toMatch(new RegExp(`^BOARD_TARGET_ID := ${def.id}$`, 'm'));
  });

  it("writes firmware.component into component.mk as the engine's macros, and nothing when it is absent", () => {
    const lines = (id: string): string[] => boardFiles(loadTarget(id)).componentMakefile.split('\n').slice(1);
    expect(lines('qemu-mps2-an386')).toEqual(['BOARD_WASI2 := 1', 'BOARD_COMPONENT_CONFIG := -DWRT_ENGINE_MAX_ADAPTERS=96', '']);
    expect(lines('qemu-lm3s6965evb')).toEqual([
      'BOARD_WASI2 := 0',
      'BOARD_COMPONENT_CONFIG := -DWRT_ENGINE_MAX_ADAPTERS=4 -DWRT_ENGINE_ADAPTER_DEPTH=1 -DWRT_ENGINE_MAX_RESOURCE_TYPES=4 -DWRT_ENGINE_MAX_HANDLE_TABLES=2 -DWRT_ENGINE_MAX_HANDLES=8 -DWRT_ENGINE_ADAPTER_VALUES=24 -DWRT_ENGINE_ADAPTER_NODES=16 -DWRT_ENGINE_ADAPTER_TYPE_BYTES=32 -DWRT_COMPONENT_MAX_VALUES=64 -DWRT_COMPONENT_MAX_NODES=32',
      '',
    ]);
    expect(lines('qemu-netduinoplus2')).toEqual(['BOARD_WASI2 := 0', 'BOARD_COMPONENT_CONFIG := ', '']);
    // Every macro is one the engine headers define with a default the flag overrides.
    const headers = ['native/engine/wrt_interp_engine.h', 'native/component/wrt_component.h'].map((f) => readFileSync(join(packageRoot(), f), 'utf8')).join('\n');
    for (const macro of Object.values(COMPONENT_MACROS)) expect([macro, headers.includes(`#ifndef ${macro}\n#define ${macro} `)]).toEqual([macro, true]);
  });

  it('exits by semihosting only where the emulator enables it', () => {
    const data = shippedData('qemu-mps2-an386');
    expect(defines(boardFiles(loadTarget('qemu-mps2-an386')).header).get('WRT_BOARD_EXIT_SEMIHOSTING')).toBe('1');
    const emulator = data['emulator'] as Record<string, unknown>;
    emulator['args'] = [];
    const withoutSemihosting = parseTargetDefinition(stringify(data), 'no-semihosting.yaml');
    expect(defines(boardFiles(withoutSemihosting).header).get('WRT_BOARD_EXIT_SEMIHOSTING')).toBe('0');
  });

  it('names the board when no definition or two definitions build it', () => {
    const none = expectWrtError(() => targetOfBoard(firmwareTargets, 'rpi-pico'), 'TARGET_INVALID');
    expect(none.message).toBe('no target definition names firmware.board: rpi-pico');
    const [first] = firmwareTargets;
    if (first === undefined) throw new Error('no firmware target');
    const twice = expectWrtError(() => targetOfBoard([first, { ...first, id: 'copy' }], first.firmware?.board ?? ''), 'TARGET_INVALID');
    expect(twice.message).toContain(`${first.id} and copy both name firmware.board`);
  });

  it('refuses a definition without firmware', () => {
    const error = expectWrtError(() => boardFiles(loadTarget('rpi-pico')), 'TARGET_INVALID');
    expect(error.location.field).toBe('/firmware');
  });
});

/** -mcpu, FPU and float ABI as GCC spells them for a definition's core, FPU and float support. */
function expectedCpuFlags(def: TargetDefinition): { mcpu: string; fpu: boolean; floatAbi: string } {
  return { mcpu: def.cpu.core, fpu: def.cpu.fpu !== 'none', floatAbi: def.features.float === 'hard' ? 'hard' : 'soft' };
}

describe('hand-written board support agrees with the target definition', () => {
  it.each(bspBoards)('%s/board.mk: CPU flags match the core, FPU and float ABI', (board) => {
    const def = targetOfBoard(firmwareTargets, board);
    const mk = readFileSync(join(bspDir, board, 'board.mk'), 'utf8');
    const flags = /^BOARD_CPU_FLAGS\s*:=\s*(.*)$/m.exec(mk)?.[1]?.split(/\s+/) ?? [];
    const expected = expectedCpuFlags(def);
    expect(flags).toContain(`-mcpu=${expected.mcpu}`);
    expect(flags.some((flag) => flag.startsWith('-mfpu='))).toBe(expected.fpu);
    expect(flags).toContain(`-mfloat-abi=${expected.floatAbi}`);
  });

  it.each(bspBoards)('%s/wrt_board_config.h leaves the generated facts to the definition', (board) => {
    const config = readFileSync(join(bspDir, board, 'wrt_board_config.h'), 'utf8');
    expect(config).toContain('#include "wrt_board_target.h"');
    const generated = [...defines(boardFiles(targetOfBoard(firmwareTargets, board)).header).keys()];
    const handWritten = [...defines(config).keys()];
    expect(handWritten.filter((name) => generated.includes(name))).toEqual([]);
  });
});
