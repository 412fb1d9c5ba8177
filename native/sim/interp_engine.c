/*
 * native-sim's side of the engine (native/engine/wrt_interp_engine.c): the arena is one anonymous
 * mapping taken at start-up, the clocks are the host's, random_get reads getrandom(2).
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>

#include "sim_engine.h"
#include "wrt_engine_layout.h"
#include "wrt_interp_engine.h"
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

const wrtp_engine_ops *wrt_sim_engine(const wrt_sim_options *i_opts, void **o_ctx, const char **o_why) {
    static wrt_interp_engine engine;
    size_t bytes = i_opts->arena_bytes != 0u ? i_opts->arena_bytes : WRT_SIM_DEFAULT_ARENA_BYTES;
    wrt_layout layout;
    if (!wrt_sim_layout(bytes, i_opts, &layout)) {
        *o_why = "--arena: too small for the region layout (and the --stack-slots, --table-elements given)";
        return NULL;
    }
    /* NORESERVE: a large arena (the testsuite maps 3.75 GiB) is backed only where it is touched. */
    void *arena = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (arena == MAP_FAILED) {
        *o_why = "cannot map the arena";
        return NULL;
    }
    /* Profiles compiled for --target native-sim only: another target's layout assumes other pointer sizes and RAM. */
    const wrt_interp_platform platform = {NULL, wrt_sim_wasi_clock, wrt_sim_wasi_random, "native-sim", i_opts->signing_key,
                                          wrt_sig_verify_module};
    const wrtp_engine_ops *ops = wrt_interp_engine_start(&engine, (uint8_t *)arena, bytes, &layout, &platform, NULL, 0u, NULL,
                                                        0u, o_why);
    *o_ctx = &engine;
    return ops;
}
