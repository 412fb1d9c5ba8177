/*
 * Arm CMSDK APB UART (Arm Cortex-M System Design Kit Technical Reference Manual, "APB UART"):
 * one-byte transmit and receive buffers, no FIFO. Used by the MPS2 FPGA images.
 */
#ifndef WRT_UART_CMSDK_H
#define WRT_UART_CMSDK_H

#include <stdint.h>

#include "wrt_ring.h"

#define WRT_CMSDK_DATA 0x00u
#define WRT_CMSDK_STATE 0x04u
#define WRT_CMSDK_CTRL 0x08u
#define WRT_CMSDK_INTSTATUS 0x0Cu /* reads the status, writing 1s clears (INTCLEAR) */
#define WRT_CMSDK_BAUDDIV 0x10u

#define WRT_CMSDK_STATE_TX_FULL (1u << 0)
#define WRT_CMSDK_STATE_RX_FULL (1u << 1)
#define WRT_CMSDK_STATE_RX_OVERRUN (1u << 3) /* write 1 to clear */
#define WRT_CMSDK_CTRL_TX_EN (1u << 0)
#define WRT_CMSDK_CTRL_RX_EN (1u << 1)
#define WRT_CMSDK_CTRL_RX_INT_EN (1u << 3)
#define WRT_CMSDK_INT_RX (1u << 1)
/* BAUDDIV below 16 is not allowed (the TRM's minimum). */
#define WRT_CMSDK_BAUDDIV_MIN 16u

void wrt_uart_cmsdk_init(uintptr_t base, uint32_t clock_hz, uint32_t baud);
void wrt_uart_cmsdk_putc(uintptr_t base, uint8_t byte);
int wrt_uart_cmsdk_drain(uintptr_t base, wrt_ring *ring);
void wrt_uart_cmsdk_rx_interrupt(uintptr_t base, int enabled);

#endif /* WRT_UART_CMSDK_H */
