/*
 * libFuzzer target: the device side of the wire protocol (native/protocol's server) over the real
 * engine (native-sim's interpreter adapter), fed the way a link feeds it. The input is a list of
 * records, each a kind byte, a little-endian u16 length and that many bytes:
 *   kind % 4 == 0  the bytes as they are: noise, partial and broken frames;
 *   kind % 4 == 1  a well-formed frame of type bytes[0] with the rest as its body (the harness adds
 *                  header, CRC, COBS and the delimiter, so mutations reach the message decoders);
 *   kind % 4 == 2  the bytes as a module, uploaded as a host would: UPLOAD_BEGIN with its SHA-256,
 *                  UPLOAD_CHUNKs, UPLOAD_END (so the engine's load path runs on mutated modules);
 *   kind % 4 == 3  the link goes quiet past the idle timeout.
 * INVOKE fuel is clamped to a bound, as the host's --fuel would, so a looping export ends.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim_engine.h"
#include "wrtp_cobs.h"
#include "wrtp_frame.h"
#include "wrtp_server.h"
#include "wrtp_sha256.h"

#define WRT_FUZZ_ENGINE_ARENA (4u * 1024u * 1024u)
#define WRT_FUZZ_UPLOAD_CAPACITY (256u * 1024u)
#define WRT_FUZZ_INVOKE_FUEL 100000u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint32_t wrt_fuzz_clock_ms;

static bool wrt_fuzz_write(void *ctx, const uint8_t *i_bytes, size_t len) {
    (void)ctx;
    (void)i_bytes;
    (void)len;
    return true;
}

static uint32_t wrt_fuzz_now(void *ctx) {
    (void)ctx;
    return wrt_fuzz_clock_ms;
}

static const wrtp_port wrt_fuzz_port = {NULL, NULL, wrt_fuzz_write, wrt_fuzz_now, NULL};

static wrtp_server wrt_fuzz_srv;
static uint16_t wrt_fuzz_seq;

/* Frames `body` as a host would and feeds the encoded bytes and the delimiter. */
static void wrt_fuzz_send(uint8_t type, const uint8_t *i_body, size_t body_len) {
    static uint8_t frame[WRTP_PROTO_MAX_FRAME];
    static uint8_t wire[WRTP_COBS_MAX_ENCODED(WRTP_PROTO_MAX_FRAME) + 1u];
    if (body_len > WRTP_PROTO_MAX_BODY) body_len = WRTP_PROTO_MAX_BODY;
    memcpy(frame + WRTP_PROTO_HEADER_BYTES, i_body, body_len);
    if (type == WRTP_MSG_INVOKE && body_len >= 8u) {
        uint64_t fuel = 0;
        for (unsigned i = 0; i < 8u; i++) fuel |= (uint64_t)frame[WRTP_PROTO_HEADER_BYTES + i] << (8u * i);
        fuel = fuel % WRT_FUZZ_INVOKE_FUEL + 1u;
        for (unsigned i = 0; i < 8u; i++) frame[WRTP_PROTO_HEADER_BYTES + i] = (uint8_t)(fuel >> (8u * i));
    }
    size_t len = wrtp_frame_finish(frame, sizeof frame, type, 0u, wrt_fuzz_seq++, body_len);
    if (len == 0u) abort(); /* the body was cut to fit: a harness defect */
    size_t n = wrtp_cobs_encode(frame, len, wire, sizeof wire - 1u);
    if (n == 0u) abort();
    wire[n++] = 0u;
    wrt_fuzz_clock_ms += 1u;
    wrtp_server_feed(&wrt_fuzz_srv, wire, n);
}

static void wrt_fuzz_put32(uint8_t *o_at, uint32_t v) {
    for (unsigned i = 0; i < 4u; i++) o_at[i] = (uint8_t)(v >> (8u * i));
}

static void wrt_fuzz_upload(const uint8_t *i_module, size_t len) {
    uint8_t body[WRTP_PROTO_MAX_BODY];
    wrt_fuzz_put32(body, (uint32_t)len);
    wrtp_sha256(i_module, len, body + 4);
    body[36] = 0u; /* no profile: the engine loads the module unprofiled */
    body[37] = 0u;
    wrt_fuzz_send(WRTP_MSG_UPLOAD_BEGIN, body, 38u);
    size_t chunk = WRTP_PROTO_MAX_BODY - 4u;
    for (size_t at = 0; at < len; at += chunk) {
        size_t n = len - at < chunk ? len - at : chunk;
        wrt_fuzz_put32(body, (uint32_t)at);
        memcpy(body + 4, i_module + at, n);
        wrt_fuzz_send(WRTP_MSG_UPLOAD_CHUNK, body, 4u + n);
    }
    wrt_fuzz_send(WRTP_MSG_UPLOAD_END, body, 0u);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static uint8_t upload[WRT_FUZZ_UPLOAD_CAPACITY];
    static uint8_t profile[4096];
    static const wrtp_engine_ops *engine;
    static void *engine_ctx;
    if (engine == NULL) {
        const wrt_sim_options opts = {.arena_bytes = WRT_FUZZ_ENGINE_ARENA};
        const char *why = NULL;
        engine = wrt_sim_engine(&opts, &engine_ctx, &why);
        if (engine == NULL) abort();
    }
    /* Every input starts from a device after power-on. */
    engine->reset(engine_ctx);
    wrt_fuzz_clock_ms = 0u;
    wrt_fuzz_seq = 1u;
    const wrtp_server_config cfg = {
        .port = &wrt_fuzz_port,
        .engine = engine,
        .engine_ctx = engine_ctx,
        .upload_buf = upload,
        .upload_capacity = sizeof upload,
        .profile_buf = profile,
        .profile_capacity = sizeof profile,
        .device_id = "fuzz",
        .ram_bytes = WRT_FUZZ_ENGINE_ARENA,
        .boot_id = 1u,
        .idle_timeout_ms = 0u,
    };
    if (!wrtp_server_init(&wrt_fuzz_srv, &cfg)) abort();
    size_t at = 0;
    while (size - at >= 3u) {
        uint8_t kind = data[at];
        size_t len = (size_t)data[at + 1] | (size_t)data[at + 2] << 8;
        at += 3u;
        if (len > size - at) len = size - at;
        const uint8_t *bytes = data + at;
        at += len;
        switch (kind % 4u) {
            case 0:
                wrt_fuzz_clock_ms += 1u;
                wrtp_server_feed(&wrt_fuzz_srv, bytes, len);
                break;
            case 1:
                if (len >= 1u) wrt_fuzz_send(bytes[0], bytes + 1, len - 1u);
                break;
            case 2:
                wrt_fuzz_upload(bytes, len);
                break;
            default:
                wrt_fuzz_clock_ms += WRTP_PROTO_IDLE_TIMEOUT_MS * 4u;
                wrtp_server_tick(&wrt_fuzz_srv);
                break;
        }
    }
    return 0;
}
