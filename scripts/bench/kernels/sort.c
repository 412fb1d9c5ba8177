/*
 * Sort: fill a static array from a PRNG and heap-sort it (data-dependent branches and indexed
 * loads/stores), n rounds; the checksum samples the sorted array and checks its order.
 */
#include "kernel.h"

#define ELEMENTS 2048u

static uint32_t items[ELEMENTS];

static void sift_down(uint32_t *a, uint32_t root, uint32_t end) {
    for (;;) {
        uint32_t child = 2u * root + 1u;
        if (child >= end) return;
        if (child + 1u < end && a[child] < a[child + 1u]) child++;
        if (a[root] >= a[child]) return;
        uint32_t t = a[root];
        a[root] = a[child];
        a[child] = t;
        root = child;
    }
}

WRT_KERNEL(wrt_bench_sort) {
    uint32_t sum = 0;
    uint32_t seed = 2463534242u;
    for (uint32_t round = 0; round < n; round++) {
        for (uint32_t i = 0; i < ELEMENTS; i++) {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            items[i] = seed;
        }
        for (uint32_t i = ELEMENTS / 2u; i-- > 0;) sift_down(items, i, ELEMENTS);
        for (uint32_t end = ELEMENTS - 1u; end > 0; end--) {
            uint32_t t = items[0];
            items[0] = items[end];
            items[end] = t;
            sift_down(items, 0, end);
        }
        uint32_t unordered = 0;
        for (uint32_t i = 1; i < ELEMENTS; i++) unordered += items[i - 1u] > items[i];
        /* an unsorted result changes the checksum on every engine the same way only if all are wrong */
        sum += items[round & (ELEMENTS - 1u)] ^ items[ELEMENTS / 2u] ^ (unordered * 0x10001u);
    }
    return sum;
}
