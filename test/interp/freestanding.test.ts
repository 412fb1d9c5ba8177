import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findCycles, parseCallGraph, worstStack } from '../../tools/interp/callgraph.js';
import { withBuildLock } from '../../tools/interp/build.js';
import { packageRoot } from '../../ts/core/paths.js';
import { interp } from './helpers.js';

/**
 * What "freestanding, bounded, stackless" means, checked on the built objects: no undefined
 * symbols (no libc, libm or compiler runtime on the host), only freestanding headers, no
 * recursion anywhere in the core, a bounded native stack, the same sources compiling for a
 * Cortex-M4, and CET marks on the x86-64 library.
 */
const root = packageRoot();
const coreDir = resolve(root, 'native', 'interp');

function make(...args: string[]): string {
  return withBuildLock(() => execFileSync('make', ['-s', '-C', coreDir, ...args], { encoding: 'utf8' }));
}

function hasTool(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('freestanding core', () => {
  beforeAll(() => {
    interp();
  }, 600_000);

  it('needs no symbol from outside the core on the host', () => {
    expect(make('symbols').trim()).toBe('');
  });

  it('includes only freestanding headers in core sources', () => {
    const allowed = new Set(['stdint.h', 'stddef.h', 'stdbool.h', 'float.h', 'limits.h']);
    const sources = readdirSync(coreDir).filter((f) => f.endsWith('.c') || f.endsWith('.h'));
    expect(sources.length).toBeGreaterThanOrEqual(20);
    const system = sources.flatMap((file) =>
      [...readFileSync(join(coreDir, file), 'utf8').matchAll(/^#\s*include\s*<([^>]+)>/gm)].map((m) => `${file}: ${m[1]}`),
    );
    expect(system.filter((entry) => !allowed.has(entry.split(': ')[1] ?? ''))).toEqual([]);
    expect(system.length).toBeGreaterThan(0);
  });

  it('has no recursion, and a native stack bounded whatever the wasm call depth', () => {
    make('callgraph', 'CC=gcc');
    const dir = resolve(root, 'build', 'interp-callgraph');
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.ci'))
      .map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
    const sources = readdirSync(coreDir).filter((f) => f.endsWith('.c'));
    expect(files.length).toBe(sources.length);
    const graph = parseCallGraph(files);
    expect(findCycles(graph)).toEqual([]);
    expect(graph.calls.get('wrt_exec')?.has('wrt_host_invoke')).toBe(true);
    for (const entry of ['wrt_invoke', 'wrt_module_load', 'wrt_instantiate']) {
      const worst = worstStack(graph, entry);
      // A few hundred bytes: every wasm call, however deep, runs in wrt_exec's one frame.
      expect(worst.bytes, `${entry}: ${worst.path.join(' > ')}`).toBeGreaterThan(0);
      expect(worst.bytes, `${entry}: ${worst.path.join(' > ')}`).toBeLessThan(2048);
    }
    expect(worstStack(graph, 'wrt_invoke').path.slice(0, 2)).toEqual(['wrt_invoke', 'wrt_exec']);
  });

  it.runIf(hasTool('arm-none-eabi-gcc'))('compiles unchanged for a Cortex-M4, needing only compiler runtime helpers', () => {
    make('cortex-m');
    const core = resolve(root, 'build', 'interp-cortex-m4', 'wrt_core.o');
    const undefinedSymbols = execFileSync('arm-none-eabi-nm', ['-u', core], { encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim().split(/\s+/).at(-1) ?? '')
      .filter((name) => name !== '');
    expect(undefinedSymbols.length).toBeGreaterThan(0);
    // Double-precision float and 64-bit division are libgcc's on an FPv4-SP core; nothing else.
    expect(undefinedSymbols.filter((name) => !/^__aeabi_\w+$|^__\w+di2$/.test(name))).toEqual([]);
  });

  it.runIf(process.arch === 'x64')('marks the x86-64 library for IBT and shadow stacks', () => {
    const notes = execFileSync('readelf', ['-n', resolve(root, 'build', 'interp', 'libwrt_interp.so')], {
      encoding: 'utf8',
    });
    expect(notes).toMatch(/x86 feature: IBT, SHSTK/);
    // Computed-goto dispatch targets start with ENDBR64, so indirect-branch tracking holds.
    // The executor's disassembly is over 1 MiB (execFileSync's default buffer) since the wide twins.
    const disassembly = execFileSync('objdump', ['-d', resolve(root, 'build', 'interp', 'obj', 'wrt_exec.o')], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    expect((disassembly.match(/endbr64/g) ?? []).length).toBeGreaterThan(150);
  });
});
