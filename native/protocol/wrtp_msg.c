#include "wrtp_msg.h"

void wrtp_rd_init(wrtp_rd *o_rd, const uint8_t *i_bytes, size_t len) {
    o_rd->p = i_bytes;
    o_rd->len = len;
    o_rd->pos = 0;
    o_rd->bad = false;
}

const uint8_t *wrtp_rd_bytes(wrtp_rd *io_rd, size_t n) {
    if (io_rd->bad || n > io_rd->len - io_rd->pos) {
        io_rd->bad = true;
        return NULL;
    }
    const uint8_t *at = io_rd->p + io_rd->pos;
    io_rd->pos += n;
    return at;
}

static uint64_t wrtp_rd_le(wrtp_rd *io_rd, size_t n) {
    const uint8_t *at = wrtp_rd_bytes(io_rd, n);
    uint64_t v = 0;
    if (at == NULL) return 0;
    for (size_t i = 0; i < n; i++) v |= (uint64_t)at[i] << (8u * i);
    return v;
}

uint8_t wrtp_rd_u8(wrtp_rd *io_rd) { return (uint8_t)wrtp_rd_le(io_rd, 1); }
uint16_t wrtp_rd_u16(wrtp_rd *io_rd) { return (uint16_t)wrtp_rd_le(io_rd, 2); }
uint32_t wrtp_rd_u32(wrtp_rd *io_rd) { return (uint32_t)wrtp_rd_le(io_rd, 4); }
uint64_t wrtp_rd_u64(wrtp_rd *io_rd) { return wrtp_rd_le(io_rd, 8); }

void wrtp_wr_init(wrtp_wr *o_wr, uint8_t *o_bytes, size_t cap) {
    o_wr->p = o_bytes;
    o_wr->cap = cap;
    o_wr->len = 0;
    o_wr->bad = false;
}

void wrtp_wr_bytes(wrtp_wr *io_wr, const uint8_t *i_bytes, size_t n) {
    if (io_wr->bad || n > io_wr->cap - io_wr->len) {
        io_wr->bad = true;
        return;
    }
    for (size_t i = 0; i < n; i++) io_wr->p[io_wr->len + i] = i_bytes[i];
    io_wr->len += n;
}

static void wrtp_wr_le(wrtp_wr *io_wr, uint64_t v, size_t n) {
    uint8_t b[8];
    for (size_t i = 0; i < n; i++) b[i] = (uint8_t)(v >> (8u * i));
    wrtp_wr_bytes(io_wr, b, n);
}

void wrtp_wr_u8(wrtp_wr *io_wr, uint8_t v) { wrtp_wr_le(io_wr, v, 1); }
void wrtp_wr_u16(wrtp_wr *io_wr, uint16_t v) { wrtp_wr_le(io_wr, v, 2); }
void wrtp_wr_u32(wrtp_wr *io_wr, uint32_t v) { wrtp_wr_le(io_wr, v, 4); }
void wrtp_wr_u64(wrtp_wr *io_wr, uint64_t v) { wrtp_wr_le(io_wr, v, 8); }

size_t wrtp_wire_value_size(uint8_t type) {
    switch (type) {
    case WRTP_WIRE_I32:
    case WRTP_WIRE_F32:
    case WRTP_WIRE_FUNCREF:
    case WRTP_WIRE_EXTERNREF:
        return 4;
    case WRTP_WIRE_I64:
    case WRTP_WIRE_F64:
        return 8;
    default:
        return 0;
    }
}

bool wrtp_rd_value(wrtp_rd *io_rd, wrtp_wire_value *o_value) {
    size_t at = io_rd->pos;
    uint8_t type = wrtp_rd_u8(io_rd);
    size_t size = wrtp_wire_value_size(type);
    if (io_rd->bad || size == 0) {
        io_rd->pos = at;
        io_rd->bad = true;
        return false;
    }
    o_value->type = type;
    o_value->bits = size == 4u ? wrtp_rd_u32(io_rd) : wrtp_rd_u64(io_rd);
    return !io_rd->bad;
}

void wrtp_wr_value(wrtp_wr *io_wr, const wrtp_wire_value *i_value) {
    size_t size = wrtp_wire_value_size(i_value->type);
    if (size == 0) {
        io_wr->bad = true;
        return;
    }
    wrtp_wr_u8(io_wr, i_value->type);
    if (size == 4u) wrtp_wr_u32(io_wr, (uint32_t)i_value->bits);
    else wrtp_wr_u64(io_wr, i_value->bits);
}

/* Ends a decode: the reader must have consumed the whole body without running short. */
static bool wrtp_msg_done(const wrtp_rd *i_rd, uint32_t *o_bad_offset) {
    if (i_rd->bad || i_rd->pos != i_rd->len) {
        *o_bad_offset = (uint32_t)i_rd->pos;
        return false;
    }
    return true;
}

bool wrtp_msg_decode_empty(const uint8_t *i_body, size_t len, uint32_t *o_bad_offset) {
    wrtp_rd rd;
    wrtp_rd_init(&rd, i_body, len);
    return wrtp_msg_done(&rd, o_bad_offset);
}

bool wrtp_msg_decode_begin(const uint8_t *i_body, size_t len, wrtp_msg_begin *o_msg, uint32_t *o_bad_offset) {
    wrtp_rd rd;
    wrtp_rd_init(&rd, i_body, len);
    o_msg->size = wrtp_rd_u32(&rd);
    o_msg->sha256 = wrtp_rd_bytes(&rd, WRTP_PROTO_SHA256_BYTES);
    o_msg->profile_len = wrtp_rd_u16(&rd);
    o_msg->profile = wrtp_rd_bytes(&rd, o_msg->profile_len);
    /* A host that read WRTP_FEATURE_START_FUEL in HELLO may append the start function's fuel. */
    o_msg->start_fuel = !rd.bad && rd.pos < len ? wrtp_rd_u64(&rd) : 0u;
    /* Size 0 is an upload too: an empty module, which the engine then refuses as malformed. */
    return wrtp_msg_done(&rd, o_bad_offset);
}

bool wrtp_msg_decode_chunk(const uint8_t *i_body, size_t len, wrtp_msg_chunk *o_msg, uint32_t *o_bad_offset) {
    wrtp_rd rd;
    wrtp_rd_init(&rd, i_body, len);
    o_msg->offset = wrtp_rd_u32(&rd);
    if (rd.bad || rd.pos == len) {
        *o_bad_offset = (uint32_t)rd.pos;
        return false;
    }
    o_msg->len = len - rd.pos;
    o_msg->data = wrtp_rd_bytes(&rd, o_msg->len);
    return wrtp_msg_done(&rd, o_bad_offset);
}

bool wrtp_msg_decode_invoke(const uint8_t *i_body, size_t len, wrtp_msg_invoke *o_msg, uint32_t *o_bad_offset) {
    return wrtp_msg_decode_invoke_ext(i_body, len, false, o_msg, o_bad_offset);
}

bool wrtp_msg_decode_invoke_ext(const uint8_t *i_body, size_t len, bool long_names, wrtp_msg_invoke *o_msg,
                               uint32_t *o_bad_offset) {
    wrtp_rd rd;
    wrtp_rd_init(&rd, i_body, len);
    o_msg->fuel = wrtp_rd_u64(&rd);
    size_t at = rd.pos;
    o_msg->name_len = wrtp_rd_u8(&rd);
    if (!rd.bad && o_msg->name_len == 0 && long_names) {
        at = rd.pos;
        o_msg->name_len = wrtp_rd_u16(&rd);
        if (!rd.bad && o_msg->name_len > WRTP_PROTO_MAX_LONG_NAME) {
            *o_bad_offset = (uint32_t)at;
            return false;
        }
    } else if (!rd.bad && (o_msg->name_len == 0 || o_msg->name_len > WRTP_PROTO_MAX_NAME)) {
        *o_bad_offset = (uint32_t)at;
        return false;
    }
    o_msg->name = (const char *)wrtp_rd_bytes(&rd, o_msg->name_len);
    at = rd.pos;
    o_msg->nargs = wrtp_rd_u8(&rd);
    if (!rd.bad && o_msg->nargs > WRTP_PROTO_MAX_VALUES) {
        *o_bad_offset = (uint32_t)at;
        return false;
    }
    for (uint8_t i = 0; i < o_msg->nargs && !rd.bad; i++) {
        if (!wrtp_rd_value(&rd, &o_msg->args[i])) break;
    }
    /* Optional trailing instance id (docs/protocol.md §4a): exactly two more bytes. */
    o_msg->has_instance = !rd.bad && len - rd.pos == 2u;
    o_msg->instance = o_msg->has_instance ? wrtp_rd_u16(&rd) : 0u;
    return wrtp_msg_done(&rd, o_bad_offset);
}

/*
 * A u8-prefixed export name of at most WRTP_PROTO_MAX_NAME bytes (at least one when `required`);
 * out of bounds, the reader goes bad at its length byte, so the decode names that offset.
 */
static const char *wrtp_rd_export_name(wrtp_rd *io_rd, uint8_t *o_len, bool required) {
    size_t at = io_rd->pos;
    *o_len = wrtp_rd_u8(io_rd);
    if (!io_rd->bad && ((required && *o_len == 0u) || *o_len > WRTP_PROTO_MAX_NAME)) {
        io_rd->pos = at;
        io_rd->bad = true;
        return NULL;
    }
    return (const char *)wrtp_rd_bytes(io_rd, *o_len);
}

/* The part COMPONENT_INVOKE and COMPONENT_ADAPTER share; false with *o_bad_offset at a bad field. */
static bool wrtp_msg_read_component_call(wrtp_rd *io_rd, wrtp_msg_component_invoke *o_msg, uint32_t *o_bad_offset) {
    /* Through the pointer: a struct copy becomes a memcpy call on some targets. */
    wrtp_rd *rd = io_rd;
    o_msg->fuel = wrtp_rd_u64(rd);
    o_msg->instance = wrtp_rd_u16(rd);
    size_t at = rd->pos;
    o_msg->encoding = wrtp_rd_u8(rd);
    if (!rd->bad && o_msg->encoding > 2u) {
        *o_bad_offset = (uint32_t)at;
        return false;
    }
    o_msg->name = wrtp_rd_export_name(rd, &o_msg->name_len, true);
    o_msg->realloc = wrtp_rd_export_name(rd, &o_msg->realloc_len, false);
    o_msg->post_return = wrtp_rd_export_name(rd, &o_msg->post_return_len, false);
    o_msg->params_len = wrtp_rd_u16(rd);
    o_msg->params = wrtp_rd_bytes(rd, o_msg->params_len);
    o_msg->result_len = wrtp_rd_u16(rd);
    o_msg->result = wrtp_rd_bytes(rd, o_msg->result_len);
    o_msg->args_len = wrtp_rd_u16(rd);
    o_msg->args = wrtp_rd_bytes(rd, o_msg->args_len);
    o_msg->memory = 0;
    o_msg->owner = 0;
    return true;
}

bool wrtp_msg_decode_component_invoke(const uint8_t *i_body, size_t len, wrtp_msg_component_invoke *o_msg,
                                      uint32_t *o_bad_offset) {
    wrtp_rd rd;
    wrtp_rd_init(&rd, i_body, len);
    if (!wrtp_msg_read_component_call(&rd, o_msg, o_bad_offset)) return false;
#if WRTP_PROTO_SESSION_FEATURES
    /* Multi-memory (feature bit 17): a lift whose memory is another instance's. */
    if (!rd.bad && rd.len - rd.pos >= 2u) o_msg->memory = wrtp_rd_u16(&rd);
#endif
#if WRTP_PROTO_COMPONENT_LINK
    /* Host handles (feature bit 18): the component instance whose handle table the lift uses. */
    if (!rd.bad && rd.len - rd.pos == 2u) o_msg->owner = wrtp_rd_u16(&rd);
#endif
    return wrtp_msg_done(&rd, o_bad_offset);
}

#if WRTP_PROTO_COMPONENT_LINK
bool wrtp_msg_decode_component_adapter(const uint8_t *i_body, size_t len, wrtp_msg_component_adapter *o_msg,
                                       uint32_t *o_bad_offset) {
    wrtp_rd rd;
    wrtp_rd_init(&rd, i_body, len);
    if (!wrtp_msg_read_component_call(&rd, &o_msg->callee, o_bad_offset)) return false;
    o_msg->callee_memory = wrtp_rd_u16(&rd);
    o_msg->caller_memory = wrtp_rd_u16(&rd);
    o_msg->caller_realloc_instance = wrtp_rd_u16(&rd);
    o_msg->caller_realloc = wrtp_rd_export_name(&rd, &o_msg->caller_realloc_len, false);
    size_t at = rd.pos;
    o_msg->caller_encoding = wrtp_rd_u8(&rd);
    if (!rd.bad && o_msg->caller_encoding > 2u) {
        *o_bad_offset = (uint32_t)at;
        return false;
    }
    o_msg->caller_owner = wrtp_rd_u16(&rd);
    o_msg->callee_owner = wrtp_rd_u16(&rd);
    return wrtp_msg_done(&rd, o_bad_offset);
}

bool wrtp_msg_decode_component_resource(const uint8_t *i_body, size_t len, wrtp_msg_component_resource *o_msg,
                                        uint32_t *o_bad_offset) {
    wrtp_rd rd;
    wrtp_rd_init(&rd, i_body, len);
    o_msg->op = wrtp_rd_u8(&rd);
    if (!rd.bad && o_msg->op > 5u) {
        *o_bad_offset = 0;
        return false;
    }
    o_msg->rt = 0;
    o_msg->owner = 0;
    o_msg->dtor_instance = 0;
    o_msg->dtor = NULL;
    o_msg->dtor_len = 0;
    o_msg->realloc = o_msg->iface = o_msg->func = NULL;
    o_msg->realloc_len = o_msg->iface_len = o_msg->func_len = 0;
    o_msg->memory = o_msg->realloc_instance = 0;
    o_msg->encoding = 0;
    o_msg->params = o_msg->result = NULL;
    o_msg->params_len = o_msg->result_len = 0;
    if (o_msg->op == 4u) {
        o_msg->owner = wrtp_rd_u16(&rd);
        o_msg->memory = wrtp_rd_u16(&rd);
        o_msg->realloc_instance = wrtp_rd_u16(&rd);
        o_msg->realloc = wrtp_rd_export_name(&rd, &o_msg->realloc_len, false);
        size_t at = rd.pos;
        o_msg->encoding = wrtp_rd_u8(&rd);
        if (!rd.bad && o_msg->encoding > 2u) {
            *o_bad_offset = (uint32_t)at;
            return false;
        }
        o_msg->iface = wrtp_rd_export_name(&rd, &o_msg->iface_len, true);
        o_msg->func = wrtp_rd_export_name(&rd, &o_msg->func_len, true);
        o_msg->params_len = wrtp_rd_u16(&rd);
        o_msg->params = wrtp_rd_bytes(&rd, o_msg->params_len);
        o_msg->result_len = wrtp_rd_u16(&rd);
        o_msg->result = wrtp_rd_bytes(&rd, o_msg->result_len);
    } else if (o_msg->op == 0u) {
        o_msg->owner = wrtp_rd_u16(&rd);
        o_msg->dtor_instance = wrtp_rd_u16(&rd);
        o_msg->dtor = wrtp_rd_export_name(&rd, &o_msg->dtor_len, false);
    } else {
        o_msg->rt = wrtp_rd_u16(&rd);
        o_msg->owner = wrtp_rd_u16(&rd);
    }
    return wrtp_msg_done(&rd, o_bad_offset);
}
#endif

void wrtp_msg_encode_component_result(wrtp_wr *io_wr, const wrtp_msg_component_result *i_msg) {
    uint16_t n = i_msg->trap == 0u ? i_msg->values_len : 0u;
    wrtp_wr_u32(io_wr, i_msg->trap);
    wrtp_wr_u32(io_wr, i_msg->trap_func);
    wrtp_wr_u64(io_wr, i_msg->fuel_used);
    wrtp_wr_u32(io_wr, i_msg->peak_stack_bytes);
    wrtp_wr_u8(io_wr, i_msg->phase);
    wrtp_wr_u16(io_wr, n);
    wrtp_wr_bytes(io_wr, i_msg->values, n);
}

bool wrtp_msg_decode_session(const uint8_t *i_body, size_t len, uint8_t *o_mode, uint8_t *o_features, uint32_t *o_bad_offset) {
    wrtp_rd rd;
    wrtp_rd_init(&rd, i_body, len);
    *o_mode = WRTP_SESSION_QUERY;
    *o_features = WRTP_SESSION_FEATURES_UNCHANGED;
    if (len == 0u) return true;
    *o_mode = wrtp_rd_u8(&rd);
    if (*o_mode > WRTP_SESSION_KEEP) {
        *o_bad_offset = 0;
        return false;
    }
#if WRTP_PROTO_SESSION_FEATURES
    if (len >= 2u) {
        *o_features = wrtp_rd_u8(&rd);
        if ((*o_features & (uint8_t)~WRTP_SESSION_FEATURES_KNOWN) != 0u) {
            *o_bad_offset = 1;
            return false;
        }
    }
#endif
    return wrtp_msg_done(&rd, o_bad_offset);
}

bool wrtp_msg_decode_named(const uint8_t *i_body, size_t len, wrtp_msg_named *o_msg, uint32_t *o_bad_offset) {
    wrtp_rd rd;
    wrtp_rd_init(&rd, i_body, len);
    o_msg->instance = wrtp_rd_u16(&rd);
    size_t at = rd.pos;
    o_msg->name_len = wrtp_rd_u16(&rd);
    if (!rd.bad && o_msg->name_len > WRTP_PROTO_MAX_LONG_NAME) {
        *o_bad_offset = (uint32_t)at;
        return false;
    }
    o_msg->name = (const char *)wrtp_rd_bytes(&rd, o_msg->name_len);
    return wrtp_msg_done(&rd, o_bad_offset);
}

bool wrtp_msg_decode_args(const uint8_t *i_body, size_t len, wrtp_msg_args *o_msg, uint32_t *o_bad_offset) {
    wrtp_rd rd;
    wrtp_rd_init(&rd, i_body, len);
    o_msg->argc = wrtp_rd_u8(&rd);
    o_msg->envc = wrtp_rd_u8(&rd);
    uint32_t count = (uint32_t)o_msg->argc + o_msg->envc;
    if (!rd.bad && count > WRTP_PROTO_MAX_ARGS) {
        *o_bad_offset = 0;
        return false;
    }
    for (uint32_t i = 0; i < count && !rd.bad; i++) {
        size_t at = rd.pos;
        o_msg->len[i] = wrtp_rd_u16(&rd);
        o_msg->str[i] = wrtp_rd_bytes(&rd, o_msg->len[i]);
        for (uint32_t k = 0; !rd.bad && k < o_msg->len[i]; k++) {
            if (o_msg->str[i][k] == 0u) {
                *o_bad_offset = (uint32_t)at;
                return false;
            }
        }
    }
    return wrtp_msg_done(&rd, o_bad_offset);
}

/* A u8-prefixed name of 1 .. WRTP_PROTO_MAX_HOST_NAME bytes. */
static const uint8_t *wrtp_rd_host_name(wrtp_rd *io_rd, uint8_t *o_len) {
    size_t at = io_rd->pos;
    *o_len = wrtp_rd_u8(io_rd);
    if (!io_rd->bad && (*o_len == 0u || *o_len > WRTP_PROTO_MAX_HOST_NAME)) {
        io_rd->pos = at;
        io_rd->bad = true;
        return NULL;
    }
    return wrtp_rd_bytes(io_rd, *o_len);
}

/* A u8-prefixed list of at most WRTP_PROTO_MAX_VALUES value type codes. */
static const uint8_t *wrtp_rd_types(wrtp_rd *io_rd, uint8_t *o_count) {
    size_t at = io_rd->pos;
    *o_count = wrtp_rd_u8(io_rd);
    if (!io_rd->bad && *o_count > WRTP_PROTO_MAX_VALUES) {
        io_rd->pos = at;
        io_rd->bad = true;
        return NULL;
    }
    const uint8_t *types = wrtp_rd_bytes(io_rd, *o_count);
    for (uint8_t i = 0; types != NULL && i < *o_count; i++) {
        if (wrtp_wire_value_size(types[i]) == 0u) {
            io_rd->pos = at + 1u + i;
            io_rd->bad = true;
            return NULL;
        }
    }
    return types;
}

bool wrtp_msg_decode_host_imports(const uint8_t *i_body, size_t len, wrtp_msg_host_imports *o_msg, uint32_t *o_bad_offset) {
    wrtp_rd rd;
    wrtp_rd_init(&rd, i_body, len);
    o_msg->flags = wrtp_rd_u8(&rd);
    if (!rd.bad && (o_msg->flags & (uint8_t)~WRTP_HOST_TRACE_ALL) != 0u) {
        *o_bad_offset = 0;
        return false;
    }
    o_msg->count = wrtp_rd_u8(&rd);
    if (!rd.bad && o_msg->count > WRTP_PROTO_MAX_HOST_IMPORTS) {
        *o_bad_offset = 1;
        return false;
    }
    for (uint8_t i = 0; i < o_msg->count && !rd.bad; i++) {
        wrtp_host_import *imp = &o_msg->imports[i];
        imp->module = wrtp_rd_host_name(&rd, &imp->module_len);
        imp->field = wrtp_rd_host_name(&rd, &imp->field_len);
        imp->params = wrtp_rd_types(&rd, &imp->nparams);
        imp->results = wrtp_rd_types(&rd, &imp->nresults);
    }
    return wrtp_msg_done(&rd, o_bad_offset);
}

bool wrtp_msg_decode_host_result(const uint8_t *i_body, size_t len, wrtp_msg_host_result *o_msg, uint32_t *o_bad_offset) {
    wrtp_rd rd;
    wrtp_rd_init(&rd, i_body, len);
    o_msg->boot_id = wrtp_rd_u32(&rd);
    o_msg->call_id = wrtp_rd_u32(&rd);
    o_msg->status = wrtp_rd_u8(&rd);
    if (!rd.bad && o_msg->status > WRTP_HOST_RESULT_FAILED) {
        *o_bad_offset = 8;
        return false;
    }
    size_t at = rd.pos;
    o_msg->nresults = wrtp_rd_u8(&rd);
    if (!rd.bad && (o_msg->nresults > WRTP_PROTO_MAX_VALUES ||
                    (o_msg->status == WRTP_HOST_RESULT_FAILED && o_msg->nresults != 0u))) {
        *o_bad_offset = (uint32_t)at;
        return false;
    }
    for (uint8_t i = 0; i < o_msg->nresults && !rd.bad; i++) {
        if (!wrtp_rd_value(&rd, &o_msg->results[i])) break;
    }
    return wrtp_msg_done(&rd, o_bad_offset);
}

bool wrtp_msg_decode_breakpoints(const uint8_t *i_body, size_t len, wrtp_msg_breakpoints *o_msg, uint32_t *o_bad_offset) {
    wrtp_rd rd;
    wrtp_rd_init(&rd, i_body, len);
    o_msg->count = wrtp_rd_u8(&rd);
    if (!rd.bad && o_msg->count > WRTP_PROTO_MAX_BREAKPOINTS) {
        *o_bad_offset = 0;
        return false;
    }
    for (uint8_t i = 0; i < o_msg->count && !rd.bad; i++) o_msg->funcs[i] = wrtp_rd_u32(&rd);
    return wrtp_msg_done(&rd, o_bad_offset);
}

bool wrtp_msg_decode_reset(const uint8_t *i_body, size_t len, uint8_t *o_kind, uint32_t *o_bad_offset) {
    wrtp_rd rd;
    wrtp_rd_init(&rd, i_body, len);
    *o_kind = wrtp_rd_u8(&rd);
    if (!rd.bad && *o_kind > WRTP_RESET_DEVICE) {
        *o_bad_offset = 0;
        return false;
    }
    return wrtp_msg_done(&rd, o_bad_offset);
}

size_t wrtp_strnlen(const char *s, size_t max) {
    size_t n = 0;
    if (s == NULL) return 0;
    while (n < max && s[n] != '\0') n++;
    return n;
}

void wrtp_msg_encode_hello(wrtp_wr *io_wr, const wrtp_msg_hello *i_msg) {
    size_t id_len = wrtp_strnlen(i_msg->device_id, WRTP_PROTO_DEVICE_ID_MAX);
    wrtp_wr_u8(io_wr, WRTP_PROTO_VERSION);
    wrtp_wr_u8(io_wr, (uint8_t)id_len);
    wrtp_wr_u16(io_wr, i_msg->max_frame);
    wrtp_wr_u32(io_wr, i_msg->interp_version);
    wrtp_wr_u32(io_wr, i_msg->arena_bytes);
    wrtp_wr_u32(io_wr, i_msg->ram_bytes);
    wrtp_wr_u32(io_wr, i_msg->upload_capacity);
    wrtp_wr_u32(io_wr, i_msg->profile_capacity);
    wrtp_wr_u32(io_wr, i_msg->features);
    wrtp_wr_u32(io_wr, i_msg->boot_id);
    wrtp_wr_bytes(io_wr, (const uint8_t *)i_msg->device_id, id_len);
}

void wrtp_msg_encode_invoke_result(wrtp_wr *io_wr, const wrtp_msg_invoke_result *i_msg) {
    uint8_t n = i_msg->trap == 0 ? i_msg->nresults : 0;
    if (n > WRTP_PROTO_MAX_VALUES) {
        io_wr->bad = true;
        return;
    }
    wrtp_wr_u32(io_wr, i_msg->trap);
    wrtp_wr_u32(io_wr, i_msg->trap_func);
    wrtp_wr_u64(io_wr, i_msg->fuel_used);
    wrtp_wr_u32(io_wr, i_msg->peak_stack_bytes);
    wrtp_wr_u8(io_wr, n);
    for (uint8_t i = 0; i < n; i++) wrtp_wr_value(io_wr, &i_msg->results[i]);
    if (i_msg->trap == 0) return;
    uint8_t frames = i_msg->nframes < WRTP_PROTO_MAX_TRAP_FRAMES ? i_msg->nframes : (uint8_t)WRTP_PROTO_MAX_TRAP_FRAMES;
    wrtp_wr_u32(io_wr, i_msg->depth);
    wrtp_wr_u8(io_wr, frames);
    for (uint8_t i = 0; i < frames; i++) {
        wrtp_wr_u32(io_wr, i_msg->frames[i].func);
        wrtp_wr_u32(io_wr, i_msg->frames[i].cell);
    }
}

void wrtp_msg_encode_error(wrtp_wr *io_wr, uint16_t code, uint8_t about_type, uint32_t detail, uint32_t limit,
                          const char *message) {
    size_t m = wrtp_strnlen(message, 200);
    wrtp_wr_u16(io_wr, code);
    wrtp_wr_u8(io_wr, about_type);
    wrtp_wr_u8(io_wr, (uint8_t)m);
    wrtp_wr_u32(io_wr, detail);
    wrtp_wr_u32(io_wr, limit);
    wrtp_wr_bytes(io_wr, (const uint8_t *)message, m);
}

void wrtp_msg_encode_session(wrtp_wr *io_wr, const wrtp_msg_session *i_msg) {
    wrtp_wr_u8(io_wr, i_msg->mode);
    wrtp_wr_u8(io_wr, i_msg->features);
    wrtp_wr_u16(io_wr, i_msg->instances);
    wrtp_wr_u16(io_wr, i_msg->max_instances);
    wrtp_wr_u16(io_wr, i_msg->latest);
    wrtp_wr_u16(io_wr, i_msg->registrations);
    wrtp_wr_u16(io_wr, i_msg->max_registrations);
}

void wrtp_msg_encode_stat(wrtp_wr *io_wr, const char *name, uint64_t value) {
    size_t n = wrtp_strnlen(name, WRTP_PROTO_STAT_NAME_MAX);
    if (n == 0) {
        io_wr->bad = true;
        return;
    }
    wrtp_wr_u8(io_wr, (uint8_t)n);
    wrtp_wr_bytes(io_wr, (const uint8_t *)name, n);
    wrtp_wr_u64(io_wr, value);
}

static void wrtp_wr_values(wrtp_wr *io_wr, uint8_t n, const wrtp_wire_value *i_values) {
    wrtp_wr_u8(io_wr, n);
    for (uint8_t i = 0; i < n; i++) wrtp_wr_value(io_wr, &i_values[i]);
}

void wrtp_msg_encode_host_call(wrtp_wr *io_wr, const wrtp_msg_host_call *i_msg) {
    wrtp_wr_u32(io_wr, i_msg->boot_id);
    wrtp_wr_u32(io_wr, i_msg->call_id);
    wrtp_wr_u8(io_wr, i_msg->import);
    wrtp_wr_values(io_wr, i_msg->nargs, i_msg->args);
}

void wrtp_msg_encode_host_trace(wrtp_wr *io_wr, const wrtp_msg_host_trace *i_msg) {
    wrtp_wr_u32(io_wr, i_msg->trap);
    wrtp_wr_u8(io_wr, i_msg->module_len);
    wrtp_wr_bytes(io_wr, i_msg->module, i_msg->module_len);
    wrtp_wr_u8(io_wr, i_msg->field_len);
    wrtp_wr_bytes(io_wr, i_msg->field, i_msg->field_len);
    wrtp_wr_values(io_wr, i_msg->nargs, i_msg->args);
    wrtp_wr_values(io_wr, i_msg->nresults, i_msg->results);
}

void wrtp_msg_encode_log_record(wrtp_wr *io_wr, uint8_t level, const uint8_t *i_context, size_t context_len,
                               const uint8_t *i_message, size_t message_len) {
    size_t room = io_wr->cap - io_wr->len;
    if (room < 2u) {
        io_wr->bad = true;
        return;
    }
    room -= 2u;
    size_t ctx = context_len < 255u ? context_len : 255u;
    if (ctx > room) ctx = room;
    size_t msg = message_len < room - ctx ? message_len : room - ctx;
    wrtp_wr_u8(io_wr, (uint8_t)(WRTP_LOG_RECORD | level));
    wrtp_wr_u8(io_wr, (uint8_t)ctx);
    wrtp_wr_bytes(io_wr, i_context, ctx);
    wrtp_wr_bytes(io_wr, i_message, msg);
}

void wrtp_msg_encode_break(wrtp_wr *io_wr, const wrtp_msg_break *i_msg) {
    wrtp_wr_u32(io_wr, i_msg->hit);
    wrtp_wr_u32(io_wr, i_msg->func);
    wrtp_wr_u32(io_wr, i_msg->depth);
    wrtp_wr_values(io_wr, i_msg->nargs, i_msg->args);
    wrtp_wr_u8(io_wr, i_msg->nframes);
    for (uint8_t i = 0; i < i_msg->nframes; i++) {
        wrtp_wr_u32(io_wr, i_msg->frames[i].func);
        wrtp_wr_u32(io_wr, i_msg->frames[i].cell);
    }
}
