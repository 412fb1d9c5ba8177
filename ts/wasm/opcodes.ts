/**
 * The WebAssembly 2.0 instruction set as tables indexed by opcode: names for messages, operand and
 * result types of the plain numeric instructions, memory access widths, the SIMD instruction
 * kinds, and which optional feature each instruction belongs to (for target feature gates and the
 * module analysis). Encodings of later proposals are named so the decoder can say which proposal
 * a rejected byte belongs to.
 */
import type { Proposal } from './errors.js';
import { F32, F64, I32, I64 } from './types.js';

/** Feature bits: what an instruction or type needs from the target. */
export const FEATURE_FLOAT = 1;
export const FEATURE_SIMD = 2;
export const FEATURE_SIGN_EXT = 4;
export const FEATURE_SAT_CONV = 8;
export const FEATURE_BULK_MEMORY = 16;
export const FEATURE_REFERENCE_TYPES = 32;
export const FEATURE_MULTI_VALUE = 64;

export const FEATURE_NAMES: readonly (readonly [number, string])[] = [
  [FEATURE_FLOAT, 'float'],
  [FEATURE_SIMD, 'simd'],
  [FEATURE_SIGN_EXT, 'sign-extension'],
  [FEATURE_SAT_CONV, 'non-trapping-float-to-int'],
  [FEATURE_BULK_MEMORY, 'bulk-memory'],
  [FEATURE_REFERENCE_TYPES, 'reference-types'],
  [FEATURE_MULTI_VALUE, 'multi-value'],
];

/** Loads and stores 0x28..0x3e: name, value type, natural alignment (log2), store. */
export const MEMORY_OPS_TABLE = [
  ['i32.load', I32, 2, false],
  ['i64.load', I64, 3, false],
  ['f32.load', F32, 2, false],
  ['f64.load', F64, 3, false],
  ['i32.load8_s', I32, 0, false],
  ['i32.load8_u', I32, 0, false],
  ['i32.load16_s', I32, 1, false],
  ['i32.load16_u', I32, 1, false],
  ['i64.load8_s', I64, 0, false],
  ['i64.load8_u', I64, 0, false],
  ['i64.load16_s', I64, 1, false],
  ['i64.load16_u', I64, 1, false],
  ['i64.load32_s', I64, 2, false],
  ['i64.load32_u', I64, 2, false],
  ['i32.store', I32, 2, true],
  ['i64.store', I64, 3, true],
  ['f32.store', F32, 2, true],
  ['f64.store', F64, 3, true],
  ['i32.store8', I32, 0, true],
  ['i32.store16', I32, 1, true],
  ['i64.store8', I64, 0, true],
  ['i64.store16', I64, 1, true],
  ['i64.store32', I64, 2, true],
] as const;

/** Value type of load/store opcode op (0 elsewhere). */
export const MEM_TYPE = new Uint8Array(256);
/** log2 of the natural alignment. */
export const MEM_ALIGN = new Uint8Array(256);
MEMORY_OPS_TABLE.forEach(([, type, align], i) => {
  MEM_TYPE[0x28 + i] = type;
  MEM_ALIGN[0x28 + i] = align;
});

type NumericOp = readonly [name: string, operand: number, arity: 1 | 2, result: number];

function family(prefix: string, names: readonly string[], operand: number, arity: 1 | 2, result: number): NumericOp[] {
  return names.map((name) => [`${prefix}.${name}`, operand, arity, result] as const);
}

const INT_COMPARE = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];
const FLOAT_COMPARE = ['eq', 'ne', 'lt', 'gt', 'le', 'ge'];
const INT_UNARY = ['clz', 'ctz', 'popcnt'];
const INT_BINARY = ['add', 'sub', 'mul', 'div_s', 'div_u', 'rem_s', 'rem_u', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr'];
const FLOAT_UNARY = ['abs', 'neg', 'ceil', 'floor', 'trunc', 'nearest', 'sqrt'];
const FLOAT_BINARY = ['add', 'sub', 'mul', 'div', 'min', 'max', 'copysign'];

/** The numeric instructions 0x45..0xc4 in opcode order. */
const NUMERIC_OPS: readonly NumericOp[] = [
  ['i32.eqz', I32, 1, I32],
  ...family('i32', INT_COMPARE, I32, 2, I32),
  ['i64.eqz', I64, 1, I32],
  ...family('i64', INT_COMPARE, I64, 2, I32),
  ...family('f32', FLOAT_COMPARE, F32, 2, I32),
  ...family('f64', FLOAT_COMPARE, F64, 2, I32),
  ...family('i32', INT_UNARY, I32, 1, I32),
  ...family('i32', INT_BINARY, I32, 2, I32),
  ...family('i64', INT_UNARY, I64, 1, I64),
  ...family('i64', INT_BINARY, I64, 2, I64),
  ...family('f32', FLOAT_UNARY, F32, 1, F32),
  ...family('f32', FLOAT_BINARY, F32, 2, F32),
  ...family('f64', FLOAT_UNARY, F64, 1, F64),
  ...family('f64', FLOAT_BINARY, F64, 2, F64),
  ['i32.wrap_i64', I64, 1, I32],
  ['i32.trunc_f32_s', F32, 1, I32],
  ['i32.trunc_f32_u', F32, 1, I32],
  ['i32.trunc_f64_s', F64, 1, I32],
  ['i32.trunc_f64_u', F64, 1, I32],
  ['i64.extend_i32_s', I32, 1, I64],
  ['i64.extend_i32_u', I32, 1, I64],
  ['i64.trunc_f32_s', F32, 1, I64],
  ['i64.trunc_f32_u', F32, 1, I64],
  ['i64.trunc_f64_s', F64, 1, I64],
  ['i64.trunc_f64_u', F64, 1, I64],
  ['f32.convert_i32_s', I32, 1, F32],
  ['f32.convert_i32_u', I32, 1, F32],
  ['f32.convert_i64_s', I64, 1, F32],
  ['f32.convert_i64_u', I64, 1, F32],
  ['f32.demote_f64', F64, 1, F32],
  ['f64.convert_i32_s', I32, 1, F64],
  ['f64.convert_i32_u', I32, 1, F64],
  ['f64.convert_i64_s', I64, 1, F64],
  ['f64.convert_i64_u', I64, 1, F64],
  ['f64.promote_f32', F32, 1, F64],
  ['i32.reinterpret_f32', F32, 1, I32],
  ['i64.reinterpret_f64', F64, 1, I64],
  ['f32.reinterpret_i32', I32, 1, F32],
  ['f64.reinterpret_i64', I64, 1, F64],
  ['i32.extend8_s', I32, 1, I32],
  ['i32.extend16_s', I32, 1, I32],
  ['i64.extend8_s', I64, 1, I64],
  ['i64.extend16_s', I64, 1, I64],
  ['i64.extend32_s', I64, 1, I64],
];
if (NUMERIC_OPS.length !== 0xc5 - 0x45) throw new Error(`numeric opcode table has ${NUMERIC_OPS.length} entries`);

/** Feature bits of the numeric operators (float, sign extension), also part of OP_FEATURES. */
const OP_FEATURES_NUMERIC = new Uint8Array(256);
NUMERIC_OPS.forEach(([, operand, , result], i) => {
  const float = operand === F32 || operand === F64 || result === F32 || result === F64;
  OP_FEATURES_NUMERIC[0x45 + i] = (float ? FEATURE_FLOAT : 0) | (0x45 + i >= 0xc0 ? FEATURE_SIGN_EXT : 0);
});

/** Operand type of numeric opcode op (0 for other opcodes). */
export const NUM_OPERAND = new Uint8Array(256);
/** Number of operands (1 or 2; 0 for other opcodes). */
export const NUM_ARITY = new Uint8Array(256);
export const NUM_RESULT = new Uint8Array(256);
NUMERIC_OPS.forEach(([, operand, arity, result], i) => {
  NUM_OPERAND[0x45 + i] = operand;
  NUM_ARITY[0x45 + i] = arity;
  NUM_RESULT[0x45 + i] = result;
});

/** Names of the single-byte opcodes; undefined for bytes that are not 2.0 instructions. */
export const OP_NAMES: readonly (string | undefined)[] = (() => {
  const names: (string | undefined)[] = new Array<string | undefined>(256).fill(undefined);
  const control: readonly [number, string][] = [
    [0x00, 'unreachable'],
    [0x01, 'nop'],
    [0x02, 'block'],
    [0x03, 'loop'],
    [0x04, 'if'],
    [0x05, 'else'],
    [0x0b, 'end'],
    [0x0c, 'br'],
    [0x0d, 'br_if'],
    [0x0e, 'br_table'],
    [0x0f, 'return'],
    [0x10, 'call'],
    [0x11, 'call_indirect'],
    [0x1a, 'drop'],
    [0x1b, 'select'],
    [0x1c, 'select'],
    [0x20, 'local.get'],
    [0x21, 'local.set'],
    [0x22, 'local.tee'],
    [0x23, 'global.get'],
    [0x24, 'global.set'],
    [0x25, 'table.get'],
    [0x26, 'table.set'],
    [0x3f, 'memory.size'],
    [0x40, 'memory.grow'],
    [0x41, 'i32.const'],
    [0x42, 'i64.const'],
    [0x43, 'f32.const'],
    [0x44, 'f64.const'],
    [0xd0, 'ref.null'],
    [0xd1, 'ref.is_null'],
    [0xd2, 'ref.func'],
    [0xfc, 'prefix 0xfc'],
    [0xfd, 'prefix 0xfd'],
  ];
  for (const [op, name] of control) names[op] = name;
  MEMORY_OPS_TABLE.forEach(([name], i) => {
    names[0x28 + i] = name;
  });
  NUMERIC_OPS.forEach(([name], i) => {
    names[0x45 + i] = name;
  });
  return names;
})();

/**
 * The numeric operators' table in one word per opcode, so the hot path does one load: arity in
 * bits 0-1, feature bits in 2-8, operand type in 9-16, result type in 17-24, and the change of
 * operand-stack bytes (result minus operands, -16..8) as a signed number in bits 25-31.
 * 0 for opcodes that are not numeric operators.
 */
export const NUM_PACKED: Int32Array = (() => {
  const packed = new Int32Array(256);
  const bytes: Readonly<Record<number, number>> = { [I32]: 4, [I64]: 8, [F32]: 4, [F64]: 8 };
  for (let op = 0x45; op < 0xc5; op += 1) {
    const arity = NUM_ARITY[op] as number;
    const operand = NUM_OPERAND[op] as number;
    const result = NUM_RESULT[op] as number;
    const delta = (bytes[result] ?? 0) - arity * (bytes[operand] ?? 0);
    packed[op] = arity | ((OP_FEATURES_NUMERIC[op] as number) << 2) | (operand << 9) | (result << 17) | (delta << 25);
  }
  return packed;
})();

/** 0xfc 0..7: the non-trapping float-to-int conversions. */
export const SAT_OPS: readonly NumericOp[] = [
  ['i32.trunc_sat_f32_s', F32, 1, I32],
  ['i32.trunc_sat_f32_u', F32, 1, I32],
  ['i32.trunc_sat_f64_s', F64, 1, I32],
  ['i32.trunc_sat_f64_u', F64, 1, I32],
  ['i64.trunc_sat_f32_s', F32, 1, I64],
  ['i64.trunc_sat_f32_u', F32, 1, I64],
  ['i64.trunc_sat_f64_s', F64, 1, I64],
  ['i64.trunc_sat_f64_u', F64, 1, I64],
];

/** Names of 0xfc sub-opcodes 0..17. */
export const FC_NAMES: readonly string[] = [
  ...SAT_OPS.map(([name]) => name),
  'memory.init',
  'data.drop',
  'memory.copy',
  'memory.fill',
  'table.init',
  'elem.drop',
  'table.copy',
  'table.grow',
  'table.size',
  'table.fill',
];

/** Kinds of SIMD instructions, by operand/immediate shape. */
export const SIMD_INVALID = 0;
export const SIMD_LOAD = 1;
export const SIMD_STORE = 2;
export const SIMD_CONST = 3;
export const SIMD_SHUFFLE = 4;
export const SIMD_EXTRACT = 5;
export const SIMD_REPLACE = 6;
export const SIMD_SPLAT = 7;
export const SIMD_UNARY = 8;
export const SIMD_BINARY = 9;
export const SIMD_TERNARY = 10;
export const SIMD_TEST = 11;
export const SIMD_SHIFT = 12;
export const SIMD_LOAD_LANE = 13;
export const SIMD_STORE_LANE = 14;

/** SIMD kind per sub-opcode 0..255. */
export const SIMD_KIND = new Uint8Array(256);
/** Max alignment (log2) for memory kinds; scalar type for extract/replace/splat. */
export const SIMD_ARG = new Uint8Array(256);
/** Lane count for lane immediates. */
export const SIMD_LANES = new Uint8Array(256);
export const SIMD_NAMES: (string | undefined)[] = new Array<string | undefined>(256).fill(undefined);

function simd(op: number, name: string, kind: number, arg = 0, lanes = 0): void {
  SIMD_KIND[op] = kind;
  SIMD_ARG[op] = arg;
  SIMD_LANES[op] = lanes;
  SIMD_NAMES[op] = name;
}
function simdRange(first: number, names: readonly string[], kind: number): void {
  names.forEach((name, i) => simd(first + i, name, kind));
}

simd(0x00, 'v128.load', SIMD_LOAD, 4);
simdRange(0x01, ['v128.load8x8_s', 'v128.load8x8_u', 'v128.load16x4_s', 'v128.load16x4_u', 'v128.load32x2_s', 'v128.load32x2_u'], SIMD_LOAD);
for (let op = 0x01; op <= 0x06; op += 1) SIMD_ARG[op] = 3;
simd(0x07, 'v128.load8_splat', SIMD_LOAD, 0);
simd(0x08, 'v128.load16_splat', SIMD_LOAD, 1);
simd(0x09, 'v128.load32_splat', SIMD_LOAD, 2);
simd(0x0a, 'v128.load64_splat', SIMD_LOAD, 3);
simd(0x0b, 'v128.store', SIMD_STORE, 4);
simd(0x0c, 'v128.const', SIMD_CONST);
simd(0x0d, 'i8x16.shuffle', SIMD_SHUFFLE);
simd(0x0e, 'i8x16.swizzle', SIMD_BINARY);
simd(0x0f, 'i8x16.splat', SIMD_SPLAT, I32);
simd(0x10, 'i16x8.splat', SIMD_SPLAT, I32);
simd(0x11, 'i32x4.splat', SIMD_SPLAT, I32);
simd(0x12, 'i64x2.splat', SIMD_SPLAT, I64);
simd(0x13, 'f32x4.splat', SIMD_SPLAT, F32);
simd(0x14, 'f64x2.splat', SIMD_SPLAT, F64);
simd(0x15, 'i8x16.extract_lane_s', SIMD_EXTRACT, I32, 16);
simd(0x16, 'i8x16.extract_lane_u', SIMD_EXTRACT, I32, 16);
simd(0x17, 'i8x16.replace_lane', SIMD_REPLACE, I32, 16);
simd(0x18, 'i16x8.extract_lane_s', SIMD_EXTRACT, I32, 8);
simd(0x19, 'i16x8.extract_lane_u', SIMD_EXTRACT, I32, 8);
simd(0x1a, 'i16x8.replace_lane', SIMD_REPLACE, I32, 8);
simd(0x1b, 'i32x4.extract_lane', SIMD_EXTRACT, I32, 4);
simd(0x1c, 'i32x4.replace_lane', SIMD_REPLACE, I32, 4);
simd(0x1d, 'i64x2.extract_lane', SIMD_EXTRACT, I64, 2);
simd(0x1e, 'i64x2.replace_lane', SIMD_REPLACE, I64, 2);
simd(0x1f, 'f32x4.extract_lane', SIMD_EXTRACT, F32, 4);
simd(0x20, 'f32x4.replace_lane', SIMD_REPLACE, F32, 4);
simd(0x21, 'f64x2.extract_lane', SIMD_EXTRACT, F64, 2);
simd(0x22, 'f64x2.replace_lane', SIMD_REPLACE, F64, 2);
const SIMD_INT_COMPARE = ['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'];
simdRange(0x23, SIMD_INT_COMPARE.map((n) => `i8x16.${n}`), SIMD_BINARY);
simdRange(0x2d, SIMD_INT_COMPARE.map((n) => `i16x8.${n}`), SIMD_BINARY);
simdRange(0x37, SIMD_INT_COMPARE.map((n) => `i32x4.${n}`), SIMD_BINARY);
simdRange(0x41, FLOAT_COMPARE.map((n) => `f32x4.${n}`), SIMD_BINARY);
simdRange(0x47, FLOAT_COMPARE.map((n) => `f64x2.${n}`), SIMD_BINARY);
simd(0x4d, 'v128.not', SIMD_UNARY);
simdRange(0x4e, ['v128.and', 'v128.andnot', 'v128.or', 'v128.xor'], SIMD_BINARY);
simd(0x52, 'v128.bitselect', SIMD_TERNARY);
simd(0x53, 'v128.any_true', SIMD_TEST);
simd(0x54, 'v128.load8_lane', SIMD_LOAD_LANE, 0, 16);
simd(0x55, 'v128.load16_lane', SIMD_LOAD_LANE, 1, 8);
simd(0x56, 'v128.load32_lane', SIMD_LOAD_LANE, 2, 4);
simd(0x57, 'v128.load64_lane', SIMD_LOAD_LANE, 3, 2);
simd(0x58, 'v128.store8_lane', SIMD_STORE_LANE, 0, 16);
simd(0x59, 'v128.store16_lane', SIMD_STORE_LANE, 1, 8);
simd(0x5a, 'v128.store32_lane', SIMD_STORE_LANE, 2, 4);
simd(0x5b, 'v128.store64_lane', SIMD_STORE_LANE, 3, 2);
simd(0x5c, 'v128.load32_zero', SIMD_LOAD, 2);
simd(0x5d, 'v128.load64_zero', SIMD_LOAD, 3);
simd(0x5e, 'f32x4.demote_f64x2_zero', SIMD_UNARY);
simd(0x5f, 'f64x2.promote_low_f32x4', SIMD_UNARY);
simdRange(0x60, ['i8x16.abs', 'i8x16.neg', 'i8x16.popcnt'], SIMD_UNARY);
simd(0x63, 'i8x16.all_true', SIMD_TEST);
simd(0x64, 'i8x16.bitmask', SIMD_TEST);
simdRange(0x65, ['i8x16.narrow_i16x8_s', 'i8x16.narrow_i16x8_u'], SIMD_BINARY);
simdRange(0x67, ['f32x4.ceil', 'f32x4.floor', 'f32x4.trunc', 'f32x4.nearest'], SIMD_UNARY);
simdRange(0x6b, ['i8x16.shl', 'i8x16.shr_s', 'i8x16.shr_u'], SIMD_SHIFT);
simdRange(0x6e, ['i8x16.add', 'i8x16.add_sat_s', 'i8x16.add_sat_u', 'i8x16.sub', 'i8x16.sub_sat_s', 'i8x16.sub_sat_u'], SIMD_BINARY);
simdRange(0x74, ['f64x2.ceil', 'f64x2.floor'], SIMD_UNARY);
simdRange(0x76, ['i8x16.min_s', 'i8x16.min_u', 'i8x16.max_s', 'i8x16.max_u'], SIMD_BINARY);
simd(0x7a, 'f64x2.trunc', SIMD_UNARY);
simd(0x7b, 'i8x16.avgr_u', SIMD_BINARY);
simdRange(
  0x7c,
  ['i16x8.extadd_pairwise_i8x16_s', 'i16x8.extadd_pairwise_i8x16_u', 'i32x4.extadd_pairwise_i16x8_s', 'i32x4.extadd_pairwise_i16x8_u'],
  SIMD_UNARY,
);
simdRange(0x80, ['i16x8.abs', 'i16x8.neg'], SIMD_UNARY);
simd(0x82, 'i16x8.q15mulr_sat_s', SIMD_BINARY);
simd(0x83, 'i16x8.all_true', SIMD_TEST);
simd(0x84, 'i16x8.bitmask', SIMD_TEST);
simdRange(0x85, ['i16x8.narrow_i32x4_s', 'i16x8.narrow_i32x4_u'], SIMD_BINARY);
simdRange(
  0x87,
  ['i16x8.extend_low_i8x16_s', 'i16x8.extend_high_i8x16_s', 'i16x8.extend_low_i8x16_u', 'i16x8.extend_high_i8x16_u'],
  SIMD_UNARY,
);
simdRange(0x8b, ['i16x8.shl', 'i16x8.shr_s', 'i16x8.shr_u'], SIMD_SHIFT);
simdRange(0x8e, ['i16x8.add', 'i16x8.add_sat_s', 'i16x8.add_sat_u', 'i16x8.sub', 'i16x8.sub_sat_s', 'i16x8.sub_sat_u'], SIMD_BINARY);
simd(0x94, 'f64x2.nearest', SIMD_UNARY);
simdRange(0x95, ['i16x8.mul', 'i16x8.min_s', 'i16x8.min_u', 'i16x8.max_s', 'i16x8.max_u'], SIMD_BINARY);
simd(0x9b, 'i16x8.avgr_u', SIMD_BINARY);
simdRange(
  0x9c,
  ['i16x8.extmul_low_i8x16_s', 'i16x8.extmul_high_i8x16_s', 'i16x8.extmul_low_i8x16_u', 'i16x8.extmul_high_i8x16_u'],
  SIMD_BINARY,
);
simdRange(0xa0, ['i32x4.abs', 'i32x4.neg'], SIMD_UNARY);
simd(0xa3, 'i32x4.all_true', SIMD_TEST);
simd(0xa4, 'i32x4.bitmask', SIMD_TEST);
simdRange(
  0xa7,
  ['i32x4.extend_low_i16x8_s', 'i32x4.extend_high_i16x8_s', 'i32x4.extend_low_i16x8_u', 'i32x4.extend_high_i16x8_u'],
  SIMD_UNARY,
);
simdRange(0xab, ['i32x4.shl', 'i32x4.shr_s', 'i32x4.shr_u'], SIMD_SHIFT);
simd(0xae, 'i32x4.add', SIMD_BINARY);
simd(0xb1, 'i32x4.sub', SIMD_BINARY);
simdRange(0xb5, ['i32x4.mul', 'i32x4.min_s', 'i32x4.min_u', 'i32x4.max_s', 'i32x4.max_u', 'i32x4.dot_i16x8_s'], SIMD_BINARY);
simdRange(
  0xbc,
  ['i32x4.extmul_low_i16x8_s', 'i32x4.extmul_high_i16x8_s', 'i32x4.extmul_low_i16x8_u', 'i32x4.extmul_high_i16x8_u'],
  SIMD_BINARY,
);
simdRange(0xc0, ['i64x2.abs', 'i64x2.neg'], SIMD_UNARY);
simd(0xc3, 'i64x2.all_true', SIMD_TEST);
simd(0xc4, 'i64x2.bitmask', SIMD_TEST);
simdRange(
  0xc7,
  ['i64x2.extend_low_i32x4_s', 'i64x2.extend_high_i32x4_s', 'i64x2.extend_low_i32x4_u', 'i64x2.extend_high_i32x4_u'],
  SIMD_UNARY,
);
simdRange(0xcb, ['i64x2.shl', 'i64x2.shr_s', 'i64x2.shr_u'], SIMD_SHIFT);
simd(0xce, 'i64x2.add', SIMD_BINARY);
simd(0xd1, 'i64x2.sub', SIMD_BINARY);
simd(0xd5, 'i64x2.mul', SIMD_BINARY);
simdRange(0xd6, ['i64x2.eq', 'i64x2.ne', 'i64x2.lt_s', 'i64x2.gt_s', 'i64x2.le_s', 'i64x2.ge_s'], SIMD_BINARY);
simdRange(
  0xdc,
  ['i64x2.extmul_low_i32x4_s', 'i64x2.extmul_high_i32x4_s', 'i64x2.extmul_low_i32x4_u', 'i64x2.extmul_high_i32x4_u'],
  SIMD_BINARY,
);
simdRange(0xe0, ['f32x4.abs', 'f32x4.neg'], SIMD_UNARY);
simd(0xe3, 'f32x4.sqrt', SIMD_UNARY);
simdRange(0xe4, ['add', 'sub', 'mul', 'div', 'min', 'max', 'pmin', 'pmax'].map((n) => `f32x4.${n}`), SIMD_BINARY);
simdRange(0xec, ['f64x2.abs', 'f64x2.neg'], SIMD_UNARY);
simd(0xef, 'f64x2.sqrt', SIMD_UNARY);
simdRange(0xf0, ['add', 'sub', 'mul', 'div', 'min', 'max', 'pmin', 'pmax'].map((n) => `f64x2.${n}`), SIMD_BINARY);
simdRange(
  0xf8,
  [
    'i32x4.trunc_sat_f32x4_s',
    'i32x4.trunc_sat_f32x4_u',
    'f32x4.convert_i32x4_s',
    'f32x4.convert_i32x4_u',
    'i32x4.trunc_sat_f64x2_s_zero',
    'i32x4.trunc_sat_f64x2_u_zero',
    'f64x2.convert_low_i32x4_s',
    'f64x2.convert_low_i32x4_u',
  ],
  SIMD_UNARY,
);

/** Feature bits of single-byte opcodes. */
export const OP_FEATURES = new Uint8Array(256);
for (let op = 0x45; op < 0xc5; op += 1) {
  const operand = NUM_OPERAND[op] ?? 0;
  const result = NUM_RESULT[op] ?? 0;
  if (operand === F32 || operand === F64 || result === F32 || result === F64) OP_FEATURES[op] = FEATURE_FLOAT;
}
for (let op = 0xc0; op <= 0xc4; op += 1) OP_FEATURES[op] = FEATURE_SIGN_EXT;
for (const op of [0x2a, 0x2b, 0x38, 0x39, 0x43, 0x44]) OP_FEATURES[op] = FEATURE_FLOAT;
for (const op of [0x1c, 0x25, 0x26, 0xd0, 0xd1, 0xd2]) OP_FEATURES[op] = FEATURE_REFERENCE_TYPES;
// 0xfc and 0xfd instructions are checked by sub-opcode (FC_FEATURES, SIMD_FEATURES).

/** Feature bits of 0xfc sub-opcodes. */
export const FC_FEATURES: readonly number[] = [
  ...SAT_OPS.map(() => FEATURE_SAT_CONV | FEATURE_FLOAT),
  FEATURE_BULK_MEMORY,
  FEATURE_BULK_MEMORY,
  FEATURE_BULK_MEMORY,
  FEATURE_BULK_MEMORY,
  FEATURE_BULK_MEMORY,
  FEATURE_BULK_MEMORY,
  FEATURE_BULK_MEMORY,
  FEATURE_REFERENCE_TYPES,
  FEATURE_REFERENCE_TYPES,
  FEATURE_REFERENCE_TYPES,
];

/** Feature bits of SIMD sub-opcodes: SIMD, and float for the f32x4/f64x2 lane interpretations. */
export const SIMD_FEATURES = new Uint8Array(256);
SIMD_NAMES.forEach((name, op) => {
  if (name === undefined) return;
  SIMD_FEATURES[op] = FEATURE_SIMD | (/f32|f64/.test(name) ? FEATURE_FLOAT : 0);
});

/** Single-byte opcodes of later proposals, for the message naming the proposal. */
export const PROPOSAL_OPS: ReadonlyMap<number, readonly [string, Proposal]> = new Map([
  [0x06, ['try', 'exception-handling']],
  [0x07, ['catch', 'exception-handling']],
  [0x08, ['throw', 'exception-handling']],
  [0x09, ['rethrow', 'exception-handling']],
  [0x0a, ['throw_ref', 'exception-handling']],
  [0x18, ['delegate', 'exception-handling']],
  [0x19, ['catch_all', 'exception-handling']],
  [0x1f, ['try_table', 'exception-handling']],
  [0x12, ['return_call', 'tail-call']],
  [0x13, ['return_call_indirect', 'tail-call']],
  [0x14, ['call_ref', 'function-references']],
  [0x15, ['return_call_ref', 'function-references']],
  [0xd3, ['ref.as_non_null', 'function-references']],
  [0xd4, ['br_on_null', 'function-references']],
  [0xd5, ['ref.eq', 'gc']],
  [0xd6, ['br_on_non_null', 'function-references']],
  [0xfb, ['prefix 0xfb', 'gc']],
  [0xfe, ['prefix 0xfe (atomics)', 'threads']],
] as const);

/** Name of an instruction for messages: "i32.add", "v128.load", "memory.init". */
export function instructionName(op: number, sub?: number): string {
  if (op === 0xfc && sub !== undefined) return FC_NAMES[sub] ?? `0xfc ${sub}`;
  if (op === 0xfd && sub !== undefined) return SIMD_NAMES[sub] ?? `0xfd ${sub}`;
  return OP_NAMES[op] ?? PROPOSAL_OPS.get(op)?.[0] ?? `0x${op.toString(16).padStart(2, '0')}`;
}
