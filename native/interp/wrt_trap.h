/*
 * Stable numbered codes of the wrt interpreter: traps (what stopped a running invocation) and load
 * errors (why a module did not load, link or instantiate). Tools, the wire protocol and CI logs
 * match on these numbers: a code is never renumbered or reused; new codes are appended.
 */
#ifndef WRT_TRAP_H
#define WRT_TRAP_H

/* Why an invocation stopped. WRT_OK means it returned normally. */
enum wrt_trap_code {
    WRT_OK = 0,
    WRT_TRAP_UNREACHABLE = 1,             /* an `unreachable` instruction ran */
    WRT_TRAP_MEMORY_OUT_OF_BOUNDS = 2,    /* load, store or bulk memory access past the memory size */
    WRT_TRAP_INT_DIVIDE_BY_ZERO = 3,      /* div or rem by zero */
    WRT_TRAP_INT_OVERFLOW = 4,            /* INT_MIN / -1, or a float too large for trunc */
    WRT_TRAP_INVALID_CONVERSION = 5,      /* trunc of a NaN */
    WRT_TRAP_INDIRECT_NULL = 6,           /* call_indirect to a null table element */
    WRT_TRAP_INDIRECT_OUT_OF_RANGE = 7,   /* call_indirect index past the table size */
    WRT_TRAP_INDIRECT_TYPE_MISMATCH = 8,  /* call_indirect to a function of another type */
    WRT_TRAP_VALUE_STACK_EXHAUSTED = 9,   /* a frame does not fit in the value stack region */
    WRT_TRAP_CALL_DEPTH_EXHAUSTED = 10,   /* a call past the profile's call depth */
    WRT_TRAP_FUEL_EXHAUSTED = 11,         /* the invocation's instruction budget ran out */
    WRT_TRAP_HOST_CALL_DENIED = 12,       /* the interception hook refused a host call */
    WRT_TRAP_TABLE_OUT_OF_BOUNDS = 13,    /* table.get/set/fill/copy/init past a table or segment */
    WRT_TRAP_HOST_BUDGET_EXHAUSTED = 14,  /* a host function's call budget for this invocation ran out */
    WRT_TRAP_HOST_ERROR = 15,             /* a host function reported a failure */
    WRT_TRAP_EXIT = 16,                   /* a host function ended the program (WASI proc_exit) */
    WRT_TRAP_INVOKE_MISUSE = 17,          /* wrt_invoke itself was misused: arity, re-entry, null */
    WRT_TRAP_REENTRY_EXHAUSTED = 18       /* a nested invocation past WRT_CONFIG_MAX_NESTED */
};
#define WRT_TRAP_CODE_COUNT 19u

/* Why wrt_runtime_init, wrt_module_load, wrt_instantiate or wrt_register failed. */
enum wrt_error_code {
    WRT_ERR_NONE = 0,
    WRT_ERR_MALFORMED = 1,      /* the binary cannot be decoded (spec: assert_malformed) */
    WRT_ERR_INVALID = 2,        /* the module decodes but does not validate (spec: assert_invalid) */
    WRT_ERR_UNSUPPORTED = 3,    /* valid WebAssembly this target does not run (SIMD) */
    WRT_ERR_ARENA = 4,          /* an arena region is too small; `region`, `need`, `capacity` say which */
    WRT_ERR_LIMIT = 5,          /* a module needs more than a profile limit allows (pages, elements) */
    WRT_ERR_LINK = 6,           /* an import is missing or has an incompatible type (assert_unlinkable) */
    WRT_ERR_TRAP = 7,           /* instantiation trapped (segment out of bounds, start function) */
    WRT_ERR_ARGUMENT = 8        /* the caller passed a null pointer or an impossible layout */
};
#define WRT_ERROR_CODE_COUNT 9u

/* Regions of the arena, in the order the arena holds them. Numbers are stable. */
enum wrt_region {
    WRT_REGION_META = 0,     /* runtime, module metadata, instances, names, segments */
    WRT_REGION_CODE = 1,     /* pre-decoded internal code */
    WRT_REGION_CONTROL = 2,  /* load-time scratch: validator control and operand type stacks */
    WRT_REGION_STACK = 3,    /* value stack: locals and operands of all active frames */
    WRT_REGION_FRAMES = 4,   /* call frames: one per active wasm call */
    WRT_REGION_MEMORY = 5,   /* linear memories */
    WRT_REGION_TABLES = 6,   /* table elements */
    WRT_REGION_GLOBALS = 7,  /* global values */
    WRT_REGION_TRACE = 8     /* debugging: the trace ring of function entries, then the breakpoint set */
};
#define WRT_REGION_COUNT 9u

#endif
