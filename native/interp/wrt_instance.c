/*
 * Instantiation and linking: resolving imports against registered instances and the host
 * registry, allocating memories, tables and globals in their regions, applying segments, running
 * the start function; exports lookup and wrt_invoke.
 *
 * Memories and tables reserve their maximum at instantiation (declared maximum, capped by the
 * profile's per-memory/per-table limit and by what is left in the region), so growing never moves
 * them and memory.grow past the reservation returns -1.
 */
#include "wrt_internal.h"

static bool link_fail(wrt_error *o_err, uint32_t import_index, const char *message)
{
    wrt_fail(o_err, WRT_ERR_LINK, 0, message);
    if (o_err != NULL) o_err->index = import_index;
    return false;
}

static bool names_equal(const uint8_t *a, uint32_t alen, const uint8_t *b, uint32_t blen)
{
    return alen == blen && wrt_equal(a, b, alen);
}

static const wrt_export *find_export(const wrt_instance *i_inst, const uint8_t *i_name, uint32_t len)
{
    const wrt_module *m = i_inst->mod;
    for (uint32_t i = 0; i < m->nexports; i++) {
        if (names_equal(m->exports[i].name, m->exports[i].name_len, i_name, len)) return &m->exports[i];
    }
    return NULL;
}

static const wrt_instance *find_registered(const wrt_runtime *i_rt, const uint8_t *i_name, uint32_t len)
{
    for (const wrt_registered *r = i_rt->registered; r != NULL; r = r->next) {
        if (names_equal(r->name, r->len, i_name, len)) return r->inst;
    }
    return NULL;
}

/* Import matching of limits: the provider's current size and declared maximum must fit. */
static bool limits_match(uint32_t size, const wrt_limits *i_provided, const wrt_limits *i_wanted)
{
    if (size < i_wanted->min) return false;
    if (i_wanted->has_max) {
        if (!i_provided->has_max || i_provided->max > i_wanted->max) return false;
    }
    return true;
}

static uint64_t eval_const(const wrt_instance *i_inst, const wrt_const_expr *i_expr)
{
    switch (i_expr->op) {
    case 0xD0: return 0;
    case 0xD2: return (uint64_t)(uintptr_t)i_inst->funcs[i_expr->index];
    case 0x23: return *i_inst->globals[i_expr->index]->value;
    default: return i_expr->bits;
    }
}

/* Memory `i` of an instance: its table of memories, or with one memory at most (no multi-memory) `mem`. */
#if WRT_CONFIG_MULTI_MEMORY
#define WRT_MEM_AT(inst, i) ((inst)->mems[(i)])
#else
#define WRT_MEM_AT(inst, i) (*((void)(i), &(inst)->mem))
#endif

static bool resolve_import(wrt_runtime *io_rt, wrt_instance *io_inst, const wrt_host_registry *i_host, uint32_t i,
                           wrt_error *o_err)
{
    const wrt_module *m = io_inst->mod;
    const wrt_import *im = &m->imports[i];
    const wrt_instance *from = find_registered(io_rt, im->module, im->module_len);
    if (from == NULL) {
        const wrt_host_registry *provider = NULL;
        const wrt_host_func *hf = wrt_host_find(i_host, im->module, im->module_len, im->name, im->name_len, &provider);
        if (hf == NULL) return link_fail(o_err, i, "unknown import");
        if (im->kind != WRT_KIND_FUNC) return link_fail(o_err, i, "incompatible import type");
        const wrt_functype *want = &m->types[im->typeidx];
        if (!wrt_host_signature_matches(hf->signature, want)) return link_fail(o_err, i, "incompatible import type");
        wrt_func *f = (wrt_func *)wrt_alloc(io_rt, WRT_REGION_META, sizeof(wrt_func), o_err);
        wrt_host_binding *b = (wrt_host_binding *)wrt_alloc(io_rt, WRT_REGION_META, sizeof(wrt_host_binding), o_err);
        if (f == NULL || b == NULL) return false;
        b->func = hf;
        b->registry = provider;
        b->serial = io_rt->serial - 1u;
        f->type = want;
        f->host = b;
        io_inst->funcs[im->index] = f;
        return true;
    }
    const wrt_export *e = find_export(from, im->name, im->name_len);
    if (e == NULL) return link_fail(o_err, i, "unknown import");
    if (e->kind != im->kind) return link_fail(o_err, i, "incompatible import type");
    switch (im->kind) {
    case WRT_KIND_FUNC: {
        wrt_func *f = from->funcs[e->index];
        if (!wrt_functype_equal(f->type, &m->types[im->typeidx])) return link_fail(o_err, i, "incompatible import type");
        io_inst->funcs[im->index] = f;
        return true;
    }
    case WRT_KIND_TABLE: {
        wrt_table *t = from->tables[e->index];
        if (t->elemtype != im->table.elemtype || !limits_match(t->size, &t->declared, &im->table.limits)) {
            return link_fail(o_err, i, "incompatible import type");
        }
        io_inst->tables[im->index] = t;
        return true;
    }
    case WRT_KIND_MEMORY: {
        wrt_memory *mem = WRT_MEM_AT(from, e->index);
        if (!limits_match(mem->pages, &mem->declared, &im->memory)) return link_fail(o_err, i, "incompatible import type");
        WRT_MEM_AT(io_inst, im->index) = mem;
        return true;
    }
    default: {
        wrt_global *g = from->globals[e->index];
        if (g->type != im->global_type || g->mutable_ != im->global_mutable) {
            return link_fail(o_err, i, "incompatible import type");
        }
        io_inst->globals[im->index] = g;
        return true;
    }
    }
}

/* The most a memory or table may reserve: declared max, the profile's cap, the region left. */
static uint64_t reservation(uint64_t declared_max, uint32_t profile_cap, uint64_t region_left)
{
    uint64_t r = declared_max;
    if (profile_cap != 0u && profile_cap < r) r = profile_cap;
    if (region_left < r) r = region_left;
    return r;
}

/*
 * Memory `index` of the instance. Only memory 0 may be truncated to the profile's byte limit
 * (memory_bytes_limit, the heap base and stack of the module's own data): another memory
 * (multi-memory) is reserved as any memory is, within memory_pages_max, or refused.
 */
static bool alloc_memory(wrt_runtime *io_rt, wrt_instance *io_inst, uint32_t index, const wrt_limits *i_lim, wrt_error *o_err)
{
    wrt_memory *mem = (wrt_memory *)wrt_alloc(io_rt, WRT_REGION_META, sizeof(wrt_memory), o_err);
    if (mem == NULL) return false;
    uint64_t left_bytes = wrt_region_left(io_rt, WRT_REGION_MEMORY);
    uint64_t left_pages = left_bytes / WRT_PAGE_BYTES;
    uint64_t max = reservation(i_lim->has_max ? i_lim->max : WRT_MAX_PAGES, io_rt->layout.memory_pages_max, left_pages);
    uint64_t truncated = !WRT_CONFIG_MULTI_MEMORY || index == 0u ? io_rt->layout.memory_bytes_limit : 0u;
    if (truncated != 0u && i_lim->min > max && truncated <= left_bytes) {
        /* The declared pages stay what memory.size reports; only `truncated` bytes exist. */
        uint8_t *data = (uint8_t *)wrt_reserve(io_rt, WRT_REGION_MEMORY, (size_t)truncated, o_err);
        if (data == NULL) return false;
        wrt_fill(data, 0, (size_t)truncated);
        mem->data = data;
        mem->pages = i_lim->min;
        mem->bytes = truncated;
        mem->max_pages = i_lim->min;
        mem->declared = *i_lim;
        WRT_MEM_AT(io_inst, index) = mem;
        return true;
    }
    if (i_lim->min > max) {
        return wrt_fail_region(o_err, WRT_ERR_LIMIT, WRT_REGION_MEMORY, i_lim->min, max,
                               "memory needs more pages than the runtime's limit");
    }
    size_t bytes = (size_t)max * WRT_PAGE_BYTES;
    uint8_t *data = (uint8_t *)wrt_reserve(io_rt, WRT_REGION_MEMORY, bytes, o_err);
    if (data == NULL) return false;
    wrt_fill(data, 0, (size_t)i_lim->min * WRT_PAGE_BYTES);
    mem->data = data;
    mem->pages = i_lim->min;
    mem->bytes = (uint64_t)i_lim->min * WRT_PAGE_BYTES;
    mem->max_pages = (uint32_t)max;
    mem->declared = *i_lim;
    WRT_MEM_AT(io_inst, index) = mem;
    return true;
}

static wrt_table *alloc_table(wrt_runtime *io_rt, const wrt_tabletype *i_type, wrt_error *o_err)
{
    wrt_table *t = (wrt_table *)wrt_alloc(io_rt, WRT_REGION_META, sizeof(wrt_table), o_err);
    if (t == NULL) return NULL;
    size_t room = wrt_region_left(io_rt, WRT_REGION_TABLES);
    uint64_t left = room / 8u;
    const wrt_limits *lim = &i_type->limits;
    uint64_t max = reservation(lim->has_max ? lim->max : UINT32_MAX, io_rt->layout.table_elements_max, left);
    /* wrt_reserve rounds up to WRT_CONFIG_ALIGN: room to grow into is taken in whole alignment
     * units, or the rounding of a table taking the rest of the region would not fit. */
    uint64_t whole = (room & ~(size_t)(WRT_CONFIG_ALIGN - 1u)) / 8u;
    if (max > whole && max > lim->min) max = whole > lim->min ? whole : lim->min;
    if (lim->min > max) {
        wrt_fail_region(o_err, WRT_ERR_LIMIT, WRT_REGION_TABLES, lim->min, max,
                        "table needs more elements than the runtime's limit");
        return NULL;
    }
    uint64_t *elems = (uint64_t *)wrt_reserve(io_rt, WRT_REGION_TABLES, (size_t)max * 8u, o_err);
    if (elems == NULL) return NULL;
    for (uint32_t k = 0; k < lim->min; k++) elems[k] = 0;
    t->elems = elems;
    t->size = lim->min;
    t->max = (uint32_t)max;
    t->elemtype = i_type->elemtype;
    t->declared = *lim;
    return t;
}

static bool fail_trap(wrt_error *o_err, wrt_trap_info *o_trap, uint32_t code, uint32_t index)
{
    if (o_trap != NULL) {
        wrt_fill(o_trap, 0, sizeof *o_trap);
        o_trap->code = code;
    }
    wrt_fail(o_err, WRT_ERR_TRAP, 0, wrt_trap_message(code));
    if (o_err != NULL) o_err->index = index;
    return false;
}

/* Active and declarative segments, then the start function: may trap, with effects kept. */
static bool initialize(wrt_runtime *io_rt, wrt_instance *io_inst, wrt_error *o_err, wrt_trap_info *o_trap)
{
    const wrt_module *m = io_inst->mod;
    for (uint32_t i = 0; i < m->nelems; i++) {
        const wrt_elemseg *s = &m->elems[i];
        if (s->mode == WRT_SEG_ACTIVE) {
            wrt_table *t = io_inst->tables[s->table];
            uint64_t off = (uint32_t)eval_const(io_inst, &s->offset);
            if (off + s->count > t->size) return fail_trap(o_err, o_trap, WRT_TRAP_TABLE_OUT_OF_BOUNDS, i);
            for (uint32_t k = 0; k < s->count; k++) t->elems[off + k] = io_inst->elem_refs[i][k];
        }
        if (s->mode != WRT_SEG_PASSIVE) io_inst->elem_len[i] = 0;
    }
    for (uint32_t i = 0; i < m->ndatas; i++) {
        const wrt_dataseg *s = &m->datas[i];
        if (s->mode != WRT_SEG_ACTIVE) continue;
        wrt_memory *mem = WRT_MEM_AT(io_inst, s->memory);
        uint64_t off = (uint32_t)eval_const(io_inst, &s->offset);
        if (off + s->len > mem->bytes) return fail_trap(o_err, o_trap, WRT_TRAP_MEMORY_OUT_OF_BOUNDS, i);
        wrt_copy(mem->data + off, s->bytes, s->len);
        io_inst->data_len[i] = 0;
    }
    if (m->start != WRT_NONE) {
        wrt_trap_info info;
        uint32_t code = wrt_invoke(io_rt, io_inst->funcs[m->start], NULL, 0, NULL, 0, &info);
        if (code != WRT_OK) {
            fail_trap(o_err, NULL, code, m->start);
            /* wrt_copy, not an assignment: a struct this size would become a memcpy call. */
            if (o_trap != NULL) wrt_copy(o_trap, &info, sizeof info);
            return false;
        }
    }
    return true;
}

wrt_instance *wrt_instantiate(wrt_runtime *io_rt, const wrt_module *i_module, const wrt_host_registry *i_host,
                              wrt_error *o_err, wrt_trap_info *o_trap)
{
    if (io_rt == NULL || i_module == NULL) {
        wrt_fail(o_err, WRT_ERR_ARGUMENT, 0, "runtime or module is NULL");
        return NULL;
    }
    if (io_rt->busy) {
        wrt_fail(o_err, WRT_ERR_ARGUMENT, 0, "cannot instantiate while an invocation runs");
        return NULL;
    }
    const wrt_module *m = i_module;
    size_t marks[WRT_REGION_COUNT];
    wrt_region_marks(io_rt, marks);
    wrt_instance *inst = (wrt_instance *)wrt_alloc(io_rt, WRT_REGION_META, sizeof(wrt_instance), o_err);
    if (inst == NULL) return NULL;
    inst->rt = io_rt;
    inst->mod = m;
    bool ok = true;
    if (m->nfuncs > 0u) ok = (inst->funcs = (wrt_func **)wrt_alloc_array(io_rt, WRT_REGION_META, m->nfuncs, sizeof(void *), o_err)) != NULL;
    if (ok && m->ntables > 0u) ok = (inst->tables = (wrt_table **)wrt_alloc_array(io_rt, WRT_REGION_META, m->ntables, sizeof(void *), o_err)) != NULL;
    if (ok && m->nglobals > 0u) ok = (inst->globals = (wrt_global **)wrt_alloc_array(io_rt, WRT_REGION_META, m->nglobals, sizeof(void *), o_err)) != NULL;
    if (ok && m->nelems > 0u) {
        ok = (inst->elem_refs = (uint64_t **)wrt_alloc_array(io_rt, WRT_REGION_META, m->nelems, sizeof(void *), o_err)) != NULL &&
             (inst->elem_len = (uint32_t *)wrt_alloc_array(io_rt, WRT_REGION_META, m->nelems, sizeof(uint32_t), o_err)) != NULL;
    }
#if WRT_CONFIG_MULTI_MEMORY
    if (ok && m->nmems > 0u) ok = (inst->mems = (wrt_memory **)wrt_alloc_array(io_rt, WRT_REGION_META, m->nmems, sizeof(void *), o_err)) != NULL;
#endif
    if (ok && m->ndatas > 0u) ok = (inst->data_len = (uint32_t *)wrt_alloc_array(io_rt, WRT_REGION_META, m->ndatas, sizeof(uint32_t), o_err)) != NULL;

    for (uint32_t i = 0; ok && i < m->nimports; i++) ok = resolve_import(io_rt, inst, i_host, i, o_err);

    uint32_t ndef = m->nfuncs - m->nfunc_imports;
    wrt_func *defs = NULL;
    if (ok && ndef > 0u) ok = (defs = (wrt_func *)wrt_alloc_array(io_rt, WRT_REGION_META, ndef, sizeof(wrt_func), o_err)) != NULL;
    for (uint32_t i = 0; ok && i < ndef; i++) {
        const wrt_funcdef *d = &m->funcs[m->nfunc_imports + i];
        defs[i].type = d->type;
        defs[i].inst = inst;
        defs[i].def = d;
        defs[i].host = NULL;
        inst->funcs[m->nfunc_imports + i] = &defs[i];
    }
    for (uint32_t i = m->ntable_imports; ok && i < m->ntables; i++) {
        ok = (inst->tables[i] = alloc_table(io_rt, &m->tables[i], o_err)) != NULL;
    }
#if WRT_CONFIG_MULTI_MEMORY
    for (uint32_t i = m->nmem_imports; ok && i < m->nmems; i++) ok = alloc_memory(io_rt, inst, i, &m->mems[i], o_err);
    /* Memory 0 is the executor's fast path (its base and size cached in registers). */
    if (ok && m->nmems > 0u) inst->mem = inst->mems[0];
#else
    if (ok && m->nmems > m->nmem_imports) ok = alloc_memory(io_rt, inst, 0, &m->mems[0], o_err);
#endif
    /* One reservation for all defined globals: the globals region holds 8-byte slots (wrt_layout
     * global_slots), and one reservation per global would round each to WRT_CONFIG_ALIGN. */
    uint32_t ndefglobals = m->nglobals - m->nglobal_imports;
    uint64_t *slots = NULL;
    if (ok && ndefglobals > 0u) {
        ok = (slots = (uint64_t *)wrt_alloc_array(io_rt, WRT_REGION_GLOBALS, ndefglobals, sizeof(uint64_t), o_err)) != NULL;
    }
    for (uint32_t i = m->nglobal_imports; ok && i < m->nglobals; i++) {
        wrt_global *g = (wrt_global *)wrt_alloc(io_rt, WRT_REGION_META, sizeof(wrt_global), o_err);
        uint64_t *slot = &slots[i - m->nglobal_imports];
        ok = g != NULL;
        if (ok) {
            g->value = slot;
            g->type = m->globals[i].type;
            g->mutable_ = m->globals[i].mutable_;
            inst->globals[i] = g;
            *slot = eval_const(inst, &m->globals[i].init);
        }
    }
    for (uint32_t i = 0; ok && i < m->nelems; i++) {
        const wrt_elemseg *s = &m->elems[i];
        uint64_t *refs = NULL;
        if (s->count > 0u) ok = (refs = (uint64_t *)wrt_alloc_array(io_rt, WRT_REGION_META, s->count, 8u, o_err)) != NULL;
        for (uint32_t k = 0; ok && k < s->count; k++) refs[k] = eval_const(inst, &s->items[k]);
        inst->elem_refs[i] = refs;
        inst->elem_len[i] = s->count;
    }
    for (uint32_t i = 0; ok && i < m->ndatas; i++) inst->data_len[i] = m->datas[i].len;
    if (!ok) {
        wrt_region_release(io_rt, marks);
        return NULL;
    }
    /* From here on, effects on imported tables and memories are visible to others: keep them. */
    if (!initialize(io_rt, inst, o_err, o_trap)) return NULL;
    return inst;
}

bool wrt_register(wrt_runtime *io_rt, const char *i_name, size_t name_len, wrt_instance *i_instance, wrt_error *o_err)
{
    if (io_rt == NULL || i_instance == NULL || (i_name == NULL && name_len != 0u)) {
        return wrt_fail(o_err, WRT_ERR_ARGUMENT, 0, "runtime, name or instance is NULL");
    }
    if (name_len > WRT_CONFIG_MAX_NAME) {
        return wrt_fail_region(o_err, WRT_ERR_LIMIT, WRT_REGION_META, name_len, WRT_CONFIG_MAX_NAME, "name too long");
    }
    wrt_registered *r = (wrt_registered *)wrt_alloc(io_rt, WRT_REGION_META, sizeof(wrt_registered), o_err);
    if (r == NULL) return false;
    uint8_t *name = NULL;
    if (name_len > 0u) {
        name = (uint8_t *)wrt_alloc(io_rt, WRT_REGION_META, name_len, o_err);
        if (name == NULL) return false;
        wrt_copy(name, i_name, name_len);
    }
    r->name = name;
    r->len = (uint32_t)name_len;
    r->inst = i_instance;
    r->next = io_rt->registered;
    io_rt->registered = r;
    return true;
}

const wrt_module *wrt_instance_module(const wrt_instance *i_instance)
{
    return i_instance != NULL ? i_instance->mod : NULL;
}

uint32_t wrt_module_export_count(const wrt_module *i_module)
{
    return i_module != NULL ? i_module->nexports : 0u;
}

uint32_t wrt_module_export(const wrt_module *i_module, uint32_t index, uint32_t *o_kind, uint8_t *o_name, uint32_t cap)
{
    if (i_module == NULL || index >= i_module->nexports) return UINT32_MAX;
    const wrt_export *e = &i_module->exports[index];
    if (o_kind != NULL) *o_kind = e->kind;
    if (o_name != NULL) wrt_copy(o_name, e->name, e->name_len < cap ? e->name_len : cap);
    return e->name_len;
}

const wrt_func *wrt_find_func(const wrt_instance *i_instance, const char *i_name, size_t name_len)
{
    if (i_instance == NULL || (i_name == NULL && name_len != 0u) || name_len > UINT32_MAX) return NULL;
    const wrt_export *e = find_export(i_instance, (const uint8_t *)i_name, (uint32_t)name_len);
    if (e == NULL || e->kind != WRT_KIND_FUNC) return NULL;
    return i_instance->funcs[e->index];
}

bool wrt_find_global(const wrt_instance *i_instance, const char *i_name, size_t name_len, uint32_t *o_type,
                     uint64_t *o_value)
{
    if (i_instance == NULL || (i_name == NULL && name_len != 0u) || name_len > UINT32_MAX) return false;
    const wrt_export *e = find_export(i_instance, (const uint8_t *)i_name, (uint32_t)name_len);
    if (e == NULL || e->kind != WRT_KIND_GLOBAL) return false;
    const wrt_global *g = i_instance->globals[e->index];
    if (o_type != NULL) *o_type = g->type;
    if (o_value != NULL) *o_value = *g->value;
    return true;
}

#if WRT_CONFIG_MULTI_MEMORY
uint8_t *wrt_memory_data_at(const wrt_instance *i_instance, uint32_t index, uint64_t *o_bytes)
{
    const wrt_memory *mem = i_instance != NULL && index < i_instance->mod->nmems ? i_instance->mems[index] : NULL;
    if (o_bytes != NULL) *o_bytes = mem != NULL ? mem->bytes : 0u;
    return mem != NULL ? mem->data : NULL;
}
#endif

uint8_t *wrt_memory_data(const wrt_instance *i_instance, uint64_t *o_bytes)
{
    const wrt_memory *mem = i_instance != NULL ? i_instance->mem : NULL;
    if (o_bytes != NULL) *o_bytes = mem != NULL ? mem->bytes : 0u;
    return mem != NULL ? mem->data : NULL;
}

uint32_t wrt_func_param_count(const wrt_func *i_func)
{
    return i_func != NULL ? i_func->type->nparams : 0u;
}

uint32_t wrt_func_result_count(const wrt_func *i_func)
{
    return i_func != NULL ? i_func->type->nresults : 0u;
}

uint32_t wrt_func_param_type(const wrt_func *i_func, uint32_t index)
{
    if (i_func == NULL || index >= i_func->type->nparams) return 0;
    return i_func->type->types[index];
}

uint32_t wrt_func_result_type(const wrt_func *i_func, uint32_t index)
{
    if (i_func == NULL || index >= i_func->type->nresults) return 0;
    return i_func->type->types[i_func->type->nparams + index];
}

/* The caller's trap record, or `local`, cleared: each invocation reports into one. */
static wrt_trap_info *wrt_trap_record(wrt_trap_info *o_trap, wrt_trap_info *local)
{
    wrt_trap_info *info = o_trap != NULL ? o_trap : local;
    wrt_fill(info, 0, sizeof *info);
    info->func_index = WRT_NONE;
    return info;
}

uint32_t wrt_invoke_nested(wrt_runtime *io_rt, const wrt_func *i_func, const uint64_t *i_args, uint32_t nargs,
                           uint64_t *o_results, uint32_t nresults, wrt_trap_info *o_trap)
{
    wrt_trap_info local;
    wrt_trap_info *info = wrt_trap_record(o_trap, &local);
    if (!WRT_CONFIG_NESTED || io_rt == NULL || i_func == NULL || !io_rt->busy || io_rt->debug != NULL || io_rt->nest_sp == NULL ||
        io_rt->nest_ft == NULL || nargs != i_func->type->nparams || nresults != i_func->type->nresults ||
        (nargs > 0u && i_args == NULL) || (nresults > 0u && o_results == NULL)) {
        info->code = WRT_TRAP_INVOKE_MISUSE;
        return info->code;
    }
    if (io_rt->nest_depth >= WRT_CONFIG_MAX_NESTED) {
        info->code = WRT_TRAP_REENTRY_EXHAUSTED;
        return info->code;
    }
    /* The nested invocation's base: above the host call's arguments and results, at the first free frame. */
    uint64_t *base = io_rt->nest_sp;
    wrt_frame *frames = io_rt->nest_ft;
    uint32_t used_frames = (uint32_t)(frames - io_rt->frames);
    if (used_frames >= io_rt->depth_max) {
        info->code = WRT_TRAP_CALL_DEPTH_EXHAUSTED;
        return info->code;
    }
    uint64_t slots = (uint64_t)(io_rt->stack_end - base);
    if (base > io_rt->stack_end || nargs > slots || nresults > slots) {
        info->code = WRT_TRAP_VALUE_STACK_EXHAUSTED;
        return info->code;
    }
    uint64_t *saved_stack = io_rt->stack;
    wrt_frame *saved_frames = io_rt->frames;
    uint32_t saved_depth = io_rt->depth_max;
    uint64_t saved_fuel = io_rt->fuel;
    uint64_t *saved_sp = io_rt->nest_sp;
    wrt_frame *saved_ft = io_rt->nest_ft;
    for (uint32_t i = 0; i < nargs; i++) base[i] = i_args[i];
    io_rt->stack = base;
    io_rt->frames = frames;
    io_rt->depth_max = saved_depth - used_frames;
    io_rt->fuel = io_rt->nest_fuel;
    io_rt->nest_depth++;
    uint32_t code = wrt_exec(io_rt, i_func, info);
    io_rt->nest_depth--;
    uint64_t left = io_rt->fuel - info->fuel_used;
    io_rt->stack = saved_stack;
    io_rt->frames = saved_frames;
    io_rt->depth_max = saved_depth;
    io_rt->fuel = saved_fuel;
    io_rt->nest_sp = saved_sp;
    io_rt->nest_ft = saved_ft;
    io_rt->nest_fuel = left;
    if (code == WRT_OK) {
        for (uint32_t i = 0; i < nresults; i++) o_results[i] = base[i];
    }
    return code;
}

uint32_t wrt_invoke(wrt_runtime *io_rt, const wrt_func *i_func, const uint64_t *i_args, uint32_t nargs,
                    uint64_t *o_results, uint32_t nresults, wrt_trap_info *o_trap)
{
    wrt_trap_info local;
    wrt_trap_info *info = wrt_trap_record(o_trap, &local);
    if (io_rt == NULL || i_func == NULL || io_rt->busy || nargs != i_func->type->nparams ||
        nresults != i_func->type->nresults || (nargs > 0u && i_args == NULL) || (nresults > 0u && o_results == NULL)) {
        info->code = WRT_TRAP_INVOKE_MISUSE;
        return info->code;
    }
    uint64_t slots = (uint64_t)(io_rt->stack_end - io_rt->stack);
    if (nargs > slots || nresults > slots) {
        info->code = WRT_TRAP_VALUE_STACK_EXHAUSTED;
        return info->code;
    }
    for (uint32_t i = 0; i < nargs; i++) io_rt->stack[i] = i_args[i];
    io_rt->serial++;
    io_rt->busy = true;
    uint32_t code = wrt_exec(io_rt, i_func, info);
    io_rt->busy = false;
    if (code == WRT_OK) {
        for (uint32_t i = 0; i < nresults; i++) o_results[i] = io_rt->stack[i];
    }
    return code;
}
