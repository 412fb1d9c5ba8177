/*
 * COBS (Consistent Overhead Byte Stuffing): encoded bytes hold no 0x00, so 0x00 delimits frames
 * and a receiver resynchronises at the first 0x00 after noise.
 */
#ifndef WRT_COBS_H
#define WRT_COBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Encoded size of n bytes at most (without the 0x00 delimiter). */
#define WRT_COBS_MAX_ENCODED(n) ((n) + (n) / 254u + 1u)

/* Receives encoded bytes in pieces; returns false when the link is gone. */
typedef bool (*wrt_cobs_sink)(void *ctx, const uint8_t *i_bytes, size_t len);

/*
 * Encodes `len` bytes into the sink without a buffer of its own: one code byte, then a run of the
 * input itself, per block. Does not write the delimiter. Returns false if the sink failed.
 */
bool wrt_cobs_encode_to(const uint8_t *i_bytes, size_t len, wrt_cobs_sink sink, void *sink_ctx);

/* Encodes into a buffer; returns the encoded length, or 0 if `cap` is below WRT_COBS_MAX_ENCODED. */
size_t wrt_cobs_encode(const uint8_t *i_bytes, size_t len, uint8_t *o_out, size_t cap);

/* What one pushed byte completed. */
enum wrt_cobs_result {
    WRT_COBS_MORE = 0,      /* inside a frame, or an empty frame was skipped */
    WRT_COBS_FRAME = 1,     /* a frame ended: decoded bytes are buf[0 .. len) */
    WRT_COBS_MALFORMED = 2, /* a frame ended inside a COBS block: it was cut short */
    WRT_COBS_TOO_LARGE = 3  /* a frame ended that held more than `cap` decoded bytes */
};

/* A streaming decoder over a caller-provided buffer. */
typedef struct wrt_cobs_decoder {
    uint8_t *buf;
    size_t cap;
    size_t len;      /* decoded bytes of the current frame */
    size_t seen;     /* encoded bytes of the current frame */
    uint8_t left;    /* data bytes left in the current block; 0 = the next byte is a code */
    uint8_t code;    /* code byte of the current block; 0 before the first block */
    bool oversize;   /* the current frame outgrew the buffer and is being skipped */
} wrt_cobs_decoder;

void wrt_cobs_decoder_init(wrt_cobs_decoder *o_dec, uint8_t *io_buf, size_t cap);

/* Feeds one byte. After FRAME, MALFORMED or TOO_LARGE the decoder starts a new frame. */
enum wrt_cobs_result wrt_cobs_push(wrt_cobs_decoder *io_dec, uint8_t byte);

/* Drops a partial frame (idle timeout). */
void wrt_cobs_decoder_reset(wrt_cobs_decoder *io_dec);

/* True while part of a frame has been received. */
bool wrt_cobs_decoder_busy(const wrt_cobs_decoder *i_dec);

#endif
