/*
 * A timing driver around code written by others: libsodium's SHA-512 (crypto_hash_sha512, the
 * portable "cp" implementation) and Ed25519 verification (ref10), from third_party/libsodium, the
 * same sources the firmware verifies signatures with. Built as a wasm32-wasi command for wrt and
 * wasm3 and natively for the baseline by scripts/bench/coremark.ts; only this loop and the
 * printing are ours.
 *
 *   sodium_bench sha512|ed25519 ITERATIONS
 *
 * Prints CoreMark's two lines the bench reads: "Iterations/Sec : X" and a check value that must be
 * the same on every engine.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto_hash_sha512.h"
#include "crypto_sign_ed25519.h"

/* RFC 8032 section 7.1, test 3. */
static const unsigned char KEY[32] = {0xfc, 0x51, 0xcd, 0x8e, 0x62, 0x18, 0xa1, 0xa3, 0x8d, 0xa4, 0x7e, 0xd0, 0x02, 0x30, 0xf0, 0x58,
                                      0x08, 0x16, 0xed, 0x13, 0xba, 0x33, 0x03, 0xac, 0x5d, 0xeb, 0x91, 0x15, 0x48, 0x90, 0x80, 0x25};
static const unsigned char MESSAGE[2] = {0xaf, 0x82};
static const unsigned char SIGNATURE[64] = {
    0x62, 0x91, 0xd6, 0x57, 0xde, 0xec, 0x24, 0x02, 0x48, 0x27, 0xe6, 0x9c, 0x3a, 0xbe, 0x01, 0xa3, 0x0c, 0xe5, 0x48, 0xa2, 0x84, 0x74,
    0x3a, 0x44, 0x5e, 0x36, 0x80, 0xd7, 0xdb, 0x5a, 0xc3, 0xac, 0x18, 0xff, 0x9b, 0x53, 0x8d, 0x16, 0xf2, 0x90, 0xae, 0x67, 0xf7, 0x60,
    0x98, 0x4d, 0xc6, 0x59, 0x4a, 0x7c, 0x15, 0xe9, 0x71, 0x6e, 0xd2, 0x8d, 0xc0, 0x27, 0xbe, 0xce, 0xea, 0x1e, 0xc4, 0x0a};

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static unsigned char buffer[16384];

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: sodium_bench sha512|ed25519 ITERATIONS\n");
        return 2;
    }
    long iterations = strtol(argv[2], NULL, 10);
    uint32_t check = 0;
    for (size_t i = 0; i < sizeof buffer; i++) buffer[i] = (unsigned char)(i * 131u + 7u);
    double start = seconds();
    if (strcmp(argv[1], "sha512") == 0) {
        unsigned char digest[64];
        for (long i = 0; i < iterations; i++) {
            crypto_hash_sha512(digest, buffer, sizeof buffer);
            buffer[i % (long)sizeof buffer] ^= digest[0];
            check = check * 31u + digest[63];
        }
    } else if (strcmp(argv[1], "ed25519") == 0) {
        for (long i = 0; i < iterations; i++) check += crypto_sign_ed25519_verify_detached(SIGNATURE, MESSAGE, sizeof MESSAGE, KEY) == 0 ? 1u : 0u;
    } else {
        fprintf(stderr, "sodium_bench: unknown workload %s\n", argv[1]);
        return 2;
    }
    double elapsed = seconds() - start;
    printf("Iterations/Sec   : %f\n", (double)iterations / elapsed);
    printf("Check            : 0x%08x\n", (unsigned)check);
    return 0;
}
