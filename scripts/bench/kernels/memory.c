/*
 * Memory: per round, a sieve of Eratosthenes over a static byte buffer, then fill / transforming
 * copy / strided read passes over two static word buffers. The passes carry a dependency on the
 * round so no compiler turns them into a libc memset/memcpy call.
 */
#include "kernel.h"

#define SIEVE_BYTES 32768u
#define WORDS 8192u

static uint8_t sieve[SIEVE_BYTES];
static uint32_t src[WORDS];
static uint32_t dst[WORDS];

WRT_KERNEL(wrt_bench_memory) {
    uint32_t sum = 0;
    for (uint32_t round = 0; round < n; round++) {
        for (uint32_t i = 0; i < SIEVE_BYTES; i++) sieve[i] = (uint8_t)(1u + ((i ^ round) & 1u));
        sieve[0] = 0;
        sieve[1] = 0;
        for (uint32_t p = 2; p * p < SIEVE_BYTES; p++) {
            if (sieve[p] == 0) continue;
            for (uint32_t m = p * p; m < SIEVE_BYTES; m += p) sieve[m] = 0;
        }
        uint32_t primes = 0;
        for (uint32_t i = 0; i < SIEVE_BYTES; i++) primes += sieve[i] != 0;
        for (uint32_t i = 0; i < WORDS; i++) src[i] = i * 2654435761u + round;
        for (uint32_t i = 0; i < WORDS; i++) dst[i] = src[i] ^ (src[(i + round) & (WORDS - 1u)] >> 3);
        uint32_t stride = 0;
        for (uint32_t i = 0; i < WORDS; i++) stride += dst[(i * 97u) & (WORDS - 1u)];
        sum += primes * 31u + stride;
    }
    return sum;
}
