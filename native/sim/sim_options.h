/*
 * native-sim's server options: one parser for the native-sim program (main.c) and the in-process
 * device (sim_inproc.c), so a session opened either way is configured by the same command line.
 */
#ifndef WRT_SIM_OPTIONS_H
#define WRT_SIM_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#include "sim_engine.h"
#include "wrtp_server.h"

typedef struct wrt_sim_config {
    const char *device_id;
    unsigned long upload_capacity;
    unsigned long profile_capacity;
    unsigned long idle_timeout_ms;
    unsigned long boot_id;
    int use_pty;
    wrt_sim_options engine;
    /* --signing-key's bytes; engine.signing_key points here once the option is given. */
    uint8_t signing_key[32];
} wrt_sim_config;

/* The defaults native-sim starts from (targets/native-sim.yaml's figures). */
void wrt_sim_config_defaults(wrt_sim_config *o_cfg, unsigned long boot_id);

/*
 * Parses argv[i] (with its value argv[i + 1] when it takes one). Returns how many arguments it
 * took (1 or 2); 0 when argv[i] is no server option (or lacks its value); -1 when the value is
 * wrong, with the option, the value and the accepted range in o_why.
 */
int wrt_sim_parse_option(int argc, char *const *argv, int i, wrt_sim_config *io_cfg, char *o_why, size_t why_cap);

/* Why the configured capacities do not fit buffers of upload_bytes and profile_bytes; NULL when they do. */
const char *wrt_sim_capacity_problem(const wrt_sim_config *i_cfg, size_t upload_bytes, size_t profile_bytes);

/*
 * Starts the protocol server over `i_port` with the configured capacities (checked above) and
 * identity, the engine and the host's buffers; false when the server refuses the configuration.
 */
bool wrt_sim_server_start(wrtp_server *o_server, const wrt_sim_config *i_cfg, wrtp_port *i_port, const wrtp_engine_ops *i_engine,
                          void *engine_ctx, uint8_t *io_upload, uint8_t *io_profile);

#endif
