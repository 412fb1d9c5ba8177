#include "wrtp_server.h"

#include "wrtp_frame.h"
#include "wrtp_msg.h"
#include "wrtp_sha256.h"

static void wrtp_copy(uint8_t *o_dst, const uint8_t *i_src, size_t n) {
    for (size_t i = 0; i < n; i++) o_dst[i] = i_src[i];
}

static bool wrtp_equal(const uint8_t *a, const uint8_t *b, size_t n) {
    uint8_t diff = 0;
    for (size_t i = 0; i < n; i++) diff |= (uint8_t)(a[i] ^ b[i]);
    return diff == 0;
}

static bool wrtp_server_port_sink(void *ctx, const uint8_t *i_bytes, size_t len) {
    wrtp_server *srv = (wrtp_server *)ctx;
    if (srv->link_down) return false;
    if (!srv->cfg.port->write(srv->cfg.port->ctx, i_bytes, len)) srv->link_down = true;
    return !srv->link_down;
}

/* Writes one decoded frame as COBS plus its delimiter. */
static void wrtp_server_send(wrtp_server *io_srv, const uint8_t *i_frame, size_t len) {
    static const uint8_t delimiter = 0;
    if (wrtp_cobs_encode_to(i_frame, len, wrtp_server_port_sink, io_srv)) {
        (void)wrtp_server_port_sink(io_srv, &delimiter, 1);
    }
}

static void wrtp_server_send_unsolicited(wrtp_server *io_srv, uint8_t type, size_t body_len) {
    size_t n = wrtp_frame_finish(io_srv->unsolicited, sizeof io_srv->unsolicited, type, WRTP_FLAG_UNSOLICITED,
                                io_srv->unsolicited_seq, body_len);
    if (n == 0) return;
    io_srv->unsolicited_seq++;
    wrtp_server_send(io_srv, io_srv->unsolicited, n);
}

static void wrtp_server_unsolicited_error(wrtp_server *io_srv, uint16_t code, uint32_t detail, uint32_t limit,
                                         const char *message) {
    wrtp_wr wr;
    wrtp_wr_init(&wr, io_srv->unsolicited + WRTP_PROTO_HEADER_BYTES, WRTP_PROTO_MAX_BODY);
    wrtp_msg_encode_error(&wr, code, 0, detail, limit, message);
    io_srv->counters.errors_sent++;
    wrtp_server_send_unsolicited(io_srv, WRTP_MSG_ERROR, wr.len);
}

/* The answer being built for the current request. */
typedef struct wrtp_reply {
    wrtp_server *srv;
    const wrtp_frame *req;
    wrtp_wr body;
} wrtp_reply;

static void wrtp_reply_start(wrtp_reply *o_reply, wrtp_server *io_srv, const wrtp_frame *i_req) {
    o_reply->srv = io_srv;
    o_reply->req = i_req;
    io_srv->answer_valid = false;
    wrtp_wr_init(&o_reply->body, io_srv->answer + WRTP_PROTO_HEADER_BYTES, WRTP_PROTO_MAX_BODY);
}

/* Sends the answer and keeps it for a resent request (HELLO's is not kept). */
static void wrtp_reply_send_as(wrtp_reply *io_reply, uint8_t type) {
    wrtp_server *srv = io_reply->srv;
    size_t n = wrtp_frame_finish(srv->answer, sizeof srv->answer, type, WRTP_FLAG_RESPONSE, io_reply->req->seq,
                                io_reply->body.len);
    if (n == 0) return;
    srv->answer_len = n;
    srv->answer_seq = io_reply->req->seq;
    srv->answer_type = io_reply->req->type;
    srv->answer_request_crc = io_reply->req->crc;
    srv->answer_valid = io_reply->req->type != WRTP_MSG_HELLO;
    wrtp_server_send(srv, srv->answer, n);
}

static void wrtp_reply_error(wrtp_reply *io_reply, uint16_t code, uint32_t detail, uint32_t limit, const char *message) {
    wrtp_wr_init(&io_reply->body, io_reply->srv->answer + WRTP_PROTO_HEADER_BYTES, WRTP_PROTO_MAX_BODY);
    wrtp_msg_encode_error(&io_reply->body, code, io_reply->req->type, detail, limit, message);
    io_reply->srv->counters.errors_sent++;
    wrtp_reply_send_as(io_reply, WRTP_MSG_ERROR);
}

static void wrtp_reply_ok(wrtp_reply *io_reply) {
    if (io_reply->body.bad) {
        wrtp_reply_error(io_reply, WRTP_PERR_ENGINE_FAILED, 0, WRTP_PROTO_MAX_BODY, "answer does not fit in a frame");
        return;
    }
    wrtp_reply_send_as(io_reply, io_reply->req->type);
}

static void wrtp_reply_malformed_body(wrtp_reply *io_reply, uint32_t offset) {
    wrtp_reply_error(io_reply, WRTP_PERR_BODY_MALFORMED, offset, io_reply->req->body_len,
                    "request body does not match its message layout");
}

/* Ends any upload; in mode ONE also the loaded module (in KEEP mode the instances stay). */
static void wrtp_server_drop_upload(wrtp_server *io_srv) {
    if (io_srv->live && !io_srv->keep) {
        io_srv->cfg.engine->unload(io_srv->cfg.engine_ctx);
        io_srv->live = false;
    }
    io_srv->upload_state = WRTP_UPLOAD_IDLE;
    io_srv->upload_size = 0;
    io_srv->upload_next = 0;
    io_srv->profile_len = 0;
}

static void wrtp_handle_hello(wrtp_reply *io_reply) {
    wrtp_server *srv = io_reply->srv;
    uint32_t bad = 0;
    if (!wrtp_msg_decode_empty(io_reply->req->body, io_reply->req->body_len, &bad)) {
        wrtp_reply_malformed_body(io_reply, bad);
        return;
    }
    wrtp_engine_info info = {0, 0, 0};
    srv->cfg.engine->describe(srv->cfg.engine_ctx, &info);
    wrtp_msg_hello hello = {
        .max_frame = (uint16_t)WRTP_PROTO_MAX_FRAME,
        .interp_version = info.interp_version,
        .arena_bytes = info.arena_bytes,
        .ram_bytes = srv->cfg.ram_bytes,
        .upload_capacity = srv->cfg.upload_capacity,
        .profile_capacity = srv->cfg.profile_capacity,
        .features = info.features,
        .boot_id = srv->boot_id,
        .device_id = srv->cfg.device_id,
    };
    wrtp_msg_encode_hello(&io_reply->body, &hello);
    wrtp_reply_ok(io_reply);
}

/* Size, digest and profile of a BEGIN equal those of the upload the server holds (pending or committed). */
static bool wrtp_same_upload(const wrtp_server *i_srv, const wrtp_msg_begin *i_msg) {
    return i_srv->upload_size == i_msg->size && wrtp_equal(i_srv->upload_sha256, i_msg->sha256, WRTP_PROTO_SHA256_BYTES) &&
           i_srv->profile_len == i_msg->profile_len &&
           wrtp_equal(i_srv->cfg.profile_buf, i_msg->profile, i_msg->profile_len);
}

static void wrtp_handle_begin(wrtp_reply *io_reply) {
    wrtp_server *srv = io_reply->srv;
    wrtp_msg_begin msg;
    uint32_t bad = 0;
    if (!wrtp_msg_decode_begin(io_reply->req->body, io_reply->req->body_len, &msg, &bad)) {
        wrtp_reply_malformed_body(io_reply, bad);
        return;
    }
    if (msg.size > srv->cfg.upload_capacity) {
        wrtp_reply_error(io_reply, WRTP_PERR_UPLOAD_TOO_LARGE, msg.size, srv->cfg.upload_capacity,
                        "module is larger than the upload buffer");
        return;
    }
    if (msg.profile_len > srv->cfg.profile_capacity) {
        wrtp_reply_error(io_reply, WRTP_PERR_PROFILE_TOO_LARGE, msg.profile_len, srv->cfg.profile_capacity,
                        "profile is larger than the profile buffer");
        return;
    }
    bool same = wrtp_same_upload(srv, &msg);
    if (same && srv->upload_state == WRTP_UPLOAD_RECEIVING) {
        srv->counters.uploads_resumed++;
    } else {
        if (srv->keep) {
            wrtp_engine_session session = {0, 0, 0, 0, 0, 0, 0};
            srv->cfg.engine->session(srv->cfg.engine_ctx, WRTP_SESSION_QUERY, WRTP_SESSION_FEATURES_UNCHANGED, &session);
            if (session.instances >= session.max_instances) {
                wrtp_reply_error(io_reply, WRTP_PERR_SESSION_FULL, session.instances, session.max_instances,
                                "the session holds as many instances as the device has room for");
                return;
            }
        }
        /*
         * The committed module's bytes are still whole in the upload buffer: only UPLOAD_CHUNK writes
         * there, and every path that leaves COMMITTED (another BEGIN, a failed END, RESET) goes
         * through IDLE first. So the same module again needs no bytes: the upload is pending with
         * all of them, and END verifies the digest once more and loads a fresh instance.
         */
        bool reuse = same && srv->upload_state == WRTP_UPLOAD_COMMITTED;
        wrtp_server_drop_upload(srv);
        srv->upload_state = WRTP_UPLOAD_RECEIVING;
        srv->upload_size = msg.size;
        srv->upload_next = reuse ? msg.size : 0u;
        wrtp_copy(srv->upload_sha256, msg.sha256, WRTP_PROTO_SHA256_BYTES);
        wrtp_copy(srv->cfg.profile_buf, msg.profile, msg.profile_len);
        srv->profile_len = msg.profile_len;
        if (reuse) srv->counters.uploads_reused++;
        else srv->counters.uploads_begun++;
    }
    /* Not part of what makes two uploads the same: the latest BEGIN's budget is the one END uses. */
    srv->start_fuel = msg.start_fuel;
    wrtp_wr_u32(&io_reply->body, srv->upload_next);
    wrtp_reply_ok(io_reply);
}

static void wrtp_handle_chunk(wrtp_reply *io_reply) {
    wrtp_server *srv = io_reply->srv;
    wrtp_msg_chunk msg;
    uint32_t bad = 0;
    if (!wrtp_msg_decode_chunk(io_reply->req->body, io_reply->req->body_len, &msg, &bad)) {
        wrtp_reply_malformed_body(io_reply, bad);
        return;
    }
    if (srv->upload_state != WRTP_UPLOAD_RECEIVING) {
        wrtp_reply_error(io_reply, WRTP_PERR_STATE, srv->upload_state, 0, "no upload in progress");
        return;
    }
    uint64_t end = (uint64_t)msg.offset + msg.len;
    if (end > srv->upload_size) {
        wrtp_reply_error(io_reply, WRTP_PERR_UPLOAD_RANGE, end > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)end,
                        srv->upload_size, "chunk reaches past the announced module size");
        return;
    }
    if (msg.offset > srv->upload_next) {
        wrtp_reply_error(io_reply, WRTP_PERR_UPLOAD_GAP, srv->upload_next, srv->upload_size,
                        "chunk starts past the next offset");
        return;
    }
    wrtp_copy(srv->cfg.upload_buf + msg.offset, msg.data, msg.len);
    if ((uint32_t)end > srv->upload_next) srv->upload_next = (uint32_t)end;
    wrtp_wr_u32(&io_reply->body, srv->upload_next);
    wrtp_reply_ok(io_reply);
}

static void wrtp_reply_committed(wrtp_reply *io_reply) {
    wrtp_wr_u32(&io_reply->body, io_reply->srv->upload_size);
    wrtp_wr_bytes(&io_reply->body, io_reply->srv->upload_sha256, WRTP_PROTO_SHA256_BYTES);
    wrtp_reply_ok(io_reply);
}

static void wrtp_handle_end(wrtp_reply *io_reply) {
    wrtp_server *srv = io_reply->srv;
    uint32_t bad = 0;
    if (!wrtp_msg_decode_empty(io_reply->req->body, io_reply->req->body_len, &bad)) {
        wrtp_reply_malformed_body(io_reply, bad);
        return;
    }
    if (srv->upload_state == WRTP_UPLOAD_COMMITTED) {
        wrtp_reply_committed(io_reply);
        return;
    }
    if (srv->upload_state != WRTP_UPLOAD_RECEIVING) {
        wrtp_reply_error(io_reply, WRTP_PERR_STATE, srv->upload_state, 0, "no upload in progress");
        return;
    }
    if (srv->upload_next < srv->upload_size) {
        wrtp_reply_error(io_reply, WRTP_PERR_UPLOAD_INCOMPLETE, srv->upload_next, srv->upload_size,
                        "upload ended before all bytes arrived");
        return;
    }
    uint8_t digest[WRTP_PROTO_SHA256_BYTES];
    wrtp_sha256(srv->cfg.upload_buf, srv->upload_size, digest);
    if (!wrtp_equal(digest, srv->upload_sha256, WRTP_PROTO_SHA256_BYTES)) {
        uint32_t size = srv->upload_size;
        srv->counters.hash_mismatches++;
        wrtp_server_drop_upload(srv);
        wrtp_reply_error(io_reply, WRTP_PERR_HASH_MISMATCH, size, 0,
                        "SHA-256 of the received module differs from UPLOAD_BEGIN's; module discarded");
        return;
    }
    wrtp_engine_error err = {0, 0, NULL};
    if (!srv->cfg.engine->load(srv->cfg.engine_ctx, srv->cfg.upload_buf, srv->upload_size, srv->upload_sha256,
                               srv->cfg.profile_buf, srv->profile_len, srv->start_fuel, &err)) {
        srv->counters.load_failures++;
        wrtp_server_drop_upload(srv);
        wrtp_reply_error(io_reply, WRTP_PERR_LOAD_FAILED, err.code, err.offset,
                        err.message != NULL ? err.message : "engine refused the module");
        return;
    }
    srv->upload_state = WRTP_UPLOAD_COMMITTED;
    srv->live = true;
    srv->counters.uploads_committed++;
    wrtp_reply_committed(io_reply);
}

static void wrtp_io_output(void *ctx, uint8_t stream, const uint8_t *i_bytes, size_t len) {
    wrtp_server_output((wrtp_server *)ctx, stream, i_bytes, len);
}

static void wrtp_io_log(void *ctx, uint8_t level, const uint8_t *i_text, size_t len) {
    wrtp_server_log((wrtp_server *)ctx, level, i_text, len);
}

static uint8_t wrtp_io_host_call(void *ctx, uint8_t import, const wrtp_wire_value *i_args, uint8_t nargs,
                                 wrtp_wire_value *o_results, uint8_t *o_nresults) {
    return wrtp_server_host_call((wrtp_server *)ctx, import, i_args, nargs, o_results, o_nresults);
}

static void wrtp_io_trace(void *ctx, const wrtp_msg_host_trace *i_trace) {
    wrtp_server *srv = (wrtp_server *)ctx;
    wrtp_wr wr;
    wrtp_wr_init(&wr, srv->unsolicited + WRTP_PROTO_HEADER_BYTES, WRTP_PROTO_MAX_BODY);
    wrtp_msg_encode_host_trace(&wr, i_trace);
    /* A trace of 32 i64 arguments and 32 results still fits a 1024-byte frame; a smaller frame drops it. */
    if (!wr.bad) wrtp_server_send_unsolicited(srv, WRTP_MSG_HOST_TRACE, wr.len);
}

static void wrtp_io_log_record(void *ctx, uint8_t level, const uint8_t *i_context, size_t context_len,
                               const uint8_t *i_message, size_t message_len) {
    wrtp_server *srv = (wrtp_server *)ctx;
    wrtp_wr wr;
    wrtp_wr_init(&wr, srv->unsolicited + WRTP_PROTO_HEADER_BYTES, WRTP_PROTO_MAX_BODY);
    wrtp_msg_encode_log_record(&wr, level, i_context, context_len, i_message, message_len);
    if (!wr.bad) wrtp_server_send_unsolicited(srv, WRTP_MSG_LOG, wr.len);
}

static void wrtp_io_debug_break(void *ctx, const wrtp_msg_break *i_msg) {
    wrtp_server *srv = (wrtp_server *)ctx;
    wrtp_wr wr;
    wrtp_wr_init(&wr, srv->unsolicited + WRTP_PROTO_HEADER_BYTES, WRTP_PROTO_MAX_BODY);
    wrtp_msg_encode_break(&wr, i_msg);
    /* 32 i64 arguments and 8 frames take 371 bytes: a 256-byte frame drops such a hit, which the seq gap shows. */
    if (!wr.bad) wrtp_server_send_unsolicited(srv, WRTP_MSG_BREAK, wr.len);
}

/* The trace in as few TRACE frames as the frame size allows, oldest entries first. */
static void wrtp_io_debug_trace(void *ctx, uint64_t overwritten, uint32_t kept,
                                void (*entry)(const void *src, uint32_t index, uint32_t *o_func, uint32_t *o_depth),
                                const void *src) {
    wrtp_server *srv = (wrtp_server *)ctx;
    const uint32_t per_frame = (uint32_t)((WRTP_PROTO_MAX_BODY - WRTP_MSG_TRACE_HEAD_BYTES) / WRTP_MSG_TRACE_ENTRY_BYTES);
    uint32_t first = 0;
    /* One frame at least, so an empty trace still says how many entries were overwritten. */
    do {
        uint32_t n = kept - first < per_frame ? kept - first : per_frame;
        wrtp_wr wr;
        wrtp_wr_init(&wr, srv->unsolicited + WRTP_PROTO_HEADER_BYTES, WRTP_PROTO_MAX_BODY);
        wrtp_wr_u64(&wr, overwritten);
        wrtp_wr_u32(&wr, kept);
        wrtp_wr_u32(&wr, first);
        wrtp_wr_u16(&wr, (uint16_t)n);
        for (uint32_t i = 0; i < n; i++) {
            uint32_t func = 0;
            uint32_t depth = 0;
            entry(src, first + i, &func, &depth);
            wrtp_wr_u32(&wr, func);
            wrtp_wr_u32(&wr, depth);
        }
        if (wr.bad) return;
        wrtp_server_send_unsolicited(srv, WRTP_MSG_TRACE, wr.len);
        first += n;
    } while (first < kept && !srv->link_down);
}

/* A refused invoke, REGISTER or GLOBAL_GET; codes the engine may not give become ENGINE_FAILED. */
static void wrtp_reply_engine_refusal(wrtp_reply *io_reply, const wrtp_engine_error *i_err, uint16_t name_len,
                                     const char *fallback) {
    const char *message = i_err->message != NULL ? i_err->message : fallback;
    switch (i_err->code) {
    case WRTP_PERR_EXPORT_NOT_FOUND: wrtp_reply_error(io_reply, WRTP_PERR_EXPORT_NOT_FOUND, name_len, 0, message); return;
    case WRTP_PERR_ARGS_INVALID: wrtp_reply_error(io_reply, WRTP_PERR_ARGS_INVALID, i_err->offset, 0, message); return;
    case WRTP_PERR_INSTANCE_UNKNOWN:
    case WRTP_PERR_SESSION_FULL: {
        wrtp_engine_session session = {0, 0, 0, 0, 0, 0, 0};
        const wrtp_engine_ops *engine = io_reply->srv->cfg.engine;
        if (engine->session != NULL) engine->session(io_reply->srv->cfg.engine_ctx, WRTP_SESSION_QUERY, WRTP_SESSION_FEATURES_UNCHANGED, &session);
        uint32_t limit = i_err->code == WRTP_PERR_INSTANCE_UNKNOWN ? session.instances : session.max_registrations;
        wrtp_reply_error(io_reply, (uint16_t)i_err->code, i_err->offset, limit, message);
        return;
    }
    default: wrtp_reply_error(io_reply, WRTP_PERR_ENGINE_FAILED, i_err->offset, 0, message); return;
    }
}

/* A call needs a committed module; false once the refusal is answered. */
static bool wrtp_require_live(wrtp_reply *io_reply) {
    if (io_reply->srv->live) return true;
    wrtp_reply_error(io_reply, WRTP_PERR_NO_MODULE, io_reply->srv->upload_state, 0, "no verified module is committed");
    return false;
}

/* What an invocation may send while it runs: output, logs, host calls, traces, breakpoint hits. */
static wrtp_engine_io wrtp_call_io(wrtp_server *srv) {
    wrtp_engine_io io = {srv, wrtp_io_output, wrtp_io_log, wrtp_io_host_call, wrtp_io_trace, wrtp_io_log_record,
                         wrtp_io_debug_break, wrtp_io_debug_trace};
    return io;
}

static void wrtp_handle_invoke(wrtp_reply *io_reply) {
    wrtp_server *srv = io_reply->srv;
    wrtp_msg_invoke msg;
    uint32_t bad = 0;
    bool sessions = srv->cfg.engine->invoke_on != NULL;
    if (!wrtp_msg_decode_invoke_ext(io_reply->req->body, io_reply->req->body_len, sessions, &msg, &bad)) {
        wrtp_reply_malformed_body(io_reply, bad);
        return;
    }
    if (msg.has_instance && srv->cfg.engine->invoke_on == NULL) {
        wrtp_reply_malformed_body(io_reply, (uint32_t)io_reply->req->body_len - 2u);
        return;
    }
    if (!wrtp_require_live(io_reply)) return;
    wrtp_engine_io io = wrtp_call_io(srv);
    wrtp_msg_invoke_result result;
    result.trap = 0;
    result.trap_func = 0;
    result.fuel_used = 0;
    result.peak_stack_bytes = 0;
    result.nresults = 0;
    result.nframes = 0;
    result.depth = 0;
    wrtp_engine_error err = {WRTP_PERR_ENGINE_FAILED, 0, NULL};
    srv->counters.invokes++;
    bool ran = msg.has_instance
                   ? srv->cfg.engine->invoke_on(srv->cfg.engine_ctx, msg.instance, msg.name, msg.name_len, msg.args,
                                                msg.nargs, msg.fuel, &io, &result, &err)
                   : srv->cfg.engine->invoke(srv->cfg.engine_ctx, msg.name, msg.name_len, msg.args, msg.nargs, msg.fuel,
                                             &io, &result, &err);
    if (!ran) {
        wrtp_reply_engine_refusal(io_reply, &err, msg.name_len, "invocation refused");
        return;
    }
    wrtp_msg_encode_invoke_result(&io_reply->body, &result);
    wrtp_reply_ok(io_reply);
}

#if WRTP_PROTO_COMPONENT_LINK
/*
 * The answer to a message that defines something in the session (an adapter, a resource type or
 * built-in): its index, or the engine's refusal under the codes the host names, else ENGINE_FAILED.
 */
static void wrtp_reply_defined(wrtp_reply *io_reply, bool defined, uint16_t index, const wrtp_engine_error *i_err,
                               const char *i_refused) {
    if (!defined) {
        uint32_t c = i_err->code;
        uint16_t code = c == WRTP_PERR_EXPORT_NOT_FOUND || c == WRTP_PERR_ARGS_INVALID || c == WRTP_PERR_NO_MODULE ||
                                c == WRTP_PERR_INSTANCE_UNKNOWN || c == WRTP_PERR_SESSION_FULL
                            ? (uint16_t)c
                            : (uint16_t)WRTP_PERR_ENGINE_FAILED;
        wrtp_reply_error(io_reply, code, i_err->offset, 0, i_err->message != NULL ? i_err->message : i_refused);
        return;
    }
    wrtp_wr_u16(&io_reply->body, index);
    wrtp_reply_ok(io_reply);
}

static void wrtp_handle_component_adapter(wrtp_reply *io_reply) {
    wrtp_server *srv = io_reply->srv;
    wrtp_msg_component_adapter msg;
    uint32_t bad = 0;
    if (!wrtp_msg_decode_component_adapter(io_reply->req->body, io_reply->req->body_len, &msg, &bad)) {
        wrtp_reply_malformed_body(io_reply, bad);
        return;
    }
    if (!wrtp_require_live(io_reply)) return;
    uint16_t index = 0;
    wrtp_engine_error err = {WRTP_PERR_ENGINE_FAILED, 0, NULL};
    bool defined = srv->cfg.engine->component_adapter(srv->cfg.engine_ctx, &msg, &index, &err);
    wrtp_reply_defined(io_reply, defined, index, &err, "adapter refused");
}

static void wrtp_handle_component_resource(wrtp_reply *io_reply) {
    wrtp_server *srv = io_reply->srv;
    wrtp_msg_component_resource msg;
    uint32_t bad = 0;
    if (!wrtp_msg_decode_component_resource(io_reply->req->body, io_reply->req->body_len, &msg, &bad)) {
        wrtp_reply_malformed_body(io_reply, bad);
        return;
    }
    /* A resource type or built-in may come before the session's first instance. */
    uint16_t index = 0;
    wrtp_engine_error err = {WRTP_PERR_ENGINE_FAILED, 0, NULL};
    bool defined = srv->cfg.engine->component_resource(srv->cfg.engine_ctx, &msg, &index, &err);
    wrtp_reply_defined(io_reply, defined, index, &err, "resource refused");
}

#endif

static void wrtp_handle_component_invoke(wrtp_reply *io_reply) {
    wrtp_server *srv = io_reply->srv;
    wrtp_msg_component_invoke msg;
    uint32_t bad = 0;
    if (!wrtp_msg_decode_component_invoke(io_reply->req->body, io_reply->req->body_len, &msg, &bad)) {
        wrtp_reply_malformed_body(io_reply, bad);
        return;
    }
    if (!wrtp_require_live(io_reply)) return;
    wrtp_engine_io io = wrtp_call_io(srv);
    /* Field by field: an aggregate initializer becomes a memset call on some targets. */
    wrtp_msg_component_result result;
    result.trap = 0;
    result.trap_func = 0;
    result.fuel_used = 0;
    result.peak_stack_bytes = 0;
    result.phase = 0;
    result.values = NULL;
    result.values_len = 0;
    wrtp_engine_error err = {WRTP_PERR_ENGINE_FAILED, 0, NULL};
    srv->counters.invokes++;
    if (!srv->cfg.engine->component_invoke(srv->cfg.engine_ctx, &msg, &io, &result, &err)) {
        const char *message = err.message != NULL ? err.message : "component invocation refused";
        uint16_t code = err.code == WRTP_PERR_EXPORT_NOT_FOUND || err.code == WRTP_PERR_ARGS_INVALID ||
                                err.code == WRTP_PERR_NO_MODULE || err.code == WRTP_PERR_INSTANCE_UNKNOWN
                            ? (uint16_t)err.code
                            : (uint16_t)WRTP_PERR_ENGINE_FAILED;
        wrtp_reply_error(io_reply, code, err.offset, 0, message);
        return;
    }
    wrtp_msg_encode_component_result(&io_reply->body, &result);
    wrtp_reply_ok(io_reply);
}

static void wrtp_handle_session(wrtp_reply *io_reply) {
    wrtp_server *srv = io_reply->srv;
    uint8_t mode = WRTP_SESSION_QUERY;
    uint8_t features = WRTP_SESSION_FEATURES_UNCHANGED;
    uint32_t bad = 0;
    if (!wrtp_msg_decode_session(io_reply->req->body, io_reply->req->body_len, &mode, &features, &bad)) {
        wrtp_reply_malformed_body(io_reply, bad);
        return;
    }
    wrtp_engine_session session = {0, 0, 0, 0, 0, 0, 0};
    srv->cfg.engine->session(srv->cfg.engine_ctx, mode, features, &session);
    srv->keep = session.mode == WRTP_SESSION_KEEP;
    wrtp_msg_session answer = {session.mode,   session.features,      session.instances,        session.max_instances,
                              session.latest, session.registrations, session.max_registrations};
    wrtp_msg_encode_session(&io_reply->body, &answer);
    wrtp_reply_ok(io_reply);
}

/* REGISTER and GLOBAL_GET: same body, same refusals. */
static void wrtp_handle_named(wrtp_reply *io_reply) {
    wrtp_server *srv = io_reply->srv;
    wrtp_msg_named msg;
    uint32_t bad = 0;
    if (!wrtp_msg_decode_named(io_reply->req->body, io_reply->req->body_len, &msg, &bad)) {
        wrtp_reply_malformed_body(io_reply, bad);
        return;
    }
    if (!wrtp_require_live(io_reply)) return;
    wrtp_engine_error err = {WRTP_PERR_ENGINE_FAILED, 0, NULL};
    if (io_reply->req->type == WRTP_MSG_REGISTER) {
        if (!srv->cfg.engine->register_name(srv->cfg.engine_ctx, msg.instance, msg.name, msg.name_len, &err)) {
            wrtp_reply_engine_refusal(io_reply, &err, msg.name_len, "registration refused");
            return;
        }
    } else {
        wrtp_wire_value value = {0, 0};
        if (!srv->cfg.engine->global_get(srv->cfg.engine_ctx, msg.instance, msg.name, msg.name_len, &value, &err)) {
            wrtp_reply_engine_refusal(io_reply, &err, msg.name_len, "global refused");
            return;
        }
        wrtp_wr_value(&io_reply->body, &value);
    }
    wrtp_reply_ok(io_reply);
}

typedef struct wrtp_stats_writer {
    wrtp_wr *wr;
    uint8_t count;
    bool full;       /* a counter did not fit: later ones go to the next page, in order */
    uint32_t index;  /* of the next counter, over proto.* then engine.* */
    uint32_t first;  /* the page starts at this counter */
} wrtp_stats_writer;

static void wrtp_stat(wrtp_stats_writer *io_sw, const char *name, uint64_t value) {
    size_t need = 1u + wrtp_strnlen(name, WRTP_PROTO_STAT_NAME_MAX) + 8u;
    if (io_sw->index++ < io_sw->first || io_sw->full) return;
    if (io_sw->count >= WRTP_PROTO_MAX_STATS || need > io_sw->wr->cap - io_sw->wr->len) {
        io_sw->full = true;
        return;
    }
    wrtp_msg_encode_stat(io_sw->wr, name, value);
    if (!io_sw->wr->bad) io_sw->count++;
}

static void wrtp_handle_stats(wrtp_reply *io_reply) {
    wrtp_server *srv = io_reply->srv;
    /* Body: empty (the first page) or u16 the index of the first counter wanted. */
    uint32_t first = 0;
    if (io_reply->req->body_len == 2u) {
        first = (uint32_t)io_reply->req->body[0] | ((uint32_t)io_reply->req->body[1] << 8);
    } else if (io_reply->req->body_len != 0u) {
        wrtp_reply_malformed_body(io_reply, io_reply->req->body_len < 2u ? io_reply->req->body_len : 2u);
        return;
    }
    const wrtp_server_counters *c = &srv->counters;
    wrtp_wr_u8(&io_reply->body, 0);
    wrtp_stats_writer sw = {&io_reply->body, 0, false, 0, first};
    wrtp_stat(&sw, "proto.uptime_ms", (uint32_t)(srv->cfg.port->now_ms(srv->cfg.port->ctx) - srv->started_ms));
    wrtp_stat(&sw, "proto.boot_id", srv->boot_id);
    wrtp_stat(&sw, "proto.frames_ok", c->frames_ok);
    wrtp_stat(&sw, "proto.frames_crc", c->frames_crc);
    wrtp_stat(&sw, "proto.frames_malformed", c->frames_malformed);
    wrtp_stat(&sw, "proto.frames_too_large", c->frames_too_large);
    wrtp_stat(&sw, "proto.frames_truncated", c->frames_truncated);
    wrtp_stat(&sw, "proto.frames_echoed", c->frames_echoed);
    wrtp_stat(&sw, "proto.errors_sent", c->errors_sent);
    wrtp_stat(&sw, "proto.replays", c->replays);
    wrtp_stat(&sw, "proto.uploads_begun", c->uploads_begun);
    wrtp_stat(&sw, "proto.uploads_resumed", c->uploads_resumed);
    wrtp_stat(&sw, "proto.uploads_reused", c->uploads_reused);
    wrtp_stat(&sw, "proto.uploads_committed", c->uploads_committed);
    wrtp_stat(&sw, "proto.hash_mismatches", c->hash_mismatches);
    wrtp_stat(&sw, "proto.load_failures", c->load_failures);
    wrtp_stat(&sw, "proto.invokes", c->invokes);
    wrtp_stat(&sw, "proto.output_frames", c->output_frames);
    wrtp_stat(&sw, "proto.host_calls", c->host_calls);
    wrtp_stat(&sw, "proto.host_call_resends", c->host_call_resends);
    wrtp_stat(&sw, "proto.host_call_timeouts", c->host_call_timeouts);
    wrtp_stat(&sw, "proto.host_results_stale", c->host_results_stale);
    wrtp_stat(&sw, "proto.frames_during_call", c->frames_during_call);
    wrtp_stat(&sw, "proto.upload_state", srv->upload_state);
    wrtp_stat(&sw, "proto.upload_next", srv->upload_next);
    wrtp_engine_stat engine[WRTP_PROTO_MAX_STATS];
    uint32_t n = srv->cfg.engine->stats(srv->cfg.engine_ctx, engine, WRTP_PROTO_MAX_STATS);
    for (uint32_t i = 0; i < n && i < WRTP_PROTO_MAX_STATS; i++) wrtp_stat(&sw, engine[i].name, engine[i].value);
    io_reply->body.p[0] = sw.count;
    wrtp_reply_ok(io_reply);
}

static void wrtp_handle_args(wrtp_reply *io_reply) {
    wrtp_server *srv = io_reply->srv;
    wrtp_msg_args msg;
    uint32_t bad = 0;
    if (!wrtp_msg_decode_args(io_reply->req->body, io_reply->req->body_len, &msg, &bad)) {
        wrtp_reply_malformed_body(io_reply, bad);
        return;
    }
    wrtp_engine_error err = {0, 0, NULL};
    if (!srv->cfg.engine->set_args(srv->cfg.engine_ctx, &msg, &err)) {
        wrtp_reply_error(io_reply, (uint16_t)(err.code != 0u ? err.code : WRTP_PERR_ARGS_INVALID), err.offset, 0,
                        err.message != NULL ? err.message : "arguments refused");
        return;
    }
    wrtp_reply_ok(io_reply);
}

static void wrtp_handle_host_imports(wrtp_reply *io_reply) {
    wrtp_server *srv = io_reply->srv;
    wrtp_msg_host_imports msg;
    uint32_t bad = 0;
    if (!wrtp_msg_decode_host_imports(io_reply->req->body, io_reply->req->body_len, &msg, &bad)) {
        wrtp_reply_malformed_body(io_reply, bad);
        return;
    }
    wrtp_engine_error err = {0, 0, NULL};
    if (!srv->cfg.engine->host_imports(srv->cfg.engine_ctx, &msg, &err)) {
        wrtp_reply_error(io_reply, WRTP_PERR_ARGS_INVALID, err.offset, 0,
                        err.message != NULL ? err.message : "host imports refused");
        return;
    }
    wrtp_reply_ok(io_reply);
}

static void wrtp_handle_breakpoints(wrtp_reply *io_reply) {
    wrtp_server *srv = io_reply->srv;
    wrtp_msg_breakpoints msg;
    uint32_t bad = 0;
    if (!wrtp_msg_decode_breakpoints(io_reply->req->body, io_reply->req->body_len, &msg, &bad)) {
        wrtp_reply_malformed_body(io_reply, bad);
        return;
    }
    if (!wrtp_require_live(io_reply)) return;
    wrtp_engine_error err = {0, 0, NULL};
    if (!srv->cfg.engine->set_breakpoints(srv->cfg.engine_ctx, &msg, &err)) {
        const char *message = err.message != NULL ? err.message : "breakpoints refused";
        if (err.code == WRTP_PERR_DEBUG_BUDGET) {
            wrtp_reply_error(io_reply, WRTP_PERR_DEBUG_BUDGET, msg.count, err.offset, message);
        } else if (err.code == WRTP_PERR_ARGS_INVALID || err.code == WRTP_PERR_NO_MODULE) {
            wrtp_reply_error(io_reply, (uint16_t)err.code, err.offset, 0, message);
        } else {
            wrtp_reply_error(io_reply, WRTP_PERR_ENGINE_FAILED, err.offset, 0, message);
        }
        return;
    }
    wrtp_reply_ok(io_reply);
}

static void wrtp_handle_reset(wrtp_reply *io_reply) {
    wrtp_server *srv = io_reply->srv;
    uint8_t kind = 0;
    uint32_t bad = 0;
    if (!wrtp_msg_decode_reset(io_reply->req->body, io_reply->req->body_len, &kind, &bad)) {
        wrtp_reply_malformed_body(io_reply, bad);
        return;
    }
    wrtp_reply_ok(io_reply);
    wrtp_server_drop_upload(srv);
    srv->cfg.engine->reset(srv->cfg.engine_ctx);
    srv->live = false;
    srv->keep = false;
    srv->boot_id++;
    if (kind == WRTP_RESET_DEVICE && srv->cfg.port->device_reset != NULL) {
        srv->cfg.port->device_reset(srv->cfg.port->ctx);
    }
}

static void wrtp_server_on_frame(wrtp_server *io_srv, size_t len) {
    wrtp_frame req;
    uint32_t err = wrtp_frame_parse(io_srv->rx, len, &req);
    if (!req.crc_ok) {
        if (err == WRTP_PERR_FRAME_CRC) {
            io_srv->counters.frames_crc++;
            wrtp_server_unsolicited_error(io_srv, WRTP_PERR_FRAME_CRC, (uint32_t)len, 0, "frame CRC-32 mismatch");
        } else {
            io_srv->counters.frames_malformed++;
            wrtp_server_unsolicited_error(io_srv, WRTP_PERR_FRAME_MALFORMED, (uint32_t)len, 0,
                                         "frame shorter than header and CRC");
        }
        return;
    }
    if (err == WRTP_PERR_NONE && (req.flags & (WRTP_FLAG_RESPONSE | WRTP_FLAG_UNSOLICITED)) != 0) {
        /* Only the device sends these flags: this is its own frame echoed by the link. Answering
         * it would start an endless exchange with an echoing peer, so it is only counted. */
        io_srv->counters.frames_echoed++;
        return;
    }
    wrtp_reply reply;
    if (err != WRTP_PERR_NONE || req.flags != 0 || req.reserved != 0) {
        io_srv->counters.frames_malformed++;
        wrtp_reply_start(&reply, io_srv, &req);
        if (err == WRTP_PERR_VERSION_UNSUPPORTED) {
            wrtp_reply_error(&reply, WRTP_PERR_VERSION_UNSUPPORTED, req.version, WRTP_PROTO_VERSION,
                            "protocol version not supported");
        } else {
            wrtp_reply_error(&reply, WRTP_PERR_FRAME_MALFORMED, (uint32_t)len, 0,
                            "frame header inconsistent (body_len, flags or reserved byte)");
        }
        return;
    }
    io_srv->counters.frames_ok++;
    if (req.type == WRTP_MSG_HOST_RESULT) {
        /* No call waits for it (one that waits reads its answer in wrtp_server_host_call): an answer
         * to a call of an earlier boot, or a resend that arrived after the call ended. Not a request:
         * it is dropped unanswered, and the stored answer of the last request stays. */
        io_srv->counters.host_results_stale++;
        return;
    }
    if (req.type != WRTP_MSG_HELLO && io_srv->answer_valid && req.seq == io_srv->answer_seq &&
        req.type == io_srv->answer_type && req.crc == io_srv->answer_request_crc) {
        io_srv->counters.replays++;
        wrtp_server_send(io_srv, io_srv->answer, io_srv->answer_len);
        return;
    }
    wrtp_reply_start(&reply, io_srv, &req);
    switch (req.type) {
    case WRTP_MSG_HELLO: wrtp_handle_hello(&reply); break;
    case WRTP_MSG_UPLOAD_BEGIN: wrtp_handle_begin(&reply); break;
    case WRTP_MSG_UPLOAD_CHUNK: wrtp_handle_chunk(&reply); break;
    case WRTP_MSG_UPLOAD_END: wrtp_handle_end(&reply); break;
    case WRTP_MSG_INVOKE: wrtp_handle_invoke(&reply); break;
    case WRTP_MSG_STATS: wrtp_handle_stats(&reply); break;
    case WRTP_MSG_RESET: wrtp_handle_reset(&reply); break;
    case WRTP_MSG_SESSION:
        if (io_srv->cfg.engine->session != NULL) wrtp_handle_session(&reply);
        else wrtp_reply_error(&reply, WRTP_PERR_TYPE_UNKNOWN, req.type, 0, "unknown request type");
        break;
    case WRTP_MSG_REGISTER:
    case WRTP_MSG_GLOBAL_GET: {
        const wrtp_engine_ops *e = io_srv->cfg.engine;
        bool has = e->session != NULL && (req.type == WRTP_MSG_REGISTER ? e->register_name != NULL : e->global_get != NULL);
        if (has) wrtp_handle_named(&reply);
        else wrtp_reply_error(&reply, WRTP_PERR_TYPE_UNKNOWN, req.type, 0, "unknown request type");
        break;
    }
    case WRTP_MSG_HOST_IMPORTS:
        if (io_srv->cfg.engine->host_imports != NULL && io_srv->cfg.port->read != NULL) wrtp_handle_host_imports(&reply);
        else wrtp_reply_error(&reply, WRTP_PERR_TYPE_UNKNOWN, req.type, 0, "unknown request type");
        break;
    case WRTP_MSG_BREAKPOINTS:
        if (io_srv->cfg.engine->set_breakpoints != NULL) wrtp_handle_breakpoints(&reply);
        else wrtp_reply_error(&reply, WRTP_PERR_TYPE_UNKNOWN, req.type, 0, "unknown request type");
        break;
    case WRTP_MSG_COMPONENT_INVOKE:
        if (io_srv->cfg.engine->component_invoke != NULL) wrtp_handle_component_invoke(&reply);
        else wrtp_reply_error(&reply, WRTP_PERR_TYPE_UNKNOWN, req.type, 0, "unknown request type");
        break;
#if WRTP_PROTO_COMPONENT_LINK
    case WRTP_MSG_COMPONENT_RESOURCE:
        if (io_srv->cfg.engine->component_resource != NULL) wrtp_handle_component_resource(&reply);
        else wrtp_reply_error(&reply, WRTP_PERR_TYPE_UNKNOWN, req.type, 0, "unknown request type");
        break;
    case WRTP_MSG_COMPONENT_ADAPTER:
        if (io_srv->cfg.engine->component_adapter != NULL) wrtp_handle_component_adapter(&reply);
        else wrtp_reply_error(&reply, WRTP_PERR_TYPE_UNKNOWN, req.type, 0, "unknown request type");
        break;
#endif
    case WRTP_MSG_ARGS:
        if (io_srv->cfg.engine->set_args != NULL) wrtp_handle_args(&reply);
        else wrtp_reply_error(&reply, WRTP_PERR_TYPE_UNKNOWN, req.type, 0, "unknown request type");
        break;
    default:
        wrtp_reply_error(&reply, WRTP_PERR_TYPE_UNKNOWN, req.type, 0, "unknown request type");
        break;
    }
}

bool wrtp_server_init(wrtp_server *o_srv, const wrtp_server_config *i_cfg) {
    const wrtp_port *port = i_cfg->port;
    const wrtp_engine_ops *engine = i_cfg->engine;
    if (port == NULL || port->write == NULL || port->now_ms == NULL || engine == NULL || engine->describe == NULL ||
        engine->load == NULL || engine->unload == NULL || engine->invoke == NULL || engine->stats == NULL ||
        engine->reset == NULL || i_cfg->upload_buf == NULL || i_cfg->upload_capacity == 0 ||
        (i_cfg->profile_buf == NULL && i_cfg->profile_capacity != 0)) {
        return false;
    }
    o_srv->cfg = *i_cfg;
    if (o_srv->cfg.idle_timeout_ms == 0) o_srv->cfg.idle_timeout_ms = WRTP_PROTO_IDLE_TIMEOUT_MS;
    wrtp_cobs_decoder_init(&o_srv->dec, o_srv->rx, sizeof o_srv->rx);
    o_srv->answer_len = 0;
    o_srv->answer_valid = false;
    o_srv->answer_seq = 0;
    o_srv->answer_type = 0;
    o_srv->answer_request_crc = 0;
    o_srv->unsolicited_seq = 0;
    o_srv->started_ms = port->now_ms(port->ctx);
    o_srv->last_rx_ms = o_srv->started_ms;
    o_srv->upload_state = WRTP_UPLOAD_IDLE;
    o_srv->upload_size = 0;
    o_srv->upload_next = 0;
    o_srv->profile_len = 0;
    o_srv->start_fuel = 0;
    o_srv->boot_id = i_cfg->boot_id;
    o_srv->keep = false;
    o_srv->live = false;
    o_srv->link_down = false;
    o_srv->host_call_id = 0;
    /* Field by field: a struct copy or `= {0}` becomes a memset call on some targets. */
    uint32_t *counter = (uint32_t *)(void *)&o_srv->counters;
    for (size_t i = 0; i < sizeof o_srv->counters / sizeof(uint32_t); i++) counter[i] = 0;
    return true;
}

void wrtp_server_feed(wrtp_server *io_srv, const uint8_t *i_bytes, size_t len) {
    if (len > 0) io_srv->last_rx_ms = io_srv->cfg.port->now_ms(io_srv->cfg.port->ctx);
    for (size_t i = 0; i < len; i++) {
        switch (wrtp_cobs_push(&io_srv->dec, i_bytes[i])) {
        case WRTP_COBS_FRAME:
            wrtp_server_on_frame(io_srv, io_srv->dec.len);
            break;
        case WRTP_COBS_MALFORMED:
            /* A frame cut inside a COBS block cannot be attributed; answer like a bad CRC. */
            io_srv->counters.frames_crc++;
            wrtp_server_unsolicited_error(io_srv, WRTP_PERR_FRAME_CRC, (uint32_t)io_srv->dec.len, 0,
                                         "frame ended inside a COBS block");
            break;
        case WRTP_COBS_TOO_LARGE:
            io_srv->counters.frames_too_large++;
            wrtp_server_unsolicited_error(io_srv, WRTP_PERR_FRAME_TOO_LARGE, (uint32_t)io_srv->dec.len,
                                         WRTP_PROTO_MAX_FRAME, "frame longer than max_frame");
            break;
        case WRTP_COBS_MORE:
        default:
            break;
        }
    }
}

void wrtp_server_tick(wrtp_server *io_srv) {
    if (!wrtp_cobs_decoder_busy(&io_srv->dec)) return;
    uint32_t now = io_srv->cfg.port->now_ms(io_srv->cfg.port->ctx);
    if ((uint32_t)(now - io_srv->last_rx_ms) < io_srv->cfg.idle_timeout_ms) return;
    uint32_t held = (uint32_t)io_srv->dec.len;
    wrtp_cobs_decoder_reset(&io_srv->dec);
    io_srv->counters.frames_truncated++;
    wrtp_server_unsolicited_error(io_srv, WRTP_PERR_FRAME_TRUNCATED, held, io_srv->cfg.idle_timeout_ms,
                                 "partial frame idle past the timeout; discarded");
}

void wrtp_server_poll(wrtp_server *io_srv) {
    if (io_srv->cfg.port->read != NULL) {
        uint8_t buf[WRTP_PROTO_POLL_BYTES];
        size_t n = io_srv->cfg.port->read(io_srv->cfg.port->ctx, buf, sizeof buf);
        if (n > sizeof buf) n = sizeof buf;
        wrtp_server_feed(io_srv, buf, n);
    }
    wrtp_server_tick(io_srv);
}

void wrtp_server_output(wrtp_server *io_srv, uint8_t stream, const uint8_t *i_bytes, size_t len) {
    const size_t per_frame = WRTP_PROTO_MAX_BODY - 1u;
    size_t pos = 0;
    do {
        size_t n = len - pos < per_frame ? len - pos : per_frame;
        uint8_t *body = io_srv->unsolicited + WRTP_PROTO_HEADER_BYTES;
        body[0] = stream;
        wrtp_copy(body + 1, i_bytes + pos, n);
        pos += n;
        io_srv->counters.output_frames++;
        wrtp_server_send_unsolicited(io_srv, WRTP_MSG_OUTPUT, n + 1u);
    } while (pos < len && !io_srv->link_down);
}

void wrtp_server_log(wrtp_server *io_srv, uint8_t level, const uint8_t *i_text, size_t len) {
    size_t n = len < WRTP_PROTO_MAX_BODY - 1u ? len : WRTP_PROTO_MAX_BODY - 1u;
    uint8_t *body = io_srv->unsolicited + WRTP_PROTO_HEADER_BYTES;
    body[0] = level;
    wrtp_copy(body + 1, i_text, n);
    wrtp_server_send_unsolicited(io_srv, WRTP_MSG_LOG, n + 1u);
}

static void wrtp_server_send_host_call(wrtp_server *io_srv, const wrtp_msg_host_call *i_call) {
    wrtp_wr wr;
    wrtp_wr_init(&wr, io_srv->unsolicited + WRTP_PROTO_HEADER_BYTES, WRTP_PROTO_MAX_BODY);
    wrtp_msg_encode_host_call(&wr, i_call);
    if (!wr.bad) wrtp_server_send_unsolicited(io_srv, WRTP_MSG_HOST_CALL, wr.len);
}

/* The HOST_RESULT of the call waiting, from one decoded frame; false for anything else. */
static bool wrtp_server_take_result(wrtp_server *io_srv, size_t len, wrtp_msg_host_result *o_result) {
    wrtp_frame frame;
    uint32_t err = wrtp_frame_parse(io_srv->answer, len, &frame);
    if (err != WRTP_PERR_NONE || !frame.crc_ok) {
        io_srv->counters.frames_crc++;
        return false;
    }
    /* The device's own frames echoed by the link carry its flags; other requests must wait. */
    if (frame.flags != 0u) {
        io_srv->counters.frames_echoed++;
        return false;
    }
    if (frame.type != WRTP_MSG_HOST_RESULT) {
        io_srv->counters.frames_during_call++;
        return false;
    }
    uint32_t bad = 0;
    if (!wrtp_msg_decode_host_result(frame.body, frame.body_len, o_result, &bad) ||
        o_result->boot_id != io_srv->boot_id || o_result->call_id != io_srv->host_call_id) {
        io_srv->counters.host_results_stale++;
        return false;
    }
    return true;
}

uint8_t wrtp_server_host_call(wrtp_server *io_srv, uint8_t import, const wrtp_wire_value *i_args, uint8_t nargs,
                              wrtp_wire_value *o_results, uint8_t *o_nresults) {
    const wrtp_port *port = io_srv->cfg.port;
    *o_nresults = 0;
    if (port->read == NULL || io_srv->link_down) return WRTP_HOST_RESULT_FAILED;
    io_srv->host_call_id++;
    const wrtp_msg_host_call call = {io_srv->boot_id, io_srv->host_call_id, import, nargs, i_args};
    /*
     * The answer buffer is free while an INVOKE runs (its answer is written after the engine
     * returns), so it receives the HOST_RESULT; the request decoder keeps its state for the bytes
     * that follow the INVOKE.
     */
    wrtp_cobs_decoder dec;
    wrtp_cobs_decoder_init(&dec, io_srv->answer, sizeof io_srv->answer);
    wrtp_server_send_host_call(io_srv, &call);
    uint32_t started = port->now_ms(port->ctx);
    uint32_t sent = started;
    uint8_t buf[64];
    /* Bounded by the clock: every pass reads what arrived, and the wait ends at the timeout. */
    uint32_t now = started;
    while ((uint32_t)(now - started) < WRTP_PROTO_HOST_CALL_TIMEOUT_MS && !io_srv->link_down) {
        size_t n = port->read(port->ctx, buf, sizeof buf);
        if (n > sizeof buf) n = sizeof buf;
        for (size_t i = 0; i < n; i++) {
            enum wrtp_cobs_result r = wrtp_cobs_push(&dec, buf[i]);
            if (r != WRTP_COBS_FRAME) continue;
            wrtp_msg_host_result result;
            if (!wrtp_server_take_result(io_srv, dec.len, &result)) continue;
            io_srv->counters.host_calls++;
            if (result.status != WRTP_HOST_RESULT_OK) return WRTP_HOST_RESULT_FAILED;
            for (uint8_t k = 0; k < result.nresults; k++) o_results[k] = result.results[k];
            *o_nresults = result.nresults;
            return WRTP_HOST_RESULT_OK;
        }
        now = port->now_ms(port->ctx);
        if ((uint32_t)(now - sent) >= WRTP_PROTO_HOST_CALL_RESEND_MS && (uint32_t)(now - started) < WRTP_PROTO_HOST_CALL_TIMEOUT_MS) {
            /* The call or its answer was lost: the host answers a call it already ran from memory. */
            io_srv->counters.host_call_resends++;
            wrtp_cobs_decoder_reset(&dec);
            wrtp_server_send_host_call(io_srv, &call);
            sent = now;
        }
    }
    io_srv->counters.host_call_timeouts++;
    return WRTP_HOST_RESULT_FAILED;
}
