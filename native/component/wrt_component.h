/* One call of a component's exported function on a device: the canonical ABI's
 * `canon lift` run from the outside (docs/component.md, "Running components").
 *
 *   decode the arguments (wrt_cval) -> lower them (wrt_cabi, calling cabi_realloc) -> call the
 *   core export -> lift its results -> encode them (wrt_cval) -> call post-return.
 *
 * The interpreter stays behind wrt_comp_ops: cabi_realloc, the core export and post-return are
 * separate, complete invocations of the core instance, one after the other, so no core call runs
 * inside another. Freestanding C11, no allocation: every buffer is the caller's wrt_comp_scratch,
 * sized by the constants below. */
#ifndef WRT_COMPONENT_H
#define WRT_COMPONENT_H

#include <stdbool.h>
#include <stdint.h>

#include "wrt_cabi.h"

/* Type nodes of the parameter tuple and the result together (24 bytes each). */
#ifndef WRT_COMPONENT_MAX_NODES
#define WRT_COMPONENT_MAX_NODES 64u
#endif
/* Value slots of the arguments, then of the results (16 bytes each): a list takes one slot per
 * element plus one. */
#ifndef WRT_COMPONENT_MAX_VALUES
#define WRT_COMPONENT_MAX_VALUES 128u
#endif
/* Bytes of the encoded result; also the limit a string or list is checked against before
 * cabi_realloc is called for it (lowering), and the largest one lifted. */
#ifndef WRT_COMPONENT_VALUE_BYTES
#define WRT_COMPONENT_VALUE_BYTES 768u
#endif

/* The core functions of one call, as wrt_comp_ops.call names them. */
enum wrt_comp_func { WRT_COMP_FUNC_EXPORT = 0, WRT_COMP_FUNC_REALLOC = 1, WRT_COMP_FUNC_POST_RETURN = 2 };

/* Where a call stopped (the answer's phase byte). */
enum wrt_comp_phase {
    WRT_COMP_PHASE_NONE = 0,
    WRT_COMP_PHASE_LOWER = 1,       /* lowering the arguments */
    WRT_COMP_PHASE_REALLOC = 2,     /* in cabi_realloc, called while lowering */
    WRT_COMP_PHASE_CALL = 3,        /* in the core export */
    WRT_COMP_PHASE_LIFT = 4,        /* lifting the results */
    WRT_COMP_PHASE_POST_RETURN = 5  /* in post-return */
};

/* A canonical ABI trap is WRT_COMP_TRAP_BASE + its wrt_cabi_status (65 bad char ... 73 realloc);
 * 74: the results do not fit the device's value buffers. Core traps keep their own codes (1..17). */
#define WRT_COMP_TRAP_BASE 64u
#define WRT_COMP_TRAP_CAPACITY (WRT_COMP_TRAP_BASE + 10u)

/* Returns of wrt_comp_invoke that are not a call: the request does not fit the function. */
enum wrt_comp_status {
    WRT_COMP_OK = 0,           /* the call ran: see outcome.trap */
    WRT_COMP_ERR_TYPE = 1,     /* a type encoding is malformed or over the node table (detail: byte offset) */
    WRT_COMP_ERR_ARGS = 2,     /* the argument bytes do not match the parameter types (detail: byte offset) */
    WRT_COMP_ERR_CAPACITY = 3, /* the arguments need more value slots than the device has */
    WRT_COMP_ERR_SIGNATURE = 4 /* a core function's type differs from what the canonical ABI needs (detail: wrt_comp_func) */
};

typedef struct wrt_comp_ops {
    void *ctx;
    /* The core signature of function `which`: parameter and result value type codes (0x7F i32 ..);
     * false when the instance has no such function. */
    bool (*signature)(void *ctx, uint32_t which, uint8_t *o_params, uint32_t *o_nparams, uint32_t params_cap,
                      uint8_t *o_results, uint32_t *o_nresults, uint32_t results_cap);
    /* Runs function `which` to completion; returns 0 or the core trap code. */
    uint32_t (*call)(void *ctx, uint32_t which, const uint64_t *i_args, uint32_t nargs, uint64_t *o_results,
                     uint32_t nresults);
    /* The instance's memory as it is now (a call may grow it); NULL when it has none. */
    uint8_t *(*memory)(void *ctx, uint32_t *o_len);
    /* A handle argument (the host's index) into the callee, and a handle result out of it (the
     * host's new index): wrt_cabi_host's callbacks, whose ctx is the call's wrt_comp_ctx. NULL:
     * handles trap (72). */
    int (*lower_handle)(void *ctx, uint8_t kind, uint32_t rt, uint32_t index, uint32_t *o_index);
    int (*lift_handle)(void *ctx, uint8_t kind, uint32_t rt, uint32_t index, uint32_t *o_index);
} wrt_comp_ops;

/* What the canonical ABI's callbacks get as their ctx during wrt_comp_invoke. */
typedef struct wrt_comp_ctx {
    const wrt_comp_ops *ops;
    wrt_cabi_cx *cx;
    uint32_t trap; /* the core trap cabi_realloc stopped with */
} wrt_comp_ctx;

typedef struct wrt_comp_request {
    const uint8_t *params_type;  /* a tuple of the parameters; length 0: no parameters */
    uint32_t params_type_len;
    const uint8_t *result_type;  /* a tuple of the one result; length 0: no result */
    uint32_t result_type_len;
    const uint8_t *args;         /* the arguments in the value encoding (wrt_cval.h) */
    uint32_t args_len;
    uint8_t encoding;            /* wrt_cabi_encoding of the canonical options */
    bool realloc;                /* the options name a realloc */
    bool post_return;            /* the options name a post-return */
} wrt_comp_request;

typedef struct wrt_comp_outcome {
    uint32_t trap;     /* 0: returned; else a core trap code or WRT_COMP_TRAP_BASE + n */
    uint8_t phase;     /* wrt_comp_phase of the trap */
    uint32_t detail;   /* an error's byte offset or wrt_comp_func */
    uint32_t result_len;
} wrt_comp_outcome;

typedef struct wrt_comp_scratch {
    wrt_cabi_type nodes[WRT_COMPONENT_MAX_NODES];
    wrt_cabi_val vals[WRT_COMPONENT_MAX_VALUES];
    uint8_t result[WRT_COMPONENT_VALUE_BYTES];
} wrt_comp_scratch;

/* Runs the call; on WRT_COMP_OK with outcome.trap 0 the result's value encoding is
 * scratch.result[0 .. outcome.result_len). */
int wrt_comp_invoke(const wrt_comp_request *i_req, const wrt_comp_ops *i_ops, wrt_comp_scratch *io_scratch,
                    wrt_comp_outcome *o_outcome);

#endif
