/*
 * linker-arena's state (its functions are inline, wrt_mem_linker.h): one word of .bss. Compiled
 * with WRT_MEM_LINKER_ARENA, as everything that includes wrt_mem_adapter.h in that build is.
 */
#include "wrt_mem_adapter.h"

size_t wrt_mem_linker_used;

const char wrt_mem_adapter_kind[] = "linker-arena";
