/*
 * Compilation of one validated function body into internal code (wrt_iops.h): branch targets
 * resolved to byte distances with the stack adjustment they need, dead code dropped, and one FUEL
 * charge per straight-line segment.
 *
 * Fuel convention: every instruction costs 1 except `end` and `else`, which only mark structure.
 * A segment starts at function entry, at a loop header, at the start of an if's arms, after the
 * `end` of a block or if, and after br_if. Its whole cost is charged when control enters it, so a
 * trap for exhausted fuel happens exactly at the start of the first segment the budget cannot pay.
 *
 * Where the charges sit (wrt_iops.h): every body starts with a FUEL cell the call pays; a loop's
 * fuel cell is emitted just before its label, so a backward branch pays it from target[-1] without
 * dispatching it; a conditional branch carries the charge of the segment it falls through to; a
 * segment opening at a block's end is paid by the branches to it the same way, and on fallthrough
 * by its FUEL op, by the locals-only instruction before it, or by the empty segment's cell it
 * takes over. The charges and the points where they are paid are the same as with one FUEL op per
 * segment, so fuel stays exact.
 *
 * Forward branches are chained through the cells that will hold their targets and patched when
 * the block ends; the chains live in the code itself, so compiling needs no memory beyond the
 * control stack in the CONTROL region.
 *
 * Superinstructions come from a peephole over the last few emitted instructions, rewritten in
 * place as each new one arrives: a binary operator absorbs the local.get/const that pushed its
 * operands, local.set/tee the operator before it, br_if (or `if`) the i32 compare or eqz before
 * it, loads and stores the address arithmetic and value pushes before them. Every place a label
 * binds clears that history, so no instruction is ever fused with one a branch can land between.
 * Which pairs are fused was chosen by counting the executed instructions of the benchmark kernels
 * (scripts/bench/kernels/).
 */
#include "wrt_iops.h"
#include "wrt_opcodes.h"
#include "wrt_read.h"

typedef struct cctl {
    uint32_t op;          /* 0 for the function's frame, else block/loop/if/else opcode */
    bool dead_entry;      /* opened inside dead code: nothing is emitted for it */
    uint32_t height;      /* operand height below the block's params */
    uint32_t nparams;
    uint32_t nresults;
    uint32_t loop_pc;     /* loop: the cell branches jump back to */
    uint32_t fixups;      /* chain of branch cells waiting for this block's end */
    uint32_t else_site;   /* if: the BR_UNLESS target cell, until else or end patches it */
} cctl;

typedef struct cstate {
    wrt_reader r;
    wrt_runtime *rt;
    const wrt_module *m;
    wrt_funcdef *fn;
    uint32_t *code;
    uint32_t pos;
    uint32_t cap;
    /* Most cells written at once: fusing rewinds pos, so a body needs more room while it compiles. */
    uint32_t peak;
    cctl *ctls;
    uint32_t nctls;
    uint32_t capctls;
    uint32_t height;
    bool dead;
    bool fuel_pending;
    uint32_t fuel_site;
    /* The last emitted instructions (start cell, op), newest last; emptied where a label binds. */
    uint32_t hist_pos[4];
    uint32_t hist_op[4];
    uint32_t nhist;
    /* The last emitted instruction, kept across labels (it ends at pos). */
    uint32_t last_pos;
    uint32_t last_op;
    /* Branch cells whose label bound here, patched by the next instruction (see bind_label). */
    uint32_t pending;
    /* The op cell whose first immediate the next emit packs (wrt_iops.h), or WRT_NONE. */
    uint32_t pack_at;
    /*
     * wrt_locate_sites: the instruction compiling now (its byte offset) and the one the located
     * cell belongs to so far: the newest op cell at or below that cell still in the code.
     */
    bool locating;
    uint32_t locate_cell;
    uint32_t cur_at;
    uint32_t cand_pos;
    uint32_t cand_at;
} cstate;

static bool code_full(cstate *c)
{
    const wrt_region_state *st = &c->rt->regions[WRT_REGION_CODE];
    wrt_rd_fail(&c->r, WRT_ERR_ARENA, "arena region exhausted");
    if (c->r.err != NULL) {
        c->r.err->region = WRT_REGION_CODE;
        c->r.err->need = (uint64_t)st->used + (uint64_t)c->pos * 4u + 4u;
        c->r.err->capacity = st->size;
    }
    return false;
}

/* How `iop` keeps its first immediate (wrt_iops.h): in a cell, or packed into its op cell. */
enum { PACK_NONE = 0, PACK_U = 1, PACK_S = 2 };
static uint32_t pack_kind(uint32_t iop)
{
    switch (iop) {
#define PACK_CASE(name) case WRT_IOP_##name:
    WRT_IOPS_PACK_U(PACK_CASE)
        return PACK_U;
    WRT_IOPS_PACK_S(PACK_CASE)
        return PACK_S;
#undef PACK_CASE
    default:
        return PACK_NONE;
    }
}

#if WRT_CONFIG_FUSED
/*
 * The wide twin of an op that packs a sign-extended constant (wrt_iops.h: CONST32_W, I32_ADD_K_W,
 * ...): the same operation with the constant in a cell. And back: the op a twin stands for. The
 * superinstructions' twins are consecutive and in the order of WRT_IOPS_PACK_S_FUSED (checked
 * below), so one short table maps both ways (a switch took 1.5 KB of Cortex-M flash).
 */
#define PACKED_S_ENTRY(name) WRT_IOP_##name,
static const uint16_t packed_s_ops[] = { WRT_IOPS_PACK_S_FUSED(PACKED_S_ENTRY) };
#undef PACKED_S_ENTRY
#define PACKED_S_COUNT (sizeof packed_s_ops / sizeof packed_s_ops[0])
#define FIRST_TWIN WRT_IOP_I32_ADD_K_W
#define PACKED_S_INDEX(name) PACKED_S_INDEX_##name,
enum { WRT_IOPS_PACK_S_FUSED(PACKED_S_INDEX) PACKED_S_INDEXES };
#undef PACKED_S_INDEX
#define TWIN_ORDER(name) _Static_assert(WRT_IOP_##name##_W == FIRST_TWIN + PACKED_S_INDEX_##name, "twin order");
WRT_IOPS_PACK_S_FUSED(TWIN_ORDER)
#undef TWIN_ORDER

static uint32_t wide_twin(uint32_t iop)
{
    if (iop == WRT_IOP_CONST32) return WRT_IOP_CONST32_W;
    for (uint32_t i = 0; i < PACKED_S_COUNT; i++) {
        if (packed_s_ops[i] == iop) return FIRST_TWIN + i;
    }
    return WRT_NONE;
}

static uint32_t twin_base(uint32_t iop)
{
    if (iop == WRT_IOP_CONST32_W) return WRT_IOP_CONST32;
    if (iop >= FIRST_TWIN && iop < FIRST_TWIN + PACKED_S_COUNT) return packed_s_ops[iop - FIRST_TWIN];
    return iop;
}
#endif

/* Whether `v` survives packing as `kind` (the executor's WRT_PACKED_U / WRT_PACKED_S). */
static bool packs(uint32_t kind, uint32_t v)
{
    return kind == PACK_U ? v <= 0xFFFFu : WRT_SEXT16(v) == v;
}

static bool emit(cstate *c, uint32_t cell)
{
    if (c->pack_at != WRT_NONE) {
        /* The first immediate of a packing op: into its op cell's high half. An index, offset or
         * count that would not fit was given its plain op's wide twin by the caller already. */
        uint32_t at = c->pack_at;
        bool wide = false;
        c->pack_at = WRT_NONE;
#if WRT_CONFIG_FUSED
        uint32_t kind = pack_kind(WRT_OP_OF(c->code[at]));
        if (!packs(kind, cell)) {
            /*
             * A constant that does not fit: the op becomes its wide twin, the constant a cell
             * (below). The peephole sees the twin as the op it stands for (hist_op), so it still
             * fuses.
             */
            uint32_t twin = kind == PACK_S ? wide_twin(WRT_OP_OF(c->code[at])) : WRT_NONE;
            if (twin == WRT_NONE || c->nhist == 0u || c->hist_pos[c->nhist - 1u] != at) {
                return wrt_rd_fail(&c->r, WRT_ERR_LIMIT, "internal immediate out of range");
            }
            c->code[at] = WRT_OP_CELL(twin);
            c->hist_op[c->nhist - 1u] = twin;
            c->last_op = twin;
            wide = true;
        }
#endif
        if (!wide) {
            /* Without superinstructions CONST32 chose its twin itself too (flash: the small image). */
            c->code[at] = WRT_PACK_IMM(c->code[at], cell);
            return true;
        }
    }
    if (c->pos >= c->cap) return code_full(c);
    c->code[c->pos++] = cell;
    if (c->pos > c->peak) c->peak = c->pos;
    return true;
}

/*
 * A target cell: the distance in bytes (cells times 4, so the executor adds it without scaling),
 * plus 1 when the target is just after a FUEL cell the branch pays itself (a loop header, or a
 * segment that starts at a block's end).
 */
static uint32_t target_cell(uint32_t distance, bool pays)
{
    return (distance << 2) | (pays ? 1u : 0u);
}

static void patch_chain(cstate *c, uint32_t head, uint32_t target, bool pays);

/* Starts an instruction: its op cell, remembered for the peephole. */
static bool emit_op(cstate *c, uint32_t iop)
{
    if (c->pending != WRT_NONE) {
        /* Branches to a label that opens a segment skip its FUEL cell and pay it themselves. */
        bool fuel = iop == WRT_IOP_FUEL;
        patch_chain(c, c->pending, fuel ? c->pos + 1u : c->pos, fuel);
        c->pending = WRT_NONE;
    }
    if (c->nhist == 4u) {
        for (uint32_t i = 0; i < 3u; i++) {
            c->hist_pos[i] = c->hist_pos[i + 1u];
            c->hist_op[i] = c->hist_op[i + 1u];
        }
        c->nhist = 3u;
    }
    c->hist_pos[c->nhist] = c->pos;
    c->hist_op[c->nhist] = iop;
    c->nhist++;
    c->last_pos = c->pos;
    c->last_op = iop;
    if (c->locating && c->pos <= c->locate_cell && (c->cand_pos == WRT_NONE || c->pos >= c->cand_pos)) {
        c->cand_pos = c->pos;
        c->cand_at = c->cur_at;
    }
    c->pack_at = WRT_NONE;
    if (!emit(c, WRT_OP_CELL(iop))) return false;
    if (pack_kind(iop) != PACK_NONE) c->pack_at = c->pos - 1u;
    return true;
}

/*
 * Turns the newest instruction (still in the history) into its fused variant `iop`, which keeps
 * its first immediate the same way (packed or not), so the immediates stay where they are.
 */
static void retag(cstate *c, uint32_t iop)
{
    uint32_t at = c->hist_pos[c->nhist - 1u];
#if WRT_CONFIG_FUSED
    /* A wide twin (its constant in a cell) turns into the twin of the variant. */
    if (twin_base(c->hist_op[c->nhist - 1u]) != c->hist_op[c->nhist - 1u]) iop = wide_twin(iop);
#endif
    c->code[at] = WRT_WITH_OP(c->code[at], iop);
    c->hist_op[c->nhist - 1u] = iop;
    c->last_op = iop;
}

#if WRT_CONFIG_FUEL
/* The variant of a locals-only instruction that pays the next segment itself, or WRT_NONE. */
static uint32_t paying_variant(uint32_t iop)
{
#if WRT_CONFIG_FUSED
    switch (iop) {
    case WRT_IOP_LOCAL_SET: return WRT_IOP_LOCAL_SET_F;
    case WRT_IOP_LOCAL_SET_K: return WRT_IOP_LOCAL_SET_K_F;
    case WRT_IOP_LOCAL_MOVE: return WRT_IOP_LOCAL_MOVE_F;
    case WRT_IOP_I32_ADD_LK_S: return WRT_IOP_I32_ADD_LK_S_F;
    default: return WRT_NONE;
    }
#else
    /* The paying variants are superinstructions too. */
    (void)iop;
    return WRT_NONE;
#endif
}
#endif

/* A label binds at c->pos: nothing before it may be fused with what follows. */
static void label_here(cstate *c)
{
    c->nhist = 0;
}

/* The op of the instruction `back` places before the next one, or WRT_NONE. */
static uint32_t hist_any(const cstate *c, uint32_t back)
{
    return back < c->nhist ? c->hist_op[c->nhist - 1u - back] : WRT_NONE;
}

/*
 * The same, for fusing: every superinstruction comes from an instruction this returns, so without
 * WRT_CONFIG_FUSED (the small executor, which has no handlers for them) it returns none.
 */
static uint32_t hist_op(const cstate *c, uint32_t back)
{
#if WRT_CONFIG_FUSED
    /* A wide twin fuses as the op it stands for; hist_imm finds its constant in the cell. */
    return twin_base(hist_any(c, back));
#else
    (void)c;
    (void)back;
    return WRT_NONE;
#endif
}

/* Immediate i of the instruction `back` places before the next one, packed or in its cell. */
static uint32_t hist_imm(const cstate *c, uint32_t back, uint32_t i)
{
    uint32_t at = c->hist_pos[c->nhist - 1u - back];
    uint32_t kind = pack_kind(c->hist_op[c->nhist - 1u - back]);
    if (kind == PACK_NONE) return c->code[at + 1u + i];
    if (i == 0u) return kind == PACK_U ? WRT_PACKED_U(c->code[at]) : WRT_PACKED_S(c->code[at]);
    return c->code[at + i];
}

/* Drops the newest `count` instructions from the code (to re-emit them fused). */
static void rewind(cstate *c, uint32_t count)
{
    c->nhist -= count;
    c->pos = c->hist_pos[c->nhist];
    c->pack_at = WRT_NONE;
    /* The instruction re-emitting here claims the cells again (emit_op). */
    if (c->locating && c->cand_pos != WRT_NONE && c->cand_pos >= c->pos) c->cand_pos = WRT_NONE;
}

static void segment_boundary(cstate *c)
{
    c->fuel_pending = true;
}

/* Opens a segment whose FUEL cell is `site` (already emitted, holding 0). */
static void segment_at(cstate *c, uint32_t site)
{
#if WRT_CONFIG_FUEL
    c->fuel_site = site;
    c->fuel_pending = false;
#else
    (void)c;
    (void)site;
#endif
}

/* A FUEL cell now, for the segment that starts here (function entry, loop header). */
static bool open_segment(cstate *c)
{
#if WRT_CONFIG_FUEL
    /* FUEL packs its charge: its op cell is the segment's fuel cell. */
    if (!emit_op(c, WRT_IOP_FUEL) || !emit(c, 0)) return false;
    segment_at(c, c->pos - 1u);
#else
    (void)c;
#endif
    return true;
}

/*
 * Opens a segment here (a block's end, a loop header). When the instruction just before only
 * writes locals, it gets the fuel cell and pays the segment before its own effect (which a trap
 * discards, so the charge stays exact), and falling through dispatches no FUEL. Either way the
 * cell ends right before the new label, where branches pay it as their target[-1].
 */
static bool open_segment_after(cstate *c)
{
#if WRT_CONFIG_FUEL
    uint32_t paying = c->last_op != WRT_NONE ? paying_variant(c->last_op) : WRT_NONE;
    if (paying == WRT_NONE) return open_segment(c);
    c->code[c->last_pos] = WRT_WITH_OP(c->code[c->last_pos], paying);
    if (c->nhist > 0u && c->hist_pos[c->nhist - 1u] == c->last_pos) c->hist_op[c->nhist - 1u] = paying;
    c->last_op = paying;
    if (!emit(c, 0)) return false;
    segment_at(c, c->pos - 1u);
    if (c->pending != WRT_NONE) {
        patch_chain(c, c->pending, c->pos, true);
        c->pending = WRT_NONE;
    }
    return true;
#else
    return open_segment(c);
#endif
}

/* Charges one instruction to the current segment, opening its FUEL cell if needed. */
static bool charge(cstate *c)
{
#if WRT_CONFIG_FUEL
    /* A fuel cell holds at most 65,535 (wrt_iops.h): a longer straight run goes on in a new segment. */
    if (!c->fuel_pending && c->fuel_site != WRT_NONE && WRT_PACKED_U(c->code[c->fuel_site]) == 0xFFFFu) c->fuel_pending = true;
    if (c->fuel_pending) {
        if (c->fuel_site != WRT_NONE && c->fuel_site + 1u == c->pos && WRT_PACKED_U(c->code[c->fuel_site]) == 0u) {
            /*
             * The open segment is empty and its cell is the last one emitted (a conditional
             * branch's `fall`, say): the new segment takes the cell over, so falling through pays
             * it, and branches to this label pay it as their target[-1].
             */
            patch_chain(c, c->pending, c->pos, true);
            c->pending = WRT_NONE;
            c->fuel_pending = false;
        } else if (!open_segment_after(c)) {
            return false;
        }
    }
    c->code[c->fuel_site] += WRT_FUEL_ONE;
#else
    (void)c;
#endif
    return true;
}

static cctl *ctl_at(cstate *c, uint32_t depth)
{
    return &c->ctls[c->nctls - 1u - depth];
}

static bool push_ctl(cstate *c, uint32_t op, uint32_t np, uint32_t nr, bool dead_entry)
{
    if (c->nctls >= c->capctls) {
        const wrt_region_state *st = &c->rt->regions[WRT_REGION_CONTROL];
        wrt_rd_fail(&c->r, WRT_ERR_ARENA, "arena region exhausted");
        if (c->r.err != NULL) {
            c->r.err->region = WRT_REGION_CONTROL;
            c->r.err->need = (uint64_t)(c->nctls + 1u) * sizeof(cctl);
            c->r.err->capacity = st->size;
        }
        return false;
    }
    cctl *t = &c->ctls[c->nctls++];
    t->op = op;
    t->dead_entry = dead_entry;
    t->height = c->height - np;
    t->nparams = np;
    t->nresults = nr;
    t->loop_pc = c->pos;
    t->fixups = WRT_NONE;
    t->else_site = WRT_NONE;
    return true;
}

/* Cell distance from `site` to `target`, as the executor adds it to the site's address. */
static uint32_t rel(uint32_t target, uint32_t site)
{
    return (uint32_t)((int64_t)target - (int64_t)site);
}

static void patch_chain(cstate *c, uint32_t head, uint32_t target, bool pays)
{
    /* Each site is on one chain once; the bound only guards against a broken chain. */
    for (uint32_t guard = 0; head != WRT_NONE && guard < c->pos; guard++) {
        uint32_t next = c->code[head];
        c->code[head] = target_cell(rel(target, head), pays);
        head = next;
    }
}

/*
 * The branches of `chain` land here. Their cells are patched when the next instruction is
 * emitted: only then is it known whether a segment's FUEL cell opens at this label.
 */
static void bind_label(cstate *c, uint32_t chain)
{
    label_here(c);
    if (chain == WRT_NONE) return;
    uint32_t tail = chain;
    for (uint32_t guard = 0; c->code[tail] != WRT_NONE && guard < c->pos; guard++) tail = c->code[tail];
    c->code[tail] = c->pending;
    c->pending = chain;
}

/* The target cell of a branch to `t`: backward for loops, chained forward otherwise. */
static bool emit_target(cstate *c, cctl *t)
{
    uint32_t site = c->pos;
    if (t->op == 0x03u) return emit(c, target_cell(rel(t->loop_pc, site), WRT_CONFIG_FUEL != 0));
    if (!emit(c, t->fixups)) return false;
    t->fixups = site;
    return true;
}

static void block_arity(const cctl *t, uint32_t *o_arity)
{
    *o_arity = t->op == 0x03u ? t->nparams : t->nresults;
}

/* The i32 compares of WRT_FUSED_CMPS in order: the op, its first operand form, its fused br_if. */
#define CMP_ENTRY(X, name) { WRT_IOP_##name, WRT_IOP_##name##_K, WRT_IOP_BR_IF_##name },
static const uint16_t cmp_ops[][3] = { WRT_FUSED_CMPS(CMP_ENTRY, 0) };
#undef CMP_ENTRY
#define NCMPS (sizeof cmp_ops / sizeof cmp_ops[0])
/* Index of the negated compare: eq/ne, lt_s/ge_s, lt_u/ge_u, gt_s/le_s, gt_u/le_u. */
static const uint8_t cmp_negated[NCMPS] = { 1, 0, 8, 9, 6, 7, 4, 5, 2, 3 };
/* Immediates of each form: stack operands, _K, _L, _LK, _LL. */
static const uint8_t form_imms[5] = { 0, 1, 1, 2, 2 };
/* Each compare's first latch form (BR_IF_<cmp>_ALK_K), in the order of cmp_ops. */
#define LATCH_ENTRY(X, name) WRT_IOP_BR_IF_##name##_ALK_K,
static const uint16_t latch_ops[NCMPS] = { WRT_FUSED_CMPS(LATCH_ENTRY, 0) };
#undef LATCH_ENTRY

/* An i32.add whose result went to a local and the stack: the add of a loop's latch. */
static bool is_latch_add(uint32_t iop)
{
    return iop == WRT_IOP_I32_ADD_LK_T || iop == WRT_IOP_I32_ADD_LL_T;
}

/*
 * Starts a conditional branch on the top i32: taken when it is nonzero, or zero if `negate`. An
 * i32.eqz or i32 compare just before is absorbed, and with it an i32.add into a local whose
 * result the compare (or the branch itself) reads: `i += k; if (i < n) continue`. The caller
 * emits the target cell, then emit_fall.
 */
static bool begin_cond(cstate *c, bool negate)
{
    uint32_t h = hist_op(c, 0);
    if (h == WRT_IOP_I32_EQZ) {
        rewind(c, 1);
        return emit_op(c, negate ? WRT_IOP_BR_IF : WRT_IOP_BR_UNLESS);
    }
    for (uint32_t i = 0; i < NCMPS && h != WRT_NONE; i++) {
        uint32_t form;
        if (h == cmp_ops[i][0]) {
            form = 0;
        } else if (h >= cmp_ops[i][1] && h < cmp_ops[i][1] + 4u) {
            form = h - cmp_ops[i][1] + 1u;
        } else {
            continue;
        }
        uint32_t imm[2] = { 0, 0 };
        for (uint32_t k = 0; k < form_imms[form]; k++) imm[k] = hist_imm(c, 0, k);
        uint32_t cmp = negate ? cmp_negated[i] : i;
        uint32_t add = hist_op(c, 1);
        if ((form == 1u || form == 2u) && is_latch_add(add)) {
            /* The compare's left operand is the add's result, which the fused op keeps in d. */
            uint32_t a = hist_imm(c, 1, 0);
            uint32_t b = hist_imm(c, 1, 1);
            uint32_t d = hist_imm(c, 1, 2);
            rewind(c, 2);
            uint32_t op = latch_ops[cmp] + (add == WRT_IOP_I32_ADD_LL_T ? 2u : 0u) + (form - 1u);
            return emit_op(c, op) && emit(c, a) && emit(c, b) && emit(c, d) && emit(c, imm[0]);
        }
        rewind(c, 1);
        if (!emit_op(c, cmp_ops[cmp][2] + form)) return false;
        for (uint32_t k = 0; k < form_imms[form]; k++) {
            if (!emit(c, imm[k])) return false;
        }
        return true;
    }
    if (is_latch_add(h)) {
        uint32_t a = hist_imm(c, 0, 0);
        uint32_t b = hist_imm(c, 0, 1);
        uint32_t d = hist_imm(c, 0, 2);
        rewind(c, 1);
        uint32_t op = (negate ? WRT_IOP_BR_IF_Z_ALK : WRT_IOP_BR_IF_NZ_ALK) + (h == WRT_IOP_I32_ADD_LL_T ? 1u : 0u);
        return emit_op(c, op) && emit(c, a) && emit(c, b) && emit(c, d);
    }
    return emit_op(c, negate ? WRT_IOP_BR_UNLESS : WRT_IOP_BR_IF);
}

/* RETURN with the function's result count, packed when it fits (RETURN_W else). */
static bool emit_return(cstate *c)
{
    uint32_t n = c->fn->type->nresults;
    return emit_op(c, n <= 0xFFFFu ? WRT_IOP_RETURN : WRT_IOP_RETURN_W) && emit(c, n);
}

/* The `fall` cell of a conditional branch: the segment it falls through to starts here. */
static bool emit_fall(cstate *c)
{
    if (!emit(c, 0)) return false;
    segment_at(c, c->pos - 1u);
    return true;
}

/*
 * An unconditional br with no values to move. The instruction before it takes it over when it
 * only writes locals (or is a plain i32 store): its effect, then the jump, as the two did.
 */
static bool emit_jump(cstate *c, cctl *t)
{
    uint32_t fused;
    switch (hist_op(c, 0)) {
    case WRT_IOP_LOCAL_MOVE: fused = WRT_IOP_LOCAL_MOVE_BR; break;
    case WRT_IOP_LOCAL_SET_K: fused = WRT_IOP_LOCAL_SET_K_BR; break;
    case WRT_IOP_I32_ADD_LK_S: fused = WRT_IOP_I32_ADD_LK_S_BR; break;
    case WRT_IOP_I32_AND_LK_S: fused = WRT_IOP_I32_AND_LK_S_BR; break;
    case WRT_IOP_STORE32: fused = WRT_IOP_STORE32_BR; break;
    default: return emit_op(c, WRT_IOP_BR) && emit_target(c, t);
    }
    retag(c, fused);
    return emit_target(c, t);
}

/* br (conditional or not) to the label `depth` blocks out. */
static bool emit_branch(cstate *c, uint32_t depth, bool conditional)
{
    cctl *t = ctl_at(c, depth);
    if (t->op == 0u) {
        /* The function's label: its end holds RETURN, which takes the top results itself. */
        if (!conditional) return emit_return(c);
        return begin_cond(c, false) && emit_target(c, t) && emit_fall(c);
    }
    uint32_t arity = 0;
    block_arity(t, &arity);
    uint32_t drop = c->height - t->height - arity;
    if (drop == 0u) {
        if (!conditional) return emit_jump(c, t);
        return begin_cond(c, false) && emit_target(c, t) && emit_fall(c);
    }
    if (!conditional) return emit_op(c, WRT_IOP_BR_DROP) && emit_target(c, t) && emit(c, arity) && emit(c, drop);
    return emit_op(c, WRT_IOP_BR_IF_DROP) && emit_target(c, t) && emit(c, arity) && emit(c, drop) && emit_fall(c);
}

/* The first of the four operand forms of a binary operator, or WRT_NONE. */
static uint32_t binop_forms(uint32_t iop)
{
    switch (iop) {
#define FORMS_CASE(X, name) case WRT_IOP_##name: return WRT_IOP_##name##_K;
    WRT_FUSED_BINOPS(FORMS_CASE, 0)
#undef FORMS_CASE
    default: return WRT_NONE;
    }
}

/* The i32 operators whose four forms also have _S and _T variants: { _K, _K_S, _K_T }. */
#define SET_ENTRY(X, name) { WRT_IOP_##name##_K, WRT_IOP_##name##_K_S, WRT_IOP_##name##_K_T },
#if WRT_CONFIG_FUSED_WIDE
static const uint16_t set_ops[][3] = { WRT_SET_BINOPS(SET_ENTRY, 0) WRT_WIDE_SET_BINOPS(SET_ENTRY, 0) };
#else
static const uint16_t set_ops[][3] = { WRT_SET_BINOPS(SET_ENTRY, 0) };
#endif
#undef SET_ENTRY

/*
 * local.set (variant 1) or local.tee (2) of `local`: folded into the binary operator form just
 * before it, or with a const/local.get into one move.
 */
static bool emit_local_store(cstate *c, uint32_t variant, uint32_t local)
{
    uint32_t h = hist_op(c, 0);
    for (uint32_t i = 0; i < sizeof set_ops / sizeof set_ops[0] && h != WRT_NONE; i++) {
        if (h >= set_ops[i][0] && h < set_ops[i][0] + 4u) {
            retag(c, set_ops[i][variant] + (h - set_ops[i][0]));
            return emit(c, local);
        }
    }
    if (h == WRT_IOP_LOAD32) {
        retag(c, variant == 1u ? WRT_IOP_LOAD32_S : WRT_IOP_LOAD32_T);
        return emit(c, local);
    }
    if (variant == 1u && (h == WRT_IOP_LOAD32_LK || h == WRT_IOP_LOAD64_LK)) {
        retag(c, h == WRT_IOP_LOAD32_LK ? WRT_IOP_LOAD32_LK_S : WRT_IOP_LOAD64_LK_S);
        return emit(c, local);
    }
    if (h == WRT_IOP_LOAD32_XA) {
        retag(c, variant == 1u ? WRT_IOP_LOAD32_XA_S : WRT_IOP_LOAD32_XA_T);
        return emit(c, local);
    }
#if WRT_CONFIG_FUSED_WIDE
    if (h == WRT_IOP_F64_ADD || h == WRT_IOP_F64_SUB || h == WRT_IOP_F64_MUL) {
        uint32_t first = h == WRT_IOP_F64_ADD   ? WRT_IOP_F64_ADD_S
                         : h == WRT_IOP_F64_SUB ? WRT_IOP_F64_SUB_S
                                                : WRT_IOP_F64_MUL_S;
        retag(c, first + (variant - 1u));
        return emit(c, local);
    }
#endif
    if (variant == 1u && h == WRT_IOP_CONST32) {
        uint32_t k = hist_imm(c, 0, 0);
        rewind(c, 1);
        return emit_op(c, WRT_IOP_LOCAL_SET_K) && emit(c, local) && emit(c, k);
    }
    if (variant == 1u && h == WRT_IOP_LOCAL_GET) {
        uint32_t from = hist_imm(c, 0, 0);
        rewind(c, 1);
        return emit_op(c, WRT_IOP_LOCAL_MOVE) && emit(c, local) && emit(c, from);
    }
    return emit_op(c, variant == 1u ? WRT_IOP_LOCAL_SET : WRT_IOP_LOCAL_TEE) && emit(c, local);
}

/*
 * A plain load or store with its offset: packed into the op cell, or the op's wide twin (the loads
 * and stores are consecutive in wrt_iops.h, and so are their twins) for an offset of 2^16 or more.
 */
static bool emit_memop(cstate *c, uint32_t iop, uint32_t offset)
{
    return emit_op(c, offset <= 0xFFFFu ? iop : iop - WRT_IOP_LOAD32 + WRT_IOP_LOAD32_W) && emit(c, offset);
}

/* A load absorbing the local.get or i32.add form that computed its address. */
static bool emit_load(cstate *c, uint32_t iop, uint32_t offset)
{
    uint32_t first;
    switch (iop) {
    case WRT_IOP_LOAD32: first = WRT_IOP_LOAD32_L; break;
    case WRT_IOP_LOAD64: first = WRT_IOP_LOAD64_L; break;
    case WRT_IOP_LOAD8_U: first = WRT_IOP_LOAD8_U_L; break;
    default: return emit_memop(c, iop, offset);
    }
    uint32_t h = hist_op(c, 0);
    if (iop == WRT_IOP_LOAD32 && h == WRT_IOP_I32_ADD_K_T && hist_op(c, 1) == WRT_IOP_I32_SHL_LK) {
        /* p = &base[i] kept in a local, then *p */
        uint32_t a = hist_imm(c, 1, 0);
        uint32_t shift = hist_imm(c, 1, 1);
        uint32_t k = hist_imm(c, 0, 0);
        uint32_t d = hist_imm(c, 0, 1);
        rewind(c, 2);
        return emit_op(c, WRT_IOP_LOAD32_XA) && emit(c, a) && emit(c, shift) && emit(c, k) && emit(c, d) &&
               emit(c, offset);
    }
    if (h == WRT_IOP_I32_ADD_K && hist_op(c, 1) == WRT_IOP_I32_SHL_LK) {
        /* base[local << s]: an array index */
        uint32_t a = hist_imm(c, 1, 0);
        uint32_t shift = hist_imm(c, 1, 1);
        uint32_t k = hist_imm(c, 0, 0);
        rewind(c, 2);
        return emit_op(c, first + 3u) && emit(c, a) && emit(c, shift) && emit(c, k) && emit(c, offset);
    }
    if (h == WRT_IOP_LOCAL_GET || h == WRT_IOP_I32_ADD_K) {
        uint32_t x = hist_imm(c, 0, 0);
        rewind(c, 1);
        return emit_op(c, first + (h == WRT_IOP_LOCAL_GET ? 0u : 1u)) && emit(c, x) && emit(c, offset);
    }
    if (h == WRT_IOP_I32_ADD_LK) {
        uint32_t a = hist_imm(c, 0, 0);
        uint32_t k = hist_imm(c, 0, 1);
        rewind(c, 1);
        return emit_op(c, first + 2u) && emit(c, a) && emit(c, k) && emit(c, offset);
    }
    return emit_memop(c, iop, offset);
}

/* The store of `iop` fused with the binary operator `h` that computed its value, or WRT_NONE. */
static uint32_t rmw_store(uint32_t iop, uint32_t h)
{
    if (iop == WRT_IOP_STORE32) {
        switch (h) {
        case WRT_IOP_I32_ADD: return WRT_IOP_I32_ADD_ST32;
        case WRT_IOP_I32_SUB: return WRT_IOP_I32_SUB_ST32;
        case WRT_IOP_I32_AND: return WRT_IOP_I32_AND_ST32;
        case WRT_IOP_I32_OR: return WRT_IOP_I32_OR_ST32;
        case WRT_IOP_I32_XOR: return WRT_IOP_I32_XOR_ST32;
        default: return WRT_NONE;
        }
    }
#if WRT_CONFIG_FUSED_WIDE
    if (iop == WRT_IOP_STORE64) {
        switch (h) {
        case WRT_IOP_F64_ADD: return WRT_IOP_F64_ADD_ST64;
        case WRT_IOP_F64_SUB: return WRT_IOP_F64_SUB_ST64;
        case WRT_IOP_F64_MUL: return WRT_IOP_F64_MUL_ST64;
        default: return WRT_NONE;
        }
    }
#endif
    return WRT_NONE;
}

/* A store absorbing the const or local.get that pushed its value. */
static bool emit_store(cstate *c, uint32_t iop, uint32_t offset)
{
    uint32_t first;
    uint32_t konst = WRT_IOP_CONST32;
    switch (iop) {
    case WRT_IOP_STORE8: first = WRT_IOP_STORE8_K; break;
    case WRT_IOP_STORE32: first = WRT_IOP_STORE32_K; break;
    case WRT_IOP_STORE64: first = WRT_IOP_STORE64_K; konst = WRT_IOP_CONST64; break;
    default: return emit_memop(c, iop, offset);
    }
    uint32_t h = hist_op(c, 0);
    uint32_t h1 = hist_op(c, 1);
    uint32_t rmw = rmw_store(iop, h);
    /* The fused store packs its offset: a larger one stays a plain store. */
    if (rmw != WRT_NONE && offset <= 0xFFFFu) {
        rewind(c, 1);
        return emit_op(c, rmw) && emit(c, offset);
    }
    bool k32 = h == WRT_IOP_CONST32;
    if (konst == WRT_IOP_CONST32 && (k32 || h == WRT_IOP_LOCAL_GET) && h1 == WRT_IOP_I32_ADD_LK) {
        uint32_t a = hist_imm(c, 1, 0);
        uint32_t k = hist_imm(c, 1, 1);
        uint32_t v = hist_imm(c, 0, 0);
        rewind(c, 2);
        return emit_op(c, first + (k32 ? 2u : 3u)) && emit(c, a) && emit(c, k) && emit(c, v) && emit(c, offset);
    }
    if (konst == WRT_IOP_CONST32 && h == WRT_IOP_LOCAL_GET && h1 == WRT_IOP_LOCAL_GET) {
        uint32_t a = hist_imm(c, 1, 0);
        uint32_t v = hist_imm(c, 0, 0);
        rewind(c, 2);
        return emit_op(c, first + 4u) && emit(c, a) && emit(c, v) && emit(c, offset);
    }
    if (h == konst) {
        uint32_t lo = hist_imm(c, 0, 0);
        uint32_t hi = konst == WRT_IOP_CONST64 ? hist_imm(c, 0, 1) : 0u;
        rewind(c, 1);
        return emit_op(c, first) && emit(c, lo) && (konst != WRT_IOP_CONST64 || emit(c, hi)) && emit(c, offset);
    }
    if (h == WRT_IOP_LOCAL_GET) {
        uint32_t v = hist_imm(c, 0, 0);
        rewind(c, 1);
        return emit_op(c, first + 1u) && emit(c, v) && emit(c, offset);
    }
    return emit_memop(c, iop, offset);
}

#if WRT_CONFIG_FUSED_WIDE
/* Most steps in one F64_DOT_LM: its count cell stays small, and so does one dispatch's work. */
#define DOT_MAX_STEPS 64u

/*
 * The newest instruction, an F64_MUL_ADD_LM, joins the F64_MUL_ADD_LM or F64_DOT_LM just before it
 * (unrolled dot products and filters): the two become one F64_DOT_LM, rewritten in place.
 */
static void extend_dot(cstate *c)
{
    uint32_t prev = hist_op(c, 1);
    if (prev != WRT_IOP_F64_MUL_ADD_LM && prev != WRT_IOP_F64_DOT_LM) return;
    uint32_t at = c->hist_pos[c->nhist - 2u];
    uint32_t step = c->hist_pos[c->nhist - 1u];
    if (prev == WRT_IOP_F64_MUL_ADD_LM) {
        /* [op g1][op g2] -> [DOT 2 g1 g2]: g1 moves up one cell, the second op cell becomes g1's end. */
        for (uint32_t i = 4u; i > 0u; i--) c->code[at + 1u + i] = c->code[at + i];
        c->code[at] = WRT_OP_CELL(WRT_IOP_F64_DOT_LM);
        c->code[at + 1u] = 2u;
        /* g1 now ends at `step` + 1, overwriting the second op cell; g2 already follows it. */
    } else {
        if (c->code[at + 1u] >= DOT_MAX_STEPS) return;
        /* [DOT n g1..gn][op g] -> [DOT n+1 g1..gn g]: g moves down over its op cell. */
        for (uint32_t i = 0; i < 4u; i++) c->code[step + i] = c->code[step + 1u + i];
        c->code[at + 1u]++;
        c->pos--;
    }
    c->nhist--;
    c->hist_op[c->nhist - 1u] = WRT_IOP_F64_DOT_LM;
    c->last_pos = at;
    c->last_op = WRT_IOP_F64_DOT_LM;
}
#endif

/* The _K form of a division or remainder (its _LK form follows), or WRT_NONE. */
static uint32_t divk_forms(uint32_t iop)
{
    switch (iop) {
#define DIVK_CASE(X, name) case WRT_IOP_##name: return WRT_IOP_##name##_K;
    WRT_DIVS(DIVK_CASE, 0)
#undef DIVK_CASE
    default: return WRT_NONE;
    }
}

/*
 * Division or remainder by the constant just pushed, when that constant can never trap: not 0,
 * and not -1 for a signed one (INT_MIN / -1). Otherwise the plain operator.
 */
static bool emit_divk(cstate *c, uint32_t iop)
{
    uint32_t first = divk_forms(iop);
    bool wide = iop == WRT_IOP_I64_DIV_S || iop == WRT_IOP_I64_DIV_U || iop == WRT_IOP_I64_REM_S ||
                iop == WRT_IOP_I64_REM_U;
    uint32_t h = hist_op(c, 0);
    bool konst = h == (wide ? WRT_IOP_CONST64 : WRT_IOP_CONST32);
    if (first == WRT_NONE || !konst) return emit_op(c, iop);
    uint32_t lo = hist_imm(c, 0, 0);
    uint32_t hi = wide ? hist_imm(c, 0, 1) : 0u;
    bool is_signed = iop == WRT_IOP_I32_DIV_S || iop == WRT_IOP_I32_REM_S || iop == WRT_IOP_I64_DIV_S ||
                     iop == WRT_IOP_I64_REM_S;
    bool minus_one = lo == 0xFFFFFFFFu && (!wide || hi == 0xFFFFFFFFu);
    if ((lo == 0u && hi == 0u) || (is_signed && minus_one)) return emit_op(c, iop);
    if (hist_op(c, 1) == WRT_IOP_LOCAL_GET) {
        uint32_t a = hist_imm(c, 1, 0);
        rewind(c, 2);
        return emit_op(c, first + 1u) && emit(c, a) && emit(c, lo) && (!wide || emit(c, hi));
    }
    rewind(c, 1);
    return emit_op(c, first) && emit(c, lo) && (!wide || emit(c, hi));
}

/*
 * i32.wrap_i64 of a value the instruction just before leaves below 2^32 anyway (a shift right by
 * 32 or more, a remainder by a divisor below 2^32, a mask with a zero high half, a 32-bit or
 * narrower unsigned load): slots hold i32 values zero-extended, so the wrap changes nothing.
 */
static bool wrap_is_identity(const cstate *c)
{
    switch (hist_any(c, 0)) {
#if WRT_CONFIG_FUSED_WIDE
    case WRT_IOP_I64_SHR_U_K: return (hist_imm(c, 0, 0) & 63u) >= 32u;
    case WRT_IOP_I64_SHR_U_LK: return (hist_imm(c, 0, 1) & 63u) >= 32u;
    case WRT_IOP_I64_AND_K: return hist_imm(c, 0, 1) == 0u;
    case WRT_IOP_I64_AND_LK: return hist_imm(c, 0, 2) == 0u;
#endif
    case WRT_IOP_I64_REM_U_K: return hist_imm(c, 0, 1) == 0u;
    case WRT_IOP_I64_REM_U_LK: return hist_imm(c, 0, 2) == 0u;
    case WRT_IOP_LOAD32: case WRT_IOP_LOAD8_U: case WRT_IOP_LOAD16_U: return true;
    default: return false;
    }
}

/* A binary operator, absorbing the local.get/const instructions that pushed its operands. */
static bool emit_binop(cstate *c, uint32_t iop)
{
    uint32_t k = binop_forms(iop);
    uint32_t h0 = hist_op(c, 0);
    uint32_t h1 = hist_op(c, 1);
#if WRT_CONFIG_FUSED_WIDE
    if (iop == WRT_IOP_F64_ADD && (h0 == WRT_IOP_F64_MUL || h0 == WRT_IOP_F64_MUL_LM)) {
        /* a + b * c, still rounded twice */
        retag(c, h0 == WRT_IOP_F64_MUL ? WRT_IOP_F64_MUL_ADD : WRT_IOP_F64_MUL_ADD_LM);
        if (h0 == WRT_IOP_F64_MUL_LM) extend_dot(c);
        return true;
    }
    if (iop == WRT_IOP_F64_MUL && h0 == WRT_IOP_LOAD64_LK && h1 == WRT_IOP_LOCAL_GET) {
        /* local * memory: a dot product's or a filter's step */
        uint32_t a = hist_imm(c, 1, 0);
        uint32_t b = hist_imm(c, 0, 0);
        uint32_t k2 = hist_imm(c, 0, 1);
        uint32_t off = hist_imm(c, 0, 2);
        rewind(c, 2);
        return emit_op(c, WRT_IOP_F64_MUL_LM) && emit(c, a) && emit(c, b) && emit(c, k2) && emit(c, off);
    }
#endif
    if (k == WRT_NONE) return emit_divk(c, iop);
    if (h0 == WRT_IOP_CONST32 || h0 == WRT_IOP_CONST64) {
        bool wide = h0 == WRT_IOP_CONST64;
        uint32_t lo = hist_imm(c, 0, 0);
        uint32_t hi = wide ? hist_imm(c, 0, 1) : 0u;
        if (h1 == WRT_IOP_LOCAL_GET) {
            uint32_t a = hist_imm(c, 1, 0);
            rewind(c, 2);
            return emit_op(c, k + 2u) && emit(c, a) && emit(c, lo) && (!wide || emit(c, hi));
        }
        rewind(c, 1);
        return emit_op(c, k) && emit(c, lo) && (!wide || emit(c, hi));
    }
    if (h0 == WRT_IOP_LOCAL_GET) {
        uint32_t b = hist_imm(c, 0, 0);
        if (h1 == WRT_IOP_LOCAL_GET) {
            uint32_t a = hist_imm(c, 1, 0);
            rewind(c, 2);
            return emit_op(c, k + 3u) && emit(c, a) && emit(c, b);
        }
        rewind(c, 1);
        return emit_op(c, k + 1u) && emit(c, b);
    }
    if (iop == WRT_IOP_I32_ADD) {
        for (uint32_t i = 0; i < NCMPS; i++) {
            if (h0 != cmp_ops[i][1]) continue;
            /* n + (x <cmp> k): a count */
            uint32_t kk = hist_imm(c, 0, 0);
            rewind(c, 1);
            return emit_op(c, WRT_IOP_COUNT_I32_EQ_K + i) && emit(c, kk);
        }
    }
    return emit_op(c, iop);
}

static bool emit_table_entry(cstate *c, uint32_t depth)
{
    cctl *t = ctl_at(c, depth);
    if (t->op == 0u) return emit_target(c, t) && emit(c, 0) && emit(c, 0);
    uint32_t arity = 0;
    block_arity(t, &arity);
    return emit_target(c, t) && emit(c, arity) && emit(c, c->height - t->height - arity);
}

static void block_counts(const cstate *c, const wrt_instr *i_ins, uint32_t *o_np, uint32_t *o_nr)
{
    *o_np = 0;
    *o_nr = 0;
    if (i_ins->a == WRT_BT_VALUE) {
        *o_nr = 1;
    } else if (i_ins->a == WRT_BT_INDEX) {
        *o_np = c->m->types[i_ins->b].nparams;
        *o_nr = c->m->types[i_ins->b].nresults;
    }
}

/* `end` of a block that was live when opened. */
static bool end_block(cstate *c, bool *o_done)
{
    cctl *t = ctl_at(c, 0);
    bind_label(c, t->else_site);
    bind_label(c, t->fixups);
    if (t->op == 0u) {
        *o_done = true;
        return emit_return(c);
    }
    c->height = t->height + t->nresults;
    bool was_loop = t->op == 0x03u;
    c->nctls--;
    c->dead = false;
    if (!was_loop) segment_boundary(c);
    return true;
}

static bool dead_instr(cstate *c, const wrt_instr *i_ins, bool *o_done)
{
    switch (i_ins->op) {
    case 0x02: case 0x03: case 0x04:
        return push_ctl(c, i_ins->op, 0, 0, true);
    case 0x05: {
        cctl *t = ctl_at(c, 0);
        if (t->dead_entry) return true;
        /* The then-arm ended in a branch; the else-arm is live from the if. */
        bind_label(c, t->else_site);
        t->else_site = WRT_NONE;
        t->op = 0x05u;
        c->height = t->height + t->nparams;
        c->dead = false;
        segment_boundary(c);
        return true;
    }
    case 0x0B: {
        cctl *t = ctl_at(c, 0);
        if (t->dead_entry) {
            c->nctls--;
            return true;
        }
        return end_block(c, o_done);
    }
    default:
        return true;
    }
}

#if WRT_CONFIG_MULTI_MEMORY
/* An instruction naming a memory other than 0: the MEMX ops (wrt_iops.h), never fused. */
static bool emit_memx(cstate *c, const wrt_instr *ins)
{
    switch (ins->op) {
    case 0x3F: c->height += 1u; return emit_op(c, WRT_IOP_MEMX_SIZE) && emit(c, ins->mem);
    case 0x40: return emit_op(c, WRT_IOP_MEMX_GROW) && emit(c, ins->mem);
    case WRT_OP_FC + 8: c->height -= 3u; return emit_op(c, WRT_IOP_MEMX_INIT) && emit(c, ins->a) && emit(c, ins->mem);
    case WRT_OP_FC + 10: c->height -= 3u; return emit_op(c, WRT_IOP_MEMX_COPY) && emit(c, ins->mem) && emit(c, ins->mem2);
    case WRT_OP_FC + 11: c->height -= 3u; return emit_op(c, WRT_IOP_MEMX_FILL) && emit(c, ins->mem);
    default: break;
    }
    uint32_t iop = WRT_IOP_MEMX_LOAD;
    if (wrt_opinfo_of(ins->op)->kind == WRT_OPK_STORE) {
        c->height -= 2u;
        iop = WRT_IOP_MEMX_STORE;
    }
    return emit_op(c, iop) && emit(c, ins->op) && emit(c, ins->mem) && emit(c, ins->b);
}
#endif

static bool live_instr(cstate *c, const wrt_instr *ins, bool *o_done)
{
    const wrt_module *m = c->m;
    if (ins->op != 0x0Bu && ins->op != 0x05u && !charge(c)) return false;
#if WRT_CONFIG_MULTI_MEMORY
    if ((ins->mem | ins->mem2) != 0u) return emit_memx(c, ins);
#endif
    switch (ins->op) {
    case 0x00:
        c->dead = true;
        return emit_op(c, WRT_IOP_UNREACHABLE);
    case 0x01:
        return true;
    case 0x02: {
        uint32_t np; uint32_t nr;
        block_counts(c, ins, &np, &nr);
        return push_ctl(c, 0x02u, np, nr, false);
    }
    case 0x03: {
        uint32_t np; uint32_t nr;
        block_counts(c, ins, &np, &nr);
        /* The header's fuel cell before the label: entry pays it, back branches pay it. */
        if (!open_segment_after(c)) return false;
        label_here(c);
        return push_ctl(c, 0x03u, np, nr, false);
    }
    case 0x04: {
        uint32_t np; uint32_t nr;
        block_counts(c, ins, &np, &nr);
        c->height -= 1u;
        if (!begin_cond(c, true)) return false;
        uint32_t site = c->pos;
        if (!emit(c, WRT_NONE) || !emit_fall(c) || !push_ctl(c, 0x04u, np, nr, false)) return false;
        ctl_at(c, 0)->else_site = site;
        return true;
    }
    case 0x05: {
        cctl *t = ctl_at(c, 0);
        if (!emit_jump(c, t)) return false;
        bind_label(c, t->else_site);
        t->else_site = WRT_NONE;
        t->op = 0x05u;
        c->height = t->height + t->nparams;
        segment_boundary(c);
        return true;
    }
    case 0x0B:
        return end_block(c, o_done);
    case 0x0C:
        c->dead = true;
        return emit_branch(c, ins->a, false);
    case 0x0D:
        c->height -= 1u;
        return emit_branch(c, ins->a, true);
    case 0x0E: {
        c->height -= 1u;
        if (hist_op(c, 0) == WRT_IOP_LOAD32_X) {
            /* switch (table[i]): the load feeds the jump table directly */
            uint32_t imm[4];
            for (uint32_t k = 0; k < 4u; k++) imm[k] = hist_imm(c, 0, k);
            rewind(c, 1);
            if (!emit_op(c, WRT_IOP_BR_TABLE_X)) return false;
            for (uint32_t k = 0; k < 4u; k++) {
                if (!emit(c, imm[k])) return false;
            }
        } else if (!emit_op(c, WRT_IOP_BR_TABLE)) {
            return false;
        }
        if (!emit(c, ins->a)) return false;
        wrt_reader tr;
        wrt_rd_init(&tr, c->r.base, ins->vec, c->r.end, NULL);
        for (uint32_t i = 0; i < ins->a; i++) {
            if (!emit_table_entry(c, wrt_rd_u32(&tr))) return false;
        }
        c->dead = true;
        return emit_table_entry(c, ins->b);
    }
    case 0x0F:
        c->dead = true;
        return emit_return(c);
    case 0x10: {
        const wrt_functype *t = m->funcs[ins->a].type;
        c->height = c->height - t->nparams + t->nresults;
        uint32_t op = ins->a < m->nfunc_imports ? WRT_IOP_CALL_IMPORT : WRT_IOP_CALL;
        /* The function index packs into the op cell; the wide twins (consecutive) take any. */
        if (ins->a > 0xFFFFu) op = op == WRT_IOP_CALL ? WRT_IOP_CALL_W : WRT_IOP_CALL_IMPORT_W;
        return emit_op(c, op) && emit(c, ins->a);
    }
    case 0x11: {
        const wrt_functype *t = &m->types[ins->a];
        c->height = c->height - 1u - t->nparams + t->nresults;
        return emit_op(c, WRT_IOP_CALL_INDIRECT) && emit(c, ins->a) && emit(c, ins->b);
    }
    case 0x1A:
        c->height -= 1u;
        return emit_op(c, WRT_IOP_DROP);
    case 0x1B: case 0x1C:
        c->height -= 2u;
        return emit_op(c, WRT_IOP_SELECT);
    case 0x20: c->height += 1u; return emit_op(c, WRT_IOP_LOCAL_GET) && emit(c, ins->a);
    case 0x21: c->height -= 1u; return emit_local_store(c, 1u, ins->a);
    case 0x22: return emit_local_store(c, 2u, ins->a);
    case 0x23: c->height += 1u; return emit_op(c, ins->a <= 0xFFFFu ? WRT_IOP_GLOBAL_GET : WRT_IOP_GLOBAL_GET_W) && emit(c, ins->a);
    case 0x24: c->height -= 1u; return emit_op(c, ins->a <= 0xFFFFu ? WRT_IOP_GLOBAL_SET : WRT_IOP_GLOBAL_SET_W) && emit(c, ins->a);
    case 0x25: return emit_op(c, WRT_IOP_TABLE_GET) && emit(c, ins->a);
    case 0x26: c->height -= 2u; return emit_op(c, WRT_IOP_TABLE_SET) && emit(c, ins->a);
    case 0x3F: c->height += 1u; return emit_op(c, WRT_IOP_MEMORY_SIZE);
    case 0x40: return emit_op(c, WRT_IOP_MEMORY_GROW);
    case 0x41: case 0x43:
        c->height += 1u;
        /* A constant in [-2^15, 2^15) packs into CONST32's cell; CONST32_W holds any other. */
        return emit_op(c, packs(PACK_S, (uint32_t)ins->bits) ? WRT_IOP_CONST32 : WRT_IOP_CONST32_W) &&
               emit(c, (uint32_t)ins->bits);
    case 0x42: case 0x44:
        c->height += 1u;
        return emit_op(c, WRT_IOP_CONST64) && emit(c, (uint32_t)ins->bits) && emit(c, (uint32_t)(ins->bits >> 32));
    case 0xD0: c->height += 1u; return emit_op(c, WRT_IOP_CONST32) && emit(c, 0);
    case 0xD1: return emit_op(c, WRT_IOP_REF_IS_NULL);
    case 0xD2: c->height += 1u; return emit_op(c, WRT_IOP_REF_FUNC) && emit(c, ins->a);
    case WRT_OP_FC + 8: c->height -= 3u; return emit_op(c, WRT_IOP_MEMORY_INIT) && emit(c, ins->a);
    case WRT_OP_FC + 9: return emit_op(c, WRT_IOP_DATA_DROP) && emit(c, ins->a);
    case WRT_OP_FC + 10: c->height -= 3u; return emit_op(c, WRT_IOP_MEMORY_COPY);
    case WRT_OP_FC + 11: c->height -= 3u; return emit_op(c, WRT_IOP_MEMORY_FILL);
    case WRT_OP_FC + 12: c->height -= 3u; return emit_op(c, WRT_IOP_TABLE_INIT) && emit(c, ins->a) && emit(c, ins->b);
    case WRT_OP_FC + 13: return emit_op(c, WRT_IOP_ELEM_DROP) && emit(c, ins->a);
    case WRT_OP_FC + 14: c->height -= 3u; return emit_op(c, WRT_IOP_TABLE_COPY) && emit(c, ins->a) && emit(c, ins->b);
    case WRT_OP_FC + 15: c->height -= 1u; return emit_op(c, WRT_IOP_TABLE_GROW) && emit(c, ins->a);
    case WRT_OP_FC + 16: c->height += 1u; return emit_op(c, WRT_IOP_TABLE_SIZE) && emit(c, ins->a);
    case WRT_OP_FC + 17: c->height -= 3u; return emit_op(c, WRT_IOP_TABLE_FILL) && emit(c, ins->a);
    case 0xA7:
        /* i32.wrap_i64: its value is still the top, so nothing to emit when it is already 32-bit */
        if (wrap_is_identity(c)) return true;
        break;
    default: break;
    }
    const wrt_opinfo *info = wrt_opinfo_of(ins->op);
    switch (info->kind) {
    case WRT_OPK_SIMPLE:
        c->height = c->height - info->npop + (info->push != 0u ? 1u : 0u);
        if (info->iop == WRT_IOP_NONE) return true;
        return info->npop == 2u ? emit_binop(c, info->iop) : emit_op(c, info->iop);
    case WRT_OPK_LOAD:
        return emit_load(c, info->iop, ins->b);
    case WRT_OPK_STORE:
        c->height -= 2u;
        return emit_store(c, info->iop, ins->b);
    default:
        return wrt_rd_fail_at(&c->r, WRT_ERR_MALFORMED, ins->at, "illegal opcode");
    }
}

bool wrt_compile_function(wrt_runtime *io_rt, const wrt_module *i_mod, wrt_funcdef *io_fn,
                          const uint8_t *i_bytes, size_t len, wrt_error *o_err)
{
    (void)len;
    cstate c;
    wrt_fill(&c, 0, sizeof c);
    c.rt = io_rt;
    c.m = i_mod;
    c.fn = io_fn;
    wrt_rd_init(&c.r, i_bytes, i_bytes + io_fn->body_offset, i_bytes + io_fn->body_end, o_err);
    c.r.multi_memory = WRT_CONFIG_MULTI_MEMORY && (io_rt->features & WRT_FEATURE_MULTI_MEMORY) != 0u;

    wrt_region_state *code = &io_rt->regions[WRT_REGION_CODE];
    size_t left = code->size - code->used;
    c.code = (uint32_t *)(void *)(code->base + code->used);
    /* At most 2^29 cells per body, so a branch's byte distance (target_cell) fits in 32 bits. */
    c.cap = left / 4u > (1u << 29) ? (1u << 29) : (uint32_t)(left / 4u);

    wrt_region_state *scratch = &io_rt->regions[WRT_REGION_CONTROL];
    uintptr_t lo = ((uintptr_t)scratch->base + (sizeof(void *) - 1u)) & ~(uintptr_t)(sizeof(void *) - 1u);
    uintptr_t hi = (uintptr_t)(scratch->base + scratch->size);
    c.ctls = (cctl *)lo;
    c.capctls = hi > lo ? (uint32_t)((hi - lo) / sizeof(cctl)) : 0u;

    c.fuel_site = WRT_NONE;
    c.pending = WRT_NONE;
    c.pack_at = WRT_NONE;
    c.last_op = WRT_NONE;
    c.cand_pos = WRT_NONE;
    if (io_rt->locate_site != NULL && io_rt->locate_site->func_index == io_fn->index) {
        c.locating = true;
        c.locate_cell = io_rt->locate_site->cell;
        c.cur_at = io_fn->body_offset;
    }
    /* Every body starts with its FUEL cell: the call charges it (wrt_exec.c). */
    if (!open_segment(&c)) return false;
    if (!push_ctl(&c, 0u, 0, io_fn->type->nresults, false)) return false;
    c.ctls[0].height = 0;
    bool done = false;
    while (!done && !c.r.failed) {
        wrt_instr ins;
        if (!wrt_rd_instr(&c.r, &ins)) return false;
        c.cur_at = ins.at;
        bool ok = c.dead ? dead_instr(&c, &ins, &done) : live_instr(&c, &ins, &done);
        if (!ok) return false;
    }
    size_t used = (size_t)c.nctls * sizeof(cctl);
    if (used > scratch->peak) scratch->peak = used;
    /* The code region must hold this body's widest moment, not only what it keeps. */
    size_t widest = code->used + (size_t)c.peak * 4u;
    if (widest > code->peak) code->peak = widest;
    if (c.locating && c.cand_pos != WRT_NONE && c.locate_cell < c.pos) io_rt->locate_offset = c.cand_at;
    void *committed = wrt_reserve(io_rt, WRT_REGION_CODE, (size_t)c.pos * 4u, o_err);
    if (committed == NULL) return false;
    io_fn->code = (const uint32_t *)committed;
    io_fn->nparams = io_fn->type->nparams;
    return true;
}
