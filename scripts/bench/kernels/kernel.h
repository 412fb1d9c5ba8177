/*
 * Shared shape of the benchmark kernels: `uint32_t name(uint32_t n)`, pure (every call starts from
 * the same state, so repeated calls give the same checksum), work linear in n, no libc. The wasm
 * build exports each kernel under its own name; the native build links them into native_main.c.
 */
#ifndef WRT_BENCH_KERNEL_H
#define WRT_BENCH_KERNEL_H

#include <stdint.h>

#if defined(__wasm__)
#define WRT_KERNEL(name) __attribute__((export_name(#name))) uint32_t name(uint32_t n)
#else
#define WRT_KERNEL(name) uint32_t name(uint32_t n)
#endif

/* Kept out of line so that "calls" measures calls on every engine. */
#define WRT_NOINLINE __attribute__((noinline))

uint32_t wrt_bench_integer(uint32_t n);
uint32_t wrt_bench_memory(uint32_t n);
uint32_t wrt_bench_float(uint32_t n);
uint32_t wrt_bench_calls(uint32_t n);
uint32_t wrt_bench_dispatch(uint32_t n);
uint32_t wrt_bench_sort(uint32_t n);

#endif
