#include "wrt_console.h"

#include "wrt_board.h"
#include "wrt_fmt.h"

void wrt_console_puts(const char *text) {
  while (*text != '\0') wrt_board_uart_putc((uint8_t)*text++);
}

void wrt_console_u32(uint32_t value) {
  char digits[WRT_FMT_U32_MAX_CHARS];
  size_t count = wrt_fmt_u32(value, digits);
  for (size_t index = 0u; index < count; index++) wrt_board_uart_putc((uint8_t)digits[index]);
}

void wrt_console_hex32(uint32_t value) {
  char digits[WRT_FMT_HEX32_CHARS];
  size_t count = wrt_fmt_hex32(value, digits);
  for (size_t index = 0u; index < count; index++) wrt_board_uart_putc((uint8_t)digits[index]);
}
