/*
 * WASI preview1 (wasi_snapshot_preview1), the subset a device offers: fd_write, fd_fdstat_get,
 * fd_close, fd_seek and fd_tell on the standard descriptors 0-2, proc_exit, clock_time_get, random_get,
 * args_*, environ_* and sched_yield. The layer is freestanding: it marshals guest memory and leaves the
 * device-specific part (where bytes go, which clock, which entropy) to a platform struct.
 *
 *   wrt_wasi wasi;
 *   wrt_wasi_init(&wasi, &platform, argv, argc, envp, envc);
 *   wrt_instantiate(rt, module, wrt_wasi_registry(&wasi), &err, &trap);
 *
 * Chain firmware functions after it with wasi.registry.next, or set wasi.registry.intercept to
 * log or deny WASI calls like any host call. proc_exit ends the invocation with WRT_TRAP_EXIT and
 * records the code in wasi.exit_code.
 */
#ifndef WRT_WASI_H
#define WRT_WASI_H

#include "wrt_api.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WRT_WASI_FUNC_COUNT 13u

/* WASI errno values the layer returns. */
#define WRT_WASI_ESUCCESS 0u
#define WRT_WASI_EBADF 8u
#define WRT_WASI_EFAULT 21u
#define WRT_WASI_EINVAL 28u
#define WRT_WASI_EIO 29u
#define WRT_WASI_ENOSYS 52u
#define WRT_WASI_ESPIPE 70u

typedef struct wrt_wasi_platform {
    void *ctx;
    /* Writes to descriptor 1 or 2; returns the bytes written, or -errno. NULL: output dropped. */
    int32_t (*write)(void *ctx, uint32_t fd, const uint8_t *bytes, uint32_t len);
    /* Nanoseconds of clock `id` (0 realtime, 1 monotonic); false if the device lacks it. */
    bool (*clock)(void *ctx, uint32_t id, uint64_t *o_ns);
    /* Fills `len` bytes from the device's entropy source; false on failure. NULL: ENOSYS. */
    bool (*random)(void *ctx, uint8_t *o_buf, uint32_t len);
} wrt_wasi_platform;

typedef struct wrt_wasi {
    wrt_wasi_platform platform;
    const char *const *argv;
    uint32_t argc;
    const char *const *envp;   /* "NAME=value" strings */
    uint32_t envc;
    bool exited;
    uint32_t exit_code;
    wrt_host_func funcs[WRT_WASI_FUNC_COUNT];
    wrt_host_registry registry;
} wrt_wasi;

/* Fills the registry; argv/envp strings must outlive the instances using it. */
void wrt_wasi_init(wrt_wasi *o_wasi, const wrt_wasi_platform *i_platform, const char *const *i_argv, uint32_t argc,
                   const char *const *i_envp, uint32_t envc);
const wrt_host_registry *wrt_wasi_registry(wrt_wasi *io_wasi);

#ifdef __cplusplus
}
#endif

#endif
