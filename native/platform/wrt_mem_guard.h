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

#endif /* WRT_MEM_GUARD_H */
