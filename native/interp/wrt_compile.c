/*
 * Compilation of one validated function body into internal code (wrt_iops.h): branch targets
 * resolved to cell distances with the stack adjustment they need, dead code dropped, and one FUEL
 * charge per straight-line segment.
 *
 * Fuel convention: every instruction costs 1 except `end` and `else`, which only mark structure.
 * A segment starts at function entry, at a loop header, at the start of an if's arms, after the
 * `end` of a block or if, and after br_if. Its whole cost is charged when control enters it, so a
 * trap for exhausted fuel happens exactly at the start of the first segment the budget cannot pay.
 *
 * Forward branches are chained through the cells that will hold their targets and patched when
 * the block ends; the chains live in the code itself, so compiling needs no memory beyond the
 * control stack in the CONTROL region.
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
    cctl *ctls;
    uint32_t nctls;
    uint32_t capctls;
    uint32_t height;
    bool dead;
    bool fuel_pending;
    uint32_t fuel_site;
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

static bool emit(cstate *c, uint32_t cell)
{
    if (c->pos >= c->cap) return code_full(c);
    c->code[c->pos++] = cell;
    return true;
}

static void segment_boundary(cstate *c)
{
    c->fuel_pending = true;
}

/* Charges one instruction to the current segment, opening its FUEL cell if needed. */
static bool charge(cstate *c)
{
#if WRT_CONFIG_FUEL
    if (c->fuel_pending) {
        if (!emit(c, WRT_IOP_FUEL) || !emit(c, 0)) return false;
        c->fuel_site = c->pos - 1u;
        c->fuel_pending = false;
    }
    c->code[c->fuel_site]++;
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

static void patch_chain(cstate *c, uint32_t head, uint32_t target)
{
    /* Each site is on one chain once; the bound only guards against a broken chain. */
    for (uint32_t guard = 0; head != WRT_NONE && guard < c->pos; guard++) {
        uint32_t next = c->code[head];
        c->code[head] = rel(target, head);
        head = next;
    }
}

/* The target cell of a branch to `t`: backward for loops, chained forward otherwise. */
static bool emit_target(cstate *c, cctl *t)
{
    uint32_t site = c->pos;
    if (t->op == 0x03u) return emit(c, rel(t->loop_pc, site));
    if (!emit(c, t->fixups)) return false;
    t->fixups = site;
    return true;
}

static void block_arity(const cctl *t, uint32_t *o_arity)
{
    *o_arity = t->op == 0x03u ? t->nparams : t->nresults;
}

/* br (conditional or not) to the label `depth` blocks out. */
static bool emit_branch(cstate *c, uint32_t depth, bool conditional)
{
    cctl *t = ctl_at(c, depth);
    if (t->op == 0u) {
        /* The function's label: its end holds RETURN, which takes the top results itself. */
        if (!conditional) return emit(c, WRT_IOP_RETURN) && emit(c, c->fn->type->nresults);
        return emit(c, WRT_IOP_BR_IF) && emit_target(c, t);
    }
    uint32_t arity = 0;
    block_arity(t, &arity);
    uint32_t drop = c->height - t->height - arity;
    if (drop == 0u) return emit(c, conditional ? WRT_IOP_BR_IF : WRT_IOP_BR) && emit_target(c, t);
    return emit(c, conditional ? WRT_IOP_BR_IF_DROP : WRT_IOP_BR_DROP) && emit_target(c, t) && emit(c, arity) &&
           emit(c, drop);
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
    if (t->else_site != WRT_NONE) patch_chain(c, t->else_site, c->pos);
    patch_chain(c, t->fixups, c->pos);
    if (t->op == 0u) {
        *o_done = true;
        return emit(c, WRT_IOP_RETURN) && emit(c, c->fn->type->nresults);
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
        patch_chain(c, t->else_site, c->pos);
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

static bool live_instr(cstate *c, const wrt_instr *ins, bool *o_done)
{
    const wrt_module *m = c->m;
    if (ins->op != 0x0Bu && ins->op != 0x05u && !charge(c)) return false;
    switch (ins->op) {
    case 0x00:
        c->dead = true;
        return emit(c, WRT_IOP_UNREACHABLE);
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
        segment_boundary(c);
        return push_ctl(c, 0x03u, np, nr, false);
    }
    case 0x04: {
        uint32_t np; uint32_t nr;
        block_counts(c, ins, &np, &nr);
        c->height -= 1u;
        if (!emit(c, WRT_IOP_BR_UNLESS)) return false;
        uint32_t site = c->pos;
        if (!emit(c, WRT_NONE) || !push_ctl(c, 0x04u, np, nr, false)) return false;
        ctl_at(c, 0)->else_site = site;
        segment_boundary(c);
        return true;
    }
    case 0x05: {
        cctl *t = ctl_at(c, 0);
        if (!emit(c, WRT_IOP_BR) || !emit_target(c, t)) return false;
        patch_chain(c, t->else_site, c->pos);
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
        if (!emit_branch(c, ins->a, true)) return false;
        segment_boundary(c);
        return true;
    case 0x0E: {
        c->height -= 1u;
        if (!emit(c, WRT_IOP_BR_TABLE) || !emit(c, ins->a)) return false;
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
        return emit(c, WRT_IOP_RETURN) && emit(c, c->fn->type->nresults);
    case 0x10: {
        const wrt_functype *t = m->funcs[ins->a].type;
        c->height = c->height - t->nparams + t->nresults;
        return emit(c, ins->a < m->nfunc_imports ? WRT_IOP_CALL_IMPORT : WRT_IOP_CALL) && emit(c, ins->a);
    }
    case 0x11: {
        const wrt_functype *t = &m->types[ins->a];
        c->height = c->height - 1u - t->nparams + t->nresults;
        return emit(c, WRT_IOP_CALL_INDIRECT) && emit(c, ins->a) && emit(c, ins->b);
    }
    case 0x1A:
        c->height -= 1u;
        return emit(c, WRT_IOP_DROP);
    case 0x1B: case 0x1C:
        c->height -= 2u;
        return emit(c, WRT_IOP_SELECT);
    case 0x20: c->height += 1u; return emit(c, WRT_IOP_LOCAL_GET) && emit(c, ins->a);
    case 0x21: c->height -= 1u; return emit(c, WRT_IOP_LOCAL_SET) && emit(c, ins->a);
    case 0x22: return emit(c, WRT_IOP_LOCAL_TEE) && emit(c, ins->a);
    case 0x23: c->height += 1u; return emit(c, WRT_IOP_GLOBAL_GET) && emit(c, ins->a);
    case 0x24: c->height -= 1u; return emit(c, WRT_IOP_GLOBAL_SET) && emit(c, ins->a);
    case 0x25: return emit(c, WRT_IOP_TABLE_GET) && emit(c, ins->a);
    case 0x26: c->height -= 2u; return emit(c, WRT_IOP_TABLE_SET) && emit(c, ins->a);
    case 0x3F: c->height += 1u; return emit(c, WRT_IOP_MEMORY_SIZE);
    case 0x40: return emit(c, WRT_IOP_MEMORY_GROW);
    case 0x41: case 0x43:
        c->height += 1u;
        return emit(c, WRT_IOP_CONST32) && emit(c, (uint32_t)ins->bits);
    case 0x42: case 0x44:
        c->height += 1u;
        return emit(c, WRT_IOP_CONST64) && emit(c, (uint32_t)ins->bits) && emit(c, (uint32_t)(ins->bits >> 32));
    case 0xD0: c->height += 1u; return emit(c, WRT_IOP_CONST32) && emit(c, 0);
    case 0xD1: return emit(c, WRT_IOP_REF_IS_NULL);
    case 0xD2: c->height += 1u; return emit(c, WRT_IOP_REF_FUNC) && emit(c, ins->a);
    case WRT_OP_FC + 8: c->height -= 3u; return emit(c, WRT_IOP_MEMORY_INIT) && emit(c, ins->a);
    case WRT_OP_FC + 9: return emit(c, WRT_IOP_DATA_DROP) && emit(c, ins->a);
    case WRT_OP_FC + 10: c->height -= 3u; return emit(c, WRT_IOP_MEMORY_COPY);
    case WRT_OP_FC + 11: c->height -= 3u; return emit(c, WRT_IOP_MEMORY_FILL);
    case WRT_OP_FC + 12: c->height -= 3u; return emit(c, WRT_IOP_TABLE_INIT) && emit(c, ins->a) && emit(c, ins->b);
    case WRT_OP_FC + 13: return emit(c, WRT_IOP_ELEM_DROP) && emit(c, ins->a);
    case WRT_OP_FC + 14: c->height -= 3u; return emit(c, WRT_IOP_TABLE_COPY) && emit(c, ins->a) && emit(c, ins->b);
    case WRT_OP_FC + 15: c->height -= 1u; return emit(c, WRT_IOP_TABLE_GROW) && emit(c, ins->a);
    case WRT_OP_FC + 16: c->height += 1u; return emit(c, WRT_IOP_TABLE_SIZE) && emit(c, ins->a);
    case WRT_OP_FC + 17: c->height -= 3u; return emit(c, WRT_IOP_TABLE_FILL) && emit(c, ins->a);
    default: break;
    }
    const wrt_opinfo *info = wrt_opinfo_of(ins->op);
    switch (info->kind) {
    case WRT_OPK_SIMPLE:
        c->height = c->height - info->npop + (info->push != 0u ? 1u : 0u);
        return info->iop == WRT_IOP_NONE || emit(c, info->iop);
    case WRT_OPK_LOAD:
        return emit(c, info->iop) && emit(c, ins->b);
    case WRT_OPK_STORE:
        c->height -= 2u;
        return emit(c, info->iop) && emit(c, ins->b);
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

    wrt_region_state *code = &io_rt->regions[WRT_REGION_CODE];
    size_t left = code->size - code->used;
    c.code = (uint32_t *)(void *)(code->base + code->used);
    c.cap = left / 4u > UINT32_MAX ? UINT32_MAX : (uint32_t)(left / 4u);

    wrt_region_state *scratch = &io_rt->regions[WRT_REGION_CONTROL];
    uintptr_t lo = ((uintptr_t)scratch->base + (sizeof(void *) - 1u)) & ~(uintptr_t)(sizeof(void *) - 1u);
    uintptr_t hi = (uintptr_t)(scratch->base + scratch->size);
    c.ctls = (cctl *)lo;
    c.capctls = hi > lo ? (uint32_t)((hi - lo) / sizeof(cctl)) : 0u;

    c.fuel_pending = true;
    c.fuel_site = WRT_NONE;
    if (!push_ctl(&c, 0u, 0, io_fn->type->nresults, false)) return false;
    c.ctls[0].height = 0;
    bool done = false;
    while (!done && !c.r.failed) {
        wrt_instr ins;
        if (!wrt_rd_instr(&c.r, &ins)) return false;
        bool ok = c.dead ? dead_instr(&c, &ins, &done) : live_instr(&c, &ins, &done);
        if (!ok) return false;
    }
    size_t used = (size_t)c.nctls * sizeof(cctl);
    if (used > scratch->peak) scratch->peak = used;
    void *committed = wrt_reserve(io_rt, WRT_REGION_CODE, (size_t)c.pos * 4u, o_err);
    if (committed == NULL) return false;
    io_fn->code = (const uint32_t *)committed;
    return true;
}
