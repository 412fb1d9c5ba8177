/**
 * The profile compiler's record sizes (ts/profile/compile.ts) are the C core's: each is compiled
 * into an object file as a symbol whose size is the C expression, for the host (64-bit) and for
 * Cortex-M (32-bit), and read back with nm. A struct that grows a field turns this red before a
 * profile undersizes an arena; a locals limit changed on one side only turns it red too.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { ARENA_ALIGN, FRAME_BYTES, RUNTIME_BYTES, SLOT_BYTES, TABLE_ELEMENT_BYTES } from '../../ts/profile/compile.js';
import { JS_API_LIMITS } from '../../ts/wasm/module-parser.js';
import { BREAKPOINT_BYTES, TRACE_ENTRY_BYTES } from '../../ts/limits/debug-limits.js';

const SOURCE = `#include "wrt_internal.h"
#define WRT_SIZE(name, expr) const unsigned char wrt_size_##name[expr] = {0};
WRT_SIZE(runtime, sizeof(wrt_runtime))
WRT_SIZE(frame, sizeof(wrt_frame))
WRT_SIZE(stack_slot, sizeof(*((wrt_runtime *)0)->stack))
WRT_SIZE(table_element, sizeof(*((wrt_table *)0)->elems))
WRT_SIZE(global_slot, sizeof(*((wrt_global *)0)->value))
WRT_SIZE(align, WRT_CONFIG_ALIGN)
WRT_SIZE(max_locals, WRT_CONFIG_MAX_LOCALS)
WRT_SIZE(trace_entry, sizeof(wrt_trace_entry))
WRT_SIZE(trace_entry_bytes, WRT_TRACE_ENTRY_BYTES)
WRT_SIZE(breakpoint, sizeof(*((wrt_debug *)0)->breaks))
WRT_SIZE(breakpoint_bytes, WRT_BREAKPOINT_BYTES)
`;

interface Toolchain {
  readonly cc: string;
  readonly nm: string;
  readonly flags: readonly string[];
}

const HOST: Toolchain = { cc: 'gcc', nm: 'nm', flags: [] };
/** The flags of `make -C native/interp cortex-m` (ARM_FLAGS). */
const CORTEX_M: Toolchain = { cc: 'arm-none-eabi-gcc', nm: 'arm-none-eabi-nm', flags: ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16'] };

function sizesOf(tools: Toolchain, name: string): Record<string, number> {
  const root = packageRoot();
  const dir = path.join(root, 'build', 'test-record-sizes');
  fs.mkdirSync(dir, { recursive: true });
  const source = path.join(dir, 'sizes.c');
  const object = path.join(dir, `sizes-${name}.o`);
  fs.writeFileSync(source, SOURCE);
  execFileSync(tools.cc, ['-std=c11', '-ffreestanding', '-I', path.join(root, 'native', 'interp'), ...tools.flags, '-c', source, '-o', object]);
  const sizes: Record<string, number> = {};
  for (const line of execFileSync(tools.nm, ['-S', '--defined-only', object], { encoding: 'utf8' }).split('\n')) {
    const m = /^[0-9a-f]+ ([0-9a-f]+) \S wrt_size_(\w+)$/.exec(line.trim());
    if (m !== null) sizes[m[2]!] = Number.parseInt(m[1]!, 16);
  }
  return sizes;
}

describe('profile record sizes and the locals limit match the C core', () => {
  for (const [bits, tools] of [[64, HOST], [32, CORTEX_M]] as const) {
    it(`${bits}-bit (${tools.cc})`, () => {
      expect(sizesOf(tools, String(bits))).toEqual({
        runtime: RUNTIME_BYTES[bits],
        frame: FRAME_BYTES[bits],
        stack_slot: SLOT_BYTES,
        table_element: TABLE_ELEMENT_BYTES,
        global_slot: SLOT_BYTES,
        align: ARENA_ALIGN,
        max_locals: JS_API_LIMITS.locals,
        trace_entry: TRACE_ENTRY_BYTES,
        trace_entry_bytes: TRACE_ENTRY_BYTES,
        breakpoint: BREAKPOINT_BYTES,
        breakpoint_bytes: BREAKPOINT_BYTES,
      });
    });
  }
});
