/* Canonical ABI lifting and lowering; see wrt_cabi.h. Function names follow definitions.py
 * where the logic is the same, so the two can be read side by side. */
#include "wrt_cabi.h"

#define CORE_I32 0u
#define CORE_I64 1u
#define CORE_F32 2u
#define CORE_F64 3u
#define FLAT_OVER (WRT_CABI_MAX_FLAT_PARAMS + 1u)
#define SRC_LATIN1 3u /* the simple encoding of an untagged latin1+utf16 string */

static uint32_t align_to(uint32_t v, uint32_t a) { return (v + a - 1u) / a * a; }

/* ---- type decoding ---------------------------------------------------------------------- */

static int read_leb(const uint8_t *b, uint32_t len, uint32_t *pos, uint32_t *o) {
    uint32_t v = 0, i;
    for (i = 0; i < 5u; i++) {
        uint8_t byte;
        if (*pos >= len) return WRT_CABI_ERR_TYPE;
        byte = b[(*pos)++];
        if (i == 4u && (byte & 0xf0u) != 0u) return WRT_CABI_ERR_TYPE;
        v |= (uint32_t)(byte & 0x7fu) << (7u * i);
        if ((byte & 0x80u) == 0u) { *o = v; return WRT_CABI_OK; }
    }
    return WRT_CABI_ERR_TYPE;
}

/* Field by field, here and for frames: a struct zeroing can become a memset call, and the core
 * calls no libc. */
static void type_init(wrt_cabi_type *t, uint8_t kind, uint32_t end) {
    t->kind = kind;
    t->align = 1;
    t->flat_count = t->disc_size = 0;
    t->size = t->count = t->aux = t->flat_sig = 0;
    t->end = end;
}

static void set_scalar(wrt_cabi_type *t, uint8_t kind, uint32_t size, uint32_t core) {
    t->kind = kind;
    t->size = size;
    t->align = (uint8_t)size;
    t->flat_count = 1;
    t->flat_sig = core;
}

static int set_primitive(wrt_cabi_type *t, uint8_t code) {
    static const uint8_t sizes[13] = {1, 1, 1, 2, 2, 4, 4, 8, 8, 4, 8, 4, 8};
    static const uint8_t cores[13] = {CORE_I32, CORE_I32, CORE_I32, CORE_I32, CORE_I32,
                                      CORE_I32, CORE_I32, CORE_I64, CORE_I64, CORE_F32,
                                      CORE_F64, CORE_I32, CORE_I32};
    if (code > WRT_CABI_STRING) return WRT_CABI_ERR_TYPE;
    set_scalar(t, code, sizes[code], cores[code]);
    if (code == WRT_CABI_STRING) { t->align = 4; t->flat_count = 2; }
    return WRT_CABI_OK;
}

static uint8_t disc_size(uint32_t cases) {
    if (cases <= 256u) return 1;
    if (cases <= 65536u) return 2;
    return 4;
}

static uint32_t join(uint32_t a, uint32_t b) {
    if (a == b) return a;
    if ((a == CORE_I32 && b == CORE_F32) || (a == CORE_F32 && b == CORE_I32)) return CORE_I32;
    return CORE_I64;
}

/* Size, alignment and flattening of a composite node from its (finished) children. */
static void finish(wrt_cabi_type *nodes, uint32_t i, uint32_t end) {
    wrt_cabi_type *t = &nodes[i];
    uint32_t c = i + 1u, k, size = 0, align = 1, fc = 0, sig = 0;
    t->end = end;
    if (t->kind == WRT_CABI_RECORD) {
        for (k = 0; k < t->count; k++) {
            const wrt_cabi_type *ch = &nodes[c];
            size = align_to(size, ch->align) + ch->size;
            if (ch->align > align) align = ch->align;
            if (fc == FLAT_OVER || ch->flat_count == FLAT_OVER ||
                fc + ch->flat_count > WRT_CABI_MAX_FLAT_PARAMS) {
                fc = FLAT_OVER;
            } else {
                sig |= ch->flat_sig << (2u * fc);
                fc += ch->flat_count;
            }
            c = ch->end;
        }
        t->size = align_to(size, align);
        t->align = (uint8_t)align;
        t->flat_count = (uint8_t)fc;
        t->flat_sig = fc == FLAT_OVER ? 0u : sig;
    } else if (t->kind == WRT_CABI_VARIANT) {
        uint32_t ds = disc_size(t->count);
        for (k = 0; k < t->count; k++) {
            const wrt_cabi_type *ch = &nodes[c];
            uint32_t p;
            if (ch->size > size) size = ch->size;
            if (ch->align > align) align = ch->align;
            if (ch->flat_count == FLAT_OVER) fc = FLAT_OVER;
            for (p = 0; fc != FLAT_OVER && p < ch->flat_count; p++) {
                uint32_t have = (ch->flat_sig >> (2u * p)) & 3u;
                if (p < fc) {
                    uint32_t want = join((sig >> (2u * p)) & 3u, have);
                    sig = (sig & ~(3u << (2u * p))) | (want << (2u * p));
                } else {
                    sig |= have << (2u * p);
                    fc++;
                }
            }
            c = ch->end;
        }
        t->disc_size = (uint8_t)ds;
        t->aux = align_to(ds, align);
        if (ds > align) align = ds;
        t->size = align_to(t->aux + size, align);
        t->align = (uint8_t)align;
        if (fc == FLAT_OVER || fc + 1u > WRT_CABI_MAX_FLAT_PARAMS) {
            t->flat_count = FLAT_OVER;
            t->flat_sig = 0;
        } else {
            t->flat_count = (uint8_t)(fc + 1u);
            t->flat_sig = sig << 2u;
        }
    }
}

/* A malformed type: `*o_used` tells the caller the offset of the byte that failed. */
static int type_error(uint32_t *o_used, uint32_t pos) {
    *o_used = pos;
    return WRT_CABI_ERR_TYPE;
}

int wrt_cabi_parse_type(const uint8_t *bytes, uint32_t len, wrt_cabi_type *nodes,
                        uint32_t cap, uint32_t *o_count, uint32_t *o_used) {
    struct { uint32_t node, left; } st[WRT_CABI_MAX_DEPTH];
    uint32_t depth = 0, n = 0, pos = 0, guard;
    for (guard = 0; guard <= len; guard++) {
        wrt_cabi_type *t;
        uint32_t idx, count = 0;
        uint8_t code;
        int composite = 0, rc = WRT_CABI_OK;
        if (pos >= len || n >= cap) return type_error(o_used, pos);
        code = bytes[pos++];
        idx = n++;
        t = &nodes[idx];
        type_init(t, WRT_CABI_NONE, idx + 1u);
        switch (code) {
        case WRT_CABI_LIST:
            t->kind = WRT_CABI_LIST; t->size = 8; t->align = 4; t->flat_count = 2;
            t->count = 1; composite = 1;
            break;
        case WRT_CABI_RECORD: case WRT_CABI_TUPLE: case WRT_CABI_VARIANT:
            rc = read_leb(bytes, len, &pos, &count);
            if (rc != WRT_CABI_OK || count == 0u || count > cap) return type_error(o_used, pos);
            t->kind = code == WRT_CABI_VARIANT ? WRT_CABI_VARIANT : WRT_CABI_RECORD;
            t->count = count; composite = 1;
            break;
        case WRT_CABI_OPTION: case WRT_CABI_RESULT:
            t->kind = WRT_CABI_VARIANT; t->count = 2; composite = 1;
            break;
        case WRT_CABI_ENUM: case WRT_CABI_FLAGS:
            rc = read_leb(bytes, len, &pos, &count);
            if (rc != WRT_CABI_OK || count == 0u) return type_error(o_used, pos);
            if (code == WRT_CABI_FLAGS) {
                if (count > 32u) return type_error(o_used, pos);
                set_scalar(t, code, count <= 8u ? 1u : count <= 16u ? 2u : 4u, CORE_I32);
            } else {
                set_scalar(t, code, disc_size(count), CORE_I32);
                t->disc_size = (uint8_t)t->size;
            }
            t->count = count;
            break;
        case WRT_CABI_OWN: case WRT_CABI_BORROW:
            rc = read_leb(bytes, len, &pos, &t->aux);
            if (rc != WRT_CABI_OK) return type_error(o_used, pos);
            set_scalar(t, code, 4, CORE_I32);
            break;
        case WRT_CABI_NONE:
            /* The offset names the byte that failed, which was just read. */
            if (depth == 0u || nodes[st[depth - 1u].node].kind != WRT_CABI_VARIANT)
                return type_error(o_used, pos - 1u);
            break;
        default:
            rc = set_primitive(t, code);
            if (rc != WRT_CABI_OK) return type_error(o_used, pos - 1u);
            break;
        }
        if (composite) {
            if (depth >= WRT_CABI_MAX_DEPTH) return type_error(o_used, pos);
            st[depth].node = idx;
            st[depth].left = t->count;
            depth++;
            if (code != WRT_CABI_OPTION) continue;
            /* option<T> is variant { none, some(T) }: the none case has no bytes of its own. */
            if (n >= cap) return type_error(o_used, pos);
            type_init(&nodes[n], WRT_CABI_NONE, n + 1u);
            n++;
        }
        while (depth > 0u) {
            st[depth - 1u].left--;
            if (st[depth - 1u].left > 0u) break;
            depth--;
            finish(nodes, st[depth].node, n);
        }
        if (depth == 0u) {
            *o_count = n;
            *o_used = pos;
            return WRT_CABI_OK;
        }
    }
    return type_error(o_used, pos);
}

/* ---- memory access ---------------------------------------------------------------------- */

static int check_range(const wrt_cabi_cx *cx, uint32_t ptr, uint64_t bytes, uint32_t align) {
    if (ptr % align != 0u) return WRT_CABI_TRAP_MISALIGNED;
    if ((uint64_t)ptr + bytes > cx->mem_len) return WRT_CABI_TRAP_OUT_OF_BOUNDS;
    return WRT_CABI_OK;
}

static uint64_t load_le(const uint8_t *p, uint32_t n) {
    uint64_t v = 0;
    uint32_t i;
    for (i = n; i > 0u; i--) v = (v << 8) | p[i - 1u];
    return v;
}

static void store_le(uint8_t *p, uint32_t n, uint64_t v) {
    uint32_t i;
    for (i = 0; i < n; i++) { p[i] = (uint8_t)v; v >>= 8; }
}

static int cx_realloc(wrt_cabi_cx *cx, uint32_t old, uint32_t old_size, uint32_t align,
                      uint32_t new_size, uint32_t *o_ptr) {
    if (cx->host.realloc == 0) return WRT_CABI_TRAP_REALLOC;
    return cx->host.realloc(cx->host.ctx, old, old_size, align, new_size, o_ptr);
}

/* ---- strings ---------------------------------------------------------------------------- */

/* The next code point of well-formed text, strict as Python's decoders: no overlong UTF-8, no
 * surrogates in UTF-8, no unpaired surrogates in UTF-16. enc: UTF8, UTF16 or SRC_LATIN1. */
static int next_cp(const uint8_t *s, uint32_t len, uint32_t enc, uint32_t *pos, uint32_t *o) {
    uint32_t p = *pos, c, need, k, lo = 0x80, hi = 0xbf;
    if (enc == SRC_LATIN1) { *o = s[p]; *pos = p + 1u; return WRT_CABI_OK; }
    if (enc == WRT_CABI_UTF16) {
        uint32_t u = s[p] | (uint32_t)s[p + 1u] << 8, u2;
        if (u >= 0xdc00u && u <= 0xdfffu) return WRT_CABI_TRAP_BAD_STRING;
        if (u < 0xd800u || u > 0xdbffu) { *o = u; *pos = p + 2u; return WRT_CABI_OK; }
        if (p + 4u > len) return WRT_CABI_TRAP_BAD_STRING;
        u2 = s[p + 2u] | (uint32_t)s[p + 3u] << 8;
        if (u2 < 0xdc00u || u2 > 0xdfffu) return WRT_CABI_TRAP_BAD_STRING;
        *o = 0x10000u + ((u - 0xd800u) << 10) + (u2 - 0xdc00u);
        *pos = p + 4u;
        return WRT_CABI_OK;
    }
    c = s[p];
    if (c < 0x80u) { *o = c; *pos = p + 1u; return WRT_CABI_OK; }
    if (c >= 0xc2u && c <= 0xdfu) { need = 1; c &= 0x1fu; }
    else if (c >= 0xe0u && c <= 0xefu) {
        need = 2;
        if (c == 0xe0u) lo = 0xa0;
        if (c == 0xedu) hi = 0x9f;
        c &= 0x0fu;
    } else if (c >= 0xf0u && c <= 0xf4u) {
        need = 3;
        if (c == 0xf0u) lo = 0x90;
        if (c == 0xf4u) hi = 0x8f;
        c &= 0x07u;
    } else return WRT_CABI_TRAP_BAD_STRING;
    if (p + need >= len) return WRT_CABI_TRAP_BAD_STRING;
    for (k = 1; k <= need; k++) {
        uint32_t b = s[p + k];
        if (b < lo || b > hi) return WRT_CABI_TRAP_BAD_STRING;
        lo = 0x80; hi = 0xbf;
        c = (c << 6) | (b & 0x3fu);
    }
    *o = c;
    *pos = p + need + 1u;
    return WRT_CABI_OK;
}

static uint32_t utf8_len(uint32_t cp) { return cp < 0x80u ? 1u : cp < 0x800u ? 2u : cp < 0x10000u ? 3u : 4u; }

static uint32_t put_utf8(uint8_t *d, uint32_t cp) {
    uint32_t n = utf8_len(cp);
    if (n == 1u) { d[0] = (uint8_t)cp; return 1; }
    if (n == 2u) { d[0] = (uint8_t)(0xc0u | (cp >> 6)); }
    else if (n == 3u) { d[0] = (uint8_t)(0xe0u | (cp >> 12)); d[1] = (uint8_t)(0x80u | ((cp >> 6) & 0x3fu)); }
    else {
        d[0] = (uint8_t)(0xf0u | (cp >> 18));
        d[1] = (uint8_t)(0x80u | ((cp >> 12) & 0x3fu));
        d[2] = (uint8_t)(0x80u | ((cp >> 6) & 0x3fu));
    }
    d[n - 1u] = (uint8_t)(0x80u | (cp & 0x3fu));
    return n;
}

static uint32_t put_utf16(uint8_t *d, uint32_t cp) {
    if (cp < 0x10000u) { store_le(d, 2, cp); return 2; }
    cp -= 0x10000u;
    store_le(d, 2, 0xd800u | (cp >> 10));
    store_le(d + 2, 2, 0xdc00u | (cp & 0x3ffu));
    return 4;
}

/* Walks a whole string once: validity and the facts the transcoding paths branch on. */
typedef struct {
    const uint8_t *s;
    uint32_t len, enc, ncp, utf8_bytes, utf16_units, first_wide, first_non_ascii;
} text;

static int scan_text(text *t) {
    uint32_t pos = 0, i, cp;
    t->ncp = t->utf8_bytes = t->utf16_units = 0;
    t->first_wide = t->first_non_ascii = 0xffffffffu;
    for (i = 0; i < t->len && pos < t->len; i++) {
        if (t->enc == WRT_CABI_UTF16 && pos + 2u > t->len) return WRT_CABI_TRAP_BAD_STRING;
        if (next_cp(t->s, t->len, t->enc, &pos, &cp) != WRT_CABI_OK) return WRT_CABI_TRAP_BAD_STRING;
        if (cp >= 0x80u && t->first_non_ascii == 0xffffffffu) t->first_non_ascii = t->ncp;
        if (cp >= 0x100u && t->first_wide == 0xffffffffu) t->first_wide = t->ncp;
        t->utf8_bytes += utf8_len(cp);
        t->utf16_units += cp >= 0x10000u ? 2u : 1u;
        t->ncp++;
    }
    return WRT_CABI_OK;
}

/* Writes code points [from, to) at d: one byte each (latin1/ascii), UTF-8 or UTF-16. */
static void write_text(const text *t, uint8_t *d, uint32_t from, uint32_t to, uint32_t out) {
    uint32_t pos = 0, i, cp, at = 0;
    for (i = 0; i < t->ncp && i < to; i++) {
        (void)next_cp(t->s, t->len, t->enc, &pos, &cp);
        if (i < from) continue;
        if (out == SRC_LATIN1) d[at++] = (uint8_t)cp;
        else if (out == WRT_CABI_UTF8) at += put_utf8(d + at, cp);
        else at += put_utf16(d + at, cp);
    }
}

static int realloc_checked(wrt_cabi_cx *cx, uint32_t *io_ptr, uint32_t old_size, uint32_t align,
                           uint32_t new_size, uint32_t check_align) {
    int rc = cx_realloc(cx, *io_ptr, old_size, align, new_size, io_ptr);
    return rc != WRT_CABI_OK ? rc : check_range(cx, *io_ptr, new_size, check_align);
}

/* store_string_copy */
static int string_copy(wrt_cabi_cx *cx, const text *t, uint32_t units, uint32_t unit_size,
                       uint32_t align, uint32_t out, uint32_t *o_ptr, uint32_t *o_units) {
    uint32_t ptr = 0;
    int rc = realloc_checked(cx, &ptr, 0, align, unit_size * units, align);
    if (rc != WRT_CABI_OK) return rc;
    write_text(t, cx->mem + ptr, 0, t->ncp, out);
    *o_ptr = ptr;
    *o_units = units;
    return WRT_CABI_OK;
}

/* store_string_to_utf8 */
static int string_to_utf8(wrt_cabi_cx *cx, const text *t, uint32_t units, uint32_t worst,
                          uint32_t *o_ptr, uint32_t *o_units) {
    uint32_t ptr = 0, k = t->first_non_ascii;
    int rc = realloc_checked(cx, &ptr, 0, 1, units, 1);
    if (rc != WRT_CABI_OK) return rc;
    write_text(t, cx->mem + ptr, 0, k, SRC_LATIN1); /* the ASCII prefix (all when k is none) */
    if (k == 0xffffffffu) {
        *o_ptr = ptr; *o_units = units;
        return WRT_CABI_OK;
    }
    rc = realloc_checked(cx, &ptr, units, 1, worst, 1);
    if (rc != WRT_CABI_OK) return rc;
    write_text(t, cx->mem + ptr + k, k, t->ncp, WRT_CABI_UTF8);
    if (worst > t->utf8_bytes) {
        rc = realloc_checked(cx, &ptr, worst, 1, t->utf8_bytes, 1);
        if (rc != WRT_CABI_OK) return rc;
    }
    *o_ptr = ptr; *o_units = t->utf8_bytes;
    return WRT_CABI_OK;
}

/* store_utf8_to_utf16 */
static int utf8_to_utf16(wrt_cabi_cx *cx, const text *t, uint32_t units, uint32_t *o_ptr,
                         uint32_t *o_units) {
    uint32_t ptr = 0, worst = 2u * units, bytes = 2u * t->utf16_units;
    int rc = realloc_checked(cx, &ptr, 0, 2, worst, 2);
    if (rc != WRT_CABI_OK) return rc;
    write_text(t, cx->mem + ptr, 0, t->ncp, WRT_CABI_UTF16);
    if (bytes < worst) {
        rc = realloc_checked(cx, &ptr, worst, 2, bytes, 2);
        if (rc != WRT_CABI_OK) return rc;
    }
    *o_ptr = ptr; *o_units = t->utf16_units;
    return WRT_CABI_OK;
}

/* store_string_to_latin1_or_utf16 */
static int to_latin1_or_utf16(wrt_cabi_cx *cx, const text *t, uint32_t units, uint32_t *o_ptr,
                              uint32_t *o_units) {
    uint32_t ptr = 0, k = t->first_wide, j, worst = 2u * units, bytes = 2u * t->utf16_units;
    int rc = realloc_checked(cx, &ptr, 0, 2, units, 2);
    if (rc != WRT_CABI_OK) return rc;
    write_text(t, cx->mem + ptr, 0, k, SRC_LATIN1);
    if (k == 0xffffffffu) {
        if (t->ncp < units) {
            rc = realloc_checked(cx, &ptr, units, 2, t->ncp, 2);
            if (rc != WRT_CABI_OK) return rc;
        }
        *o_ptr = ptr; *o_units = t->ncp;
        return WRT_CABI_OK;
    }
    rc = realloc_checked(cx, &ptr, units, 2, worst, 2);
    if (rc != WRT_CABI_OK) return rc;
    for (j = k; j > 0u; j--) {
        cx->mem[ptr + 2u * (j - 1u)] = cx->mem[ptr + j - 1u];
        cx->mem[ptr + 2u * (j - 1u) + 1u] = 0;
    }
    write_text(t, cx->mem + ptr + 2u * k, k, t->ncp, WRT_CABI_UTF16);
    if (worst > bytes) {
        rc = realloc_checked(cx, &ptr, worst, 2, bytes, 2);
        if (rc != WRT_CABI_OK) return rc;
    }
    *o_ptr = ptr; *o_units = t->utf16_units | WRT_CABI_UTF16_TAG;
    return WRT_CABI_OK;
}

/* store_probably_utf16_to_latin1_or_utf16 */
static int probably_utf16(wrt_cabi_cx *cx, const text *t, uint32_t units, uint32_t *o_ptr,
                          uint32_t *o_units) {
    uint32_t ptr = 0, i, bytes = 2u * units;
    int rc = realloc_checked(cx, &ptr, 0, 2, bytes, 2);
    if (rc != WRT_CABI_OK) return rc;
    write_text(t, cx->mem + ptr, 0, t->ncp, WRT_CABI_UTF16);
    if (t->first_wide != 0xffffffffu) {
        *o_ptr = ptr; *o_units = units | WRT_CABI_UTF16_TAG;
        return WRT_CABI_OK;
    }
    for (i = 0; i < units; i++) cx->mem[ptr + i] = cx->mem[ptr + 2u * i];
    rc = realloc_checked(cx, &ptr, bytes, 1, units, 1);
    if (rc != WRT_CABI_OK) return rc;
    *o_ptr = ptr; *o_units = units;
    return WRT_CABI_OK;
}

/* store_string_into_range: transcodes a host string into guest memory. The largest size any
 * realloc of the chosen path asks for is checked against the limit before the first call. */
static int lower_string(wrt_cabi_cx *cx, const wrt_cabi_val *v, uint32_t *o_ptr, uint32_t *o_units) {
    uint32_t enc = v->aux & 0xffu, units = v->n, simple = enc, dst = cx->encoding;
    uint64_t src_bytes, need;
    text t;
    int rc;
    if (enc > WRT_CABI_LATIN1_UTF16) return WRT_CABI_ERR_VALUE;
    if (enc == WRT_CABI_LATIN1_UTF16) {
        simple = (units & WRT_CABI_UTF16_TAG) != 0u ? WRT_CABI_UTF16 : SRC_LATIN1;
        units &= ~WRT_CABI_UTF16_TAG;
    }
    src_bytes = simple == WRT_CABI_UTF16 ? 2u * (uint64_t)units : units;
    if (v->u > cx->pool_len || src_bytes > cx->pool_len - v->u) return WRT_CABI_ERR_VALUE;
    t.s = cx->pool + v->u;
    t.len = (uint32_t)src_bytes;
    t.enc = simple;
    if (scan_text(&t) != WRT_CABI_OK) return WRT_CABI_ERR_VALUE;
    if (dst == WRT_CABI_UTF8) {
        need = simple == WRT_CABI_UTF8 || t.first_non_ascii == 0xffffffffu ? units
             : (simple == WRT_CABI_UTF16 ? 3u : 2u) * (uint64_t)units;
    } else if (dst == WRT_CABI_UTF16) {
        need = 2u * (uint64_t)units;
    } else if (enc != WRT_CABI_LATIN1_UTF16) {
        need = t.first_wide == 0xffffffffu ? units : 2u * (uint64_t)units;
    } else {
        need = simple == SRC_LATIN1 ? units : 2u * (uint64_t)units;
    }
    if (need > cx->max_string_bytes) return WRT_CABI_TRAP_LIMIT;
    if (dst == WRT_CABI_UTF8) {
        if (simple == WRT_CABI_UTF8) return string_copy(cx, &t, units, 1, 1, WRT_CABI_UTF8, o_ptr, o_units);
        return string_to_utf8(cx, &t, units, (uint32_t)need, o_ptr, o_units);
    }
    if (dst == WRT_CABI_UTF16) {
        if (simple == WRT_CABI_UTF8) return utf8_to_utf16(cx, &t, units, o_ptr, o_units);
        return string_copy(cx, &t, units, 2, 2, WRT_CABI_UTF16, o_ptr, o_units);
    }
    if (enc != WRT_CABI_LATIN1_UTF16) return to_latin1_or_utf16(cx, &t, units, o_ptr, o_units);
    if (simple == SRC_LATIN1) {
        rc = string_copy(cx, &t, units, 1, 2, SRC_LATIN1, o_ptr, o_units);
        return rc;
    }
    return probably_utf16(cx, &t, units, o_ptr, o_units);
}

/* load_string_from_range */
static int lift_string(wrt_cabi_cx *cx, uint32_t ptr, uint32_t tagged, wrt_cabi_val *o) {
    uint32_t enc = WRT_CABI_UTF8, align = 1;
    uint64_t bytes = tagged;
    text t;
    int rc;
    if (cx->encoding == WRT_CABI_UTF16) {
        enc = WRT_CABI_UTF16; align = 2; bytes = 2u * (uint64_t)tagged;
    } else if (cx->encoding == WRT_CABI_LATIN1_UTF16) {
        align = 2;
        if ((tagged & WRT_CABI_UTF16_TAG) != 0u) {
            enc = WRT_CABI_UTF16; bytes = 2u * (uint64_t)(tagged ^ WRT_CABI_UTF16_TAG);
        } else {
            enc = SRC_LATIN1;
        }
    }
    if (bytes > cx->max_string_bytes) return WRT_CABI_TRAP_TOO_LONG;
    rc = check_range(cx, ptr, bytes, align);
    if (rc != WRT_CABI_OK) return rc;
    t.s = cx->mem + ptr;
    t.len = (uint32_t)bytes;
    t.enc = enc;
    rc = scan_text(&t);
    if (rc != WRT_CABI_OK) return rc;
    o->u = ptr;
    o->n = tagged;
    o->aux = cx->encoding | WRT_CABI_IN_MEMORY;
    return WRT_CABI_OK;
}

/* ---- the walk ----------------------------------------------------------------------------- */

enum { F_RECORD, F_LIST, F_VARIANT };

typedef struct {
    uint8_t kind, mem, header_in_mem;
    uint32_t child, left, ptr, esize, header, begin, count, flat_end;
} frame;

typedef struct {
    wrt_cabi_cx *cx;
    const wrt_cabi_type *nodes;
    int lower;
    const wrt_cabi_val *in;
    wrt_cabi_val *out;
    uint32_t nvals, vi;
    uint64_t *flat;
    uint32_t nflat, fi;
    uint32_t depth;
    uint32_t node, ptr; /* the next node to visit and its address (memory mode) */
    uint8_t mem, direct;
    frame st[WRT_CABI_MAX_DEPTH];
} walk;

static int is_nan32(uint64_t b) { return (b & 0x7f800000u) == 0x7f800000u && (b & 0x7fffffu) != 0u; }
static int is_nan64(uint64_t b) {
    return (b & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (b & 0xfffffffffffffull) != 0u;
}

static int flat_put(walk *w, uint64_t v) {
    if (w->fi >= w->nflat) return WRT_CABI_ERR_CAPACITY;
    w->flat[w->fi++] = v;
    return WRT_CABI_OK;
}

static int flat_get(walk *w, uint64_t *o) {
    if (w->fi >= w->nflat) return WRT_CABI_ERR_VALUE;
    *o = w->flat[w->fi++];
    return WRT_CABI_OK;
}

/* Reads or writes `n` 32/64-bit words of the current value: in memory at w->ptr, else flat. */
static int word_io(walk *w, uint32_t size, uint64_t *io) {
    if (w->mem) {
        int rc = check_range(w->cx, w->ptr, size, 1);
        if (rc != WRT_CABI_OK) return rc;
        if (w->lower) store_le(w->cx->mem + w->ptr, size, *io);
        else *io = load_le(w->cx->mem + w->ptr, size);
        w->ptr += size;
        return WRT_CABI_OK;
    }
    if (w->lower) return flat_put(w, size == 8u ? *io : (*io & 0xffffffffu));
    {
        int rc = flat_get(w, io);
        if (size != 8u) *io &= 0xffffffffu;
        return rc;
    }
}

static void frame_init(frame *f, uint8_t kind) {
    f->kind = kind;
    f->mem = f->header_in_mem = 0;
    f->child = f->left = f->ptr = f->esize = f->header = f->begin = f->count = f->flat_end = 0;
}

static int push(walk *w, const frame *f) {
    if (w->depth >= WRT_CABI_MAX_DEPTH) return WRT_CABI_ERR_CAPACITY;
    w->st[w->depth++] = *f;
    return WRT_CABI_OK;
}

/* What lowering and lifting do alike to a scalar: bool as 0/1, canonical NaNs, char validity,
 * the flags' label bits, a handle through the callback of the direction. */
static int scalar_common(walk *w, const wrt_cabi_type *t, uint64_t *io) {
    int (*handle)(void *, uint8_t, uint32_t, uint32_t, uint32_t *);
    uint64_t v = *io;
    uint32_t h;
    int rc;
    switch (t->kind) {
    case WRT_CABI_BOOL: v = v != 0u; break;
    case WRT_CABI_F32: if (is_nan32(v)) v = 0x7fc00000u; break;
    case WRT_CABI_F64: if (is_nan64(v)) v = 0x7ff8000000000000ull; break;
    case WRT_CABI_CHAR:
        if (v >= 0x110000u || (v >= 0xd800u && v <= 0xdfffu))
            return w->lower ? WRT_CABI_ERR_VALUE : WRT_CABI_TRAP_BAD_CHAR;
        break;
    case WRT_CABI_FLAGS: v &= t->count >= 32u ? 0xffffffffu : ((1ull << t->count) - 1u); break;
    case WRT_CABI_OWN: case WRT_CABI_BORROW:
        handle = w->lower ? w->cx->host.lower_handle : w->cx->host.lift_handle;
        if (handle == 0) return WRT_CABI_TRAP_HANDLE;
        rc = handle(w->cx->host.ctx, t->kind, t->aux, (uint32_t)v, &h);
        if (rc != WRT_CABI_OK) return rc;
        v = h;
        break;
    default: break;
    }
    *io = v;
    return WRT_CABI_OK;
}

/* word_io leaves a lifted value zero-extended to its width: integers are narrowed and
 * sign-extended here (lift_flat_signed/unsigned; load_int). */
static int visit_scalar(walk *w, const wrt_cabi_type *t, wrt_cabi_val *slot, uint64_t v) {
    uint32_t width = w->mem ? t->size : (t->flat_sig == CORE_I64 || t->flat_sig == CORE_F64 ? 8u : 4u);
    int rc;
    if (w->lower) {
        rc = scalar_common(w, t, &v);
        return rc != WRT_CABI_OK ? rc : word_io(w, width, &v);
    }
    rc = word_io(w, width, &v);
    if (rc == WRT_CABI_OK) rc = scalar_common(w, t, &v);
    if (rc != WRT_CABI_OK) return rc;
    switch (t->kind) {
    case WRT_CABI_S8: v = (uint64_t)(int64_t)(int8_t)(uint8_t)v; break;
    case WRT_CABI_U8: v &= 0xffu; break;
    case WRT_CABI_S16: v = (uint64_t)(int64_t)(int16_t)(uint16_t)v; break;
    case WRT_CABI_U16: v &= 0xffffu; break;
    case WRT_CABI_S32: v = (uint64_t)(int64_t)(int32_t)(uint32_t)v; break;
    default: break;
    }
    slot->u = v;
    return WRT_CABI_OK;
}

static int visit_variant(walk *w, const wrt_cabi_type *t, uint32_t node, wrt_cabi_val *slot,
                         uint64_t index) {
    uint32_t start = w->fi, c = node + 1u, k, base = w->ptr;
    frame f;
    int rc;
    if (w->lower) {
        if (index >= t->count) return WRT_CABI_ERR_VALUE;
        rc = word_io(w, w->mem ? t->disc_size : 4u, &index);
    } else {
        rc = word_io(w, w->mem ? t->disc_size : 4u, &index);
        if (rc == WRT_CABI_OK && index >= t->count) rc = WRT_CABI_TRAP_BAD_DISCRIMINANT;
        slot->u = index;
    }
    if (rc != WRT_CABI_OK || t->kind == WRT_CABI_ENUM) return rc;
    for (k = 0; k < index; k++) c = w->nodes[c].end;
    if (w->nodes[c].kind == WRT_CABI_NONE) {
        if (!w->mem) w->fi = start + t->flat_count;
        return WRT_CABI_OK;
    }
    if (!w->mem) {
        frame_init(&f, F_VARIANT);
        f.flat_end = start + t->flat_count;
        rc = push(w, &f);
        if (rc != WRT_CABI_OK) return rc;
    }
    w->node = c;
    w->ptr = base + t->aux;
    w->direct = 1;
    return WRT_CABI_OK;
}

static int visit_list(walk *w, uint32_t node, wrt_cabi_val *slot, uint32_t count) {
    const wrt_cabi_type *e = &w->nodes[node + 1u];
    uint64_t begin = 0, len = count, bytes;
    frame f;
    int rc;
    frame_init(&f, F_LIST);
    f.child = node + 1u;
    f.esize = e->size;
    f.header = w->ptr;
    f.header_in_mem = w->mem;
    if (w->lower) {
        uint32_t p = 0;
        bytes = (uint64_t)count * e->size;
        if (bytes > w->cx->max_list_bytes) return WRT_CABI_TRAP_LIMIT;
        rc = realloc_checked(w->cx, &p, 0, e->align, (uint32_t)bytes, e->align);
        if (rc != WRT_CABI_OK) return rc;
        begin = p;
        if (!w->mem) {
            rc = flat_put(w, begin);
            if (rc == WRT_CABI_OK) rc = flat_put(w, len);
            if (rc != WRT_CABI_OK) return rc;
        }
    } else {
        rc = word_io(w, 4, &begin);
        if (rc == WRT_CABI_OK) rc = word_io(w, 4, &len);
        if (rc != WRT_CABI_OK) return rc;
        bytes = len * e->size;
        if (bytes > w->cx->max_list_bytes) return WRT_CABI_TRAP_TOO_LONG;
        rc = check_range(w->cx, (uint32_t)begin, bytes, e->align);
        if (rc != WRT_CABI_OK) return rc;
        slot->n = (uint32_t)len;
    }
    f.mem = 1;
    f.left = (uint32_t)len;
    f.ptr = f.begin = (uint32_t)begin;
    f.count = (uint32_t)len;
    return push(w, &f);
}

static int visit(walk *w) {
    const wrt_cabi_type *t = &w->nodes[w->node];
    wrt_cabi_val *slot = 0;
    wrt_cabi_val in;
    frame f;
    int rc;
    if (w->vi >= w->nvals) return w->lower ? WRT_CABI_ERR_VALUE : WRT_CABI_ERR_CAPACITY;
    if (w->lower) {
        in = w->in[w->vi];
    } else {
        slot = &w->out[w->vi];
        slot->u = 0;
        slot->n = slot->aux = 0;
        in = *slot;
    }
    w->vi++;
    switch (t->kind) {
    case WRT_CABI_STRING:
        if (w->lower) {
            uint32_t p = 0, units = 0;
            uint64_t a, b;
            rc = lower_string(w->cx, &in, &p, &units);
            a = p; b = units;
            if (rc == WRT_CABI_OK) rc = word_io(w, 4, &a);
            if (rc == WRT_CABI_OK) rc = word_io(w, 4, &b);
            return rc;
        } else {
            uint64_t a = 0, b = 0;
            rc = word_io(w, 4, &a);
            if (rc == WRT_CABI_OK) rc = word_io(w, 4, &b);
            return rc != WRT_CABI_OK ? rc : lift_string(w->cx, (uint32_t)a, (uint32_t)b, slot);
        }
    case WRT_CABI_LIST:
        return visit_list(w, w->node, slot, in.n);
    case WRT_CABI_RECORD:
        frame_init(&f, F_RECORD);
        f.mem = w->mem;
        f.child = w->node + 1u;
        f.left = t->count;
        f.ptr = w->ptr;
        return push(w, &f);
    case WRT_CABI_VARIANT: case WRT_CABI_ENUM:
        return visit_variant(w, t, w->node, slot, in.u);
    case WRT_CABI_NONE:
        return WRT_CABI_ERR_TYPE;
    default:
        return visit_scalar(w, t, slot, in.u);
    }
}

/* The next node to visit, popping finished frames; 0 when the walk is done. */
static int advance(walk *w, int *o_more) {
    while (w->depth > 0u) {
        frame *f = &w->st[w->depth - 1u];
        if (f->left == 0u) {
            if (f->kind == F_LIST && w->lower && f->header_in_mem) {
                /* store_list writes the pointer and length after the elements */
                int rc = check_range(w->cx, f->header, 8, 1);
                if (rc != WRT_CABI_OK) return rc;
                store_le(w->cx->mem + f->header, 4, f->begin);
                store_le(w->cx->mem + f->header + 4u, 4, f->count);
            }
            if (f->kind == F_VARIANT) w->fi = f->flat_end;
            w->depth--;
            continue;
        }
        f->left--;
        w->node = f->child;
        w->mem = f->mem;
        if (f->kind == F_RECORD) {
            const wrt_cabi_type *c = &w->nodes[f->child];
            f->child = c->end;
            w->ptr = align_to(f->ptr, c->align);
            f->ptr = w->ptr + c->size;
        } else {
            w->ptr = f->ptr;
            f->ptr += f->esize;
        }
        *o_more = 1;
        return WRT_CABI_OK;
    }
    *o_more = 0;
    return WRT_CABI_OK;
}

static int run(walk *w, uint32_t mem, uint32_t ptr) {
    uint32_t steps;
    w->node = 0;
    w->mem = (uint8_t)mem;
    w->ptr = ptr;
    for (steps = 0; steps <= w->nvals; steps++) {
        int more = 0, rc = visit(w);
        if (rc != WRT_CABI_OK) return rc;
        if (w->direct) { w->direct = 0; continue; }
        rc = advance(w, &more);
        if (rc != WRT_CABI_OK || !more) return rc;
    }
    return w->lower ? WRT_CABI_ERR_VALUE : WRT_CABI_ERR_CAPACITY;
}

/* One walk over a value of type nodes[0], in memory at `ptr` or over flat values. The walk is
 * set up field by field: zeroing its frame array would cost a memset call. */
static int walk_one(wrt_cabi_cx *cx, const wrt_cabi_type *nodes, int lower, const wrt_cabi_val *in,
                    wrt_cabi_val *out, uint32_t nvals, uint64_t *flat, uint32_t nflat, uint32_t mem,
                    uint32_t ptr, uint32_t *o_nvals) {
    walk w;
    int rc = mem ? check_range(cx, ptr, nodes[0].size, nodes[0].align) : WRT_CABI_OK;
    if (rc != WRT_CABI_OK) return rc;
    w.cx = cx; w.nodes = nodes; w.lower = lower;
    w.in = in; w.out = out; w.nvals = nvals;
    w.flat = flat; w.nflat = nflat;
    w.vi = w.fi = w.depth = w.node = 0;
    w.direct = 0;
    rc = run(&w, mem, ptr);
    if (o_nvals != 0) *o_nvals = w.vi;
    return rc;
}

int wrt_cabi_store(wrt_cabi_cx *cx, const wrt_cabi_type *nodes, const wrt_cabi_val *vals,
                   uint32_t nvals, uint32_t ptr) {
    return walk_one(cx, nodes, 1, vals, 0, nvals, 0, 0, 1, ptr, 0);
}

int wrt_cabi_load(wrt_cabi_cx *cx, const wrt_cabi_type *nodes, uint32_t ptr,
                  wrt_cabi_val *o_vals, uint32_t cap, uint32_t *o_nvals) {
    *o_nvals = 0;
    return walk_one(cx, nodes, 0, 0, o_vals, cap, 0, 0, 1, ptr, o_nvals);
}

int wrt_cabi_lower_values(wrt_cabi_cx *cx, const wrt_cabi_type *nodes, const wrt_cabi_val *vals,
                          uint32_t nvals, uint32_t max_flat, uint64_t *o_flat, uint32_t *o_nflat) {
    const wrt_cabi_type *root = &nodes[0];
    uint32_t i;
    int rc;
    *o_nflat = 0;
    if (max_flat == 0u || max_flat > WRT_CABI_MAX_FLAT_PARAMS) return WRT_CABI_ERR_VALUE;
    if (root->flat_count > max_flat) {
        uint32_t p = 0;
        rc = realloc_checked(cx, &p, 0, root->align, root->size, root->align);
        if (rc != WRT_CABI_OK) return rc;
        o_flat[0] = p;
        *o_nflat = 1;
        return wrt_cabi_store(cx, nodes, vals, nvals, p);
    }
    for (i = 0; i < root->flat_count; i++) o_flat[i] = 0;
    *o_nflat = root->flat_count;
    return walk_one(cx, nodes, 1, vals, 0, nvals, o_flat, root->flat_count, 0, 0, 0);
}

int wrt_cabi_lift_values(wrt_cabi_cx *cx, const wrt_cabi_type *nodes, const uint64_t *flat,
                         uint32_t nflat, uint32_t max_flat, wrt_cabi_val *o_vals, uint32_t cap,
                         uint32_t *o_nvals) {
    const wrt_cabi_type *root = &nodes[0];
    uint64_t copy[WRT_CABI_MAX_FLAT_PARAMS]; /* the walk's flat array is writable */
    uint32_t i;
    *o_nvals = 0;
    if (max_flat == 0u || max_flat > WRT_CABI_MAX_FLAT_PARAMS) return WRT_CABI_ERR_VALUE;
    if (root->flat_count > max_flat) {
        if (nflat < 1u) return WRT_CABI_ERR_VALUE;
        return wrt_cabi_load(cx, nodes, (uint32_t)flat[0], o_vals, cap, o_nvals);
    }
    if (nflat < root->flat_count) return WRT_CABI_ERR_VALUE;
    for (i = 0; i < root->flat_count; i++) copy[i] = flat[i];
    return walk_one(cx, nodes, 0, 0, o_vals, cap, copy, root->flat_count, 0, 0, o_nvals);
}
