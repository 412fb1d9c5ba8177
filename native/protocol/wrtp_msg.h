/*
 * Message bodies (docs/protocol.md §3, §4): bounded little-endian readers and writers, request
 * decoders that name the body offset where a request went wrong, and answer encoders.
 */
#ifndef WRTP_MSG_H
#define WRTP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrtp_proto.h"

/* A reader that never reads past `len`; `bad` sticks once a read would have. */
typedef struct wrtp_rd {
    const uint8_t *p;
    size_t len;
    size_t pos;
    bool bad;
} wrtp_rd;

/* A writer that never writes past `cap`; `bad` sticks once a write would have. */
typedef struct wrtp_wr {
    uint8_t *p;
    size_t cap;
    size_t len;
    bool bad;
} wrtp_wr;

void wrtp_rd_init(wrtp_rd *o_rd, const uint8_t *i_bytes, size_t len);
uint8_t wrtp_rd_u8(wrtp_rd *io_rd);
uint16_t wrtp_rd_u16(wrtp_rd *io_rd);
uint32_t wrtp_rd_u32(wrtp_rd *io_rd);
uint64_t wrtp_rd_u64(wrtp_rd *io_rd);
/* Returns a pointer to the next n bytes and skips them, or NULL (and bad) if there are fewer. */
const uint8_t *wrtp_rd_bytes(wrtp_rd *io_rd, size_t n);

void wrtp_wr_init(wrtp_wr *o_wr, uint8_t *o_bytes, size_t cap);
void wrtp_wr_u8(wrtp_wr *io_wr, uint8_t v);
void wrtp_wr_u16(wrtp_wr *io_wr, uint16_t v);
void wrtp_wr_u32(wrtp_wr *io_wr, uint32_t v);
void wrtp_wr_u64(wrtp_wr *io_wr, uint64_t v);
void wrtp_wr_bytes(wrtp_wr *io_wr, const uint8_t *i_bytes, size_t n);

/* A typed value: `type` is a WRTP_WIRE_* code; `bits` holds i32/f32/refs in the low 32 bits. */
typedef struct wrtp_wire_value {
    uint8_t type;
    uint64_t bits;
} wrtp_wire_value;

/* Bytes a value of this type takes after its type byte, or 0 for an unknown type. */
size_t wrtp_wire_value_size(uint8_t type);
/* Reads a typed value; false (with the reader's position at the bad byte) on an unknown type. */
bool wrtp_rd_value(wrtp_rd *io_rd, wrtp_wire_value *o_value);
void wrtp_wr_value(wrtp_wr *io_wr, const wrtp_wire_value *i_value);

typedef struct wrtp_msg_begin {
    uint32_t size;
    const uint8_t *sha256;
    uint16_t profile_len;
    const uint8_t *profile;
    uint64_t start_fuel; /* optional trailing u64; 0 when absent: the profile's budget */
} wrtp_msg_begin;

typedef struct wrtp_msg_chunk {
    uint32_t offset;
    const uint8_t *data;
    size_t len;
} wrtp_msg_chunk;

typedef struct wrtp_msg_invoke {
    uint64_t fuel;
    const char *name;
    uint16_t name_len;
    uint8_t nargs;
    wrtp_wire_value args[WRTP_PROTO_MAX_VALUES];
    bool has_instance;      /* the optional trailing instance id was sent */
    uint16_t instance;      /* 0: the latest */
} wrtp_msg_invoke;

/*
 * COMPONENT_INVOKE (docs/protocol.md §4e): a component function lifted from a core export. Names,
 * type encodings and argument bytes point into the body.
 */
typedef struct wrtp_msg_component_invoke {
    uint64_t fuel;
    uint16_t instance;        /* 0: the latest */
    uint8_t encoding;         /* string encoding of the canonical options: 0 utf8, 1 utf16, 2 latin1+utf16 */
    const char *name;         /* the core export lifted */
    uint8_t name_len;
    const char *realloc;      /* its realloc core export; length 0: none */
    uint8_t realloc_len;
    const char *post_return;  /* its post-return core export; length 0: none */
    uint8_t post_return_len;
    const uint8_t *params;    /* type encoding of the parameter tuple; length 0: no parameters */
    uint16_t params_len;
    const uint8_t *result;    /* type encoding of a tuple of the result; length 0: no result */
    uint16_t result_len;
    const uint8_t *args;      /* the arguments in the component model's value encoding */
    uint16_t args_len;
    uint16_t memory;          /* COMPONENT_INVOKE's optional trailing u16: the instance whose memory 0
                               * the options name; 0 (or absent): the function's own */
    uint16_t owner;           /* a second trailing u16 (feature bit 18): the component instance whose
                               * handle table the function's handles go to and come from; 0: none */
} wrtp_msg_component_invoke;

/*
 * COMPONENT_ADAPTER (docs/protocol.md §4f): a `canon lower` of a function another core instance
 * lifts, as a host function later uploads import as `#a` / its index in decimal. The callee's part
 * has COMPONENT_INVOKE's layout (its `args` empty); the caller's canonical options follow.
 */
typedef struct wrtp_msg_component_adapter {
    wrtp_msg_component_invoke callee; /* fuel, args unused */
    uint16_t callee_memory;   /* instance whose memory the callee's options name; 0: none */
    uint16_t caller_memory;   /* instance whose memory the caller's options name; 0: none */
    uint16_t caller_realloc_instance; /* 0: no realloc */
    const char *caller_realloc;
    uint8_t caller_realloc_len;
    uint8_t caller_encoding;
    uint16_t caller_owner;    /* component instances, for may_enter: the callee's is refused while entered */
    uint16_t callee_owner;
} wrtp_msg_component_adapter;

/*
 * COMPONENT_RESOURCE (docs/protocol.md §4f): op 0 defines a resource type (its implementing
 * component instance and destructor); ops 1..3 a resource.new/drop/rep built-in on a component
 * instance's handle table, as a host function of the adapter index space.
 */
typedef struct wrtp_msg_component_resource {
    uint8_t op;              /* 0 type, 1 resource.new, 2 resource.drop, 3 resource.rep, 4 WASI 0.2, 5 host drop */
    uint16_t rt;             /* ops 1..3, 5: the resource type; 0xFFFF: not checked */
    uint16_t owner;          /* op 0: the implementing component instance; ops 1..3: whose handle table;
                              * op 5: the index in the host's handle table */
    uint16_t dtor_instance;  /* op 0: 0 none */
    const char *dtor;
    uint8_t dtor_len;
    /* op 4, a WASI 0.2 function (owner: the calling component instance): the lower's options, its name and types. */
    uint16_t memory;         /* instance whose memory the options name; 0: none */
    uint16_t realloc_instance; /* 0: no realloc */
    const char *realloc;
    uint8_t realloc_len;
    uint8_t encoding;
    const char *iface;       /* `wasi:io/streams@0.2.12` */
    uint8_t iface_len;
    const char *func;        /* `[method]output-stream.write` */
    uint8_t func_len;
    const uint8_t *params;   /* the parameter tuple and the result tuple, type encoding */
    uint16_t params_len;
    const uint8_t *result;
    uint16_t result_len;
} wrtp_msg_component_resource;

/* The COMPONENT_INVOKE answer; `values` (the result's value encoding) points into the engine. */
typedef struct wrtp_msg_component_result {
    uint32_t trap;            /* 0 returned; a core trap code; 64 + a canonical ABI trap */
    uint32_t trap_func;       /* function index running at a core trap, else 0 */
    uint64_t fuel_used;       /* every core call of the invocation together */
    uint32_t peak_stack_bytes;
    uint8_t phase;            /* where a trap happened: 1 lower, 2 realloc, 3 call, 4 lift, 5 post-return */
    const uint8_t *values;
    uint16_t values_len;
} wrtp_msg_component_result;

/* REGISTER and GLOBAL_GET: an instance (0 = the latest) and a name. */
typedef struct wrtp_msg_named {
    uint16_t instance;
    const char *name;
    uint16_t name_len;
} wrtp_msg_named;

/* ARGS: a WASI program's argv then its environment ("NAME=value"), pointing into the body. */
typedef struct wrtp_msg_args {
    uint8_t argc;
    uint8_t envc;
    const uint8_t *str[WRTP_PROTO_MAX_ARGS];
    uint16_t len[WRTP_PROTO_MAX_ARGS];
} wrtp_msg_args;

/* The SESSION answer (docs/protocol.md §4a). */
typedef struct wrtp_msg_session {
    uint8_t mode;
    uint8_t features;           /* WRTP_SESSION_FEATURE_* in effect (the answer's byte 1) */
    uint16_t instances;
    uint16_t max_instances;
    uint16_t latest;
    uint16_t registrations;
    uint16_t max_registrations;
} wrtp_msg_session;

/* One import of HOST_IMPORTS (docs/protocol.md §4c); names and types point into the body. */
typedef struct wrtp_host_import {
    const uint8_t *module;
    uint8_t module_len;
    const uint8_t *field;
    uint8_t field_len;
    uint8_t nparams;
    const uint8_t *params;   /* WRTP_WIRE_* codes */
    uint8_t nresults;
    const uint8_t *results;
} wrtp_host_import;

/* HOST_IMPORTS: the imports the host serves, and whether every host call is traced. */
typedef struct wrtp_msg_host_imports {
    uint8_t flags;           /* WRTP_HOST_TRACE_ALL */
    uint8_t count;
    wrtp_host_import imports[WRTP_PROTO_MAX_HOST_IMPORTS];
} wrtp_msg_host_imports;

/* HOST_CALL, the device's call of a declared import (`import` indexes the HOST_IMPORTS list). */
typedef struct wrtp_msg_host_call {
    uint32_t boot_id;
    uint32_t call_id;
    uint8_t import;
    uint8_t nargs;
    const wrtp_wire_value *args;
} wrtp_msg_host_call;

/* HOST_RESULT, the host's answer to one HOST_CALL. */
typedef struct wrtp_msg_host_result {
    uint32_t boot_id;
    uint32_t call_id;
    uint8_t status;          /* WRTP_HOST_RESULT_OK or WRTP_HOST_RESULT_FAILED (then no results) */
    uint8_t nresults;
    wrtp_wire_value results[WRTP_PROTO_MAX_VALUES];
} wrtp_msg_host_result;

/* HOST_TRACE: one host call as it ended (trap 0: returned with results). */
typedef struct wrtp_msg_host_trace {
    uint32_t trap;
    const uint8_t *module;
    uint8_t module_len;
    const uint8_t *field;
    uint8_t field_len;
    uint8_t nargs;
    const wrtp_wire_value *args;
    uint8_t nresults;
    const wrtp_wire_value *results;
} wrtp_msg_host_trace;

/* BREAKPOINTS (docs/protocol.md §4d): u8 count, then count u32 function indices. */
typedef struct wrtp_msg_breakpoints {
    uint8_t count;
    uint32_t funcs[WRTP_PROTO_MAX_BREAKPOINTS];
} wrtp_msg_breakpoints;

/*
 * Request decoders: return true, or false with *o_bad_offset set to the body offset where the
 * layout broke (a field missing, a count over its limit, bytes left over).
 */
bool wrtp_msg_decode_empty(const uint8_t *i_body, size_t len, uint32_t *o_bad_offset);
bool wrtp_msg_decode_begin(const uint8_t *i_body, size_t len, wrtp_msg_begin *o_msg, uint32_t *o_bad_offset);
bool wrtp_msg_decode_chunk(const uint8_t *i_body, size_t len, wrtp_msg_chunk *o_msg, uint32_t *o_bad_offset);
bool wrtp_msg_decode_invoke(const uint8_t *i_body, size_t len, wrtp_msg_invoke *o_msg, uint32_t *o_bad_offset);
/*
 * INVOKE as a device with sessions reads it (docs/protocol.md §4a): `long_names` also accepts name
 * length 0 followed by a u16 length (0 .. WRTP_PROTO_MAX_LONG_NAME), for empty and long export names.
 */
bool wrtp_msg_decode_invoke_ext(const uint8_t *i_body, size_t len, bool long_names, wrtp_msg_invoke *o_msg,
                               uint32_t *o_bad_offset);
bool wrtp_msg_decode_reset(const uint8_t *i_body, size_t len, uint8_t *o_kind, uint32_t *o_bad_offset);
/* SESSION: an empty body sets *o_mode to WRTP_SESSION_QUERY. */
/* A second byte is the features byte (WRTP_SESSION_FEATURE_*); without it *o_features is
 * WRTP_SESSION_FEATURES_UNCHANGED. An unknown feature bit is refused (offset 1). */
bool wrtp_msg_decode_session(const uint8_t *i_body, size_t len, uint8_t *o_mode, uint8_t *o_features, uint32_t *o_bad_offset);
/* REGISTER and GLOBAL_GET share one layout. */
bool wrtp_msg_decode_named(const uint8_t *i_body, size_t len, wrtp_msg_named *o_msg, uint32_t *o_bad_offset);
/* COMPONENT_INVOKE: u64 fuel, u16 instance, u8 encoding, three u8-prefixed names, two
 * u16-prefixed type encodings, u16-prefixed argument bytes, nothing after. */
bool wrtp_msg_decode_component_invoke(const uint8_t *i_body, size_t len, wrtp_msg_component_invoke *o_msg,
                                      uint32_t *o_bad_offset);
/* u8 argc, u8 envc, then argc + envc strings of u16 length + bytes (no NUL inside). */
bool wrtp_msg_decode_args(const uint8_t *i_body, size_t len, wrtp_msg_args *o_msg, uint32_t *o_bad_offset);

/* u8 flags, u8 count, then per import: u8 + module, u8 + field, u8 + param types, u8 + result types. */
bool wrtp_msg_decode_host_imports(const uint8_t *i_body, size_t len, wrtp_msg_host_imports *o_msg, uint32_t *o_bad_offset);
/* u32 boot id, u32 call id, u8 status, u8 count, typed values (none after a failure). */
bool wrtp_msg_decode_host_result(const uint8_t *i_body, size_t len, wrtp_msg_host_result *o_msg, uint32_t *o_bad_offset);

typedef struct wrtp_msg_hello {
    uint16_t max_frame;
    uint32_t interp_version;
    uint32_t arena_bytes;
    uint32_t ram_bytes;
    uint32_t upload_capacity;
    uint32_t profile_capacity;
    uint32_t features;
    uint32_t boot_id;
    const char *device_id; /* ASCII, at most WRTP_PROTO_DEVICE_ID_MAX bytes are sent */
} wrtp_msg_hello;

typedef struct wrtp_trap_frame {
    uint32_t func;  /* function index in the module */
    uint32_t cell;  /* internal code cell: the host turns it into a wasm byte offset */
} wrtp_trap_frame;

typedef struct wrtp_msg_invoke_result {
    uint32_t trap;
    uint32_t trap_func;
    uint64_t fuel_used;
    uint32_t peak_stack_bytes;
    uint8_t nresults;
    wrtp_wire_value results[WRTP_PROTO_MAX_VALUES];
    /* A trap's backtrace, innermost first, of `depth` active frames; sent after the results when
     * trap != 0 (WASI exit: none). */
    uint32_t depth;
    uint8_t nframes;
    wrtp_trap_frame frames[WRTP_PROTO_MAX_TRAP_FRAMES];
} wrtp_msg_invoke_result;

/* BREAK: a breakpoint hit at a function's entry, with its arguments and the frames that called it. */
typedef struct wrtp_msg_break {
    uint32_t hit;   /* 1 for the invocation's first hit */
    uint32_t func;  /* function index in the module */
    uint32_t depth; /* active wasm frames, this one included */
    uint8_t nargs;
    const wrtp_wire_value *args;
    uint8_t nframes;
    const wrtp_trap_frame *frames; /* innermost first: the function at cell 0, then each caller */
} wrtp_msg_break;

/* TRACE's fixed part: u64 overwritten, u32 kept, u32 first, u16 n; then n entries of u32 func, u32 depth. */
#define WRTP_MSG_TRACE_HEAD_BYTES 22u
#define WRTP_MSG_TRACE_ENTRY_BYTES 8u

bool wrtp_msg_decode_breakpoints(const uint8_t *i_body, size_t len, wrtp_msg_breakpoints *o_msg, uint32_t *o_bad_offset);
void wrtp_msg_encode_break(wrtp_wr *io_wr, const wrtp_msg_break *i_msg);

/* Answer encoders: write the body; the writer's `bad` says whether it fitted. */
void wrtp_msg_encode_hello(wrtp_wr *io_wr, const wrtp_msg_hello *i_msg);
void wrtp_msg_encode_invoke_result(wrtp_wr *io_wr, const wrtp_msg_invoke_result *i_msg);
/* COMPONENT_ADAPTER: COMPONENT_INVOKE's body (args empty), then u16 callee memory, u16 caller
 * memory, u16 caller realloc instance, u8-prefixed realloc name, u8 caller encoding, u16 caller
 * owner, u16 callee owner. */
bool wrtp_msg_decode_component_adapter(const uint8_t *i_body, size_t len, wrtp_msg_component_adapter *o_msg,
                                       uint32_t *o_bad_offset);
/* COMPONENT_RESOURCE: u8 op; op 0: u16 owner, u16 destructor instance, u8-prefixed name; ops 1..3: u16 rt, u16 owner;
 * op 4: u16 owner, u16 memory, u16 realloc instance, u8-prefixed realloc, u8 encoding, u8-prefixed interface and function, u16-prefixed types. */
bool wrtp_msg_decode_component_resource(const uint8_t *i_body, size_t len, wrtp_msg_component_resource *o_msg,
                                        uint32_t *o_bad_offset);
void wrtp_msg_encode_component_result(wrtp_wr *io_wr, const wrtp_msg_component_result *i_msg);
void wrtp_msg_encode_error(wrtp_wr *io_wr, uint16_t code, uint8_t about_type, uint32_t detail, uint32_t limit,
                          const char *message);
void wrtp_msg_encode_session(wrtp_wr *io_wr, const wrtp_msg_session *i_msg);
/* Appends one STATS counter (the count byte is written by the caller at body offset 0). */
void wrtp_msg_encode_stat(wrtp_wr *io_wr, const char *name, uint64_t value);

void wrtp_msg_encode_host_call(wrtp_wr *io_wr, const wrtp_msg_host_call *i_msg);
void wrtp_msg_encode_host_trace(wrtp_wr *io_wr, const wrtp_msg_host_trace *i_msg);
/*
 * A wrt:logging record as a LOG body: level byte WRTP_LOG_RECORD | level, u8 context length,
 * context, message. Context and message are cut so that the body fits the writer.
 */
void wrtp_msg_encode_log_record(wrtp_wr *io_wr, uint8_t level, const uint8_t *i_context, size_t context_len,
                               const uint8_t *i_message, size_t message_len);

/* Length of a NUL-terminated string, at most `max`. */
size_t wrtp_strnlen(const char *s, size_t max);

#endif
