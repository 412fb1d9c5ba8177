/*
 * native-sim in process: the same engine, protocol server and options as the native-sim program
 * (main.c), built as a shared library (build/native-sim/libwrt-sim.so) that a host loads instead of
 * spawning a process. Frames still go through the protocol server, so a session in process and one
 * over native-sim's stdio run the same code from the frame decoder down; what differs is only the
 * byte link (no pipe, no process).
 *
 * One device a process: the engine's arena and the server are static, as in the program. A request
 * runs to its end inside wrt_sim_inproc_exchange, so the device cannot wait for a host answer: its
 * port has no `read`, so the server offers no host imports and a HOST_CALL fails at once
 * (wrtp_server.c), as on a link that cannot carry one.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sim_engine.h"
#include "sim_options.h"
#include "wrtp_server.h"

#define WRT_SIM_INPROC_OUT_BYTES (8u * 1024u * 1024u)

static uint8_t wrt_inproc_upload[16u * 1024u * 1024u];
static uint8_t wrt_inproc_profile[4096];
static wrtp_server wrt_inproc_server;
static wrt_sim_config wrt_inproc_cfg;
static wrtp_port wrt_inproc_port;
static int wrt_inproc_open_now;

/* What the device wrote and the host has not taken yet. */
static uint8_t wrt_inproc_out[WRT_SIM_INPROC_OUT_BYTES];
static size_t wrt_inproc_out_len;
static size_t wrt_inproc_out_taken;
static int wrt_inproc_overflowed;

static uint32_t wrt_inproc_now_ms(void *ctx) {
    (void)ctx;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint32_t)((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u);
}

static bool wrt_inproc_write(void *ctx, const uint8_t *i_bytes, size_t len) {
    (void)ctx;
    if (wrt_inproc_out_taken == wrt_inproc_out_len) wrt_inproc_out_len = wrt_inproc_out_taken = 0;
    if (len > sizeof wrt_inproc_out - wrt_inproc_out_len) {
        /* A host that does not take what the device wrote loses the link, as a closed pipe would. */
        wrt_inproc_overflowed = 1;
        return false;
    }
    memcpy(wrt_inproc_out + wrt_inproc_out_len, i_bytes, len);
    wrt_inproc_out_len += len;
    return true;
}

/*
 * Starts the device with native-sim's options (argv without a program name). Returns 0, or 2 for
 * a bad option and 3 when the engine cannot start (native-sim's exit codes), the reason in o_why.
 */
int wrt_sim_inproc_open(int argc, char *const *argv, char *o_why, size_t why_cap) {
    if (wrt_inproc_open_now) {
        snprintf(o_why, why_cap, "an in-process device is open already (one a process): close it first");
        return 2;
    }
    wrt_sim_config_defaults(&wrt_inproc_cfg, 1u);
    for (int i = 0; i < argc; i++) {
        int took = wrt_sim_parse_option(argc, argv, i, &wrt_inproc_cfg, o_why, why_cap);
        if (took < 0) return 2;
        if (took == 0 || wrt_inproc_cfg.use_pty) {
            snprintf(o_why, why_cap, "unknown, incomplete or not in-process option: %s", argv[i]);
            return 2;
        }
        i += took - 1;
    }
    const char *capacities = wrt_sim_capacity_problem(&wrt_inproc_cfg, sizeof wrt_inproc_upload, sizeof wrt_inproc_profile);
    if (capacities != NULL) {
        snprintf(o_why, why_cap, "%s", capacities);
        return 2;
    }
    void *engine_ctx = NULL;
    const char *why = "engine refused to start";
    const wrtp_engine_ops *engine = wrt_sim_engine(&wrt_inproc_cfg.engine, &engine_ctx, &why);
    if (engine == NULL) {
        snprintf(o_why, why_cap, "%s", why);
        return 3;
    }
    wrt_inproc_port = (wrtp_port){NULL, NULL, wrt_inproc_write, wrt_inproc_now_ms, NULL};
    if (!wrt_sim_server_start(&wrt_inproc_server, &wrt_inproc_cfg, &wrt_inproc_port, engine, engine_ctx, wrt_inproc_upload,
                              wrt_inproc_profile)) {
        wrt_sim_engine_stop();
        snprintf(o_why, why_cap, "protocol server configuration refused");
        return 4;
    }
    wrt_inproc_out_len = wrt_inproc_out_taken = 0;
    wrt_inproc_overflowed = 0;
    wrt_inproc_open_now = 1;
    return 0;
}

/*
 * Hands the device bytes from the host and lets it run what they complete. Returns the bytes the
 * device has written and the host not taken yet, or -1 when the link is down (not open, or the
 * host let 8 MiB of answers pile up).
 */
long wrt_sim_inproc_exchange(const uint8_t *i_bytes, size_t len) {
    if (!wrt_inproc_open_now || wrt_inproc_overflowed) return -1;
    if (len > 0) wrtp_server_feed(&wrt_inproc_server, i_bytes, len);
    wrtp_server_tick(&wrt_inproc_server);
    if (wrt_inproc_overflowed || wrt_inproc_server.link_down) return -1;
    return (long)(wrt_inproc_out_len - wrt_inproc_out_taken);
}

/* Copies up to `cap` bytes of what the device wrote into o_bytes; returns how many. */
size_t wrt_sim_inproc_take(uint8_t *o_bytes, size_t cap) {
    size_t n = wrt_inproc_out_len - wrt_inproc_out_taken;
    if (n > cap) n = cap;
    memcpy(o_bytes, wrt_inproc_out + wrt_inproc_out_taken, n);
    wrt_inproc_out_taken += n;
    return n;
}

/* Stops the device and gives its arena back; a later open starts a fresh one. */
void wrt_sim_inproc_close(void) {
    if (!wrt_inproc_open_now) return;
    wrt_sim_engine_stop();
    wrt_inproc_open_now = 0;
    wrt_inproc_out_len = wrt_inproc_out_taken = 0;
}
