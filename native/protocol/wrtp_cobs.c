#include "wrtp_cobs.h"

/* Length of the next block's data run starting at `from` (at most 254 non-zero bytes). */
static size_t wrtp_cobs_run(const uint8_t *i_bytes, size_t len, size_t from) {
    size_t n = 0;
    while (from + n < len && n < 254u && i_bytes[from + n] != 0) n++;
    return n;
}

bool wrtp_cobs_encode_to(const uint8_t *i_bytes, size_t len, wrtp_cobs_sink sink, void *sink_ctx) {
    size_t pos = 0;
    /* Each pass consumes at least one input byte, or ends after the final block. */
    for (;;) {
        size_t run = wrtp_cobs_run(i_bytes, len, pos);
        uint8_t code = (uint8_t)(run + 1u);
        if (!sink(sink_ctx, &code, 1)) return false;
        if (run > 0 && !sink(sink_ctx, i_bytes + pos, run)) return false;
        pos += run;
        if (run == 254u) {
            /* A full block implies no zero; the data continues in a new block, if any is left. */
            if (pos >= len) return true;
            continue;
        }
        if (pos >= len) return true;
        pos++; /* the zero this block stands for */
    }
}

typedef struct wrtp_cobs_buffer {
    uint8_t *out;
    size_t cap;
    size_t len;
} wrtp_cobs_buffer;

static bool wrtp_cobs_buffer_sink(void *ctx, const uint8_t *i_bytes, size_t len) {
    wrtp_cobs_buffer *b = (wrtp_cobs_buffer *)ctx;
    if (len > b->cap - b->len) return false;
    for (size_t i = 0; i < len; i++) b->out[b->len + i] = i_bytes[i];
    b->len += len;
    return true;
}

size_t wrtp_cobs_encode(const uint8_t *i_bytes, size_t len, uint8_t *o_out, size_t cap) {
    if (cap < WRTP_COBS_MAX_ENCODED(len)) return 0;
    wrtp_cobs_buffer b = {o_out, cap, 0};
    if (!wrtp_cobs_encode_to(i_bytes, len, wrtp_cobs_buffer_sink, &b)) return 0;
    return b.len;
}

void wrtp_cobs_decoder_init(wrtp_cobs_decoder *o_dec, uint8_t *io_buf, size_t cap) {
    o_dec->buf = io_buf;
    o_dec->cap = cap;
    wrtp_cobs_decoder_reset(o_dec);
}

void wrtp_cobs_decoder_reset(wrtp_cobs_decoder *io_dec) {
    io_dec->len = 0;
    io_dec->seen = 0;
    io_dec->left = 0;
    io_dec->code = 0;
    io_dec->oversize = false;
}

bool wrtp_cobs_decoder_busy(const wrtp_cobs_decoder *i_dec) { return i_dec->seen > 0; }

static void wrtp_cobs_append(wrtp_cobs_decoder *io_dec, uint8_t byte) {
    if (io_dec->len >= io_dec->cap) {
        io_dec->oversize = true;
        return;
    }
    io_dec->buf[io_dec->len++] = byte;
}

enum wrtp_cobs_result wrtp_cobs_push(wrtp_cobs_decoder *io_dec, uint8_t byte) {
    if (byte == 0) {
        enum wrtp_cobs_result result;
        if (io_dec->seen == 0) result = WRTP_COBS_MORE;
        else if (io_dec->oversize) result = WRTP_COBS_TOO_LARGE;
        else if (io_dec->left != 0) result = WRTP_COBS_MALFORMED;
        else result = WRTP_COBS_FRAME;
        size_t len = io_dec->len;
        wrtp_cobs_decoder_reset(io_dec);
        io_dec->len = len; /* the caller reads buf[0 .. len) before the next push */
        return result;
    }
    if (io_dec->seen == 0) io_dec->len = 0;
    /* Counting stops at the cap: a long run of noise must not overflow the counter. */
    if (io_dec->seen < io_dec->cap + 1u) io_dec->seen++;
    if (io_dec->oversize) return WRTP_COBS_MORE;
    if (io_dec->left == 0) {
        if (io_dec->code != 0 && io_dec->code != 0xFFu) wrtp_cobs_append(io_dec, 0);
        io_dec->code = byte;
        io_dec->left = (uint8_t)(byte - 1u);
    } else {
        wrtp_cobs_append(io_dec, byte);
        io_dec->left--;
    }
    return WRTP_COBS_MORE;
}
