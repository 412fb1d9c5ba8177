import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { wasm } from './helpers.js';

/**
 * The core embedded the way firmware and native-sim use it: compiled from its sources into a C
 * program with a static arena (no malloc, no host glue), through the public header only. The
 * program is the usage example of docs/interpreter.md.
 */
const PROGRAM = String.raw`
#include <stdio.h>
#include <stdlib.h>
#include "wrt_api.h"

static uint8_t arena[120 * 1024] __attribute__((aligned(16)));

static uint32_t host_log(wrt_host_call *call) {
    printf("host log %u\n", (unsigned)call->args[0]);
    return WRT_OK;
}

int main(int argc, char **argv) {
    (void)argc;
    static uint8_t wasm[4096];
    FILE *f = fopen(argv[1], "rb");
    size_t wasm_len = fread(wasm, 1, sizeof wasm, f);
    fclose(f);
    wrt_layout layout = { .meta_bytes = 16384, .code_bytes = 16384, .control_bytes = 2048,
                          .stack_slots = 1024, .call_depth = 64, .memory_pages = 1,
                          .table_elements = 64, .global_slots = 32 };
    printf("arena fits: %s\n", wrt_layout_bytes(&layout) <= sizeof arena ? "yes" : "no");
    static const wrt_host_func funcs[] = { { "env", "log", "i:", host_log, NULL, 2, 0 } };
    static const wrt_host_registry registry = { funcs, 1, NULL, NULL, NULL };
    wrt_error err;
    wrt_trap_info trap;
    wrt_runtime *rt = wrt_runtime_init(arena, sizeof arena, &layout, &err);
    if (rt == NULL) { printf("init: %s %s\n", err.message, wrt_region_name(err.region)); return 1; }
    wrt_module *m = wrt_module_load(rt, wasm, wasm_len, &err);
    if (m == NULL) { printf("load: %s at %u\n", err.message, err.offset); return 1; }
    wrt_instance *inst = wrt_instantiate(rt, m, &registry, &err, &trap);
    if (inst == NULL) { printf("instantiate: %s\n", err.message); return 1; }
    const wrt_func *fn = wrt_find_func(inst, "main", 4);
    uint64_t args[1] = { 41 }, results[1] = { 0 };
    uint32_t code = wrt_invoke(rt, fn, args, 1, results, 1, &trap);
    printf("main(41) -> code %u result %llu fuel %llu\n", code, (unsigned long long)results[0],
           (unsigned long long)trap.fuel_used);
    wrt_set_fuel(rt, 3);
    code = wrt_invoke(rt, fn, args, 1, results, 1, &trap);
    printf("with fuel 3 -> %s\n", wrt_trap_message(code));
    wrt_set_fuel(rt, WRT_FUEL_UNLIMITED);
    args[0] = 0;
    code = wrt_invoke(rt, fn, args, 1, results, 1, &trap);
    printf("main(0) -> %s\n", wrt_trap_message(code));
    uint64_t used, cap;
    wrt_region_usage(rt, WRT_REGION_CODE, &used, &cap);
    printf("code region %s\n", used > 0 && used <= cap ? "used" : "empty");
    return 0;
}
`;

const MODULE = `(module
  (import "env" "log" (func $log (param i32)))
  (func (export "main") (param i32) (result i32)
    (call $log (local.get 0))
    (call $log (i32.const 2))
    (if (i32.eqz (local.get 0)) (then (call $log (i32.const 3))))
    (i32.add (local.get 0) (i32.const 1))))`;

const dir = mkdtempSync(join(tmpdir(), 'wrt-embed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedding the core in a C program', () => {
  it('runs a module from a static arena with a host function budget and fuel', () => {
    const core = resolve(packageRoot(), 'native', 'interp');
    // The source list and mandatory flags, as a firmware makefile gets them from wrt_interp.mk.
    const [sourceLine = '', flagLine = ''] = execFileSync(
      'make',
      ['-s', '--no-print-directory', '-f', join(core, 'wrt_interp.mk'), '-f', '-', 'print'],
      { input: 'print:\n\t@echo $(WRT_INTERP_SOURCES)\n\t@echo $(WRT_INTERP_CFLAGS)\n', encoding: 'utf8' },
    ).split('\n');
    const sources = sourceLine.trim().split(/\s+/);
    const flags = flagLine.trim().split(/\s+/);
    expect(sources.length).toBe(15);
    expect(flags).toContain('-ffreestanding');
    writeFileSync(join(dir, 'main.c'), PROGRAM);
    writeFileSync(join(dir, 'module.wasm'), wasm(MODULE));
    const objects = sources.map((source, i) => {
      const object = join(dir, `core${i}.o`);
      execFileSync('cc', [...flags, '-O2', '-c', source, '-o', object]);
      return object;
    });
    execFileSync('cc', ['-std=c11', '-O2', '-Wall', '-Wextra', '-Werror', `-I${core}`, join(dir, 'main.c'), ...objects, '-o', join(dir, 'main')]);
    const out = execFileSync(join(dir, 'main'), [join(dir, 'module.wasm')], { encoding: 'utf8' });
    expect(out.split('\n')).toEqual([
      'arena fits: yes',
      'host log 41',
      'host log 2',
      // Segments: [local.get call i32.const call local.get i32.eqz if] = 7, then-arm skipped,
      // [local.get i32.const i32.add] = 3.
      'main(41) -> code 0 result 42 fuel 10',
      'with fuel 3 -> fuel exhausted',
      'host log 0',
      'host log 2',
      // The budget of env.log is 2 calls per invocation: the third traps.
      'main(0) -> host call budget exhausted',
      'code region used',
      '',
    ]);
  });
});
