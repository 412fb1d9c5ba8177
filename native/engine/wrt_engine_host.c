#include "wrt_engine_host.h"

#include "wrt_engine_profile.h"

/* For a funcref's index and an instance's imports: the API has neither. */
#include "wrt_internal.h"

#define WRT_EH_MAX_CHAIN 8u

static char wrt_eh_letter_of(uint8_t type) {
    switch (type) {
    case WRT_TYPE_I32: return 'i';
    case WRT_TYPE_I64: return 'I';
    case WRT_TYPE_F32: return 'f';
    case WRT_TYPE_F64: return 'F';
    case WRT_TYPE_EXTERNREF: return 'x';
    default: return 'n';
    }
}

/* Parameter and result types of a signature ("ii:i"), at most `cap` each. */
static void wrt_eh_types(const char *i_sig, uint8_t *o_params, uint32_t *o_np, uint8_t *o_results, uint32_t *o_nr,
                         uint32_t cap) {
    *o_np = 0;
    *o_nr = 0;
    bool results = false;
    for (uint32_t i = 0; i_sig[i] != '\0' && i < 2u * WRTP_PROTO_MAX_VALUES + 1u; i++) {
        if (i_sig[i] == ':') {
            results = true;
            continue;
        }
        uint8_t t = wrt_host_letter_type(i_sig[i]);
        if (!results && *o_np < cap) o_params[(*o_np)++] = t;
        else if (results && *o_nr < cap) o_results[(*o_nr)++] = t;
    }
}

static size_t wrt_eh_len(const char *i_text) {
    size_t n = 0;
    while (i_text[n] != '\0' && n < WRT_ENGINE_HOST_NAME_BYTES) n++;
    return n;
}

void wrt_engine_slot_to_wire(uint32_t type, uint64_t slot, wrtp_wire_value *o_value) {
    o_value->type = (uint8_t)type;
    switch (type) {
    case WRT_TYPE_I32:
    case WRT_TYPE_F32: o_value->bits = slot & 0xFFFFFFFFull; break;
    /* externref N travels as N; the core holds it as slot N + 1 so that reference 0 differs from null. */
    case WRT_TYPE_EXTERNREF: o_value->bits = slot == 0u ? WRTP_PROTO_REF_NULL : (slot - 1u) & 0xFFFFFFFFull; break;
    case WRT_TYPE_FUNCREF: {
        /* A funcref slot is a wrt_func pointer: on the wire, its index in the module that defines it. */
        const wrt_func *f = (const wrt_func *)(uintptr_t)slot;
        if (slot == 0u) o_value->bits = WRTP_PROTO_REF_NULL;
        else if (f->def == NULL || f->inst == NULL) o_value->bits = WRTP_PROTO_REF_HOST;
        else o_value->bits = (uint32_t)(f->def - f->inst->mod->funcs);
        break;
    }
    default: o_value->bits = slot; break;
    }
}

bool wrt_engine_wire_to_slot(const wrtp_wire_value *i_value, uint32_t want, uint64_t *o_slot) {
    if (i_value->type != want) return false;
    switch (want) {
    case WRT_TYPE_I32:
    case WRT_TYPE_F32: *o_slot = i_value->bits & 0xFFFFFFFFull; return true;
    case WRT_TYPE_I64:
    case WRT_TYPE_F64: *o_slot = i_value->bits; return true;
    case WRT_TYPE_EXTERNREF:
        *o_slot = i_value->bits == WRTP_PROTO_REF_NULL ? 0u : (i_value->bits & 0xFFFFFFFFull) + 1u;
        return true;
    /* A function index has no meaning on this side of the wire; only null can be passed. */
    case WRT_TYPE_FUNCREF: *o_slot = 0; return i_value->bits == WRTP_PROTO_REF_NULL;
    default: return false;
    }
}

void wrt_engine_host_init(wrt_engine_host *o_host) {
    uint8_t *p = (uint8_t *)o_host;
    for (size_t i = 0; i < sizeof *o_host; i++) p[i] = 0;
    o_host->registry.funcs = o_host->funcs;
}

void wrt_engine_host_forget(wrt_engine_host *io_host) {
    io_host->ndeclared = 0;
    io_host->flags = 0;
}

/* Appends `len` bytes and a NUL to the name buffer; NULL when they do not fit. */
static const char *wrt_eh_keep(wrt_engine_host *io_host, size_t *io_used, const uint8_t *i_bytes, size_t len) {
    if (len + 1u > sizeof io_host->names - *io_used) return NULL;
    char *at = &io_host->names[*io_used];
    for (size_t i = 0; i < len; i++) at[i] = (char)i_bytes[i];
    at[len] = '\0';
    *io_used += len + 1u;
    return at;
}

bool wrt_engine_host_declare(wrt_engine_host *io_host, const wrtp_msg_host_imports *i_msg, wrtp_engine_error *o_err) {
    size_t used = 0;
    io_host->ndeclared = 0;
    io_host->flags = 0;
    for (uint8_t i = 0; i < i_msg->count; i++) {
        const wrtp_host_import *imp = &i_msg->imports[i];
        uint8_t sig[2u * WRTP_PROTO_MAX_VALUES + 1u];
        uint32_t n = 0;
        for (uint8_t k = 0; k < imp->nparams; k++) sig[n++] = (uint8_t)wrt_eh_letter_of(imp->params[k]);
        sig[n++] = ':';
        for (uint8_t k = 0; k < imp->nresults; k++) sig[n++] = (uint8_t)wrt_eh_letter_of(imp->results[k]);
        const char *module = wrt_eh_keep(io_host, &used, imp->module, imp->module_len);
        const char *field = module != NULL ? wrt_eh_keep(io_host, &used, imp->field, imp->field_len) : NULL;
        const char *signature = field != NULL ? wrt_eh_keep(io_host, &used, sig, n) : NULL;
        if (signature == NULL || imp->nresults > WRT_CONFIG_MAX_HOST_RESULTS) {
            io_host->ndeclared = 0;
            o_err->code = WRTP_PERR_ARGS_INVALID;
            o_err->offset = i;
            o_err->message = signature == NULL ? "host imports: names exceed the device's buffer"
                                               : "host imports: more results than a host function may return";
            return false;
        }
        io_host->decl[i][0] = module;
        io_host->decl[i][1] = field;
        io_host->decl[i][2] = signature;
    }
    io_host->ndeclared = i_msg->count;
    io_host->flags = i_msg->flags;
    return true;
}

static uint32_t wrt_eh_call(wrt_host_call *io_call);

static void wrt_eh_add(wrt_engine_host *io_host, const char *i_module, const char *i_name, const char *i_sig,
                       const wrt_host_func *i_native, uint8_t declared) {
    if (io_host->count >= WRT_ENGINE_HOST_MAX) return;
    uint32_t i = io_host->count++;
    wrt_host_func *f = &io_host->funcs[i];
    f->module = i_module;
    f->name = i_name;
    f->signature = i_sig;
    f->fn = wrt_eh_call;
    f->ctx = io_host;
    /* The proxy counts its own budget, so that a trap over budget names its import. */
    f->budget = WRT_BUDGET_UNLIMITED;
    /* A native's fuel per call is charged by the core before the proxy runs, as for the native itself. */
    f->fuel_cost = i_native != NULL ? i_native->fuel_cost : 0u;
    io_host->native[i] = i_native;
    io_host->declared[i] = declared;
}

void wrt_engine_host_link(wrt_engine_host *io_host, const wrt_host_registry *i_native, const wrt_profile *i_profile) {
    io_host->count = 0;
    const wrt_host_registry *reg = i_native;
    for (uint32_t depth = 0; reg != NULL && depth < WRT_EH_MAX_CHAIN; depth++, reg = reg->next) {
        for (uint32_t i = 0; reg->funcs != NULL && i < reg->count && io_host->count < WRT_ENGINE_HOST_NATIVE_MAX; i++) {
            const wrt_host_func *f = &reg->funcs[i];
            wrt_eh_add(io_host, f->module, f->name, f->signature, f, 0);
        }
    }
    wrt_eh_add(io_host, WRT_ENGINE_LOG_MODULE, WRT_ENGINE_LOG_NAME, WRT_ENGINE_LOG_SIGNATURE, NULL, 0);
    for (uint8_t d = 0; d < io_host->ndeclared; d++) {
        wrt_eh_add(io_host, io_host->decl[d][0], io_host->decl[d][1], io_host->decl[d][2], NULL, (uint8_t)(d + 1u));
    }
    io_host->registry.count = io_host->count;
    for (uint32_t f = 0; f < io_host->count; f++) {
        io_host->budget[f] = WRT_BUDGET_UNLIMITED;
        io_host->policy[f] = i_profile == NULL ? WRT_PROFILE_POLICY_ALLOW : WRT_PROFILE_POLICY_DENY;
        io_host->used[f] = 0;
        if (i_profile == NULL) continue;
        wrt_profile_import imp;
        for (uint32_t i = 0; wrt_profile_import_at(i_profile, i, &imp); i++) {
            if (wrt_engine_text_is(imp.module.bytes, imp.module.len, io_host->funcs[f].module) &&
                wrt_engine_text_is(imp.name.bytes, imp.name.len, io_host->funcs[f].name)) {
                io_host->budget[f] = imp.budget;
                io_host->policy[f] = imp.policy;
                break;
            }
        }
    }
}

const wrt_host_registry *wrt_engine_host_registry(const wrt_engine_host *i_host) {
    return &i_host->registry;
}

void wrt_engine_host_begin(wrt_engine_host *io_host, const wrtp_engine_io *i_io) {
    for (uint32_t f = 0; f < io_host->count; f++) io_host->used[f] = 0;
    io_host->io = i_io;
    io_host->stopped = NULL;
}

void wrt_engine_host_end(wrt_engine_host *io_host) {
    io_host->io = NULL;
}

uint32_t wrt_engine_host_stopped_import(const wrt_engine_host *i_host, const wrt_instance *i_instance) {
    const wrt_host_func *f = i_host->stopped;
    if (f == NULL || i_instance == NULL) return UINT32_MAX;
    const wrt_module *m = i_instance->mod;
    for (uint32_t i = 0; i < m->nimports; i++) {
        const wrt_import *imp = &m->imports[i];
        if (imp->kind == WRT_EXTERN_FUNC && wrt_engine_text_is(imp->module, imp->module_len, f->module) &&
            wrt_engine_text_is(imp->name, imp->name_len, f->name)) {
            return imp->index;
        }
    }
    return UINT32_MAX;
}

/* Host import `declared - 1`, called over the wire; results checked against its signature. */
static uint32_t wrt_eh_forward(wrt_engine_host *io_host, uint8_t declared, wrt_host_call *io_call, const uint8_t *i_params,
                               uint32_t np, const uint8_t *i_results, uint32_t nr) {
    const wrtp_engine_io *io = io_host->io;
    /* The start function runs during the load, when no host waits for a call. */
    if (io == NULL || io->host_call == NULL) return WRT_TRAP_HOST_ERROR;
    wrtp_wire_value args[WRTP_PROTO_MAX_VALUES];
    for (uint32_t i = 0; i < np; i++) wrt_engine_slot_to_wire(i_params[i], io_call->args[i], &args[i]);
    wrtp_wire_value results[WRTP_PROTO_MAX_VALUES];
    uint8_t nresults = 0;
    if (io->host_call(io->ctx, (uint8_t)(declared - 1u), args, (uint8_t)np, results, &nresults) != WRTP_HOST_RESULT_OK ||
        nresults != nr) {
        return WRT_TRAP_HOST_ERROR;
    }
    for (uint32_t i = 0; i < nr; i++) {
        if (!wrt_engine_wire_to_slot(&results[i], i_results[i], &io_call->results[i])) return WRT_TRAP_HOST_ERROR;
    }
    return WRT_OK;
}

/* wrt:logging.log(level, context_ptr, context_len, message_ptr, message_len). */
static uint32_t wrt_eh_log(wrt_engine_host *io_host, const wrt_host_call *i_call) {
    uint32_t level = (uint32_t)i_call->args[0];
    uint64_t ctx_at = (uint32_t)i_call->args[1], ctx_len = (uint32_t)i_call->args[2];
    uint64_t msg_at = (uint32_t)i_call->args[3], msg_len = (uint32_t)i_call->args[4];
    if (level >= WRTP_LOG_RECORD_LEVELS) return WRT_TRAP_HOST_ERROR;
    if (ctx_at + ctx_len > i_call->memory_bytes || msg_at + msg_len > i_call->memory_bytes) {
        return WRT_TRAP_MEMORY_OUT_OF_BOUNDS;
    }
    io_host->logs++;
    const wrtp_engine_io *io = io_host->io;
    if (io != NULL && io->log_record != NULL) {
        io->log_record(io->ctx, (uint8_t)level, i_call->memory + ctx_at, (size_t)ctx_len, i_call->memory + msg_at,
                       (size_t)msg_len);
    }
    return WRT_OK;
}

static void wrt_eh_trace(const wrt_engine_host *i_host, const wrt_host_call *i_call, uint32_t code, const uint8_t *i_params,
                         uint32_t np, const uint8_t *i_results, uint32_t nr) {
    const wrtp_engine_io *io = i_host->io;
    if (io == NULL || io->trace == NULL) return;
    wrtp_wire_value args[WRTP_PROTO_MAX_VALUES];
    wrtp_wire_value results[WRT_CONFIG_MAX_HOST_RESULTS];
    for (uint32_t i = 0; i < np; i++) wrt_engine_slot_to_wire(i_params[i], i_call->args[i], &args[i]);
    uint32_t shown = code == WRT_OK ? nr : 0u;
    for (uint32_t i = 0; i < shown; i++) wrt_engine_slot_to_wire(i_results[i], i_call->results[i], &results[i]);
    const wrt_host_func *f = i_call->func;
    const wrtp_msg_host_trace trace = {
        code,
        (const uint8_t *)f->module,
        (uint8_t)wrt_eh_len(f->module),
        (const uint8_t *)f->name,
        (uint8_t)wrt_eh_len(f->name),
        (uint8_t)np,
        args,
        (uint8_t)shown,
        results,
    };
    io->trace(io->ctx, &trace);
}

static uint32_t wrt_eh_call(wrt_host_call *io_call) {
    wrt_engine_host *h = (wrt_engine_host *)io_call->ctx;
    uint32_t i = (uint32_t)(io_call->func - h->funcs);
    if (i >= h->count) return WRT_TRAP_HOST_ERROR;
    uint8_t params[WRTP_PROTO_MAX_VALUES];
    uint8_t results[WRTP_PROTO_MAX_VALUES];
    uint32_t np = 0;
    uint32_t nr = 0;
    wrt_eh_types(io_call->func->signature, params, &np, results, &nr, WRTP_PROTO_MAX_VALUES);
    h->calls++;
    uint32_t code;
    if (h->policy[i] == WRT_PROFILE_POLICY_DENY) {
        h->denied++;
        h->stopped = io_call->func;
        code = WRT_TRAP_HOST_CALL_DENIED;
    } else if (h->budget[i] != WRT_BUDGET_UNLIMITED && h->used[i] >= h->budget[i]) {
        h->over_budget++;
        h->stopped = io_call->func;
        code = WRT_TRAP_HOST_BUDGET_EXHAUSTED;
    } else {
        h->used[i]++;
        const wrt_host_func *native = h->native[i];
        if (native != NULL) {
            wrt_host_call call = *io_call;
            call.ctx = native->ctx;
            call.func = native;
            code = native->fn != NULL ? native->fn(&call) : WRT_TRAP_HOST_ERROR;
        } else if (h->declared[i] != 0u) {
            code = wrt_eh_forward(h, h->declared[i], io_call, params, np, results, nr);
        } else {
            code = wrt_eh_log(h, io_call);
        }
    }
    if ((h->flags & WRTP_HOST_TRACE_ALL) != 0u || h->policy[i] == WRT_PROFILE_POLICY_LOG) {
        wrt_eh_trace(h, io_call, code, params, np, results, nr);
    }
    return code;
}
