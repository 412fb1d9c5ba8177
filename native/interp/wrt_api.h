/*
 * Public API of the wrt WebAssembly interpreter core (WebAssembly 2.0 without SIMD).
 *
 * Everything lives in one caller-provided arena, cut into the regions of wrt_layout; the core never
 * calls malloc or libc. Typical use:
 *
 *   size_t bytes = wrt_layout_bytes(&layout);                 // how big the arena must be
 *   wrt_runtime *rt = wrt_runtime_init(arena, bytes, &layout, &err);
 *   wrt_module *m = wrt_module_load(rt, wasm, wasm_len, &err); // decode + validate + compile
 *   wrt_instance *i = wrt_instantiate(rt, m, &host_registry, &err, &trap);
 *   const wrt_func *f = wrt_find_func(i, "main", 4);
 *   uint32_t code = wrt_invoke(rt, f, args, nargs, results, nresults, &trap);
 *
 * Values cross the API as raw 64-bit slots: i32/f32 in the low 32 bits (f32 as its bit pattern),
 * i64/f64 as 64 bits, externref as an opaque host word (0 is null), funcref as a wrt_func pointer
 * (0 is null). Parameter names carry their direction: i_ in, o_ out, io_ both.
 *
 * One runtime holds any number of modules and instances. An instance may import from instances of
 * another runtime (imports are plain pointers); the exporting runtime must then outlive it.
 * Calls never recurse in C: wasm calls push frames in the FRAMES region, so deep recursion ends in
 * WRT_TRAP_CALL_DEPTH_EXHAUSTED at the profile's depth whatever the native stack is.
 */
#ifndef WRT_API_H
#define WRT_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt_trap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Interpreter version, reported as (major << 16) | (minor << 8) | patch by wrt_version(). */
#define WRT_VERSION_MAJOR 0u
#define WRT_VERSION_MINOR 2u
#define WRT_VERSION_PATCH 0u

/* Value type codes, as the binary format writes them. */
#define WRT_TYPE_I32 0x7Fu
#define WRT_TYPE_I64 0x7Eu
#define WRT_TYPE_F32 0x7Du
#define WRT_TYPE_F64 0x7Cu
#define WRT_TYPE_FUNCREF 0x70u
#define WRT_TYPE_EXTERNREF 0x6Fu

/* Import/export kinds, as the binary format writes them. */
#define WRT_EXTERN_FUNC 0u
#define WRT_EXTERN_TABLE 1u
#define WRT_EXTERN_MEMORY 2u
#define WRT_EXTERN_GLOBAL 3u

#define WRT_FUEL_UNLIMITED UINT64_MAX
#define WRT_BUDGET_UNLIMITED UINT32_MAX

/*
 * Sizes of the arena regions, as a profile gives them. A region too small for a module is a clean
 * WRT_ERR_ARENA naming the region, never an overrun.
 */
typedef struct wrt_layout {
    uint32_t meta_bytes;          /* module metadata, instances, export names, data segments */
    uint32_t code_bytes;          /* internal code of all loaded modules */
    uint32_t control_bytes;       /* validator scratch, reused per function during a load */
    uint32_t stack_slots;         /* value stack, 8-byte slots */
    uint32_t call_depth;          /* most active wasm frames at once (the invoked function is 1) */
    uint32_t memory_pages;        /* linear memory region, 64 KiB pages, shared by all memories */
    uint32_t memory_pages_max;    /* most pages one memory may reserve; 0 = the whole region */
    uint32_t table_elements;      /* table region, elements, shared by all tables */
    uint32_t table_elements_max;  /* most elements one table may reserve; 0 = the whole region */
    uint32_t global_slots;        /* global region, 8-byte slots */
    /*
     * Nonzero: the memory region is exactly this many bytes instead of memory_pages pages, and a
     * memory whose declared pages do not fit is truncated to it (the profile's rule
     * truncated-to-heap-base): memory.size still counts the declared pages, an access at or past
     * the truncation traps as out of bounds, memory.grow of any page returns -1.
     */
    uint32_t memory_bytes_limit;
    /*
     * Debugging (the profile's debug budget, docs/limits.md): the last `trace_entries` function
     * entries of an invocation are kept in a ring, and at most `breakpoints` functions may be
     * breakpoints (wrt_debug_set_breakpoints). Both 0: no debugging, and the executor's entry hook
     * stays off. They size the TRACE region: WRT_TRACE_ENTRY_BYTES each, then WRT_BREAKPOINT_BYTES each.
     */
    uint32_t trace_entries;
    uint32_t breakpoints;
} wrt_layout;

/* A failed load, link or instantiation. `message` is a static string. */
typedef struct wrt_error {
    uint32_t code;        /* enum wrt_error_code */
    uint32_t region;      /* enum wrt_region, for WRT_ERR_ARENA and WRT_ERR_LIMIT */
    uint32_t offset;      /* byte offset in the wasm binary (load errors), else 0 */
    uint32_t index;       /* import, segment or function index the error is about, else 0 */
    uint64_t need;        /* bytes/pages/elements asked for (WRT_ERR_ARENA, WRT_ERR_LIMIT) */
    uint64_t capacity;    /* bytes/pages/elements the region or limit has */
    const char *message;
} wrt_error;

/* Wasm frames a trap records, innermost first: enough to show where a program went wrong. */
#ifndef WRT_TRAP_FRAMES_MAX
#  define WRT_TRAP_FRAMES_MAX 8u
#endif

/*
 * A place in compiled code: a function (index in its module) and one of its internal code cells.
 * wrt_locate_sites turns cells into byte offsets of the wasm binary.
 */
typedef struct wrt_code_site {
    uint32_t func_index;
    uint32_t cell;
} wrt_code_site;

/* Where and why an invocation (or the start function during instantiation) stopped. */
typedef struct wrt_trap_info {
    uint32_t code;         /* enum wrt_trap_code */
    uint32_t func_index;   /* function index (in its module) running at the trap */
    uint32_t code_offset;  /* internal code cell of the trapping instruction, in that function */
    uint32_t depth;        /* active wasm frames at the trap */
    uint64_t fuel_used;    /* instructions charged during this invocation */
    /*
     * The backtrace: frames[0] is the trapping instruction, each next one the call its caller is
     * waiting in, at most WRT_TRAP_FRAMES_MAX of the `depth` frames (the outermost are dropped).
     */
    uint32_t nframes;
    wrt_code_site frames[WRT_TRAP_FRAMES_MAX];
} wrt_trap_info;

typedef struct wrt_runtime wrt_runtime;
typedef struct wrt_module wrt_module;
typedef struct wrt_instance wrt_instance;
typedef struct wrt_func wrt_func;
typedef struct wrt_host_func wrt_host_func;

/* What a host function sees. Results go to `results` (room for WRT_CONFIG_MAX_HOST_RESULTS). */
typedef struct wrt_host_call {
    void *ctx;                   /* the wrt_host_func's ctx */
    const wrt_host_func *func;
    const uint64_t *args;
    uint64_t *results;
    uint8_t *memory;             /* the calling instance's memory, NULL if it has none */
    uint64_t memory_bytes;
} wrt_host_call;

/* Returns WRT_OK, or a trap code (WRT_TRAP_HOST_ERROR, WRT_TRAP_EXIT, ...) to stop the invocation. */
typedef uint32_t (*wrt_host_fn)(wrt_host_call *io_call);

/*
 * One import the firmware or native-sim provides. `signature` lists parameter then result types,
 * split by ':' : i=i32 I=i64 f=f32 F=f64 x=externref n=funcref; "ii:i" takes two i32, returns one.
 * `budget` is the most calls per invocation (WRT_BUDGET_UNLIMITED for none); the core reads it at
 * each call, so the host may change it between invocations. `fuel_cost` is charged against the
 * invocation's fuel before each call, so that a host function's own work counts in the budget
 * (a call without the fuel left traps FUEL_EXHAUSTED and does not run).
 */
struct wrt_host_func {
    const char *module;
    const char *name;
    const char *signature;
    wrt_host_fn fn;
    void *ctx;
    uint32_t budget;
    uint32_t fuel_cost;
};

/* Called before every host call; returns true to allow it, false to trap with HOST_CALL_DENIED. */
typedef bool (*wrt_host_intercept_fn)(void *ctx, const wrt_host_func *func, const uint64_t *args,
                                      uint32_t nargs);

/*
 * The imports a host offers. Must outlive every instance linked against it. Registries chain:
 * an import not found here is looked up in `next` (at most WRT_CONFIG_MAX_REGISTRY_CHAIN deep),
 * so firmware functions and the WASI layer (wrt_wasi.h) combine. A call goes through the hook of
 * the registry that provided the function.
 */
typedef struct wrt_host_registry {
    const wrt_host_func *funcs;
    uint32_t count;
    wrt_host_intercept_fn intercept;  /* NULL: every call allowed */
    void *intercept_ctx;
    const struct wrt_host_registry *next;
} wrt_host_registry;

/* Arena bytes the layout needs (regions plus alignment), or 0 if the sizes overflow size_t. */
size_t wrt_layout_bytes(const wrt_layout *i_layout);

/*
 * Cuts the arena into regions and places the runtime at its start. The arena must stay valid and
 * untouched by the caller for the runtime's life. Returns NULL with o_err set if it is too small.
 */
wrt_runtime *wrt_runtime_init(void *io_arena, size_t arena_bytes, const wrt_layout *i_layout,
                              wrt_error *o_err);

/*
 * Drops every module, instance and registration: the arena is as wrt_runtime_init left it (the
 * fuel setting stays). Pointers into the runtime are invalid afterwards. Refused (false) while an
 * invocation runs.
 */
bool wrt_runtime_reset(wrt_runtime *io_rt);

/*
 * Features beyond WebAssembly 2.0 that a runtime may turn on for the modules it loads afterwards.
 * WRT_FEATURE_MULTI_MEMORY: several memories, memory indices in instructions and segments (the
 * core modules of components use it). Returns the features now on: a bit the build leaves out
 * (WRT_CONFIG_MULTI_MEMORY 0) stays off. wrt_runtime_reset keeps them.
 */
#define WRT_FEATURE_MULTI_MEMORY 1u
uint32_t wrt_runtime_set_features(wrt_runtime *io_rt, uint32_t features);

/*
 * Memory `index` of an instance (0 is what wrt_memory_data gives): its bytes and current size, or
 * NULL when there is no such memory.
 */
uint8_t *wrt_memory_data_at(const wrt_instance *i_instance, uint32_t index, uint64_t *o_bytes);

uint32_t wrt_version(void);

/*
 * Decodes, validates and compiles a binary module into the arena. The bytes are not referenced
 * afterwards. On failure nothing stays allocated and o_err says why and at which byte offset.
 */
wrt_module *wrt_module_load(wrt_runtime *io_rt, const uint8_t *i_bytes, size_t len, wrt_error *o_err);

/*
 * Links imports (names registered with wrt_register first, then the host registry, which may be
 * NULL), allocates memories, tables and globals, applies segments and runs the start function.
 * A trap there gives WRT_ERR_TRAP with o_trap filled; effects on imported memories/tables stay,
 * as the specification requires.
 */
wrt_instance *wrt_instantiate(wrt_runtime *io_rt, const wrt_module *i_module,
                              const wrt_host_registry *i_host, wrt_error *o_err, wrt_trap_info *o_trap);

/* Makes an instance's exports importable under `name` by later instantiations in this runtime. */
bool wrt_register(wrt_runtime *io_rt, const char *i_name, size_t name_len, wrt_instance *i_instance,
                  wrt_error *o_err);

/* The module an instance was made from. */
const wrt_module *wrt_instance_module(const wrt_instance *i_instance);

/* How many exports a module has. */
uint32_t wrt_module_export_count(const wrt_module *i_module);

/*
 * Export `index`: its kind (WRT_EXTERN_*) and its name, copied to o_name (at most `cap` bytes, not
 * NUL-terminated). Returns the name's full length, or UINT32_MAX if there is no such export.
 */
uint32_t wrt_module_export(const wrt_module *i_module, uint32_t index, uint32_t *o_kind, uint8_t *o_name,
                           uint32_t cap);

/* The exported function `name`, or NULL. */
const wrt_func *wrt_find_func(const wrt_instance *i_instance, const char *i_name, size_t name_len);

uint32_t wrt_func_param_count(const wrt_func *i_func);
uint32_t wrt_func_result_count(const wrt_func *i_func);
/* Value type code of parameter/result `index`, or 0 if out of range. */
uint32_t wrt_func_param_type(const wrt_func *i_func, uint32_t index);
uint32_t wrt_func_result_type(const wrt_func *i_func, uint32_t index);

/*
 * From inside a host function only (an invocation is running): runs `i_func` (of any instance)
 * to completion above the current stack and frame top, under the fuel the outer invocation has
 * left, which it spends. At most WRT_CONFIG_MAX_NESTED are open at once: one more returns
 * WRT_TRAP_REENTRY_EXHAUSTED. The outer call depth bounds the nested frames too. Arity and
 * results as wrt_invoke; not while the runtime debugs (a trace or breakpoints): MISUSE.
 */
uint32_t wrt_invoke_nested(wrt_runtime *io_rt, const wrt_func *i_func, const uint64_t *i_args, uint32_t nargs,
                           uint64_t *o_results, uint32_t nresults, wrt_trap_info *o_trap);

/*
 * Runs a function to completion or trap. `nargs`/`nresults` must equal the function's arity.
 * Fuel (wrt_set_fuel) and host call budgets start afresh for every invocation.
 * Returns WRT_OK or the trap code; o_trap (may be NULL) gets the details either way.
 */
uint32_t wrt_invoke(wrt_runtime *io_rt, const wrt_func *i_func, const uint64_t *i_args, uint32_t nargs,
                    uint64_t *o_results, uint32_t nresults, wrt_trap_info *o_trap);

/* Instruction budget of each later invocation; WRT_FUEL_UNLIMITED (the default) for none. */
void wrt_set_fuel(wrt_runtime *io_rt, uint64_t fuel);

/* The exported global `name`: its value type code and current value. False if there is none. */
bool wrt_find_global(const wrt_instance *i_instance, const char *i_name, size_t name_len,
                     uint32_t *o_type, uint64_t *o_value);

/* The instance's memory (NULL if it has none) and its current size in bytes. */
uint8_t *wrt_memory_data(const wrt_instance *i_instance, uint64_t *o_bytes);

/* Which superinstructions this core's code uses (wrt_code_form): a locating core must match it. */
#define WRT_CODE_UNFUSED 1u  /* none: WRT_CONFIG_FUSED 0, the small executor */
#define WRT_CODE_NARROW 2u   /* no 64-bit ones: WRT_CONFIG_FUSED_WIDE 0, as on a 32-bit device */
uint32_t wrt_code_form(void);

/*
 * Byte offsets in the wasm binary of code sites (a trap's frames): loads the module into io_rt
 * (which it resets before and after, so give it a runtime of its own) and compiles it as
 * wrt_module_load does, noting which instruction each site's cell belongs to. o_offsets[i] is the
 * offset of that instruction's opcode, or UINT32_MAX when the site is not in the module. Cells
 * match only code compiled by a core of the same configuration (WRT_CONFIG_FUSED, _FUSED_WIDE).
 */
bool wrt_locate_sites(wrt_runtime *io_rt, const uint8_t *i_bytes, size_t len, const wrt_code_site *i_sites,
                      uint32_t nsites, uint32_t *o_offsets, wrt_error *o_err);

/* ---- debugging (docs/interpreter.md, "Debugging") ------------------------------------------ */

/* One function entry of the trace ring: which function, at which depth (the invoked function is 1). */
typedef struct wrt_trace_entry {
    uint32_t func_index;  /* in its module; WRT_TRACE_OTHER_MODULE set: a function of another module */
    uint32_t depth;
} wrt_trace_entry;

#define WRT_TRACE_OTHER_MODULE 0x80000000u
/* Bytes one trace entry and one breakpoint take in the TRACE region (the profile counts the same). */
#define WRT_TRACE_ENTRY_BYTES 8u
#define WRT_BREAKPOINT_BYTES 4u

/* A breakpoint hit, at the entry of the function: its arguments and the frames that called it. */
typedef struct wrt_break_hit {
    uint32_t func_index;      /* in the invoked function's module */
    uint32_t depth;           /* active wasm frames, this one included */
    uint32_t hit;             /* 1 for the first hit of the invocation, counting every breakpoint */
    uint32_t nargs;
    const uint8_t *arg_types; /* WRT_TYPE_* of each argument */
    const uint64_t *args;     /* the argument slots, as wrt_invoke takes them */
    /* frames[0] is the function at its entry (cell 0), then each caller at its call, innermost first. */
    uint32_t nframes;
    wrt_code_site frames[WRT_TRAP_FRAMES_MAX];
} wrt_break_hit;

/* Called at a breakpoint; execution continues when it returns. It must not call into the runtime. */
typedef void (*wrt_break_fn)(void *ctx, const wrt_break_hit *i_hit);

/*
 * The breakpoint set of later invocations: function indices of the module whose function is
 * invoked (imports never stop: they have no wasm entry). `count` above the layout's `breakpoints`
 * is WRT_ERR_LIMIT (region TRACE, need = count, capacity = the budget) and changes nothing.
 * count 0 clears the set. wrt_runtime_reset clears it too.
 */
bool wrt_debug_set_breakpoints(wrt_runtime *io_rt, const uint32_t *i_funcs, uint32_t count, wrt_error *o_err);

/* Where breakpoint hits go (NULL: nowhere; the set still counts hits). */
void wrt_debug_on_break(wrt_runtime *io_rt, wrt_break_fn fn, void *ctx);

/*
 * The trace of the last invocation (or start function): entries appended in all, and the kept
 * ones, oldest first (at most the layout's trace_entries; the older ones were overwritten).
 * o_total (may be NULL) gets the count appended; returns the count kept.
 */
uint32_t wrt_debug_trace(const wrt_runtime *i_rt, uint64_t *o_total);
/* Kept entry `index` (0 = the oldest kept); false past the end. */
bool wrt_debug_trace_entry(const wrt_runtime *i_rt, uint32_t index, wrt_trace_entry *o_entry);

/* Bytes used and available in a region, for budget reports. */
void wrt_region_usage(const wrt_runtime *i_rt, uint32_t region, uint64_t *o_used, uint64_t *o_capacity);

/* Stable names: "meta", "code", ...; "unreachable", "out of bounds memory access", ... */
const char *wrt_region_name(uint32_t region);
const char *wrt_trap_message(uint32_t trap_code);
const char *wrt_error_name(uint32_t error_code);

#ifdef __cplusplus
}
#endif

#endif
