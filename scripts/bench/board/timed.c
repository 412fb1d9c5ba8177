/*
 * The board bench's kernel driver: runs one of the interpreter kernels (../kernels/) between two
 * reads of the WASI monotonic clock, inside one INVOKE. Under QEMU's -icount shift=0 that clock
 * counts guest instructions (1 ns each; the firmware reads it at millisecond steps), and nothing
 * else runs in between: the host's requests and the guest's idle time are outside the bracket.
 */
#include <stdint.h>

#include "../kernels/kernel.h"

__attribute__((import_module("wasi_snapshot_preview1"), import_name("clock_time_get")))
uint32_t wrt_board_clock_time_get(uint32_t id, uint64_t precision, uint64_t *o_time);

static uint32_t last_checksum;

static uint64_t wrt_board_now(void) {
    uint64_t t = 0;
    wrt_board_clock_time_get(1u, 1u, &t);
    return t;
}

/* Kernel ids: 0 integer, 1 memory, 2 float, 3 calls, 4 dispatch, 5 sort (KERNELS in interp.ts). */
__attribute__((export_name("timed"))) uint64_t timed(uint32_t kernel, uint32_t n) {
    uint64_t start = wrt_board_now();
    uint32_t sum;
    switch (kernel) {
        case 0: sum = wrt_bench_integer(n); break;
        case 1: sum = wrt_bench_memory(n); break;
        case 2: sum = wrt_bench_float(n); break;
        case 3: sum = wrt_bench_calls(n); break;
        case 4: sum = wrt_bench_dispatch(n); break;
        default: sum = wrt_bench_sort(n); break;
    }
    uint64_t end = wrt_board_now();
    last_checksum = sum;
    return end - start;
}

__attribute__((export_name("checksum"))) uint32_t checksum(void) {
    return last_checksum;
}
