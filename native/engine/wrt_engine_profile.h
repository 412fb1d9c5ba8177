/*
 * What a binary execution profile (native/profile/wrt_profile.h) sets in the engine: the arena
 * layout, the share of the device arena the runtime may use and the fuel per invocation (each
 * import's budget and policy are wrt_engine_host.c's). Every check a device makes before it trusts a profile is here, so that
 * native-sim and the firmware refuse the same profiles with the same reasons.
 */
#ifndef WRT_ENGINE_PROFILE_H
#define WRT_ENGINE_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt_api.h"
#include "wrtp_engine.h"
#include "wrt_profile.h"

/*
 * LOAD_FAILED detail for a refused profile, beside the interpreter's own load error codes (1-8):
 * the answer's limit field then holds the reason, enum wrt_engine_profile_refusal.
 */
#define WRT_ENGINE_ERR_PROFILE 64u

/* Why a profile was refused: the decoder's status (1-8, wrt_profile_status) or one of these. */
enum wrt_engine_profile_refusal {
    WRT_ENGINE_PROFILE_TARGET = 32,  /* compiled for another target id */
    WRT_ENGINE_PROFILE_POINTER = 33, /* compiled for another pointer width */
    WRT_ENGINE_PROFILE_ARENA = 34,   /* its arena is larger than this device's */
    WRT_ENGINE_PROFILE_LAYOUT = 35,  /* its regions do not fit its own arena size */
    WRT_ENGINE_PROFILE_SESSION = 36, /* a session already holds instances laid out without it */
    WRT_ENGINE_PROFILE_COMPONENT = 37, /* its component block asks more than this device's component runtime holds */
    WRT_ENGINE_PROFILE_INSTANCE = 38   /* a later core instance is not the one the component block names (its SHA-256, or one too many) */
};

/*
 * LOAD_FAILED detail for a module refused for its signature (docs/signing.md): the answer's limit
 * field holds the reason, a wrt_sig_status (1-5, native/sig/wrt_sig.h) or one of these.
 */
#define WRT_ENGINE_ERR_SIGNATURE 65u

enum wrt_engine_signature_refusal {
    WRT_ENGINE_SIGNATURE_NO_KEY = 16,   /* the profile requires a signature; the device has no key */
    WRT_ENGINE_SIGNATURE_OTHER_KEY = 17 /* the profile names another key than the device's */
};

typedef struct wrt_engine_limits {
    wrt_layout layout;
    size_t arena_bytes;   /* bytes of the device arena the runtime is laid out in */
    uint64_t fuel;        /* per invocation; WRT_FUEL_UNLIMITED when unbounded */
} wrt_engine_limits;

/*
 * Decodes `i_profile` and checks its CRC-32, its own SHA-256, that it was made for `i_module`
 * (SHA-256 without wrt.profile sections), for `i_target_id` (NULL: any target), for this pointer
 * width, and for an arena of at most `device_arena` bytes. Fills o_profile and o_limits, or
 * returns false with o_err (code WRT_ENGINE_ERR_PROFILE, offset the refusal, a static message).
 */
/*
 * The signature check before a module is committed: with a device key, the module must carry a
 * signature by it (wrt_sig_verify_module); a profile that requires a signature (`i_profile` may be
 * NULL) needs the device to hold a key, and the same one it names. False with o_err (code
 * WRT_ENGINE_ERR_SIGNATURE, offset the reason, a static message).
 */
/* wrt_sig_verify_module's shape: a wrt_sig_status, o_offset the byte the refusal is about. */
typedef uint32_t (*wrt_engine_verify_fn)(const uint8_t *i_module, size_t len, const uint8_t *i_key, uint32_t *o_offset);

bool wrt_engine_signature_check(const uint8_t *i_device_key, wrt_engine_verify_fn i_verify, const wrt_profile *i_profile,
                                const uint8_t *i_module, size_t module_len, wrtp_engine_error *o_err);

bool wrt_engine_profile_check(const uint8_t *i_profile, size_t profile_len, const uint8_t *i_module, size_t module_len,
                              const char *i_target_id, size_t device_arena, wrt_profile *o_profile,
                              wrt_engine_limits *o_limits, wrtp_engine_error *o_err);

/* Whether `len` bytes (a profile text, a module's import name) equal the NUL-terminated `i_str`. */
bool wrt_engine_text_is(const uint8_t *i_bytes, uint32_t len, const char *i_str);

#endif
