/*
 * native-sim --measure: the bytes a module takes in the load-time regions (meta, code, control)
 * when the interpreter core loads and instantiates it, printed for the profile compiler
 * (ts/profile/load-regions.ts). The core is the device's own, and its compiled code is 32-bit
 * cells on every platform, so the code figure is the one a board reports in STATS byte for byte;
 * meta holds pointers, so on this 64-bit host it is an upper bound of a 32-bit board's.
 *
 * Nothing of the module runs: the start function gets no fuel and stops at its first cell (what
 * instantiation reserved before it stays counted). Every function import is bound to a stub of
 * its own signature, which takes the same records as a WASI or firmware function.
 */
#define _GNU_SOURCE
#include "sim_measure.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "wrt_api.h"
#include "wrt_internal.h"

/* More imports than this and the module is no device's (the JS API allows 100,000). */
#define WRT_SIM_MEASURE_MAX_IMPORTS 100000u
/* A memory the measure maps for data segments; a device module is far below it. */
#define WRT_SIM_MEASURE_MAX_PAGES 16384u

static wrt_host_func wrt_sim_stubs[WRT_SIM_MEASURE_MAX_IMPORTS];
/* Module and name of each stub, NUL-terminated, plus its signature (types, ':', results). */
static char wrt_sim_stub_text[WRT_SIM_MEASURE_MAX_IMPORTS * 3u * 32u];

static uint32_t wrt_sim_stub_fn(wrt_host_call *io_call)
{
    (void)io_call;
    return WRT_TRAP_HOST_ERROR;
}

static char wrt_sim_type_letter(uint8_t type)
{
    switch (type) {
    case WRT_TYPE_I32: return 'i';
    case WRT_TYPE_I64: return 'I';
    case WRT_TYPE_F32: return 'f';
    case WRT_TYPE_F64: return 'F';
    case WRT_TYPE_EXTERNREF: return 'x';
    case WRT_TYPE_FUNCREF: return 'n';
    default: return '?';
    }
}

/* Appends bytes and a NUL to the stub text; NULL when it is full. */
static const char *wrt_sim_stub_put(size_t *io_at, const uint8_t *i_bytes, size_t len)
{
    if (len + 1u > sizeof wrt_sim_stub_text - *io_at) return NULL;
    char *s = &wrt_sim_stub_text[*io_at];
    memcpy(s, i_bytes, len);
    s[len] = '\0';
    *io_at += len + 1u;
    return s;
}

/* A registry with one stub per function import; false names why in *o_why. */
static bool wrt_sim_stub_registry(const wrt_module *i_mod, wrt_host_registry *o_reg, const char **o_why)
{
    size_t at = 0;
    uint32_t n = 0;
    for (uint32_t i = 0; i < i_mod->nimports; i++) {
        const wrt_import *im = &i_mod->imports[i];
        if (im->kind != WRT_KIND_FUNC) {
            *o_why = "the module imports a table, memory or global: a device links those only from another instance of a session, which a profile does not describe";
            return false;
        }
        if (n >= WRT_SIM_MEASURE_MAX_IMPORTS) {
            *o_why = "more function imports than native-sim --measure binds (100000)";
            return false;
        }
        const wrt_functype *t = &i_mod->types[im->typeidx];
        uint8_t sig[2u * 1000u + 2u];
        size_t len = 0;
        for (uint32_t k = 0; k < t->nparams + t->nresults && len + 2u < sizeof sig; k++) {
            if (k == t->nparams) sig[len++] = ':';
            sig[len++] = (uint8_t)wrt_sim_type_letter(t->types[k]);
        }
        if (t->nresults == 0u) sig[len++] = ':';
        wrt_host_func *f = &wrt_sim_stubs[n++];
        f->module = wrt_sim_stub_put(&at, im->module, im->module_len);
        f->name = wrt_sim_stub_put(&at, im->name, im->name_len);
        f->signature = wrt_sim_stub_put(&at, sig, len);
        f->fn = wrt_sim_stub_fn;
        f->ctx = NULL;
        f->budget = WRT_BUDGET_UNLIMITED;
        if (f->module == NULL || f->name == NULL || f->signature == NULL) {
            *o_why = "import names longer than native-sim --measure holds";
            return false;
        }
    }
    memset(o_reg, 0, sizeof *o_reg);
    o_reg->funcs = wrt_sim_stubs;
    o_reg->count = n;
    return true;
}

/* One runtime over a fresh mapping; its regions are far larger than the module can use. */
static wrt_runtime *wrt_sim_measure_runtime(size_t len, uint32_t pages, uint32_t nmems, uint32_t elements, uint32_t globals,
                                            void **o_map, size_t *o_bytes)
{
    wrt_layout l;
    memset(&l, 0, sizeof l);
    /* Upper bounds: code <= 16 B per body byte + 64 per function (the rule profiles used before),
     * and a function takes at least 2 bytes; meta and control hold a few records per byte. */
    l.meta_bytes = (uint32_t)(256u * len + 65536u);
    l.code_bytes = (uint32_t)(48u * len + 65536u);
    l.control_bytes = (uint32_t)(64u * len + 65536u);
    l.stack_slots = 65536u;
    l.call_depth = 1u;
    /* `pages` is the largest memory's: each of the module's memories gets as much (multi-memory). */
    l.memory_pages = pages * (nmems > 1u ? nmems : 1u);
    l.memory_pages_max = pages;
    l.table_elements = elements;
    l.global_slots = globals;
    size_t bytes = wrt_layout_bytes(&l);
    void *map = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (map == MAP_FAILED) return NULL;
    *o_map = map;
    *o_bytes = bytes;
    wrt_runtime *rt = wrt_runtime_init(map, bytes, &l, NULL);
    /* A measure sizes what a module takes, it does not judge it: the host validated the module
     * (a component's core modules with multi-memory, docs/interpreter.md), so several memories load. */
    (void)wrt_runtime_set_features(rt, WRT_FEATURE_MULTI_MEMORY);
    return rt;
}

/* The runtime a module is first loaded into, or NULL with the exit code: 2 too large, 3 no mapping. */
static wrt_runtime *wrt_sim_load_runtime(const char *i_what, size_t len, void **o_map, size_t *o_bytes, int *o_exit)
{
    if (len > (size_t)8u * 1024u * 1024u) {
        fprintf(stderr, "native-sim: %s: module larger than 8 MiB\n", i_what);
        *o_exit = 2;
        return NULL;
    }
    wrt_runtime *rt = wrt_sim_measure_runtime(len, 0u, 0u, 0u, 0u, o_map, o_bytes);
    if (rt == NULL) {
        fprintf(stderr, "native-sim: %s: cannot map the arena\n", i_what);
        *o_exit = 3;
    }
    return rt;
}

static int wrt_sim_measure_refused(const char *i_what, const wrt_error *i_err)
{
    const char *message = i_err->message != NULL ? i_err->message : wrt_error_name(i_err->code);
    if (i_err->code == WRT_ERR_ARENA) {
        fprintf(stderr, "native-sim: %s: %s: region %s needs %llu bytes of its %llu\n", i_what, message, wrt_region_name(i_err->region),
                (unsigned long long)i_err->need, (unsigned long long)i_err->capacity);
    } else {
        fprintf(stderr, "native-sim: %s: %s (byte offset %u)\n", i_what, message, (unsigned)i_err->offset);
    }
    return 1;
}

#ifndef WRT_SIM_MEASURE_NAME
#define WRT_SIM_MEASURE_NAME wrt_sim_measure
#endif

int WRT_SIM_MEASURE_NAME(const uint8_t *i_module, size_t len)
{
    /* First load: the load-time regions, and the memory, tables and globals the instance needs. */
    void *map = NULL;
    size_t bytes = 0;
    int exit_code = 0;
    wrt_runtime *rt = wrt_sim_load_runtime("measure", len, &map, &bytes, &exit_code);
    if (rt == NULL) return exit_code;
    wrt_error err;
    memset(&err, 0, sizeof err);
    wrt_module *m = wrt_module_load(rt, i_module, len, &err);
    if (m == NULL) return wrt_sim_measure_refused("measure", &err);
    uint64_t code = 0;
    uint64_t control = 0;
    wrt_region_usage(rt, WRT_REGION_CODE, &code, NULL);
    wrt_region_usage(rt, WRT_REGION_CONTROL, &control, NULL);
    uint32_t pages = 0;
    for (uint32_t i = m->nmem_imports; i < m->nmems; i++) pages = m->mems[i].min > pages ? m->mems[i].min : pages;
    uint32_t nmems = m->nmems - m->nmem_imports;
    if ((uint64_t)pages * (nmems > 1u ? nmems : 1u) > WRT_SIM_MEASURE_MAX_PAGES) {
        fprintf(stderr, "native-sim: measure: memory of %u pages is above the %u this measure maps\n", (unsigned)pages,
                (unsigned)WRT_SIM_MEASURE_MAX_PAGES);
        return 1;
    }
    uint64_t elements = 0;
    for (uint32_t i = m->ntable_imports; i < m->ntables; i++) elements += (uint64_t)m->tables[i].limits.min + 1u;
    if (elements > 0xFFFFFFFFu) elements = 0xFFFFFFFFu;
    wrt_host_registry stubs;
    const char *why = NULL;
    if (!wrt_sim_stub_registry(m, &stubs, &why)) {
        fprintf(stderr, "native-sim: measure: %s\n", why);
        return 1;
    }
    uint32_t globals = m->nglobals + 1u;
    munmap(map, bytes);

    /* Second load in a runtime with room for the instance: meta counts the instance's records. */
    rt = wrt_sim_measure_runtime(len, pages, nmems, (uint32_t)elements, globals, &map, &bytes);
    if (rt == NULL) {
        fprintf(stderr, "native-sim: measure: cannot map the measuring arena\n");
        return 3;
    }
    m = wrt_module_load(rt, i_module, len, &err);
    if (m == NULL) return wrt_sim_measure_refused("measure", &err);
    wrt_set_fuel(rt, 0u);
    wrt_trap_info trap;
    wrt_instance *inst = wrt_instantiate(rt, m, &stubs, &err, &trap);
    /* A start function or a data segment that traps keeps what instantiation reserved. */
    if (inst == NULL && err.code != WRT_ERR_TRAP) return wrt_sim_measure_refused("measure", &err);
    uint64_t meta = 0;
    wrt_region_usage(rt, WRT_REGION_META, &meta, NULL);
    munmap(map, bytes);
    printf("meta=%llu code=%llu control=%llu\n", (unsigned long long)meta, (unsigned long long)code,
           (unsigned long long)control);
    return 0;
}

#ifndef WRT_SIM_LOCATE_NAME
#define WRT_SIM_LOCATE_NAME wrt_sim_locate
#endif

int WRT_SIM_LOCATE_NAME(const uint8_t *i_module, size_t len, const wrt_code_site *i_sites, uint32_t nsites)
{
    void *map = NULL;
    size_t bytes = 0;
    int exit_code = 0;
    wrt_runtime *rt = wrt_sim_load_runtime("locate", len, &map, &bytes, &exit_code);
    if (rt == NULL) return exit_code;
    uint32_t offsets[WRT_SIM_LOCATE_MAX_SITES];
    wrt_error err;
    memset(&err, 0, sizeof err);
    if (nsites > WRT_SIM_LOCATE_MAX_SITES) nsites = WRT_SIM_LOCATE_MAX_SITES;
    bool ok = wrt_locate_sites(rt, i_module, len, i_sites, nsites, offsets, &err);
    munmap(map, bytes);
    if (!ok) return wrt_sim_measure_refused("locate", &err);
    for (uint32_t i = 0; i < nsites; i++) {
        if (offsets[i] == WRT_NONE) {
            printf("%u:%u=none\n", (unsigned)i_sites[i].func_index, (unsigned)i_sites[i].cell);
        } else {
            printf("%u:%u=%u\n", (unsigned)i_sites[i].func_index, (unsigned)i_sites[i].cell, (unsigned)offsets[i]);
        }
    }
    return 0;
}
