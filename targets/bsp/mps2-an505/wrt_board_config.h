/*
 * Arm MPS2 with the AN505 (Cortex-M33, IoT Kit) FPGA image, as QEMU 7.2 models it
 * (hw/arm/mps2-tz.c): 32 IoT Kit interrupts plus 92 expansion interrupts; CMSDK APB UART0 with its
 * receive interrupt on IRQ 32. That IRQ is measured: the source's table lists UART0's lines as
 * 32, 33, 42 under a "tx, rx, combined" comment, but with the receive interrupt enabled on IRQ 33
 * none comes and an upload crawls at the port's polling rate (1 KiB/s instead of 15-20 KiB/s).
 * The UART base and speed, the fixed 20 MHz clock (sysclk_frq, which also clocks the APB), the
 * upload buffer and the exit by semihosting come from targets/qemu-mps2-an505.yaml (the generated
 * wrt_board_target.h).
 */
#ifndef WRT_BOARD_CONFIG_H
#define WRT_BOARD_CONFIG_H

#include "wrt_board_target.h"

#define WRT_BOARD_CORE "cortex-m33"
#define WRT_BOARD_APB_CLOCK_HZ WRT_BOARD_CLOCK_HZ
#define WRT_BOARD_UART_RX_IRQ 32u
#define WRT_BOARD_IRQ_COUNT 124u

/* An address whose write bus-faults (the system region past the PPB; QEMU answers it with a bus error): for fault tests. */
#define WRT_BOARD_UNMAPPED_ADDRESS 0xF0000000u

#endif /* WRT_BOARD_CONFIG_H */
