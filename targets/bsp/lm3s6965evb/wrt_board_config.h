/*
 * Stellaris LM3S6965 evaluation board (Stellaris LM3S6965 Data Sheet; QEMU 7.2 hw/arm/stellaris.c):
 * PL011 UART0 on interrupt 5, 64 interrupt lines in QEMU's NVIC, system control at 0x400FE000, an
 * 8 MHz crystal and a 400 MHz PLL (200 MHz after its fixed divide by 2). The UART base and speed,
 * the core clock, the upload buffer and the exit by semihosting come from
 * targets/qemu-lm3s6965evb.yaml (the generated wrt_board_target.h).
 */
#ifndef WRT_BOARD_CONFIG_H
#define WRT_BOARD_CONFIG_H

#include "wrt_board_target.h"

#define WRT_BOARD_UART_RX_IRQ 5u
#define WRT_BOARD_IRQ_COUNT 64u
#define WRT_BOARD_PLL_HZ 200000000u
/* The PLL divider (SYSDIV + 1) that gives the clock the target definition states. */
#define WRT_BOARD_SYSDIV (WRT_BOARD_PLL_HZ / WRT_BOARD_CLOCK_HZ - 1u)
_Static_assert(WRT_BOARD_PLL_HZ % WRT_BOARD_CLOCK_HZ == 0u && WRT_BOARD_SYSDIV >= 3u && WRT_BOARD_SYSDIV <= 15u,
               "cpu.clockHz of the target definition: 200 MHz divided by 4 .. 16 (RCC SYSDIV 3 .. 15)");

/* No WRT_BOARD_UNMAPPED_ADDRESS: QEMU 7.2's Stellaris model ignores accesses to unmapped
 * addresses (checked at 0x00040000, 0x1FFFFFF0, 0x20010000, 0x60000000, 0xE0100000, 0xF0000000),
 * where the real chip raises a bus fault. */

#endif /* WRT_BOARD_CONFIG_H */
