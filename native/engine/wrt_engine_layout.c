#include "wrt_engine_layout.h"

#include <stdint.h>

#define WRT_ENGINE_PAGE_BYTES 65536u
/* From this arena size on, deep call chains, large tables and many globals are affordable. */
#define WRT_ENGINE_LARGE_ARENA (4u * 1024u * 1024u)

void wrt_engine_layout_shares(size_t bytes, wrt_layout *o_layout) {
    /* Field by field: the engine is freestanding and calls no memset. */
    uint8_t *p = (uint8_t *)o_layout;
    for (size_t i = 0; i < sizeof *o_layout; i++) p[i] = 0;
    const bool large = bytes >= WRT_ENGINE_LARGE_ARENA;
    o_layout->meta_bytes = (uint32_t)(bytes / 16u);
    o_layout->code_bytes = (uint32_t)(bytes / 8u);
    o_layout->control_bytes = (uint32_t)(bytes / 64u);
    /* 1/16 of the arena in 8-byte slots. */
    o_layout->stack_slots = (uint32_t)(bytes / 16u / 8u);
    o_layout->call_depth = large ? 4096u : 256u;
    o_layout->table_elements = large ? 4096u : 256u;
    o_layout->global_slots = large ? 1024u : 128u;
}

bool wrt_engine_layout_fill_pages(size_t bytes, wrt_layout *io_layout) {
    io_layout->memory_pages = 0u;
    size_t fixed = wrt_layout_bytes(io_layout);
    if (fixed == 0u || fixed > bytes) return false;
    /* wrt_layout_bytes counts the alignment slack of every region, so an exact fit is safe. */
    io_layout->memory_pages = (uint32_t)((bytes - fixed) / WRT_ENGINE_PAGE_BYTES);
    while (io_layout->memory_pages > 0u && wrt_layout_bytes(io_layout) > bytes) io_layout->memory_pages--;
    return true;
}
