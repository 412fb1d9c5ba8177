/*
 * How the firmware cuts its arena into the interpreter's regions. A board with megabytes gives
 * most of it to linear memory (64 KiB pages); a board with tens of KiB cannot hold one page, so
 * its arena goes to metadata, code and the value stack and only memory-less modules run there.
 */
#ifndef WRT_FW_LAYOUT_H
#define WRT_FW_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "wrt_api.h"

/* False when `bytes` cannot hold even the smallest layout. */
bool wrt_fw_layout(size_t bytes, wrt_layout *o_layout);

#endif
