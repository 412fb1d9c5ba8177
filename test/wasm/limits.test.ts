import { describe, expect, it } from 'vitest';
import { WrtError } from '../../ts/core/errors.js';
import { loadTarget } from '../../ts/targets/load.js';
import { WasmError } from '../../ts/wasm/errors.js';
import { type ValidationLimits, importAllowed, limitsFromRecord } from '../../ts/wasm/limits.js';
import { limitsForTarget } from '../../ts/wasm/target-limits.js';
import { validateWasm } from '../../ts/wasm/validate.js';
import { indexOfBytes, wat } from './wat.js';

function overLimit(bytes: Uint8Array, limits: ValidationLimits): WasmError {
  try {
    validateWasm(bytes, { limits });
  } catch (error) {
    if (error instanceof WasmError && error.code === 'LIMIT_EXCEEDED') return error;
    throw error;
  }
  throw new Error('the module passed the limits');
}

describe('limitsFromRecord', () => {
  it('accepts camelCase, snake_case and kebab-case keys, numbers, bigints, decimal strings and { value } wrappers', () => {
    expect(
      limitsFromRecord({
        max_types: 10,
        'max-functions': 20n,
        maxGlobals: '30',
        maxLinearMemory: { value: 131072, source: 'cli' },
        features: { fpu: false, SIMD: true, bulk_memory: false },
        allowedImports: ['env.*', 'wasi_snapshot_preview1.fd_write'],
        target: 'board-x',
        unrelated: 'ignored',
        maxDataBytes: null,
      }),
    ).toEqual({
      maxTypes: 10,
      maxFunctions: 20,
      maxGlobals: 30,
      linearMemoryBytes: 131072,
      features: { float: false, simd: true, bulkMemory: false },
      allowedImports: ['env.*', 'wasi_snapshot_preview1.fd_write'],
      target: 'board-x',
    });
  });

  it('rejects values that are not counts or flags, naming the field', () => {
    const bad = (record: Record<string, unknown>): WrtError => {
      try {
        limitsFromRecord(record, 'limits.json');
      } catch (error) {
        if (error instanceof WrtError) return error;
      }
      throw new Error('accepted');
    };
    expect(bad({ maxTypes: -1 }).location).toEqual({ field: 'limits.json.maxTypes', source: 'limits.json' });
    expect(bad({ maxTypes: 1.5 }).code).toBe('VALUE_INVALID');
    expect(bad({ maxTypes: '12 MB' }).message).toBe('limits.json.maxTypes must be a non-negative integer, got 12 MB');
    expect(bad({ features: { simd: 'no' } }).location.field).toBe('limits.json.features.simd');
    expect(bad({ allowedImports: ['fd_write'] }).message).toMatch(/module\.name/);
  });

  it('matches imports against module.name and module.* patterns', () => {
    expect(importAllowed(['env.*'], 'env', 'anything')).toBe(true);
    expect(importAllowed(['wasi.fd_write'], 'wasi', 'fd_write')).toBe(true);
    expect(importAllowed(['wasi.fd_write'], 'wasi', 'fd_read')).toBe(false);
    expect(importAllowed(['*.log'], 'console', 'log')).toBe(true);
  });
});

describe('limit checks, as early as the bytes allow', () => {
  it('stops at the type section count, before reading the types', () => {
    const bytes = wat('(module (type (func)) (type (func (param i32))) (type (func (result i32))))');
    const error = overLimit(bytes, { maxTypes: 2, target: 'tiny' });
    expect(error.message).toBe('the type section declares types: 3 exceeds the 2 target tiny allows (maxTypes)');
    expect(error.location).toMatchObject({ offset: 10, field: 'type section', limit: 'maxTypes 2' });
    expect(error.detail.limitName).toBe('maxTypes');
    expect(error.exitCode).toBe(1);
  });

  it('checks functions, globals, exports, element and data segments by count', () => {
    const bytes = wat(`(module (memory 1) (table 1 funcref) (global i32 (i32.const 0)) (global i32 (i32.const 1))
      (func) (func) (func (export "a")) (export "b" (func 0))
      (func (data.drop 1))
      (elem (i32.const 0) 0) (elem func 1) (data (i32.const 0) "x") (data "y"))`);
    expect(overLimit(bytes, { maxFunctions: 3 }).detail.limitName).toBe('maxFunctions');
    expect(overLimit(bytes, { maxGlobals: 1 }).message).toMatch(/globals \(imported and defined\): 2 exceeds/);
    expect(overLimit(bytes, { maxExports: 1 }).detail.limitName).toBe('maxExports');
    expect(overLimit(bytes, { maxElementSegments: 1 }).detail.limitName).toBe('maxElementSegments');
    const data = overLimit(bytes, { maxDataSegments: 1 });
    // The data count section (before the code) already decides it.
    expect([data.detail.limitName, data.location.field]).toEqual(['maxDataSegments', 'data count section']);
    expect(overLimit(bytes, { maxDataBytes: 1 }).message).toBe('data segment bytes in total: 2 exceeds the 1 the target allows (maxDataBytes)');
  });

  it('checks the linear-memory budget: initial pages, data placement, and the reach of memory.grow', () => {
    const initial = overLimit(wat('(module (memory 3))'), { linearMemoryBytes: 2 * 65536 });
    expect(initial.message).toBe('memory 0 starts with 3 pages (196608 bytes), more than the 131072 bytes the target allows (linearMemoryBytes)');
    expect(initial.location.field).toBe('memory section');
    const placed = overLimit(wat('(module (memory 1) (data (i32.const 65534) "abcd"))'), { linearMemoryBytes: 65536 });
    expect(placed.message).toBe('data segment 0 ends at address: 65538 exceeds the 65536 the target allows (linearMemoryBytes)');
    const growing = wat('(module (memory 1 4) (func (export "g") (drop (memory.grow (i32.const 1)))))');
    const grow = overLimit(growing, { linearMemoryBytes: 3 * 65536 });
    expect(grow.message).toMatch(/^memory.grow can grow linear memory to 262144 bytes \(maximum 4 pages\), more than the 196608 bytes/);
    expect(grow.location.offset).toBe(indexOfBytes(growing, [0x40, 0x00]));
    expect(grow.location.field).toBe('code section: function 0');
    // Without memory.grow the maximum is never reached: within budget.
    expect(validateWasm(wat('(module (memory 1 4))'), { limits: { linearMemoryBytes: 65536 } }).memory.canGrow).toBe(false);
  });

  it('rejects floating point on a target without an FPU, naming the first use', () => {
    const bytes = wat('(module (func $f (export "f") (result i32) (drop (f32.const 1)) (i32.const 0)))', { names: true });
    const error = overLimit(bytes, { features: { float: false }, target: 'm0' });
    expect(error.message).toBe('f32.const is the first use of floating point (f32/f64), and it has no FPU on target m0');
    expect(error.location).toMatchObject({ field: 'code section: function 0 ($f)', limit: 'features.float false', offset: indexOfBytes(bytes, [0x43]) });
    const signature = overLimit(wat('(module (func (param f64)))'), { features: { float: false } });
    expect([signature.message, signature.location.field]).toEqual([
      'function 0 of type (f64) -> () is the first use of floating point (f32/f64), and it has no FPU on the target',
      'function section',
    ]);
  });

  it('rejects SIMD and bulk memory on targets without them', () => {
    expect(overLimit(wat('(module (func (drop (v128.const i32x4 0 0 0 0))))'), { features: { simd: false } }).message).toBe(
      'v128.const is the first use of SIMD (v128), and it has no SIMD support on the target',
    );
    expect(overLimit(wat('(module (memory 1) (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0))))'), { features: { bulkMemory: false } }).detail.limitName).toBe(
      'features.bulkMemory',
    );
  });

  it('checks imports against the allowed host functions', () => {
    const bytes = wat('(module (import "env" "log" (func (param i32))) (import "wasi" "fd_write" (func (param i32 i32 i32 i32) (result i32))))');
    expect(validateWasm(bytes, { limits: { allowedImports: ['env.*', 'wasi.fd_write'] } }).imports).toHaveLength(2);
    const error = overLimit(bytes, { allowedImports: ['env.*'] });
    expect(error.message).toBe('import wasi.fd_write (function (i32, i32, i32, i32) -> i32) is not a host function the target provides');
    expect(error.location.limit).toBe('allowedImports env.*');
  });

  it('checks per-function locals, operand stack, control depth and frame bytes', () => {
    const bytes = wat('(module (func (param i32) (local i64 i64) (block (block (drop (i32.add (i32.const 1) (i32.const 2)))))))');
    expect(overLimit(bytes, { maxLocals: 2 }).message).toBe('parameters and locals: 3 exceeds the 2 the target allows (maxLocals)');
    expect(overLimit(bytes, { maxOperandStackSlots: 1 }).message).toBe('operand stack height (values): 2 exceeds the 1 the target allows (maxOperandStackSlots)');
    expect(overLimit(bytes, { maxFrameBytes: 27 }).message).toBe('frame bytes (locals and operand stack): 28 exceeds the 27 the target allows (maxFrameBytes)');
    const depth = overLimit(bytes, { maxControlDepth: 1 });
    expect(depth.message).toBe('blocks nested 2 deep: more than the 1 the target allows (maxControlDepth)');
    expect(depth.location.field).toBe('code section: function 0');
    expect(validateWasm(bytes, { limits: { maxLocals: 3, maxOperandStackSlots: 2, maxFrameBytes: 28, maxControlDepth: 2 } }).functions[0]?.frameBytes).toBe(28);
  });

  it('checks call depth and stack bytes from each entry point, and refuses unbounded recursion', () => {
    const chain = wat('(module (func $a (export "a") (call $b)) (func $b (local i64) (call $c)) (func $c))', { names: true });
    expect(overLimit(chain, { maxCallDepth: 2 }).message).toBe('call depth from export "a" ($a): 3 exceeds the 2 the target allows (maxCallDepth)');
    expect(overLimit(chain, { maxStackBytes: 7 }).message).toBe('stack bytes from export "a" ($a): 8 exceeds the 7 the target allows (maxStackBytes)');
    const recursive = wat('(module (func $r (export "r") (call $r)))', { names: true });
    expect(overLimit(recursive, { maxStackBytes: 4096 }).message).toBe(
      'export "r" ($r) reaches recursion $r -> $r: its call depth and stack use have no static bound',
    );
  });
});

describe('limits of a target definition', () => {
  it('takes the linear-memory budget and instruction-set features from targets/', () => {
    expect(limitsForTarget(loadTarget('nucleo-f429zi'))).toEqual({
      target: 'nucleo-f429zi',
      // The whole 192 KiB SRAM: the firmware's own RAM is in the CCM; memory.grow past it returns -1 there.
      linearMemoryBytes: 196608,
      growCapped: true,
      features: { float: true, simd: true, bulkMemory: true },
    });
    expect(limitsForTarget(loadTarget('rpi-pico')).features).toEqual({ float: true, simd: false, bulkMemory: true });
  });
});
