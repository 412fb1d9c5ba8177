/*
 * native-sim's board natives (native/natives/wrt_native.h): the clock half of the boards'
 * wrt:board interface on the host's monotonic clock. The host has no GPIO, so native-sim offers
 * none: a module that drives pins runs on a board, or here with its pins mocked by the host.
 * targets/native-sim.yaml lists these entries (test/targets/host-functions.test.ts compares).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <time.h>

#include "wrt_native.h"

static uint64_t wrt_sim_micros_now(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return 0u;
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint32_t wrt_sim_micros(wrt_native_call *io_call) {
    wrt_native_return_i64(io_call, wrt_sim_micros_now());
    return WRT_OK;
}

/* nanosleep resumes after a signal with what is left, so the delay is never cut short. */
static uint32_t wrt_sim_delay_us(wrt_native_call *io_call) {
    uint32_t us = wrt_native_i32(io_call, 0);
    struct timespec left = {(time_t)(us / 1000000u), (long)(us % 1000000u) * 1000L};
    while (nanosleep(&left, &left) != 0 && errno == EINTR) {
    }
    return WRT_OK;
}

wrt_native wrt_native_board_table[] = {
    WRT_NATIVE("wrt:board/clock", "micros", ":I", 8u, wrt_sim_micros),
    WRT_NATIVE("wrt:board/clock", "delay_us", "i:", 8u, wrt_sim_delay_us),
};
const uint32_t wrt_native_board_count = (uint32_t)(sizeof wrt_native_board_table / sizeof wrt_native_board_table[0]);
