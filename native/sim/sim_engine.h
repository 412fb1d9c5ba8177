/*
 * The engine native-sim links: exactly one translation unit defines wrt_sim_engine. The real
 * native-sim links interp_engine.c (the interpreter core behind wrtp_engine_ops); the protocol test
 * binary links test_engine.c (a test double that runs no WebAssembly).
 */
#ifndef WRT_SIM_ENGINE_H
#define WRT_SIM_ENGINE_H

#include "wrtp_engine.h"

#define WRT_SIM_DEFAULT_ARENA_BYTES (16u * 1024u * 1024u)

/* What the command line gives the engine. */
typedef struct wrt_sim_options {
    uint32_t arena_bytes;                    /* 0: WRT_SIM_DEFAULT_ARENA_BYTES */
    /* Region overrides of the layout (0: derived from the arena size, see interp_engine.c). */
    uint32_t stack_slots;
    uint32_t call_depth;
    uint32_t table_elements;
    uint32_t global_slots;
    uint32_t table_elements_max;             /* most elements one table reserves */
    uint32_t memory_pages_max;               /* most pages one memory reserves */
    const uint8_t *signing_key;              /* --signing-key: 32 bytes, static; NULL: none */
    uint32_t mem_flags;                      /* --mem-lock, --mem-populate, --mem-hugepages: WRT_MEM_* */
    const char *mem_pool;                    /* --mem-typed-memory NAME (qnx-typed-memory); NULL: none */
} wrt_sim_options;

/*
 * Returns the engine's operations and sets *o_ctx to the context they take, or returns NULL with
 * a reason in *o_why (static storage) when the engine cannot start (arena not obtainable).
 */
const wrtp_engine_ops *wrt_sim_engine(const wrt_sim_options *i_opts, void **o_ctx, const char **o_why);

/* Gives the arena of the engine wrt_sim_engine started back (the in-process device's close). */
void wrt_sim_engine_stop(void);

#endif
