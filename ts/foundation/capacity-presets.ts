import { WrtError } from '../core/errors.js';

/**
 * The fixed capacities a runtime build is compiled with. Every bounded table in the device
 * runtime is sized from one of these presets, so a module that fits the preset fits the device.
 */
export interface CapacityLimits {
  readonly types: number;
  readonly functions: number;
  readonly imports: number;
  readonly exports: number;
  readonly globals: number;
  readonly tables: number;
  readonly elementSegments: number;
  readonly dataSegments: number;
  readonly localsPerFunction: number;
  /** Operand (value) stack slots of 8 bytes; a v128 takes two. */
  readonly operandStackSlots: number;
  /** Nesting of block/loop/if inside one function. */
  readonly controlDepth: number;
  /** Wasm call frames live at once. */
  readonly callDepth: number;
  readonly components: number;
  readonly componentInstances: number;
  /** Live component-model resource handles. */
  readonly resources: number;
  /** Longest single name or string (import/export names, custom section names) in UTF-8 bytes. */
  readonly stringBytes: number;
}

export type CapacityField = keyof CapacityLimits;

export const CAPACITY_PRESET_NAMES = ['small', 'medium', 'large'] as const;
export type CapacityPresetName = (typeof CAPACITY_PRESET_NAMES)[number];

export interface CapacityPreset {
  readonly name: CapacityPresetName;
  /** The kind of machine the preset is for. */
  readonly title: string;
  readonly rationale: string;
  readonly limits: CapacityLimits;
}

export interface CapacityFieldInfo {
  readonly description: string;
  /** Why the three presets hold the values they hold. */
  readonly rationale: string;
}

export const CAPACITY_FIELDS: Readonly<Record<CapacityField, CapacityFieldInfo>> = {
  types: {
    description: 'function types in the type section',
    rationale: 'small C programs use a few dozen signatures; large follows the JS embedding limit of 1,000,000',
  },
  functions: {
    description: 'functions, imported and defined',
    rationale: 'a ~16-byte function record each: 128 is 2 KiB on an MCU; large follows the JS embedding limit',
  },
  imports: {
    description: 'imports',
    rationale: 'MCU firmware imports a handful of host calls; large follows the JS embedding limit (1,000,000 since 2024)',
  },
  exports: {
    description: 'exports',
    rationale: 'mirrors imports; large follows the JS embedding limit',
  },
  globals: {
    description: 'globals, imported and defined',
    rationale: '8 bytes each (16 for v128); C toolchains emit a stack pointer and a few more',
  },
  tables: {
    description: 'tables, imported and defined',
    rationale: 'one funcref table serves C/C++/Rust indirect calls; large follows the JS embedding limit of 100,000',
  },
  elementSegments: {
    description: 'element segments',
    rationale: 'toolchains emit one or a few; large follows the wasmparser limit of 100,000',
  },
  dataSegments: {
    description: 'data segments',
    rationale: 'linkers merge data into few segments; large follows the JS embedding limit of 100,000',
  },
  localsPerFunction: {
    description: 'locals of one function, parameters included',
    rationale: 'locals live on the operand stack, so the cap stays well below operandStackSlots; large is the JS limit 50,000',
  },
  operandStackSlots: {
    description: 'operand stack slots (8 bytes each)',
    rationale: '512 slots = 4 KiB on an MCU, 8192 = 64 KiB on embedded Linux, 1 Mi slots = 8 MiB on a host',
  },
  controlDepth: {
    description: 'nested blocks in one function',
    rationale: 'a control frame is ~16 bytes; compiled code rarely nests past 32, generated code can nest deeply',
  },
  callDepth: {
    description: 'live call frames',
    rationale: 'bounds recursion before the device stack does; ~32 bytes per frame: 64 frames = 2 KiB on an MCU',
  },
  components: {
    description: 'loaded components',
    rationale: 'an MCU runs one component; embedded Linux a few services; a host a plug-in system',
  },
  componentInstances: {
    description: 'live component instances',
    rationale: 'a composed component instantiates its parts: a few per component',
  },
  resources: {
    description: 'live resource handles',
    rationale: 'one table slot per handle; an MCU holds a few peripherals, a host many files and sockets',
  },
  stringBytes: {
    description: 'longest name or string, in UTF-8 bytes',
    rationale: 'names are copied into fixed buffers: 32 bytes fits C identifiers on an MCU; large is the JS limit 100,000',
  },
};

export const CAPACITY_PRESETS: Readonly<Record<CapacityPresetName, CapacityPreset>> = {
  small: {
    name: 'small',
    title: 'MCU (~64 KiB RAM)',
    rationale: 'all runtime tables together take ~13 KiB (names at full length), leaving ~50 KiB of 64 KiB to code, data and stack',
    limits: {
      types: 32,
      functions: 128,
      imports: 32,
      exports: 32,
      globals: 32,
      tables: 1,
      elementSegments: 4,
      dataSegments: 8,
      localsPerFunction: 64,
      operandStackSlots: 512,
      controlDepth: 32,
      callDepth: 64,
      components: 1,
      componentInstances: 2,
      resources: 16,
      stringBytes: 32,
    },
  },
  medium: {
    name: 'medium',
    title: 'embedded Linux or QNX (~1 MiB for the runtime)',
    rationale: 'runtime tables take ~270 KiB (names at full length), about a quarter of 1 MiB, for services built from C, C++ or Rust',
    limits: {
      types: 256,
      functions: 2048,
      imports: 256,
      exports: 256,
      globals: 256,
      tables: 4,
      elementSegments: 32,
      dataSegments: 64,
      localsPerFunction: 512,
      operandStackSlots: 8192,
      controlDepth: 256,
      callDepth: 512,
      components: 8,
      componentInstances: 32,
      resources: 1024,
      stringBytes: 256,
    },
  },
  large: {
    name: 'large',
    title: 'host (development machine, server)',
    rationale: 'accepts every module a web engine accepts: module limits follow the WebAssembly JS embedding limits',
    limits: {
      types: 1_000_000,
      functions: 1_000_000,
      imports: 1_000_000,
      exports: 1_000_000,
      globals: 1_000_000,
      tables: 100_000,
      elementSegments: 100_000,
      dataSegments: 100_000,
      localsPerFunction: 50_000,
      operandStackSlots: 1_048_576,
      controlDepth: 16_384,
      callDepth: 65_536,
      components: 1024,
      componentInstances: 4096,
      resources: 1_048_576,
      stringBytes: 100_000,
    },
  },
};

export function isCapacityPresetName(value: string): value is CapacityPresetName {
  return (CAPACITY_PRESET_NAMES as readonly string[]).includes(value);
}

/** Looks a preset up by name (case-insensitive); `source` names where the name came from. */
export function capacityPreset(name: string, source: string): CapacityPreset {
  const key = name.trim().toLowerCase();
  if (isCapacityPresetName(key)) return CAPACITY_PRESETS[key];
  throw new WrtError('VALUE_INVALID', `"${name}" is not a capacity preset: expected ${CAPACITY_PRESET_NAMES.join(', ')}`, {
    source,
    field: source,
  });
}
