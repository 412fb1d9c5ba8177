/*
 * Bounds-checked reading of the WebAssembly binary format (see wrt_read.h).
 */
#include "wrt_read.h"

#include "wrt_opcodes.h"

void wrt_rd_init(wrt_reader *o_r, const uint8_t *i_base, const uint8_t *i_p, const uint8_t *i_end,
                 wrt_error *o_err)
{
    o_r->base = i_base;
    o_r->p = i_p;
    o_r->end = i_end;
    o_r->err = o_err;
    o_r->failed = false;
    o_r->multi_memory = false;
}

bool wrt_rd_fail_at(wrt_reader *io_r, uint32_t code, uint32_t offset, const char *message)
{
    if (!io_r->failed) {
        io_r->failed = true;
        wrt_fail(io_r->err, code, offset, message);
    }
    /* Reads after a failure see an empty input, so every loop over them ends at once. */
    io_r->p = io_r->end;
    return false;
}

bool wrt_rd_fail(wrt_reader *io_r, uint32_t code, const char *message)
{
    return wrt_rd_fail_at(io_r, code, wrt_rd_offset(io_r), message);
}

uint32_t wrt_rd_offset(const wrt_reader *i_r)
{
    return (uint32_t)(i_r->p - i_r->base);
}

size_t wrt_rd_left(const wrt_reader *i_r)
{
    return (size_t)(i_r->end - i_r->p);
}

bool wrt_rd_at_end(const wrt_reader *i_r)
{
    return i_r->p >= i_r->end;
}

uint8_t wrt_rd_u8(wrt_reader *io_r)
{
    if (io_r->p >= io_r->end) {
        wrt_rd_fail(io_r, WRT_ERR_MALFORMED, "unexpected end");
        return 0;
    }
    return *io_r->p++;
}

/*
 * LEB128 with the spec's limits: at most ceil(bits/7) bytes ("integer representation too long"),
 * and the unused bits of the last byte must be zero (unsigned) or copies of the sign bit (signed)
 * ("integer too large").
 */
static uint64_t rd_leb(wrt_reader *io_r, uint32_t bits, bool is_signed)
{
    uint64_t result = 0;
    uint32_t shift = 0;
    uint32_t max_bytes = (bits + 6u) / 7u;
    for (uint32_t i = 0; i < max_bytes; i++) {
        if (io_r->p >= io_r->end) {
            wrt_rd_fail(io_r, WRT_ERR_MALFORMED, "unexpected end");
            return 0;
        }
        uint8_t byte = *io_r->p++;
        bool last = i + 1u == max_bytes;
        if (last) {
            if ((byte & 0x80u) != 0u) {
                wrt_rd_fail(io_r, WRT_ERR_MALFORMED, "integer representation too long");
                return 0;
            }
            uint32_t used = bits - shift; /* value bits in this byte */
            uint8_t unused_mask = (uint8_t)(0x7Fu & ~((1u << used) - 1u));
            if (is_signed) {
                bool negative = (byte & (1u << (used - 1u))) != 0u;
                uint8_t expect = negative ? unused_mask : 0u;
                if ((byte & unused_mask) != expect) {
                    wrt_rd_fail(io_r, WRT_ERR_MALFORMED, "integer too large");
                    return 0;
                }
            } else if ((byte & unused_mask) != 0u) {
                wrt_rd_fail(io_r, WRT_ERR_MALFORMED, "integer too large");
                return 0;
            }
        }
        result |= (uint64_t)(byte & 0x7Fu) << shift;
        shift += 7u;
        if ((byte & 0x80u) == 0u) {
            if (is_signed && shift < 64u && (byte & 0x40u) != 0u) result |= ~(uint64_t)0 << shift;
            return result;
        }
    }
    return result;
}

uint32_t wrt_rd_u32(wrt_reader *io_r)
{
    return (uint32_t)rd_leb(io_r, 32, false);
}

int32_t wrt_rd_s32(wrt_reader *io_r)
{
    return (int32_t)(uint32_t)rd_leb(io_r, 32, true);
}

int64_t wrt_rd_s33(wrt_reader *io_r)
{
    return (int64_t)rd_leb(io_r, 33, true);
}

int64_t wrt_rd_s64(wrt_reader *io_r)
{
    return (int64_t)rd_leb(io_r, 64, true);
}

uint32_t wrt_rd_fixed32(wrt_reader *io_r)
{
    const uint8_t *b = wrt_rd_bytes(io_r, 4);
    if (b == NULL) return 0;
    return (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24);
}

uint64_t wrt_rd_fixed64(wrt_reader *io_r)
{
    uint64_t lo = wrt_rd_fixed32(io_r);
    uint64_t hi = wrt_rd_fixed32(io_r);
    return lo | (hi << 32);
}

const uint8_t *wrt_rd_bytes(wrt_reader *io_r, uint32_t n)
{
    if ((size_t)(io_r->end - io_r->p) < n) {
        wrt_rd_fail(io_r, WRT_ERR_MALFORMED, "unexpected end");
        return NULL;
    }
    const uint8_t *p = io_r->p;
    io_r->p += n;
    return p;
}

bool wrt_utf8_valid(const uint8_t *i_s, uint32_t len)
{
    uint32_t i = 0;
    while (i < len) {
        uint8_t c = i_s[i];
        uint32_t extra;
        uint8_t lo = 0x80u;
        uint8_t hi = 0xBFu;
        if (c < 0x80u) {
            i++;
            continue;
        } else if (c >= 0xC2u && c <= 0xDFu) {
            extra = 1;
        } else if (c >= 0xE0u && c <= 0xEFu) {
            extra = 2;
            if (c == 0xE0u) lo = 0xA0u; /* overlong */
            if (c == 0xEDu) hi = 0x9Fu; /* surrogates */
        } else if (c >= 0xF0u && c <= 0xF4u) {
            extra = 3;
            if (c == 0xF0u) lo = 0x90u; /* overlong */
            if (c == 0xF4u) hi = 0x8Fu; /* above U+10FFFF */
        } else {
            return false;
        }
        if (len - i <= extra) return false;
        if (i_s[i + 1u] < lo || i_s[i + 1u] > hi) return false;
        for (uint32_t k = 2; k <= extra; k++) {
            if ((i_s[i + k] & 0xC0u) != 0x80u) return false;
        }
        i += extra + 1u;
    }
    return true;
}

bool wrt_rd_name(wrt_reader *io_r, const uint8_t **o_name, uint32_t *o_len)
{
    uint32_t len = wrt_rd_u32(io_r);
    if (io_r->failed) return false;
    if (wrt_rd_left(io_r) < len) return wrt_rd_fail(io_r, WRT_ERR_MALFORMED, "length out of bounds");
    const uint8_t *name = wrt_rd_bytes(io_r, len);
    if (name == NULL) return false;
    if (!wrt_utf8_valid(name, len)) return wrt_rd_fail(io_r, WRT_ERR_MALFORMED, "malformed UTF-8 encoding");
    *o_name = name;
    *o_len = len;
    return true;
}

uint8_t wrt_rd_valtype(wrt_reader *io_r)
{
    uint8_t t = wrt_rd_u8(io_r);
    switch (t) {
    case WRT_TYPE_I32:
    case WRT_TYPE_I64:
    case WRT_TYPE_F32:
    case WRT_TYPE_F64:
    case WRT_TYPE_FUNCREF:
    case WRT_TYPE_EXTERNREF:
        return t;
    case WRT_TYPE_V128:
        io_r->p--;
        wrt_rd_fail(io_r, WRT_ERR_UNSUPPORTED, "SIMD (v128) is not supported on this target");
        return 0;
    default:
        if (!io_r->failed) {
            io_r->p--;
            wrt_rd_fail(io_r, WRT_ERR_MALFORMED, "malformed value type");
        }
        return 0;
    }
}

uint8_t wrt_rd_reftype(wrt_reader *io_r)
{
    uint8_t t = wrt_rd_u8(io_r);
    if (t == WRT_TYPE_FUNCREF || t == WRT_TYPE_EXTERNREF) return t;
    if (!io_r->failed) {
        io_r->p--;
        wrt_rd_fail(io_r, WRT_ERR_MALFORMED, "malformed reference type");
    }
    return 0;
}

uint32_t wrt_rd_count(wrt_reader *io_r)
{
    uint32_t n = wrt_rd_u32(io_r);
    if (!io_r->failed && n > wrt_rd_left(io_r)) {
        wrt_rd_fail(io_r, WRT_ERR_MALFORMED, "unexpected end of section or function");
        return 0;
    }
    return n;
}

static void rd_zero_byte(wrt_reader *io_r)
{
    uint8_t b = wrt_rd_u8(io_r);
    if (!io_r->failed && b != 0u) {
        io_r->p--;
        wrt_rd_fail(io_r, WRT_ERR_MALFORMED, "zero byte expected");
    }
}

/* A memory index: a u32 with multi-memory, else the 2.0 encoding's single zero byte. */
static uint32_t rd_memidx(wrt_reader *io_r)
{
    if (WRT_CONFIG_MULTI_MEMORY && io_r->multi_memory) return wrt_rd_u32(io_r);
    rd_zero_byte(io_r);
    return 0;
}

static void rd_blocktype(wrt_reader *io_r, wrt_instr *o_ins)
{
    if (io_r->p >= io_r->end) {
        wrt_rd_fail(io_r, WRT_ERR_MALFORMED, "unexpected end");
        return;
    }
    uint8_t b = *io_r->p;
    if (b == 0x40u) {
        io_r->p++;
        o_ins->a = WRT_BT_EMPTY;
    } else if ((b & 0xC0u) == 0x40u) {
        /* A one-byte negative s33 is a value type (or an invalid one). */
        o_ins->a = WRT_BT_VALUE;
        o_ins->b = wrt_rd_valtype(io_r);
    } else {
        int64_t idx = wrt_rd_s33(io_r);
        if (io_r->failed) return;
        if (idx < 0 || idx > (int64_t)UINT32_MAX) {
            wrt_rd_fail_at(io_r, WRT_ERR_MALFORMED, o_ins->at + 1u, "malformed block type");
            return;
        }
        o_ins->a = WRT_BT_INDEX;
        o_ins->b = (uint32_t)idx;
    }
}

bool wrt_rd_instr(wrt_reader *io_r, wrt_instr *o_ins)
{
    o_ins->at = wrt_rd_offset(io_r);
    o_ins->a = 0;
    o_ins->b = 0;
    o_ins->bits = 0;
    o_ins->vec = NULL;
    o_ins->mem = 0;
    o_ins->mem2 = 0;
    uint32_t op = wrt_rd_u8(io_r);
    if (io_r->failed) return false;
    if (op == 0xFCu) {
        uint32_t sub = wrt_rd_u32(io_r);
        if (io_r->failed) return false;
        if (sub >= WRT_OP_FC_COUNT) return wrt_rd_fail_at(io_r, WRT_ERR_MALFORMED, o_ins->at, "illegal opcode");
        op = WRT_OP_FC + sub;
    } else if (op == 0xFDu) {
        return wrt_rd_fail_at(io_r, WRT_ERR_UNSUPPORTED, o_ins->at, "SIMD (v128) is not supported on this target");
    }
    o_ins->op = op;
    switch (op) {
    case 0x02: case 0x03: case 0x04:
        rd_blocktype(io_r, o_ins);
        break;
    case 0x0C: case 0x0D: case 0x10: case 0x20: case 0x21: case 0x22: case 0x23: case 0x24:
    case 0x25: case 0x26: case 0xD2:
    case WRT_OP_FC + 9: case WRT_OP_FC + 13: case WRT_OP_FC + 15: case WRT_OP_FC + 16: case WRT_OP_FC + 17:
        o_ins->a = wrt_rd_u32(io_r);
        break;
    case 0x0E: {
        uint32_t n = wrt_rd_count(io_r);
        o_ins->a = n;
        o_ins->vec = io_r->p;
        for (uint32_t i = 0; i < n && !io_r->failed; i++) (void)wrt_rd_u32(io_r);
        o_ins->b = wrt_rd_u32(io_r);
        break;
    }
    case 0x11: case WRT_OP_FC + 12: case WRT_OP_FC + 14:
        o_ins->a = wrt_rd_u32(io_r);
        o_ins->b = wrt_rd_u32(io_r);
        break;
    case 0x1C: {
        uint32_t n = wrt_rd_count(io_r);
        o_ins->a = n;
        o_ins->vec = io_r->p;
        for (uint32_t i = 0; i < n && !io_r->failed; i++) {
            uint8_t t = wrt_rd_valtype(io_r);
            if (i == 0) o_ins->b = t;
        }
        break;
    }
    case 0x3F: case 0x40: case WRT_OP_FC + 11:
        o_ins->mem = rd_memidx(io_r);
        break;
    case 0x41:
        o_ins->bits = (uint64_t)(int64_t)wrt_rd_s32(io_r);
        break;
    case 0x42:
        o_ins->bits = (uint64_t)wrt_rd_s64(io_r);
        break;
    case 0x43:
        o_ins->bits = wrt_rd_fixed32(io_r);
        break;
    case 0x44:
        o_ins->bits = wrt_rd_fixed64(io_r);
        break;
    case 0xD0:
        o_ins->a = wrt_rd_reftype(io_r);
        break;
    case WRT_OP_FC + 8:
        o_ins->a = wrt_rd_u32(io_r);
        o_ins->mem = rd_memidx(io_r);
        break;
    case WRT_OP_FC + 10:
        o_ins->mem = rd_memidx(io_r);
        o_ins->mem2 = rd_memidx(io_r);
        break;
    default: {
        const wrt_opinfo *info = wrt_opinfo_of(op);
        if (info->kind == WRT_OPK_ILLEGAL) return wrt_rd_fail_at(io_r, WRT_ERR_MALFORMED, o_ins->at, "illegal opcode");
        if (info->kind == WRT_OPK_LOAD || info->kind == WRT_OPK_STORE) {
            o_ins->a = wrt_rd_u32(io_r);
            /* Multi-memory: bit 6 of the alignment field says a memory index follows it. */
            if (WRT_CONFIG_MULTI_MEMORY && io_r->multi_memory && (o_ins->a & 0x40u) != 0u && o_ins->a < 0x80u) {
                o_ins->a &= ~0x40u;
                o_ins->mem = wrt_rd_u32(io_r);
            }
            o_ins->b = wrt_rd_u32(io_r);
        }
        break;
    }
    }
    return !io_r->failed;
}
