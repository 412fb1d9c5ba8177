import { WrtError } from '../core/errors.js';
import {
  SPLICE_PLACEHOLDER,
  isEmulatorPlaceholder,
  isInputPlaceholder,
  knownPlaceholders,
  splitTemplate,
} from './template.js';
import type { CpuArch, CpuCore, FpuKind, RamRegion, TargetDefinition, TargetKind, UartKind } from './types.js';

/**
 * Checks a schema-valid definition for what JSON Schema cannot express. Pure; throws the first
 * problem as TARGET_INVALID with the JSON pointer of the field to fix and the rule it breaks.
 */
export function checkTargetSemantics(def: TargetDefinition, file: string, expectedId?: string): void {
  const fail = (field: string, message: string, limit?: string): never => {
    throw new WrtError('TARGET_INVALID', `${field} ${message}`, limit === undefined ? { file, field } : { file, field, limit });
  };
  if (expectedId !== undefined && def.id !== expectedId) {
    fail('/id', `is "${def.id}" but the file is named ${expectedId}.yaml`, 'id equals the file name without .yaml');
  }
  checkCpu(def, fail);
  checkMemory(def, fail);
  checkFeatures(def, fail);
  checkUart(def, fail);
  checkFlashMethods(def, fail);
  checkFirmware(def, fail);
  checkMemoryAdapter(def, fail);
}

/** The adapter must be one the target's kind has, and its options the adapter's. */
function checkMemoryAdapter(def: TargetDefinition, fail: Fail): void {
  const adapter = def.memory.adapter;
  if (adapter === undefined) return;
  const host = isHostKind(def.kind);
  if (host === (adapter.kind === 'linker-arena')) {
    fail(
      '/memory/adapter/kind',
      `is ${adapter.kind} on ${withArticle(def.kind)} target`,
      host ? 'linux-mmap or qnx-typed-memory for host kinds (native-sim)' : 'linker-arena for emulated and board kinds (the firmware)',
    );
  }
  if (adapter.hugepages === true && adapter.kind !== 'linux-mmap') {
    fail('/memory/adapter/hugepages', `is set for ${adapter.kind}`, 'huge pages are linux-mmap\'s (MAP_HUGETLB)');
  }
  if (adapter.typedMemoryName !== undefined && adapter.kind !== 'qnx-typed-memory') {
    fail('/memory/adapter/typedMemoryName', `is set for ${adapter.kind}`, 'a typed memory object is qnx-typed-memory\'s');
  }
}

/** Firmware runs on a board's own RAM: its upload buffer and stack are part of the reserve. */
function checkFirmware(def: TargetDefinition, fail: Fail): void {
  const firmware = def.firmware;
  if (firmware === undefined) return;
  if (isHostKind(def.kind)) fail('/firmware', `is declared on ${withArticle(def.kind)} target`, 'firmware is built for emulated and board targets');
  const inside = firmware.uploadBufferBytes + firmware.stackBytes;
  if (inside > def.memory.firmwareReservedRamBytes) {
    fail(
      '/firmware/uploadBufferBytes',
      `plus firmware.stackBytes is ${inside}, more than the memory.firmwareReservedRamBytes (${def.memory.firmwareReservedRamBytes}) they are part of`,
      `uploadBufferBytes + stackBytes <= ${def.memory.firmwareReservedRamBytes}`,
    );
  }
}

type Fail = (field: string, message: string, limit?: string) => never;

interface CoreSpec {
  readonly arches: readonly CpuArch[];
  readonly fpus: readonly FpuKind[];
  readonly mpuPossible: boolean;
  readonly pacbtiPossible: boolean;
}

/** What each core can be configured with, from Arm's processor technical reference manuals. */
export const CORE_SPECS: Readonly<Record<CpuCore, CoreSpec>> = {
  'cortex-m0': { arches: ['armv6-m'], fpus: ['none'], mpuPossible: false, pacbtiPossible: false },
  'cortex-m0+': { arches: ['armv6-m'], fpus: ['none'], mpuPossible: true, pacbtiPossible: false },
  'cortex-m3': { arches: ['armv7-m'], fpus: ['none'], mpuPossible: true, pacbtiPossible: false },
  'cortex-m4': { arches: ['armv7e-m'], fpus: ['none', 'sp'], mpuPossible: true, pacbtiPossible: false },
  'cortex-m7': { arches: ['armv7e-m'], fpus: ['none', 'sp', 'dp'], mpuPossible: true, pacbtiPossible: false },
  'cortex-m23': { arches: ['armv8-m.base'], fpus: ['none'], mpuPossible: true, pacbtiPossible: false },
  'cortex-m33': { arches: ['armv8-m.main'], fpus: ['none', 'sp'], mpuPossible: true, pacbtiPossible: false },
  'cortex-m55': { arches: ['armv8.1-m.main'], fpus: ['none', 'sp', 'dp'], mpuPossible: true, pacbtiPossible: false },
  'cortex-m85': { arches: ['armv8.1-m.main'], fpus: ['none', 'sp', 'dp'], mpuPossible: true, pacbtiPossible: true },
  host: { arches: ['host', 'x86_64', 'aarch64'], fpus: ['none', 'sp', 'dp'], mpuPossible: false, pacbtiPossible: false },
};

const ADDRESS_SPACE_32 = 2 ** 32;
const MEMORY_MAPPED_UARTS: readonly UartKind[] = ['cmsdk-apb', 'pl011', 'stm32-usart', 'nrf-uarte', 'rp2040-pl011'];

export function isHostKind(kind: TargetKind): boolean {
  return kind === 'host-sim' || kind === 'host';
}

/** Cortex-M (all the armv*-m profiles) addresses 4 GiB; bases and region ends must fit in it. */
export function is32BitArch(arch: CpuArch): boolean {
  return arch.startsWith('armv');
}

function withArticle(kind: TargetKind): string {
  return `${kind === 'emulated' ? 'an' : 'a'} ${kind}`;
}

export function hex(value: number): string {
  return `0x${value.toString(16)}`;
}

function checkCpu(def: TargetDefinition, fail: Fail): void {
  const { cpu } = def;
  const spec = CORE_SPECS[cpu.core];
  if (isHostKind(def.kind) !== (cpu.core === 'host')) {
    fail('/cpu/core', `is ${cpu.core} on ${withArticle(def.kind)} target`, 'host kinds use core host; boards and emulated boards name their core');
  }
  if (!spec.arches.includes(cpu.arch)) {
    fail('/cpu/arch', `is ${cpu.arch}, which ${cpu.core} does not implement`, `${cpu.core} implements ${spec.arches.join(' | ')}`);
  }
  if (!spec.fpus.includes(cpu.fpu)) {
    fail('/cpu/fpu', `is ${cpu.fpu}, which ${cpu.core} does not offer`, `${cpu.core} offers fpu ${spec.fpus.join(' | ')}`);
  }
  if (cpu.mpu && !spec.mpuPossible) {
    fail('/cpu/mpu', `is true, but ${cpu.core} has no MPU option`, `${cpu.core}: mpu false`);
  }
  if (cpu.pacbti && !spec.pacbtiPossible) {
    fail('/cpu/pacbti', `is true, but ${cpu.core} does not implement PACBTI`, 'PACBTI is an Armv8.1-M extension implemented by cortex-m85');
  }
}

/** A region as the checks see it: where it sits in the document and what to call it. */
interface PlacedRegion {
  readonly pointer: string;
  readonly label: string;
  readonly base: number;
  readonly bytes: number;
}

function checkMemory(def: TargetDefinition, fail: Fail): void {
  const { memory } = def;
  if (isHostKind(def.kind)) {
    if (memory.ram !== undefined) fail('/memory/ram', `is declared on ${withArticle(def.kind)} target`, 'host targets discover RAM with probe; declare memory.arenaBytes');
    if (memory.flash !== undefined) fail('/memory/flash', `is declared on ${withArticle(def.kind)} target`, 'host targets have no flash');
    const arenaBytes = memory.arenaBytes ?? fail('/memory/arenaBytes', 'is required for this kind of target');
    checkModuleMemory(def, arenaBytes, fail);
    return;
  }
  if (memory.firmwareReserveBasis === 'not-applicable') {
    fail('/memory/firmwareReserveBasis', `is not-applicable on ${withArticle(def.kind)} target`, 'estimate | measured');
  }
  const flash = memory.flash ?? fail('/memory/flash', 'is required for this kind of target');
  const ram = memory.ram ?? fail('/memory/ram', 'is required for this kind of target');

  const regions: PlacedRegion[] = [
    { pointer: '/memory/flash', label: 'memory.flash', base: flash.base, bytes: flash.bytes },
    ...ram.map((region, index) => ({
      pointer: `/memory/ram/${index}`,
      label: `memory.ram[${region.name}]`,
      base: region.base,
      bytes: region.bytes,
    })),
  ];
  if (is32BitArch(def.cpu.arch)) {
    for (const region of regions) {
      if (region.base + region.bytes > ADDRESS_SPACE_32) {
        fail(
          `${region.pointer}/bytes`,
          `reaches ${hex(region.base + region.bytes)}, past the 32-bit address space of ${def.cpu.arch}`,
          'base + bytes <= 0x100000000',
        );
      }
    }
  }
  const seenNames = new Map<string, number>();
  ram.forEach((region, index) => {
    const earlier = seenNames.get(region.name);
    if (earlier !== undefined) fail(`/memory/ram/${index}/name`, `"${region.name}" is already the name of /memory/ram/${earlier}`, 'region names are unique');
    seenNames.set(region.name, index);
  });
  for (let later = 1; later < regions.length; later += 1) {
    const b = regions[later];
    if (b === undefined) continue;
    for (let earlier = 0; earlier < later; earlier += 1) {
      const a = regions[earlier];
      if (a === undefined) continue;
      if (a.base < b.base + b.bytes && b.base < a.base + a.bytes) {
        fail(
          b.pointer,
          `(${range(b)}) overlaps ${a.label} (${range(a)})`,
          'memory regions do not overlap',
        );
      }
    }
  }
  const { arena, firmware, available } = arenaBudget(ram, memory.firmwareReservedRamBytes, fail);
  if (firmware !== arena && memory.firmwareReservedRamBytes > firmware.region.bytes) {
    fail(
      '/memory/firmwareReservedRamBytes',
      `is ${memory.firmwareReservedRamBytes}, more than memory.ram[${firmware.region.name}] (${firmware.region.bytes} bytes), the region marked firmware: true`,
      `<= ${firmware.region.bytes}`,
    );
  }
  if (memory.arenaBytes !== undefined && memory.arenaBytes > available) {
    const rule = firmware === arena ? `memory.ram[${arena.region.name}].bytes - memory.firmwareReservedRamBytes` : `memory.ram[${arena.region.name}].bytes`;
    const sum = firmware === arena ? `${arena.region.bytes} - ${memory.firmwareReservedRamBytes} = ${available}` : `${available}`;
    fail('/memory/arenaBytes', `is ${memory.arenaBytes}, more than ${rule}`, `<= ${sum}`);
  }
  checkModuleMemory(def, memory.arenaBytes ?? available, fail);
}

interface IndexedRegion {
  readonly region: RamRegion;
  readonly index: number;
}

/**
 * Where the arena and the firmware's own RAM live, and the arena's room: the arena region whole
 * when another region is marked `firmware: true` (the firmware links its stack, data and upload
 * buffer there), else the arena region less the firmware reserve. One rule for the checks, the
 * limits and the profile's budget.
 */
export function arenaBudget(
  ram: readonly RamRegion[],
  firmwareReservedRamBytes: number,
  fail: Fail,
): { readonly arena: IndexedRegion; readonly firmware: IndexedRegion; readonly available: number } {
  const arena = findArenaRegion(ram, fail);
  const marked = ram.flatMap((region, index) => (region.firmware === true ? [{ region, index }] : []));
  const [first, second] = marked;
  if (second !== undefined && first !== undefined) {
    fail(`/memory/ram/${second.index}/firmware`, `is true, but /memory/ram/${first.index}/firmware is too`, 'at most one RAM region holds the firmware');
  }
  if (first !== undefined && first.index === arena.index) {
    fail(`/memory/ram/${first.index}/firmware`, 'is true on the arena region', 'firmware: true marks a region other than the arena\'s; leave it out to share the arena region');
  }
  const firmware = first ?? arena;
  if (firmware === arena && firmwareReservedRamBytes >= arena.region.bytes) {
    fail(
      '/memory/firmwareReservedRamBytes',
      `is ${firmwareReservedRamBytes}, leaving nothing of memory.ram[${arena.region.name}] (${arena.region.bytes} bytes)`,
      `< ${arena.region.bytes}`,
    );
  }
  const available = firmware === arena ? arena.region.bytes - firmwareReservedRamBytes : arena.region.bytes;
  return { arena, firmware, available };
}

/** The region that holds the arena, with its index; exactly one region must be marked. */
export function findArenaRegion(ram: readonly RamRegion[], fail: Fail): { readonly region: RamRegion; readonly index: number } {
  const marked = ram.flatMap((region, index) => (region.arena === true ? [{ region, index }] : []));
  const [first, second] = marked;
  if (first === undefined) return fail('/memory/ram', 'has no region with arena: true', 'exactly one RAM region holds the arena');
  if (second !== undefined) {
    fail(`/memory/ram/${second.index}/arena`, `is true, but /memory/ram/${first.index}/arena is too`, 'exactly one RAM region holds the arena');
  }
  return first;
}

function checkModuleMemory(def: TargetDefinition, moduleMemoryBytes: number, fail: Fail): void {
  if (def.memory.defaultStackBytes > moduleMemoryBytes) {
    fail('/memory/defaultStackBytes', `is ${def.memory.defaultStackBytes}, more than the ${moduleMemoryBytes} bytes of module memory`, `<= ${moduleMemoryBytes}`);
  }
  const maxLinear = def.wasm?.maxLinearMemoryBytes;
  if (maxLinear !== undefined && maxLinear > moduleMemoryBytes) {
    fail('/wasm/maxLinearMemoryBytes', `is ${maxLinear}, more than the ${moduleMemoryBytes} bytes of module memory`, `<= ${moduleMemoryBytes}`);
  }
}

function range(region: PlacedRegion): string {
  return `${hex(region.base)}..${hex(region.base + region.bytes - 1)}`;
}

function checkFeatures(def: TargetDefinition, fail: Fail): void {
  const { features, cpu } = def;
  if (features.float === 'hard' && cpu.fpu === 'none') {
    fail('/features/float', 'is hard, but cpu.fpu is none', 'soft | none without an FPU');
  }
  switch (features.hardwareCfi) {
    case 'pacbti':
      // The firmware's PAC and BTI instructions are in the Armv8.1-M hint space: a core without
      // the extension (cpu.pacbti false, a Cortex-M55) runs them as NOPs, one with it enforces them.
      if (cpu.arch !== 'armv8.1-m.main') {
        fail('/features/hardwareCfi', `is pacbti, but cpu.arch is ${cpu.arch}`, 'pacbti needs cpu.arch armv8.1-m.main (PACBTI is an Armv8.1-M extension)');
      }
      break;
    case 'cet':
      if (cpu.arch !== 'x86_64') fail('/features/hardwareCfi', `is cet, but cpu.arch is ${cpu.arch}`, 'cet needs cpu.arch x86_64');
      break;
    case 'bti-pac':
      if (cpu.arch !== 'aarch64') fail('/features/hardwareCfi', `is bti-pac, but cpu.arch is ${cpu.arch}`, 'bti-pac needs cpu.arch aarch64');
      break;
    case 'host':
      if (!isHostKind(def.kind)) fail('/features/hardwareCfi', `is host on ${withArticle(def.kind)} target`, 'host only on host-sim and host targets');
      break;
    case 'none':
      break;
  }
}

function checkUart(def: TargetDefinition, fail: Fail): void {
  const { uart } = def;
  const memoryMapped = MEMORY_MAPPED_UARTS.includes(uart.kind);
  if (memoryMapped === isHostKind(def.kind)) {
    fail(
      '/uart/kind',
      `is ${uart.kind} on ${withArticle(def.kind)} target`,
      isHostKind(def.kind) ? 'host-stdio | pty on host targets' : 'a memory-mapped UART on boards and emulated boards',
    );
  }
  if (uart.base !== undefined && is32BitArch(def.cpu.arch) && uart.base >= ADDRESS_SPACE_32) {
    fail('/uart/base', `is ${hex(uart.base)}, past the 32-bit address space`, '<= 0xffffffff');
  }
}

function checkFlashMethods(def: TargetDefinition, fail: Fail): void {
  const seen = new Map<string, number>();
  def.flashMethods.forEach((method, index) => {
    const pointer = `/flashMethods/${index}`;
    const earlier = seen.get(method.runner);
    if (earlier !== undefined) fail(`${pointer}/runner`, `${method.runner} is already /flashMethods/${earlier}`, 'one entry per runner');
    seen.set(method.runner, index);
    const allowed = isHostKind(def.kind) ? method.runner === 'none' : def.kind === 'emulated' ? method.runner === 'qemu' : method.runner !== 'qemu' && method.runner !== 'none';
    if (!allowed) {
      const rule = isHostKind(def.kind) ? 'none on host targets' : def.kind === 'emulated' ? 'qemu on emulated targets' : 'a flashing tool (not qemu or none) on boards';
      fail(`${pointer}/runner`, `is ${method.runner} on ${withArticle(def.kind)} target`, rule);
    }
    method.commands.forEach((command, commandIndex) => {
      command.forEach((element, elementIndex) => {
        checkTemplateElement(def, element, `${pointer}/commands/${commandIndex}/${elementIndex}`, fail);
      });
    });
  });
  if (def.emulator !== undefined && def.kind !== 'emulated') {
    fail('/emulator', `is declared on ${withArticle(def.kind)} target`, 'only emulated targets have an emulator');
  }
}

function checkTemplateElement(def: TargetDefinition, element: string, pointer: string, fail: Fail): void {
  const parsed = splitTemplate(element);
  if (!parsed.ok) return fail(pointer, `is not a valid command template: ${parsed.reason}`, `placeholders: ${knownPlaceholders()}`);
  for (const part of parsed.parts) {
    if (part.kind !== 'placeholder') continue;
    const { name } = part;
    if (name === SPLICE_PLACEHOLDER) {
      if (parsed.parts.length !== 1) fail(pointer, `uses {${name}} inside a larger argument`, `{${name}} stands alone as one argv element`);
      if (def.emulator === undefined) fail(pointer, `uses {${name}}, but the target has no emulator section`);
    } else if (isEmulatorPlaceholder(name)) {
      if (def.emulator === undefined) fail(pointer, `uses {${name}}, but the target has no emulator section`);
    } else if (!isInputPlaceholder(name)) {
      fail(pointer, `uses the unknown placeholder {${name}}`, `placeholders: ${knownPlaceholders()}`);
    }
  }
}
