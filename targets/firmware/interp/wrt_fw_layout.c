#include "wrt_fw_layout.h"

/* Below this an arena holds no linear memory page next to the other regions. */
#define WRT_FW_PAGED_ARENA (1024u * 1024u)
#define WRT_FW_PAGE 65536u

static void wrt_fw_clear(wrt_layout *o_layout) {
    uint8_t *p = (uint8_t *)o_layout;
    for (size_t i = 0; i < sizeof *o_layout; i++) p[i] = 0;
}

/* The shares of native-sim's layout (targets/native-sim.yaml): the rest becomes pages. */
static bool wrt_fw_paged(size_t bytes, wrt_layout *o_layout) {
    wrt_layout l;
    wrt_fw_clear(&l);
    l.meta_bytes = (uint32_t)(bytes / 16u);
    l.code_bytes = (uint32_t)(bytes / 8u);
    l.control_bytes = (uint32_t)(bytes / 64u);
    l.stack_slots = (uint32_t)(bytes / 16u / 8u);
    l.call_depth = 256u;
    l.table_elements = 256u;
    l.global_slots = 128u;
    size_t fixed = wrt_layout_bytes(&l);
    if (fixed == 0u || fixed + WRT_FW_PAGE > bytes) return false;
    l.memory_pages = (uint32_t)((bytes - fixed) / WRT_FW_PAGE);
    while (l.memory_pages > 0u && wrt_layout_bytes(&l) > bytes) l.memory_pages--;
    *o_layout = l;
    return l.memory_pages > 0u;
}

/* No pages: metadata 3/8, code 3/8, validator scratch 1/16, value stack 1/8 of what is left. */
static bool wrt_fw_small(size_t bytes, wrt_layout *o_layout) {
    wrt_layout l;
    wrt_fw_clear(&l);
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
