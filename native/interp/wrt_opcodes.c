/*
 * The opcode table of WebAssembly 2.0 without SIMD (see wrt_opcodes.h).
 */
#include "wrt_opcodes.h"

#include "wrt_internal.h"
#include "wrt_iops.h"
#include "wrt_read.h"

#define I WRT_TYPE_I32
#define L WRT_TYPE_I64
#define F WRT_TYPE_F32
#define D WRT_TYPE_F64

#define UN(code, tin, tout, IOP) [code] = { WRT_OPK_SIMPLE, 1, { tin, 0 }, tout, 0, WRT_IOP_##IOP }
#define BIN(code, tin, tout, IOP) [code] = { WRT_OPK_SIMPLE, 2, { tin, tin }, tout, 0, WRT_IOP_##IOP }
#define NOCODE(code, tin, tout) [code] = { WRT_OPK_SIMPLE, 1, { tin, 0 }, tout, 0, WRT_IOP_NONE }
#define LOAD(code, t, al, IOP) [code] = { WRT_OPK_LOAD, 1, { I, 0 }, t, al, WRT_IOP_##IOP }
#define STORE(code, t, al, IOP) [code] = { WRT_OPK_STORE, 2, { I, t }, 0, al, WRT_IOP_##IOP }
#define SPECIAL(code) [code] = { WRT_OPK_SPECIAL, 0, { 0, 0 }, 0, 0, WRT_IOP_NONE }

/* Up to ref.func (0xD2), the last one-byte opcode of 2.0: the 45 after it are illegal (360 bytes of flash). */
#define WRT_MAIN_OPS 0xD3u

static const wrt_opinfo main_ops[WRT_MAIN_OPS] = {
    SPECIAL(0x00), SPECIAL(0x01), SPECIAL(0x02), SPECIAL(0x03), SPECIAL(0x04), SPECIAL(0x05),
    SPECIAL(0x0B), SPECIAL(0x0C), SPECIAL(0x0D), SPECIAL(0x0E), SPECIAL(0x0F), SPECIAL(0x10),
    SPECIAL(0x11), SPECIAL(0x1A), SPECIAL(0x1B), SPECIAL(0x1C), SPECIAL(0x20), SPECIAL(0x21),
    SPECIAL(0x22), SPECIAL(0x23), SPECIAL(0x24), SPECIAL(0x25), SPECIAL(0x26),

    LOAD(0x28, I, 2, LOAD32), LOAD(0x29, L, 3, LOAD64), LOAD(0x2A, F, 2, LOAD32), LOAD(0x2B, D, 3, LOAD64),
    LOAD(0x2C, I, 0, LOAD8_S32), LOAD(0x2D, I, 0, LOAD8_U), LOAD(0x2E, I, 1, LOAD16_S32),
    LOAD(0x2F, I, 1, LOAD16_U), LOAD(0x30, L, 0, LOAD8_S64), LOAD(0x31, L, 0, LOAD8_U),
    LOAD(0x32, L, 1, LOAD16_S64), LOAD(0x33, L, 1, LOAD16_U), LOAD(0x34, L, 2, LOAD32_S64),
    LOAD(0x35, L, 2, LOAD32),
    STORE(0x36, I, 2, STORE32), STORE(0x37, L, 3, STORE64), STORE(0x38, F, 2, STORE32),
    STORE(0x39, D, 3, STORE64), STORE(0x3A, I, 0, STORE8), STORE(0x3B, I, 1, STORE16),
    STORE(0x3C, L, 0, STORE8), STORE(0x3D, L, 1, STORE16), STORE(0x3E, L, 2, STORE32),
    SPECIAL(0x3F), SPECIAL(0x40), SPECIAL(0x41), SPECIAL(0x42), SPECIAL(0x43), SPECIAL(0x44),

    UN(0x45, I, I, I32_EQZ), BIN(0x46, I, I, I32_EQ), BIN(0x47, I, I, I32_NE), BIN(0x48, I, I, I32_LT_S),
    BIN(0x49, I, I, I32_LT_U), BIN(0x4A, I, I, I32_GT_S), BIN(0x4B, I, I, I32_GT_U),
    BIN(0x4C, I, I, I32_LE_S), BIN(0x4D, I, I, I32_LE_U), BIN(0x4E, I, I, I32_GE_S),
    BIN(0x4F, I, I, I32_GE_U),
    UN(0x50, L, I, I64_EQZ), BIN(0x51, L, I, I64_EQ), BIN(0x52, L, I, I64_NE), BIN(0x53, L, I, I64_LT_S),
    BIN(0x54, L, I, I64_LT_U), BIN(0x55, L, I, I64_GT_S), BIN(0x56, L, I, I64_GT_U),
    BIN(0x57, L, I, I64_LE_S), BIN(0x58, L, I, I64_LE_U), BIN(0x59, L, I, I64_GE_S),
    BIN(0x5A, L, I, I64_GE_U),
    BIN(0x5B, F, I, F32_EQ), BIN(0x5C, F, I, F32_NE), BIN(0x5D, F, I, F32_LT), BIN(0x5E, F, I, F32_GT),
    BIN(0x5F, F, I, F32_LE), BIN(0x60, F, I, F32_GE),
    BIN(0x61, D, I, F64_EQ), BIN(0x62, D, I, F64_NE), BIN(0x63, D, I, F64_LT), BIN(0x64, D, I, F64_GT),
    BIN(0x65, D, I, F64_LE), BIN(0x66, D, I, F64_GE),

    UN(0x67, I, I, I32_CLZ), UN(0x68, I, I, I32_CTZ), UN(0x69, I, I, I32_POPCNT),
    BIN(0x6A, I, I, I32_ADD), BIN(0x6B, I, I, I32_SUB), BIN(0x6C, I, I, I32_MUL),
    BIN(0x6D, I, I, I32_DIV_S), BIN(0x6E, I, I, I32_DIV_U), BIN(0x6F, I, I, I32_REM_S),
    BIN(0x70, I, I, I32_REM_U), BIN(0x71, I, I, I32_AND), BIN(0x72, I, I, I32_OR),
    BIN(0x73, I, I, I32_XOR), BIN(0x74, I, I, I32_SHL), BIN(0x75, I, I, I32_SHR_S),
    BIN(0x76, I, I, I32_SHR_U), BIN(0x77, I, I, I32_ROTL), BIN(0x78, I, I, I32_ROTR),
    UN(0x79, L, L, I64_CLZ), UN(0x7A, L, L, I64_CTZ), UN(0x7B, L, L, I64_POPCNT),
    BIN(0x7C, L, L, I64_ADD), BIN(0x7D, L, L, I64_SUB), BIN(0x7E, L, L, I64_MUL),
    BIN(0x7F, L, L, I64_DIV_S), BIN(0x80, L, L, I64_DIV_U), BIN(0x81, L, L, I64_REM_S),
    BIN(0x82, L, L, I64_REM_U), BIN(0x83, L, L, I64_AND), BIN(0x84, L, L, I64_OR),
    BIN(0x85, L, L, I64_XOR), BIN(0x86, L, L, I64_SHL), BIN(0x87, L, L, I64_SHR_S),
    BIN(0x88, L, L, I64_SHR_U), BIN(0x89, L, L, I64_ROTL), BIN(0x8A, L, L, I64_ROTR),

    UN(0x8B, F, F, F32_ABS), UN(0x8C, F, F, F32_NEG), UN(0x8D, F, F, F32_CEIL), UN(0x8E, F, F, F32_FLOOR),
    UN(0x8F, F, F, F32_TRUNC), UN(0x90, F, F, F32_NEAREST), UN(0x91, F, F, F32_SQRT),
    BIN(0x92, F, F, F32_ADD), BIN(0x93, F, F, F32_SUB), BIN(0x94, F, F, F32_MUL), BIN(0x95, F, F, F32_DIV),
    BIN(0x96, F, F, F32_MIN), BIN(0x97, F, F, F32_MAX), BIN(0x98, F, F, F32_COPYSIGN),
    UN(0x99, D, D, F64_ABS), UN(0x9A, D, D, F64_NEG), UN(0x9B, D, D, F64_CEIL), UN(0x9C, D, D, F64_FLOOR),
    UN(0x9D, D, D, F64_TRUNC), UN(0x9E, D, D, F64_NEAREST), UN(0x9F, D, D, F64_SQRT),
    BIN(0xA0, D, D, F64_ADD), BIN(0xA1, D, D, F64_SUB), BIN(0xA2, D, D, F64_MUL), BIN(0xA3, D, D, F64_DIV),
    BIN(0xA4, D, D, F64_MIN), BIN(0xA5, D, D, F64_MAX), BIN(0xA6, D, D, F64_COPYSIGN),

    UN(0xA7, L, I, I32_WRAP_I64), UN(0xA8, F, I, I32_TRUNC_F32_S), UN(0xA9, F, I, I32_TRUNC_F32_U),
    UN(0xAA, D, I, I32_TRUNC_F64_S), UN(0xAB, D, I, I32_TRUNC_F64_U), UN(0xAC, I, L, I64_EXTEND_I32_S),
    UN(0xAD, I, L, I64_EXTEND_I32_U), UN(0xAE, F, L, I64_TRUNC_F32_S), UN(0xAF, F, L, I64_TRUNC_F32_U),
    UN(0xB0, D, L, I64_TRUNC_F64_S), UN(0xB1, D, L, I64_TRUNC_F64_U), UN(0xB2, I, F, F32_CONVERT_I32_S),
    UN(0xB3, I, F, F32_CONVERT_I32_U), UN(0xB4, L, F, F32_CONVERT_I64_S), UN(0xB5, L, F, F32_CONVERT_I64_U),
    UN(0xB6, D, F, F32_DEMOTE_F64), UN(0xB7, I, D, F64_CONVERT_I32_S), UN(0xB8, I, D, F64_CONVERT_I32_U),
    UN(0xB9, L, D, F64_CONVERT_I64_S), UN(0xBA, L, D, F64_CONVERT_I64_U), UN(0xBB, F, D, F64_PROMOTE_F32),
    NOCODE(0xBC, F, I), NOCODE(0xBD, D, L), NOCODE(0xBE, I, F), NOCODE(0xBF, L, D),
    UN(0xC0, I, I, I32_EXTEND8_S), UN(0xC1, I, I, I32_EXTEND16_S), UN(0xC2, L, L, I64_EXTEND8_S),
    UN(0xC3, L, L, I64_EXTEND16_S), UN(0xC4, L, L, I64_EXTEND32_S),

    SPECIAL(0xD0), SPECIAL(0xD1), SPECIAL(0xD2),
};

static const wrt_opinfo fc_ops[WRT_OP_FC_COUNT] = {
    UN(0, F, I, I32_TRUNC_SAT_F32_S), UN(1, F, I, I32_TRUNC_SAT_F32_U),
    UN(2, D, I, I32_TRUNC_SAT_F64_S), UN(3, D, I, I32_TRUNC_SAT_F64_U),
    UN(4, F, L, I64_TRUNC_SAT_F32_S), UN(5, F, L, I64_TRUNC_SAT_F32_U),
    UN(6, D, L, I64_TRUNC_SAT_F64_S), UN(7, D, L, I64_TRUNC_SAT_F64_U),
    SPECIAL(8), SPECIAL(9), SPECIAL(10), SPECIAL(11), SPECIAL(12), SPECIAL(13), SPECIAL(14),
    SPECIAL(15), SPECIAL(16), SPECIAL(17),
};

static const wrt_opinfo illegal = { WRT_OPK_ILLEGAL, 0, { 0, 0 }, 0, 0, WRT_IOP_NONE };

const wrt_opinfo *wrt_opinfo_of(uint32_t op)
{
    if (op < WRT_MAIN_OPS) return &main_ops[op];
    if (op >= WRT_OP_FC && op < WRT_OP_FC + WRT_OP_FC_COUNT) return &fc_ops[op - WRT_OP_FC];
    return &illegal;
}
