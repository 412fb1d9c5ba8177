/*
 * TEST DOUBLE of the interpreter, for the protocol's own tests only. It is linked into
 * build/native-sim/native-sim-proto-test and never into native-sim itself: it does not run
 * WebAssembly. It accepts any binary that starts with the wasm magic and offers fixed exports:
 *
 *   add(i32, i32) -> i32          the sum
 *   echo_args(any...) -> same     returns its arguments unchanged (typed values round trip)
 *   echo_out([i32 n])             writes "hello from echo_out\n" n times (default 1) to stdout,
 *                                 "stderr line\n" to stderr, and one LOG line
 *   trap()                        traps with WRT_TRAP_UNREACHABLE (1) in function 3
 *   spin()                        uses 1000 fuel; a smaller budget traps with FUEL_EXHAUSTED (11)
 *
 * It re-hashes every module it is given and counts disagreements with the digest the server
 * verified (engine.load_hash_mismatch): the end-to-end tests assert the count stays 0, which shows
 * the server never hands over bytes whose hash did not verify.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_engine.h"
#include "sim_measure.h"
#include "wrtp_sha256.h"

#define WRT_TEST_TRAP_UNREACHABLE 1u
#define WRT_TEST_TRAP_FUEL_EXHAUSTED 11u
#define WRT_TEST_ERR_MALFORMED 1u
#define WRT_TEST_SPIN_FUEL 1000u

typedef struct wrt_test_engine {
    bool loaded;
    uint64_t loads;
    uint64_t load_hash_mismatch;
    uint64_t load_refused;
    uint64_t unloads;
    uint64_t invokes;
    uint64_t resets;
    uint64_t module_bytes;
    uint64_t profile_bytes;
    uint8_t module_sha256[WRTP_SHA256_DIGEST_BYTES];
} wrt_test_engine;

static bool wrt_test_name_is(const char *name, size_t len, const char *want) {
    size_t i = 0;
    for (; i < len; i++) {
        if (want[i] == '\0' || want[i] != name[i]) return false;
    }
    return want[i] == '\0';
}

static void wrt_test_describe(void *ctx, wrtp_engine_info *o_info) {
    (void)ctx;
    o_info->interp_version = 0;
    o_info->arena_bytes = 65536u;
    o_info->features = WRTP_FEATURE_OUTPUT | WRTP_FEATURE_LOG | WRTP_FEATURE_FUEL | WRTP_FEATURE_TEST_DOUBLE;
}

static bool wrt_test_load(void *ctx, const uint8_t *i_module, size_t len, const uint8_t i_sha256[WRTP_PROTO_SHA256_BYTES],
                          const uint8_t *i_profile, size_t profile_len, uint64_t start_fuel, wrtp_engine_error *o_err) {
    wrt_test_engine *e = (wrt_test_engine *)ctx;
    (void)i_profile;
    (void)start_fuel;
    uint8_t digest[WRTP_SHA256_DIGEST_BYTES];
    wrtp_sha256(i_module, len, digest);
    bool same = true;
    for (unsigned i = 0; i < WRTP_SHA256_DIGEST_BYTES; i++) same = same && digest[i] == i_sha256[i];
    if (!same) e->load_hash_mismatch++;
    static const uint8_t magic[4] = {0x00, 0x61, 0x73, 0x6D};
    for (unsigned i = 0; i < 4u; i++) {
        if (len < 4u || i_module[i] != magic[i]) {
            e->load_refused++;
            o_err->code = WRT_TEST_ERR_MALFORMED;
            o_err->offset = len < 4u ? (uint32_t)len : i;
            o_err->message = "not a WebAssembly binary (magic \\0asm expected)";
            return false;
        }
    }
    e->loaded = true;
    e->loads++;
    e->module_bytes = len;
    e->profile_bytes = profile_len;
    for (unsigned i = 0; i < WRTP_SHA256_DIGEST_BYTES; i++) e->module_sha256[i] = digest[i];
    return true;
}

static void wrt_test_unload(void *ctx) {
    wrt_test_engine *e = (wrt_test_engine *)ctx;
    if (e->loaded) e->unloads++;
    e->loaded = false;
}

static bool wrt_test_refuse(wrtp_engine_error *o_err, uint32_t code, uint32_t index, const char *message) {
    o_err->code = code;
    o_err->offset = index;
    o_err->message = message;
    return false;
}

static bool wrt_test_echo_out(const wrtp_wire_value *i_args, uint32_t nargs, const wrtp_engine_io *i_io,
                              wrtp_engine_error *o_err) {
    static const char line[] = "hello from echo_out\n";
    static uint8_t text[4000];
    const size_t line_len = sizeof line - 1u;
    uint32_t times = 1;
    if (nargs > 1u || (nargs == 1u && i_args[0].type != WRTP_WIRE_I32)) {
        return wrt_test_refuse(o_err, WRTP_PERR_ARGS_INVALID, 0, "echo_out takes one optional i32");
    }
    if (nargs == 1u) times = (uint32_t)i_args[0].bits;
    if (times > sizeof text / line_len) {
        return wrt_test_refuse(o_err, WRTP_PERR_ARGS_INVALID, 0, "echo_out repeats at most 200 times");
    }
    size_t n = 0;
    for (uint32_t t = 0; t < times; t++) {
        for (size_t i = 0; i < line_len; i++) text[n++] = (uint8_t)line[i];
    }
    i_io->output(i_io->ctx, WRTP_STREAM_STDOUT, text, n);
    static const char err_line[] = "stderr line\n";
    i_io->output(i_io->ctx, WRTP_STREAM_STDERR, (const uint8_t *)err_line, sizeof err_line - 1u);
    static const char log_line[] = "echo_out ran";
    i_io->log(i_io->ctx, WRTP_LOG_INFO, (const uint8_t *)log_line, sizeof log_line - 1u);
    return true;
}

static bool wrt_test_invoke(void *ctx, const char *i_name, size_t name_len, const wrtp_wire_value *i_args,
                            uint32_t nargs, uint64_t fuel, const wrtp_engine_io *i_io, wrtp_msg_invoke_result *o_result,
                            wrtp_engine_error *o_err) {
    wrt_test_engine *e = (wrt_test_engine *)ctx;
    e->invokes++;
    o_result->trap = 0;
    o_result->trap_func = 0;
    o_result->nresults = 0;
    o_result->nframes = 0;
    o_result->depth = 0;
    o_result->fuel_used = 1;
    o_result->peak_stack_bytes = 8u * nargs;
    if (wrt_test_name_is(i_name, name_len, "add")) {
        for (uint32_t i = 0; i < nargs; i++) {
            if (i_args[i].type != WRTP_WIRE_I32) return wrt_test_refuse(o_err, WRTP_PERR_ARGS_INVALID, i, "add takes i32");
        }
        if (nargs != 2u) return wrt_test_refuse(o_err, WRTP_PERR_ARGS_INVALID, nargs, "add takes two i32");
        o_result->nresults = 1;
        o_result->results[0].type = WRTP_WIRE_I32;
        o_result->results[0].bits = (uint32_t)((uint32_t)i_args[0].bits + (uint32_t)i_args[1].bits);
        o_result->fuel_used = 4;
        o_result->peak_stack_bytes = 24;
        return true;
    }
    if (wrt_test_name_is(i_name, name_len, "echo_args")) {
        for (uint32_t i = 0; i < nargs; i++) o_result->results[i] = i_args[i];
        o_result->nresults = (uint8_t)nargs;
        o_result->fuel_used = nargs;
        return true;
    }
    if (wrt_test_name_is(i_name, name_len, "echo_out")) {
        o_result->fuel_used = 10;
        return wrt_test_echo_out(i_args, nargs, i_io, o_err);
    }
    if (wrt_test_name_is(i_name, name_len, "trap")) {
        o_result->trap = WRT_TEST_TRAP_UNREACHABLE;
        o_result->trap_func = 3;
        o_result->fuel_used = 7;
        return true;
    }
    if (wrt_test_name_is(i_name, name_len, "spin")) {
        if (fuel != 0 && fuel < WRT_TEST_SPIN_FUEL) {
            o_result->trap = WRT_TEST_TRAP_FUEL_EXHAUSTED;
            o_result->fuel_used = fuel;
        } else {
            o_result->fuel_used = WRT_TEST_SPIN_FUEL;
        }
        return true;
    }
    return wrt_test_refuse(o_err, WRTP_PERR_EXPORT_NOT_FOUND, 0, "no such export in the test engine");
}

static uint32_t wrt_test_stats(void *ctx, wrtp_engine_stat *o_stats, uint32_t cap) {
    const wrt_test_engine *e = (const wrt_test_engine *)ctx;
    const wrtp_engine_stat all[] = {
        {"engine.loads", e->loads},
        {"engine.load_hash_mismatch", e->load_hash_mismatch},
        {"engine.load_refused", e->load_refused},
        {"engine.unloads", e->unloads},
        {"engine.invokes", e->invokes},
        {"engine.resets", e->resets},
        {"engine.module_bytes", e->module_bytes},
        {"engine.profile_bytes", e->profile_bytes},
        {"engine.loaded", e->loaded ? 1u : 0u},
        /* First 8 bytes of the loaded module's own digest, big-endian, so a host can compare. */
        {"engine.module_sha256_hi",
         ((uint64_t)e->module_sha256[0] << 56) | ((uint64_t)e->module_sha256[1] << 48) |
             ((uint64_t)e->module_sha256[2] << 40) | ((uint64_t)e->module_sha256[3] << 32) |
             ((uint64_t)e->module_sha256[4] << 24) | ((uint64_t)e->module_sha256[5] << 16) |
             ((uint64_t)e->module_sha256[6] << 8) | (uint64_t)e->module_sha256[7]},
    };
    uint32_t n = (uint32_t)(sizeof all / sizeof all[0]);
    if (n > cap) n = cap;
    for (uint32_t i = 0; i < n; i++) o_stats[i] = all[i];
    return n;
}

static void wrt_test_reset(void *ctx) {
    wrt_test_engine *e = (wrt_test_engine *)ctx;
    e->loaded = false;
    e->resets++;
}

static const wrtp_engine_ops wrt_test_engine_ops = {
    wrt_test_describe, wrt_test_load, wrt_test_unload, wrt_test_invoke, wrt_test_stats, wrt_test_reset,
    /* No session operations, no ARGS, no host imports, no debugging, no components: the double holds
     * one module, as a version 1 device. */
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

const wrtp_engine_ops *wrt_sim_engine(const wrt_sim_options *i_opts, void **o_ctx, const char **o_why) {
    static wrt_test_engine engine;
    (void)i_opts;
    (void)o_why;
    *o_ctx = &engine;
    return &wrt_test_engine_ops;
}

/* The double runs no WebAssembly, so it has no region use to report: --measure is refused. */
int wrt_sim_measure(const uint8_t *i_module, size_t len) {
    (void)i_module;
    (void)len;
    return 3;
}

int wrt_sim_measure_narrow(const uint8_t *i_module, size_t len) {
    return wrt_sim_measure(i_module, len);
}

int wrt_sim_measure_unfused(const uint8_t *i_module, size_t len) {
    return wrt_sim_measure(i_module, len);
}

/* Nor does it compile code, so it has no code sites to locate. */
int wrt_sim_locate(const uint8_t *i_module, size_t len, const wrt_code_site *i_sites, uint32_t nsites) {
    (void)i_module;
    (void)len;
    (void)i_sites;
    (void)nsites;
    return 3;
}

int wrt_sim_locate_narrow(const uint8_t *i_module, size_t len, const wrt_code_site *i_sites, uint32_t nsites) {
    return wrt_sim_locate(i_module, len, i_sites, nsites);
}

int wrt_sim_locate_unfused(const uint8_t *i_module, size_t len, const wrt_code_site *i_sites, uint32_t nsites) {
    return wrt_sim_locate(i_module, len, i_sites, nsites);
}
