/*
 * The firmware's side of the engine (native/engine/wrt_interp_engine.c): the arena is the RAM the
 * link leaves free, the WASI clocks count from boot (the board has no calendar), and random_get
 * answers ENOSYS: there is no entropy source here, and made-up randomness would be worse than none.
 * The signing key, when the build was given one (WRT_SIGNING_KEY=KEY.pub), is in flash: every
 * module must then be signed by it (docs/signing.md).
 */
#include "wrt_fw_engine.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt_board_target.h"
#include "wrt_fw_layout.h"
#include "wrt_interp_engine.h"
#include "wrt_signing_key.h"

#if WRT_SIGNING_KEY_PRESENT
#include "wrt_sig.h"
static const uint8_t wrt_fw_signing_key[32] = WRT_SIGNING_KEY_INIT;
#define WRT_FW_SIGNING_KEY wrt_fw_signing_key
#define WRT_FW_VERIFY wrt_sig_verify_module
#else
/* No key, no check: the linker leaves libsodium's Ed25519 code (about 23 KB) out of the image. */
#define WRT_FW_SIGNING_KEY NULL
#define WRT_FW_VERIFY NULL
#endif

/* A function pointer cannot travel through the platform's void *ctx in portable C. */
static wrt_fw_nanos_fn wrt_fw_nanos;

static bool wrt_fw_clock(void *ctx, uint32_t id, uint64_t *o_ns) {
    (void)ctx;
    (void)id;
    *o_ns = wrt_fw_nanos();
    return true;
}

const wrtp_engine_ops *wrt_fw_engine(uint8_t *io_arena, size_t arena_bytes, wrt_fw_nanos_fn nanos, void **o_ctx,
                                    const char **o_why) {
    static wrt_interp_engine engine;
    static const char *const argv[] = {"module"};
    wrt_layout layout;
    if (!wrt_fw_layout(arena_bytes, &layout)) {
        *o_why = "arena too small for the smallest region layout";
        return NULL;
    }
    wrt_fw_nanos = nanos;
    const wrt_interp_platform platform = {NULL, wrt_fw_clock, NULL, WRT_BOARD_TARGET_ID, WRT_FW_SIGNING_KEY,
                                          WRT_FW_VERIFY};
    const wrtp_engine_ops *ops = wrt_interp_engine_start(&engine, io_arena, arena_bytes, &layout, &platform, argv, 1u,
                                                        NULL, 0u, o_why);
    *o_ctx = &engine;
    return ops;
}
