#include "wrt_uart_cmsdk.h"

#include "wrt_cortex_m.h"

void wrt_uart_cmsdk_init(uintptr_t base, uint32_t clock_hz, uint32_t baud) {
  uint32_t divider = baud == 0u ? WRT_CMSDK_BAUDDIV_MIN : clock_hz / baud;
  if (divider < WRT_CMSDK_BAUDDIV_MIN) divider = WRT_CMSDK_BAUDDIV_MIN;
  WRT_REG32(base + WRT_CMSDK_CTRL) = 0u;
  WRT_REG32(base + WRT_CMSDK_BAUDDIV) = divider;
  WRT_REG32(base + WRT_CMSDK_INTSTATUS) = 0xFu;
  /* Without RX_EN the UART drops what it receives. */
  WRT_REG32(base + WRT_CMSDK_CTRL) = WRT_CMSDK_CTRL_TX_EN | WRT_CMSDK_CTRL_RX_EN | WRT_CMSDK_CTRL_RX_INT_EN;
  /* As for the PL011: a byte held from before this init lost its interrupt to the INTSTATUS write
   * and would block the line (the UART takes no byte while RX is full). Discard it; the read is
   * also what makes QEMU take input from the host again. */
  (void)WRT_REG32(base + WRT_CMSDK_DATA);
}

void wrt_uart_cmsdk_putc(uintptr_t base, uint8_t byte) {
  while ((WRT_REG32(base + WRT_CMSDK_STATE) & WRT_CMSDK_STATE_TX_FULL) != 0u) {
  }
  WRT_REG32(base + WRT_CMSDK_DATA) = byte;
}

int wrt_uart_cmsdk_drain(uintptr_t base, wrt_ring *ring) {
  /* Clear first: a byte landing after the last read raises the interrupt again instead of being
   * acknowledged unread, which would stall the line (the UART takes no byte while RX is full). */
  WRT_REG32(base + WRT_CMSDK_INTSTATUS) = WRT_CMSDK_INT_RX;
  uint32_t state;
  while (((state = WRT_REG32(base + WRT_CMSDK_STATE)) & WRT_CMSDK_STATE_RX_FULL) != 0u) {
    if (wrt_ring_full(ring)) return 1;
    (void)wrt_ring_put(ring, (uint8_t)WRT_REG32(base + WRT_CMSDK_DATA));
  }
  if ((state & WRT_CMSDK_STATE_RX_OVERRUN) != 0u) {
    WRT_REG32(base + WRT_CMSDK_STATE) = WRT_CMSDK_STATE_RX_OVERRUN;
    ring->dropped = ring->dropped + 1u;
  }
  return 0;
}

void wrt_uart_cmsdk_rx_interrupt(uintptr_t base, int enabled) {
  uint32_t ctrl = WRT_REG32(base + WRT_CMSDK_CTRL);
  WRT_REG32(base + WRT_CMSDK_CTRL) = enabled ? (ctrl | WRT_CMSDK_CTRL_RX_INT_EN) : (ctrl & ~WRT_CMSDK_CTRL_RX_INT_EN);
}
