/*
 * Branchy dispatch: a tiny stack-bytecode interpreter (switch on every op) running a program that
 * loops n times, with arithmetic, compares, conditional jumps and a small register file.
 */
#include "kernel.h"

enum op {
    OP_PUSH, /* imm */
    OP_LOAD, /* reg */
    OP_STORE, /* reg */
    OP_ADD,
    OP_SUB,
    OP_MUL,
    OP_XOR,
    OP_SHR, /* imm */
    OP_AND, /* imm */
    OP_DUP,
    OP_SWAP,
    OP_DROP,
    OP_JZ,  /* target */
    OP_JMP, /* target */
    OP_LT,
    OP_HALT,
};

/*
 * r0 = counter (n), r1 = x, r2 = acc
 * loop: if r0 == 0 halt
 *   x = x * 1103515245 + 12345
 *   if ((x >> 16) & 1) acc += x >> 7 else acc ^= x
 *   if (acc < x) acc += 1
 *   r0 -= 1
 * The numbers on the left are cell indices (jump targets).
 */
static const int32_t program[] = {
    /*  0 */ OP_LOAD, 0, OP_JZ, 66,
    /*  4 */ OP_LOAD, 1, OP_PUSH, 1103515245, OP_MUL, OP_PUSH, 12345, OP_ADD, OP_STORE, 1,
    /* 14 */ OP_LOAD, 1, OP_SHR, 16, OP_AND, 1, OP_JZ, 33,
    /* 22 */ OP_LOAD, 2, OP_LOAD, 1, OP_SHR, 7, OP_ADD, OP_STORE, 2, OP_JMP, 40,
    /* 33 */ OP_LOAD, 2, OP_LOAD, 1, OP_XOR, OP_STORE, 2,
    /* 40 */ OP_LOAD, 1, OP_LOAD, 2, OP_SWAP, OP_LT, OP_JZ, 55,
    /* 48 */ OP_LOAD, 2, OP_PUSH, 1, OP_ADD, OP_STORE, 2,
    /* 55 */ OP_LOAD, 0, OP_DUP, OP_DROP, OP_PUSH, 1, OP_SUB, OP_STORE, 0, OP_JMP, 0,
    /* 66 */ OP_HALT,
};
_Static_assert(sizeof program / sizeof program[0] == 67, "jump targets above count cells");

WRT_KERNEL(wrt_bench_dispatch) {
    uint32_t reg[4] = {n, 7u, 0u, 0u};
    uint32_t stack[16];
    uint32_t sp = 0;
    uint32_t pc = 0;
    uint32_t steps = 0;
    for (;;) {
        int32_t op = program[pc++];
        steps++;
        switch (op) {
        case OP_PUSH: stack[sp++] = (uint32_t)program[pc++]; break;
        case OP_LOAD: stack[sp++] = reg[program[pc++] & 3]; break;
        case OP_STORE: reg[program[pc++] & 3] = stack[--sp]; break;
        case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
        case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
        case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
        case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
        case OP_SHR: stack[sp - 1] >>= (uint32_t)program[pc++] & 31u; break;
        case OP_AND: stack[sp - 1] &= (uint32_t)program[pc++]; break;
        case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
        case OP_SWAP: { uint32_t t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
        case OP_DROP: sp--; break;
        case OP_JZ: { int32_t target = program[pc++]; if (stack[--sp] == 0) pc = (uint32_t)target; break; }
        case OP_JMP: pc = (uint32_t)program[pc]; break;
        case OP_LT: sp--; stack[sp - 1] = stack[sp - 1] < stack[sp]; break;
        default: return reg[2] ^ reg[1] ^ (steps * 0x9e3779b9u) ^ sp;
        }
        sp &= 15u;
    }
}
