#include "wrtp_sha256.h"

static const uint32_t wrtp_sha256_k[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u, 0x923f82a4u,
    0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u, 0x72be5d74u, 0x80deb1feu,
    0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu,
    0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau, 0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
    0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu,
    0x53380d13u, 0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
    0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u, 0x19a4c116u,
    0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u, 0x90befffau, 0xa4506cebu, 0xbef9a3f7u,
    0xc67178f2u,
};

static uint32_t wrtp_rotr(uint32_t x, unsigned n) { return (x >> n) | (x << (32u - n)); }

static void wrtp_sha256_block(uint32_t io_state[8], const uint8_t i_block[64]) {
    uint32_t w[64];
    for (unsigned t = 0; t < 16u; t++) {
        w[t] = ((uint32_t)i_block[4u * t] << 24) | ((uint32_t)i_block[4u * t + 1u] << 16) |
               ((uint32_t)i_block[4u * t + 2u] << 8) | (uint32_t)i_block[4u * t + 3u];
    }
    for (unsigned t = 16; t < 64u; t++) {
        uint32_t s0 = wrtp_rotr(w[t - 15u], 7) ^ wrtp_rotr(w[t - 15u], 18) ^ (w[t - 15u] >> 3);
        uint32_t s1 = wrtp_rotr(w[t - 2u], 17) ^ wrtp_rotr(w[t - 2u], 19) ^ (w[t - 2u] >> 10);
        w[t] = w[t - 16u] + s0 + w[t - 7u] + s1;
    }
    uint32_t a = io_state[0], b = io_state[1], c = io_state[2], d = io_state[3];
    uint32_t e = io_state[4], f = io_state[5], g = io_state[6], h = io_state[7];
    for (unsigned t = 0; t < 64u; t++) {
        uint32_t s1 = wrtp_rotr(e, 6) ^ wrtp_rotr(e, 11) ^ wrtp_rotr(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = h + s1 + ch + wrtp_sha256_k[t] + w[t];
        uint32_t s0 = wrtp_rotr(a, 2) ^ wrtp_rotr(a, 13) ^ wrtp_rotr(a, 22);
        uint32_t maj = (a & b) ^ (a & c) ^ (b & c);
        uint32_t t2 = s0 + maj;
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    io_state[0] += a;
    io_state[1] += b;
    io_state[2] += c;
    io_state[3] += d;
    io_state[4] += e;
    io_state[5] += f;
    io_state[6] += g;
    io_state[7] += h;
}

void wrtp_sha256_init(wrtp_sha256_ctx *o_ctx) {
    static const uint32_t initial[8] = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
                                        0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u};
    for (unsigned i = 0; i < 8u; i++) o_ctx->state[i] = initial[i];
    o_ctx->total_bytes = 0;
    o_ctx->block_len = 0;
}

void wrtp_sha256_update(wrtp_sha256_ctx *io_ctx, const uint8_t *i_bytes, size_t len) {
    for (size_t i = 0; i < len; i++) {
        io_ctx->block[io_ctx->block_len++] = i_bytes[i];
        if (io_ctx->block_len == 64u) {
            wrtp_sha256_block(io_ctx->state, io_ctx->block);
            io_ctx->block_len = 0;
        }
    }
    io_ctx->total_bytes += (uint64_t)len;
}

void wrtp_sha256_final(wrtp_sha256_ctx *io_ctx, uint8_t o_digest[WRTP_SHA256_DIGEST_BYTES]) {
    uint64_t bits = io_ctx->total_bytes * 8u;
    io_ctx->block[io_ctx->block_len++] = 0x80u;
    if (io_ctx->block_len > 56u) {
        while (io_ctx->block_len < 64u) io_ctx->block[io_ctx->block_len++] = 0;
        wrtp_sha256_block(io_ctx->state, io_ctx->block);
        io_ctx->block_len = 0;
    }
    while (io_ctx->block_len < 56u) io_ctx->block[io_ctx->block_len++] = 0;
    for (unsigned i = 0; i < 8u; i++) io_ctx->block[56u + i] = (uint8_t)(bits >> (56u - 8u * i));
    wrtp_sha256_block(io_ctx->state, io_ctx->block);
    for (unsigned i = 0; i < 8u; i++) {
        o_digest[4u * i] = (uint8_t)(io_ctx->state[i] >> 24);
        o_digest[4u * i + 1u] = (uint8_t)(io_ctx->state[i] >> 16);
        o_digest[4u * i + 2u] = (uint8_t)(io_ctx->state[i] >> 8);
        o_digest[4u * i + 3u] = (uint8_t)io_ctx->state[i];
    }
}

void wrtp_sha256(const uint8_t *i_bytes, size_t len, uint8_t o_digest[WRTP_SHA256_DIGEST_BYTES]) {
    wrtp_sha256_ctx ctx;
    wrtp_sha256_init(&ctx);
    wrtp_sha256_update(&ctx, i_bytes, len);
    wrtp_sha256_final(&ctx, o_digest);
}
