/* CRC-32 (IEEE 802.3, reflected, as zlib): crc32("123456789") == 0xCBF43926. */
#ifndef WRTP_CRC32_H
#define WRTP_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Continues a CRC: pass 0 to start, the previous result to continue over more bytes. */
uint32_t wrtp_crc32_update(uint32_t crc, const uint8_t *i_bytes, size_t len);

#endif
