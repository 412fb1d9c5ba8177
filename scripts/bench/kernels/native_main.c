/*
 * Native baseline driver: `kernels NAME N REPS` runs the kernel REPS times and prints, per run,
 * "checksum nanoseconds". The clock is read around the kernel call only, so process start, dynamic
 * linking and page faults of the first touch of the binary do not count.
 */
#define _POSIX_C_SOURCE 199309L
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kernel.h"

typedef uint32_t (*kernel_fn)(uint32_t);

static const struct {
    const char *name;
    kernel_fn fn;
} kernels[] = {
    {"wrt_bench_integer", wrt_bench_integer}, {"wrt_bench_memory", wrt_bench_memory},
    {"wrt_bench_float", wrt_bench_float},     {"wrt_bench_calls", wrt_bench_calls},
    {"wrt_bench_dispatch", wrt_bench_dispatch}, {"wrt_bench_sort", wrt_bench_sort},
};

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s KERNEL N REPS\n", argv[0]);
        return 2;
    }
    kernel_fn fn = NULL;
    for (size_t i = 0; i < sizeof kernels / sizeof kernels[0]; i++) {
        if (strcmp(kernels[i].name, argv[1]) == 0) fn = kernels[i].fn;
    }
    if (fn == NULL) {
        fprintf(stderr, "unknown kernel %s\n", argv[1]);
        return 2;
    }
    char *end = NULL;
    unsigned long n = strtoul(argv[2], &end, 10);
    unsigned long reps = strtoul(argv[3], &end, 10);
    /* a volatile pointer: the call must happen on every repetition although the kernel is pure */
    kernel_fn volatile call = fn;
    for (unsigned long r = 0; r < reps; r++) {
        uint64_t start = now_ns();
        uint32_t sum = call((uint32_t)n);
        uint64_t elapsed = now_ns() - start;
        printf("%" PRIu32 " %" PRIu64 "\n", sum, elapsed);
    }
    return 0;
}
