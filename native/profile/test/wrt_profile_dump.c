/*
 * Host test driver (uses libc; not part of the decoder): decodes a binary profile file and prints
 * every field as key=value, checks the profile hash and, given a module, the module hash.
 * Exit 0 ok, 1 refused (prints status=N), 2 usage or unreadable file.
 */
#include <stdio.h>
#include <stdlib.h>

#include "wrt_profile.h"

static unsigned char *slurp(const char *path, size_t *o_len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    size_t cap = 1u << 16, len = 0;
    unsigned char *buf = malloc(cap);
    size_t n;
    while (buf != NULL && (n = fread(buf + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            cap *= 2u;
            unsigned char *bigger = realloc(buf, cap);
            if (bigger == NULL) free(buf);
            buf = bigger;
        }
    }
    fclose(f);
    *o_len = len;
    return buf;
}

static void hex(const char *key, const uint8_t *p)
{
    printf("%s=", key);
    for (int i = 0; i < 32; i++) printf("%02x", p[i]);
    printf("\n");
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: wrt_profile_dump PROFILE [MODULE]\n");
        return 2;
    }
    size_t len = 0;
    unsigned char *bytes = slurp(argv[1], &len);
    if (bytes == NULL) return 2;
    wrt_profile p;
    uint32_t status = wrt_profile_decode(bytes, len, &p);
    if (status == WRT_PROFILE_OK) status = wrt_profile_verify_hash(bytes, len, &p);
    if (status != WRT_PROFILE_OK) {
        printf("status=%u\n", (unsigned)status);
        free(bytes);
        return 1;
    }
    printf("flags=%u\nasil=%u\ndebug=%u\nhardware_cfi=%u\nmemory_rule=%u\n", p.flags, p.asil, p.debug, p.hardware_cfi, p.memory_rule);
    hex("module_sha256", p.module_sha256);
    hex("profile_sha256", p.profile_sha256);
    printf("memory_initial_pages=%u\nmemory_maximum_pages=%u\nmemory_bytes=%llu\n", p.memory_initial_pages, p.memory_maximum_pages, (unsigned long long)p.memory_bytes);
    printf("table_elements=%u\ntable_elements_max=%u\nglobal_slots=%u\n", p.table_elements, p.table_elements_max, p.global_slots);
    printf("value_slots=%u\ncall_depth=%u\ncontrol_depth=%u\nlocals=%u\n", p.value_slots, p.call_depth, p.control_depth, p.locals);
    printf("fuel=%llu\narena_bytes=%llu\narena_budget=%llu\n", (unsigned long long)p.fuel, (unsigned long long)p.arena_bytes, (unsigned long long)p.arena_budget);
    printf("max_components=%u\nmax_instances=%u\nmax_resources=%u\n", p.max_components, p.max_instances, p.max_resources);
    printf("trace_entries=%u\nbreakpoints=%u\n", p.trace_entries, p.breakpoints);
    printf("target_id=%.*s\ntoolchain=%.*s\n", (int)p.target_id.len, (const char *)p.target_id.bytes, (int)p.toolchain.len, (const char *)p.toolchain.bytes);
    for (uint32_t i = 0; i < p.import_count; i++) {
        wrt_profile_import imp;
        if (!wrt_profile_import_at(&p, i, &imp)) return 1;
        printf("import=%.*s.%.*s:%u:%u\n", (int)imp.module.len, (const char *)imp.module.bytes, (int)imp.name.len, (const char *)imp.name.bytes, (unsigned)imp.budget, (unsigned)imp.policy);
    }
    if (p.signing_key != NULL) hex("signing_key", p.signing_key);
    if (p.component != NULL) {
        hex("component_sha256", p.component);
        hex("plan_sha256", p.component + 32);
        printf("component_instances=%u\nhandle_tables=%u\nhandles_per_table=%u\nvalue_buffer_bytes=%u\n", p.component_instances,
               p.handle_tables, p.handles_per_table, p.value_buffer_bytes);
        printf("nesting_depth=%u\nadapters=%u\nresource_types=%u\n", p.nesting_depth, p.adapters, p.resource_types);
    }
    wrt_layout layout;
    wrt_profile_layout(&p, &layout);
    printf("layout_bytes=%llu\nlayout_memory_pages=%u\nlayout_memory_pages_max=%u\n", (unsigned long long)wrt_layout_bytes(&layout),
           layout.memory_pages, layout.memory_pages_max);
    if (argc == 3) {
        size_t mlen = 0;
        unsigned char *module = slurp(argv[2], &mlen);
        if (module == NULL) return 2;
        printf("module_check=%u\n", (unsigned)wrt_profile_check_module(&p, module, mlen));
        free(module);
    }
    free(bytes);
    return 0;
}
