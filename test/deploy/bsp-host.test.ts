/**
 * The board support's hardware-independent C (receive ring, number formatting), built with the
 * host compiler and the firmware's warning flags, and run here: the ring's full and wrap-around
 * paths never happen under QEMU, whose UART waits for the firmware instead of overrunning.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../ts/core/paths.js';
import { findExecutable } from '../../ts/deploy/qemu.js';

const compiler = findExecutable('cc') ?? findExecutable('gcc');
const bsp = join(packageRoot(), 'targets', 'bsp', 'cortex-m');
let scratch = '';
let results = new Map<string, string>();

beforeAll(() => {
  if (compiler === undefined) return;
  scratch = mkdtempSync(join(tmpdir(), 'wrt-bsp-host-'));
  const program = join(scratch, 'bsp_host_check');
  execFileSync(compiler, [
    '-std=c11', '-Wall', '-Wextra', '-Werror', '-fno-tree-loop-distribute-patterns', `-I${bsp}`,
    join(packageRoot(), 'test', 'deploy', 'fixtures', 'bsp_host_check.c'), join(bsp, 'wrt_ring.c'), join(bsp, 'wrt_fmt.c'),
    '-o', program,
  ]);
  const output = execFileSync(program, { encoding: 'utf8' });
  results = new Map(output.split(/\s+/).filter((field) => field.includes('=')).map((field) => {
    const at = field.indexOf('=');
    return [field.slice(0, at), field.slice(at + 1)];
  }));
});

afterAll(() => {
  if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
});

describe.skipIf(compiler === undefined)('board support C on the host', () => {
  it('accepts only power-of-two ring capacities', () => {
    expect([results.get('init_capacity_3'), results.get('init_capacity_1'), results.get('init_capacity_4')]).toEqual(['0', '0', '1']);
    expect(results.get('empty_get')).toBe('-1');
  });

  it('drops and counts bytes past capacity, keeping order', () => {
    expect([results.get('accepted'), results.get('dropped'), results.get('count')]).toEqual(['4', '2', '4']);
    expect(results.get('drained')).toBe('01020304');
  });

  it('wraps its free-running indices at 2^32', () => {
    expect([results.get('wrapped_count'), results.get('full_put')]).toEqual(['4', '0']);
    expect(results.get('wrapped')).toBe('a0a1a2a3');
    expect(results.get('wrapped_head')).toBe('2');
  });

  it('formats and parses 32-bit numbers', () => {
    expect(results.get('u32_0')).toBe('0');
    expect(results.get('u32_max')).toBe('4294967295');
    expect(results.get('hex32')).toBe('0x4000c0de');
    expect(results.get('parse_max')).toBe("1,4294967295,';rest'");
    expect(results.get('parse_overflow')).toBe("0,7,'4294967296'");
    expect(results.get('parse_none')).toBe("0,'x1'");
  });
});
