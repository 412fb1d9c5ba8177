/*
 * native-sim's side of the engine (native/engine/wrt_interp_engine.c): the arena is taken once at
 * start-up through the memory adapter (native/platform/wrt_mem_adapter.h; linux-mmap on Linux:
 * guard pages either side, NORESERVE unless --mem-lock or --mem-populate), the clocks are the
 * host's, random_get reads getrandom(2).
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "sim_engine.h"
#include "wrt_engine_layout.h"
#include "wrt_interp_engine.h"
#include "wrt_mem_adapter.h"
#include "wrt_sig.h"

/*
 * The engine's default layout of an arena of `bytes` (native/engine/wrt_engine_layout.c) with the
 * sizes given on the command line in place of its shares. The default arena follows
 * targets/native-sim.yaml (16 MiB, 1 MiB stack).
 */
static bool wrt_sim_layout(size_t bytes, const wrt_sim_options *i_opts, wrt_layout *o_layout) {
    wrt_layout l;
    wrt_engine_layout_shares(bytes, &l);
    if (i_opts->stack_slots != 0u) l.stack_slots = i_opts->stack_slots;
    if (i_opts->call_depth != 0u) l.call_depth = i_opts->call_depth;
    if (i_opts->table_elements != 0u) l.table_elements = i_opts->table_elements;
    if (i_opts->global_slots != 0u) l.global_slots = i_opts->global_slots;
    l.table_elements_max = i_opts->table_elements_max;
    l.memory_pages_max = i_opts->memory_pages_max;
    if (!wrt_engine_layout_fill_pages(bytes, &l)) return false;
    *o_layout = l;
    return true;
}

static bool wrt_sim_wasi_clock(void *ctx, uint32_t id, uint64_t *o_ns) {
    (void)ctx;
    struct timespec ts;
    if (clock_gettime(id == 0u ? CLOCK_REALTIME : CLOCK_MONOTONIC, &ts) != 0) return false;
    *o_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    return true;
}

static bool wrt_sim_wasi_random(void *ctx, uint8_t *o_buf, uint32_t len) {
    (void)ctx;
    uint32_t done = 0;
    while (done < len) {
        ssize_t n = getrandom(o_buf + done, len - done, 0);
        if (n <= 0) return false;
        done += (uint32_t)n;
    }
    return true;
}

/*
 * Why the adapter refused the arena, as one line naming the option, the limit and what to do. The
 * figures are the adapter's own (RLIMIT_MEMLOCK through wrt_mem_lockable).
 */
static const char *wrt_sim_mem_failure(wrt_mem_status status, size_t bytes, const wrt_sim_options *i_opts) {
    static char why[512];
    unsigned long long lockable = (unsigned long long)wrt_mem_lockable();
    switch (status) {
    case WRT_MEM_LOCK_LIMIT:
        if (lockable == (unsigned long long)WRT_MEM_UNLIMITED) {
            snprintf(why, sizeof why, "--mem-lock: mlock of the %zu-byte arena refused (RLIMIT_MEMLOCK is unlimited): %s", bytes,
                     "the system has not that much memory to lock");
        } else {
            snprintf(why, sizeof why,
                     "--mem-lock: cannot lock the %zu-byte arena: RLIMIT_MEMLOCK allows %llu bytes; raise it (`ulimit -l %llu` (KiB) "
                     "in the shell that starts wrt-target, as root or within the hard limit; memlock in "
                     "/etc/security/limits.conf), or lower the arena, or set memory.adapter.lock: false",
                     bytes, lockable, ((unsigned long long)bytes + 65535u) / 65536u * 64u);
        }
        return why;
    case WRT_MEM_NO_HUGEPAGES:
        snprintf(why, sizeof why,
                 "--mem-hugepages: the kernel has no free huge pages for the %zu-byte arena (see HugePages_Free and "
                 "Hugepagesize in /proc/meminfo); reserve some with `sysctl vm.nr_hugepages=N` or set memory.adapter.hugepages: false",
                 bytes);
        return why;
    case WRT_MEM_UNSUPPORTED:
        snprintf(why, sizeof why, "the %s memory adapter has no %s", wrt_mem_adapter_kind,
                 i_opts->mem_pool != NULL ? "typed memory (--mem-typed-memory is for qnx-typed-memory)" : "such option (--mem-hugepages is Linux's)");
        return why;
    case WRT_MEM_NO_POOL:
        snprintf(why, sizeof why, "--mem-typed-memory: no typed memory object named %s", i_opts->mem_pool != NULL ? i_opts->mem_pool : "(none)");
        return why;
    default:
        snprintf(why, sizeof why, "cannot map the %zu-byte arena (%s adapter: %s)", bytes, wrt_mem_adapter_kind, wrt_mem_status_text(status));
        return why;
    }
}

/* The arena of the engine started last; one engine a process (native-sim, or the in-process device). */
static wrt_mem_region region;

const wrtp_engine_ops *wrt_sim_engine(const wrt_sim_options *i_opts, void **o_ctx, const char **o_why) {
    static wrt_interp_engine engine;
    size_t bytes = i_opts->arena_bytes != 0u ? i_opts->arena_bytes : WRT_SIM_DEFAULT_ARENA_BYTES;
    wrt_layout layout;
    if (!wrt_sim_layout(bytes, i_opts, &layout)) {
        *o_why = "--arena: too small for the region layout (and the --stack-slots, --table-elements given)";
        return NULL;
    }
    wrt_mem_status status = wrt_mem_allocate(bytes, i_opts->mem_flags, i_opts->mem_pool, &region);
    if (status != WRT_MEM_OK) {
        *o_why = wrt_sim_mem_failure(status, bytes, i_opts);
        return NULL;
    }
    void *arena = region.base;
    /* Profiles compiled for --target native-sim only: another target's layout assumes other pointer sizes and RAM. */
    const wrt_interp_platform platform = {NULL, wrt_sim_wasi_clock, wrt_sim_wasi_random, "native-sim", i_opts->signing_key,
                                          wrt_sig_verify_module};
    const wrtp_engine_ops *ops = wrt_interp_engine_start(&engine, (uint8_t *)arena, bytes, &layout, &platform, NULL, 0u, NULL,
                                                        0u, o_why);
    *o_ctx = &engine;
    return ops;
}

void wrt_sim_engine_stop(void) {
    if (region.base != NULL) (void)wrt_mem_release(&region);
}
