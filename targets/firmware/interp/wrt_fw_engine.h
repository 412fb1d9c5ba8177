/*
 * The firmware's engine: the interpreter core (native/interp/wrt_api.h) behind the protocol
 * server's wrtp_engine_ops, over one arena the caller hands in (the board's free RAM).
 */
#ifndef WRT_FW_ENGINE_H
#define WRT_FW_ENGINE_H

#include <stddef.h>
#include <stdint.h>

#include "wrtp_engine.h"

/* Clock of the WASI clocks (nanoseconds since boot), so the engine needs no board header. */
typedef uint64_t (*wrt_fw_nanos_fn)(void);

/*
 * Cuts `arena` into the core's regions and returns the engine's operations with *o_ctx set, or
 * NULL with a static reason in *o_why when the arena cannot hold even the smallest layout.
 */
const wrtp_engine_ops *wrt_fw_engine(uint8_t *io_arena, size_t arena_bytes, wrt_fw_nanos_fn nanos, void **o_ctx,
                                    const char **o_why);

#endif
