#include "wrt_fmt.h"

size_t wrt_fmt_u32(uint32_t value, char out[WRT_FMT_U32_MAX_CHARS]) {
  char reversed[WRT_FMT_U32_MAX_CHARS];
  size_t count = 0u;
  do {
    reversed[count++] = (char)('0' + value % 10u);
    value /= 10u;
  } while (value != 0u);
  for (size_t index = 0u; index < count; index++) out[index] = reversed[count - 1u - index];
  return count;
}

size_t wrt_fmt_hex32(uint32_t value, char out[WRT_FMT_HEX32_CHARS]) {
  static const char digits[] = "0123456789abcdef";
  out[0] = '0';
  out[1] = 'x';
  for (unsigned index = 0u; index < 8u; index++) out[2u + index] = digits[(value >> (28u - 4u * index)) & 0xFu];
  return WRT_FMT_HEX32_CHARS;
}

int wrt_fmt_parse_u32(const char **text, uint32_t *value) {
  const char *cursor = *text;
  uint32_t result = 0u;
  if (*cursor < '0' || *cursor > '9') return 0;
  while (*cursor >= '0' && *cursor <= '9') {
    uint32_t digit = (uint32_t)(*cursor - '0');
    if (result > (0xFFFFFFFFu - digit) / 10u) return 0;
    result = result * 10u + digit;
    cursor++;
  }
  *text = cursor;
  *value = result;
  return 1;
}
