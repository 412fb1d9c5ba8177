/*
 * Bounds-checked reading of the binary format: bytes, LEB128 integers, names, and one instruction
 * with its immediates. A reader fails once (the first error wins, with its byte offset) and then
 * reads zeros, so callers may check `failed` after a group of reads rather than after each.
 */
#ifndef WRT_READ_H
#define WRT_READ_H

#include "wrt_internal.h"

typedef struct wrt_reader {
    const uint8_t *base;  /* start of the module: error offsets count from here */
    const uint8_t *p;
    const uint8_t *end;
    wrt_error *err;
    bool failed;
    bool multi_memory;    /* memory indices in instructions (WRT_FEATURE_MULTI_MEMORY); else zero bytes */
} wrt_reader;

void wrt_rd_init(wrt_reader *o_r, const uint8_t *i_base, const uint8_t *i_p, const uint8_t *i_end,
                 wrt_error *o_err);
bool wrt_rd_fail(wrt_reader *io_r, uint32_t code, const char *message);
bool wrt_rd_fail_at(wrt_reader *io_r, uint32_t code, uint32_t offset, const char *message);
uint32_t wrt_rd_offset(const wrt_reader *i_r);
size_t wrt_rd_left(const wrt_reader *i_r);
bool wrt_rd_at_end(const wrt_reader *i_r);

uint8_t wrt_rd_u8(wrt_reader *io_r);
uint32_t wrt_rd_u32(wrt_reader *io_r);
int32_t wrt_rd_s32(wrt_reader *io_r);
int64_t wrt_rd_s33(wrt_reader *io_r);
int64_t wrt_rd_s64(wrt_reader *io_r);
uint32_t wrt_rd_fixed32(wrt_reader *io_r);
uint64_t wrt_rd_fixed64(wrt_reader *io_r);
const uint8_t *wrt_rd_bytes(wrt_reader *io_r, uint32_t n);
/* A length-prefixed UTF-8 name; checks the encoding. */
bool wrt_rd_name(wrt_reader *io_r, const uint8_t **o_name, uint32_t *o_len);
/* A value type; v128 fails as WRT_ERR_UNSUPPORTED. */
uint8_t wrt_rd_valtype(wrt_reader *io_r);
/* A reference type (funcref or externref). */
uint8_t wrt_rd_reftype(wrt_reader *io_r);
/* A count of entries that each take at least one byte: more than the bytes left is malformed. */
uint32_t wrt_rd_count(wrt_reader *io_r);

bool wrt_utf8_valid(const uint8_t *i_s, uint32_t len);

/* Opcodes after the 0xFC prefix are numbered WRT_OP_FC + their sub-opcode. */
#define WRT_OP_FC 0x100u
#define WRT_OP_FC_COUNT 18u

/* Block type kinds in wrt_instr.a for block, loop and if. */
#define WRT_BT_EMPTY 0u
#define WRT_BT_VALUE 1u
#define WRT_BT_INDEX 2u

typedef struct wrt_instr {
    uint32_t op;         /* 0x00..0xFF or WRT_OP_FC + n */
    uint32_t at;         /* byte offset of the opcode */
    uint32_t a;          /* first index immediate, memarg align, block type kind, br_table count */
    uint32_t b;          /* second index, memarg offset, block type value/index, br_table default */
    uint64_t bits;       /* constant: sign-extended integer or float bit pattern */
    const uint8_t *vec;  /* br_table: first target label; select t*: the types */
    uint32_t mem;        /* memory index of a load, store or memory instruction (memory.copy: destination) */
    uint32_t mem2;       /* memory.copy: source memory index */
} wrt_instr;

/* Reads one instruction and its immediates. Unknown opcodes are malformed, SIMD unsupported. */
bool wrt_rd_instr(wrt_reader *io_r, wrt_instr *o_ins);

#endif
