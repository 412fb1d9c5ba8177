#include "wrt_fw_layout.h"

#include "wrt_engine_layout.h"

/* Below this an arena holds no linear memory page next to the other regions. */
#define WRT_FW_PAGED_ARENA (1024u * 1024u)

/* The engine's default layout, native-sim's (native/engine/wrt_engine_layout.c), with at least one page. */
static bool wrt_fw_paged(size_t bytes, wrt_layout *o_layout) {
    wrt_layout l;
    wrt_engine_layout_shares(bytes, &l);
    if (!wrt_engine_layout_fill_pages(bytes, &l) || l.memory_pages == 0u) return false;
    *o_layout = l;
    return true;
}

/* No pages: metadata 3/8, code 3/8, validator scratch 1/16, value stack 1/8 of what is left. */
static bool wrt_fw_small(size_t bytes, wrt_layout *o_layout) {
    wrt_layout l;
    /* Every share is set again below; the engine's layout is the zeroed start. */
    wrt_engine_layout_shares(0u, &l);
    l.call_depth = 32u;
    l.table_elements = 32u;
    l.global_slots = 32u;
    size_t base = wrt_layout_bytes(&l);
    if (base == 0u || base >= bytes) return false;
    size_t room = bytes - base;
    /* Each shrink step takes 1/16 off; alignment padding is what it has to absorb. */
    for (unsigned step = 0; step < 16u; step++) {
        size_t share = room - room / 16u * step;
        l.meta_bytes = (uint32_t)(share / 8u * 3u);
        l.code_bytes = (uint32_t)(share / 8u * 3u);
        l.control_bytes = (uint32_t)(share / 16u);
        l.stack_slots = (uint32_t)(share / 8u / 8u);
        size_t total = wrt_layout_bytes(&l);
        if (total != 0u && total <= bytes) {
            *o_layout = l;
            return true;
        }
    }
    return false;
}

bool wrt_fw_layout(size_t bytes, wrt_layout *o_layout) {
    if (bytes >= WRT_FW_PAGED_ARENA && wrt_fw_paged(bytes, o_layout)) return true;
    return wrt_fw_small(bytes, o_layout);
}
