/* The component model's value encoding (component-model/design/mvp/Binary.md, "Value
 * Definitions") to and from wrt_cabi value slots: how component values travel on the wire
 * (docs/protocol.md, COMPONENT_INVOKE).
 *
 *   bool 0x00/0x01; u8/s8 one byte; u16..u64 unsigned LEB128, s16..s64 signed LEB128;
 *   f32/f64 little-endian IEEE bytes; char its UTF-8 bytes; string LEB128 length + UTF-8;
 *   record/tuple the fields in order; variant/enum LEB128 case index (+ payload);
 *   option/result 0x00/0x01 (+ payload); list LEB128 count + elements; flags ceil(n/8) bytes.
 *
 * Freestanding C11: no allocation, no recursion (an explicit stack of WRT_CABI_MAX_DEPTH + 1
 * frames), every loop bounded by the bytes read or the value slots written. */
#ifndef WRT_CVAL_H
#define WRT_CVAL_H

#include <stdint.h>

#include "wrt_cabi.h"

/* Decodes one value of type nodes[0] from bytes[0..len) into value slots. Strings point into
 * `bytes` (u = offset, n = UTF-8 length, aux = WRT_CABI_UTF8): `bytes` is the pool wrt_cabi lowers
 * them from. Returns WRT_CABI_OK (*o_used = bytes read), WRT_CABI_ERR_VALUE (*o_used = the offset
 * of the byte that does not fit the type) or WRT_CABI_ERR_CAPACITY (over `cap` slots). */
int wrt_cval_decode(const wrt_cabi_type *nodes, const uint8_t *bytes, uint32_t len, wrt_cabi_val *o_vals,
                    uint32_t cap, uint32_t *o_nvals, uint32_t *o_used);

/* Encodes the value of type nodes[0] held in `vals` (as wrt_cabi_lift_values left them: strings
 * in `mem`, in the encoding their aux names, transcoded here to UTF-8). Returns WRT_CABI_OK
 * (*o_len = bytes written), WRT_CABI_ERR_CAPACITY (over `cap` bytes) or WRT_CABI_ERR_VALUE (slots
 * that do not match the type). */
int wrt_cval_encode(const wrt_cabi_type *nodes, const wrt_cabi_val *vals, uint32_t nvals, const uint8_t *mem,
                    uint32_t mem_len, uint8_t *o_bytes, uint32_t cap, uint32_t *o_len);

#endif
