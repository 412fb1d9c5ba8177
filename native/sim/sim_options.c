/*
 * native-sim's server options (sim_options.h). Errors are returned, not printed: the program exits
 * with them, the in-process device hands them to its caller.
 */
#define _GNU_SOURCE
#include "sim_options.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wrt_mem_adapter.h"

void wrt_sim_config_defaults(wrt_sim_config *o_cfg, unsigned long boot_id) {
    memset(o_cfg, 0, sizeof *o_cfg);
    o_cfg->device_id = "native-sim";
    o_cfg->upload_capacity = 4u * 1024u * 1024u; /* a wasi-libc C program is 50-500 KiB */
    o_cfg->profile_capacity = 768u; /* ~180 bytes + ~40 per import; UPLOAD_BEGIN carries it in one 1 KiB frame */
    o_cfg->boot_id = boot_id;
}

static int wrt_sim_number(const char *flag, const char *text, unsigned long *o_value, char *o_why, size_t why_cap) {
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(text, &end, 0);
    if (errno != 0 || end == text || *end != '\0' || v > 0xFFFFFFFFul) {
        snprintf(o_why, why_cap, "%s: not a number: %s", flag, text);
        return -1;
    }
    *o_value = v;
    return 2;
}

/* The region overrides of the layout; 0 when `a` is none of them. */
static int wrt_sim_layout_option(const char *a, const char *v, wrt_sim_options *io_opts, char *o_why, size_t why_cap) {
    static const struct {
        const char *name;
        size_t offset;
    } options[] = {
        {"--stack-slots", offsetof(wrt_sim_options, stack_slots)},
        {"--call-depth", offsetof(wrt_sim_options, call_depth)},
        {"--table-elements", offsetof(wrt_sim_options, table_elements)},
        {"--table-elements-max", offsetof(wrt_sim_options, table_elements_max)},
        {"--global-slots", offsetof(wrt_sim_options, global_slots)},
        {"--memory-pages-max", offsetof(wrt_sim_options, memory_pages_max)},
    };
    for (size_t k = 0; k < sizeof options / sizeof options[0]; k++) {
        if (strcmp(a, options[k].name) != 0) continue;
        unsigned long n = 0;
        if (wrt_sim_number(a, v, &n, o_why, why_cap) < 0) return -1;
        if (n == 0) {
            snprintf(o_why, why_cap, "%s: 1 .. 4294967295", a);
            return -1;
        }
        uint32_t value = (uint32_t)n;
        memcpy((char *)io_opts + options[k].offset, &value, sizeof value);
        return 2;
    }
    return 0;
}

/* 64 hex digits into o_key. */
static int wrt_sim_parse_key(const char *hex, uint8_t o_key[32], char *o_why, size_t why_cap) {
    size_t n = strlen(hex);
    for (size_t i = 0; i < n && n == 64u; i++) {
        char c = hex[i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (v < 0) break;
        o_key[i / 2u] = (uint8_t)(i % 2u == 0u ? v << 4 : o_key[i / 2u] | v);
        if (i + 1u == n) return 2;
    }
    snprintf(o_why, why_cap, "--signing-key: an Ed25519 public key as 64 hex digits");
    return -1;
}

int wrt_sim_parse_option(int argc, char *const *argv, int i, wrt_sim_config *io_cfg, char *o_why, size_t why_cap) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--pty") == 0) {
        io_cfg->use_pty = 1;
        return 1;
    }
    if (strcmp(a, "--mem-lock") == 0) {
        io_cfg->engine.mem_flags |= WRT_MEM_LOCK;
        return 1;
    }
    if (strcmp(a, "--mem-populate") == 0) {
        io_cfg->engine.mem_flags |= WRT_MEM_POPULATE;
        return 1;
    }
    if (strcmp(a, "--mem-hugepages") == 0) {
        io_cfg->engine.mem_flags |= WRT_MEM_HUGEPAGES;
        return 1;
    }
    if (v == NULL) return 0;
    if (strcmp(a, "--device-id") == 0) {
        io_cfg->device_id = v;
        return 2;
    }
    if (strcmp(a, "--upload-capacity") == 0) return wrt_sim_number(a, v, &io_cfg->upload_capacity, o_why, why_cap);
    if (strcmp(a, "--profile-capacity") == 0) return wrt_sim_number(a, v, &io_cfg->profile_capacity, o_why, why_cap);
    if (strcmp(a, "--idle-timeout-ms") == 0) return wrt_sim_number(a, v, &io_cfg->idle_timeout_ms, o_why, why_cap);
    if (strcmp(a, "--boot-id") == 0) return wrt_sim_number(a, v, &io_cfg->boot_id, o_why, why_cap);
    if (strcmp(a, "--arena") == 0) {
        unsigned long bytes = 0;
        if (wrt_sim_number(a, v, &bytes, o_why, why_cap) < 0) return -1;
        if (bytes < 65536u) {
            snprintf(o_why, why_cap, "--arena: at least 65536 bytes");
            return -1;
        }
        io_cfg->engine.arena_bytes = (uint32_t)bytes;
        return 2;
    }
    if (strcmp(a, "--mem-typed-memory") == 0) {
        io_cfg->engine.mem_pool = v;
        return 2;
    }
    if (strcmp(a, "--signing-key") == 0) {
        if (wrt_sim_parse_key(v, io_cfg->signing_key, o_why, why_cap) < 0) return -1;
        io_cfg->engine.signing_key = io_cfg->signing_key;
        return 2;
    }
    return wrt_sim_layout_option(a, v, &io_cfg->engine, o_why, why_cap);
}

const char *wrt_sim_capacity_problem(const wrt_sim_config *i_cfg, size_t upload_bytes, size_t profile_bytes) {
    static char why[96];
    if (i_cfg->upload_capacity != 0 && i_cfg->upload_capacity <= upload_bytes && i_cfg->profile_capacity <= profile_bytes) return NULL;
    snprintf(why, sizeof why, "capacities: upload 1..%zu, profile 0..%zu", upload_bytes, profile_bytes);
    return why;
}

bool wrt_sim_server_start(wrtp_server *o_server, const wrt_sim_config *i_cfg, wrtp_port *i_port, const wrtp_engine_ops *i_engine,
                          void *engine_ctx, uint8_t *io_upload, uint8_t *io_profile) {
    wrtp_server_config server_cfg = {
        .port = i_port,
        .engine = i_engine,
        .engine_ctx = engine_ctx,
        .upload_buf = io_upload,
        .upload_capacity = (uint32_t)i_cfg->upload_capacity,
        .profile_buf = io_profile,
        .profile_capacity = (uint32_t)i_cfg->profile_capacity,
        .device_id = i_cfg->device_id,
        .ram_bytes = (uint32_t)(sizeof *o_server + i_cfg->upload_capacity + i_cfg->profile_capacity),
        .boot_id = (uint32_t)i_cfg->boot_id,
        .idle_timeout_ms = (uint32_t)i_cfg->idle_timeout_ms,
    };
    return wrtp_server_init(o_server, &server_cfg);
}
