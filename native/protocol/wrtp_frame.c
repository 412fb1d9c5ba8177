#include "wrtp_frame.h"

#include "wrtp_crc32.h"

static uint32_t wrtp_le32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

uint32_t wrtp_frame_parse(const uint8_t *i_bytes, size_t len, wrtp_frame *o_frame) {
    o_frame->version = 0;
    o_frame->type = 0;
    o_frame->flags = 0;
    o_frame->reserved = 0;
    o_frame->seq = 0;
    o_frame->body_len = 0;
    o_frame->body = i_bytes;
    o_frame->crc = 0;
    o_frame->crc_ok = 0;
    if (len < WRTP_PROTO_FRAME_OVERHEAD) return WRTP_PERR_FRAME_MALFORMED;
    size_t covered = len - WRTP_PROTO_CRC_BYTES;
    uint32_t crc = wrtp_crc32_update(0, i_bytes, covered);
    if (crc != wrtp_le32(i_bytes + covered)) return WRTP_PERR_FRAME_CRC;
    o_frame->crc = crc;
    o_frame->crc_ok = 1;
    o_frame->version = i_bytes[0];
    o_frame->type = i_bytes[1];
    o_frame->flags = i_bytes[2];
    o_frame->reserved = i_bytes[3];
    o_frame->seq = (uint16_t)(i_bytes[4] | (i_bytes[5] << 8));
    o_frame->body_len = (uint16_t)(i_bytes[6] | (i_bytes[7] << 8));
    o_frame->body = i_bytes + WRTP_PROTO_HEADER_BYTES;
    if (o_frame->version != WRTP_PROTO_VERSION) return WRTP_PERR_VERSION_UNSUPPORTED;
    if ((size_t)o_frame->body_len != len - WRTP_PROTO_FRAME_OVERHEAD) return WRTP_PERR_FRAME_MALFORMED;
    return WRTP_PERR_NONE;
}

size_t wrtp_frame_finish(uint8_t *io_frame, size_t cap, uint8_t type, uint8_t flags, uint16_t seq,
                        size_t body_len) {
    if (cap < WRTP_PROTO_FRAME_OVERHEAD || body_len > cap - WRTP_PROTO_FRAME_OVERHEAD || body_len > 0xFFFFu) {
        return 0;
    }
    io_frame[0] = WRTP_PROTO_VERSION;
    io_frame[1] = type;
    io_frame[2] = flags;
    io_frame[3] = 0;
    io_frame[4] = (uint8_t)seq;
    io_frame[5] = (uint8_t)(seq >> 8);
    io_frame[6] = (uint8_t)body_len;
    io_frame[7] = (uint8_t)(body_len >> 8);
    size_t covered = WRTP_PROTO_HEADER_BYTES + body_len;
    uint32_t crc = wrtp_crc32_update(0, io_frame, covered);
    io_frame[covered] = (uint8_t)crc;
    io_frame[covered + 1u] = (uint8_t)(crc >> 8);
    io_frame[covered + 2u] = (uint8_t)(crc >> 16);
    io_frame[covered + 3u] = (uint8_t)(crc >> 24);
    return covered + WRTP_PROTO_CRC_BYTES;
}
