/*
 * What the protocol server needs from an interpreter. The interpreter core plugs in through a small
 * adapter that fills these operations; native/sim/test_engine.c is the protocol's test double.
 * Every operation runs to completion on the caller's thread; none may keep pointers it was given.
 */
#ifndef WRTP_ENGINE_H
#define WRTP_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrtp_msg.h"
#include "wrtp_proto.h"

/* Static facts HELLO reports. */
typedef struct wrtp_engine_info {
    uint32_t interp_version; /* major << 16 | minor << 8 | patch */
    uint32_t arena_bytes;
    uint32_t features;       /* WRTP_FEATURE_* */
} wrtp_engine_info;

/* Why a load or an invocation was refused. `message` is a static string (may be NULL). */
typedef struct wrtp_engine_error {
    uint32_t code;    /* load: the interpreter's error code; invoke: a WRTP_PERR_* code */
    uint32_t offset;  /* load: byte offset in the module; invoke: argument index */
    const char *message;
} wrtp_engine_error;

/*
 * How a running program reaches the host: OUTPUT and LOG frames, and (docs/protocol.md §4c) calls
 * of the imports the host serves, their trace and wrt:logging records. The server fills all.
 */
typedef struct wrtp_engine_io {
    void *ctx;
    void (*output)(void *ctx, uint8_t stream, const uint8_t *i_bytes, size_t len);
    void (*log)(void *ctx, uint8_t level, const uint8_t *i_text, size_t len);
    /*
     * Calls import `import` of the HOST_IMPORTS list on the host and waits for its HOST_RESULT
     * (resending the HOST_CALL, dropping stale answers). Returns WRTP_HOST_RESULT_OK with the
     * results, or WRTP_HOST_RESULT_FAILED: the host function failed, or no answer came in time.
     */
    uint8_t (*host_call)(void *ctx, uint8_t import, const wrtp_wire_value *i_args, uint8_t nargs,
                         wrtp_wire_value *o_results, uint8_t *o_nresults);
    /* One host call as it ended (HOST_TRACE). */
    void (*trace)(void *ctx, const wrtp_msg_host_trace *i_trace);
    /* One wrt:logging record (a LOG frame with WRTP_LOG_RECORD). */
    void (*log_record)(void *ctx, uint8_t level, const uint8_t *i_context, size_t context_len, const uint8_t *i_message,
                       size_t message_len);
    /* A breakpoint hit (BREAK, docs/protocol.md §4d); the program continues when it returns. */
    void (*debug_break)(void *ctx, const wrtp_msg_break *i_msg);
    /*
     * The trace after a trap (TRACE frames, §4d): `kept` entries, oldest first, read one at a time
     * through `entry` (index 0 .. kept - 1), and how many older ones the ring overwrote.
     */
    void (*debug_trace)(void *ctx, uint64_t overwritten, uint32_t kept,
                        void (*entry)(const void *src, uint32_t index, uint32_t *o_func, uint32_t *o_depth), const void *src);
} wrtp_engine_io;

/* One counter for STATS; names are `engine.<name>`, at most WRTP_PROTO_STAT_NAME_MAX bytes. */
typedef struct wrtp_engine_stat {
    const char *name;
    uint64_t value;
} wrtp_engine_stat;

/* What SESSION reports (docs/protocol.md §4a). */
typedef struct wrtp_engine_session {
    uint8_t mode;               /* WRTP_SESSION_ONE or WRTP_SESSION_KEEP */
    uint8_t features;           /* WRTP_SESSION_FEATURE_* in effect for later loads (in mode's padding) */
    uint16_t instances;
    uint16_t max_instances;
    uint16_t latest;            /* id of the last instance loaded, 0 when none */
    uint16_t registrations;
    uint16_t max_registrations;
} wrtp_engine_session;

typedef struct wrtp_engine_ops {
    void (*describe)(void *ctx, wrtp_engine_info *o_info);
    /*
     * Loads a module whose SHA-256 the server has verified against `sha256`, replacing any loaded
     * one. The bytes stay valid only during the call. Returns false with o_err on failure.
     * `start_fuel` bounds the start function as INVOKE's fuel bounds an export: 0 means the
     * profile's budget, and the profile's budget is a ceiling.
     */
    bool (*load)(void *ctx, const uint8_t *i_module, size_t len, const uint8_t i_sha256[WRTP_PROTO_SHA256_BYTES],
                 const uint8_t *i_profile, size_t profile_len, uint64_t start_fuel, wrtp_engine_error *o_err);
    /* Drops the loaded module (an upload began). */
    void (*unload)(void *ctx);
    /*
     * Runs an export. Returns true when it ran, whether it returned (o_result->trap == 0, results
     * set) or trapped (trap code of native/interp/wrt_trap.h); false with o_err->code one of
     * WRTP_PERR_EXPORT_NOT_FOUND, WRTP_PERR_ARGS_INVALID, WRTP_PERR_ENGINE_FAILED.
     * `fuel` 0 means the profile's budget.
     */
    bool (*invoke)(void *ctx, const char *i_name, size_t name_len, const wrtp_wire_value *i_args, uint32_t nargs,
                   uint64_t fuel, const wrtp_engine_io *i_io, wrtp_msg_invoke_result *o_result,
                   wrtp_engine_error *o_err);
    /* Writes at most `cap` counters; returns how many. */
    uint32_t (*stats)(void *ctx, wrtp_engine_stat *o_stats, uint32_t cap);
    /* Back to the state after power-on: no module, counters kept, session mode WRTP_SESSION_ONE. */
    void (*reset)(void *ctx);
    /*
     * The session operations (docs/protocol.md §4a). All four NULL: the engine holds one module, and
     * the server answers as a version 1 device. Instance ids are 1-based in load order; 0 means
     * the latest. Refusals set o_err->code to a WRTP_PERR_* code (NO_MODULE, INSTANCE_UNKNOWN,
     * SESSION_FULL, EXPORT_NOT_FOUND, ENGINE_FAILED).
     *
     * session: sets the mode (WRTP_SESSION_QUERY only asks) and reports the session. In KEEP mode
     * load adds an instance instead of replacing the loaded ones and a failed load changes nothing.
     * `features` (WRTP_SESSION_FEATURE_*, or WRTP_SESSION_FEATURES_UNCHANGED) turns WebAssembly
     * features on or off for later loads; o_session->features says which are on (a bit the engine
     * lacks stays off).
     */
    void (*session)(void *ctx, uint8_t mode, uint8_t features, wrtp_engine_session *o_session);
    bool (*register_name)(void *ctx, uint16_t instance, const char *i_name, size_t name_len, wrtp_engine_error *o_err);
    bool (*global_get)(void *ctx, uint16_t instance, const char *i_name, size_t name_len, wrtp_wire_value *o_value,
                       wrtp_engine_error *o_err);
    /* invoke on a given instance; invoke itself runs on the latest. */
    bool (*invoke_on)(void *ctx, uint16_t instance, const char *i_name, size_t name_len, const wrtp_wire_value *i_args,
                      uint32_t nargs, uint64_t fuel, const wrtp_engine_io *i_io, wrtp_msg_invoke_result *o_result,
                      wrtp_engine_error *o_err);
    /*
     * ARGS (NULL: the device has no way to take them): the WASI argv and environment of later
     * invocations, copied; a RESET brings back the platform's. Refusals: WRTP_PERR_ARGS_INVALID
     * (offset = the string's index) when they do not fit the engine's buffer or an environment
     * string has no '='.
     */
    bool (*set_args)(void *ctx, const wrtp_msg_args *i_args, wrtp_engine_error *o_err);
    /*
     * HOST_IMPORTS (NULL: the device serves no host imports): the imports later loads may link to
     * the host, copied, replacing the previous list, and whether every host call is traced; a RESET
     * clears them. Refusals: WRTP_PERR_ARGS_INVALID (offset = the import's index) when the list
     * does not fit the engine's tables.
     */
    bool (*host_imports)(void *ctx, const wrtp_msg_host_imports *i_msg, wrtp_engine_error *o_err);
    /*
     * BREAKPOINTS (NULL: the device has no debugging): the breakpoint set of the invocations that
     * follow on the loaded module, replacing the previous one; a load or a RESET clears it.
     * Refusals: WRTP_PERR_NO_MODULE; WRTP_PERR_DEBUG_BUDGET with offset = the budget (the profile's
     * breakpoints) when the set is larger; WRTP_PERR_ARGS_INVALID (offset = position) for an index
     * that is not a function defined in the module.
     */
    bool (*set_breakpoints)(void *ctx, const wrtp_msg_breakpoints *i_msg, wrtp_engine_error *o_err);
    /*
     * COMPONENT_INVOKE (NULL: the device runs no components, and the server answers TYPE_UNKNOWN):
     * a component function lifted from a core export of an instance (docs/protocol.md §4e).
     * Returns true when it ran (o_result->trap 0, or where it trapped); false with o_err->code
     * WRTP_PERR_EXPORT_NOT_FOUND (offset: 0 the export, 1 realloc, 2 post-return; 16 + those: it
     * exists with another type than the canonical ABI calls it with), WRTP_PERR_ARGS_INVALID (offset: the byte of the
     * types or arguments that failed), WRTP_PERR_NO_MODULE, WRTP_PERR_INSTANCE_UNKNOWN or
     * WRTP_PERR_ENGINE_FAILED. o_result->values stays valid until the next engine call.
     */
    bool (*component_invoke)(void *ctx, const wrtp_msg_component_invoke *i_msg, const wrtp_engine_io *i_io,
                             wrtp_msg_component_result *o_result, wrtp_engine_error *o_err);
    /*
     * COMPONENT_ADAPTER (NULL: TYPE_UNKNOWN): defines the next adapter, a host function that later
     * uploads link to as `#a` / its index in decimal (docs/protocol.md §4f); *o_index is that index.
     * Refusals: WRTP_PERR_NO_MODULE, WRTP_PERR_INSTANCE_UNKNOWN (offset: the field's instance id),
     * WRTP_PERR_EXPORT_NOT_FOUND (offset: 0 the function, 1 realloc, 2 post-return, 3 the caller's
     * realloc), WRTP_PERR_ARGS_INVALID (a type encoding), WRTP_PERR_SESSION_FULL (no adapter left).
     * A RESET or a session's end drops every adapter.
     */
    bool (*component_adapter)(void *ctx, const wrtp_msg_component_adapter *i_msg, uint16_t *o_index, wrtp_engine_error *o_err);
    /*
     * COMPONENT_RESOURCE (NULL: TYPE_UNKNOWN, set with component_adapter): a resource type (*o_index its
     * index) or a resource built-in (*o_index its adapter index). Refusals as component_adapter's.
     */
    bool (*component_resource)(void *ctx, const wrtp_msg_component_resource *i_msg, uint16_t *o_index, wrtp_engine_error *o_err);
} wrtp_engine_ops;

#endif
