/*
 * Decoding of a binary module into the arena: sections, their order and sizes, and every
 * module-level validation rule (index ranges, limits, constant expressions, export names).
 * Function bodies are handed to wrt_validate.c and wrt_compile.c as the code section is read.
 * What stays needed after the load (names, segment bytes) is copied into the META region, so the
 * input buffer can be released.
 */
#include "wrt_read.h"

typedef struct decoder {
    wrt_reader r;
    wrt_runtime *rt;
    wrt_module *m;
    size_t len;
    uint32_t ndefined_funcs;   /* from the function section */
    bool funcs_done, tables_done, mems_done, globals_done;
    bool seen_code, seen_data;
} decoder;

/* Section ids ranked in the order they must appear; 0 = unknown. */
static uint32_t section_rank(uint32_t id)
{
    static const uint8_t ranks[13] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 10 };
    return id < 13u ? ranks[id] : 0u;
}

static bool invalid(decoder *d, uint32_t offset, const char *message)
{
    return wrt_rd_fail_at(&d->r, WRT_ERR_INVALID, offset, message);
}

static void *meta_array(decoder *d, uint32_t count, size_t elem)
{
    if (count == 0u) return NULL;
    void *p = wrt_alloc_array(d->rt, WRT_REGION_META, count, elem, d->r.err);
    if (p == NULL) {
        /* wrt_alloc filled the error (region, need, capacity); keep it and stop reading. */
        d->r.failed = true;
        d->r.p = d->r.end;
        if (d->r.err != NULL) d->r.err->offset = wrt_rd_offset(&d->r);
    }
    return p;
}

static const uint8_t *meta_copy(decoder *d, const uint8_t *i_src, uint32_t n)
{
    if (n == 0u) return i_src;
    uint8_t *p = (uint8_t *)meta_array(d, n, 1);
    if (p != NULL) wrt_copy(p, i_src, n);
    return p;
}

/* ---- kind arrays: imports first, then definitions; finalized when a later section needs them -- */

static void finalize_funcs(decoder *d)
{
    if (d->funcs_done || d->r.failed) return;
    wrt_module *m = d->m;
    d->funcs_done = true;
    m->nfuncs = m->nfunc_imports + d->ndefined_funcs;
    if (m->nfuncs < m->nfunc_imports) {
        wrt_rd_fail(&d->r, WRT_ERR_LIMIT, "too many functions");
        return;
    }
    if (m->funcs == NULL) m->funcs = (wrt_funcdef *)meta_array(d, m->nfuncs, sizeof(wrt_funcdef));
    m->func_refs = (uint8_t *)meta_array(d, (m->nfuncs + 7u) / 8u, 1);
    if (d->r.failed) return;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const wrt_import *im = &m->imports[i];
        if (im->kind == WRT_KIND_FUNC) {
            m->funcs[im->index].type = &m->types[im->typeidx];
            m->funcs[im->index].index = im->index;
        }
    }
}

static void finalize_tables(decoder *d, uint32_t ndefined)
{
    if (d->tables_done || d->r.failed) return;
    wrt_module *m = d->m;
    d->tables_done = true;
    m->ntables = m->ntable_imports + ndefined;
    m->tables = (wrt_tabletype *)meta_array(d, m->ntables, sizeof(wrt_tabletype));
    if (d->r.failed) return;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const wrt_import *im = &m->imports[i];
        if (im->kind == WRT_KIND_TABLE) m->tables[im->index] = im->table;
    }
}

static void finalize_mems(decoder *d, uint32_t ndefined)
{
    if (d->mems_done || d->r.failed) return;
    wrt_module *m = d->m;
    d->mems_done = true;
    m->nmems = m->nmem_imports + ndefined;
    if (m->nmems > 1u && (!WRT_CONFIG_MULTI_MEMORY || (d->rt->features & WRT_FEATURE_MULTI_MEMORY) == 0u)) {
        invalid(d, wrt_rd_offset(&d->r), "multiple memories");
        return;
    }
    m->mems = (wrt_limits *)meta_array(d, m->nmems, sizeof(wrt_limits));
    if (d->r.failed) return;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const wrt_import *im = &m->imports[i];
        if (im->kind == WRT_KIND_MEMORY) m->mems[im->index] = im->memory;
    }
}

static void finalize_globals(decoder *d, uint32_t ndefined)
{
    if (d->globals_done || d->r.failed) return;
    wrt_module *m = d->m;
    d->globals_done = true;
    m->nglobals = m->nglobal_imports + ndefined;
    m->globals = (wrt_globaldef *)meta_array(d, m->nglobals, sizeof(wrt_globaldef));
    if (d->r.failed) return;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const wrt_import *im = &m->imports[i];
        if (im->kind == WRT_KIND_GLOBAL) {
            m->globals[im->index].type = im->global_type;
            m->globals[im->index].mutable_ = im->global_mutable;
        }
    }
}

/* Every kind whose own section comes before `rank` and did not appear has only its imports. */
static void finalize_before(decoder *d, uint32_t rank)
{
    if (rank > 3u) finalize_funcs(d);
    if (rank > 4u) finalize_tables(d, 0);
    if (rank > 5u) finalize_mems(d, 0);
    if (rank > 6u) finalize_globals(d, 0);
}

static void mark_ref(decoder *d, uint32_t funcidx)
{
    if (funcidx < d->m->nfuncs) d->m->func_refs[funcidx / 8u] |= (uint8_t)(1u << (funcidx % 8u));
}

/* ---- shared pieces ------------------------------------------------------------------------ */

static void rd_limits(decoder *d, wrt_limits *o_lim, bool memory)
{
    uint32_t at = wrt_rd_offset(&d->r);
    uint8_t flags = wrt_rd_u8(&d->r);
    if (d->r.failed) return;
    if (flags > 1u) {
        wrt_rd_fail_at(&d->r, WRT_ERR_MALFORMED, at, "integer too large");
        return;
    }
    o_lim->min = wrt_rd_u32(&d->r);
    o_lim->has_max = flags == 1u;
    o_lim->max = o_lim->has_max ? wrt_rd_u32(&d->r) : 0u;
    if (d->r.failed) return;
    if (memory && (o_lim->min > WRT_MAX_PAGES || (o_lim->has_max && o_lim->max > WRT_MAX_PAGES))) {
        invalid(d, at, "memory size must be at most 65536 pages (4GiB)");
        return;
    }
    if (o_lim->has_max && o_lim->min > o_lim->max) invalid(d, at, "size minimum must not be greater than maximum");
}

static bool is_const_op(uint32_t op)
{
    return op == 0x41u || op == 0x42u || op == 0x43u || op == 0x44u || op == 0x23u || op == 0xD0u || op == 0xD2u;
}

/* A WebAssembly 2.0 constant expression: one constant instruction, then `end`. */
static void rd_const_expr(decoder *d, uint8_t expect, wrt_const_expr *o_expr)
{
    wrt_module *m = d->m;
    wrt_instr ins;
    if (!wrt_rd_instr(&d->r, &ins)) return;
    o_expr->op = (uint8_t)ins.op;
    o_expr->index = 0;
    o_expr->bits = ins.bits;
    switch (ins.op) {
    case 0x41: o_expr->type = WRT_TYPE_I32; o_expr->bits &= 0xFFFFFFFFu; break;
    case 0x42: o_expr->type = WRT_TYPE_I64; break;
    case 0x43: o_expr->type = WRT_TYPE_F32; break;
    case 0x44: o_expr->type = WRT_TYPE_F64; break;
    case 0xD0: o_expr->type = (uint8_t)ins.a; o_expr->bits = 0; break;
    case 0xD2:
        if (ins.a >= m->nfuncs) { invalid(d, ins.at, "unknown function"); return; }
        o_expr->type = WRT_TYPE_FUNCREF;
        o_expr->index = ins.a;
        mark_ref(d, ins.a);
        break;
    case 0x23:
        /* 2.0: only imported globals are visible to constant expressions. */
        if (ins.a >= m->nglobal_imports) { invalid(d, ins.at, "unknown global"); return; }
        if (m->globals[ins.a].mutable_) { invalid(d, ins.at, "constant expression required"); return; }
        o_expr->type = m->globals[ins.a].type;
        o_expr->index = ins.a;
        break;
    case 0x0B:
        invalid(d, ins.at, "type mismatch");
        return;
    default:
        invalid(d, ins.at, "constant expression required");
        return;
    }
    wrt_instr end;
    if (!wrt_rd_instr(&d->r, &end)) return;
    if (end.op != 0x0Bu) {
        invalid(d, end.at, is_const_op(end.op) ? "type mismatch" : "constant expression required");
        return;
    }
    if (o_expr->type != expect) invalid(d, ins.at, "type mismatch");
}

/* ---- sections ----------------------------------------------------------------------------- */

static void sec_type(decoder *d)
{
    wrt_module *m = d->m;
    uint32_t n = wrt_rd_count(&d->r);
    m->ntypes = n;
    m->types = (wrt_functype *)meta_array(d, n, sizeof(wrt_functype));
    for (uint32_t i = 0; i < n && !d->r.failed; i++) {
        uint32_t at = wrt_rd_offset(&d->r);
        uint8_t form = wrt_rd_u8(&d->r);
        if (d->r.failed) return;
        if (form != 0x60u) {
            wrt_rd_fail_at(&d->r, WRT_ERR_MALFORMED, at, "integer representation too long");
            return;
        }
        uint32_t np = wrt_rd_count(&d->r);
        const uint8_t *params = d->r.p;
        for (uint32_t k = 0; k < np && !d->r.failed; k++) (void)wrt_rd_valtype(&d->r);
        uint32_t nr = wrt_rd_count(&d->r);
        const uint8_t *results = d->r.p;
        for (uint32_t k = 0; k < nr && !d->r.failed; k++) (void)wrt_rd_valtype(&d->r);
        if (d->r.failed) return;
        uint8_t *types = (uint8_t *)meta_array(d, np + nr, 1);
        if (d->r.failed) return;
        if (np + nr > 0u) {
            wrt_copy(types, params, np);
            wrt_copy(types + np, results, nr);
        }
        m->types[i].nparams = np;
        m->types[i].nresults = nr;
        /* Never NULL, even for () -> (): readers take `types + nparams`, and NULL + 0 is undefined in C. */
        static const uint8_t no_types[1];
        m->types[i].types = np + nr > 0u ? types : no_types;
    }
}

static void sec_import(decoder *d)
{
    wrt_module *m = d->m;
    uint32_t n = wrt_rd_count(&d->r);
    m->nimports = n;
    m->imports = (wrt_import *)meta_array(d, n, sizeof(wrt_import));
    for (uint32_t i = 0; i < n && !d->r.failed; i++) {
        wrt_import *im = &m->imports[i];
        const uint8_t *mod_name = NULL;
        const uint8_t *field = NULL;
        if (!wrt_rd_name(&d->r, &mod_name, &im->module_len)) return;
        if (!wrt_rd_name(&d->r, &field, &im->name_len)) return;
        im->module = meta_copy(d, mod_name, im->module_len);
        im->name = meta_copy(d, field, im->name_len);
        uint32_t at = wrt_rd_offset(&d->r);
        im->kind = wrt_rd_u8(&d->r);
        if (d->r.failed) return;
        switch (im->kind) {
        case WRT_KIND_FUNC:
            im->typeidx = wrt_rd_u32(&d->r);
            if (!d->r.failed && im->typeidx >= m->ntypes) { invalid(d, at, "unknown type"); return; }
            im->index = m->nfunc_imports++;
            break;
        case WRT_KIND_TABLE:
            im->table.elemtype = wrt_rd_reftype(&d->r);
            rd_limits(d, &im->table.limits, false);
            im->index = m->ntable_imports++;
            break;
        case WRT_KIND_MEMORY:
            rd_limits(d, &im->memory, true);
            im->index = m->nmem_imports++;
            break;
        case WRT_KIND_GLOBAL: {
            im->global_type = wrt_rd_valtype(&d->r);
            uint32_t mat = wrt_rd_offset(&d->r);
            uint8_t mut = wrt_rd_u8(&d->r);
            if (!d->r.failed && mut > 1u) { wrt_rd_fail_at(&d->r, WRT_ERR_MALFORMED, mat, "malformed mutability"); return; }
            im->global_mutable = mut == 1u;
            im->index = m->nglobal_imports++;
            break;
        }
        default:
            wrt_rd_fail_at(&d->r, WRT_ERR_MALFORMED, at, "malformed import kind");
            return;
        }
    }
}

static void sec_function(decoder *d)
{
    wrt_module *m = d->m;
    uint32_t n = wrt_rd_count(&d->r);
    d->ndefined_funcs = n;
    finalize_funcs(d);
    for (uint32_t i = 0; i < n && !d->r.failed; i++) {
        uint32_t at = wrt_rd_offset(&d->r);
        uint32_t t = wrt_rd_u32(&d->r);
        if (d->r.failed) return;
        if (t >= m->ntypes) { invalid(d, at, "unknown type"); return; }
        wrt_funcdef *f = &m->funcs[m->nfunc_imports + i];
        f->type = &m->types[t];
        f->index = m->nfunc_imports + i;
    }
}

static void sec_table(decoder *d)
{
    wrt_module *m = d->m;
    uint32_t n = wrt_rd_count(&d->r);
    finalize_tables(d, n);
    for (uint32_t i = 0; i < n && !d->r.failed; i++) {
        wrt_tabletype *t = &m->tables[m->ntable_imports + i];
        t->elemtype = wrt_rd_reftype(&d->r);
        rd_limits(d, &t->limits, false);
    }
}

static void sec_memory(decoder *d)
{
    wrt_module *m = d->m;
    uint32_t n = wrt_rd_count(&d->r);
    finalize_mems(d, n);
    for (uint32_t i = 0; i < n && !d->r.failed; i++) rd_limits(d, &m->mems[m->nmem_imports + i], true);
}

static void sec_global(decoder *d)
{
    wrt_module *m = d->m;
    uint32_t n = wrt_rd_count(&d->r);
    finalize_globals(d, n);
    for (uint32_t i = 0; i < n && !d->r.failed; i++) {
        wrt_globaldef *g = &m->globals[m->nglobal_imports + i];
        g->type = wrt_rd_valtype(&d->r);
        uint32_t at = wrt_rd_offset(&d->r);
        uint8_t mut = wrt_rd_u8(&d->r);
        if (d->r.failed) return;
        if (mut > 1u) { wrt_rd_fail_at(&d->r, WRT_ERR_MALFORMED, at, "malformed mutability"); return; }
        g->mutable_ = mut == 1u;
        rd_const_expr(d, g->type, &g->init);
    }
}

static void sec_export(decoder *d)
{
    wrt_module *m = d->m;
    uint32_t n = wrt_rd_count(&d->r);
    m->nexports = n;
    m->exports = (wrt_export *)meta_array(d, n, sizeof(wrt_export));
    for (uint32_t i = 0; i < n && !d->r.failed; i++) {
        wrt_export *e = &m->exports[i];
        const uint8_t *name = NULL;
        uint32_t at = wrt_rd_offset(&d->r);
        if (!wrt_rd_name(&d->r, &name, &e->name_len)) return;
        uint32_t kat = wrt_rd_offset(&d->r);
        e->kind = wrt_rd_u8(&d->r);
        e->index = wrt_rd_u32(&d->r);
        if (d->r.failed) return;
        uint32_t limit = 0;
        const char *unknown = "unknown function";
        switch (e->kind) {
        case WRT_KIND_FUNC: limit = m->nfuncs; break;
        case WRT_KIND_TABLE: limit = m->ntables; unknown = "unknown table"; break;
        case WRT_KIND_MEMORY: limit = m->nmems; unknown = "unknown memory"; break;
        case WRT_KIND_GLOBAL: limit = m->nglobals; unknown = "unknown global"; break;
        default: wrt_rd_fail_at(&d->r, WRT_ERR_MALFORMED, kat, "malformed export kind"); return;
        }
        if (e->index >= limit) { invalid(d, kat, unknown); return; }
        if (e->kind == WRT_KIND_FUNC) mark_ref(d, e->index);
        for (uint32_t k = 0; k < i; k++) {
            if (m->exports[k].name_len == e->name_len && wrt_equal(m->exports[k].name, name, e->name_len)) {
                invalid(d, at, "duplicate export name");
                return;
            }
        }
        e->name = meta_copy(d, name, e->name_len);
    }
}

static void sec_start(decoder *d)
{
    wrt_module *m = d->m;
    uint32_t at = wrt_rd_offset(&d->r);
    uint32_t f = wrt_rd_u32(&d->r);
    if (d->r.failed) return;
    if (f >= m->nfuncs) { invalid(d, at, "unknown function"); return; }
    const wrt_functype *t = m->funcs[f].type;
    if (t->nparams != 0u || t->nresults != 0u) { invalid(d, at, "start function"); return; }
    m->start = f;
}

static void sec_elem(decoder *d)
{
    wrt_module *m = d->m;
    uint32_t n = wrt_rd_count(&d->r);
    m->nelems = n;
    m->elems = (wrt_elemseg *)meta_array(d, n, sizeof(wrt_elemseg));
    for (uint32_t i = 0; i < n && !d->r.failed; i++) {
        wrt_elemseg *s = &m->elems[i];
        uint32_t at = wrt_rd_offset(&d->r);
        uint32_t flags = wrt_rd_u32(&d->r);
        if (d->r.failed) return;
        if (flags > 7u) { wrt_rd_fail_at(&d->r, WRT_ERR_MALFORMED, at, "malformed elements segment kind"); return; }
        bool passive_or_decl = (flags & 1u) != 0u;
        bool explicit_table = (flags & 2u) != 0u;
        bool exprs = (flags & 4u) != 0u;
        s->mode = passive_or_decl ? (explicit_table ? WRT_SEG_DECLARATIVE : WRT_SEG_PASSIVE) : WRT_SEG_ACTIVE;
        s->table = 0;
        uint32_t tat = wrt_rd_offset(&d->r);
        if (!passive_or_decl) {
            if (explicit_table) s->table = wrt_rd_u32(&d->r);
            if (d->r.failed) return;
            if (s->table >= m->ntables) { invalid(d, tat, "unknown table"); return; }
            rd_const_expr(d, WRT_TYPE_I32, &s->offset);
        }
        s->type = WRT_TYPE_FUNCREF;
        if (passive_or_decl || explicit_table) {
            uint32_t kat = wrt_rd_offset(&d->r);
            if (exprs) {
                s->type = wrt_rd_reftype(&d->r);
            } else {
                uint8_t kind = wrt_rd_u8(&d->r);
                if (!d->r.failed && kind != 0u) {
                    wrt_rd_fail_at(&d->r, WRT_ERR_MALFORMED, kat, "malformed element kind");
                    return;
                }
            }
        }
        if (d->r.failed) return;
        if (s->mode == WRT_SEG_ACTIVE && m->tables[s->table].elemtype != s->type) {
            invalid(d, tat, "type mismatch");
            return;
        }
        s->count = wrt_rd_count(&d->r);
        s->items = (wrt_const_expr *)meta_array(d, s->count, sizeof(wrt_const_expr));
        for (uint32_t k = 0; k < s->count && !d->r.failed; k++) {
            if (exprs) {
                rd_const_expr(d, s->type, &s->items[k]);
            } else {
                uint32_t fat = wrt_rd_offset(&d->r);
                uint32_t f = wrt_rd_u32(&d->r);
                if (d->r.failed) return;
                if (f >= m->nfuncs) { invalid(d, fat, "unknown function"); return; }
                mark_ref(d, f);
                s->items[k].op = 0xD2u;
                s->items[k].type = WRT_TYPE_FUNCREF;
                s->items[k].index = f;
                s->items[k].bits = 0;
            }
        }
    }
}

static void sec_datacount(decoder *d)
{
    d->m->datacount = wrt_rd_u32(&d->r);
    d->m->has_datacount = true;
}

/*
 * A function body's syntax only: local declarations, every instruction decodable, blocks nested
 * and the last `end` at the body's last byte. Types are checked once the whole module is decoded,
 * as the specification orders it (a malformed module is malformed even if it is also invalid).
 */
static void scan_body(decoder *d, const wrt_funcdef *i_fn)
{
    wrt_reader r;
    wrt_rd_init(&r, d->r.base, d->r.base + i_fn->body_offset, d->r.base + i_fn->body_end, d->r.err);
    r.multi_memory = WRT_CONFIG_MULTI_MEMORY && (d->rt->features & WRT_FEATURE_MULTI_MEMORY) != 0u;
    uint32_t ngroups = wrt_rd_count(&r);
    uint64_t total = 0;
    for (uint32_t i = 0; i < ngroups && !r.failed; i++) {
        uint32_t at = wrt_rd_offset(&r);
        total += wrt_rd_u32(&r);
        (void)wrt_rd_valtype(&r);
        if (!r.failed && total > UINT32_MAX) wrt_rd_fail_at(&r, WRT_ERR_MALFORMED, at, "too many locals");
    }
    uint64_t depth = 1;
    while (!r.failed && depth > 0u) {
        if (wrt_rd_at_end(&r)) {
            wrt_rd_fail(&r, WRT_ERR_MALFORMED, "unexpected end");
            break;
        }
        wrt_instr ins;
        if (!wrt_rd_instr(&r, &ins)) break;
        if (ins.op == 0x02u || ins.op == 0x03u || ins.op == 0x04u) depth++;
        else if (ins.op == 0x0Bu) depth--;
        else if (ins.op == WRT_OP_FC + 8u || ins.op == WRT_OP_FC + 9u) d->m->uses_data_index = true;
    }
    if (!r.failed && !wrt_rd_at_end(&r)) wrt_rd_fail(&r, WRT_ERR_MALFORMED, "section size mismatch");
    if (r.failed) {
        d->r.failed = true;
        d->r.p = d->r.end;
        if (d->r.err != NULL) d->r.err->index = i_fn->index;
    }
}

static void sec_code(decoder *d)
{
    wrt_module *m = d->m;
    uint32_t at = wrt_rd_offset(&d->r);
    uint32_t n = wrt_rd_count(&d->r);
    if (d->r.failed) return;
    d->seen_code = true;
    if (n != d->ndefined_funcs) {
        wrt_rd_fail_at(&d->r, WRT_ERR_MALFORMED, at, "function and code section have inconsistent lengths");
        return;
    }
    for (uint32_t i = 0; i < n && !d->r.failed; i++) {
        uint32_t size = wrt_rd_u32(&d->r);
        if (d->r.failed) return;
        if (size > wrt_rd_left(&d->r)) {
            wrt_rd_fail(&d->r, WRT_ERR_MALFORMED, "unexpected end of section or function");
            return;
        }
        wrt_funcdef *f = &m->funcs[m->nfunc_imports + i];
        f->body_offset = wrt_rd_offset(&d->r);
        f->body_end = f->body_offset + size;
        d->r.p += size;
        scan_body(d, f);
    }
}

/* Validation and compilation of every body, once the module is fully decoded. */
static bool check_bodies(decoder *d, const uint8_t *i_bytes, wrt_error *o_err)
{
    wrt_module *m = d->m;
    for (uint32_t i = m->nfunc_imports; i < m->nfuncs; i++) {
        wrt_funcdef *f = &m->funcs[i];
        if (!wrt_validate_function(d->rt, m, f, i_bytes, d->len, o_err) ||
            !wrt_compile_function(d->rt, m, f, i_bytes, d->len, o_err)) {
            if (o_err != NULL) o_err->index = f->index;
            return false;
        }
    }
    return true;
}

static void sec_data(decoder *d)
{
    wrt_module *m = d->m;
    uint32_t at = wrt_rd_offset(&d->r);
    uint32_t n = wrt_rd_count(&d->r);
    if (d->r.failed) return;
    d->seen_data = true;
    if (m->has_datacount && n != m->datacount) {
        wrt_rd_fail_at(&d->r, WRT_ERR_MALFORMED, at, "data count and data section have inconsistent lengths");
        return;
    }
    m->ndatas = n;
    m->datas = (wrt_dataseg *)meta_array(d, n, sizeof(wrt_dataseg));
    for (uint32_t i = 0; i < n && !d->r.failed; i++) {
        wrt_dataseg *s = &m->datas[i];
        uint32_t fat = wrt_rd_offset(&d->r);
        uint32_t flags = wrt_rd_u32(&d->r);
        if (d->r.failed) return;
        if (flags > 2u) { wrt_rd_fail_at(&d->r, WRT_ERR_MALFORMED, fat, "malformed data segment kind"); return; }
        s->mode = flags == 1u ? WRT_SEG_PASSIVE : WRT_SEG_ACTIVE;
        if (s->mode == WRT_SEG_ACTIVE) {
            uint32_t mat = wrt_rd_offset(&d->r);
            s->memory = flags == 2u ? wrt_rd_u32(&d->r) : 0u;
            if (d->r.failed) return;
            if (s->memory >= m->nmems) { invalid(d, mat, "unknown memory"); return; }
            rd_const_expr(d, WRT_TYPE_I32, &s->offset);
        }
        s->len = wrt_rd_u32(&d->r);
        if (d->r.failed) return;
        if (s->len > wrt_rd_left(&d->r)) { wrt_rd_fail(&d->r, WRT_ERR_MALFORMED, "unexpected end of section or function"); return; }
        const uint8_t *bytes = wrt_rd_bytes(&d->r, s->len);
        if (bytes != NULL) s->bytes = meta_copy(d, bytes, s->len);
    }
}

static void sec_custom(decoder *d)
{
    const uint8_t *name = NULL;
    uint32_t len = 0;
    if (!wrt_rd_name(&d->r, &name, &len)) return;
    d->r.p = d->r.end;
}

bool wrt_decode_module(wrt_runtime *io_rt, wrt_module *io_mod, const uint8_t *i_bytes, size_t len,
                       wrt_error *o_err)
{
    decoder d;
    wrt_fill(&d, 0, sizeof d);
    d.rt = io_rt;
    d.m = io_mod;
    d.len = len;
    io_mod->rt = io_rt;
    io_mod->start = WRT_NONE;
    if (len > (size_t)UINT32_MAX - 1u) return wrt_fail(o_err, WRT_ERR_LIMIT, 0, "module larger than 4 GiB");
    wrt_rd_init(&d.r, i_bytes, i_bytes, i_bytes + len, o_err);

    static const uint8_t magic[4] = { 0x00, 0x61, 0x73, 0x6D };
    static const uint8_t version[4] = { 0x01, 0x00, 0x00, 0x00 };
    const uint8_t *mg = wrt_rd_bytes(&d.r, 4);
    if (mg == NULL) return false;
    if (!wrt_equal(mg, magic, 4)) return wrt_rd_fail_at(&d.r, WRT_ERR_MALFORMED, 0, "magic header not detected");
    const uint8_t *ver = wrt_rd_bytes(&d.r, 4);
    if (ver == NULL) return false;
    if (!wrt_equal(ver, version, 4)) return wrt_rd_fail_at(&d.r, WRT_ERR_MALFORMED, 4, "unknown binary version");

    uint32_t last_rank = 0;
    const uint8_t *module_end = d.r.end;
    while (!d.r.failed && !wrt_rd_at_end(&d.r)) {
        uint32_t at = wrt_rd_offset(&d.r);
        uint8_t id = wrt_rd_u8(&d.r);
        uint32_t size = wrt_rd_u32(&d.r);
        if (d.r.failed) break;
        if (size > wrt_rd_left(&d.r)) {
            wrt_rd_fail(&d.r, WRT_ERR_MALFORMED, "section size mismatch: unexpected end");
            break;
        }
        uint32_t rank = 0;
        if (id != 0u) {
            rank = section_rank(id);
            if (rank == 0u) { wrt_rd_fail_at(&d.r, WRT_ERR_MALFORMED, at, "malformed section id"); break; }
            if (rank <= last_rank) { wrt_rd_fail_at(&d.r, WRT_ERR_MALFORMED, at, "unexpected content after last section"); break; }
            last_rank = rank;
            finalize_before(&d, rank);
            if (d.r.failed) break;
        }
        d.r.end = d.r.p + size;
        switch (id) {
        case 0: sec_custom(&d); break;
        case 1: sec_type(&d); break;
        case 2: sec_import(&d); break;
        case 3: sec_function(&d); break;
        case 4: sec_table(&d); break;
        case 5: sec_memory(&d); break;
        case 6: sec_global(&d); break;
        case 7: sec_export(&d); break;
        case 8: sec_start(&d); break;
        case 9: sec_elem(&d); break;
        case 10: sec_code(&d); break;
        case 11: sec_data(&d); break;
        case 12: sec_datacount(&d); break;
        default: break;
        }
        if (d.r.failed) break;
        if (!wrt_rd_at_end(&d.r)) {
            wrt_rd_fail(&d.r, WRT_ERR_MALFORMED, "section size mismatch");
            break;
        }
        d.r.end = module_end;
    }
    if (d.r.failed) return false;
    finalize_before(&d, 13);
    if (d.r.failed) return false;
    if (!d.seen_code && d.ndefined_funcs != 0u) {
        return wrt_fail(o_err, WRT_ERR_MALFORMED, (uint32_t)len, "function and code section have inconsistent lengths");
    }
    if (!d.seen_data && io_mod->has_datacount && io_mod->datacount != 0u) {
        return wrt_fail(o_err, WRT_ERR_MALFORMED, (uint32_t)len, "data count and data section have inconsistent lengths");
    }
    /*
     * memory.init/data.drop need the data count section when there are data segments. Without any
     * segment every data index is unknown: the validator reports that (binary encoders such as
     * wabt omit the section for a module with no segments).
     */
    if (io_mod->uses_data_index && !io_mod->has_datacount && io_mod->ndatas > 0u) {
        return wrt_fail(o_err, WRT_ERR_MALFORMED, (uint32_t)len, "data count section required");
    }
    return check_bodies(&d, i_bytes, o_err);
}

bool wrt_functype_equal(const wrt_functype *i_a, const wrt_functype *i_b)
{
    if (i_a == i_b) return true;
    if (i_a->nparams != i_b->nparams || i_a->nresults != i_b->nresults) return false;
    return wrt_equal(i_a->types, i_b->types, (size_t)i_a->nparams + i_a->nresults);
}

wrt_module *wrt_module_load(wrt_runtime *io_rt, const uint8_t *i_bytes, size_t len, wrt_error *o_err)
{
    if (io_rt == NULL || (i_bytes == NULL && len != 0u)) {
        wrt_fail(o_err, WRT_ERR_ARGUMENT, 0, "runtime or bytes is NULL");
        return NULL;
    }
    size_t marks[WRT_REGION_COUNT];
    wrt_region_marks(io_rt, marks);
    wrt_module *m = (wrt_module *)wrt_alloc(io_rt, WRT_REGION_META, sizeof(wrt_module), o_err);
    if (m == NULL) return NULL;
    static const uint8_t empty[1] = { 0 };
    if (!wrt_decode_module(io_rt, m, i_bytes != NULL ? i_bytes : empty, len, o_err)) {
        wrt_region_release(io_rt, marks);
        return NULL;
    }
    /* The scratch region is free again once the load is over. */
    io_rt->regions[WRT_REGION_CONTROL].used = 0;
    return m;
}
