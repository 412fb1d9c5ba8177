/*
 * Decoder of the binary execution profile (docs/profile.md): what a device reads from
 * UPLOAD_BEGIN or from a module's `wrt.profile` custom section before it loads the module.
 * Freestanding C11: no allocation, no libc; every read is bounds-checked.
 */
#ifndef WRT_PROFILE_H
#define WRT_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "wrt_api.h"

#define WRT_PROFILE_MAGIC 0x50545257u /* "WRTP" little-endian */
#define WRT_PROFILE_VERSION 5u
#define WRT_PROFILE_FIXED_BYTES 184u
#define WRT_PROFILE_HASH_OFFSET 48u

#define WRT_PROFILE_FLAG_TRUNCATED 1u
#define WRT_PROFILE_FLAG_FUEL 2u
#define WRT_PROFILE_FLAG_HOST 4u
#define WRT_PROFILE_FLAG_PTR64 8u
/* The module must be signed by the key whose 32 bytes follow the imports (docs/signing.md). */
#define WRT_PROFILE_FLAG_SIGNED 16u
#define WRT_PROFILE_SIGNING_KEY_BYTES 32u
/*
 * A component's profile (docs/profile.md, "The component block"): the block follows the imports
 * and the signing key. The fixed part's regions are the whole component's; memory_maximum_pages is
 * then the most pages one memory may reserve (each core instance's memory takes its share).
 */
#define WRT_PROFILE_FLAG_COMPONENT 32u
#define WRT_PROFILE_COMPONENT_HEAD_BYTES 84u
#define WRT_PROFILE_COMPONENT_INSTANCE_BYTES 64u

#define WRT_PROFILE_CFI_SHSTK 1u
#define WRT_PROFILE_CFI_IBT 2u
#define WRT_PROFILE_CFI_PAC 4u
#define WRT_PROFILE_CFI_BTI 8u

/* Why a profile was refused; stable numbers. */
enum wrt_profile_status {
    WRT_PROFILE_OK = 0,
    WRT_PROFILE_SHORT = 1,      /* fewer bytes than the fixed part, or a field runs past the end */
    WRT_PROFILE_MAGIC_BAD = 2,
    WRT_PROFILE_VERSION_BAD = 3,
    WRT_PROFILE_LENGTH_BAD = 4, /* length field differs from the bytes given, or bytes left over */
    WRT_PROFILE_CRC_BAD = 5,
    WRT_PROFILE_FIELD_BAD = 6,  /* an enumeration byte out of range */
    WRT_PROFILE_HASH_BAD = 7,   /* profile or module SHA-256 does not match */
    WRT_PROFILE_MODULE_BAD = 8  /* the module's section structure is broken */
};

/* A text field: points into the decoded bytes, not NUL-terminated. */
typedef struct wrt_profile_text {
    const uint8_t *bytes;
    uint32_t len;
} wrt_profile_text;

typedef struct wrt_profile {
    uint16_t flags;
    uint8_t asil;         /* 0 QM, 1 A, 2 B, 3 C, 4 D */
    uint8_t debug;        /* 0 none, 1 basic, 2 full */
    uint8_t hardware_cfi; /* WRT_PROFILE_CFI_* bits the host must enforce */
    uint8_t memory_rule;  /* 0 no memory, 1 declared pages, 2 truncated to __heap_base */
    const uint8_t *module_sha256;  /* 32 bytes, into the decoded buffer */
    const uint8_t *profile_sha256; /* 32 bytes */
    uint32_t module_bytes;
    uint32_t memory_initial_pages;
    uint32_t memory_maximum_pages;
    uint64_t memory_bytes;
    uint32_t table_elements;
    uint32_t table_elements_max;
    uint32_t global_slots;
    uint32_t value_slots;
    uint32_t call_depth;
    uint32_t control_depth;
    uint32_t locals;
    uint64_t fuel;        /* WRT_FUEL_UNLIMITED when unbounded */
    uint32_t meta_bytes;
    uint32_t code_bytes;
    uint32_t control_bytes;
    uint64_t arena_bytes;
    uint64_t arena_budget;
    uint32_t max_components;
    uint32_t max_instances;
    uint32_t max_resources;
    uint32_t trace_entries; /* function entries the trace ring keeps (debug budget; 0 at debug none) */
    uint32_t breakpoints;   /* most breakpoints at once (debug budget; 0 at debug none) */
    wrt_profile_text target_id;
    wrt_profile_text toolchain;
    uint32_t import_count;
    const uint8_t *imports; /* first import record: u16 len, module, u16 len, name, u32 budget, u8 policy */
    const uint8_t *signing_key; /* Ed25519 public key the module must be signed by; NULL: none required */
    /* The component block (flag 32); all 0 / NULL for a core module's profile. */
    const uint8_t *component;   /* the block: component SHA-256, plan SHA-256, counts, then the instances */
    uint32_t component_instances;
    uint32_t handle_tables;
    uint32_t handles_per_table;
    uint32_t value_buffer_bytes;
    uint32_t nesting_depth;
    uint32_t adapters;
    uint32_t resource_types;
} wrt_profile;

/* Import policies (docs/host-calls.md): run the call, refuse it (trap HOST_CALL_DENIED), or run and trace it. */
#define WRT_PROFILE_POLICY_ALLOW 0u
#define WRT_PROFILE_POLICY_DENY 1u
#define WRT_PROFILE_POLICY_LOG 2u

/* One import of the profile: the host function, its calls per invocation and its policy. */
typedef struct wrt_profile_import {
    wrt_profile_text module;
    wrt_profile_text name;
    uint32_t budget; /* WRT_BUDGET_UNLIMITED when unbounded */
    uint8_t policy;  /* WRT_PROFILE_POLICY_* */
} wrt_profile_import;

/* Checks magic, version, length, CRC-32 and every field's bounds; fills o_profile. */
uint32_t wrt_profile_decode(const uint8_t *i_bytes, size_t len, wrt_profile *o_profile);

/* Recomputes the profile SHA-256 (hash field taken as zeros, CRC excluded) and compares. */
uint32_t wrt_profile_verify_hash(const uint8_t *i_bytes, size_t len, const wrt_profile *i_profile);

/* Import `index` (0-based) of a decoded profile; false past the end. */
bool wrt_profile_import_at(const wrt_profile *i_profile, uint32_t index, wrt_profile_import *o_import);

/* The interpreter layout the profile sets (memory in whole pages, as wrt_layout counts it). */
void wrt_profile_layout(const wrt_profile *i_profile, wrt_layout *o_layout);

/*
 * SHA-256 of the module without its `wrt.profile` custom sections, compared with the profile's
 * module hash: proves the module and the profile belong together.
 */
uint32_t wrt_profile_check_module(const wrt_profile *i_profile, const uint8_t *i_module, size_t len);

#endif
