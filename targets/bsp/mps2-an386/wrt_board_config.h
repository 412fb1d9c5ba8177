/*
 * Arm MPS2 with the AN386 (Cortex-M4) FPGA image, as QEMU 7.2 models it (hw/arm/mps2.c):
 * CMSDK APB UART0 at 0x40004000 with its receive interrupt on IRQ 0 (transmit on IRQ 1),
 * 32 external interrupts, a fixed 25 MHz system clock (SYSCLK_FRQ).
 */
#ifndef WRT_BOARD_CONFIG_H
#define WRT_BOARD_CONFIG_H

#define WRT_BOARD_UART_BASE 0x40004000u
#define WRT_BOARD_UART_RX_IRQ 0u
#define WRT_BOARD_UART_BAUD 115200u
#define WRT_BOARD_IRQ_COUNT 32u
#define WRT_BOARD_CLOCK_HZ 25000000u
/* Runs under QEMU with -semihosting-config enable=on: exits report a code to the host. */
#define WRT_BOARD_EXIT_SEMIHOSTING 1

/* An address whose write bus-faults (in the Armv7-M vendor system region; QEMU answers it with a bus error): for fault tests. */
#define WRT_BOARD_UNMAPPED_ADDRESS 0xF0000000u

#endif /* WRT_BOARD_CONFIG_H */
