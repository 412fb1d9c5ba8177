/*
 * libFuzzer target: the binary profile decoder (native/profile) as a device runs it on the blob of
 * UPLOAD_BEGIN or a module's wrt.profile section. The first input byte chooses: odd, the harness
 * rewrites the length field and the CRC-32 to match the bytes (a mutation almost always breaks the
 * CRC, and the field checks behind it would stay unreached); even, the bytes go in as they are.
 * A decoded profile is then taken through every reader a device uses: the profile hash, the
 * imports, the layout it sets, and the module hash over the same bytes read as a module.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wrt_profile.h"
#include "wrtp_crc32.h"

#define WRT_FUZZ_PROFILE_MAX 65536u

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static uint8_t blob[WRT_FUZZ_PROFILE_MAX];
    if (size < 1u || size - 1u > sizeof blob) return 0;
    size_t len = size - 1u;
    /* A copy of exactly `len` bytes: ASan then sees a read past the profile as a read past the buffer. */
    uint8_t *bytes = blob + sizeof blob - len;
    memcpy(bytes, data + 1, len);
    if ((data[0] & 1u) != 0u && len >= 16u) {
        for (unsigned i = 0; i < 4u; i++) bytes[8 + i] = (uint8_t)(len >> (8u * i));
        uint32_t crc = wrtp_crc32_update(0u, bytes, len - 4u);
        for (unsigned i = 0; i < 4u; i++) bytes[len - 4u + i] = (uint8_t)(crc >> (8u * i));
    }
    wrt_profile p;
    if (wrt_profile_decode(bytes, len, &p) != WRT_PROFILE_OK) return 0;
    (void)wrt_profile_verify_hash(bytes, len, &p);
    wrt_profile_import imp;
    for (uint32_t i = 0; i < p.import_count; i++) {
        if (!wrt_profile_import_at(&p, i, &imp)) abort(); /* decode counted it, so it must be readable */
    }
    if (wrt_profile_import_at(&p, p.import_count, &imp)) abort();
    wrt_layout layout;
    wrt_profile_layout(&p, &layout);
    (void)wrt_layout_bytes(&layout);
    (void)wrt_profile_check_module(&p, bytes, len);
    return 0;
}
