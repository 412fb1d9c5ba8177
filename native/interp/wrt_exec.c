/*
 * The executor: one loop over internal code (wrt_iops.h), threaded through computed goto where
 * the compiler has it (WRT_CONFIG_COMPUTED_GOTO), a switch otherwise.
 *
 * Stackless: a wasm call pushes a wrt_frame in the FRAMES region and continues the same loop, so
 * the C stack stays flat whatever the wasm call depth. Frame i's locals start at fp; its operands
 * follow. A call checks, once, that the callee's whole frame (params, locals, one spill slot, most
 * operands, as the validator computed) fits in the value stack, so pushes need no check.
 *
 * The top operand lives in a register (`tos`), not in memory: the operand stack is the slots
 * [base, sp) plus tos, and a push spills the old tos to *sp++. Values passed from one instruction
 * to the next (most of them) then never go through memory. At a function's first push the spilled
 * value is meaningless; it lands in the frame's spill slot just below its operands, which is why
 * a frame has one slot more than params + locals + operands. Calls, returns and branches that move
 * values store tos first (FLUSH) and reload it after (RELOAD), so memory holds the whole stack
 * where frames meet.
 *
 * Values are 64-bit slots; 32-bit values are kept zero-extended. Memory accesses assemble bytes
 * little-endian (compilers fuse these into single loads), so the code is endian- and
 * alignment-neutral.
 */
#include "wrt_float.h"
#include "wrt_internal.h"
#include "wrt_iops.h"

static inline uint32_t ld16(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8);
}

static inline uint32_t ld32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static inline uint64_t ld64(const uint8_t *p)
{
    return (uint64_t)ld32(p) | ((uint64_t)ld32(p + 4) << 32);
}

static inline void st16(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static inline void st32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

static inline void st64(uint8_t *p, uint64_t v)
{
    st32(p, (uint32_t)v);
    st32(p + 4, (uint32_t)(v >> 32));
}

/* Arithmetic shift right without relying on implementation-defined signed shifts. */
static inline uint32_t shr_s32(uint32_t x, uint32_t n)
{
    uint32_t s = 0u - (x >> 31);
    return ((x ^ s) >> n) ^ s;
}

static inline uint64_t shr_s64(uint64_t x, uint32_t n)
{
    uint64_t s = 0u - (x >> 63);
    return ((x ^ s) >> n) ^ s;
}

static inline uint32_t clz32(uint32_t x)
{
    return x == 0u ? 32u : (uint32_t)__builtin_clz(x);
}

static inline uint32_t ctz32(uint32_t x)
{
    return x == 0u ? 32u : (uint32_t)__builtin_ctz(x);
}

static inline uint64_t clz64(uint64_t x)
{
    return x == 0u ? 64u : (uint64_t)__builtin_clzll(x);
}

static inline uint64_t ctz64(uint64_t x)
{
    return x == 0u ? 64u : (uint64_t)__builtin_ctzll(x);
}

/* Population count in plain arithmetic: __builtin_popcount would call libgcc without POPCNT. */
static inline uint32_t popcnt32(uint32_t x)
{
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    x = (x + (x >> 4)) & 0x0F0F0F0Fu;
    return (x * 0x01010101u) >> 24;
}

static inline uint64_t popcnt64(uint64_t x)
{
    return (uint64_t)popcnt32((uint32_t)x) + popcnt32((uint32_t)(x >> 32));
}

static inline uint32_t rotl32(uint32_t x, uint32_t n)
{
    n &= 31u;
    return (x << n) | (x >> ((32u - n) & 31u));
}

static inline uint32_t rotr32(uint32_t x, uint32_t n)
{
    n &= 31u;
    return (x >> n) | (x << ((32u - n) & 31u));
}

static inline uint64_t rotl64(uint64_t x, uint64_t n)
{
    n &= 63u;
    return (x << n) | (x >> ((64u - n) & 63u));
}

static inline uint64_t rotr64(uint64_t x, uint64_t n)
{
    n &= 63u;
    return (x >> n) | (x << ((64u - n) & 63u));
}

static inline uint64_t sx32(uint32_t x)
{
    return (uint64_t)(int64_t)(int32_t)x;
}

#define F32(x) wrt_f32_from_bits((uint32_t)(x))
#define F64(x) wrt_f64_from_bits(x)
#define B32(x) ((uint64_t)wrt_f32_bits(x))
#define B64(x) wrt_f64_bits(x)

#if WRT_CONFIG_COMPUTED_GOTO
#define OP(name) L_##name:
#define NEXT() goto *dispatch[OPN]
#else
#define OP(name) case WRT_IOP_##name:
#define NEXT() goto next
#endif

/*
 * The op of the cell at pc, and the first immediate an op packs into it (wrt_iops.h): unsigned, or
 * sign-extended; FUEL_AT is a fuel cell's charge (its high half too). Each must be one 16-bit load
 * (x86 movzwl/movswl, Thumb ldrh/ldrsh), not a 32-bit load and a shift or mask: that would cost
 * every dispatch and local access an instruction. GCC narrows a truncated word load only
 * sometimes (Thumb: `ldr r3, [fp, #4]!; uxth r3, r3`), so on a little-endian machine each half is
 * read as the two bytes it is.
 */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
#define OPN (*pc & 0xFFFFu)
#define HI16(p) (*(p) >> 16)
#else
#define OPN ld16((const uint8_t *)pc)
#define HI16(p) ld16((const uint8_t *)(p) + 2)
#endif
#define PU HI16(pc)
#define PS ((uint32_t)(int32_t)(int16_t)(uint16_t)HI16(pc))
#define FUEL_AT(p) HI16(p)

#define TRAP(code) do { trap = (code); goto trapped; } while (0)
/*
 * A trap while calling: pc is already the caller's return address, so `trapped` steps it back into
 * the call instruction, where the trap's code offset and backtrace should point. Marked in the trap
 * code itself: a flag variable, or stepping back at each site, costs the fast executor 2-4 KiB of
 * flash (every handler copy of the call path carries it).
 */
#define WRT_TRAP_IN_CALL_MARK 0x80000000u
#define TRAP_IN_CALL(code) do { trap = (code) | WRT_TRAP_IN_CALL_MARK; goto trapped; } while (0)

/* Operand access: a and b are the two topmost values (b on top, in tos). */
#define I32A ((uint32_t)sp[-1])
#define I32B ((uint32_t)tos)
#define I64A (sp[-1])
#define I64B (tos)

/* The operand stack with its top in tos (see the head of this file). */
#define PUSH(v)                                                                                      \
    do {                                                                                             \
        uint64_t v_ = (v);                                                                           \
        *sp++ = tos;                                                                                 \
        tos = v_;                                                                                    \
    } while (0)
#define POP() (tos = *--sp)
#define POP2() (tos = sp[-2], sp -= 2)
#define POP3() (tos = sp[-3], sp -= 3)
#define FLUSH() (*sp++ = tos)
#define RELOAD() (tos = *--sp)

#define BINOP(name, expr) OP(name) { tos = (expr); sp--; pc++; NEXT(); }
#define UNOP(name, expr) OP(name) { tos = (expr); pc++; NEXT(); }

/* Effective address of a load/store of `n` bytes at operand `addr_slot`, or an out-of-bounds trap. */
#define EFFECTIVE(addr_slot, off, n)                                                                 \
    uint64_t ea = (uint64_t)(uint32_t)(addr_slot) + (off);                                          \
    if (ea + (n) > mem_bytes) TRAP(WRT_TRAP_MEMORY_OUT_OF_BOUNDS);                                  \
    uint8_t *ptr = mem + ea

/* Each plain load and store: the offset packed, and its wide twin with the offset in a cell. */
/* Every plain load and store op with its width and access: listed once for its handler and its wide twin's. */
#define MEMORY_ACCESSES(L, S)                                      \
    L(LOAD32, 4, ld32(ptr))                                        \
    L(LOAD64, 8, ld64(ptr))                                        \
    L(LOAD8_S32, 1, (uint32_t)(int32_t)(int8_t)ptr[0])             \
    L(LOAD8_U, 1, ptr[0])                                          \
    L(LOAD16_S32, 2, (uint32_t)(int32_t)(int16_t)ld16(ptr))        \
    L(LOAD16_U, 2, ld16(ptr))                                      \
    L(LOAD8_S64, 1, (uint64_t)(int64_t)(int8_t)ptr[0])             \
    L(LOAD16_S64, 2, (uint64_t)(int64_t)(int16_t)ld16(ptr))        \
    L(LOAD32_S64, 4, sx32(ld32(ptr)))                              \
    S(STORE8, 1, ptr[0] = (uint8_t)v)                              \
    S(STORE16, 2, st16(ptr, (uint32_t)v))                          \
    S(STORE32, 4, st32(ptr, (uint32_t)v))                          \
    S(STORE64, 8, st64(ptr, v))

/*
 * Each plain load and store with its packed offset, and its wide twin (offset in a cell). In the
 * small executor (no superinstructions, a 64 KiB part's flash) the twin takes the offset into
 * wide_imm, steps over its cell and runs its op's tail; the fast one has whole twins, as a
 * variable shared by many handlers would cost the hot ones a stack slot.
 */
#if WRT_CONFIG_FUSED
#define LOAD(name, n, expr) OP(name) { EFFECTIVE(tos, PU, n); tos = (expr); pc += 1; NEXT(); }
#define STORE(name, n, stmt) OP(name) { EFFECTIVE(sp[-1], PU, n); uint64_t v = tos; stmt; POP2(); pc += 1; NEXT(); }
#define LOAD_W(name, n, expr) OP(name##_W) { EFFECTIVE(tos, pc[1], n); tos = (expr); pc += 2; NEXT(); }
#define STORE_W(name, n, stmt) OP(name##_W) { EFFECTIVE(sp[-1], pc[1], n); uint64_t v = tos; stmt; POP2(); pc += 2; NEXT(); }
#define IMM_TAIL(label) (void)0
#define PLAIN_IMM PU
#else
#define LOAD(name, n, expr)                                                                          \
    OP(name) {                                                                                       \
        wide_imm = PU;                                                                               \
    name##_tail:;                                                                                    \
        EFFECTIVE(tos, wide_imm, n);                                                                 \
        tos = (expr);                                                                                \
        pc += 1;                                                                                     \
        NEXT();                                                                                      \
    }
#define STORE(name, n, stmt)                                                                         \
    OP(name) {                                                                                       \
        wide_imm = PU;                                                                               \
    name##_tail:;                                                                                    \
        EFFECTIVE(sp[-1], wide_imm, n);                                                              \
        uint64_t v = tos;                                                                            \
        stmt;                                                                                        \
        POP2();                                                                                      \
        pc += 1;                                                                                     \
        NEXT();                                                                                      \
    }
#define LOAD_W(name, n, expr) OP(name##_W) { wide_imm = pc[1]; pc += 1; goto name##_tail; }
#define STORE_W(name, n, stmt) OP(name##_W) { wide_imm = pc[1]; pc += 1; goto name##_tail; }
/* A plain op's first immediate in the small executor: set here, or by its twin before the tail. */
#define IMM_TAIL(label)                                                                              \
    wide_imm = PU;                                                                                   \
    label:
#define PLAIN_IMM wide_imm
#endif

/* Moves the `keep` top values down over `drop` slots below them. */
#define SHIFT_DOWN(keep, drop)                                                                       \
    do {                                                                                             \
        uint32_t k_ = (keep);                                                                        \
        uint32_t d_ = (drop);                                                                        \
        FLUSH();                                                                                     \
        uint64_t *src_ = sp - k_;                                                                    \
        uint64_t *dst_ = src_ - d_;                                                                  \
        for (uint32_t i_ = 0; i_ < k_; i_++) dst_[i_] = src_[i_];                                    \
        sp -= d_;                                                                                    \
        RELOAD();                                                                                    \
    } while (0)

/* A target cell holds the signed distance in bytes, plus 1 if the branch pays target[-1]. */
#define TARGET(site, v) ((const uint32_t *)(const void *)((const uint8_t *)(site) + (int32_t)((v) & ~3u)))
#define JUMP(site) (pc = TARGET(site, *(site)))

/*
 * Fuel (wrt_iops.h): PAY charges a segment; TAKE is a taken branch, which pays the FUEL cell just
 * before its target (a loop header, a segment opening at a block's end) when its cell says so.
 */
#if WRT_CONFIG_FUEL
#define PAY(n)                                                                                       \
    do {                                                                                             \
        uint32_t n_ = (n);                                                                           \
        if (fuel < n_) TRAP(WRT_TRAP_FUEL_EXHAUSTED);                                                \
        fuel -= n_;                                                                                  \
    } while (0)
#define TAKE(site)                                                                                   \
    do {                                                                                             \
        uint32_t v_ = *(site);                                                                       \
        pc = TARGET(site, v_);                                                                       \
        if ((v_ & 1u) != 0u) PAY(FUEL_AT(pc - 1));                                                   \
    } while (0)
#else
#define PAY(n) ((void)0)
#define TAKE(site) JUMP(site)
#endif

/* A conditional branch whose target cell is pc[at] and `fall` cell pc[at + 1]. */
#if WRT_CONFIG_COMPACT
#define BRANCH_IF(cond, at)                                                                          \
    do {                                                                                             \
        branch_at = (at);                                                                            \
        if (cond) goto branch_taken;                                                                 \
        goto branch_fall;                                                                            \
    } while (0)
#else
#define BRANCH_IF(cond, at)                                                                          \
    do {                                                                                             \
        if (cond) {                                                                                  \
            TAKE(pc + (at));                                                                         \
        } else {                                                                                     \
            PAY(FUEL_AT(pc + ((at) + 1)));                                                           \
            pc += (at) + 2;                                                                          \
        }                                                                                            \
        NEXT();                                                                                      \
    } while (0)
#endif

/* The operators with operand forms (wrt_iops.h): expressions of a and b. */
#define I32_CMP_EXPRS(Y)                                                                             \
    Y(I32_EQ, a == b) Y(I32_NE, a != b) Y(I32_LT_S, (int32_t)a < (int32_t)b) Y(I32_LT_U, a < b)      \
    Y(I32_GT_S, (int32_t)a > (int32_t)b) Y(I32_GT_U, a > b) Y(I32_LE_S, (int32_t)a <= (int32_t)b)    \
    Y(I32_LE_U, a <= b) Y(I32_GE_S, (int32_t)a >= (int32_t)b) Y(I32_GE_U, a >= b)
#define I32_SET_EXPRS(Y)                                                                             \
    Y(I32_ADD, a + b) Y(I32_SUB, a - b) Y(I32_MUL, a * b) Y(I32_AND, a & b) Y(I32_OR, a | b)        \
    Y(I32_XOR, a ^ b) Y(I32_SHL, a << (b & 31u)) Y(I32_SHR_S, shr_s32(a, b & 31u))                  \
    Y(I32_SHR_U, a >> (b & 31u))
#define I32_EXPRS(Y) I32_SET_EXPRS(Y) Y(I32_ROTL, rotl32(a, b)) Y(I32_ROTR, rotr32(a, b)) I32_CMP_EXPRS(Y)
#define I64_SET_EXPRS(Y)                                                                             \
    Y(I64_ADD, a + b) Y(I64_SUB, a - b) Y(I64_MUL, a * b) Y(I64_AND, a & b) Y(I64_OR, a | b)        \
    Y(I64_XOR, a ^ b) Y(I64_SHL, a << (b & 63u)) Y(I64_SHR_S, shr_s64(a, (uint32_t)(b & 63u)))      \
    Y(I64_SHR_U, a >> (b & 63u)) Y(F64_ADD, B64(F64(a) + F64(b))) Y(F64_SUB, B64(F64(a) - F64(b)))  \
    Y(F64_MUL, B64(F64(a) * F64(b)))
#define I64_EXPRS(Y) I64_SET_EXPRS(Y) Y(F64_DIV, B64(F64(a) / F64(b)))

#define K64(p) ((uint64_t)(p)[0] | ((uint64_t)(p)[1] << 32))

/* The operands of the four forms (wrt_iops.h): a and b, as i32 or as 64-bit slots. */
/*
 * The first immediate is packed (wrt_iops.h): the constant of a 32-bit _K form, the local of the
 * others; the second immediate is pc[1]. The 64-bit constant of a 64-bit _K form is two cells.
 */
#define OPS32_K uint32_t a = (uint32_t)tos; uint32_t b = PS
#define OPS32_KW uint32_t a = (uint32_t)tos; uint32_t b = pc[1]
#define OPS32_L uint32_t a = (uint32_t)tos; uint32_t b = (uint32_t)fp[PU]
#define OPS32_LK uint32_t a = (uint32_t)fp[PU]; uint32_t b = pc[1]
#define OPS32_LL uint32_t a = (uint32_t)fp[PU]; uint32_t b = (uint32_t)fp[pc[1]]
#define OPS64_K uint64_t a = tos; uint64_t b = K64(pc + 1)
#define OPS64_L uint64_t a = tos; uint64_t b = fp[PU]
#define OPS64_LK uint64_t a = fp[PU]; uint64_t b = K64(pc + 1)
#define OPS64_LL uint64_t a = fp[PU]; uint64_t b = fp[pc[1]]

#define FORMS32(name, expr)                                                                          \
    OP(name##_K) { OPS32_K; tos = (uint32_t)(expr); pc += 1; NEXT(); }                               \
    OP(name##_L) { OPS32_L; tos = (uint32_t)(expr); pc += 1; NEXT(); }                               \
    OP(name##_LK) { OPS32_LK; PUSH((uint32_t)(expr)); pc += 2; NEXT(); }                             \
    OP(name##_LL) { OPS32_LL; PUSH((uint32_t)(expr)); pc += 2; NEXT(); }

#define FORMS64(name, expr)                                                                          \
    OP(name##_K) { OPS64_K; tos = (expr); pc += 3; NEXT(); }                                         \
    OP(name##_L) { OPS64_L; tos = (expr); pc += 1; NEXT(); }                                         \
    OP(name##_LK) { OPS64_LK; PUSH(expr); pc += 3; NEXT(); }                                         \
    OP(name##_LL) { OPS64_LL; PUSH(expr); pc += 2; NEXT(); }

/* The same, the result to local d (_S) or to local d and the stack (_T); d follows the operands. */
#define SET_FORMS(name, expr)                                                                        \
    OP(name##_K_S) { OPS32_K; fp[pc[1]] = (uint32_t)(expr); POP(); pc += 2; NEXT(); }                \
    OP(name##_L_S) { OPS32_L; fp[pc[1]] = (uint32_t)(expr); POP(); pc += 2; NEXT(); }                \
    OP(name##_LK_S) { OPS32_LK; fp[pc[2]] = (uint32_t)(expr); pc += 3; NEXT(); }                     \
    OP(name##_LL_S) { OPS32_LL; fp[pc[2]] = (uint32_t)(expr); pc += 3; NEXT(); }                     \
    OP(name##_K_T) { OPS32_K; tos = fp[pc[1]] = (uint32_t)(expr); pc += 2; NEXT(); }                 \
    OP(name##_L_T) { OPS32_L; tos = fp[pc[1]] = (uint32_t)(expr); pc += 2; NEXT(); }                 \
    OP(name##_LK_T) { OPS32_LK; PUSH(fp[pc[2]] = (uint32_t)(expr)); pc += 3; NEXT(); }               \
    OP(name##_LL_T) { OPS32_LL; PUSH(fp[pc[2]] = (uint32_t)(expr)); pc += 3; NEXT(); }

#define SET_FORMS64(name, expr)                                                                      \
    OP(name##_K_S) { OPS64_K; fp[pc[3]] = (expr); POP(); pc += 4; NEXT(); }                          \
    OP(name##_L_S) { OPS64_L; fp[pc[1]] = (expr); POP(); pc += 2; NEXT(); }                          \
    OP(name##_LK_S) { OPS64_LK; fp[pc[3]] = (expr); pc += 4; NEXT(); }                               \
    OP(name##_LL_S) { OPS64_LL; fp[pc[2]] = (expr); pc += 3; NEXT(); }                               \
    OP(name##_K_T) { OPS64_K; tos = fp[pc[3]] = (expr); pc += 4; NEXT(); }                           \
    OP(name##_L_T) { OPS64_L; tos = fp[pc[1]] = (expr); pc += 2; NEXT(); }                           \
    OP(name##_LK_T) { OPS64_LK; PUSH(fp[pc[3]] = (expr)); pc += 4; NEXT(); }                         \
    OP(name##_LL_T) { OPS64_LL; PUSH(fp[pc[2]] = (expr)); pc += 3; NEXT(); }

/* Effective address `addr` (an i32) + offset cell `off`, or an out-of-bounds trap. */
#define EA(addr, off, n)                                                                             \
    uint64_t ea = (uint64_t)(uint32_t)(addr) + (off);                                                \
    if (ea + (n) > mem_bytes) TRAP(WRT_TRAP_MEMORY_OUT_OF_BOUNDS);                                  \
    uint8_t *ptr = mem + ea

#define LOAD_FORMS(name, n, expr)                                                                    \
    OP(name##_L) { EA(fp[PU], pc[1], n); PUSH(expr); pc += 2; NEXT(); }                              \
    OP(name##_K) { EA(tos + PS, pc[1], n); tos = (expr); pc += 2; NEXT(); }                           \
    OP(name##_LK) { EA(fp[PU] + pc[1], pc[2], n); PUSH(expr); pc += 3; NEXT(); }                      \
    OP(name##_X) { EA(((uint32_t)fp[PU] << (pc[1] & 31u)) + pc[2], pc[3], n); PUSH(expr); pc += 4; NEXT(); }

#define STORE_FORMS(name, n, stmt)                                                                   \
    OP(name##_K) { EA(tos, pc[1], n); uint64_t v = PS; stmt; POP(); pc += 2; NEXT(); }                \
    OP(name##_L) { EA(tos, pc[1], n); uint64_t v = fp[PU]; stmt; POP(); pc += 2; NEXT(); }            \
    OP(name##_LKK) { EA(fp[PU] + pc[1], pc[3], n); uint64_t v = pc[2]; stmt; pc += 4; NEXT(); }       \
    OP(name##_LKL) { EA(fp[PU] + pc[1], pc[3], n); uint64_t v = fp[pc[2]]; stmt; pc += 4; NEXT(); }   \
    OP(name##_LL) { EA(fp[PU], pc[2], n); uint64_t v = fp[pc[1]]; stmt; pc += 3; NEXT(); }

#define CMP_BRANCHES(name, expr)                                                                     \
    OP(BR_IF_##name) {                                                                               \
        uint32_t a = (uint32_t)sp[-1];                                                               \
        uint32_t b = (uint32_t)tos;                                                                  \
        POP2();                                                                                      \
        BRANCH_IF(expr, 1);                                                                          \
    }                                                                                                \
    OP(BR_IF_##name##_K) { OPS32_K; POP(); BRANCH_IF(expr, 1); }                                     \
    OP(BR_IF_##name##_L) { OPS32_L; POP(); BRANCH_IF(expr, 1); }                                     \
    OP(BR_IF_##name##_LK) { OPS32_LK; BRANCH_IF(expr, 2); }                                          \
    OP(BR_IF_##name##_LL) { OPS32_LL; BRANCH_IF(expr, 2); }

/* local d = local a + (constant | local b), then a compare of d with (constant | local c). */
#define ADD_LK uint32_t a = (uint32_t)fp[PU] + pc[1]; fp[pc[2]] = a
#define ADD_LL uint32_t a = (uint32_t)fp[PU] + (uint32_t)fp[pc[1]]; fp[pc[2]] = a
#define LATCH_BRANCHES(name, expr)                                                                   \
    OP(BR_IF_##name##_ALK_K) { ADD_LK; uint32_t b = pc[3]; BRANCH_IF(expr, 4); }                     \
    OP(BR_IF_##name##_ALK_L) { ADD_LK; uint32_t b = (uint32_t)fp[pc[3]]; BRANCH_IF(expr, 4); }       \
    OP(BR_IF_##name##_ALL_K) { ADD_LL; uint32_t b = pc[3]; BRANCH_IF(expr, 4); }                     \
    OP(BR_IF_##name##_ALL_L) { ADD_LL; uint32_t b = (uint32_t)fp[pc[3]]; BRANCH_IF(expr, 4); }

/* a <op> b of the top two (b = tos), stored at the address below them. */
#define RMW_STORE(name, n, expr, stmt)                                                               \
    OP(name) {                                                                                       \
        uint64_t a = sp[-1];                                                                         \
        uint64_t b = tos;                                                                            \
        EA(sp[-2], PU, n);                                                                           \
        uint64_t v = (expr);                                                                         \
        stmt;                                                                                        \
        POP3();                                                                                      \
        pc += 1;                                                                                     \
        NEXT();                                                                                      \
    }
#define COUNT_FORM(name, expr)                                                                       \
    OP(COUNT_##name##_K) {                                                                           \
        uint32_t a = (uint32_t)tos;                                                                  \
        uint32_t b = PS;                                                                             \
        tos = (uint32_t)((uint32_t)sp[-1] + (uint32_t)(expr));                                       \
        sp--;                                                                                        \
        pc += 1;                                                                                     \
        NEXT();                                                                                      \
    }
/*
 * The superinstructions' wide twins (wrt_iops.h): the same operations with the first immediate in
 * a cell, for values that do not fit 16 bits; defined after all the others. Whole handlers: sharing
 * their op's tail through a variable cost the hot handlers a stack slot (+9 % instructions).
 */
#define TWIN_FORMS32(name, expr) OP(name##_K_W) { OPS32_KW; tos = (uint32_t)(expr); pc += 2; NEXT(); }
#define TWIN_SET_FORMS(name, expr)                                                                   \
    OP(name##_K_S_W) { OPS32_KW; fp[pc[2]] = (uint32_t)(expr); POP(); pc += 3; NEXT(); }             \
    OP(name##_K_T_W) { OPS32_KW; tos = fp[pc[2]] = (uint32_t)(expr); pc += 3; NEXT(); }
#define TWIN_LOAD_FORMS(name, n, expr) OP(name##_K_W) { EA(tos + pc[1], pc[2], n); tos = (expr); pc += 3; NEXT(); }
#define TWIN_STORE_FORMS(name, n, stmt)                                                              \
    OP(name##_K_W) { EA(tos, pc[2], n); uint64_t v = pc[1]; stmt; POP(); pc += 3; NEXT(); }
#define TWIN_CMP_BRANCHES(name, expr) OP(BR_IF_##name##_K_W) { OPS32_KW; POP(); BRANCH_IF(expr, 2); }
#define TWIN_COUNT_FORM(name, expr)                                                                  \
    OP(COUNT_##name##_K_W) {                                                                         \
        uint32_t a = (uint32_t)tos;                                                                  \
        uint32_t b = pc[1];                                                                          \
        tos = (uint32_t)((uint32_t)sp[-1] + (uint32_t)(expr));                                       \
        sp--;                                                                                        \
        pc += 2;                                                                                     \
        NEXT();                                                                                      \
    }
#define TWIN_DIVK32(name, expr)                                                                      \
    OP(name##_K_W) { uint32_t a = (uint32_t)tos; uint32_t b = pc[1]; tos = (uint32_t)(expr); pc += 2; NEXT(); }

/* Division by a constant the compiler checked (never 0, never -1 when signed): no trap. */
#define DIVK32(name, expr)                                                                           \
    OP(name##_K) { uint32_t a = (uint32_t)tos; uint32_t b = PS; tos = (uint32_t)(expr); pc += 1; NEXT(); } \
    OP(name##_LK) { uint32_t a = (uint32_t)fp[PU]; uint32_t b = pc[1]; PUSH((uint32_t)(expr)); pc += 2; NEXT(); }
#define DIVK64(name, expr)                                                                           \
    OP(name##_K) { uint64_t a = tos; uint64_t b = K64(pc + 1); tos = (expr); pc += 3; NEXT(); }     \
    OP(name##_LK) { uint64_t a = fp[PU]; uint64_t b = K64(pc + 1); PUSH(expr); pc += 3; NEXT(); }

/* LOAD32_XA: the element address (local a << s) + k, kept in local d, then bounds-checked. */
#define XA_ADDRESS                                                                                   \
    uint32_t addr = ((uint32_t)fp[PU] << (pc[1] & 31u)) + pc[2];                                    \
    fp[pc[3]] = addr;                                                                                \
    EA(addr, pc[4], 4)

/* A return with `n` results: RETURN (count packed) and, in the fast executor, RETURN_W. */
#define RETURN_BODY(n_expr)                                                                          \
    do {                                                                                             \
        uint32_t n_ = (n_expr);                                                                      \
        if (n_ == 1u) {                                                                              \
            fp[0] = tos;                                                                             \
        } else {                                                                                     \
            FLUSH();                                                                                 \
            uint64_t *src_ = sp - n_;                                                                \
            for (uint32_t i_ = 0; i_ < n_; i_++) fp[i_] = src_[i_];                                  \
        }                                                                                            \
        sp = fp + n_;                                                                                \
        ft--;                                                                                        \
        pc = ft->pc;                                                                                 \
        fp = ft->fp;                                                                                 \
        fn = ft->fn;                                                                                 \
        if (ft == frames) goto finished;                                                             \
        /* The results are the caller's top values now; with none, the caller's top (or its spill  \
         * slot, if its stack was empty) is just below. */                                          \
        RELOAD();                                                                                    \
        if (ft->inst != inst) {                                                                      \
            inst = ft->inst;                                                                         \
            funcs = inst->mod->funcs;                                                                \
            LOAD_MEMORY();                                                                           \
        }                                                                                            \
        NEXT();                                                                                      \
    } while (0)

#define LOAD_MEMORY()                                                                                \
    do {                                                                                             \
        mem = inst->mem != NULL ? inst->mem->data : NULL;                                            \
        mem_bytes = inst->mem != NULL ? inst->mem->bytes : 0u;                                       \
    } while (0)

#if WRT_CONFIG_MULTI_MEMORY
/*
 * Multi-memory: the loads and stores of a memory other than 0 (MEMX_LOAD, MEMX_STORE), by their
 * wasm opcode. Out of line: the executor's registers keep memory 0 only, and these run rarely.
 * Returns false when [ea, ea + width) is outside the memory.
 */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline))
#endif
static bool memx_load(const wrt_memory *i_mem, uint32_t op, uint64_t ea, uint64_t *o_value)
{
    /* Width in bytes of 0x28..0x35: i32 i64 f32 f64 8s 8u 16s 16u (i32), 8s 8u 16s 16u 32s 32u (i64). */
    static const uint8_t width[14] = { 4, 8, 4, 8, 1, 1, 2, 2, 1, 1, 2, 2, 4, 4 };
    uint32_t k = op - 0x28u;
    if (k >= 14u || ea + width[k] > i_mem->bytes) return false;
    const uint8_t *p = i_mem->data + ea;
    uint64_t v;
    switch (width[k]) {
    case 1: v = p[0]; break;
    case 2: v = ld16(p); break;
    case 4: v = ld32(p); break;
    default: v = ld64(p); break;
    }
    switch (op) {
    case 0x2C: v = (uint32_t)(int32_t)(int8_t)v; break;
    case 0x2E: v = (uint32_t)(int32_t)(int16_t)v; break;
    case 0x30: v = (uint64_t)(int64_t)(int8_t)v; break;
    case 0x32: v = (uint64_t)(int64_t)(int16_t)v; break;
    case 0x34: v = sx32((uint32_t)v); break;
    default: break;
    }
    *o_value = v;
    return true;
}

#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline))
#endif
static bool memx_store(wrt_memory *io_mem, uint32_t op, uint64_t ea, uint64_t v)
{
    /* Width in bytes of 0x36..0x3E: i32 i64 f32 f64, i32 8 16, i64 8 16 32. */
    static const uint8_t width[9] = { 4, 8, 4, 8, 1, 2, 1, 2, 4 };
    uint32_t k = op - 0x36u;
    if (k >= 9u || ea + width[k] > io_mem->bytes) return false;
    uint8_t *p = io_mem->data + ea;
    switch (width[k]) {
    case 1: p[0] = (uint8_t)v; break;
    case 2: st16(p, (uint32_t)v); break;
    case 4: st32(p, (uint32_t)v); break;
    default: st64(p, v); break;
    }
    return true;
}

/* memory.grow of any memory: the old size in pages, or 0xFFFFFFFF. */
static uint32_t memx_grow(wrt_memory *io_mem, uint32_t delta)
{
    uint32_t old = io_mem->pages;
    if (delta > io_mem->max_pages - old) return 0xFFFFFFFFu;
    wrt_fill(io_mem->data + io_mem->bytes, 0, (size_t)delta * WRT_PAGE_BYTES);
    io_mem->pages = old + delta;
    io_mem->bytes += (uint64_t)delta * WRT_PAGE_BYTES;
    return old;
}
#endif

/*
 * A trap's backtrace (wrt_trap_info.frames): the trap site, then each caller at its call, where a
 * return address minus one cell is inside the call instruction. frames[0] is the host's entry (no
 * function). Out of line: the executor's registers are not the place for it.
 */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline, cold))
#endif
static void record_backtrace(wrt_trap_info *o_trap, const wrt_funcdef *i_fn, const uint32_t *i_pc, const wrt_frame *i_frames,
                             const wrt_frame *i_top)
{
    uint32_t n = 0;
    if (i_fn != NULL && i_pc != NULL) {
        o_trap->frames[n].func_index = i_fn->index;
        o_trap->frames[n].cell = (uint32_t)(i_pc - i_fn->code);
        n++;
    }
    o_trap->nframes = wrt_caller_sites(i_frames, i_top, o_trap->frames, n);
}

uint32_t wrt_caller_sites(const wrt_frame *i_frames, const wrt_frame *i_top, wrt_code_site *o_sites, uint32_t n)
{
    for (const wrt_frame *f = i_top - 1; f > i_frames && n < WRT_TRAP_FRAMES_MAX; f--) {
        if (f->fn == NULL || f->pc == NULL) continue;
        o_sites[n].func_index = f->fn->index;
        o_sites[n].cell = (uint32_t)(f->pc - f->fn->code) - 1u;
        n++;
    }
    return n;
}

#if defined(__GNUC__) || defined(__clang__)
__attribute__((aligned(WRT_CONFIG_EXEC_ALIGN)))
#endif
uint32_t wrt_exec(wrt_runtime *io_rt, const wrt_func *i_func, wrt_trap_info *o_trap)
{
#if WRT_CONFIG_COMPUTED_GOTO
#define WRT_IOP_LABEL(name) &&L_##name,
    static const void *const dispatch[WRT_IOP_EXECUTED_COUNT] = { WRT_IOPS_EXECUTED(WRT_IOP_LABEL) };
#undef WRT_IOP_LABEL
#endif
    wrt_frame *const frames = io_rt->frames;
    /*
     * Every call compares the frame top with this limit: the call depth budget, or, while the
     * device debugs (rt->debug set: a trace ring or breakpoints), the first frame, so every call
     * takes the comparison's slow path (call_checked), which tells the depth trap from the hook.
     * Debugging thus costs the hot path nothing when it is off: no load, no extra branch.
     */
    wrt_frame *const call_limit = WRT_CONFIG_DEBUG && io_rt->debug != NULL ? frames : frames + io_rt->depth_max;
    uint64_t *const stack_end = io_rt->stack_end;
    wrt_frame *ft = frames;
    uint64_t fuel = io_rt->fuel;
    uint32_t trap = WRT_OK;
    const uint32_t *pc = NULL;
    uint64_t *fp = io_rt->stack;
    uint64_t *sp = io_rt->stack + i_func->type->nparams;
    uint64_t tos = 0;
    wrt_instance *inst = NULL;
    const wrt_funcdef *fn = NULL;
    const wrt_funcdef *funcs = NULL;  /* inst->mod->funcs */
    const wrt_funcdef *callee = NULL;
    wrt_instance *callee_inst = NULL;
    const wrt_func *target = i_func;
    uint8_t *mem = NULL;
    uint64_t mem_bytes = 0;
#if WRT_CONFIG_COMPACT
    uint32_t branch_at = 0;
#endif
#if !WRT_CONFIG_FUSED
    uint32_t wide_imm = 0;  /* a plain op's first immediate, packed or from its wide twin's cell */
#endif
    const uint32_t *br_table = NULL;  /* br_table / BR_TABLE_X: entry count cell and index */
    uint32_t br_index = 0;
    /* rt->debug is NULL unless the layout has a trace or breakpoints: then every wasm entry calls the hook. */
#if WRT_CONFIG_DEBUG
    if (io_rt->debug != NULL) wrt_debug_begin(io_rt->debug, i_func);
#endif

    if (i_func->def == NULL) {
        PAY(i_func->host->func->fuel_cost);
#if WRT_CONFIG_NESTED
        io_rt->nest_ft = ft;
        io_rt->nest_fuel = fuel;
#endif
        trap = wrt_host_invoke(io_rt, i_func, NULL, io_rt->stack);
#if WRT_CONFIG_NESTED
        fuel = io_rt->nest_fuel;
#endif
        goto finished;
    }
    goto call_func;

call_func:
    /* `target` is a function object: wasm (maybe of another instance) or host. */
    if (target->def == NULL) {
        PAY(target->host->func->fuel_cost);
        uint32_t np = target->type->nparams;
        /* A nested invocation from the host function (wrt_invoke_nested) starts at this frame
         * and spends this fuel; what it leaves comes back. */
#if WRT_CONFIG_NESTED
        io_rt->nest_ft = ft;
        io_rt->nest_fuel = fuel;
#endif
        uint32_t code = wrt_host_invoke(io_rt, target, inst, sp - np);
#if WRT_CONFIG_NESTED
        fuel = io_rt->nest_fuel;
#endif
        if (code != WRT_OK) TRAP_IN_CALL(code);
        sp = sp - np + target->type->nresults;
        RELOAD();
        LOAD_MEMORY();
        NEXT();
    }
    callee = target->def;
    callee_inst = target->inst;

do_call:
    /* `callee` of `callee_inst`, its arguments in memory on top of the stack (flushed); pc is the
     * return address. The callee's stack starts empty: tos holds nothing yet. */
    if (WRT_UNLIKELY(ft >= call_limit)) goto call_checked;
call_push:
    {
        uint64_t *nfp = sp - callee->nparams;
        if ((uint64_t)(stack_end - nfp) < callee->frame_slots) TRAP_IN_CALL(WRT_TRAP_VALUE_STACK_EXHAUSTED);
        ft->pc = pc;
        ft->fp = fp;
        ft->inst = inst;
        ft->fn = fn;
        ft++;
        fp = nfp;
        for (uint32_t n = callee->nlocals; n > 0u; n--) *sp++ = 0;
        fn = callee;
        pc = fn->code;
        if (callee_inst != inst) {
            /* One instance, one memory and one module: a call inside it keeps all three. */
            inst = callee_inst;
            funcs = inst->mod->funcs;
            LOAD_MEMORY();
        }
#if WRT_CONFIG_FUEL
        /* The body's entry segment (its FUEL cell), paid here rather than dispatched. */
        PAY(FUEL_AT(pc));
        pc += 1;
#endif
    }

#if WRT_CONFIG_COMPUTED_GOTO
    NEXT();
#else
next:
    switch (OPN) {
#endif

    OP(UNREACHABLE) TRAP(WRT_TRAP_UNREACHABLE);
    OP(FUEL) {
        uint32_t n = FUEL_AT(pc);
        if (fuel < n) TRAP(WRT_TRAP_FUEL_EXHAUSTED);
        fuel -= n;
        pc += 1;
        NEXT();
    }
    OP(BR) { TAKE(pc + 1); NEXT(); }
    OP(BR_DROP) { SHIFT_DOWN(pc[2], pc[3]); TAKE(pc + 1); NEXT(); }
    OP(BR_IF) {
        uint32_t c = (uint32_t)tos;
        POP();
        BRANCH_IF(c != 0u, 1);
    }
    OP(BR_IF_DROP) {
        uint32_t c = (uint32_t)tos;
        POP();
        if (c != 0u) {
            SHIFT_DOWN(pc[2], pc[3]);
            TAKE(pc + 1);
        } else {
            PAY(FUEL_AT(pc + 4));
            pc += 5;
        }
        NEXT();
    }
    OP(BR_UNLESS) {
        uint32_t c = (uint32_t)tos;
        POP();
        BRANCH_IF(c == 0u, 1);
    }
    OP(BR_TABLE) {
        br_index = (uint32_t)tos;
        POP();
        br_table = pc + 1;
        goto br_table_jump;
    }
#if WRT_CONFIG_FUSED
    OP(BR_TABLE_X) {
        EA(((uint32_t)fp[PU] << (pc[1] & 31u)) + pc[2], pc[3], 4);
        br_index = ld32(ptr);
        br_table = pc + 4;
        goto br_table_jump;
    }
#endif
br_table_jump:
    /* br_table: the entry count, then (rel keep drop) per entry, the last one the default */
    {
        uint32_t n = br_table[0];
        const uint32_t *e = br_table + 1 + 3u * (br_index > n ? n : br_index);
        if (e[2] != 0u) SHIFT_DOWN(e[1], e[2]);
        TAKE(e);
        NEXT();
    }
    OP(RETURN) {
        IMM_TAIL(returning);
        uint32_t n = PLAIN_IMM;
        RETURN_BODY(n);
    }
    OP(CALL) {
        IMM_TAIL(call_tail);
        callee = &funcs[PLAIN_IMM];
        callee_inst = inst;
        FLUSH();
        pc += 1;
        goto do_call;
    }
    OP(CALL_IMPORT) {
        IMM_TAIL(call_import_tail);
        target = inst->funcs[PLAIN_IMM];
        FLUSH();
        pc += 1;
        goto call_func;
    }
    OP(CALL_INDIRECT) {
        const wrt_table *tab = inst->tables[pc[2]];
        /* The index is tos; the arguments below it are in memory already. */
        uint32_t i = (uint32_t)tos;
        if (i >= tab->size) TRAP(WRT_TRAP_INDIRECT_OUT_OF_RANGE);
        target = (const wrt_func *)(uintptr_t)tab->elems[i];
        if (target == NULL) TRAP(WRT_TRAP_INDIRECT_NULL);
        if (!wrt_functype_equal(target->type, &inst->mod->types[pc[1]])) TRAP(WRT_TRAP_INDIRECT_TYPE_MISMATCH);
        pc += 3;
        goto call_func;
    }
    OP(DROP) { POP(); pc++; NEXT(); }
    OP(SELECT) {
        uint32_t c = (uint32_t)tos;
        tos = c != 0u ? sp[-2] : sp[-1];
        sp -= 2;
        pc++;
        NEXT();
    }
    OP(LOCAL_GET) { PUSH(fp[PU]); pc += 1; NEXT(); }
    OP(LOCAL_SET) { fp[PU] = tos; POP(); pc += 1; NEXT(); }
    OP(LOCAL_TEE) { fp[PU] = tos; pc += 1; NEXT(); }
    OP(GLOBAL_GET) {
        IMM_TAIL(global_get_tail);
        PUSH(*inst->globals[PLAIN_IMM]->value);
        pc += 1;
        NEXT();
    }
    OP(GLOBAL_SET) {
        IMM_TAIL(global_set_tail);
        *inst->globals[PLAIN_IMM]->value = tos;
        POP();
        pc += 1;
        NEXT();
    }
    OP(TABLE_GET) {
        const wrt_table *tab = inst->tables[pc[1]];
        uint32_t i = (uint32_t)tos;
        if (i >= tab->size) TRAP(WRT_TRAP_TABLE_OUT_OF_BOUNDS);
        tos = tab->elems[i];
        pc += 2;
        NEXT();
    }
    OP(TABLE_SET) {
        wrt_table *tab = inst->tables[pc[1]];
        uint32_t i = (uint32_t)sp[-1];
        if (i >= tab->size) TRAP(WRT_TRAP_TABLE_OUT_OF_BOUNDS);
        tab->elems[i] = tos;
        POP2();
        pc += 2;
        NEXT();
    }

    MEMORY_ACCESSES(LOAD, STORE)

    OP(MEMORY_SIZE) { PUSH(inst->mem->pages); pc++; NEXT(); }
    OP(MEMORY_GROW) {
        wrt_memory *m = inst->mem;
        uint32_t delta = (uint32_t)tos;
        uint32_t old = m->pages;
        if (delta <= m->max_pages - old) {
            wrt_fill(m->data + m->bytes, 0, (size_t)delta * WRT_PAGE_BYTES);
            m->pages = old + delta;
            /* Added, not recomputed: a truncated memory (delta 0 is all it may grow) keeps its bound. */
            m->bytes += (uint64_t)delta * WRT_PAGE_BYTES;
            tos = old;
        } else {
            tos = 0xFFFFFFFFu;
        }
        LOAD_MEMORY();
        pc++;
        NEXT();
    }
    OP(CONST32) { PUSH(PS); pc += 1; NEXT(); }
    OP(CONST64) { PUSH((uint64_t)pc[1] | ((uint64_t)pc[2] << 32)); pc += 3; NEXT(); }

    UNOP(I32_EQZ, I32B == 0u)
    BINOP(I32_EQ, I32A == I32B)
    BINOP(I32_NE, I32A != I32B)
    BINOP(I32_LT_S, (int32_t)I32A < (int32_t)I32B)
    BINOP(I32_LT_U, I32A < I32B)
    BINOP(I32_GT_S, (int32_t)I32A > (int32_t)I32B)
    BINOP(I32_GT_U, I32A > I32B)
    BINOP(I32_LE_S, (int32_t)I32A <= (int32_t)I32B)
    BINOP(I32_LE_U, I32A <= I32B)
    BINOP(I32_GE_S, (int32_t)I32A >= (int32_t)I32B)
    BINOP(I32_GE_U, I32A >= I32B)
    UNOP(I64_EQZ, I64B == 0u)
    BINOP(I64_EQ, I64A == I64B)
    BINOP(I64_NE, I64A != I64B)
    BINOP(I64_LT_S, (int64_t)I64A < (int64_t)I64B)
    BINOP(I64_LT_U, I64A < I64B)
    BINOP(I64_GT_S, (int64_t)I64A > (int64_t)I64B)
    BINOP(I64_GT_U, I64A > I64B)
    BINOP(I64_LE_S, (int64_t)I64A <= (int64_t)I64B)
    BINOP(I64_LE_U, I64A <= I64B)
    BINOP(I64_GE_S, (int64_t)I64A >= (int64_t)I64B)
    BINOP(I64_GE_U, I64A >= I64B)
    BINOP(F32_EQ, F32(I64A) == F32(I64B))
    BINOP(F32_NE, F32(I64A) != F32(I64B))
    BINOP(F32_LT, F32(I64A) < F32(I64B))
    BINOP(F32_GT, F32(I64A) > F32(I64B))
    BINOP(F32_LE, F32(I64A) <= F32(I64B))
    BINOP(F32_GE, F32(I64A) >= F32(I64B))
    BINOP(F64_EQ, F64(I64A) == F64(I64B))
    BINOP(F64_NE, F64(I64A) != F64(I64B))
    BINOP(F64_LT, F64(I64A) < F64(I64B))
    BINOP(F64_GT, F64(I64A) > F64(I64B))
    BINOP(F64_LE, F64(I64A) <= F64(I64B))
    BINOP(F64_GE, F64(I64A) >= F64(I64B))

    UNOP(I32_CLZ, clz32(I32B))
    UNOP(I32_CTZ, ctz32(I32B))
    UNOP(I32_POPCNT, popcnt32(I32B))
    BINOP(I32_ADD, (uint32_t)(I32A + I32B))
    BINOP(I32_SUB, (uint32_t)(I32A - I32B))
    BINOP(I32_MUL, (uint32_t)(I32A * I32B))
    OP(I32_DIV_S) {
        uint32_t a = I32A;
        uint32_t b = I32B;
        if (b == 0u) TRAP(WRT_TRAP_INT_DIVIDE_BY_ZERO);
        if (a == 0x80000000u && b == 0xFFFFFFFFu) TRAP(WRT_TRAP_INT_OVERFLOW);
        tos = (uint32_t)((int32_t)a / (int32_t)b);
        sp--;
        pc++;
        NEXT();
    }
    OP(I32_DIV_U) {
        if (I32B == 0u) TRAP(WRT_TRAP_INT_DIVIDE_BY_ZERO);
        tos = I32A / I32B;
        sp--;
        pc++;
        NEXT();
    }
    OP(I32_REM_S) {
        uint32_t a = I32A;
        uint32_t b = I32B;
        if (b == 0u) TRAP(WRT_TRAP_INT_DIVIDE_BY_ZERO);
        tos = b == 0xFFFFFFFFu ? 0u : (uint32_t)((int32_t)a % (int32_t)b);
        sp--;
        pc++;
        NEXT();
    }
    OP(I32_REM_U) {
        if (I32B == 0u) TRAP(WRT_TRAP_INT_DIVIDE_BY_ZERO);
        tos = I32A % I32B;
        sp--;
        pc++;
        NEXT();
    }
    BINOP(I32_AND, I32A & I32B)
    BINOP(I32_OR, I32A | I32B)
    BINOP(I32_XOR, I32A ^ I32B)
    BINOP(I32_SHL, (uint32_t)(I32A << (I32B & 31u)))
    BINOP(I32_SHR_S, shr_s32(I32A, I32B & 31u))
    BINOP(I32_SHR_U, I32A >> (I32B & 31u))
    BINOP(I32_ROTL, rotl32(I32A, I32B))
    BINOP(I32_ROTR, rotr32(I32A, I32B))

    UNOP(I64_CLZ, clz64(I64B))
    UNOP(I64_CTZ, ctz64(I64B))
    UNOP(I64_POPCNT, popcnt64(I64B))
    BINOP(I64_ADD, I64A + I64B)
    BINOP(I64_SUB, I64A - I64B)
    BINOP(I64_MUL, I64A * I64B)
    OP(I64_DIV_S) {
        uint64_t a = I64A;
        uint64_t b = I64B;
        if (b == 0u) TRAP(WRT_TRAP_INT_DIVIDE_BY_ZERO);
        if (a == 0x8000000000000000u && b == 0xFFFFFFFFFFFFFFFFu) TRAP(WRT_TRAP_INT_OVERFLOW);
        tos = (uint64_t)((int64_t)a / (int64_t)b);
        sp--;
        pc++;
        NEXT();
    }
    OP(I64_DIV_U) {
        if (I64B == 0u) TRAP(WRT_TRAP_INT_DIVIDE_BY_ZERO);
        tos = I64A / I64B;
        sp--;
        pc++;
        NEXT();
    }
    OP(I64_REM_S) {
        uint64_t a = I64A;
        uint64_t b = I64B;
        if (b == 0u) TRAP(WRT_TRAP_INT_DIVIDE_BY_ZERO);
        tos = b == 0xFFFFFFFFFFFFFFFFu ? 0u : (uint64_t)((int64_t)a % (int64_t)b);
        sp--;
        pc++;
        NEXT();
    }
    OP(I64_REM_U) {
        if (I64B == 0u) TRAP(WRT_TRAP_INT_DIVIDE_BY_ZERO);
        tos = I64A % I64B;
        sp--;
        pc++;
        NEXT();
    }
    BINOP(I64_AND, I64A & I64B)
    BINOP(I64_OR, I64A | I64B)
    BINOP(I64_XOR, I64A ^ I64B)
    BINOP(I64_SHL, I64A << (I64B & 63u))
    BINOP(I64_SHR_S, shr_s64(I64A, (uint32_t)(I64B & 63u)))
    BINOP(I64_SHR_U, I64A >> (I64B & 63u))
    BINOP(I64_ROTL, rotl64(I64A, I64B))
    BINOP(I64_ROTR, rotr64(I64A, I64B))

    UNOP(F32_ABS, I64B & 0x7FFFFFFFu)
    UNOP(F32_NEG, (I64B ^ 0x80000000u) & 0xFFFFFFFFu)
    UNOP(F32_CEIL, wrt_f32_ceil(I32B))
    UNOP(F32_FLOOR, wrt_f32_floor(I32B))
    UNOP(F32_TRUNC, wrt_f32_trunc(I32B))
    UNOP(F32_NEAREST, wrt_f32_nearest(I32B))
    UNOP(F32_SQRT, wrt_f32_sqrt(I32B))
    BINOP(F32_ADD, B32(F32(I64A) + F32(I64B)))
    BINOP(F32_SUB, B32(F32(I64A) - F32(I64B)))
    BINOP(F32_MUL, B32(F32(I64A) * F32(I64B)))
    BINOP(F32_DIV, B32(F32(I64A) / F32(I64B)))
    BINOP(F32_MIN, wrt_f32_min(I32A, I32B))
    BINOP(F32_MAX, wrt_f32_max(I32A, I32B))
    BINOP(F32_COPYSIGN, (I32A & 0x7FFFFFFFu) | (I32B & 0x80000000u))
    UNOP(F64_ABS, I64B & 0x7FFFFFFFFFFFFFFFu)
    UNOP(F64_NEG, I64B ^ 0x8000000000000000u)
    UNOP(F64_CEIL, wrt_f64_ceil(I64B))
    UNOP(F64_FLOOR, wrt_f64_floor(I64B))
    UNOP(F64_TRUNC, wrt_f64_trunc(I64B))
    UNOP(F64_NEAREST, wrt_f64_nearest(I64B))
    UNOP(F64_SQRT, wrt_f64_sqrt(I64B))
    BINOP(F64_ADD, B64(F64(I64A) + F64(I64B)))
    BINOP(F64_SUB, B64(F64(I64A) - F64(I64B)))
    BINOP(F64_MUL, B64(F64(I64A) * F64(I64B)))
    BINOP(F64_DIV, B64(F64(I64A) / F64(I64B)))
    BINOP(F64_MIN, wrt_f64_min(I64A, I64B))
    BINOP(F64_MAX, wrt_f64_max(I64A, I64B))
    BINOP(F64_COPYSIGN, (I64A & 0x7FFFFFFFFFFFFFFFu) | (I64B & 0x8000000000000000u))

    UNOP(I32_WRAP_I64, (uint32_t)I64B)
    OP(I32_TRUNC_F32_S) OP(I32_TRUNC_F32_U) {
        uint32_t v = 0;
        bool nan = false;
        if (!wrt_trunc_f32_i32(I32B, WRT_OP_OF(*pc) == WRT_IOP_I32_TRUNC_F32_S, &v, &nan)) {
            TRAP(nan ? WRT_TRAP_INVALID_CONVERSION : WRT_TRAP_INT_OVERFLOW);
        }
        tos = v;
        pc++;
        NEXT();
    }
    OP(I32_TRUNC_F64_S) OP(I32_TRUNC_F64_U) {
        uint32_t v = 0;
        bool nan = false;
        if (!wrt_trunc_f64_i32(I64B, WRT_OP_OF(*pc) == WRT_IOP_I32_TRUNC_F64_S, &v, &nan)) {
            TRAP(nan ? WRT_TRAP_INVALID_CONVERSION : WRT_TRAP_INT_OVERFLOW);
        }
        tos = v;
        pc++;
        NEXT();
    }
    UNOP(I64_EXTEND_I32_S, sx32(I32B))
    UNOP(I64_EXTEND_I32_U, (uint64_t)I32B)
    OP(I64_TRUNC_F32_S) OP(I64_TRUNC_F32_U) {
        uint64_t v = 0;
        bool nan = false;
        if (!wrt_trunc_f32_i64(I32B, WRT_OP_OF(*pc) == WRT_IOP_I64_TRUNC_F32_S, &v, &nan)) {
            TRAP(nan ? WRT_TRAP_INVALID_CONVERSION : WRT_TRAP_INT_OVERFLOW);
        }
        tos = v;
        pc++;
        NEXT();
    }
    OP(I64_TRUNC_F64_S) OP(I64_TRUNC_F64_U) {
        uint64_t v = 0;
        bool nan = false;
        if (!wrt_trunc_f64_i64(I64B, WRT_OP_OF(*pc) == WRT_IOP_I64_TRUNC_F64_S, &v, &nan)) {
            TRAP(nan ? WRT_TRAP_INVALID_CONVERSION : WRT_TRAP_INT_OVERFLOW);
        }
        tos = v;
        pc++;
        NEXT();
    }
    UNOP(F32_CONVERT_I32_S, B32((float)(int32_t)I32B))
    UNOP(F32_CONVERT_I32_U, B32((float)I32B))
    UNOP(F32_CONVERT_I64_S, B32((float)(int64_t)I64B))
    UNOP(F32_CONVERT_I64_U, B32((float)I64B))
    UNOP(F32_DEMOTE_F64, B32((float)F64(I64B)))
    UNOP(F64_CONVERT_I32_S, B64((double)(int32_t)I32B))
    UNOP(F64_CONVERT_I32_U, B64((double)I32B))
    UNOP(F64_CONVERT_I64_S, B64((double)(int64_t)I64B))
    UNOP(F64_CONVERT_I64_U, B64((double)I64B))
    UNOP(F64_PROMOTE_F32, B64((double)F32(I64B)))
    UNOP(I32_EXTEND8_S, (uint32_t)(int32_t)(int8_t)(uint8_t)I32B)
    UNOP(I32_EXTEND16_S, (uint32_t)(int32_t)(int16_t)(uint16_t)I32B)
    UNOP(I64_EXTEND8_S, (uint64_t)(int64_t)(int8_t)(uint8_t)I64B)
    UNOP(I64_EXTEND16_S, (uint64_t)(int64_t)(int16_t)(uint16_t)I64B)
    UNOP(I64_EXTEND32_S, sx32((uint32_t)I64B))
    UNOP(REF_IS_NULL, I64B == 0u)
    OP(REF_FUNC) { PUSH((uint64_t)(uintptr_t)inst->funcs[pc[1]]); pc += 2; NEXT(); }
    UNOP(I32_TRUNC_SAT_F32_S, wrt_trunc_sat_f32_i32(I32B, true))
    UNOP(I32_TRUNC_SAT_F32_U, wrt_trunc_sat_f32_i32(I32B, false))
    UNOP(I32_TRUNC_SAT_F64_S, wrt_trunc_sat_f64_i32(I64B, true))
    UNOP(I32_TRUNC_SAT_F64_U, wrt_trunc_sat_f64_i32(I64B, false))
    UNOP(I64_TRUNC_SAT_F32_S, wrt_trunc_sat_f32_i64(I32B, true))
    UNOP(I64_TRUNC_SAT_F32_U, wrt_trunc_sat_f32_i64(I32B, false))
    UNOP(I64_TRUNC_SAT_F64_S, wrt_trunc_sat_f64_i64(I64B, true))
    UNOP(I64_TRUNC_SAT_F64_U, wrt_trunc_sat_f64_i64(I64B, false))

    OP(MEMORY_INIT) {
        uint32_t seg = pc[1];
        uint64_t n = (uint32_t)tos;
        uint64_t src = (uint32_t)sp[-1];
        uint64_t dst = (uint32_t)sp[-2];
        if (src + n > inst->data_len[seg] || dst + n > mem_bytes) TRAP(WRT_TRAP_MEMORY_OUT_OF_BOUNDS);
        wrt_copy(mem + dst, inst->mod->datas[seg].bytes + src, (size_t)n);
        POP3();
        pc += 2;
        NEXT();
    }
    OP(DATA_DROP) { inst->data_len[pc[1]] = 0; pc += 2; NEXT(); }
    OP(MEMORY_COPY) {
        uint64_t n = (uint32_t)tos;
        uint64_t src = (uint32_t)sp[-1];
        uint64_t dst = (uint32_t)sp[-2];
        if (src + n > mem_bytes || dst + n > mem_bytes) TRAP(WRT_TRAP_MEMORY_OUT_OF_BOUNDS);
        wrt_move(mem + dst, mem + src, (size_t)n);
        POP3();
        pc++;
        NEXT();
    }
    OP(MEMORY_FILL) {
        uint64_t n = (uint32_t)tos;
        uint8_t val = (uint8_t)sp[-1];
        uint64_t dst = (uint32_t)sp[-2];
        if (dst + n > mem_bytes) TRAP(WRT_TRAP_MEMORY_OUT_OF_BOUNDS);
        wrt_fill(mem + dst, val, (size_t)n);
        POP3();
        pc++;
        NEXT();
    }
#if WRT_CONFIG_MULTI_MEMORY
    /* Memories other than 0 (wrt_iops.h): through inst->mems, never the cached mem/mem_bytes. */
    OP(MEMX_LOAD) {
        uint64_t v;
        if (!memx_load(inst->mems[pc[2]], pc[1], (uint64_t)(uint32_t)tos + pc[3], &v)) TRAP(WRT_TRAP_MEMORY_OUT_OF_BOUNDS);
        tos = v;
        pc += 4;
        NEXT();
    }
    OP(MEMX_STORE) {
        if (!memx_store(inst->mems[pc[2]], pc[1], (uint64_t)(uint32_t)sp[-1] + pc[3], tos)) TRAP(WRT_TRAP_MEMORY_OUT_OF_BOUNDS);
        POP2();
        pc += 4;
        NEXT();
    }
    OP(MEMX_SIZE) { PUSH(inst->mems[pc[1]]->pages); pc += 2; NEXT(); }
    OP(MEMX_GROW) {
        tos = memx_grow(inst->mems[pc[1]], (uint32_t)tos);
        /* Memory 0 may be this same memory, imported twice: its cached size follows. */
        LOAD_MEMORY();
        pc += 2;
        NEXT();
    }
    OP(MEMX_INIT) {
        uint32_t seg = pc[1];
        wrt_memory *m = inst->mems[pc[2]];
        uint64_t n = (uint32_t)tos;
        uint64_t src = (uint32_t)sp[-1];
        uint64_t dst = (uint32_t)sp[-2];
        if (src + n > inst->data_len[seg] || dst + n > m->bytes) TRAP(WRT_TRAP_MEMORY_OUT_OF_BOUNDS);
        wrt_copy(m->data + dst, inst->mod->datas[seg].bytes + src, (size_t)n);
        POP3();
        pc += 3;
        NEXT();
    }
    OP(MEMX_COPY) {
        wrt_memory *d = inst->mems[pc[1]];
        const wrt_memory *sm = inst->mems[pc[2]];
        uint64_t n = (uint32_t)tos;
        uint64_t src = (uint32_t)sp[-1];
        uint64_t dst = (uint32_t)sp[-2];
        if (src + n > sm->bytes || dst + n > d->bytes) TRAP(WRT_TRAP_MEMORY_OUT_OF_BOUNDS);
        wrt_move(d->data + dst, sm->data + src, (size_t)n);
        POP3();
        pc += 3;
        NEXT();
    }
    OP(MEMX_FILL) {
        wrt_memory *m = inst->mems[pc[1]];
        uint64_t n = (uint32_t)tos;
        uint8_t val = (uint8_t)sp[-1];
        uint64_t dst = (uint32_t)sp[-2];
        if (dst + n > m->bytes) TRAP(WRT_TRAP_MEMORY_OUT_OF_BOUNDS);
        wrt_fill(m->data + dst, val, (size_t)n);
        POP3();
        pc += 2;
        NEXT();
    }
#endif
    OP(TABLE_INIT) {
        uint32_t seg = pc[1];
        wrt_table *tab = inst->tables[pc[2]];
        uint64_t n = (uint32_t)tos;
        uint64_t src = (uint32_t)sp[-1];
        uint64_t dst = (uint32_t)sp[-2];
        if (src + n > inst->elem_len[seg] || dst + n > tab->size) TRAP(WRT_TRAP_TABLE_OUT_OF_BOUNDS);
        for (uint64_t i = 0; i < n; i++) tab->elems[dst + i] = inst->elem_refs[seg][src + i];
        POP3();
        pc += 3;
        NEXT();
    }
    OP(ELEM_DROP) { inst->elem_len[pc[1]] = 0; pc += 2; NEXT(); }
    OP(TABLE_COPY) {
        wrt_table *dt = inst->tables[pc[1]];
        const wrt_table *st = inst->tables[pc[2]];
        uint64_t n = (uint32_t)tos;
        uint64_t src = (uint32_t)sp[-1];
        uint64_t dst = (uint32_t)sp[-2];
        if (src + n > st->size || dst + n > dt->size) TRAP(WRT_TRAP_TABLE_OUT_OF_BOUNDS);
        wrt_move(dt->elems + dst, st->elems + src, (size_t)n * 8u);
        POP3();
        pc += 3;
        NEXT();
    }
    OP(TABLE_GROW) {
        wrt_table *tab = inst->tables[pc[1]];
        uint32_t n = (uint32_t)tos;
        uint64_t init = sp[-1];
        uint32_t old = tab->size;
        sp--;
        if (n <= tab->max - old) {
            for (uint32_t i = 0; i < n; i++) tab->elems[old + i] = init;
            tab->size = old + n;
            tos = old;
        } else {
            tos = 0xFFFFFFFFu;
        }
        pc += 2;
        NEXT();
    }
    OP(TABLE_SIZE) { PUSH(inst->tables[pc[1]]->size); pc += 2; NEXT(); }
    OP(TABLE_FILL) {
        wrt_table *tab = inst->tables[pc[1]];
        uint64_t n = (uint32_t)tos;
        uint64_t val = sp[-1];
        uint64_t i0 = (uint32_t)sp[-2];
        if (i0 + n > tab->size) TRAP(WRT_TRAP_TABLE_OUT_OF_BOUNDS);
        for (uint64_t i = 0; i < n; i++) tab->elems[i0 + i] = val;
        POP3();
        pc += 2;
        NEXT();
    }

    /* The superinstructions (wrt_iops.h), not in the small executor (WRT_CONFIG_FUSED). */
#if WRT_CONFIG_FUSED
    I32_EXPRS(FORMS32)
    I32_CMP_EXPRS(CMP_BRANCHES)
    I32_CMP_EXPRS(LATCH_BRANCHES)
    OP(BR_IF_NZ_ALK) { ADD_LK; BRANCH_IF(a != 0u, 3); }
    OP(BR_IF_NZ_ALL) { ADD_LL; BRANCH_IF(a != 0u, 3); }
    OP(BR_IF_Z_ALK) { ADD_LK; BRANCH_IF(a == 0u, 3); }
    OP(BR_IF_Z_ALL) { ADD_LL; BRANCH_IF(a == 0u, 3); }
#endif
#if WRT_CONFIG_COMPACT
branch_taken:
    TAKE(pc + branch_at);
    NEXT();
branch_fall:
    PAY(FUEL_AT(pc + (branch_at + 1u)));
    pc += branch_at + 2u;
    NEXT();
#endif
#if WRT_CONFIG_FUSED
    I32_SET_EXPRS(SET_FORMS)
#if WRT_CONFIG_FUSED_WIDE
    I64_EXPRS(FORMS64)
    I64_SET_EXPRS(SET_FORMS64)
    OP(F64_ADD_S) { fp[pc[1]] = B64(F64(sp[-1]) + F64(tos)); POP2(); pc += 2; NEXT(); }
    OP(F64_ADD_T) { tos = fp[pc[1]] = B64(F64(sp[-1]) + F64(tos)); sp--; pc += 2; NEXT(); }
    OP(F64_SUB_S) { fp[pc[1]] = B64(F64(sp[-1]) - F64(tos)); POP2(); pc += 2; NEXT(); }
    OP(F64_SUB_T) { tos = fp[pc[1]] = B64(F64(sp[-1]) - F64(tos)); sp--; pc += 2; NEXT(); }
    OP(F64_MUL_S) { fp[pc[1]] = B64(F64(sp[-1]) * F64(tos)); POP2(); pc += 2; NEXT(); }
    OP(F64_MUL_T) { tos = fp[pc[1]] = B64(F64(sp[-1]) * F64(tos)); sp--; pc += 2; NEXT(); }
    OP(F64_MUL_LM) {
        EA(fp[pc[2]] + pc[3], pc[4], 8);
        PUSH(B64(F64(fp[pc[1]]) * F64(ld64(ptr))));
        pc += 5;
        NEXT();
    }
    OP(F64_MUL_ADD_LM) {
        EA(fp[pc[2]] + pc[3], pc[4], 8);
        double p = F64(fp[pc[1]]) * F64(ld64(ptr));
        double r = F64(tos) + p;
        tos = B64(r);
        pc += 5;
        NEXT();
    }
    OP(F64_DOT_LM) {
        /* The F64_MUL_ADD_LM steps in order, each rounded as its own f64.mul and f64.add. */
        uint32_t n = pc[1];
        const uint32_t *g = pc + 2;
        double r = F64(tos);
        for (uint32_t i = 0; i < n; i++, g += 4) {
            EA(fp[g[1]] + g[2], g[3], 8);
            double p = F64(fp[g[0]]) * F64(ld64(ptr));
            r = r + p;
        }
        tos = B64(r);
        pc = g;
        NEXT();
    }
    OP(F64_MUL_ADD) {
        /* Two statements: no contraction into a fused multiply-add, whatever -ffp-contract says. */
        double p = F64(sp[-1]) * F64(tos);
        double r = F64(sp[-2]) + p;
        tos = B64(r);
        sp -= 2;
        pc++;
        NEXT();
    }
#endif
    OP(LOAD32_S) { EA(tos, PU, 4); fp[pc[1]] = ld32(ptr); POP(); pc += 2; NEXT(); }
    OP(LOAD32_T) { EA(tos, PU, 4); tos = fp[pc[1]] = ld32(ptr); pc += 2; NEXT(); }
    OP(LOCAL_SET_K) { fp[PU] = pc[1]; pc += 2; NEXT(); }
    OP(LOCAL_MOVE) { fp[PU] = fp[pc[1]]; pc += 2; NEXT(); }
    OP(LOCAL_SET_F) { PAY(FUEL_AT(pc + 1)); fp[PU] = tos; POP(); pc += 2; NEXT(); }
    OP(LOCAL_SET_K_F) { PAY(FUEL_AT(pc + 2)); fp[PU] = pc[1]; pc += 3; NEXT(); }
    OP(LOCAL_MOVE_F) { PAY(FUEL_AT(pc + 2)); fp[PU] = fp[pc[1]]; pc += 3; NEXT(); }
    OP(I32_ADD_LK_S_F) { PAY(FUEL_AT(pc + 3)); fp[pc[2]] = (uint32_t)((uint32_t)fp[PU] + pc[1]); pc += 4; NEXT(); }
    LOAD_FORMS(LOAD32, 4, ld32(ptr))
    LOAD_FORMS(LOAD64, 8, ld64(ptr))
    LOAD_FORMS(LOAD8_U, 1, ptr[0])
    STORE_FORMS(STORE8, 1, ptr[0] = (uint8_t)v)
    STORE_FORMS(STORE32, 4, st32(ptr, (uint32_t)v))
    RMW_STORE(I32_ADD_ST32, 4, (uint32_t)a + (uint32_t)b, st32(ptr, (uint32_t)v))
    RMW_STORE(I32_SUB_ST32, 4, (uint32_t)a - (uint32_t)b, st32(ptr, (uint32_t)v))
    RMW_STORE(I32_AND_ST32, 4, a & b, st32(ptr, (uint32_t)v))
    RMW_STORE(I32_OR_ST32, 4, a | b, st32(ptr, (uint32_t)v))
    RMW_STORE(I32_XOR_ST32, 4, a ^ b, st32(ptr, (uint32_t)v))
#if WRT_CONFIG_FUSED_WIDE
    RMW_STORE(F64_ADD_ST64, 8, B64(F64(a) + F64(b)), st64(ptr, v))
    RMW_STORE(F64_SUB_ST64, 8, B64(F64(a) - F64(b)), st64(ptr, v))
    RMW_STORE(F64_MUL_ST64, 8, B64(F64(a) * F64(b)), st64(ptr, v))
#endif
    I32_CMP_EXPRS(COUNT_FORM)
    DIVK32(I32_DIV_S, (int32_t)a / (int32_t)b)
    DIVK32(I32_DIV_U, a / b)
    DIVK32(I32_REM_S, (int32_t)a % (int32_t)b)
    DIVK32(I32_REM_U, a % b)
    DIVK64(I64_DIV_S, (uint64_t)((int64_t)a / (int64_t)b))
    DIVK64(I64_DIV_U, a / b)
    DIVK64(I64_REM_S, (uint64_t)((int64_t)a % (int64_t)b))
    DIVK64(I64_REM_U, a % b)
    OP(LOAD32_XA) { XA_ADDRESS; PUSH(ld32(ptr)); pc += 5; NEXT(); }
    OP(LOAD32_XA_S) { XA_ADDRESS; fp[pc[5]] = ld32(ptr); pc += 6; NEXT(); }
    OP(LOAD32_XA_T) { XA_ADDRESS; PUSH(fp[pc[5]] = ld32(ptr)); pc += 6; NEXT(); }
    OP(LOCAL_MOVE_BR) { fp[PU] = fp[pc[1]]; TAKE(pc + 2); NEXT(); }
    OP(LOCAL_SET_K_BR) { fp[PU] = pc[1]; TAKE(pc + 2); NEXT(); }
    OP(I32_ADD_LK_S_BR) { fp[pc[2]] = (uint32_t)((uint32_t)fp[PU] + pc[1]); TAKE(pc + 3); NEXT(); }
    OP(I32_AND_LK_S_BR) { fp[pc[2]] = (uint32_t)fp[PU] & pc[1]; TAKE(pc + 3); NEXT(); }
    OP(STORE32_BR) {
        EA(sp[-1], PU, 4);
        st32(ptr, (uint32_t)tos);
        POP2();
        TAKE(pc + 1);
        NEXT();
    }
    OP(LOAD32_LK_S) { EA(fp[PU] + pc[1], pc[2], 4); fp[pc[3]] = ld32(ptr); pc += 4; NEXT(); }
    OP(LOAD64_LK_S) { EA(fp[PU] + pc[1], pc[2], 8); fp[pc[3]] = ld64(ptr); pc += 4; NEXT(); }
    OP(STORE64_K) { EA(tos, pc[3], 8); st64(ptr, K64(pc + 1)); POP(); pc += 4; NEXT(); }
    OP(STORE64_L) { EA(tos, pc[1], 8); st64(ptr, fp[PU]); POP(); pc += 2; NEXT(); }
#endif

    /* The wide twins, last (see TWIN_FORMS32). */
    OP(CONST32_W) { PUSH(pc[1]); pc += 2; NEXT(); }
#if WRT_CONFIG_FUSED
    OP(RETURN_W) { RETURN_BODY(pc[1]); }
    OP(CALL_W) {
        callee = &funcs[pc[1]];
        callee_inst = inst;
        FLUSH();
        pc += 2;
        goto do_call;
    }
    OP(CALL_IMPORT_W) {
        target = inst->funcs[pc[1]];
        FLUSH();
        pc += 2;
        goto call_func;
    }
    OP(GLOBAL_GET_W) { PUSH(*inst->globals[pc[1]]->value); pc += 2; NEXT(); }
    OP(GLOBAL_SET_W) { *inst->globals[pc[1]]->value = tos; POP(); pc += 2; NEXT(); }
#else
    OP(RETURN_W) { wide_imm = pc[1]; goto returning; }
    OP(CALL_W) { wide_imm = pc[1]; pc += 1; goto call_tail; }
    OP(CALL_IMPORT_W) { wide_imm = pc[1]; pc += 1; goto call_import_tail; }
    OP(GLOBAL_GET_W) { wide_imm = pc[1]; pc += 1; goto global_get_tail; }
    OP(GLOBAL_SET_W) { wide_imm = pc[1]; pc += 1; goto global_set_tail; }
#endif
    MEMORY_ACCESSES(LOAD_W, STORE_W)
#if WRT_CONFIG_FUSED
    I32_EXPRS(TWIN_FORMS32)
    I32_CMP_EXPRS(TWIN_CMP_BRANCHES)
    I32_SET_EXPRS(TWIN_SET_FORMS)
    TWIN_LOAD_FORMS(LOAD32, 4, ld32(ptr))
    TWIN_LOAD_FORMS(LOAD64, 8, ld64(ptr))
    TWIN_LOAD_FORMS(LOAD8_U, 1, ptr[0])
    TWIN_STORE_FORMS(STORE8, 1, ptr[0] = (uint8_t)v)
    TWIN_STORE_FORMS(STORE32, 4, st32(ptr, (uint32_t)v))
    I32_CMP_EXPRS(TWIN_COUNT_FORM)
    TWIN_DIVK32(I32_DIV_S, (int32_t)a / (int32_t)b)
    TWIN_DIVK32(I32_DIV_U, a / b)
    TWIN_DIVK32(I32_REM_S, (int32_t)a % (int32_t)b)
    TWIN_DIVK32(I32_REM_U, a % b)
#endif

#if !WRT_CONFIG_COMPUTED_GOTO
    default:
        TRAP(WRT_TRAP_UNREACHABLE);
    }
#endif

call_checked:
    /* Away from the handlers, so the hook's clobbers stay on this cold path. The hook sees the call
     * before its frame is pushed (a call the value stack then refuses is still in the trace). */
    if (ft >= frames + io_rt->depth_max) TRAP_IN_CALL(WRT_TRAP_CALL_DEPTH_EXHAUSTED);
#if WRT_CONFIG_DEBUG
    wrt_debug_enter(io_rt, callee, sp - callee->nparams, fn, pc, ft);
#endif
    goto call_push;

trapped:
    if ((trap & WRT_TRAP_IN_CALL_MARK) != 0u) {
        trap &= ~WRT_TRAP_IN_CALL_MARK;
        if (pc != NULL) pc--;
    }
    if (o_trap != NULL) {
        o_trap->func_index = fn != NULL ? fn->index : WRT_NONE;
        o_trap->code_offset = (fn != NULL && pc != NULL) ? (uint32_t)(pc - fn->code) : 0u;
        o_trap->depth = (uint32_t)(ft - frames);
        record_backtrace(o_trap, fn, pc, frames, ft);
    }
finished:
    if (o_trap != NULL) {
        o_trap->code = trap;
        o_trap->fuel_used = io_rt->fuel - fuel;
        if (trap == WRT_OK) o_trap->depth = 0;
    }
    return trap;
}
