/*
 * What the validator and compiler need to know about each WebAssembly opcode that has a fixed
 * signature: its operand and result types and the internal op it becomes. Opcodes with
 * context-dependent typing (control, locals, calls, references, bulk operations) are SPECIAL and
 * handled by name in wrt_validate.c and wrt_compile.c.
 */
#ifndef WRT_OPCODES_H
#define WRT_OPCODES_H

#include <stdint.h>

enum wrt_opkind {
    WRT_OPK_ILLEGAL = 0,
    WRT_OPK_SIMPLE = 1,   /* pops pop[0..npop), pushes `push` (0: nothing) */
    WRT_OPK_LOAD = 2,     /* pops i32 address, pushes `push` */
    WRT_OPK_STORE = 3,    /* pops i32 address and a pop[0] value */
    WRT_OPK_SPECIAL = 4
};

typedef struct wrt_opinfo {
    uint8_t kind;
    uint8_t npop;
    uint8_t pop[2];   /* bottom first */
    uint8_t push;
    uint8_t align;    /* loads/stores: log2 of the natural alignment */
    uint16_t iop;
} wrt_opinfo;

/* Info for an opcode as wrt_rd_instr numbers it; an ILLEGAL entry for anything unknown. */
const wrt_opinfo *wrt_opinfo_of(uint32_t op);

#endif
