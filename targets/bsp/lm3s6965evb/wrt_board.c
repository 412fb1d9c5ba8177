#include "wrt_board.h"

#include "wrt_lm3s_sysctl.h"
#include "wrt_uart_pl011.h"

const char wrt_board_id[] = "qemu-lm3s6965evb";
const char wrt_board_core[] = "cortex-m3";

void wrt_board_uart_init(uint32_t clock_hz) {
  /* Clock the UART and its pins, and hand PA0/PA1 to the UART. */
  WRT_LM3S_RCGC1 |= WRT_LM3S_RCGC1_UART0;
  WRT_LM3S_RCGC2 |= WRT_LM3S_RCGC2_GPIOA;
  wrt_dsb();
  WRT_LM3S_GPIOA_AFSEL |= WRT_LM3S_GPIOA_UART0_PINS;
  WRT_LM3S_GPIOA_DEN |= WRT_LM3S_GPIOA_UART0_PINS;
  wrt_uart_pl011_init(WRT_BOARD_UART_BASE, clock_hz, WRT_BOARD_UART_BAUD);
}

void wrt_board_uart_putc(uint8_t byte) { wrt_uart_pl011_putc(WRT_BOARD_UART_BASE, byte); }

void wrt_board_uart_flush(void) { wrt_uart_pl011_flush(WRT_BOARD_UART_BASE); }

int wrt_board_uart_drain(wrt_ring *ring) { return wrt_uart_pl011_drain(WRT_BOARD_UART_BASE, ring); }

void wrt_board_uart_rx_interrupt(int enabled) { wrt_uart_pl011_rx_interrupt(WRT_BOARD_UART_BASE, enabled); }
