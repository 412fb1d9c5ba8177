/* Polled text output on the board UART, usable anywhere (fault handlers included). */
#ifndef WRT_CONSOLE_H
#define WRT_CONSOLE_H

#include <stdint.h>

void wrt_console_puts(const char *text);
void wrt_console_u32(uint32_t value);
void wrt_console_hex32(uint32_t value);

#endif /* WRT_CONSOLE_H */
