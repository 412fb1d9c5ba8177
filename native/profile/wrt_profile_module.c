/* The module hash a profile binds to: SHA-256 of the module without its custom sections (header and
 * standard sections in order), so debug info stripped before upload or a wrt.profile section
 * carried inside the module do not change it. */
#include "wrt_profile.h"

#include "wrtp_sha256.h"

/* LEB128 u32 at *io_at (at most 5 bytes, before `end`). */
static bool rd_leb(const uint8_t *i_bytes, size_t end, size_t *io_at, uint32_t *o_value)
{
    uint32_t value = 0;
    for (uint32_t i = 0; i < 5u; i++) {
        if (*io_at >= end) return false;
        uint8_t b = i_bytes[(*io_at)++];
        value |= (uint32_t)(b & 0x7Fu) << (7u * i);
        if ((b & 0x80u) == 0u) {
            *o_value = value;
            return true;
        }
    }
    return false;
}

uint32_t wrt_profile_check_module(const wrt_profile *i_profile, const uint8_t *i_module, size_t len)
{
    if (i_module == NULL || len < 8u) return WRT_PROFILE_MODULE_BAD;
    wrtp_sha256_ctx ctx;
    wrtp_sha256_init(&ctx);
    wrtp_sha256_update(&ctx, i_module, 8u);
    size_t at = 8u;
    while (at < len) {
        size_t start = at;
        uint8_t id = i_module[at++];
        uint32_t size;
        if (!rd_leb(i_module, len, &at, &size) || (uint64_t)at + size > (uint64_t)len) return WRT_PROFILE_MODULE_BAD;
        size_t end = at + size;
        if (id != 0u) wrtp_sha256_update(&ctx, i_module + start, end - start);
        at = end;
    }
    uint8_t digest[WRTP_SHA256_DIGEST_BYTES];
    wrtp_sha256_final(&ctx, digest);
    uint8_t diff = 0;
    for (uint32_t i = 0; i < 32u; i++) diff |= (uint8_t)(digest[i] ^ i_profile->module_sha256[i]);
    return diff == 0u ? WRT_PROFILE_OK : WRT_PROFILE_HASH_BAD;
}
