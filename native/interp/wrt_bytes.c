/*
 * Byte helpers the core uses instead of libc (it is freestanding), and the error setters.
 * Every loop is bounded by its length argument.
 */
#include "wrt_internal.h"

void wrt_copy(void *o_dst, const void *i_src, size_t n)
{
    uint8_t *d = (uint8_t *)o_dst;
    const uint8_t *s = (const uint8_t *)i_src;
    for (size_t i = 0; i < n; i++) d[i] = s[i];
}

void wrt_move(void *o_dst, const void *i_src, size_t n)
{
    uint8_t *d = (uint8_t *)o_dst;
    const uint8_t *s = (const uint8_t *)i_src;
    if (d == s || n == 0) return;
    if (d < s) {
        for (size_t i = 0; i < n; i++) d[i] = s[i];
    } else {
        for (size_t i = n; i > 0; i--) d[i - 1] = s[i - 1];
    }
}

void wrt_fill(void *o_dst, uint8_t value, size_t n)
{
    uint8_t *d = (uint8_t *)o_dst;
    for (size_t i = 0; i < n; i++) d[i] = value;
}

bool wrt_equal(const void *i_a, const void *i_b, size_t n)
{
    const uint8_t *a = (const uint8_t *)i_a;
    const uint8_t *b = (const uint8_t *)i_b;
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i]) return false;
    }
    return true;
}

size_t wrt_strlen(const char *i_s, size_t max)
{
    size_t n = 0;
    if (i_s == NULL) return 0;
    while (n < max && i_s[n] != '\0') n++;
    return n;
}

bool wrt_fail(wrt_error *o_err, uint32_t code, uint32_t offset, const char *message)
{
    if (o_err != NULL) {
        o_err->code = code;
        o_err->region = 0;
        o_err->offset = offset;
        o_err->index = 0;
        o_err->need = 0;
        o_err->capacity = 0;
        o_err->message = message;
    }
    return false;
}

bool wrt_fail_region(wrt_error *o_err, uint32_t code, uint32_t region, uint64_t need, uint64_t capacity,
                     const char *message)
{
    if (o_err != NULL) {
        o_err->code = code;
        o_err->region = region;
        o_err->offset = 0;
        o_err->index = 0;
        o_err->need = need;
        o_err->capacity = capacity;
        o_err->message = message;
    }
    return false;
}
