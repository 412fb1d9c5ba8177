/*
 * IEEE 754 operations WebAssembly needs beyond + - * / and comparisons, without libm.
 * Rounding to integral values works on the bit pattern (exact whatever the rounding mode).
 * The soft square roots compute the result digit by digit in integers with round-to-nearest-even;
 * they run on targets without a floating-point square root instruction (WRT_CONFIG_HW_SQRT_*=0)
 * and in the host tests, which compare them with the hardware instruction.
 */
#include "wrt_float.h"

#define F32_SIGN 0x80000000u
#define F32_QUIET 0x00400000u
#define F32_FRAC 0x007FFFFFu
#define F64_SIGN 0x8000000000000000u
#define F64_QUIET 0x0008000000000000u
#define F64_FRAC 0x000FFFFFFFFFFFFFu

/* ---- f32 rounding ------------------------------------------------------------------------- */

static bool f32_is_nan(uint32_t bits)
{
    return (bits & 0x7F800000u) == 0x7F800000u && (bits & F32_FRAC) != 0u;
}

uint32_t wrt_f32_trunc(uint32_t bits)
{
    int32_t e = (int32_t)((bits >> 23) & 0xFFu) - 127;
    if (f32_is_nan(bits)) return bits | F32_QUIET;
    if (e >= 23) return bits;
    if (e < 0) return bits & F32_SIGN;
    return bits & ~(F32_FRAC >> e);
}

uint32_t wrt_f32_floor(uint32_t bits)
{
    uint32_t t = wrt_f32_trunc(bits);
    if (t != bits && (bits & F32_SIGN) != 0u && !f32_is_nan(bits)) {
        return wrt_f32_bits(wrt_f32_from_bits(t) - 1.0f);
    }
    return t;
}

uint32_t wrt_f32_ceil(uint32_t bits)
{
    uint32_t t = wrt_f32_trunc(bits);
    if (t != bits && (bits & F32_SIGN) == 0u && !f32_is_nan(bits)) {
        return wrt_f32_bits(wrt_f32_from_bits(t) + 1.0f);
    }
    return t;
}

uint32_t wrt_f32_nearest(uint32_t bits)
{
    int32_t e = (int32_t)((bits >> 23) & 0xFFu) - 127;
    uint32_t sign = bits & F32_SIGN;
    if (f32_is_nan(bits)) return bits | F32_QUIET;
    if (e >= 23) return bits;
    if (e < -1) return sign;
    uint32_t m = (bits & F32_FRAC) | 0x00800000u;
    uint32_t fb = (uint32_t)(23 - e);          /* fraction bits: 1..24 */
    uint32_t q = m >> fb;
    uint32_t rem = m & ((1u << fb) - 1u);
    uint32_t half = 1u << (fb - 1u);
    if (rem > half || (rem == half && (q & 1u) != 0u)) q++;
    return q == 0u ? sign : (wrt_f32_bits((float)q) | sign);
}

/* ---- f64 rounding ------------------------------------------------------------------------- */

static bool f64_is_nan(uint64_t bits)
{
    return (bits & 0x7FF0000000000000u) == 0x7FF0000000000000u && (bits & F64_FRAC) != 0u;
}

uint64_t wrt_f64_trunc(uint64_t bits)
{
    int32_t e = (int32_t)((bits >> 52) & 0x7FFu) - 1023;
    if (f64_is_nan(bits)) return bits | F64_QUIET;
    if (e >= 52) return bits;
    if (e < 0) return bits & F64_SIGN;
    return bits & ~(F64_FRAC >> e);
}

uint64_t wrt_f64_floor(uint64_t bits)
{
    uint64_t t = wrt_f64_trunc(bits);
    if (t != bits && (bits & F64_SIGN) != 0u && !f64_is_nan(bits)) {
        return wrt_f64_bits(wrt_f64_from_bits(t) - 1.0);
    }
    return t;
}

uint64_t wrt_f64_ceil(uint64_t bits)
{
    uint64_t t = wrt_f64_trunc(bits);
    if (t != bits && (bits & F64_SIGN) == 0u && !f64_is_nan(bits)) {
        return wrt_f64_bits(wrt_f64_from_bits(t) + 1.0);
    }
    return t;
}

uint64_t wrt_f64_nearest(uint64_t bits)
{
    int32_t e = (int32_t)((bits >> 52) & 0x7FFu) - 1023;
    uint64_t sign = bits & F64_SIGN;
    if (f64_is_nan(bits)) return bits | F64_QUIET;
    if (e >= 52) return bits;
    if (e < -1) return sign;
    uint64_t m = (bits & F64_FRAC) | 0x0010000000000000u;
    uint32_t fb = (uint32_t)(52 - e);          /* fraction bits: 1..53 */
    uint64_t q = m >> fb;
    uint64_t rem = m & (((uint64_t)1 << fb) - 1u);
    uint64_t half = (uint64_t)1 << (fb - 1u);
    if (rem > half || (rem == half && (q & 1u) != 0u)) q++;
    return q == 0u ? sign : (wrt_f64_bits((double)q) | sign);
}

/* ---- square roots ------------------------------------------------------------------------- */

/*
 * Digit-by-digit square root of (m << 2*zero_pairs) where m spans 2*m_pairs bits: returns the
 * root and whether a remainder is left (the sticky bit for rounding).
 */
static uint64_t isqrt_digits(uint64_t m, uint32_t m_pairs, uint32_t zero_pairs, bool *o_sticky)
{
    uint64_t root = 0;
    uint64_t rem = 0;
    for (uint32_t i = 0; i < m_pairs + zero_pairs; i++) {
        uint64_t pair = i < m_pairs ? (m >> (2u * (m_pairs - 1u - i))) & 3u : 0u;
        rem = (rem << 2) | pair;
        uint64_t trial = (root << 2) | 1u;
        if (rem >= trial) {
            rem -= trial;
            root = (root << 1) | 1u;
        } else {
            root <<= 1;
        }
    }
    *o_sticky = rem != 0u;
    return root;
}

uint32_t wrt_f32_sqrt_soft(uint32_t bits)
{
    uint32_t exp = (bits >> 23) & 0xFFu;
    uint32_t frac = bits & F32_FRAC;
    if (f32_is_nan(bits)) return bits | F32_QUIET;
    if ((bits & ~F32_SIGN) == 0u) return bits;            /* +0, -0 */
    if ((bits & F32_SIGN) != 0u) return 0x7FC00000u;      /* negative: canonical NaN */
    if (exp == 0xFFu) return bits;                        /* +inf */
    int32_t e;
    uint32_t m;
    if (exp == 0u) {
        e = -126;
        m = frac;
        for (uint32_t guard = 0; guard < 24u && m < 0x00800000u; guard++) {
            m <<= 1;
            e--;
        }
    } else {
        e = (int32_t)exp - 127;
        m = frac | 0x00800000u;
    }
    /* value = m * 2^(e-23), m in [2^23, 2^24). Make m span [2^24, 2^26) with e even. */
    m <<= 1;
    if ((e & 1) != 0) {
        m <<= 1;
        e--;
    }
    bool sticky = false;
    /* sqrt(m * 2^24) has 25 bits: 24 result bits and a rounding bit. */
    uint64_t r = isqrt_digits(m, 13, 12, &sticky);
    uint64_t q = r >> 1;
    if ((r & 1u) != 0u && (sticky || (q & 1u) != 0u)) q++;
    int32_t E = e / 2;
    return (uint32_t)(((uint64_t)(uint32_t)(E + 126) << 23) + q);
}

uint64_t wrt_f64_sqrt_soft(uint64_t bits)
{
    uint64_t exp = (bits >> 52) & 0x7FFu;
    uint64_t frac = bits & F64_FRAC;
    if (f64_is_nan(bits)) return bits | F64_QUIET;
    if ((bits & ~F64_SIGN) == 0u) return bits;
    if ((bits & F64_SIGN) != 0u) return 0x7FF8000000000000u;
    if (exp == 0x7FFu) return bits;
    int32_t e;
    uint64_t m;
    if (exp == 0u) {
        e = -1022;
        m = frac;
        for (uint32_t guard = 0; guard < 53u && m < 0x0010000000000000u; guard++) {
            m <<= 1;
            e--;
        }
    } else {
        e = (int32_t)exp - 1023;
        m = frac | 0x0010000000000000u;
    }
    /* value = m * 2^(e-52), m in [2^52, 2^53). Make e even: m spans [2^52, 2^54). */
    if ((e & 1) != 0) {
        m <<= 1;
        e--;
    }
    bool sticky = false;
    /* sqrt(m * 2^54) has 54 bits: 53 result bits and a rounding bit. */
    uint64_t r = isqrt_digits(m, 27, 27, &sticky);
    uint64_t q = r >> 1;
    if ((r & 1u) != 0u && (sticky || (q & 1u) != 0u)) q++;
    int32_t E = e / 2;
    return ((uint64_t)(uint32_t)(E + 1022) << 52) + q;
}

uint32_t wrt_f32_sqrt(uint32_t bits)
{
#if WRT_CONFIG_HW_SQRT_F32
    return wrt_f32_bits(__builtin_sqrtf(wrt_f32_from_bits(bits)));
#else
    return wrt_f32_sqrt_soft(bits);
#endif
}

uint64_t wrt_f64_sqrt(uint64_t bits)
{
#if WRT_CONFIG_HW_SQRT_F64
    return wrt_f64_bits(__builtin_sqrt(wrt_f64_from_bits(bits)));
#else
    return wrt_f64_sqrt_soft(bits);
#endif
}

/* ---- float to integer --------------------------------------------------------------------- */

/* Range bounds are exact powers of two, so the comparisons decide in-range exactly. */
bool wrt_trunc_f32_i32(uint32_t bits, bool is_signed, uint32_t *o_value, bool *o_nan)
{
    float x = wrt_f32_from_bits(bits);
    *o_nan = x != x;
    if (*o_nan) return false;
    if (is_signed) {
        if (!(x >= -2147483648.0f && x < 2147483648.0f)) return false;
        *o_value = (uint32_t)(int32_t)x;
    } else {
        if (!(x > -1.0f && x < 4294967296.0f)) return false;
        *o_value = (uint32_t)x;
    }
    return true;
}

bool wrt_trunc_f64_i32(uint64_t bits, bool is_signed, uint32_t *o_value, bool *o_nan)
{
    double x = wrt_f64_from_bits(bits);
    *o_nan = x != x;
    if (*o_nan) return false;
    if (is_signed) {
        if (!(x > -2147483649.0 && x < 2147483648.0)) return false;
        *o_value = (uint32_t)(int32_t)x;
    } else {
        if (!(x > -1.0 && x < 4294967296.0)) return false;
        *o_value = (uint32_t)x;
    }
    return true;
}

bool wrt_trunc_f32_i64(uint32_t bits, bool is_signed, uint64_t *o_value, bool *o_nan)
{
    float x = wrt_f32_from_bits(bits);
    *o_nan = x != x;
    if (*o_nan) return false;
    if (is_signed) {
        if (!(x >= -9223372036854775808.0f && x < 9223372036854775808.0f)) return false;
        *o_value = (uint64_t)(int64_t)x;
    } else {
        if (!(x > -1.0f && x < 18446744073709551616.0f)) return false;
        *o_value = (uint64_t)x;
    }
    return true;
}

bool wrt_trunc_f64_i64(uint64_t bits, bool is_signed, uint64_t *o_value, bool *o_nan)
{
    double x = wrt_f64_from_bits(bits);
    *o_nan = x != x;
    if (*o_nan) return false;
    if (is_signed) {
        if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0)) return false;
        *o_value = (uint64_t)(int64_t)x;
    } else {
        if (!(x > -1.0 && x < 18446744073709551616.0)) return false;
        *o_value = (uint64_t)x;
    }
    return true;
}

uint32_t wrt_trunc_sat_f32_i32(uint32_t bits, bool is_signed)
{
    uint32_t v = 0;
    bool nan = false;
    if (wrt_trunc_f32_i32(bits, is_signed, &v, &nan)) return v;
    if (nan) return 0;
    bool negative = (bits & F32_SIGN) != 0u;
    if (is_signed) return negative ? 0x80000000u : 0x7FFFFFFFu;
    return negative ? 0u : 0xFFFFFFFFu;
}

uint32_t wrt_trunc_sat_f64_i32(uint64_t bits, bool is_signed)
{
    uint32_t v = 0;
    bool nan = false;
    if (wrt_trunc_f64_i32(bits, is_signed, &v, &nan)) return v;
    if (nan) return 0;
    bool negative = (bits & F64_SIGN) != 0u;
    if (is_signed) return negative ? 0x80000000u : 0x7FFFFFFFu;
    return negative ? 0u : 0xFFFFFFFFu;
}

uint64_t wrt_trunc_sat_f32_i64(uint32_t bits, bool is_signed)
{
    uint64_t v = 0;
    bool nan = false;
    if (wrt_trunc_f32_i64(bits, is_signed, &v, &nan)) return v;
    if (nan) return 0;
    bool negative = (bits & F32_SIGN) != 0u;
    if (is_signed) return negative ? 0x8000000000000000u : 0x7FFFFFFFFFFFFFFFu;
    return negative ? 0u : 0xFFFFFFFFFFFFFFFFu;
}

uint64_t wrt_trunc_sat_f64_i64(uint64_t bits, bool is_signed)
{
    uint64_t v = 0;
    bool nan = false;
    if (wrt_trunc_f64_i64(bits, is_signed, &v, &nan)) return v;
    if (nan) return 0;
    bool negative = (bits & F64_SIGN) != 0u;
    if (is_signed) return negative ? 0x8000000000000000u : 0x7FFFFFFFFFFFFFFFu;
    return negative ? 0u : 0xFFFFFFFFFFFFFFFFu;
}
