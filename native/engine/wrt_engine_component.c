/*
 * COMPONENT_INVOKE on the interpreter core (docs/protocol.md §4e, docs/component.md): the
 * canonical ABI (native/component) runs around core invocations of one instance. cabi_realloc,
 * the lifted export and post-return are each a complete wrt_invoke, one after the other, under one
 * fuel budget for the whole call: no core call ever runs inside another.
 */
#include "wrt_engine_component.h"

#include "wrt_internal.h"

#if WRT_CONFIG_COMPONENT_LINK
typedef struct wrt_ec_moves wrt_ec_moves;

typedef struct wrt_ec_side {
    wrt_interp_engine *e;
    uint16_t owner;            /* the component instance whose handle table this side uses */
    uint32_t level;            /* the adapter level (borrow scope) */
    wrt_ec_moves *moves;
    wrt_instance *mem_of;      /* the instance whose memory this side's options name */
    wrt_instance *pool_of;     /* the other side's memory: where lifted strings are read */
    const wrt_func *realloc;
    wrt_cabi_cx *cx;
    uint32_t core_trap;        /* a core trap its cabi_realloc stopped with */
} wrt_ec_side;

/* Handles one adapter call moves: the types of those lifted, in order, for the lowering side, and
 * the own handles lent to the callee, given back when it returns. */
struct wrt_ec_moves {
    uint16_t rts[WRT_ENGINE_ADAPTER_HANDLES];
    uint32_t nrts, next;
    uint16_t lent_owner[WRT_ENGINE_ADAPTER_HANDLES];
    uint32_t lent_index[WRT_ENGINE_ADAPTER_HANDLES];
    uint32_t nlent;
};

/* The host's handle table (docs/component.md, "Resources"): the table of the top-level caller. */
#define WRT_EC_HOST 0xFFFFu
/* The borrow scope of a COMPONENT_INVOKE (the adapters' levels are 0 .. WRT_ENGINE_ADAPTER_DEPTH - 1). */
#define WRT_EC_TOP WRT_ENGINE_ADAPTER_DEPTH
#endif

typedef struct wrt_ec_call {
    wrt_interp_engine *e;
    wrt_instance *inst;
    wrt_instance *mem_of;     /* whose memory 0 the options name: inst, or COMPONENT_INVOKE's memory field */
    const wrt_func *funcs[3]; /* wrt_comp_func: the export, realloc, post-return */
    const wrtp_engine_io *io;
    uint64_t budget;          /* WRT_FUEL_UNLIMITED: none */
    uint64_t used;
    uint32_t trap_func;
#if WRT_CONFIG_COMPONENT_LINK
    wrt_ec_side sides[2];     /* the host's table, then the callee's: handles in the call's types */
    wrt_ec_moves moves;
#endif
} wrt_ec_call;

#if WRT_CONFIG_COMPONENT_LINK
static int wrt_ec_host_in(void *ctx, uint8_t kind, uint32_t rt, uint32_t index, uint32_t *o_index);
static int wrt_ec_host_out(void *ctx, uint8_t kind, uint32_t rt, uint32_t index, uint32_t *o_index);
static uint32_t wrt_ec_host_end(wrt_ec_call *c);
#endif

static bool wrt_ec_signature(void *ctx, uint32_t which, uint8_t *o_params, uint32_t *o_nparams, uint32_t params_cap,
                             uint8_t *o_results, uint32_t *o_nresults, uint32_t results_cap) {
    const wrt_ec_call *c = (const wrt_ec_call *)ctx;
    const wrt_func *f = which < 3u ? c->funcs[which] : NULL;
    if (f == NULL) return false;
    uint32_t np = wrt_func_param_count(f);
    uint32_t nr = wrt_func_result_count(f);
    if (np > params_cap || nr > results_cap) return false;
    for (uint32_t i = 0; i < np; i++) o_params[i] = (uint8_t)wrt_func_param_type(f, i);
    for (uint32_t i = 0; i < nr; i++) o_results[i] = (uint8_t)wrt_func_result_type(f, i);
    *o_nparams = np;
    *o_nresults = nr;
    return true;
}

static uint32_t wrt_ec_invoke(void *ctx, uint32_t which, const uint64_t *i_args, uint32_t nargs, uint64_t *o_results,
                              uint32_t nresults) {
    wrt_ec_call *c = (wrt_ec_call *)ctx;
    wrt_interp_engine *e = c->e;
    const wrt_func *f = which < 3u ? c->funcs[which] : NULL;
    if (f == NULL) return WRT_TRAP_INVOKE_MISUSE;
    /* One budget for the whole component call: each core call gets what the earlier ones left. */
    uint64_t left = c->budget;
    if (c->budget != WRT_FUEL_UNLIMITED) {
        if (c->used >= c->budget) return WRT_TRAP_FUEL_EXHAUSTED;
        left = c->budget - c->used;
    }
    wrt_set_fuel(e->rt, left);
    wrt_trap_info trap;
    uint8_t *raw = (uint8_t *)&trap;
    for (size_t i = 0; i < sizeof trap; i++) raw[i] = 0;
    uint64_t results[1] = {0};
    e->io = c->io;
    wrt_engine_host_begin(&e->host, c->io);
#if WRT_CONFIG_COMPONENT_LINK
    e->no_leave = which != WRT_COMP_FUNC_EXPORT;
#endif
    uint32_t code = wrt_invoke(e->rt, f, i_args, nargs, nresults > 0u ? o_results : results, nresults, &trap);
#if WRT_CONFIG_COMPONENT_LINK
    e->no_leave = false;
#endif
    wrt_engine_host_end(&e->host);
    e->io = NULL;
    c->used += trap.fuel_used;
    if (code != WRT_OK) c->trap_func = trap.func_index;
    return code;
}

static uint8_t *wrt_ec_memory(void *ctx, uint32_t *o_len) {
    const wrt_ec_call *c = (const wrt_ec_call *)ctx;
    uint64_t bytes = 0;
    uint8_t *mem = wrt_memory_data(c->mem_of, &bytes);
    /* A 32-bit memory: the canonical ABI addresses at most 4 GiB - 1. */
    *o_len = bytes > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)bytes;
    return mem;
}

static bool wrt_ec_refuse_text(wrtp_engine_error *o_err, uint32_t code, uint32_t offset, const char *message) {
    o_err->code = code;
    o_err->offset = offset;
    o_err->message = message;
    return false;
}

/*
 * A refusal of COMPONENT_INVOKE, _ADAPTER or _RESOURCE: one short text an error code, the detail
 * saying which field or limit (docs/protocol.md §4e, §4f). Refusals mean a host that sent a wrong
 * plan, and every byte here counts against the component runtime's 14 KiB of flash
 * (docs/component.md, "Footprint"), so the texts are shared rather than one a refusal.
 */
static bool wrt_ec_refuse(wrtp_engine_error *o_err, uint32_t code, uint32_t offset) {
    static const char *const texts[6] = {
        "no instance loaded",                  /* WRTP_PERR_NO_MODULE */
        "export missing or bad",               /* WRTP_PERR_EXPORT_NOT_FOUND: the detail says which */
        "bad type or args, or over a limit",   /* WRTP_PERR_ARGS_INVALID */
        NULL,
        "no instance of that id",              /* WRTP_PERR_INSTANCE_UNKNOWN */
        "session full",                        /* WRTP_PERR_SESSION_FULL: the detail is the count */
    };
    return wrt_ec_refuse_text(o_err, code, offset, texts[code - WRTP_PERR_NO_MODULE]);
}

static uint32_t wrt_ec_stack_peak(const wrt_runtime *rt) {
    const uint64_t *top = rt->stack_end;
    while (top > rt->stack && top[-1] == WRT_ENGINE_STACK_PAINT) top--;
    return (uint32_t)((size_t)(top - rt->stack) * sizeof(uint64_t));
}

/*
 * The core functions a lift names in `inst` (wrt_comp_func order: the export, realloc,
 * post-return; a name of length 0 is none), or EXPORT_NOT_FOUND with the missing one's index as
 * detail. COMPONENT_INVOKE's and COMPONENT_ADAPTER's callee share it.
 */
static bool wrt_ec_lift_funcs(wrt_instance *inst, const wrtp_msg_component_invoke *m, const wrt_func **o_funcs, wrtp_engine_error *o_err) {
    const char *names[3] = {m->name, m->realloc, m->post_return};
    const uint8_t lens[3] = {m->name_len, m->realloc_len, m->post_return_len};
    for (uint32_t i = 0; i < 3u; i++) {
        o_funcs[i] = lens[i] != 0u ? wrt_find_func(inst, names[i], lens[i]) : NULL;
        if (lens[i] != 0u && o_funcs[i] == NULL) return wrt_ec_refuse(o_err, WRTP_PERR_EXPORT_NOT_FOUND, i);
    }
    return true;
}

bool wrt_engine_component_invoke(void *ctx, const wrtp_msg_component_invoke *i_msg, const wrtp_engine_io *i_io,
                                 wrtp_msg_component_result *o_result, wrtp_engine_error *o_err) {
    wrt_interp_engine *e = (wrt_interp_engine *)ctx;
    if (e->instance == NULL) return wrt_ec_refuse(o_err, WRTP_PERR_NO_MODULE, i_msg->instance);
    if (i_msg->instance > e->ninstances) {
        return wrt_ec_refuse(o_err, WRTP_PERR_INSTANCE_UNKNOWN, i_msg->instance);
    }
    wrt_ec_call c;
    c.e = e;
    c.inst = i_msg->instance == 0u ? e->instance : e->instances[i_msg->instance - 1u];
    if (i_msg->memory > e->ninstances) {
        return wrt_ec_refuse(o_err, WRTP_PERR_INSTANCE_UNKNOWN, i_msg->memory);
    }
    c.mem_of = i_msg->memory == 0u ? c.inst : e->instances[i_msg->memory - 1u];
    c.io = i_io;
    c.used = 0;
    c.trap_func = 0;
    /* The profile's budget is a ceiling: a request may ask for less fuel, never for more. */
    c.budget = i_msg->fuel == 0u || i_msg->fuel > e->fuel_budget ? e->fuel_budget : i_msg->fuel;
    if (!wrt_ec_lift_funcs(c.inst, i_msg, c.funcs, o_err)) return false;
#if WRT_CONFIG_COMPONENT_LINK
    /* Handles travel only with the callee's component instance named (its table); the host's is WRT_EC_HOST's. */
    c.sides[0].e = c.sides[1].e = e;
    c.sides[0].owner = WRT_EC_HOST;
    c.sides[1].owner = i_msg->owner;
    c.sides[0].level = c.sides[1].level = WRT_EC_TOP;
    c.sides[0].moves = c.sides[1].moves = &c.moves;
    c.moves.nrts = c.moves.next = c.moves.nlent = 0;
    e->borrows[WRT_EC_TOP] = 0;
    const bool handles = i_msg->owner != 0u;
    const wrt_comp_ops ops = {&c, wrt_ec_signature, wrt_ec_invoke, wrt_ec_memory, handles ? wrt_ec_host_in : NULL, handles ? wrt_ec_host_out : NULL};
#else
    const wrt_comp_ops ops = {&c, wrt_ec_signature, wrt_ec_invoke, wrt_ec_memory, NULL, NULL};
#endif
    const wrt_comp_request req = {
        i_msg->params, i_msg->params_len, i_msg->result, i_msg->result_len, i_msg->args, i_msg->args_len,
        i_msg->encoding, i_msg->realloc_len != 0u, i_msg->post_return_len != 0u,
    };
    e->invokes++;
    for (uint64_t *slot = e->rt->stack; slot < e->rt->stack_end; slot++) *slot = WRT_ENGINE_STACK_PAINT;
    wrt_comp_outcome outcome;
#if WRT_CONFIG_COMPONENT_LINK
    e->adapter_trap = 0;
    e->adapter_depth = 0;
#endif
#if WRT_CONFIG_WASI2
    e->wasi.exited = false;
    e->wasi.exit_code = 0;
#endif
    int rc = wrt_comp_invoke(&req, &ops, &e->component, &outcome);
#if WRT_CONFIG_COMPONENT_LINK
    /* The lends to the call end; a borrow the callee was given and did not drop traps at its return. */
    uint32_t left = wrt_ec_host_end(&c);
    if (rc == WRT_COMP_OK && outcome.trap == 0u && left != 0u) {
        outcome.trap = left;
        outcome.phase = WRT_COMP_PHASE_LIFT;
        outcome.result_len = 0;
    }
    /* An adapter's canonical ABI trap reached the core as HOST_ERROR: its own code instead. */
    if (rc == WRT_COMP_OK && outcome.trap == WRT_TRAP_HOST_ERROR && e->adapter_trap != 0u) outcome.trap = e->adapter_trap;
#endif
    switch (rc) {
    case WRT_COMP_OK: break;
    case WRT_COMP_ERR_TYPE:
        return wrt_ec_refuse(o_err, WRTP_PERR_ARGS_INVALID, outcome.detail);
    case WRT_COMP_ERR_ARGS:
        return wrt_ec_refuse(o_err, WRTP_PERR_ARGS_INVALID, outcome.detail);
    case WRT_COMP_ERR_SIGNATURE:
        return wrt_ec_refuse(o_err, WRTP_PERR_EXPORT_NOT_FOUND, 16u + outcome.detail);
    default:
        return wrt_ec_refuse(o_err, WRTP_PERR_ARGS_INVALID, 0);
    }
    o_result->trap = outcome.trap;
    o_result->phase = outcome.phase;
    o_result->trap_func = outcome.trap != 0u && outcome.trap < WRT_COMP_TRAP_BASE ? c.trap_func : 0u;
#if WRT_CONFIG_WASI2
    /* WASI 0.2's exit ends the call with trap EXIT: the function field holds the exit code. */
    if (outcome.trap == WRT_TRAP_EXIT) {
        o_result->trap_func = e->wasi.exit_code;
        e->exits++;
    }
#endif
    o_result->fuel_used = c.used;
    o_result->peak_stack_bytes = wrt_ec_stack_peak(e->rt);
    o_result->values = e->component.result;
    o_result->values_len = (uint16_t)outcome.result_len;
    if (outcome.trap != 0u) e->traps++;
    return true;
}

#if WRT_CONFIG_COMPONENT_LINK
/* ---- COMPONENT_ADAPTER: canon lower of a function another core instance lifts --------------- */
/*
 * An adapter is a host function the caller's core instance imports (`#a` / its index). Called,
 * it lifts the caller's flat arguments with the caller's options, lowers them into the callee
 * with the callee's (its cabi_realloc run as a nested invocation, wrt_invoke_nested), calls the
 * callee nested, lifts its results, lowers them into the caller (through the caller's
 * cabi_realloc, or at the caller's return pointer), then runs the callee's post-return: the
 * fused adapter of definitions.py's canon_lower over canon_lift, in C, by the same wrt_cabi code
 * as COMPONENT_INVOKE. Strings go straight from one memory to the other: a lifted string's
 * offset is into the source memory, which the lowering side reads as its string pool.
 */

#define WRT_EC_I32 0x7Fu
#define WRT_EC_PHASE_CALL 3u


static void wrt_ec_refresh(wrt_ec_side *s) {
    uint64_t bytes = 0;
    s->cx->mem = s->mem_of != NULL ? wrt_memory_data(s->mem_of, &bytes) : NULL;
    s->cx->mem_len = s->cx->mem != NULL ? (bytes > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)bytes) : 0u;
    /* Without a source memory the pool is the host's own (a WASI 0.2 result's strings): kept. */
    if (s->pool_of == NULL) return;
    bytes = 0;
    s->cx->pool = wrt_memory_data(s->pool_of, &bytes);
    s->cx->pool_len = s->cx->pool != NULL ? (bytes > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)bytes) : 0u;
}

/* A realloc or post-return, nested in an adapter: no instance may leave while it runs (may_leave). */
static uint32_t wrt_ec_invoke_no_leave(wrt_interp_engine *e, const wrt_func *f, const uint64_t *i_args, uint32_t nargs, uint64_t *o_results,
                                       uint32_t nresults) {
    wrt_trap_info trap;
    e->no_leave = true;
    uint32_t code = wrt_invoke_nested(e->rt, f, i_args, nargs, o_results, nresults, &trap);
    e->no_leave = false;
    return code;
}

static int wrt_ec_side_realloc(void *ctx, uint32_t old_ptr, uint32_t old_size, uint32_t align, uint32_t new_size,
                               uint32_t *o_ptr) {
    wrt_ec_side *s = (wrt_ec_side *)ctx;
    if (s->realloc == NULL) return WRT_CABI_TRAP_REALLOC;
    uint64_t args[4];
    args[0] = old_ptr;
    args[1] = old_size;
    args[2] = align;
    args[3] = new_size;
    uint64_t result = 0;
    uint32_t code = wrt_ec_invoke_no_leave(s->e, s->realloc, args, 4, &result, 1);
    wrt_ec_refresh(s);
    if (code != WRT_OK) {
        s->core_trap = code;
        return WRT_CABI_TRAP_REALLOC;
    }
    *o_ptr = (uint32_t)result;
    return WRT_CABI_OK;
}

/* A component trap of an adapter or built-in: kept in the engine (the first one of the call), HOST_ERROR to the core (which only carries its own codes). */
static uint32_t wrt_ec_trap(wrt_interp_engine *e, uint32_t component_trap) {
    if (e->adapter_trap == 0u) {
        e->adapter_trap = component_trap;
        e->adapter_phase = WRT_EC_PHASE_CALL;
    }
    return WRT_TRAP_HOST_ERROR;
}

/* A canonical ABI trap of an adapter; a realloc that trapped in the core keeps the core's code. */
static uint32_t wrt_ec_cabi_trap(wrt_interp_engine *e, const wrt_ec_side *s, int rc) {
    if (rc == WRT_CABI_TRAP_REALLOC && s->core_trap != 0u) return s->core_trap;
    return wrt_ec_trap(e, WRT_COMP_TRAP_BASE + (uint32_t)(rc < 32 ? rc : 10));
}

/* Lifted string offsets are into the source memory: the lowering side reads them as its pool. */
static void wrt_ec_to_pool(wrt_cabi_val *vals, uint32_t n) {
    for (uint32_t i = 0; i < n; i++) vals[i].aux &= ~WRT_CABI_IN_MEMORY;
}


#define WRT_EC_TRAP_MAY_ENTER (WRT_COMP_TRAP_BASE + 11u)
#define WRT_EC_TRAP_MAY_LEAVE (WRT_COMP_TRAP_BASE + 12u)
#define WRT_EC_ANY_RT 0xFFFFu

/* ---- handle tables: one a component instance, the model's Table (native/component/wrt_handles.c) ---- */

static wrt_ec_table *wrt_ec_table_of(wrt_interp_engine *e, uint16_t owner, bool create) {
    wrt_ec_table *free_slot = NULL;
    for (uint32_t i = 0; i < WRT_ENGINE_MAX_HANDLE_TABLES; i++) {
        if (e->tables[i].owner == owner) return &e->tables[i];
        if (e->tables[i].owner == 0u && free_slot == NULL) free_slot = &e->tables[i];
    }
    if (!create || free_slot == NULL) return NULL;
    free_slot->owner = owner;
    wrt_handles_init(&free_slot->table, free_slot->slots, e->handles_per_table);
    return free_slot;
}

static const wrt_handle *wrt_ec_table_get(const wrt_ec_table *t, uint32_t index) {
    return t == NULL ? NULL : wrt_handles_get(&t->table, index);
}

/* A handle trap of a built-in or adapter: 72, behind HOST_ERROR. */
static uint32_t wrt_ec_handle_trap(wrt_interp_engine *e) {
    return wrt_ec_trap(e, WRT_COMP_TRAP_BASE + WRT_CABI_TRAP_HANDLE);
}



/*
 * lift_own / lift_borrow from this side's table, of the signature's type: rt n is the session's
 * resource type n - 1 (a top-level export's, which the plan numbers), 0 the handle's own (an
 * adapter's: the plan does not number the resource types of adapter signatures). The lowering
 * side gets the type lifted.
 */
static int wrt_ec_lift_handle(void *ctx, uint8_t kind, uint32_t rt, uint32_t index, uint32_t *o_rep) {
    wrt_ec_side *s = (wrt_ec_side *)ctx;
    wrt_ec_table *t = wrt_ec_table_of(s->e, s->owner, false);
    const wrt_handle *h = wrt_ec_table_get(t, index);
    wrt_ec_moves *m = s->moves;
    if (h == NULL || m->nrts >= WRT_ENGINE_ADAPTER_HANDLES) return WRT_CABI_TRAP_HANDLE;
    uint16_t type = rt != 0u ? (uint16_t)(rt - 1u) : h->rt;
    m->rts[m->nrts++] = type;
    if (kind == WRT_CABI_OWN) return wrt_handles_lift_own(&t->table, index, type, o_rep) == WRT_HANDLE_OK ? WRT_CABI_OK : WRT_CABI_TRAP_HANDLE;
    if (m->nlent >= WRT_ENGINE_ADAPTER_HANDLES) return WRT_CABI_TRAP_HANDLE;
    if (wrt_handles_lift_borrow(&t->table, index, type, o_rep) != WRT_HANDLE_OK) return WRT_CABI_TRAP_HANDLE;
    m->lent_owner[m->nlent] = s->owner;
    m->lent_index[m->nlent++] = index;
    return WRT_CABI_OK;
}

/* lower_own / lower_borrow into this side's table; a borrow into the type's own instance is its rep. */
static int wrt_ec_lower_handle(void *ctx, uint8_t kind, uint32_t rt, uint32_t rep, uint32_t *o_index) {
    (void)rt;
    wrt_ec_side *s = (wrt_ec_side *)ctx;
    wrt_ec_moves *m = s->moves;
    if (m->next >= m->nrts) return WRT_CABI_TRAP_HANDLE;
    uint16_t type = m->rts[m->next++];
    wrt_ec_table *t = wrt_ec_table_of(s->e, s->owner, true);
    if (t == NULL) return WRT_CABI_TRAP_HANDLE;
    if (kind == WRT_CABI_OWN) return wrt_handles_new_own(&t->table, type, rep, o_index) == WRT_HANDLE_OK ? WRT_CABI_OK : WRT_CABI_TRAP_HANDLE;
    if (type < s->e->nresources && s->e->resources[type].impl == s->owner) {
        *o_index = rep;
        return WRT_CABI_OK;
    }
    /* Counted against the callee's task (this adapter level) until it drops it. */
    return wrt_handles_new_borrow(&t->table, type, rep, (uint16_t)s->level, &s->e->borrows[s->level], o_index) == WRT_HANDLE_OK
               ? WRT_CABI_OK
               : WRT_CABI_TRAP_HANDLE;
}

/* A call's end: the handles lent to it come back; 72 when borrows it was given (scope `level`) are live. */
static uint32_t wrt_ec_end_call(wrt_interp_engine *e, const wrt_ec_moves *m, uint32_t level) {
    for (uint32_t i = 0; i < m->nlent; i++) {
        wrt_ec_table *lender = wrt_ec_table_of(e, m->lent_owner[i], false);
        if (lender != NULL) wrt_handles_end_lend(&lender->table, m->lent_index[i]);
    }
    return wrt_handles_task_return(e->borrows[level]) != WRT_HANDLE_OK ? WRT_COMP_TRAP_BASE + WRT_CABI_TRAP_HANDLE : 0u;
}

/* ---- handles between the host and a COMPONENT_INVOKE: the host's table as one more instance's ---- */
/* Lifted from one side's table, lowered into the other's, as an adapter moves them. */
static int wrt_ec_host_move(void *ctx, uint32_t from, uint8_t kind, uint32_t rt, uint32_t index, uint32_t *o_index) {
    wrt_ec_call *c = (wrt_ec_call *)((const wrt_comp_ctx *)ctx)->ops->ctx;
    uint32_t rep = 0;
    int rc = wrt_ec_lift_handle(&c->sides[from], kind, rt, index, &rep);
    return rc != WRT_CABI_OK ? rc : wrt_ec_lower_handle(&c->sides[from ^ 1u], kind, 0u, rep, o_index);
}

static int wrt_ec_host_in(void *ctx, uint8_t kind, uint32_t rt, uint32_t index, uint32_t *o_index) {
    return wrt_ec_host_move(ctx, 0u, kind, rt, index, o_index);
}

static int wrt_ec_host_out(void *ctx, uint8_t kind, uint32_t rt, uint32_t index, uint32_t *o_index) {
    return wrt_ec_host_move(ctx, 1u, kind, rt, index, o_index);
}

static uint32_t wrt_ec_host_end(wrt_ec_call *c) {
    return wrt_ec_end_call(c->e, &c->moves, WRT_EC_TOP);
}

static uint32_t wrt_ec_adapter_run(wrt_ec_adapter *a, wrt_ec_scratch *sc, const uint64_t *i_args, uint64_t *o_results) {
    wrt_interp_engine *e = a->e;
    uint32_t np = 0, nr = 0, used = 0;
    if (a->params_len > 0u &&
        wrt_cabi_parse_type(a->params, a->params_len, sc->nodes, WRT_ENGINE_ADAPTER_NODES, &np, &used) != WRT_CABI_OK) {
        return WRT_TRAP_HOST_ERROR;
    }
    if (a->result_len > 0u &&
        wrt_cabi_parse_type(a->result, a->result_len, sc->nodes + np, WRT_ENGINE_ADAPTER_NODES - np, &nr, &used) != WRT_CABI_OK) {
        return WRT_TRAP_HOST_ERROR;
    }
    const wrt_cabi_type *pt = np > 0u ? sc->nodes : NULL;
    const wrt_cabi_type *rt = nr > 0u ? sc->nodes + np : NULL;
    uint32_t pflat = pt == NULL ? 0u : (pt->flat_count > WRT_CABI_MAX_FLAT_PARAMS ? 1u : pt->flat_count);
    bool retptr = rt != NULL && rt->flat_count > WRT_CABI_MAX_FLAT_RESULTS;
    wrt_cabi_cx cx_caller, cx_callee;
    uint8_t *raw = (uint8_t *)&cx_caller;
    for (size_t i = 0; i < sizeof cx_caller; i++) raw[i] = 0;
    raw = (uint8_t *)&cx_callee;
    for (size_t i = 0; i < sizeof cx_callee; i++) raw[i] = 0;
    wrt_ec_moves moves;
    moves.nrts = moves.next = moves.nlent = 0;
    uint32_t level = e->adapter_depth - 1u;
    e->borrows[level] = 0;
    /* Field by field: an aggregate initializer becomes a memcpy call on some targets. */
    wrt_ec_side caller, callee;
    caller.e = callee.e = e;
    caller.owner = a->caller_owner;
    callee.owner = a->callee_owner;
    caller.level = callee.level = level;
    caller.moves = callee.moves = &moves;
    caller.mem_of = callee.pool_of = a->caller_memory;
    callee.mem_of = caller.pool_of = a->callee_memory;
    caller.realloc = a->caller_realloc;
    callee.realloc = a->callee_realloc;
    caller.cx = &cx_caller;
    callee.cx = &cx_callee;
    caller.core_trap = callee.core_trap = 0u;
    cx_caller.encoding = a->caller_encoding;
    cx_callee.encoding = a->callee_encoding;
    cx_caller.max_string_bytes = cx_caller.max_list_bytes = WRT_CABI_SPEC_MAX_BYTES;
    cx_callee.max_string_bytes = cx_callee.max_list_bytes = WRT_CABI_SPEC_MAX_BYTES;
    cx_caller.host.ctx = &caller;
    cx_caller.host.realloc = wrt_ec_side_realloc;
    cx_callee.host.ctx = &callee;
    cx_callee.host.realloc = wrt_ec_side_realloc;
    cx_caller.host.lift_handle = cx_callee.host.lift_handle = wrt_ec_lift_handle;
    cx_caller.host.lower_handle = cx_callee.host.lower_handle = wrt_ec_lower_handle;
    /* 1. The caller's arguments, lifted with its options; 2. lowered into the callee. */
    uint32_t nargs = 0;
    uint64_t flat[WRT_CABI_MAX_FLAT_PARAMS];
    uint32_t nflat = 0;
    if (pt != NULL) {
        wrt_ec_refresh(&caller);
        int rc = wrt_cabi_lift_values(&cx_caller, pt, i_args, pflat, WRT_CABI_MAX_FLAT_PARAMS, sc->args, WRT_ENGINE_ADAPTER_VALUES, &nargs);
        if (rc != WRT_CABI_OK) return wrt_ec_cabi_trap(e, &caller, rc);
        wrt_ec_to_pool(sc->args, nargs);
        wrt_ec_refresh(&callee);
        rc = wrt_cabi_lower_values(&cx_callee, pt, sc->args, nargs, WRT_CABI_MAX_FLAT_PARAMS, flat, &nflat);
        if (rc != WRT_CABI_OK) return wrt_ec_cabi_trap(e, &callee, rc);
    }
    /* 3. The callee, nested above this call. */
    uint64_t res[1] = {0};
    uint32_t nres = wrt_func_result_count(a->callee);
    if (nflat != wrt_func_param_count(a->callee) || nres > 1u) return WRT_TRAP_HOST_ERROR;
    wrt_trap_info trap;
    uint32_t code = wrt_invoke_nested(e->rt, a->callee, flat, nflat, res, nres, &trap);
    if (code != WRT_OK) return code;
    /* 4. Its results, lifted with its options; 5. lowered into the caller (at its return pointer past one flat value). */
    if (rt != NULL) {
        uint32_t nvals = 0;
        wrt_ec_refresh(&callee);
        int rc = wrt_cabi_lift_values(&cx_callee, rt, res, nres, WRT_CABI_MAX_FLAT_RESULTS, sc->results, WRT_ENGINE_ADAPTER_VALUES, &nvals);
        if (rc != WRT_CABI_OK) return wrt_ec_cabi_trap(e, &callee, rc);
        wrt_ec_to_pool(sc->results, nvals);
        wrt_ec_refresh(&caller);
        if (retptr) {
            rc = wrt_cabi_store(&cx_caller, rt, sc->results, nvals, (uint32_t)i_args[pflat]);
        } else {
            uint32_t nout = 0;
            uint64_t out[WRT_CABI_MAX_FLAT_RESULTS] = {0};
            rc = wrt_cabi_lower_values(&cx_caller, rt, sc->results, nvals, WRT_CABI_MAX_FLAT_RESULTS, out, &nout);
            if (nout > 0u) o_results[0] = out[0];
        }
        if (rc != WRT_CABI_OK) return wrt_ec_cabi_trap(e, &caller, rc);
    }
    /* The callee returned: the handles lent to it come back; borrows it was given must be dropped. */
    if (wrt_ec_end_call(e, &moves, level) != 0u) return wrt_ec_handle_trap(e);
    /* 6. The callee's post-return, with its flat results. */
    if (a->callee_post_return != NULL) {
        code = wrt_ec_invoke_no_leave(e, a->callee_post_return, res, nres, NULL, 0);
        if (code != WRT_OK) return code;
    }
    return WRT_OK;
}

/*
 * canon resource.new (kind 1), resource.drop (2) and resource.rep (3) on `owner`'s table, for a
 * built-in (its adapter's fields) and for the host's drop (COMPONENT_RESOURCE op 5, WRT_EC_HOST's
 * table). A type of WRT_EC_ANY_RT takes the handle's own. A destructor runs nested inside the
 * running invocation, or, for the host's drop, as an invocation of its own.
 */
static uint32_t wrt_ec_builtin(wrt_interp_engine *e, uint8_t kind, uint16_t rt, uint16_t owner, uint32_t arg, uint64_t *o_result) {
    uint32_t out = 0;
    wrt_ec_table *t = wrt_ec_table_of(e, owner, kind == 1u);
    if (t == NULL) return wrt_ec_handle_trap(e);
    if (kind == 1u) {
        if (wrt_handles_new_own(&t->table, rt, arg, &out) != WRT_HANDLE_OK) return wrt_ec_handle_trap(e);
        *o_result = out;
        return WRT_OK;
    }
    const wrt_handle *h = wrt_ec_table_get(t, arg);
    uint16_t type = rt != WRT_EC_ANY_RT ? rt : (h != NULL ? h->rt : 0u);
    if (kind == 3u) {
        if (wrt_handles_rep(&t->table, arg, type, &out) != WRT_HANDLE_OK) return wrt_ec_handle_trap(e);
        *o_result = out;
        return WRT_OK;
    }
    bool run_dtor = false;
    if (wrt_handles_drop(&t->table, arg, type, e->borrows, WRT_ENGINE_ADAPTER_DEPTH + 1u, &out, &run_dtor) != WRT_HANDLE_OK) {
        return wrt_ec_handle_trap(e);
    }
    const wrt_func *dtor = run_dtor && type < e->nresources ? e->resources[type].dtor : NULL;
    if (dtor == NULL) return WRT_OK;
    uint64_t rep = out;
    wrt_trap_info trap;
    if (e->rt->busy) return wrt_invoke_nested(e->rt, dtor, &rep, 1, NULL, 0, &trap);
    wrt_set_fuel(e->rt, e->fuel_budget);
    return wrt_invoke(e->rt, dtor, &rep, 1, &rep, 0, &trap);
}

#if WRT_CONFIG_WASI2
/* ---- WASI 0.2 functions (COMPONENT_RESOURCE op 4, native/component/wrt_wasi2.c) ---------------- */
/*
 * A `canon lower` of a function of a top-level wasi:* import: the device's own function, called
 * with the lower's options (the caller's memory, realloc and string encoding) on the caller's
 * handle table. Results that live in memory are stored by the canonical ABI, through the caller's
 * cabi_realloc run as a nested invocation (wrt_ec_side_realloc), as a fused adapter's are.
 */
/* Parameters of a wrt_host_func signature ("iiI:i" has 3). */
static uint32_t wrt_ec_signature_params(const char *i_sig) {
    uint32_t n = 0;
    while (n < 2u * WRT_CABI_MAX_FLAT_PARAMS + 2u && i_sig[n] != ':' && i_sig[n] != '\0') n++;
    return n;
}

static uint32_t wrt_ec_wasi2_call(wrt_ec_adapter *a, wrt_host_call *io_call) {
    wrt_interp_engine *e = a->e;
    if (e->adapter_depth >= WRT_ENGINE_ADAPTER_DEPTH) return WRT_TRAP_REENTRY_EXHAUSTED;
    uint32_t level = e->adapter_depth;
    wrt_ec_scratch *sc = &e->adapter_scratch[level];
    wrt_cabi_cx cx;
    uint8_t *raw = (uint8_t *)&cx;
    for (size_t i = 0; i < sizeof cx; i++) raw[i] = 0;
    wrt_ec_side side;
    side.e = e;
    side.owner = a->caller_owner;
    side.level = level;
    side.moves = NULL;
    side.mem_of = a->caller_memory;
    side.pool_of = NULL;
    side.realloc = a->caller_realloc;
    side.cx = &cx;
    side.core_trap = 0;
    cx.encoding = a->caller_encoding;
    cx.max_string_bytes = cx.max_list_bytes = WRT_CABI_SPEC_MAX_BYTES;
    cx.host.ctx = &side;
    cx.host.realloc = wrt_ec_side_realloc;
    wrt_ec_refresh(&side);
    wrt_ec_table *t = wrt_ec_table_of(e, a->caller_owner, true);
    const wrt_wasi2_platform platform = {e->wasi.platform.ctx, e->wasi.platform.write, e->wasi.platform.clock, e->wasi.platform.random};
    wrt_wasi2_call c;
    c.table = t != NULL ? &t->table : NULL;
    c.cx = &cx;
    c.nodes = sc->nodes;
    c.node_cap = WRT_ENGINE_ADAPTER_NODES;
    c.vals = sc->results;
    c.val_cap = WRT_ENGINE_ADAPTER_VALUES;
    c.platform = &platform;
    c.argv = e->wasi.argv;
    c.argc = e->wasi.argc;
    c.envp = e->wasi.envp;
    c.envc = e->wasi.envc;
    c.result = 0;
    c.exit_code = 0;
    uint32_t nargs = wrt_ec_signature_params(a->signature);
    /* The scratch is this level's while the guest's realloc runs nested above it. */
    e->entered[level] = 0;
    e->adapter_depth++;
    int rc = wrt_wasi2_invoke(a->wasi, &c, io_call->args, nargs);
    e->adapter_depth--;
    if (rc == WRT_WASI2_EXIT) {
        e->wasi.exited = true;
        e->wasi.exit_code = c.exit_code;
        return WRT_TRAP_EXIT;
    }
    if (rc != WRT_CABI_OK) return wrt_ec_cabi_trap(e, &side, rc);
    if (a->signature[nargs] == ':' && a->signature[nargs + 1u] != '\0') io_call->results[0] = c.result;
    return WRT_OK;
}
#endif

static uint32_t wrt_ec_adapter_call(wrt_host_call *io_call) {
    wrt_ec_adapter *a = (wrt_ec_adapter *)io_call->ctx;
    wrt_interp_engine *e = a->e;
    /*
     * may_leave: an instance in its realloc or post-return calls no import and no built-in but
     * resource.rep (the spec's canon_resource_rep does not check it). One flag, not one per
     * instance: while a realloc or post-return runs, only its own instance's code runs, but for a
     * scalar import the plan binds straight to another instance's core export (no adapter), and
     * there the spec traps already at the call this flag cannot see. So no call reaching here with
     * the flag set is one the spec lets through, and an adapter is entered only with it clear
     * (realloc and post-return set it and clear it, no saving needed).
     */
    if (e->no_leave && a->kind != 3u) return wrt_ec_trap(e, WRT_EC_TRAP_MAY_LEAVE);
#if WRT_CONFIG_WASI2
    if (a->kind == 4u) return wrt_ec_wasi2_call(a, io_call);
#endif
    if (a->kind != 0u) return wrt_ec_builtin(e, a->kind, a->rt, a->owner, (uint32_t)io_call->args[0], io_call->results);
    if (e->adapter_depth >= WRT_ENGINE_ADAPTER_DEPTH) return WRT_TRAP_REENTRY_EXHAUSTED;
    /* may_enter: a component instance already inside a call is not entered again. */
    for (uint32_t i = 0; i < e->adapter_depth; i++) {
        if (e->entered[i] == a->callee_owner) return wrt_ec_trap(e, WRT_EC_TRAP_MAY_ENTER);
    }
    uint32_t level = e->adapter_depth;
    e->entered[level] = a->callee_owner;
    e->adapter_depth++;
    uint32_t code = wrt_ec_adapter_run(a, &e->adapter_scratch[level], io_call->args, io_call->results);
    e->adapter_depth--;
    return code;
}

/* The flat core signature of a lowered function, in wrt_host_func letters; false over the limits. */
static bool wrt_ec_signature_of(wrt_ec_adapter *a, wrt_cabi_type *nodes) {
    static const char letters[4] = {'i', 'I', 'f', 'F'};
    uint32_t np = 0, nr = 0, used = 0;
    if (a->params_len > 0u && wrt_cabi_parse_type(a->params, a->params_len, nodes, WRT_ENGINE_ADAPTER_NODES, &np, &used) != WRT_CABI_OK) return false;
    if (a->result_len > 0u &&
        wrt_cabi_parse_type(a->result, a->result_len, nodes + np, WRT_ENGINE_ADAPTER_NODES - np, &nr, &used) != WRT_CABI_OK) {
        return false;
    }
    uint32_t at = 0;
    if (np > 0u) {
        if (nodes[0].flat_count > WRT_CABI_MAX_FLAT_PARAMS) a->signature[at++] = 'i';
        else {
            for (uint32_t i = 0; i < nodes[0].flat_count; i++) a->signature[at++] = letters[(nodes[0].flat_sig >> (2u * i)) & 3u];
        }
    }
    bool retptr = nr > 0u && nodes[np].flat_count > WRT_CABI_MAX_FLAT_RESULTS;
    if (retptr) a->signature[at++] = 'i';
    a->signature[at++] = ':';
    if (nr > 0u && !retptr && nodes[np].flat_count == 1u) a->signature[at++] = letters[nodes[np].flat_sig & 3u];
    a->signature[at] = '\0';
    return true;
}

static wrt_instance *wrt_ec_instance(wrt_interp_engine *e, uint16_t id) {
    if (id == 0u) return e->instance;
    return id <= e->ninstances ? e->instances[id - 1u] : NULL;
}

static bool wrt_ec_has_signature(const wrt_func *f, uint32_t np, uint32_t nr) {
    if (wrt_func_param_count(f) != np || wrt_func_result_count(f) != nr) return false;
    for (uint32_t i = 0; i < np; i++) if (wrt_func_param_type(f, i) != WRT_EC_I32) return false;
    for (uint32_t i = 0; i < nr; i++) if (wrt_func_result_type(f, i) != WRT_EC_I32) return false;
    return true;
}

static uint16_t wrt_ec_register(wrt_interp_engine *e, wrt_ec_adapter *a);

bool wrt_engine_component_adapter(void *ctx, const wrtp_msg_component_adapter *i_msg, uint16_t *o_index, wrtp_engine_error *o_err) {
    wrt_interp_engine *e = (wrt_interp_engine *)ctx;
    const wrtp_msg_component_invoke *m = &i_msg->callee;
    if (e->instance == NULL) return wrt_ec_refuse(o_err, WRTP_PERR_NO_MODULE, 0);
    if (e->nadapters >= WRT_ENGINE_MAX_ADAPTERS) {
        return wrt_ec_refuse(o_err, WRTP_PERR_SESSION_FULL, e->nadapters);
    }
    if (m->params_len > WRT_ENGINE_ADAPTER_TYPE_BYTES || m->result_len > WRT_ENGINE_ADAPTER_TYPE_BYTES) {
        return wrt_ec_refuse(o_err, WRTP_PERR_ARGS_INVALID, 0);
    }
    wrt_instance *callee = m->instance <= e->ninstances ? wrt_ec_instance(e, m->instance) : NULL;
    if (callee == NULL) return wrt_ec_refuse(o_err, WRTP_PERR_INSTANCE_UNKNOWN, m->instance);
    if (i_msg->callee_memory > e->ninstances || i_msg->caller_memory > e->ninstances || i_msg->caller_realloc_instance > e->ninstances) {
        return wrt_ec_refuse(o_err, WRTP_PERR_INSTANCE_UNKNOWN, 0);
    }
    wrt_ec_adapter *a = &e->adapters[e->nadapters];
    a->e = e;
    a->kind = 0;
    a->rt = 0;
    a->owner = 0;
    const wrt_func *lifted[3];
    if (!wrt_ec_lift_funcs(callee, m, lifted, o_err)) return false;
    a->callee = lifted[WRT_COMP_FUNC_EXPORT];
    a->callee_realloc = lifted[WRT_COMP_FUNC_REALLOC];
    a->callee_post_return = lifted[WRT_COMP_FUNC_POST_RETURN];
    a->callee_memory = i_msg->callee_memory != 0u ? wrt_ec_instance(e, i_msg->callee_memory) : NULL;
    a->caller_memory = i_msg->caller_memory != 0u ? wrt_ec_instance(e, i_msg->caller_memory) : NULL;
    a->caller_realloc = NULL;
    if (i_msg->caller_realloc_instance != 0u) {
        a->caller_realloc = wrt_find_func(wrt_ec_instance(e, i_msg->caller_realloc_instance), i_msg->caller_realloc, i_msg->caller_realloc_len);
        if (a->caller_realloc == NULL || !wrt_ec_has_signature(a->caller_realloc, 4, 1)) {
            return wrt_ec_refuse(o_err, WRTP_PERR_EXPORT_NOT_FOUND, 3);
        }
    }
    if (a->callee_realloc != NULL && !wrt_ec_has_signature(a->callee_realloc, 4, 1)) {
        return wrt_ec_refuse(o_err, WRTP_PERR_EXPORT_NOT_FOUND, 1);
    }
    a->callee_encoding = m->encoding;
    a->caller_encoding = i_msg->caller_encoding;
    a->caller_owner = i_msg->caller_owner;
    a->callee_owner = i_msg->callee_owner;
    a->params_len = m->params_len;
    a->result_len = m->result_len;
    for (uint32_t i = 0; i < m->params_len; i++) a->params[i] = m->params[i];
    for (uint32_t i = 0; i < m->result_len; i++) a->result[i] = m->result[i];
    if (!wrt_ec_signature_of(a, e->adapter_scratch[0].nodes)) {
        return wrt_ec_refuse(o_err, WRTP_PERR_ARGS_INVALID, 0);
    }
    *o_index = wrt_ec_register(e, a);
    return true;
}

/* Names adapter slot nadapters `#a` / its index and makes it the next host function. */
static uint16_t wrt_ec_register(wrt_interp_engine *e, wrt_ec_adapter *a) {
    uint32_t index = e->nadapters;
    uint32_t at = 0;
    char digits[5];
    uint32_t nd = 0;
    do {
        digits[nd++] = (char)('0' + (int)(index % 10u));
        index /= 10u;
    } while (index != 0u && nd < sizeof digits);
    while (nd > 0u) a->name[at++] = digits[--nd];
    a->name[at] = '\0';
    wrt_host_func *f = &e->adapter_funcs[e->nadapters];
    f->module = "#a";
    f->name = a->name;
    f->signature = a->signature;
    f->fn = wrt_ec_adapter_call;
    f->ctx = a;
    f->budget = WRT_BUDGET_UNLIMITED;
    f->fuel_cost = 0;
    return (uint16_t)e->nadapters++;
}


#if WRT_CONFIG_WASI2
static bool wrt_ec_text_equal(const char *x, const char *y) {
    uint32_t i = 0;
    while (i < 2u * WRT_CABI_MAX_FLAT_PARAMS + 4u && x[i] != '\0' && x[i] == y[i]) i++;
    return x[i] == y[i];
}

/* COMPONENT_RESOURCE op 4: the device's WASI 0.2 function of that name, with the lower's options. */
static bool wrt_ec_define_wasi2(wrt_interp_engine *e, const wrtp_msg_component_resource *i_msg, uint16_t *o_index, wrtp_engine_error *o_err) {
    if (e->nadapters >= WRT_ENGINE_MAX_ADAPTERS) {
        return wrt_ec_refuse_text(o_err, WRTP_PERR_SESSION_FULL, e->nadapters, "the session holds as many adapters as the engine has room for (WRT_ENGINE_MAX_ADAPTERS)");
    }
    uint16_t id = wrt_wasi2_lookup((const uint8_t *)i_msg->iface, i_msg->iface_len, (const uint8_t *)i_msg->func, i_msg->func_len);
    if (id == WRT_WASI2_NONE) return wrt_ec_refuse_text(o_err, WRTP_PERR_EXPORT_NOT_FOUND, 4, "the device has no WASI 0.2 function of that interface and name");
    if (i_msg->memory > e->ninstances || i_msg->realloc_instance > e->ninstances) {
        return wrt_ec_refuse_text(o_err, WRTP_PERR_INSTANCE_UNKNOWN, 0, "a memory or realloc names an instance the session does not hold");
    }
    if (i_msg->params_len > WRT_ENGINE_ADAPTER_TYPE_BYTES || i_msg->result_len > WRT_ENGINE_ADAPTER_TYPE_BYTES) {
        return wrt_ec_refuse_text(o_err, WRTP_PERR_ARGS_INVALID, 0, "a type encoding is longer than WRT_ENGINE_ADAPTER_TYPE_BYTES");
    }
    wrt_ec_adapter *a = &e->adapters[e->nadapters];
    a->e = e;
    a->kind = 4;
    a->wasi = id;
    a->rt = 0;
    a->owner = i_msg->owner;
    a->callee = a->callee_realloc = a->callee_post_return = NULL;
    a->callee_memory = NULL;
    a->caller_memory = i_msg->memory != 0u ? wrt_ec_instance(e, i_msg->memory) : NULL;
    a->caller_realloc = NULL;
    if (i_msg->realloc_instance != 0u) {
        a->caller_realloc = wrt_find_func(wrt_ec_instance(e, i_msg->realloc_instance), i_msg->realloc, i_msg->realloc_len);
        if (a->caller_realloc == NULL || !wrt_ec_has_signature(a->caller_realloc, 4, 1)) {
            return wrt_ec_refuse_text(o_err, WRTP_PERR_EXPORT_NOT_FOUND, 3, "the caller's realloc is no (i32 i32 i32 i32) -> i32 export of its instance");
        }
    }
    a->caller_encoding = i_msg->encoding;
    a->callee_encoding = 0;
    a->caller_owner = i_msg->owner;
    a->callee_owner = 0;
    a->params_len = i_msg->params_len;
    a->result_len = i_msg->result_len;
    for (uint32_t i = 0; i < i_msg->params_len; i++) a->params[i] = i_msg->params[i];
    for (uint32_t i = 0; i < i_msg->result_len; i++) a->result[i] = i_msg->result[i];
    if (!wrt_ec_signature_of(a, e->adapter_scratch[0].nodes)) {
        return wrt_ec_refuse_text(o_err, WRTP_PERR_ARGS_INVALID, 0, "a type encoding is malformed or needs more nodes than WRT_ENGINE_ADAPTER_NODES");
    }
    /* The function's core type must be WASI 0.2's: the handler reads exactly those arguments. */
    const char *want = wrt_wasi2_signature(id);
    if (want != NULL ? !wrt_ec_text_equal(want, a->signature) : a->signature[0] != 'i') {
        return wrt_ec_refuse_text(o_err, WRTP_PERR_ARGS_INVALID, 1, "the imported function's type is not the WASI 0.2 function's");
    }
    *o_index = wrt_ec_register(e, a);
    return true;
}
#endif

bool wrt_engine_component_resource(void *ctx, const wrtp_msg_component_resource *i_msg, uint16_t *o_index, wrtp_engine_error *o_err) {
    wrt_interp_engine *e = (wrt_interp_engine *)ctx;
    if (i_msg->op == 4u) {
#if WRT_CONFIG_WASI2
        return wrt_ec_define_wasi2(e, i_msg, o_index, o_err);
#else
        return wrt_ec_refuse(o_err, WRTP_PERR_EXPORT_NOT_FOUND, 4);
#endif
    }
    if (i_msg->op == 5u) {
        /* The host drops a handle it holds: 0, 72 (a handle trap) or the destructor's core trap.
         * The destructor runs as an invocation of its own; output it writes is not sent. */
        uint64_t unused = 0;
        e->adapter_trap = 0;
        uint32_t code = wrt_ec_builtin(e, 2u, i_msg->rt, WRT_EC_HOST, i_msg->owner, &unused);
        *o_index = (uint16_t)(e->adapter_trap != 0u ? e->adapter_trap : code);
        return true;
    }
    if (i_msg->op == 0u) {
        if (e->nresources >= WRT_ENGINE_MAX_RESOURCE_TYPES) {
            return wrt_ec_refuse(o_err, WRTP_PERR_SESSION_FULL, e->nresources);
        }
        const wrt_func *dtor = NULL;
        if (i_msg->dtor_instance != 0u) {
            wrt_instance *inst = i_msg->dtor_instance <= e->ninstances ? wrt_ec_instance(e, i_msg->dtor_instance) : NULL;
            if (inst == NULL) return wrt_ec_refuse(o_err, WRTP_PERR_INSTANCE_UNKNOWN, i_msg->dtor_instance);
            dtor = wrt_find_func(inst, i_msg->dtor, i_msg->dtor_len);
            if (dtor == NULL || !wrt_ec_has_signature(dtor, 1, 0)) {
                return wrt_ec_refuse(o_err, WRTP_PERR_EXPORT_NOT_FOUND, 0);
            }
        }
        e->resources[e->nresources].dtor = dtor;
        e->resources[e->nresources].impl = i_msg->owner;
        *o_index = e->nresources++;
        return true;
    }
    if (e->nadapters >= WRT_ENGINE_MAX_ADAPTERS) {
        return wrt_ec_refuse(o_err, WRTP_PERR_SESSION_FULL, e->nadapters);
    }
    wrt_ec_adapter *a = &e->adapters[e->nadapters];
    a->e = e;
    a->kind = i_msg->op;
    a->rt = i_msg->rt;
    a->owner = i_msg->owner;
    a->signature[0] = 'i';
    a->signature[1] = ':';
    a->signature[2] = i_msg->op == 2u ? '\0' : 'i';
    a->signature[3] = '\0';
    *o_index = wrt_ec_register(e, a);
    return true;
}

const wrt_host_registry *wrt_engine_component_registry(wrt_interp_engine *io_e) {
    if (io_e->nadapters == 0u) return wrt_engine_host_registry(&io_e->host);
    io_e->adapter_registry.funcs = io_e->adapter_funcs;
    io_e->adapter_registry.count = io_e->nadapters;
    io_e->adapter_registry.intercept = NULL;
    io_e->adapter_registry.intercept_ctx = NULL;
    io_e->adapter_registry.next = wrt_engine_host_registry(&io_e->host);
    return &io_e->adapter_registry;
}

void wrt_engine_component_drop(wrt_interp_engine *io_e) {
    io_e->nresources = 0;
    for (uint32_t i = 0; i < WRT_ENGINE_MAX_HANDLE_TABLES; i++) io_e->tables[i].owner = 0;
    io_e->nadapters = 0;
    io_e->adapter_depth = 0;
    io_e->adapter_trap = 0;
}
#endif /* WRT_CONFIG_COMPONENT_LINK */
