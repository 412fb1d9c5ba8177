/*
 * linux-mmap: the memory adapter of native-sim on Linux (wrt_mem_adapter.h).
 *
 * The region is mapped over the middle of a PROT_NONE reservation (wrt_mem_guard.h), so the page
 * below and the page above it fault. Without WRT_MEM_LOCK or WRT_MEM_POPULATE it is MAP_NORESERVE:
 * a large arena (the spec testsuite maps 3.75 GiB) is backed only where it is touched, and costs
 * no commit charge. A real-time user asks for the pages up front: POPULATE faults them in at
 * allocation, LOCK also mlocks them (no page fault, no swap-out later), within RLIMIT_MEMLOCK
 * unless the process has CAP_IPC_LOCK. HUGEPAGES maps the kernel's default huge page size
 * (/proc/meminfo Hugepagesize) with MAP_HUGETLB; those come from the pool
 * /proc/sys/vm/nr_hugepages reserves, and an empty pool is WRT_MEM_NO_HUGEPAGES.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#include "wrt_mem_adapter.h"
#include "wrt_mem_guard.h"

const char wrt_mem_adapter_kind[] = "linux-mmap";

/* A value of /proc/meminfo in bytes ("MemAvailable:" is "N kB"); 0 when absent or unreadable. */
static uint64_t wrt_mem_meminfo(const char *key) {
    char text[8192];
    int fd = open("/proc/meminfo", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    size_t len = 0;
    for (int reads = 0; reads < 16 && len < sizeof text - 1u; reads++) {
        ssize_t n = read(fd, text + len, sizeof text - 1u - len);
        if (n <= 0) break;
        len += (size_t)n;
    }
    close(fd);
    text[len] = '\0';
    size_t key_len = strlen(key);
    const char *line = text;
    for (size_t lines = 0; lines < 256u && line != NULL && *line != '\0'; lines++) {
        if (strncmp(line, key, key_len) == 0) {
            const char *p = line + key_len;
            while (*p == ' ') p++;
            uint64_t value = 0;
            for (int digits = 0; digits < 20 && *p >= '0' && *p <= '9'; digits++, p++) value = value * 10u + (uint64_t)(*p - '0');
            return strncmp(p, " kB", 3) == 0 ? value * 1024u : value;
        }
        line = strchr(line, '\n');
        if (line != NULL) line++;
    }
    return 0;
}

wrt_mem_status wrt_mem_allocate(size_t bytes, uint32_t flags, const char *pool, wrt_mem_region *o_region) {
    memset(o_region, 0, sizeof *o_region);
    if (pool != NULL || (flags & ~(uint32_t)(WRT_MEM_LOCK | WRT_MEM_POPULATE | WRT_MEM_HUGEPAGES)) != 0u) return WRT_MEM_UNSUPPORTED;
    if (bytes == 0u) return WRT_MEM_BAD_REQUEST;
    size_t align = wrt_mem_page();
    int map_flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
    if ((flags & WRT_MEM_HUGEPAGES) != 0u) {
        uint64_t huge = wrt_mem_meminfo("Hugepagesize:");
        if (huge == 0u || huge > SIZE_MAX / 4u) {
            errno = ENOENT;
            return WRT_MEM_NO_HUGEPAGES;
        }
        align = (size_t)huge;
        map_flags |= MAP_HUGETLB;
    }
    /*
     * NORESERVE only for plain requests. A huge page mapping must reserve its pages at mmap: with
     * NORESERVE an empty pool is found only at the first touch, as SIGBUS.
     */
    if ((flags & (WRT_MEM_LOCK | WRT_MEM_POPULATE)) != 0u) {
        map_flags |= MAP_POPULATE;
    } else if ((flags & WRT_MEM_HUGEPAGES) == 0u) {
        map_flags |= MAP_NORESERVE;
    }
    wrt_mem_guarded g;
    if (!wrt_mem_guard_reserve(bytes, align, &g)) return errno == EINVAL ? WRT_MEM_BAD_REQUEST : WRT_MEM_NO_MEMORY;
    if (mmap(g.start, g.usable, PROT_READ | PROT_WRITE, map_flags, -1, 0) == MAP_FAILED) {
        int err = errno;
        munmap(g.reservation, g.reservation_bytes);
        errno = err;
        /* MAP_HUGETLB answers ENOMEM when the pool has too few free pages (none, by default). */
        return (flags & WRT_MEM_HUGEPAGES) != 0u ? WRT_MEM_NO_HUGEPAGES : WRT_MEM_NO_MEMORY;
    }
    return wrt_mem_guard_commit(&g, flags, o_region);
}

wrt_mem_status wrt_mem_release(wrt_mem_region *io_region) {
    /* munmap also ends an mlock. */
    return wrt_mem_guard_release(io_region);
}

uint64_t wrt_mem_available(const char *pool) {
    if (pool != NULL) return 0;
    uint64_t available = wrt_mem_meminfo("MemAvailable:");
    if (available != 0u) return available;
    struct sysinfo info;
    return sysinfo(&info) == 0 ? ((uint64_t)info.freeram + info.bufferram) * info.mem_unit : 0u;
}

uint64_t wrt_mem_total(const char *pool) {
    struct sysinfo info;
    if (pool != NULL || sysinfo(&info) != 0) return 0;
    return (uint64_t)info.totalram * info.mem_unit;
}

uint64_t wrt_mem_lockable(void) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_MEMLOCK, &limit) != 0) return 0;
    return limit.rlim_cur == RLIM_INFINITY ? WRT_MEM_UNLIMITED : (uint64_t)limit.rlim_cur;
}
