/*
 * COMPONENT_INVOKE on the interpreter core (docs/protocol.md §4e, docs/component.md): the
 * canonical ABI (native/component) runs around core invocations of one instance. cabi_realloc,
 * the lifted export and post-return are each a complete wrt_invoke, one after the other, under one
 * fuel budget for the whole call: no core call ever runs inside another.
 */
#include "wrt_engine_component.h"

#include "wrt_internal.h"

typedef struct wrt_ec_call {
    wrt_interp_engine *e;
    wrt_instance *inst;
    const wrt_func *funcs[3]; /* wrt_comp_func: the export, realloc, post-return */
    const wrtp_engine_io *io;
    uint64_t budget;          /* WRT_FUEL_UNLIMITED: none */
    uint64_t used;
    uint32_t trap_func;
} wrt_ec_call;

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
    uint32_t code = wrt_invoke(e->rt, f, i_args, nargs, nresults > 0u ? o_results : results, nresults, &trap);
    wrt_engine_host_end(&e->host);
    e->io = NULL;
    c->used += trap.fuel_used;
    if (code != WRT_OK) c->trap_func = trap.func_index;
    return code;
}

static uint8_t *wrt_ec_memory(void *ctx, uint32_t *o_len) {
    const wrt_ec_call *c = (const wrt_ec_call *)ctx;
    uint64_t bytes = 0;
    uint8_t *mem = wrt_memory_data(c->inst, &bytes);
    /* A 32-bit memory: the canonical ABI addresses at most 4 GiB - 1. */
    *o_len = bytes > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)bytes;
    return mem;
}

static bool wrt_ec_refuse(wrtp_engine_error *o_err, uint32_t code, uint32_t offset, const char *message) {
    o_err->code = code;
    o_err->offset = offset;
    o_err->message = message;
    return false;
}

static uint32_t wrt_ec_stack_peak(const wrt_runtime *rt) {
    const uint64_t *top = rt->stack_end;
    while (top > rt->stack && top[-1] == WRT_ENGINE_STACK_PAINT) top--;
    return (uint32_t)((size_t)(top - rt->stack) * sizeof(uint64_t));
}

bool wrt_engine_component_invoke(void *ctx, const wrtp_msg_component_invoke *i_msg, const wrtp_engine_io *i_io,
                                 wrtp_msg_component_result *o_result, wrtp_engine_error *o_err) {
    wrt_interp_engine *e = (wrt_interp_engine *)ctx;
    if (e->instance == NULL) return wrt_ec_refuse(o_err, WRTP_PERR_NO_MODULE, i_msg->instance, "no instance loaded");
    if (i_msg->instance > e->ninstances) {
        return wrt_ec_refuse(o_err, WRTP_PERR_INSTANCE_UNKNOWN, i_msg->instance, "the session holds no instance of that id");
    }
    wrt_ec_call c;
    c.e = e;
    c.inst = i_msg->instance == 0u ? e->instance : e->instances[i_msg->instance - 1u];
    c.io = i_io;
    c.used = 0;
    c.trap_func = 0;
    /* The profile's budget is a ceiling: a request may ask for less fuel, never for more. */
    c.budget = i_msg->fuel == 0u || i_msg->fuel > e->fuel_budget ? e->fuel_budget : i_msg->fuel;
    c.funcs[WRT_COMP_FUNC_EXPORT] = wrt_find_func(c.inst, i_msg->name, i_msg->name_len);
    c.funcs[WRT_COMP_FUNC_REALLOC] = i_msg->realloc_len != 0u ? wrt_find_func(c.inst, i_msg->realloc, i_msg->realloc_len) : NULL;
    c.funcs[WRT_COMP_FUNC_POST_RETURN] =
        i_msg->post_return_len != 0u ? wrt_find_func(c.inst, i_msg->post_return, i_msg->post_return_len) : NULL;
    if (c.funcs[WRT_COMP_FUNC_EXPORT] == NULL) {
        return wrt_ec_refuse(o_err, WRTP_PERR_EXPORT_NOT_FOUND, WRT_COMP_FUNC_EXPORT, "the core instance exports no function of the lifted name");
    }
    if (i_msg->realloc_len != 0u && c.funcs[WRT_COMP_FUNC_REALLOC] == NULL) {
        return wrt_ec_refuse(o_err, WRTP_PERR_EXPORT_NOT_FOUND, WRT_COMP_FUNC_REALLOC, "the core instance exports no realloc function of that name");
    }
    if (i_msg->post_return_len != 0u && c.funcs[WRT_COMP_FUNC_POST_RETURN] == NULL) {
        return wrt_ec_refuse(o_err, WRTP_PERR_EXPORT_NOT_FOUND, WRT_COMP_FUNC_POST_RETURN, "the core instance exports no post-return function of that name");
    }
    const wrt_comp_ops ops = {&c, wrt_ec_signature, wrt_ec_invoke, wrt_ec_memory};
    const wrt_comp_request req = {
        i_msg->params, i_msg->params_len, i_msg->result, i_msg->result_len, i_msg->args, i_msg->args_len,
        i_msg->encoding, i_msg->realloc_len != 0u, i_msg->post_return_len != 0u,
    };
    e->invokes++;
    for (uint64_t *slot = e->rt->stack; slot < e->rt->stack_end; slot++) *slot = WRT_ENGINE_STACK_PAINT;
    wrt_comp_outcome outcome;
    int rc = wrt_comp_invoke(&req, &ops, &e->component, &outcome);
    switch (rc) {
    case WRT_COMP_OK: break;
    case WRT_COMP_ERR_TYPE:
        return wrt_ec_refuse(o_err, WRTP_PERR_ARGS_INVALID, outcome.detail,
                             "a type encoding is malformed or needs more nodes than the device has (WRT_COMPONENT_MAX_NODES)");
    case WRT_COMP_ERR_ARGS:
        return wrt_ec_refuse(o_err, WRTP_PERR_ARGS_INVALID, outcome.detail, "the argument bytes do not match the parameter types");
    case WRT_COMP_ERR_SIGNATURE:
        return wrt_ec_refuse(o_err, WRTP_PERR_EXPORT_NOT_FOUND, 16u + outcome.detail,
                             "a core function has another type than the canonical ABI calls it with");
    default:
        return wrt_ec_refuse(o_err, WRTP_PERR_ARGS_INVALID, 0,
                             "the arguments need more value slots than the device has (WRT_COMPONENT_MAX_VALUES)");
    }
    o_result->trap = outcome.trap;
    o_result->phase = outcome.phase;
    o_result->trap_func = outcome.trap != 0u && outcome.trap < WRT_COMP_TRAP_BASE ? c.trap_func : 0u;
    o_result->fuel_used = c.used;
    o_result->peak_stack_bytes = wrt_ec_stack_peak(e->rt);
    o_result->values = e->component.result;
    o_result->values_len = (uint16_t)outcome.result_len;
    if (outcome.trap != 0u) e->traps++;
    return true;
}
