/*
 * Host functions: finding a registry entry for an import, checking its signature, and calling
 * it under its per-invocation budget and the registry's interception hook.
 */
#include "wrt_internal.h"

const wrt_host_func *wrt_host_find(const wrt_host_registry *i_reg, const uint8_t *i_module,
                                   uint32_t module_len, const uint8_t *i_name, uint32_t name_len,
                                   const wrt_host_registry **o_from)
{
    const wrt_host_registry *reg = i_reg;
    for (uint32_t depth = 0; reg != NULL && depth < WRT_CONFIG_MAX_REGISTRY_CHAIN; depth++, reg = reg->next) {
        if (reg->funcs == NULL) continue;
        for (uint32_t i = 0; i < reg->count; i++) {
            const wrt_host_func *f = &reg->funcs[i];
            size_t ml = wrt_strlen(f->module, WRT_CONFIG_MAX_NAME + 1u);
            size_t nl = wrt_strlen(f->name, WRT_CONFIG_MAX_NAME + 1u);
            if (ml == module_len && nl == name_len && wrt_equal(f->module, i_module, ml) &&
                wrt_equal(f->name, i_name, nl)) {
                if (o_from != NULL) *o_from = reg;
                return f;
            }
        }
    }
    return NULL;
}

uint8_t wrt_host_letter_type(char c)
{
    switch (c) {
    case 'i': return WRT_TYPE_I32;
    case 'I': return WRT_TYPE_I64;
    case 'f': return WRT_TYPE_F32;
    case 'F': return WRT_TYPE_F64;
    case 'x': return WRT_TYPE_EXTERNREF;
    case 'n': return WRT_TYPE_FUNCREF;
    default: return 0;
    }
}

bool wrt_host_signature_valid(const char *i_signature)
{
    if (i_signature == NULL) return false;
    size_t len = wrt_strlen(i_signature, 64u + 2u * WRT_CONFIG_MAX_HOST_RESULTS);
    uint32_t colons = 0;
    uint32_t nr = 0;
    for (size_t i = 0; i < len; i++) {
        if (i_signature[i] == ':') {
            colons++;
        } else if (wrt_host_letter_type(i_signature[i]) == 0u) {
            return false;
        } else if (colons > 0u) {
            nr++;
        }
    }
    return i_signature[len] == '\0' && colons == 1u && nr <= WRT_CONFIG_MAX_HOST_RESULTS;
}

bool wrt_host_signature_matches(const char *i_signature, const wrt_functype *i_type)
{
    if (i_signature == NULL) return false;
    size_t len = wrt_strlen(i_signature, 64u + 2u * WRT_CONFIG_MAX_HOST_RESULTS);
    uint32_t np = 0;
    uint32_t nr = 0;
    bool in_results = false;
    for (size_t i = 0; i < len; i++) {
        char c = i_signature[i];
        if (c == ':') {
            if (in_results) return false;
            in_results = true;
            continue;
        }
        uint8_t t = wrt_host_letter_type(c);
        if (t == 0u) return false;
        if (!in_results) {
            if (np >= i_type->nparams || i_type->types[np] != t) return false;
            np++;
        } else {
            if (nr >= i_type->nresults || i_type->types[i_type->nparams + nr] != t) return false;
            nr++;
        }
    }
    return in_results && np == i_type->nparams && nr == i_type->nresults &&
           nr <= WRT_CONFIG_MAX_HOST_RESULTS;
}

uint32_t wrt_host_invoke(wrt_runtime *io_rt, const wrt_func *i_func, wrt_instance *i_caller, uint64_t *io_args)
{
    wrt_host_binding *b = i_func->host;
    const wrt_host_func *hf = b->func;
    if (b->serial != io_rt->serial) {
        b->serial = io_rt->serial;
        b->used = 0;
    }
    if (hf->budget != WRT_BUDGET_UNLIMITED && b->used >= hf->budget) return WRT_TRAP_HOST_BUDGET_EXHAUSTED;
    uint32_t np = i_func->type->nparams;
    uint32_t nr = i_func->type->nresults;
    if (b->registry != NULL && b->registry->intercept != NULL &&
        !b->registry->intercept(b->registry->intercept_ctx, hf, io_args, np)) {
        return WRT_TRAP_HOST_CALL_DENIED;
    }
    b->used++;
    /* A nested invocation from this host function starts above its arguments and results. */
#if WRT_CONFIG_NESTED
    io_rt->nest_sp = io_args + (np > nr ? np : nr);
#endif
    uint64_t results[WRT_CONFIG_MAX_HOST_RESULTS];
    for (uint32_t i = 0; i < WRT_CONFIG_MAX_HOST_RESULTS; i++) results[i] = 0;
    wrt_host_call call;
    call.ctx = hf->ctx;
    call.func = hf;
    call.args = io_args;
    call.results = results;
    call.memory = NULL;
    call.memory_bytes = 0;
    if (i_caller != NULL && i_caller->mem != NULL) {
        call.memory = i_caller->mem->data;
        call.memory_bytes = i_caller->mem->bytes;
    }
    uint32_t code = hf->fn != NULL ? hf->fn(&call) : WRT_TRAP_HOST_ERROR;
    if (code >= WRT_TRAP_CODE_COUNT || code == WRT_TRAP_INVOKE_MISUSE) code = WRT_TRAP_HOST_ERROR;
    if (code != WRT_OK) return code;
    for (uint32_t i = 0; i < nr; i++) io_args[i] = results[i];
    return WRT_OK;
}
