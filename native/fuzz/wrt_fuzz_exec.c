/*
 * libFuzzer target: execution of valid modules under fuel. The input is taken as a module; inputs
 * that do not load, or that import anything (no host is linked), end there, so the corpus, seeded
 * with the spec testsuite's modules, keeps the valid ones the mutations produce. A loaded module is
 * instantiated (its start function runs under the same fuel) and every exported function is called
 * with arguments drawn from a generator seeded by the input, so a replay calls them the same way.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "wrt_api.h"
#include "wrt_fuzz_layout.h"

/* Enough for any loop to run a while, little enough that 10 M inputs stay affordable. */
#define WRT_FUZZ_FUEL 20000u
#define WRT_FUZZ_MAX_VALUES 16u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* splitmix64: the argument generator. */
static uint64_t wrt_fuzz_next(uint64_t *io_state) {
    uint64_t z = (*io_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Mostly small numbers and edge values, which reach more branches than uniform 64-bit words. */
static uint64_t wrt_fuzz_arg(uint64_t *io_state, uint32_t type) {
    uint64_t r = wrt_fuzz_next(io_state);
    static const uint64_t edges[] = {0u, 1u, 0xFFFFFFFFu, 0x80000000u, 0x7FFFFFFFu, UINT64_MAX, 0x8000000000000000ull,
                                     0x7FC00000u, 0x7FF8000000000000ull, 0x3F800000u, 0x3FF0000000000000ull};
    uint64_t v;
    switch (r & 3u) {
        case 0: v = edges[(r >> 2) % (sizeof edges / sizeof edges[0])]; break;
        case 1: v = (r >> 8) & 0xFFu; break;
        default: v = wrt_fuzz_next(io_state); break;
    }
    /* References: only null is a value the host can make up. */
    if (type == WRT_TYPE_FUNCREF || type == WRT_TYPE_EXTERNREF) return 0u;
    if (type == WRT_TYPE_I32 || type == WRT_TYPE_F32) return v & 0xFFFFFFFFu;
    return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    wrt_runtime *rt = wrt_fuzz_runtime();
    if (rt == NULL) abort();
    wrt_error err;
    wrt_module *m = wrt_module_load(rt, data, size, &err);
    if (m == NULL) return 0;
    wrt_set_fuel(rt, WRT_FUZZ_FUEL);
    wrt_trap_info trap;
    wrt_instance *inst = wrt_instantiate(rt, m, NULL, &err, &trap);
    if (inst == NULL) return 0;
    uint64_t state = 0xCBF29CE484222325ull;
    for (size_t i = 0; i < size; i++) state = (state ^ data[i]) * 0x100000001B3ull;
    uint32_t exports = wrt_module_export_count(m);
    for (uint32_t i = 0; i < exports; i++) {
        uint8_t name[256];
        uint32_t kind = 0;
        uint32_t len = wrt_module_export(m, i, &kind, name, sizeof name);
        if (kind != WRT_EXTERN_FUNC || len > sizeof name) continue;
        const wrt_func *f = wrt_find_func(inst, (const char *)name, len);
        if (f == NULL) abort(); /* the module lists it, so the instance must have it */
        uint32_t nargs = wrt_func_param_count(f);
        uint32_t nresults = wrt_func_result_count(f);
        if (nargs > WRT_FUZZ_MAX_VALUES || nresults > WRT_FUZZ_MAX_VALUES) continue;
        uint64_t args[WRT_FUZZ_MAX_VALUES];
        uint64_t results[WRT_FUZZ_MAX_VALUES];
        for (uint32_t a = 0; a < nargs; a++) args[a] = wrt_fuzz_arg(&state, wrt_func_param_type(f, a));
        uint32_t code = wrt_invoke(rt, f, args, nargs, results, nresults, &trap);
        if (code != WRT_OK && wrt_trap_message(code) == NULL) abort();
    }
    return 0;
}
