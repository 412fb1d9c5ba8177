/* Number formatting without a C library, for banners and fault reports. */
#ifndef WRT_FMT_H
#define WRT_FMT_H

#include <stddef.h>
#include <stdint.h>

/* Longest output of either function, without a terminator. */
#define WRT_FMT_U32_MAX_CHARS 10u
#define WRT_FMT_HEX32_CHARS 10u

/* Writes the decimal digits of value to out (no terminator); returns how many. */
size_t wrt_fmt_u32(uint32_t value, char out[WRT_FMT_U32_MAX_CHARS]);
/* Writes "0x" and exactly 8 lowercase hex digits. */
size_t wrt_fmt_hex32(uint32_t value, char out[WRT_FMT_HEX32_CHARS]);
/* Parses decimal digits at *text; advances *text past them. Returns 0 with no digits or on
 * overflow of 32 bits. */
int wrt_fmt_parse_u32(const char **text, uint32_t *value);

#endif /* WRT_FMT_H */
