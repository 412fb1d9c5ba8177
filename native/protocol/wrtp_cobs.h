/*
 * COBS (Consistent Overhead Byte Stuffing): encoded bytes hold no 0x00, so 0x00 delimits frames
 * and a receiver resynchronises at the first 0x00 after noise.
 */
#ifndef WRTP_COBS_H
#define WRTP_COBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Encoded size of n bytes at most (without the 0x00 delimiter). */
#define WRTP_COBS_MAX_ENCODED(n) ((n) + (n) / 254u + 1u)

/* Receives encoded bytes in pieces; returns false when the link is gone. */
typedef bool (*wrtp_cobs_sink)(void *ctx, const uint8_t *i_bytes, size_t len);

/*
 * Encodes `len` bytes into the sink without a buffer of its own: one code byte, then a run of the
 * input itself, per block. Does not write the delimiter. Returns false if the sink failed.
 */
bool wrtp_cobs_encode_to(const uint8_t *i_bytes, size_t len, wrtp_cobs_sink sink, void *sink_ctx);

/* Encodes into a buffer; returns the encoded length, or 0 if `cap` is below WRTP_COBS_MAX_ENCODED. */
size_t wrtp_cobs_encode(const uint8_t *i_bytes, size_t len, uint8_t *o_out, size_t cap);

/* What one pushed byte completed. */
enum wrtp_cobs_result {
    WRTP_COBS_MORE = 0,      /* inside a frame, or an empty frame was skipped */
    WRTP_COBS_FRAME = 1,     /* a frame ended: decoded bytes are buf[0 .. len) */
    WRTP_COBS_MALFORMED = 2, /* a frame ended inside a COBS block: it was cut short */
    WRTP_COBS_TOO_LARGE = 3  /* a frame ended that held more than `cap` decoded bytes */
};

/* A streaming decoder over a caller-provided buffer. */
typedef struct wrtp_cobs_decoder {
    uint8_t *buf;
    size_t cap;
    size_t len;      /* decoded bytes of the current frame */
    size_t seen;     /* encoded bytes of the current frame */
    uint8_t left;    /* data bytes left in the current block; 0 = the next byte is a code */
    uint8_t code;    /* code byte of the current block; 0 before the first block */
    bool oversize;   /* the current frame outgrew the buffer and is being skipped */
} wrtp_cobs_decoder;

void wrtp_cobs_decoder_init(wrtp_cobs_decoder *o_dec, uint8_t *io_buf, size_t cap);

/* Feeds one byte. After FRAME, MALFORMED or TOO_LARGE the decoder starts a new frame. */
enum wrtp_cobs_result wrtp_cobs_push(wrtp_cobs_decoder *io_dec, uint8_t byte);

/* Drops a partial frame (idle timeout). */
void wrtp_cobs_decoder_reset(wrtp_cobs_decoder *io_dec);

/* True while part of a frame has been received. */
bool wrtp_cobs_decoder_busy(const wrtp_cobs_decoder *i_dec);

#endif
