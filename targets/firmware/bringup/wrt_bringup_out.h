/* Text output through the port's write (not the polled console), so the port path is what runs. */
#ifndef WRT_BRINGUP_OUT_H
#define WRT_BRINGUP_OUT_H

#include <stdint.h>

void wrt_bringup_puts(const char *text);
void wrt_bringup_u32(uint32_t value);
void wrt_bringup_hex32(uint32_t value);
void wrt_bringup_byte(uint8_t byte);

#endif /* WRT_BRINGUP_OUT_H */
