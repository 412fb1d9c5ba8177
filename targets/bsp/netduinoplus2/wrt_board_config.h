/*
 * Netduino Plus 2 (STM32F405RG) as QEMU 7.2 models it (hw/arm/netduinoplus2.c,
 * hw/arm/stm32f405_soc.c): serial0 is USART1 (0x40011000, interrupt 37, on APB2), the core runs
 * at a fixed 168 MHz (SYSCLK_FRQ), RCC, PWR, FLASH and GPIO are unimplemented devices that read
 * as zero. The board's own clock plan is the real one: its 25 MHz crystal, 25 MHz / 25 * 336 / 2
 * = 168 MHz (VCO 336 MHz, 48 MHz on Q = 7), VOS scale 1 (one bit on F405), no over-drive, APB1 /4
 * (42 MHz), APB2 /2 (84 MHz); 82 interrupts on F405. USART1 is on PA9 (TX) / PA10 (RX), AF7
 * (DS8626 Table 9), RCC_APB2ENR bit 4. The USART base and speed and the 168 MHz come from
 * targets/qemu-netduinoplus2.yaml (the generated wrt_board_target.h).
 */
#ifndef WRT_BOARD_CONFIG_H
#define WRT_BOARD_CONFIG_H

#include "wrt_board_target.h"

#define WRT_BOARD_CORE "cortex-m4"
#define WRT_BOARD_UART_RX_IRQ 37u
#define WRT_BOARD_IRQ_COUNT 82u

/* USART1: TX PA9, RX PA10 (port A = 0), AF7. */
#define WRT_STM32F4_UART_TX_PORT 0u
#define WRT_STM32F4_UART_TX_PIN 9u
#define WRT_STM32F4_UART_RX_PORT 0u
#define WRT_STM32F4_UART_RX_PIN 10u
#define WRT_STM32F4_UART_AF 7u
#define WRT_STM32F4_UART_ENABLE_BIT (1u << 4)

#define WRT_STM32F4_HSE_HZ 25000000u
#define WRT_STM32F4_HSE_BYPASS 0u
#define WRT_STM32F4_PLL_M 25u
#define WRT_STM32F4_PLL_N 336u
#define WRT_STM32F4_PLL_P 2u
#define WRT_STM32F4_PLL_Q 7u
#define WRT_STM32F4_AHB_DIVIDER 1u
#define WRT_STM32F4_APB1_DIVIDER 4u
#define WRT_STM32F4_APB2_DIVIDER 2u
#define WRT_STM32F4_VOS_SCALE1 (1u << 14)
#define WRT_STM32F4_OVER_DRIVE 0u

/* An address whose write bus-faults (the vendor system region; QEMU answers it with a bus error): for fault tests. */
#define WRT_BOARD_UNMAPPED_ADDRESS 0xF0000000u

#endif /* WRT_BOARD_CONFIG_H */
