/*
 * The internal instruction set the compiler emits and the executor runs, as one X-macro list so
 * the enum, the computed-goto table and the switch cases cannot drift apart. Code is an array of
 * 32-bit cells: an op cell followed by its immediates. Branch targets are signed cell distances
 * counted from the cell that holds them.
 *
 *   FUEL n                 charge n instructions (the straight-line segment that follows)
 *   BR rel / BR_IF rel / BR_UNLESS rel
 *   BR_DROP rel keep drop / BR_IF_DROP rel keep drop   move `keep` top values down over `drop`
 *   BR_TABLE n (rel keep drop){n+1}
 *   RETURN nresults
 *   CALL funcidx / CALL_IMPORT funcidx / CALL_INDIRECT typeidx tableidx
 *   LOCAL_* idx, GLOBAL_* idx, TABLE_* tableidx, loads/stores offset
 *   CONST32 v / CONST64 lo hi
 *   MEMORY_INIT dataidx, DATA_DROP dataidx, TABLE_INIT elemidx tableidx, ELEM_DROP elemidx,
 *   TABLE_COPY dst src, TABLE_GROW/SIZE/FILL tableidx, REF_FUNC funcidx
 */
#ifndef WRT_IOPS_H
#define WRT_IOPS_H

#define WRT_IOPS(X)                                                                                    \
    X(UNREACHABLE) X(FUEL) X(BR) X(BR_DROP) X(BR_IF) X(BR_IF_DROP) X(BR_UNLESS) X(BR_TABLE)           \
    X(RETURN) X(CALL) X(CALL_IMPORT) X(CALL_INDIRECT) X(DROP) X(SELECT)                               \
    X(LOCAL_GET) X(LOCAL_SET) X(LOCAL_TEE) X(GLOBAL_GET) X(GLOBAL_SET) X(TABLE_GET) X(TABLE_SET)      \
    X(LOAD32) X(LOAD64) X(LOAD8_S32) X(LOAD8_U) X(LOAD16_S32) X(LOAD16_U) X(LOAD8_S64)                \
    X(LOAD16_S64) X(LOAD32_S64) X(STORE8) X(STORE16) X(STORE32) X(STORE64)                            \
    X(MEMORY_SIZE) X(MEMORY_GROW) X(CONST32) X(CONST64)                                               \
    X(I32_EQZ) X(I32_EQ) X(I32_NE) X(I32_LT_S) X(I32_LT_U) X(I32_GT_S) X(I32_GT_U) X(I32_LE_S)       \
    X(I32_LE_U) X(I32_GE_S) X(I32_GE_U)                                                               \
    X(I64_EQZ) X(I64_EQ) X(I64_NE) X(I64_LT_S) X(I64_LT_U) X(I64_GT_S) X(I64_GT_U) X(I64_LE_S)       \
    X(I64_LE_U) X(I64_GE_S) X(I64_GE_U)                                                               \
    X(F32_EQ) X(F32_NE) X(F32_LT) X(F32_GT) X(F32_LE) X(F32_GE)                                       \
    X(F64_EQ) X(F64_NE) X(F64_LT) X(F64_GT) X(F64_LE) X(F64_GE)                                       \
    X(I32_CLZ) X(I32_CTZ) X(I32_POPCNT) X(I32_ADD) X(I32_SUB) X(I32_MUL) X(I32_DIV_S) X(I32_DIV_U)    \
    X(I32_REM_S) X(I32_REM_U) X(I32_AND) X(I32_OR) X(I32_XOR) X(I32_SHL) X(I32_SHR_S) X(I32_SHR_U)    \
    X(I32_ROTL) X(I32_ROTR)                                                                           \
    X(I64_CLZ) X(I64_CTZ) X(I64_POPCNT) X(I64_ADD) X(I64_SUB) X(I64_MUL) X(I64_DIV_S) X(I64_DIV_U)    \
    X(I64_REM_S) X(I64_REM_U) X(I64_AND) X(I64_OR) X(I64_XOR) X(I64_SHL) X(I64_SHR_S) X(I64_SHR_U)    \
    X(I64_ROTL) X(I64_ROTR)                                                                           \
    X(F32_ABS) X(F32_NEG) X(F32_CEIL) X(F32_FLOOR) X(F32_TRUNC) X(F32_NEAREST) X(F32_SQRT)            \
    X(F32_ADD) X(F32_SUB) X(F32_MUL) X(F32_DIV) X(F32_MIN) X(F32_MAX) X(F32_COPYSIGN)                 \
    X(F64_ABS) X(F64_NEG) X(F64_CEIL) X(F64_FLOOR) X(F64_TRUNC) X(F64_NEAREST) X(F64_SQRT)            \
    X(F64_ADD) X(F64_SUB) X(F64_MUL) X(F64_DIV) X(F64_MIN) X(F64_MAX) X(F64_COPYSIGN)                 \
    X(I32_WRAP_I64) X(I32_TRUNC_F32_S) X(I32_TRUNC_F32_U) X(I32_TRUNC_F64_S) X(I32_TRUNC_F64_U)      \
    X(I64_EXTEND_I32_S) X(I64_EXTEND_I32_U) X(I64_TRUNC_F32_S) X(I64_TRUNC_F32_U)                     \
    X(I64_TRUNC_F64_S) X(I64_TRUNC_F64_U) X(F32_CONVERT_I32_S) X(F32_CONVERT_I32_U)                   \
    X(F32_CONVERT_I64_S) X(F32_CONVERT_I64_U) X(F32_DEMOTE_F64) X(F64_CONVERT_I32_S)                  \
    X(F64_CONVERT_I32_U) X(F64_CONVERT_I64_S) X(F64_CONVERT_I64_U) X(F64_PROMOTE_F32)                 \
    X(I32_EXTEND8_S) X(I32_EXTEND16_S) X(I64_EXTEND8_S) X(I64_EXTEND16_S) X(I64_EXTEND32_S)           \
    X(REF_IS_NULL) X(REF_FUNC)                                                                        \
    X(I32_TRUNC_SAT_F32_S) X(I32_TRUNC_SAT_F32_U) X(I32_TRUNC_SAT_F64_S) X(I32_TRUNC_SAT_F64_U)      \
    X(I64_TRUNC_SAT_F32_S) X(I64_TRUNC_SAT_F32_U) X(I64_TRUNC_SAT_F64_S) X(I64_TRUNC_SAT_F64_U)      \
    X(MEMORY_INIT) X(DATA_DROP) X(MEMORY_COPY) X(MEMORY_FILL) X(TABLE_INIT) X(ELEM_DROP)              \
    X(TABLE_COPY) X(TABLE_GROW) X(TABLE_SIZE) X(TABLE_FILL)

#define WRT_IOP_ENUM(name) WRT_IOP_##name,
enum wrt_iop { WRT_IOPS(WRT_IOP_ENUM) WRT_IOP_COUNT };
#undef WRT_IOP_ENUM

/* Wasm opcodes that compile to no internal code (reinterpretations, nop). */
#define WRT_IOP_NONE 0xFFFFu

#endif
