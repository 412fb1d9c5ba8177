/*
 * What the protocol server needs from an interpreter. The interpreter core plugs in through a small
 * adapter that fills these operations; native/sim/test_engine.c is the protocol's test double.
 * Every operation runs to completion on the caller's thread; none may keep pointers it was given.
 */
#ifndef WRT_ENGINE_H
#define WRT_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt_msg.h"
#include "wrt_proto.h"

/* Static facts HELLO reports. */
typedef struct wrt_engine_info {
    uint32_t interp_version; /* major << 16 | minor << 8 | patch */
    uint32_t arena_bytes;
    uint32_t features;       /* WRT_FEATURE_* */
} wrt_engine_info;

/* Why a load or an invocation was refused. `message` is a static string (may be NULL). */
typedef struct wrt_engine_error {
    uint32_t code;    /* load: the interpreter's error code; invoke: a WRT_PERR_* code */
    uint32_t offset;  /* load: byte offset in the module; invoke: argument index */
    const char *message;
} wrt_engine_error;

/* How a program's output reaches the host while it runs (OUTPUT and LOG frames). */
typedef struct wrt_engine_io {
    void *ctx;
    void (*output)(void *ctx, uint8_t stream, const uint8_t *i_bytes, size_t len);
    void (*log)(void *ctx, uint8_t level, const uint8_t *i_text, size_t len);
} wrt_engine_io;

/* One counter for STATS; names are `engine.<name>`, at most WRT_PROTO_STAT_NAME_MAX bytes. */
typedef struct wrt_engine_stat {
    const char *name;
    uint64_t value;
} wrt_engine_stat;

/* What SESSION reports (docs/protocol.md §4a). */
typedef struct wrt_engine_session {
    uint8_t mode;               /* WRT_SESSION_ONE or WRT_SESSION_KEEP */
    uint16_t instances;
    uint16_t max_instances;
    uint16_t latest;            /* id of the last instance loaded, 0 when none */
    uint16_t registrations;
    uint16_t max_registrations;
} wrt_engine_session;

typedef struct wrt_engine_ops {
    void (*describe)(void *ctx, wrt_engine_info *o_info);
    /*
     * Loads a module whose SHA-256 the server has verified against `sha256`, replacing any loaded
     * one. The bytes stay valid only during the call. Returns false with o_err on failure.
     */
    bool (*load)(void *ctx, const uint8_t *i_module, size_t len, const uint8_t i_sha256[WRT_PROTO_SHA256_BYTES],
                 const uint8_t *i_profile, size_t profile_len, wrt_engine_error *o_err);
    /* Drops the loaded module (an upload began). */
    void (*unload)(void *ctx);
    /*
     * Runs an export. Returns true when it ran, whether it returned (o_result->trap == 0, results
     * set) or trapped (trap code of native/interp/wrt_trap.h); false with o_err->code one of
     * WRT_PERR_EXPORT_NOT_FOUND, WRT_PERR_ARGS_INVALID, WRT_PERR_ENGINE_FAILED.
     * `fuel` 0 means the profile's budget.
     */
    bool (*invoke)(void *ctx, const char *i_name, size_t name_len, const wrt_wire_value *i_args, uint32_t nargs,
                   uint64_t fuel, const wrt_engine_io *i_io, wrt_msg_invoke_result *o_result,
                   wrt_engine_error *o_err);
    /* Writes at most `cap` counters; returns how many. */
    uint32_t (*stats)(void *ctx, wrt_engine_stat *o_stats, uint32_t cap);
    /* Back to the state after power-on: no module, counters kept, session mode WRT_SESSION_ONE. */
    void (*reset)(void *ctx);
    /*
     * The session operations (docs/protocol.md §4a). All four NULL: the engine holds one module, and
     * the server answers as a version 1 device. Instance ids are 1-based in load order; 0 means
     * the latest. Refusals set o_err->code to a WRT_PERR_* code (NO_MODULE, INSTANCE_UNKNOWN,
     * SESSION_FULL, EXPORT_NOT_FOUND, ENGINE_FAILED).
     *
     * session: sets the mode (WRT_SESSION_QUERY only asks) and reports the session. In KEEP mode
     * load adds an instance instead of replacing the loaded ones and a failed load changes nothing.
     */
    void (*session)(void *ctx, uint8_t mode, wrt_engine_session *o_session);
    bool (*register_name)(void *ctx, uint16_t instance, const char *i_name, size_t name_len, wrt_engine_error *o_err);
    bool (*global_get)(void *ctx, uint16_t instance, const char *i_name, size_t name_len, wrt_wire_value *o_value,
                       wrt_engine_error *o_err);
    /* invoke on a given instance; invoke itself runs on the latest. */
    bool (*invoke_on)(void *ctx, uint16_t instance, const char *i_name, size_t name_len, const wrt_wire_value *i_args,
                      uint32_t nargs, uint64_t fuel, const wrt_engine_io *i_io, wrt_msg_invoke_result *o_result,
                      wrt_engine_error *o_err);
    /*
     * ARGS (NULL: the device has no way to take them): the WASI argv and environment of later
     * invocations, copied; a RESET brings back the platform's. Refusals: WRT_PERR_ARGS_INVALID
     * (offset = the string's index) when they do not fit the engine's buffer or an environment
     * string has no '='.
     */
    bool (*set_args)(void *ctx, const wrt_msg_args *i_args, wrt_engine_error *o_err);
} wrt_engine_ops;

#endif
