/*
 * WASI 0.2 (wasi:cli, wasi:io, wasi:clocks, wasi:random, wasi:filesystem @0.2.x) as host functions
 * of a component's `canon lower`s (docs/component.md, "WASI 0.2 commands"): what a wasi:cli/run
 * command built with the preview1 command adapter calls. The functions are looked up by
 * (interface, function) name; each runs on the calling component instance's handle table
 * (wrt_handles.h) and its canonical options (wrt_cabi_cx: memory, realloc, string encoding), and
 * lowers what it returns with the canonical ABI (wrt_cabi.h), so a list or string result goes
 * through the guest's own realloc. Freestanding C11, no allocation, every loop bounded.
 *
 * What the device offers: stdout and stderr as output streams (written through the platform's
 * write), stdin an empty input stream, exit, the arguments and environment (the engine's, ARGS), no initial directory and no terminals, monotonic and wall clocks from the
 * platform, random bytes from the platform's source, pollables that are always ready, and no
 * preopened directories: descriptors, directory streams and errors are never created, so every
 * method on one traps (the canonical ABI's lift of an unknown borrow handle), as does
 * filesystem-error-code.
 */
#ifndef WRT_WASI2_H
#define WRT_WASI2_H

#include <stdbool.h>
#include <stdint.h>

#include "wrt_cabi.h"
#include "wrt_handles.h"

/* Host resource types in a handle table: above any the plan numbers (COMPONENT_RESOURCE op 0). */
#define WRT_WASI2_RT_INPUT_STREAM 0xFF01u
#define WRT_WASI2_RT_OUTPUT_STREAM 0xFF02u
#define WRT_WASI2_RT_POLLABLE 0xFF03u
/* Never created: a method on one traps. */
#define WRT_WASI2_RT_NEVER 0xFF0Fu

/* No function of that name. */
#define WRT_WASI2_NONE 0xFFFFu
/* A handler's answer besides WRT_CABI_OK and the canonical ABI traps: exit was called. */
#define WRT_WASI2_EXIT 100

/* Bytes of the strings get-arguments or get-environment lowers (copied in one pool); more is trap 74's limit. */
#ifndef WRT_WASI2_POOL_BYTES
#define WRT_WASI2_POOL_BYTES 256u
#endif
/* Longest list of random bytes one call returns (the canonical ABI allows 2^28 - 1). */
#ifndef WRT_WASI2_MAX_RANDOM
#define WRT_WASI2_MAX_RANDOM 65536u
#endif

typedef struct wrt_wasi2_platform {
    void *ctx;
    /* Writes to 1 (stdout) or 2 (stderr); returns the bytes written, or < 0 on failure. NULL: dropped. */
    int32_t (*write)(void *ctx, uint32_t fd, const uint8_t *bytes, uint32_t len);
    /* Nanoseconds of clock 0 (realtime, since the Unix epoch) or 1 (monotonic); false if absent. */
    bool (*clock)(void *ctx, uint32_t id, uint64_t *o_ns);
    /* Fills `len` bytes from the device's entropy source; false on failure. */
    bool (*random)(void *ctx, uint8_t *o_buf, uint32_t len);
} wrt_wasi2_platform;

/* One call: what the engine gives a handler. */
typedef struct wrt_wasi2_call {
    wrt_handle_table *table;      /* the calling component instance's handles */
    wrt_cabi_cx *cx;              /* its memory, realloc (kept fresh by the engine) and string encoding */
    wrt_cabi_type *nodes;         /* scratch for the result's type */
    uint32_t node_cap;
    wrt_cabi_val *vals;           /* scratch for the result's values */
    uint32_t val_cap;
    const wrt_wasi2_platform *platform;
    const char *const *argv;
    uint32_t argc;
    const char *const *envp;      /* "NAME=value" */
    uint32_t envc;
    uint64_t result;              /* out: the flat result of a function that returns one */
    uint32_t exit_code;           /* out: after WRT_WASI2_EXIT */
} wrt_wasi2_call;

/*
 * The function `name` of interface `iface` (`wasi:io/streams@0.2.12`: any 0.2.x), or
 * WRT_WASI2_NONE. Lengths are bytes; nothing needs a NUL.
 */
uint16_t wrt_wasi2_lookup(const uint8_t *iface, uint32_t iface_len, const uint8_t *name, uint32_t name_len);

/* Its core signature in wrt_host_func letters ("ii:i"), or NULL when any whose first parameter is i32 will do. */
const char *wrt_wasi2_signature(uint16_t id);

/* Runs function `id` with its flat arguments: WRT_CABI_OK, a wrt_cabi_status trap, or WRT_WASI2_EXIT. */
int wrt_wasi2_invoke(uint16_t id, wrt_wasi2_call *io_call, const uint64_t *i_args, uint32_t nargs);

#endif
