/* The STM32F4 USART (RM0090 30) as the board UART: 8N1, 16x oversampling, receive interrupt. */
#ifndef WRT_STM32F4_USART_H
#define WRT_STM32F4_USART_H

#include <stdint.h>

#include "wrt_ring.h"

/* BRR for a kernel clock and baud rate at 16x oversampling: USARTDIV in 12.4 fixed point,
 * rounded (RM0090 30.3.4), so BRR = pclk / baud rounded. */
uint32_t wrt_stm32f4_usart_brr(uint32_t pclk_hz, uint32_t baud);

void wrt_stm32f4_usart_init(uint32_t base, uint32_t pclk_hz, uint32_t baud);
void wrt_stm32f4_usart_putc(uint32_t base, uint8_t byte);
void wrt_stm32f4_usart_flush(uint32_t base);
int wrt_stm32f4_usart_drain(uint32_t base, wrt_ring *ring);
void wrt_stm32f4_usart_rx_interrupt(uint32_t base, int enabled);

#endif /* WRT_STM32F4_USART_H */
