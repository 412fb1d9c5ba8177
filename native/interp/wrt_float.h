/*
 * IEEE 754 helpers with WebAssembly semantics, without libm (the core is freestanding).
 * Values travel as bit patterns; only arithmetic goes through float registers, so signalling NaNs
 * and payloads survive loads, stores, locals and reinterpretations untouched.
 */
#ifndef WRT_FLOAT_H
#define WRT_FLOAT_H

#include <stdbool.h>
#include <stdint.h>

#include "wrt_config.h"

static inline float wrt_f32_from_bits(uint32_t bits)
{
    union { uint32_t u; float f; } v;
    v.u = bits;
    return v.f;
}

static inline uint32_t wrt_f32_bits(float f)
{
    union { uint32_t u; float f; } v;
    v.f = f;
    return v.u;
}

static inline double wrt_f64_from_bits(uint64_t bits)
{
    union { uint64_t u; double f; } v;
    v.u = bits;
    return v.f;
}

static inline uint64_t wrt_f64_bits(double f)
{
    union { uint64_t u; double f; } v;
    v.f = f;
    return v.u;
}

/*
 * min/max: NaN if either operand is NaN (a + b returns a quiet NaN built from the operands, which
 * keeps a canonical NaN canonical), -0 < +0, otherwise the ordinary comparison.
 */
static inline uint32_t wrt_f32_min(uint32_t a, uint32_t b)
{
    float x = wrt_f32_from_bits(a);
    float y = wrt_f32_from_bits(b);
    if (x != x || y != y) return wrt_f32_bits(x + y);
    if (x == y) return a | b;
    return x < y ? a : b;
}

static inline uint32_t wrt_f32_max(uint32_t a, uint32_t b)
{
    float x = wrt_f32_from_bits(a);
    float y = wrt_f32_from_bits(b);
    if (x != x || y != y) return wrt_f32_bits(x + y);
    if (x == y) return a & b;
    return x > y ? a : b;
}

static inline uint64_t wrt_f64_min(uint64_t a, uint64_t b)
{
    double x = wrt_f64_from_bits(a);
    double y = wrt_f64_from_bits(b);
    if (x != x || y != y) return wrt_f64_bits(x + y);
    if (x == y) return a | b;
    return x < y ? a : b;
}

static inline uint64_t wrt_f64_max(uint64_t a, uint64_t b)
{
    double x = wrt_f64_from_bits(a);
    double y = wrt_f64_from_bits(b);
    if (x != x || y != y) return wrt_f64_bits(x + y);
    if (x == y) return a & b;
    return x > y ? a : b;
}

/* Rounding to integral values, exact, in integer arithmetic on the bit pattern. */
uint32_t wrt_f32_trunc(uint32_t bits);
uint32_t wrt_f32_floor(uint32_t bits);
uint32_t wrt_f32_ceil(uint32_t bits);
uint32_t wrt_f32_nearest(uint32_t bits);
uint64_t wrt_f64_trunc(uint64_t bits);
uint64_t wrt_f64_floor(uint64_t bits);
uint64_t wrt_f64_ceil(uint64_t bits);
uint64_t wrt_f64_nearest(uint64_t bits);

/* Correctly rounded square roots: one instruction where configured, integer arithmetic else. */
uint32_t wrt_f32_sqrt(uint32_t bits);
uint64_t wrt_f64_sqrt(uint64_t bits);
uint32_t wrt_f32_sqrt_soft(uint32_t bits);
uint64_t wrt_f64_sqrt_soft(uint64_t bits);

/* Float to integer: false for NaN (*o_nan set) or out of range; the _sat forms saturate. */
bool wrt_trunc_f32_i32(uint32_t bits, bool is_signed, uint32_t *o_value, bool *o_nan);
bool wrt_trunc_f64_i32(uint64_t bits, bool is_signed, uint32_t *o_value, bool *o_nan);
bool wrt_trunc_f32_i64(uint32_t bits, bool is_signed, uint64_t *o_value, bool *o_nan);
bool wrt_trunc_f64_i64(uint64_t bits, bool is_signed, uint64_t *o_value, bool *o_nan);
uint32_t wrt_trunc_sat_f32_i32(uint32_t bits, bool is_signed);
uint32_t wrt_trunc_sat_f64_i32(uint64_t bits, bool is_signed);
uint64_t wrt_trunc_sat_f32_i64(uint32_t bits, bool is_signed);
uint64_t wrt_trunc_sat_f64_i64(uint64_t bits, bool is_signed);

#endif
