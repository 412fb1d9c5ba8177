import type { TargetDefinition } from '../targets/types.js';
import type { ExpectedValue, WasmValue } from '../wasm/values.js';

/** hil/schema/hardware-map.schema.json, as data. */
export interface RawHardwareMap {
  readonly boards: readonly RawBoard[];
}
export type RawConnection = string | { readonly serial: string } | { readonly emulator: 'qemu' };
export interface RawBoard {
  readonly id: string;
  readonly target?: string;
  readonly connection: RawConnection;
  readonly runner?: string;
  readonly fixtures?: readonly string[];
  readonly baud?: number;
  readonly enabled?: boolean;
  readonly timeoutScale?: number;
  readonly notes?: string;
}

/** A connection, resolved to the kind the executor registry is keyed by. */
export type Connection =
  | { readonly kind: 'serial'; readonly port: string }
  | { readonly kind: 'qemu' }
  | { readonly kind: string };

/** One board of a loaded map, with its target definition (none for reference runtimes). */
export interface Board {
  readonly id: string;
  readonly connection: Connection;
  readonly target?: TargetDefinition;
  readonly runner?: string;
  readonly fixtures: readonly string[];
  readonly baud?: number;
  readonly enabled: boolean;
  readonly timeoutScale: number;
  readonly notes?: string;
  /** Where the entry is, for errors found after loading (an unknown connection kind). */
  readonly origin: { readonly file: string; readonly field: string; readonly line?: number };
}

export interface HardwareMap {
  readonly file: string;
  readonly boards: readonly Board[];
}

/** hil/schema/suite.schema.json, as data. */
export type RawValue = Readonly<Record<string, number | string>>;
export interface RawRequires {
  readonly fpu?: boolean;
  readonly float?: boolean;
  readonly simd?: boolean;
  readonly bulkMemory?: boolean;
  readonly kinds?: readonly string[];
  readonly targets?: readonly string[];
}
export interface RawTest {
  readonly name: string;
  readonly description?: string;
  readonly module: string;
  /** A JavaScript module serving the module's imports over the wire (docs/host-calls.md). */
  readonly host?: string;
  readonly build?: { readonly flags?: readonly string[] };
  readonly invoke?: { readonly export: string; readonly args?: readonly RawValue[] };
  readonly command?: { readonly args?: readonly string[]; readonly env?: Readonly<Record<string, string>>; readonly stdin?: string };
  readonly expect: {
    readonly returns?: readonly RawValue[];
    readonly trap?: string;
    readonly exitCode?: number;
    readonly stdout?: string;
    readonly stderr?: string;
  };
  readonly timeoutMs?: number;
  readonly fixtures?: readonly string[];
  readonly requires?: RawRequires;
  readonly tags?: readonly string[];
}
export interface RawSpecSource {
  readonly script: string;
  readonly exports?: readonly string[];
  readonly every?: number;
  readonly maxCases?: number;
  readonly timeoutMs?: number;
  readonly tags?: readonly string[];
}
export interface RawSuite {
  readonly name: string;
  readonly description?: string;
  readonly defaults?: { readonly timeoutMs?: number; readonly tags?: readonly string[]; readonly fixtures?: readonly string[]; readonly requires?: RawRequires };
  readonly tests?: readonly RawTest[];
  readonly spec?: readonly RawSpecSource[];
}

/** What to run in a module. */
export type Entry =
  | { readonly kind: 'invoke'; readonly export: string; readonly args: readonly WasmValue[] }
  | { readonly kind: 'command'; readonly args: readonly string[]; readonly env: Readonly<Record<string, string>>; readonly stdin: string };

/** What must come out. Exactly one of returns / trap / exitCode; stdout and stderr optional. */
export type Expectation = {
  readonly stdout?: string;
  readonly stderr?: string;
} & (
  | { readonly kind: 'returns'; readonly values: readonly ExpectedValue[] }
  | { readonly kind: 'trap'; readonly trap: string }
  | { readonly kind: 'exit'; readonly exitCode: number }
);

/** Where a module comes from: a file to read or a source to build. */
export interface ModuleSource {
  /** Absolute path of the .wasm, .wat or .c file. */
  readonly path: string;
  readonly kind: 'wasm' | 'wat' | 'c';
  readonly flags: readonly string[];
}

/** One test of a loaded suite. */
export interface SuiteTest {
  /** `<suite>/<name>`, what quarantine patterns and reports use. */
  readonly id: string;
  readonly suite: string;
  readonly name: string;
  readonly description?: string;
  readonly module: ModuleSource;
  /** Absolute path of the host functions' JavaScript module, when the test has one. */
  readonly host?: string;
  readonly entry: Entry;
  readonly expect: Expectation;
  /** Undefined: the run's default applies. */
  readonly timeoutMs?: number;
  readonly fixtures: readonly string[];
  readonly requires: RawRequires;
  readonly tags: readonly string[];
  readonly origin: { readonly file: string; readonly field: string; readonly line?: number };
}

export interface Suite {
  readonly name: string;
  readonly description?: string;
  readonly file: string;
  readonly tests: readonly SuiteTest[];
}

/** An entry of hil/quarantine.yaml. */
export interface QuarantineEntry {
  readonly test: string;
  readonly boards?: readonly string[];
  readonly reason: string;
  readonly until: string;
}
