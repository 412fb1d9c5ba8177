/* Frames: header(8) | body | crc32(4), before COBS (docs/protocol.md §1, §2). */
#ifndef WRTP_FRAME_H
#define WRTP_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "wrtp_proto.h"

typedef struct wrtp_frame {
    uint8_t version;
    uint8_t type;
    uint8_t flags;
    uint8_t reserved;
    uint16_t seq;
    uint16_t body_len;
    const uint8_t *body;
    uint32_t crc;       /* CRC of the frame as received, for the replay check */
    uint8_t crc_ok;     /* 1 when the CRC matched: only then may the header be answered */
} wrtp_frame;

/*
 * Reads a decoded frame. Returns WRTP_PERR_NONE, WRTP_PERR_FRAME_MALFORMED (shorter than header and
 * CRC, or body_len disagrees with the length), WRTP_PERR_FRAME_CRC, or WRTP_PERR_VERSION_UNSUPPORTED.
 * The header fields are set, and crc_ok is 1, whenever the CRC matched. Never reads outside bytes[0 .. len).
 */
uint32_t wrtp_frame_parse(const uint8_t *i_bytes, size_t len, wrtp_frame *o_frame);

/*
 * Writes header and CRC around a body already placed at io_frame[8 .. 8 + body_len). Returns the
 * frame length, or 0 if it would not fit in `cap`.
 */
size_t wrtp_frame_finish(uint8_t *io_frame, size_t cap, uint8_t type, uint8_t flags, uint16_t seq,
                        size_t body_len);

#endif
