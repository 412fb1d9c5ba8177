#include "wrt_bringup_out.h"

#include "wrt_fmt.h"
#include "wrt_bsp_port.h"

void wrt_bringup_puts(const char *text) {
  size_t length = 0u;
  while (text[length] != '\0') length++;
  wrt_port_write((const uint8_t *)text, length);
}

void wrt_bringup_u32(uint32_t value) {
  char digits[WRT_FMT_U32_MAX_CHARS];
  wrt_port_write((const uint8_t *)digits, wrt_fmt_u32(value, digits));
}

void wrt_bringup_hex32(uint32_t value) {
  char digits[WRT_FMT_HEX32_CHARS];
  wrt_port_write((const uint8_t *)digits, wrt_fmt_hex32(value, digits));
}

void wrt_bringup_byte(uint8_t byte) { wrt_port_write(&byte, 1u); }
