/*
 * Host test driver (uses libc; not part of the device): runs the device's signature code on the host.
 *   wrt_sig_check ed25519        stdin: lines "PUBLIC_KEY_HEX SIGNATURE_HEX MESSAGE_HEX" (message may
 *                                be empty: "-"); stdout: 1 (verifies) or 0 per line
 *   wrt_sig_check module KEY.pub MODULE    prints status=N offset=M (enum wrt_sig_status)
 * Exit 0 done (module: verified), 1 module refused, 2 usage or unreadable input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wrt_sig.h"

#define WRT_SIG_CHECK_LINE 8192u

static int hexval(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes a hex token into o_bytes; returns the byte count or -1. "-" is empty. */
static long unhex(const char *tok, uint8_t *o_bytes, size_t cap) {
    if (strcmp(tok, "-") == 0) return 0;
    size_t n = strlen(tok);
    if (n % 2u != 0u || n / 2u > cap) return -1;
    for (size_t i = 0; i < n / 2u; i++) {
        int hi = hexval(tok[2u * i]), lo = hexval(tok[2u * i + 1u]);
        if (hi < 0 || lo < 0) return -1;
        o_bytes[i] = (uint8_t)(hi << 4 | lo);
    }
    return (long)(n / 2u);
}

static int ed25519_lines(void) {
    static char line[WRT_SIG_CHECK_LINE];
    static uint8_t message[WRT_SIG_CHECK_LINE / 2u];
    while (fgets(line, sizeof line, stdin) != NULL) {
        uint8_t key[WRT_SIG_KEY_BYTES], sig[WRT_SIG_SIGNATURE_BYTES];
        char *pk = strtok(line, " \n"), *sg = strtok(NULL, " \n"), *msg = strtok(NULL, " \n");
        if (pk == NULL || sg == NULL || msg == NULL) return 2;
        long mlen = unhex(msg, message, sizeof message);
        if (unhex(pk, key, sizeof key) != (long)sizeof key || unhex(sg, sig, sizeof sig) != (long)sizeof sig || mlen < 0) return 2;
        printf("%d\n", wrt_sig_ed25519_verify(sig, message, (size_t)mlen, key) ? 1 : 0);
    }
    fflush(stdout);
    return 0;
}

static uint8_t *slurp(const char *path, size_t *o_len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    if (fseek(f, 0, SEEK_END) != 0) return NULL;
    long size = ftell(f);
    rewind(f);
    uint8_t *buf = malloc(size > 0 ? (size_t)size : 1u);
    if (buf == NULL || fread(buf, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        free(buf);
        return NULL;
    }
    fclose(f);
    *o_len = (size_t)size;
    return buf;
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "ed25519") == 0) return ed25519_lines();
    if (argc != 4 || strcmp(argv[1], "module") != 0) {
        fprintf(stderr, "usage: wrt_sig_check ed25519 | wrt_sig_check module KEY.pub MODULE\n");
        return 2;
    }
    size_t key_len = 0, len = 0;
    uint8_t *key = slurp(argv[2], &key_len);
    uint8_t *module = slurp(argv[3], &len);
    /* The key file is ts/signing's: 0x01 then the 32-byte public key. */
    if (key == NULL || module == NULL || key_len != 1u + WRT_SIG_KEY_BYTES || key[0] != 1u) return 2;
    uint32_t offset = 0;
    uint32_t status = wrt_sig_verify_module(module, len, key + 1, &offset);
    printf("status=%u offset=%u\n", (unsigned)status, (unsigned)offset);
    free(key);
    free(module);
    return status == WRT_SIG_OK ? 0 : 1;
}
