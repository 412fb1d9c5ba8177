/*
 * Arm MPS3 with the AN547 (Cortex-M55, SSE-300) FPGA image, as QEMU 7.2 models it
 * (hw/arm/mps2-tz.c): 32 SSE-300 interrupts plus 96 expansion interrupts; CMSDK APB UART0 with
 * its receive interrupt on IRQ 33, clocked by the 25 MHz APB clock (apb_periph_frq) while the core
 * runs at 32 MHz. The IRQ is measured: the source's table lists UART0's lines as 33, 34, 43 under
 * a "tx, rx, combined" comment, but with the receive interrupt enabled on IRQ 34 none comes and an
 * upload crawls at the port's polling rate (1 KiB/s instead of 15-20 KiB/s). The UART base and
 * speed, the core clock, the upload buffer and the exit by semihosting come from
 * targets/qemu-mps3-an547.yaml (the generated wrt_board_target.h).
 */
#ifndef WRT_BOARD_CONFIG_H
#define WRT_BOARD_CONFIG_H

#include "wrt_board_target.h"

#define WRT_BOARD_CORE "cortex-m55"
#define WRT_BOARD_APB_CLOCK_HZ 25000000u
#define WRT_BOARD_UART_RX_IRQ 33u
#define WRT_BOARD_IRQ_COUNT 128u

/* An address whose write bus-faults (the system region past the PPB; QEMU answers it with a bus error): for fault tests. */
#define WRT_BOARD_UNMAPPED_ADDRESS 0xF0000000u

#endif /* WRT_BOARD_CONFIG_H */
