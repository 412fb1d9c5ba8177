/* The checks a device makes before it trusts a profile, and what the profile then sets. */
#include "wrt_engine_profile.h"

#include "wrt_sig.h"
#include "wrt_interp_engine.h"

/*
 * A component's block against the component runtime built in: counts past its static tables would
 * fail later, part way through the instantiation; refused here, before the first instance loads.
 */
static bool component_fits(const wrt_profile *i_profile) {
#if !WRT_CONFIG_COMPONENTS
    /* The decoder of a device without components refuses the block (wrt_profile.c). */
    (void)i_profile;
    return true;
#else
    if (i_profile->component == NULL) return true;
#endif
#if WRT_CONFIG_COMPONENT_LINK
    const uint32_t adapters = WRT_ENGINE_MAX_ADAPTERS, depth = WRT_ENGINE_ADAPTER_DEPTH, types = WRT_ENGINE_MAX_RESOURCE_TYPES;
    const uint32_t tables = WRT_ENGINE_MAX_HANDLE_TABLES, handles = WRT_ENGINE_MAX_HANDLES;
#else
    const uint32_t adapters = 0u, depth = 0u, types = 0u, tables = 0u, handles = 0u;
#endif
    return i_profile->component_instances <= WRT_ENGINE_MAX_INSTANCES && i_profile->adapters <= adapters &&
           i_profile->nesting_depth <= depth && i_profile->resource_types <= types && i_profile->handle_tables <= tables &&
           (i_profile->handle_tables == 0u || i_profile->handles_per_table <= handles) &&
           i_profile->value_buffer_bytes <= WRT_COMPONENT_VALUE_BYTES;
}

static const char *const decoder_reason[] = {
    "profile accepted",
    "profile: too short for its fields",
    "profile: bad magic (not a wrt-target binary profile)",
    "profile: version not supported by this interpreter",
    "profile: length field differs from the bytes received",
    "profile: CRC-32 mismatch",
    "profile: a field holds an impossible value",
    "profile: its SHA-256 does not match its content",
    "profile: the module's sections are broken",
};

/* A refused load: `code` WRT_ENGINE_ERR_PROFILE or _SIGNATURE, `why` the reason the host reads. */
static bool refuse_as(wrtp_engine_error *o_err, uint32_t code, uint32_t why, const char *message) {
    o_err->code = code;
    o_err->offset = why;
    o_err->message = message;
    return false;
}

static bool refuse(wrtp_engine_error *o_err, uint32_t why, const char *message) {
    return refuse_as(o_err, WRT_ENGINE_ERR_PROFILE, why, message);
}

bool wrt_engine_text_is(const uint8_t *i_bytes, uint32_t len, const char *i_str) {
    uint32_t i = 0;
    for (; i < len; i++) {
        if (i_str[i] == '\0' || (uint8_t)i_str[i] != i_bytes[i]) return false;
    }
    return i_str[i] == '\0';
}

bool wrt_engine_profile_check(const uint8_t *i_profile, size_t profile_len, const uint8_t *i_module, size_t module_len,
                              const char *i_target_id, size_t device_arena, wrt_profile *o_profile,
                              wrt_engine_limits *o_limits, wrtp_engine_error *o_err) {
    uint32_t status = wrt_profile_decode(i_profile, profile_len, o_profile);
    if (status == WRT_PROFILE_OK) status = wrt_profile_verify_hash(i_profile, profile_len, o_profile);
    if (status != WRT_PROFILE_OK) return refuse(o_err, status, decoder_reason[status <= 8u ? status : 6u]);
    if (wrt_profile_check_module(o_profile, i_module, module_len) != WRT_PROFILE_OK) {
        return refuse(o_err, WRT_PROFILE_HASH_BAD, "profile: made for another module (module SHA-256 differs)");
    }
    if (i_target_id != NULL && !wrt_engine_text_is(o_profile->target_id.bytes, o_profile->target_id.len, i_target_id)) {
        return refuse(o_err, WRT_ENGINE_PROFILE_TARGET, "profile: compiled for another target");
    }
    bool ptr64 = (o_profile->flags & WRT_PROFILE_FLAG_PTR64) != 0u;
    if (ptr64 != (sizeof(void *) == 8u)) {
        return refuse(o_err, WRT_ENGINE_PROFILE_POINTER, "profile: compiled for another pointer width");
    }
    if (o_profile->arena_bytes > (uint64_t)device_arena) {
        return refuse(o_err, WRT_ENGINE_PROFILE_ARENA, "profile: its arena is larger than this device's");
    }
    if (!component_fits(o_profile)) {
        return refuse(o_err, WRT_ENGINE_PROFILE_COMPONENT, "profile: its component block asks more than this device's component runtime holds");
    }
    wrt_profile_layout(o_profile, &o_limits->layout);
    size_t need = wrt_layout_bytes(&o_limits->layout);
    if (need == 0u || (uint64_t)need > o_profile->arena_bytes) {
        return refuse(o_err, WRT_ENGINE_PROFILE_LAYOUT, "profile: its regions do not fit its arena");
    }
    o_limits->arena_bytes = (size_t)o_profile->arena_bytes;
    o_limits->fuel = o_profile->fuel;
    return true;
}

static const char *const signature_reason[] = {
    "signature verified",
    "signature: the module is not signed (no signature section first in it); sign it with `wrt-target sign`",
    "signature: the signature section is malformed",
    "signature: no signature in the module verifies with this device's key (another key, or the section was altered)",
    "signature: the module changed after it was signed (the SHA-256 of the bytes after the signature section is not one the key signed)",
    "signature: a signed hash set holds more hashes than this device verifies",
};

static bool refuse_signature(wrtp_engine_error *o_err, uint32_t why, const char *message) {
    return refuse_as(o_err, WRT_ENGINE_ERR_SIGNATURE, why, message);
}

bool wrt_engine_signature_check(const uint8_t *i_device_key, wrt_engine_verify_fn i_verify, const wrt_profile *i_profile,
                                const uint8_t *i_module, size_t module_len, wrtp_engine_error *o_err) {
    const uint8_t *wanted = i_profile != NULL ? i_profile->signing_key : NULL;
    if (wanted != NULL && i_device_key == NULL) {
        return refuse_signature(o_err, WRT_ENGINE_SIGNATURE_NO_KEY,
                                "signature: the profile requires a signed module, and this device holds no key to verify it "
                                "(build its firmware with WRT_SIGNING_KEY=KEY.pub)");
    }
    if (wanted != NULL) {
        uint8_t diff = 0;
        for (uint32_t i = 0; i < WRT_SIG_KEY_BYTES; i++) diff |= (uint8_t)(wanted[i] ^ i_device_key[i]);
        if (diff != 0u) {
            return refuse_signature(o_err, WRT_ENGINE_SIGNATURE_OTHER_KEY,
                                    "signature: the profile requires a signature by another key than the one this device holds");
        }
    }
    if (i_device_key == NULL) return true;
    if (i_verify == NULL) {
        return refuse_signature(o_err, WRT_ENGINE_SIGNATURE_NO_KEY, "signature: this device holds a key but no signature check");
    }
    uint32_t at = 0;
    uint32_t status = i_verify(i_module, module_len, i_device_key, &at);
    if (status == WRT_SIG_OK) return true;
    return refuse_signature(o_err, status, signature_reason[status <= WRT_SIG_TOO_MANY ? status : WRT_SIG_MALFORMED]);
}
