/* The STM32F4 USART (RM0090 30) as the board UART: 8N1, 16x oversampling, receive interrupt. */
#ifndef WRT_STM32F4_USART_H
#define WRT_STM32F4_USART_H

#include <stdint.h>

#include "wrt_ring.h"

/* BRR for a kernel clock and baud rate at 16x oversampling: USARTDIV in 12.4 fixed point,
 * rounded (RM0090 30.3.4), so BRR = pclk / baud rounded. */
uint32_t wrt_stm32f4_usart_brr(uint32_t pclk_hz, uint32_t baud);

/* 8N1 at `baud` from a kernel clock of `pclk_hz`, receiver and its interrupt on; a byte held
 * from before is discarded. */
void wrt_stm32f4_usart_init(uint32_t base, uint32_t pclk_hz, uint32_t baud);

/* wrt_board_uart_drain for a USART (wrt_board.h): 1 when a byte stays in it (the ring is full). */
int wrt_stm32f4_usart_drain(uint32_t base, wrt_ring *ring);

#endif /* WRT_STM32F4_USART_H */
