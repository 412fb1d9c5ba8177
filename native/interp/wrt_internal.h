/*
 * Structures shared by the core's files. Not part of the public API (wrt_api.h).
 */
#ifndef WRT_INTERNAL_H
#define WRT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt_api.h"
#include "wrt_config.h"

#define WRT_PAGE_BYTES 65536u
#define WRT_MAX_PAGES 65536u
#define WRT_NONE 0xFFFFFFFFu

/* Value type codes beyond the public ones: v128 is recognised only to refuse it. */
#define WRT_TYPE_V128 0x7Bu
/* The validator's "any type" in unreachable code. */
#define WRT_TYPE_UNKNOWN 0u

/* Import/export kinds as encoded. */
#define WRT_KIND_FUNC 0u
#define WRT_KIND_TABLE 1u
#define WRT_KIND_MEMORY 2u
#define WRT_KIND_GLOBAL 3u

/* Segment modes. */
#define WRT_SEG_ACTIVE 0u
#define WRT_SEG_PASSIVE 1u
#define WRT_SEG_DECLARATIVE 2u

/* A branch the compiler lays out as the unlikely one (the debug hook of the executor). */
#if defined(__GNUC__) || defined(__clang__)
#  define WRT_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#  define WRT_UNLIKELY(x) (x)
#endif

/* ---- arena -------------------------------------------------------------------------------- */

typedef struct wrt_region_state {
    uint8_t *base;
    size_t size;
    size_t used;
    size_t peak;  /* high-water mark: the control scratch reused per function, and the code region,
                   * where a body being compiled takes more cells than it keeps (fusing rewinds) */
} wrt_region_state;

void *wrt_alloc(wrt_runtime *io_rt, uint32_t region, size_t bytes, wrt_error *o_err);
/* `count` zeroed elements of `size` bytes; a product past SIZE_MAX is a region error, not a wrap. */
void *wrt_alloc_array(wrt_runtime *io_rt, uint32_t region, uint64_t count, size_t size, wrt_error *o_err);
/* Like wrt_alloc but the bytes are not zeroed (memory reservations zero what they hand out). */
void *wrt_reserve(wrt_runtime *io_rt, uint32_t region, size_t bytes, wrt_error *o_err);
size_t wrt_region_left(const wrt_runtime *i_rt, uint32_t region);
void wrt_region_marks(const wrt_runtime *i_rt, size_t o_marks[WRT_REGION_COUNT]);
void wrt_region_release(wrt_runtime *io_rt, const size_t i_marks[WRT_REGION_COUNT]);

/* ---- bytes and errors (wrt_bytes.c) -------------------------------------------------------- */

void wrt_copy(void *o_dst, const void *i_src, size_t n);
void wrt_move(void *o_dst, const void *i_src, size_t n);
void wrt_fill(void *o_dst, uint8_t value, size_t n);
bool wrt_equal(const void *i_a, const void *i_b, size_t n);
size_t wrt_strlen(const char *i_s, size_t max);

/* Sets o_err (may be NULL) and returns false, so callers can `return wrt_fail(...)`. */
bool wrt_fail(wrt_error *o_err, uint32_t code, uint32_t offset, const char *message);
bool wrt_fail_region(wrt_error *o_err, uint32_t code, uint32_t region, uint64_t need, uint64_t capacity,
                     const char *message);

/* ---- module ------------------------------------------------------------------------------- */

typedef struct wrt_functype {
    uint32_t nparams;
    uint32_t nresults;
    const uint8_t *types; /* params, then results */
} wrt_functype;

typedef struct wrt_limits {
    uint32_t min;
    uint32_t max;
    bool has_max;
} wrt_limits;

/* A constant expression: in WebAssembly 2.0 exactly one instruction before `end`. */
typedef struct wrt_const_expr {
    uint8_t op;    /* 0x41 i32.const, 0x42, 0x43, 0x44, 0x23 global.get, 0xD0 ref.null, 0xD2 ref.func */
    uint8_t type;  /* the value type it produces */
    uint32_t index;
    uint64_t bits;
} wrt_const_expr;

typedef struct wrt_tabletype {
    uint8_t elemtype;
    wrt_limits limits;
} wrt_tabletype;

typedef struct wrt_import {
    const uint8_t *module;
    const uint8_t *name;
    uint32_t module_len;
    uint32_t name_len;
    uint8_t kind;
    uint32_t index;          /* index in its kind's space */
    uint32_t typeidx;        /* WRT_KIND_FUNC */
    wrt_tabletype table;     /* WRT_KIND_TABLE */
    wrt_limits memory;       /* WRT_KIND_MEMORY */
    uint8_t global_type;     /* WRT_KIND_GLOBAL */
    bool global_mutable;
} wrt_import;

typedef struct wrt_funcdef {
    const wrt_functype *type;
    uint32_t index;         /* function index in the module */
    uint32_t body_offset;   /* byte offset of the body (after its size), load time only */
    uint32_t body_end;
    const uint32_t *code;   /* internal code; NULL for imports */
    uint32_t nlocals;       /* declared locals, params excluded */
    uint32_t nparams;       /* type->nparams, read by every call without chasing type */
    uint32_t frame_slots;   /* params + locals + 1 spill slot + most operands, saturated at UINT32_MAX */
} wrt_funcdef;

typedef struct wrt_globaldef {
    uint8_t type;
    bool mutable_;
    wrt_const_expr init;
} wrt_globaldef;

typedef struct wrt_export {
    const uint8_t *name;
    uint32_t name_len;
    uint8_t kind;
    uint32_t index;
} wrt_export;

typedef struct wrt_elemseg {
    uint8_t mode;
    uint8_t type;
    uint32_t table;
    wrt_const_expr offset;
    uint32_t count;
    wrt_const_expr *items;
} wrt_elemseg;

typedef struct wrt_dataseg {
    uint8_t mode;
    uint32_t memory;
    wrt_const_expr offset;
    uint32_t len;
    const uint8_t *bytes;
} wrt_dataseg;

struct wrt_module {
    wrt_runtime *rt;
    uint32_t ntypes;
    wrt_functype *types;
    uint32_t nimports;
    wrt_import *imports;
    uint32_t nfuncs, nfunc_imports;
    wrt_funcdef *funcs;
    uint32_t ntables, ntable_imports;
    wrt_tabletype *tables;
    uint32_t nmems, nmem_imports;
    wrt_limits *mems;
    uint32_t nglobals, nglobal_imports;
    wrt_globaldef *globals;
    uint32_t nexports;
    wrt_export *exports;
    uint32_t start;          /* WRT_NONE: no start function */
    uint32_t nelems;
    wrt_elemseg *elems;
    uint32_t ndatas;
    wrt_dataseg *datas;
    bool has_datacount;
    uint32_t datacount;
    bool uses_data_index;    /* some body has memory.init or data.drop */
    uint8_t *func_refs;      /* bitset: functions a ref.func in code may name */
};

bool wrt_functype_equal(const wrt_functype *i_a, const wrt_functype *i_b);

/* ---- instances ---------------------------------------------------------------------------- */

typedef struct wrt_host_binding {
    const wrt_host_func *func;
    const wrt_host_registry *registry;
    uint32_t serial;  /* the invocation `used` counts for */
    uint32_t used;
} wrt_host_binding;

struct wrt_func {
    const wrt_functype *type;
    wrt_instance *inst;          /* owning instance; NULL for host functions */
    const wrt_funcdef *def;      /* NULL for host functions */
    wrt_host_binding *host;      /* NULL for wasm functions */
};

typedef struct wrt_memory {
    uint8_t *data;
    uint64_t bytes;        /* current size */
    uint32_t pages;
    uint32_t max_pages;    /* reserved: declared max capped by the profile */
    wrt_limits declared;   /* as the defining module wrote it, for import matching */
} wrt_memory;

typedef struct wrt_table {
    uint64_t *elems;
    uint32_t size;
    uint32_t max;          /* reserved: declared max capped by the profile */
    uint8_t elemtype;
    wrt_limits declared;
} wrt_table;

typedef struct wrt_global {
    uint64_t *value;
    uint8_t type;
    bool mutable_;
} wrt_global;

struct wrt_instance {
    wrt_runtime *rt;
    const wrt_module *mod;
    wrt_func **funcs;
    wrt_table **tables;
    wrt_memory *mem;         /* memory 0 (the executor's fast path), NULL: no memory */
    wrt_memory **mems;       /* every memory, mod->nmems of them; mems[0] == mem */
    wrt_global **globals;
    uint64_t **elem_refs;
    uint32_t *elem_len;      /* 0 once dropped */
    uint32_t *data_len;      /* 0 once dropped */
};

/* ---- runtime ------------------------------------------------------------------------------ */

typedef struct wrt_frame {
    const uint32_t *pc;
    uint64_t *fp;
    wrt_instance *inst;
    const wrt_funcdef *fn;
} wrt_frame;

typedef struct wrt_registered {
    struct wrt_registered *next;
    const uint8_t *name;
    uint32_t len;
    wrt_instance *inst;
} wrt_registered;

/*
 * Debugging state (wrt_debug.c). The ring and the breakpoint set are the TRACE region; the
 * executor's entry hook runs only while rt->debug points here (the layout asks for either).
 */
typedef struct wrt_debug {
    wrt_trace_entry *ring;       /* `capacity` entries */
    uint32_t capacity;
    uint32_t next;               /* slot of the next entry */
    uint64_t total;              /* entries appended since the invocation began */
    uint32_t *breaks;            /* `max_breaks` slots, `nbreaks` in use */
    uint32_t nbreaks;
    uint32_t max_breaks;
    uint32_t hits;               /* breakpoint hits of this invocation */
    const wrt_module *module;    /* of the invoked function: what indices and breakpoints name */
    wrt_break_fn on_break;
    void *break_ctx;
} wrt_debug;

struct wrt_runtime {
    void *arena;            /* as given to wrt_runtime_init, for wrt_runtime_reset */
    size_t arena_bytes;
    wrt_region_state regions[WRT_REGION_COUNT];
    wrt_layout layout;
    uint64_t *stack;
    uint64_t *stack_end;
    wrt_frame *frames;
    uint32_t depth_max;
    uint32_t serial;        /* bumped per invocation: host budgets restart */
    uint64_t fuel;          /* budget per invocation */
    uint32_t features;      /* WRT_FEATURE_* on for later loads (wrt_runtime_set_features) */
    bool busy;              /* an invocation is running: only wrt_invoke_nested may enter */
    /*
     * Where a nested invocation starts (wrt_invoke_nested): the executor stores the first free
     * frame and the fuel left before each host call, the host call the first stack slot above its
     * arguments and results. Host calls only: the plain interpreter's paths never touch them.
     */
    uint64_t *nest_sp;
    wrt_frame *nest_ft;
    uint64_t nest_fuel;
    uint32_t nest_depth;    /* nested invocations open */
    wrt_registered *registered;
    /* wrt_locate_sites only: the site the compiler looks for, and the offset it found. */
    const wrt_code_site *locate_site;
    uint32_t locate_offset;
    wrt_debug *debug;       /* &debug_state when the layout has a trace or breakpoints, else NULL */
    wrt_debug debug_state;
};

/* ---- load pipeline ----------------------------------------------------------------------- */

bool wrt_decode_module(wrt_runtime *io_rt, wrt_module *io_mod, const uint8_t *i_bytes, size_t len,
                       wrt_error *o_err);
bool wrt_validate_function(wrt_runtime *io_rt, const wrt_module *i_mod, wrt_funcdef *io_fn,
                           const uint8_t *i_bytes, size_t len, wrt_error *o_err);
bool wrt_compile_function(wrt_runtime *io_rt, const wrt_module *i_mod, wrt_funcdef *io_fn,
                          const uint8_t *i_bytes, size_t len, wrt_error *o_err);

/* ---- execution ---------------------------------------------------------------------------- */

/* Runs `func` with its arguments already at rt->stack[0..nparams); results land at rt->stack[0..). */
/*
 * The executor's hook at a wasm function's entry, while rt->debug is set (wrt_debug.c): appends to
 * the trace ring and reports a breakpoint. `fp` holds the arguments; the frames below `top` are the
 * callers. Four arguments, all in registers on every target: the call is small in each copy of
 * the executor's call path.
 */
void wrt_debug_enter(wrt_runtime *io_rt, const wrt_funcdef *i_fn, const uint64_t *i_args, const wrt_funcdef *i_caller, const uint32_t *i_pc,
                     const wrt_frame *i_top);
/*
 * Appends, from o_sites[n], each caller saved below `i_top` at the call it waits in (a return
 * address minus one cell), innermost first, up to WRT_TRAP_FRAMES_MAX; returns the new count. The
 * walk of a trap's backtrace and of a breakpoint's stack (wrt_exec.c).
 */
uint32_t wrt_caller_sites(const wrt_frame *i_frames, const wrt_frame *i_top, wrt_code_site *o_sites, uint32_t n);
/* Starts the trace of an invocation of `i_func` (the module its indices name). */
void wrt_debug_begin(wrt_debug *io_dbg, const wrt_func *i_func);
uint32_t wrt_exec(wrt_runtime *io_rt, const wrt_func *i_func, wrt_trap_info *o_trap);

/* ---- host functions (wrt_host.c) ----------------------------------------------------------- */

/* The registry entry for module/name (following `next`), or NULL; o_from gets its registry. */
const wrt_host_func *wrt_host_find(const wrt_host_registry *i_reg, const uint8_t *i_module,
                                   uint32_t module_len, const uint8_t *i_name, uint32_t name_len,
                                   const wrt_host_registry **o_from);
/* Whether a host signature string is well formed: type letters, one ':', results within the limit. */
bool wrt_host_signature_valid(const char *i_signature);
/* Whether a host signature string denotes exactly this function type. */
bool wrt_host_signature_matches(const char *i_signature, const wrt_functype *i_type);
/* The value type a signature letter stands for (wrt_host_func.signature), 0 for none. */
uint8_t wrt_host_letter_type(char c);
/* Checks budget and intercept hook, calls the host function, and leaves results on the stack. */
uint32_t wrt_host_invoke(wrt_runtime *io_rt, const wrt_func *i_func, wrt_instance *i_caller,
                         uint64_t *io_args);

#endif
