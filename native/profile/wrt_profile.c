/* Decoding and checking of the binary profile; the layout a profile sets. */
#include "wrt_profile.h"

#include "wrtp_crc32.h"
#include "wrtp_sha256.h"

static uint16_t rd16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint64_t rd64(const uint8_t *p) { return (uint64_t)rd32(p) | ((uint64_t)rd32(p + 4) << 32); }

/* Reads a u16-prefixed text at *io_at, which must end before `end`. */
static bool rd_text(const uint8_t *i_bytes, size_t end, size_t *io_at, wrt_profile_text *o_text)
{
    if (*io_at + 2u > end) return false;
    uint32_t n = rd16(i_bytes + *io_at);
    if (*io_at + 2u + n > end) return false;
    o_text->bytes = i_bytes + *io_at + 2u;
    o_text->len = n;
    *io_at += 2u + n;
    return true;
}

uint32_t wrt_profile_decode(const uint8_t *i_bytes, size_t len, wrt_profile *o_profile)
{
    if (i_bytes == NULL || o_profile == NULL || len < WRT_PROFILE_FIXED_BYTES + 10u) return WRT_PROFILE_SHORT;
    if (rd32(i_bytes) != WRT_PROFILE_MAGIC) return WRT_PROFILE_MAGIC_BAD;
    if (rd16(i_bytes + 4) != WRT_PROFILE_VERSION) return WRT_PROFILE_VERSION_BAD;
    if ((size_t)rd32(i_bytes + 8) != len) return WRT_PROFILE_LENGTH_BAD;
    size_t end = len - 4u;
    if (wrtp_crc32_update(0u, i_bytes, end) != rd32(i_bytes + end)) return WRT_PROFILE_CRC_BAD;
    if (i_bytes[12] > 4u || i_bytes[13] > 2u || i_bytes[15] > 2u || (i_bytes[14] & 0xF0u) != 0u) return WRT_PROFILE_FIELD_BAD;
    wrt_profile *p = o_profile;
    p->flags = rd16(i_bytes + 6);
    p->asil = i_bytes[12];
    p->debug = i_bytes[13];
    p->hardware_cfi = i_bytes[14];
    p->memory_rule = i_bytes[15];
    p->module_sha256 = i_bytes + 16;
    p->profile_sha256 = i_bytes + WRT_PROFILE_HASH_OFFSET;
    p->module_bytes = rd32(i_bytes + 80);
    p->memory_initial_pages = rd32(i_bytes + 84);
    p->memory_maximum_pages = rd32(i_bytes + 88);
    p->memory_bytes = rd64(i_bytes + 92);
    p->table_elements = rd32(i_bytes + 100);
    p->table_elements_max = rd32(i_bytes + 104);
    p->global_slots = rd32(i_bytes + 108);
    p->value_slots = rd32(i_bytes + 112);
    p->call_depth = rd32(i_bytes + 116);
    p->control_depth = rd32(i_bytes + 120);
    p->locals = rd32(i_bytes + 124);
    p->fuel = rd64(i_bytes + 128);
    p->meta_bytes = rd32(i_bytes + 136);
    p->code_bytes = rd32(i_bytes + 140);
    p->control_bytes = rd32(i_bytes + 144);
    p->arena_bytes = rd64(i_bytes + 148);
    p->arena_budget = rd64(i_bytes + 156);
    p->max_components = rd32(i_bytes + 164);
    p->max_instances = rd32(i_bytes + 168);
    p->max_resources = rd32(i_bytes + 172);
    p->trace_entries = rd32(i_bytes + 176);
    p->breakpoints = rd32(i_bytes + 180);
    size_t at = WRT_PROFILE_FIXED_BYTES;
    if (!rd_text(i_bytes, end, &at, &p->target_id)) return WRT_PROFILE_SHORT;
    if (!rd_text(i_bytes, end, &at, &p->toolchain)) return WRT_PROFILE_SHORT;
    if (at + 2u > end) return WRT_PROFILE_SHORT;
    p->import_count = rd16(i_bytes + at);
    at += 2u;
    p->imports = i_bytes + at;
    for (uint32_t i = 0; i < p->import_count; i++) {
        wrt_profile_text skip;
        if (!rd_text(i_bytes, end, &at, &skip) || !rd_text(i_bytes, end, &at, &skip)) return WRT_PROFILE_SHORT;
        if (at + 5u > end) return WRT_PROFILE_SHORT;
        if (i_bytes[at + 4u] > WRT_PROFILE_POLICY_LOG) return WRT_PROFILE_FIELD_BAD;
        at += 5u;
    }
    p->signing_key = NULL;
    if ((p->flags & WRT_PROFILE_FLAG_SIGNED) != 0u) {
        if (at + WRT_PROFILE_SIGNING_KEY_BYTES > end) return WRT_PROFILE_SHORT;
        p->signing_key = i_bytes + at;
        at += WRT_PROFILE_SIGNING_KEY_BYTES;
    }
    p->component = NULL;
    p->component_instances = p->handle_tables = p->handles_per_table = p->value_buffer_bytes = 0u;
    p->nesting_depth = p->adapters = p->resource_types = 0u;
    if ((p->flags & WRT_PROFILE_FLAG_COMPONENT) != 0u) {
#if defined(WRT_CONFIG_COMPONENTS) && !WRT_CONFIG_COMPONENTS
        /* A device without the component runtime (the small firmware image: flash) reads no block. */
        return WRT_PROFILE_FIELD_BAD;
#endif
        if (at + WRT_PROFILE_COMPONENT_HEAD_BYTES > end) return WRT_PROFILE_SHORT;
        const uint8_t *c = i_bytes + at;
        p->component = c;
        p->component_instances = rd16(c + 64);
        p->handle_tables = rd16(c + 66);
        p->handles_per_table = rd32(c + 68);
        p->value_buffer_bytes = rd32(c + 72);
        p->nesting_depth = rd16(c + 76);
        p->adapters = rd16(c + 78);
        p->resource_types = rd16(c + 80);
        size_t block = WRT_PROFILE_COMPONENT_HEAD_BYTES + (size_t)p->component_instances * WRT_PROFILE_COMPONENT_INSTANCE_BYTES;
        if (at + block > end) return WRT_PROFILE_SHORT;
        /* A component makes at least one core instance. */
        if (p->component_instances == 0u) return WRT_PROFILE_FIELD_BAD;
        at += block;
    }
    if (at != end) return WRT_PROFILE_LENGTH_BAD;
    /* A truncated memory must be smaller than its pages, and a bounded fuel must say so. */
    if (((p->flags & WRT_PROFILE_FLAG_FUEL) != 0u) != (p->fuel != WRT_FUEL_UNLIMITED)) return WRT_PROFILE_FIELD_BAD;
    if ((p->flags & WRT_PROFILE_FLAG_TRUNCATED) != 0u &&
        (p->memory_bytes == 0u || p->memory_bytes >= (uint64_t)p->memory_initial_pages * 65536u)) {
        return WRT_PROFILE_FIELD_BAD;
    }
    if (p->call_depth == 0u) return WRT_PROFILE_FIELD_BAD;
    /* No debug budget without a debug level: the level is what allows the hook at all. */
    if (p->debug == 0u && (p->trace_entries != 0u || p->breakpoints != 0u)) return WRT_PROFILE_FIELD_BAD;
    return WRT_PROFILE_OK;
}

static bool same32(const uint8_t *a, const uint8_t *b)
{
    uint8_t diff = 0;
    for (uint32_t i = 0; i < 32u; i++) diff |= (uint8_t)(a[i] ^ b[i]);
    return diff == 0u;
}

uint32_t wrt_profile_verify_hash(const uint8_t *i_bytes, size_t len, const wrt_profile *i_profile)
{
    static const uint8_t zeros[32] = { 0 };
    wrtp_sha256_ctx ctx;
    uint8_t digest[WRTP_SHA256_DIGEST_BYTES];
    wrtp_sha256_init(&ctx);
    wrtp_sha256_update(&ctx, i_bytes, WRT_PROFILE_HASH_OFFSET);
    wrtp_sha256_update(&ctx, zeros, sizeof zeros);
    wrtp_sha256_update(&ctx, i_bytes + WRT_PROFILE_HASH_OFFSET + 32u, len - 4u - (WRT_PROFILE_HASH_OFFSET + 32u));
    wrtp_sha256_final(&ctx, digest);
    return same32(digest, i_profile->profile_sha256) ? WRT_PROFILE_OK : WRT_PROFILE_HASH_BAD;
}

bool wrt_profile_import_at(const wrt_profile *i_profile, uint32_t index, wrt_profile_import *o_import)
{
    if (index >= i_profile->import_count) return false;
    /* Records were bounds-checked by wrt_profile_decode; walk to the one asked for. */
    const uint8_t *at = i_profile->imports;
    for (uint32_t i = 0; i <= index; i++) {
        o_import->module.len = rd16(at);
        o_import->module.bytes = at + 2;
        at += 2u + o_import->module.len;
        o_import->name.len = rd16(at);
        o_import->name.bytes = at + 2;
        at += 2u + o_import->name.len;
        o_import->budget = rd32(at);
        o_import->policy = at[4];
        at += 5u;
    }
    return true;
}

void wrt_profile_layout(const wrt_profile *i_profile, wrt_layout *o_layout)
{
    bool truncated = (i_profile->flags & WRT_PROFILE_FLAG_TRUNCATED) != 0u;
    uint64_t pages = truncated ? 0u : (i_profile->memory_bytes + 65535u) / 65536u;
    o_layout->meta_bytes = i_profile->meta_bytes;
    o_layout->code_bytes = i_profile->code_bytes;
    o_layout->control_bytes = i_profile->control_bytes;
    o_layout->stack_slots = i_profile->value_slots;
    o_layout->call_depth = i_profile->call_depth;
    o_layout->memory_pages = (uint32_t)pages;
    /* A component's memories share the region: each reserves at most the profile's maximum pages. */
    bool component = (i_profile->flags & WRT_PROFILE_FLAG_COMPONENT) != 0u;
    o_layout->memory_pages_max = component && !truncated ? i_profile->memory_maximum_pages : (uint32_t)pages;
    o_layout->table_elements = i_profile->table_elements;
    o_layout->table_elements_max = i_profile->table_elements_max;
    o_layout->global_slots = i_profile->global_slots;
    o_layout->memory_bytes_limit = truncated ? (uint32_t)i_profile->memory_bytes : 0u;
    o_layout->trace_entries = i_profile->trace_entries;
    o_layout->breakpoints = i_profile->breakpoints;
}
