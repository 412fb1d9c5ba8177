import { describe, expect, it } from 'vitest';
import { Random, mutate } from '../../scripts/wasm/differential.js';
import { WasmError } from '../../ts/wasm/errors.js';
import { isValidWasm, validateWasm, validateWasmStream } from '../../ts/wasm/validate.js';
import { HEADER, body, module, section, vec } from './builder.js';
import { indexOfBytes, wat } from './wat.js';

function rejection(bytes: Uint8Array, options: Parameters<typeof validateWasm>[1] = {}): WasmError {
  try {
    validateWasm(bytes, options);
  } catch (error) {
    if (error instanceof WasmError) return error;
    throw error;
  }
  throw new Error('the module was accepted');
}

const MISMATCH = `(module
  (func $helper (result i32) i32.const 7)
  (func $main (export "main") (result i32)
    i32.const 1
    i64.const 2
    i32.add))`;

describe('validation errors', () => {
  it('name the byte offset of the instruction, the section, the function index and its name', () => {
    const bytes = wat(MISMATCH, { names: true, flags: ['--no-check'] });
    const error = rejection(bytes, { file: 'app.wasm' });
    expect(error.code).toBe('WASM_INVALID');
    expect(error.exitCode).toBe(1);
    expect(error.message).toBe('type mismatch: i32.add expected i32 but found i64');
    // i32.const 1 (41 01), i64.const 2 (42 02), then i32.add (6a) at the reported offset.
    const add = indexOfBytes(bytes, [0x41, 0x01, 0x42, 0x02, 0x6a]) + 4;
    expect(error.location).toEqual({ file: 'app.wasm', offset: add, field: 'code section: function 1 ($main)' });
    expect(error.detail).toEqual({ section: 'code section', functionIndex: 1, functionName: 'main' });
    expect(error.describe()).toBe(`app.wasm: byte ${add} (0x${add.toString(16)}): code section: function 1 ($main): type mismatch: i32.add expected i32 but found i64`);
    expect(error.toJSON()).toMatchObject({ code: 'WASM_INVALID', exitCode: 1, detail: { functionName: 'main' } });
  });

  it('read the name section after the code only when asked to (the default)', async () => {
    const bytes = wat(MISMATCH, { names: true, flags: ['--no-check'] });
    expect(rejection(bytes, { nameLookahead: false }).location.field).toBe('code section: function 1');
    const streamed = await validateWasmStream([bytes.subarray(0, 40), bytes.subarray(40)]).catch((e: unknown) => e);
    expect((streamed as WasmError).location.field).toBe('code section: function 1 ($main)');
    expect(rejection(wat(MISMATCH, { flags: ['--no-check'] })).location.field).toBe('code section: function 1');
  });

  it('say what was expected for stack underflow, unknown indices, labels and alignment', () => {
    const cases: [string, string][] = [
      ['(module (func (result i32) i32.add))', 'type mismatch: i32.add expected i32 but the operand stack is empty'],
      ['(module (func (local.get 3) drop))', 'unknown local 3: the function has 0 locals'],
      ['(module (func (call 9)))', 'unknown function 9: the module has 1 functions'],
      ['(module (func (br 2)))', 'unknown label 2: only 1 enclosing blocks'],
      ['(module (memory 1) (func (drop (i32.load align=8 (i32.const 0)))))', 'alignment must not be larger than natural: i32.load has alignment 2^3, natural is 2^2'],
      ['(module (func (drop (i32.load (i32.const 0)))))', 'unknown memory 0: i32.load needs a memory'],
      ['(module (func (result i32) (i32.const 1) (i32.const 2)))', 'type mismatch: 1 value(s) left on the operand stack at end'],
      ['(module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1))))', 'global is immutable: global.set 0'],
    ];
    for (const [text, message] of cases) {
      const error = rejection(wat(text, { flags: ['--no-check'] }));
      expect(error.message, text).toBe(message);
      expect(error.code, text).toBe('WASM_INVALID');
    }
  });

  it('report malformed input with its offset: magic, version, order, sizes, LEB128', () => {
    expect(rejection(Uint8Array.of()).message).toBe('unexpected end: the module ends inside its magic header');
    expect(rejection(Uint8Array.of(0x00, 0x61, 0x73, 0x6e, 1, 0, 0, 0)).location.offset).toBe(0);
    const version = rejection(Uint8Array.of(0x00, 0x61, 0x73, 0x6d, 2, 0, 0, 0));
    expect([version.code, version.message, version.location.offset]).toEqual(['WASM_MALFORMED', 'unknown binary version 2: expected 1', 4]);
    const order = rejection(module(section(3, vec([])), section(1, vec([]))));
    expect([order.message, order.location.offset]).toEqual(['unexpected content after last section: type section out of order or repeated', 11]);
    const size = rejection(module([1, 5, 0, 0]));
    expect([size.message, size.location.field]).toEqual(['section size mismatch: the type section declares 5 bytes but its contents end at byte 11', 'type section']);
    const leb = rejection(module(section(1, [0x80, 0x80, 0x80, 0x80, 0x80, 0x00])));
    expect([leb.message, leb.location.offset]).toEqual(['integer representation too long', 10]);
    const truncated = rejection(module(section(1, vec([[0x60, 0x00, 0x00]])), section(3, vec([[0x00]])), section(10, vec([body([], [0x41])]))).subarray(0, 27));
    expect(truncated.code).toBe('WASM_MALFORMED');
    expect(truncated.message).toMatch(/^unexpected end/);
  });

  it('name the proposal of encodings beyond WebAssembly 2.0 that engines may accept', () => {
    const tail = rejection(wat('(module (func $f (return_call $f)))', { flags: ['--enable-tail-call'] }));
    expect([tail.code, tail.detail.proposal, tail.message]).toEqual([
      'WASM_MALFORMED',
      'tail-call',
      'illegal opcode 0x12 (return_call): the tail-call proposal is not part of WebAssembly 2.0',
    ]);
    expect(rejection(wat('(module (memory 1 1 shared))', { flags: ['--enable-threads'] })).detail.proposal).toBe('threads');
    expect(rejection(wat('(module (tag $e))', { flags: ['--enable-exceptions'] })).detail.proposal).toBe('exception-handling');
    expect(rejection(module(section(5, vec([[0x04, 0x01]])))).detail.proposal).toBe('memory64');
  });

  it('apply the JS API implementation limits by default, and only the specification with embedderLimits none', () => {
    // 60,000 i32 locals: valid WebAssembly 2.0, over the 50,000 every web engine allows.
    const bytes = module(section(1, vec([[0x60, 0x00, 0x00]])), section(3, vec([[0x00]])), section(10, vec([body([[60_000, 0x7f]], [])])));
    const error = rejection(bytes);
    expect([error.code, error.message]).toEqual(['WASM_INVALID', 'implementation limit: locals 60000 exceeds 50000 (WebAssembly JS API limits)']);
    expect(validateWasm(bytes, { embedderLimits: 'none' }).functions[0]?.locals).toBe(60_000);
  });

  it('answer yes or no through isValidWasm', () => {
    expect(isValidWasm(wat('(module (func (result i32) (i32.const 1)))'))).toBe(true);
    expect(isValidWasm(wat(MISMATCH, { flags: ['--no-check'] }))).toBe(false);
    expect(isValidWasm(Uint8Array.of(0, 0x61, 0x73))).toBe(false);
  });

  it('never throw anything but WasmError on random bytes and mutations', () => {
    const random = new Random(42);
    const seed = wat(
      `(module (memory 1) (table 2 funcref) (global (mut i32) (i32.const 0))
        (func $a (param i32) (result i32) (local i64 f32) (block (result i32) (local.get 0) (br_if 0 (i32.const 1)))
          (if (result i32) (then (i32.const 1)) (else (i32.load (i32.const 8)))))
        (func (export "b") (call_indirect (param i32) (result i32) (i32.const 3) (i32.const 0)) drop)
        (elem (i32.const 0) $a) (data (i32.const 16) "hello"))`,
    );
    let rejected = 0;
    for (let i = 0; i < 3000; i += 1) {
      const bytes = i % 3 === 0 ? Uint8Array.from([...HEADER, ...random.bytes(random.below(64))]) : mutate(random, seed).bytes;
      try {
        validateWasm(bytes);
      } catch (error) {
        expect(error).toBeInstanceOf(WasmError);
        rejected += 1;
      }
    }
    expect(rejected).toBeGreaterThan(2000);
  });
});
