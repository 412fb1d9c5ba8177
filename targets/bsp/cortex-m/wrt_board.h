/*
 * What each board folder provides to the shared Cortex-M code: constants in its
 * wrt_board_config.h (UART base and IRQ, number of external interrupts, whether semihosting
 * ends the program), functions in its wrt_board.c.
 */
#ifndef WRT_BOARD_H
#define WRT_BOARD_H

#include <stdint.h>

#include "wrt_board_config.h"
#include "wrt_ring.h"

/* Brings the CPU clock to the frequency the board runs at; returns that frequency in Hz, read
 * back from the clock registers where the chip has them. */
uint32_t wrt_board_clock_init(void);

/* Starts the UART at WRT_BOARD_UART_BAUD with its receive interrupt enabled in the UART (the
 * shared code enables it in the NVIC). */
void wrt_board_uart_init(uint32_t clock_hz);

/* Blocks until the UART takes the byte. Safe in fault handlers (polled, no interrupt). */
void wrt_board_uart_putc(uint8_t byte);

/* Blocks until the UART has sent everything it holds. */
void wrt_board_uart_flush(void);

/* Acknowledges the receive interrupt, then moves waiting bytes into the ring until the UART is
 * empty or the ring full. Returns 1 when bytes stay in the UART (the ring is full): they wait there,
 * and a UART with flow control (QEMU's) holds the line instead of losing data. A receiver overrun
 * the UART reports is counted in ring->dropped. Called from the receive interrupt, or with
 * interrupts masked. */
int wrt_board_uart_drain(wrt_ring *ring);

/* Masks (0) or unmasks (1) the receive interrupt in the UART, while the ring is full. */
void wrt_board_uart_rx_interrupt(int enabled);

/* The target id (targets/<id>.yaml) and the core, for banners and wrt_port_board_info. */
extern const char wrt_board_id[];
extern const char wrt_board_core[];

#endif /* WRT_BOARD_H */
