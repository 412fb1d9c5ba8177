/**
 * Decodes and validates a WebAssembly 2.0 module in one pass as its bytes arrive. Written as a
 * generator that yields how many bytes it needs next (see stream.ts), so the same code serves a
 * complete buffer and an async stream of chunks.
 *
 * What is held at once: declaration sections (type … element, data count) one section at a time,
 * one function body, one data segment header, one name-section entry; data segment payloads and
 * other custom sections are skipped as they stream past. The decoded declarations themselves
 * (types, function signatures, globals, exports) are kept, as validation of code needs them.
 */
import { analyzeCallGraph } from './call-graph.js';
import { type CodeContext, type CodeHooks, CodeValidator, type MeasuredFunction } from './code-validator.js';
import { type Proposal, WasmError, type WasmErrorCode, fieldOf, functionLabel, withFunctionName } from './errors.js';
import { NUMERIC_LIMITS, type NumericLimitName, type ValidationLimits, importAllowed } from './limits.js';
import {
  FEATURE_FLOAT,
  FEATURE_MULTI_VALUE,
  FEATURE_NAMES,
  FEATURE_REFERENCE_TYPES,
  FEATURE_SIMD,
  FEATURE_BULK_MEMORY,
  FEATURE_SAT_CONV,
  FEATURE_SIGN_EXT,
  OP_NAMES,
  PROPOSAL_OPS,
} from './opcodes.js';
import { type Failer, Reader, UNDERFLOW } from './reader.js';
import type {
  CustomSectionReport,
  ExportReport,
  FuncSignature,
  ExternalKind,
  FeatureUse,
  FunctionReport,
  ImportReport,
  MemoryReport,
  TableReport,
  WasmReport,
} from './report.js';
import type { ByteQueue } from './stream.js';
import {
  EXTERNREF,
  F32,
  F64,
  FUNCREF,
  type FuncType,
  I32,
  I64,
  IS_VALUE_TYPE,
  MAX_PAGES,
  PAGE_BYTES,
  V128,
  funcTypeToString,
  isRefType,
  makeFuncType,
  valueTypeName,
} from './types.js';

export interface ParseOptions {
  /** File name for error locations and the report. */
  readonly file?: string;
  readonly limits?: ValidationLimits;
  /**
   * 'js-api' (default): the implementation limits of the WebAssembly JS API, which V8 and every
   * web engine apply (50,000 locals, 1,000 parameters and results, 7,654,321-byte bodies,
   * 1,000,000 types, …); they also bound the work hostile input can cause. 'none': the
   * specification's own limits only (2^32-1 of everything).
   */
  readonly embedderLimits?: 'none' | 'js-api';
  /**
   * After an error in a function body of a module without names so far, read on to the name
   * section to name the function (default true). false stops at the error, e.g. to abort a serial
   * upload at once.
   */
  readonly nameLookahead?: boolean;
  /**
   * WebAssembly 3.0 multi-memory: several memories, memory indices in instructions. Off for plain
   * core modules (WebAssembly 2.0 has one memory); the component validator turns it on for the
   * core modules of components (docs/validator.md).
   */
  readonly multiMemory?: boolean;
}

const SECTION_NAMES: Readonly<Record<number, string>> = {
  0: 'custom section',
  1: 'type section',
  2: 'import section',
  3: 'function section',
  4: 'table section',
  5: 'memory section',
  6: 'global section',
  7: 'export section',
  8: 'start section',
  9: 'element section',
  10: 'code section',
  11: 'data section',
  12: 'data count section',
};
/** Position of each section id in the required order (custom sections may appear anywhere). */
const SECTION_ORDER: Readonly<Record<number, number>> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13 };

/**
 * The JS API's implementation limits (https://webassembly.github.io/spec/js-api/#limits). The device
 * interpreter refuses the same number of locals (WRT_CONFIG_MAX_LOCALS in native/interp/wrt_config.h).
 */
export const JS_API_LIMITS = {
  types: 1_000_000,
  functions: 1_000_000,
  imports: 100_000,
  exports: 100_000,
  globals: 1_000_000,
  dataSegments: 100_000,
  tables: 100_000,
  tableSize: 10_000_000,
  elementSegments: 10_000_000,
  params: 1_000,
  results: 1_000,
  bodyBytes: 7_654_321,
  locals: 50_000,
  moduleBytes: 1_073_741_824,
} as const;

const VALUE_FEATURE: Readonly<Record<number, number>> = {
  [F32]: FEATURE_FLOAT,
  [F64]: FEATURE_FLOAT,
  [V128]: FEATURE_SIMD,
  [FUNCREF]: FEATURE_REFERENCE_TYPES,
  [EXTERNREF]: FEATURE_REFERENCE_TYPES,
};
const ALL_FEATURES =
  FEATURE_FLOAT | FEATURE_SIMD | FEATURE_SIGN_EXT | FEATURE_SAT_CONV | FEATURE_BULK_MEMORY | FEATURE_REFERENCE_TYPES | FEATURE_MULTI_VALUE;

interface TableState {
  elementType: number;
  initial: number;
  maximum: number | null;
  imported: boolean;
  exported: boolean;
  grows: boolean;
}
interface MemoryState {
  initial: number;
  maximum: number | null;
  imported: boolean;
  exported: boolean;
}
interface ConstValue {
  readonly type: number;
  /** The value of an i32.const; null otherwise (e.g. global.get of an imported global). */
  readonly i32: number | null;
}

export class ModuleParser implements Failer, CodeHooks {
  private readonly r: Reader;
  private readonly limits: ValidationLimits;
  private readonly jsApi: boolean;
  /** Any numeric limit given: without one, limit() returns at once. */
  private readonly hasLimits: boolean;
  private readonly file: string | undefined;
  private readonly nameLookahead: boolean;
  private section = 'module header';
  private functionIndex: number | undefined;
  private sectionEnd = 0;

  private readonly types: FuncType[] = [];
  private readonly typeFeatures: number[] = [];
  private readonly typeStrings: (string | undefined)[] = [];
  private readonly canonicalTypes: number[] = [];
  private readonly canonicalByKey = new Map<string, number>();
  private readonly functionTypes: number[] = [];
  private importedFunctions = 0;
  private declaredFunctions = 0;
  private readonly tables: TableState[] = [];
  private readonly tableTypes: number[] = [];
  private readonly memories: MemoryState[] = [];
  private readonly globalTypes: number[] = [];
  private readonly globalMutable: boolean[] = [];
  private readonly globalI32: (number | null)[] = [];
  private importedGlobals = 0;
  private readonly elementTypes: number[] = [];
  private dataCount: number | undefined;
  private readonly declaredRefs = new Set<number>();
  private readonly imports: ImportReport[] = [];
  private readonly exports: ExportReport[] = [];
  private readonly exportNames = new Set<string>();
  private start: number | null = null;
  private readonly functions: MeasuredFunction[] = [];
  private codeValidator: CodeValidator | undefined;
  private readonly names = new Map<number, string>();
  private namesRead = false;
  private moduleName: string | null = null;
  private readonly customSections: CustomSectionReport[] = [];
  private codeSeen = false;
  private dataSeen = false;
  private dataSegments = 0;
  private dataBytes = 0;
  private dataSegmentsEnd = 0;
  private dynamicDataSegments = 0;
  private codeBytes = 0;
  private lastOrder = 0;
  private unseenFeatures = ALL_FEATURES;
  private readonly deniedFeatures: number;
  private readonly firstUses: FeatureUse[] = [];
  private firstGrow: { offset: number; function: number } | null = null;
  private readonly multiMemory: boolean;

  constructor(
    private readonly q: ByteQueue,
    options: ParseOptions = {},
  ) {
    this.r = new Reader(this);
    this.limits = options.limits ?? {};
    this.hasLimits = NUMERIC_LIMITS.some((name) => this.limits[name] !== undefined);
    this.jsApi = options.embedderLimits !== 'none';
    this.file = options.file;
    this.nameLookahead = options.nameLookahead !== false;
    this.multiMemory = options.multiMemory === true;
    let denied = 0;
    if (this.limits.features?.float === false) denied |= FEATURE_FLOAT;
    if (this.limits.features?.simd === false) denied |= FEATURE_SIMD;
    if (this.limits.features?.bulkMemory === false) denied |= FEATURE_BULK_MEMORY;
    this.deniedFeatures = denied;
  }

  // ---- errors ----

  fail(code: 'WASM_MALFORMED' | 'WASM_INVALID', message: string, offset: number, proposal?: Proposal): never {
    throw this.error(code, message, offset, proposal);
  }

  private error(code: WasmErrorCode, message: string, offset: number, proposal?: Proposal, limit?: string, limitName?: string): WasmError {
    const functionName = this.functionIndex === undefined ? undefined : this.names.get(this.functionIndex);
    const detail = {
      section: this.section,
      ...(this.functionIndex !== undefined ? { functionIndex: this.functionIndex } : {}),
      ...(functionName !== undefined ? { functionName } : {}),
      ...(proposal !== undefined ? { proposal } : {}),
      ...(limitName !== undefined ? { limitName } : {}),
    };
    return new WasmError(
      code,
      message,
      {
        ...(this.file !== undefined ? { file: this.file } : {}),
        offset,
        field: fieldOf(detail),
        ...(limit !== undefined ? { limit } : {}),
      },
      detail,
    );
  }

  private malformed(message: string, offset: number, proposal?: Proposal): never {
    throw this.error('WASM_MALFORMED', message, offset, proposal);
  }

  private invalid(message: string, offset: number): never {
    throw this.error('WASM_INVALID', message, offset);
  }

  private get targetName(): string {
    return this.limits.target !== undefined ? `target ${this.limits.target}` : 'the target';
  }

  /** Stops with LIMIT_EXCEEDED when `actual` is above the target's limit `name`. */
  private limit(name: NumericLimitName, actual: number, offset: number, what: string): void {
    if (!this.hasLimits) return;
    const max = this.limits[name];
    if (max !== undefined && actual > max) {
      throw this.error('LIMIT_EXCEEDED', `${what}: ${actual} exceeds the ${max} ${this.targetName} allows (${name})`, offset, undefined, `${name} ${max}`, name);
    }
  }

  private embedder(actual: number, max: number, offset: number, what: string): void {
    if (this.jsApi && actual > max) this.invalid(`implementation limit: ${what} ${actual} exceeds ${max} (WebAssembly JS API limits)`, offset);
  }

  private where(): string {
    return fieldOf({
      section: this.section,
      ...(this.functionIndex !== undefined ? { functionIndex: this.functionIndex } : {}),
      ...(this.functionIndex !== undefined && this.names.has(this.functionIndex) ? { functionName: this.names.get(this.functionIndex) } : {}),
    });
  }

  // ---- code hooks ----

  feature(bits: number, offset: number, what: string): number {
    const fresh = bits & this.unseenFeatures;
    if (fresh !== 0) {
      for (const [bit, feature] of FEATURE_NAMES) {
        if ((fresh & bit) !== 0) this.firstUses.push({ feature, offset, where: this.where(), what });
      }
      this.unseenFeatures &= ~fresh;
    }
    const denied = bits & this.deniedFeatures;
    if (denied !== 0) {
      const [need, limitName] =
        (denied & FEATURE_FLOAT) !== 0
          ? ['floating point (f32/f64), and it has no FPU', 'features.float']
          : (denied & FEATURE_SIMD) !== 0
            ? ['SIMD (v128), and it has no SIMD support', 'features.simd']
            : ['bulk memory operations, and its runtime has none', 'features.bulkMemory'];
      throw this.error('LIMIT_EXCEEDED', `${what} is the first use of ${need} on ${this.targetName}`, offset, undefined, `${limitName} false`, limitName);
    }
    return this.unseenFeatures | this.deniedFeatures;
  }

  private featureMask(): number {
    return this.unseenFeatures | this.deniedFeatures;
  }

  /** Notes (or, when the target lacks it, rejects) a feature use; `what` is only built when needed. */
  private gate(bits: number, offset: number, what: () => string): void {
    if ((bits & this.featureMask()) !== 0) this.feature(bits, offset, what());
  }

  memoryGrow(offset: number): void {
    if (this.firstGrow === null) this.firstGrow = { offset, function: this.functionIndex ?? 0 };
    const memory = this.memories[0];
    const budget = this.limits.linearMemoryBytes;
    if (memory === undefined || budget === undefined || this.limits.growCapped === true) return;
    const maximum = (memory.maximum ?? MAX_PAGES) * PAGE_BYTES;
    if (maximum > budget) {
      const declared = memory.maximum === null ? 'no declared maximum (65536 pages)' : `maximum ${memory.maximum} pages`;
      throw this.error(
        'LIMIT_EXCEEDED',
        `memory.grow can grow linear memory to ${maximum} bytes (${declared}), more than the ${budget} bytes ${this.targetName} allows (linearMemoryBytes)`,
        offset,
        undefined,
        `linearMemoryBytes ${budget}`,
        'linearMemoryBytes',
      );
    }
  }

  tableGrow(table: number, offset: number): void {
    const state = this.tables[table];
    if (state === undefined) return;
    state.grows = true;
    this.limit('maxTableElements', state.maximum ?? 0xffffffff, offset, `table.grow can grow table ${table} to its maximum`);
  }

  controlDepthExceeded(depth: number, offset: number): never {
    const max = this.limits.maxControlDepth ?? 0;
    throw this.error(
      'LIMIT_EXCEEDED',
      `blocks nested ${depth} deep: more than the ${max} ${this.targetName} allows (maxControlDepth)`,
      offset,
      undefined,
      `maxControlDepth ${max}`,
      'maxControlDepth',
    );
  }

  // ---- byte supply ----

  /** Yields until n bytes are queued or the input has ended. */
  private *want(n: number): Generator<number, void, void> {
    while (!this.q.eof && this.q.available < n) yield n;
  }

  /** Binds the reader to the next n bytes (fewer if the input ended), with a hard end. */
  private bindHard(n: number, endMessage: string): Reader {
    const q = this.q;
    const end = q.start + Math.min(n, q.available);
    this.r.bind(q.buf, q.start, end, q.base, true);
    this.r.endMessage = endMessage;
    return this.r;
  }

  /**
   * Parses one item that must end by absolute offset `limit`, retrying with more bytes when the
   * bytes received so far end inside it. `parse` must not change state before it returns.
   */
  private *item<T>(parse: (r: Reader) => T, limit: number, endMessage = 'unexpected end of section or function'): Generator<number, T, void> {
    const q = this.q;
    for (;;) {
      const allowed = limit - q.position;
      const hard = q.eof || q.available >= allowed;
      this.r.bind(q.buf, q.start, q.start + Math.min(q.available, allowed), q.base, hard);
      this.r.endMessage = endMessage;
      try {
        const value = parse(this.r);
        q.start = this.r.pos;
        return value;
      } catch (error) {
        if (error !== UNDERFLOW) throw error;
      }
      yield Math.min(q.available * 2 + 64, allowed);
    }
  }

  /**
   * Reads a u32 that must end by absolute offset `limit` from the bytes already queued; -1 when
   * they end inside it (the caller then falls back to item(), which waits for more).
   */
  private tryU32(limit: number): number {
    const q = this.q;
    const allowed = limit - q.position;
    const hard = q.eof || q.available >= allowed;
    this.r.bind(q.buf, q.start, q.start + Math.min(q.available, allowed), q.base, hard);
    this.r.endMessage = 'unexpected end of section or function';
    try {
      const value = this.r.u32();
      q.start = this.r.pos;
      return value;
    } catch (error) {
      if (error !== UNDERFLOW) throw error;
      return -1;
    }
  }

  /** item() without waiting: the value when the queued bytes hold the whole item, else undefined. */
  private tryItem<T>(parse: (r: Reader) => T, limit: number): T | undefined {
    const q = this.q;
    const allowed = limit - q.position;
    const hard = q.eof || q.available >= allowed;
    this.r.bind(q.buf, q.start, q.start + Math.min(q.available, allowed), q.base, hard);
    this.r.endMessage = 'unexpected end of section or function';
    try {
      const value = parse(this.r);
      q.start = this.r.pos;
      return value;
    } catch (error) {
      if (error !== UNDERFLOW) throw error;
      return undefined;
    }
  }

  /** Skips n bytes as they stream past, holding none of them. */
  private *skip(n: number, endMessage: string): Generator<number, void, void> {
    let left = n;
    while (left > 0) {
      if (this.q.available === 0) {
        if (this.q.eof) this.malformed(endMessage, this.q.position);
        yield 1;
        continue;
      }
      left -= this.q.discard(left);
    }
  }

  // ---- module ----

  *run(): Generator<number, WasmReport, void> {
    try {
      yield* this.sections();
    } catch (error) {
      if (
        this.nameLookahead &&
        error instanceof WasmError &&
        error.detail.functionIndex !== undefined &&
        error.detail.functionName === undefined &&
        !this.namesRead
      ) {
        let name: string | undefined;
        try {
          name = yield* this.scanForName(error.detail.functionIndex);
        } catch {
          name = undefined;
        }
        if (name !== undefined) throw withFunctionName(error, name);
      }
      throw error;
    }
    return this.finish();
  }

  private *sections(): Generator<number, void, void> {
    const q = this.q;
    yield* this.want(8);
    const header = this.bindHard(8, 'unexpected end: the module is shorter than its 8-byte header');
    const magic = [0x00, 0x61, 0x73, 0x6d];
    for (let i = 0; i < 4; i += 1) {
      if (i >= q.available) this.malformed('unexpected end: the module ends inside its magic header', q.available);
      if (header.u8() !== magic[i]) this.malformed('magic header not detected: a WebAssembly module starts with \\0asm', 0);
    }
    if (q.available < 8) this.malformed('unexpected end: the module is shorter than its 8-byte header', q.position + q.available);
    const version = header.u8() | (header.u8() << 8) | (header.u8() << 16) | (header.u8() << 24);
    if (version !== 1) this.malformed(`unknown binary version ${version >>> 0}: expected 1`, 4);
    q.start = header.pos;

    for (;;) {
      if (q.available === 0) {
        if (!q.eof) yield 1;
        if (q.available === 0) break;
      }
      this.section = 'section header';
      this.functionIndex = undefined;
      const headerOffset = q.position;
      const id = yield* this.item((r) => r.u8(), Number.POSITIVE_INFINITY, 'unexpected end');
      const size = yield* this.item((r) => r.u32(), Number.POSITIVE_INFINITY, 'unexpected end: section size');
      const start = q.position;
      const end = start + size;
      this.sectionEnd = end;
      if (this.jsApi) this.embedder(end, JS_API_LIMITS.moduleBytes, headerOffset, 'module size');
      if (id === 13) this.malformed('malformed section id 13 (tag section): the exception-handling proposal is not part of WebAssembly 2.0', headerOffset, 'exception-handling');
      const name = SECTION_NAMES[id];
      if (name === undefined) this.malformed(`malformed section id ${id}`, headerOffset);
      if (id !== 0) {
        const order = SECTION_ORDER[id] ?? 0;
        if (order <= this.lastOrder) {
          this.malformed(`unexpected content after last section: ${name} out of order or repeated`, headerOffset);
        }
        this.lastOrder = order;
      }
      this.section = name;
      if (id === 0) {
        yield* this.customSection(start, end);
      } else if (id === 10) {
        yield* this.codeSection(end);
      } else if (id === 11) {
        yield* this.dataSection(end);
      } else {
        yield* this.want(size);
        const r = this.bindHard(size, 'unexpected end of section or function');
        this.declarationSection(id, r);
        q.start = r.pos;
      }
      if (q.position !== end) {
        this.malformed(`section size mismatch: the ${this.section} declares ${size} bytes but its contents end at byte ${q.position}`, q.position);
      }
    }
    this.section = 'module';
    this.functionIndex = undefined;
    if (this.declaredFunctions > 0 && !this.codeSeen) {
      this.malformed(`function and code section have inconsistent lengths: ${this.declaredFunctions} functions declared, no code section`, q.position);
    }
    if (this.dataCount !== undefined && this.dataCount > 0 && !this.dataSeen) {
      this.malformed(`data count and data section have inconsistent lengths: ${this.dataCount} declared, no data section`, q.position);
    }
  }

  private declarationSection(id: number, r: Reader): void {
    switch (id) {
      case 1:
        return this.typeSection(r);
      case 2:
        return this.importSection(r);
      case 3:
        return this.functionSection(r);
      case 4:
        return this.tableSection(r);
      case 5:
        return this.memorySection(r);
      case 6:
        return this.globalSection(r);
      case 7:
        return this.exportSection(r);
      case 8:
        return this.startSection(r);
      case 9:
        return this.elementSection(r);
      default:
        return this.dataCountSection(r);
    }
  }

  // ---- declaration sections ----

  private valueType(r: Reader, what: string): number {
    const at = r.offset;
    const t = r.u8();
    if (IS_VALUE_TYPE[t] !== 1) {
      const proposal: Proposal | undefined = t === 0x64 || t === 0x63 ? 'function-references' : t >= 0x65 && t <= 0x6e ? 'gc' : undefined;
      this.malformed(`malformed value type 0x${t.toString(16)} in ${what}`, at, proposal);
    }
    return t;
  }

  private valueTypes(r: Reader, what: string): Uint8Array {
    const count = r.u32();
    if (count > r.remaining) r.short();
    const types = new Uint8Array(count);
    for (let i = 0; i < count; i += 1) types[i] = this.valueType(r, what);
    return types;
  }

  private typeSection(r: Reader): void {
    const at = r.offset;
    const count = r.u32();
    this.limit('maxTypes', count, at, 'the type section declares types');
    this.embedder(count, JS_API_LIMITS.types, at, 'types');
    for (let i = 0; i < count; i += 1) {
      const entry = r.offset;
      const form = r.u8();
      if (form !== 0x60) {
        const gc = form === 0x5e || form === 0x5f || form === 0x50 || form === 0x4e || form === 0x4f;
        this.malformed(`malformed function type form 0x${form.toString(16)} in type ${i}: expected 0x60`, entry, gc ? 'gc' : undefined);
      }
      const params = this.valueTypes(r, `type ${i}`);
      const results = this.valueTypes(r, `type ${i}`);
      this.embedder(params.length, JS_API_LIMITS.params, entry, `parameters of type ${i}`);
      this.embedder(results.length, JS_API_LIMITS.results, entry, `results of type ${i}`);
      const type = makeFuncType(params, results);
      let features = results.length > 1 ? FEATURE_MULTI_VALUE : 0;
      for (const t of params) features |= VALUE_FEATURE[t] ?? 0;
      for (const t of results) features |= VALUE_FEATURE[t] ?? 0;
      this.types.push(type);
      this.typeFeatures.push(features);
      const canonical = this.canonicalByKey.get(type.key);
      if (canonical === undefined) this.canonicalByKey.set(type.key, i);
      this.canonicalTypes.push(canonical ?? i);
    }
  }

  /** "(i32) -> i64" of type `index`, built once. */
  private typeString(index: number): string {
    let text = this.typeStrings[index];
    if (text === undefined) {
      const type = this.types[index];
      text = type === undefined ? `type ${index}` : funcTypeToString(type);
      this.typeStrings[index] = text;
    }
    return text;
  }

  private typeIndex(r: Reader, what: string): number {
    const at = r.offset;
    const index = r.u32();
    const type = this.types[index];
    if (type === undefined) this.invalid(`unknown type ${index}: ${what} names a type, the module has ${this.types.length}`, at);
    this.gate(this.typeFeatures[index] ?? 0, at, () => `${what} of type ${funcTypeToString(type)}`);
    return index;
  }

  private limits32(r: Reader, what: string, memory: boolean): { initial: number; maximum: number | null } {
    const at = r.offset;
    const flags = r.u8();
    if (flags > 1) {
      if (memory && (flags === 2 || flags === 3)) this.malformed(`shared ${what}: the threads proposal is not part of WebAssembly 2.0`, at, 'threads');
      if (memory && flags >= 4 && flags <= 7) this.malformed(`64-bit ${what}: the memory64 proposal is not part of WebAssembly 2.0`, at, 'memory64');
      this.malformed(`integer too large: malformed limits flags 0x${flags.toString(16)} of ${what}`, at);
    }
    const initial = r.u32();
    const maximum = flags === 1 ? r.u32() : null;
    return { initial, maximum };
  }

  private tableType(r: Reader, what: string): TableState {
    const at = r.offset;
    const elementType = r.u8();
    if (!isRefType(elementType)) this.malformed(`malformed reference type 0x${elementType.toString(16)} of ${what}`, at);
    if (elementType === EXTERNREF) this.gate(FEATURE_REFERENCE_TYPES, at, () => `${what} of externref`);
    const { initial, maximum } = this.limits32(r, what, false);
    if (maximum !== null && initial > maximum) this.invalid(`size minimum must not be greater than maximum: ${what} has ${initial} > ${maximum}`, at);
    this.embedder(initial, JS_API_LIMITS.tableSize, at, `initial size of ${what}`);
    this.limit('maxTableElements', initial, at, `initial size of ${what}`);
    return { elementType, initial, maximum, imported: false, exported: false, grows: false };
  }

  private addTable(table: TableState, at: number): void {
    if (this.tables.length > 0) this.gate(FEATURE_REFERENCE_TYPES, at, () => 'a second table');
    this.tables.push(table);
    this.tableTypes.push(table.elementType);
    this.limit('maxTables', this.tables.length, at, 'tables');
    this.embedder(this.tables.length, JS_API_LIMITS.tables, at, 'tables');
  }

  private memoryType(r: Reader, what: string): MemoryState {
    const at = r.offset;
    const { initial, maximum } = this.limits32(r, what, true);
    if (initial > MAX_PAGES) this.invalid(`memory size must be at most 65536 pages (4GiB): ${what} starts with ${initial} pages`, at);
    if (maximum !== null && maximum > MAX_PAGES) this.invalid(`memory size must be at most 65536 pages (4GiB): ${what} has maximum ${maximum} pages`, at);
    if (maximum !== null && initial > maximum) this.invalid(`size minimum must not be greater than maximum: ${what} has ${initial} > ${maximum} pages`, at);
    const budget = this.limits.linearMemoryBytes;
    if (budget !== undefined && initial * PAGE_BYTES > budget) {
      throw this.error(
        'LIMIT_EXCEEDED',
        `${what} starts with ${initial} pages (${initial * PAGE_BYTES} bytes), more than the ${budget} bytes ${this.targetName} allows (linearMemoryBytes)`,
        at,
        undefined,
        `linearMemoryBytes ${budget}`,
        'linearMemoryBytes',
      );
    }
    return { initial, maximum, imported: false, exported: false };
  }

  private addMemory(memory: MemoryState, at: number): void {
    if (this.memories.length > 0 && !this.multiMemory) this.invalid('multiple memories: WebAssembly 2.0 allows one memory', at);
    this.memories.push(memory);
  }

  private globalType(r: Reader, what: string): { type: number; mutable: boolean } {
    const at = r.offset;
    const type = this.valueType(r, what);
    this.gate(VALUE_FEATURE[type] ?? 0, at, () => `${what} of type ${valueTypeName(type)}`);
    const mutAt = r.offset;
    const mut = r.u8();
    if (mut > 1) this.malformed(`malformed mutability 0x${mut.toString(16)} of ${what}`, mutAt);
    return { type, mutable: mut === 1 };
  }

  private addGlobal(type: number, mutable: boolean, i32: number | null, at: number): void {
    this.globalTypes.push(type);
    this.globalMutable.push(mutable);
    this.globalI32.push(i32);
    this.limit('maxGlobals', this.globalTypes.length, at, 'globals');
    this.embedder(this.globalTypes.length, JS_API_LIMITS.globals, at, 'globals');
  }

  private addFunction(typeIndex: number, at: number): void {
    this.functionTypes.push(typeIndex);
    this.limit('maxFunctions', this.functionTypes.length, at, 'functions (imported and defined)');
    this.embedder(this.functionTypes.length, JS_API_LIMITS.functions, at, 'functions');
  }

  private importSection(r: Reader): void {
    const at = r.offset;
    const count = r.u32();
    this.limit('maxImports', count, at, 'the import section declares imports');
    this.embedder(count, JS_API_LIMITS.imports, at, 'imports');
    for (let i = 0; i < count; i += 1) {
      const entry = r.offset;
      const module = r.name();
      const name = r.name();
      const kindAt = r.offset;
      const kind = r.u8();
      const what = `import ${module}.${name}`;
      let report: ImportReport;
      switch (kind) {
        case 0: {
          const typeIndex = this.typeIndex(r, what);
          report = { module, name, kind: 'function', index: this.functionTypes.length, type: this.typeString(typeIndex), offset: entry };
          this.addFunction(typeIndex, entry);
          this.importedFunctions += 1;
          break;
        }
        case 1: {
          const table = this.tableType(r, what);
          table.imported = true;
          report = { module, name, kind: 'table', index: this.tables.length, type: tableTypeString(table), offset: entry };
          this.addTable(table, entry);
          break;
        }
        case 2: {
          const memory = this.memoryType(r, what);
          memory.imported = true;
          report = { module, name, kind: 'memory', index: this.memories.length, type: memoryTypeString(memory), offset: entry };
          this.addMemory(memory, entry);
          break;
        }
        case 3: {
          const { type, mutable } = this.globalType(r, what);
          report = { module, name, kind: 'global', index: this.globalTypes.length, type: `${mutable ? 'mut ' : ''}${valueTypeName(type)}`, offset: entry };
          this.addGlobal(type, mutable, null, entry);
          this.importedGlobals += 1;
          break;
        }
        case 4:
          return this.malformed(`malformed import kind 4 (tag) of ${what}: the exception-handling proposal is not part of WebAssembly 2.0`, kindAt, 'exception-handling');
        default:
          return this.malformed(`malformed import kind 0x${kind.toString(16)} of ${what}`, kindAt);
      }
      const allowed = this.limits.allowedImports;
      if (allowed !== undefined && !importAllowed(allowed, module, name)) {
        throw this.error(
          'LIMIT_EXCEEDED',
          `${what} (${report.kind} ${report.type}) is not a host function ${this.targetName} provides`,
          entry,
          undefined,
          `allowedImports ${allowed.join(', ')}`,
          'allowedImports',
        );
      }
      this.imports.push(report);
    }
  }

  private functionSection(r: Reader): void {
    const at = r.offset;
    const count = r.u32();
    this.limit('maxFunctions', this.importedFunctions + count, at, 'functions (imported and defined)');
    this.declaredFunctions = count;
    for (let i = 0; i < count; i += 1) {
      const entry = r.offset;
      const typeIndex = this.typeIndex(r, `function ${this.importedFunctions + i}`);
      this.addFunction(typeIndex, entry);
    }
  }

  private tableSection(r: Reader): void {
    const count = r.u32();
    for (let i = 0; i < count; i += 1) {
      const at = r.offset;
      this.addTable(this.tableType(r, `table ${this.tables.length}`), at);
    }
  }

  private memorySection(r: Reader): void {
    const count = r.u32();
    for (let i = 0; i < count; i += 1) {
      const at = r.offset;
      this.addMemory(this.memoryType(r, `memory ${this.memories.length}`), at);
    }
  }

  private globalSection(r: Reader): void {
    const at = r.offset;
    const count = r.u32();
    this.limit('maxGlobals', this.globalTypes.length + count, at, 'globals (imported and defined)');
    for (let i = 0; i < count; i += 1) {
      const entry = r.offset;
      const what = `global ${this.globalTypes.length}`;
      const { type, mutable } = this.globalType(r, what);
      const init = this.constExpr(r, type, `initializer of ${what}`);
      this.addGlobal(type, mutable, init.i32, entry);
    }
  }

  /**
   * A constant expression of type `expected`. In WebAssembly 2.0 global.get may only name an
   * imported, immutable global, in every constant expression.
   */
  private constExpr(r: Reader, expected: number, what: string): ConstValue {
    const at = r.offset;
    const op = r.u8();
    let type: number;
    let i32: number | null = null;
    switch (op) {
      case 0x41:
        i32 = r.s32();
        type = I32;
        break;
      case 0x42:
        r.s64();
        type = I64;
        break;
      case 0x43:
        r.skip(4);
        type = F32;
        this.gate(FEATURE_FLOAT, at, () => 'f32.const');
        break;
      case 0x44:
        r.skip(8);
        type = F64;
        this.gate(FEATURE_FLOAT, at, () => 'f64.const');
        break;
      case 0xd0: {
        const typeAt = r.offset;
        type = r.u8();
        if (!isRefType(type)) this.malformed(`malformed reference type 0x${type.toString(16)} in ${what}`, typeAt);
        break;
      }
      case 0xd2: {
        const index = r.u32();
        if (index >= this.functionTypes.length) this.invalid(`unknown function ${index} in ${what}: the module has ${this.functionTypes.length} functions`, at);
        this.declaredRefs.add(index);
        type = FUNCREF;
        break;
      }
      case 0x23: {
        const index = r.u32();
        if (index >= this.importedGlobals) {
          this.invalid(`unknown global ${index} in ${what}: constant expressions may only read the ${this.importedGlobals} imported globals`, at);
        }
        if (this.globalMutable[index] === true) this.invalid(`constant expression required: ${what} reads mutable global ${index}`, at);
        type = this.globalTypes[index] ?? I32;
        break;
      }
      case 0xfd: {
        const sub = r.u32();
        if (sub !== 12) this.invalid(`constant expression required: ${what} uses 0xfd ${sub}`, at);
        r.skip(16);
        type = V128;
        this.gate(FEATURE_SIMD, at, () => 'v128.const');
        break;
      }
      case 0x0b:
        return this.invalid(`type mismatch: ${what} is empty, expected a ${valueTypeName(expected)} value`, at);
      default: {
        if (OP_NAMES[op] === undefined) {
          const proposal = PROPOSAL_OPS.get(op);
          this.malformed(
            `illegal opcode 0x${op.toString(16).padStart(2, '0')} in ${what}${proposal === undefined ? '' : ` (${proposal[0]}): the ${proposal[1]} proposal is not part of WebAssembly 2.0`}`,
            at,
            proposal?.[1],
          );
        }
        const extended = op === 0x6a || op === 0x6b || op === 0x6c || op === 0x7c || op === 0x7d || op === 0x7e;
        return this.invalid(
          `constant expression required: ${what} uses opcode 0x${op.toString(16)}${extended ? ' (the extended-const proposal is not part of WebAssembly 2.0)' : ''}`,
          at,
        );
      }
    }
    const endAt = r.offset;
    const end = r.u8();
    if (end !== 0x0b) this.invalid(`constant expression required: ${what} continues after its value (opcode 0x${end.toString(16)})`, endAt);
    if (type !== expected) this.invalid(`type mismatch: ${what} is ${valueTypeName(type)}, expected ${valueTypeName(expected)}`, at);
    return { type, i32 };
  }

  private exportSection(r: Reader): void {
    const at = r.offset;
    const count = r.u32();
    this.limit('maxExports', count, at, 'the export section declares exports');
    this.embedder(count, JS_API_LIMITS.exports, at, 'exports');
    for (let i = 0; i < count; i += 1) {
      const entry = r.offset;
      const name = r.name();
      const kindAt = r.offset;
      const kind = r.u8();
      const index = r.u32();
      if (this.exportNames.has(name)) this.invalid(`duplicate export name "${name}"`, entry);
      this.exportNames.add(name);
      let exportKind: ExternalKind;
      let type: string;
      let signature: FuncSignature | null = null;
      switch (kind) {
        case 0: {
          const typeIndex = this.functionTypes[index];
          if (typeIndex === undefined) this.invalid(`unknown function ${index}: export "${name}"`, entry);
          this.declaredRefs.add(index);
          exportKind = 'function';
          type = this.typeString(typeIndex);
          const funcType = this.types[typeIndex];
          if (funcType !== undefined) signature = { params: Array.from(funcType.params, valueTypeName), results: Array.from(funcType.results, valueTypeName) };
          break;
        }
        case 1: {
          const table = this.tables[index];
          if (table === undefined) this.invalid(`unknown table ${index}: export "${name}"`, entry);
          table.exported = true;
          exportKind = 'table';
          type = tableTypeString(table);
          break;
        }
        case 2: {
          const memory = this.memories[index];
          if (memory === undefined) this.invalid(`unknown memory ${index}: export "${name}"`, entry);
          memory.exported = true;
          exportKind = 'memory';
          type = memoryTypeString(memory);
          break;
        }
        case 3: {
          const globalType = this.globalTypes[index];
          if (globalType === undefined) this.invalid(`unknown global ${index}: export "${name}"`, entry);
          exportKind = 'global';
          type = `${this.globalMutable[index] === true ? 'mut ' : ''}${valueTypeName(globalType)}`;
          break;
        }
        case 4:
          return this.malformed(`malformed export kind 4 (tag) of "${name}": the exception-handling proposal is not part of WebAssembly 2.0`, kindAt, 'exception-handling');
        default:
          return this.malformed(`malformed export kind 0x${kind.toString(16)} of "${name}"`, kindAt);
      }
      this.exports.push({ name, kind: exportKind, index, type, signature });
    }
  }

  private startSection(r: Reader): void {
    const at = r.offset;
    const index = r.u32();
    const typeIndex = this.functionTypes[index];
    if (typeIndex === undefined) this.invalid(`unknown function ${index}: the start function`, at);
    const type = this.types[typeIndex];
    if (type === undefined || type.params.length > 0 || type.results.length > 0) {
      this.invalid(`start function ${index} must take and return nothing, it is ${type === undefined ? '?' : funcTypeToString(type)}`, at);
    }
    this.start = index;
  }

  private elementSection(r: Reader): void {
    const at = r.offset;
    const count = r.u32();
    this.limit('maxElementSegments', count, at, 'the element section declares segments');
    this.embedder(count, JS_API_LIMITS.elementSegments, at, 'element segments');
    for (let i = 0; i < count; i += 1) {
      const entry = r.offset;
      const what = `element segment ${i}`;
      const flags = r.u32();
      if (flags > 7) this.malformed(`malformed elements segment kind ${flags} of ${what}`, entry);
      if (flags !== 0) this.gate(FEATURE_BULK_MEMORY, entry, () => `${what} (flags ${flags})`);
      const active = (flags & 1) === 0;
      const explicitTable = (flags & 2) !== 0;
      const usesExpressions = (flags & 4) !== 0;
      let table = 0;
      if (active && explicitTable) table = r.u32();
      if (active) this.constExpr(r, I32, `offset of ${what}`);
      let elementType = FUNCREF;
      if (flags !== 0 && flags !== 4) {
        const kindAt = r.offset;
        const kind = r.u8();
        if (usesExpressions) {
          if (!isRefType(kind)) this.malformed(`malformed reference type 0x${kind.toString(16)} of ${what}`, kindAt);
          elementType = kind;
        } else if (kind !== 0x00) {
          this.malformed(`malformed element kind 0x${kind.toString(16)} of ${what}`, kindAt);
        }
      }
      const items = r.u32();
      for (let j = 0; j < items; j += 1) {
        if (usesExpressions) {
          this.constExpr(r, elementType, `element ${j} of ${what}`);
        } else {
          const itemAt = r.offset;
          const index = r.u32();
          if (index >= this.functionTypes.length) this.invalid(`unknown function ${index} in ${what}`, itemAt);
          this.declaredRefs.add(index);
        }
      }
      if (active) {
        const tableType = this.tableTypes[table];
        if (tableType === undefined) this.invalid(`unknown table ${table}: ${what} is placed in it`, entry);
        if (tableType !== elementType) {
          this.invalid(`type mismatch: ${what} holds ${valueTypeName(elementType)}, table ${table} holds ${valueTypeName(tableType)}`, entry);
        }
      }
      this.elementTypes.push(elementType);
    }
  }

  private dataCountSection(r: Reader): void {
    const at = r.offset;
    const count = r.u32();
    this.gate(FEATURE_BULK_MEMORY, at, () => 'data count section');
    this.limit('maxDataSegments', count, at, 'the data count section declares data segments');
    this.embedder(count, JS_API_LIMITS.dataSegments, at, 'data segments');
    this.dataCount = count;
  }

  // ---- code ----

  private *codeSection(end: number): Generator<number, void, void> {
    const q = this.q;
    const countAt = q.position;
    const count = yield* this.item((r) => r.u32(), end);
    if (count !== this.declaredFunctions) {
      this.malformed(`function and code section have inconsistent lengths: ${this.declaredFunctions} functions declared, ${count} bodies`, countAt);
    }
    this.codeSeen = true;
    const context: CodeContext = {
      types: this.types,
      canonicalTypes: this.canonicalTypes,
      functionTypes: this.functionTypes,
      tableTypes: this.tableTypes,
      memoryCount: this.memories.length,
      multiMemory: this.multiMemory,
      globalTypes: this.globalTypes,
      globalMutable: this.globalMutable,
      elementTypes: this.elementTypes,
      dataCount: this.dataCount,
      declaredRefs: this.declaredRefs,
    };
    const validator = new CodeValidator(context, this, this.featureMask(), this.limits.maxControlDepth ?? Number.POSITIVE_INFINITY);
    this.codeValidator = validator;
    const checks = this.hasLimits || this.jsApi;
    const r = this.r;
    r.endMessage = 'unexpected end of section or function: END opcode expected';
    for (let i = 0; i < count; i += 1) {
      const functionIndex = this.importedFunctions + i;
      this.functionIndex = functionIndex;
      const offset = q.position;
      // The body size: one or two LEB128 bytes straight from the queue, else through the reader.
      let size: number;
      const p = q.start;
      const b0 = p < q.len && offset < end ? (q.buf[p] as number) : 0x80;
      if (b0 < 0x80) {
        size = b0;
        q.start = p + 1;
      } else if (p + 1 < q.len && offset + 1 < end && (q.buf[p + 1] as number) < 0x80) {
        size = (b0 & 0x7f) | ((q.buf[p + 1] as number) << 7);
        q.start = p + 2;
      } else {
        size = this.tryU32(end);
        if (size < 0) size = yield* this.item(readU32, end);
      }
      const bodyStart = q.position;
      if (bodyStart + size > end) {
        this.malformed(`section size mismatch: the body of ${functionLabel(functionIndex, this.names.get(functionIndex))} reaches past the code section`, offset);
      }
      if (checks) {
        this.limit('maxFunctionBodyBytes', size, offset, 'function body bytes');
        this.embedder(size, JS_API_LIMITS.bodyBytes, offset, 'function body bytes');
      }
      if (!q.eof && q.available < size) yield* this.want(size);
      r.bind(q.buf, q.start, q.start + Math.min(size, q.available), q.base, true);
      r.endMessage = 'unexpected end of section or function: END opcode expected';
      const facts = validator.validate(r, functionIndex, offset, size, this.typeString(this.functionTypes[functionIndex] ?? 0));
      q.start = r.pos;
      if (checks) {
        this.embedder(facts.locals, JS_API_LIMITS.locals, offset, 'locals');
        this.limit('maxLocals', facts.locals, offset, 'parameters and locals');
        this.limit('maxOperandStackSlots', facts.maxStackSlots, offset, 'operand stack height (values)');
        this.limit('maxFrameBytes', facts.frameBytes, offset, 'frame bytes (locals and operand stack)');
      }
      this.functions.push(facts);
      this.codeBytes += size;
    }
    this.functionIndex = undefined;
  }

  // ---- data ----

  private *dataSection(end: number): Generator<number, void, void> {
    const q = this.q;
    const countAt = q.position;
    const count = yield* this.item((r) => r.u32(), end);
    if (this.dataCount !== undefined && count !== this.dataCount) {
      this.malformed(`data count and data section have inconsistent lengths: data count ${this.dataCount}, data section ${count}`, countAt);
    }
    this.limit('maxDataSegments', count, countAt, 'the data section declares data segments');
    this.embedder(count, JS_API_LIMITS.dataSegments, countAt, 'data segments');
    this.dataSeen = true;
    this.dataSegments = count;
    for (let i = 0; i < count; i += 1) {
      const entry = q.position;
      const what = `data segment ${i}`;
      let header = this.tryItem((r) => this.dataHeader(r, what), end);
      if (header === undefined) header = yield* this.item((r) => this.dataHeader(r, what), end);
      const payload = q.position;
      if (payload + header.length > end) this.malformed(`unexpected end of section or function: ${what} has ${header.length} bytes, past the data section`, entry);
      this.dataBytes += header.length;
      this.limit('maxDataBytes', this.dataBytes, entry, 'data segment bytes in total');
      if (header.active && header.offset !== null) {
        const segmentEnd = (header.offset >>> 0) + header.length;
        if (segmentEnd > this.dataSegmentsEnd) this.dataSegmentsEnd = segmentEnd;
        this.limit('linearMemoryBytes', segmentEnd, entry, `${what} ends at address`);
      } else if (header.active) {
        this.dynamicDataSegments += 1;
      }
      if (q.available >= header.length) q.start += header.length;
      else yield* this.skip(header.length, `unexpected end of section or function: ${what}`);
    }
  }

  private dataHeader(r: Reader, what: string): { active: boolean; offset: number | null; length: number } {
    const at = r.offset;
    const flags = r.u32();
    if (flags > 2) this.malformed(`malformed data segment kind ${flags} of ${what}`, at);
    const active = flags !== 1;
    let offset: number | null = null;
    if (flags === 1) this.gate(FEATURE_BULK_MEMORY, at, () => `passive ${what}`);
    if (active) {
      const memory = flags === 2 ? r.u32() : 0;
      if (memory >= this.memories.length) this.invalid(`unknown memory ${memory}: ${what} is placed in it`, at);
      offset = this.constExpr(r, I32, `offset of ${what}`).i32;
    }
    const length = r.u32();
    return { active, offset, length };
  }

  // ---- custom sections ----

  private *customSection(start: number, end: number): Generator<number, void, void> {
    const name = yield* this.item((r) => r.name(), end, 'unexpected end: custom section name');
    this.section = `custom section '${name}'`;
    this.customSections.push({ name, offset: start, bytes: end - start });
    if (name === 'name' && !this.namesRead) {
      yield* this.nameSection(end);
    }
    yield* this.skip(end - this.q.position, 'unexpected end of section or function');
  }

  /**
   * The name section is advisory: content that does not decode ends the reading of names, it does
   * not make the module invalid (as in engines). Running past the end of the module still does.
   */
  private *nameSection(end: number): Generator<number, void, void> {
    const q = this.q;
    this.namesRead = true;
    try {
      while (q.position < end) {
        const id = yield* this.item((r) => r.u8(), end);
        const size = yield* this.item((r) => r.u32(), end);
        const subEnd = q.position + size;
        if (subEnd > end) return;
        if (id === 0) {
          this.moduleName = yield* this.item((r) => r.name(), subEnd);
        } else if (id === 1) {
          const count = yield* this.item((r) => r.u32(), subEnd);
          for (let i = 0; i < count; i += 1) {
            const [index, name] = yield* this.item((r) => [r.u32(), r.name()] as const, subEnd);
            this.names.set(index, name);
          }
        }
        if (q.position > subEnd) return;
        yield* this.skip(subEnd - q.position, 'unexpected end of section or function');
      }
    } catch (error) {
      if (!(error instanceof WasmError)) throw error;
      if (q.eof && end > q.position + q.available) throw error;
    }
  }

  /** After an error in code: reads on to the name section (if any) to name the function. */
  private *scanForName(functionIndex: number): Generator<number, string | undefined, void> {
    const q = this.q;
    if (this.section === 'code section' && q.position < this.sectionEnd) {
      yield* this.skip(this.sectionEnd - q.position, 'unexpected end');
    } else if (this.section !== 'code section') {
      return undefined;
    }
    for (;;) {
      if (q.available === 0) {
        if (!q.eof) yield 1;
        if (q.available === 0) return undefined;
      }
      const id = yield* this.item((r) => r.u8(), Number.POSITIVE_INFINITY);
      const size = yield* this.item((r) => r.u32(), Number.POSITIVE_INFINITY);
      const end = q.position + size;
      if (id === 0) {
        const name = yield* this.item((r) => r.name(), end);
        if (name === 'name') {
          yield* this.nameSection(end);
          return this.names.get(functionIndex);
        }
      }
      yield* this.skip(end - q.position, 'unexpected end');
    }
  }

  // ---- report ----

  private finish(): WasmReport {
    const describe = (index: number): string => {
      const name = this.names.get(index);
      return name !== undefined ? `$${name}` : `function ${index}`;
    };
    const functions: readonly FunctionReport[] = this.functions;
    if (this.names.size > 0) {
      for (const f of this.functions) f.name = this.names.get(f.index) ?? null;
    }
    const addressTaken = this.codeValidator?.referenced ?? new Uint8Array(this.functionTypes.length);
    for (const f of this.declaredRefs) addressTaken[f] = 1;
    const entries: { kind: 'export' | 'start'; name: string; function: number }[] = this.exports
      .filter((e) => e.kind === 'function')
      .map((e) => ({ kind: 'export' as const, name: e.name, function: e.index }));
    if (this.start !== null) entries.push({ kind: 'start', name: 'start', function: this.start });
    const callGraph = analyzeCallGraph({
      functionTypes: this.functionTypes.map((t) => this.canonicalTypes[t] ?? t),
      importedFunctions: this.importedFunctions,
      functions,
      addressTaken,
      openTables: this.tables.flatMap((t, i) => (t.imported || t.exported ? [i] : [])),
      entries,
      describeFunction: describe,
      describeType: (t) => this.typeString(t),
    });
    this.section = 'module';
    for (const entry of callGraph.entries) {
      const at = entry.function >= this.importedFunctions ? (functions[entry.function - this.importedFunctions]?.offset ?? 0) : 0;
      const label = `${entry.kind === 'start' ? 'start function' : `export "${entry.name}"`} (${describe(entry.function)})`;
      if ((this.limits.maxCallDepth !== undefined || this.limits.maxStackBytes !== undefined) && entry.cycle !== null) {
        const cycle = callGraph.cycles[entry.cycle];
        throw this.error(
          'LIMIT_EXCEEDED',
          `${label} reaches recursion ${cycle?.description ?? ''}: its call depth and stack use have no static bound`,
          at,
          undefined,
          this.limits.maxCallDepth !== undefined ? `maxCallDepth ${this.limits.maxCallDepth}` : `maxStackBytes ${this.limits.maxStackBytes}`,
          this.limits.maxCallDepth !== undefined ? 'maxCallDepth' : 'maxStackBytes',
        );
      }
      if (entry.maxCallDepth !== null) this.limit('maxCallDepth', entry.maxCallDepth, at, `call depth from ${label}`);
      if (entry.maxStackBytes !== null) this.limit('maxStackBytes', entry.maxStackBytes, at, `stack bytes from ${label}`);
    }

    const exportedGlobal = (name: string): number | null => {
      const e = this.exports.find((x) => x.kind === 'global' && x.name === name);
      return e === undefined ? null : (this.globalI32[e.index] ?? null);
    };
    const heapBase = exportedGlobal('__heap_base');
    const dataEnd = exportedGlobal('__data_end');
    const constantAccessEnd = this.codeValidator?.accessEnd ?? 0;
    // wasm-ld defines __stack_pointer first, a mutable i32 set to the top of the stack it placed.
    const stackPointer = this.importedGlobals === 0 && this.globalMutable[0] === true ? (this.globalI32[0] ?? null) : null;
    const tables: TableReport[] = this.tables.map((t, index) => ({
      index,
      elementType: t.elementType === EXTERNREF ? 'externref' : 'funcref',
      initial: t.initial,
      maximum: t.maximum,
      imported: t.imported,
      exported: t.exported,
      grows: t.grows,
    }));
    const memories: MemoryReport[] = this.memories.map((m, index) => ({
      index,
      initialPages: m.initial,
      maximumPages: m.maximum,
      imported: m.imported,
      exported: m.exported,
    }));
    return {
      file: this.file ?? null,
      bytes: this.q.position,
      counts: {
        types: this.types.length,
        imports: this.imports.length,
        functions: this.functionTypes.length,
        importedFunctions: this.importedFunctions,
        tables: this.tables.length,
        memories: this.memories.length,
        globals: this.globalTypes.length,
        importedGlobals: this.importedGlobals,
        exports: this.exports.length,
        elementSegments: this.elementTypes.length,
        dataSegments: this.dataSegments,
        codeBytes: this.codeBytes,
      },
      moduleName: this.moduleName,
      start: this.start,
      imports: this.imports,
      exports: this.exports,
      tables,
      memories,
      memory: {
        canGrow: this.firstGrow !== null,
        firstGrow: this.firstGrow,
        heapBase,
        dataEnd,
        stackPointer,
        dataSegmentsEnd: this.dataSegmentsEnd,
        dataSegmentsWithDynamicOffset: this.dynamicDataSegments,
        constantAccessEnd,
        highestStaticAddress: Math.max(this.dataSegmentsEnd, constantAccessEnd, heapBase ?? 0, dataEnd ?? 0),
        dataBytes: this.dataBytes,
      },
      features: this.firstUses,
      functions,
      callGraph,
      customSections: this.customSections,
      target: this.limits.target ?? null,
    };
  }
}

function readU32(r: Reader): number {
  return r.u32();
}

function tableTypeString(table: { elementType: number; initial: number; maximum: number | null }): string {
  return `${valueTypeName(table.elementType)} [${table.initial}${table.maximum === null ? '' : `, ${table.maximum}`}]`;
}

function memoryTypeString(memory: { initial: number; maximum: number | null }): string {
  return `pages [${memory.initial}${memory.maximum === null ? '' : `, ${memory.maximum}`}]`;
}
