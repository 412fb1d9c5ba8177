/*
 * Message bodies (docs/protocol.md §3, §4): bounded little-endian readers and writers, request
 * decoders that name the body offset where a request went wrong, and answer encoders.
 */
#ifndef WRT_MSG_H
#define WRT_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt_proto.h"

/* A reader that never reads past `len`; `bad` sticks once a read would have. */
typedef struct wrt_rd {
    const uint8_t *p;
    size_t len;
    size_t pos;
    bool bad;
} wrt_rd;

/* A writer that never writes past `cap`; `bad` sticks once a write would have. */
typedef struct wrt_wr {
    uint8_t *p;
    size_t cap;
    size_t len;
    bool bad;
} wrt_wr;

void wrt_rd_init(wrt_rd *o_rd, const uint8_t *i_bytes, size_t len);
uint8_t wrt_rd_u8(wrt_rd *io_rd);
uint16_t wrt_rd_u16(wrt_rd *io_rd);
uint32_t wrt_rd_u32(wrt_rd *io_rd);
uint64_t wrt_rd_u64(wrt_rd *io_rd);
/* Returns a pointer to the next n bytes and skips them, or NULL (and bad) if there are fewer. */
const uint8_t *wrt_rd_bytes(wrt_rd *io_rd, size_t n);

void wrt_wr_init(wrt_wr *o_wr, uint8_t *o_bytes, size_t cap);
void wrt_wr_u8(wrt_wr *io_wr, uint8_t v);
void wrt_wr_u16(wrt_wr *io_wr, uint16_t v);
void wrt_wr_u32(wrt_wr *io_wr, uint32_t v);
void wrt_wr_u64(wrt_wr *io_wr, uint64_t v);
void wrt_wr_bytes(wrt_wr *io_wr, const uint8_t *i_bytes, size_t n);

/* A typed value: `type` is a WRT_WIRE_* code; `bits` holds i32/f32/refs in the low 32 bits. */
typedef struct wrt_wire_value {
    uint8_t type;
    uint64_t bits;
} wrt_wire_value;

/* Bytes a value of this type takes after its type byte, or 0 for an unknown type. */
size_t wrt_wire_value_size(uint8_t type);
/* Reads a typed value; false (with the reader's position at the bad byte) on an unknown type. */
bool wrt_rd_value(wrt_rd *io_rd, wrt_wire_value *o_value);
void wrt_wr_value(wrt_wr *io_wr, const wrt_wire_value *i_value);

typedef struct wrt_msg_begin {
    uint32_t size;
    const uint8_t *sha256;
    uint16_t profile_len;
    const uint8_t *profile;
} wrt_msg_begin;

typedef struct wrt_msg_chunk {
    uint32_t offset;
    const uint8_t *data;
    size_t len;
} wrt_msg_chunk;

typedef struct wrt_msg_invoke {
    uint64_t fuel;
    const char *name;
    uint16_t name_len;
    uint8_t nargs;
    wrt_wire_value args[WRT_PROTO_MAX_VALUES];
    bool has_instance;      /* the optional trailing instance id was sent */
    uint16_t instance;      /* 0: the latest */
} wrt_msg_invoke;

/* REGISTER and GLOBAL_GET: an instance (0 = the latest) and a name. */
typedef struct wrt_msg_named {
    uint16_t instance;
    const char *name;
    uint16_t name_len;
} wrt_msg_named;

/* ARGS: a WASI program's argv then its environment ("NAME=value"), pointing into the body. */
typedef struct wrt_msg_args {
    uint8_t argc;
    uint8_t envc;
    const uint8_t *str[WRT_PROTO_MAX_ARGS];
    uint16_t len[WRT_PROTO_MAX_ARGS];
} wrt_msg_args;

/* The SESSION answer (docs/protocol.md §4a). */
typedef struct wrt_msg_session {
    uint8_t mode;
    uint16_t instances;
    uint16_t max_instances;
    uint16_t latest;
    uint16_t registrations;
    uint16_t max_registrations;
} wrt_msg_session;

/*
 * Request decoders: return true, or false with *o_bad_offset set to the body offset where the
 * layout broke (a field missing, a count over its limit, bytes left over).
 */
bool wrt_msg_decode_empty(const uint8_t *i_body, size_t len, uint32_t *o_bad_offset);
bool wrt_msg_decode_begin(const uint8_t *i_body, size_t len, wrt_msg_begin *o_msg, uint32_t *o_bad_offset);
bool wrt_msg_decode_chunk(const uint8_t *i_body, size_t len, wrt_msg_chunk *o_msg, uint32_t *o_bad_offset);
bool wrt_msg_decode_invoke(const uint8_t *i_body, size_t len, wrt_msg_invoke *o_msg, uint32_t *o_bad_offset);
/*
 * INVOKE as a device with sessions reads it (docs/protocol.md §4a): `long_names` also accepts name
 * length 0 followed by a u16 length (0 .. WRT_PROTO_MAX_LONG_NAME), for empty and long export names.
 */
bool wrt_msg_decode_invoke_ext(const uint8_t *i_body, size_t len, bool long_names, wrt_msg_invoke *o_msg,
                               uint32_t *o_bad_offset);
bool wrt_msg_decode_reset(const uint8_t *i_body, size_t len, uint8_t *o_kind, uint32_t *o_bad_offset);
/* SESSION: an empty body sets *o_mode to WRT_SESSION_QUERY. */
bool wrt_msg_decode_session(const uint8_t *i_body, size_t len, uint8_t *o_mode, uint32_t *o_bad_offset);
/* REGISTER and GLOBAL_GET share one layout. */
bool wrt_msg_decode_named(const uint8_t *i_body, size_t len, wrt_msg_named *o_msg, uint32_t *o_bad_offset);
/* u8 argc, u8 envc, then argc + envc strings of u16 length + bytes (no NUL inside). */
bool wrt_msg_decode_args(const uint8_t *i_body, size_t len, wrt_msg_args *o_msg, uint32_t *o_bad_offset);

typedef struct wrt_msg_hello {
    uint16_t max_frame;
    uint32_t interp_version;
    uint32_t arena_bytes;
    uint32_t ram_bytes;
    uint32_t upload_capacity;
    uint32_t profile_capacity;
    uint32_t features;
    uint32_t boot_id;
    const char *device_id; /* ASCII, at most WRT_PROTO_DEVICE_ID_MAX bytes are sent */
} wrt_msg_hello;

typedef struct wrt_msg_invoke_result {
    uint32_t trap;
    uint32_t trap_func;
    uint64_t fuel_used;
    uint32_t peak_stack_bytes;
    uint8_t nresults;
    wrt_wire_value results[WRT_PROTO_MAX_VALUES];
} wrt_msg_invoke_result;

/* Answer encoders: write the body; the writer's `bad` says whether it fitted. */
void wrt_msg_encode_hello(wrt_wr *io_wr, const wrt_msg_hello *i_msg);
void wrt_msg_encode_invoke_result(wrt_wr *io_wr, const wrt_msg_invoke_result *i_msg);
void wrt_msg_encode_error(wrt_wr *io_wr, uint16_t code, uint8_t about_type, uint32_t detail, uint32_t limit,
                          const char *message);
void wrt_msg_encode_session(wrt_wr *io_wr, const wrt_msg_session *i_msg);
/* Appends one STATS counter (the count byte is written by the caller at body offset 0). */
void wrt_msg_encode_stat(wrt_wr *io_wr, const char *name, uint64_t value);

/* Length of a NUL-terminated string, at most `max`. */
size_t wrt_strnlen(const char *s, size_t max);

#endif
