#include "wrt_stm32f4_usart.h"

#include "wrt_stm32f4_mmio.h"
#include "wrt_stm32f4_regs.h"

uint32_t wrt_stm32f4_usart_brr(uint32_t pclk_hz, uint32_t baud) {
  if (baud == 0u) return 0xFFFFu;
  uint32_t brr = (pclk_hz + baud / 2u) / baud;
  /* DIV_Mantissa must be at least 1 (RM0090 30.6.3), and BRR is 16 bits. */
  return brr < 16u ? 16u : brr > 0xFFFFu ? 0xFFFFu : brr;
}

void wrt_stm32f4_usart_init(uint32_t base, uint32_t pclk_hz, uint32_t baud) {
  wrt_stm32f4_write(base + WRT_STM32F4_USART_CR1, 0u);
  wrt_stm32f4_write(base + WRT_STM32F4_USART_CR2, 0u);
  wrt_stm32f4_write(base + WRT_STM32F4_USART_CR3, 0u);
  wrt_stm32f4_write(base + WRT_STM32F4_USART_BRR, wrt_stm32f4_usart_brr(pclk_hz, baud));
  wrt_stm32f4_write(base + WRT_STM32F4_USART_CR1,
                    WRT_STM32F4_USART_CR1_UE | WRT_STM32F4_USART_CR1_TE | WRT_STM32F4_USART_CR1_RE | WRT_STM32F4_USART_CR1_RXNEIE);
  /* A byte held from before this init (a host retrying HELLO across a reset) is stale; reading
   * SR then DR discards it and clears an overrun. QEMU takes the next host byte only after DR is
   * read, so this also reopens the line. */
  (void)wrt_stm32f4_read(base + WRT_STM32F4_USART_SR);
  (void)wrt_stm32f4_read(base + WRT_STM32F4_USART_DR);
}

int wrt_stm32f4_usart_drain(uint32_t base, wrt_ring *ring) {
  /* The USART holds one byte: RXNE clears when DR is read, ORE (set only while RXNE is) by
   * reading SR then DR. Ends when the USART is empty or the ring full. */
  for (;;) {
    uint32_t status = wrt_stm32f4_read(base + WRT_STM32F4_USART_SR);
    if ((status & WRT_STM32F4_USART_SR_RXNE) == 0u) return 0;
    if (wrt_ring_full(ring)) return 1;
    /* Counted once: the DR read below clears it. */
    if ((status & WRT_STM32F4_USART_SR_ORE) != 0u) ring->dropped = ring->dropped + 1u;
    (void)wrt_ring_put(ring, (uint8_t)(wrt_stm32f4_read(base + WRT_STM32F4_USART_DR) & 0xFFu));
  }
}
