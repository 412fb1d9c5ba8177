/*
 * linker-arena: the memory adapter of the bare-metal firmware (wrt_mem_adapter.h). The arena is
 * the RAM the link leaves free after the stack, .data, .bss and .noinit: __wrt_free_start ..
 * __wrt_free_end of targets/bsp/cortex-m/cortex-m.ld, whose RAM region the firmware build writes
 * from the target definition (memory.ld). Allocation bumps through it, 8-byte aligned; only the
 * whole arena is released (the region that starts at its base), which is all a firmware that lays
 * its arena out once at boot needs. All of it is resident and never paged, so WRT_MEM_LOCK and
 * WRT_MEM_POPULATE hold by construction; there are no huge pages and no pools.
 *
 * Freestanding: no libc; one word of .bss.
 */
#include "wrt_mem_adapter.h"

extern uint8_t __wrt_free_start[], __wrt_free_end[];

const char wrt_mem_adapter_kind[] = "linker-arena";

static size_t wrt_mem_used;

static size_t wrt_mem_arena_bytes(void) { return (size_t)(__wrt_free_end - __wrt_free_start); }

wrt_mem_status wrt_mem_allocate(size_t bytes, uint32_t flags, const char *pool, wrt_mem_region *o_region) {
    *o_region = (wrt_mem_region){0};
    if (pool != NULL || (flags & WRT_MEM_HUGEPAGES) != 0u) return WRT_MEM_UNSUPPORTED;
    size_t left = wrt_mem_arena_bytes() - wrt_mem_used;
    if (bytes == 0u || bytes > left) return bytes == 0u ? WRT_MEM_BAD_REQUEST : WRT_MEM_NO_MEMORY;
    size_t granted = bytes + (-bytes & 7u);
    if (granted > left) granted = left; /* the arena's end is 8-aligned; a short tail stays usable */
    o_region->base = __wrt_free_start + wrt_mem_used;
    o_region->bytes = bytes;
    o_region->mapping = o_region->base;
    o_region->mapping_bytes = granted;
    o_region->flags = flags;
    wrt_mem_used += granted;
    return WRT_MEM_OK;
}

wrt_mem_status wrt_mem_release(wrt_mem_region *io_region) {
    if (io_region->base != __wrt_free_start) return WRT_MEM_UNSUPPORTED;
    wrt_mem_used = 0;
    *io_region = (wrt_mem_region){0};
    return WRT_MEM_OK;
}

uint64_t wrt_mem_available(const char *pool) { return pool != NULL ? 0u : wrt_mem_arena_bytes() - wrt_mem_used; }

uint64_t wrt_mem_total(const char *pool) { return pool != NULL ? 0u : wrt_mem_arena_bytes(); }

uint64_t wrt_mem_lockable(void) { return wrt_mem_arena_bytes(); }
