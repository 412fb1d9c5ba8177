/* The port's hooks for the startup code and the interrupt dispatcher; not for firmware. */
#ifndef WRT_PORT_INTERNAL_H
#define WRT_PORT_INTERNAL_H

#include <stdint.h>

/* Sets up the receive ring, the UART and the tick, then unmasks interrupts. Returns 0 when the
 * clock cannot drive a 1 ms tick. */
int wrt_port_start(uint32_t clock_hz);
void wrt_port_uart_rx_isr(void);

#endif /* WRT_PORT_INTERNAL_H */
