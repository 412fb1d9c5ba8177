/**
 * A C program built with clang and wasi-libc (memory.grow from malloc, recursion in the library,
 * indirect calls): its profile's load regions hold it and it runs to its exit under the profile;
 * at ASIL C the same module is refused naming each budget it cannot meet.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { InterpNative } from '../../tools/interp/ffi.js';
import { InterpRuntime } from '../../tools/interp/runtime.js';
import { resolveLimits } from '../../ts/limits/resolve.js';
import { compileProfile, type ProfileInputs } from '../../ts/profile/compile.js';
import { measureLoadRegions } from '../../ts/profile/load-regions.js';
import { interpLayoutOf } from '../../tools/interp/profile-layout.js';
import { moduleSha256 } from '../../ts/profile/section.js';
import { validateWasm } from '../../ts/wasm/validate.js';
import { interp } from '../interp/helpers.js';
import { tempDir } from './helpers.js';

const PROGRAM = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
int main(void) {
  int v[64];
  for (int i = 0; i < 64; i++) v[i] = (i * 7919) % 101;
  qsort(v, 64, sizeof v[0], cmp);
  char *s = malloc(100);
  snprintf(s, 100, "min %d max %d", v[0], v[63]);
  puts(s);
  return (int)strlen(s);
}
`;

let native: InterpNative;
let program: Uint8Array;

beforeAll(() => {
  native = interp();
  const dir = tempDir();
  writeFileSync(join(dir, 'p.c'), PROGRAM);
  execFileSync('clang', ['--target=wasm32-wasi', '-O2', join(dir, 'p.c'), '-o', join(dir, 'p.wasm')], { stdio: ['ignore', 'ignore', 'pipe'] });
  program = new Uint8Array(readFileSync(join(dir, 'p.wasm')));
}, 120_000);

function inputs(change: Partial<ProfileInputs>): ProfileInputs {
  return {
    analysis: validateWasm(program),
    moduleSha256: moduleSha256(program),
    loadRegions: measureLoadRegions(program, 'test program', (change.target?.pointerBits ?? 64)),
    limits: resolveLimits({ discovered: { maxMemory: { value: 8 * 1024 * 1024, source: 'test board: 8 MiB' } } }),
    target: { id: 'native-sim', host: true, pointerBits: 64, arch: 'x86_64', maxTableEntries: null, hardwareCfi: { features: { shstk: 'yes', ibt: 'no', pac: 'no', bti: 'no' }, source: 'recorded' } },
    asil: 'QM',
    debug: 'none',
    overrides: {},
    toolchain: 'test',
    ...change,
  };
}

describe('a clang-built WASI program', () => {
  it('runs to its exit under its QM profile, within every load region', () => {
    const result = compileProfile(inputs({}));
    if (!result.ok) throw new Error(result.errors.map((e) => e.budget).join(', '));
    const layout = interpLayoutOf(result.profile);
    native.wasiSetup('p', '');
    const rt = InterpRuntime.create(native, layout);
    try {
      const instance = rt.instantiateBytes(program, 'wasi');
      if (!instance.ok) throw new Error(`${instance.error.kind}: ${instance.error.message}`);
      const start = instance.value.func('_start');
      if (start === undefined) throw new Error('no _start');
      const run = rt.invoke(start, []);
      expect(run.ok ? 'returned' : run.trap.kind).toBe('exit');
      expect(Number(native.wasiExitCode())).toBe('min 0 max 100'.length);
      for (const region of ['meta', 'code', 'control'] as const) {
        const usage = rt.regionUsage(region);
        expect(usage.used).toBeLessThanOrEqual(usage.capacity);
      }
    } finally {
      rt.dispose();
    }
  });

  it('is refused at ASIL C, naming the budgets it cannot meet', () => {
    const result = compileProfile(inputs({ asil: 'C' }));
    expect(result.ok).toBe(false);
    const budgets = result.ok ? [] : result.errors.map((e) => e.budget);
    expect(budgets).toContain('memory maximum');
    expect(budgets).toContain('fuel');
  });
});
