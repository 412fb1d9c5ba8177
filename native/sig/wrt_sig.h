/*
 * Device-side check of a module's embedded signature (docs/signing.md): the WebAssembly
 * module-signatures format as ts/signing writes it. The `signature` custom section is the first
 * section; one of its signed hash sets must carry an Ed25519 signature by the device's key over
 * "wasmsig" ‖ 0x01 ‖ 0x01 ‖ 0x01 ‖ the set's hashes, and the set must contain the SHA-256 of every
 * byte after the section. Ed25519 is libsodium's ref10 (third_party/libsodium), SHA-256 the
 * protocol's. Freestanding C11: no allocation, no recursion, every read bounds-checked.
 */
#ifndef WRT_SIG_H
#define WRT_SIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WRT_SIG_KEY_BYTES 32u
#define WRT_SIG_SIGNATURE_BYTES 64u
/* Hashes of one set the device verifies a signature over (ts/signing writes one). */
#define WRT_SIG_MAX_HASHES 16u

/* Why a module's signature was refused; stable numbers (ts/device/engine-codes.ts). */
enum wrt_sig_status {
    WRT_SIG_OK = 0,
    WRT_SIG_MISSING = 1,   /* no `signature` section first in the module */
    WRT_SIG_MALFORMED = 2, /* the section does not follow the format (o_offset: where) */
    WRT_SIG_NOT_BY_KEY = 3,/* no signature in it verifies with the device's key */
    WRT_SIG_CHANGED = 4,   /* a set the key signed holds no hash of the bytes after the section */
    WRT_SIG_TOO_MANY = 5   /* a set signed by some entry holds more than WRT_SIG_MAX_HASHES hashes */
};

/* RFC 8032 Ed25519 verification (libsodium's crypto_sign_ed25519_verify_detached). */
bool wrt_sig_ed25519_verify(const uint8_t i_signature[WRT_SIG_SIGNATURE_BYTES], const uint8_t *i_message, size_t len,
                            const uint8_t i_key[WRT_SIG_KEY_BYTES]);

/*
 * Checks the embedded signature of `i_module` (a whole module, header included) with `i_key`.
 * Returns a wrt_sig_status; o_offset is the byte offset in the module the refusal is about.
 */
uint32_t wrt_sig_verify_module(const uint8_t *i_module, size_t len, const uint8_t i_key[WRT_SIG_KEY_BYTES],
                               uint32_t *o_offset);

#endif
