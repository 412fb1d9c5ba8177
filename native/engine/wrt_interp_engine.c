/*
 * The interpreter core (native/interp/wrt_api.h) behind the protocol server's wrtp_engine_ops, shared
 * unchanged by native-sim and the firmware. fd_write to 1 and 2 becomes OUTPUT frames while an
 * invocation runs; proc_exit ends the invocation with trap WRT_TRAP_EXIT and the exit code in the
 * answer's trap_func field (docs/protocol.md, INVOKE). Freestanding: the arena, the clock and the
 * entropy come from the platform that starts the engine.
 */
#include "wrt_interp_engine.h"

#include "wrt_engine_profile.h"
#include "wrt_engine_component.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Only for the value stack's bounds: the API has no high-water mark of the value stack yet. */
#include "wrt_internal.h"


static void wrt_ie_zero(void *o_bytes, size_t len) {
    uint8_t *p = (uint8_t *)o_bytes;
    for (size_t i = 0; i < len; i++) p[i] = 0;
}

static int32_t wrt_ie_wasi_write(void *ctx, uint32_t fd, const uint8_t *bytes, uint32_t len) {
    wrt_interp_engine *e = (wrt_interp_engine *)ctx;
    /* Output of a start function (during load) has no host waiting for it: it is dropped. */
    if (e->io != NULL && e->io->output != NULL && len > 0u) {
        e->io->output(e->io->ctx, fd == 2u ? WRTP_STREAM_STDERR : WRTP_STREAM_STDOUT, bytes, len);
    }
    return (int32_t)(len > 0x7FFFFFFFu ? 0x7FFFFFFFu : len);
}

static bool wrt_ie_wasi_clock(void *ctx, uint32_t id, uint64_t *o_ns) {
    const wrt_interp_engine *e = (const wrt_interp_engine *)ctx;
    return e->platform.clock_ns(e->platform.ctx, id, o_ns);
}

static bool wrt_ie_wasi_random(void *ctx, uint8_t *o_buf, uint32_t len) {
    const wrt_interp_engine *e = (const wrt_interp_engine *)ctx;
    return e->platform.random(e->platform.ctx, o_buf, len);
}

static bool wrt_ie_same_layout(const wrt_layout *a, const wrt_layout *b) {
    return a->meta_bytes == b->meta_bytes && a->code_bytes == b->code_bytes && a->control_bytes == b->control_bytes &&
           a->stack_slots == b->stack_slots && a->call_depth == b->call_depth && a->memory_pages == b->memory_pages &&
           a->memory_pages_max == b->memory_pages_max && a->table_elements == b->table_elements &&
           a->table_elements_max == b->table_elements_max && a->global_slots == b->global_slots &&
           a->memory_bytes_limit == b->memory_bytes_limit && a->trace_entries == b->trace_entries &&
           a->breakpoints == b->breakpoints;
}

/* Lays the runtime out again when the next module needs other regions (a profile, or none after one). */
static bool wrt_ie_relayout(wrt_interp_engine *e, const wrt_layout *i_layout, size_t bytes) {
    if (e->rt != NULL && bytes == e->runtime_bytes && wrt_ie_same_layout(i_layout, &e->layout)) return true;
    wrt_error err;
    wrt_ie_zero(&err, sizeof err);
    e->layout = *i_layout;
    e->runtime_bytes = bytes;
    e->rt = wrt_runtime_init(e->arena, bytes, &e->layout, &err);
    bool laid = e->rt != NULL;
    if (!laid) {
        /* Checked before; should the layout still not fit, the device stays usable without a profile. */
        e->layout = e->default_layout;
        e->runtime_bytes = e->arena_bytes;
        e->rt = wrt_runtime_init(e->arena, e->arena_bytes, &e->layout, &err);
    }
#if WRT_CONFIG_MULTI_MEMORY
    /* A new runtime starts without features: the session's (SESSION's features byte) carry over. */
    if (e->rt != NULL) (void)wrt_runtime_set_features(e->rt, e->features);
#endif
    return laid;
}

static void wrt_ie_describe(void *ctx, wrtp_engine_info *o_info) {
    const wrt_interp_engine *e = (const wrt_interp_engine *)ctx;
    o_info->interp_version = wrt_version();
    o_info->arena_bytes = (uint32_t)e->arena_bytes;
    o_info->features = WRTP_FEATURE_FLOAT | WRTP_FEATURE_OUTPUT | WRTP_FEATURE_LOG | WRTP_FEATURE_FUEL |
                       WRTP_FEATURE_REFERENCE_TYPES | WRTP_FEATURE_BULK_MEMORY | WRTP_FEATURE_SESSIONS | WRTP_FEATURE_ARGS |
                       WRTP_FEATURE_HOST_CALLS | WRTP_FEATURE_START_FUEL | WRTP_FEATURE_BACKTRACE |
                       (WRT_CONFIG_DEBUG ? WRTP_FEATURE_DEBUG : 0u) | (WRT_CONFIG_COMPONENTS ? WRTP_FEATURE_COMPONENT : 0u) |
                       (WRT_CONFIG_COMPONENT_LINK ? WRTP_FEATURE_COMPONENT_LINK | WRTP_FEATURE_HOST_HANDLES : 0u) |
                       (WRT_CONFIG_WASI2 ? WRTP_FEATURE_WASI2 : 0u) |
                       (WRT_CONFIG_MULTI_MEMORY ? WRTP_FEATURE_MULTI_MEMORY : 0u);
    /* Backtrace cells are in the core's code form: the host locates them with a core of that form. */
    uint32_t form = wrt_code_form();
    if ((form & WRT_CODE_UNFUSED) != 0u) o_info->features |= WRTP_FEATURE_CODE_UNFUSED;
    if ((form & WRT_CODE_NARROW) != 0u) o_info->features |= WRTP_FEATURE_CODE_NARROW;
}

static void wrt_ie_drop(wrt_interp_engine *e) {
#if WRT_CONFIG_COMPONENT_LINK
    wrt_engine_component_drop(e);
#endif
    e->instance = NULL;
    e->ninstances = 0;
    e->nregistered = 0;
    e->profiled = false;
#if WRT_CONFIG_COMPONENT_LINK
    e->component_instances = 0;
    e->handles_per_table = WRT_ENGINE_MAX_HANDLES;
#endif
    if (e->rt != NULL) (void)wrt_runtime_reset(e->rt);
}

/* Appends `text` to a bounded buffer at `at`; the buffer stays NUL-terminated. */
static size_t wrt_ie_put(char *io_buf, size_t cap, size_t at, const char *i_text) {
    while (*i_text != '\0' && at + 1u < cap) io_buf[at++] = *i_text++;
    io_buf[at] = '\0';
    return at;
}

/* Appends `value` in decimal. */
static size_t wrt_ie_put_u64(char *io_buf, size_t cap, size_t at, uint64_t value) {
    char digits[20];
    uint32_t n = 0;
    do {
        digits[n++] = (char)('0' + (int)(value % 10u));
        value /= 10u;
    } while (value != 0u && n < sizeof digits);
    char text[21];
    for (uint32_t i = 0; i < n; i++) text[i] = digits[n - 1u - i];
    text[n] = '\0';
    return wrt_ie_put(io_buf, cap, at, text);
}

/*
 * The message a host is sent for a load error. A region that ran out is named with what was
 * asked and what it had (bytes, pages or elements as the core counts them), and whose limit it
 * was: a profile's, or the device's default layout, which a profile can change.
 */
static const char *wrt_ie_error_text(wrt_interp_engine *e, const wrt_error *i_err, bool profiled) {
    const char *message = i_err->message != NULL ? i_err->message : wrt_error_name(i_err->code);
    if (i_err->code != WRT_ERR_ARENA && i_err->code != WRT_ERR_LIMIT) return message;
    /* A limit with no region behind it (locals, nesting) has nothing more to say. */
    if (i_err->need == 0u && i_err->capacity == 0u) return message;
    char *buf = e->error_text;
    size_t cap = sizeof e->error_text;
    size_t at = wrt_ie_put(buf, cap, 0, message);
    at = wrt_ie_put(buf, cap, at, " (region ");
    at = wrt_ie_put(buf, cap, at, wrt_region_name(i_err->region));
    at = wrt_ie_put(buf, cap, at, ": needs ");
    at = wrt_ie_put_u64(buf, cap, at, i_err->need);
    at = wrt_ie_put(buf, cap, at, ", has ");
    at = wrt_ie_put_u64(buf, cap, at, i_err->capacity);
    at = wrt_ie_put(buf, cap, at, profiled ? "; the profile's layout)" : "; the device's default layout, without a profile)");
    (void)at;
    return buf;
}

/* Loads and instantiates one more module in the runtime as it is laid out now. */
static bool wrt_ie_add(wrt_interp_engine *e, const uint8_t *i_module, size_t len, bool profiled, uint64_t start_fuel,
                       wrtp_engine_error *o_err) {
    wrt_error err;
    wrt_ie_zero(&err, sizeof err);
    wrt_module *m = wrt_module_load(e->rt, i_module, len, &err);
    wrt_trap_info trap;
    wrt_ie_zero(&trap, sizeof trap);
    /* The start function is an invocation too: the fuel UPLOAD_BEGIN gave, under the profile's as a
     * ceiling, bounds it, so a start that never returns is the trap "fuel exhausted" at load
     * instead of a device that never answers. */
    wrt_set_fuel(e->rt, start_fuel == 0u || start_fuel > e->fuel_budget ? e->fuel_budget : start_fuel);
    wrt_engine_host_begin(&e->host, NULL);
#if WRT_CONFIG_COMPONENT_LINK
    /* The session's adapters (COMPONENT_ADAPTER) come first, chained to the device's host functions. */
    const wrt_host_registry *registry = wrt_engine_component_registry(e);
#else
    const wrt_host_registry *registry = wrt_engine_host_registry(&e->host);
#endif
    wrt_instance *inst = m != NULL ? wrt_instantiate(e->rt, m, registry, &err, &trap) : NULL;
    wrt_engine_host_end(&e->host);
    if (inst == NULL) {
        /* A KEEP session stays as it was; what a trapped start wrote into imports stays too (the spec's rule). */
        if (!e->keep) wrt_ie_drop(e);
        e->load_failures++;
        o_err->code = err.code;
        /* A link error is about an import, not a byte: its index lets the host name it. */
        o_err->offset = err.code == WRT_ERR_LINK ? err.index : err.offset;
        o_err->message = wrt_ie_error_text(e, &err, profiled);
        return false;
    }
    e->instances[e->ninstances++] = inst;
    e->instance = inst;
    if (e->ninstances == 1u) e->profiled = profiled;
    e->loads++;
    return true;
}

/*
 * The signature check of an upload, timed with the platform's monotonic clock (STATS
 * engine.signature_checks and engine.signature_ns: what verification costs on this device).
 */
static bool wrt_ie_check_signature(wrt_interp_engine *e, const wrt_profile *i_profile, const uint8_t *i_module, size_t len,
                                   wrtp_engine_error *o_err) {
    if (e->platform.signing_key == NULL && (i_profile == NULL || i_profile->signing_key == NULL)) return true;
    uint64_t start = 0;
    uint64_t end = 0;
    bool timed = e->platform.clock_ns != NULL && e->platform.clock_ns(e->platform.ctx, 1u, &start);
    bool ok = wrt_engine_signature_check(e->platform.signing_key, e->platform.verify_module, i_profile, i_module, len, o_err);
    if (timed && e->platform.clock_ns(e->platform.ctx, 1u, &end) && end >= start) e->signature_ns += end - start;
    e->signature_checks++;
    if (!ok) e->load_failures++;
    return ok;
}

static bool wrt_ie_load(void *ctx, const uint8_t *i_module, size_t len, const uint8_t i_sha256[WRTP_PROTO_SHA256_BYTES],
                         const uint8_t *i_profile, size_t profile_len, uint64_t start_fuel, wrtp_engine_error *o_err) {
    wrt_interp_engine *e = (wrt_interp_engine *)ctx;
    (void)i_sha256;
    /* Mode ONE replaces the module; KEEP adds one to the session and a failure leaves it as it was. */
    if (!e->keep) wrt_ie_drop(e);
    bool adding = e->ninstances > 0u;
    if (e->ninstances >= WRT_ENGINE_MAX_INSTANCES) {
        e->load_failures++;
        o_err->code = WRT_ERR_LIMIT;
        o_err->offset = 0;
        o_err->message = "the session holds as many instances as the engine has room for";
        return false;
    }
    wrt_engine_limits limits = {e->default_layout, e->arena_bytes, WRT_FUEL_UNLIMITED};
    wrt_profile profile;
    bool profiled = profile_len != 0u;
    if (profiled && adding) {
        e->load_failures++;
        e->profile_refusals++;
        o_err->code = WRT_ENGINE_ERR_PROFILE;
        o_err->offset = WRT_ENGINE_PROFILE_SESSION;
        o_err->message = "profile: not while the session holds instances (it lays the runtime out anew)";
        return false;
    }
    if (adding) {
#if WRT_CONFIG_COMPONENT_LINK
        /* Under a component's profile, instance k must be the module its block names as k. */
        if (e->component_instances != 0u) {
            wrt_profile bound;
            wrt_ie_zero(&bound, sizeof bound);
            bool known = e->ninstances < e->component_instances;
            if (known) bound.module_sha256 = e->component_sha[e->ninstances];
            if (!known || wrt_profile_check_module(&bound, i_module, len) != WRT_PROFILE_OK) {
                e->load_failures++;
                e->profile_refusals++;
                o_err->code = WRT_ENGINE_ERR_PROFILE;
                o_err->offset = WRT_ENGINE_PROFILE_INSTANCE;
                o_err->message = "profile: the component block names another module (or fewer core instances) for this instance";
                return false;
            }
        }
#endif
        if (!wrt_ie_check_signature(e, NULL, i_module, len, o_err)) return false;
        return wrt_ie_add(e, i_module, len, false, start_fuel, o_err);
    }
    if (profiled && !wrt_engine_profile_check(i_profile, profile_len, i_module, len, e->platform.target_id,
                                              e->arena_bytes, &profile, &limits, o_err)) {
        e->load_failures++;
        e->profile_refusals++;
        return false;
    }
    /* Before the core decodes a byte of the module: what is not signed is not read. */
    if (!wrt_ie_check_signature(e, profiled ? &profile : NULL, i_module, len, o_err)) return false;
    if (!wrt_ie_relayout(e, &limits.layout, limits.arena_bytes)) {
        e->load_failures++;
        e->profile_refusals++;
        o_err->code = WRT_ENGINE_ERR_PROFILE;
        o_err->offset = WRT_ENGINE_PROFILE_LAYOUT;
        o_err->message = "profile: the runtime cannot be laid out in its arena";
        return false;
    }
    wrt_engine_host_link(&e->host, wrt_wasi_registry(&e->wasi), profiled ? &profile : NULL);
    e->fuel_budget = limits.fuel;
    if (!wrt_ie_add(e, i_module, len, profiled, start_fuel, o_err)) return false;
#if WRT_CONFIG_COMPONENT_LINK
    /* The block's instance count was checked against WRT_ENGINE_MAX_INSTANCES (wrt_engine_profile_check). */
    if (profiled && profile.component != NULL) {
        const uint8_t *at = profile.component + WRT_PROFILE_COMPONENT_HEAD_BYTES;
        for (uint32_t k = 0; k < profile.component_instances; k++, at += WRT_PROFILE_COMPONENT_INSTANCE_BYTES) {
            for (uint32_t b = 0; b < 32u; b++) e->component_sha[k][b] = at[b];
        }
        e->component_instances = (uint16_t)profile.component_instances;
        /* The profile's handles per table is the capacity (checked within the static one): the
         * N+1-th handle of a component instance traps FULL, as the profile promised. */
        if (profile.handle_tables != 0u) e->handles_per_table = profile.handles_per_table;
    }
#endif
    return true;
}

static void wrt_ie_unload(void *ctx) {
    wrt_ie_drop((wrt_interp_engine *)ctx);
}

static bool wrt_ie_refuse(wrtp_engine_error *o_err, uint32_t code, uint32_t index, const char *message) {
    o_err->code = code;
    o_err->offset = index;
    o_err->message = message;
    return false;
}

/* Instance `id` of the session (0: the latest), or NULL with the refusal in o_err. */
static wrt_instance *wrt_ie_find_instance(const wrt_interp_engine *e, uint16_t id, wrtp_engine_error *o_err) {
    if (e->instance == NULL) {
        o_err->code = WRTP_PERR_NO_MODULE;
        o_err->offset = id;
        o_err->message = "no instance loaded";
        return NULL;
    }
    if (id == 0u) return e->instance;
    if (id > e->ninstances) {
        o_err->code = WRTP_PERR_INSTANCE_UNKNOWN;
        o_err->offset = id;
        o_err->message = "the session holds no instance of that id";
        return NULL;
    }
    return e->instances[id - 1u];
}

static uint32_t wrt_ie_stack_peak(const wrt_runtime *rt) {
    const uint64_t *top = rt->stack_end;
    while (top > rt->stack && top[-1] == WRT_ENGINE_STACK_PAINT) top--;
    return (uint32_t)((size_t)(top - rt->stack) * sizeof(uint64_t));
}

#if WRT_CONFIG_DEBUG
/* A breakpoint hit inside wrt_invoke: its arguments as wire values, its frames, sent as BREAK. */
static void wrt_ie_on_break(void *ctx, const wrt_break_hit *i_hit) {
    const wrt_interp_engine *e = (const wrt_interp_engine *)ctx;
    if (e->io == NULL || e->io->debug_break == NULL) return;
    /* A BREAK carries the values an INVOKE could: a function with more parameters shows the first ones. */
    wrtp_wire_value args[WRTP_PROTO_MAX_VALUES];
    uint32_t nargs = i_hit->nargs < WRTP_PROTO_MAX_VALUES ? i_hit->nargs : WRTP_PROTO_MAX_VALUES;
    for (uint32_t i = 0; i < nargs; i++) wrt_engine_slot_to_wire(i_hit->arg_types[i], i_hit->args[i], &args[i]);
    wrtp_trap_frame frames[WRTP_PROTO_MAX_TRAP_FRAMES];
    uint32_t nframes = i_hit->nframes < WRTP_PROTO_MAX_TRAP_FRAMES ? i_hit->nframes : WRTP_PROTO_MAX_TRAP_FRAMES;
    for (uint32_t i = 0; i < nframes; i++) {
        frames[i].func = i_hit->frames[i].func_index;
        frames[i].cell = i_hit->frames[i].cell;
    }
    const wrtp_msg_break msg = {i_hit->hit, i_hit->func_index, i_hit->depth, (uint8_t)nargs, args, (uint8_t)nframes, frames};
    e->io->debug_break(e->io->ctx, &msg);
}

/* Kept trace entry `index` for the TRACE frames (the runtime is the source). */
static void wrt_ie_trace_entry(const void *src, uint32_t index, uint32_t *o_func, uint32_t *o_depth) {
    wrt_trace_entry entry = {0, 0};
    (void)wrt_debug_trace_entry((const wrt_runtime *)src, index, &entry);
    *o_func = entry.func_index;
    *o_depth = entry.depth;
}

static bool wrt_ie_set_breakpoints(void *ctx, const wrtp_msg_breakpoints *i_msg, wrtp_engine_error *o_err) {
    wrt_interp_engine *e = (wrt_interp_engine *)ctx;
    if (e->instance == NULL) return wrt_ie_refuse(o_err, WRTP_PERR_NO_MODULE, 0, "no instance loaded");
    uint32_t budget = e->layout.breakpoints;
    if (i_msg->count > budget) {
        return wrt_ie_refuse(o_err, WRTP_PERR_DEBUG_BUDGET, budget,
                             budget == 0u ? "the profile's debug level gives no breakpoints (budget 0)"
                                          : "more breakpoints than the profile's debug budget");
    }
    /* Breakpoints name functions of the latest instance's module with a body (imports have no entry). */
    const wrt_module *m = e->instance->mod;
    for (uint8_t i = 0; i < i_msg->count; i++) {
        uint32_t f = i_msg->funcs[i];
        if (f < m->nfunc_imports || f >= m->nfuncs) {
            return wrt_ie_refuse(o_err, WRTP_PERR_ARGS_INVALID, i, "a breakpoint names no function defined in the module");
        }
    }
    wrt_error err;
    wrt_ie_zero(&err, sizeof err);
    if (!wrt_debug_set_breakpoints(e->rt, i_msg->funcs, i_msg->count, &err)) {
        return wrt_ie_refuse(o_err, WRTP_PERR_DEBUG_BUDGET, budget, "more breakpoints than the profile's debug budget");
    }
    return true;
}
#endif /* WRT_CONFIG_DEBUG */

static bool wrt_ie_invoke_on(void *ctx, uint16_t instance, const char *i_name, size_t name_len,
                             const wrtp_wire_value *i_args, uint32_t nargs, uint64_t fuel, const wrtp_engine_io *i_io,
                             wrtp_msg_invoke_result *o_result, wrtp_engine_error *o_err) {
    wrt_interp_engine *e = (wrt_interp_engine *)ctx;
    o_result->trap = 0;
    o_result->trap_func = 0;
    o_result->fuel_used = 0;
    o_result->peak_stack_bytes = 0;
    o_result->nresults = 0;
    o_result->nframes = 0;
    o_result->depth = 0;
    if (e->instance == NULL) return wrt_ie_refuse(o_err, WRTP_PERR_ENGINE_FAILED, 0, "no instance loaded");
    wrt_instance *inst = wrt_ie_find_instance(e, instance, o_err);
    if (inst == NULL) return false;
    const wrt_func *f = wrt_find_func(inst, i_name, name_len);
    if (f == NULL) return wrt_ie_refuse(o_err, WRTP_PERR_EXPORT_NOT_FOUND, 0, "no exported function of that name");
    uint32_t nparams = wrt_func_param_count(f);
    uint32_t nresults = wrt_func_result_count(f);
    if (nresults > WRTP_PROTO_MAX_VALUES) {
        return wrt_ie_refuse(o_err, WRTP_PERR_ENGINE_FAILED, nresults, "the export has more results than a frame carries");
    }
    uint64_t args[WRTP_PROTO_MAX_VALUES];
    for (uint32_t i = 0; i < nargs && i < nparams; i++) {
        if (!wrt_engine_wire_to_slot(&i_args[i], wrt_func_param_type(f, i), &args[i])) {
            return wrt_ie_refuse(o_err, WRTP_PERR_ARGS_INVALID, i, "argument type differs from the export's parameter");
        }
    }
    if (nargs != nparams) {
        return wrt_ie_refuse(o_err, WRTP_PERR_ARGS_INVALID, nargs < nparams ? nargs : nparams,
                              "argument count differs from the export's parameters");
    }
    e->invokes++;
    for (uint64_t *slot = e->rt->stack; slot < e->rt->stack_end; slot++) *slot = WRT_ENGINE_STACK_PAINT;
    e->wasi.exited = false;
    e->wasi.exit_code = 0;
    /* The profile's budget is a ceiling: an INVOKE may ask for less fuel, never for more. */
    wrt_set_fuel(e->rt, fuel == 0u || fuel > e->fuel_budget ? e->fuel_budget : fuel);
    uint64_t results[WRTP_PROTO_MAX_VALUES];
    wrt_trap_info trap;
    wrt_ie_zero(&trap, sizeof trap);
    e->io = i_io;
#if WRT_CONFIG_DEBUG
    wrt_debug_on_break(e->rt, wrt_ie_on_break, e);
#endif
    wrt_engine_host_begin(&e->host, i_io);
    uint32_t code = wrt_invoke(e->rt, f, args, nargs, results, nresults, &trap);
    wrt_engine_host_end(&e->host);
#if WRT_CONFIG_DEBUG
    /* After a trap, under a profile with a trace: the last function entries, before the answer. */
    if (code != WRT_OK && code != WRT_TRAP_EXIT && e->layout.trace_entries != 0u && i_io->debug_trace != NULL) {
        uint64_t total = 0;
        uint32_t kept = wrt_debug_trace(e->rt, &total);
        i_io->debug_trace(i_io->ctx, total - kept, kept, wrt_ie_trace_entry, e->rt);
    }
#endif
    e->io = NULL;
    o_result->fuel_used = trap.fuel_used;
    o_result->peak_stack_bytes = wrt_ie_stack_peak(e->rt);
    if (code == WRT_TRAP_EXIT) {
        e->exits++;
        o_result->trap = code;
        o_result->trap_func = e->wasi.exit_code;
        return true;
    }
    if (code != WRT_OK) {
        e->traps++;
        o_result->trap = code;
        o_result->trap_func = trap.func_index;
        /* A refused host call names its import: the answer carries the import's function index. */
        uint32_t import = code == WRT_TRAP_HOST_CALL_DENIED || code == WRT_TRAP_HOST_BUDGET_EXHAUSTED
                              ? wrt_engine_host_stopped_import(&e->host, inst)
                              : UINT32_MAX;
        if (import != UINT32_MAX) o_result->trap_func = import;
        uint32_t frames = trap.nframes < WRTP_PROTO_MAX_TRAP_FRAMES ? trap.nframes : WRTP_PROTO_MAX_TRAP_FRAMES;
        for (uint32_t i = 0; i < frames; i++) {
            o_result->frames[i].func = trap.frames[i].func_index;
            o_result->frames[i].cell = trap.frames[i].cell;
        }
        o_result->nframes = (uint8_t)frames;
        o_result->depth = trap.depth;
        return true;
    }
    for (uint32_t i = 0; i < nresults; i++) wrt_engine_slot_to_wire(wrt_func_result_type(f, i), results[i], &o_result->results[i]);
    o_result->nresults = (uint8_t)nresults;
    return true;
}

static bool wrt_ie_invoke(void *ctx, const char *i_name, size_t name_len, const wrtp_wire_value *i_args, uint32_t nargs,
                           uint64_t fuel, const wrtp_engine_io *i_io, wrtp_msg_invoke_result *o_result,
                           wrtp_engine_error *o_err) {
    return wrt_ie_invoke_on(ctx, 0, i_name, name_len, i_args, nargs, fuel, i_io, o_result, o_err);
}

static void wrt_ie_session(void *ctx, uint8_t mode, uint8_t features, wrtp_engine_session *o_session) {
    wrt_interp_engine *e = (wrt_interp_engine *)ctx;
    if (mode != WRTP_SESSION_QUERY) e->keep = mode == WRTP_SESSION_KEEP;
#if WRT_CONFIG_MULTI_MEMORY
    if (features != WRTP_SESSION_FEATURES_UNCHANGED) {
        /* The runtime keeps them through its resets; a profile's new layout gets them again (wrt_ie_relayout). */
        e->features = wrt_runtime_set_features(e->rt, (features & WRTP_SESSION_FEATURE_MULTI_MEMORY) != 0u ? WRT_FEATURE_MULTI_MEMORY : 0u);
    }
    o_session->features = (e->features & WRT_FEATURE_MULTI_MEMORY) != 0u ? WRTP_SESSION_FEATURE_MULTI_MEMORY : 0u;
#else
    (void)features;
#endif
    o_session->mode = e->keep ? WRTP_SESSION_KEEP : WRTP_SESSION_ONE;
    o_session->instances = e->ninstances;
    o_session->max_instances = (uint16_t)WRT_ENGINE_MAX_INSTANCES;
    o_session->latest = e->ninstances;
    o_session->registrations = e->nregistered;
    o_session->max_registrations = (uint16_t)WRT_ENGINE_MAX_REGISTRATIONS;
}

static bool wrt_ie_register(void *ctx, uint16_t instance, const char *i_name, size_t name_len, wrtp_engine_error *o_err) {
    wrt_interp_engine *e = (wrt_interp_engine *)ctx;
    wrt_instance *inst = wrt_ie_find_instance(e, instance, o_err);
    if (inst == NULL) return false;
    if (e->nregistered >= WRT_ENGINE_MAX_REGISTRATIONS) {
        return wrt_ie_refuse(o_err, WRTP_PERR_SESSION_FULL, e->nregistered, "the session holds as many names as the engine has room for");
    }
    wrt_error err;
    wrt_ie_zero(&err, sizeof err);
    if (!wrt_register(e->rt, i_name, name_len, inst, &err)) {
        return wrt_ie_refuse(o_err, WRTP_PERR_ENGINE_FAILED, err.code, err.message != NULL ? err.message : wrt_error_name(err.code));
    }
    e->nregistered++;
    return true;
}

static bool wrt_ie_global_get(void *ctx, uint16_t instance, const char *i_name, size_t name_len, wrtp_wire_value *o_value,
                              wrtp_engine_error *o_err) {
    wrt_interp_engine *e = (wrt_interp_engine *)ctx;
    wrt_instance *inst = wrt_ie_find_instance(e, instance, o_err);
    if (inst == NULL) return false;
    uint32_t type = 0;
    uint64_t value = 0;
    if (!wrt_find_global(inst, i_name, name_len, &type, &value)) {
        return wrt_ie_refuse(o_err, WRTP_PERR_EXPORT_NOT_FOUND, 0, "no exported global of that name");
    }
    wrt_engine_slot_to_wire(type, value, o_value);
    return true;
}

static uint32_t wrt_ie_stats(void *ctx, wrtp_engine_stat *o_stats, uint32_t cap) {
    const wrt_interp_engine *e = (const wrt_interp_engine *)ctx;
    /* Region names are static strings of the core; counter names must be too. */
    static const char *const region_stat[WRT_REGION_COUNT] = {
        "engine.meta_used",   "engine.code_used",   "engine.control_peak", "engine.stack_bytes",
        "engine.frames_bytes", "engine.memory_used", "engine.tables_used",  "engine.globals_used",
        "engine.trace_bytes",
    };
#define WRT_IE_FIXED_STATS 18u
    wrtp_engine_stat all[WRT_IE_FIXED_STATS + WRT_REGION_COUNT] = {
        {"engine.loads", e->loads},
        {"engine.load_failures", e->load_failures},
        {"engine.invokes", e->invokes},
        {"engine.traps", e->traps},
        {"engine.exits", e->exits},
        {"engine.memory_pages", e->layout.memory_pages},
        {"engine.memory_bytes_limit", e->layout.memory_bytes_limit},
        {"engine.profiled", e->profiled ? 1u : 0u},
        {"engine.profile_refusals", e->profile_refusals},
        {"engine.runtime_bytes", e->runtime_bytes},
        {"engine.host_calls", e->host.calls},
        {"engine.host_denied", e->host.denied},
        {"engine.host_over_budget", e->host.over_budget},
        {"engine.logs", e->host.logs},
        {"engine.instances", e->ninstances},
        {"engine.registrations", e->nregistered},
        {"engine.signature_checks", e->signature_checks},
        {"engine.signature_ns", e->signature_ns},
    };
    for (uint32_t r = 0; r < WRT_REGION_COUNT; r++) {
        uint64_t used = 0;
        wrt_region_usage(e->rt, r, &used, NULL);
        all[WRT_IE_FIXED_STATS + r].name = region_stat[r];
        all[WRT_IE_FIXED_STATS + r].value = used;
    }
    uint32_t n = (uint32_t)(sizeof all / sizeof all[0]);
    if (n > cap) n = cap;
    for (uint32_t i = 0; i < n; i++) o_stats[i] = all[i];
    return n;
}

static void wrt_ie_default_args(wrt_interp_engine *e) {
    e->wasi.argv = e->default_argv;
    e->wasi.argc = e->default_argc;
    e->wasi.envp = e->default_envp;
    e->wasi.envc = e->default_envc;
}

static void wrt_ie_reset(void *ctx) {
    wrt_interp_engine *e = (wrt_interp_engine *)ctx;
    wrt_ie_drop(e);
    e->keep = false;
#if WRT_CONFIG_MULTI_MEMORY
    e->features = wrt_runtime_set_features(e->rt, 0u);
#endif
    wrt_ie_default_args(e);
    wrt_engine_host_forget(&e->host);
}

static bool wrt_ie_host_imports(void *ctx, const wrtp_msg_host_imports *i_msg, wrtp_engine_error *o_err) {
    return wrt_engine_host_declare(&((wrt_interp_engine *)ctx)->host, i_msg, o_err);
}

/* Copies the strings with their NULs into the engine's own buffer: the request's bytes go away. */
static bool wrt_ie_set_args(void *ctx, const wrtp_msg_args *i_args, wrtp_engine_error *o_err) {
    wrt_interp_engine *e = (wrt_interp_engine *)ctx;
    uint32_t count = (uint32_t)i_args->argc + i_args->envc;
    size_t used = 0;
    for (uint32_t i = 0; i < count; i++) {
        size_t len = i_args->len[i];
        if (len + 1u > sizeof e->args_bytes - used) {
            wrt_ie_default_args(e);
            return wrt_ie_refuse(o_err, WRTP_PERR_ARGS_INVALID, i, "program arguments and environment exceed the device's buffer");
        }
        bool has_eq = false;
        for (size_t k = 0; k < len; k++) {
            e->args_bytes[used + k] = (char)i_args->str[i][k];
            has_eq = has_eq || i_args->str[i][k] == (uint8_t)'=';
        }
        if (i >= i_args->argc && !has_eq) {
            wrt_ie_default_args(e);
            return wrt_ie_refuse(o_err, WRTP_PERR_ARGS_INVALID, i, "an environment string is not NAME=value");
        }
        e->args_bytes[used + len] = '\0';
        e->args[i] = &e->args_bytes[used];
        used += len + 1u;
    }
    e->wasi.argv = e->args;
    e->wasi.argc = i_args->argc;
    e->wasi.envp = &e->args[i_args->argc];
    e->wasi.envc = i_args->envc;
    return true;
}

static const wrtp_engine_ops wrt_ie_ops = {
    wrt_ie_describe, wrt_ie_load,   wrt_ie_unload,     wrt_ie_invoke,    wrt_ie_stats,
    wrt_ie_reset,    wrt_ie_session, wrt_ie_register, wrt_ie_global_get, wrt_ie_invoke_on, wrt_ie_set_args,
    wrt_ie_host_imports,
#if WRT_CONFIG_DEBUG
    wrt_ie_set_breakpoints,
#else
    NULL,
#endif
#if WRT_CONFIG_COMPONENTS
    wrt_engine_component_invoke,
#else
    NULL,
#endif
#if WRT_CONFIG_COMPONENT_LINK
    wrt_engine_component_adapter,
    wrt_engine_component_resource,
#else
    NULL,
    NULL,
#endif
};

const wrtp_engine_ops *wrt_interp_engine_start(wrt_interp_engine *o_engine, uint8_t *io_arena, size_t arena_bytes,
                                              const wrt_layout *i_layout, const wrt_interp_platform *i_platform,
                                              const char *const *i_argv, uint32_t argc, const char *const *i_envp,
                                              uint32_t envc, const char **o_why) {
    wrt_ie_zero(o_engine, sizeof *o_engine);
    o_engine->arena = io_arena;
    o_engine->arena_bytes = arena_bytes;
    o_engine->default_layout = *i_layout;
    o_engine->platform = *i_platform;
    o_engine->fuel_budget = WRT_FUEL_UNLIMITED;
#if WRT_CONFIG_COMPONENT_LINK
    o_engine->handles_per_table = WRT_ENGINE_MAX_HANDLES;
#endif
    if (!wrt_ie_relayout(o_engine, i_layout, arena_bytes) || o_engine->rt == NULL) {
        *o_why = "the arena does not hold the region layout";
        return NULL;
    }
    const wrt_wasi_platform wasi = {o_engine, wrt_ie_wasi_write, wrt_ie_wasi_clock,
                                    i_platform->random != NULL ? wrt_ie_wasi_random : NULL};
    wrt_wasi_init(&o_engine->wasi, &wasi, i_argv, argc, i_envp, envc);
    o_engine->default_argv = o_engine->wasi.argv;
    o_engine->default_argc = o_engine->wasi.argc;
    o_engine->default_envp = o_engine->wasi.envp;
    o_engine->default_envc = o_engine->wasi.envc;
    wrt_engine_host_init(&o_engine->host);
    if (!wrt_engine_natives_start(&o_engine->natives, &o_engine->wasi.registry, o_why)) return NULL;
    wrt_engine_host_link(&o_engine->host, wrt_wasi_registry(&o_engine->wasi), NULL);
    return &wrt_ie_ops;
}
