import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WrtError } from '../../ts/core/errors.js';
import { buildInterp } from '../../tools/interp/build.js';
import { loadInterp } from '../../tools/interp/ffi.js';
import {
  KERNELS,
  type KernelBuild,
  type WrtKernels,
  buildKernels,
  compareKernel,
  formatKernelTable,
  geometricMean,
  nativeSimPath,
  parseNativeRuns,
  runNative,
  scaledSize,
  simKernels,
  v8Kernels,
  wrtKernels,
} from '../../scripts/bench/interp.js';

/**
 * The benchmark kernels of scripts/bench/kernels/ built for wasm32 (clang + wasm-ld) and natively
 * (gcc), run at small sizes on gcc's binary, V8 and the wrt interpreter: the three checksums must
 * agree, and two kernels are also checked against a reference written here in TypeScript.
 * No timing is asserted.
 */

/** integer.c, transcribed: murmur3 block mix and xorshift64*. */
function integerReference(n: number): number {
  const rotl = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0;
  const M64 = (1n << 64n) - 1n;
  let h = 0x9e3779b9;
  let s = 0x243f6a8885a308d3n;
  let acc = 0;
  for (let i = 0; i < n; i += 1) {
    let k = Math.imul(i, 0xcc9e2d51) >>> 0;
    k = Math.imul(rotl(k, 15), 0x1b873593) >>> 0;
    h = (h ^ k) >>> 0;
    h = (Math.imul(rotl(h, 13), 5) + 0xe6546b64) >>> 0;
    s ^= s >> 12n;
    s = (s ^ (s << 25n)) & M64;
    s ^= s >> 27n;
    const r = (s * 0x2545f4914f6cdd1dn) & M64;
    acc = (acc + ((Number(r >> 32n) ^ (h >>> (i & 7)) ^ Number(r % 1000003n)) >>> 0)) >>> 0;
  }
  h = (h ^ (h >>> 16)) >>> 0;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h = (h ^ (h >>> 13)) >>> 0;
  return (h ^ acc) >>> 0;
}

/**
 * What dispatch.c's bytecode program computes, with the number of ops it executes per path
 * counted from its listing (the checksum folds the step count in, so a wrong jump shows).
 */
function dispatchReference(n: number): number {
  let x = 7;
  let acc = 0;
  let steps = 0;
  for (let counter = n; counter !== 0; counter -= 1) {
    steps += 2 + 6 + 4; // loop test, x update, bit test
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    if (((x >>> 16) & 1) !== 0) {
      acc = (acc + (x >>> 7)) >>> 0;
      steps += 6;
    } else {
      acc = (acc ^ x) >>> 0;
      steps += 4;
    }
    steps += 5; // acc < x
    if (acc < x) {
      acc = (acc + 1) >>> 0;
      steps += 4;
    }
    steps += 7; // counter decrement and jump back
  }
  steps += 3; // final test and halt
  return (acc ^ x ^ Math.imul(steps, 0x9e3779b9)) >>> 0;
}

/** Small sizes: a few milliseconds per kernel in the interpreter. */
const SMALL: Record<(typeof KERNELS)[number]['name'], number> = {
  integer: 20000,
  memory: 2,
  float: 50,
  calls: 40,
  dispatch: 3000,
  sort: 2,
};

const cacheDir = mkdtempSync(join(tmpdir(), 'wrt-bench-kernels-'));
let build: KernelBuild;
let v8: Awaited<ReturnType<typeof v8Kernels>>;
let wrt: WrtKernels;

beforeAll(async () => {
  buildInterp('interp');
  build = buildKernels(cacheDir);
  v8 = await v8Kernels(build.wasm);
  wrt = wrtKernels(loadInterp('interp'), build.wasm);
}, 120_000);

afterAll(() => {
  wrt.dispose();
  rmSync(cacheDir, { recursive: true, force: true });
});

describe('kernel build', () => {
  it('builds once per source key: a second build is served from the cache', () => {
    expect(build.cached).toBe(false);
    const again = buildKernels(cacheDir);
    expect(again.cached).toBe(true);
    expect(again.wasmPath).toBe(build.wasmPath);
    // \0asm, version 1
    expect(Array.from(build.wasm.subarray(0, 8))).toEqual([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]);
  });
});

describe('native, V8 and wrt agree on every kernel', () => {
  for (const kernel of KERNELS) {
    it(kernel.name, () => {
      const n = SMALL[kernel.name];
      const native = runNative(build, kernel, n, 2);
      expect(native.length).toBe(2);
      const expected = native[0]?.checksum;
      expect(native[1]?.checksum).toBe(expected);
      expect(v8(kernel)(n)).toBe(expected);
      expect(wrt.kernel(kernel)(n)).toBe(expected);
      // The size matters: another n gives another checksum on every engine.
      const other = runNative(build, kernel, n + 1, 1)[0]?.checksum;
      expect(other).not.toBe(expected);
      expect(wrt.kernel(kernel)(n + 1)).toBe(other);
      // Pure: a repeated call starts from the same state.
      expect(wrt.kernel(kernel)(n)).toBe(expected);
    });
  }

  it('fails loudly when one engine disagrees', async () => {
    const sort = KERNELS.find((k) => k.name === 'sort');
    if (sort === undefined) throw new Error('no sort kernel');
    const real = wrt.kernel(sort);
    const good = await compareKernel(sort, 1, 1, { build, v8: v8(sort), wrt: real });
    expect(good.checksum).toBe(real(1));
    await expect(compareKernel(sort, 1, 1, { build, v8: v8(sort), wrt: (n) => real(n) ^ 1 })).rejects.toThrow(
      /checksums of sort\(1\) disagree: native \d+, V8 \d+, wrt \d+/,
    );
  });

  it('integer matches a TypeScript transcription of integer.c', () => {
    const integer = KERNELS.find((k) => k.name === 'integer');
    if (integer === undefined) throw new Error('no integer kernel');
    expect(wrt.kernel(integer)(1000)).toBe(integerReference(1000));
    expect(runNative(build, integer, 1000, 1)[0]?.checksum).toBe(integerReference(1000));
  });

  it('dispatch runs the bytecode program as its listing says', () => {
    const dispatch = KERNELS.find((k) => k.name === 'dispatch');
    if (dispatch === undefined) throw new Error('no dispatch kernel');
    for (const n of [0, 1, 2, 777]) {
      expect(wrt.kernel(dispatch)(n)).toBe(dispatchReference(n));
      expect(v8(dispatch)(n)).toBe(dispatchReference(n));
    }
  });
});

// The optional column: only where native-sim is built (make -C native/sim, as scripts/setup.sh does).
describe.skipIf(!existsSync(nativeSimPath()))('native-sim over its stdio protocol', () => {
  it('answers every kernel with the native checksum', async () => {
    const sim = await simKernels(nativeSimPath(), build.wasm);
    try {
      for (const kernel of KERNELS) {
        const n = SMALL[kernel.name];
        expect(await sim.kernel(kernel)(n)).toBe(runNative(build, kernel, n, 1)[0]?.checksum);
      }
    } finally {
      await sim.close();
    }
  });
});

describe('benchmark arithmetic', () => {
  it('parses the native driver output and refuses anything else', () => {
    expect(parseNativeRuns('4161733799 5189\n12 30000000\n')).toEqual([
      { checksum: 4161733799, ms: 0.005189 },
      { checksum: 12, ms: 30 },
    ]);
    expect(() => parseNativeRuns('1 2\nsegfault\n')).toThrow(WrtError);
    try {
      parseNativeRuns('1 2\nsegfault\n');
    } catch (error) {
      expect((error as WrtError).location?.line).toBe(2);
    }
    expect(() => parseNativeRuns('4294967296 1\n')).toThrow(/not a uint32/);
  });

  it('scales a size linearly to the target time, to two significant digits', () => {
    expect(scaledSize(1000, 2, 30)).toBe(15000);
    expect(scaledSize(32, 2.1, 30)).toBe(460);
    expect(scaledSize(1, 100, 30)).toBe(1);
  });

  it('takes the geometric mean and says whether the goal is met', () => {
    expect(geometricMean([2, 8])).toBeCloseTo(4, 12);
    expect(() => geometricMean([])).toThrow(WrtError);
    const row = { kernel: 'k', n: 10, checksum: 255, nativeMs: 10, v8Ms: 15 };
    const met = formatKernelTable([{ ...row, wrtMs: 50 }, { ...row, kernel: 'j', wrtMs: 200 }]);
    expect(met).toContain('0x000000ff');
    expect(met).toMatch(/geometric mean\s+10\.00x\s+1\.50x/);
    expect(met).toContain('<= 10x: met (10.00x)');
    expect(met).not.toContain('sim ms');
    const missed = formatKernelTable([{ ...row, wrtMs: 300 }]);
    expect(missed).toContain('NOT met (30.00x)');
    const withSim = formatKernelTable([{ ...row, wrtMs: 50, simMs: 60 }, { ...row, kernel: 'j', wrtMs: 200, simMs: 240 }]);
    expect(withSim).toMatch(/wrt\/native\s+V8\/native\s+sim ms\s+sim\/native/);
    expect(withSim).toMatch(/geometric mean\s+10\.00x\s+1\.50x\s+12\.00x/);
  });
});
