#include "wrt_msg.h"

void wrt_rd_init(wrt_rd *o_rd, const uint8_t *i_bytes, size_t len) {
    o_rd->p = i_bytes;
    o_rd->len = len;
    o_rd->pos = 0;
    o_rd->bad = false;
}

const uint8_t *wrt_rd_bytes(wrt_rd *io_rd, size_t n) {
    if (io_rd->bad || n > io_rd->len - io_rd->pos) {
        io_rd->bad = true;
        return NULL;
    }
    const uint8_t *at = io_rd->p + io_rd->pos;
    io_rd->pos += n;
    return at;
}

static uint64_t wrt_rd_le(wrt_rd *io_rd, size_t n) {
    const uint8_t *at = wrt_rd_bytes(io_rd, n);
    uint64_t v = 0;
    if (at == NULL) return 0;
    for (size_t i = 0; i < n; i++) v |= (uint64_t)at[i] << (8u * i);
    return v;
}

uint8_t wrt_rd_u8(wrt_rd *io_rd) { return (uint8_t)wrt_rd_le(io_rd, 1); }
uint16_t wrt_rd_u16(wrt_rd *io_rd) { return (uint16_t)wrt_rd_le(io_rd, 2); }
uint32_t wrt_rd_u32(wrt_rd *io_rd) { return (uint32_t)wrt_rd_le(io_rd, 4); }
uint64_t wrt_rd_u64(wrt_rd *io_rd) { return wrt_rd_le(io_rd, 8); }

void wrt_wr_init(wrt_wr *o_wr, uint8_t *o_bytes, size_t cap) {
    o_wr->p = o_bytes;
    o_wr->cap = cap;
    o_wr->len = 0;
    o_wr->bad = false;
}

void wrt_wr_bytes(wrt_wr *io_wr, const uint8_t *i_bytes, size_t n) {
    if (io_wr->bad || n > io_wr->cap - io_wr->len) {
        io_wr->bad = true;
        return;
    }
    for (size_t i = 0; i < n; i++) io_wr->p[io_wr->len + i] = i_bytes[i];
    io_wr->len += n;
}

static void wrt_wr_le(wrt_wr *io_wr, uint64_t v, size_t n) {
    uint8_t b[8];
    for (size_t i = 0; i < n; i++) b[i] = (uint8_t)(v >> (8u * i));
    wrt_wr_bytes(io_wr, b, n);
}

void wrt_wr_u8(wrt_wr *io_wr, uint8_t v) { wrt_wr_le(io_wr, v, 1); }
void wrt_wr_u16(wrt_wr *io_wr, uint16_t v) { wrt_wr_le(io_wr, v, 2); }
void wrt_wr_u32(wrt_wr *io_wr, uint32_t v) { wrt_wr_le(io_wr, v, 4); }
void wrt_wr_u64(wrt_wr *io_wr, uint64_t v) { wrt_wr_le(io_wr, v, 8); }

size_t wrt_wire_value_size(uint8_t type) {
    switch (type) {
    case WRT_WIRE_I32:
    case WRT_WIRE_F32:
    case WRT_WIRE_FUNCREF:
    case WRT_WIRE_EXTERNREF:
        return 4;
    case WRT_WIRE_I64:
    case WRT_WIRE_F64:
        return 8;
    default:
        return 0;
    }
}

bool wrt_rd_value(wrt_rd *io_rd, wrt_wire_value *o_value) {
    size_t at = io_rd->pos;
    uint8_t type = wrt_rd_u8(io_rd);
    size_t size = wrt_wire_value_size(type);
    if (io_rd->bad || size == 0) {
        io_rd->pos = at;
        io_rd->bad = true;
        return false;
    }
    o_value->type = type;
    o_value->bits = size == 4u ? wrt_rd_u32(io_rd) : wrt_rd_u64(io_rd);
    return !io_rd->bad;
}

void wrt_wr_value(wrt_wr *io_wr, const wrt_wire_value *i_value) {
    size_t size = wrt_wire_value_size(i_value->type);
    if (size == 0) {
        io_wr->bad = true;
        return;
    }
    wrt_wr_u8(io_wr, i_value->type);
    if (size == 4u) wrt_wr_u32(io_wr, (uint32_t)i_value->bits);
    else wrt_wr_u64(io_wr, i_value->bits);
}

/* Ends a decode: the reader must have consumed the whole body without running short. */
static bool wrt_msg_done(const wrt_rd *i_rd, uint32_t *o_bad_offset) {
    if (i_rd->bad || i_rd->pos != i_rd->len) {
        *o_bad_offset = (uint32_t)i_rd->pos;
        return false;
    }
    return true;
}

bool wrt_msg_decode_empty(const uint8_t *i_body, size_t len, uint32_t *o_bad_offset) {
    wrt_rd rd;
    wrt_rd_init(&rd, i_body, len);
    return wrt_msg_done(&rd, o_bad_offset);
}

bool wrt_msg_decode_begin(const uint8_t *i_body, size_t len, wrt_msg_begin *o_msg, uint32_t *o_bad_offset) {
    wrt_rd rd;
    wrt_rd_init(&rd, i_body, len);
    o_msg->size = wrt_rd_u32(&rd);
    o_msg->sha256 = wrt_rd_bytes(&rd, WRT_PROTO_SHA256_BYTES);
    o_msg->profile_len = wrt_rd_u16(&rd);
    o_msg->profile = wrt_rd_bytes(&rd, o_msg->profile_len);
    /* Size 0 is an upload too: an empty module, which the engine then refuses as malformed. */
    return wrt_msg_done(&rd, o_bad_offset);
}

bool wrt_msg_decode_chunk(const uint8_t *i_body, size_t len, wrt_msg_chunk *o_msg, uint32_t *o_bad_offset) {
    wrt_rd rd;
    wrt_rd_init(&rd, i_body, len);
    o_msg->offset = wrt_rd_u32(&rd);
    if (rd.bad || rd.pos == len) {
        *o_bad_offset = (uint32_t)rd.pos;
        return false;
    }
    o_msg->len = len - rd.pos;
    o_msg->data = wrt_rd_bytes(&rd, o_msg->len);
    return wrt_msg_done(&rd, o_bad_offset);
}

bool wrt_msg_decode_invoke(const uint8_t *i_body, size_t len, wrt_msg_invoke *o_msg, uint32_t *o_bad_offset) {
    return wrt_msg_decode_invoke_ext(i_body, len, false, o_msg, o_bad_offset);
}

bool wrt_msg_decode_invoke_ext(const uint8_t *i_body, size_t len, bool long_names, wrt_msg_invoke *o_msg,
                               uint32_t *o_bad_offset) {
    wrt_rd rd;
    wrt_rd_init(&rd, i_body, len);
    o_msg->fuel = wrt_rd_u64(&rd);
    size_t at = rd.pos;
    o_msg->name_len = wrt_rd_u8(&rd);
    if (!rd.bad && o_msg->name_len == 0 && long_names) {
        at = rd.pos;
        o_msg->name_len = wrt_rd_u16(&rd);
        if (!rd.bad && o_msg->name_len > WRT_PROTO_MAX_LONG_NAME) {
            *o_bad_offset = (uint32_t)at;
            return false;
        }
    } else if (!rd.bad && (o_msg->name_len == 0 || o_msg->name_len > WRT_PROTO_MAX_NAME)) {
        *o_bad_offset = (uint32_t)at;
        return false;
    }
    o_msg->name = (const char *)wrt_rd_bytes(&rd, o_msg->name_len);
    at = rd.pos;
    o_msg->nargs = wrt_rd_u8(&rd);
    if (!rd.bad && o_msg->nargs > WRT_PROTO_MAX_VALUES) {
        *o_bad_offset = (uint32_t)at;
        return false;
    }
    for (uint8_t i = 0; i < o_msg->nargs && !rd.bad; i++) {
        if (!wrt_rd_value(&rd, &o_msg->args[i])) break;
    }
    /* Optional trailing instance id (docs/protocol.md §4a): exactly two more bytes. */
    o_msg->has_instance = !rd.bad && len - rd.pos == 2u;
    o_msg->instance = o_msg->has_instance ? wrt_rd_u16(&rd) : 0u;
    return wrt_msg_done(&rd, o_bad_offset);
}

bool wrt_msg_decode_session(const uint8_t *i_body, size_t len, uint8_t *o_mode, uint32_t *o_bad_offset) {
    wrt_rd rd;
    wrt_rd_init(&rd, i_body, len);
    *o_mode = WRT_SESSION_QUERY;
    if (len == 0u) return true;
    *o_mode = wrt_rd_u8(&rd);
    if (*o_mode > WRT_SESSION_KEEP) {
        *o_bad_offset = 0;
        return false;
    }
    return wrt_msg_done(&rd, o_bad_offset);
}

bool wrt_msg_decode_named(const uint8_t *i_body, size_t len, wrt_msg_named *o_msg, uint32_t *o_bad_offset) {
    wrt_rd rd;
    wrt_rd_init(&rd, i_body, len);
    o_msg->instance = wrt_rd_u16(&rd);
    size_t at = rd.pos;
    o_msg->name_len = wrt_rd_u16(&rd);
    if (!rd.bad && o_msg->name_len > WRT_PROTO_MAX_LONG_NAME) {
        *o_bad_offset = (uint32_t)at;
        return false;
    }
    o_msg->name = (const char *)wrt_rd_bytes(&rd, o_msg->name_len);
    return wrt_msg_done(&rd, o_bad_offset);
}

bool wrt_msg_decode_args(const uint8_t *i_body, size_t len, wrt_msg_args *o_msg, uint32_t *o_bad_offset) {
    wrt_rd rd;
    wrt_rd_init(&rd, i_body, len);
    o_msg->argc = wrt_rd_u8(&rd);
    o_msg->envc = wrt_rd_u8(&rd);
    uint32_t count = (uint32_t)o_msg->argc + o_msg->envc;
    if (!rd.bad && count > WRT_PROTO_MAX_ARGS) {
        *o_bad_offset = 0;
        return false;
    }
    for (uint32_t i = 0; i < count && !rd.bad; i++) {
        size_t at = rd.pos;
        o_msg->len[i] = wrt_rd_u16(&rd);
        o_msg->str[i] = wrt_rd_bytes(&rd, o_msg->len[i]);
        for (uint32_t k = 0; !rd.bad && k < o_msg->len[i]; k++) {
            if (o_msg->str[i][k] == 0u) {
                *o_bad_offset = (uint32_t)at;
                return false;
            }
        }
    }
    return wrt_msg_done(&rd, o_bad_offset);
}

bool wrt_msg_decode_reset(const uint8_t *i_body, size_t len, uint8_t *o_kind, uint32_t *o_bad_offset) {
    wrt_rd rd;
    wrt_rd_init(&rd, i_body, len);
    *o_kind = wrt_rd_u8(&rd);
    if (!rd.bad && *o_kind > WRT_RESET_DEVICE) {
        *o_bad_offset = 0;
        return false;
    }
    return wrt_msg_done(&rd, o_bad_offset);
}

size_t wrt_strnlen(const char *s, size_t max) {
    size_t n = 0;
    if (s == NULL) return 0;
    while (n < max && s[n] != '\0') n++;
    return n;
}

void wrt_msg_encode_hello(wrt_wr *io_wr, const wrt_msg_hello *i_msg) {
    size_t id_len = wrt_strnlen(i_msg->device_id, WRT_PROTO_DEVICE_ID_MAX);
    wrt_wr_u8(io_wr, WRT_PROTO_VERSION);
    wrt_wr_u8(io_wr, (uint8_t)id_len);
    wrt_wr_u16(io_wr, i_msg->max_frame);
    wrt_wr_u32(io_wr, i_msg->interp_version);
    wrt_wr_u32(io_wr, i_msg->arena_bytes);
    wrt_wr_u32(io_wr, i_msg->ram_bytes);
    wrt_wr_u32(io_wr, i_msg->upload_capacity);
    wrt_wr_u32(io_wr, i_msg->profile_capacity);
    wrt_wr_u32(io_wr, i_msg->features);
    wrt_wr_u32(io_wr, i_msg->boot_id);
    wrt_wr_bytes(io_wr, (const uint8_t *)i_msg->device_id, id_len);
}

void wrt_msg_encode_invoke_result(wrt_wr *io_wr, const wrt_msg_invoke_result *i_msg) {
    uint8_t n = i_msg->trap == 0 ? i_msg->nresults : 0;
    if (n > WRT_PROTO_MAX_VALUES) {
        io_wr->bad = true;
        return;
    }
    wrt_wr_u32(io_wr, i_msg->trap);
    wrt_wr_u32(io_wr, i_msg->trap_func);
    wrt_wr_u64(io_wr, i_msg->fuel_used);
    wrt_wr_u32(io_wr, i_msg->peak_stack_bytes);
    wrt_wr_u8(io_wr, n);
    for (uint8_t i = 0; i < n; i++) wrt_wr_value(io_wr, &i_msg->results[i]);
}

void wrt_msg_encode_error(wrt_wr *io_wr, uint16_t code, uint8_t about_type, uint32_t detail, uint32_t limit,
                          const char *message) {
    size_t m = wrt_strnlen(message, 200);
    wrt_wr_u16(io_wr, code);
    wrt_wr_u8(io_wr, about_type);
    wrt_wr_u8(io_wr, (uint8_t)m);
    wrt_wr_u32(io_wr, detail);
    wrt_wr_u32(io_wr, limit);
    wrt_wr_bytes(io_wr, (const uint8_t *)message, m);
}

void wrt_msg_encode_session(wrt_wr *io_wr, const wrt_msg_session *i_msg) {
    wrt_wr_u8(io_wr, i_msg->mode);
    wrt_wr_u8(io_wr, 0);
    wrt_wr_u16(io_wr, i_msg->instances);
    wrt_wr_u16(io_wr, i_msg->max_instances);
    wrt_wr_u16(io_wr, i_msg->latest);
    wrt_wr_u16(io_wr, i_msg->registrations);
    wrt_wr_u16(io_wr, i_msg->max_registrations);
}

void wrt_msg_encode_stat(wrt_wr *io_wr, const char *name, uint64_t value) {
    size_t n = wrt_strnlen(name, WRT_PROTO_STAT_NAME_MAX);
    if (n == 0) {
        io_wr->bad = true;
        return;
    }
    wrt_wr_u8(io_wr, (uint8_t)n);
    wrt_wr_bytes(io_wr, (const uint8_t *)name, n);
    wrt_wr_u64(io_wr, value);
}
