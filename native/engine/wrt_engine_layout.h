/*
 * The default region layout of an arena, for modules uploaded without a profile: one rule for
 * native-sim and the firmware. Fixed shares go to metadata, code and the value stack, small tables
 * and globals; every whole 64 KiB page that is left goes to linear memory.
 */
#ifndef WRT_ENGINE_LAYOUT_H
#define WRT_ENGINE_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "wrt_api.h"

/* The shares of an arena of `bytes`, with no linear memory pages yet (targets/native-sim.yaml). */
void wrt_engine_layout_shares(size_t bytes, wrt_layout *o_layout);

/*
 * Gives io_layout as many linear memory pages as fit in `bytes` beside its other regions. False
 * when the other regions alone do not fit (or their size overflows).
 */
bool wrt_engine_layout_fill_pages(size_t bytes, wrt_layout *io_layout);

#endif
