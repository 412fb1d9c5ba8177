import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InterpNative } from '../../tools/interp/ffi.js';
import { InterpRuntime } from '../../tools/interp/runtime.js';
import { SMALL_LAYOUT, returned, trapKind, wasm } from './helpers.js';
import { interp } from './helpers.js';

/**
 * The WASI preview1 subset (native/interp/wrt_wasi.c) running a C program built with clang and
 * wasi-libc at test time, on the host glue's test platform (output captured, POSIX clock,
 * getrandom).
 */
const PROGRAM = String.raw`
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  printf("argc=%d\n", argc);
  for (int i = 0; i < argc; i++) printf("argv[%d]=%s\n", i, argv[i]);
  const char *greeting = getenv("GREETING");
  printf("GREETING=%s\n", greeting ? greeting : "(unset)");
  fprintf(stderr, "warning on stderr\n");
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  clock_gettime(CLOCK_MONOTONIC, &b);
  int forward = b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec);
  printf("monotonic=%s\n", forward ? "ok" : "backwards");
  unsigned char buf[32];
  memset(buf, 0, sizeof buf);
  int r = getentropy(buf, sizeof buf);
  int filled = 0;
  for (unsigned i = 0; i < sizeof buf; i++) filled |= buf[i];
  printf("entropy=%d %s\n", r, filled ? "filled" : "zero");
  printf("lseek=%ld\n", (long)lseek(1, 0, SEEK_CUR));
  return argc == 3 ? 7 : 0;
}
`;

const LAYOUT = { ...SMALL_LAYOUT, metaBytes: 1 << 20, codeBytes: 1 << 20, controlBytes: 1 << 16, memoryPages: 32, stackSlots: 1 << 16 };

let native: InterpNative;
let program: Uint8Array;
const dir = mkdtempSync(join(tmpdir(), 'wrt-wasi-'));

beforeAll(() => {
  native = interp();
  writeFileSync(join(dir, 'hello.c'), PROGRAM);
  execFileSync('clang', ['--target=wasm32-wasi', '-O2', join(dir, 'hello.c'), '-o', join(dir, 'hello.wasm')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  program = new Uint8Array(readFileSync(join(dir, 'hello.wasm')));
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function output(fd: number): string {
  const total = native.wasiOutput(fd, null, 0);
  const buf = new Uint8Array(total);
  native.wasiOutput(fd, buf, total);
  return Buffer.from(buf).toString('utf8');
}

function run(args: string, env: string): { trap: string | undefined; exitCode: number } {
  native.wasiSetup(args, env);
  const rt = InterpRuntime.create(native, LAYOUT);
  try {
    const instance = rt.instantiateBytes(program, 'wasi');
    if (!instance.ok) throw new Error(`${instance.error.kind}: ${instance.error.message}`);
    const start = instance.value.func('_start');
    if (start === undefined) throw new Error('no _start');
    const result = rt.invoke(start, []);
    return { trap: result.ok ? undefined : result.trap.kind, exitCode: Number(native.wasiExitCode()) };
  } finally {
    rt.dispose();
  }
}

describe('WASI preview1 subset', () => {
  it('runs a wasi-libc program: arguments, environment, stdout, stderr, clock, entropy, seek', () => {
    const result = run('hello.wasm\none\ntwo', 'GREETING=hi there\nOTHER=1');
    expect(output(1)).toBe(
      [
        'argc=3',
        'argv[0]=hello.wasm',
        'argv[1]=one',
        'argv[2]=two',
        'GREETING=hi there',
        'monotonic=ok',
        'entropy=0 filled',
        'lseek=-1',
        '',
      ].join('\n'),
    );
    expect(output(2)).toBe('warning on stderr\n');
    // main returned 7: wasi-libc's _start calls proc_exit(7), which ends the invocation.
    expect(result).toEqual({ trap: 'exit', exitCode: 7 });
  });

  it('returns normally when main returns 0, without proc_exit', () => {
    const result = run('hello.wasm', '');
    expect(result).toEqual({ trap: undefined, exitCode: -1 });
    expect(output(1)).toContain('argc=1\nargv[0]=hello.wasm\nGREETING=(unset)\n');
  });

  it('answers EFAULT for guest pointers outside memory and EBADF for other descriptors', () => {
    native.wasiSetup('', '');
    const rt = InterpRuntime.create(native, LAYOUT);
    try {
      const instance = rt.instantiateBytes(
        wasm(`(module
          (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
          (memory 1)
          (data (i32.const 16) "\\18\\00\\00\\00\\05\\00\\00\\00hello")
          (func (export "write") (param i32 i32 i32) (result i32)
            (call $w (local.get 0) (local.get 1) (local.get 2) (i32.const 8)))
          (func (export "written") (result i32) (i32.load (i32.const 8))))`),
        'wasi',
      );
      if (!instance.ok) throw new Error(instance.error.message);
      const write = instance.value.func('write');
      const written = instance.value.func('written');
      if (write === undefined || written === undefined) throw new Error('exports missing');
      expect(returned(rt.invoke(write, [1n, 16n, 1n]))).toEqual([0n]);
      expect(returned(rt.invoke(written, []))).toEqual([5n]);
      expect(output(1)).toBe('hello');
      expect(returned(rt.invoke(write, [1n, 65535n, 1n]))).toEqual([21n]);
      expect(returned(rt.invoke(write, [3n, 16n, 1n]))).toEqual([8n]);
      expect(trapKind(rt.invoke(write, [1n]))).toBe('invoke_misuse');
    } finally {
      rt.dispose();
    }
  });
});
