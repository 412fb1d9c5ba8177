#include "wrt_uart_pl011.h"

#include "wrt_cortex_m.h"

void wrt_uart_pl011_init(uintptr_t base, uint32_t clock_hz, uint32_t baud) {
  /* Divisor in 1/64ths: clock / (16 * baud), rounded (PL011 TRM, "Baud rate calculation"). */
  uint32_t divisor64 = baud == 0u ? 64u : (uint32_t)((((uint64_t)clock_hz * 4u) + baud / 2u) / baud);
  WRT_REG32(base + WRT_PL011_CR) = 0u;
  WRT_REG32(base + WRT_PL011_ICR) = WRT_PL011_INT_ALL;
  WRT_REG32(base + WRT_PL011_IBRD) = divisor64 >> 6;
  WRT_REG32(base + WRT_PL011_FBRD) = divisor64 & 0x3Fu;
  /* LCRH after the divisors: the write latches them. */
  WRT_REG32(base + WRT_PL011_LCRH) = WRT_PL011_LCRH_WLEN_8 | WRT_PL011_LCRH_FEN;
  WRT_REG32(base + WRT_PL011_IMSC) = WRT_PL011_INT_RX | WRT_PL011_INT_RT;
  WRT_REG32(base + WRT_PL011_CR) = WRT_PL011_CR_UARTEN | WRT_PL011_CR_TXE | WRT_PL011_CR_RXE;
  /* Bytes that arrived before this init (a host retrying HELLO across a reset) are stale: the
   * ICR write above cleared their interrupt, so nothing would ever read them. Discard them, and
   * read the then empty FIFO once more: that read is what makes QEMU's PL011 take input from the
   * host again after it stopped at a full FIFO. The host may refill the FIFO while this runs, so
   * the bound is far above the 16 bytes it holds; bytes left after it are fetched when the port
   * idles (wrt_port_idle). */
  for (uint32_t stale = 0u; stale < 4096u && (WRT_REG32(base + WRT_PL011_FR) & WRT_PL011_FR_RXFE) == 0u; stale++) {
    (void)WRT_REG32(base + WRT_PL011_DR);
  }
  (void)WRT_REG32(base + WRT_PL011_DR);
}

void wrt_uart_pl011_putc(uintptr_t base, uint8_t byte) {
  while ((WRT_REG32(base + WRT_PL011_FR) & WRT_PL011_FR_TXFF) != 0u) {
  }
  WRT_REG32(base + WRT_PL011_DR) = byte;
}

void wrt_uart_pl011_flush(uintptr_t base) {
  while ((WRT_REG32(base + WRT_PL011_FR) & WRT_PL011_FR_BUSY) != 0u) {
  }
}

int wrt_uart_pl011_drain(uintptr_t base, wrt_ring *ring) {
  WRT_REG32(base + WRT_PL011_ICR) = WRT_PL011_INT_RX | WRT_PL011_INT_RT;
  while ((WRT_REG32(base + WRT_PL011_FR) & WRT_PL011_FR_RXFE) == 0u) {
    if (wrt_ring_full(ring)) return 1;
    /* Bits 8..11 of DR are error flags; the byte is the low 8. */
    uint32_t data = WRT_REG32(base + WRT_PL011_DR);
    if ((data & WRT_PL011_DR_OE) != 0u) ring->dropped = ring->dropped + 1u;
    (void)wrt_ring_put(ring, (uint8_t)(data & 0xFFu));
  }
  return 0;
}

void wrt_uart_pl011_rx_interrupt(uintptr_t base, int enabled) {
  uint32_t mask = WRT_REG32(base + WRT_PL011_IMSC);
  uint32_t rx = WRT_PL011_INT_RX | WRT_PL011_INT_RT;
  WRT_REG32(base + WRT_PL011_IMSC) = enabled ? (mask | rx) : (mask & ~rx);
}
