/**
 * What `validate` hands to the profile compiler and prints: a plain, JSON-ready description of a
 * valid module and of what it needs from a target.
 */
import type { IndirectCall } from './code-validator.js';

export type ExternalKind = 'function' | 'table' | 'memory' | 'global';

export interface ImportReport {
  readonly module: string;
  readonly name: string;
  readonly kind: ExternalKind;
  /** Index in the kind's index space (imports come first). */
  readonly index: number;
  /** "(i32, i32) -> i32", "funcref [1, 10]", "pages [1, 16]", "mut i32". */
  readonly type: string;
  readonly offset: number;
}

/** A function's parameter and result types by name ("i32", "f64", "externref", ...). */
export interface FuncSignature {
  readonly params: readonly string[];
  readonly results: readonly string[];
}

export interface ExportReport {
  readonly name: string;
  readonly kind: ExternalKind;
  readonly index: number;
  readonly type: string;
  /** A function export's types, so a caller can type its arguments and results; null otherwise. */
  readonly signature: FuncSignature | null;
}

export interface TableReport {
  readonly index: number;
  readonly elementType: 'funcref' | 'externref';
  readonly initial: number;
  readonly maximum: number | null;
  readonly imported: boolean;
  readonly exported: boolean;
  /** table.grow appears in the code. */
  readonly grows: boolean;
}

export interface MemoryReport {
  readonly index: number;
  readonly initialPages: number;
  readonly maximumPages: number | null;
  readonly imported: boolean;
  readonly exported: boolean;
}

export interface FunctionReport {
  readonly index: number;
  readonly name: string | null;
  readonly typeIndex: number;
  readonly type: string;
  /** Offset of the body (its size field) in the module. */
  readonly offset: number;
  readonly bodyBytes: number;
  /** Parameters plus declared locals. */
  readonly locals: number;
  readonly localBytes: number;
  /** Highest operand-stack height, in values and in bytes (i32/f32/ref 4, i64/f64 8, v128 16). */
  readonly maxStackSlots: number;
  readonly maxStackBytes: number;
  /** Deepest nesting of block/loop/if (0 for a body without blocks). */
  readonly maxControlDepth: number;
  /** localBytes + maxStackBytes: the function's frame without runtime bookkeeping. */
  readonly frameBytes: number;
  /** Functions called directly, each once. */
  readonly calls: readonly number[];
  /**
   * call_indirect sites by type and table, each once. The type index is canonical: the first type
   * index with the same signature (types are structural in WebAssembly 2.0).
   */
  readonly indirectCalls: readonly IndirectCall[];
  readonly growsMemory: boolean;
}

export interface CycleReport {
  /** One cycle through the component, first function repeated at the end. */
  readonly path: readonly number[];
  /** "$fac -> $fac", "$a -> call_indirect (i32) -> i32 -> $b -> $a". */
  readonly description: string;
  /** Every function of the strongly connected component. */
  readonly functions: readonly number[];
}

export interface EntryReport {
  readonly kind: 'export' | 'start';
  /** Export name, or "start". */
  readonly name: string;
  readonly function: number;
  /** Calls nested from this entry, counting the entry itself; null when a cycle is reachable. */
  readonly maxCallDepth: number | null;
  /** Sum of frame bytes along the most expensive chain; null when a cycle is reachable. */
  readonly maxStackBytes: number | null;
  /** The chain with the most stack bytes (function indices), or up to the cycle. */
  readonly deepestPath: readonly number[];
  /** Index into callGraph.cycles of a cycle reachable from here. */
  readonly cycle: number | null;
}

export interface CallGraphReport {
  readonly recursive: boolean;
  readonly cycles: readonly CycleReport[];
  readonly entries: readonly EntryReport[];
  /**
   * Functions an indirect call may reach: those a table can hold (named in element segments,
   * exports, globals or by ref.func), matched by type.
   */
  readonly addressTakenFunctions: number;
  /** Tables imported or exported: the host can store its own functions there too. */
  readonly openTables: readonly number[];
}

export interface MemoryAnalysis {
  /** memory.grow appears in some function. */
  readonly canGrow: boolean;
  readonly firstGrow: { readonly offset: number; readonly function: number } | null;
  /** Values of the exported globals __heap_base and __data_end when they are i32 constants. */
  readonly heapBase: number | null;
  readonly dataEnd: number | null;
  /**
   * Initial value of global 0 when it is a defined mutable i32 constant: wasm-ld's __stack_pointer,
   * the top of the stack the linker placed in linear memory (`-Wl,-z,stack-size=N`, 64 KiB by default).
   */
  readonly stackPointer: number | null;
  /** End of the highest active data segment with a constant offset. */
  readonly dataSegmentsEnd: number;
  /** Active data segments placed by an imported global: their address is not known statically. */
  readonly dataSegmentsWithDynamicOffset: number;
  /** End of the highest constant-address load/store found (i32.const feeding the access). */
  readonly constantAccessEnd: number;
  /** max(dataSegmentsEnd, constantAccessEnd, heapBase, dataEnd): bytes the module uses statically. */
  readonly highestStaticAddress: number;
  readonly dataBytes: number;
}

export interface FeatureUse {
  /** "float", "simd", "sign-extension", "non-trapping-float-to-int", "bulk-memory", "reference-types", "multi-value". */
  readonly feature: string;
  readonly offset: number;
  /** "code section: function 3 ($f)", "type section". */
  readonly where: string;
  /** "f64.add", "local of type v128", "function type (f32) -> f32". */
  readonly what: string;
}

export interface CustomSectionReport {
  readonly name: string;
  readonly offset: number;
  readonly bytes: number;
}

export interface WasmReport {
  readonly file: string | null;
  readonly bytes: number;
  readonly counts: {
    readonly types: number;
    readonly imports: number;
    readonly functions: number;
    readonly importedFunctions: number;
    readonly tables: number;
    readonly memories: number;
    readonly globals: number;
    readonly importedGlobals: number;
    readonly exports: number;
    readonly elementSegments: number;
    readonly dataSegments: number;
    readonly codeBytes: number;
  };
  readonly moduleName: string | null;
  readonly start: number | null;
  readonly imports: readonly ImportReport[];
  readonly exports: readonly ExportReport[];
  readonly tables: readonly TableReport[];
  readonly memories: readonly MemoryReport[];
  readonly memory: MemoryAnalysis;
  readonly features: readonly FeatureUse[];
  readonly functions: readonly FunctionReport[];
  readonly callGraph: CallGraphReport;
  readonly customSections: readonly CustomSectionReport[];
  /** The target whose limits were checked, when limits were given. */
  readonly target: string | null;
}
