/*
 * qnx-typed-memory: the memory adapter for QNX Neutrino (wrt_mem_adapter.h). The region comes
 * from the typed memory object the target names (memory.adapter.typedMemoryName, e.g.
 * /memory/below4G/ram/sysram; `probe --syspage` lists a system's asinfo entries):
 * posix_typed_mem_open(name, O_RDWR, POSIX_TYPED_MEM_ALLOCATE_CONTIG) then mmap of the descriptor,
 * which allocates physically contiguous memory from the pool. It is mapped over the middle of a
 * PROT_NONE reservation with MAP_FIXED (wrt_mem_guard.h), as on Linux, so the pages either side
 * fault.
 *
 * Flags: such memory is allocated and backed when it is mapped, so WRT_MEM_POPULATE asks for
 * nothing more; WRT_MEM_LOCK mlocks it as well (the process needs PROCMGR_AID_MEM_LOCK);
 * WRT_MEM_HUGEPAGES is Linux's and refused (QNX chooses its own page sizes for contiguous memory).
 *
 * Built for QNX by qcc (not done here: no QNX SDP). On Linux it is compiled against the stand-in
 * <sys/mman.h> of native/platform/qnx-standin/, whose posix_typed_mem_* are backed by memfd, and
 * run through the same tests as the Linux adapter (native/platform/test, docs/qnx.md).
 */
#if defined(__QNX__)
#define _QNX_SOURCE /* MAP_ANON and the typed memory calls under -std=c11 */
#else
#define _DEFAULT_SOURCE /* the stand-in build on Linux: MAP_ANONYMOUS under -std=c11 */
#endif
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "wrt_mem_adapter.h"
#include "wrt_mem_guard.h"

const char wrt_mem_adapter_kind[] = "qnx-typed-memory";

/* posix_tmi_length of the pool opened with `tflag`: the most one allocation of that kind gets. */
static uint64_t wrt_mem_pool_length(const char *pool, int tflag) {
    if (pool == NULL) return 0;
    int fd = posix_typed_mem_open(pool, O_RDONLY, tflag);
    if (fd < 0) return 0;
    struct posix_typed_mem_info info;
    memset(&info, 0, sizeof info);
    uint64_t length = posix_typed_mem_get_info(fd, &info) == 0 ? (uint64_t)info.posix_tmi_length : 0u;
    close(fd);
    return length;
}

wrt_mem_status wrt_mem_allocate(size_t bytes, uint32_t flags, const char *pool, wrt_mem_region *o_region) {
    memset(o_region, 0, sizeof *o_region);
    if ((flags & ~(uint32_t)(WRT_MEM_LOCK | WRT_MEM_POPULATE)) != 0u) return WRT_MEM_UNSUPPORTED;
    if (pool == NULL || bytes == 0u) return WRT_MEM_BAD_REQUEST;
    int fd = posix_typed_mem_open(pool, O_RDWR, POSIX_TYPED_MEM_ALLOCATE_CONTIG);
    if (fd < 0) return WRT_MEM_NO_POOL;
    wrt_mem_guarded g;
    if (!wrt_mem_guard_reserve(bytes, wrt_mem_page(), &g)) {
        int err = errno;
        close(fd);
        errno = err;
        return err == EINVAL ? WRT_MEM_BAD_REQUEST : WRT_MEM_NO_MEMORY;
    }
    /* Refused here rather than by mmap: the pool says how much one contiguous block can be. */
    struct posix_typed_mem_info info;
    memset(&info, 0, sizeof info);
    if (posix_typed_mem_get_info(fd, &info) != 0 || (uint64_t)info.posix_tmi_length < (uint64_t)g.usable) {
        close(fd);
        munmap(g.reservation, g.reservation_bytes);
        errno = ENOMEM;
        return WRT_MEM_NO_MEMORY;
    }
    void *mapped = mmap(g.start, g.usable, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);
    int err = errno;
    close(fd); /* the mapping keeps the memory */
    if (mapped == MAP_FAILED) {
        munmap(g.reservation, g.reservation_bytes);
        errno = err;
        return WRT_MEM_NO_MEMORY;
    }
    return wrt_mem_guard_commit(&g, flags, o_region);
}

wrt_mem_status wrt_mem_release(wrt_mem_region *io_region) {
    /* Unmapping the last mapping of allocated typed memory returns it to the pool. */
    return wrt_mem_guard_release(io_region);
}

uint64_t wrt_mem_available(const char *pool) { return wrt_mem_pool_length(pool, POSIX_TYPED_MEM_ALLOCATE_CONTIG); }

uint64_t wrt_mem_total(const char *pool) { return wrt_mem_pool_length(pool, POSIX_TYPED_MEM_ALLOCATE); }

uint64_t wrt_mem_lockable(void) {
#ifdef RLIMIT_MEMLOCK
    struct rlimit limit;
    if (getrlimit(RLIMIT_MEMLOCK, &limit) != 0) return 0;
    return limit.rlim_cur == RLIM_INFINITY ? WRT_MEM_UNLIMITED : (uint64_t)limit.rlim_cur;
#else
    return 0; /* no such limit on this system: what mlock may take is not known beforehand */
#endif
}
