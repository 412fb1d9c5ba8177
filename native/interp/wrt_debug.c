/*
 * Debugging within the profile's debug budget (docs/interpreter.md, "Debugging"): a ring of the
 * last function entries and a breakpoint set, both in the TRACE region the layout sizes. The
 * executor calls wrt_debug_enter at every wasm call only while rt->debug is set: it then compares
 * each call's frame top with the first frame instead of the depth budget, so the comparison every
 * call makes anyway sends it to the hook, and a runtime laid out without them pays nothing.
 */
#include "wrt_internal.h"

bool wrt_debug_set_breakpoints(wrt_runtime *io_rt, const uint32_t *i_funcs, uint32_t count, wrt_error *o_err)
{
    if (io_rt == NULL || (count != 0u && i_funcs == NULL)) {
        wrt_fail(o_err, WRT_ERR_ARGUMENT, 0, "runtime or function list is NULL");
        return false;
    }
    uint32_t budget = io_rt->layout.breakpoints;
    if (count > budget || io_rt->debug == NULL) {
        if (count == 0u) return true;
        wrt_fail_region(o_err, WRT_ERR_LIMIT, WRT_REGION_TRACE, count, budget, "more breakpoints than the layout's budget");
        return false;
    }
    wrt_debug *d = io_rt->debug;
    for (uint32_t i = 0; i < count; i++) d->breaks[i] = i_funcs[i];
    d->nbreaks = count;
    return true;
}

void wrt_debug_on_break(wrt_runtime *io_rt, wrt_break_fn fn, void *ctx)
{
    if (io_rt == NULL) return;
    /* Kept in the state even without a trace region: harmless, never called then. */
    io_rt->debug_state.on_break = fn;
    io_rt->debug_state.break_ctx = ctx;
}

uint32_t wrt_debug_trace(const wrt_runtime *i_rt, uint64_t *o_total)
{
    const wrt_debug *d = i_rt != NULL ? i_rt->debug : NULL;
    uint64_t total = d != NULL ? d->total : 0u;
    if (o_total != NULL) *o_total = total;
    if (d == NULL) return 0u;
    return total < d->capacity ? (uint32_t)total : d->capacity;
}

bool wrt_debug_trace_entry(const wrt_runtime *i_rt, uint32_t index, wrt_trace_entry *o_entry)
{
    uint32_t kept = wrt_debug_trace(i_rt, NULL);
    if (index >= kept || o_entry == NULL) return false;
    const wrt_debug *d = i_rt->debug;
    /* With the ring full the oldest entry is the slot the next one would overwrite. */
    uint32_t oldest = kept < d->capacity ? 0u : d->next;
    uint32_t slot = oldest + index;
    if (slot >= d->capacity) slot -= d->capacity;
    *o_entry = d->ring[slot];
    return true;
}

void wrt_debug_begin(wrt_debug *io_dbg, const wrt_func *i_func)
{
    io_dbg->next = 0;
    io_dbg->total = 0;
    io_dbg->hits = 0;
    io_dbg->module = i_func->inst != NULL ? i_func->inst->mod : NULL;
}

/*
 * A call about to enter `i_fn` with its arguments at `i_args`, from `i_caller` at return address
 * `i_pc`, with `i_top` the frame it will be saved in. Out of line and cold: the executor keeps its
 * registers for the instructions.
 */
#if defined(__GNUC__) || defined(__clang__)
__attribute__((noinline, cold))
#endif
void wrt_debug_enter(wrt_runtime *io_rt, const wrt_funcdef *i_fn, const uint64_t *i_args, const wrt_funcdef *i_caller, const uint32_t *i_pc,
                     const wrt_frame *i_top)
{
    wrt_debug *io_dbg = io_rt->debug;
    const wrt_frame *i_frames = io_rt->frames;
    /* A function of the invoked module's: its record lies in that module's function array. */
    const wrt_module *m = io_dbg->module;
    bool own = m != NULL && i_fn >= m->funcs && i_fn < m->funcs + m->nfuncs;
    uint32_t depth = (uint32_t)(i_top - i_frames) + 1u;
    if (io_dbg->capacity != 0u) {
        wrt_trace_entry *e = &io_dbg->ring[io_dbg->next];
        e->func_index = own ? i_fn->index : (i_fn->index | WRT_TRACE_OTHER_MODULE);
        e->depth = depth;
        io_dbg->next = io_dbg->next + 1u == io_dbg->capacity ? 0u : io_dbg->next + 1u;
        io_dbg->total++;
    }
    if (!own || io_dbg->nbreaks == 0u) return;
    /* A linear scan bounded by the profile's breakpoints (at most 64). */
    bool hit = false;
    for (uint32_t i = 0; i < io_dbg->nbreaks && !hit; i++) hit = io_dbg->breaks[i] == i_fn->index;
    if (!hit) return;
    io_dbg->hits++;
    if (io_dbg->on_break == NULL) return;
    wrt_break_hit h;
    h.func_index = i_fn->index;
    h.depth = depth;
    h.hit = io_dbg->hits;
    h.nargs = i_fn->nparams;
    h.arg_types = i_fn->type->types;
    h.args = i_args;
    /* A backtrace's walk: this function at its entry, its caller inside the call (still in
     * the executor's registers), then each saved caller (wrt_caller_sites). */
    uint32_t n = 0;
    h.frames[n].func_index = i_fn->index;
    h.frames[n].cell = 0;
    n++;
    if (i_caller != NULL && i_pc != NULL) {
        h.frames[n].func_index = i_caller->index;
        h.frames[n].cell = (uint32_t)(i_pc - i_caller->code) - 1u;
        n++;
    }
    h.nframes = wrt_caller_sites(i_frames, i_top, h.frames, n);
    io_dbg->on_break(io_dbg->break_ctx, &h);
}
