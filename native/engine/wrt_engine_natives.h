/*
 * The natives (native/natives/wrt_native.h) in the engine: the board's table and the
 * application's, chained after WASI and checked once at start. Their calls go through the host
 * proxies of wrt_engine_host.h like every host function: the profile's policy and budget per
 * import, a native it does not list denied at its call, as a WASI function is.
 */
#ifndef WRT_ENGINE_NATIVES_H
#define WRT_ENGINE_NATIVES_H

#include <stdbool.h>
#include <stdint.h>

#include "wrt_api.h"
#include "wrt_native.h"
#include "wrt_engine_host.h"
#include "wrt_wasi.h"

/* Most entries of the board's and the application's tables together: what the host proxies hold beside WASI. */
#define WRT_ENGINE_MAX_NATIVES (WRT_ENGINE_HOST_NATIVE_MAX - WRT_WASI_FUNC_COUNT)

/* Room for a start refusal naming the native: "native <module>.<name>: ..." (cut to fit). */
#define WRT_ENGINE_NATIVES_WHY_BYTES 96u

typedef struct wrt_engine_natives {
    wrt_host_registry board;
    wrt_host_registry app;
    char why[WRT_ENGINE_NATIVES_WHY_BYTES];
} wrt_engine_natives;

/*
 * Checks both tables (at most WRT_ENGINE_MAX_NATIVES entries, names within the core's limit, well
 * formed signatures, no module.name twice nor one `io_before` already offers) and chains them after
 * io_before (board first). False with *o_why naming the first bad entry; nothing is chained then.
 */
bool wrt_engine_natives_start(wrt_engine_natives *o_natives, wrt_host_registry *io_before, const char **o_why);


#endif
