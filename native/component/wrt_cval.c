/* The component model's value encoding to and from wrt_cabi value slots (wrt_cval.h). */
#include "wrt_cval.h"

#define CVAL_NONE 0xffffffffu
#define CVAL_MAX_LEB 10u

/* One open record, list or variant payload: the children still to visit. */
typedef struct {
    uint32_t child; /* the next child node */
    uint32_t left;  /* children (list: elements) still to visit */
    uint8_t list;   /* a list repeats its one element node */
} cval_frame;

typedef struct {
    const wrt_cabi_type *nodes;
    uint32_t depth;
    cval_frame st[WRT_CABI_MAX_DEPTH + 2u];
} cval_walk;

static int cval_push(cval_walk *w, uint32_t child, uint32_t left, uint8_t list) {
    if (left == 0u) return WRT_CABI_OK;
    /* A type nests at most WRT_CABI_MAX_DEPTH deep (wrt_cabi_parse_type), so this only guards. */
    if (w->depth >= WRT_CABI_MAX_DEPTH + 2u) return WRT_CABI_ERR_CAPACITY;
    w->st[w->depth].child = child;
    w->st[w->depth].left = left;
    w->st[w->depth].list = list;
    w->depth++;
    return WRT_CABI_OK;
}

/* The next node of the preorder walk, or CVAL_NONE when the value is complete. Each call pops at
 * most the frames on the stack. */
static uint32_t cval_next(cval_walk *w) {
    while (w->depth > 0u) {
        cval_frame *f = &w->st[w->depth - 1u];
        uint32_t node;
        if (f->left == 0u) {
            w->depth--;
            continue;
        }
        f->left--;
        node = f->child;
        if (!f->list) f->child = w->nodes[node].end;
        return node;
    }
    return CVAL_NONE;
}

/* The node of case `index` of the variant at `node` (index < count, checked by the caller). */
static uint32_t cval_case(const wrt_cabi_type *nodes, uint32_t node, uint64_t index) {
    uint32_t c = node + 1u;
    uint64_t k;
    for (k = 0; k < index; k++) c = nodes[c].end;
    return c;
}

/* ---- decoding ------------------------------------------------------------------------------ */

static int rd_byte(const uint8_t *b, uint32_t len, uint32_t *pos, uint32_t *o) {
    if (*pos >= len) return WRT_CABI_ERR_VALUE;
    *o = b[(*pos)++];
    return WRT_CABI_OK;
}

/* Unsigned LEB128 of at most `bits` bits. */
static int rd_uleb(const uint8_t *b, uint32_t len, uint32_t *pos, uint32_t bits, uint64_t *o) {
    uint64_t v = 0;
    uint32_t shift = 0, i, byte;
    for (i = 0; i < CVAL_MAX_LEB; i++) {
        if (rd_byte(b, len, pos, &byte) != WRT_CABI_OK) return WRT_CABI_ERR_VALUE;
        if (shift == 63u && (byte & 0xfeu) != 0u) return WRT_CABI_ERR_VALUE;
        v |= (uint64_t)(byte & 0x7fu) << shift;
        if ((byte & 0x80u) == 0u) {
            if (bits < 64u && (v >> bits) != 0u) return WRT_CABI_ERR_VALUE;
            *o = v;
            return WRT_CABI_OK;
        }
        shift += 7u;
    }
    return WRT_CABI_ERR_VALUE;
}

/* Signed LEB128 of at most `bits` bits, sign-extended to 64. */
static int rd_sleb(const uint8_t *b, uint32_t len, uint32_t *pos, uint32_t bits, uint64_t *o) {
    uint64_t v = 0;
    uint32_t shift = 0, i, byte;
    int64_t s, lim;
    for (i = 0; i < CVAL_MAX_LEB; i++) {
        if (rd_byte(b, len, pos, &byte) != WRT_CABI_OK) return WRT_CABI_ERR_VALUE;
        if (shift == 63u) {
            /* The tenth byte holds only the sign bit, repeated. */
            if (byte != 0u && byte != 0x7fu) return WRT_CABI_ERR_VALUE;
            v |= (uint64_t)(byte & 1u) << 63;
            break;
        }
        v |= (uint64_t)(byte & 0x7fu) << shift;
        shift += 7u;
        if ((byte & 0x80u) == 0u) {
            if (shift < 64u && (byte & 0x40u) != 0u) v |= ~0ull << shift;
            break;
        }
    }
    if (i == CVAL_MAX_LEB) return WRT_CABI_ERR_VALUE;
    s = (int64_t)v;
    if (bits < 64u) {
        lim = (int64_t)1 << (bits - 1u);
        if (s < -lim || s >= lim) return WRT_CABI_ERR_VALUE;
    }
    *o = v;
    return WRT_CABI_OK;
}

/* One code point in strict UTF-8 (no overlong forms, no surrogates). */
static int rd_char(const uint8_t *b, uint32_t len, uint32_t *pos, uint64_t *o) {
    uint32_t c, need, k, byte, lo = 0x80u, hi = 0xbfu;
    if (rd_byte(b, len, pos, &c) != WRT_CABI_OK) return WRT_CABI_ERR_VALUE;
    if (c < 0x80u) { *o = c; return WRT_CABI_OK; }
    if (c >= 0xc2u && c <= 0xdfu) { need = 1; c &= 0x1fu; }
    else if (c >= 0xe0u && c <= 0xefu) { need = 2; lo = c == 0xe0u ? 0xa0u : 0x80u; hi = c == 0xedu ? 0x9fu : 0xbfu; c &= 0x0fu; }
    else if (c >= 0xf0u && c <= 0xf4u) { need = 3; lo = c == 0xf0u ? 0x90u : 0x80u; hi = c == 0xf4u ? 0x8fu : 0xbfu; c &= 0x07u; }
    else return WRT_CABI_ERR_VALUE;
    for (k = 0; k < need; k++) {
        if (rd_byte(b, len, pos, &byte) != WRT_CABI_OK || byte < lo || byte > hi) return WRT_CABI_ERR_VALUE;
        lo = 0x80u;
        hi = 0xbfu;
        c = (c << 6) | (byte & 0x3fu);
    }
    *o = c;
    return WRT_CABI_OK;
}

static const uint8_t cval_bits[] = {0, 8, 8, 16, 16, 32, 32, 64, 64};

/* Reads one node's own bytes into its slot; pushes the frame of its children. */
static int decode_node(cval_walk *w, uint32_t node, const uint8_t *b, uint32_t len, uint32_t *pos,
                       wrt_cabi_val *slot) {
    const wrt_cabi_type *t = &w->nodes[node];
    uint64_t v = 0;
    uint32_t byte = 0, k;
    int rc = WRT_CABI_OK;
    slot->u = 0;
    slot->n = 0;
    slot->aux = 0;
    switch (t->kind) {
    case WRT_CABI_BOOL:
        rc = rd_byte(b, len, pos, &byte);
        if (rc == WRT_CABI_OK && byte > 1u) rc = WRT_CABI_ERR_VALUE;
        v = byte;
        break;
    case WRT_CABI_U8:
        rc = rd_byte(b, len, pos, &byte);
        v = byte;
        break;
    case WRT_CABI_S8:
        rc = rd_byte(b, len, pos, &byte);
        v = (uint64_t)(int64_t)(int8_t)(uint8_t)byte;
        break;
    case WRT_CABI_U16: case WRT_CABI_U32: case WRT_CABI_U64:
        rc = rd_uleb(b, len, pos, cval_bits[t->kind], &v);
        break;
    case WRT_CABI_OWN: case WRT_CABI_BORROW: /* the host's handle index */
        rc = rd_uleb(b, len, pos, 32, &v);
        break;
    case WRT_CABI_S16: case WRT_CABI_S32: case WRT_CABI_S64:
        rc = rd_sleb(b, len, pos, cval_bits[t->kind], &v);
        break;
    case WRT_CABI_F32: case WRT_CABI_F64:
        for (k = 0; k < t->size && rc == WRT_CABI_OK; k++) {
            rc = rd_byte(b, len, pos, &byte);
            v |= (uint64_t)byte << (8u * k);
        }
        break;
    case WRT_CABI_CHAR:
        rc = rd_char(b, len, pos, &v);
        if (rc == WRT_CABI_OK && v >= 0xd800u && v <= 0xdfffu) rc = WRT_CABI_ERR_VALUE;
        break;
    case WRT_CABI_STRING:
        rc = rd_uleb(b, len, pos, 32, &v);
        if (rc == WRT_CABI_OK && v > len - *pos) rc = WRT_CABI_ERR_VALUE;
        if (rc != WRT_CABI_OK) break;
        slot->n = (uint32_t)v;
        slot->aux = WRT_CABI_UTF8;
        v = *pos;
        *pos += slot->n;
        break;
    case WRT_CABI_LIST:
        rc = rd_uleb(b, len, pos, 32, &v);
        /* Every element takes at least one byte: a count past the bytes left cannot be right. */
        if (rc == WRT_CABI_OK && v > len - *pos) rc = WRT_CABI_ERR_VALUE;
        if (rc != WRT_CABI_OK) break;
        slot->n = (uint32_t)v;
        rc = cval_push(w, node + 1u, (uint32_t)v, 1);
        v = 0;
        break;
    case WRT_CABI_RECORD:
        rc = cval_push(w, node + 1u, t->count, 0);
        break;
    case WRT_CABI_VARIANT: case WRT_CABI_ENUM:
        rc = rd_uleb(b, len, pos, 32, &v);
        if (rc == WRT_CABI_OK && v >= t->count) rc = WRT_CABI_ERR_VALUE;
        if (rc == WRT_CABI_OK && t->kind == WRT_CABI_VARIANT) {
            uint32_t c = cval_case(w->nodes, node, v);
            if (w->nodes[c].kind != WRT_CABI_NONE) rc = cval_push(w, c, 1, 0);
        }
        break;
    case WRT_CABI_FLAGS:
        for (k = 0; k < (t->count + 7u) / 8u && rc == WRT_CABI_OK; k++) {
            rc = rd_byte(b, len, pos, &byte);
            v |= (uint64_t)byte << (8u * k);
        }
        if (rc == WRT_CABI_OK && t->count < 32u && (v >> t->count) != 0u) rc = WRT_CABI_ERR_VALUE;
        break;
    default:
        rc = WRT_CABI_ERR_VALUE;
        break;
    }
    slot->u = v;
    return rc;
}

int wrt_cval_decode(const wrt_cabi_type *nodes, const uint8_t *bytes, uint32_t len, wrt_cabi_val *o_vals,
                    uint32_t cap, uint32_t *o_nvals, uint32_t *o_used) {
    cval_walk w;
    uint32_t node = 0, pos = 0, n = 0, at;
    int rc;
    w.nodes = nodes;
    w.depth = 0;
    *o_nvals = 0;
    /* Bounded: each pass fills one of the `cap` slots. */
    while (node != CVAL_NONE) {
        if (n >= cap) {
            *o_used = pos;
            return WRT_CABI_ERR_CAPACITY;
        }
        at = pos;
        rc = decode_node(&w, node, bytes, len, &pos, &o_vals[n]);
        if (rc != WRT_CABI_OK) {
            *o_used = rc == WRT_CABI_ERR_VALUE ? (pos > at ? pos - 1u : at) : pos;
            return rc;
        }
        n++;
        node = cval_next(&w);
    }
    *o_nvals = n;
    *o_used = pos;
    return WRT_CABI_OK;
}

/* ---- encoding ------------------------------------------------------------------------------ */

typedef struct {
    uint8_t *p;
    uint32_t cap, len;
    int bad;
} cval_out;

static void wr_byte(cval_out *o, uint32_t b) {
    if (o->len >= o->cap) { o->bad = 1; return; }
    o->p[o->len++] = (uint8_t)b;
}

static void wr_uleb(cval_out *o, uint64_t v) {
    uint32_t i;
    for (i = 0; i < CVAL_MAX_LEB; i++) {
        uint32_t byte = (uint32_t)(v & 0x7fu);
        v >>= 7;
        if (v == 0u) { wr_byte(o, byte); return; }
        wr_byte(o, byte | 0x80u);
    }
}

static void wr_sleb(cval_out *o, int64_t v) {
    uint32_t i;
    for (i = 0; i < CVAL_MAX_LEB; i++) {
        uint32_t byte = (uint32_t)((uint64_t)v & 0x7fu);
        /* An arithmetic shift written portably: the sign fills the top bits. */
        v = v < 0 ? -1 - (int64_t)((uint64_t)(-1 - v) >> 7) : (int64_t)((uint64_t)v >> 7);
        if ((v == 0 && (byte & 0x40u) == 0u) || (v == -1 && (byte & 0x40u) != 0u)) { wr_byte(o, byte); return; }
        wr_byte(o, byte | 0x80u);
    }
}

static void wr_char(cval_out *o, uint32_t cp) {
    if (cp < 0x80u) { wr_byte(o, cp); return; }
    if (cp < 0x800u) { wr_byte(o, 0xc0u | (cp >> 6)); }
    else if (cp < 0x10000u) { wr_byte(o, 0xe0u | (cp >> 12)); wr_byte(o, 0x80u | ((cp >> 6) & 0x3fu)); }
    else {
        wr_byte(o, 0xf0u | (cp >> 18));
        wr_byte(o, 0x80u | ((cp >> 12) & 0x3fu));
        wr_byte(o, 0x80u | ((cp >> 6) & 0x3fu));
    }
    wr_byte(o, 0x80u | (cp & 0x3fu));
}

/* A lifted string (wrt_cabi checked it: in bounds and well formed) as LEB128 length + UTF-8.
 * `pass` 0 counts the UTF-8 bytes, 1 writes them. */
static uint32_t string_pass(cval_out *o, const uint8_t *s, uint32_t units, uint32_t enc, int pass) {
    uint32_t i = 0, bytes = 0, cp;
    uint32_t wide = enc == WRT_CABI_UTF16 || (enc == WRT_CABI_LATIN1_UTF16 && (units & WRT_CABI_UTF16_TAG) != 0u);
    units &= ~WRT_CABI_UTF16_TAG;
    if (enc == WRT_CABI_UTF8) {
        if (pass == 1) for (i = 0; i < units; i++) wr_byte(o, s[i]);
        return units;
    }
    while (i < units) {
        if (!wide) {
            cp = s[i++];
        } else {
            cp = (uint32_t)s[2u * i] | (uint32_t)s[2u * i + 1u] << 8;
            i++;
            if (cp >= 0xd800u && cp <= 0xdbffu && i < units) {
                uint32_t lo = (uint32_t)s[2u * i] | (uint32_t)s[2u * i + 1u] << 8;
                cp = 0x10000u + ((cp - 0xd800u) << 10) + (lo - 0xdc00u);
                i++;
            }
        }
        bytes += cp < 0x80u ? 1u : cp < 0x800u ? 2u : cp < 0x10000u ? 3u : 4u;
        if (pass == 1) wr_char(o, cp);
    }
    return bytes;
}

static int encode_node(cval_walk *w, uint32_t node, const wrt_cabi_val *slot, const uint8_t *mem, uint32_t mem_len,
                       cval_out *o) {
    const wrt_cabi_type *t = &w->nodes[node];
    uint64_t v = slot->u;
    uint32_t k;
    switch (t->kind) {
    case WRT_CABI_BOOL: wr_byte(o, v != 0u); break;
    case WRT_CABI_U8: case WRT_CABI_S8: wr_byte(o, (uint32_t)(v & 0xffu)); break;
    case WRT_CABI_U16: case WRT_CABI_U32: case WRT_CABI_U64: case WRT_CABI_OWN: wr_uleb(o, v); break;
    case WRT_CABI_S16: case WRT_CABI_S32: case WRT_CABI_S64: wr_sleb(o, (int64_t)v); break;
    case WRT_CABI_F32: case WRT_CABI_F64:
        for (k = 0; k < t->size; k++) wr_byte(o, (uint32_t)(v >> (8u * k)) & 0xffu);
        break;
    case WRT_CABI_CHAR: wr_char(o, (uint32_t)v); break;
    case WRT_CABI_STRING: {
        uint32_t enc = slot->aux & 0xffu, units = slot->n & ~WRT_CABI_UTF16_TAG;
        uint64_t bytes = enc == WRT_CABI_UTF16 || (enc == WRT_CABI_LATIN1_UTF16 && (slot->n & WRT_CABI_UTF16_TAG) != 0u)
                             ? 2u * (uint64_t)units : units;
        if ((slot->aux & WRT_CABI_IN_MEMORY) == 0u || enc > WRT_CABI_LATIN1_UTF16 || v > mem_len || bytes > mem_len - v)
            return WRT_CABI_ERR_VALUE;
        wr_uleb(o, string_pass(o, mem + v, slot->n, enc, 0));
        (void)string_pass(o, mem + v, slot->n, enc, 1);
        break;
    }
    case WRT_CABI_LIST:
        wr_uleb(o, slot->n);
        return cval_push(w, node + 1u, slot->n, 1);
    case WRT_CABI_RECORD:
        return cval_push(w, node + 1u, t->count, 0);
    case WRT_CABI_VARIANT: case WRT_CABI_ENUM:
        if (v >= t->count) return WRT_CABI_ERR_VALUE;
        wr_uleb(o, v);
        if (t->kind == WRT_CABI_VARIANT) {
            uint32_t c = cval_case(w->nodes, node, v);
            if (w->nodes[c].kind != WRT_CABI_NONE) return cval_push(w, c, 1, 0);
        }
        break;
    case WRT_CABI_FLAGS:
        for (k = 0; k < (t->count + 7u) / 8u; k++) wr_byte(o, (uint32_t)(v >> (8u * k)) & 0xffu);
        break;
    default:
        return WRT_CABI_ERR_VALUE;
    }
    return WRT_CABI_OK;
}

int wrt_cval_encode(const wrt_cabi_type *nodes, const wrt_cabi_val *vals, uint32_t nvals, const uint8_t *mem,
                    uint32_t mem_len, uint8_t *o_bytes, uint32_t cap, uint32_t *o_len) {
    cval_walk w;
    cval_out o;
    uint32_t node = 0, n = 0;
    int rc;
    w.nodes = nodes;
    w.depth = 0;
    o.p = o_bytes;
    o.cap = cap;
    o.len = 0;
    o.bad = 0;
    *o_len = 0;
    /* Bounded: each pass reads one of the `nvals` slots. */
    while (node != CVAL_NONE) {
        if (n >= nvals) return WRT_CABI_ERR_VALUE;
        rc = encode_node(&w, node, &vals[n], mem, mem_len, &o);
        if (rc != WRT_CABI_OK) return rc;
        if (o.bad) return WRT_CABI_ERR_CAPACITY;
        n++;
        node = cval_next(&w);
    }
    *o_len = o.len;
    return WRT_CABI_OK;
}
