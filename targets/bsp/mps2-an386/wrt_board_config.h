/*
 * Arm MPS2 with the AN386 (Cortex-M4) FPGA image, as QEMU 7.2 models it (hw/arm/mps2.c):
 * CMSDK APB UART0 with its receive interrupt on IRQ 0 (transmit on IRQ 1), 32 external
 * interrupts. The UART base and speed, the fixed 25 MHz clock (SYSCLK_FRQ), the upload buffer and
 * the exit by semihosting come from targets/qemu-mps2-an386.yaml (the generated
 * wrt_board_target.h).
 */
#ifndef WRT_BOARD_CONFIG_H
#define WRT_BOARD_CONFIG_H

#include "wrt_board_target.h"

#define WRT_BOARD_UART_RX_IRQ 0u
#define WRT_BOARD_IRQ_COUNT 32u

/* An address whose write bus-faults (in the Armv7-M vendor system region; QEMU answers it with a bus error): for fault tests. */
#define WRT_BOARD_UNMAPPED_ADDRESS 0xF0000000u

#endif /* WRT_BOARD_CONFIG_H */
