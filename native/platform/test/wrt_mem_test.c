/*
 * The memory adapters' test program: linked with one adapter (native/platform/Makefile builds it
 * with linux-mmap, with qnx-typed-memory over the memfd stand-in, and with linker-arena over a
 * static array), it runs one case per invocation and prints what it measured as `key=value`
 * words; test/platform/memory-adapter.test.ts runs the cases and asserts the values.
 *
 *   wrt-mem-test [--pool NAME:TOTAL:CONTIG] [--name NAME] CASE ARGS
 *     info                        kind, total, available, lockable
 *     alloc BYTES FLAGS           FLAGS: any of l (lock) p (populate) h (hugepages), or -
 *                                 allocate, check alignment, zero fill and the whole region
 *                                 writable, then release; prints status, bytes, resident pages
 *     guard below|above BYTES     in a child: touch the byte before / after the region; prints
 *                                 the signal that ended the child (11 = SIGSEGV)
 *     lock BYTES LIMIT            in a child: RLIMIT_MEMLOCK = LIMIT (and, as root, uid 65534,
 *                                 so CAP_IPC_LOCK does not lift the limit), then a locked alloc;
 *                                 prints status and VmLck
 *     bump                        linker-arena: two allocations, release of the second refused,
 *                                 release of the first returns the whole arena
 * --pool: (stand-in build) defines a typed memory object; --name: the pool allocate is given.
 * Exit 0 when the case ran (whatever the adapter answered), 1 when a check inside failed, 2 usage.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#if !defined(WRT_MEM_TEST_LINKER)
#include <sys/mman.h>
#endif

#include "wrt_mem_adapter.h"

static const char *wrt_test_pool;

#if defined(WRT_MEM_TEST_LINKER)
/* The "linker's" arena: Makefile points __wrt_free_start/__wrt_free_end at this with --defsym. */
uint8_t wrt_test_arena[1u << 20] __attribute__((aligned(8)));
#endif

static int fail(const char *what) {
    printf("FAIL %s\n", what);
    return 1;
}

static uint32_t parse_flags(const char *text) {
    uint32_t flags = 0;
    for (const char *p = text; *p != '\0' && p - text < 8; p++) {
        if (*p == 'l') flags |= WRT_MEM_LOCK;
        if (*p == 'p') flags |= WRT_MEM_POPULATE;
        if (*p == 'h') flags |= WRT_MEM_HUGEPAGES;
    }
    return flags;
}

/* Pages of the region the kernel has resident (mincore); -1 where there is no mincore (linker). */
static long resident_pages(const wrt_mem_region *r) {
#if defined(WRT_MEM_TEST_LINKER)
    (void)r;
    return -1;
#else
    long page = sysconf(_SC_PAGESIZE);
    size_t pages = (r->bytes + (size_t)page - 1u) / (size_t)page;
    static unsigned char vec[1u << 20];
    if (pages > sizeof vec || mincore(r->base, r->bytes, vec) != 0) return -1;
    long n = 0;
    for (size_t i = 0; i < pages; i++) n += vec[i] & 1;
    return n;
#endif
}

/* VmLck of /proc/self/status in bytes. */
static long long vm_locked(void) {
    FILE *f = fopen("/proc/self/status", "r");
    if (f == NULL) return -1;
    char line[256];
    long long kb = -1;
    for (int i = 0; i < 128 && fgets(line, sizeof line, f) != NULL; i++) {
        if (sscanf(line, "VmLck: %lld kB", &kb) == 1) break;
    }
    fclose(f);
    return kb < 0 ? -1 : kb * 1024;
}

static int case_alloc(size_t bytes, uint32_t flags) {
    wrt_mem_region r;
    wrt_mem_status s = wrt_mem_allocate(bytes, flags, wrt_test_pool, &r);
    if (s != WRT_MEM_OK) {
        int err = errno;
        printf("status=%d text=\"%s\" errno=%d\n", (int)s, wrt_mem_status_text(s), err);
        return r.base == NULL && r.bytes == 0u ? 0 : fail("a failed allocate left a region");
    }
    long before = resident_pages(&r);
    if (r.bytes < bytes) return fail("region smaller than asked");
    if (((uintptr_t)r.base & 7u) != 0u) return fail("region not 8-byte aligned");
#if !defined(WRT_MEM_TEST_LINKER)
    if (((uintptr_t)r.base % (uintptr_t)sysconf(_SC_PAGESIZE)) != 0u) return fail("region not page aligned");
#endif
    for (size_t i = 0; i < r.bytes; i += 4096u) {
        if (r.base[i] != 0u) return fail("region not zero-filled");
    }
    memset(r.base, 0xA5, r.bytes);
    if (r.base[0] != 0xA5 || r.base[r.bytes - 1u] != 0xA5) return fail("region not writable end to end");
    long long locked = vm_locked();
    printf("status=0 bytes=%zu resident_before_touch=%ld vmlck=%lld\n", r.bytes, before, locked);
    if (wrt_mem_release(&r) != WRT_MEM_OK || r.base != NULL) return fail("release");
    return 0;
}

static int case_guard(int above, size_t bytes) {
    fflush(stdout);
    pid_t child = fork();
    if (child < 0) return fail("fork");
    if (child == 0) {
        wrt_mem_region r;
        if (wrt_mem_allocate(bytes, 0u, wrt_test_pool, &r) != WRT_MEM_OK) _exit(3);
        volatile uint8_t *p = above ? r.base + r.bytes : r.base - 1;
        *p = 1; /* must fault */
        _exit(0);
    }
    int status = 0;
    if (waitpid(child, &status, 0) != child) return fail("waitpid");
    if (WIFSIGNALED(status)) {
        printf("signal=%d\n", WTERMSIG(status));
    } else {
        printf("exit=%d\n", WEXITSTATUS(status));
    }
    return 0;
}

static int case_lock(size_t bytes, unsigned long long limit) {
    fflush(stdout);
    pid_t child = fork();
    if (child < 0) return fail("fork");
    if (child == 0) {
        struct rlimit rl = {(rlim_t)limit, (rlim_t)limit};
        if (setrlimit(RLIMIT_MEMLOCK, &rl) != 0) _exit(3);
        /* root has CAP_IPC_LOCK, which lifts RLIMIT_MEMLOCK: drop it by becoming nobody. */
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(4);
        printf("lockable=%llu ", (unsigned long long)wrt_mem_lockable());
        wrt_mem_region r;
        wrt_mem_status s = wrt_mem_allocate(bytes, WRT_MEM_LOCK, wrt_test_pool, &r);
        printf("status=%d text=\"%s\" vmlck=%lld\n", (int)s, wrt_mem_status_text(s), vm_locked());
        fflush(stdout);
        _exit(s == WRT_MEM_OK && wrt_mem_release(&r) != WRT_MEM_OK ? 5 : 0);
    }
    int status = 0;
    if (waitpid(child, &status, 0) != child) return fail("waitpid");
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : fail("lock child");
}

#if defined(WRT_MEM_TEST_LINKER)
static int case_bump(void) {
    uint64_t total = wrt_mem_total(NULL);
    wrt_mem_region a, b, c;
    if (wrt_mem_allocate(1000u, 0u, NULL, &a) != WRT_MEM_OK) return fail("first");
    if (wrt_mem_allocate(24u, WRT_MEM_LOCK | WRT_MEM_POPULATE, NULL, &b) != WRT_MEM_OK) return fail("second");
    printf("total=%llu first_offset=%td second_offset=%td available=%llu ", (unsigned long long)total, a.base - wrt_test_arena,
           b.base - wrt_test_arena, (unsigned long long)wrt_mem_available(NULL));
    printf("over=%d huge=%d pool=%d ", (int)wrt_mem_allocate((size_t)total, 0u, NULL, &c),
           (int)wrt_mem_allocate(8u, WRT_MEM_HUGEPAGES, NULL, &c), (int)wrt_mem_allocate(8u, 0u, "sysram", &c));
    printf("release_second=%d ", (int)wrt_mem_release(&b));
    printf("release_first=%d ", (int)wrt_mem_release(&a));
    printf("available_after=%llu\n", (unsigned long long)wrt_mem_available(NULL));
    return 0;
}
#endif

int main(int argc, char **argv) {
    int i = 1;
    for (; i + 1 < argc && argv[i][0] == '-' && argv[i][1] == '-'; i += 2) {
        if (strcmp(argv[i], "--name") == 0) {
            wrt_test_pool = argv[i + 1];
#if defined(WRT_MEM_TEST_STANDIN)
        } else if (strcmp(argv[i], "--pool") == 0) {
            char name[64];
            unsigned long long total = 0, contig = 0;
            if (sscanf(argv[i + 1], "%63[^:]:%llu:%llu", name, &total, &contig) != 3 ||
                wrt_qnx_standin_pool(name, (size_t)total, (size_t)contig) != 0) {
                return 2;
            }
#endif
        } else {
            return 2;
        }
    }
    if (i >= argc) return 2;
    const char *c = argv[i];
    const char *a1 = i + 1 < argc ? argv[i + 1] : "";
    const char *a2 = i + 2 < argc ? argv[i + 2] : "";
    if (strcmp(c, "info") == 0) {
        printf("kind=%s total=%llu available=%llu lockable=%llu\n", wrt_mem_adapter_kind, (unsigned long long)wrt_mem_total(wrt_test_pool),
               (unsigned long long)wrt_mem_available(wrt_test_pool), (unsigned long long)wrt_mem_lockable());
        return 0;
    }
    if (strcmp(c, "alloc") == 0) return case_alloc((size_t)strtoull(a1, NULL, 0), parse_flags(a2));
    if (strcmp(c, "guard") == 0) return case_guard(strcmp(a1, "above") == 0, (size_t)strtoull(a2, NULL, 0));
    if (strcmp(c, "lock") == 0) return case_lock((size_t)strtoull(a1, NULL, 0), strtoull(a2, NULL, 0));
#if defined(WRT_MEM_TEST_LINKER)
    if (strcmp(c, "bump") == 0) return case_bump();
#endif
    return 2;
}
