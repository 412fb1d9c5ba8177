import { WrtError } from '../core/errors.js';
import { arenaBudget, hex, isHostKind } from './semantics.js';
import type { FlashRunner, FpuKind, TargetDefinition } from './types.js';

/** One discovered value and where it came from, in words a reviewer can check against the file. */
export interface TargetLimit<T> {
  readonly value: T;
  readonly source: string;
}

/** What `probe --target ID` reports for a target: the target's side of the limits. */
export interface TargetLimits {
  readonly target: string;
  /** Sum of the declared RAM regions; null on host kinds, where probe measures the host. */
  readonly totalRamBytes: TargetLimit<number | null>;
  readonly firmwareReservedRamBytes: TargetLimit<number>;
  /** What modules may use: memory.arenaBytes, or the arena region minus the firmware reserve. */
  readonly moduleMemoryBytes: TargetLimit<number>;
  readonly stackBytes: TargetLimit<number>;
  readonly cpus: TargetLimit<number>;
  readonly clockHz: TargetLimit<number | null>;
  readonly fpu: TargetLimit<FpuKind>;
  readonly mpu: TargetLimit<boolean>;
  readonly pacbti: TargetLimit<boolean>;
  readonly uart: TargetLimit<string>;
  readonly flashMethod: TargetLimit<FlashRunner>;
  /** wasm.maxLinearMemoryBytes when set; null when module memory alone bounds linear memory. */
  readonly maxLinearMemoryBytes: TargetLimit<number | null>;
  readonly maxTableEntries: TargetLimit<number | null>;
}

/** Pure: the limits a loaded (already checked) definition implies, each with its source. */
export function targetLimits(def: TargetDefinition): TargetLimits {
  const at = (path: string, datasheet?: string): string =>
    datasheet === undefined ? `target ${def.id}: ${path}` : `target ${def.id}: ${path} (${datasheet})`;
  const cpuSheet = def.cpu.datasheet ?? def.datasheet;
  const reserveNote = reserveBasisNote(def);
  const { memory } = def;

  let totalRamBytes: TargetLimit<number | null>;
  let moduleMemoryBytes: TargetLimit<number>;
  if (isHostKind(def.kind) || memory.ram === undefined) {
    totalRamBytes = { value: null, source: `target ${def.id}: no RAM declared (${def.kind}); probe measures the host` };
    const arenaBytes = memory.arenaBytes;
    if (arenaBytes === undefined) {
      throw new WrtError('TARGET_INVALID', '/memory/arenaBytes is required for this kind of target', { field: '/memory/arenaBytes' });
    }
    moduleMemoryBytes = { value: arenaBytes, source: at('memory.arenaBytes') };
  } else {
    const ram = memory.ram;
    totalRamBytes = {
      value: ram.reduce((sum, region) => sum + region.bytes, 0),
      source: `target ${def.id}: ${ram.map((region) => `memory.ram[${region.name}].bytes (${region.datasheet ?? def.datasheet})`).join(' + ')}`,
    };
    const { arena, firmware, available } = arenaBudget(ram, memory.firmwareReservedRamBytes, (field, message) => {
      throw new WrtError('TARGET_INVALID', `${field} ${message}`, { field });
    });
    const region = arena.region;
    moduleMemoryBytes =
      memory.arenaBytes !== undefined
        ? { value: memory.arenaBytes, source: at('memory.arenaBytes') }
        : firmware === arena
          ? {
              value: available,
              source: `target ${def.id}: memory.ram[${region.name}].bytes - memory.firmwareReservedRamBytes (${region.datasheet ?? def.datasheet}; reserve ${reserveNote})`,
            }
          : {
              value: available,
              source: `target ${def.id}: memory.ram[${region.name}].bytes (${region.datasheet ?? def.datasheet}); the firmware's own RAM is in memory.ram[${firmware.region.name}]`,
            };
  }

  const uart = def.uart;
  const uartValue =
    uart.kind +
    (uart.base !== undefined ? ` at ${hex(uart.base)}` : '') +
    (uart.baud !== undefined ? `, ${uart.baud} baud` : '') +
    (uart.instance !== undefined ? ` (${uart.instance})` : '');

  const defaultMethod = def.flashMethods[0];
  if (defaultMethod === undefined) {
    throw new WrtError('TARGET_INVALID', '/flashMethods needs at least one entry', { field: '/flashMethods' });
  }

  return {
    target: def.id,
    totalRamBytes,
    firmwareReservedRamBytes: { value: memory.firmwareReservedRamBytes, source: `${at('memory.firmwareReservedRamBytes')}, ${reserveNote}` },
    moduleMemoryBytes,
    stackBytes: { value: memory.defaultStackBytes, source: at('memory.defaultStackBytes') },
    cpus: { value: def.cpu.coreCount, source: at('cpu.coreCount', cpuSheet) },
    clockHz:
      def.cpu.clockHz !== undefined
        ? { value: def.cpu.clockHz, source: at('cpu.clockHz', cpuSheet) }
        : { value: null, source: `target ${def.id}: no clock declared (${def.kind})` },
    fpu: { value: def.cpu.fpu, source: at('cpu.fpu', cpuSheet) },
    mpu: { value: def.cpu.mpu, source: at('cpu.mpu', cpuSheet) },
    pacbti: { value: def.cpu.pacbti, source: at('cpu.pacbti', cpuSheet) },
    uart: { value: uartValue, source: at('uart', uart.datasheet ?? def.datasheet) },
    flashMethod: { value: defaultMethod.runner, source: at('flashMethods[0].runner') },
    maxLinearMemoryBytes:
      def.wasm?.maxLinearMemoryBytes !== undefined
        ? { value: def.wasm.maxLinearMemoryBytes, source: at('wasm.maxLinearMemoryBytes') }
        : { value: null, source: `target ${def.id}: no wasm.maxLinearMemoryBytes; module memory bounds linear memory` },
    maxTableEntries:
      def.wasm?.maxTableEntries !== undefined
        ? { value: def.wasm.maxTableEntries, source: at('wasm.maxTableEntries') }
        : { value: null, source: `target ${def.id}: no wasm.maxTableEntries` },
  };
}

function reserveBasisNote(def: TargetDefinition): string {
  switch (def.memory.firmwareReserveBasis) {
    case 'estimate':
      return 'estimated until the interpreter firmware is measured';
    case 'measured':
      return "measured: the interpreter firmware's static RAM and stack (wrt-size ram= of its build)";
    case 'not-applicable':
      return 'not applicable: the simulator runs in the host process';
  }
}
