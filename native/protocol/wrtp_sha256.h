/* SHA-256 (FIPS 180-4), streaming, no allocation. */
#ifndef WRTP_SHA256_H
#define WRTP_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define WRTP_SHA256_DIGEST_BYTES 32u

typedef struct wrtp_sha256_ctx {
    uint32_t state[8];
    uint64_t total_bytes;
    uint8_t block[64];
    uint32_t block_len;
} wrtp_sha256_ctx;

void wrtp_sha256_init(wrtp_sha256_ctx *o_ctx);
void wrtp_sha256_update(wrtp_sha256_ctx *io_ctx, const uint8_t *i_bytes, size_t len);
void wrtp_sha256_final(wrtp_sha256_ctx *io_ctx, uint8_t o_digest[WRTP_SHA256_DIGEST_BYTES]);

/* The digest of one buffer. */
void wrtp_sha256(const uint8_t *i_bytes, size_t len, uint8_t o_digest[WRTP_SHA256_DIGEST_BYTES]);

#endif
