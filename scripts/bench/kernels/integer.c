/* Integer ALU: a 32-bit and a 64-bit hash/PRNG mix (multiply, rotate, xor-shift), n rounds. */
#include "kernel.h"

static uint32_t rotl32(uint32_t x, unsigned r) { return (x << r) | (x >> (32u - r)); }

WRT_KERNEL(wrt_bench_integer) {
    uint32_t h32 = 0x9e3779b9u;
    uint64_t s64 = 0x243f6a8885a308d3ull;
    uint32_t acc = 0;
    for (uint32_t i = 0; i < n; i++) {
        /* murmur3-style block mix */
        uint32_t k = i * 0xcc9e2d51u;
        k = rotl32(k, 15) * 0x1b873593u;
        h32 ^= k;
        h32 = rotl32(h32, 13) * 5u + 0xe6546b64u;
        /* xorshift64* step */
        s64 ^= s64 >> 12;
        s64 ^= s64 << 25;
        s64 ^= s64 >> 27;
        uint64_t r = s64 * 0x2545f4914f6cdd1dull;
        acc += (uint32_t)(r >> 32) ^ (h32 >> (i & 7u)) ^ (uint32_t)(r % 1000003u);
    }
    h32 ^= h32 >> 16;
    h32 *= 0x85ebca6bu;
    h32 ^= h32 >> 13;
    return h32 ^ acc;
}
