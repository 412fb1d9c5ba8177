/*
 * libFuzzer target: the input is a module as a device receives it; decode, validate and compile it
 * (wrt_module_load) in a fixed arena, then read back every export. Any outcome but a crash or a
 * sanitizer report is fine: a refused module must only be refused cleanly.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "wrt_api.h"
#include "wrt_fuzz_layout.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    wrt_runtime *rt = wrt_fuzz_runtime();
    if (rt == NULL) abort();
    wrt_error err;
    wrt_module *m = wrt_module_load(rt, data, size, &err);
    if (m == NULL) {
        /* The error's strings are part of what a refusal reports: they must be readable. */
        if (wrt_error_name(err.code) == NULL) abort();
        return 0;
    }
    uint32_t exports = wrt_module_export_count(m);
    for (uint32_t i = 0; i < exports; i++) {
        uint8_t name[64];
        uint32_t kind = 0;
        if (wrt_module_export(m, i, &kind, name, sizeof name) == UINT32_MAX) abort();
    }
    return 0;
}
