/*
 * ST NUCLEO-F429ZI (STM32F429ZIT6). UM1974 (Nucleo-144 user manual) 6.7.1: HSE is the ST-LINK's
 * 8 MHz MCO on OSC_IN (bypass, no crystal); 6.9: USART3 on PD8 (TX) / PD9 (RX) is the ST-LINK
 * virtual COM port. RM0090: USART3 is interrupt 39 (Table 62), on APB1 (RCC_APB1ENR bit 18),
 * alternate function 7 (DS9405 Table 12); 91 interrupts on F429. 180 MHz needs VOS scale 1 and
 * the over-drive (RM0090 5.1.4), 5 flash wait states, APB1 /4 (45 MHz), APB2 /2 (90 MHz).
 * The USART base and speed and the 180 MHz clock come from targets/nucleo-f429zi.yaml (the
 * generated wrt_board_target.h); test/deploy/stm32f4-clock.test.ts checks the pins against it.
 */
#ifndef WRT_BOARD_CONFIG_H
#define WRT_BOARD_CONFIG_H

#include "wrt_board_target.h"

#define WRT_BOARD_CORE "cortex-m4"
#define WRT_BOARD_UART_RX_IRQ 39u
#define WRT_BOARD_IRQ_COUNT 91u

/* USART3: TX PD8, RX PD9 (port D = 3), AF7. */
#define WRT_STM32F4_UART_TX_PORT 3u
#define WRT_STM32F4_UART_TX_PIN 8u
#define WRT_STM32F4_UART_RX_PORT 3u
#define WRT_STM32F4_UART_RX_PIN 9u
#define WRT_STM32F4_UART_AF 7u
#define WRT_STM32F4_UART_ENABLE_BIT (1u << 18)

/* 8 MHz / 4 * 180 / 2 = 180 MHz (VCO 360 MHz); Q = 7 (the 48 MHz domain is unused). */
#define WRT_STM32F4_HSE_HZ 8000000u
#define WRT_STM32F4_HSE_BYPASS 1u
#define WRT_STM32F4_PLL_M 4u
#define WRT_STM32F4_PLL_N 180u
#define WRT_STM32F4_PLL_P 2u
#define WRT_STM32F4_PLL_Q 7u
#define WRT_STM32F4_AHB_DIVIDER 1u
#define WRT_STM32F4_APB1_DIVIDER 4u
#define WRT_STM32F4_APB2_DIVIDER 2u
#define WRT_STM32F4_VOS_SCALE1 (3u << 14)
#define WRT_STM32F4_OVER_DRIVE 1u

/* No WRT_BOARD_UNMAPPED_ADDRESS: which address bus-faults on the chip is not verified on silicon. */

#endif /* WRT_BOARD_CONFIG_H */
