/* One call of a component's exported function (wrt_component.h). */
#include "wrt_component.h"

#include "wrt_cval.h"

#define COMP_I32 0x7Fu

static void comp_refresh(const wrt_comp_ops *ops, wrt_cabi_cx *cx) {
    uint32_t len = 0;
    cx->mem = ops->memory(ops->ctx, &len);
    cx->mem_len = cx->mem != 0 ? len : 0u;
}

/* cabi_realloc as a complete core invocation of its own, between the steps of lowering. */
static int comp_realloc(void *ctx, uint32_t old_ptr, uint32_t old_size, uint32_t align, uint32_t new_size,
                        uint32_t *o_ptr) {
    wrt_comp_ctx *c = (wrt_comp_ctx *)ctx;
    uint64_t args[4];
    uint64_t result = 0;
    uint32_t trap;
    args[0] = old_ptr;
    args[1] = old_size;
    args[2] = align;
    args[3] = new_size;
    trap = c->ops->call(c->ops->ctx, WRT_COMP_FUNC_REALLOC, args, 4, &result, 1);
    /* The guest may have grown its memory. */
    comp_refresh(c->ops, c->cx);
    if (trap != 0u) {
        c->trap = trap;
        return WRT_CABI_TRAP_REALLOC;
    }
    *o_ptr = (uint32_t)result;
    return WRT_CABI_OK;
}

/* The core types the canonical ABI flattens `root` to, at most `max_flat` (past it: one i32, a
 * pointer). */
static uint32_t flat_codes(const wrt_cabi_type *root, uint32_t max_flat, uint8_t *o_codes) {
    uint32_t i;
    if (root == 0) return 0;
    if (root->flat_count > max_flat) {
        o_codes[0] = COMP_I32;
        return 1;
    }
    for (i = 0; i < root->flat_count; i++) o_codes[i] = (uint8_t)(COMP_I32 - ((root->flat_sig >> (2u * i)) & 3u));
    return root->flat_count;
}

static bool same_codes(const uint8_t *a, uint32_t na, const uint8_t *b, uint32_t nb) {
    uint32_t i;
    if (na != nb) return false;
    for (i = 0; i < na; i++)
        if (a[i] != b[i]) return false;
    return true;
}

static bool signature_is(const wrt_comp_ops *ops, uint32_t which, const uint8_t *params, uint32_t np,
                         const uint8_t *results, uint32_t nr) {
    uint8_t p[WRT_CABI_MAX_FLAT_PARAMS];
    uint8_t r[WRT_CABI_MAX_FLAT_PARAMS];
    uint32_t gp = 0, gr = 0;
    if (!ops->signature(ops->ctx, which, p, &gp, WRT_CABI_MAX_FLAT_PARAMS, r, &gr, WRT_CABI_MAX_FLAT_PARAMS))
        return false;
    return same_codes(p, gp, params, np) && same_codes(r, gr, results, nr);
}

static int comp_type(const uint8_t *bytes, uint32_t len, wrt_cabi_type *nodes, uint32_t cap, uint32_t *o_count,
                     uint32_t base, wrt_comp_outcome *o) {
    uint32_t used = 0;
    int rc;
    *o_count = 0;
    if (len == 0u) return WRT_COMP_OK;
    rc = wrt_cabi_parse_type(bytes, len, nodes, cap, o_count, &used);
    if (rc != WRT_CABI_OK || used != len || nodes[0].kind != WRT_CABI_RECORD) {
        o->detail = base + used;
        return WRT_COMP_ERR_TYPE;
    }
    return WRT_COMP_OK;
}

static void comp_trap(wrt_comp_outcome *o, uint32_t trap, uint8_t phase) {
    o->trap = trap;
    o->phase = phase;
    o->result_len = 0;
}

int wrt_comp_invoke(const wrt_comp_request *i_req, const wrt_comp_ops *i_ops, wrt_comp_scratch *io_scratch,
                    wrt_comp_outcome *o_outcome) {
    static const uint8_t realloc_params[4] = {COMP_I32, COMP_I32, COMP_I32, COMP_I32};
    static const uint8_t realloc_results[1] = {COMP_I32};
    uint8_t want_params[WRT_CABI_MAX_FLAT_PARAMS];
    uint8_t want_results[1];
    uint64_t flat[WRT_CABI_MAX_FLAT_PARAMS];
    uint64_t results[1] = {0};
    uint32_t np = 0, nr = 0, nwp, nwr, nvals = 0, nflat = 0, used = 0, trap;
    const wrt_cabi_type *pt, *rt;
    wrt_cabi_cx cx;
    wrt_comp_ctx c;
    int rc;
    o_outcome->trap = 0;
    o_outcome->phase = WRT_COMP_PHASE_NONE;
    o_outcome->detail = 0;
    o_outcome->result_len = 0;

    rc = comp_type(i_req->params_type, i_req->params_type_len, io_scratch->nodes, WRT_COMPONENT_MAX_NODES, &np, 0,
                   o_outcome);
    if (rc != WRT_COMP_OK) return rc;
    rc = comp_type(i_req->result_type, i_req->result_type_len, io_scratch->nodes + np, WRT_COMPONENT_MAX_NODES - np,
                   &nr, i_req->params_type_len, o_outcome);
    if (rc != WRT_COMP_OK) return rc;
    pt = np != 0u ? io_scratch->nodes : 0;
    rt = nr != 0u ? io_scratch->nodes + np : 0;

    /* The device does not trust the host's plan: each core function must have the type the
     * canonical ABI calls it with. */
    nwp = flat_codes(pt, WRT_CABI_MAX_FLAT_PARAMS, want_params);
    nwr = flat_codes(rt, WRT_CABI_MAX_FLAT_RESULTS, want_results);
    o_outcome->detail = WRT_COMP_FUNC_EXPORT;
    if (!signature_is(i_ops, WRT_COMP_FUNC_EXPORT, want_params, nwp, want_results, nwr)) return WRT_COMP_ERR_SIGNATURE;
    o_outcome->detail = WRT_COMP_FUNC_REALLOC;
    if (i_req->realloc && !signature_is(i_ops, WRT_COMP_FUNC_REALLOC, realloc_params, 4, realloc_results, 1))
        return WRT_COMP_ERR_SIGNATURE;
    o_outcome->detail = WRT_COMP_FUNC_POST_RETURN;
    if (i_req->post_return && !signature_is(i_ops, WRT_COMP_FUNC_POST_RETURN, want_results, nwr, 0, 0))
        return WRT_COMP_ERR_SIGNATURE;
    o_outcome->detail = 0;

    if (pt != 0) {
        rc = wrt_cval_decode(pt, i_req->args, i_req->args_len, io_scratch->vals, WRT_COMPONENT_MAX_VALUES, &nvals, &used);
        if (rc == WRT_CABI_ERR_CAPACITY) return WRT_COMP_ERR_CAPACITY;
        if (rc != WRT_CABI_OK || used != i_req->args_len) {
            o_outcome->detail = used;
            return WRT_COMP_ERR_ARGS;
        }
    } else if (i_req->args_len != 0u) {
        return WRT_COMP_ERR_ARGS;
    }

    c.ops = i_ops;
    c.cx = &cx;
    c.trap = 0;
    comp_refresh(i_ops, &cx);
    cx.encoding = i_req->encoding;
    cx.max_string_bytes = WRT_COMPONENT_VALUE_BYTES;
    cx.max_list_bytes = WRT_COMPONENT_VALUE_BYTES;
    cx.pool = i_req->args;
    cx.pool_len = i_req->args_len;
    cx.host.ctx = &c;
    cx.host.realloc = i_req->realloc ? comp_realloc : 0;
    cx.host.lower_handle = i_ops->lower_handle;
    cx.host.lift_handle = i_ops->lift_handle;

    if (pt != 0) {
        rc = wrt_cabi_lower_values(&cx, pt, io_scratch->vals, nvals, WRT_CABI_MAX_FLAT_PARAMS, flat, &nflat);
        if (rc == WRT_CABI_TRAP_REALLOC && c.trap != 0u) {
            comp_trap(o_outcome, c.trap, WRT_COMP_PHASE_REALLOC);
            return WRT_COMP_OK;
        }
        if (rc == WRT_CABI_ERR_VALUE) return WRT_COMP_ERR_ARGS; /* text the decoder let through */
        if (rc >= WRT_CABI_ERR_TYPE) return WRT_COMP_ERR_CAPACITY;
        if (rc != WRT_CABI_OK) {
            comp_trap(o_outcome, WRT_COMP_TRAP_BASE + (uint32_t)rc, WRT_COMP_PHASE_LOWER);
            return WRT_COMP_OK;
        }
    }

    trap = i_ops->call(i_ops->ctx, WRT_COMP_FUNC_EXPORT, flat, nflat, results, nwr);
    if (trap != 0u) {
        comp_trap(o_outcome, trap, WRT_COMP_PHASE_CALL);
        return WRT_COMP_OK;
    }
    comp_refresh(i_ops, &cx);

    if (rt != 0) {
        /* Lifted strings stay in the guest's memory: encoded before post-return may free them. */
        rc = wrt_cabi_lift_values(&cx, rt, results, nwr, WRT_CABI_MAX_FLAT_RESULTS, io_scratch->vals,
                                  WRT_COMPONENT_MAX_VALUES, &nvals);
        if (rc == WRT_CABI_OK) {
            rc = wrt_cval_encode(rt, io_scratch->vals, nvals, cx.mem, cx.mem_len, io_scratch->result,
                                 WRT_COMPONENT_VALUE_BYTES, &o_outcome->result_len);
        }
        if (rc != WRT_CABI_OK) {
            comp_trap(o_outcome, rc >= WRT_CABI_ERR_TYPE ? WRT_COMP_TRAP_CAPACITY : WRT_COMP_TRAP_BASE + (uint32_t)rc,
                      WRT_COMP_PHASE_LIFT);
            return WRT_COMP_OK;
        }
    }

    if (i_req->post_return) {
        trap = i_ops->call(i_ops->ctx, WRT_COMP_FUNC_POST_RETURN, results, nwr, 0, 0);
        if (trap != 0u) comp_trap(o_outcome, trap, WRT_COMP_PHASE_POST_RETURN);
    }
    return WRT_COMP_OK;
}
