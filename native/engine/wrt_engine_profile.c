/* The checks a device makes before it trusts a profile, and what the profile then sets. */
#include "wrt_engine_profile.h"

static const char *const decoder_reason[] = {
    "profile accepted",
    "profile: shorter than its fixed part or a field runs past the end",
    "profile: bad magic (not a wrt-target binary profile)",
    "profile: version not supported by this interpreter",
    "profile: length field differs from the bytes received",
    "profile: CRC-32 mismatch",
    "profile: a field holds an impossible value",
    "profile: its SHA-256 does not match its content",
    "profile: the module's sections are broken",
};

static bool refuse(wrtp_engine_error *o_err, uint32_t why, const char *message) {
    o_err->code = WRT_ENGINE_ERR_PROFILE;
    o_err->offset = why;
    o_err->message = message;
    return false;
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
    wrt_profile_layout(o_profile, &o_limits->layout);
    size_t need = wrt_layout_bytes(&o_limits->layout);
    if (need == 0u || (uint64_t)need > o_profile->arena_bytes) {
        return refuse(o_err, WRT_ENGINE_PROFILE_LAYOUT, "profile: its regions do not fit its arena");
    }
    o_limits->arena_bytes = (size_t)o_profile->arena_bytes;
    o_limits->fuel = o_profile->fuel;
    return true;
}

