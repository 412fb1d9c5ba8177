/*
 * linker-arena: the memory adapter of the bare-metal firmware (wrt_mem_adapter.h), inline. The
 * arena is the RAM the link leaves free after the stack, .data, .bss and .noinit:
 * __wrt_free_start .. __wrt_free_end of targets/bsp/cortex-m/cortex-m.ld, whose RAM region the
 * firmware build writes from the target definition (memory.ld). Allocation bumps through it,
 * 8-byte aligned; only the whole arena is released (the region that starts at its base), which is
 * all a firmware that lays its arena out once at boot needs. A refused request changes nothing.
 * All of it is resident and never paged, so WRT_MEM_LOCK and WRT_MEM_POPULATE hold by
 * construction; there are no huge pages and no pools.
 *
 * Included by wrt_mem_adapter.h when WRT_MEM_LINKER_ARENA is defined; wrt_mem_linker.c holds the
 * one word of state. Freestanding: no libc, and no struct copy or clear (clang makes those
 * __aeabi_memclr4 calls, which the image does not have).
 */
#ifndef WRT_MEM_LINKER_H
#define WRT_MEM_LINKER_H

extern uint8_t __wrt_free_start[], __wrt_free_end[];
/* Bytes of the arena handed out (wrt_mem_linker.c). */
extern size_t wrt_mem_linker_used;
extern const char wrt_mem_adapter_kind[];

static inline void wrt_mem_linker_set(wrt_mem_region *o_region, uint8_t *base, size_t bytes, size_t granted, uint32_t flags) {
    o_region->base = base;
    o_region->bytes = bytes;
    o_region->mapping = base;
    o_region->mapping_bytes = granted;
    o_region->flags = flags;
}

static inline wrt_mem_status wrt_mem_allocate(size_t bytes, uint32_t flags, const char *pool, wrt_mem_region *o_region) {
    uint8_t *base = __wrt_free_start + wrt_mem_linker_used;
    size_t left = (size_t)(__wrt_free_end - base);
    size_t granted = (bytes + 7u) & ~(size_t)7u; /* the arena's ends are 8-aligned (cortex-m.ld) */
    wrt_mem_status status = WRT_MEM_OK;
    if (pool != NULL || (flags & WRT_MEM_HUGEPAGES) != 0u) status = WRT_MEM_UNSUPPORTED;
    else if (bytes == 0u) status = WRT_MEM_BAD_REQUEST;
    else if (granted > left || granted < bytes) status = WRT_MEM_NO_MEMORY;
    if (status != WRT_MEM_OK) {
        wrt_mem_linker_set(o_region, NULL, 0u, 0u, 0u);
        return status;
    }
    wrt_mem_linker_set(o_region, base, bytes, granted, flags);
    wrt_mem_linker_used += granted;
    return WRT_MEM_OK;
}

static inline wrt_mem_status wrt_mem_release(wrt_mem_region *io_region) {
    if (io_region->base != __wrt_free_start) return WRT_MEM_UNSUPPORTED;
    wrt_mem_linker_used = 0u;
    wrt_mem_linker_set(io_region, NULL, 0u, 0u, 0u);
    return WRT_MEM_OK;
}

static inline uint64_t wrt_mem_total(const char *pool) { return pool != NULL ? 0u : (uint64_t)(__wrt_free_end - __wrt_free_start); }

static inline uint64_t wrt_mem_available(const char *pool) { return pool != NULL ? 0u : wrt_mem_total(NULL) - wrt_mem_linker_used; }

static inline uint64_t wrt_mem_lockable(void) { return wrt_mem_total(NULL); }

#endif /* WRT_MEM_LINKER_H */
