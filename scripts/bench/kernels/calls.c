/*
 * Calls: recursive Fibonacci plus a chain of small out-of-line functions, n times; call and return
 * overhead dominates.
 */
#include "kernel.h"

WRT_NOINLINE static uint32_t fib(uint32_t k) { return k < 2u ? k : fib(k - 1u) + fib(k - 2u); }

WRT_NOINLINE static uint32_t add3(uint32_t a, uint32_t b, uint32_t c) { return a + b * 3u + c; }
WRT_NOINLINE static uint32_t mix(uint32_t a, uint32_t b) { return add3(a ^ b, b, a >> 3); }
WRT_NOINLINE static uint32_t step(uint32_t x, uint32_t i) { return mix(x, i) + mix(i, x >> 1); }

WRT_KERNEL(wrt_bench_calls) {
    uint32_t acc = 0;
    for (uint32_t i = 0; i < n; i++) {
        acc += fib(12u + (i & 3u));
        for (uint32_t j = 0; j < 32u; j++) acc = step(acc, i + j);
    }
    return acc;
}
