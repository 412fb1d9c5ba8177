/*
 * Validation of one function body: the specification's algorithm (its appendix "Validation
 * Algorithm") with an operand type stack and a control stack. Both live in the CONTROL region as
 * arrays: operand types grow up from the bottom of the free space, control frames down from the
 * top, and their meeting is a clean WRT_ERR_ARENA naming the region. No recursion, and every loop
 * is bounded by the body's bytes or a count read from them.
 * Side results the executor needs: the number of declared locals and the frame size in slots.
 */
#include "wrt_opcodes.h"
#include "wrt_read.h"

typedef struct vctl {
    const uint8_t *params;
    const uint8_t *results;
    uint32_t nparams;
    uint32_t nresults;
    uint32_t height;
    uint32_t op;        /* 0 for the function's own frame, else block/loop/if/else opcode */
    bool unreachable;
} vctl;

typedef struct vstate {
    wrt_reader r;
    wrt_runtime *rt;
    const wrt_module *m;
    const wrt_functype *type;
    uint32_t at;             /* offset of the instruction being checked, for errors */
    uint8_t *vals;
    uint32_t nvals;
    uint32_t max_vals;
    vctl *ctl_top;           /* control frame i lives at ctl_top[-1 - i] */
    uint32_t nctls;
    uint32_t *group_end;     /* local declarations: cumulative counts (params excluded) */
    uint8_t *group_type;
    uint32_t ngroups;
    uint64_t nlocals;        /* declared locals */
} vstate;

static const uint8_t single_types[6] = {
    WRT_TYPE_I32, WRT_TYPE_I64, WRT_TYPE_F32, WRT_TYPE_F64, WRT_TYPE_FUNCREF, WRT_TYPE_EXTERNREF,
};

static const uint8_t *single(uint8_t t)
{
    for (uint32_t i = 0; i < 6u; i++) {
        if (single_types[i] == t) return &single_types[i];
    }
    return NULL;
}

static bool verr(vstate *v, const char *message)
{
    return wrt_rd_fail_at(&v->r, WRT_ERR_INVALID, v->at, message);
}

static bool scratch_full(vstate *v)
{
    const wrt_region_state *st = &v->rt->regions[WRT_REGION_CONTROL];
    wrt_rd_fail_at(&v->r, WRT_ERR_ARENA, v->at, "arena region exhausted");
    if (v->r.err != NULL) {
        v->r.err->region = WRT_REGION_CONTROL;
        v->r.err->need = (uint64_t)st->size + 1u;
        v->r.err->capacity = st->size;
    }
    return false;
}

static vctl *ctl(vstate *v, uint32_t depth_from_top)
{
    return v->ctl_top - v->nctls + depth_from_top;
}

static bool has_room(vstate *v, size_t bytes)
{
    uint8_t *low = v->vals + v->nvals;
    uint8_t *high = (uint8_t *)(v->ctl_top - v->nctls);
    return (size_t)(high - low) >= bytes;
}

static bool push(vstate *v, uint8_t t)
{
    if (!has_room(v, 1)) return scratch_full(v);
    v->vals[v->nvals++] = t;
    if (v->nvals > v->max_vals) v->max_vals = v->nvals;
    return true;
}

static bool pop(vstate *v, uint8_t *o_t)
{
    vctl *c = ctl(v, 0);
    if (v->nvals == c->height) {
        if (c->unreachable) {
            *o_t = WRT_TYPE_UNKNOWN;
            return true;
        }
        return verr(v, "type mismatch");
    }
    *o_t = v->vals[--v->nvals];
    return true;
}

static bool pop_expect(vstate *v, uint8_t expect)
{
    uint8_t t = 0;
    if (!pop(v, &t)) return false;
    if (t != expect && t != WRT_TYPE_UNKNOWN && expect != WRT_TYPE_UNKNOWN) return verr(v, "type mismatch");
    return true;
}

static bool pop_types(vstate *v, const uint8_t *i_types, uint32_t n)
{
    for (uint32_t i = n; i > 0u; i--) {
        if (!pop_expect(v, i_types[i - 1u])) return false;
    }
    return true;
}

static bool push_types(vstate *v, const uint8_t *i_types, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) {
        if (!push(v, i_types[i])) return false;
    }
    return true;
}

/* The check pop_vals-then-push_vals does, without moving anything (br_table targets). */
static bool peek_types(vstate *v, const uint8_t *i_types, uint32_t n)
{
    vctl *c = ctl(v, 0);
    uint32_t avail = v->nvals - c->height;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t expect = i_types[n - 1u - i];
        uint8_t actual = WRT_TYPE_UNKNOWN;
        if (i < avail) {
            actual = v->vals[v->nvals - 1u - i];
        } else if (!c->unreachable) {
            return verr(v, "type mismatch");
        }
        if (actual != expect && actual != WRT_TYPE_UNKNOWN) return verr(v, "type mismatch");
    }
    return true;
}

static bool push_ctl(vstate *v, uint32_t op, const uint8_t *params, uint32_t np, const uint8_t *results,
                     uint32_t nr)
{
    if (!has_room(v, sizeof(vctl))) return scratch_full(v);
    v->nctls++;
    vctl *c = ctl(v, 0);
    c->op = op;
    c->params = params;
    c->nparams = np;
    c->results = results;
    c->nresults = nr;
    c->height = v->nvals;
    c->unreachable = false;
    return push_types(v, params, np);
}

static bool set_unreachable(vstate *v)
{
    vctl *c = ctl(v, 0);
    v->nvals = c->height;
    c->unreachable = true;
    return true;
}

static void label_types(vctl *c, const uint8_t **o_types, uint32_t *o_n)
{
    if (c->op == 0x03u) {
        *o_types = c->params;
        *o_n = c->nparams;
    } else {
        *o_types = c->results;
        *o_n = c->nresults;
    }
}

static bool block_type(vstate *v, const wrt_instr *i_ins, const uint8_t **o_params, uint32_t *o_np,
                       const uint8_t **o_results, uint32_t *o_nr)
{
    *o_params = NULL;
    *o_np = 0;
    *o_results = NULL;
    *o_nr = 0;
    if (i_ins->a == WRT_BT_VALUE) {
        *o_results = single((uint8_t)i_ins->b);
        *o_nr = 1;
    } else if (i_ins->a == WRT_BT_INDEX) {
        if (i_ins->b >= v->m->ntypes) return verr(v, "unknown type");
        const wrt_functype *t = &v->m->types[i_ins->b];
        *o_params = t->types;
        *o_np = t->nparams;
        *o_results = t->types + t->nparams;
        *o_nr = t->nresults;
    }
    return true;
}

static bool local_type(vstate *v, uint32_t idx, uint8_t *o_t)
{
    if (idx < v->type->nparams) {
        *o_t = v->type->types[idx];
        return true;
    }
    uint64_t k = (uint64_t)idx - v->type->nparams;
    if (k >= v->nlocals) return verr(v, "unknown local");
    /* Binary search over the declaration groups' cumulative ends. */
    uint32_t lo = 0;
    uint32_t hi = v->ngroups;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2u;
        if (v->group_end[mid] <= k) lo = mid + 1u; else hi = mid;
    }
    *o_t = v->group_type[lo];
    return true;
}

/* Memory `idx` exists (always 0 unless multi-memory is on: the reader gives 0 for the zero byte). */
static bool need_memory(vstate *v, uint32_t idx)
{
    /* Without multi-memory the index is always 0 (the reader leaves it so): one test fewer. */
    bool unknown = WRT_CONFIG_MULTI_MEMORY ? idx >= v->m->nmems : ((void)idx, v->m->nmems == 0u);
    return unknown ? verr(v, "unknown memory") : true;
}

static bool need_table(vstate *v, uint32_t idx)
{
    return idx >= v->m->ntables ? verr(v, "unknown table") : true;
}

static bool is_num(uint8_t t)
{
    return t == WRT_TYPE_I32 || t == WRT_TYPE_I64 || t == WRT_TYPE_F32 || t == WRT_TYPE_F64 || t == WRT_TYPE_UNKNOWN;
}

static bool is_ref(uint8_t t)
{
    return t == WRT_TYPE_FUNCREF || t == WRT_TYPE_EXTERNREF || t == WRT_TYPE_UNKNOWN;
}

static bool same_types(const uint8_t *a, uint32_t na, const uint8_t *b, uint32_t nb)
{
    return na == nb && (na == 0u || wrt_equal(a, b, na));
}

static bool pop3_i32(vstate *v)
{
    return pop_expect(v, WRT_TYPE_I32) && pop_expect(v, WRT_TYPE_I32) && pop_expect(v, WRT_TYPE_I32);
}

/* Data indices count the data count section; without one (and so without segments, see decode) none. */
static bool need_data(vstate *v, uint32_t idx)
{
    uint32_t count = v->m->has_datacount ? v->m->datacount : v->m->ndatas;
    return idx >= count ? verr(v, "unknown data segment") : true;
}

static bool need_elem(vstate *v, uint32_t idx)
{
    return idx >= v->m->nelems ? verr(v, "unknown elem segment") : true;
}

/* One instruction. Returns false on error; sets *o_done at the function's final `end`. */
static bool check(vstate *v, const wrt_instr *ins, bool *o_done)
{
    const wrt_module *m = v->m;
    uint8_t t = 0;
    switch (ins->op) {
    case 0x00: return set_unreachable(v);
    case 0x01: return true;
    case 0x02: case 0x03: case 0x04: {
        const uint8_t *params; const uint8_t *results; uint32_t np; uint32_t nr;
        if (!block_type(v, ins, &params, &np, &results, &nr)) return false;
        if (ins->op == 0x04u && !pop_expect(v, WRT_TYPE_I32)) return false;
        if (!pop_types(v, params, np)) return false;
        return push_ctl(v, ins->op, params, np, results, nr);
    }
    case 0x05: {
        vctl *c = ctl(v, 0);
        if (c->op != 0x04u) return wrt_rd_fail_at(&v->r, WRT_ERR_MALFORMED, v->at, "else without if");
        if (!pop_types(v, c->results, c->nresults)) return false;
        if (v->nvals != c->height) return verr(v, "type mismatch");
        c->op = 0x05u;
        c->unreachable = false;
        return push_types(v, c->params, c->nparams);
    }
    case 0x0B: {
        vctl *c = ctl(v, 0);
        if (!pop_types(v, c->results, c->nresults)) return false;
        if (v->nvals != c->height) return verr(v, "type mismatch");
        if (c->op == 0x04u && !same_types(c->params, c->nparams, c->results, c->nresults)) return verr(v, "type mismatch");
        const uint8_t *results = c->results;
        uint32_t nr = c->nresults;
        v->nctls--;
        if (v->nctls == 0u) {
            *o_done = true;
            return true;
        }
        return push_types(v, results, nr);
    }
    case 0x0C: case 0x0D: {
        if (ins->op == 0x0Du && !pop_expect(v, WRT_TYPE_I32)) return false;
        if (ins->a >= v->nctls) return verr(v, "unknown label");
        const uint8_t *lt; uint32_t n;
        label_types(ctl(v, ins->a), &lt, &n);
        if (!pop_types(v, lt, n)) return false;
        if (ins->op == 0x0Cu) return set_unreachable(v);
        return push_types(v, lt, n);
    }
    case 0x0E: {
        if (!pop_expect(v, WRT_TYPE_I32)) return false;
        if (ins->b >= v->nctls) return verr(v, "unknown label");
        const uint8_t *dt; uint32_t arity;
        label_types(ctl(v, ins->b), &dt, &arity);
        wrt_reader tr;
        wrt_rd_init(&tr, v->r.base, ins->vec, v->r.end, NULL);
        for (uint32_t i = 0; i < ins->a; i++) {
            uint32_t l = wrt_rd_u32(&tr);
            if (l >= v->nctls) return verr(v, "unknown label");
            const uint8_t *lt; uint32_t n;
            label_types(ctl(v, l), &lt, &n);
            if (n != arity) return verr(v, "type mismatch");
            if (!peek_types(v, lt, n)) return false;
        }
        if (!pop_types(v, dt, arity)) return false;
        return set_unreachable(v);
    }
    case 0x0F:
        if (!pop_types(v, v->type->types + v->type->nparams, v->type->nresults)) return false;
        return set_unreachable(v);
    case 0x10: {
        if (ins->a >= m->nfuncs) return verr(v, "unknown function");
        const wrt_functype *ft = m->funcs[ins->a].type;
        return pop_types(v, ft->types, ft->nparams) && push_types(v, ft->types + ft->nparams, ft->nresults);
    }
    case 0x11: {
        if (!need_table(v, ins->b)) return false;
        if (m->tables[ins->b].elemtype != WRT_TYPE_FUNCREF) return verr(v, "type mismatch");
        if (ins->a >= m->ntypes) return verr(v, "unknown type");
        const wrt_functype *ft = &m->types[ins->a];
        return pop_expect(v, WRT_TYPE_I32) && pop_types(v, ft->types, ft->nparams) &&
               push_types(v, ft->types + ft->nparams, ft->nresults);
    }
    case 0x1A: return pop(v, &t);
    case 0x1B: {
        uint8_t t1 = 0; uint8_t t2 = 0;
        if (!pop_expect(v, WRT_TYPE_I32) || !pop(v, &t1) || !pop(v, &t2)) return false;
        if (!is_num(t1) || !is_num(t2)) return verr(v, "type mismatch");
        if (t1 != t2 && t1 != WRT_TYPE_UNKNOWN && t2 != WRT_TYPE_UNKNOWN) return verr(v, "type mismatch");
        return push(v, t1 == WRT_TYPE_UNKNOWN ? t2 : t1);
    }
    case 0x1C: {
        if (ins->a != 1u) return verr(v, "invalid result arity");
        t = (uint8_t)ins->b;
        return pop_expect(v, WRT_TYPE_I32) && pop_expect(v, t) && pop_expect(v, t) && push(v, t);
    }
    case 0x20: return local_type(v, ins->a, &t) && push(v, t);
    case 0x21: return local_type(v, ins->a, &t) && pop_expect(v, t);
    case 0x22: return local_type(v, ins->a, &t) && pop_expect(v, t) && push(v, t);
    case 0x23:
        if (ins->a >= m->nglobals) return verr(v, "unknown global");
        return push(v, m->globals[ins->a].type);
    case 0x24:
        if (ins->a >= m->nglobals) return verr(v, "unknown global");
        if (!m->globals[ins->a].mutable_) return verr(v, "global is immutable");
        return pop_expect(v, m->globals[ins->a].type);
    case 0x25:
        return need_table(v, ins->a) && pop_expect(v, WRT_TYPE_I32) && push(v, m->tables[ins->a].elemtype);
    case 0x26:
        return need_table(v, ins->a) && pop_expect(v, m->tables[ins->a].elemtype) && pop_expect(v, WRT_TYPE_I32);
    case 0x3F: return need_memory(v, ins->mem) && push(v, WRT_TYPE_I32);
    case 0x40: return need_memory(v, ins->mem) && pop_expect(v, WRT_TYPE_I32) && push(v, WRT_TYPE_I32);
    case 0x41: return push(v, WRT_TYPE_I32);
    case 0x42: return push(v, WRT_TYPE_I64);
    case 0x43: return push(v, WRT_TYPE_F32);
    case 0x44: return push(v, WRT_TYPE_F64);
    case 0xD0: return push(v, (uint8_t)ins->a);
    case 0xD1:
        if (!pop(v, &t)) return false;
        if (!is_ref(t)) return verr(v, "type mismatch");
        return push(v, WRT_TYPE_I32);
    case 0xD2:
        if (ins->a >= m->nfuncs) return verr(v, "unknown function");
        if ((m->func_refs[ins->a / 8u] & (1u << (ins->a % 8u))) == 0u) return verr(v, "undeclared function reference");
        return push(v, WRT_TYPE_FUNCREF);
    case WRT_OP_FC + 8: return need_memory(v, ins->mem) && need_data(v, ins->a) && pop3_i32(v);
    case WRT_OP_FC + 9: return need_data(v, ins->a);
    case WRT_OP_FC + 10: return need_memory(v, ins->mem) && (!WRT_CONFIG_MULTI_MEMORY || need_memory(v, ins->mem2)) && pop3_i32(v);
    case WRT_OP_FC + 11: return need_memory(v, ins->mem) && pop3_i32(v);
    case WRT_OP_FC + 12:
        if (!need_table(v, ins->b) || !need_elem(v, ins->a)) return false;
        if (m->elems[ins->a].type != m->tables[ins->b].elemtype) return verr(v, "type mismatch");
        return pop3_i32(v);
    case WRT_OP_FC + 13: return need_elem(v, ins->a);
    case WRT_OP_FC + 14:
        if (!need_table(v, ins->a) || !need_table(v, ins->b)) return false;
        if (m->tables[ins->a].elemtype != m->tables[ins->b].elemtype) return verr(v, "type mismatch");
        return pop3_i32(v);
    case WRT_OP_FC + 15:
        return need_table(v, ins->a) && pop_expect(v, WRT_TYPE_I32) && pop_expect(v, m->tables[ins->a].elemtype) &&
               push(v, WRT_TYPE_I32);
    case WRT_OP_FC + 16: return need_table(v, ins->a) && push(v, WRT_TYPE_I32);
    case WRT_OP_FC + 17:
        return need_table(v, ins->a) && pop_expect(v, WRT_TYPE_I32) && pop_expect(v, m->tables[ins->a].elemtype) &&
               pop_expect(v, WRT_TYPE_I32);
    default: break;
    }
    const wrt_opinfo *info = wrt_opinfo_of(ins->op);
    switch (info->kind) {
    case WRT_OPK_SIMPLE:
        for (uint32_t i = info->npop; i > 0u; i--) {
            if (!pop_expect(v, info->pop[i - 1u])) return false;
        }
        return info->push == 0u || push(v, info->push);
    case WRT_OPK_LOAD:
    case WRT_OPK_STORE:
        if (!need_memory(v, ins->mem)) return false;
        if (ins->a > info->align) return verr(v, "alignment must not be larger than natural");
        if (info->kind == WRT_OPK_LOAD) return pop_expect(v, WRT_TYPE_I32) && push(v, info->push);
        return pop_expect(v, info->pop[1]) && pop_expect(v, WRT_TYPE_I32);
    default:
        return wrt_rd_fail_at(&v->r, WRT_ERR_MALFORMED, v->at, "illegal opcode");
    }
}

bool wrt_validate_function(wrt_runtime *io_rt, const wrt_module *i_mod, wrt_funcdef *io_fn,
                           const uint8_t *i_bytes, size_t len, wrt_error *o_err)
{
    (void)len;
    vstate v;
    wrt_fill(&v, 0, sizeof v);
    v.rt = io_rt;
    v.m = i_mod;
    v.type = io_fn->type;
    wrt_rd_init(&v.r, i_bytes, i_bytes + io_fn->body_offset, i_bytes + io_fn->body_end, o_err);
    v.r.multi_memory = WRT_CONFIG_MULTI_MEMORY && (io_rt->features & WRT_FEATURE_MULTI_MEMORY) != 0u;

    wrt_region_state *scratch = &io_rt->regions[WRT_REGION_CONTROL];
    scratch->used = 0;
    uint8_t *free_lo = scratch->base;
    uint8_t *free_hi = scratch->base + scratch->size;

    /* Local declarations: run-length groups, so a huge count costs no memory. */
    v.at = wrt_rd_offset(&v.r);
    uint32_t ngroups = wrt_rd_count(&v.r);
    if (v.r.failed) return false;
    size_t group_bytes = (size_t)ngroups * (sizeof(uint32_t) + 1u);
    if (group_bytes > (size_t)(free_hi - free_lo)) return scratch_full(&v);
    v.group_end = (uint32_t *)(void *)free_lo;
    v.group_type = free_lo + (size_t)ngroups * sizeof(uint32_t);
    v.ngroups = ngroups;
    uint64_t total = 0;
    for (uint32_t i = 0; i < ngroups; i++) {
        uint32_t n = wrt_rd_u32(&v.r);
        uint8_t t = wrt_rd_valtype(&v.r);
        if (v.r.failed) return false;
        total += n;
        if (total > UINT32_MAX) return wrt_rd_fail_at(&v.r, WRT_ERR_MALFORMED, v.at, "too many locals");
        v.group_end[i] = (uint32_t)total;
        v.group_type[i] = t;
    }
    if ((uint64_t)v.type->nparams + total > WRT_CONFIG_MAX_LOCALS) {
        return wrt_rd_fail_at(&v.r, WRT_ERR_LIMIT, v.at, "too many locals: more parameters and locals than WRT_CONFIG_MAX_LOCALS");
    }
    v.nlocals = total;
    io_fn->nlocals = (uint32_t)total;
    uint32_t code_start = wrt_rd_offset(&v.r);

    /* Operand types grow up after the groups; control frames grow down from the aligned top. */
    v.vals = free_lo + group_bytes;
    uintptr_t top = (uintptr_t)free_hi & ~(uintptr_t)(sizeof(void *) - 1u);
    v.ctl_top = (vctl *)top;
    if ((uint8_t *)v.ctl_top < v.vals) return scratch_full(&v);

    v.at = code_start;
    if (!push_ctl(&v, 0, NULL, 0, v.type->types + v.type->nparams, v.type->nresults)) return false;
    bool done = false;
    while (!done) {
        wrt_instr ins;
        if (wrt_rd_at_end(&v.r)) return wrt_rd_fail(&v.r, WRT_ERR_MALFORMED, "END opcode expected");
        if (!wrt_rd_instr(&v.r, &ins)) return false;
        v.at = ins.at;
        if (!check(&v, &ins, &done)) return false;
    }
    if (!wrt_rd_at_end(&v.r)) return wrt_rd_fail(&v.r, WRT_ERR_MALFORMED, "section size mismatch");

    /* Peak scratch use, for the region report. */
    size_t used = (size_t)(v.vals + v.max_vals - scratch->base);
    if (used > scratch->peak) scratch->peak = used;

    /* One slot more: the spill slot below the operands, where the executor's first push of a
     * frame stores its meaningless register top (wrt_exec.c). */
    uint64_t slots = (uint64_t)v.type->nparams + total + 1u + v.max_vals;
    io_fn->frame_slots = slots > UINT32_MAX ? UINT32_MAX : (uint32_t)slots;
    io_fn->body_offset = code_start;
    return true;
}
