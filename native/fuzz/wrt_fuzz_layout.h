/*
 * The arena the load and exec fuzz targets run in: small on purpose, so the region limits are part
 * of what fuzzed modules run into (as tools/interp/fuzz.ts's FUZZ_LAYOUT), and fixed, so an input
 * that crashed once crashes again on replay.
 */
#ifndef WRT_FUZZ_LAYOUT_H
#define WRT_FUZZ_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "wrt_api.h"

#define WRT_FUZZ_ARENA_BYTES (2u * 1024u * 1024u)

static const wrt_layout wrt_fuzz_layout = {
    .meta_bytes = 256u * 1024u,
    .code_bytes = 256u * 1024u,
    .control_bytes = 32u * 1024u,
    .stack_slots = 16u * 1024u,
    .call_depth = 200u,
    .memory_pages = 4u,
    .memory_pages_max = 2u,
    .table_elements = 4096u,
    .table_elements_max = 1024u,
    .global_slots = 1024u,
    .memory_bytes_limit = 0u,
};

/* The runtime over one static arena, reset for every input; NULL if the layout does not fit (a defect). */
static wrt_runtime *wrt_fuzz_runtime(void) {
    static _Alignas(16) uint8_t arena[WRT_FUZZ_ARENA_BYTES];
    static wrt_runtime *rt;
    if (rt == NULL) {
        wrt_error err;
        if (wrt_layout_bytes(&wrt_fuzz_layout) > sizeof arena) return NULL;
        rt = wrt_runtime_init(arena, sizeof arena, &wrt_fuzz_layout, &err);
    } else if (!wrt_runtime_reset(rt)) {
        return NULL;
    }
    return rt;
}

#endif
