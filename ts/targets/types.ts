/**
 * The shape of a target definition (targets/<id>.yaml), mirroring targets/schema/target.schema.json.
 * The schema is the authority on what a file may contain; these types are what code sees after the
 * schema and the semantic checks passed. FIELD_TABLES below ties the two together: the compiler
 * checks each table against its interface, and test/targets/schema-type.test.ts checks each table
 * against the schema, so a field added to one side only fails the build or the tests.
 */

// The enumerations as values, so tests can compare them with the schema's enums.
export const TARGET_KINDS = ['host-sim', 'emulated', 'board', 'host'] as const;
export const CPU_ARCHES = [
  'armv6-m',
  'armv7-m',
  'armv7e-m',
  'armv8-m.base',
  'armv8-m.main',
  'armv8.1-m.main',
  'x86_64',
  'aarch64',
  'host',
] as const;
export const CPU_CORES = [
  'cortex-m0',
  'cortex-m0+',
  'cortex-m3',
  'cortex-m4',
  'cortex-m7',
  'cortex-m23',
  'cortex-m33',
  'cortex-m55',
  'cortex-m85',
  'host',
] as const;
/** none; sp: single precision; dp: single and double precision. */
export const FPU_KINDS = ['none', 'sp', 'dp'] as const;
export const UART_KINDS = ['cmsdk-apb', 'pl011', 'stm32-usart', 'nrf-uarte', 'rp2040-pl011', 'host-stdio', 'pty'] as const;
export const FLASH_RUNNERS = ['qemu', 'openocd', 'probe-rs', 'pyocd', 'nrfjprog', 'picotool', 'uf2-copy', 'none'] as const;
export const FLOAT_SUPPORT = ['hard', 'soft', 'none'] as const;
export const HARDWARE_CFI = ['none', 'pacbti', 'cet', 'bti-pac', 'host'] as const;
export const FIRMWARE_COMPILERS = ['gcc', 'clang'] as const;
export const FIRMWARE_RESERVE_BASES = ['estimate', 'measured', 'not-applicable'] as const;
/** Where the arena comes from: native/platform/wrt_mem_<kind>.c (docs/targets.md). */
export const MEMORY_ADAPTER_KINDS = ['linux-mmap', 'qnx-typed-memory', 'linker-arena'] as const;

export type TargetKind = (typeof TARGET_KINDS)[number];
export type CpuArch = (typeof CPU_ARCHES)[number];
export type CpuCore = (typeof CPU_CORES)[number];
export type FpuKind = (typeof FPU_KINDS)[number];
export type UartKind = (typeof UART_KINDS)[number];
export type FlashRunner = (typeof FLASH_RUNNERS)[number];
export type FloatSupport = (typeof FLOAT_SUPPORT)[number];
export type HardwareCfi = (typeof HARDWARE_CFI)[number];
export type FirmwareReserveBasis = (typeof FIRMWARE_RESERVE_BASES)[number];
export type MemoryAdapterKind = (typeof MEMORY_ADAPTER_KINDS)[number];

export interface TargetCpu {
  readonly arch: CpuArch;
  readonly core: CpuCore;
  readonly coreCount: number;
  readonly fpu: FpuKind;
  readonly mpu: boolean;
  readonly pacbti: boolean;
  /** Required for emulated and board kinds; absent for host kinds. */
  readonly clockHz?: number;
  readonly datasheet?: string;
}

export interface FlashRegion {
  readonly base: number;
  readonly bytes: number;
  readonly datasheet?: string;
}

export interface RamRegion {
  readonly name: string;
  readonly base: number;
  readonly bytes: number;
  /** Exactly one region of a board sets this: module memory comes from it. */
  readonly arena?: boolean;
  /** At most one region, never the arena's: the firmware's own RAM lives there instead of in the arena region. */
  readonly firmware?: boolean;
  readonly datasheet?: string;
}

export interface TargetMemory {
  /** Required for emulated and board kinds; host kinds declare none. */
  readonly flash?: FlashRegion;
  /** Required for emulated and board kinds; on host kinds RAM is discovered by probe. */
  readonly ram?: readonly RamRegion[];
  /** Required for host kinds; on boards it defaults to arena region bytes minus the reserve. */
  readonly arenaBytes?: number;
  /** RAM the interpreter firmware itself uses: in the region marked `firmware`, else in the arena region. */
  readonly firmwareReservedRamBytes: number;
  readonly firmwareReserveBasis: FirmwareReserveBasis;
  readonly defaultStackBytes: number;
  /** Absent: the default of the target's kind (ts/targets/memory-adapter.ts). */
  readonly adapter?: MemoryAdapterSpec;
}

/** memory.adapter as written; memoryAdapterOf resolves it with the defaults. */
export interface MemoryAdapterSpec {
  readonly kind: MemoryAdapterKind;
  readonly lock?: boolean;
  readonly populate?: boolean;
  readonly hugepages?: boolean;
  /** Required for qnx-typed-memory. */
  readonly typedMemoryName?: string;
}

export interface TargetUart {
  readonly kind: UartKind;
  readonly instance?: string;
  /** Required for memory-mapped UART kinds. */
  readonly base?: number;
  readonly baud?: number;
  readonly datasheet?: string;
}

export interface FlashMethod {
  readonly runner: FlashRunner;
  /** Each command is an argv template; see ts/targets/flash.ts for the placeholders. */
  readonly commands: readonly (readonly string[])[];
  readonly notes?: string;
}

export interface TargetEmulator {
  readonly binary: string;
  readonly machine: string;
  readonly args: readonly string[];
  readonly datasheet?: string;
}

export type FirmwareCompiler = (typeof FIRMWARE_COMPILERS)[number];

/** The interpreter firmware built for a target: targets/firmware/<app> on targets/bsp/<board>. */
export interface TargetFirmware {
  readonly board: string;
  readonly app: string;
  /** Who compiles it (default gcc): clang where gcc lacks a flag the board needs (PACBTI). */
  readonly compiler?: FirmwareCompiler;
  /** The upload buffer: the largest module the device takes. */
  readonly uploadBufferBytes: number;
  /** The firmware's native stack. */
  readonly stackBytes: number;
  /** The fast image's component runtime where it differs from the engine header's defaults. */
  readonly component?: TargetFirmwareComponent;
}

/**
 * A board's component runtime (schema: firmware.component): the generated board.mk turns each
 * field into the engine macro it names, and the host's profile checks against the same numbers.
 */
export interface TargetFirmwareComponent {
  readonly wasi2?: boolean;
  readonly adapters?: number;
  readonly adapterDepth?: number;
  readonly resourceTypes?: number;
  readonly handleTables?: number;
  readonly handlesPerTable?: number;
  readonly adapterValues?: number;
  readonly adapterTypeNodes?: number;
  readonly adapterTypeBytes?: number;
  readonly invokeValues?: number;
  readonly invokeTypeNodes?: number;
}

export interface TargetFeatures {
  readonly simd: boolean;
  readonly float: FloatSupport;
  readonly bulkMemory: boolean;
  readonly hardwareCfi: HardwareCfi;
}

/** One import the target's interpreter offers; signature letters as native/interp/wrt_api.h writes them. */
export interface HostFunction {
  readonly module: string;
  readonly name: string;
  readonly signature: string;
}

export interface WasmOverrides {
  readonly maxLinearMemoryBytes?: number;
  readonly maxTableEntries?: number;
}

export interface TargetDefinition {
  readonly id: string;
  readonly name: string;
  readonly vendor: string;
  readonly kind: TargetKind;
  readonly datasheet: string;
  readonly cpu: TargetCpu;
  readonly memory: TargetMemory;
  readonly uart: TargetUart;
  /** The first entry is the default runner. */
  readonly flashMethods: readonly FlashMethod[];
  /** Required for the emulated kind. */
  readonly emulator?: TargetEmulator;
  /** Present when this repository builds firmware for the target. */
  readonly firmware?: TargetFirmware;
  readonly features: TargetFeatures;
  /** What a module may import on this target (absent: not known, imports are not checked). */
  readonly hostFunctions?: readonly HostFunction[];
  readonly wasm?: WasmOverrides;
  readonly notes?: string;
}

type RequiredKeys<T> = { [K in keyof T]-?: object extends Pick<T, K> ? never : K }[keyof T];

/** Every key of T, mapped to true when T requires it and false when it is optional. */
export type KeyTable<T> = { readonly [K in keyof T]-?: K extends RequiredKeys<T> ? true : false };

/**
 * One key table per object in the schema, by JSON pointer into the data ('*' for array items).
 * `satisfies` makes the compiler reject a missing key, an extra key, or a wrong required flag.
 */
export const FIELD_TABLES = {
  '': {
    id: true,
    name: true,
    vendor: true,
    kind: true,
    datasheet: true,
    cpu: true,
    memory: true,
    uart: true,
    flashMethods: true,
    emulator: false,
    firmware: false,
    features: true,
    hostFunctions: false,
    wasm: false,
    notes: false,
  } satisfies KeyTable<TargetDefinition>,
  '/cpu': {
    arch: true,
    core: true,
    coreCount: true,
    fpu: true,
    mpu: true,
    pacbti: true,
    clockHz: false,
    datasheet: false,
  } satisfies KeyTable<TargetCpu>,
  '/memory': {
    flash: false,
    ram: false,
    arenaBytes: false,
    firmwareReservedRamBytes: true,
    firmwareReserveBasis: true,
    defaultStackBytes: true,
    adapter: false,
  } satisfies KeyTable<TargetMemory>,
  '/memory/adapter': { kind: true, lock: false, populate: false, hugepages: false, typedMemoryName: false } satisfies KeyTable<MemoryAdapterSpec>,
  '/memory/flash': { base: true, bytes: true, datasheet: false } satisfies KeyTable<FlashRegion>,
  '/memory/ram/*': {
    name: true,
    base: true,
    bytes: true,
    arena: false,
    firmware: false,
    datasheet: false,
  } satisfies KeyTable<RamRegion>,
  '/uart': {
    kind: true,
    instance: false,
    base: false,
    baud: false,
    datasheet: false,
  } satisfies KeyTable<TargetUart>,
  '/flashMethods/*': { runner: true, commands: true, notes: false } satisfies KeyTable<FlashMethod>,
  '/emulator': { binary: true, machine: true, args: true, datasheet: false } satisfies KeyTable<TargetEmulator>,
  '/firmware': { board: true, app: true, compiler: false, uploadBufferBytes: true, stackBytes: true, component: false } satisfies KeyTable<TargetFirmware>,
  '/firmware/component': {
    wasi2: false,
    adapters: false,
    adapterDepth: false,
    resourceTypes: false,
    handleTables: false,
    handlesPerTable: false,
    adapterValues: false,
    adapterTypeNodes: false,
    adapterTypeBytes: false,
    invokeValues: false,
    invokeTypeNodes: false,
  } satisfies KeyTable<TargetFirmwareComponent>,
  '/features': { simd: true, float: true, bulkMemory: true, hardwareCfi: true } satisfies KeyTable<TargetFeatures>,
  '/hostFunctions/*': { module: true, name: true, signature: true } satisfies KeyTable<HostFunction>,
  '/wasm': { maxLinearMemoryBytes: false, maxTableEntries: false } satisfies KeyTable<WasmOverrides>,
} as const;

/** Schema enums by JSON pointer into the data, for the schema/type agreement test. */
export const ENUM_TABLES = {
  '/kind': TARGET_KINDS,
  '/cpu/arch': CPU_ARCHES,
  '/cpu/core': CPU_CORES,
  '/cpu/fpu': FPU_KINDS,
  '/memory/firmwareReserveBasis': FIRMWARE_RESERVE_BASES,
  '/memory/adapter/kind': MEMORY_ADAPTER_KINDS,
  '/uart/kind': UART_KINDS,
  '/flashMethods/*/runner': FLASH_RUNNERS,
  '/features/float': FLOAT_SUPPORT,
  '/features/hardwareCfi': HARDWARE_CFI,
  '/firmware/compiler': FIRMWARE_COMPILERS,
} as const;
