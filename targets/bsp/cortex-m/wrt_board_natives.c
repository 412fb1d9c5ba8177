/*
 * The board natives every Cortex-M board offers (native/natives/wrt_native.h), the wrt:board
 * interface: pins through the board's wrt_board_gpio.c, a microsecond clock and a delay on SysTick.
 *
 *   wrt:board/gpio.write(pin: i32, level: i32) -> i32   0, or -1 when the pin is no output
 *   wrt:board/gpio.read(pin: i32) -> i32                0 or 1, or -1 when there is no such pin
 *   wrt:board/clock.micros() -> i64                     microseconds since boot
 *   wrt:board/clock.delay_us(us: i32)                   waits at least `us` microseconds (unsigned)
 *
 * The target definitions list these (hostFunctions); test/targets/host-functions.test.ts compares.
 */
#include <stdint.h>

#include "wrt_board_gpio.h"
#include "wrt_native.h"
#include "wrt_systick.h"

#define WRT_BN_NO_PIN 0xFFFFFFFFu

static uint32_t wrt_bn_gpio_write(wrt_native_call *io_call) {
    bool ok = wrt_board_gpio_write(wrt_native_i32(io_call, 0), wrt_native_i32(io_call, 1));
    wrt_native_return_i32(io_call, ok ? 0u : WRT_BN_NO_PIN);
    return WRT_OK;
}

static uint32_t wrt_bn_gpio_read(wrt_native_call *io_call) {
    uint32_t level = 0;
    bool ok = wrt_board_gpio_read(wrt_native_i32(io_call, 0), &level);
    wrt_native_return_i32(io_call, ok ? (level != 0u ? 1u : 0u) : WRT_BN_NO_PIN);
    return WRT_OK;
}

static uint32_t wrt_bn_micros(wrt_native_call *io_call) {
    wrt_native_return_i64(io_call, wrt_systick_nanos() / 1000u);
    return WRT_OK;
}

/* Spins on the clock: a sleep until the next millisecond tick would overshoot short delays. */
static uint32_t wrt_bn_delay_us(wrt_native_call *io_call) {
    uint64_t until = wrt_systick_nanos() / 1000u + wrt_native_i32(io_call, 0);
    while (wrt_systick_nanos() / 1000u < until) {
    }
    return WRT_OK;
}

wrt_native wrt_native_board_table[] = {
    WRT_NATIVE("wrt:board/gpio", "write", "ii:i", 8u, wrt_bn_gpio_write),
    WRT_NATIVE("wrt:board/gpio", "read", "i:i", 8u, wrt_bn_gpio_read),
    WRT_NATIVE("wrt:board/clock", "micros", ":I", 8u, wrt_bn_micros),
    WRT_NATIVE("wrt:board/clock", "delay_us", "i:", 8u, wrt_bn_delay_us),
};
const uint32_t wrt_native_board_count = (uint32_t)(sizeof wrt_native_board_table / sizeof wrt_native_board_table[0]);
