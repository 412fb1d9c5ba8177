/**
 * Type-checks one function body with the algorithm of the WebAssembly 2.0 specification's
 * validation appendix (operand stack with a bottom type for unreachable code, control frames), and
 * measures what the body needs: operand-stack height in values and bytes, control depth, calls.
 *
 * Speed: the operand stack is a Uint8Array of type bytes, control frames live in typed arrays,
 * nothing is allocated per instruction, and all state is reused from one function to the next.
 */
import {
  FC_FEATURES,
  FEATURE_FLOAT,
  FEATURE_MULTI_VALUE,
  FEATURE_REFERENCE_TYPES,
  FEATURE_SIMD,
  MEM_ALIGN,
  MEM_TYPE,
  NUM_ARITY,
  NUM_PACKED,
  NUM_OPERAND,
  NUM_RESULT,
  OP_FEATURES,
  PROPOSAL_OPS,
  SAT_OPS,
  SIMD_ARG,
  SIMD_BINARY,
  SIMD_CONST,
  SIMD_EXTRACT,
  SIMD_FEATURES,
  SIMD_KIND,
  SIMD_LANES,
  SIMD_LOAD,
  SIMD_LOAD_LANE,
  SIMD_REPLACE,
  SIMD_SHIFT,
  SIMD_SHUFFLE,
  SIMD_SPLAT,
  SIMD_STORE,
  SIMD_STORE_LANE,
  SIMD_TERNARY,
  SIMD_TEST,
  SIMD_UNARY,
  instructionName,
} from './opcodes.js';
import type { Proposal } from './errors.js';
import type { Reader } from './reader.js';
import type { FunctionReport } from './report.js';
import {
  EXTERNREF,
  F32,
  F64,
  FUNCREF,
  type FuncType,
  I32,
  I64,
  IS_VALUE_TYPE,
  UNKNOWN,
  V128,
  VALUE_BYTES,
  isRefType,
  makeFuncType,
  sameTypes,
  valueTypeName,
} from './types.js';

/** What the module parser knows when the code section starts. */
export interface CodeContext {
  readonly types: readonly FuncType[];
  /** Canonical (structural) type id of each type index. */
  readonly canonicalTypes: readonly number[];
  /** Type index of each function, imports first. */
  readonly functionTypes: readonly number[];
  /** Element reference type of each table. */
  readonly tableTypes: readonly number[];
  readonly memoryCount: number;
  /** WebAssembly 3.0 multi-memory: memory indices in memargs and memory instructions. */
  readonly multiMemory: boolean;
  readonly globalTypes: readonly number[];
  readonly globalMutable: readonly boolean[];
  /** Reference type of each element segment. */
  readonly elementTypes: readonly number[];
  /** From the data count section; undefined when the module has none. */
  readonly dataCount: number | undefined;
  /** Functions that ref.func may name (C.refs of the specification). */
  readonly declaredRefs: ReadonlySet<number>;
}

/** Callbacks into the module parser, which adds section and function context and applies limits. */
export interface CodeHooks {
  fail(code: 'WASM_MALFORMED' | 'WASM_INVALID', message: string, offset: number, proposal?: Proposal): never;
  /** First use of features (bits) at an absolute offset; may throw LIMIT_EXCEEDED. Returns the new mask. */
  feature(bits: number, offset: number, what: string): number;
  /** A memory.grow at an absolute offset (for the memory budget); may throw LIMIT_EXCEEDED. */
  memoryGrow(offset: number): void;
  /** A table.grow of table `table`; may throw LIMIT_EXCEEDED. */
  tableGrow(table: number, offset: number): void;
  /** Blocks nested deeper than the target allows. */
  controlDepthExceeded(depth: number, offset: number): never;
}

export interface IndirectCall {
  readonly typeIndex: number;
  readonly tableIndex: number;
}

/** FunctionReport with a name to fill in once the name section has been read. */
export type MeasuredFunction = { -readonly [K in keyof FunctionReport]: FunctionReport[K] };

const KIND_BLOCK = 0;
const KIND_LOOP = 1;
const KIND_IF = 2;
const KIND_ELSE = 3;
const KIND_FUNCTION = 4;
/** Block type of `block`/`loop`/`if` without parameters or results. */
const BLOCK_EMPTY = -0x40;
const NO_TYPES = new Uint8Array(0);
// Shared empty lists: most bodies call nothing indirectly and take no references.
const NO_CALLS: number[] = [];
const NO_INDIRECT: IndirectCall[] = [];
const SINGLE: Uint8Array[] = Array.from({ length: 128 }, (_, t) => Uint8Array.of(t));
/** Locals up to this count are kept as one type byte each; more are looked up in their runs. */
const DENSE_LOCALS = 65536;
const VALUE_FEATURE: Uint8Array = (() => {
  const table = new Uint8Array(256);
  table[F32] = FEATURE_FLOAT;
  table[F64] = FEATURE_FLOAT;
  table[V128] = FEATURE_SIMD;
  table[FUNCREF] = FEATURE_REFERENCE_TYPES;
  table[EXTERNREF] = FEATURE_REFERENCE_TYPES;
  return table;
})();

export class CodeValidator {
  // Operand stack: type bytes, and the bytes the values on it take.
  private stack = new Uint8Array(1024);
  private sp = 0;
  private bytes = 0;
  private maxSp = 0;
  private maxBytes = 0;
  // Control stack.
  private ctrlKind = new Uint8Array(64);
  private ctrlHeight = new Int32Array(64);
  private ctrlType = new Int32Array(64);
  private ctrlUnreachable = new Uint8Array(64);
  /** Operand-stack bytes at each frame's height. */
  private ctrlBytes = new Int32Array(64);
  private ctop = -1;
  private maxDepth = 0;
  /** Height and reachability of the innermost frame (cached from the arrays). */
  private height = 0;
  private unreachable = false;
  // Locals.
  private localTypes = new Uint8Array(256);
  private localCount = 0;
  private dense = true;
  /** Runs of declared locals: index just past each run, and its type. */
  private runEnds = new Float64Array(16);
  private runTypes = new Uint8Array(16);
  private runCount = 0;
  // Scratch.
  private labels = new Uint32Array(64);
  private popped = new Uint8Array(64);
  // Per-function facts.
  private resultTypes: Uint8Array = NO_TYPES;
  private calls: number[] = [];
  private callSeen: Int32Array;
  /** The type of each function, looked up once. */
  private readonly functionTypeObjects: readonly FuncType[];
  private indirect: IndirectCall[] = [];
  /** 1 for each function some body takes a reference to with ref.func. */
  readonly referenced: Uint8Array;
  private growsMemory = false;
  private functionIndex = 0;
  private opStart = 0;
  private featureMask: number;
  // The last constant (end, i32 value or NaN), and the last two adjacent constants (end of the
  // second, value of the first): the address operands of constant-address loads and stores.
  private constEnd = -1;
  private constValue = Number.NaN;
  private pairEnd = -1;
  private pairValue = Number.NaN;
  /** End of the highest constant-address memory access in any body (i32.const feeding a load/store). */
  accessEnd = 0;
  private r!: Reader;

  constructor(
    private readonly ctx: CodeContext,
    private readonly hooks: CodeHooks,
    featureMask: number,
    private readonly maxControlDepth: number,
  ) {
    this.callSeen = new Int32Array(ctx.functionTypes.length).fill(-1);
    this.referenced = new Uint8Array(ctx.functionTypes.length);
    this.functionTypeObjects = ctx.functionTypes.map((t) => ctx.types[t] ?? makeFuncType(NO_TYPES, NO_TYPES));
    this.featureMask = featureMask;
  }

  /**
   * Validates the body in `r` (bound to exactly the body's bytes, hard end) of function
   * `functionIndex`. The reader is left after the body's final `end`.
   */
  validate(r: Reader, functionIndex: number, offset: number, bodyBytes: number, typeString: string): MeasuredFunction {
    this.r = r;
    this.functionIndex = functionIndex;
    const typeIndex = this.ctx.functionTypes[functionIndex] ?? 0;
    const type = this.ctx.types[typeIndex];
    if (type === undefined) return this.fail('WASM_INVALID', `unknown type of function ${functionIndex}`, r.offset);
    this.resultTypes = type.results;
    this.calls = NO_CALLS;
    this.indirect = NO_INDIRECT;
    this.growsMemory = false;
    this.sp = 0;
    this.maxSp = 0;
    this.maxBytes = 0;
    this.bytes = 0;
    this.ctop = -1;
    this.maxDepth = 0;
    this.constEnd = -1;
    this.pairEnd = -1;
    const localBytes = this.readLocals(type.params);
    this.pushCtrl(KIND_FUNCTION, typeIndex);
    this.instructions();
    return {
      index: functionIndex,
      name: null,
      typeIndex,
      type: typeString,
      offset,
      bodyBytes,
      locals: this.localCount,
      localBytes,
      maxStackSlots: this.maxSp,
      maxStackBytes: this.maxBytes,
      maxControlDepth: this.maxDepth,
      frameBytes: localBytes + this.maxBytes,
      calls: this.calls,
      indirectCalls: this.indirect,
      growsMemory: this.growsMemory,
    };
  }

  private fail(code: 'WASM_MALFORMED' | 'WASM_INVALID', message: string, offset: number, proposal?: Proposal): never {
    return this.hooks.fail(code, message, offset, proposal);
  }

  private invalid(message: string): never {
    return this.hooks.fail('WASM_INVALID', message, this.opStart + this.r.base);
  }

  private get instruction(): string {
    const r = this.r;
    const op = r.buf[this.opStart] as number;
    if (op !== 0xfc && op !== 0xfd) return instructionName(op);
    let sub = 0;
    let shift = 0;
    for (let p = this.opStart + 1; p < r.end && shift < 35; p += 1) {
      const b = r.buf[p] as number;
      sub += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) break;
    }
    return instructionName(op, sub);
  }

  // ---- locals ----

  private readLocals(params: Uint8Array): number {
    const r = this.r;
    let bytes = 0;
    for (let i = 0; i < params.length; i += 1) bytes += VALUE_BYTES[params[i] as number] as number;
    const runs = r.u32();
    this.runCount = 0;
    let declared = 0;
    for (let i = 0; i < runs; i += 1) {
      const at = r.offset;
      const count = r.u32();
      const t = r.u8();
      if (IS_VALUE_TYPE[t] !== 1) this.fail('WASM_MALFORMED', `malformed value type 0x${t.toString(16)} in local declaration`, r.offset - 1);
      declared += count;
      if (declared > 0xffffffff) this.fail('WASM_MALFORMED', 'too many locals: more than 2^32-1 in one function', at);
      const feature = VALUE_FEATURE[t] as number;
      if ((feature & this.featureMask) !== 0) this.featureMask = this.hooks.feature(feature, at, `local of type ${valueTypeName(t)}`);
      if (count > 0) {
        if (this.runCount === this.runEnds.length) {
          const ends = new Float64Array(this.runEnds.length * 2);
          ends.set(this.runEnds);
          this.runEnds = ends;
          const types = new Uint8Array(this.runTypes.length * 2);
          types.set(this.runTypes);
          this.runTypes = types;
        }
        this.runEnds[this.runCount] = params.length + declared;
        this.runTypes[this.runCount] = t;
        this.runCount += 1;
        bytes += count * (VALUE_BYTES[t] as number);
      }
    }
    const total = params.length + declared;
    this.localCount = total;
    this.dense = total <= DENSE_LOCALS;
    if (this.dense) {
      if (this.localTypes.length < total) this.localTypes = new Uint8Array(Math.max(total, this.localTypes.length * 2));
      const types = this.localTypes;
      for (let i = 0; i < params.length; i += 1) types[i] = params[i] as number;
      let at = params.length;
      for (let i = 0; i < this.runCount; i += 1) {
        const end = this.runEnds[i] as number;
        const t = this.runTypes[i] as number;
        for (let j = at; j < end; j += 1) types[j] = t;
        at = end;
      }
    } else {
      if (this.localTypes.length < params.length) this.localTypes = new Uint8Array(params.length);
      this.localTypes.set(params);
      this.sparseParams = params.length;
    }
    return bytes;
  }

  private sparseParams = 0;

  private localType(index: number): number {
    if (index >= this.localCount) return this.invalid(`unknown local ${index}: the function has ${this.localCount} locals`);
    if (this.dense) return this.localTypes[index] as number;
    if (index < this.sparseParams) return this.localTypes[index] as number;
    let lo = 0;
    let hi = this.runCount - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.runEnds[mid] as number) > index) hi = mid;
      else lo = mid + 1;
    }
    return this.runTypes[lo] as number;
  }

  // ---- operand stack ----

  private push(t: number): void {
    let sp = this.sp;
    if (sp === this.stack.length) this.growStack();
    this.stack[sp] = t;
    const bytes = this.bytes + (VALUE_BYTES[t] as number);
    sp += 1;
    this.bytes = bytes;
    this.sp = sp;
    if (sp > this.maxSp) this.maxSp = sp;
    if (bytes > this.maxBytes) this.maxBytes = bytes;
  }

  private growStack(): void {
    const stack = new Uint8Array(this.stack.length * 2);
    stack.set(this.stack);
    this.stack = stack;
  }

  /** Pops any value; UNKNOWN on a polymorphic (unreachable) stack. */
  private pop(): number {
    const sp = this.sp;
    if (sp > this.height) {
      this.sp = sp - 1;
      const found = this.stack[sp - 1] as number;
      this.bytes -= VALUE_BYTES[found] as number;
      return found;
    }
    if (this.unreachable) return UNKNOWN;
    return this.invalid(`type mismatch: ${this.instruction} expected a value but the operand stack is empty`);
  }

  /** Pops a value of type t and returns the type found (UNKNOWN on a polymorphic stack). */
  private popExpect(t: number): number {
    const sp = this.sp;
    if (sp > this.height) {
      const actual = this.stack[sp - 1] as number;
      this.sp = sp - 1;
      this.bytes -= VALUE_BYTES[actual] as number;
      if (actual !== t && actual !== UNKNOWN) this.mismatch(t, actual);
      return actual;
    }
    if (this.unreachable) return UNKNOWN;
    return this.invalid(`type mismatch: ${this.instruction} expected ${valueTypeName(t)} but the operand stack is empty`);
  }

  private mismatch(expected: number, actual: number): never {
    return this.invalid(`type mismatch: ${this.instruction} expected ${valueTypeName(expected)} but found ${valueTypeName(actual)}`);
  }

  private popTypes(types: Uint8Array): void {
    const n = types.length;
    // On a polymorphic stack the values below the frame match anything: check only those above,
    // so hostile code cannot make `unreachable; call f` cost f's parameter count each time.
    const last = this.unreachable ? Math.max(0, n - (this.sp - this.height)) : 0;
    for (let i = n - 1; i >= last; i -= 1) this.popExpect(types[i] as number);
  }

  private pushTypes(types: Uint8Array): void {
    for (let i = 0; i < types.length; i += 1) this.push(types[i] as number);
  }

  /** br_table's check of a non-default label: pop its types, push back what was found. */
  private popPushBack(types: Uint8Array): void {
    const n = types.length;
    if (this.popped.length < n) this.popped = new Uint8Array(n);
    for (let i = n - 1; i >= 0; i -= 1) this.popped[i] = this.popExpect(types[i] as number);
    for (let i = 0; i < n; i += 1) this.push(this.popped[i] as number);
  }

  // ---- control stack ----

  private blockParams(blockType: number): Uint8Array {
    return blockType >= 0 ? (this.ctx.types[blockType]?.params ?? NO_TYPES) : NO_TYPES;
  }

  private blockResults(blockType: number): Uint8Array {
    if (blockType >= 0) return this.ctx.types[blockType]?.results ?? NO_TYPES;
    return blockType === BLOCK_EMPTY ? NO_TYPES : (SINGLE[-blockType] ?? NO_TYPES);
  }

  private frameResults(frame: number): Uint8Array {
    return this.ctrlKind[frame] === KIND_FUNCTION ? this.resultTypes : this.blockResults(this.ctrlType[frame] as number);
  }

  private pushCtrl(kind: number, blockType: number): void {
    const top = this.ctop + 1;
    if (top === this.ctrlKind.length) this.growCtrl();
    this.ctrlKind[top] = kind;
    this.ctrlType[top] = blockType;
    this.ctrlHeight[top] = this.sp;
    this.ctrlUnreachable[top] = 0;
    this.ctrlBytes[top] = this.bytes;
    this.ctop = top;
    this.height = this.sp;
    this.unreachable = false;
    if (top > this.maxDepth) {
      this.maxDepth = top;
      if (top > this.maxControlDepth) this.hooks.controlDepthExceeded(top, this.opStart + this.r.base);
    }
  }

  private growCtrl(): void {
    const n = this.ctrlKind.length * 2;
    const kind = new Uint8Array(n);
    kind.set(this.ctrlKind);
    const height = new Int32Array(n);
    height.set(this.ctrlHeight);
    const type = new Int32Array(n);
    type.set(this.ctrlType);
    const unreachable = new Uint8Array(n);
    unreachable.set(this.ctrlUnreachable);
    const bytes = new Int32Array(n);
    bytes.set(this.ctrlBytes);
    this.ctrlBytes = bytes;
    this.ctrlKind = kind;
    this.ctrlHeight = height;
    this.ctrlType = type;
    this.ctrlUnreachable = unreachable;
  }

  private setUnreachable(): void {
    this.sp = this.height;
    this.bytes = this.ctrlBytes[this.ctop] as number;
    this.unreachable = true;
    this.ctrlUnreachable[this.ctop] = 1;
  }

  /** Checks the innermost frame's results are exactly what is on its part of the stack. */
  private checkFrameEnd(results: Uint8Array): void {
    this.popTypes(results);
    if (this.sp !== this.height) {
      this.invalid(`type mismatch: ${this.sp - this.height} value(s) left on the operand stack at ${this.instruction}`);
    }
  }

  private dropFrame(): void {
    this.bytes = this.ctrlBytes[this.ctop] as number;
    const top = this.ctop - 1;
    this.ctop = top;
    if (top >= 0) {
      this.height = this.ctrlHeight[top] as number;
      this.unreachable = this.ctrlUnreachable[top] === 1;
    }
  }

  private labelTypes(depth: number): Uint8Array {
    if (depth > this.ctop) return this.invalid(`unknown label ${depth}: only ${this.ctop + 1} enclosing blocks`);
    const frame = this.ctop - depth;
    return this.ctrlKind[frame] === KIND_LOOP ? this.blockParams(this.ctrlType[frame] as number) : this.frameResults(frame);
  }

  private readBlockType(): number {
    const r = this.r;
    const at = r.offset;
    const blockType = r.blockType();
    if (blockType === BLOCK_EMPTY) return blockType;
    if (blockType < 0) {
      const t = -blockType;
      if (IS_VALUE_TYPE[t] !== 1) this.fail('WASM_MALFORMED', `malformed block type 0x${t.toString(16)}`, at);
      const feature = VALUE_FEATURE[t] as number;
      if ((feature & this.featureMask) !== 0) this.featureMask = this.hooks.feature(feature, at, `block of type ${valueTypeName(t)}`);
      return blockType;
    }
    const type = this.ctx.types[blockType];
    if (type === undefined) return this.invalid(`unknown type ${blockType}: the module has ${this.ctx.types.length} types`);
    if ((type.params.length > 0 || type.results.length > 1) && (FEATURE_MULTI_VALUE & this.featureMask) !== 0) {
      this.featureMask = this.hooks.feature(FEATURE_MULTI_VALUE, at, 'block with parameters or several results');
    }
    return blockType;
  }

  /** Memory index of the last memarg read (multi-memory; 0 otherwise). */
  private memIndex = 0;

  private memarg(maxAlign: number): number {
    const r = this.r;
    let align = r.u32();
    let memory = 0;
    // Multi-memory: bit 6 of the alignment field says a memory index follows it.
    if (this.ctx.multiMemory && align >= 64 && align < 128) {
      align -= 64;
      memory = r.u32();
    }
    const offset = r.u32();
    this.requireMemory(memory);
    this.memIndex = memory;
    if (align > maxAlign) {
      this.invalid(`alignment must not be larger than natural: ${this.instruction} has alignment 2^${align}, natural is 2^${maxAlign}`);
    }
    return offset;
  }

  private zeroByte(): void {
    const r = this.r;
    if (r.u8() !== 0) this.fail('WASM_MALFORMED', `zero byte expected: ${this.instruction} takes memory 0 as a single 0x00 byte`, r.offset - 1);
  }

  /** A memory instruction's memory index: a u32 with multi-memory, else 2.0's zero byte. */
  private memoryIndex(): number {
    if (this.ctx.multiMemory) return this.r.u32();
    this.zeroByte();
    return 0;
  }

  private requireMemory(index = 0): void {
    if (index >= this.ctx.memoryCount) {
      if (index === 0) this.invalid(`unknown memory 0: ${this.instruction} needs a memory`);
      this.invalid(`unknown memory ${index}: the module has ${this.ctx.memoryCount} memories`);
    }
  }

  private table(index: number): number {
    const t = this.ctx.tableTypes[index];
    if (t === undefined) return this.invalid(`unknown table ${index}: the module has ${this.ctx.tableTypes.length} tables`);
    return t;
  }

  private dataSegment(index: number): void {
    const count = this.ctx.dataCount;
    if (count === undefined) {
      this.fail('WASM_MALFORMED', `data count section required: ${this.instruction} names a data segment`, this.opStart + this.r.base);
    }
    if (index >= count) this.invalid(`unknown data segment ${index}: the data count section declares ${count}`);
  }

  private elementSegment(index: number): number {
    const t = this.ctx.elementTypes[index];
    if (t === undefined) return this.invalid(`unknown elem segment ${index}: the module has ${this.ctx.elementTypes.length}`);
    return t;
  }

  private lane(lanes: number): void {
    const r = this.r;
    const lane = r.u8();
    if (lane >= lanes) this.invalid(`invalid lane index ${lane}: ${this.instruction} has ${lanes} lanes`);
  }

  private recordCall(callee: number): void {
    if (this.callSeen[callee] !== this.functionIndex) {
      this.callSeen[callee] = this.functionIndex;
      if (this.calls === NO_CALLS) this.calls = [];
      this.calls.push(callee);
    }
  }

  private noteConst(start: number, end: number, value: number): void {
    if (this.constEnd === start) {
      this.pairEnd = end;
      this.pairValue = this.constValue;
    }
    this.constEnd = end;
    this.constValue = value;
  }

  private noteAccess(address: number, offset: number, width: number): void {
    const end = (address >>> 0) + offset + width;
    if (end > this.accessEnd) this.accessEnd = end;
  }

  private illegal(op: number): never {
    const proposal = PROPOSAL_OPS.get(op);
    const at = this.opStart + this.r.base;
    if (proposal !== undefined) {
      return this.fail('WASM_MALFORMED', `illegal opcode 0x${op.toString(16)} (${proposal[0]}): the ${proposal[1]} proposal is not part of WebAssembly 2.0`, at, proposal[1]);
    }
    return this.fail('WASM_MALFORMED', `illegal opcode 0x${op.toString(16).padStart(2, '0')}`, at);
  }

  // ---- instructions ----

  /**
   * The instruction loop. The most frequent instructions (by count in real modules: local.get,
   * i32.const, loads, stores, local.set/tee, call, numeric operators, br_if, block/end) are checked
   * here with the stack pointer, byte count and read position in local variables and no calls;
   * anything else, and every error, goes through step() so each rule and message exists once.
   * A fast path that finds something unusual before changing state re-reads the instruction in
   * step() (pos = opStart + 1).
   */
  private instructions(): void {
    const r = this.r;
    const ctx = this.ctx;
    const buf = r.buf;
    const end = r.end;
    // Sparse locals (more than DENSE_LOCALS) always take the slow path.
    const localCount = this.dense ? this.localCount : 0;
    const localTypes = this.localTypes;
    const hasMemory = ctx.memoryCount > 0;
    let ctrlKind = this.ctrlKind;
    const callSeen = this.callSeen;
    const functionIndex = this.functionIndex;
    const functionTypes = this.functionTypeObjects;
    // The last constant, and the last two adjacent constants (address and value of a store).
    let constEnd = this.constEnd;
    let constValue = this.constValue;
    let pairEnd = this.pairEnd;
    let pairValue = this.pairValue;
    let stackCap = this.stack.length;
    let featureMask = this.featureMask;
    let pos = r.pos;
    let sp = this.sp;
    let bytes = this.bytes;
    let stack = this.stack;
    let height = this.height;
    let unreachable = this.unreachable;
    let maxSp = this.maxSp;
    let maxBytes = this.maxBytes;
    for (;;) {
      if (pos >= end) {
        r.pos = pos;
        r.short();
      }
      const opStart = pos;
      const op = buf[pos] as number;
      pos += 1;
      // Feature bits (float, sign extension, reference types, SIMD) are checked only where an
      // instruction can have them: loads/stores, numeric operators, and step().
      fast: switch (op) {
        case 0x20: {
          // local.get
          let index: number;
          if (pos + 1 < end) {
            const b0 = buf[pos] as number;
            if (b0 < 0x80) {
              index = b0;
              pos += 1;
            } else if ((buf[pos + 1] as number) < 0x80) {
              index = (b0 & 0x7f) | ((buf[pos + 1] as number) << 7);
              pos += 2;
            } else {
              r.pos = pos;
              index = r.u32();
              pos = r.pos;
            }
          } else {
            r.pos = pos;
            index = r.u32();
            pos = r.pos;
          }
          if (index >= localCount) {
            pos = opStart + 1;
            break fast;
          }
          const t = localTypes[index] as number;
          if (sp === stackCap) {
            this.sp = sp;
            this.growStack();
            stack = this.stack;
            stackCap = stack.length;
          }
          stack[sp] = t;
          sp += 1;
          bytes += (VALUE_BYTES[t] as number);
          if (sp > maxSp) maxSp = sp;
          if (bytes > maxBytes) maxBytes = bytes;
          continue;
        }
        case 0x21: {
          // local.set
          let index: number;
          if (pos + 1 < end) {
            const b0 = buf[pos] as number;
            if (b0 < 0x80) {
              index = b0;
              pos += 1;
            } else if ((buf[pos + 1] as number) < 0x80) {
              index = (b0 & 0x7f) | ((buf[pos + 1] as number) << 7);
              pos += 2;
            } else {
              r.pos = pos;
              index = r.u32();
              pos = r.pos;
            }
          } else {
            r.pos = pos;
            index = r.u32();
            pos = r.pos;
          }
          if (index >= localCount) {
            pos = opStart + 1;
            break fast;
          }
          const t = localTypes[index] as number;
          if (sp <= height || stack[sp - 1] !== t) {
            pos = opStart + 1;
            break fast;
          }
          sp -= 1;
          bytes -= VALUE_BYTES[t] as number;
          continue;
        }
        case 0x22: {
          // local.tee
          let index: number;
          if (pos + 1 < end) {
            const b0 = buf[pos] as number;
            if (b0 < 0x80) {
              index = b0;
              pos += 1;
            } else if ((buf[pos + 1] as number) < 0x80) {
              index = (b0 & 0x7f) | ((buf[pos + 1] as number) << 7);
              pos += 2;
            } else {
              r.pos = pos;
              index = r.u32();
              pos = r.pos;
            }
          } else {
            r.pos = pos;
            index = r.u32();
            pos = r.pos;
          }
          if (index >= localCount) {
            pos = opStart + 1;
            break fast;
          }
          // With the value already on top, local.tee leaves the stack as it is.
          if (sp <= height || stack[sp - 1] !== localTypes[index]) {
            pos = opStart + 1;
            break fast;
          }
          continue;
        }
        case 0x23: {
          // global.get
          let index: number;
          if (pos + 1 < end) {
            const b0 = buf[pos] as number;
            if (b0 < 0x80) {
              index = b0;
              pos += 1;
            } else if ((buf[pos + 1] as number) < 0x80) {
              index = (b0 & 0x7f) | ((buf[pos + 1] as number) << 7);
              pos += 2;
            } else {
              r.pos = pos;
              index = r.u32();
              pos = r.pos;
            }
          } else {
            r.pos = pos;
            index = r.u32();
            pos = r.pos;
          }
          const t = ctx.globalTypes[index];
          if (t === undefined) {
            pos = opStart + 1;
            break fast;
          }
          if (sp === stackCap) {
            this.sp = sp;
            this.growStack();
            stack = this.stack;
            stackCap = stack.length;
          }
          stack[sp] = t;
          sp += 1;
          bytes += (VALUE_BYTES[t] as number);
          if (sp > maxSp) maxSp = sp;
          if (bytes > maxBytes) maxBytes = bytes;
          continue;
        }
        case 0x41: {
          // i32.const
          let value: number;
          const b0 = pos < end ? (buf[pos] as number) : 0x80;
          if (b0 < 0x80) {
            value = (b0 << 25) >> 25;
            pos += 1;
          } else if (pos + 1 < end && (buf[pos + 1] as number) < 0x80) {
            value = (((b0 & 0x7f) | ((buf[pos + 1] as number) << 7)) << 18) >> 18;
            pos += 2;
          } else {
            r.pos = pos;
            value = r.s32();
            pos = r.pos;
          }
          if (constEnd === opStart) {
            pairEnd = pos;
            pairValue = constValue;
          }
          constEnd = pos;
          constValue = value;
          if (sp === stackCap) {
            this.sp = sp;
            this.growStack();
            stack = this.stack;
            stackCap = stack.length;
          }
          stack[sp] = I32;
          sp += 1;
          bytes += 4;
          if (sp > maxSp) maxSp = sp;
          if (bytes > maxBytes) maxBytes = bytes;
          continue;
        }
        case 0x42: {
          // i64.const
          if (pos < end && (buf[pos] as number) < 0x80) {
            pos += 1;
          } else {
            r.pos = pos;
            r.s64();
            pos = r.pos;
          }
          if (constEnd === opStart) {
            pairEnd = pos;
            pairValue = constValue;
          }
          constEnd = pos;
          constValue = Number.NaN;
          if (sp === stackCap) {
            this.sp = sp;
            this.growStack();
            stack = this.stack;
            stackCap = stack.length;
          }
          stack[sp] = I64;
          sp += 1;
          bytes += (VALUE_BYTES[I64] as number);
          if (sp > maxSp) maxSp = sp;
          if (bytes > maxBytes) maxBytes = bytes;
          continue;
        }
        case 0x43:
        case 0x44: {
          // f32.const, f64.const
          const width = op === 0x43 ? 4 : 8;
          if (end - pos < width || ((OP_FEATURES[op] as number) & featureMask) !== 0) break fast;
          pos += width;
          if (constEnd === opStart) {
            pairEnd = pos;
            pairValue = constValue;
          }
          constEnd = pos;
          constValue = Number.NaN;
          const t = op === 0x43 ? F32 : F64;
          if (sp === stackCap) {
            this.sp = sp;
            this.growStack();
            stack = this.stack;
            stackCap = stack.length;
          }
          stack[sp] = t;
          sp += 1;
          bytes += (VALUE_BYTES[t] as number);
          if (sp > maxSp) maxSp = sp;
          if (bytes > maxBytes) maxBytes = bytes;
          continue;
        }
        case 0x24: {
          // global.set
          let index: number;
          if (pos + 1 < end) {
            const b0 = buf[pos] as number;
            if (b0 < 0x80) {
              index = b0;
              pos += 1;
            } else if ((buf[pos + 1] as number) < 0x80) {
              index = (b0 & 0x7f) | ((buf[pos + 1] as number) << 7);
              pos += 2;
            } else {
              r.pos = pos;
              index = r.u32();
              pos = r.pos;
            }
          } else {
            r.pos = pos;
            index = r.u32();
            pos = r.pos;
          }
          const t = ctx.globalTypes[index];
          if (t === undefined || ctx.globalMutable[index] !== true) {
            pos = opStart + 1;
            break fast;
          }
          if (sp > height) {
            const found = stack[sp - 1] as number;
            sp -= 1;
            if (found !== t) {
              if (found !== UNKNOWN) {
                this.opStart = opStart;
                this.mismatch(t, found);
              }
            } else {
              bytes -= (VALUE_BYTES[t] as number);
            }
          } else if (!unreachable) {
            this.opStart = opStart;
            this.sp = sp;
            this.popExpect(t);
          }
          continue;
        }
        case 0x1b: {
          // select without a type, on concrete numeric or vector operands
          if (sp - height < 3) break fast;
          const t = stack[sp - 2] as number;
          if (stack[sp - 1] !== I32 || stack[sp - 3] !== t || t === UNKNOWN || t === FUNCREF || t === EXTERNREF) break fast;
          sp -= 2;
          bytes -= 4 + (VALUE_BYTES[t] as number);
          continue;
        }
        case 0x01:
          // nop
          continue;
        case 0x00:
        case 0x0f: {
          // unreachable, return
          if (op === 0x0f) {
            const results = this.resultTypes;
            for (let i = results.length - 1; i >= 0; i -= 1) {
              const t = results[i] as number;
              if (sp > height) {
                const found = stack[sp - 1] as number;
                sp -= 1;
                if (found !== t) {
                  if (found !== UNKNOWN) {
                    this.opStart = opStart;
                    this.mismatch(t, found);
                  }
                } else {
                  bytes -= (VALUE_BYTES[t] as number);
                }
              } else if (!unreachable) {
                this.opStart = opStart;
                this.sp = sp;
                this.popExpect(t);
              }
            }
          }
          sp = height;
          bytes = this.ctrlBytes[this.ctop] as number;
          unreachable = true;
          this.unreachable = true;
          this.ctrlUnreachable[this.ctop] = 1;
          continue;
        }
        case 0x05: {
          // else of an if with an empty or single-value block type
          const top = this.ctop;
          if (ctrlKind[top] !== KIND_IF) break fast;
          const blockType = this.ctrlType[top] as number;
          if (blockType >= 0) break fast;
          if (blockType === BLOCK_EMPTY) {
            if (sp !== height) break fast;
          } else {
            const t = -blockType;
            if (sp !== height + 1 || (stack[sp - 1] !== t && !(unreachable && stack[sp - 1] === UNKNOWN))) break fast;
          }
          ctrlKind[top] = KIND_ELSE;
          this.ctrlUnreachable[top] = 0;
          sp = height;
          bytes = this.ctrlBytes[top] as number;
          unreachable = false;
          this.unreachable = false;
          continue;
        }
        case 0x28:
        case 0x29:
        case 0x2a:
        case 0x2b:
        case 0x2c:
        case 0x2d:
        case 0x2e:
        case 0x2f:
        case 0x30:
        case 0x31:
        case 0x32:
        case 0x33:
        case 0x34:
        case 0x35: {
          // loads
          if (!hasMemory) break fast;
          if (((OP_FEATURES[op] as number) & featureMask) !== 0) {
            this.opStart = opStart;
            featureMask = this.featureMask = this.hooks.feature(OP_FEATURES[op] as number, opStart + r.base, instructionName(op));
          }
          let align: number;
          if (pos + 1 < end) {
            const b0 = buf[pos] as number;
            if (b0 < 0x80) {
              align = b0;
              pos += 1;
            } else if ((buf[pos + 1] as number) < 0x80) {
              align = (b0 & 0x7f) | ((buf[pos + 1] as number) << 7);
              pos += 2;
            } else {
              r.pos = pos;
              align = r.u32();
              pos = r.pos;
            }
          } else {
            r.pos = pos;
            align = r.u32();
            pos = r.pos;
          }
          let offset: number;
          if (pos + 1 < end) {
            const b0 = buf[pos] as number;
            if (b0 < 0x80) {
              offset = b0;
              pos += 1;
            } else if ((buf[pos + 1] as number) < 0x80) {
              offset = (b0 & 0x7f) | ((buf[pos + 1] as number) << 7);
              pos += 2;
            } else {
              r.pos = pos;
              offset = r.u32();
              pos = r.pos;
            }
          } else {
            r.pos = pos;
            offset = r.u32();
            pos = r.pos;
          }
          const natural = MEM_ALIGN[op] as number;
          if (align > natural) {
            pos = opStart + 1;
            break fast;
          }
          if (constEnd === opStart && constValue === constValue) {
            const accessEnd = (constValue >>> 0) + offset + (1 << natural);
            if (accessEnd > this.accessEnd) this.accessEnd = accessEnd;
          }
          if (sp <= height || stack[sp - 1] !== I32) {
            pos = opStart + 1;
            break fast;
          }
          const t = MEM_TYPE[op] as number;
          stack[sp - 1] = t;
          bytes += (VALUE_BYTES[t] as number) - 4;
          if (bytes > maxBytes) maxBytes = bytes;
          continue;
        }
        case 0x36:
        case 0x37:
        case 0x38:
        case 0x39:
        case 0x3a:
        case 0x3b:
        case 0x3c:
        case 0x3d:
        case 0x3e: {
          // stores
          if (!hasMemory) break fast;
          if (((OP_FEATURES[op] as number) & featureMask) !== 0) {
            this.opStart = opStart;
            featureMask = this.featureMask = this.hooks.feature(OP_FEATURES[op] as number, opStart + r.base, instructionName(op));
          }
          let align: number;
          if (pos + 1 < end) {
            const b0 = buf[pos] as number;
            if (b0 < 0x80) {
              align = b0;
              pos += 1;
            } else if ((buf[pos + 1] as number) < 0x80) {
              align = (b0 & 0x7f) | ((buf[pos + 1] as number) << 7);
              pos += 2;
            } else {
              r.pos = pos;
              align = r.u32();
              pos = r.pos;
            }
          } else {
            r.pos = pos;
            align = r.u32();
            pos = r.pos;
          }
          let offset: number;
          if (pos + 1 < end) {
            const b0 = buf[pos] as number;
            if (b0 < 0x80) {
              offset = b0;
              pos += 1;
            } else if ((buf[pos + 1] as number) < 0x80) {
              offset = (b0 & 0x7f) | ((buf[pos + 1] as number) << 7);
              pos += 2;
            } else {
              r.pos = pos;
              offset = r.u32();
              pos = r.pos;
            }
          } else {
            r.pos = pos;
            offset = r.u32();
            pos = r.pos;
          }
          const natural = MEM_ALIGN[op] as number;
          if (align > natural) {
            pos = opStart + 1;
            break fast;
          }
          if (pairEnd === opStart && pairValue === pairValue) {
            const accessEnd = (pairValue >>> 0) + offset + (1 << natural);
            if (accessEnd > this.accessEnd) this.accessEnd = accessEnd;
          }
          const t = MEM_TYPE[op] as number;
          if (sp - height < 2 || stack[sp - 1] !== t || stack[sp - 2] !== I32) {
            pos = opStart + 1;
            break fast;
          }
          sp -= 2;
          bytes -= (VALUE_BYTES[t] as number) + 4;
          continue;
        }
        case 0x10: {
          // call
          let callee: number;
          if (pos + 1 < end) {
            const b0 = buf[pos] as number;
            if (b0 < 0x80) {
              callee = b0;
              pos += 1;
            } else if ((buf[pos + 1] as number) < 0x80) {
              callee = (b0 & 0x7f) | ((buf[pos + 1] as number) << 7);
              pos += 2;
            } else {
              r.pos = pos;
              callee = r.u32();
              pos = r.pos;
            }
          } else {
            r.pos = pos;
            callee = r.u32();
            pos = r.pos;
          }
          const type = functionTypes[callee];
          if (type === undefined) {
            pos = opStart + 1;
            break fast;
          }
          const params = type.params;
          const paramCount = params.length;
          let matches = sp - height >= paramCount;
          for (let i = 0; matches && i < paramCount; i += 1) matches = stack[sp - paramCount + i] === params[i];
          if (!matches) {
            pos = opStart + 1;
            break fast;
          }
          sp -= paramCount;
          bytes -= type.paramBytes;
          const results = type.results;
          for (let i = 0; i < results.length; i += 1) {
            const t = results[i] as number;
            if (sp === stackCap) {
              this.sp = sp;
              this.growStack();
              stack = this.stack;
              stackCap = stack.length;
            }
            stack[sp] = t;
            sp += 1;
            bytes += (VALUE_BYTES[t] as number);
            if (sp > maxSp) maxSp = sp;
            if (bytes > maxBytes) maxBytes = bytes;
          }
          if (callSeen[callee] !== functionIndex) {
            callSeen[callee] = functionIndex;
            if (this.calls === NO_CALLS) this.calls = [];
            this.calls.push(callee);
          }
          continue;
        }
        case 0x0c:
        case 0x0d: {
          // br, br_if
          let depth: number;
          if (pos + 1 < end) {
            const b0 = buf[pos] as number;
            if (b0 < 0x80) {
              depth = b0;
              pos += 1;
            } else if ((buf[pos + 1] as number) < 0x80) {
              depth = (b0 & 0x7f) | ((buf[pos + 1] as number) << 7);
              pos += 2;
            } else {
              r.pos = pos;
              depth = r.u32();
              pos = r.pos;
            }
          } else {
            r.pos = pos;
            depth = r.u32();
            pos = r.pos;
          }
          if (depth > this.ctop) {
            pos = opStart + 1;
            break fast;
          }
          const frame = this.ctop - depth;
          const frameKind = ctrlKind[frame];
          const frameType = this.ctrlType[frame] as number;
          const types =
            frameKind === KIND_FUNCTION
              ? this.resultTypes
              : frameType === BLOCK_EMPTY
                ? NO_TYPES
                : frameType < 0
                  ? frameKind === KIND_LOOP
                    ? NO_TYPES
                    : (SINGLE[-frameType] as Uint8Array)
                  : frameKind === KIND_LOOP
                    ? this.blockParams(frameType)
                    : this.blockResults(frameType);
          const count = types.length;
          const top = op === 0x0d ? 1 : 0;
          let matches = sp - height >= count + top && (top === 0 || stack[sp - 1] === I32);
          for (let i = 0; matches && i < count; i += 1) matches = stack[sp - top - count + i] === types[i];
          if (!matches) {
            pos = opStart + 1;
            break fast;
          }
          if (op === 0x0d) {
            // br_if pops its condition; the label's values stay (popped and pushed back).
            sp -= 1;
            bytes -= 4;
          } else {
            sp = height;
            bytes = this.ctrlBytes[this.ctop] as number;
            unreachable = true;
            this.unreachable = true;
            this.ctrlUnreachable[this.ctop] = 1;
          }
          continue;
        }
        case 0x1a:
          // drop
          if (sp > height) {
            sp -= 1;
            bytes -= VALUE_BYTES[stack[sp] as number] as number;
            continue;
          }
          break fast;
        case 0x02:
        case 0x03:
        case 0x04: {
          // block, loop, if with an empty or single-value block type
          if (pos >= end) break fast;
          const typeByte = buf[pos] as number;
          if (typeByte !== 0x40 && (typeByte < 0x7b || typeByte > 0x7f || ((VALUE_FEATURE[typeByte] as number) & featureMask) !== 0)) break fast;
          const top = this.ctop + 1;
          // Growing the control arrays and the depth limit are step()'s business.
          if (top === ctrlKind.length || top > this.maxControlDepth) break fast;
          if (op === 0x04) {
            if (sp <= height || stack[sp - 1] !== I32) break fast;
            sp -= 1;
            bytes -= 4;
          }
          pos += 1;
          ctrlKind[top] = op === 0x02 ? KIND_BLOCK : op === 0x03 ? KIND_LOOP : KIND_IF;
          this.ctrlType[top] = -typeByte;
          this.ctrlHeight[top] = sp;
          this.ctrlUnreachable[top] = 0;
          this.ctrlBytes[top] = bytes;
          this.ctop = top;
          if (top > this.maxDepth) this.maxDepth = top;
          height = sp;
          unreachable = false;
          this.height = sp;
          this.unreachable = false;
          continue;
        }
        case 0x0b: {
          // end of a block, loop or if with an empty or single-value block type
          const top = this.ctop;
          const kind = ctrlKind[top];
          if (kind === KIND_FUNCTION) {
            // The function's final end: its results exactly, and nothing after it.
            const results = this.resultTypes;
            const count = results.length;
            let matches = sp - height === count && pos === end;
            for (let i = 0; matches && i < count; i += 1) matches = stack[sp - count + i] === results[i];
            if (!matches) break fast;
            r.pos = pos;
            this.ctop = -1;
            this.maxSp = maxSp;
            this.maxBytes = maxBytes;
            return;
          }
          const blockType = this.ctrlType[top] as number;
          if (blockType >= 0 || (kind === KIND_IF && blockType !== BLOCK_EMPTY)) break fast;
          if (blockType === BLOCK_EMPTY) {
            if (sp !== height) break fast;
          } else {
            const t = -blockType;
            if (sp !== height + 1 || (stack[sp - 1] !== t && !(unreachable && stack[sp - 1] === UNKNOWN))) break fast;
          }
          const parent = top - 1;
          bytes = this.ctrlBytes[top] as number;
          sp = height;
          this.ctop = parent;
          height = this.ctrlHeight[parent] as number;
          unreachable = this.ctrlUnreachable[parent] === 1;
          this.height = height;
          this.unreachable = unreachable;
          if (blockType !== BLOCK_EMPTY) {
            const t = -blockType;
            if (sp === stackCap) {
              this.sp = sp;
              this.growStack();
              stack = this.stack;
              stackCap = stack.length;
            }
            stack[sp] = t;
            sp += 1;
            bytes += (VALUE_BYTES[t] as number);
            if (sp > maxSp) maxSp = sp;
            if (bytes > maxBytes) maxBytes = bytes;
          }
          continue;
        }
        default: {
          const packed = NUM_PACKED[op] as number;
          if (packed === 0) break fast;
          const features = (packed >>> 2) & 0x7f;
          if ((features & featureMask) !== 0) {
            this.opStart = opStart;
            featureMask = this.featureMask = this.hooks.feature(features, opStart + r.base, instructionName(op));
          }
          const arity = packed & 3;
          const operand = (packed >>> 9) & 0xff;
          if (sp - height < arity || stack[sp - 1] !== operand || (arity === 2 && stack[sp - 2] !== operand)) break fast;
          // Replace the operands by the result: the height never grows, the bytes may (i32 -> i64).
          sp -= arity - 1;
          stack[sp - 1] = (packed >>> 17) & 0xff;
          bytes += packed >> 25;
          if (bytes > maxBytes) maxBytes = bytes;
          continue;
        }
      }
      this.opStart = opStart;
      this.constEnd = constEnd;
      this.constValue = constValue;
      this.pairEnd = pairEnd;
      this.pairValue = pairValue;
      r.pos = pos;
      this.sp = sp;
      this.bytes = bytes;
      this.maxSp = maxSp;
      this.maxBytes = maxBytes;
      if (this.step(op, opStart)) return;
      pos = r.pos;
      sp = this.sp;
      bytes = this.bytes;
      stack = this.stack;
      height = this.height;
      unreachable = this.unreachable;
      maxSp = this.maxSp;
      maxBytes = this.maxBytes;
      ctrlKind = this.ctrlKind;
      constEnd = this.constEnd;
      constValue = this.constValue;
      pairEnd = this.pairEnd;
      pairValue = this.pairValue;
      stackCap = stack.length;
      featureMask = this.featureMask;
    }
  }

  /**
   * One instruction by the helper methods, for everything the fast loop does not inline. The
   * opcode byte has been read; state is in the fields. true when the function's final end was read.
   */
  private step(op: number, opStart: number): boolean {
    const r = this.r;
    const ctx = this.ctx;
    if (((OP_FEATURES[op] as number) & this.featureMask) !== 0) {
      this.featureMask = this.hooks.feature(OP_FEATURES[op] as number, opStart + r.base, instructionName(op));
    }
    {
      switch (op) {
        case 0x00: // unreachable
          this.setUnreachable();
          break;
        case 0x01: // nop
          break;
        case 0x02: // block
        case 0x03: {
          // loop
          const blockType = this.readBlockType();
          if (blockType >= 0) {
            const params = this.blockParams(blockType);
            this.popTypes(params);
            this.pushCtrl(op === 0x02 ? KIND_BLOCK : KIND_LOOP, blockType);
            this.pushTypes(params);
          } else {
            this.pushCtrl(op === 0x02 ? KIND_BLOCK : KIND_LOOP, blockType);
          }
          break;
        }
        case 0x04: {
          // if
          const blockType = this.readBlockType();
          this.popExpect(I32);
          const params = this.blockParams(blockType);
          this.popTypes(params);
          this.pushCtrl(KIND_IF, blockType);
          this.pushTypes(params);
          break;
        }
        case 0x05: {
          // else
          const top = this.ctop;
          if (this.ctrlKind[top] !== KIND_IF) this.fail('WASM_MALFORMED', 'else without a matching if', opStart + r.base);
          const blockType = this.ctrlType[top] as number;
          this.checkFrameEnd(this.blockResults(blockType));
          this.ctrlKind[top] = KIND_ELSE;
          this.ctrlUnreachable[top] = 0;
          this.unreachable = false;
          this.pushTypes(this.blockParams(blockType));
          break;
        }
        case 0x0b: {
          // end
          const top = this.ctop;
          const kind = this.ctrlKind[top];
          const blockType = this.ctrlType[top] as number;
          const results = this.frameResults(top);
          this.checkFrameEnd(results);
          if (kind === KIND_IF && !sameTypes(this.blockParams(blockType), results)) {
            this.invalid('type mismatch: if without else must have the same parameter and result types');
          }
          this.dropFrame();
          if (kind === KIND_FUNCTION) {
            if (r.pos !== r.end) {
              this.fail('WASM_MALFORMED', `section size mismatch: ${r.end - r.pos} byte(s) after the function's final end`, r.pos + r.base);
            }
            return true;
          }
          this.pushTypes(results);
          break;
        }
        case 0x0c: {
          // br
          this.popTypes(this.labelTypes(r.u32()));
          this.setUnreachable();
          break;
        }
        case 0x0d: {
          // br_if
          const types = this.labelTypes(r.u32());
          this.popExpect(I32);
          this.popTypes(types);
          this.pushTypes(types);
          break;
        }
        case 0x0e: {
          // br_table
          const count = r.u32();
          if (count > r.remaining) r.short();
          if (this.labels.length < count) this.labels = new Uint32Array(count);
          for (let i = 0; i < count; i += 1) this.labels[i] = r.u32();
          const defaultTypes = this.labelTypes(r.u32());
          this.popExpect(I32);
          // Checking the same label types twice changes nothing: each distinct list is checked once.
          let checked: Uint8Array[] = [];
          for (let i = 0; i < count; i += 1) {
            const types = this.labelTypes(this.labels[i] as number);
            if (types.length !== defaultTypes.length) {
              this.invalid(`type mismatch: br_table target ${this.labels[i]} takes ${types.length} values, the default takes ${defaultTypes.length}`);
            }
            if (checked.includes(types)) continue;
            if (checked.length === 16) checked = [];
            checked.push(types);
            this.popPushBack(types);
          }
          this.popTypes(defaultTypes);
          this.setUnreachable();
          break;
        }
        case 0x0f: // return
          this.popTypes(this.resultTypes);
          this.setUnreachable();
          break;
        case 0x10: {
          // call
          const callee = r.u32();
          const typeIndex = ctx.functionTypes[callee];
          if (typeIndex === undefined) this.invalid(`unknown function ${callee}: the module has ${ctx.functionTypes.length} functions`);
          const type = ctx.types[typeIndex];
          if (type === undefined) return this.invalid(`unknown type ${typeIndex}`);
          this.popTypes(type.params);
          this.pushTypes(type.results);
          this.recordCall(callee);
          break;
        }
        case 0x11: {
          // call_indirect
          const typeIndex = r.u32();
          const tableIndex = r.u32();
          const type = ctx.types[typeIndex];
          if (type === undefined) return this.invalid(`unknown type ${typeIndex}: the module has ${ctx.types.length} types`);
          if (this.table(tableIndex) !== FUNCREF) this.invalid(`type mismatch: call_indirect needs a funcref table, table ${tableIndex} holds externref`);
          this.popExpect(I32);
          this.popTypes(type.params);
          this.pushTypes(type.results);
          const canonical = ctx.canonicalTypes[typeIndex] ?? typeIndex;
          if (!this.indirect.some((c) => c.typeIndex === canonical && c.tableIndex === tableIndex)) {
            if (this.indirect === NO_INDIRECT) this.indirect = [];
            this.indirect.push({ typeIndex: canonical, tableIndex });
          }
          break;
        }
        case 0x1a: // drop
          this.pop();
          break;
        case 0x1b: {
          // select
          this.popExpect(I32);
          const t1 = this.pop();
          const t2 = this.pop();
          if (isRefType(t1) || isRefType(t2)) this.invalid('type mismatch: select without a type needs numeric or vector operands');
          if (t1 !== t2 && t1 !== UNKNOWN && t2 !== UNKNOWN) {
            this.invalid(`type mismatch: select operands are ${valueTypeName(t2)} and ${valueTypeName(t1)}`);
          }
          this.push(t1 === UNKNOWN ? t2 : t1);
          break;
        }
        case 0x1c: {
          // select t*
          const count = r.u32();
          if (count !== 1) this.invalid(`invalid result arity: select takes exactly one type, got ${count}`);
          const at = r.offset;
          const t = r.u8();
          if (IS_VALUE_TYPE[t] !== 1) this.fail('WASM_MALFORMED', `malformed value type 0x${t.toString(16)}`, at);
          const feature = VALUE_FEATURE[t] as number;
          if ((feature & this.featureMask) !== 0) this.featureMask = this.hooks.feature(feature, at, `select of type ${valueTypeName(t)}`);
          this.popExpect(I32);
          this.popExpect(t);
          this.popExpect(t);
          this.push(t);
          break;
        }
        case 0x20: // local.get
          this.push(this.localType(r.u32()));
          break;
        case 0x21: // local.set
          this.popExpect(this.localType(r.u32()));
          break;
        case 0x22: {
          // local.tee
          const t = this.localType(r.u32());
          this.popExpect(t);
          this.push(t);
          break;
        }
        case 0x23: {
          // global.get
          const index = r.u32();
          const t = ctx.globalTypes[index];
          if (t === undefined) return this.invalid(`unknown global ${index}: the module has ${ctx.globalTypes.length} globals`);
          this.push(t);
          break;
        }
        case 0x24: {
          // global.set
          const index = r.u32();
          const t = ctx.globalTypes[index];
          if (t === undefined) return this.invalid(`unknown global ${index}: the module has ${ctx.globalTypes.length} globals`);
          if (ctx.globalMutable[index] !== true) this.invalid(`global is immutable: global.set ${index}`);
          this.popExpect(t);
          break;
        }
        case 0x25: {
          // table.get
          const t = this.table(r.u32());
          this.popExpect(I32);
          this.push(t);
          break;
        }
        case 0x26: {
          // table.set
          const t = this.table(r.u32());
          this.popExpect(t);
          this.popExpect(I32);
          break;
        }
        case 0x28:
        case 0x29:
        case 0x2a:
        case 0x2b:
        case 0x2c:
        case 0x2d:
        case 0x2e:
        case 0x2f:
        case 0x30:
        case 0x31:
        case 0x32:
        case 0x33:
        case 0x34:
        case 0x35: {
          // loads
          const align = MEM_ALIGN[op] as number;
          const offset = this.memarg(align);
          if (this.memIndex === 0 && this.constEnd === opStart && this.constValue === this.constValue) this.noteAccess(this.constValue, offset, 1 << align);
          this.popExpect(I32);
          this.push(MEM_TYPE[op] as number);
          break;
        }
        case 0x36:
        case 0x37:
        case 0x38:
        case 0x39:
        case 0x3a:
        case 0x3b:
        case 0x3c:
        case 0x3d:
        case 0x3e: {
          // stores
          const align = MEM_ALIGN[op] as number;
          const offset = this.memarg(align);
          if (this.memIndex === 0 && this.pairEnd === opStart && this.pairValue === this.pairValue) this.noteAccess(this.pairValue, offset, 1 << align);
          this.popExpect(MEM_TYPE[op] as number);
          this.popExpect(I32);
          break;
        }
        case 0x3f: // memory.size
          this.requireMemory(this.memoryIndex());
          this.push(I32);
          break;
        case 0x40: // memory.grow
          this.requireMemory(this.memoryIndex());
          this.popExpect(I32);
          this.push(I32);
          if (!this.growsMemory) {
            this.growsMemory = true;
            this.hooks.memoryGrow(opStart + r.base);
          }
          break;
        case 0x41: {
          const value = r.s32();
          this.noteConst(opStart, r.pos, value);
          this.push(I32);
          break;
        }
        case 0x42:
          r.s64();
          this.noteConst(opStart, r.pos, Number.NaN);
          this.push(I64);
          break;
        case 0x43:
          r.skip(4);
          this.noteConst(opStart, r.pos, Number.NaN);
          this.push(F32);
          break;
        case 0x44:
          r.skip(8);
          this.noteConst(opStart, r.pos, Number.NaN);
          this.push(F64);
          break;
        case 0xd0: {
          // ref.null
          const at = r.offset;
          const t = r.u8();
          if (!isRefType(t)) this.fail('WASM_MALFORMED', `malformed reference type 0x${t.toString(16)}`, at);
          this.push(t);
          break;
        }
        case 0xd1: {
          // ref.is_null
          const t = this.pop();
          if (t !== UNKNOWN && !isRefType(t)) this.invalid(`type mismatch: ref.is_null expected a reference but found ${valueTypeName(t)}`);
          this.push(I32);
          break;
        }
        case 0xd2: {
          // ref.func
          const index = r.u32();
          if (index >= ctx.functionTypes.length) this.invalid(`unknown function ${index}: the module has ${ctx.functionTypes.length} functions`);
          if (!ctx.declaredRefs.has(index)) {
            this.invalid(`undeclared function reference: function ${index} is not named in an element segment, export or global`);
          }
          this.referenced[index] = 1;
          this.push(FUNCREF);
          break;
        }
        case 0xfc:
          this.prefixFC();
          break;
        case 0xfd:
          this.prefixFD();
          break;
        default: {
          const arity = NUM_ARITY[op] as number;
          if (arity === 0) this.illegal(op);
          const operand = NUM_OPERAND[op] as number;
          this.popExpect(operand);
          if (arity === 2) this.popExpect(operand);
          this.push(NUM_RESULT[op] as number);
        }
      }
    }
    return false;
  }

  private prefixFC(): void {
    const r = this.r;
    const sub = r.u32();
    const features = FC_FEATURES[sub];
    if (features === undefined) return this.fail('WASM_MALFORMED', `illegal opcode 0xfc ${sub}`, this.opStart + r.base);
    if ((features & this.featureMask) !== 0) this.featureMask = this.hooks.feature(features, this.opStart + r.base, instructionName(0xfc, sub));
    if (sub < 8) {
      const [, operand, , result] = SAT_OPS[sub] ?? ['', I32, 1, I32];
      this.popExpect(operand);
      this.push(result);
      return;
    }
    switch (sub) {
      case 8: {
        // memory.init
        const index = r.u32();
        const memory = this.memoryIndex();
        this.dataSegment(index);
        this.requireMemory(memory);
        this.popI32x3();
        return;
      }
      case 9: // data.drop
        this.dataSegment(r.u32());
        return;
      case 10: {
        // memory.copy dst src
        const dst = this.memoryIndex();
        const src = this.memoryIndex();
        this.requireMemory(dst);
        this.requireMemory(src);
        this.popI32x3();
        return;
      }
      case 11: // memory.fill
        this.requireMemory(this.memoryIndex());
        this.popI32x3();
        return;
      case 12: {
        // table.init elem table
        const element = r.u32();
        const table = this.table(r.u32());
        const elementType = this.elementSegment(element);
        if (elementType !== table) {
          this.invalid(`type mismatch: table.init copies ${valueTypeName(elementType)} elements into a ${valueTypeName(table)} table`);
        }
        this.popI32x3();
        return;
      }
      case 13: // elem.drop
        this.elementSegment(r.u32());
        return;
      case 14: {
        // table.copy dst src
        const dst = this.table(r.u32());
        const src = this.table(r.u32());
        if (dst !== src) this.invalid(`type mismatch: table.copy from a ${valueTypeName(src)} table into a ${valueTypeName(dst)} table`);
        this.popI32x3();
        return;
      }
      case 15: {
        // table.grow
        const index = r.u32();
        const t = this.table(index);
        this.popExpect(I32);
        this.popExpect(t);
        this.push(I32);
        this.hooks.tableGrow(index, this.opStart + r.base);
        return;
      }
      case 16: // table.size
        this.table(r.u32());
        this.push(I32);
        return;
      default: {
        // 17 table.fill
        const t = this.table(r.u32());
        this.popExpect(I32);
        this.popExpect(t);
        this.popExpect(I32);
      }
    }
  }

  private popI32x3(): void {
    this.popExpect(I32);
    this.popExpect(I32);
    this.popExpect(I32);
  }

  private prefixFD(): void {
    const r = this.r;
    const sub = r.u32();
    const kind = sub < 256 ? (SIMD_KIND[sub] as number) : 0;
    if (kind === 0) {
      if (sub >= 0x100 && sub <= 0x113) {
        this.fail('WASM_MALFORMED', `illegal opcode 0xfd ${sub}: the relaxed-simd proposal is not part of WebAssembly 2.0`, this.opStart + r.base, 'relaxed-simd');
      }
      this.fail('WASM_MALFORMED', `illegal opcode 0xfd ${sub}`, this.opStart + r.base);
    }
    const features = SIMD_FEATURES[sub] as number;
    if ((features & this.featureMask) !== 0) this.featureMask = this.hooks.feature(features, this.opStart + r.base, instructionName(0xfd, sub));
    const arg = SIMD_ARG[sub] as number;
    switch (kind) {
      case SIMD_LOAD:
        this.memarg(arg);
        this.popExpect(I32);
        this.push(V128);
        return;
      case SIMD_STORE:
        this.memarg(arg);
        this.popExpect(V128);
        this.popExpect(I32);
        return;
      case SIMD_CONST:
        r.skip(16);
        this.push(V128);
        return;
      case SIMD_SHUFFLE: {
        for (let i = 0; i < 16; i += 1) this.lane(32);
        this.popExpect(V128);
        this.popExpect(V128);
        this.push(V128);
        return;
      }
      case SIMD_EXTRACT:
        this.lane(SIMD_LANES[sub] as number);
        this.popExpect(V128);
        this.push(arg);
        return;
      case SIMD_REPLACE:
        this.lane(SIMD_LANES[sub] as number);
        this.popExpect(arg);
        this.popExpect(V128);
        this.push(V128);
        return;
      case SIMD_SPLAT:
        this.popExpect(arg);
        this.push(V128);
        return;
      case SIMD_UNARY:
        this.popExpect(V128);
        this.push(V128);
        return;
      case SIMD_BINARY:
        this.popExpect(V128);
        this.popExpect(V128);
        this.push(V128);
        return;
      case SIMD_TERNARY:
        this.popExpect(V128);
        this.popExpect(V128);
        this.popExpect(V128);
        this.push(V128);
        return;
      case SIMD_TEST:
        this.popExpect(V128);
        this.push(I32);
        return;
      case SIMD_SHIFT:
        this.popExpect(I32);
        this.popExpect(V128);
        this.push(V128);
        return;
      case SIMD_LOAD_LANE:
        this.memarg(arg);
        this.lane(SIMD_LANES[sub] as number);
        this.popExpect(V128);
        this.popExpect(I32);
        this.push(V128);
        return;
      case SIMD_STORE_LANE:
        this.memarg(arg);
        this.lane(SIMD_LANES[sub] as number);
        this.popExpect(V128);
        this.popExpect(I32);
        return;
      default:
        this.fail('WASM_MALFORMED', `illegal opcode 0xfd ${sub}`, this.opStart + r.base);
    }
  }
}
