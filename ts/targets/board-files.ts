/**
 * The board facts the firmware is compiled and linked with, written from the target definition so
 * that targets/<id>.yaml is their one source: a C header (target id, UART, clock, upload buffer,
 * how the firmware exits), the linker script's MEMORY (flash, the firmware's RAM region) with the
 * firmware's stack and, when the arena has a region of its own, its bounds, and a make fragment. scripts/firmware/board-files.ts writes them when
 * targets/firmware/Makefile builds a board; what stays hand-written in targets/bsp/<board> is
 * checked against the definition by test/targets/board-files.test.ts. Pure.
 */
import { WrtError } from '../core/errors.js';
import { memoryAdapterOf } from './memory-adapter.js';
import { arenaBudget, hex } from './semantics.js';
import type { TargetDefinition, TargetFirmware, TargetFirmwareComponent } from './types.js';

export interface BoardFiles {
  /** wrt_board_target.h, included by the board's wrt_board_config.h. */
  readonly header: string;
  /** memory.ld: MEMORY, WRT_STACK_BYTES, then the shared cortex-m.ld. */
  readonly linkerScript: string;
  /** board.mk fragment: BOARD_TARGET_ID, BOARD_MEM_ADAPTER, and CC when the definition names clang. */
  readonly makefile: string;
  /** component.mk fragment: BOARD_WASI2 and BOARD_COMPONENT_CONFIG from firmware.component. */
  readonly componentMakefile: string;
}

export const BOARD_HEADER_NAME = 'wrt_board_target.h';
export const BOARD_LINKER_SCRIPT_NAME = 'memory.ld';
export const BOARD_MAKEFILE_NAME = 'board.mk';
export const BOARD_COMPONENT_MAKEFILE_NAME = 'component.mk';

/** The engine macro each firmware.component size sets (native/engine/wrt_interp_engine.h, native/component/wrt_component.h). */
export const COMPONENT_MACROS: Readonly<Record<Exclude<keyof TargetFirmwareComponent, 'wasi2'>, string>> = {
  adapters: 'WRT_ENGINE_MAX_ADAPTERS',
  adapterDepth: 'WRT_ENGINE_ADAPTER_DEPTH',
  resourceTypes: 'WRT_ENGINE_MAX_RESOURCE_TYPES',
  handleTables: 'WRT_ENGINE_MAX_HANDLE_TABLES',
  handlesPerTable: 'WRT_ENGINE_MAX_HANDLES',
  adapterValues: 'WRT_ENGINE_ADAPTER_VALUES',
  adapterTypeNodes: 'WRT_ENGINE_ADAPTER_NODES',
  adapterTypeBytes: 'WRT_ENGINE_ADAPTER_TYPE_BYTES',
  invokeValues: 'WRT_COMPONENT_MAX_VALUES',
  invokeTypeNodes: 'WRT_COMPONENT_MAX_NODES',
};

/** The make fragment of a board's component runtime: the fast image's objects depend on it, so it is its own file. */
function componentMakefile(def: TargetDefinition, origin: string): string {
  const component = def.firmware?.component ?? {};
  const config = Object.entries(COMPONENT_MACROS).flatMap(([field, macro]) => {
    const value = component[field as keyof typeof COMPONENT_MACROS];
    return value === undefined ? [] : [`-D${macro}=${value}`];
  });
  return [`# ${origin}`, `BOARD_WASI2 := ${component.wasi2 === true ? 1 : 0}`, `BOARD_COMPONENT_CONFIG := ${config.join(' ')}`, ''].join('\n');
}

/** How a firmware with `compiler: clang` is compiled: clang's bare-metal Arm target (Debian clang). */
export const CLANG_FIRMWARE_CC = 'clang --target=arm-none-eabi';

/** The one definition whose firmware is built on targets/bsp/<board>. */
export function targetOfBoard(defs: readonly TargetDefinition[], board: string): TargetDefinition & { readonly firmware: TargetFirmware } {
  const matches = defs.filter((def): def is TargetDefinition & { readonly firmware: TargetFirmware } => def.firmware?.board === board);
  const [only] = matches;
  if (only === undefined || matches.length > 1) {
    const found = matches.length === 0 ? 'no target definition names' : `${matches.map((def) => def.id).join(' and ')} both name`;
    throw new WrtError('TARGET_INVALID', `${found} firmware.board: ${board}`, {
      field: '/firmware/board',
      limit: `exactly one targets/<id>.yaml with firmware: { board: ${board} }`,
    });
  }
  return only;
}

/** C unsigned literal. */
function cHex(value: number): string {
  return `0x${value.toString(16).toUpperCase().padStart(8, '0')}u`;
}

function required<T>(value: T | undefined, def: TargetDefinition, field: string): T {
  if (value === undefined) {
    throw new WrtError('TARGET_INVALID', `${field} is missing, and the firmware for ${def.id} is built from it`, { field, limit: 'set it in the target definition' });
  }
  return value;
}

/** Semihosting is how a firmware under QEMU ends with an exit code; it needs the emulator to enable it. */
function exitsBySemihosting(def: TargetDefinition): boolean {
  const args = def.emulator?.args ?? [];
  return args.some((arg, index) => arg === '-semihosting-config' && /(^|,)enable=on(,|$)/.test(args[index + 1] ?? ''));
}

export interface BoardFilesOptions {
  /**
   * Link the firmware's own RAM into the arena region even where the definition gives it a region
   * of its own: for an emulator that lacks that region (QEMU's STM32F405 has no CCM).
   */
  readonly firmwareRamInArena?: boolean;
}

export function boardFiles(def: TargetDefinition, options: BoardFilesOptions = {}): BoardFiles {
  const firmware = required(def.firmware, def, '/firmware');
  const uartBase = required(def.uart.base, def, '/uart/base');
  const baud = required(def.uart.baud, def, '/uart/baud');
  const clockHz = required(def.cpu.clockHz, def, '/cpu/clockHz');
  const flash = required(def.memory.flash, def, '/memory/flash');
  const ram = required(def.memory.ram, def, '/memory/ram');
  const budget = arenaBudget(ram, def.memory.firmwareReservedRamBytes, (field, message, limit) => {
    throw new WrtError('TARGET_INVALID', `${field} ${message}`, limit === undefined ? { field } : { field, limit });
  });
  const arena = budget.arena;
  const firmwareRam = options.firmwareRamInArena === true ? arena : budget.firmware;
  // RAM is where the firmware links its stack, data and upload buffer; the arena is the rest of
  // RAM, or the whole arena region when the firmware has a region of its own (cortex-m.ld).
  const separateArena =
    firmwareRam === arena
      ? []
      : [
          `/* The arena: all of memory.ram[${arena.region.name}]; the firmware's own RAM is memory.ram[${firmwareRam.region.name}]. */`,
          `WRT_ARENA_START = ${hex(arena.region.base)};`,
          `WRT_ARENA_END = ${hex(arena.region.base + arena.region.bytes)};`,
          '',
        ];
  const origin = `Generated from targets/${def.id}.yaml by scripts/firmware/board-files.ts: edit the definition, not this file.`;
  const header = [
    `/* ${origin} */`,
    '#ifndef WRT_BOARD_TARGET_H',
    '#define WRT_BOARD_TARGET_H',
    '',
    `#define WRT_BOARD_TARGET_ID "${def.id}"`,
    `#define WRT_BOARD_UART_BASE ${cHex(uartBase)}`,
    `#define WRT_BOARD_UART_BAUD ${baud}u`,
    `#define WRT_BOARD_CLOCK_HZ ${clockHz}u`,
    `#define WRT_BOARD_UPLOAD_BYTES ${firmware.uploadBufferBytes}u`,
    `#define WRT_BOARD_EXIT_SEMIHOSTING ${exitsBySemihosting(def) ? 1 : 0}`,
    '',
    '#endif',
    '',
  ].join('\n');
  const linkerScript = [
    `/* ${origin} */`,
    'MEMORY',
    '{',
    `  FLASH (rx)  : ORIGIN = ${hex(flash.base)}, LENGTH = ${hex(flash.bytes)}`,
    `  RAM   (rwx) : ORIGIN = ${hex(firmwareRam.region.base)}, LENGTH = ${hex(firmwareRam.region.bytes)}`,
    '}',
    '',
    `WRT_STACK_BYTES = ${hex(firmware.stackBytes)};`,
    '',
    ...separateArena,
    'INCLUDE cortex-m.ld',
    '',
  ].join('\n');
  // The compile driver; the link stays arm-none-eabi-gcc's (its libgcc and ld), see the Makefile.
  const compiler = firmware.compiler === 'clang' ? [`CC := ${CLANG_FIRMWARE_CC}`] : [];
  // The memory adapter the app must link (targets/firmware/Makefile compares it with the app's).
  const makefile = [`# ${origin}`, `BOARD_TARGET_ID := ${def.id}`, `BOARD_MEM_ADAPTER := ${memoryAdapterOf(def).kind}`, ...compiler, ''].join('\n');
  return { header, linkerScript, makefile, componentMakefile: componentMakefile(def, origin) };
}
