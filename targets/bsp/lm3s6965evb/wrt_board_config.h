/*
 * Stellaris LM3S6965 evaluation board (Stellaris LM3S6965 Data Sheet; QEMU 7.2 hw/arm/stellaris.c):
 * PL011 UART0 at 0x4000C000 on interrupt 5, 64 interrupt lines in QEMU's NVIC, system control at
 * 0x400FE000, an 8 MHz crystal and a 400 MHz PLL (200 MHz after its fixed divide by 2).
 */
#ifndef WRT_BOARD_CONFIG_H
#define WRT_BOARD_CONFIG_H

#define WRT_BOARD_UART_BASE 0x4000C000u
#define WRT_BOARD_UART_RX_IRQ 5u
#define WRT_BOARD_UART_BAUD 115200u
#define WRT_BOARD_IRQ_COUNT 64u
/* SYSDIV /4 of the 200 MHz PLL output: the 50 MHz the target definition states. */
#define WRT_BOARD_SYSDIV 3u
#define WRT_BOARD_PLL_HZ 200000000u
#define WRT_BOARD_EXIT_SEMIHOSTING 1

/* No WRT_BOARD_UNMAPPED_ADDRESS: QEMU 7.2's Stellaris model ignores accesses to unmapped
 * addresses (checked at 0x00040000, 0x1FFFFFF0, 0x20010000, 0x60000000, 0xE0100000, 0xF0000000),
 * where the real chip raises a bus fault. */

#endif /* WRT_BOARD_CONFIG_H */
