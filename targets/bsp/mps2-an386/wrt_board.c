#include "wrt_board.h"

#include "wrt_cortex_m.h"
#include "wrt_uart_cmsdk.h"

const char wrt_board_id[] = "qemu-mps2-an386";
const char wrt_board_core[] = "cortex-m4";

/* The FPGA image has one fixed clock and no clock registers. */
uint32_t wrt_board_clock_init(void) { return WRT_BOARD_CLOCK_HZ; }

void wrt_board_uart_init(uint32_t clock_hz) { wrt_uart_cmsdk_init(WRT_BOARD_UART_BASE, clock_hz, WRT_BOARD_UART_BAUD); }

void wrt_board_uart_putc(uint8_t byte) { wrt_uart_cmsdk_putc(WRT_BOARD_UART_BASE, byte); }

/* The CMSDK UART has no busy flag: a byte leaves the one-byte buffer once TX_FULL clears. */
void wrt_board_uart_flush(void) {
  while ((WRT_REG32(WRT_BOARD_UART_BASE + WRT_CMSDK_STATE) & WRT_CMSDK_STATE_TX_FULL) != 0u) {
  }
}

int wrt_board_uart_drain(wrt_ring *ring) { return wrt_uart_cmsdk_drain(WRT_BOARD_UART_BASE, ring); }

void wrt_board_uart_rx_interrupt(int enabled) { wrt_uart_cmsdk_rx_interrupt(WRT_BOARD_UART_BASE, enabled); }
