import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { wasm } from './helpers.js';

/**
 * The core's debugging (native/interp/wrt_debug.c) from a C program, as the engine uses it: the
 * trace ring keeps the last function entries (oldest overwritten), a breakpoint hit reports the
 * function's arguments and its callers, the breakpoint set is bounded by the layout, and a layout
 * without a trace or breakpoints keeps nothing.
 */
const PROGRAM = String.raw`
#include <stdio.h>
#include "wrt_api.h"

static uint8_t arena[256 * 1024] __attribute__((aligned(16)));

static void on_break(void *ctx, const wrt_break_hit *h) {
    (void)ctx;
    printf("break #%u fib(%llu) depth %u frames", (unsigned)h->hit, (unsigned long long)h->args[0], (unsigned)h->depth);
    for (uint32_t i = 0; i < h->nframes; i++) printf(" %u:%u", (unsigned)h->frames[i].func_index, (unsigned)h->frames[i].cell);
    printf(" type %s\n", h->nargs == 1 && h->arg_types[0] == WRT_TYPE_I32 ? "i32" : "?");
}

static void print_trace(wrt_runtime *rt) {
    uint64_t total = 0;
    uint32_t kept = wrt_debug_trace(rt, &total);
    printf("trace kept %u of %llu:", (unsigned)kept, (unsigned long long)total);
    for (uint32_t i = 0; i < kept; i++) {
        wrt_trace_entry e;
        if (!wrt_debug_trace_entry(rt, i, &e)) return;
        printf(" %u@%u", (unsigned)e.func_index, (unsigned)e.depth);
    }
    printf("\n");
}

static int run(const uint8_t *wasm, size_t len, uint32_t entries, uint32_t breakpoints) {
    wrt_layout layout = { .meta_bytes = 16384, .code_bytes = 16384, .control_bytes = 4096, .stack_slots = 1024,
                          .call_depth = 64, .trace_entries = entries, .breakpoints = breakpoints };
    wrt_error err;
    wrt_trap_info trap;
    wrt_runtime *rt = wrt_runtime_init(arena, sizeof arena, &layout, &err);
    if (rt == NULL) return 1;
    uint64_t used = 0, cap = 0;
    wrt_region_usage(rt, WRT_REGION_TRACE, &used, &cap);
    printf("trace region %llu %s\n", (unsigned long long)cap, wrt_region_name(WRT_REGION_TRACE));
    wrt_module *m = wrt_module_load(rt, wasm, len, &err);
    wrt_instance *inst = m != NULL ? wrt_instantiate(rt, m, NULL, &err, &trap) : NULL;
    if (inst == NULL) return 1;
    wrt_debug_on_break(rt, on_break, NULL);
    const uint32_t three[3] = { 1, 1, 1 };
    if (!wrt_debug_set_breakpoints(rt, three, 3, &err)) {
        printf("3 breakpoints: %s (region %s, need %llu, capacity %llu)\n", err.message, wrt_region_name(err.region),
               (unsigned long long)err.need, (unsigned long long)err.capacity);
    }
    const uint32_t fib[1] = { 1 };
    printf("1 breakpoint: %s\n", wrt_debug_set_breakpoints(rt, fib, 1, &err) ? "set" : err.message);
    uint64_t args[1] = { 3 }, results[1] = { 0 };
    uint32_t code = wrt_invoke(rt, wrt_find_func(inst, "main", 4), args, 1, results, 1, &trap);
    printf("main(3) -> %u result %llu\n", (unsigned)code, (unsigned long long)results[0]);
    print_trace(rt);
    (void)wrt_debug_set_breakpoints(rt, NULL, 0, &err);
    args[0] = 2;
    code = wrt_invoke(rt, wrt_find_func(inst, "boom", 4), args, 1, results, 1, &trap);
    printf("boom(2) -> %s\n", wrt_trap_message(code));
    print_trace(rt);
    return 0;
}

int main(int argc, char **argv) {
    (void)argc;
    static uint8_t wasm[4096];
    FILE *f = fopen(argv[1], "rb");
    size_t len = fread(wasm, 1, sizeof wasm, f);
    fclose(f);
    printf("-- trace 4, breakpoints 2\n");
    if (run(wasm, len, 4, 2) != 0) return 1;
    printf("-- no debugging\n");
    return run(wasm, len, 0, 0);
}
`;

/* main (function 0) calls fib (1), which recurses; boom (2) calls fib, then traps in crash (3). */
const MODULE = `(module
  (func $main (export "main") (param i32) (result i32) (call $fib (local.get 0)))
  (func $fib (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  (func $boom (export "boom") (param i32) (result i32) (drop (call $fib (local.get 0))) (call $crash))
  (func $crash (result i32) unreachable))`;

const dir = mkdtempSync(join(tmpdir(), 'wrt-debug-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let out: string[] = [];

beforeAll(() => {
  const core = resolve(packageRoot(), 'native', 'interp');
  const [sourceLine = '', flagLine = ''] = execFileSync('make', ['-s', '--no-print-directory', '-f', join(core, 'wrt_interp.mk'), '-f', '-', 'print'], {
    input: 'print:\n\t@echo $(WRT_INTERP_SOURCES)\n\t@echo $(WRT_INTERP_CFLAGS)\n',
    encoding: 'utf8',
  }).split('\n');
  const flags = flagLine.trim().split(/\s+/);
  const objects = sourceLine.trim().split(/\s+/).map((source, i) => {
    const object = join(dir, `core${i}.o`);
    execFileSync('cc', [...flags, '-O2', '-c', source, '-o', object]);
    return object;
  });
  writeFileSync(join(dir, 'main.c'), PROGRAM);
  writeFileSync(join(dir, 'module.wasm'), wasm(MODULE));
  execFileSync('cc', ['-std=c11', '-O2', '-Wall', '-Wextra', '-Werror', `-I${core}`, join(dir, 'main.c'), ...objects, '-o', join(dir, 'main')]);
  out = execFileSync(join(dir, 'main'), [join(dir, 'module.wasm')], { encoding: 'utf8' }).split('\n');
}, 120_000);

describe('debugging in the interpreter core', () => {
  it('sizes the trace region from the layout: 8 bytes an entry, 4 a breakpoint', () => {
    expect(out[1]).toBe('trace region 40 trace');
  });

  it('refuses more breakpoints than the layout gives, naming the budget', () => {
    expect(out[2]).toBe('3 breakpoints: more breakpoints than the layout\'s budget (region trace, need 3, capacity 2)');
    expect(out[3]).toBe('1 breakpoint: set');
  });

  it('stops at each entry of fib with its argument and callers, then continues', () => {
    // fib(3) -> fib(2) -> fib(1), fib(0); then fib(1): five entries, in call order.
    const breaks = out.filter((l) => l.startsWith('break #'));
    expect(breaks.map((l) => l.replace(/ frames.*/, ''))).toEqual([
      'break #1 fib(3) depth 2',
      'break #2 fib(2) depth 3',
      'break #3 fib(1) depth 4',
      'break #4 fib(0) depth 4',
      'break #5 fib(1) depth 3',
    ]);
    // The frames: fib at its entry (cell 0), then its callers fib ... main, innermost first.
    expect(breaks[2]).toMatch(/ frames 1:0 1:\d+ 1:\d+ 0:\d+ type i32$/);
    expect(out).toContain('main(3) -> 0 result 2');
  });

  it('keeps the last entries of the ring, oldest first, and counts the overwritten ones', () => {
    // main@1 fib(3)@2 fib(2)@3 fib(1)@4 fib(0)@4 fib(1)@3: the ring of 4 keeps the last 4.
    expect(out[out.indexOf('main(3) -> 0 result 2') + 1]).toBe('trace kept 4 of 6: 1@3 1@4 1@4 1@3');
    // boom(2): boom, fib(2), fib(1), fib(0), crash: the last four, up to the trapping function.
    expect(out[out.indexOf('boom(2) -> unreachable') + 1]).toBe('trace kept 4 of 5: 1@2 1@3 1@3 3@2');
  });

  it('keeps nothing and stops nowhere without a trace region', () => {
    const none = out.slice(out.indexOf('-- no debugging'));
    expect(none).toContain('trace region 0 trace');
    expect(none).toContain('1 breakpoint: more breakpoints than the layout\'s budget');
    expect(none.filter((l) => l.startsWith('break #'))).toEqual([]);
    expect(none).toContain('trace kept 0 of 0:');
  });
});
