/*
 * The device side of the wire protocol: collects frames from a port, answers every request, owns
 * the upload state and calls the engine. No allocation: the caller provides the server object and
 * the upload and profile buffers. Single-threaded: call feed/poll/tick from one loop.
 */
#ifndef WRTP_SERVER_H
#define WRTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrtp_cobs.h"
#include "wrtp_engine.h"
#include "wrtp_port.h"
#include "wrtp_proto.h"

typedef struct wrtp_server_config {
    const wrtp_port *port;
    const wrtp_engine_ops *engine;
    void *engine_ctx;
    uint8_t *upload_buf;        /* module bytes land here; its size is the upload capacity */
    uint32_t upload_capacity;
    uint8_t *profile_buf;       /* the profile blob of UPLOAD_BEGIN */
    uint32_t profile_capacity;
    const char *device_id;      /* ASCII, at most WRTP_PROTO_DEVICE_ID_MAX bytes are reported */
    uint32_t ram_bytes;
    uint32_t boot_id;           /* differs per boot (a counter in retained RAM, a random word) */
    uint32_t idle_timeout_ms;   /* 0: WRTP_PROTO_IDLE_TIMEOUT_MS */
} wrtp_server_config;

typedef struct wrtp_server_counters {
    uint32_t frames_ok;
    uint32_t frames_crc;
    uint32_t frames_malformed;
    uint32_t frames_too_large;
    uint32_t frames_truncated;
    uint32_t frames_echoed;     /* frames with the device's own flags: the link echoed them */
    uint32_t errors_sent;
    uint32_t replays;
    uint32_t uploads_begun;
    uint32_t uploads_resumed;
    uint32_t uploads_reused;    /* BEGIN of the committed module again: no bytes sent, END loads it afresh */
    uint32_t uploads_committed;
    uint32_t hash_mismatches;
    uint32_t load_failures;
    uint32_t invokes;
    uint32_t output_frames;
    uint32_t host_calls;        /* HOST_CALLs answered by the host */
    uint32_t host_call_resends;
    uint32_t host_call_timeouts;
    uint32_t host_results_stale; /* HOST_RESULTs of no call waiting: another boot, another call, or late */
    uint32_t frames_during_call; /* requests that arrived while a call waited for the host: dropped */
} wrtp_server_counters;

typedef struct wrtp_server {
    wrtp_server_config cfg;
    wrtp_cobs_decoder dec;
    uint8_t rx[WRTP_PROTO_MAX_FRAME];
    /* The last answer, kept whole so a resent request gets it again without running twice. */
    uint8_t answer[WRTP_PROTO_MAX_FRAME];
    size_t answer_len;
    bool answer_valid;
    uint16_t answer_seq;
    uint8_t answer_type;
    uint32_t answer_request_crc;
    uint8_t unsolicited[WRTP_PROTO_MAX_FRAME];
    uint16_t unsolicited_seq;
    uint32_t last_rx_ms;
    uint32_t started_ms;
    uint8_t upload_state;       /* enum wrtp_upload_state */
    uint32_t upload_size;
    uint32_t upload_next;
    uint8_t upload_sha256[WRTP_PROTO_SHA256_BYTES];
    uint32_t profile_len;
    uint64_t start_fuel; /* the last UPLOAD_BEGIN's fuel for the start function (0: the profile's) */
    uint32_t boot_id;
    bool keep;                  /* session mode KEEP: UPLOAD_BEGIN keeps the loaded instances */
    bool live;                  /* the engine holds at least one instance: INVOKE has something to run */
    bool link_down;             /* a port write failed */
    uint32_t host_call_id;      /* of the last HOST_CALL; with boot_id it tells a stale HOST_RESULT */
    wrtp_server_counters counters;
} wrtp_server;

/* Returns false if the configuration is unusable (a NULL port/engine operation, no buffers). */
bool wrtp_server_init(wrtp_server *o_srv, const wrtp_server_config *i_cfg);

/* Processes received bytes; answers every frame they complete. */
void wrtp_server_feed(wrtp_server *io_srv, const uint8_t *i_bytes, size_t len);

/* Pulls at most WRTP_PROTO_POLL_BYTES from the port's `read`, if it has one, then ticks. */
void wrtp_server_poll(wrtp_server *io_srv);

/* Checks the idle timeout of a partial frame; call it regularly when no bytes arrive. */
void wrtp_server_tick(wrtp_server *io_srv);

/* Sends program output as OUTPUT frames (split at the frame size). */
void wrtp_server_output(wrtp_server *io_srv, uint8_t stream, const uint8_t *i_bytes, size_t len);

/* Sends one LOG frame (text cut at the frame size). */
void wrtp_server_log(wrtp_server *io_srv, uint8_t level, const uint8_t *i_text, size_t len);

/*
 * Calls a declared host import (docs/protocol.md §4c) while an INVOKE runs: sends HOST_CALL, then
 * reads the port until the matching HOST_RESULT arrives, resending the call every
 * WRTP_PROTO_HOST_CALL_RESEND_MS; gives up after WRTP_PROTO_HOST_CALL_TIMEOUT_MS. Needs the port's
 * `read`. Returns WRTP_HOST_RESULT_OK with the results or WRTP_HOST_RESULT_FAILED.
 */
uint8_t wrtp_server_host_call(wrtp_server *io_srv, uint8_t import, const wrtp_wire_value *i_args, uint8_t nargs,
                              wrtp_wire_value *o_results, uint8_t *o_nresults);

#endif
