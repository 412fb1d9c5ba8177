/* Module signature check on the device; the format is docs/signing.md's. */
#include "wrt_sig.h"

#include "crypto_sign_ed25519.h"
#include "wrtp_sha256.h"

#define WRT_SIG_SECTION_NAME "signature"
#define WRT_SIG_NAME_BYTES 9u
#define WRT_SIG_HASH_BYTES 32u
#define WRT_SIG_ED25519 1u
/* "wasmsig" ‖ spec_version ‖ content_type (module) ‖ hash_fn (SHA-256): the signed message's prefix. */
#define WRT_SIG_PREFIX_BYTES 10u

bool wrt_sig_ed25519_verify(const uint8_t i_signature[WRT_SIG_SIGNATURE_BYTES], const uint8_t *i_message, size_t len,
                            const uint8_t i_key[WRT_SIG_KEY_BYTES]) {
    return crypto_sign_ed25519_verify_detached(i_signature, i_message, (unsigned long long)len, i_key) == 0;
}

/* A bounded reader over the module; `bad` stays set after the first read past `end`. */
typedef struct wrt_sig_reader {
    const uint8_t *bytes;
    size_t at;
    size_t end;
    bool bad;
} wrt_sig_reader;

static uint32_t wrt_sig_leb(wrt_sig_reader *io_r) {
    uint32_t value = 0;
    for (uint32_t i = 0; i < 5u; i++) {
        if (io_r->at >= io_r->end) break;
        uint8_t b = io_r->bytes[io_r->at++];
        value |= (uint32_t)(b & 0x7Fu) << (7u * i);
        if ((b & 0x80u) == 0u) return value;
    }
    io_r->bad = true;
    return 0;
}

static uint8_t wrt_sig_u8(wrt_sig_reader *io_r) {
    if (io_r->at >= io_r->end) {
        io_r->bad = true;
        return 0;
    }
    return io_r->bytes[io_r->at++];
}

/* Skips `n` bytes; returns where they start. */
static size_t wrt_sig_skip(wrt_sig_reader *io_r, uint32_t n) {
    size_t start = io_r->at;
    if ((uint64_t)n > (uint64_t)(io_r->end - io_r->at)) {
        io_r->bad = true;
        io_r->at = io_r->end;
        return start;
    }
    io_r->at += n;
    return start;
}

static bool wrt_sig_same(const uint8_t *a, const uint8_t *b, size_t n) {
    uint8_t diff = 0;
    for (size_t i = 0; i < n; i++) diff |= (uint8_t)(a[i] ^ b[i]);
    return diff == 0u;
}

static uint32_t wrt_sig_refuse(uint32_t status, size_t offset, uint32_t *o_offset) {
    *o_offset = (uint32_t)offset;
    return status;
}

uint32_t wrt_sig_verify_module(const uint8_t *i_module, size_t len, const uint8_t i_key[WRT_SIG_KEY_BYTES],
                               uint32_t *o_offset) {
    *o_offset = 0;
    if (i_module == NULL || len < 8u) return WRT_SIG_MISSING;
    wrt_sig_reader r = {i_module, 8u, len, false};
    /* The first section: custom (id 0) named "signature". */
    if (wrt_sig_u8(&r) != 0u || r.bad) return wrt_sig_refuse(WRT_SIG_MISSING, 8u, o_offset);
    uint32_t size = wrt_sig_leb(&r);
    size_t payload = r.at;
    if (r.bad || (uint64_t)size > (uint64_t)(len - payload)) return wrt_sig_refuse(WRT_SIG_MISSING, 8u, o_offset);
    r.end = payload + size;
    uint32_t name_len = wrt_sig_leb(&r);
    size_t name = wrt_sig_skip(&r, name_len);
    if (r.bad || name_len != WRT_SIG_NAME_BYTES ||
        !wrt_sig_same(i_module + name, (const uint8_t *)WRT_SIG_SECTION_NAME, WRT_SIG_NAME_BYTES)) {
        return wrt_sig_refuse(WRT_SIG_MISSING, 8u, o_offset);
    }
    /* What the hashes cover: every byte after the section. */
    uint8_t digest[WRTP_SHA256_DIGEST_BYTES];
    wrtp_sha256(i_module + r.end, len - r.end, digest);

    /* Filled byte by byte: clang makes an initializer of this array a call of __aeabi_memcpy4,
     * which no Cortex-M image links (targets/bsp/cortex-m/wrt_libc.c has memcpy only). */
    static const uint8_t prefix[WRT_SIG_PREFIX_BYTES] = {'w', 'a', 's', 'm', 's', 'i', 'g', 1u, 1u, 1u};
    uint8_t message[WRT_SIG_PREFIX_BYTES + WRT_SIG_MAX_HASHES * WRT_SIG_HASH_BYTES];
    for (uint32_t i = 0; i < WRT_SIG_PREFIX_BYTES; i++) message[i] = prefix[i];
    size_t header = r.at;
    if (wrt_sig_u8(&r) != 1u) return wrt_sig_refuse(WRT_SIG_MALFORMED, header, o_offset);     /* spec_version */
    if (wrt_sig_u8(&r) != 1u) return wrt_sig_refuse(WRT_SIG_MALFORMED, header + 1u, o_offset); /* module */
    if (wrt_sig_u8(&r) != 1u) return wrt_sig_refuse(WRT_SIG_MALFORMED, header + 2u, o_offset); /* SHA-256 */
    uint32_t sets = wrt_sig_leb(&r);
    bool key_signed = false;
    bool too_many = false;
    size_t too_many_at = 0;
    /* Each iteration consumes at least one byte of the section, so `sets` bounds nothing unread. */
    for (uint32_t s = 0; s < sets && !r.bad; s++) {
        uint32_t set_len = wrt_sig_leb(&r);
        size_t set_start = wrt_sig_skip(&r, set_len);
        if (r.bad) break;
        wrt_sig_reader set = {i_module, set_start, set_start + set_len, false};
        uint32_t nhashes = wrt_sig_leb(&set);
        size_t hashes = wrt_sig_skip(&set, nhashes > set_len / WRT_SIG_HASH_BYTES ? set_len : nhashes * WRT_SIG_HASH_BYTES);
        uint32_t nsigs = wrt_sig_leb(&set);
        if (set.bad) return wrt_sig_refuse(WRT_SIG_MALFORMED, set_start, o_offset);
        bool fits = nhashes <= WRT_SIG_MAX_HASHES;
        if (fits) {
            for (uint32_t h = 0; h < nhashes * WRT_SIG_HASH_BYTES; h++) message[WRT_SIG_PREFIX_BYTES + h] = i_module[hashes + h];
        }
        bool set_signed = false;
        for (uint32_t g = 0; g < nsigs && !set.bad; g++) {
            uint32_t entry_len = wrt_sig_leb(&set);
            size_t entry_start = wrt_sig_skip(&set, entry_len);
            if (set.bad) break;
            wrt_sig_reader entry = {i_module, entry_start, entry_start + entry_len, false};
            (void)wrt_sig_skip(&entry, wrt_sig_leb(&entry)); /* key id: the device has one key */
            uint8_t algorithm = wrt_sig_u8(&entry);
            uint32_t sig_len = wrt_sig_leb(&entry);
            size_t sig = wrt_sig_skip(&entry, sig_len);
            if (entry.bad || entry.at != entry.end) return wrt_sig_refuse(WRT_SIG_MALFORMED, entry_start, o_offset);
            if (set_signed || algorithm != WRT_SIG_ED25519 || sig_len != WRT_SIG_SIGNATURE_BYTES) continue;
            if (!fits) {
                too_many = true;
                too_many_at = set_start;
                continue;
            }
            set_signed = wrt_sig_ed25519_verify(i_module + sig, message, WRT_SIG_PREFIX_BYTES + nhashes * WRT_SIG_HASH_BYTES, i_key);
        }
        if (set.bad || set.at != set.end) return wrt_sig_refuse(WRT_SIG_MALFORMED, set_start, o_offset);
        if (!set_signed) continue;
        key_signed = true;
        for (uint32_t h = 0; h < nhashes; h++) {
            if (wrt_sig_same(i_module + hashes + h * WRT_SIG_HASH_BYTES, digest, WRT_SIG_HASH_BYTES)) return WRT_SIG_OK;
        }
    }
    if (r.bad || r.at != r.end) return wrt_sig_refuse(WRT_SIG_MALFORMED, r.at, o_offset);
    if (key_signed) return wrt_sig_refuse(WRT_SIG_CHANGED, r.end, o_offset);
    if (too_many) return wrt_sig_refuse(WRT_SIG_TOO_MANY, too_many_at, o_offset);
    return wrt_sig_refuse(WRT_SIG_NOT_BY_KEY, payload, o_offset);
}
