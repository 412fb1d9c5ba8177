/*
 * The hosted adapters' guarded mapping (linux-mmap, qnx-typed-memory): a PROT_NONE reservation
 * with the usable region mapped over its middle, so one page below and one page above the region
 * fault. An engine that runs off either end of its arena stops with SIGSEGV instead of writing
 * into whatever the process mapped next to it.
 */
#ifndef WRT_MEM_GUARD_H
#define WRT_MEM_GUARD_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "wrt_mem_adapter.h"

#ifndef MAP_NORESERVE
#define MAP_NORESERVE 0 /* QNX: anonymous PROT_NONE memory is never backed anyway */
#endif

typedef struct wrt_mem_guarded {
    uint8_t *reservation;   /* start of the PROT_NONE mapping */
    size_t reservation_bytes;
    uint8_t *start;         /* where the usable region goes: `align`-aligned, a page above the reservation */
    size_t usable;          /* bytes rounded up to `align` */
} wrt_mem_guarded;

static inline size_t wrt_mem_page(void) {
    long page = sysconf(_SC_PAGESIZE);
    return page > 0 ? (size_t)page : 4096u;
}

/*
 * Reserves room for `bytes` (rounded up to `align`, a multiple of the page size) plus a guard page
 * each side, the region's start aligned to `align`. False with errno EINVAL on zero or overflow,
 * else mmap's errno.
 */
static inline int wrt_mem_guard_reserve(size_t bytes, size_t align, wrt_mem_guarded *o_g) {
    size_t page = wrt_mem_page();
    if (bytes == 0u || align == 0u || bytes > SIZE_MAX - 3u * align) {
        errno = EINVAL;
        return 0;
    }
    size_t usable = (bytes + align - 1u) / align * align;
    /* One page of guard each side; an alignment above the page needs up to `align` of slack. */
    size_t total = usable + 2u * page + (align > page ? align : 0u);
    void *r = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (r == MAP_FAILED) return 0;
    uintptr_t first = (uintptr_t)r + page;
    uintptr_t start = (first + align - 1u) / align * align;
    o_g->reservation = (uint8_t *)r;
    o_g->reservation_bytes = total;
    o_g->start = (uint8_t *)start;
    o_g->usable = usable;
    return 1;
}

/*
 * The region mapped over the reservation: locked when asked (a refused mlock gives the reservation
 * back), then handed out. WRT_MEM_LOCK_LIMIT when mlock is over RLIMIT_MEMLOCK or not permitted.
 */
static inline wrt_mem_status wrt_mem_guard_commit(const wrt_mem_guarded *i_g, uint32_t flags, wrt_mem_region *o_region) {
    if ((flags & WRT_MEM_LOCK) != 0u && mlock(i_g->start, i_g->usable) != 0) {
        int err = errno;
        munmap(i_g->reservation, i_g->reservation_bytes);
        errno = err;
        return err == ENOMEM || err == EPERM || err == EAGAIN ? WRT_MEM_LOCK_LIMIT : WRT_MEM_NO_MEMORY;
    }
    o_region->base = i_g->start;
    o_region->bytes = i_g->usable;
    o_region->mapping = i_g->reservation;
    o_region->mapping_bytes = i_g->reservation_bytes;
    o_region->flags = flags;
    return WRT_MEM_OK;
}

/* Gives a guarded region back (munmap also ends an mlock) and zeroes it. */
static inline wrt_mem_status wrt_mem_guard_release(wrt_mem_region *io_region) {
    if (io_region->mapping == NULL) return WRT_MEM_BAD_REQUEST;
    if (munmap(io_region->mapping, io_region->mapping_bytes) != 0) return WRT_MEM_BAD_REQUEST;
    io_region->base = NULL;
    io_region->bytes = 0;
    io_region->mapping = NULL;
    io_region->mapping_bytes = 0;
    io_region->flags = 0;
    return WRT_MEM_OK;
}

#endif /* WRT_MEM_GUARD_H */
