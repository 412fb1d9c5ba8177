/*
 * The board functions of the TrustZone MPS images QEMU models (hw/arm/mps2-tz.c: AN505 Cortex-M33,
 * AN547 Cortex-M55): one fixed clock, a CMSDK APB UART used at its Secure alias. What differs
 * between the images (UART base and IRQ, clocks, interrupt count, core name) is in each board's
 * wrt_board_config.h and the generated wrt_board_target.h.
 */
#include "wrt_board.h"

#include "wrt_cortex_m.h"
#include "wrt_uart_cmsdk.h"

const char wrt_board_id[] = WRT_BOARD_TARGET_ID;
const char wrt_board_core[] = WRT_BOARD_CORE;

/* The FPGA images have fixed clocks and no clock registers. */
uint32_t wrt_board_clock_init(void) { return WRT_BOARD_CLOCK_HZ; }

/* The UART counts on the APB clock, which on the AN547 is not the core clock. */
void wrt_board_uart_init(uint32_t clock_hz) {
  (void)clock_hz;
  wrt_uart_cmsdk_init(WRT_BOARD_UART_BASE, WRT_BOARD_APB_CLOCK_HZ, WRT_BOARD_UART_BAUD);
}

void wrt_board_uart_putc(uint8_t byte) { wrt_uart_cmsdk_putc(WRT_BOARD_UART_BASE, byte); }

/* The CMSDK UART has no busy flag: a byte leaves the one-byte buffer once TX_FULL clears. */
void wrt_board_uart_flush(void) {
  while ((WRT_REG32(WRT_BOARD_UART_BASE + WRT_CMSDK_STATE) & WRT_CMSDK_STATE_TX_FULL) != 0u) {
  }
}

int wrt_board_uart_drain(wrt_ring *ring) { return wrt_uart_cmsdk_drain(WRT_BOARD_UART_BASE, ring); }

void wrt_board_uart_rx_interrupt(int enabled) { wrt_uart_cmsdk_rx_interrupt(WRT_BOARD_UART_BASE, enabled); }
