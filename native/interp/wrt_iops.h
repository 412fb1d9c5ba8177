/*
 * The internal instruction set the compiler emits and the executor runs, as one X-macro list so
 * the enum, the computed-goto table and the switch cases cannot drift apart. Code is an array of
 * 32-bit cells: an op cell followed by its immediates.
 *
 *   FUEL n                 charge n instructions (the straight-line segment that follows)
 *   BR rel / BR_IF rel fall / BR_UNLESS rel fall
 *   BR_DROP rel keep drop / BR_IF_DROP rel keep drop fall   move `keep` top values down over `drop`
 *   BR_TABLE n (rel keep drop){n+1}
 *   RETURN nresults
 *   CALL funcidx / CALL_IMPORT funcidx / CALL_INDIRECT typeidx tableidx
 *   LOCAL_* idx, GLOBAL_* idx, TABLE_* tableidx, loads/stores offset
 *   CONST32 v / CONST64 lo hi
 *   MEMORY_INIT dataidx, DATA_DROP dataidx, TABLE_INIT elemidx tableidx, ELEM_DROP elemidx,
 *   TABLE_COPY dst src, TABLE_GROW/SIZE/FILL tableidx, REF_FUNC funcidx
 *   MEMX_*: the memory instructions of memories other than 0 (multi-memory, below)
 *
 * Packed first immediate: the op's number is the low 16 bits of its cell, and an op that packs
 * (WRT_IOPS_PACK_U / WRT_IOPS_PACK_S below) keeps its first immediate in the high 16 bits instead
 * of a cell of its own: unsigned (local indices, which the 50,000-local limit keeps below 2^16;
 * memory offsets; function indices; FUEL's charge) or sign-extended (constants). Its other
 * immediates follow as cells, so `CONST32 v` and `FUEL n` are one cell and `I32_ADD_LK a k` two.
 * Where a value does not fit, the compiler emits the plain op's wide twin (CONST32_W, CALL_W,
 * LOAD32_W, ...: first immediate in a cell) or does not fuse. Branch targets never pack (they are
 * patched after emission), nor do 64-bit constants.
 *
 * Fuel cells: a charge is at most 65,535 (the compiler cuts a longer straight run into segments),
 * so a fuel cell is read as its high half, whether it is a cell of its own (a conditional branch's
 * `fall`, the trailing cell of LOCAL_SET_F and the like) or FUEL's op cell: a branch paying its
 * target[-1] need not know which.
 *
 * A `rel` cell holds the signed distance in bytes (cells times 4) from the cell itself to the
 * target, plus 1 when the branch pays the fuel cell just before its target itself: a loop
 * header's fuel cell sits before the loop's label (entry from above pays it, back branches pay it
 * as target[-1]), and a segment opening at a block's end is paid the same way by the branches to
 * that end. `fall` is the charge of the segment a conditional branch falls through to, so no FUEL
 * op follows it. Every body starts with FUEL, paid by the call without dispatching it.
 *
 * Superinstructions (made by the compiler's peephole, never across a label):
 *   <binop>_K k        top op constant          (i64/f64: k is two cells, low then high)
 *   <binop>_L b        top op local b
 *   <binop>_LK a k     local a op constant, pushed
 *   <binop>_LL a b     local a op local b, pushed
 *   <binop>_<form>_S operands d / _T operands d   result to local d (_T: and pushed)
 *   BR_IF_<cmp>[_K|_L|_LK|_LL] operands rel fall   i32 compare and br_if in one
 *   BR_IF_<cmp>_ALK_K a k d c rel fall    a loop's latch in one: local d = local a + k (i32), then
 *                                         branch on d <cmp> c; _ALK_L: on d <cmp> local c; _ALL_*:
 *                                         d = local a + local b
 *   BR_IF_NZ_ALK a k d rel fall / _ALL    the same add, branch when d != 0 (_Z_: when d == 0)
 *   LOCAL_SET_K d k, LOCAL_MOVE d s                local d = constant / local s
 *   LOCAL_SET_F, LOCAL_SET_K_F, LOCAL_MOVE_F, I32_ADD_LK_S_F: the same with a trailing fuel cell:
 *       the charge of the segment that opens right after them (a block's end, a loop header),
 *       paid before their own effect; that effect is on locals only, which a trap discards, so
 *       paying early is exact
 *   LOAD<n>_L a off, _K k off, _LK a k off     address: local a, top + k, local a + k (i32 wrap)
 *   LOAD<n>_X a s k off                        address: (local a << s) + k, an array element
 *   LOAD32_S off d / LOAD32_T off d            i32 load to local d (_T: and pushed)
 *   F64_{ADD,SUB,MUL}_{S,T} d                  stack operands, result to local d (_T: and pushed)
 *   STORE<n>_K k off / _L v off                value: constant k (64: two cells) or local v
 *   STORE<n>_LKK a k v off / _LKL a k v off    address local a + k, value constant v / local v
 *   STORE<n>_LL a v off                        address local a, value local v
 *   F64_MUL_ADD                                a + b * c of the top three, rounded twice
 *   <op>_ST32 off / <op>_ST64 off              a <op> b of the top two, stored at the address below
 *                                              them (`p->x += v`): i32 add/sub/and/or/xor, f64
 *                                              add/sub/mul
 *   COUNT_<cmp>_K k                            second + (top <cmp> k), i32: `n += x != 0`
 *   <div>_K k / <div>_LK a k                   i32/i64 div_s, div_u, rem_s, rem_u by a constant that
 *                                              cannot trap (not 0; not -1 for the signed ones)
 *   BR_TABLE_X a s k off n (rel keep drop){n+1}  br_table on the i32 at (local a << s) + k + off
 *   LOCAL_MOVE_BR d s rel, LOCAL_SET_K_BR d k rel, I32_ADD_LK_S_BR / I32_AND_LK_S_BR a k d rel,
 *   STORE32_BR off rel                         the instruction, then br (a `case` that ends in break)
 *   LOAD32_LK_S / LOAD64_LK_S a k off d        load at local a + k to local d
 *   LOAD32_XA a s k d off [d2]                 address (local a << s) + k, also to local d; the i32
 *                                              there pushed (_XA), to local d2 (_XA_S), or both (_XA_T)
 *   F64_MUL_LM a b k off / F64_MUL_ADD_LM a b k off   local a * f64 at local b + k (+ top)
 *   F64_DOT_LM n (a b k off){n}          n F64_MUL_ADD_LM in a row (an unrolled dot product): the
 *                                        sum stays in a float register, each step still rounded
 * The i64/f64 ones exist only with WRT_CONFIG_FUSED_WIDE, and none is compiled, emitted or executed
 * without WRT_CONFIG_FUSED (wrt_config.h: the small executor).
 */
#ifndef WRT_IOPS_H
#define WRT_IOPS_H

#include "wrt_config.h"

/* The plain ops: one per wasm instruction (or a structural one), in every build. */
#define WRT_IOPS_PLAIN(X)                                                                              \
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
    X(TABLE_COPY) X(TABLE_GROW) X(TABLE_SIZE) X(TABLE_FILL)                                           \
    X(CONST32_W) X(CALL_W) X(CALL_IMPORT_W) X(LOAD32_W) X(LOAD64_W) X(LOAD8_S32_W) X(LOAD8_U_W)       \
    X(LOAD16_S32_W) X(LOAD16_U_W) X(LOAD8_S64_W) X(LOAD16_S64_W) X(LOAD32_S64_W) X(STORE8_W)          \
    X(STORE16_W) X(STORE32_W) X(STORE64_W) X(RETURN_W) X(GLOBAL_GET_W) X(GLOBAL_SET_W)             \
    WRT_IOPS_MEMX(X)

/*
 * Multi-memory (WRT_CONFIG_MULTI_MEMORY): an instruction naming a memory other than 0, in cells
 * after the op: MEMX_LOAD / MEMX_STORE wasm-opcode memidx offset, MEMX_SIZE / MEMX_GROW /
 * MEMX_FILL memidx, MEMX_INIT dataidx memidx, MEMX_COPY dst-memidx src-memidx. Memory 0 keeps the
 * plain ops above and the executor's cached base and size: naming another memory costs only the
 * code that does.
 */
#if WRT_CONFIG_MULTI_MEMORY
#define WRT_IOPS_MEMX(X) X(MEMX_LOAD) X(MEMX_STORE) X(MEMX_SIZE) X(MEMX_GROW) X(MEMX_INIT) X(MEMX_COPY) X(MEMX_FILL)
#else
#define WRT_IOPS_MEMX(X)
#endif

/* The superinstructions, numbered after the plain ops; executed only with WRT_CONFIG_FUSED. */
#define WRT_IOPS_FUSED(X)                                                                              \
    WRT_FUSED_BINOPS(WRT_IOP_BINOP_FORMS, X) WRT_FUSED_CMPS(WRT_IOP_BRANCH_FORMS, X)                \
    WRT_FUSED_CMPS(WRT_IOP_LATCH_FORMS, X)                                                            \
    X(BR_IF_NZ_ALK) X(BR_IF_NZ_ALL) X(BR_IF_Z_ALK) X(BR_IF_Z_ALL)                                     \
    WRT_SET_BINOPS(WRT_IOP_SET_FORMS, X) WRT_SET_BINOPS(WRT_IOP_TEE_FORMS, X)                        \
    X(LOAD32_S) X(LOAD32_T) X(LOCAL_SET_K) X(LOCAL_MOVE)                                              \
    X(LOCAL_SET_F) X(LOCAL_SET_K_F) X(LOCAL_MOVE_F) X(I32_ADD_LK_S_F)                                 \
    X(LOAD32_L) X(LOAD32_K) X(LOAD32_LK) X(LOAD32_X) X(LOAD64_L) X(LOAD64_K) X(LOAD64_LK) X(LOAD64_X) \
    X(LOAD8_U_L) X(LOAD8_U_K) X(LOAD8_U_LK) X(LOAD8_U_X) WRT_IOPS_WIDE(X)                             \
    X(STORE8_K) X(STORE8_L) X(STORE8_LKK) X(STORE8_LKL) X(STORE8_LL)                                 \
    X(STORE32_K) X(STORE32_L) X(STORE32_LKK) X(STORE32_LKL) X(STORE32_LL) X(STORE64_K) X(STORE64_L)   \
    X(I32_ADD_ST32) X(I32_SUB_ST32) X(I32_AND_ST32) X(I32_OR_ST32) X(I32_XOR_ST32)                   \
    WRT_FUSED_CMPS(WRT_IOP_COUNT_FORMS, X) X(LOAD32_XA) X(LOAD32_XA_S) X(LOAD32_XA_T)                \
    X(BR_TABLE_X) X(LOCAL_MOVE_BR) X(LOCAL_SET_K_BR) X(I32_ADD_LK_S_BR) X(I32_AND_LK_S_BR)          \
    X(STORE32_BR) X(LOAD32_LK_S) X(LOAD64_LK_S) WRT_DIVS(WRT_IOP_DIVK_FORMS, X) WRT_IOPS_TWINS_FUSED(X)

/* Binary operators that have the four operand forms, consecutive in this order. */
#define WRT_IOP_BINOP_FORMS(X, name) X(name##_K) X(name##_L) X(name##_LK) X(name##_LL)
/* A compare fused with br_if: stack operands, then the four forms, consecutive. */
#define WRT_IOP_BRANCH_FORMS(X, name) X(BR_IF_##name) X(BR_IF_##name##_K) X(BR_IF_##name##_L) \
    X(BR_IF_##name##_LK) X(BR_IF_##name##_LL)

/* An i32.add to a local (local a + constant or local b) fused with a compare and br_if. */
#define WRT_IOP_LATCH_FORMS(X, name) X(BR_IF_##name##_ALK_K) X(BR_IF_##name##_ALK_L) \
    X(BR_IF_##name##_ALL_K) X(BR_IF_##name##_ALL_L)

/* Division and remainder, each with a constant divisor (_K) and a local dividend too (_LK). */
#define WRT_DIVS(F, X)                                                                                  \
    F(X, I32_DIV_S) F(X, I32_DIV_U) F(X, I32_REM_S) F(X, I32_REM_U)                                   \
    F(X, I64_DIV_S) F(X, I64_DIV_U) F(X, I64_REM_S) F(X, I64_REM_U)
#define WRT_IOP_DIVK_FORMS(X, name) X(name##_K) X(name##_LK)

/* An i32 compare with a constant whose 0/1 result is added to the value below it. */
#define WRT_IOP_COUNT_FORMS(X, name) X(COUNT_##name##_K)

/* The four forms again, the result going to local d (_S) or to local d and the stack (_T). */
#define WRT_IOP_SET_FORMS(X, name) X(name##_K_S) X(name##_L_S) X(name##_LK_S) X(name##_LL_S)
#define WRT_IOP_TEE_FORMS(X, name) X(name##_K_T) X(name##_L_T) X(name##_LK_T) X(name##_LL_T)
#define WRT_SET_BINOPS(F, X)                                                                            \
    F(X, I32_ADD) F(X, I32_SUB) F(X, I32_MUL) F(X, I32_AND) F(X, I32_OR) F(X, I32_XOR) F(X, I32_SHL)   \
    F(X, I32_SHR_S) F(X, I32_SHR_U)

/* i32 compares: fused with br_if too; each has its negation in the list (for `if`). */
#define WRT_FUSED_CMPS(F, X)                                                                            \
    F(X, I32_EQ) F(X, I32_NE) F(X, I32_LT_S) F(X, I32_LT_U) F(X, I32_GT_S) F(X, I32_GT_U)              \
    F(X, I32_LE_S) F(X, I32_LE_U) F(X, I32_GE_S) F(X, I32_GE_U)
#define WRT_FUSED_BINOPS(F, X)                                                                          \
    F(X, I32_ADD) F(X, I32_SUB) F(X, I32_MUL) F(X, I32_AND) F(X, I32_OR) F(X, I32_XOR) F(X, I32_SHL)   \
    F(X, I32_SHR_S) F(X, I32_SHR_U) F(X, I32_ROTL) F(X, I32_ROTR) WRT_FUSED_CMPS(F, X)               \
    WRT_FUSED_WIDE_BINOPS(F, X)

#if WRT_CONFIG_FUSED_WIDE
#define WRT_FUSED_WIDE_BINOPS(F, X)                                                                     \
    F(X, I64_ADD) F(X, I64_SUB) F(X, I64_MUL) F(X, I64_AND) F(X, I64_OR) F(X, I64_XOR) F(X, I64_SHL)   \
    F(X, I64_SHR_S) F(X, I64_SHR_U)                                                                   \
    F(X, F64_ADD) F(X, F64_SUB) F(X, F64_MUL) F(X, F64_DIV)
#define WRT_IOPS_WIDE(X) X(F64_MUL_ADD) X(F64_MUL_LM) X(F64_MUL_ADD_LM) X(F64_DOT_LM)               \
    X(F64_ADD_ST64) X(F64_SUB_ST64) X(F64_MUL_ST64)                                                 \
    X(F64_ADD_S) X(F64_ADD_T) X(F64_SUB_S) X(F64_SUB_T) X(F64_MUL_S) X(F64_MUL_T)                    \
    WRT_WIDE_SET_BINOPS(WRT_IOP_SET_FORMS, X) WRT_WIDE_SET_BINOPS(WRT_IOP_TEE_FORMS, X)
#define WRT_WIDE_SET_BINOPS(F, X)                                                                       \
    F(X, I64_ADD) F(X, I64_SUB) F(X, I64_MUL) F(X, I64_AND) F(X, I64_OR) F(X, I64_XOR) F(X, I64_SHL)   \
    F(X, I64_SHR_S) F(X, I64_SHR_U) F(X, F64_ADD) F(X, F64_SUB) F(X, F64_MUL)
#else
#define WRT_FUSED_WIDE_BINOPS(F, X)
#define WRT_IOPS_WIDE(X)
#endif

/*
 * The ops that keep their first immediate in the high half of the op cell (see the head of this
 * file): unsigned (_U) or sign-extended (_S). Every other op has its immediates in cells.
 */
#define WRT_IOP_PACK_BINOP_U(X, name) X(name##_L) X(name##_LK) X(name##_LL)
#define WRT_IOP_PACK_BINOP_S(X, name) X(name##_K)
#define WRT_IOP_PACK_BRANCH_U(X, name) X(BR_IF_##name##_L) X(BR_IF_##name##_LK) X(BR_IF_##name##_LL)
#define WRT_IOP_PACK_BRANCH_S(X, name) X(BR_IF_##name##_K)
#define WRT_IOP_PACK_SET_U(X, name) X(name##_L_S) X(name##_LK_S) X(name##_LL_S) X(name##_L_T) X(name##_LK_T) X(name##_LL_T)
#define WRT_IOP_PACK_SET_S(X, name) X(name##_K_S) X(name##_K_T)
#define WRT_IOP_PACK_DIVK_U(X, name) X(name##_LK)
#define WRT_IOP_PACK_I32DIVK_S(X, name) X(name##_K)
#define WRT_I32_DIVS(F, X) F(X, I32_DIV_S) F(X, I32_DIV_U) F(X, I32_REM_S) F(X, I32_REM_U)
#define WRT_I32_FUSED_BINOPS(F, X)                                                                      \
    F(X, I32_ADD) F(X, I32_SUB) F(X, I32_MUL) F(X, I32_AND) F(X, I32_OR) F(X, I32_XOR) F(X, I32_SHL)   \
    F(X, I32_SHR_S) F(X, I32_SHR_U) F(X, I32_ROTL) F(X, I32_ROTR) WRT_FUSED_CMPS(F, X)

#define WRT_IOPS_PACK_U_PLAIN(X)                                                                       \
    X(FUEL) X(RETURN) X(GLOBAL_GET) X(GLOBAL_SET) X(LOCAL_GET) X(LOCAL_SET) X(LOCAL_TEE) X(CALL) X(CALL_IMPORT) X(LOAD32) X(LOAD64) X(LOAD8_S32)    \
    X(LOAD8_U) X(LOAD16_S32) X(LOAD16_U) X(LOAD8_S64) X(LOAD16_S64) X(LOAD32_S64) X(STORE8) X(STORE16) \
    X(STORE32) X(STORE64)
#define WRT_IOPS_PACK_S_PLAIN(X) X(CONST32)
#if WRT_CONFIG_FUSED
#define WRT_IOPS_PACK_U_FUSED(X)                                                                       \
    WRT_FUSED_BINOPS(WRT_IOP_PACK_BINOP_U, X) WRT_FUSED_CMPS(WRT_IOP_PACK_BRANCH_U, X)                 \
    WRT_FUSED_CMPS(WRT_IOP_LATCH_FORMS, X)                                                            \
    X(BR_IF_NZ_ALK) X(BR_IF_NZ_ALL) X(BR_IF_Z_ALK) X(BR_IF_Z_ALL)                                     \
    WRT_SET_BINOPS(WRT_IOP_PACK_SET_U, X) WRT_PACK_WIDE_U(X)                                          \
    X(LOAD32_S) X(LOAD32_T) X(LOCAL_SET_K) X(LOCAL_MOVE)                                              \
    X(LOCAL_SET_F) X(LOCAL_SET_K_F) X(LOCAL_MOVE_F) X(I32_ADD_LK_S_F)                                 \
    X(LOAD32_L) X(LOAD32_LK) X(LOAD32_X) X(LOAD64_L) X(LOAD64_LK) X(LOAD64_X)                         \
    X(LOAD8_U_L) X(LOAD8_U_LK) X(LOAD8_U_X)                                                           \
    X(STORE8_L) X(STORE8_LKK) X(STORE8_LKL) X(STORE8_LL)                                              \
    X(STORE32_L) X(STORE32_LKK) X(STORE32_LKL) X(STORE32_LL) X(STORE64_L)                             \
    X(I32_ADD_ST32) X(I32_SUB_ST32) X(I32_AND_ST32) X(I32_OR_ST32) X(I32_XOR_ST32)                   \
    X(LOAD32_XA) X(LOAD32_XA_S) X(LOAD32_XA_T)                                                        \
    X(BR_TABLE_X) X(LOCAL_MOVE_BR) X(LOCAL_SET_K_BR) X(I32_ADD_LK_S_BR) X(I32_AND_LK_S_BR)          \
    X(STORE32_BR) X(LOAD32_LK_S) X(LOAD64_LK_S) WRT_DIVS(WRT_IOP_PACK_DIVK_U, X)
#define WRT_IOPS_PACK_S_FUSED(X)                                                                       \
    WRT_I32_FUSED_BINOPS(WRT_IOP_PACK_BINOP_S, X) WRT_FUSED_CMPS(WRT_IOP_PACK_BRANCH_S, X)            \
    WRT_SET_BINOPS(WRT_IOP_PACK_SET_S, X) X(LOAD32_K) X(LOAD64_K) X(LOAD8_U_K) X(STORE8_K) X(STORE32_K) \
    WRT_FUSED_CMPS(WRT_IOP_COUNT_FORMS, X) WRT_I32_DIVS(WRT_IOP_PACK_I32DIVK_S, X)
#else
#define WRT_IOPS_PACK_U_FUSED(X)
#define WRT_IOPS_PACK_S_FUSED(X)
#endif
#if WRT_CONFIG_FUSED_WIDE
/* The 64-bit forms pack a local index; their 64-bit constants stay two cells. */
#define WRT_PACK_WIDE_U(X)                                                                             \
    WRT_WIDE_SET_BINOPS(WRT_IOP_PACK_SET_U, X) X(F64_ADD_ST64) X(F64_SUB_ST64) X(F64_MUL_ST64)
#else
#define WRT_PACK_WIDE_U(X)
#endif
#define WRT_IOPS_PACK_U(X) WRT_IOPS_PACK_U_PLAIN(X) WRT_IOPS_PACK_U_FUSED(X)
/*
 * The wide twin of every superinstruction that packs a sign-extended constant: `name`_W, the
 * constant in the cell after the op cell, the rest as in `name`. Array bases and loop bounds above
 * 32,767 are common in compiled C; without a twin their address arithmetic and compares would stay
 * unfused. (CONST32's twin CONST32_W is a plain op, in every build.)
 */
#define WRT_IOP_TWIN_BINOP(X, name) X(name##_K_W)
#define WRT_IOP_TWIN_BRANCH(X, name) X(BR_IF_##name##_K_W)
#define WRT_IOP_TWIN_SET(X, name) X(name##_K_S_W) X(name##_K_T_W)
#define WRT_IOP_TWIN_COUNT(X, name) X(COUNT_##name##_K_W)
#define WRT_IOPS_TWINS_FUSED(X)                                                                        \
    WRT_I32_FUSED_BINOPS(WRT_IOP_TWIN_BINOP, X) WRT_FUSED_CMPS(WRT_IOP_TWIN_BRANCH, X)                \
    WRT_SET_BINOPS(WRT_IOP_TWIN_SET, X) X(LOAD32_K_W) X(LOAD64_K_W) X(LOAD8_U_K_W) X(STORE8_K_W)       \
    X(STORE32_K_W) WRT_FUSED_CMPS(WRT_IOP_TWIN_COUNT, X) WRT_I32_DIVS(WRT_IOP_TWIN_BINOP, X)
#define WRT_IOPS_PACK_S(X) WRT_IOPS_PACK_S_PLAIN(X) WRT_IOPS_PACK_S_FUSED(X)

/*
 * An op cell: the op number in the low half, the first immediate an op packs in the high half.
 * Low, because a handler's `pc += n` and the next dispatch's load of the op then fold into one
 * pre-indexed load on Thumb-2 (`ldrh r3, [r4, #4]!`), as the 32-bit op cell did before packing;
 * with the op in the high half the load is at pc + 2 and the increment costs an instruction on
 * every dispatch (docs/benchmarks.md, the board's guest instructions). The immediate is read with
 * one 16-bit load at pc + 2 (x86 movzwl/movswl, Thumb ldrh/ldrsh), as the op was. A fuel cell's
 * charge is its high half too, so a FUEL op cell and a separate fuel cell read alike.
 */
#define WRT_OP_CELL(op) ((uint32_t)(op))
#define WRT_OP_OF(cell) ((uint32_t)(cell) & 0xFFFFu)
#define WRT_PACKED_U(cell) ((uint32_t)(cell) >> 16)
/* The low 16 bits of `v` sign-extended: a packed signed immediate as it reads back. */
#define WRT_SEXT16(v) ((((uint32_t)(v) & 0xFFFFu) ^ 0x8000u) - 0x8000u)
#define WRT_PACKED_S(cell) WRT_SEXT16(WRT_PACKED_U(cell))
/* `cell` with its immediate half set to the low 16 bits of `imm`. */
#define WRT_PACK_IMM(cell, imm) (((uint32_t)(cell) & 0xFFFFu) | ((uint32_t)(imm) << 16))
/* `cell` with its op replaced, its immediate kept. */
#define WRT_WITH_OP(cell, op) (((uint32_t)(cell) & ~0xFFFFu) | (uint32_t)(op))
/* One instruction of fuel, added to a fuel cell. */
#define WRT_FUEL_ONE (1u << 16)

#define WRT_IOPS(X) WRT_IOPS_PLAIN(X) WRT_IOPS_FUSED(X)

#define WRT_IOP_ENUM(name) WRT_IOP_##name,
enum wrt_iop { WRT_IOPS(WRT_IOP_ENUM) WRT_IOP_COUNT };
#undef WRT_IOP_ENUM
#define WRT_IOP_COUNT_ONE(name) +1
/* How many ops the executor dispatches: the plain ones, and the fused ones with WRT_CONFIG_FUSED. */
enum { WRT_IOP_PLAIN_COUNT = 0 WRT_IOPS_PLAIN(WRT_IOP_COUNT_ONE) };
#undef WRT_IOP_COUNT_ONE
#if WRT_CONFIG_FUSED
#define WRT_IOPS_EXECUTED(X) WRT_IOPS(X)
#define WRT_IOP_EXECUTED_COUNT WRT_IOP_COUNT
#else
#define WRT_IOPS_EXECUTED(X) WRT_IOPS_PLAIN(X)
#define WRT_IOP_EXECUTED_COUNT WRT_IOP_PLAIN_COUNT
#endif

/* Wasm opcodes that compile to no internal code (reinterpretations, nop). */
#define WRT_IOP_NONE 0xFFFFu

#endif
