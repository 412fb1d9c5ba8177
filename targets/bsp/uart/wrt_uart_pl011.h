/*
 * Arm PrimeCell UART PL011 (Arm DDI 0183, PrimeCell UART (PL011) Technical Reference Manual),
 * 16-byte FIFOs. Used by the Stellaris LM3S parts (and the RP2040).
 */
#ifndef WRT_UART_PL011_H
#define WRT_UART_PL011_H

#include <stdint.h>

#include "wrt_ring.h"

#define WRT_PL011_DR 0x00u
#define WRT_PL011_FR 0x18u
#define WRT_PL011_IBRD 0x24u
#define WRT_PL011_FBRD 0x28u
#define WRT_PL011_LCRH 0x2Cu
#define WRT_PL011_CR 0x30u
#define WRT_PL011_IMSC 0x38u
#define WRT_PL011_ICR 0x44u

#define WRT_PL011_DR_OE (1u << 11) /* overrun: data was lost before this byte */
#define WRT_PL011_FR_BUSY (1u << 3)
#define WRT_PL011_FR_RXFE (1u << 4)
#define WRT_PL011_FR_TXFF (1u << 5)
#define WRT_PL011_LCRH_FEN (1u << 4)
#define WRT_PL011_LCRH_WLEN_8 (3u << 5)
#define WRT_PL011_CR_UARTEN (1u << 0)
#define WRT_PL011_CR_TXE (1u << 8)
#define WRT_PL011_CR_RXE (1u << 9)
#define WRT_PL011_INT_RX (1u << 4)
#define WRT_PL011_INT_RT (1u << 6) /* receive timeout: fewer bytes than the FIFO trigger level */
#define WRT_PL011_INT_ALL 0x7FFu

void wrt_uart_pl011_init(uintptr_t base, uint32_t clock_hz, uint32_t baud);
void wrt_uart_pl011_putc(uintptr_t base, uint8_t byte);
void wrt_uart_pl011_flush(uintptr_t base);
int wrt_uart_pl011_drain(uintptr_t base, wrt_ring *ring);
void wrt_uart_pl011_rx_interrupt(uintptr_t base, int enabled);

#endif /* WRT_UART_PL011_H */
