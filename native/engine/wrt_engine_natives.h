/*
 * The natives (native/natives/wrt_native.h) in the engine: the board's table and the
 * application's, chained after WASI, checked once at start, and under a profile given the call
 * budget it lists for each (a native it does not list is denied at its call, as a WASI function is).
 */
#ifndef WRT_ENGINE_NATIVES_H
#define WRT_ENGINE_NATIVES_H

#include <stdbool.h>
#include <stdint.h>

#include "wrt_api.h"
#include "wrt_native.h"
#include "wrt_profile.h"

/* Most entries of the board's and the application's tables together: one flag byte of RAM each. */
#ifndef WRT_ENGINE_MAX_NATIVES
#define WRT_ENGINE_MAX_NATIVES 64u
#endif

/* Room for a start refusal naming the native: "native <module>.<name>: ..." (cut to fit). */
#define WRT_ENGINE_NATIVES_WHY_BYTES 96u

typedef struct wrt_engine_natives {
    wrt_host_registry board;
    wrt_host_registry app;
    bool allowed[WRT_ENGINE_MAX_NATIVES]; /* board entries, then the application's */
    uint64_t denied;
    char why[WRT_ENGINE_NATIVES_WHY_BYTES];
} wrt_engine_natives;

/*
 * Checks both tables (at most WRT_ENGINE_MAX_NATIVES entries, names within the core's limit, well
 * formed signatures, no module.name twice nor one `io_before` already offers) and chains them after
 * io_before (board first). False with *o_why naming the first bad entry; nothing is chained then.
 */
bool wrt_engine_natives_start(wrt_engine_natives *o_natives, wrt_host_registry *io_before, const char **o_why);

/* The profile's budgets and allow list for every native; NULL: all allowed and unbounded. */
void wrt_engine_natives_profile(wrt_engine_natives *io_natives, const wrt_profile *i_profile);

#endif
