/*
 * The memory adapter: where the engine's arena comes from on each platform. One interface, one
 * implementation linked per build, chosen from the target definition's memory.adapter.kind
 * (targets/<id>.yaml, docs/targets.md):
 *
 *   linux-mmap        wrt_mem_linux.c   native-sim on Linux: mmap with a PROT_NONE guard page
 *                                       before and after the region, NORESERVE unless locked or
 *                                       populated; optional mlock, MAP_POPULATE, MAP_HUGETLB
 *   qnx-typed-memory  wrt_mem_qnx.c     QNX: posix_typed_mem_open(name, O_RDWR,
 *                                       POSIX_TYPED_MEM_ALLOCATE_CONTIG) + mmap, same guard pages
 *   linker-arena      wrt_mem_linker.h  bare metal: the RAM the linker left free (cortex-m.ld's
 *                     (inline)          __wrt_free_start .. __wrt_free_end), bump allocation
 *
 * Decision: the implementation is selected at build time (one source file is linked; linker-arena's
 * functions are inline, see below), not through a table of function pointers. A firmware image
 * carries one adapter only, so a table would cost flash and an indirect call for nothing, and the
 * compiler could neither drop the functions the firmware never calls nor fold the constant
 * arguments it passes (docs/foundation.md gives the measured cost).
 *
 * No function here allocates from a heap; every loop is bounded.
 */
#ifndef WRT_MEM_ADAPTER_H
#define WRT_MEM_ADAPTER_H

#include <stddef.h>
#include <stdint.h>

/* allocate's flags. */
#define WRT_MEM_LOCK 0x1u      /* keep the region resident (mlock); implies populate */
#define WRT_MEM_POPULATE 0x2u  /* touch every page now (MAP_POPULATE), not at first use */
#define WRT_MEM_HUGEPAGES 0x4u /* back the region with the kernel's default huge pages */

/* No limit (RLIM_INFINITY), as wrt_mem_lockable answers it. */
#define WRT_MEM_UNLIMITED UINT64_MAX

typedef enum wrt_mem_status {
    WRT_MEM_OK = 0,
    WRT_MEM_NO_MEMORY = 1,    /* the platform has not that much to give (mmap ENOMEM, arena too small) */
    WRT_MEM_LOCK_LIMIT = 2,   /* mlock refused: over RLIMIT_MEMLOCK (wrt_mem_lockable) or not permitted */
    WRT_MEM_NO_HUGEPAGES = 3, /* MAP_HUGETLB refused: the kernel has no (free) huge pages of that size */
    WRT_MEM_UNSUPPORTED = 4,  /* a flag or a pool this adapter does not have */
    WRT_MEM_NO_POOL = 5,      /* qnx-typed-memory: no typed memory object of that name */
    WRT_MEM_BAD_REQUEST = 6,  /* zero bytes, a size that overflows, a region not from this adapter */
} wrt_mem_status;

/* One allocation. `base`/`bytes` are the usable region; the rest is the adapter's. */
typedef struct wrt_mem_region {
    uint8_t *base;
    size_t bytes;        /* at least what was asked, rounded up to the adapter's page */
    void *mapping;       /* what release gives back, guard pages included (linker-arena: the arena start) */
    size_t mapping_bytes;
    uint32_t flags;      /* the flags the region was granted */
} wrt_mem_region;

#if defined(WRT_MEM_LINKER_ARENA)
/*
 * linker-arena is defined inline (wrt_mem_linker.h): a firmware calls it once, with constant
 * arguments, so the compiler folds the checks it cannot fail and the adapter costs a few dozen
 * bytes of flash. The build that links wrt_mem_linker.c defines WRT_MEM_LINKER_ARENA.
 */
#include "wrt_mem_linker.h"
#else
/*
 * A region of at least `bytes`, writable. linux-mmap's is zero-filled; qnx-typed-memory's is as
 * QNX maps it; a linker arena holds whatever the RAM held (the engine lays its regions out
 * itself). `pool` names the QNX typed memory object (qnx-typed-memory: required); the other
 * adapters take NULL and refuse a name (WRT_MEM_UNSUPPORTED). On failure *o_region is all zero
 * and errno (hosted adapters) is that of the call that failed.
 */
wrt_mem_status wrt_mem_allocate(size_t bytes, uint32_t flags, const char *pool, wrt_mem_region *o_region);

/* Gives a region back and zeroes it. linker-arena releases only the whole arena (the first region). */
wrt_mem_status wrt_mem_release(wrt_mem_region *io_region);

/* Bytes an allocate could get now (linux: MemAvailable; qnx: the pool's largest contiguous block). */
uint64_t wrt_mem_available(const char *pool);

/* Bytes the platform has in all (linux: sysinfo totalram; qnx: the pool; linker-arena: the arena). */
uint64_t wrt_mem_total(const char *pool);

/* Bytes a WRT_MEM_LOCK allocation may lock (RLIMIT_MEMLOCK's soft limit; bare metal: the arena). */
uint64_t wrt_mem_lockable(void);

#endif

/* "linux-mmap", "qnx-typed-memory" or "linker-arena": the target data's memory.adapter.kind. */
extern const char wrt_mem_adapter_kind[];

/* A status as a short phrase, for diagnostics ("cannot lock that much"); wrt_mem_status.c. */
const char *wrt_mem_status_text(wrt_mem_status status);

#endif /* WRT_MEM_ADAPTER_H */
